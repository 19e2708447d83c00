//! A definition sent to be published for one agency: parsed, linted and
//! checked to be that agency's, every finding located, so an administrator
//! sees at once what to fix — and nothing is published while an error is
//! left. Refusals only the store can tell (a version already taken, or
//! older than the newest) are located here too.

use serde::Deserialize;
use toml::Spanned;

use crate::agency::parse_agency;
use crate::definition::Sop;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::lint::lint;
use crate::parse::parse_sop;

/// A definition text checked for publication.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The definition, when it parsed (it may still be refused: another
    /// agency's SOP parses well).
    pub sop: Option<Sop>,
    /// Errors and warnings, in file order.
    pub findings: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The definition to publish; `None` while an error is left.
    pub fn publishable(&self) -> Option<&Sop> {
        self.sop.as_ref().filter(|_| self.errors() == 0)
    }
}

/// Where the keys a publication refusal points at were written.
#[derive(Deserialize)]
struct Head {
    agency: Option<Spanned<String>>,
    version: Option<Spanned<toml::Value>>,
}

fn head_location(text: &str, pick: impl Fn(&Head) -> Option<std::ops::Range<usize>>) -> Location {
    toml::from_str::<Head>(text)
        .ok()
        .and_then(|head| pick(&head))
        .map_or(Location { line: 1, column: 1 }, |span| Location::of_offset(text, span.start))
}

/// Checks `text`, named `file`, for publication by `agency`.
pub fn check(file: &str, text: &str, agency: &str) -> Checked {
    let (sop, mut findings) = match parse_sop(file, text) {
        Ok(sop) => {
            let warnings = lint(&sop);
            (Some(sop), warnings)
        }
        // A profile sent where an SOP belongs would otherwise be refused
        // for the SOP keys it lacks, which says nothing useful.
        Err(_) if parse_agency(file, text).is_ok() => (
            None,
            vec![Diagnostic::error(
                file,
                Location { line: 1, column: 1 },
                "agency-profile",
                "berkas ini profil instansi (agency.toml), bukan definisi SOP; unggah berkas SOP",
            )],
        ),
        Err(errors) => (None, errors),
    };
    if let Some(sop) = sop.as_ref().filter(|s| s.agency != agency) {
        findings.push(Diagnostic::error(
            file,
            head_location(text, |h| h.agency.as_ref().map(Spanned::span)),
            "other-agency",
            format!(
                "SOP ini milik instansi \"{}\"; Anda hanya dapat menerbitkan SOP instansi Anda sendiri (agency = \"{agency}\")",
                sop.agency
            ),
        ));
    }
    findings.sort_by_key(|d| (d.at, d.severity));
    Checked { sop, findings }
}

/// An error at the `agency` line of `sop`, for a refusal that only the
/// installed agencies can tell.
pub fn at_agency(sop: &Sop, code: &'static str, message: impl Into<String>) -> Diagnostic {
    let at = head_location(&sop.source, |h| h.agency.as_ref().map(Spanned::span));
    Diagnostic::error(&sop.file, at, code, message)
}

/// An error at the `version` line of `sop`, for a refusal that only the
/// published versions can tell.
pub fn at_version(sop: &Sop, code: &'static str, message: impl Into<String>) -> Diagnostic {
    let at = head_location(&sop.source, |h| h.version.as_ref().map(Spanned::span));
    Diagnostic::error(&sop.file, at, code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = include_str!("../tests/fixtures/clean.toml");

    #[test]
    fn a_clean_definition_of_the_agency_is_publishable() {
        let checked = check("hosting.toml", CLEAN, "contoh");
        assert_eq!(checked.findings, []);
        assert_eq!(checked.publishable().map(|s| s.id.as_str()), Some("contoh/hosting"));
    }

    #[test]
    fn another_agency_s_definition_is_refused_at_its_agency_key() {
        let checked = check("hosting.toml", CLEAN, "lumajang");
        assert!(checked.publishable().is_none());
        let refusal = &checked.findings[0];
        assert_eq!((refusal.code, refusal.at), ("other-agency", Location { line: 4, column: 10 }));
        assert!(refusal.message.contains("milik instansi \"contoh\""), "{}", refusal.message);
    }

    #[test]
    fn warnings_do_not_stop_a_publication_errors_do() {
        let gap = CLEAN.replacen("no = 4", "no = 5", 1);
        let checked = check("hosting.toml", &gap, "contoh");
        assert!(checked.errors() == 0 && !checked.findings.is_empty(), "{:?}", checked.findings);
        assert!(checked.publishable().is_some());
        let broken = CLEAN.replacen("lane = \"kabid\"", "lane = \"kabidd\"", 1);
        let checked = check("hosting.toml", &broken, "contoh");
        assert_eq!(checked.errors(), 1);
        assert!(checked.publishable().is_none());
    }

    #[test]
    fn an_agency_profile_is_named_as_such() {
        let profile = include_str!("../../../sops/lumajang/agency.toml");
        let checked = check("agency.toml", profile, "lumajang");
        assert_eq!(checked.findings.len(), 1);
        assert_eq!(checked.findings[0].code, "agency-profile");
    }

    #[test]
    fn a_version_refusal_points_at_the_version_line() {
        let sop = parse_sop("hosting.toml", CLEAN).unwrap();
        let finding = at_version(&sop, "version-conflict", "sudah ada");
        assert_eq!((finding.file.as_str(), finding.at), ("hosting.toml", Location { line: 3, column: 11 }));
    }
}
