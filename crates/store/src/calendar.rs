//! Each agency's working-time calendar: its zone (from the agency profile),
//! its days off and its dated schedules, seeded from the national calendar
//! and editable per agency.

use engine::Calendar;
use engine::calendar::{DatedSchedule, DayOff, DayOffKind, Interval, WeekSchedule};
use jiff::civil::{Date, Time};
use sqlx::Row;

use crate::record_event::{Change, Owner, now};
use crate::{Store, StoreError, new_id};

fn week_json(week: &WeekSchedule) -> String {
    let days: Vec<Vec<String>> = week
        .days
        .iter()
        .map(|d| {
            d.iter().map(|i| format!("{}-{}", i.start.strftime("%H:%M"), i.end.strftime("%H:%M"))).collect()
        })
        .collect();
    serde_json::to_string(&days).expect("strings serialise")
}

fn week_from_json(text: &str) -> Result<WeekSchedule, StoreError> {
    let corrupt = || StoreError::Corrupt(format!("jadwal kerja {text}"));
    let days: Vec<Vec<String>> = serde_json::from_str(text).map_err(|_| corrupt())?;
    let mut week = WeekSchedule { days: Default::default() };
    for (i, day) in days.iter().enumerate().take(7) {
        for interval in day {
            let (a, b) = interval.split_once('-').ok_or_else(corrupt)?;
            let start: Time = format!("{a}:00").parse().map_err(|_| corrupt())?;
            let end: Time = format!("{b}:00").parse().map_err(|_| corrupt())?;
            week.days[i].push(Interval { start, end });
        }
    }
    Ok(week)
}

impl Store {
    /// Adds (or replaces) a day off of one agency; `by`: the administrator
    /// (`None`: the national calendar shipped with Sopir). An unchanged day
    /// is left (and recorded) alone.
    pub async fn put_day_off(&self, agency: &str, day: &DayOff, by: Option<&str>) -> Result<(), StoreError> {
        let upsert = sqlx::query(
            "INSERT INTO days_off (agency_id, day, name, kind, source) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (agency_id, day) DO UPDATE SET name = $3, kind = $4, source = $5
             WHERE days_off.name <> $3 OR days_off.kind <> $4 OR days_off.source <> $5",
        )
        .bind(agency)
        .bind(day.date.to_string())
        .bind(&day.name)
        .bind(day.kind.key())
        .bind(&day.source);
        let change = Change::DayOffSet {
            day: day.date.to_string(),
            name: day.name.clone(),
            kind: day.kind.key().into(),
            source: day.source.clone(),
        };
        self.write_recorded(upsert, Owner::Agency(agency), by, change, now()).await?;
        self.agency_changed(agency).await
    }

    /// Removes a day off; `false` if there was none that day.
    pub async fn remove_day_off(
        &self,
        agency: &str,
        date: Date,
        by: Option<&str>,
    ) -> Result<bool, StoreError> {
        let delete = sqlx::query("DELETE FROM days_off WHERE agency_id = $1 AND day = $2")
            .bind(agency)
            .bind(date.to_string());
        let change = Change::DayOffRemoved { day: date.to_string() };
        let done = self.write_recorded(delete, Owner::Agency(agency), by, change, now()).await?;
        self.agency_changed(agency).await?;
        Ok(done > 0)
    }

    pub async fn add_schedule(
        &self,
        agency: &str,
        schedule: &DatedSchedule,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let week = week_json(&schedule.week);
        let insert = sqlx::query(
            "INSERT INTO schedules (id, agency_id, name, from_date, until_date, week, source) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(agency)
        .bind(&schedule.name)
        .bind(schedule.from.to_string())
        .bind(schedule.until.to_string())
        .bind(week.clone())
        .bind(&schedule.source);
        let change = Change::ScheduleAdded {
            name: schedule.name.clone(),
            from: schedule.from.to_string(),
            until: schedule.until.to_string(),
            week,
            source: schedule.source.clone(),
        };
        self.write_recorded(insert, Owner::Agency(agency), by, change, now()).await?;
        self.agency_changed(agency).await
    }

    /// Gives an agency the national calendar shipped with Sopir.
    pub async fn seed_national_calendar(&self, agency: &str) -> Result<(), StoreError> {
        let national = Calendar::national("Asia/Jakarta")?;
        for day in national.days_off.values() {
            self.put_day_off(agency, day, None).await?;
        }
        let existing: i64 = sqlx::query("SELECT COUNT(*) AS n FROM schedules WHERE agency_id = $1")
            .bind(agency)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if existing == 0 {
            for schedule in &national.schedules {
                self.add_schedule(agency, schedule, None).await?;
            }
        }
        Ok(())
    }

    /// The agency's calendar in its own timezone.
    pub async fn calendar(&self, agency: &str) -> Result<Calendar, StoreError> {
        Ok((*self.cached_calendar(agency).await?).clone())
    }

    pub(crate) async fn load_calendar(&self, agency: &str) -> Result<Calendar, StoreError> {
        let zone = self.agency(agency).await?.timezone;
        let mut calendar = Calendar::new(&zone)?;
        for r in sqlx::query("SELECT day, name, kind, source FROM days_off WHERE agency_id = $1")
            .bind(agency)
            .fetch_all(&self.pool)
            .await?
        {
            let day: String = r.try_get("day")?;
            let date: Date = day.parse().map_err(|_| StoreError::Corrupt(format!("hari libur {day}")))?;
            let kind: String = r.try_get("kind")?;
            calendar.days_off.insert(
                date,
                DayOff {
                    date,
                    name: r.try_get("name")?,
                    kind: DayOffKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("jenis hari libur {kind} pada {day}")))?,
                    source: r.try_get("source")?,
                },
            );
        }
        for r in sqlx::query("SELECT name, from_date, until_date, week, source FROM schedules WHERE agency_id = $1 ORDER BY from_date")
            .bind(agency)
            .fetch_all(&self.pool)
            .await?
        {
            let date = |s: String| s.parse::<Date>().map_err(|_| StoreError::Corrupt(format!("tanggal jadwal {s}")));
            let week: String = r.try_get("week")?;
            calendar.schedules.push(DatedSchedule {
                name: r.try_get("name")?,
                from: date(r.try_get("from_date")?)?,
                until: date(r.try_get("until_date")?)?,
                week: week_from_json(&week)?,
                source: r.try_get("source")?,
            });
        }
        Ok(calendar)
    }
}
