//! Embedding only the glyphs a document uses. Both bundled fonts whole
//! were ~300 KB (190 KB deflated) of every PDF — most of a signed letter,
//! which is kept in the database and sent by e-mail. The
//! subset keeps every glyph id where it was (outlines of unused glyphs are
//! emptied, not removed), so the pages, widths and ToUnicode map written
//! for the whole font stay valid; only the tables a PDF's TrueType font
//! program needs are kept (ISO 32000-1 §9.9), and `post` loses its glyph
//! names.

use std::collections::BTreeSet;

/// Tables kept, in the order of their tags (a font's table directory is
/// sorted by tag). `post` is rewritten to format 3.
const KEPT: [&[u8; 4]; 11] =
    [b"OS/2", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"post", b"prep"];

/// A composite glyph's component flags (OpenType `glyf` table).
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The table directory: tag → bytes.
fn tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let count = usize::from(u16_at(font, 4)?);
    (0..count)
        .map(|i| {
            let record = 12 + 16 * i;
            let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
            let offset = u32_at(font, record + 8)? as usize;
            let length = u32_at(font, record + 12)? as usize;
            Some((tag, font.get(offset..offset.checked_add(length)?)?))
        })
        .collect()
}

fn table<'f>(tables: &[([u8; 4], &'f [u8])], tag: &[u8; 4]) -> Option<&'f [u8]> {
    tables.iter().find(|(t, _)| t == tag).map(|(_, data)| *data)
}

/// The bytes of each glyph's outline, by glyph id.
fn glyph_ranges(head: &[u8], loca: &[u8], glyph_count: usize) -> Option<Vec<(usize, usize)>> {
    let long = u16_at(head, 50)? == 1;
    let offset = |i: usize| {
        if long {
            u32_at(loca, 4 * i).map(|o| o as usize)
        } else {
            u16_at(loca, 2 * i).map(|o| 2 * usize::from(o))
        }
    };
    (0..glyph_count).map(|g| Some((offset(g)?, offset(g + 1)?))).collect()
}

/// The glyphs a composite glyph is built from.
fn components(outline: &[u8]) -> Option<Vec<u16>> {
    if outline.len() < 10 || (u16_at(outline, 0)? as i16) >= 0 {
        return Some(Vec::new());
    }
    let mut parts = Vec::new();
    let mut at = 10;
    loop {
        let flags = u16_at(outline, at)?;
        parts.push(u16_at(outline, at + 2)?);
        at += 4 + if flags & ARG_1_AND_2_ARE_WORDS != 0 { 4 } else { 2 };
        at += if flags & WE_HAVE_A_SCALE != 0 {
            2
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            4
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if flags & MORE_COMPONENTS == 0 {
            return Some(parts);
        }
    }
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// `font` (a TrueType file) with the outlines of `used` glyphs only (and of
/// glyph 0, and of the parts of composite glyphs). `None` if the file is
/// not a TrueType font this understands — the caller embeds it whole.
pub fn subset(font: &[u8], used: impl IntoIterator<Item = u16>) -> Option<Vec<u8>> {
    let tables = tables(font)?;
    let head = table(&tables, b"head")?;
    let glyph_count = usize::from(u16_at(table(&tables, b"maxp")?, 4)?);
    let glyf = table(&tables, b"glyf")?;
    let ranges = glyph_ranges(head, table(&tables, b"loca")?, glyph_count)?;
    let outline = |g: u16| ranges.get(usize::from(g)).and_then(|&(start, end)| glyf.get(start..end));

    let mut keep: BTreeSet<u16> = used.into_iter().filter(|g| usize::from(*g) < glyph_count).collect();
    keep.insert(0);
    let mut todo: Vec<u16> = keep.iter().copied().collect();
    while let Some(g) = todo.pop() {
        for part in components(outline(g)?)? {
            if usize::from(part) < glyph_count && keep.insert(part) {
                todo.push(part);
            }
        }
    }

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (glyph_count + 1));
    for g in 0..glyph_count {
        new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&(g as u16)) {
            new_glyf.extend_from_slice(outline(g as u16)?);
            new_glyf.resize(new_glyf.len().next_multiple_of(4), 0);
        }
    }
    new_loca.extend_from_slice(&(new_glyf.len() as u32).to_be_bytes());
    let mut new_head = head.to_vec();
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]); // checkSumAdjustment, set below
    new_head.get_mut(50..52)?.copy_from_slice(&1u16.to_be_bytes()); // long offsets in loca
    // Format 3: the metrics of `post` without its glyph names.
    let mut new_post = table(&tables, b"post")?.get(..32)?.to_vec();
    new_post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

    let kept: Vec<(&[u8; 4], &[u8])> = KEPT
        .iter()
        .filter_map(|tag| {
            let data: &[u8] = match *tag {
                b"glyf" => &new_glyf,
                b"loca" => &new_loca,
                b"head" => &new_head,
                b"post" => &new_post,
                _ => table(&tables, tag)?,
            };
            Some((*tag, data))
        })
        .collect();

    let count = kept.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros());
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for value in [count, power * 16, power.trailing_zeros() as u16, count * 16 - power * 16] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    let mut offset = 12 + 16 * kept.len();
    let mut head_at = 0;
    for (tag, data) in &kept {
        if *tag == b"head" {
            head_at = offset;
        }
        out.extend_from_slice(*tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &kept {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
    out.get_mut(head_at + 8..head_at + 12)?.copy_from_slice(&adjustment.to_be_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use ttf_parser::{Face, GlyphId};

    use super::*;
    use crate::font::{FontStyle, fonts};

    fn bounds(face: &Face, glyph: u16) -> Option<ttf_parser::Rect> {
        face.outline_glyph(GlyphId(glyph), &mut NoPath)
    }

    fn outline_of(font: &[u8], glyph: u16) -> &[u8] {
        let tables = tables(font).unwrap();
        let head = table(&tables, b"head").unwrap();
        let count = usize::from(u16_at(table(&tables, b"maxp").unwrap(), 4).unwrap());
        let (start, end) =
            glyph_ranges(head, table(&tables, b"loca").unwrap(), count).unwrap()[usize::from(glyph)];
        &table(&tables, b"glyf").unwrap()[start..end]
    }

    #[test]
    fn the_subset_keeps_used_outlines_in_place_and_empties_the_rest() {
        for style in [FontStyle::Regular, FontStyle::Bold] {
            let font = fonts().get(style);
            let used: Vec<u16> =
                "Surat Pemberitahuan — Nomor 060/016, Rp1.000".chars().map(|c| font.glyph(c)).collect();
            let small = subset(font.data, used.iter().copied()).expect("the bundled fonts subset");
            assert!(small.len() * 4 < font.data.len(), "{} of {} bytes", small.len(), font.data.len());

            let whole = Face::parse(font.data, 0).unwrap();
            let part = Face::parse(&small, 0).expect("the subset parses");
            assert_eq!(part.number_of_glyphs(), whole.number_of_glyphs(), "glyph ids stay where they were");
            for &g in &used {
                assert_eq!(bounds(&part, g), bounds(&whole, g), "glyph {g}");
                assert_eq!(part.glyph_hor_advance(GlyphId(g)), whole.glyph_hor_advance(GlyphId(g)));
            }
            let unused = font.glyph('Q');
            assert!(!used.contains(&unused));
            assert!(bounds(&whole, unused).is_some());
            assert!(bounds(&part, unused).is_none(), "an unused outline is emptied");
            assert_eq!(checksum(&small), 0xB1B0_AFBA, "the whole file sums to the magic number");
        }
    }

    #[test]
    fn a_composite_glyph_keeps_its_parts() {
        let font = fonts().get(FontStyle::Regular);
        let face = Face::parse(font.data, 0).unwrap();
        // Accented letters are commonly built from the letter and the mark.
        let composite = "éüÅñçâ"
            .chars()
            .map(|c| font.glyph(c))
            .find(|&g| !components(outline_of(font.data, g)).unwrap().is_empty())
            .expect("the font has a composite accented letter");
        let small = subset(font.data, [composite]).unwrap();
        let part = Face::parse(&small, 0).unwrap();
        assert!(bounds(&part, composite).is_some(), "the composite is drawn from its kept parts");
        assert_eq!(bounds(&part, composite), bounds(&face, composite));
    }

    #[test]
    fn what_is_not_a_truetype_font_is_refused() {
        assert!(subset(b"not a font", [1]).is_none());
        assert!(subset(&[], [1]).is_none());
    }

    struct NoPath;

    impl ttf_parser::OutlineBuilder for NoPath {
        fn move_to(&mut self, _: f32, _: f32) {}
        fn line_to(&mut self, _: f32, _: f32) {}
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
        fn close(&mut self) {}
    }
}
