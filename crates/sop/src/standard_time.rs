//! The *waktu* column of the mutu baku: a step's standard time, as written
//! on paper ("5 menit", "2 jam", "1 hari", or "-" for none).

use std::fmt;

/// How long a step may take, in working time. Days are working days, never
/// 24-hour spans: the engine's calendar decides what a working day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StandardTime {
    Minutes(u32),
    Hours(u32),
    Days(u32),
}

/// Why a time was not understood; shown with its location by the parser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "waktu \"{0}\" tidak dikenali — tulis \"5 menit\", \"2 jam\" atau \"1 hari\" (atau \"-\" bila tanpa waktu baku)"
)]
pub struct TimeError(pub String);

impl StandardTime {
    /// Parses the printed form. `Ok(None)` for "-" or empty: the step has no
    /// standard time.
    pub fn parse(text: &str) -> Result<Option<StandardTime>, TimeError> {
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed == "-" || trimmed == "–" {
            return Ok(None);
        }
        let err = || TimeError(text.to_string());
        let mut words = trimmed.split_whitespace();
        let (Some(amount), Some(unit), None) = (words.next(), words.next(), words.next()) else {
            return Err(err());
        };
        let amount: u32 = amount.parse().map_err(|_| err())?;
        if amount == 0 {
            return Err(err());
        }
        match unit.to_lowercase().as_str() {
            "menit" => Ok(Some(StandardTime::Minutes(amount))),
            "jam" => Ok(Some(StandardTime::Hours(amount))),
            "hari" => Ok(Some(StandardTime::Days(amount))),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for StandardTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StandardTime::Minutes(n) => write!(f, "{n} menit"),
            StandardTime::Hours(n) => write!(f, "{n} jam"),
            StandardTime::Days(n) => write!(f, "{n} hari"),
        }
    }
}

/// Written as printed (`"5 menit"`), as in definition files.
impl serde::Serialize for StandardTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_times_are_understood() {
        assert_eq!(StandardTime::parse("5 menit"), Ok(Some(StandardTime::Minutes(5))));
        assert_eq!(StandardTime::parse(" 10  Menit "), Ok(Some(StandardTime::Minutes(10))));
        assert_eq!(StandardTime::parse("2 jam"), Ok(Some(StandardTime::Hours(2))));
        assert_eq!(StandardTime::parse("1 hari"), Ok(Some(StandardTime::Days(1))));
        assert_eq!(StandardTime::parse("-"), Ok(None));
        assert_eq!(StandardTime::parse(""), Ok(None));
    }

    #[test]
    fn anything_else_is_refused_with_the_accepted_forms() {
        for bad in ["5 mnt", "5", "menit", "0 menit", "-3 jam", "1,5 jam", "5 menit lagi"] {
            let err = StandardTime::parse(bad).unwrap_err();
            assert_eq!(err, TimeError(bad.to_string()));
            assert!(err.to_string().contains("\"5 menit\", \"2 jam\" atau \"1 hari\""));
        }
    }

    #[test]
    fn display_round_trips() {
        for t in ["5 menit", "2 jam", "1 hari"] {
            assert_eq!(StandardTime::parse(t).unwrap().unwrap().to_string(), t);
        }
    }
}
