//! Paginated pulls to stdout: the caps from the global options, the credit guard, then the rows
//! in the chosen format as they arrive, with progress on stderr.

use crate::guard::{Guarded, UNASKED_CREDIT_LIMIT, confirm_spend};
use crate::output::{Progress, RowWriter};
use crate::{Failure, Global, Outcome, spec};
use futures::{Stream, StreamExt};
use serde_json::Value;
use std::io::{self, Write};
use std::pin::pin;
use theirstack::pagination::{Cost, Page, Paginator, Source};

/// Applies the global caps and paging options to a paginator.
pub fn configure<S: Source>(mut pager: Paginator<S>, global: &Global) -> Paginator<S> {
    if let Some(size) = global.page_size {
        pager = pager.page_size(size);
    }
    if let Some(n) = global.max_results {
        pager = pager.max_items(n);
    }
    if let Some(n) = global.max_credits {
        pager = pager.max_credits(n);
    }
    pager.look_ahead(global.look_ahead)
}

/// Runs a paginated pull: credit guard, then rows to stdout as they arrive; a csv without rows
/// is the header of the rows' documented fields.
pub async fn pull<S>(pager: Paginator<S>, global: &Global) -> Outcome
where
    S: Source + Clone,
    S::Item: serde::Serialize,
    Paginator<S>: Guarded,
{
    let capped = pager.estimate_from(None);
    if pager.cost() != Cost::Free && capped.credits == Some(0) {
        return Err(Failure::Credits(
            "the caps allow no row: raise --max-results, or --max-credits to at least one row's price".into(),
        ));
    }
    let mut total = None;
    let may_overspend = capped.credits.is_none_or(|c| c > UNASKED_CREDIT_LIMIT);
    // A guard that can only judge once the first page has told the total.
    let mut after_first_page = None;
    if pager.cost() != Cost::Free && !global.yes && global.max_credits.is_none() && may_overspend {
        match pager.estimate_spend().await? {
            Some(estimate) => {
                total = estimate.rows;
                confirm_spend(&estimate)?;
            }
            None => after_first_page = Some(pager.clone()),
        }
    }
    let stdout = io::stdout().lock();
    let mut writer = RowWriter::new(
        io::BufWriter::new(stdout),
        global.format,
        global.columns.clone(),
    )
    .documented(spec::row_fields(S::OPERATION));
    let mut progress = Progress::new(global.quiet, total.or(capped.rows));
    let check = |page: &Page<S::Item>| match &after_first_page {
        Some(pager) => {
            let total = page
                .metadata
                .as_ref()
                .and_then(|m| m.total_results)
                .and_then(|t| u64::try_from(t).ok());
            confirm_spend(&pager.estimate_from(total))
        }
        None => Ok(()),
    };
    let result = write_pages(pager.pages(), &mut writer, &mut progress, check).await;
    progress.done();
    writer.finish()?;
    result
}

async fn write_pages<T: serde::Serialize>(
    pages: impl Stream<Item = theirstack::Result<Page<T>>>,
    writer: &mut RowWriter<impl Write>,
    progress: &mut Progress,
    first_page_check: impl FnOnce(&Page<T>) -> Outcome,
) -> Outcome {
    let mut pages = pin!(pages);
    let mut check = Some(first_page_check);
    while let Some(page) = pages.next().await {
        let page = page?;
        let rows: Vec<Value> = page
            .items
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()
            .map_err(io::Error::other)?;
        writer.write_page(&rows)?;
        progress.page(rows.len() as u64, page.credits);
        // The rows of the first page are paid for and printed; the next request waits for the
        // guard's answer.
        if let Some(check) = check.take() {
            check(&page)?;
        }
    }
    Ok(())
}
