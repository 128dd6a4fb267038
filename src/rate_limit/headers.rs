//! The rate-limit headers of a response, parsed: `RateLimit`, `RateLimit-Policy` and the
//! `RateLimit-Limit` / `-Remaining` / `-Reset` lists, several windows in the same order.
//! Whatever is malformed is ignored; nothing here panics.

use reqwest::header::HeaderMap;
use std::time::Duration;

/// One rate-limit window, as reported by the server. Fields the server did not send are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Window {
    /// Policy name, such as `per-second`.
    pub policy: Option<String>,
    /// Requests allowed per window (`q` / `RateLimit-Limit`).
    pub limit: Option<u64>,
    /// Requests left in the current window (`r` / `RateLimit-Remaining`).
    pub remaining: Option<u64>,
    /// Time until the window resets (`t` / `RateLimit-Reset`).
    pub reset: Option<Duration>,
    /// Length of the window (`w`).
    pub window: Option<Duration>,
    /// Partition key (`pk`), as sent.
    pub partition_key: Option<String>,
}

/// The rate-limit state one response reported: one entry per window, in the server's order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// The windows, in the order of the headers.
    pub windows: Vec<Window>,
}

impl RateLimit {
    /// Reads the rate-limit headers. `None` when none of them carried a usable value.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let text = |name: &str| -> Option<String> {
            let values: Vec<&str> = headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (!values.is_empty()).then(|| values.join(", "))
        };
        let mut windows: Vec<Window> = Vec::new();
        let slot = |windows: &mut Vec<Window>, i: usize| -> usize {
            if windows.len() <= i {
                windows.resize_with(i + 1, Window::default);
            }
            i
        };

        if let Some(value) = text("ratelimit") {
            for (i, item) in parse_list(&value).into_iter().enumerate() {
                let i = slot(&mut windows, i);
                let w = &mut windows[i];
                w.remaining = item.param_u64("r");
                w.reset = item.param_u64("t").map(Duration::from_secs);
                w.partition_key = item.param_str("pk");
                w.policy = item.name;
            }
        }
        if let Some(value) = text("ratelimit-policy") {
            for (i, item) in parse_list(&value).into_iter().enumerate() {
                let i = slot(&mut windows, i);
                let w = &mut windows[i];
                w.limit = w.limit.or(item.param_u64("q"));
                w.window = w.window.or(item.param_u64("w").map(Duration::from_secs));
                if w.policy.is_none() {
                    w.policy = item.name;
                }
            }
        }
        for (name, field) in [
            ("ratelimit-limit", 0),
            ("ratelimit-remaining", 1),
            ("ratelimit-reset", 2),
        ] {
            let Some(value) = text(name) else {
                continue;
            };
            for (i, item) in value.split(',').enumerate() {
                let number = item
                    .split(';')
                    .next()
                    .and_then(|n| n.trim().parse::<u64>().ok());
                let Some(number) = number else {
                    continue;
                };
                let i = slot(&mut windows, i);
                let w = &mut windows[i];
                match field {
                    0 => w.limit = w.limit.or(Some(number)),
                    1 => w.remaining = w.remaining.or(Some(number)),
                    _ => w.reset = w.reset.or(Some(Duration::from_secs(number))),
                }
            }
        }
        windows.retain(|w| w != &Window::default());
        (!windows.is_empty()).then_some(RateLimit { windows })
    }

    /// The windows with no requests left.
    pub fn exhausted(&self) -> impl Iterator<Item = &Window> {
        self.windows.iter().filter(|w| w.remaining == Some(0))
    }

    /// How long until every exhausted window has reset; `None` when none is exhausted.
    pub fn wait(&self) -> Option<Duration> {
        self.exhausted()
            .map(|w| w.reset.unwrap_or(Duration::ZERO))
            .max()
    }

    /// The smallest number of requests left in any window, when known.
    pub fn remaining(&self) -> Option<u64> {
        self.windows.iter().filter_map(|w| w.remaining).min()
    }
}

/// One item of a structured-field list: a name (string or token) and its parameters.
#[derive(Debug, Default)]
struct Item {
    name: Option<String>,
    params: Vec<(String, String)>,
}

impl Item {
    fn param_str(&self, key: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    fn param_u64(&self, key: &str) -> Option<u64> {
        self.param_str(key)?.parse().ok()
    }
}

/// Splits a structured-field list (`"a";r=1;t=2, "b";r=3`) into items, honouring quotes.
fn parse_list(value: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            current.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                current.push(c);
                escaped = true;
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' if !quoted => {
                items.push(parse_item(&current));
                current.clear();
            }
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        items.push(parse_item(&current));
    }
    items
}

/// Parses one item: `"name";key=value;key="value"`.
fn parse_item(text: &str) -> Item {
    let mut parts = split_unquoted(text, ';').into_iter();
    let name = parts
        .next()
        .map(|n| unquote(n.trim()))
        .filter(|n| !n.is_empty());
    let params = parts
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), unquote(v.trim())))
        })
        .collect();
    Item { name, params }
}

fn split_unquoted(text: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            c if c == sep && !quoted => {
                out.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_bytes(v.as_bytes()).unwrap());
        }
        h
    }

    #[test]
    fn documented_example_is_parsed_into_four_windows() {
        let h = headers(&[
            (
                "ratelimit",
                r#""per-second";r=3;t=1;pk="dXNlcjoxMjM0", "per-minute";r=9;t=60;pk="dXNlcjoxMjM0", "per-hour";r=49;t=3600;pk="dXNlcjoxMjM0", "per-day";r=399;t=86400;pk="dXNlcjoxMjM0""#,
            ),
            (
                "ratelimit-policy",
                r#""per-second";q=4;w=1, "per-minute";q=10;w=60, "per-hour";q=50;w=3600, "per-day";q=400;w=86400"#,
            ),
            ("ratelimit-limit", "4, 10, 50, 400"),
            ("ratelimit-remaining", "3, 9, 49, 399"),
            ("ratelimit-reset", "1, 60, 3600, 86400"),
        ]);
        let rl = RateLimit::from_headers(&h).unwrap();
        assert_eq!(rl.windows.len(), 4);
        assert_eq!(
            rl.windows[1],
            Window {
                policy: Some("per-minute".into()),
                limit: Some(10),
                remaining: Some(9),
                reset: Some(Duration::from_secs(60)),
                window: Some(Duration::from_secs(60)),
                partition_key: Some("dXNlcjoxMjM0".into()),
            }
        );
        assert_eq!(rl.remaining(), Some(3));
        assert_eq!(rl.wait(), None);
    }

    #[test]
    fn legacy_lists_alone_are_enough() {
        let h = headers(&[
            ("ratelimit-limit", "4, 10"),
            ("ratelimit-remaining", "0, 9"),
            ("ratelimit-reset", "1, 60"),
        ]);
        let rl = RateLimit::from_headers(&h).unwrap();
        assert_eq!(rl.windows[0].remaining, Some(0));
        assert_eq!(rl.wait(), Some(Duration::from_secs(1)));
    }

    #[test]
    fn exhausted_windows_wait_for_the_longest_reset() {
        let h = headers(&[("ratelimit", r#""s";r=0;t=1, "m";r=0;t=42, "h";r=5;t=3000"#)]);
        assert_eq!(
            RateLimit::from_headers(&h).unwrap().wait(),
            Some(Duration::from_secs(42))
        );
    }

    #[test]
    fn garbage_is_ignored_without_panicking() {
        for junk in [
            "",
            ",,,",
            "\"unterminated;r=1",
            ";;;=",
            "r=-1;t=abc",
            "\"a\";r=99999999999999999999999",
            "\u{e9}\u{ff}",
            "\"x\";r",
            "\"\\",
            "a;b;c=;=d",
        ] {
            let h = headers(&[
                ("ratelimit", junk),
                ("ratelimit-remaining", junk),
                ("ratelimit-policy", junk),
            ]);
            let parsed = RateLimit::from_headers(&h);
            if let Some(rl) = parsed {
                assert!(rl.windows.iter().all(|w| w != &Window::default()));
            }
        }
        assert_eq!(
            RateLimit::from_headers(&headers(&[("ratelimit-remaining", "x, y")])),
            None
        );
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn commas_inside_quotes_do_not_split_items() {
        let h = headers(&[("ratelimit", r#""a,b";r=1;t=2, "c";r=0;t=5"#)]);
        let rl = RateLimit::from_headers(&h).unwrap();
        assert_eq!(rl.windows.len(), 2);
        assert_eq!(rl.windows[0].policy.as_deref(), Some("a,b"));
    }
}
