//! An agency's structure as data: its units (its own divisions and the
//! OPDs it serves) and the positions people hold — each with its unit, the
//! position it reports to (the escalation chain) and what its holders may
//! do. Declared in `agency.toml` or edited at run time, and checked here the
//! same way for both.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::diagnostic::FieldProblem;

/// Longest id of a unit or a position.
pub const MAX_ID_CHARS: usize = 64;
/// Longest name of a unit or a position.
pub const MAX_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// A division of the agency itself.
    #[default]
    Dinas,
    /// A unit of the Pemda that the agency serves (where requesters work).
    Opd,
}

impl UnitKind {
    pub const ALL: [UnitKind; 2] = [UnitKind::Dinas, UnitKind::Opd];

    /// As stored and written in files.
    pub fn code(self) -> &'static str {
        match self {
            UnitKind::Dinas => "dinas",
            UnitKind::Opd => "opd",
        }
    }

    pub fn parse(code: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A unit: a division of the agency, or an OPD it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub kind: UnitKind,
}

/// What the holders of a position may do beyond acting in the SOP lanes
/// that name it. Administering Sopir itself is a flag of a login, not a
/// right of an office: a new Head of the agency does not become the
/// administrator of its software by taking office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PositionRight {
    /// Heads the agency: told at the end of every escalation chain and when
    /// an access review closes with entries nobody reviewed; signs letters
    /// in their own name (others sign "a.n." on the Head's behalf).
    HeadsAgency,
    /// Signs outgoing letters, so needs a signing certificate.
    SignsLetters,
    /// Reads the accountability report, the letter registers, every case
    /// and every registry of the agency.
    ReadsReports,
    /// Keeps every registry of the agency: sees them and suspends,
    /// reactivates or revokes entries (besides whoever fills a registry in
    /// an SOP step, who keeps that one).
    KeepsRegistry,
}

impl PositionRight {
    pub const ALL: [PositionRight; 4] = [
        PositionRight::HeadsAgency,
        PositionRight::SignsLetters,
        PositionRight::ReadsReports,
        PositionRight::KeepsRegistry,
    ];

    /// As stored, written in files and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            PositionRight::HeadsAgency => "heads-agency",
            PositionRight::SignsLetters => "signs-letters",
            PositionRight::ReadsReports => "reads-reports",
            PositionRight::KeepsRegistry => "keeps-registry",
        }
    }

    pub fn parse(code: &str) -> Option<PositionRight> {
        PositionRight::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A position (jabatan) of the agency, chosen from this list whenever
/// someone is given one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// What SOP lanes name, e.g. `kabid-tik`.
    pub id: String,
    /// As written on letters and screens, e.g. "Kepala Bidang Aplikasi Informatika".
    pub name: String,
    /// The unit it belongs to (none: anywhere, such as a requester).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The position one level up; a late task climbs this chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reports_to: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub rights: BTreeSet<PositionRight>,
    /// An official of the Pemda outside the agency (the Bupati, the Sekda,
    /// an OPD's head) who appears in lanes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pemda: bool,
}

impl Position {
    pub fn has(&self, right: PositionRight) -> bool {
        self.rights.contains(&right)
    }
}

/// Checks an id of a unit or a position: lowercase letters, digits and
/// inner hyphens, as SOP files write them.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("wajib diisi".into());
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(format!("paling banyak {MAX_ID_CHARS} karakter"));
    }
    let slug = id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug || id.starts_with('-') || id.ends_with('-') {
        return Err(format!(
            "\"{id}\" tidak sah — pakai huruf kecil, angka dan tanda hubung di tengah, misalnya \"bidang-tik\""
        ));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err("wajib diisi".into())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(format!("paling banyak {MAX_NAME_CHARS} karakter"))
    } else {
        Ok(())
    }
}

/// What is wrong with `unit` on its own.
pub fn check_unit(unit: &Unit) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if let Err(m) = check_id(&unit.id) {
        problems.push(FieldProblem::new("id", "Kode unit", m));
    }
    if let Err(m) = check_name(&unit.name) {
        problems.push(FieldProblem::new("name", "Nama unit", m));
    }
    problems
}

/// What is wrong with `position` in an agency with these `units` and
/// `positions` (among which an older version of `position` itself may be):
/// its unit and superior must exist, and the chain above it must end
/// rather than come back to it.
pub fn check_position(position: &Position, units: &[Unit], positions: &[Position]) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if let Err(m) = check_id(&position.id) {
        problems.push(FieldProblem::new("id", "Kode jabatan", m));
    }
    if let Err(m) = check_name(&position.name) {
        problems.push(FieldProblem::new("name", "Nama jabatan", m));
    }
    if let Some(unit) = &position.unit {
        if !units.iter().any(|u| &u.id == unit) {
            problems.push(FieldProblem::new("unit", "Unit", format!("\"{unit}\" tidak ada di instansi ini")));
        }
    }
    if let Some(up) = &position.reports_to {
        let reports_to = |id: &str| -> Option<String> {
            if id == position.id {
                position.reports_to.clone()
            } else {
                positions.iter().find(|p| p.id == id).and_then(|p| p.reports_to.clone())
            }
        };
        if up == &position.id {
            problems.push(FieldProblem::new(
                "reports_to",
                "Atasan",
                "jabatan tidak dapat melapor kepada dirinya sendiri",
            ));
        } else if !positions.iter().any(|p| &p.id == up) {
            problems.push(FieldProblem::new(
                "reports_to",
                "Atasan",
                format!("jabatan \"{up}\" tidak ada di instansi ini"),
            ));
        } else {
            // Climbing from the superior must end before coming back here.
            let mut at = Some(up.clone());
            for _ in 0..=positions.len() {
                match at {
                    Some(ref id) if id == &position.id => {
                        problems.push(FieldProblem::new(
                            "reports_to",
                            "Atasan",
                            format!(
                                "\"{up}\" sudah berada di bawah jabatan ini — rantai atasan akan berputar"
                            ),
                        ));
                        break;
                    }
                    Some(ref id) => at = reports_to(id),
                    None => break,
                }
            }
        }
    }
    if position.pemda && position.has(PositionRight::HeadsAgency) {
        problems.push(FieldProblem::new(
            "rights",
            "Hak",
            "pejabat Pemda di luar instansi tidak dapat memimpin instansi",
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(id: &str, reports_to: Option<&str>) -> Position {
        Position {
            id: id.into(),
            name: format!("Jabatan {id}"),
            unit: None,
            reports_to: reports_to.map(str::to_string),
            rights: BTreeSet::new(),
            pemda: false,
        }
    }

    #[test]
    fn ids_are_slugs() {
        assert!(check_id("kabid-tik").is_ok());
        for bad in ["", "Kabid", "kabid tik", "-kabid", "kabid-", "kabid_tik"] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_superior_must_exist_and_the_chain_must_not_come_back() {
        let list = vec![
            position("kepala", None),
            position("kabid", Some("kepala")),
            position("kasi", Some("kabid")),
        ];
        assert!(check_position(&list[2], &[], &list).is_empty());
        let unknown = check_position(&position("staf", Some("kasubag")), &[], &list);
        assert_eq!(unknown[0].field, "reports_to");
        assert!(unknown[0].message.contains("\"kasubag\" tidak ada"), "{unknown:?}");
        // The Head made to report to the Kasi below it.
        let round = check_position(&position("kepala", Some("kasi")), &[], &list);
        assert_eq!(round.len(), 1, "{round:?}");
        assert!(round[0].message.contains("berputar"), "{round:?}");
        assert!(!check_position(&position("kabid", Some("kabid")), &[], &list).is_empty());
    }

    #[test]
    fn a_unit_must_exist_and_a_pemda_official_does_not_head_the_agency() {
        let units = [Unit { id: "setda".into(), name: "Sekretariat Daerah".into(), kind: UnitKind::Opd }];
        let mut bupati = position("bupati", None);
        bupati.unit = Some("setda".into());
        bupati.pemda = true;
        assert!(check_position(&bupati, &units, &[]).is_empty());
        bupati.unit = Some("setwan".into());
        bupati.rights.insert(PositionRight::HeadsAgency);
        let fields: Vec<&str> = check_position(&bupati, &units, &[]).iter().map(|p| p.field).collect();
        assert_eq!(fields, ["unit", "rights"]);
    }
}
