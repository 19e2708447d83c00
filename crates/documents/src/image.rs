//! Raster images placed in documents (the agency's logo in the letterhead):
//! a PNG decoded to 8-bit samples, colour and transparency kept apart as
//! PDF wants them.

use crate::DocumentError;

/// Largest logo accepted, in pixels per side: more only bloats every letter.
pub const MAX_SIDE: u32 = 2000;

#[derive(Debug, Clone)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub gray: bool,
    pub pixels: Vec<u8>,
    pub alpha: Option<Vec<u8>>,
}

impl Image {
    /// Decodes a PNG file; anything else is refused with a reason.
    pub fn from_png(data: &[u8]) -> Result<Image, DocumentError> {
        let bad = |why: String| DocumentError::Image(why);
        let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(|_| bad("bukan berkas PNG yang sah".into()))?;
        let (width, height) = (reader.info().width, reader.info().height);
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(bad(format!("gambar {width}×{height} piksel; paling besar {MAX_SIDE}×{MAX_SIDE}")));
        }
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).map_err(|_| bad("isi PNG rusak atau terpotong".into()))?;
        let buf = &buf[..frame.buffer_size()];
        let (channels, gray) = match frame.color_type {
            png::ColorType::Grayscale => (1, true),
            png::ColorType::GrayscaleAlpha => (2, true),
            png::ColorType::Rgb => (3, false),
            png::ColorType::Rgba => (4, false),
            png::ColorType::Indexed => return Err(bad("PNG berpalet tidak didukung".into())),
        };
        let colour = if gray { 1 } else { 3 };
        let has_alpha = channels > colour;
        let mut pixels = Vec::with_capacity(buf.len());
        let mut alpha = Vec::new();
        for px in buf.chunks_exact(channels) {
            pixels.extend_from_slice(&px[..colour]);
            if has_alpha {
                alpha.push(px[colour]);
            }
        }
        Ok(Image { width, height, gray, pixels, alpha: has_alpha.then_some(alpha) })
    }
}
