//! Working time: an agency's weekly working hours (Perpres 21/2023 by
//! default, with date-ranged schedules such as Ramadan), its holidays and
//! cuti bersama, and the due time of a step's standard time counted in
//! working time only.

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use sop::StandardTime;

use crate::error::CalendarError;

/// A working interval of one day, `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: Time,
    pub end: Time,
}

impl Interval {
    fn minutes(self) -> i64 {
        seconds_between(self.start, self.end) / 60
    }
}

/// Working intervals per weekday, Monday first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekSchedule {
    pub days: [Vec<Interval>; 7],
}

fn t(h: i8, m: i8) -> Time {
    Time::constant(h, m, 0, 0)
}

impl WeekSchedule {
    /// The default for civil servants under Perpres 21/2023: 37.5 hours a
    /// week, Monday–Thursday 07:30–16:00 with a 12:00–13:00 break, Friday
    /// 07:30–16:30 with the longer 11:30–13:00 break for Friday prayers.
    pub fn perpres_21_2023() -> WeekSchedule {
        let weekday =
            vec![Interval { start: t(7, 30), end: t(12, 0) }, Interval { start: t(13, 0), end: t(16, 0) }];
        let friday =
            vec![Interval { start: t(7, 30), end: t(11, 30) }, Interval { start: t(13, 0), end: t(16, 30) }];
        WeekSchedule {
            days: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                friday,
                Vec::new(),
                Vec::new(),
            ],
        }
    }

    pub fn day(&self, weekday: Weekday) -> &[Interval] {
        &self.days[weekday.to_monday_zero_offset() as usize]
    }

    /// Working minutes in a week.
    pub fn weekly_minutes(&self) -> i64 {
        self.days.iter().flatten().map(|i| i.minutes()).sum()
    }
}

/// A schedule that replaces the default between two dates (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedSchedule {
    pub name: String,
    pub from: Date,
    pub until: Date,
    pub week: WeekSchedule,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayOffKind {
    /// Hari libur nasional (or a regional holiday the agency adds).
    Libur,
    /// Cuti bersama: a collective leave day, not worked by civil servants.
    CutiBersama,
}

impl DayOffKind {
    pub const ALL: [DayOffKind; 2] = [DayOffKind::Libur, DayOffKind::CutiBersama];

    /// As the calendar files, forms, the API and the database write it.
    pub const fn key(self) -> &'static str {
        match self {
            DayOffKind::Libur => "libur",
            DayOffKind::CutiBersama => "cuti-bersama",
        }
    }

    pub fn parse(key: &str) -> Option<DayOffKind> {
        DayOffKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOff {
    pub date: Date,
    pub name: String,
    pub kind: DayOffKind,
    /// Where the date comes from (decree, agency decision).
    pub source: String,
}

/// An agency's working-time calendar.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub zone: TimeZone,
    pub default_week: WeekSchedule,
    pub schedules: Vec<DatedSchedule>,
    pub days_off: BTreeMap<Date, DayOff>,
}

/// The national calendar shipped with Sopir (holidays, cuti bersama and the
/// Ramadan schedule), as data with its source.
pub const NATIONAL_2026: &str = include_str!("../../../calendars/indonesia-2026.toml");

impl Calendar {
    /// Default hours in `zone` (an IANA name such as `Asia/Jakarta`), no days off.
    pub fn new(zone: &str) -> Result<Calendar, CalendarError> {
        let zone = TimeZone::get(zone).map_err(|_| CalendarError::UnknownZone(zone.to_string()))?;
        Ok(Calendar {
            zone,
            default_week: WeekSchedule::perpres_21_2023(),
            schedules: Vec::new(),
            days_off: BTreeMap::new(),
        })
    }

    /// Default hours plus the shipped national calendar.
    pub fn national(zone: &str) -> Result<Calendar, CalendarError> {
        let mut calendar = Calendar::new(zone)?;
        calendar.load(NATIONAL_2026)?;
        Ok(calendar)
    }

    /// Adds the days off and schedules of a calendar file (format of
    /// `calendars/indonesia-2026.toml`).
    pub fn load(&mut self, text: &str) -> Result<(), CalendarError> {
        let file: CalendarFile =
            toml::from_str(text).map_err(|e| CalendarError::File(e.message().to_string()))?;
        for day in file.days {
            let date = parse_date(&day.date)?;
            self.days_off
                .insert(date, DayOff { date, name: day.name, kind: day.kind, source: file.source.clone() });
        }
        for s in file.schedules {
            let parse_day = |v: &Vec<String>| -> Result<Vec<Interval>, CalendarError> {
                v.iter().map(|i| parse_interval(i)).collect()
            };
            self.schedules.push(DatedSchedule {
                name: s.name,
                from: parse_date(&s.from)?,
                until: parse_date(&s.until)?,
                week: WeekSchedule {
                    days: [
                        parse_day(&s.monday)?,
                        parse_day(&s.tuesday)?,
                        parse_day(&s.wednesday)?,
                        parse_day(&s.thursday)?,
                        parse_day(&s.friday)?,
                        parse_day(&s.saturday)?,
                        parse_day(&s.sunday)?,
                    ],
                },
                source: s.source,
            });
        }
        Ok(())
    }

    /// The working intervals of `date`: none on a weekend or a day off.
    pub fn intervals(&self, date: Date) -> &[Interval] {
        if self.days_off.contains_key(&date) {
            return &[];
        }
        let week = self
            .schedules
            .iter()
            .find(|s| s.from <= date && date <= s.until)
            .map_or(&self.default_week, |s| &s.week);
        week.day(date.weekday())
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        !self.intervals(date).is_empty()
    }

    fn civil(&self, at: Timestamp) -> DateTime {
        at.to_zoned(self.zone.clone()).datetime()
    }

    fn instant(&self, at: DateTime) -> Timestamp {
        at.to_zoned(self.zone.clone()).expect("Indonesian zones have no gaps").timestamp()
    }

    /// When the working day `date` closes; `None` on a day off.
    pub fn day_close(&self, date: Date) -> Option<Timestamp> {
        self.intervals(date).last().map(|last| self.instant(date.to_datetime(last.end)))
    }

    /// The first working instant at or after `at`.
    pub fn next_working_instant(&self, at: Timestamp) -> Timestamp {
        let now = self.civil(at);
        let mut date = now.date();
        for _ in 0..MAX_DAYS_SEARCHED {
            for interval in self.intervals(date) {
                if date > now.date() || now.time() < interval.end {
                    let start = if date == now.date() && now.time() > interval.start {
                        now.time()
                    } else {
                        interval.start
                    };
                    return self.instant(date.to_datetime(start));
                }
            }
            date = date.tomorrow().expect("dates stay in range");
        }
        at
    }

    /// When a task started at `start` with standard time `time` is due.
    ///
    /// Minutes and hours are counted in working time only. A day is one
    /// working day, never 24 working hours: the clock first moves to the next
    /// working instant, then to the same time of day `n` working days later
    /// (kept inside that day's working hours).
    pub fn due(&self, start: Timestamp, time: StandardTime) -> Timestamp {
        match time {
            StandardTime::Minutes(n) => self.add_working_minutes(start, i64::from(n)),
            StandardTime::Hours(n) => self.add_working_minutes(start, i64::from(n) * 60),
            StandardTime::Days(n) => self.add_working_days(start, n),
        }
    }

    fn add_working_minutes(&self, start: Timestamp, minutes: i64) -> Timestamp {
        let begin = self.civil(self.next_working_instant(start));
        let mut left = minutes * 60;
        let mut date = begin.date();
        for _ in 0..MAX_DAYS_SEARCHED {
            for interval in self.intervals(date) {
                let from =
                    if date == begin.date() { begin.time().max(interval.start) } else { interval.start };
                if from >= interval.end {
                    continue;
                }
                let available = seconds_between(from, interval.end);
                if left <= available {
                    let end = from.checked_add(SignedDuration::from_secs(left)).expect("inside the day");
                    return self.instant(date.to_datetime(end));
                }
                left -= available;
            }
            date = date.tomorrow().expect("dates stay in range");
        }
        start
    }

    fn add_working_days(&self, start: Timestamp, days: u32) -> Timestamp {
        let begin = self.civil(self.next_working_instant(start));
        let mut date = begin.date();
        let mut counted = 0;
        for _ in 0..MAX_DAYS_SEARCHED {
            date = date.tomorrow().expect("dates stay in range");
            if self.is_working_day(date) {
                counted += 1;
                if counted == days {
                    break;
                }
            }
        }
        let intervals = self.intervals(date);
        let (Some(first), Some(last)) = (intervals.first(), intervals.last()) else {
            // No working day within reach: a misconfigured calendar.
            return start;
        };
        let (first, last) = (first.start, last.end);
        let time = begin.time().clamp(first, last);
        self.instant(date.to_datetime(time))
    }

    /// Working minutes between two instants (0 if `to` is not after `from`).
    pub fn working_minutes_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let (a, b) = (self.civil(from), self.civil(to));
        let mut total = 0;
        let mut date = a.date();
        while date <= b.date() {
            for interval in self.intervals(date) {
                let lo = if date == a.date() { a.time().max(interval.start) } else { interval.start };
                let hi = if date == b.date() { b.time().min(interval.end) } else { interval.end };
                if hi > lo {
                    total += seconds_between(lo, hi);
                }
            }
            date = date.tomorrow().expect("dates stay in range");
        }
        total / 60
    }
}

/// No working time for this long means the calendar is misconfigured;
/// stop searching rather than loop.
const MAX_DAYS_SEARCHED: usize = 800;

fn seconds_between(from: Time, to: Time) -> i64 {
    from.duration_until(to).as_secs()
}

fn parse_date(text: &str) -> Result<Date, CalendarError> {
    text.parse().map_err(|_| CalendarError::BadDate(text.to_string()))
}

/// One day's hours as [`parse_hours`] reads them: "08:00-12:00, 12:30-15:00".
pub fn format_hours(intervals: &[Interval]) -> String {
    intervals
        .iter()
        .map(|i| format!("{}-{}", i.start.strftime("%H:%M"), i.end.strftime("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One day's hours written as "08:00-12:00, 12:30-15:00" (empty: no work),
/// in order and not overlapping.
pub fn parse_hours(text: &str) -> Result<Vec<Interval>, CalendarError> {
    let intervals: Vec<Interval> = text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(parse_interval)
        .collect::<Result<_, _>>()?;
    if intervals.windows(2).any(|w| w[1].start < w[0].end) {
        return Err(CalendarError::BadInterval(text.to_string()));
    }
    Ok(intervals)
}

fn parse_interval(text: &str) -> Result<Interval, CalendarError> {
    let bad = || CalendarError::BadInterval(text.to_string());
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let parse = |s: &str| -> Result<Time, CalendarError> {
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        Time::new(h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, 0, 0).map_err(|_| bad())
    };
    let interval = Interval { start: parse(a)?, end: parse(b)? };
    if interval.start >= interval.end {
        return Err(bad());
    }
    Ok(interval)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    source: String,
    #[serde(default)]
    days: Vec<DayFile>,
    #[serde(default)]
    schedules: Vec<ScheduleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DayFile {
    date: String,
    kind: DayOffKind,
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleFile {
    name: String,
    from: String,
    until: String,
    source: String,
    #[serde(default)]
    monday: Vec<String>,
    #[serde(default)]
    tuesday: Vec<String>,
    #[serde(default)]
    wednesday: Vec<String>,
    #[serde(default)]
    thursday: Vec<String>,
    #[serde(default)]
    friday: Vec<String>,
    #[serde(default)]
    saturday: Vec<String>,
    #[serde(default)]
    sunday: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn cal() -> Calendar {
        Calendar::national("Asia/Jakarta").unwrap()
    }

    /// An instant given as WIB wall-clock time.
    fn wib(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d).at(h, min, 0, 0).to_zoned(TimeZone::get("Asia/Jakarta").unwrap()).unwrap().timestamp()
    }

    fn show(cal: &Calendar, at: Timestamp) -> String {
        cal.civil(at).strftime("%a %Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn the_default_week_is_37_and_a_half_hours_with_a_longer_friday_break() {
        let week = WeekSchedule::perpres_21_2023();
        assert_eq!(week.weekly_minutes(), 37 * 60 + 30);
        let friday = week.day(Weekday::Friday);
        let thursday = week.day(Weekday::Thursday);
        assert_eq!(seconds_between(friday[0].end, friday[1].start), 90 * 60);
        assert_eq!(seconds_between(thursday[0].end, thursday[1].start), 60 * 60);
        assert_eq!(friday[0].start, t(7, 30));
    }

    #[test]
    fn minutes_inside_a_working_morning() {
        let c = cal();
        // Thursday 26 November 2026.
        assert_eq!(
            show(&c, c.due(wib(2026, 11, 26, 9, 0), StandardTime::Minutes(5))),
            "Thu 2026-11-26 09:05"
        );
    }

    #[test]
    fn friday_afternoon_minutes_roll_over_the_weekend() {
        let c = cal();
        // Friday 27 Nov 2026, 16:25: five minutes left, then Monday 07:30.
        assert_eq!(
            show(&c, c.due(wib(2026, 11, 27, 16, 25), StandardTime::Minutes(10))),
            "Mon 2026-11-30 07:35"
        );
        // The Friday prayer break is skipped: 11:25 + 10 min → 13:05.
        assert_eq!(
            show(&c, c.due(wib(2026, 11, 27, 11, 25), StandardTime::Minutes(10))),
            "Fri 2026-11-27 13:05"
        );
    }

    #[test]
    fn work_started_at_the_weekend_counts_from_monday() {
        let c = cal();
        assert_eq!(
            show(&c, c.due(wib(2026, 11, 28, 10, 0), StandardTime::Minutes(5))),
            "Mon 2026-11-30 07:35"
        );
        assert_eq!(show(&c, c.due(wib(2026, 11, 29, 23, 0), StandardTime::Hours(2))), "Mon 2026-11-30 09:30");
    }

    #[test]
    fn a_holiday_inside_a_span_is_skipped() {
        let c = cal();
        // Friday 14 Aug, 15:00 + 2 jam: 1h Friday (to 16:30 is 1.5h) ... Monday
        // 17 August is Independence Day, so the rest falls on Tuesday.
        assert_eq!(show(&c, c.due(wib(2026, 8, 14, 15, 30), StandardTime::Hours(2))), "Tue 2026-08-18 08:30");
        assert!(!c.is_working_day(date(2026, 8, 17)));
    }

    #[test]
    fn cuti_bersama_is_not_a_working_day() {
        let c = cal();
        // Thursday 24 Dec is cuti bersama, Friday 25 Dec is Christmas.
        assert!(!c.is_working_day(date(2026, 12, 24)));
        assert_eq!(c.days_off[&date(2026, 12, 24)].kind, DayOffKind::CutiBersama);
        assert_eq!(
            show(&c, c.due(wib(2026, 12, 23, 15, 55), StandardTime::Minutes(10))),
            "Mon 2026-12-28 07:35"
        );
        assert_eq!(show(&c, c.due(wib(2026, 12, 23, 10, 0), StandardTime::Days(1))), "Mon 2026-12-28 10:00");
    }

    #[test]
    fn the_ramadan_schedule_applies_between_its_dates() {
        let c = cal();
        // Monday 2 March 2026, in Ramadan: work starts 08:00, ends 15:00.
        assert_eq!(show(&c, c.due(wib(2026, 3, 2, 7, 30), StandardTime::Minutes(5))), "Mon 2026-03-02 08:05");
        assert_eq!(
            show(&c, c.due(wib(2026, 3, 2, 14, 55), StandardTime::Minutes(10))),
            "Tue 2026-03-03 08:05"
        );
        // Its short break is 12:00–12:30.
        assert_eq!(
            show(&c, c.due(wib(2026, 3, 2, 11, 55), StandardTime::Minutes(10))),
            "Mon 2026-03-02 12:35"
        );
        // Outside Ramadan the same clock time is ordinary.
        assert_eq!(
            show(&c, c.due(wib(2026, 4, 6, 14, 55), StandardTime::Minutes(10))),
            "Mon 2026-04-06 15:05"
        );
    }

    #[test]
    fn one_day_started_friday_at_1555_is_due_monday_at_1555() {
        let c = cal();
        let due = c.due(wib(2026, 11, 27, 15, 55), StandardTime::Days(1));
        assert_eq!(show(&c, due), "Mon 2026-11-30 15:55");
        // One working day — Friday's last 35 minutes and Monday until 15:55 —
        // not 24 working hours, which would run to Thursday.
        let minutes = c.working_minutes_between(wib(2026, 11, 27, 15, 55), due);
        assert_eq!(minutes, 35 + 270 + 175);
        assert_eq!(
            show(&c, c.due(wib(2026, 11, 27, 15, 55), StandardTime::Hours(24))),
            "Thu 2026-12-03 08:25"
        );
    }

    #[test]
    fn one_day_started_after_hours_gives_the_whole_next_working_day() {
        let c = cal();
        assert_eq!(show(&c, c.due(wib(2026, 11, 26, 18, 0), StandardTime::Days(1))), "Mon 2026-11-30 07:30");
        // Thursday 16:20 is after Thursday's end: starts Friday 07:30.
        assert_eq!(show(&c, c.due(wib(2026, 11, 26, 16, 20), StandardTime::Days(2))), "Tue 2026-12-01 07:30");
    }

    #[test]
    fn a_day_ending_past_the_next_days_hours_is_kept_inside_them() {
        let c = cal();
        // Friday ends 16:30, Monday at 16:00: Friday 16:15 + 1 hari → Monday 16:00.
        assert_eq!(show(&c, c.due(wib(2026, 11, 27, 16, 15), StandardTime::Days(1))), "Mon 2026-11-30 16:00");
    }

    #[test]
    fn hours_are_written_as_comma_separated_intervals() {
        let hours = parse_hours("08:00-12:00, 12:30-15:00").unwrap();
        assert_eq!(
            hours,
            [Interval { start: t(8, 0), end: t(12, 0) }, Interval { start: t(12, 30), end: t(15, 0) }]
        );
        assert_eq!(parse_hours("").unwrap(), []);
        for bad in ["8-12", "12:00-08:00", "08:00-12:00, 11:00-13:00", "25:00-26:00"] {
            assert!(parse_hours(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_calendar_file_with_bad_hours_is_refused() {
        let mut c = Calendar::new("Asia/Jakarta").unwrap();
        let err = c
            .load("source = \"x\"\n[[schedules]]\nname = \"r\"\nfrom = \"2026-01-01\"\nuntil = \"2026-01-02\"\nsource = \"x\"\nmonday = [\"15:00-08:00\"]\n")
            .unwrap_err();
        assert_eq!(err, CalendarError::BadInterval("15:00-08:00".into()));
        assert_eq!(
            Calendar::new("Mars/Olympus").unwrap_err(),
            CalendarError::UnknownZone("Mars/Olympus".into())
        );
    }

    proptest! {
        /// Minutes and hours are exactly that much working time after the start,
        /// and the due instant lies inside working hours.
        #[test]
        fn minute_spans_are_exact_working_time(
            offset_minutes in 0i64..(366 * 24 * 60),
            amount in 1u32..600,
            hours in any::<bool>(),
        ) {
            let c = cal();
            let start = wib(2026, 1, 1, 0, 0) + SignedDuration::from_mins(offset_minutes);
            let time = if hours { StandardTime::Hours(amount.min(40)) } else { StandardTime::Minutes(amount) };
            let minutes = match time { StandardTime::Hours(h) => i64::from(h) * 60, StandardTime::Minutes(m) => i64::from(m), _ => unreachable!() };
            let due = c.due(start, time);
            prop_assert!(due > start);
            prop_assert_eq!(c.working_minutes_between(start, due), minutes);
            let civil = c.civil(due);
            prop_assert!(c.intervals(civil.date()).iter().any(|i| i.start < civil.time() && civil.time() <= i.end));
        }

        /// A day is never shorter than the rest of the start day nor longer
        /// than the working time of the days it spans.
        #[test]
        fn day_spans_end_on_a_working_day(offset_minutes in 0i64..(360 * 24 * 60), days in 1u32..4) {
            let c = cal();
            let start = wib(2026, 1, 1, 0, 0) + SignedDuration::from_mins(offset_minutes);
            let due = c.due(start, StandardTime::Days(days));
            let civil = c.civil(due);
            prop_assert!(c.is_working_day(civil.date()));
            prop_assert!(due > start);
            let begin = c.civil(c.next_working_instant(start)).date();
            let mut working_days_after = 0;
            let mut d = begin;
            while d < civil.date() {
                d = d.tomorrow().unwrap();
                if c.is_working_day(d) { working_days_after += 1; }
            }
            prop_assert_eq!(working_days_after, days);
        }
    }
}
