//! Calendar dates of the identity page (tanggal pembuatan, revisi,
//! pengesahan, efektif): written ISO `YYYY-MM-DD` in the file, printed the
//! Indonesian way ("30 Mei 2021") on the document.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    /// 0 when the document gives only the month and year ("Maret 2016").
    pub day: u8,
}

/// Indonesian month names.
pub const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists in that month.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let year: i32 = text[0..4].parse().ok()?;
        let month: u8 = text[5..7].parse().ok()?;
        let day: u8 = text[8..10].parse().ok()?;
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= date.days_in_month()).then_some(date)
    }

    /// Parses a date of the identity page: `YYYY-MM-DD`, or `YYYY-MM` where
    /// the document prints only the month and year ("September 2019").
    pub fn parse_identity(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() == 7 && bytes[4] == b'-' && text[0..4].bytes().all(|b| b.is_ascii_digit()) {
            let year: i32 = text[0..4].parse().ok()?;
            let month: u8 =
                text[5..7].parse().ok().filter(|_| text[5..7].bytes().all(|b| b.is_ascii_digit()))?;
            return (1..=12).contains(&month).then_some(Date { year, month, day: 0 });
        }
        Date::parse_iso(text)
    }

    /// Whether only the month and year are known.
    pub fn month_only(self) -> bool {
        self.day == 0
    }

    fn days_in_month(self) -> u8 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if self.year % 4 == 0 && (self.year % 100 != 0 || self.year % 400 == 0) => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// "30 Mei 2021", or "Maret 2016" for a month and year.
    pub fn indonesian(self) -> String {
        let month = MONTHS[usize::from(self.month) - 1];
        if self.month_only() {
            format!("{month} {}", self.year)
        } else {
            format!("{} {month} {}", self.day, self.year)
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.month_only() {
            write!(f, "{:04}-{:02}", self.year, self.month)
        } else {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

/// Written ISO (`"2021-05-30"`, `"2019-09"`), as in definition files.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_parse_and_print_in_indonesian() {
        let d = Date::parse_iso("2021-05-30").unwrap();
        assert_eq!(d.indonesian(), "30 Mei 2021");
        assert_eq!(d.to_string(), "2021-05-30");
        assert_eq!(Date::parse_iso("2024-02-29").unwrap().indonesian(), "29 Februari 2024");
    }

    #[test]
    fn identity_dates_may_give_only_the_month_and_year() {
        let d = Date::parse_identity("2016-03").unwrap();
        assert!(d.month_only());
        assert_eq!(d.indonesian(), "Maret 2016");
        assert_eq!(d.to_string(), "2016-03");
        assert_eq!(Date::parse_identity("2021-05-30").unwrap().indonesian(), "30 Mei 2021");
        for bad in ["2016-13", "2016-3", "2016-00", "16-03", "2016-0a", "Maret 2016"] {
            assert_eq!(Date::parse_identity(bad), None, "{bad}");
        }
        // A letter's date field still needs the day.
        assert_eq!(Date::parse_iso("2016-03"), None);
    }

    #[test]
    fn impossible_or_misformatted_dates_are_refused() {
        for bad in ["2023-02-29", "2021-13-01", "2021-04-31", "2021-00-10", "30 Mei 2021", "2021-5-30", ""] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
    }
}
