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
    pub file: String,
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
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Agency {
        id: raw.id.into_inner(),
        government: raw.government,
        name: raw.name,
        address: raw.address,
        timezone: raw.timezone.into_inner(),
        letterhead: raw.letterhead,
        file: file.to_string(),
    })
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
}
