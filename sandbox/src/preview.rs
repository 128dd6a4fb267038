//! Preview mode (`blur_company_data: true`): which fields are masked, and when it is refused.
//!
//! Rule: the documented fields are replaced by [`BLUR_MASK`], blurred objects say
//! `has_blurred_data: true`, and company identifier filters refuse preview with a 422.

use crate::criteria::CompanyCriteria;
use crate::data::UrlField;
use crate::errors::Failure;
use theirstack::types;

/// The value that replaces every blurred field in preview mode.
pub const BLUR_MASK: &str = "[blurred]";

pub(crate) fn refuse_preview_with_identifiers(
    blur: bool,
    criteria: &CompanyCriteria,
) -> Result<(), Failure> {
    if blur && criteria.identifies() {
        return Err(Failure::validation(
            "preview mode (blur_company_data) is not available with company identifier filters \
             (company_name_or, company_name_case_insensitive_or, company_domain_or, \
             company_linkedin_url_or, company_id_or)",
        ));
    }
    Ok(())
}

fn mask() -> String {
    BLUR_MASK.to_string()
}

fn blur_option(value: &mut Option<String>) {
    if value.is_some() {
        *value = Some(mask());
    }
}

/// Masks a job as preview mode does.
pub(crate) fn blur_job(job: &mut types::JobWithMatchingPhrasesResponseOutput) {
    blur_option(&mut job.description);
    job.url.mask(BLUR_MASK);
    blur_option(&mut job.final_url);
    job.source_url = mask();
    job.company = mask();
    blur_option(&mut job.company_domain);
    let c = &mut job.company_object;
    c.name = mask();
    blur_option(&mut c.domain);
    blur_option(&mut c.linkedin_url);
    blur_option(&mut c.linkedin_id);
    blur_option(&mut c.url);
    blur_option(&mut c.long_description);
    blur_option(&mut c.seo_description);
    c.possible_domains.iter_mut().for_each(|d| *d = mask());
    c.has_blurred_data = true;
    job.has_blurred_data = true;
}

pub(crate) fn blur_company(c: &mut types::CompanyWithTechnologiesAndJobsOutput) {
    c.name = mask();
    blur_option(&mut c.logo);
    blur_option(&mut c.url);
    blur_option(&mut c.domain);
    blur_option(&mut c.long_description);
    blur_option(&mut c.seo_description);
    blur_option(&mut c.linkedin_url);
    blur_option(&mut c.publicly_traded_symbol);
    blur_option(&mut c.apollo_id);
    blur_option(&mut c.linkedin_id);
    for job in &mut c.jobs_found {
        job.company = mask();
        blur_option(&mut job.url);
        job.has_blurred_data = true;
    }
    c.has_blurred_data = true;
}
