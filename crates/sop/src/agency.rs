//! The agency profile (`agency.toml` beside an agency's SOPs, or made at
//! run time): who the agency is, where, in which timezone it works, its
//! letterhead and numbering — with its structure (units and positions, see
//! [`crate::organisation`]) when a file declares one. Checked field by
//! field the same way whether it comes from a file or a form.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, FieldProblem, Location};
use crate::organisation::{Position, Unit, check_position, check_unit};
use crate::parse::toml_error;

/// The IANA zones of Indonesia's three time zones (WIB, WITA, WIT).
pub const INDONESIAN_ZONES: [(&str, &str); 4] =
    [("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agency {
    /// Short id used by SOP ids (`lumajang` in `lumajang/vpn`).
    pub id: String,
    /// The government, e.g. "Pemerintah Kabupaten Lumajang".
    pub government: String,
    /// The department, e.g. "Dinas Komunikasi dan Informatika".
    pub name: String,
    pub address: String,
    /// IANA timezone; one of [`INDONESIAN_ZONES`].
    pub timezone: String,
    /// The lines of the letterhead, top to bottom.
    pub letterhead: Vec<String>,
    pub letters: LetterSettings,
    /// The agency's internet domain, under which subdomains are registered
    /// (e.g. `lumajangkab.go.id`); empty: subdomains are not checked against it.
    pub domain: String,
    /// The domain of its e-mail addresses; defaults to `domain`.
    pub mail_domain: String,
    /// Days after a case closes until its personal data is erased.
    pub retention_days: u32,
    /// Its units and positions: as its file declares them, or (from the
    /// store) as they are now.
    pub units: Vec<Unit>,
    pub positions: Vec<Position>,
    pub file: String,
}

/// How the agency numbers and dates its outgoing letters (`[letters]`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// Number template: `{klasifikasi}`, `{urut}` (or `{urut:3}` zero-padded
    /// to 3 digits), `{unit}`, `{tahun}`, e.g. `{klasifikasi}/{urut}/{unit}/{tahun}`.
    #[serde(default = "default_template")]
    pub number: String,
    /// Default archive classification code (kode klasifikasi) of a letter.
    #[serde(default = "default_classification")]
    pub classification: String,
    /// The processing unit's code printed in the number.
    #[serde(default)]
    pub unit: String,
    /// Whether each unit code keeps its own yearly sequence.
    #[serde(default)]
    pub per_unit: bool,
    /// The place written before the date, e.g. "Lumajang".
    #[serde(default)]
    pub place: String,
    /// Numbers come from SRIKANDI and are typed in when signing.
    #[serde(default)]
    pub srikandi: bool,
    /// Template of the number an SOP gets at its ratification (pengesahan),
    /// with the letters' placeholders (`{urut}` counts the year's SOPs);
    /// empty: the head types the number when ratifying.
    #[serde(default)]
    pub sop_number: String,
    /// The instruction boxes of its lembar disposisi, in print order.
    #[serde(default = "default_disposition_instructions")]
    pub disposition_instructions: Vec<String>,
    /// Whether a letter waiting for the signing service may instead be
    /// printed, signed in wet ink, scanned and uploaded.
    #[serde(default)]
    pub wet_ink_fallback: bool,
}

/// The boxes of a lembar disposisi when the agency has not set its own
/// (the usual boxes of the tata naskah dinas form).
pub const DEFAULT_DISPOSITION_INSTRUCTIONS: [&str; 6] = [
    "Tanggapan dan saran",
    "Proses lebih lanjut",
    "Koordinasikan/konfirmasikan",
    "Untuk diketahui",
    "Hadiri/wakili",
    "Simpan/arsipkan",
];

/// Most boxes on a lembar disposisi, and the longest box.
pub const MAX_DISPOSITION_INSTRUCTIONS: usize = 20;
pub const MAX_INSTRUCTION_CHARS: usize = 100;

fn default_disposition_instructions() -> Vec<String> {
    DEFAULT_DISPOSITION_INSTRUCTIONS.iter().map(|s| s.to_string()).collect()
}

fn default_template() -> String {
    "{klasifikasi}/{urut}/{unit}/{tahun}".to_string()
}

fn default_classification() -> String {
    "000".to_string()
}

impl Default for LetterSettings {
    fn default() -> Self {
        LetterSettings {
            number: default_template(),
            classification: default_classification(),
            unit: String::new(),
            per_unit: false,
            place: String::new(),
            srikandi: false,
            sop_number: String::new(),
            disposition_instructions: default_disposition_instructions(),
            wet_ink_fallback: false,
        }
    }
}

/// The placeholders a number template may use.
pub const NUMBER_PLACEHOLDERS: [&str; 4] = ["klasifikasi", "urut", "unit", "tahun"];

impl LetterSettings {
    /// The number of the `seq`th letter of `year`.
    pub fn format_number(&self, classification: Option<&str>, seq: i64, year: i16) -> String {
        self.format(&self.number, classification, seq, year)
    }

    /// The number of the `seq`th SOP ratified in `year`; `None` when the
    /// agency types its SOP numbers.
    pub fn format_sop_number(&self, seq: i64, year: i16) -> Option<String> {
        (!self.sop_number.trim().is_empty()).then(|| self.format(&self.sop_number, None, seq, year))
    }

    fn format(&self, template: &str, classification: Option<&str>, seq: i64, year: i16) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let inner = &rest[open + 1..open + close];
            let (name, width) =
                inner.split_once(':').map_or((inner, 0), |(n, w)| (n, w.parse().unwrap_or(0)));
            match name {
                "klasifikasi" => out.push_str(classification.unwrap_or(&self.classification)),
                "urut" => out.push_str(&format!("{seq:0width$}")),
                "unit" => out.push_str(&self.unit),
                "tahun" => out.push_str(&year.to_string()),
                _ => out.push_str(&rest[open..=open + close]),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Whose sequence a letter takes a number from, besides the year.
    pub fn sequence_scope(&self) -> &str {
        if self.per_unit { &self.unit } else { "" }
    }
}

/// Problems with a number template, for diagnostics.
fn number_template_errors(template: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let mut has_seq = false;
    for inner in crate::definition::placeholders(template) {
        let (name, width) = inner.split_once(':').map_or((inner, None), |(n, w)| (n, Some(w)));
        if !NUMBER_PLACEHOLDERS.contains(&name) {
            errors.push(format!(
                "\"{{{inner}}}\" tidak dikenal; yang tersedia: {{klasifikasi}}, {{urut}}, {{unit}}, {{tahun}}"
            ));
        }
        if width.is_some_and(|w| name != "urut" || w.parse::<u8>().map_or(true, |w| w > 9)) {
            errors.push(format!("\"{{{inner}}}\": lebar hanya untuk {{urut}}, 1 sampai 9 digit"));
        }
        has_seq |= name == "urut";
    }
    if !has_seq {
        errors.push("templat nomor harus memuat {urut}".to_string());
    }
    errors
}

/// Checks an agency id: it is part of every SOP id of the agency.
pub fn check_agency_id(id: &str) -> Result<(), String> {
    let slug = id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
    if id.is_empty() || !slug || id.starts_with('-') || id.ends_with('-') || id.len() > MAX_ID_CHARS {
        Err(format!(
            "id instansi \"{id}\" tidak sah — pakai huruf kecil, angka dan tanda hubung (paling banyak {MAX_ID_CHARS}), misalnya \"lumajang\""
        ))
    } else {
        Ok(())
    }
}

/// Longest agency id.
pub const MAX_ID_CHARS: usize = 40;
/// Longest line of text in a profile (a name, a letterhead line, an address).
pub const MAX_LINE_CHARS: usize = 200;
/// Most letterhead lines.
pub const MAX_LETTERHEAD_LINES: usize = 6;
/// Longest retention of personal data, in days (ten years).
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Checks a timezone: one of Indonesia's IANA zones.
pub fn check_timezone(zone: &str) -> Result<(), String> {
    if INDONESIAN_ZONES.iter().any(|(z, _)| *z == zone) {
        Ok(())
    } else {
        let zones: Vec<String> = INDONESIAN_ZONES.iter().map(|(z, a)| format!("{z} ({a})")).collect();
        Err(format!("zona waktu \"{zone}\" tidak dikenal; pilih salah satu: {}", zones.join(", ")))
    }
}

impl Agency {
    /// Everything wrong with the profile (not its structure), field by
    /// field, as a form or a command line shows it.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        if let Err(m) = check_agency_id(&self.id) {
            problems.push(FieldProblem::new("id", "Kode instansi", m));
        }
        for (field, label, value) in
            [("government", "Pemerintah daerah", &self.government), ("name", "Nama instansi", &self.name)]
        {
            if value.trim().is_empty() {
                problems.push(FieldProblem::new(field, label, "wajib diisi"));
            } else if value.chars().count() > MAX_LINE_CHARS {
                problems.push(FieldProblem::new(
                    field,
                    label,
                    format!("paling banyak {MAX_LINE_CHARS} karakter"),
                ));
            }
        }
        if self.address.chars().count() > 2 * MAX_LINE_CHARS {
            let message = format!("paling banyak {} karakter", 2 * MAX_LINE_CHARS);
            problems.push(FieldProblem::new("address", "Alamat", message));
        }
        if let Err(m) = check_timezone(&self.timezone) {
            problems.push(FieldProblem::new("timezone", "Zona waktu", m));
        }
        let letterhead = |message: String| FieldProblem::new("letterhead", "Kop surat", message);
        if self.letterhead.iter().all(|l| l.trim().is_empty()) {
            problems.push(letterhead("tulis paling sedikit satu baris".into()));
        } else if self.letterhead.len() > MAX_LETTERHEAD_LINES {
            problems.push(letterhead(format!("paling banyak {MAX_LETTERHEAD_LINES} baris")));
        } else if self.letterhead.iter().any(|l| l.trim().is_empty() || l.chars().count() > MAX_LINE_CHARS) {
            problems
                .push(letterhead(format!("setiap baris berisi, paling banyak {MAX_LINE_CHARS} karakter")));
        }
        for (field, label, value) in
            [("domain", "Domain", &self.domain), ("mail_domain", "Domain e-mail", &self.mail_domain)]
        {
            if !value.is_empty() {
                if let Err(m) = crate::domain::check_domain(value) {
                    problems.push(FieldProblem::new(field, label, m));
                }
            }
        }
        if !(1..=MAX_RETENTION_DAYS).contains(&self.retention_days) {
            let message = format!("1 sampai {MAX_RETENTION_DAYS} hari");
            problems.push(FieldProblem::new("retention_days", "Masa retensi data pribadi", message));
        }
        let errors = number_template_errors(&self.letters.number);
        if !errors.is_empty() {
            problems.push(FieldProblem::new("letters.number", "Templat nomor surat", errors.join("; ")));
        }
        if !self.letters.sop_number.trim().is_empty() {
            let errors = number_template_errors(&self.letters.sop_number);
            if !errors.is_empty() {
                problems.push(FieldProblem::new(
                    "letters.sop_number",
                    "Templat nomor SOP",
                    errors.join("; "),
                ));
            }
        }
        let boxes = &self.letters.disposition_instructions;
        let box_problem = if boxes.is_empty() {
            Some("isi sedikitnya satu kotak instruksi".to_string())
        } else if boxes.len() > MAX_DISPOSITION_INSTRUCTIONS {
            Some(format!("paling banyak {MAX_DISPOSITION_INSTRUCTIONS} kotak"))
        } else if let Some(b) =
            boxes.iter().find(|b| b.trim().is_empty() || b.chars().count() > MAX_INSTRUCTION_CHARS)
        {
            Some(format!("\"{b}\": setiap kotak berisi, paling banyak {MAX_INSTRUCTION_CHARS} karakter"))
        } else {
            boxes
                .iter()
                .enumerate()
                .find(|(i, b)| boxes[..*i].contains(b))
                .map(|(_, b)| format!("\"{b}\" tertulis dua kali"))
        };
        if let Some(message) = box_problem {
            problems.push(FieldProblem::new(
                "letters.disposition_instructions",
                "Kotak instruksi lembar disposisi",
                message,
            ));
        }
        for (field, label, value) in [
            ("letters.classification", "Kode klasifikasi", &self.letters.classification),
            ("letters.unit", "Kode unit pengolah", &self.letters.unit),
            ("letters.place", "Tempat surat", &self.letters.place),
        ] {
            if value.chars().count() > 100 {
                problems.push(FieldProblem::new(field, label, "paling banyak 100 karakter"));
            } else if value.contains(['{', '}', '\n']) {
                problems.push(FieldProblem::new(field, label, "tidak boleh memuat {, } atau baris baru"));
            }
        }
        problems
    }

    /// Everything wrong with the structure: each unit and position on its
    /// own, ids given twice, and positions naming a unit or superior the
    /// agency lacks.
    pub fn structure_problems(&self) -> Vec<(StructurePart, usize, FieldProblem)> {
        let mut found = Vec::new();
        for (i, unit) in self.units.iter().enumerate() {
            for problem in check_unit(unit) {
                found.push((StructurePart::Unit, i, problem));
            }
            if self.units[..i].iter().any(|u| u.id == unit.id) {
                let twice =
                    FieldProblem::new("id", "Kode unit", format!("unit \"{}\" ditulis dua kali", unit.id));
                found.push((StructurePart::Unit, i, twice));
            }
        }
        for (i, position) in self.positions.iter().enumerate() {
            for problem in check_position(position, &self.units, &self.positions) {
                found.push((StructurePart::Position, i, problem));
            }
            if self.positions[..i].iter().any(|p| p.id == position.id) {
                found.push((
                    StructurePart::Position,
                    i,
                    FieldProblem::new(
                        "id",
                        "Kode jabatan",
                        format!("jabatan \"{}\" ditulis dua kali", position.id),
                    ),
                ));
            }
        }
        found
    }

    /// The profile and structure as an `agency.toml` that reads back the same.
    pub fn to_toml(&self) -> String {
        let file = AgencyFile {
            id: self.id.clone(),
            government: self.government.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            timezone: self.timezone.clone(),
            domain: self.domain.clone(),
            mail_domain: self.mail_domain.clone(),
            retention_days: self.retention_days,
            letterhead: self.letterhead.clone(),
            letters: self.letters.clone(),
            units: self.units.clone(),
            positions: self.positions.clone(),
        };
        toml::to_string(&file).expect("an agency serialises")
    }

    /// What a form or command line left empty and a file would default:
    /// new e-mail addresses go under the agency's domain.
    pub fn fill_defaults(&mut self) {
        if self.mail_domain.is_empty() {
            self.mail_domain = self.domain.clone();
        }
    }

    /// "WIB", "WITA" or "WIT".
    pub fn zone_abbreviation(&self) -> &'static str {
        INDONESIAN_ZONES.iter().find(|(zone, _)| *zone == self.timezone).map_or("WIB", |(_, abbr)| abbr)
    }
}

/// Which list of the structure a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructurePart {
    Unit,
    Position,
}

/// An `agency.toml` as written out.
#[derive(Serialize)]
struct AgencyFile {
    id: String,
    government: String,
    name: String,
    address: String,
    timezone: String,
    domain: String,
    mail_domain: String,
    retention_days: u32,
    letterhead: Vec<String>,
    letters: LetterSettings,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    units: Vec<Unit>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    positions: Vec<Position>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgency {
    id: Spanned<String>,
    government: String,
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default = "default_zone")]
    timezone: Spanned<String>,
    letterhead: Vec<String>,
    #[serde(default)]
    letters: Option<Spanned<LetterSettings>>,
    #[serde(default)]
    domain: Option<Spanned<String>>,
    #[serde(default)]
    mail_domain: Option<Spanned<String>>,
    #[serde(default = "default_retention")]
    retention_days: u32,
    #[serde(default)]
    units: Vec<Spanned<Unit>>,
    #[serde(default)]
    positions: Vec<Spanned<Position>>,
}

/// A year, unless the agency says otherwise.
fn default_retention() -> u32 {
    365
}

fn default_zone() -> Spanned<String> {
    Spanned::new(0..0, "Asia/Jakarta".to_string())
}

/// Parses an agency profile.
pub fn parse_agency(file: &str, text: &str) -> Result<Agency, Vec<Diagnostic>> {
    let raw: RawAgency = toml::from_str(text).map_err(|e| vec![toml_error(file, text, &e)])?;
    let mut errors = Vec::new();
    let at = |s: &Spanned<String>| Location::of_offset(text, s.span().start);
    if let Err(message) = check_agency_id(raw.id.get_ref()) {
        errors.push(Diagnostic::error(file, at(&raw.id), "bad-id", message));
    }
    if let Err(message) = check_timezone(raw.timezone.get_ref()) {
        errors.push(Diagnostic::error(file, at(&raw.timezone), "bad-timezone", message));
    }
    if let Some(letters) = &raw.letters {
        let sop_number = Some(&letters.get_ref().sop_number).filter(|t| !t.trim().is_empty());
        for template in std::iter::once(&letters.get_ref().number).chain(sop_number) {
            for message in number_template_errors(template) {
                errors.push(Diagnostic::error(file, at_span(text, letters), "bad-number-template", message));
            }
        }
    }
    // An empty domain is no domain: names are then not checked against it.
    for domain in [&raw.domain, &raw.mail_domain].into_iter().flatten().filter(|d| !d.get_ref().is_empty()) {
        if let Err(message) = crate::domain::check_domain(domain.get_ref()) {
            errors.push(Diagnostic::error(file, at_span(text, domain), "bad-domain", message));
        }
    }
    let unit_spans: Vec<_> = raw.units.iter().map(|u| u.span().start).collect();
    let position_spans: Vec<_> = raw.positions.iter().map(|p| p.span().start).collect();
    let units: Vec<Unit> = raw.units.into_iter().map(Spanned::into_inner).collect();
    let positions: Vec<Position> = raw.positions.into_iter().map(Spanned::into_inner).collect();
    let structure = Agency { units, positions, ..Agency::default() };
    for (part, i, problem) in structure.structure_problems() {
        let (offset, code) = match part {
            StructurePart::Unit => (unit_spans[i], "bad-unit"),
            StructurePart::Position => (position_spans[i], "bad-position"),
        };
        let message = format!("{}: {}", problem.label, problem.message);
        errors.push(Diagnostic::error(file, Location::of_offset(text, offset), code, message));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let domain = raw.domain.map(Spanned::into_inner).unwrap_or_default();
    Ok(Agency {
        id: raw.id.into_inner(),
        government: raw.government,
        name: raw.name,
        address: raw.address,
        timezone: raw.timezone.into_inner(),
        letterhead: raw.letterhead,
        letters: raw.letters.map(Spanned::into_inner).unwrap_or_default(),
        mail_domain: raw.mail_domain.map_or_else(|| domain.clone(), Spanned::into_inner),
        retention_days: raw.retention_days,
        domain,
        units: structure.units,
        positions: structure.positions,
        file: file.to_string(),
    })
}

fn at_span<T>(text: &str, s: &Spanned<T>) -> Location {
    Location::of_offset(text, s.span().start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "contoh"
government = "Pemerintah Kabupaten Contoh"
name = "Dinas Komunikasi dan Informatika"
address = "Jl. Contoh No. 1"
letterhead = ["PEMERINTAH KABUPATEN CONTOH"]
"#;

    #[test]
    fn timezone_defaults_to_wib() {
        let agency = parse_agency("agency.toml", GOOD).unwrap();
        assert_eq!(agency.timezone, "Asia/Jakarta");
        assert_eq!(agency.zone_abbreviation(), "WIB");
    }

    #[test]
    fn a_zone_outside_indonesia_is_refused_at_its_line() {
        let text = format!("{GOOD}timezone = \"Europe/Paris\"\n");
        let errors = parse_agency("agency.toml", &text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].at, Location { line: 7, column: 12 });
        assert!(errors[0].message.starts_with("zona waktu \"Europe/Paris\" tidak dikenal"));
    }

    #[test]
    fn numbers_follow_the_template() {
        let text = format!(
            "{GOOD}[letters]\nnumber = \"{{klasifikasi}}/{{urut:3}}/{{unit}}/{{tahun}}\"\nunit = \"406.020\"\nclassification = \"060\"\n"
        );
        let agency = parse_agency("agency.toml", &text).unwrap();
        assert_eq!(agency.letters.format_number(None, 16, 2023), "060/016/406.020/2023");
        assert_eq!(agency.letters.format_number(Some("427.53"), 4, 2021), "427.53/004/406.020/2021");
    }

    #[test]
    fn a_template_without_a_sequence_or_with_an_unknown_placeholder_is_refused() {
        let text = format!("{GOOD}[letters]\nnumber = \"{{klasifikasi}}/{{nomor}}/{{tahun}}\"\n");
        let errors = parse_agency("agency.toml", &text).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(errors[0].at.line, 7, "{messages:?}");
        assert!(
            messages.iter().any(|m| m.contains("{nomor}") && m.contains("tidak dikenal")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("harus memuat {urut}")), "{messages:?}");
    }

    const STRUCTURE: &str = r#"
[[units]]
id = "contoh-tik"
name = "Bidang Teknologi Informasi"

[[units]]
id = "contoh-setda"
name = "Sekretariat Daerah"
kind = "opd"

[[positions]]
id = "kepala"
name = "Kepala Dinas"
unit = "contoh-tik"
rights = ["heads-agency", "signs-letters", "reads-reports"]

[[positions]]
id = "kabid-tik"
name = "Kepala Bidang Teknologi Informasi"
unit = "contoh-tik"
reports_to = "kepala"

[[positions]]
id = "sekda"
name = "Sekretaris Daerah"
unit = "contoh-setda"
pemda = true
"#;

    #[test]
    fn a_profile_declares_its_units_and_positions_and_writes_back_the_same() {
        let agency = parse_agency("agency.toml", &format!("{GOOD}{STRUCTURE}")).unwrap();
        assert_eq!(agency.units.len(), 2);
        assert_eq!(agency.units[1].kind, crate::organisation::UnitKind::Opd);
        let kabid = &agency.positions[1];
        assert_eq!(kabid.reports_to.as_deref(), Some("kepala"));
        assert!(agency.positions[0].has(crate::organisation::PositionRight::HeadsAgency));
        assert!(agency.positions[2].pemda);
        let again = parse_agency("agency.toml", &agency.to_toml()).unwrap();
        assert_eq!(Agency { file: String::new(), ..again }, Agency { file: String::new(), ..agency });
    }

    #[test]
    fn a_position_naming_an_unknown_superior_or_right_is_refused_at_its_table() {
        let text =
            format!("{GOOD}{}", STRUCTURE.replace("reports_to = \"kepala\"", "reports_to = \"kadis\""));
        let errors = parse_agency("agency.toml", &text).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].code, "bad-position");
        assert!(errors[0].message.contains("\"kadis\" tidak ada"), "{errors:?}");
        // At the `[[positions]]` line of that table.
        assert_eq!(errors[0].at.line, text[..text.find("id = \"kabid-tik\"").unwrap()].lines().count());
        let text = format!("{GOOD}{}", STRUCTURE.replace("\"reads-reports\"", "\"membaca-laporan\""));
        let errors = parse_agency("agency.toml", &text).unwrap_err();
        assert!(errors[0].message.contains("\"membaca-laporan\" tidak dikenal"), "{errors:?}");
    }

    #[test]
    fn a_profile_from_a_form_names_each_bad_field() {
        let mut agency = parse_agency("agency.toml", GOOD).unwrap();
        assert!(agency.problems().is_empty(), "{:?}", agency.problems());
        agency.government = " ".into();
        agency.timezone = "Asia/Singapore".into();
        agency.letterhead = vec![];
        agency.domain = "contoh..go.id".into();
        agency.retention_days = 0;
        agency.letters.number = "{tahun}".into();
        agency.letters.disposition_instructions = vec!["Simpan".into(), "Proses".into(), "Simpan".into()];
        let problems = agency.problems();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "government",
                "timezone",
                "letterhead",
                "domain",
                "retention_days",
                "letters.number",
                "letters.disposition_instructions"
            ]
        );
        assert!(problems.last().unwrap().message.contains("\"Simpan\" tertulis dua kali"), "{problems:?}");
    }
}
