//! The two typefaces letters are set in (Liberation Serif regular and bold,
//! metric-compatible with Times New Roman, which Indonesian official
//! letters customarily use), embedded in every PDF (only the glyphs it
//! uses: `font_subset`), and the measuring that line breaking needs.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontStyle {
    Regular = 0,
    Bold = 1,
}

pub struct Font {
    pub name: &'static str,
    pub data: &'static [u8],
    face: Face<'static>,
    packed: OnceLock<Vec<u8>>,
}

/// Font-wide metrics in thousandths of an em, as PDF font descriptors want.
pub struct Metrics {
    pub bbox: [i32; 4],
    pub ascent: i32,
    pub descent: i32,
    pub cap_height: i32,
}

impl Font {
    fn load(name: &'static str, data: &'static [u8]) -> Font {
        let face = Face::parse(data, 0).expect("the bundled fonts parse");
        Font { name, data, face, packed: OnceLock::new() }
    }

    fn per_mille(&self, units: i32) -> i32 {
        units * 1000 / i32::from(self.face.units_per_em())
    }

    /// The font file deflated, as embedded in PDFs.
    pub fn packed(&self) -> &[u8] {
        self.packed.get_or_init(|| miniz_oxide::deflate::compress_to_vec_zlib(self.data, 6))
    }

    /// The glyph for `c`; a question mark for characters the font lacks.
    pub fn glyph(&self, c: char) -> u16 {
        let c = match c {
            '\t' | '\u{a0}' => ' ',
            c => c,
        };
        self.face.glyph_index(c).or_else(|| self.face.glyph_index('?')).map_or(0, |g| g.0)
    }

    pub fn advance_per_mille(&self, glyph: u16) -> i32 {
        self.per_mille(i32::from(self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0)))
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: i32 = text.chars().map(|c| self.advance_per_mille(self.glyph(c))).sum();
        units as f32 * size / 1000.0
    }

    pub fn metrics(&self) -> Metrics {
        let b = self.face.global_bounding_box();
        Metrics {
            bbox: [
                self.per_mille(b.x_min.into()),
                self.per_mille(b.y_min.into()),
                self.per_mille(b.x_max.into()),
                self.per_mille(b.y_max.into()),
            ],
            ascent: self.per_mille(self.face.ascender().into()),
            descent: self.per_mille(self.face.descender().into()),
            cap_height: self.per_mille(self.face.capital_height().unwrap_or(662).into()),
        }
    }
}

pub struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    pub fn get(&self, style: FontStyle) -> &Font {
        match style {
            FontStyle::Regular => &self.regular,
            FontStyle::Bold => &self.bold,
        }
    }
}

/// The bundled fonts, parsed once per process.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Font::load("LiberationSerif", include_bytes!("../fonts/LiberationSerif-Regular.ttf")),
        bold: Font::load("LiberationSerif-Bold", include_bytes!("../fonts/LiberationSerif-Bold.ttf")),
    })
}
