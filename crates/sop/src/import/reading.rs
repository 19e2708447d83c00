//! What was read from an SOP document, before it is understood: the
//! heading beside the identity table, each identity field's printed lines,
//! the matrix's lane headings and its rows cell by cell, with the column(s)
//! where a row's symbol is drawn. Word, OpenDocument and PDF readers all
//! produce this; [`super::draft`] makes a definition of it.

/// The labels of the PermenPANRB 35/2012 identity page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Nomor,
    TanggalPembuatan,
    TanggalRevisi,
    TanggalPengesahan,
    TanggalEfektif,
    DisahkanOleh,
    Nama,
    DasarHukum,
    KualifikasiPelaksana,
    Keterkaitan,
    Peralatan,
    Peringatan,
    Pencatatan,
}

impl Label {
    pub const ALL: [Label; 13] = [
        Label::Nomor,
        Label::TanggalPembuatan,
        Label::TanggalRevisi,
        Label::TanggalPengesahan,
        Label::TanggalEfektif,
        Label::DisahkanOleh,
        Label::Nama,
        Label::DasarHukum,
        Label::KualifikasiPelaksana,
        Label::Keterkaitan,
        Label::Peralatan,
        Label::Peringatan,
        Label::Pencatatan,
    ];

    /// As printed on the identity page.
    pub fn printed(self) -> &'static str {
        match self {
            Label::Nomor => "Nomor SOP",
            Label::TanggalPembuatan => "Tanggal Pembuatan",
            Label::TanggalRevisi => "Tanggal Revisi",
            Label::TanggalPengesahan => "Tanggal Pengesahan",
            Label::TanggalEfektif => "Tanggal Efektif",
            Label::DisahkanOleh => "Disahkan oleh",
            Label::Nama => "Nama SOP",
            Label::DasarHukum => "Dasar Hukum",
            Label::KualifikasiPelaksana => "Kualifikasi Pelaksana",
            Label::Keterkaitan => "Keterkaitan",
            Label::Peralatan => "Peralatan/Perlengkapan",
            Label::Peringatan => "Peringatan",
            Label::Pencatatan => "Pencatatan dan Pendataan",
        }
    }

    /// The key of the definition file.
    pub fn key(self) -> &'static str {
        match self {
            Label::Nomor => "nomor",
            Label::TanggalPembuatan => "tanggal_pembuatan",
            Label::TanggalRevisi => "tanggal_revisi",
            Label::TanggalPengesahan => "tanggal_pengesahan",
            Label::TanggalEfektif => "tanggal_efektif",
            Label::DisahkanOleh => "disahkan_oleh",
            Label::Nama => "nama",
            Label::DasarHukum => "dasar_hukum",
            Label::KualifikasiPelaksana => "kualifikasi_pelaksana",
            Label::Keterkaitan => "keterkaitan",
            Label::Peralatan => "peralatan",
            Label::Peringatan => "peringatan",
            Label::Pencatatan => "pencatatan",
        }
    }

    /// Whether the field is a list printed below its label (the paired
    /// sections), rather than a value beside it.
    pub fn is_section(self) -> bool {
        matches!(
            self,
            Label::DasarHukum
                | Label::KualifikasiPelaksana
                | Label::Keterkaitan
                | Label::Peralatan
                | Label::Peringatan
                | Label::Pencatatan
        )
    }

    /// The label a printed text is, if it is one. Agencies abbreviate and
    /// punctuate ("TGL. PEMBUATAN :", "No. SOP", "Ditetapkan oleh").
    pub fn recognise(text: &str) -> Option<Label> {
        let words = words(text);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let label = match words.as_slice() {
            ["nomor" | "no" | "nomer", "sop"] => Label::Nomor,
            ["tanggal" | "tgl", "pembuatan" | "dibuat"] => Label::TanggalPembuatan,
            ["tanggal" | "tgl", "revisi"] => Label::TanggalRevisi,
            ["tanggal" | "tgl", "pengesahan" | "disahkan" | "penetapan" | "ditetapkan"] => {
                Label::TanggalPengesahan
            }
            ["tanggal" | "tgl", "efektif" | "berlaku"] => Label::TanggalEfektif,
            ["disahkan" | "ditetapkan", "oleh"] => Label::DisahkanOleh,
            ["nama", "sop"] | ["judul", "sop"] => Label::Nama,
            ["dasar", "hukum"] => Label::DasarHukum,
            ["kualifikasi", "pelaksana"] => Label::KualifikasiPelaksana,
            ["keterkaitan"] | ["keterkaitan", "dengan", "sop", "lain"] => Label::Keterkaitan,
            ["peralatan", "perlengkapan"]
            | ["peralatan"]
            | ["perlengkapan"]
            | ["peralatan", "dan", "perlengkapan"] => Label::Peralatan,
            ["peringatan"] => Label::Peringatan,
            ["pencatatan", "dan", "pendataan"] | ["pencatatan"] | ["pencatatan", "pendataan"] => {
                Label::Pencatatan
            }
            _ => return None,
        };
        Some(label)
    }
}

/// The lower-case words of `text`, punctuation dropped.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The text of one cell or field, line by line. `soft` lines are the
/// visual lines of a PDF (a long sentence wrapped over several); hard
/// lines are paragraphs (each one an item of its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub lines: Vec<String>,
    pub soft: bool,
}

impl Text {
    pub fn hard(lines: Vec<String>) -> Text {
        Text { lines: clean(lines), soft: false }
    }

    pub fn soft(lines: Vec<String>) -> Text {
        Text { lines: clean(lines), soft: true }
    }

    pub fn is_blank(&self) -> bool {
        self.joined().trim().is_empty()
    }

    /// All of it as one line.
    pub fn joined(&self) -> String {
        self.lines.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Its items: numbered or bulleted entries ("1. …", "- …", "• …"),
    /// their wrapped continuation lines joined to them; without markers,
    /// a paragraph each (hard lines) or the whole text as one (soft lines).
    /// A lone "-" is no item.
    pub fn items(&self) -> Vec<String> {
        let marked = self.lines.iter().any(|l| item_marker(l).is_some());
        let mut items: Vec<String> = Vec::new();
        let mut expected = 1;
        for line in &self.lines {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match item_marker(line) {
                // A number starts an item only in sequence: "2012 tentang…"
                // wrapped onto a line of its own is not item 2012.
                Some((rest, number)) if number.is_none_or(|n| n == expected || items.is_empty()) => {
                    if let Some(n) = number {
                        expected = n + 1;
                    }
                    items.push(rest.to_string());
                }
                _ if marked || self.soft => match items.last_mut() {
                    Some(last) => {
                        last.push(' ');
                        last.push_str(line);
                    }
                    None => items.push(line.to_string()),
                },
                _ => items.push(line.to_string()),
            }
        }
        items
            .into_iter()
            .map(|i| i.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|i| !i.is_empty() && !is_dash(i))
            .collect()
    }
}

/// Whether `text` is only a dash: printed for "nothing".
pub fn is_dash(text: &str) -> bool {
    matches!(text.trim(), "-" | "–" | "—" | "--")
}

/// A line that begins an item: its text after the marker, and the number
/// when the marker is one ("3." or "3)").
fn item_marker(line: &str) -> Option<(&str, Option<u32>)> {
    let line = line.trim_start();
    for bullet in ["- ", "– ", "• ", "● ", "▪ ", "* ", "o "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some((rest.trim(), None));
        }
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &line[digits..];
    let rest = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')'))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some((rest.trim(), line[..digits].parse().ok()))
}

fn clean(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| l.replace(['\u{a0}', '\t'], " ").trim_end().to_string())
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// The flowchart symbol drawn in a lane's cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    /// Capsule: the start or an end.
    Terminal,
    /// Rectangle: an activity.
    Activity,
    /// Diamond: a decision.
    Decision,
    /// A drawing whose shape was not told, or a mark typed in the cell ("√").
    Other,
}

impl Symbol {
    /// Which symbol a cell holding several is taken for: a decision's
    /// diamond over a capsule over a box over anything else.
    pub fn rank(self) -> u8 {
        match self {
            Symbol::Decision => 3,
            Symbol::Terminal => 2,
            Symbol::Activity => 1,
            Symbol::Other => 0,
        }
    }
}

/// A lane cell of a row that holds a symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Index into [`Reading::lanes`].
    pub lane: usize,
    pub symbol: Symbol,
    /// Text inside the symbol ("Mulai", "Selesai", "Ditolak"), if any.
    pub label: String,
}

/// Where a decision's exit leads, as its arrow shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// To the row with this index in [`Reading::rows`].
    Row(usize),
    /// To a capsule beside the decision saying the procedure ends.
    End,
    Rejected,
}

/// One row of the matrix, cell by cell.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// For a decision whose arrows were followed: where "Ya" and "Tidak" lead.
    pub ya: Option<Branch>,
    pub tidak: Option<Branch>,
    /// The number as printed ("5.", "1", or empty when the source left it out).
    pub no: String,
    pub activity: Text,
    pub marks: Vec<Mark>,
    pub requirements: Text,
    pub time: Text,
    pub output: Text,
    pub remarks: Text,
}

/// Everything read from one document.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The agency block beside the identity table, top to bottom.
    pub heading: Vec<String>,
    /// Each identity field found, with its printed text.
    pub fields: Vec<(Label, Text)>,
    /// Lane headings, in column order.
    pub lanes: Vec<String>,
    pub rows: Vec<Row>,
    /// Notes printed on the identity page (e.g. an electronic-signature note).
    pub notes: Vec<String>,
}

impl Reading {
    pub fn field(&self, label: Label) -> Option<&Text> {
        self.fields.iter().find(|(l, _)| *l == label).map(|(_, t)| t)
    }

    /// Keeps the first reading of each label: a later one is a repeat
    /// (a header printed again on the next page).
    pub fn set(&mut self, label: Label, text: Text) {
        if self.field(label).is_none() {
            self.fields.push((label, text));
        }
    }
}

/// The column a matrix heading names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heading {
    No,
    Activity,
    /// "Pelaksana" over the lanes.
    Lanes,
    /// "Mutu Baku" over requirements, time and output.
    Standard,
    Requirements,
    Time,
    Output,
    Remarks,
}

impl Heading {
    pub fn recognise(text: &str) -> Option<Heading> {
        let words = words(text);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let heading = match words.as_slice() {
            ["no"] | ["nomor"] | ["no", "urut"] => Heading::No,
            ["kegiatan"]
            | ["aktivitas"]
            | ["uraian", "kegiatan"]
            | ["aktifitas"]
            | ["uraian", "prosedur"]
            | ["prosedur"]
            | ["uraian", "aktivitas"] => Heading::Activity,
            ["pelaksana"] => Heading::Lanes,
            ["mutu", "baku"] => Heading::Standard,
            ["kelengkapan"]
            | ["persyaratan"]
            | ["persyaratan", "kelengkapan"]
            | ["syarat", "kelengkapan"]
            | ["kelengkapan", "persyaratan"] => Heading::Requirements,
            ["waktu"] => Heading::Time,
            ["output"] | ["keluaran"] | ["hasil"] | ["output", "keluaran"] => Heading::Output,
            ["keterangan"] | ["ket"] => Heading::Remarks,
            _ => return None,
        };
        Some(heading)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_recognised_however_abbreviated() {
        assert_eq!(Label::recognise("TGL. PEMBUATAN :"), Some(Label::TanggalPembuatan));
        assert_eq!(Label::recognise("No. SOP"), Some(Label::Nomor));
        assert_eq!(Label::recognise("PERALATAN/PERLENGKAPAN"), Some(Label::Peralatan));
        assert_eq!(Label::recognise("Pencatatan dan Pendataan"), Some(Label::Pencatatan));
        assert_eq!(Label::recognise("Ditetapkan oleh"), Some(Label::DisahkanOleh));
        assert_eq!(Label::recognise("Kepala Dinas"), None);
    }

    #[test]
    fn items_follow_markers_and_join_wrapped_lines() {
        let t = Text::soft(vec![
            "1. Undang-Undang Nomor 25 Tahun".into(),
            "    2009 tentang Pelayanan Publik".into(),
            "2. Peraturan Daerah Nomor 8".into(),
        ]);
        assert_eq!(
            t.items(),
            ["Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik", "Peraturan Daerah Nomor 8"]
        );
        let wrapped_number =
            Text::soft(vec!["1. Peraturan Pemerintah Nomor".into(), "96. tahun 2012".into()]);
        assert_eq!(wrapped_number.items().len(), 1);
        assert_eq!(
            Text::soft(vec!["Surat resmi yang di".into(), "tandatangani".into()]).items(),
            ["Surat resmi yang di tandatangani"]
        );
        assert_eq!(Text::hard(vec!["Komputer".into(), "Printer".into()]).items(), ["Komputer", "Printer"]);
        assert!(Text::soft(vec!["-".into()]).items().is_empty());
        assert_eq!(Text::hard(vec!["- KTP".into(), "- Formulir".into()]).items(), ["KTP", "Formulir"]);
    }
}
