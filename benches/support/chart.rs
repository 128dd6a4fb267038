//! The report's one chart, written as plain SVG.
//!
//! Rule: no plotting crate; two panels drawn from the measured medians (with min–max whiskers):
//! wall time per 10 pages against look-ahead depth, and per-page time of the client against
//! plain reqwest + serde_json and the bytes-only floor.

use super::stats::Samples;
use std::fmt::Write;

/// One bar: a label and its samples (ms).
pub struct Bar {
    /// The label under or beside the bar.
    pub label: String,
    /// The samples; the bar is the median, the whisker min–max.
    pub samples: Samples,
}

/// A series of bars in the look-ahead panel.
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Fill colour.
    pub color: &'static str,
    /// One bar per depth, in the order of the depths.
    pub bars: Vec<Samples>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn nice_max(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= v {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// The whole SVG document.
pub fn render(
    title: &str,
    left_title: &str,
    right_title: &str,
    depths: &[usize],
    series: &[Series],
    per_page: &[Bar],
) -> String {
    let (w, h) = (960.0, 450.0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{}</text>"#,
        w / 2.0,
        esc(title)
    );

    // Left panel: grouped vertical bars, one group per depth.
    let (x0, y0, pw, ph) = (70.0, 60.0, 360.0, 290.0);
    let top = nice_max(
        series
            .iter()
            .flat_map(|se| se.bars.iter().map(Samples::max))
            .fold(0.0, f64::max)
            * 1.12,
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="48" text-anchor="middle" font-weight="bold">{}</text>"#,
        x0 + pw / 2.0,
        esc(left_title)
    );
    axis_y(&mut s, x0, y0, ph, top, "ms per 10 pages");
    let group = pw / depths.len().max(1) as f64;
    let bar_w = (group * 0.7) / series.len().max(1) as f64;
    for (d, depth) in depths.iter().enumerate() {
        let gx = x0 + d as f64 * group + group * 0.15;
        for (k, se) in series.iter().enumerate() {
            let Some(samples) = se.bars.get(d) else {
                continue;
            };
            let bx = gx + k as f64 * bar_w;
            bar_v(&mut s, bx, bar_w * 0.9, y0, ph, top, samples, se.color);
        }
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">depth {depth}</text>"#,
            x0 + d as f64 * group + group / 2.0,
            y0 + ph + 16.0
        );
    }
    for (k, se) in series.iter().enumerate() {
        let ly = y0 + ph + 34.0 + k as f64 * 15.0;
        let _ = writeln!(
            s,
            r#"<rect x="{x0}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            ly - 9.0,
            se.color,
            x0 + 15.0,
            ly,
            esc(&se.name)
        );
    }

    // Right panel: horizontal bars, one per variant.
    let (x1, y1, pw1, ph1) = (700.0, 60.0, 230.0, 290.0);
    let top = nice_max(per_page.iter().map(|b| b.samples.max()).fold(0.0, f64::max));
    let _ = writeln!(
        s,
        r#"<text x="{}" y="48" text-anchor="middle" font-weight="bold">{}</text>"#,
        x1 + pw1 / 2.0 - 100.0,
        esc(right_title)
    );
    let row = ph1 / per_page.len().max(1) as f64;
    for i in 0..=4 {
        let v = top * i as f64 / 4.0;
        let x = x1 + pw1 * i as f64 / 4.0;
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{}" stroke="#ddd"/><text x="{x}" y="{}" text-anchor="middle">{}</text>"##,
            y1 + ph1,
            y1 + ph1 + 16.0,
            fmt_tick(v)
        );
    }
    let colors = ["#9e9e9e", "#5b8def", "#e8743b", "#f2b134", "#7b5ea7"];
    for (i, b) in per_page.iter().enumerate() {
        let y = y1 + i as f64 * row + row * 0.2;
        let bh = row * 0.6;
        let med = b.samples.median();
        let bw = pw1 * med / top;
        let _ = writeln!(
            s,
            r#"<rect x="{x1}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}" fill="{}"/>"#,
            colors[i % colors.len()]
        );
        let (lo, hi) = (
            x1 + pw1 * b.samples.min() / top,
            x1 + pw1 * b.samples.max() / top,
        );
        let ym = y + bh / 2.0;
        let _ = writeln!(
            s,
            r#"<line x1="{lo:.1}" y1="{ym:.1}" x2="{hi:.1}" y2="{ym:.1}" stroke="black"/><line x1="{lo:.1}" y1="{:.1}" x2="{lo:.1}" y2="{:.1}" stroke="black"/><line x1="{hi:.1}" y1="{:.1}" x2="{hi:.1}" y2="{:.1}" stroke="black"/>"#,
            ym - 4.0,
            ym + 4.0,
            ym - 4.0,
            ym + 4.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text><text x="{:.1}" y="{:.1}">{:.2}</text>"#,
            x1 - 6.0,
            ym + 4.0,
            esc(&b.label),
            x1 + bw + 4.0 + (hi - x1 - bw).max(0.0),
            ym - 6.0,
            med
        );
    }
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" font-size="11" fill="#555">bars: median; whiskers: min–max of the repeated samples</text>"##,
        x1 - 200.0,
        h - 12.0
    );
    s.push_str("</svg>\n");
    s
}

fn fmt_tick(v: f64) -> String {
    if v >= 10.0 || v == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn axis_y(s: &mut String, x0: f64, y0: f64, ph: f64, top: f64, label: &str) {
    for i in 0..=5 {
        let v = top * i as f64 / 5.0;
        let y = y0 + ph - ph * i as f64 / 5.0;
        let _ = writeln!(
            s,
            r##"<line x1="{x0}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            x0 + 360.0,
            x0 - 6.0,
            y + 4.0,
            fmt_tick(v)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="18" y="{}" transform="rotate(-90 18 {})" text-anchor="middle">{}</text>"#,
        y0 + ph / 2.0,
        y0 + ph / 2.0,
        esc(label)
    );
}

#[allow(clippy::too_many_arguments)]
fn bar_v(s: &mut String, x: f64, w: f64, y0: f64, ph: f64, top: f64, v: &Samples, color: &str) {
    let med = v.median();
    let bh = ph * med / top;
    let _ = writeln!(
        s,
        r#"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{bh:.1}" fill="{color}"/>"#,
        y0 + ph - bh
    );
    let (lo, hi) = (y0 + ph - ph * v.min() / top, y0 + ph - ph * v.max() / top);
    let xm = x + w / 2.0;
    let _ = writeln!(
        s,
        r#"<line x1="{xm:.1}" y1="{lo:.1}" x2="{xm:.1}" y2="{hi:.1}" stroke="black"/><line x1="{:.1}" y1="{hi:.1}" x2="{:.1}" y2="{hi:.1}" stroke="black"/><line x1="{:.1}" y1="{lo:.1}" x2="{:.1}" y2="{lo:.1}" stroke="black"/>"#,
        xm - 4.0,
        xm + 4.0,
        xm - 4.0,
        xm + 4.0
    );
    let _ = writeln!(
        s,
        r#"<text x="{:.1}" y="{:.1}" transform="rotate(-90 {:.1} {:.1})" font-size="11">{med:.0}</text>"#,
        xm + 4.0,
        hi - 4.0,
        xm + 4.0,
        hi - 4.0
    );
}
