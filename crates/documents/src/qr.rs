//! QR codes drawn as vector squares, so they stay sharp when printed.

use qrcode::{Color, QrCode};

use crate::pdf::Page;

/// Draws a QR code of `data` with its top-left corner at (`x`, `y`), `side`
/// points wide including the quiet zone.
pub fn draw(page: &mut Page, data: &str, x: f32, y: f32, side: f32) {
    let code = QrCode::new(data.as_bytes()).expect("a verification address fits a QR code");
    let width = code.width();
    let quiet = 2;
    let module = side / (width + 2 * quiet) as f32;
    let colors = code.to_colors();
    page.squares(colors.iter().enumerate().filter(|(_, c)| **c == Color::Dark).map(|(i, _)| {
        let (col, row) = (i % width + quiet, i / width + quiet);
        (x + col as f32 * module, y + row as f32 * module, module)
    }));
}
