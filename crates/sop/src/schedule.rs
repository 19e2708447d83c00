//! `[schedule]`: when a routine SOP (daily report, monthly backup check)
//! is started by the server, read and checked from its TOML form.

use serde::Deserialize;
use toml::Spanned;

use crate::definition::{Period, Schedule, ScheduleDay};

/// Weekday names as written in `on`, Monday first.
pub const WEEKDAYS: [&str; 7] = ["senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSchedule {
    every: Spanned<String>,
    on: Option<Spanned<toml::Value>>,
    at: Option<Spanned<String>>,
    working_days: Option<bool>,
}

type Report<'a> = dyn FnMut(Option<std::ops::Range<usize>>, &'static str, String) + 'a;

/// The schedule, or `None` after reporting what is wrong through `error`
/// (at a span of the text, or at the table when `None`).
pub(crate) fn check(raw: RawSchedule, error: &mut Report) -> Option<Schedule> {
    let every = Period::ALL.into_iter().find(|p| p.key() == raw.every.get_ref().as_str());
    if every.is_none() {
        let words: Vec<&str> = Period::ALL.iter().map(|p| p.key()).collect();
        error(
            Some(raw.every.span()),
            "unknown-word",
            format!("every \"{}\" tidak dikenal; pilih {}", raw.every.get_ref(), words.join(", ")),
        );
    }
    let at = match &raw.at {
        None => Some((8, 0)),
        Some(t) => {
            let parsed = clock(t.get_ref());
            if parsed.is_none() {
                error(
                    Some(t.span()),
                    "bad-time",
                    format!("at \"{}\" harus jam JJ:MM, misalnya \"08:00\"", t.get_ref()),
                );
            }
            parsed
        }
    };
    let on = match (every?, &raw.on) {
        (Period::Day, None) => Some(ScheduleDay::Daily),
        (Period::Day, Some(on)) => {
            error(
                Some(on.span()),
                "bad-schedule",
                "every = \"hari\" berjalan setiap hari kerja: hapus on".into(),
            );
            None
        }
        (_, None) => {
            error(
                None,
                "missing-key",
                format!("[schedule] every = \"{}\" memerlukan on = … (hari yang mana)", every?.key()),
            );
            None
        }
        (period, Some(on)) => {
            let day = day_of(period, on.get_ref());
            if day.is_none() {
                let hint = match period {
                    Period::Week => format!("nama hari: {}", WEEKDAYS.join(", ")),
                    Period::Month => "tanggal 1 sampai 28, misalnya on = 1".to_string(),
                    _ => "bulan-tanggal, misalnya on = \"12-01\"".to_string(),
                };
                error(
                    Some(on.span()),
                    "bad-schedule",
                    format!("on untuk every = \"{}\" harus {hint}", period.key()),
                );
            }
            day
        }
    };
    Some(Schedule { every: every?, at: at?, on: on?, working_days: raw.working_days.unwrap_or(true) })
}

/// "08:00" → (8, 0).
fn clock(text: &str) -> Option<(u8, u8)> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.len() == 5).then_some((h, m))
}

fn day_of(period: Period, value: &toml::Value) -> Option<ScheduleDay> {
    match (period, value) {
        (Period::Week, toml::Value::String(name)) => {
            let i = WEEKDAYS.iter().position(|d| *d == name.to_lowercase())?;
            Some(ScheduleDay::Weekday(u8::try_from(i).ok()? + 1))
        }
        (Period::Month, toml::Value::Integer(n)) => {
            u8::try_from(*n).ok().filter(|d| (1..=28).contains(d)).map(ScheduleDay::MonthDay)
        }
        (Period::Month, toml::Value::String(n)) => {
            n.parse().ok().filter(|d| (1..=28).contains(d)).map(ScheduleDay::MonthDay)
        }
        (Period::Year, toml::Value::String(md)) => {
            let (m, d) = md.split_once('-')?;
            let (m, d): (u8, u8) = (m.parse().ok()?, d.parse().ok()?);
            let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            ((1..=12).contains(&m) && d >= 1 && d <= days[usize::from(m) - 1])
                .then_some(ScheduleDay::YearDay(m, d))
        }
        _ => None,
    }
}

impl Schedule {
    /// "setiap bulan tanggal 1 pukul 08:00".
    pub fn describe(&self) -> String {
        let day = match self.on {
            ScheduleDay::Daily => String::new(),
            ScheduleDay::Weekday(d) => format!(" hari {}", WEEKDAYS[usize::from(d) - 1]),
            ScheduleDay::MonthDay(d) => format!(" tanggal {d}"),
            ScheduleDay::YearDay(m, d) => format!(" tanggal {d} {}", crate::date::MONTHS[usize::from(m) - 1]),
        };
        let working = if self.working_days && self.every == Period::Day { " kerja" } else { "" };
        format!("{}{working}{day} pukul {:02}:{:02}", self.every.label(), self.at.0, self.at.1)
    }
}
