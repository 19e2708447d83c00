//! Dates and times as the civil servant reads them: in the agency's own zone
//! with its WIB/WITA/WIT label, Indonesian month and day names ("Sen, 23
//! November 2026 09:05 WIB"), durations in working minutes.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::i18n::Lang;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS_ID: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
const DAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The agency's clock: its zone and the label printed after times.
#[derive(Clone)]
pub struct Clock {
    pub zone: TimeZone,
    pub label: &'static str,
    pub lang: Lang,
}

impl Clock {
    pub fn of(agency: &sop::Agency, lang: Lang) -> Clock {
        let zone = TimeZone::get(&agency.timezone).unwrap_or(TimeZone::UTC);
        Clock { zone, label: agency.zone_abbreviation(), lang }
    }

    /// "Sen, 23 November 2026 09:05 WIB".
    pub fn datetime(&self, ms: i64) -> String {
        let Ok(ts) = Timestamp::from_millisecond(ms) else { return "-".into() };
        let z = ts.to_zoned(self.zone.clone());
        let (days, months) = match self.lang {
            Lang::Id => (DAYS_ID, sop::date::MONTHS),
            Lang::En => (DAYS_EN, MONTHS_EN),
        };
        format!(
            "{}, {} {} {} {} {}",
            days[z.weekday().to_monday_zero_offset() as usize],
            z.day(),
            months[(z.month() - 1) as usize],
            z.year(),
            z.strftime("%H:%M"),
            self.label
        )
    }

    pub fn maybe(&self, ms: Option<i64>) -> String {
        ms.map_or_else(|| "-".to_string(), |m| self.datetime(m))
    }
}

/// "1 jam 5 menit", "3 hari" — a span of working minutes.
pub fn minutes(total: i64, lang: Lang) -> String {
    let (h, m) = (total / 60, total % 60);
    let (hw, mw) = match lang {
        Lang::Id => ("jam", "menit"),
        Lang::En => ("h", "min"),
    };
    match (h, m) {
        (0, m) => format!("{m} {mw}"),
        (h, 0) => format!("{h} {hw}"),
        (h, m) => format!("{h} {hw} {m} {mw}"),
    }
}

/// A figure kept in hundredths with its two decimals (88,50 in Indonesian,
/// 88.50 in English).
pub fn hundredths(h: i64, lang: Lang) -> String {
    let sep = if lang == Lang::Id { ',' } else { '.' };
    format!("{}{}{sep}{:02}", if h < 0 { "-" } else { "" }, h.abs() / 100, h.abs() % 100)
}

/// A share per hundred with one decimal: "97,5%" in Indonesian.
pub fn percent(p: f64, lang: Lang) -> String {
    let text = format!("{p:.1}%");
    if lang == Lang::Id { text.replace('.', ",") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_agency_zone_in_indonesian() {
        let agency = sop::Catalog::builtin().agency("lumajang").unwrap().clone();
        let clock = Clock::of(&agency, Lang::Id);
        // 2026-11-23 02:05 UTC is 09:05 WIB.
        let ms = Timestamp::from_second(1_795_399_500).unwrap().as_millisecond();
        assert_eq!(clock.datetime(ms), "Sen, 23 November 2026 09:05 WIB");
        assert_eq!(Clock { lang: Lang::En, ..clock }.datetime(ms), "Mon, 23 November 2026 09:05 WIB");
        assert_eq!(minutes(65, Lang::Id), "1 jam 5 menit");
        assert_eq!(minutes(5, Lang::Id), "5 menit");
    }

    #[test]
    fn hundredths_are_written_with_the_languages_decimal_mark() {
        assert_eq!(hundredths(8850, Lang::Id), "88,50");
        assert_eq!(hundredths(2505, Lang::En), "25.05");
        assert_eq!(hundredths(-7, Lang::Id), "-0,07");
        assert_eq!(percent(97.5, Lang::Id), "97,5%");
        assert_eq!(percent(100.0, Lang::En), "100.0%");
    }
}
