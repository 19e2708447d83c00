//! When a routine SOP's case is due to start: the period a moment falls in
//! (`2026-11-23`, `2026-W48`, `2026-11`, `2026`) and the instant of that
//! period its `[schedule]` names, in the agency's zone and working days.

use jiff::Timestamp;
use jiff::civil::Date;
use sop::definition::{Period, Schedule, ScheduleDay};

use crate::calendar::Calendar;

/// The period `now` falls in and when its case starts, or `None` when the
/// period has no start (a daily routine on a day off).
pub fn due_start(schedule: &Schedule, calendar: &Calendar, now: Timestamp) -> Option<(String, Timestamp)> {
    let today = now.to_zoned(calendar.zone.clone()).date();
    let (key, day) = match (schedule.every, schedule.on) {
        (Period::Day, _) => {
            if schedule.working_days && !calendar.is_working_day(today) {
                return None;
            }
            (today.to_string(), today)
        }
        (Period::Week, ScheduleDay::Weekday(d)) => {
            let week = today.iso_week_date();
            let monday = today
                .checked_sub(jiff::Span::new().days(i64::from(week.weekday().to_monday_one_offset()) - 1))
                .ok()?;
            let day = monday.checked_add(jiff::Span::new().days(i64::from(d) - 1)).ok()?;
            (format!("{}-W{:02}", week.year(), week.week()), day)
        }
        (Period::Month, ScheduleDay::MonthDay(d)) => (
            format!("{:04}-{:02}", today.year(), today.month()),
            Date::new(today.year(), today.month(), i8::try_from(d).ok()?).ok()?,
        ),
        (Period::Year, ScheduleDay::YearDay(m, d)) => {
            let day = Date::new(today.year(), i8::try_from(m).ok()?, i8::try_from(d).ok()?)
                .or_else(|_| Date::new(today.year(), 2, 28))
                .ok()?;
            (format!("{:04}", today.year()), day)
        }
        _ => return None,
    };
    // A day off moves the start to the next working day.
    let mut day = day;
    if schedule.working_days {
        for _ in 0..30 {
            if calendar.is_working_day(day) {
                break;
            }
            day = day.tomorrow().ok()?;
        }
    }
    let (h, m) = schedule.at;
    let start = day
        .at(i8::try_from(h).ok()?, i8::try_from(m).ok()?, 0, 0)
        .to_zoned(calendar.zone.clone())
        .ok()?
        .timestamp();
    Some((key, start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sop::definition::{Period, Schedule, ScheduleDay};

    fn wib(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Timestamp {
        jiff::civil::date(y, mo, d).at(h, mi, 0, 0).in_tz("Asia/Jakarta").unwrap().timestamp()
    }

    fn schedule(every: Period, on: ScheduleDay) -> Schedule {
        Schedule { every, on, at: (8, 0), working_days: true }
    }

    #[test]
    fn each_period_has_its_key_and_start() {
        let calendar = Calendar::new("Asia/Jakarta").unwrap();
        // Wednesday 25 November 2026.
        let now = wib(2026, 11, 25, 10, 0);
        let day = due_start(&schedule(Period::Day, ScheduleDay::Daily), &calendar, now).unwrap();
        assert_eq!(day, ("2026-11-25".to_string(), wib(2026, 11, 25, 8, 0)));
        let week = due_start(&schedule(Period::Week, ScheduleDay::Weekday(1)), &calendar, now).unwrap();
        assert_eq!(week, ("2026-W48".to_string(), wib(2026, 11, 23, 8, 0)));
        let month = due_start(&schedule(Period::Month, ScheduleDay::MonthDay(2)), &calendar, now).unwrap();
        assert_eq!(month, ("2026-11".to_string(), wib(2026, 11, 2, 8, 0)));
        let year = due_start(&schedule(Period::Year, ScheduleDay::YearDay(12, 1)), &calendar, now).unwrap();
        assert_eq!(year, ("2026".to_string(), wib(2026, 12, 1, 8, 0)));
    }

    #[test]
    fn days_off_have_no_daily_start_and_move_a_later_one() {
        let calendar = Calendar::new("Asia/Jakarta").unwrap();
        // Saturday 28 November 2026.
        let saturday = wib(2026, 11, 28, 9, 0);
        assert_eq!(due_start(&schedule(Period::Day, ScheduleDay::Daily), &calendar, saturday), None);
        // 1 November 2026 is a Sunday: the monthly start moves to Monday the 2nd.
        let month =
            due_start(&schedule(Period::Month, ScheduleDay::MonthDay(1)), &calendar, saturday).unwrap();
        assert_eq!(month.1, wib(2026, 11, 2, 8, 0));
        let every_day = Schedule { working_days: false, ..schedule(Period::Day, ScheduleDay::Daily) };
        assert_eq!(due_start(&every_day, &calendar, saturday).unwrap().0, "2026-11-28");
    }
}
