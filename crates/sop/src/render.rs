//! The official SOP document in the PermenPANRB 35/2012 layout: an identity
//! page and the flowchart matrix, as SVG pages. `svg` stacks the pages in one
//! drawing; `html` wraps them in a printable page (A4 landscape).
//!
//! Only the regulation's five symbols are drawn: capsule (start/end),
//! rectangle (activity), diamond (decision), arrow, and the pentagon
//! off-page connector. Never a circle.

mod identity_page;
mod matrix;
mod text;

use crate::agency::Agency;
use crate::definition::Sop;

pub use matrix::PAGE_WIDTH_MIN;

/// One drawn page: a complete `<svg>` element.
#[derive(Debug, Clone)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub svg: String,
}

/// Every page of the document: identity page first, then the matrix pages.
pub fn pages(sop: &Sop, agency: Option<&Agency>) -> Vec<Page> {
    let matrix = matrix::pages(sop);
    let width = matrix.first().map_or(PAGE_WIDTH_MIN, |p| p.width);
    let mut all = vec![identity_page::page(sop, agency, width)];
    all.extend(matrix);
    all
}

const PAGE_GAP: f32 = 24.0;

/// All pages stacked vertically in one SVG document.
pub fn svg(sop: &Sop, agency: Option<&Agency>) -> String {
    let pages = pages(sop, agency);
    let width = pages.iter().map(|p| p.width).fold(0.0, f32::max);
    let height: f32 = pages.iter().map(|p| p.height).sum::<f32>() + PAGE_GAP * (pages.len() as f32 - 1.0);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n<title>{}</title>\n<rect width=\"{width}\" height=\"{height}\" fill=\"#d9d9d9\"/>\n",
        text::escape(&format!("{} — {}", sop.identity.nomor.value, sop.identity.nama.value))
    );
    let mut y = 0.0;
    for page in &pages {
        out.push_str(&format!("<g transform=\"translate(0,{y})\">\n{}</g>\n", page.svg));
        y += page.height + PAGE_GAP;
    }
    out.push_str("</svg>\n");
    out
}

/// A printable HTML document: one A4-landscape sheet per page.
pub fn html(sop: &Sop, agency: Option<&Agency>) -> String {
    let title = text::escape(&format!("{} — {}", sop.identity.nama.value, sop.identity.nomor.value));
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>\n\
@page {{ size: A4 landscape; margin: 0; }}\n\
body {{ margin: 0; background: #d9d9d9; font-family: Arial, 'Liberation Sans', Helvetica, sans-serif; }}\n\
.page {{ margin: 16px auto; width: fit-content; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}\n\
.page svg {{ display: block; width: 100%; height: auto; }}\n\
@media print {{ body {{ background: none; }} .page {{ margin: 0; box-shadow: none; break-after: page; width: 100%; }} }}\n\
</style>\n</head>\n<body>\n"
    );
    for (i, page) in pages(sop, agency).iter().enumerate() {
        out.push_str(&format!(
            "<section class=\"page\" aria-label=\"Halaman {}\">\n{}</section>\n",
            i + 1,
            page.svg
        ));
    }
    out.push_str("</body>\n</html>\n");
    out
}
