//! Test documents made in code, not committed as binaries: an SOP in the
//! PermenPANRB 35/2012 table shape written as a Word (`.docx`) and an
//! OpenDocument (`.odt`) file — identity table, paired sections, and the
//! matrix with its symbols drawn as the office programs draw them
//! (DrawingML with a VML fallback, ODF custom shapes), arrows included.
//! Only built with the `fixtures` feature (tests of this and other crates).

use super::reading::Symbol;

/// One row of the fixture's matrix.
#[derive(Debug, Clone)]
pub struct FixtureRow {
    pub no: &'static str,
    pub activity: &'static str,
    /// Lane index, symbol and the text inside it.
    pub marks: Vec<(usize, Symbol, &'static str)>,
    pub requirements: Vec<&'static str>,
    pub time: &'static str,
    pub output: &'static str,
    pub remarks: &'static str,
}

/// An SOP document's content.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub heading: Vec<&'static str>,
    /// Label and value lines of the identity table.
    pub identity: Vec<(&'static str, Vec<&'static str>)>,
    /// The paired sections, two a row: label and items.
    pub sections: Vec<(&'static str, Vec<&'static str>)>,
    pub lanes: Vec<&'static str>,
    pub rows: Vec<FixtureRow>,
}

/// An SOP whose import has something to be unsure of: a row without a
/// marked column, a time that is not a duration, a row without a number,
/// a date that is not one.
pub fn sample() -> Fixture {
    Fixture {
        heading: vec![
            "PEMERINTAH KABUPATEN CONTOH",
            "DINAS KOMUNIKASI DAN INFORMATIKA",
            "BIDANG APLIKASI INFORMATIKA",
        ],
        identity: vec![
            ("NOMOR SOP", vec!["000.1/7/2026"]),
            ("TANGGAL PEMBUATAN", vec!["05 Januari 2026"]),
            ("TANGGAL REVISI", vec!["-"]),
            ("TANGGAL PENGESAHAN", vec!["12 Januarii 2026"]),
            (
                "DISAHKAN OLEH",
                vec![
                    "KEPALA DINAS KOMUNIKASI DAN INFORMATIKA",
                    "CONTOH PEJABAT, S.Kom.",
                    "NIP. 19800101 200501 1 001",
                ],
            ),
            ("NAMA SOP", vec!["SOP LAYANAN HOSTING APLIKASI"]),
        ],
        sections: vec![
            ("DASAR HUKUM", vec!["1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"]),
            (
                "KUALIFIKASI PELAKSANA",
                vec!["1. Kepala Bidang Aplikasi Informatika", "2. Administrator Server"],
            ),
            ("KETERKAITAN", vec!["-"]),
            ("PERALATAN/PERLENGKAPAN", vec!["1. Komputer", "2. Jaringan Internet"]),
            ("PERINGATAN", vec!["Pelaksana bertanggungjawab atas pelaksanaan aktivitas"]),
            ("PENCATATAN DAN PENDATAAN", vec!["1. Pencatatan hosting aplikasi"]),
        ],
        lanes: vec!["Unit Kerja Pemohon", "Kabid Aptika", "Administrator Server"],
        rows: vec![
            FixtureRow {
                no: "1.",
                activity: "Unit kerja mengajukan permohonan hosting aplikasi",
                marks: vec![(0, Symbol::Terminal, "Mulai")],
                requirements: vec!["Surat permohonan"],
                time: "-",
                output: "Permohonan hosting",
                remarks: "",
            },
            FixtureRow {
                no: "2.",
                activity: "Kabid Aptika memverifikasi permohonan",
                // The capsule beside the diamond says where "Tidak" ends.
                marks: vec![(1, Symbol::Decision, ""), (0, Symbol::Terminal, "Ditolak")],
                requirements: vec!["Permohonan hosting"],
                time: "1 hari",
                output: "Permohonan terverifikasi",
                remarks: "",
            },
            FixtureRow {
                no: "3.",
                activity: "Administrator Server menyiapkan hosting aplikasi",
                marks: vec![(2, Symbol::Activity, "")],
                requirements: vec!["- Formulir hosting", "- Berkas aplikasi"],
                time: "2 Jam",
                output: "Hosting aplikasi aktif",
                remarks: "Sesuai standar keamanan",
            },
            FixtureRow {
                no: "4.",
                activity: "Administrator Server melaporkan hasil kepada Kabid Aptika",
                marks: vec![],
                requirements: vec!["Hosting aplikasi aktif"],
                time: "30 detik",
                output: "Laporan hosting",
                remarks: "",
            },
            FixtureRow {
                no: "",
                activity: "Unit kerja menerima informasi hosting",
                marks: vec![(0, Symbol::Terminal, "Selesai")],
                requirements: vec![],
                time: "-",
                output: "Informasi hosting",
                remarks: "",
            },
        ],
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

// ---------------------------------------------------------------- docx

fn w_paragraph(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", escape(text))
}

fn w_cell(paragraphs: &[&str], props: &str, extra: &str) -> String {
    let body: String = if paragraphs.is_empty() && extra.is_empty() {
        "<w:p/>".to_string()
    } else {
        paragraphs.iter().map(|p| w_paragraph(p)).collect()
    };
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{body}{extra}</w:tc>")
}

/// A shape anchored in the cell: DrawingML inside mc:Choice, its VML twin
/// in mc:Fallback (as Word writes them).
fn w_shape(symbol: Symbol, label: &str) -> String {
    let (prst, vml) = match symbol {
        Symbol::Terminal => ("flowChartTerminator", "#_x0000_t116"),
        Symbol::Decision => ("flowChartDecision", "#_x0000_t110"),
        Symbol::Activity => ("flowChartProcess", "#_x0000_t109"),
        Symbol::Other => ("ellipse", "#_x0000_t3"),
    };
    let text = if label.is_empty() {
        String::new()
    } else {
        format!("<wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx>", w_paragraph(label))
    };
    let vml_text = if label.is_empty() {
        String::new()
    } else {
        format!("<v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox>", w_paragraph(label))
    };
    format!(
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"1\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"column\"><wp:posOffset>90000</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"paragraph\"><wp:posOffset>40000</wp:posOffset></wp:positionV><wp:extent cx=\"720000\" cy=\"300000\"/><wp:docPr id=\"1\" name=\"Simbol\"/><a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:cNvSpPr/><wps:spPr><a:prstGeom prst=\"{prst}\"><a:avLst/></a:prstGeom></wps:spPr>{text}<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape type=\"{vml}\" style=\"width:57pt;height:24pt\">{vml_text}</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
}

/// An arrow between symbols: a connector shape, which is no symbol.
fn w_arrow() -> String {
    "<w:p><w:r><w:drawing><wp:anchor><wp:docPr id=\"2\" name=\"Panah\"/><a:graphic><a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"><wps:wsp><wps:cNvCnPr/><wps:spPr><a:prstGeom prst=\"straightConnector1\"><a:avLst/></a:prstGeom></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>".to_string()
}

fn span(n: usize) -> String {
    format!("<w:gridSpan w:val=\"{n}\"/>")
}

const RESTART: &str = "<w:vMerge w:val=\"restart\"/>";
const CONTINUE: &str = "<w:vMerge/>";

/// The fixture as a Word document.
pub fn docx(f: &Fixture) -> Vec<u8> {
    let mut body = String::new();
    // Identity: agency block merged down the left, label | : | value.
    body.push_str("<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>");
    for (i, (label, value)) in f.identity.iter().enumerate() {
        body.push_str("<w:tr>");
        if i == 0 {
            body.push_str(&w_cell(&f.heading, RESTART, ""));
        } else {
            body.push_str(&w_cell(&[], CONTINUE, ""));
        }
        body.push_str(&w_cell(&[label], "", ""));
        body.push_str(&w_cell(&[":"], "", ""));
        body.push_str(&w_cell(value, "", ""));
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    body.push_str(&w_paragraph(""));
    // Sections: two labels a row, their items in the row below.
    body.push_str("<w:tbl>");
    for pair in f.sections.chunks(2) {
        body.push_str("<w:tr>");
        for (label, _) in pair {
            body.push_str(&w_cell(&[label], "", ""));
        }
        body.push_str("</w:tr><w:tr>");
        for (_, items) in pair {
            body.push_str(&w_cell(items, "", ""));
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    body.push_str(&w_paragraph(""));
    // The matrix.
    let n = f.lanes.len();
    if n > 0 {
        docx_matrix(f, &mut body);
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\" xmlns:v=\"urn:schemas-microsoft-com:vml\" mc:Ignorable=\"wps\"><w:body>{body}<w:sectPr/></w:body></w:document>"
    );
    zip(&[
        (
            "[Content_Types].xml",
            b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
        ),
        ("word/document.xml", document.as_bytes()),
    ])
}

fn docx_matrix(f: &Fixture, body: &mut String) {
    let n = f.lanes.len();
    body.push_str("<w:tbl><w:tr>");
    body.push_str(&w_cell(&["No"], RESTART, ""));
    body.push_str(&w_cell(&["Kegiatan"], RESTART, ""));
    body.push_str(&w_cell(&["Pelaksana"], &span(n), ""));
    body.push_str(&w_cell(&["Mutu Baku"], &span(3), ""));
    body.push_str(&w_cell(&["Keterangan"], RESTART, ""));
    body.push_str("</w:tr><w:tr>");
    body.push_str(&w_cell(&[], CONTINUE, ""));
    body.push_str(&w_cell(&[], CONTINUE, ""));
    for lane in &f.lanes {
        body.push_str(&w_cell(&[lane], "", ""));
    }
    for h in ["Kelengkapan", "Waktu", "Output"] {
        body.push_str(&w_cell(&[h], "", ""));
    }
    body.push_str(&w_cell(&[], CONTINUE, ""));
    body.push_str("</w:tr>");
    for row in &f.rows {
        body.push_str("<w:tr>");
        body.push_str(&w_cell(&[row.no], "", ""));
        body.push_str(&w_cell(&[row.activity], "", ""));
        for lane in 0..n {
            let mut shapes: String =
                row.marks.iter().filter(|m| m.0 == lane).map(|(_, s, label)| w_shape(*s, label)).collect();
            if !row.marks.is_empty() && lane == n - 1 {
                shapes.push_str(&w_arrow());
            }
            body.push_str(&w_cell(&[], "", &shapes));
        }
        body.push_str(&w_cell(&row.requirements, "", ""));
        body.push_str(&w_cell(&[row.time], "", ""));
        body.push_str(&w_cell(&[row.output], "", ""));
        body.push_str(&w_cell(&[row.remarks], "", ""));
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
}

// ---------------------------------------------------------------- odt

fn o_paragraph(text: &str) -> String {
    format!("<text:p>{}</text:p>", escape(text))
}

fn o_cell(paragraphs: &[&str], attrs: &str, extra: &str) -> String {
    let body: String = paragraphs.iter().map(|p| o_paragraph(p)).collect();
    let body = if body.is_empty() && extra.is_empty() { "<text:p/>".to_string() } else { body };
    format!("<table:table-cell{attrs}>{body}{extra}</table:table-cell>")
}

fn o_shape(symbol: Symbol, label: &str) -> String {
    let kind = match symbol {
        Symbol::Terminal => "flowchart-terminator",
        Symbol::Decision => "flowchart-decision",
        Symbol::Activity => "flowchart-process",
        Symbol::Other => "ellipse",
    };
    let text = if label.is_empty() { String::new() } else { o_paragraph(label) };
    format!(
        "<text:p><draw:custom-shape text:anchor-type=\"paragraph\" svg:width=\"2cm\" svg:height=\"0.8cm\">{text}<draw:enhanced-geometry draw:type=\"{kind}\"/></draw:custom-shape></text:p>"
    )
}

fn o_arrow() -> String {
    "<text:p><draw:connector text:anchor-type=\"paragraph\" draw:type=\"standard\"/><draw:custom-shape><draw:enhanced-geometry draw:type=\"down-arrow\"/></draw:custom-shape></text:p>".to_string()
}

const COVERED: &str = "<table:covered-table-cell/>";

/// The fixture as an OpenDocument text.
pub fn odt(f: &Fixture) -> Vec<u8> {
    let mut body = String::new();
    body.push_str(
        "<table:table table:name=\"Identitas\"><table:table-column table:number-columns-repeated=\"4\"/>",
    );
    for (i, (label, value)) in f.identity.iter().enumerate() {
        body.push_str("<table:table-row>");
        if i == 0 {
            body.push_str(&o_cell(
                &f.heading,
                &format!(" table:number-rows-spanned=\"{}\"", f.identity.len()),
                "",
            ));
        } else {
            body.push_str(COVERED);
        }
        body.push_str(&o_cell(&[label], "", ""));
        body.push_str(&o_cell(&[":"], "", ""));
        body.push_str(&o_cell(value, "", ""));
        body.push_str("</table:table-row>");
    }
    body.push_str("</table:table>");
    body.push_str("<table:table table:name=\"Bagian\">");
    for pair in f.sections.chunks(2) {
        body.push_str("<table:table-row>");
        for (label, _) in pair {
            body.push_str(&o_cell(&[label], "", ""));
        }
        body.push_str("</table:table-row><table:table-row>");
        for (_, items) in pair {
            body.push_str(&o_cell(items, "", ""));
        }
        body.push_str("</table:table-row>");
    }
    body.push_str("</table:table>");
    if !f.lanes.is_empty() {
        odt_matrix(f, &mut body);
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" office:version=\"1.3\"><office:body><office:text>{}{body}</office:text></office:body></office:document-content>",
        o_paragraph("STANDAR OPERASIONAL PROSEDUR")
    );
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
        (
            "META-INF/manifest.xml",
            b"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>",
        ),
    ])
}

fn odt_matrix(f: &Fixture, body: &mut String) {
    let n = f.lanes.len();
    body.push_str("<table:table table:name=\"Matriks\"><table:table-header-rows><table:table-row>");
    body.push_str(&o_cell(&["No"], " table:number-rows-spanned=\"2\"", ""));
    body.push_str(&o_cell(&["Kegiatan"], " table:number-rows-spanned=\"2\"", ""));
    body.push_str(&o_cell(&["Pelaksana"], &format!(" table:number-columns-spanned=\"{n}\""), ""));
    body.push_str(&COVERED.repeat(n - 1));
    body.push_str(&o_cell(&["Mutu Baku"], " table:number-columns-spanned=\"3\"", ""));
    body.push_str(&COVERED.repeat(2));
    body.push_str(&o_cell(&["Keterangan"], " table:number-rows-spanned=\"2\"", ""));
    body.push_str("</table:table-row><table:table-row>");
    body.push_str(&COVERED.repeat(2));
    for lane in &f.lanes {
        body.push_str(&o_cell(&[lane], "", ""));
    }
    for h in ["Kelengkapan", "Waktu", "Output"] {
        body.push_str(&o_cell(&[h], "", ""));
    }
    body.push_str(COVERED);
    body.push_str("</table:table-row></table:table-header-rows>");
    for row in &f.rows {
        body.push_str("<table:table-row>");
        body.push_str(&o_cell(&[row.no], "", ""));
        body.push_str(&o_cell(&[row.activity], "", ""));
        for lane in 0..n {
            let mut shapes: String =
                row.marks.iter().filter(|m| m.0 == lane).map(|(_, s, label)| o_shape(*s, label)).collect();
            if !row.marks.is_empty() && lane == n - 1 {
                shapes.push_str(&o_arrow());
            }
            body.push_str(&o_cell(&[], "", &shapes));
        }
        body.push_str(&o_cell(&row.requirements, "", ""));
        body.push_str(&o_cell(&[row.time], "", ""));
        body.push_str(&o_cell(&[row.output], "", ""));
        body.push_str(&o_cell(&[row.remarks], "", ""));
        body.push_str("</table:table-row>");
    }
    body.push_str("</table:table>");
}

// ---------------------------------------------------------------- zip

/// A ZIP archive of `files`: the first stored, the others deflated, as
/// office programs write theirs.
pub fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut directory = Vec::new();
    for (i, (name, content)) in files.iter().enumerate() {
        let offset = out.len() as u32;
        let (method, packed) = if i == 0 {
            (0u16, content.to_vec())
        } else {
            (8u16, miniz_oxide::deflate::compress_to_vec(content, 6))
        };
        let crc = crc32(content);
        let header = |signature: &[u8], central: bool| {
            let mut h = signature.to_vec();
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(packed.len() as u32).to_le_bytes());
            h.extend_from_slice(&(content.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                h.extend_from_slice(&[0; 6]);
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(b"PK\x03\x04", false));
        out.extend_from_slice(&packed);
        directory.extend(header(b"PK\x01\x02", true));
    }
    let (offset, size) = (out.len() as u32, directory.len() as u32);
    out.extend(directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
