//! The text and line drawing of a PDF, page by page, with positions: a small
//! reader of the file's objects (classic or compressed object streams,
//! Flate-compressed content) and of its pages' content streams — each text
//! run placed where the page shows it (decoded through the font's
//! ToUnicode map or its simple encoding), each stroked line and each closed
//! shape with its bounding box. Enough to lay out an SOP's tables again;
//! not a renderer. Encrypted files are refused, and a file whose pages
//! carry images but no text is a scan.

use std::collections::{HashMap, HashSet};

use super::ImportError;

/// Most bytes all of a file's streams may unpack to together.
const MAX_UNPACKED: usize = 64 * 1024 * 1024;
/// Most pages read.
const MAX_PAGES: usize = 200;
/// How deep forms may nest in forms.
const MAX_FORM_DEPTH: usize = 6;

/// A piece of text as shown: baseline start `x`, `y` (from the page's top
/// left, y downwards), its font size and advance width.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub width: f32,
    pub text: String,
}

/// A closed drawn figure (a symbol, a cell, a connector), by bounding box.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Distinct corners of its straight outline (4 for a rectangle or a diamond).
    pub corners: usize,
    /// Drawn with curves (a rounded rectangle: a capsule).
    pub curved: bool,
    /// A rectangle (all edges horizontal or vertical).
    pub rectangular: bool,
    pub stroked: bool,
    pub filled: bool,
}

impl Shape {
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 - 0.5 && x <= self.x1 + 0.5 && y >= self.y0 - 0.5 && y <= self.y1 + 0.5
    }
}

/// A straight stroked line (a table rule, an arrow's leg).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Segment {
    pub fn is_vertical(&self) -> bool {
        (self.x0 - self.x1).abs() < 1.0 && (self.y0 - self.y1).abs() > 1.0
    }
    pub fn is_horizontal(&self) -> bool {
        (self.y0 - self.y1).abs() < 1.0 && (self.x0 - self.x1).abs() > 1.0
    }
}

#[derive(Debug, Clone, Default)]
pub struct PdfPage {
    pub runs: Vec<Run>,
    pub shapes: Vec<Shape>,
    pub segments: Vec<Segment>,
    /// Stroked open lines point by point (arrows), from their start.
    pub paths: Vec<Vec<(f32, f32)>>,
    pub images: usize,
}

// ---------------------------------------------------------------- objects

#[derive(Debug, Clone, PartialEq)]
enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Name(String),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
    Stream(Dict, Vec<u8>),
    /// An operator of a content stream.
    Op(String),
}

type Dict = Vec<(String, Obj)>;

fn get<'d>(dict: &'d Dict, key: &str) -> Option<&'d Obj> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

impl Obj {
    fn num(&self) -> Option<f64> {
        match self {
            Obj::Num(n) => Some(*n),
            _ => None,
        }
    }
    fn name(&self) -> Option<&str> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
    fn dict(&self) -> Option<&Dict> {
        match self {
            Obj::Dict(d) | Obj::Stream(d, _) => Some(d),
            _ => None,
        }
    }
}

struct Lexer<'a> {
    data: &'a [u8],
    at: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8], at: usize) -> Self {
        Lexer { data, at }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_white(b) {
                self.at += 1;
            } else if b == b'%' {
                while let Some(b) = self.peek() {
                    if b == b'\n' || b == b'\r' {
                        break;
                    }
                    self.at += 1;
                }
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.at;
        while let Some(b) = self.peek() {
            if is_white(b) || is_delimiter(b) {
                break;
            }
            self.at += 1;
        }
        &self.data[start..self.at]
    }

    /// The next object; in content streams an operator is an [`Obj::Op`].
    /// `None` at the end or on a token that cannot start one.
    fn object(&mut self, depth: usize) -> Option<Obj> {
        if depth > 64 {
            return None;
        }
        self.skip_space();
        let b = self.peek()?;
        match b {
            b'/' => {
                self.at += 1;
                let raw = self.word();
                Some(Obj::Name(name_text(raw)))
            }
            b'(' => Some(Obj::Str(self.literal())),
            b'<' if self.data.get(self.at + 1) == Some(&b'<') => {
                self.at += 2;
                let mut dict = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return Some(Obj::Dict(dict)),
                        Some(b'>') => {
                            self.at += 2;
                            return Some(Obj::Dict(dict));
                        }
                        _ => {}
                    }
                    let key = match self.object(depth + 1)? {
                        Obj::Name(n) => n,
                        _ => continue,
                    };
                    let value = self.object(depth + 1)?;
                    dict.push((key, value));
                }
            }
            b'<' => {
                self.at += 1;
                let start = self.at;
                while self.peek().is_some_and(|b| b != b'>') {
                    self.at += 1;
                }
                let hex = &self.data[start..self.at];
                self.at += 1;
                Some(Obj::Str(hex_bytes(hex)))
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return Some(Obj::Array(items)),
                        Some(b']') => {
                            self.at += 1;
                            return Some(Obj::Array(items));
                        }
                        _ => items.push(self.object(depth + 1)?),
                    }
                }
            }
            b']' | b'>' | b')' | b'{' | b'}' => {
                self.at += 1;
                Some(Obj::Op(char::from(b).to_string()))
            }
            _ => {
                let raw = self.word();
                if raw.is_empty() {
                    self.at += 1;
                    return Some(Obj::Op(String::new()));
                }
                if let Some(n) = number(raw) {
                    // "12 0 R" is a reference.
                    let save = self.at;
                    self.skip_space();
                    let generation = self.word();
                    if number(generation).is_some() {
                        self.skip_space();
                        if self.peek() == Some(b'R')
                            && self.data.get(self.at + 1).is_none_or(|b| is_white(*b) || is_delimiter(*b))
                        {
                            self.at += 1;
                            return Some(Obj::Ref(n as u32));
                        }
                    }
                    self.at = save;
                    return Some(Obj::Num(n));
                }
                Some(match raw {
                    b"true" => Obj::Bool(true),
                    b"false" => Obj::Bool(false),
                    b"null" => Obj::Null,
                    op => Obj::Op(String::from_utf8_lossy(op).into_owned()),
                })
            }
        }
    }

    fn literal(&mut self) -> Vec<u8> {
        self.at += 1;
        let mut out = Vec::new();
        let mut depth = 1;
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.at += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        out
    }
}

fn number(raw: &[u8]) -> Option<f64> {
    if raw.is_empty() || !raw.iter().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+')) {
        return None;
    }
    if !raw.iter().any(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(raw).ok()?.parse().ok().or(Some(0.0))
}

fn name_text(raw: &[u8]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() + 1 {
            if let Some(v) =
                raw.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_bytes(hex: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = hex.iter().filter_map(|b| char::from(*b).to_digit(16).map(|d| d as u8)).collect();
    digits.chunks(2).map(|c| c[0] << 4 | c.get(1).copied().unwrap_or(0)).collect()
}

// ---------------------------------------------------------------- the file

struct File {
    objects: HashMap<u32, Obj>,
    trailer: Dict,
    budget: std::cell::Cell<usize>,
}

fn find(data: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    data.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

impl File {
    fn open(data: &[u8]) -> Result<File, ImportError> {
        let mut file =
            File { objects: HashMap::new(), trailer: Vec::new(), budget: std::cell::Cell::new(MAX_UNPACKED) };
        let header = regex::bytes::Regex::new(r"(\d+)[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj\b")
            .expect("the object header pattern is valid");
        for found in header.captures_iter(data) {
            let whole = found.get(0).expect("a match");
            let Some(id) = std::str::from_utf8(&found[1]).ok().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            // "12 0 obj" inside "112 0 obj" is not an object of its own.
            if whole.start() > 0 && data[whole.start() - 1].is_ascii_digit() {
                continue;
            }
            let mut lexer = Lexer::new(data, whole.end());
            let Some(object) = lexer.object(0) else { continue };
            let object = match object {
                Obj::Dict(dict) => {
                    lexer.skip_space();
                    if data[lexer.at..].starts_with(b"stream") {
                        let mut start = lexer.at + 6;
                        if data.get(start) == Some(&b'\r') {
                            start += 1;
                        }
                        if data.get(start) == Some(&b'\n') {
                            start += 1;
                        }
                        let declared = get(&dict, "Length").and_then(Obj::num).map(|n| n as usize);
                        let end = match declared {
                            Some(len)
                                if data.get(start + len..).is_some_and(|rest| {
                                    let rest = &rest[..rest.len().min(12)];
                                    find(rest, b"endstream", 0).is_some()
                                }) =>
                            {
                                start + len
                            }
                            _ => match find(data, b"endstream", start) {
                                Some(e) => {
                                    let mut e = e;
                                    if e > start && data[e - 1] == b'\n' {
                                        e -= 1;
                                    }
                                    if e > start && data[e - 1] == b'\r' {
                                        e -= 1;
                                    }
                                    e
                                }
                                None => data.len(),
                            },
                        };
                        Obj::Stream(dict, data[start..end.max(start)].to_vec())
                    } else {
                        Obj::Dict(dict)
                    }
                }
                other => other,
            };
            file.objects.insert(id, object);
        }
        // Trailers: the classic keyword, or the dictionaries of xref streams.
        let mut at = 0;
        while let Some(t) = find(data, b"trailer", at) {
            if let Some(Obj::Dict(dict)) = Lexer::new(data, t + 7).object(0) {
                file.merge_trailer(dict);
            }
            at = t + 7;
        }
        let xrefs: Vec<Dict> = file
            .objects
            .values()
            .filter_map(|o| match o {
                Obj::Stream(d, _) if get(d, "Type").and_then(Obj::name) == Some("XRef") => Some(d.clone()),
                _ => None,
            })
            .collect();
        for dict in xrefs {
            file.merge_trailer(dict);
        }
        if get(&file.trailer, "Encrypt").is_some() {
            return Err(ImportError::Encrypted);
        }
        file.unpack_object_streams();
        Ok(file)
    }

    fn merge_trailer(&mut self, dict: Dict) {
        for (k, v) in dict {
            if !self.trailer.iter().any(|(key, _)| *key == k) {
                self.trailer.push((k, v));
            }
        }
    }

    fn unpack_object_streams(&mut self) {
        let streams: Vec<(Dict, Vec<u8>)> = self
            .objects
            .values()
            .filter_map(|o| match o {
                Obj::Stream(d, raw) if get(d, "Type").and_then(Obj::name) == Some("ObjStm") => {
                    Some((d.clone(), raw.clone()))
                }
                _ => None,
            })
            .collect();
        for (dict, raw) in streams {
            let Ok(data) = self.decode(&dict, &raw) else { continue };
            let n = get(&dict, "N").and_then(Obj::num).unwrap_or(0.0) as usize;
            let first = get(&dict, "First").and_then(Obj::num).unwrap_or(0.0) as usize;
            let mut lexer = Lexer::new(&data, 0);
            let mut pairs = Vec::new();
            for _ in 0..n.min(100_000) {
                let (Some(Obj::Num(id)), Some(Obj::Num(offset))) = (lexer.object(0), lexer.object(0)) else {
                    break;
                };
                pairs.push((id as u32, offset as usize));
            }
            for (id, offset) in pairs {
                if self.objects.contains_key(&id) {
                    continue;
                }
                if let Some(object) = Lexer::new(&data, first + offset).object(0) {
                    self.objects.insert(id, object);
                }
            }
        }
    }

    fn resolve<'o>(&'o self, obj: &'o Obj) -> &'o Obj {
        let mut current = obj;
        for _ in 0..16 {
            match current {
                Obj::Ref(id) => current = self.objects.get(id).unwrap_or(&Obj::Null),
                _ => return current,
            }
        }
        &Obj::Null
    }

    fn lookup<'o>(&'o self, dict: &'o Dict, key: &str) -> Option<&'o Obj> {
        get(dict, key).map(|o| self.resolve(o))
    }

    /// A stream's data with its filters undone (Flate, ASCIIHex, ASCII85).
    fn decode(&self, dict: &Dict, raw: &[u8]) -> Result<Vec<u8>, ()> {
        let filters: Vec<String> = match self.lookup(dict, "Filter") {
            Some(Obj::Name(n)) => vec![n.clone()],
            Some(Obj::Array(a)) => {
                a.iter().filter_map(|f| self.resolve(f).name().map(str::to_string)).collect()
            }
            _ => Vec::new(),
        };
        let mut data = raw.to_vec();
        for filter in filters {
            data = match filter.as_str() {
                "FlateDecode" | "Fl" => {
                    let limit = self.budget.get();
                    let out = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&data, limit).or_else(
                        |e| {
                            // A stream cut short still gives what it had.
                            if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                                Err(())
                            } else if !e.output.is_empty() {
                                Ok(e.output)
                            } else {
                                miniz_oxide::inflate::decompress_to_vec_with_limit(
                                    data.get(2..).unwrap_or_default(),
                                    limit,
                                )
                                .map_err(|_| ())
                            }
                        },
                    )?;
                    self.budget.set(limit.saturating_sub(out.len()));
                    out
                }
                "ASCIIHexDecode" | "AHx" => {
                    let end = data.iter().position(|b| *b == b'>').unwrap_or(data.len());
                    hex_bytes(&data[..end])
                }
                "ASCII85Decode" | "A85" => ascii85(&data),
                _ => return Err(()),
            };
        }
        Ok(data)
    }

    fn pages(&self) -> Vec<(Dict, Dict, [f32; 4])> {
        let mut out = Vec::new();
        let root = self.lookup(&self.trailer, "Root").and_then(Obj::dict).cloned().or_else(|| {
            self.objects
                .values()
                .find(|o| o.dict().is_some_and(|d| get(d, "Type").and_then(Obj::name) == Some("Catalog")))
                .and_then(Obj::dict)
                .cloned()
        });
        let mut seen = HashSet::new();
        if let Some(pages) = root.as_ref().and_then(|r| get(r, "Pages")) {
            self.walk(pages, None, None, &mut seen, &mut out, 0);
        }
        out
    }

    fn walk(
        &self,
        node: &Obj,
        resources: Option<&Dict>,
        media: Option<[f32; 4]>,
        seen: &mut HashSet<u32>,
        out: &mut Vec<(Dict, Dict, [f32; 4])>,
        depth: usize,
    ) {
        if depth > 32 || out.len() >= MAX_PAGES {
            return;
        }
        if let Obj::Ref(id) = node
            && !seen.insert(*id)
        {
            return;
        }
        let Some(dict) = self.resolve(node).dict() else { return };
        let resources = self.lookup(dict, "Resources").and_then(Obj::dict).or(resources);
        let media = match self.lookup(dict, "MediaBox") {
            Some(Obj::Array(a)) if a.len() == 4 => {
                let v: Vec<f32> = a.iter().map(|n| self.resolve(n).num().unwrap_or(0.0) as f32).collect();
                Some([v[0], v[1], v[2], v[3]])
            }
            _ => media,
        };
        match self.lookup(dict, "Kids") {
            Some(Obj::Array(kids)) => {
                for kid in kids {
                    self.walk(kid, resources, media, seen, out, depth + 1);
                }
            }
            _ => out.push((
                dict.clone(),
                resources.cloned().unwrap_or_default(),
                media.unwrap_or([0.0, 0.0, 595.0, 842.0]),
            )),
        }
    }
}

fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut group = Vec::with_capacity(5);
    for &b in data {
        match b {
            b'~' => break,
            b'z' if group.is_empty() => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group.push(u32::from(b - b'!'));
                if group.len() == 5 {
                    let v = group.iter().fold(0u32, |acc, d| acc.wrapping_mul(85).wrapping_add(*d));
                    out.extend_from_slice(&v.to_be_bytes());
                    group.clear();
                }
            }
            _ => {}
        }
    }
    if group.len() > 1 {
        let n = group.len();
        while group.len() < 5 {
            group.push(84);
        }
        let v = group.iter().fold(0u32, |acc, d| acc.wrapping_mul(85).wrapping_add(*d));
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    out
}

// ---------------------------------------------------------------- fonts

/// How a font's codes become text, and how wide each is.
#[derive(Debug, Clone, Default)]
struct Font {
    two_byte: bool,
    to_unicode: HashMap<u32, String>,
    encoding: Option<Box<[Option<char>; 256]>>,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl Font {
    fn load(file: &File, dict: &Dict) -> Font {
        let subtype = file.lookup(dict, "Subtype").and_then(Obj::name).unwrap_or_default();
        let mut font = Font { default_width: 500.0, ..Font::default() };
        if let Some(Obj::Stream(d, raw)) = file.lookup(dict, "ToUnicode")
            && let Ok(cmap) = file.decode(d, raw)
        {
            font.to_unicode = parse_cmap(&cmap);
        }
        if subtype == "Type0" {
            font.two_byte = true;
            font.default_width = 1000.0;
            if let Some(Obj::Array(descendants)) = file.lookup(dict, "DescendantFonts")
                && let Some(cid) = descendants.first().map(|d| file.resolve(d)).and_then(Obj::dict)
            {
                if let Some(dw) = file.lookup(cid, "DW").and_then(Obj::num) {
                    font.default_width = dw as f32;
                }
                if let Some(Obj::Array(w)) = file.lookup(cid, "W") {
                    let items: Vec<&Obj> = w.iter().map(|o| file.resolve(o)).collect();
                    let mut i = 0;
                    while i < items.len() {
                        match (items[i].num(), items.get(i + 1)) {
                            (Some(first), Some(Obj::Array(ws))) => {
                                for (k, wv) in ws.iter().enumerate() {
                                    if let Some(v) = file.resolve(wv).num() {
                                        font.widths.insert(first as u32 + k as u32, v as f32);
                                    }
                                }
                                i += 2;
                            }
                            (Some(first), Some(Obj::Num(last))) => {
                                if let Some(v) = items.get(i + 2).and_then(|o| o.num()) {
                                    for c in first as u32..=(*last as u32).min(first as u32 + 65_535) {
                                        font.widths.insert(c, v as f32);
                                    }
                                }
                                i += 3;
                            }
                            _ => break,
                        }
                    }
                }
            }
            return font;
        }
        // A simple font: one byte a code.
        let first = file.lookup(dict, "FirstChar").and_then(Obj::num).unwrap_or(0.0) as u32;
        if let Some(Obj::Array(ws)) = file.lookup(dict, "Widths") {
            for (k, w) in ws.iter().enumerate() {
                if let Some(v) = file.resolve(w).num() {
                    font.widths.insert(first + k as u32, v as f32);
                }
            }
        }
        let mut table: Box<[Option<char>; 256]> = Box::new(std::array::from_fn(|b| win_ansi(b as u8)));
        match file.lookup(dict, "Encoding") {
            Some(Obj::Dict(enc)) => {
                if let Some(Obj::Array(diffs)) = file.lookup(enc, "Differences") {
                    let mut code = 0usize;
                    for d in diffs {
                        match file.resolve(d) {
                            Obj::Num(n) => code = *n as usize,
                            Obj::Name(glyph) => {
                                if code < 256 {
                                    table[code] = glyph_char(glyph);
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            Some(Obj::Name(_)) | None => {}
            _ => {}
        }
        font.encoding = Some(table);
        font
    }

    fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        if self.two_byte {
            bytes
                .chunks(2)
                .map(|c| u32::from(c[0]) << 8 | u32::from(c.get(1).copied().unwrap_or(0)))
                .collect()
        } else {
            bytes.iter().map(|b| u32::from(*b)).collect()
        }
    }

    fn text(&self, code: u32) -> String {
        if let Some(t) = self.to_unicode.get(&code) {
            return t.clone();
        }
        match &self.encoding {
            Some(table) => table.get(code as usize).copied().flatten().map(String::from).unwrap_or_default(),
            None => String::from('\u{FFFD}'),
        }
    }

    fn width(&self, code: u32) -> f32 {
        self.widths.get(&code).copied().unwrap_or(self.default_width) / 1000.0
    }
}

fn parse_cmap(data: &[u8]) -> HashMap<u32, String> {
    let mut map = HashMap::new();
    let mut lexer = Lexer::new(data, 0);
    let mut items: Vec<Obj> = Vec::new();
    let mut mode = "";
    let utf16 = |bytes: &[u8]| -> String {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)))
            .collect();
        String::from_utf16_lossy(&units)
    };
    let code = |bytes: &[u8]| bytes.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
    while let Some(obj) = lexer.object(0) {
        match obj {
            Obj::Op(op) => {
                match op.as_str() {
                    "beginbfchar" => mode = "char",
                    "beginbfrange" => mode = "range",
                    "endbfchar" => {
                        for pair in items.chunks(2) {
                            if let [Obj::Str(src), Obj::Str(dst)] = pair {
                                map.insert(code(src), utf16(dst));
                            }
                        }
                        mode = "";
                    }
                    "endbfrange" => {
                        for triple in items.chunks(3) {
                            match triple {
                                [Obj::Str(lo), Obj::Str(hi), Obj::Str(dst)] => {
                                    let (lo, hi) = (code(lo), code(hi));
                                    let base: Vec<u16> = dst
                                        .chunks(2)
                                        .map(|c| {
                                            u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0))
                                        })
                                        .collect();
                                    for (k, c) in (lo..=hi.min(lo + 65_535)).enumerate() {
                                        let mut units = base.clone();
                                        if let Some(last) = units.last_mut() {
                                            *last = last.wrapping_add(k as u16);
                                        }
                                        map.insert(c, String::from_utf16_lossy(&units));
                                    }
                                }
                                [Obj::Str(lo), Obj::Str(_), Obj::Array(dsts)] => {
                                    let lo = code(lo);
                                    for (k, d) in dsts.iter().enumerate() {
                                        if let Obj::Str(d) = d {
                                            map.insert(lo + k as u32, utf16(d));
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                        mode = "";
                    }
                    _ => {}
                }
                items.clear();
            }
            other if !mode.is_empty() => items.push(other),
            _ => {}
        }
    }
    map
}

/// WinAnsiEncoding (Latin-1 with the Windows additions in 0x80–0x9F).
fn win_ansi(b: u8) -> Option<char> {
    const HIGH: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž', '\u{FFFD}',
        '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}', 'ž', 'Ÿ',
    ];
    match b {
        0x20..=0x7E => Some(char::from(b)),
        0x80..=0x9F => Some(HIGH[usize::from(b - 0x80)]),
        0xA0..=0xFF => Some(char::from(b)),
        _ => None,
    }
}

/// The character a glyph name stands for (the names PDF producers use).
fn glyph_char(name: &str) -> Option<char> {
    if name.chars().count() == 1 {
        return name.chars().next();
    }
    if let Some(hex) = name.strip_prefix("uni").or_else(|| name.strip_prefix('u'))
        && hex.len() >= 4
        && let Ok(v) = u32::from_str_radix(&hex[..4], 16)
    {
        return char::from_u32(v);
    }
    const NAMES: [(&str, char); 48] = [
        ("space", ' '),
        ("period", '.'),
        ("comma", ','),
        ("colon", ':'),
        ("semicolon", ';'),
        ("hyphen", '-'),
        ("minus", '-'),
        ("slash", '/'),
        ("parenleft", '('),
        ("parenright", ')'),
        ("bracketleft", '['),
        ("bracketright", ']'),
        ("quotesingle", '\''),
        ("quotedbl", '"'),
        ("quoteright", '’'),
        ("quoteleft", '‘'),
        ("quotedblleft", '“'),
        ("quotedblright", '”'),
        ("endash", '–'),
        ("emdash", '—'),
        ("bullet", '•'),
        ("ampersand", '&'),
        ("percent", '%'),
        ("plus", '+'),
        ("equal", '='),
        ("underscore", '_'),
        ("at", '@'),
        ("numbersign", '#'),
        ("dollar", '$'),
        ("asterisk", '*'),
        ("question", '?'),
        ("exclam", '!'),
        ("less", '<'),
        ("greater", '>'),
        ("bar", '|'),
        ("backslash", '\\'),
        ("zero", '0'),
        ("one", '1'),
        ("two", '2'),
        ("three", '3'),
        ("four", '4'),
        ("five", '5'),
        ("six", '6'),
        ("seven", '7'),
        ("eight", '8'),
        ("nine", '9'),
        ("eacute", 'é'),
        ("nbspace", ' '),
    ];
    NAMES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

// ---------------------------------------------------------------- content

type Matrix = [f32; 6];

fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<u32>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

struct Subpath {
    points: Vec<(f32, f32)>,
    curved: bool,
    closed: bool,
}

struct Painter<'f> {
    file: &'f File,
    fonts: HashMap<u32, Font>,
    page: PdfPage,
    /// The page's top in PDF units and its left, to turn y upside down.
    top: f32,
    left: f32,
}

impl Painter<'_> {
    fn font(&mut self, key: Option<u32>) -> Font {
        let Some(key) = key else { return Font { default_width: 500.0, ..Font::default() } };
        if let Some(f) = self.fonts.get(&key) {
            return f.clone();
        }
        let font = match self.file.objects.get(&key).and_then(Obj::dict) {
            Some(d) => Font::load(self.file, d),
            None => Font::default(),
        };
        self.fonts.insert(key, font.clone());
        font
    }

    fn device(&self, ctm: &Matrix, x: f32, y: f32) -> (f32, f32) {
        let (dx, dy) = apply(ctm, x, y);
        (dx - self.left, self.top - dy)
    }

    fn run(&mut self, content: &[u8], resources: &Dict, ctm: Matrix, depth: usize) {
        let mut lexer = Lexer::new(content, 0);
        let mut operands: Vec<Obj> = Vec::new();
        let mut state = State {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut stack: Vec<State> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        let mut path: Vec<Subpath> = Vec::new();
        let font_keys: HashMap<String, u32> = match self.file.lookup(resources, "Font").and_then(Obj::dict) {
            Some(fonts) => fonts
                .iter()
                .filter_map(|(k, v)| match v {
                    Obj::Ref(id) => Some((k.clone(), *id)),
                    _ => None,
                })
                .collect(),
            None => HashMap::new(),
        };
        let mut guard = 0usize;
        while let Some(obj) = lexer.object(0) {
            guard += 1;
            if guard > 5_000_000 {
                break;
            }
            let Obj::Op(op) = obj else {
                operands.push(obj);
                continue;
            };
            let n = |i: usize| operands.get(i).and_then(Obj::num).unwrap_or(0.0) as f32;
            match op.as_str() {
                "q" => stack.push(state.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        state = s;
                    }
                }
                "cm" if operands.len() >= 6 => {
                    state.ctm = multiply(&[n(0), n(1), n(2), n(3), n(4), n(5)], &state.ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let Some(Obj::Name(name)) = operands.first() {
                        state.font = font_keys.get(name).copied();
                    }
                    state.size = n(1);
                }
                "Tc" => state.char_spacing = n(0),
                "Tw" => state.word_spacing = n(0),
                "Tz" => state.scale = n(0) / 100.0,
                "TL" => state.leading = n(0),
                "Ts" => state.rise = n(0),
                "Td" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    state.leading = -n(1);
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" if operands.len() >= 6 => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op == "'" || op == "\"" {
                        if op == "\"" {
                            state.word_spacing = n(0);
                            state.char_spacing = n(1);
                        }
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    let parts: Vec<Obj> = match operands.last() {
                        Some(Obj::Array(items)) => items.clone(),
                        Some(s @ Obj::Str(_)) => vec![s.clone()],
                        _ => Vec::new(),
                    };
                    self.show(&parts, &state, &mut tm);
                }
                "m" => path.push(Subpath { points: vec![(n(0), n(1))], curved: false, closed: false }),
                "l" => match path.last_mut() {
                    Some(sub) => sub.points.push((n(0), n(1))),
                    None => path.push(Subpath { points: vec![(n(0), n(1))], curved: false, closed: false }),
                },
                "c" | "v" | "y" => {
                    let end = if op == "c" { (n(4), n(5)) } else { (n(2), n(3)) };
                    if let Some(sub) = path.last_mut() {
                        sub.points.push(end);
                        sub.curved = true;
                    }
                }
                "h" => {
                    if let Some(sub) = path.last_mut() {
                        sub.closed = true;
                    }
                }
                "re" => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    path.push(Subpath {
                        points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
                        curved: false,
                        closed: true,
                    });
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    let stroked = matches!(op.as_str(), "S" | "s" | "B" | "B*" | "b" | "b*");
                    let filled = matches!(op.as_str(), "f" | "F" | "f*" | "B" | "B*" | "b" | "b*");
                    if op != "n" {
                        let closing = matches!(op.as_str(), "s" | "b" | "b*");
                        for sub in std::mem::take(&mut path) {
                            self.paint(sub, &state.ctm, stroked, filled, closing);
                        }
                    }
                    path.clear();
                }
                "Do" => {
                    if let Some(Obj::Name(name)) = operands.first() {
                        self.draw_object(name, resources, &state.ctm, depth);
                    }
                }
                "BI" => {
                    // An inline image: skip its data up to "EI".
                    if let Some(id) = find(content, b"ID", lexer.at) {
                        let mut at = id + 2;
                        while let Some(e) = find(content, b"EI", at) {
                            let before = content.get(e.wrapping_sub(1)).copied().unwrap_or(b' ');
                            let after = content.get(e + 2).copied().unwrap_or(b' ');
                            at = e + 2;
                            if is_white(before) && (is_white(after) || after == b'Q') {
                                break;
                            }
                        }
                        lexer.at = at;
                        self.page.images += 1;
                    }
                }
                _ => {}
            }
            operands.clear();
        }
    }

    fn draw_object(&mut self, name: &str, resources: &Dict, ctm: &Matrix, depth: usize) {
        let Some(xobjects) = self.file.lookup(resources, "XObject").and_then(Obj::dict) else { return };
        let Some(Obj::Stream(dict, raw)) = self.file.lookup(xobjects, name) else { return };
        match self.file.lookup(dict, "Subtype").and_then(Obj::name) {
            Some("Image") => self.page.images += 1,
            Some("Form") if depth < MAX_FORM_DEPTH => {
                let Ok(content) = self.file.decode(dict, raw) else { return };
                let matrix = match self.file.lookup(dict, "Matrix") {
                    Some(Obj::Array(m)) if m.len() == 6 => {
                        let v: Vec<f32> =
                            m.iter().map(|x| self.file.resolve(x).num().unwrap_or(0.0) as f32).collect();
                        [v[0], v[1], v[2], v[3], v[4], v[5]]
                    }
                    _ => IDENTITY,
                };
                let own = self.file.lookup(dict, "Resources").and_then(Obj::dict).cloned();
                let resources = own.unwrap_or_else(|| resources.clone());
                let dict = dict.clone();
                let _ = dict;
                self.run(&content, &resources, multiply(&matrix, ctm), depth + 1);
            }
            _ => {}
        }
    }

    fn show(&mut self, parts: &[Obj], state: &State, tm: &mut Matrix) {
        let font = self.font(state.font);
        let render = |tm: &Matrix| {
            multiply(
                &[state.size * state.scale, 0.0, 0.0, state.size, 0.0, state.rise],
                &multiply(tm, &state.ctm),
            )
        };
        let start_matrix = render(tm);
        let (x, y) = self.device(&IDENTITY, start_matrix[4], start_matrix[5]);
        let size = (start_matrix[2] * start_matrix[2] + start_matrix[3] * start_matrix[3]).sqrt();
        let mut text = String::new();
        for part in parts {
            match part {
                Obj::Str(bytes) => {
                    for code in font.codes(bytes) {
                        let ch = font.text(code);
                        let spacing = if !font.two_byte && code == 32 { state.word_spacing } else { 0.0 };
                        let advance =
                            (font.width(code) * state.size + state.char_spacing + spacing) * state.scale;
                        text.push_str(&ch);
                        *tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
                    }
                }
                Obj::Num(adjust) => {
                    let advance = -(*adjust as f32) / 1000.0 * state.size * state.scale;
                    if -*adjust > 200.0 && !text.ends_with(' ') {
                        text.push(' ');
                    }
                    *tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
                }
                _ => {}
            }
        }
        let end_matrix = render(tm);
        let (x_end, _) = self.device(&IDENTITY, end_matrix[4], end_matrix[5]);
        if text.trim().is_empty() {
            return;
        }
        self.page.runs.push(Run { x: x.min(x_end), y, size, width: (x_end - x).abs(), text });
    }

    fn paint(&mut self, sub: Subpath, ctm: &Matrix, stroked: bool, filled: bool, closing: bool) {
        let points: Vec<(f32, f32)> = sub.points.iter().map(|(x, y)| self.device(ctm, *x, *y)).collect();
        if points.is_empty() {
            return;
        }
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for (x, y) in &points {
            x0 = x0.min(*x);
            y0 = y0.min(*y);
            x1 = x1.max(*x);
            y1 = y1.max(*y);
        }
        let closed = sub.closed || closing || (points.len() > 2 && points.first() == points.last());
        let thin = (x1 - x0) < 1.5 || (y1 - y0) < 1.5;
        if thin && (x1 - x0).max(y1 - y0) > 2.0 {
            // A rule drawn as a thin filled rectangle or a stroked line.
            let s = if (x1 - x0) < (y1 - y0) {
                let x = (x0 + x1) / 2.0;
                Segment { x0: x, y0, x1: x, y1 }
            } else {
                let y = (y0 + y1) / 2.0;
                Segment { x0, y0: y, x1, y1: y }
            };
            self.page.segments.push(s);
            return;
        }
        if !closed {
            if stroked {
                self.page.paths.push(points.clone());
                for w in points.windows(2) {
                    self.page.segments.push(Segment { x0: w[0].0, y0: w[0].1, x1: w[1].0, y1: w[1].1 });
                }
            }
            return;
        }
        let mut corners: Vec<(f32, f32)> = Vec::new();
        for p in &points {
            if !corners.iter().any(|c| (c.0 - p.0).abs() < 0.5 && (c.1 - p.1).abs() < 0.5) {
                corners.push(*p);
            }
        }
        let rectangular = !sub.curved
            && points.windows(2).all(|w| (w[0].0 - w[1].0).abs() < 0.5 || (w[0].1 - w[1].1).abs() < 0.5);
        if stroked && rectangular {
            // A stroked box is also four rules (a table's frame, a cell).
            for (a, b) in
                [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))]
            {
                self.page.segments.push(Segment { x0: a.0, y0: a.1, x1: b.0, y1: b.1 });
            }
        }
        self.page.shapes.push(Shape {
            x0,
            y0,
            x1,
            y1,
            corners: corners.len(),
            curved: sub.curved,
            rectangular,
            stroked,
            filled,
        });
    }
}

/// Every page's text runs and drawing. Refuses encrypted files and scans.
pub fn pages(data: &[u8]) -> Result<Vec<PdfPage>, ImportError> {
    let file = File::open(data)?;
    let pages = file.pages();
    if pages.is_empty() {
        return Err(ImportError::Damaged("PDF tanpa halaman yang terbaca".into()));
    }
    let mut painter =
        Painter { file: &file, fonts: HashMap::new(), page: PdfPage::default(), top: 0.0, left: 0.0 };
    let mut out = Vec::new();
    for (dict, resources, media) in pages {
        painter.page = PdfPage::default();
        painter.top = media[3];
        painter.left = media[0];
        let contents: Vec<&Obj> = match file.lookup(&dict, "Contents") {
            Some(Obj::Array(items)) => items.iter().map(|i| file.resolve(i)).collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        };
        let mut content = Vec::new();
        for c in contents {
            if let Obj::Stream(d, raw) = c
                && let Ok(bytes) = file.decode(d, raw)
            {
                content.extend_from_slice(&bytes);
                content.push(b'\n');
            }
        }
        painter.run(&content, &resources, IDENTITY, 0);
        out.push(std::mem::take(&mut painter.page));
    }
    let letters: usize = out
        .iter()
        .flat_map(|p| &p.runs)
        .map(|r| r.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum();
    if letters < 20 {
        return Err(ImportError::NoText);
    }
    Ok(out)
}
