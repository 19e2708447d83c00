//! The kop surat: the agency's logo, its name lines centred beside it, its
//! address, and the double rule under them.

use crate::font::{FontStyle, fonts};
use crate::image::Image;
use crate::pdf::{PAGE_WIDTH, Page};

#[derive(Debug, Clone)]
pub struct Letterhead {
    /// e.g. "PEMERINTAH KABUPATEN LUMAJANG", "DINAS KOMUNIKASI DAN INFORMATIKA".
    pub lines: Vec<String>,
    pub address: String,
    pub logo: Option<Image>,
}

/// Left and right margins of every document, in points (2.5 cm and 2 cm).
pub const MARGIN_LEFT: f32 = 70.9;
pub const MARGIN_RIGHT: f32 = 56.7;
pub const TOP: f32 = 42.0;

impl Letterhead {
    /// Draws the letterhead at the top of `page`; returns where the text below may start.
    pub fn draw(&self, page: &mut Page) -> f32 {
        let right = PAGE_WIDTH - MARGIN_RIGHT;
        let logo_side = 62.0;
        if let Some(logo) = &self.logo {
            let scale = logo_side / logo.width.max(logo.height) as f32;
            let (w, h) = (logo.width as f32 * scale, logo.height as f32 * scale);
            page.image(0, MARGIN_LEFT, TOP + (logo_side - h) / 2.0, w, h);
        }
        // Centre the text in the room right of the logo, as printed kop surat do.
        let text_left = MARGIN_LEFT + if self.logo.is_some() { logo_side + 8.0 } else { 0.0 };
        let centre = (text_left + right) / 2.0;
        let mut y = TOP + 4.0;
        for (i, line) in self.lines.iter().enumerate() {
            // The agency's own name (second line) is set largest.
            let size = if i == 1 { 16.0 } else { 14.0 };
            y += size + 1.0;
            let w = fonts().get(FontStyle::Bold).width(line, size);
            page.text(centre - w / 2.0, y, FontStyle::Bold, size, line);
        }
        if !self.address.is_empty() {
            y += 13.0;
            let w = fonts().get(FontStyle::Regular).width(&self.address, 10.0);
            page.text(centre - w / 2.0, y, FontStyle::Regular, 10.0, &self.address);
        }
        y = y.max(TOP + logo_side) + 7.0;
        page.line(MARGIN_LEFT, y, right, y, 2.2);
        page.line(MARGIN_LEFT, y + 3.0, right, y + 3.0, 0.6);
        y + 6.0
    }

    /// The images the letterhead places (the logo is always image 0).
    pub fn images(&self) -> Vec<Image> {
        self.logo.iter().cloned().collect()
    }
}
