//! The lembar disposisi's content: what an official ticks and writes when
//! passing a letter down — the instruction boxes, the sifat (how urgent or
//! confidential), a due date, and the one person it goes to when the next
//! lane has several. Who initialled it (paraf) and when is the completing
//! task's own record. Terms follow the lembar disposisi of the tata naskah
//! dinas (Permendagri 83/2022); the agency keeps its own list of boxes.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::form::FieldError;

/// Sifat: how the letter is to be handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Nature {
    #[default]
    Biasa,
    Segera,
    SangatSegera,
    Rahasia,
}

impl Nature {
    pub const ALL: [Nature; 4] = [Nature::Biasa, Nature::Segera, Nature::SangatSegera, Nature::Rahasia];

    /// As forms send it and events store it.
    pub const fn key(self) -> &'static str {
        match self {
            Nature::Biasa => "biasa",
            Nature::Segera => "segera",
            Nature::SangatSegera => "sangat-segera",
            Nature::Rahasia => "rahasia",
        }
    }

    /// As the sheet prints it.
    pub const fn label(self) -> &'static str {
        match self {
            Nature::Biasa => "Biasa",
            Nature::Segera => "Segera",
            Nature::SangatSegera => "Sangat Segera",
            Nature::Rahasia => "Rahasia",
        }
    }

    pub fn parse(key: &str) -> Option<Nature> {
        Nature::ALL.into_iter().find(|n| n.key() == key)
    }
}

/// What a disposition says besides its note (catatan).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposition {
    /// The ticked boxes, as the agency's list words them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<String>,
    #[serde(default)]
    pub nature: Nature,
    /// Batas waktu: the next task is due by the end of this working day
    /// when that is earlier than its standard time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    /// Diteruskan kepada: the one person of the next lane who gets the
    /// task; none: everyone of the lane, as without a disposition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressee: Option<String>,
}

/// The refusal fields of a disposition's parts.
pub const FIELD_INSTRUCTIONS: &str = "instruksi";
pub const FIELD_NATURE: &str = "sifat";
pub const FIELD_DUE: &str = "batas_waktu";
pub const FIELD_ADDRESSEE: &str = "diteruskan_kepada";

impl Disposition {
    /// Reads a disposition as a form or a request gives it: the ticked
    /// boxes, the sifat's key, an ISO due date and a person id, each
    /// possibly empty. `None` when nothing was given.
    pub fn read(
        instructions: Vec<String>,
        nature: Option<&str>,
        due: Option<&str>,
        addressee: Option<&str>,
    ) -> Result<Option<Disposition>, Vec<FieldError>> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let mut errors = Vec::new();
        let nature = match given(nature) {
            None => Nature::default(),
            Some(key) => Nature::parse(key).unwrap_or_else(|| {
                let keys: Vec<&str> = Nature::ALL.iter().map(|n| n.key()).collect();
                errors.push(FieldError::new(
                    FIELD_NATURE,
                    "Sifat",
                    format!("\"{key}\" bukan sifat surat — pilih {}", keys.join(", ")),
                ));
                Nature::default()
            }),
        };
        let due = given(due).and_then(|text| {
            let parsed = text.parse::<Date>().ok();
            if parsed.is_none() {
                errors.push(FieldError::new(FIELD_DUE, "Batas waktu", "tulis tanggal sebagai TTTT-BB-HH"));
            }
            parsed
        });
        let instructions: Vec<String> =
            instructions.into_iter().map(|i| i.trim().to_string()).filter(|i| !i.is_empty()).collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let disposition =
            Disposition { instructions, nature, due, addressee: given(addressee).map(str::to_string) };
        Ok((!disposition.is_empty()).then_some(disposition))
    }

    /// Whether it says anything beyond the defaults.
    pub fn is_empty(&self) -> bool {
        *self == Disposition::default()
    }

    /// Checks it against the agency's boxes and the day it is given;
    /// returns it normalised (boxes in the agency's order, once each).
    pub fn check(self, boxes: &[String], today: Date) -> Result<Disposition, Vec<FieldError>> {
        let mut errors = Vec::new();
        for unknown in self.instructions.iter().filter(|i| !boxes.contains(i)) {
            errors.push(FieldError::new(
                FIELD_INSTRUCTIONS,
                "Instruksi",
                format!("\"{unknown}\" bukan kotak instruksi lembar disposisi instansi ini"),
            ));
        }
        if self.due.is_some_and(|d| d < today) {
            errors.push(FieldError::new(FIELD_DUE, "Batas waktu", "tidak boleh sebelum hari ini"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let instructions = boxes.iter().filter(|b| self.instructions.contains(b)).cloned().collect();
        Ok(Disposition { instructions, ..self })
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn boxes() -> Vec<String> {
        sop::agency::DEFAULT_DISPOSITION_INSTRUCTIONS.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn boxes_come_back_in_the_agencys_order_once_each() {
        let given = Disposition {
            instructions: vec![
                "Simpan/arsipkan".into(),
                "Tanggapan dan saran".into(),
                "Simpan/arsipkan".into(),
            ],
            ..Default::default()
        };
        let checked = given.check(&boxes(), date(2026, 11, 30)).unwrap();
        assert_eq!(checked.instructions, ["Tanggapan dan saran", "Simpan/arsipkan"]);
    }

    #[test]
    fn an_unknown_box_and_a_past_due_date_are_refused_by_field() {
        let given = Disposition {
            instructions: vec!["Segera kerjakan".into()],
            due: Some(date(2026, 11, 27)),
            ..Default::default()
        };
        let errors = given.check(&boxes(), date(2026, 11, 30)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, [FIELD_INSTRUCTIONS, FIELD_DUE]);
        assert!(errors[0].message.contains("Segera kerjakan"), "{errors:?}");
    }

    #[test]
    fn a_form_is_read_with_empty_parts_left_out_and_bad_parts_named() {
        assert_eq!(Disposition::read(vec![" ".into()], Some(""), Some(""), Some("")), Ok(None));
        let read = Disposition::read(
            vec!["Simpan/arsipkan".into()],
            Some("segera"),
            Some("2026-12-01"),
            Some("tek"),
        );
        assert_eq!(
            read,
            Ok(Some(Disposition {
                instructions: vec!["Simpan/arsipkan".into()],
                nature: Nature::Segera,
                due: Some(date(2026, 12, 1)),
                addressee: Some("tek".into()),
            }))
        );
        let errors = Disposition::read(Vec::new(), Some("kilat"), Some("1/12/2026"), None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, [FIELD_NATURE, FIELD_DUE]);
    }

    #[test]
    fn natures_read_back_from_their_keys() {
        for n in Nature::ALL {
            assert_eq!(Nature::parse(n.key()), Some(n));
        }
        assert_eq!(Nature::parse("kilat"), None);
    }
}
