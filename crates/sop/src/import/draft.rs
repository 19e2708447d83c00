//! Understanding what was read ([`Reading`]) as an SOP definition: dates,
//! the approver, lists, lanes matched to the agency's positions, each row
//! as a step (number, lane, action, mutu baku) — and writing it out as a
//! draft definition file in which every value Sopir was unsure of is
//! marked with a comment and listed as an [`Unsure`] finding.

use std::collections::BTreeSet;
use std::fmt;

use super::reading::{Branch, Label, Mark, Reading, Row, Symbol, Text, is_dash, words};
use crate::agency::Agency;
use crate::date::{Date, MONTHS};
use crate::definition::ActionKind;
use crate::standard_time::StandardTime;

/// A value the import could not read with certainty: where it stands in
/// the draft, what it is, and why it needs a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsure {
    /// The line of the draft's text the value is written on (1-based).
    pub line: usize,
    /// Which value, as the document names it ("Tanggal Pengesahan",
    /// "langkah 3, Pelaksana").
    pub place: String,
    /// The text as printed (or as guessed), to find it in the source.
    pub value: String,
    pub why: String,
}

impl fmt::Display for Unsure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "baris {}: {} — {}", self.line, self.place, self.why)
        } else {
            write!(f, "baris {}: {}: \"{}\" — {}", self.line, self.place, self.value, self.why)
        }
    }
}

/// The draft's text, written line by line, with its findings.
struct Writer {
    out: String,
    unsure: Vec<Unsure>,
}

impl Writer {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The number the next written line will have.
    fn next_line(&self) -> usize {
        self.out.matches('\n').count() + 1
    }

    /// Marks the value written next: a comment above it, and a finding.
    fn flag(&mut self, place: &str, value: &str, why: &str) {
        self.line(&format!("{} {why}", super::mark::MARK));
        let line = self.next_line();
        self.unsure.push(Unsure {
            line,
            place: place.to_string(),
            value: value.to_string(),
            why: why.to_string(),
        });
    }

    fn key(&mut self, key: &str, value: impl Into<toml::Value>) {
        let value: toml::Value = value.into();
        self.line(&format!("{key} = {value}"));
    }

    fn list(&mut self, key: &str, items: &[String]) {
        if items.is_empty() {
            self.line(&format!("{key} = []"));
            return;
        }
        self.line(&format!("{key} = ["));
        for item in items {
            self.line(&format!("  {},", toml::Value::from(item.as_str())));
        }
        self.line("]");
    }
}

/// How an import is to fit the agency it is for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fit<'a> {
    /// The agency: its id starts the draft's id, its positions are matched
    /// to the lanes and its letterhead is told apart from the unit.
    pub agency: Option<&'a Agency>,
}

/// The id used when no agency is given.
pub const UNKNOWN_AGENCY: &str = "impor";

/// Writes `reading` as a draft definition (`source` says what it was read
/// from, for the opening comment).
pub fn write(reading: &Reading, source: &str, fit: Fit) -> (String, Vec<Unsure>) {
    let mut w = Writer { out: String::new(), unsure: Vec::new() };
    let agency_id = fit.agency.map_or(UNKNOWN_AGENCY, |a| a.id.as_str());
    let nama = reading.field(Label::Nama).map(Text::joined).unwrap_or_default();
    let nama = tidy_title(&nama);

    w.line(&format!("# Draf SOP hasil impor dari {source}."));
    w.line("# Periksa setiap nilai bertanda \"TIDAK PASTI\" sebelum diterbitkan.");
    for h in &reading.heading {
        w.line(&format!("# Kepala dokumen: {h}"));
    }
    w.line("");
    let slug = slug(nama.strip_prefix("SOP ").unwrap_or(&nama), 40);
    w.key("id", format!("{agency_id}/{}", if slug.is_empty() { "sop-impor" } else { &slug }));
    w.key("version", 1);
    w.key("agency", agency_id);
    w.line("");
    identity(&mut w, reading, &nama, fit);
    let lanes = lanes(&mut w, reading, fit);
    steps(&mut w, reading, &lanes);
    (w.out, w.unsure)
}

fn identity(w: &mut Writer, reading: &Reading, nama: &str, fit: Fit) {
    w.line("[identity]");
    let nomor = reading.field(Label::Nomor).map(Text::joined).filter(|n| !is_dash(n)).unwrap_or_default();
    if nomor.is_empty() {
        w.flag(Label::Nomor.printed(), "", "Nomor SOP tidak ditemukan di dokumen; isi sebelum diterbitkan");
    }
    w.key("nomor", nomor);
    if nama.is_empty() {
        w.flag(Label::Nama.printed(), "", "Nama SOP tidak ditemukan di dokumen; isi sebelum diterbitkan");
    }
    w.key("nama", nama);
    if let Some(unit) = unit(&reading.heading, fit.agency) {
        w.key("unit", unit);
    }
    for label in
        [Label::TanggalPembuatan, Label::TanggalRevisi, Label::TanggalPengesahan, Label::TanggalEfektif]
    {
        let Some(text) = reading.field(label) else {
            if matches!(label, Label::TanggalPembuatan) {
                w.flag(label.printed(), "", "tidak ditemukan di dokumen");
                w.line(&format!("# {} = \"YYYY-MM-DD\"", label.key()));
            }
            continue;
        };
        let printed = text.joined();
        match indonesian_date(&printed) {
            Ok(None) => w.line(&format!("# {}: kosong di dokumen", label.key())),
            Ok(Some(date)) => w.key(label.key(), date),
            Err(()) => {
                w.flag(label.printed(), &printed, "bukan tanggal yang dikenali (tulis YYYY-MM-DD)");
                w.line(&format!("# {} = \"YYYY-MM-DD\"", label.key()));
            }
        }
    }
    for label in [
        Label::DasarHukum,
        Label::KualifikasiPelaksana,
        Label::Keterkaitan,
        Label::Peralatan,
        Label::Peringatan,
        Label::Pencatatan,
    ] {
        match reading.field(label) {
            Some(text) => w.list(label.key(), &text.items()),
            None => {
                w.flag(label.printed(), "", "bagian ini tidak ditemukan di dokumen");
                w.list(label.key(), &[]);
            }
        }
    }
    if !reading.notes.is_empty() {
        w.list("catatan", &reading.notes);
    }
    w.line("");
    approver(w, reading.field(Label::DisahkanOleh));
}

fn approver(w: &mut Writer, text: Option<&Text>) {
    let place = Label::DisahkanOleh.printed();
    let Some(text) = text.filter(|t| !t.is_blank() && !is_dash(&t.joined())) else {
        w.flag(place, "", "Disahkan oleh kosong atau tidak ditemukan; isi jabatan, nama dan NIP pejabat");
        w.line("# [identity.disahkan_oleh]");
        w.line("# jabatan = \"\"");
        w.line("# nama = \"\"");
        return;
    };
    let printed = text.joined();
    // The NIP: "NIP." and 18 digits, spaced or not.
    let (before, nip) = match find_nip(&printed) {
        Some((at, digits)) => (printed[..at].to_string(), Some(digits)),
        None => (printed.clone(), None),
    };
    let mut lines: Vec<String> = Vec::new();
    for line in &text.lines {
        let line = match line.to_uppercase().find("NIP") {
            Some(at) if find_nip(line).is_some() => line[..at].trim().to_string(),
            _ => line.trim().to_string(),
        };
        if !line.is_empty() {
            lines.push(line);
        }
    }
    if before.trim().is_empty() {
        lines.clear();
    }
    let pangkat_at = lines.iter().position(|l| is_rank(l));
    let pangkat = pangkat_at.map(|i| lines.remove(i));
    let mut unsure_split = false;
    let (jabatan, nama) = match lines.len() {
        0 => (String::new(), String::new()),
        1 => {
            unsure_split = true;
            split_title_and_name(&lines[0])
        }
        n => (lines[..n - 1].join(" "), lines[n - 1].clone()),
    };
    w.line("[identity.disahkan_oleh]");
    if unsure_split {
        w.flag(place, &printed, "jabatan dan nama tercetak bersambung; batas keduanya ditebak");
    }
    w.key("jabatan", tidy_title(&jabatan));
    w.key("nama", tidy_name(&nama));
    if let Some(p) = pangkat {
        w.key("pangkat", p);
    }
    match nip {
        Some(digits) if digits.len() == 18 => {
            w.key("nip", format!("{} {} {} {}", &digits[..8], &digits[8..14], &digits[14..15], &digits[15..]))
        }
        Some(digits) => {
            w.flag(place, &digits, "NIP bukan 18 angka");
            w.line(&format!("# nip = {}", toml::Value::from(digits.as_str())));
        }
        None => {}
    }
    w.line("");
}

/// Where "NIP" begins in `text` and its digits.
fn find_nip(text: &str) -> Option<(usize, String)> {
    let upper = text.to_uppercase();
    let at = upper.find("NIP")?;
    let digits: String = text[at + 3..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || c.is_whitespace())
        .filter(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some((at, digits))
}

/// Ranks of the civil service (pangkat), printed on a line of their own.
fn is_rank(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["pembina", "penata", "pengatur", "juru"].iter().any(|r| lower.starts_with(r))
}

/// "KEPALA DINAS … YOGA PRATOMO, S.STP" printed as one line: the name is
/// the two words before the degrees (or the last two words).
fn split_title_and_name(line: &str) -> (String, String) {
    let (head, degrees) = match line.find(',') {
        Some(at) => (&line[..at], &line[at..]),
        None => (line, ""),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let cut = words.len().saturating_sub(2);
    (words[..cut].join(" "), format!("{}{degrees}", words[cut..].join(" ")))
}

const SMALL_WORDS: [&str; 12] =
    ["dan", "atau", "di", "ke", "dari", "yang", "untuk", "pada", "serta", "dengan", "tentang", "oleh"];

/// Upper-case text written in title case ("KEPALA DINAS KOMUNIKASI DAN
/// INFORMATIKA" → "Kepala Dinas Komunikasi dan Informatika"); acronyms of
/// up to three letters and other text are kept.
pub fn tidy_title(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().any(char::is_lowercase) {
        return text;
    }
    text.split(' ')
        .enumerate()
        .map(|(i, word)| {
            let lower = word.to_lowercase();
            if i > 0 && SMALL_WORDS.contains(&lower.as_str()) {
                lower
            } else if word.chars().filter(|c| c.is_alphabetic()).count() <= 3 || word.contains('.') {
                word.to_string()
            } else {
                let mut chars = lower.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name printed in capitals: title case before the degrees, which keep
/// their printed form ("YOGA PRATOMO, S.STP" → "Yoga Pratomo, S.STP").
fn tidy_name(text: &str) -> String {
    match text.find(',') {
        Some(at) => format!("{}{}", title_words(&text[..at]), &text[at..]),
        None => title_words(text),
    }
}

fn title_words(text: &str) -> String {
    if text.chars().any(char::is_lowercase) {
        return text.trim().to_string();
    }
    text.split_whitespace()
        .map(|word| {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The issuing unit in the heading: what is left once the agency's own
/// letterhead is taken away, or else the line naming a division.
fn unit(heading: &[String], agency: Option<&Agency>) -> Option<String> {
    let joined = heading.join(" ").split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    if let Some(agency) = agency.filter(|a| !a.letterhead.is_empty()) {
        let mut rest = joined.clone();
        for line in &agency.letterhead {
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
            if let Some(at) = rest.find(&line) {
                rest.replace_range(at..at + line.len(), " ");
            }
        }
        let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        return (!rest.is_empty()).then(|| tidy_title(&rest));
    }
    const DIVISIONS: [&str; 9] = [
        "BIDANG ",
        "BAGIAN ",
        "SUB BAGIAN ",
        "SUBBAGIAN ",
        "SEKSI ",
        "UPT ",
        "UPTD ",
        "SEKRETARIAT",
        "UNIT ",
    ];
    let at = DIVISIONS.iter().filter_map(|d| joined.find(d)).min()?;
    Some(tidy_title(&joined[at..]))
}

/// A date as agencies print it: "30 Mei 2021", "30 MEI 2021", "30-05-2021",
/// "2021-05-30", or a month and year ("Agustus 2023"). `Ok(None)` when
/// blank or a dash; `Err` when it is something else.
fn indonesian_date(text: &str) -> Result<Option<String>, ()> {
    let text = text.trim().trim_end_matches('.');
    if text.is_empty() || is_dash(text) {
        return Ok(None);
    }
    if Date::parse_identity(text).is_some() {
        return Ok(Some(text.to_string()));
    }
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/' || c == '.' || c == ',')
        .filter(|p| !p.is_empty())
        .collect();
    let month_of = |word: &str| -> Option<u8> {
        if let Ok(n) = word.parse::<u8>() {
            return (1..=12).contains(&n).then_some(n);
        }
        let lower = word.to_lowercase();
        let aliases: [(&str, u8); 3] = [("agt", 8), ("ags", 8), ("nop", 11)];
        if let Some((_, m)) = aliases.iter().find(|(a, _)| lower == *a) {
            return Some(*m);
        }
        MONTHS
            .iter()
            .position(|m| {
                let m = m.to_lowercase();
                lower == m || (lower.len() >= 3 && m.starts_with(&lower))
            })
            .map(|i| i as u8 + 1)
    };
    let year_of =
        |word: &str| word.parse::<i32>().ok().filter(|y| (1945..=2200).contains(y) && word.len() == 4);
    let date = match parts.as_slice() {
        [day, month, year] => {
            let (Ok(day), Some(month), Some(year)) = (day.parse::<u8>(), month_of(month), year_of(year))
            else {
                return Err(());
            };
            format!("{year:04}-{month:02}-{day:02}")
        }
        [month, year] => {
            let (Some(month), Some(year)) = (month_of(month), year_of(year)) else { return Err(()) };
            format!("{year:04}-{month:02}")
        }
        _ => return Err(()),
    };
    Date::parse_identity(&date).map(|_| Some(date)).ok_or(())
}

/// Lower-case ASCII words joined by `-`, at most `max` characters, cut at a word.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in words(text) {
        let word: String = word
            .chars()
            .filter_map(|c| {
                let c = match c {
                    'é' | 'è' => 'e',
                    c => c,
                };
                c.is_ascii_alphanumeric().then_some(c)
            })
            .collect();
        if word.is_empty() {
            continue;
        }
        let next = if out.is_empty() { word } else { format!("{out}-{word}") };
        if next.len() > max && !out.is_empty() {
            break;
        }
        out = next.chars().take(max).collect();
    }
    // An id starts with a letter.
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n-");
    }
    out.trim_end_matches('-').to_string()
}

/// The lanes as written: id and heading.
struct LaneOut {
    id: String,
    name: String,
}

const REQUESTER_WORDS: [&str; 7] =
    ["pemohon", "pengguna", "pengadu", "pelapor", "masyarakat", "pelanggan", "pengunjung"];

/// Abbreviations of Indonesian office titles, spelled out to compare names.
const TITLE_WORDS: [(&str, &str); 9] = [
    ("kadis", "kepala dinas"),
    ("kabid", "kepala bidang"),
    ("kasi", "kepala seksi"),
    ("kasubag", "kepala sub bagian"),
    ("kasubbag", "kepala sub bagian"),
    ("sekdin", "sekretaris dinas"),
    ("kaban", "kepala badan"),
    ("kominfo", "komunikasi informatika"),
    ("aptika", "aplikasi informatika"),
];

fn name_words(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for word in words(text) {
        match TITLE_WORDS.iter().find(|(short, _)| *short == word) {
            Some((_, long)) => out.extend(long.split(' ').map(str::to_string)),
            None if SMALL_WORDS.contains(&word.as_str()) => {}
            None => {
                out.insert(word);
            }
        }
    }
    out
}

/// The agency's positions a lane heading names: each part of "Kepala Dinas
/// / Sekretaris Dinas …" matched to the position whose name shares most words.
fn matching_positions(heading: &str, agency: &Agency) -> Vec<String> {
    let mut found = Vec::new();
    let parts: Vec<&str> = heading.split(['/', '&']).map(str::trim).filter(|p| !p.is_empty()).collect();
    for part in parts {
        let mine = name_words(part);
        let best = agency
            .positions
            .iter()
            .filter(|p| !found.contains(&p.id))
            .map(|p| {
                let theirs = name_words(&p.name);
                let ids = name_words(&p.id.replace('-', " "));
                // Shared words over all words; or a short position name
                // ("Sekretaris") wholly within the heading's part.
                let score = |other: &BTreeSet<String>| {
                    let common = mine.intersection(other).count() as f32;
                    let jaccard = common / mine.union(other).count().max(1) as f32;
                    let within = if !other.is_empty() && other.is_subset(&mine) {
                        0.6
                    } else if !mine.is_empty() && mine.is_subset(other) {
                        0.5
                    } else {
                        0.0
                    };
                    // Ties go to the closer name.
                    jaccard.max(within) + jaccard / 100.0
                };
                (score(&theirs).max(score(&ids)), p)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((score, position)) = best
            && score >= 0.5
        {
            found.push(position.id.clone());
        }
    }
    found
}

fn lanes(w: &mut Writer, reading: &Reading, fit: Fit) -> Vec<LaneOut> {
    let mut out: Vec<LaneOut> = Vec::new();
    for (i, heading) in reading.lanes.iter().enumerate() {
        let name = heading.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut id = slug(&name, 30);
        if id.is_empty() {
            id = format!("pelaksana-{}", i + 1);
        }
        let base = id.clone();
        let mut n = 2;
        while out.iter().any(|l| l.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let requester = words(&name).iter().any(|w| REQUESTER_WORDS.contains(&w.as_str()));
        w.line("[[lanes]]");
        w.key("id", id.as_str());
        if name.is_empty() {
            w.flag(&format!("pelaksana kolom {}", i + 1), "", "judul kolom pelaksana kosong");
        }
        w.key("name", name.as_str());
        let mut positions = fit.agency.map(|a| matching_positions(&name, a)).unwrap_or_default();
        // The requester's column ("Pengguna", "Unit Kerja Pemohon") is the
        // agency's requester position whatever the document calls it.
        if positions.is_empty()
            && requester
            && let Some(p) = fit.agency.and_then(|a| {
                a.positions.iter().find(|p| {
                    let said = name_words(&format!("{} {}", p.id.replace('-', " "), p.name));
                    REQUESTER_WORDS.iter().any(|w| said.contains(*w))
                })
            })
        {
            positions.push(p.id.clone());
        }
        if positions.is_empty() {
            let why = match fit.agency {
                Some(_) => "tidak ada jabatan instansi yang cocok dengan judul kolom ini; pilih jabatannya",
                None => "jabatan ditebak dari judul kolom; samakan dengan jabatan di profil instansi",
            };
            w.flag(&format!("pelaksana \"{name}\""), &id, why);
            w.list("positions", &[id.clone()]);
        } else {
            w.list("positions", &positions);
        }
        if requester {
            w.key("requester", true);
        }
        w.line("");
        out.push(LaneOut { id, name });
    }
    if out.is_empty() {
        w.flag("Pelaksana", "", "kolom pelaksana tidak terbaca dari matriks");
        w.line("# [[lanes]]");
    }
    out
}

/// The step's number as printed ("5.", "1 (Mulai)"), if it has one.
fn number(printed: &str) -> Option<u32> {
    let digits: String =
        printed.trim().trim_start_matches('(').chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|n| *n > 0)
}

/// What kind of act a row is, from its symbol and the verbs of its activity.
fn action_of(row: &Row, decision: bool, first: bool) -> Option<ActionKind> {
    if decision {
        return Some(ActionKind::Decide);
    }
    // The procedure starts with its request (or the document that opens it).
    if first {
        return Some(ActionKind::Submit);
    }
    let text = row.activity.joined().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let action = if has(&["menandatangan", "tanda tangan", "tandatangan", "membubuhkan paraf dan tanda"]) {
        ActionKind::Sign
    } else if has(&["membuat surat", "menyiapkan surat", "membuat nota", "menyusun surat"]) {
        ActionKind::Draft
    } else if has(&["draft", "draf", "konsep", "naskah"]) {
        if has(&["membuat", "menyusun", "mengonsep", "menyiapkan", "mengetik"]) {
            ActionKind::Draft
        } else {
            ActionKind::Review
        }
    } else if has(&["disposisi", "memerintahkan"]) {
        ActionKind::Dispose
    } else if has(&["melaporkan", "menginformasikan", "laporan"]) {
        ActionKind::Report
    } else if has(&["meneruskan", "melimpahkan", "menyerahkan"]) {
        ActionKind::Forward
    } else if has(&["mengirim", "menyampaikan", "mengantar", "mendistribusikan"]) {
        ActionKind::Send
    } else if has(&["menyetujui", "persetujuan"]) {
        ActionKind::Approve
    } else if has(&["kartu", "tanda pengenal", "badge"])
        && has(&["membuat", "mencetak", "menerbitkan", "memberikan"])
    {
        ActionKind::IssueCard
    } else if has(&["mendampingi", "didampingi"]) {
        ActionKind::Escort
    } else if has(&["mengerjakan", "melaksanakan perintah", "memproses"]) {
        ActionKind::Perform
    } else if has(&["menerima"]) {
        ActionKind::Receive
    } else if has(&["meneruskan"]) {
        ActionKind::Forward
    } else if has(&["mengerjakan", "melaksanakan", "membuat", "memproses", "menyiapkan", "mengisi"]) {
        ActionKind::Perform
    } else {
        return None;
    };
    Some(action)
}

/// A time as printed, as a definition writes it; `Err` with why not.
fn standard_time(printed: &str) -> Result<Option<String>, &'static str> {
    let text = printed.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if let Ok(time) = StandardTime::parse(&text) {
        return Ok(time.map(|t| t.to_string()));
    }
    let mut parts = text.splitn(2, ' ');
    let (Some(amount), Some(unit)) = (parts.next(), parts.next()) else {
        return Err("bukan lama waktu (\"5 menit\", \"2 jam\", \"1 hari\")");
    };
    let Ok(amount) = amount.parse::<u32>() else {
        return Err("bukan lama waktu (\"5 menit\", \"2 jam\", \"1 hari\")");
    };
    match unit.trim_end_matches('.') {
        "mnt" | "menit kerja" => Ok(Some(format!("{amount} menit"))),
        "jam kerja" => Ok(Some(format!("{amount} jam"))),
        "hari kerja" => Ok(Some(format!("{amount} hari"))),
        _ => Err("satuan waktu tidak dikenali; waktu baku ditulis \"N menit\", \"N jam\" atau \"N hari\""),
    }
}

fn steps(w: &mut Writer, reading: &Reading, lanes: &[LaneOut]) {
    if reading.rows.is_empty() {
        w.flag("Matriks", "", "tidak ada baris kegiatan yang terbaca dari matriks");
        return;
    }
    // Numbers first: a row printed without one gets the next free number.
    let mut numbers: Vec<(u32, bool)> = Vec::new();
    let mut taken = BTreeSet::new();
    let mut previous = 0;
    for row in &reading.rows {
        let no = match number(&row.no) {
            Some(n) if taken.insert(n) => (n, true),
            _ => {
                let mut n = previous + 1;
                while taken.contains(&n) {
                    n += 1;
                }
                taken.insert(n);
                (n, false)
            }
        };
        previous = no.0;
        numbers.push(no);
    }
    for (i, row) in reading.rows.iter().enumerate() {
        let (no, printed) = numbers[i];
        let place = |what: &str| format!("langkah {no}, {what}");
        w.line("[[steps]]");
        if !printed {
            let why = if row.no.trim().is_empty() {
                "nomor tidak tercetak; diberi nomor berikutnya"
            } else {
                "nomor tidak terbaca atau dipakai dua kali; diberi nomor berikutnya"
            };
            w.flag(&place("No"), row.no.trim(), why);
        }
        w.key("no", i64::from(no));

        let decision = row.marks.iter().any(|m| m.symbol == Symbol::Decision);
        // Beside a decision, a small capsule saying where a branch ends is
        // not a lane of the step.
        let ends: Vec<&Mark> = row
            .marks
            .iter()
            .filter(|m| decision && m.symbol == Symbol::Terminal && is_ending(&m.label))
            .collect();
        let mut lane_ids: Vec<&str> = Vec::new();
        for mark in row.marks.iter().filter(|m| !ends.contains(m)) {
            if let Some(lane) = lanes.get(mark.lane)
                && !lane_ids.contains(&lane.id.as_str())
            {
                lane_ids.push(&lane.id);
            }
        }
        let activity = row.activity.joined();
        if lane_ids.is_empty() {
            let guess = guess_lane(&activity, lanes);
            let why = match guess {
                Some(_) => "tidak ada kolom pelaksana yang ditandai; pelaksana ditebak dari kegiatan",
                None => "tidak ada kolom pelaksana yang ditandai; pelaksana belum diketahui",
            };
            let lane = guess.or(lanes.first()).map_or("", |l| l.id.as_str());
            w.flag(&place("Pelaksana"), lane, why);
            w.key("lane", lane);
            lane_ids.push(lane);
        } else if lane_ids.len() == 1 {
            w.key("lane", lane_ids[0]);
        } else {
            w.flag(
                &place("Pelaksana"),
                &lane_ids.join(", "),
                "lebih dari satu kolom ditandai; ditulis sebagai langkah bersama",
            );
            w.list("lane", &lane_ids.iter().map(|l| l.to_string()).collect::<Vec<_>>());
            if decision {
                w.key("together", "any");
            }
        }
        let action = action_of(row, decision, i == 0);
        match action {
            Some(a) => w.key("action", a.key()),
            None => {
                w.flag(
                    &place("jenis tindakan"),
                    "perform",
                    "jenis tindakan tidak terbaca dari kegiatan; ditulis \"perform\"",
                );
                w.key("action", ActionKind::Perform.key());
            }
        }
        if activity.is_empty() {
            w.flag(&place("Kegiatan"), "", "kegiatan kosong");
        }
        w.key("activity", activity.as_str());
        let requirements = row.requirements.items();
        if !requirements.is_empty() {
            w.list("requirements", &requirements);
        }
        let printed_time = row.time.joined();
        match standard_time(&printed_time) {
            Ok(Some(t)) => w.key("time", t),
            Ok(None) => w.key("time", "-"),
            Err(why) => {
                w.flag(&place("Waktu"), &printed_time, why);
                w.line(&format!("# time tercetak: {}", toml::Value::from(printed_time.as_str())));
            }
        }
        match row.output.items().as_slice() {
            [] => {}
            [one] => w.key("output", one.as_str()),
            many => w.list("outputs", many),
        }
        let remarks = row.remarks.joined();
        if !remarks.is_empty() && !is_dash(&remarks) {
            w.key("remarks", remarks);
        }
        if decision {
            // Where the arrows lead, when they were followed.
            let number = |r: usize| {
                numbers
                    .get(r)
                    .map_or_else(|| toml::Value::from("selesai"), |n| toml::Value::from(i64::from(n.0)))
            };
            let target = |b: Branch| match b {
                Branch::Row(r) => number(r),
                Branch::End => toml::Value::from("selesai"),
                Branch::Rejected => toml::Value::from("ditolak"),
            };
            let ya = row.ya.map_or_else(|| number(i + 1), target);
            let said: Vec<String> = ends.iter().map(|m| m.label.to_lowercase()).collect();
            let tidak = if let Some(b) = row.tidak {
                target(b)
            } else if said.iter().any(|s| s.contains("ditolak") || s.contains("tolak")) {
                toml::Value::from("ditolak")
            } else if said.iter().any(|s| s.contains("selesai")) {
                toml::Value::from("selesai")
            } else {
                w.flag(
                    &place("cabang Tidak"),
                    "ditolak",
                    "ke mana cabang \"Tidak\" menuju tidak terbaca; ditulis \"ditolak\"",
                );
                toml::Value::from("ditolak")
            };
            w.key("ya", ya);
            w.key("tidak", tidak);
        }
        w.line("");
    }
}

fn is_ending(label: &str) -> bool {
    let lower = label.to_lowercase();
    ["selesai", "ditolak", "tolak", "berakhir"].iter().any(|w| lower.contains(w))
}

/// The lane whose heading the activity names ("Kabid Aptika menerima …").
fn guess_lane<'l>(activity: &str, lanes: &'l [LaneOut]) -> Option<&'l LaneOut> {
    let said = name_words(activity);
    lanes
        .iter()
        .map(|l| {
            let theirs = name_words(&l.name);
            (theirs.intersection(&said).count() as f32 / theirs.len().max(1) as f32, l)
        })
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_dates_are_read_the_indonesian_way() {
        assert_eq!(indonesian_date("30 Mei 2021"), Ok(Some("2021-05-30".into())));
        assert_eq!(indonesian_date("30 MEI 2021"), Ok(Some("2021-05-30".into())));
        assert_eq!(indonesian_date("06 Januari 2023"), Ok(Some("2023-01-06".into())));
        assert_eq!(indonesian_date("30-05-2021"), Ok(Some("2021-05-30".into())));
        assert_eq!(indonesian_date("Agustus 2023"), Ok(Some("2023-08".into())));
        assert_eq!(indonesian_date("-"), Ok(None));
        assert_eq!(indonesian_date(""), Ok(None));
        assert_eq!(indonesian_date("30 MET DOUPATEN"), Err(()));
        assert_eq!(indonesian_date("31 Februari 2021"), Err(()));
    }

    #[test]
    fn times_are_read_or_refused_with_the_reason() {
        assert_eq!(standard_time("5 Menit"), Ok(Some("5 menit".into())));
        assert_eq!(standard_time("1 hari kerja"), Ok(Some("1 hari".into())));
        assert_eq!(standard_time("-"), Ok(None));
        assert!(standard_time("Pada hari dan jam kerja").is_err());
        assert!(standard_time("30 detik").is_err());
    }

    #[test]
    fn capitals_become_title_case_but_acronyms_stay() {
        assert_eq!(
            tidy_title("KEPALA DINAS KOMUNIKASI DAN INFORMATIKA"),
            "Kepala Dinas Komunikasi dan Informatika"
        );
        assert_eq!(tidy_title("SOP LAYANAN PEMBUATAN SUBDOMAIN"), "SOP Layanan Pembuatan Subdomain");
        assert_eq!(tidy_name("YOGA PRATOMO, S.STP"), "Yoga Pratomo, S.STP");
        assert_eq!(tidy_title("Sudah Rapi"), "Sudah Rapi");
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("Layanan Pembuatan Subdomain", 40), "layanan-pembuatan-subdomain");
        assert_eq!(
            slug("Kepala Dinas / Sekretaris Dinas Komunikasi dan Informatika", 30),
            "kepala-dinas-sekretaris-dinas"
        );
        assert_eq!(slug("1. Pemohon", 30), "n-1-pemohon");
    }
}
