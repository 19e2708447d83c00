//! The agency profile (`agency.toml` beside an agency's SOPs): who the
//! agency is, where, in which timezone it works, and its letterhead.

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Location};
use crate::parse::toml_error;

/// The IANA zones of Indonesia's three time zones (WIB, WITA, WIT).
pub const INDONESIAN_ZONES: [(&str, &str); 4] =
    [("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")];

#[derive(Debug, Clone, PartialEq, Eq)]
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
        }
    }
}

/// The placeholders a number template may use.
pub const NUMBER_PLACEHOLDERS: [&str; 4] = ["klasifikasi", "urut", "unit", "tahun"];

impl LetterSettings {
    /// The number of the `seq`th letter of `year`.
    pub fn format_number(&self, classification: Option<&str>, seq: i64, year: i16) -> String {
        let mut out = String::new();
        let mut rest = self.number.as_str();
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

impl Agency {
    /// "WIB", "WITA" or "WIT".
    pub fn zone_abbreviation(&self) -> &'static str {
        INDONESIAN_ZONES.iter().find(|(zone, _)| *zone == self.timezone).map_or("WIB", |(_, abbr)| abbr)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgency {
    id: Spanned<String>,
    government: String,
    name: String,
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
    let id = raw.id.get_ref();
    if id.is_empty() || !id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-') {
        errors.push(Diagnostic::error(
            file,
            at(&raw.id),
            "bad-id",
            format!("id instansi \"{id}\" tidak sah — pakai huruf kecil, angka dan tanda hubung, misalnya \"lumajang\""),
        ));
    }
    if !INDONESIAN_ZONES.iter().any(|(zone, _)| zone == raw.timezone.get_ref()) {
        let zones: Vec<String> = INDONESIAN_ZONES.iter().map(|(z, a)| format!("{z} ({a})")).collect();
        errors.push(Diagnostic::error(
            file,
            at(&raw.timezone),
            "bad-timezone",
            format!(
                "zona waktu \"{}\" tidak dikenal; pilih salah satu: {}",
                raw.timezone.get_ref(),
                zones.join(", ")
            ),
        ));
    }
    if let Some(letters) = &raw.letters {
        for message in number_template_errors(&letters.get_ref().number) {
            errors.push(Diagnostic::error(file, at_span(text, letters), "bad-number-template", message));
        }
    }
    for domain in [&raw.domain, &raw.mail_domain].into_iter().flatten() {
        if let Err(message) = crate::domain::check_domain(domain.get_ref()) {
            errors.push(Diagnostic::error(file, at_span(text, domain), "bad-domain", message));
        }
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
}
