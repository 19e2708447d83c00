//! The PDF file itself: numbered objects, compressed streams, the page
//! tree, fonts and images, the cross-reference table — and, for a document
//! that is to be signed, the signature field with a fixed-size hole that
//! [`crate::signature`] fills in afterwards. Written by hand because Sopir
//! needs byte-exact control over that hole; everything else is small.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::font::{FontStyle, fonts};
use crate::font_subset;
use crate::image::Image;

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;

/// Bytes kept for the CMS signature (hex-encoded, so twice this on disk):
/// a 2048/4096-bit RSA signature with a certificate chain of a few
/// certificates fits easily.
pub const SIGNATURE_CAPACITY: usize = 16 * 1024;

/// What the signature dictionary says besides the signature itself.
#[derive(Debug, Clone)]
pub struct SignatureSlot {
    pub signer_name: String,
    pub reason: String,
    pub location: String,
    /// PDF date string, e.g. `D:20261126101500+07'00'`.
    pub date: String,
}

/// One page's drawing commands and the glyphs it uses.
#[derive(Debug)]
pub struct Page {
    content: String,
    used: [BTreeMap<u16, char>; 2],
    images: Vec<usize>,
    /// Width and height in points.
    pub size: (f32, f32),
}

impl Default for Page {
    fn default() -> Self {
        Page {
            content: String::new(),
            used: Default::default(),
            images: Vec::new(),
            size: (PAGE_WIDTH, PAGE_HEIGHT),
        }
    }
}

impl Page {
    /// The hex glyph string of `text`, noting the glyphs for embedding.
    fn glyphs(&mut self, style: FontStyle, text: &str) -> String {
        let font = fonts().get(style);
        let mut hex = String::with_capacity(text.len() * 4);
        for c in text.chars() {
            let gid = font.glyph(c);
            self.used[style as usize].entry(gid).or_insert(c);
            let _ = write!(hex, "{gid:04X}");
        }
        hex
    }

    /// Draws `text` with its baseline starting at (`x`, `y`), measured from
    /// the top-left corner of the page (the layout code thinks top-down).
    pub fn text(&mut self, x: f32, y: f32, style: FontStyle, size: f32, text: &str) {
        let hex = self.glyphs(style, text);
        let _ = writeln!(
            self.content,
            "BT /F{} {size:.2} Tf {x:.2} {:.2} Td <{hex}> Tj ET",
            style as usize,
            PAGE_HEIGHT - y
        );
    }

    /// Text for a content stream whose y axis points down (see [`Page::raw`]):
    /// the text matrix flips the glyphs upright again.
    pub fn text_flipped(&mut self, x: f32, y: f32, style: FontStyle, size: f32, text: &str) {
        let hex = self.glyphs(style, text);
        let _ = writeln!(
            self.content,
            "BT /F{} {size:.2} Tf 1 0 0 -1 {x:.2} {y:.2} Tm <{hex}> Tj ET",
            style as usize
        );
    }

    /// Appends content-stream operators as they are.
    pub fn raw(&mut self, ops: &str) {
        self.content.push_str(ops);
        self.content.push('\n');
    }

    /// A straight line of `width` points.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let _ = writeln!(
            self.content,
            "{width:.2} w {x1:.2} {:.2} m {x2:.2} {:.2} l S",
            PAGE_HEIGHT - y1,
            PAGE_HEIGHT - y2
        );
    }

    /// An outlined rectangle whose top-left corner is (`x`, `y`).
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let _ = writeln!(self.content, "{width:.2} w {x:.2} {:.2} {w:.2} {h:.2} re S", PAGE_HEIGHT - y - h);
    }

    /// Filled black squares, e.g. the modules of a QR code.
    pub fn squares(&mut self, squares: impl IntoIterator<Item = (f32, f32, f32)>) {
        for (x, y, side) in squares {
            let _ = writeln!(self.content, "{x:.3} {:.3} {side:.3} {side:.3} re", PAGE_HEIGHT - y - side);
        }
        self.content.push_str("f\n");
    }

    /// Places image `index` of the document with its top-left at (`x`, `y`).
    pub fn image(&mut self, index: usize, x: f32, y: f32, w: f32, h: f32) {
        if !self.images.contains(&index) {
            self.images.push(index);
        }
        let _ = writeln!(
            self.content,
            "q {w:.2} 0 0 {h:.2} {x:.2} {:.2} cm /Im{index} Do Q",
            PAGE_HEIGHT - y - h
        );
    }
}

/// Objects by number (1-based); `None` until written.
struct Objects {
    bodies: Vec<Option<Vec<u8>>>,
}

impl Objects {
    fn reserve(&mut self) -> usize {
        self.bodies.push(None);
        self.bodies.len()
    }

    fn set(&mut self, id: usize, body: impl Into<Vec<u8>>) {
        self.bodies[id - 1] = Some(body.into());
    }

    fn add(&mut self, body: impl Into<Vec<u8>>) -> usize {
        let id = self.reserve();
        self.set(id, body);
        id
    }

    fn stream(&mut self, dict: &str, data: &[u8]) -> usize {
        self.packed_stream(dict, &miniz_oxide::deflate::compress_to_vec_zlib(data, 6))
    }

    /// A stream whose data is already deflated.
    fn packed_stream(&mut self, dict: &str, packed: &[u8]) -> usize {
        let mut body =
            format!("<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n", packed.len()).into_bytes();
        body.extend_from_slice(packed);
        body.extend_from_slice(b"\nendstream");
        self.add(body)
    }
}

/// A PDF string literal with the characters that need it escaped; non-ASCII
/// text is written as UTF-16BE with a byte-order mark, as the spec asks.
pub fn text_string(s: &str) -> String {
    if s.is_ascii() {
        let mut out = String::from("(");
        for c in s.chars() {
            match c {
                '(' | ')' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_ascii_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for unit in s.encode_utf16() {
            let _ = write!(out, "{unit:04X}");
        }
        out.push('>');
        out
    }
}

/// Writes the whole file. With a `signature` slot the file has a signature
/// field whose `/Contents` is a run of zeros of [`SIGNATURE_CAPACITY`] bytes
/// and whose `/ByteRange` is a fixed-width blank, both filled in later.
pub fn write(title: &str, pages: &[Page], images: &[Image], signature: Option<&SignatureSlot>) -> Vec<u8> {
    write_with_files(title, pages, images, signature, &[])
}

/// A file carried inside a PDF (an embedded file, ISO 32000-1 §7.11.4):
/// a letter's Lampiran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedFile {
    pub name: String,
    pub data: Vec<u8>,
}

/// As [`write`], with `files` embedded (listed in the document's
/// `/EmbeddedFiles`, so readers offer them as attachments).
pub fn write_with_files(
    title: &str,
    pages: &[Page],
    images: &[Image],
    signature: Option<&SignatureSlot>,
    files: &[EmbeddedFile],
) -> Vec<u8> {
    let mut objects = Objects { bodies: Vec::new() };
    let catalog = objects.reserve();
    let tree = objects.reserve();

    let mut used: [BTreeMap<u16, char>; 2] = Default::default();
    for page in pages {
        for (all, mine) in used.iter_mut().zip(&page.used) {
            all.extend(mine.iter().map(|(g, c)| (*g, *c)));
        }
    }
    let font_ids: Vec<usize> = [FontStyle::Regular, FontStyle::Bold]
        .into_iter()
        .map(|style| write_font(&mut objects, style, &used[style as usize]))
        .collect();
    let image_ids: Vec<usize> = images.iter().map(|image| write_image(&mut objects, image)).collect();

    let mut page_ids = Vec::new();
    for page in pages {
        let content = objects.stream("", page.content.as_bytes());
        let xobjects: String = page.images.iter().map(|i| format!("/Im{i} {} 0 R ", image_ids[*i])).collect();
        let id = objects.reserve();
        page_ids.push(id);
        let (width, height) = page.size;
        objects.set(
            id,
            format!(
                "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {width} {height}] \
                 /Resources << /Font << /F0 {} 0 R /F1 {} 0 R >> /XObject << {xobjects}>> >> \
                 /Contents {content} 0 R%ANNOTS% >>",
                font_ids[0], font_ids[1]
            ),
        );
    }
    let kids: String = page_ids.iter().map(|id| format!("{id} 0 R ")).collect();
    objects.set(tree, format!("<< /Type /Pages /Kids [{kids}] /Count {} >>", page_ids.len()));

    let mut acroform = String::new();
    let first_page = page_ids[0];
    if let Some(slot) = signature {
        let sig = objects.add(format!(
            "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached \
             /ByteRange [0 {blank} {blank} {blank}] /Contents <{zeros}> \
             /Name {} /Reason {} /Location {} /M {} >>",
            text_string(&slot.signer_name),
            text_string(&slot.reason),
            text_string(&slot.location),
            text_string(&slot.date),
            blank = BYTE_RANGE_BLANK,
            zeros = "0".repeat(SIGNATURE_CAPACITY * 2),
        ));
        let field = objects.add(format!(
            "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Tanda tangan elektronik) /V {sig} 0 R \
             /F 132 /Rect [0 0 0 0] /P {first_page} 0 R >>"
        ));
        let body = objects.bodies[first_page - 1].take().expect("page written");
        let body = String::from_utf8(body).expect("page dictionaries are text");
        objects.set(first_page, body.replace("%ANNOTS%", &format!(" /Annots [{field} 0 R]")));
        acroform = format!(" /AcroForm << /Fields [{field} 0 R] /SigFlags 3 >>");
    }
    for id in &page_ids {
        if let Some(body) = objects.bodies[id - 1].take() {
            let body = String::from_utf8(body).expect("page dictionaries are text");
            objects.set(*id, body.replace("%ANNOTS%", ""));
        }
    }
    let mut names = String::new();
    if !files.is_empty() {
        let mut listed = String::new();
        for file in files {
            let data = objects.stream(
                &format!(
                    "/Type /EmbeddedFile /Subtype /application#2Fpdf /Params << /Size {} >>",
                    file.data.len()
                ),
                &file.data,
            );
            let name = text_string(&file.name);
            let spec = objects.add(format!(
                "<< /Type /Filespec /F {name} /UF {name} /AFRelationship /Supplement /EF << /F {data} 0 R /UF {data} 0 R >> >>"
            ));
            let _ = write!(listed, "{name} {spec} 0 R ");
        }
        names = format!(" /Names << /EmbeddedFiles << /Names [{listed}] >> >>");
    }
    objects.set(catalog, format!("<< /Type /Catalog /Pages {tree} 0 R /Lang (id-ID){acroform}{names} >>"));
    let info = objects.add(format!("<< /Title {} /Producer (Sopir) >>", text_string(title)));

    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.bodies.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body.as_deref().expect("every reserved object is written"));
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root {catalog} 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.bodies.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

/// Room for one ByteRange number, filled in once the file's length is known.
pub const BYTE_RANGE_BLANK: &str = "          ";

fn write_font(objects: &mut Objects, style: FontStyle, used: &BTreeMap<u16, char>) -> usize {
    let font = fonts().get(style);
    // Only the glyphs the document uses, under a name tagged as a subset
    // (six capitals and `+`, ISO 32000-1 §9.6.4) that differs with the glyphs.
    let (file, name) = match font_subset::subset(font.data, used.keys().copied()) {
        Some(small) => {
            let digest = Sha256::digest(used.keys().flat_map(|g| g.to_be_bytes()).collect::<Vec<u8>>());
            let tag: String = digest.iter().take(6).map(|b| char::from(b'A' + b % 26)).collect();
            // Deflated fast: a subset is made for every document, and level 6
            // costs three times the time for 6 % fewer bytes.
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(&small, 1);
            (
                objects.packed_stream(&format!("/Length1 {}", small.len()), &packed),
                format!("{tag}+{}", font.name),
            )
        }
        // Not expected of the bundled fonts: the whole file, deflated once per process.
        None => {
            (objects.packed_stream(&format!("/Length1 {}", font.data.len()), font.packed()), font.name.into())
        }
    };
    let m = font.metrics();
    let descriptor = objects.add(format!(
        "<< /Type /FontDescriptor /FontName /{name} /Flags 34 /FontBBox [{} {} {} {}] /ItalicAngle 0 \
         /Ascent {} /Descent {} /CapHeight {} /StemV {} /FontFile2 {file} 0 R >>",
        m.bbox[0],
        m.bbox[1],
        m.bbox[2],
        m.bbox[3],
        m.ascent,
        m.descent,
        m.cap_height,
        if style == FontStyle::Bold { 140 } else { 80 },
    ));
    let widths: String = used.keys().map(|g| format!("{g} [{}] ", font.advance_per_mille(*g))).collect();
    let cid = objects.add(format!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         /FontDescriptor {descriptor} 0 R /DW 500 /W [{widths}] /CIDToGIDMap /Identity >>"
    ));
    let to_unicode = objects.stream("", to_unicode_cmap(used).as_bytes());
    objects.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
         /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>"
    ))
}

/// The map that lets text be copied and searched (`pdftotext`) out of the
/// glyph ids the pages are written in.
fn to_unicode_cmap(used: &BTreeMap<u16, char>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (gid, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{gid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}

fn write_image(objects: &mut Objects, image: &Image) -> usize {
    let smask = image.alpha.as_ref().map(|alpha| {
        let id = objects.stream(
            &format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray /BitsPerComponent 8",
                image.width, image.height
            ),
            alpha,
        );
        format!(" /SMask {id} 0 R")
    });
    objects.stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{} /BitsPerComponent 8{}",
            image.width,
            image.height,
            if image.gray { "DeviceGray" } else { "DeviceRGB" },
            smask.unwrap_or_default()
        ),
        &image.pixels,
    )
}
