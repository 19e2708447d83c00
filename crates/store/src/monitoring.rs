//! Formulir Monitoring Pelaksanaan SOP AP (PermenPANRB 35/2012): for one SOP
//! and period, each step's procedure with the figures found in the cases
//! of the period — how often it was done, its median and 90th-percentile
//! working time against the mutu baku, the share late, the times it was
//! done again (returned or looped) — a proposed judgement, and the
//! assessor's judgement, note and action, signed off once (the paraf:
//! who and when, also in the agency's hash chain).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::letters::civil_date;
use crate::record_event::{Change, Owner, append};
use crate::report_months::{day_start, zone_of};
use crate::{Store, StoreError};

/// A step is proposed as not running well when more than this share (per
/// hundred) of its completions were late.
pub const LATE_SHARE_LIMIT: f64 = 20.0;

/// Penilaian terhadap penerapan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Judgement {
    #[serde(rename = "baik")]
    Good,
    #[serde(rename = "tidak-baik")]
    NotGood,
}

impl Judgement {
    pub const ALL: [Judgement; 2] = [Judgement::Good, Judgement::NotGood];

    pub fn code(self) -> &'static str {
        match self {
            Judgement::Good => "baik",
            Judgement::NotGood => "tidak-baik",
        }
    }

    pub fn from_code(code: &str) -> Option<Judgement> {
        Judgement::ALL.into_iter().find(|j| j.code() == code)
    }

    /// The regulation's words.
    pub fn label(self) -> &'static str {
        match self {
            Judgement::Good => "Berjalan dengan baik",
            Judgement::NotGood => "Tidak berjalan dengan baik",
        }
    }
}

/// One row of the form: a step of the SOP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringRow {
    pub step: u32,
    /// The step's activity (Prosedur).
    pub procedure: String,
    /// What the cases of the period show, written out.
    pub found: String,
    /// Proposed from the figures; `None` where they say nothing (the step
    /// was not done in the period): the assessor decides.
    pub judgement: Option<Judgement>,
    /// Catatan hasil penilaian.
    pub note: String,
    /// Tindakan yang harus diambil.
    pub action: String,
}

/// A form as proposed from the cases, or as signed.
#[derive(Debug, Clone, PartialEq)]
pub struct Monitoring {
    /// Empty until signed.
    pub id: String,
    pub sop_id: String,
    pub sop_version: u32,
    pub from: Date,
    pub until: Date,
    /// The cases of the period, written out.
    pub summary: String,
    pub rows: Vec<MonitoringRow>,
    /// The paraf: who signed it off and when.
    pub signed: Option<(String, i64)>,
}

/// The figures of one step in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepFigures {
    pub done: i64,
    pub median: Option<i64>,
    pub p90: Option<i64>,
    pub late_percent: f64,
    /// Completions beyond the first of the same case: returns and loops.
    pub repeats: i64,
}

/// Working minutes written out ("1 jam 5 menit").
fn working_time(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} menit"),
        (h, 0) => format!("{h} jam"),
        (h, m) => format!("{h} jam {m} menit"),
    }
}

/// The written finding and proposed judgement of a step from its figures;
/// `standard` is its mutu baku as written in the SOP.
pub fn propose(figures: &StepFigures, standard: Option<&str>, cases: i64) -> (String, Option<Judgement>) {
    if figures.done == 0 {
        let found = if cases == 0 {
            "Tidak ada permohonan pada periode ini.".to_string()
        } else {
            format!("Tidak tercatat dikerjakan pada periode ini, padahal {cases} permohonan diajukan.")
        };
        return (found, None);
    }
    let mut found = format!("Dikerjakan {} kali", figures.done);
    if let (Some(median), Some(p90)) = (figures.median, figures.p90) {
        found.push_str(&format!("; median {}, P90 {}", working_time(median), working_time(p90)));
    }
    if let Some(standard) = standard {
        let late = format!("{:.1}", figures.late_percent).replace('.', ",");
        found.push_str(&format!(" (mutu baku {standard}); {late}% terlambat"));
    }
    if figures.repeats > 0 {
        found.push_str(&format!("; {} kali diulang atau dikembalikan", figures.repeats));
    }
    found.push('.');
    let judgement =
        if figures.late_percent > LATE_SHARE_LIMIT { Judgement::NotGood } else { Judgement::Good };
    (found, Some(judgement))
}

/// The instants `[from, until + 1 day)` of a period of `agency`'s local dates.
fn instants(zone: &jiff::tz::TimeZone, from: Date, until: Date) -> Result<(i64, i64), StoreError> {
    let end = until.tomorrow().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok((day_start(from, zone)?, day_start(end, zone)?))
}

/// A signed form's row in the database.
#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    sop_id: String,
    sop_version: i64,
    period_from: String,
    period_until: String,
    rows: String,
    summary: String,
    assessed_by: String,
    assessed_at: i64,
}

impl Stored {
    fn monitoring(self) -> Result<Monitoring, StoreError> {
        let corrupt = |e: String| StoreError::Corrupt(format!("formulir monitoring {}: {e}", self.id));
        Ok(Monitoring {
            sop_id: self.sop_id.clone(),
            sop_version: u32::try_from(self.sop_version).map_err(|e| corrupt(e.to_string()))?,
            from: self.period_from.parse().map_err(|e: jiff::Error| corrupt(e.to_string()))?,
            until: self.period_until.parse().map_err(|e: jiff::Error| corrupt(e.to_string()))?,
            rows: serde_json::from_str(&self.rows).map_err(|e| corrupt(e.to_string()))?,
            summary: self.summary.clone(),
            signed: Some((self.assessed_by.clone(), self.assessed_at)),
            id: self.id,
        })
    }
}

const COLUMNS: &str =
    "id, sop_id, sop_version, period_from, period_until, rows, summary, assessed_by, assessed_at";

/// What an assessor signs off: the form as they corrected it.
pub struct SignOff<'a> {
    pub agency: &'a str,
    pub sop_id: &'a str,
    pub from: Date,
    pub until: Date,
    /// Per step: the judgement, note and action (by step number).
    pub rows: Vec<(u32, Option<Judgement>, String, String)>,
    pub by: &'a str,
    pub at: i64,
}

/// The lengths (months) a monitoring period may have: each divides the year.
pub const PERIOD_MONTHS: [u8; 6] = [1, 2, 3, 4, 6, 12];
/// Without a setting of the agency: every six months (a semester).
pub const DEFAULT_PERIOD_MONTHS: u8 = 6;

/// The monitoring period of `months` holding `date`, counted from the
/// start of its year: (first day, last day).
pub fn period_of(date: Date, months: u8) -> (Date, Date) {
    let months = if PERIOD_MONTHS.contains(&months) { months } else { DEFAULT_PERIOD_MONTHS };
    let first_month = (date.month() - 1) / months as i8 * months as i8 + 1;
    let from = Date::new(date.year(), first_month, 1).expect("the first of a month");
    let until = from
        .checked_add(jiff::Span::new().months(i64::from(months)))
        .and_then(|d| d.yesterday())
        .expect("within the calendar");
    (from, until)
}

/// The period before the one holding `date`.
pub fn previous_period(date: Date, months: u8) -> (Date, Date) {
    let (from, _) = period_of(date, months);
    period_of(from.yesterday().expect("within the calendar"), months)
}

/// Longest note or action kept per row.
pub const TEXT_MAX_CHARS: usize = 2000;

impl Store {
    /// The form of `sop_id` for `[from, until]` (local dates): the signed
    /// one if there is one, otherwise proposed from the cases of the period.
    pub async fn monitoring_form(
        &self,
        agency: &str,
        sop_id: &str,
        from: Date,
        until: Date,
    ) -> Result<Monitoring, StoreError> {
        let signed = sqlx::query_as::<_, Stored>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sop_monitorings
             WHERE agency_id = $1 AND sop_id = $2 AND period_from = $3 AND period_until = $4"
        )))
        .bind(agency)
        .bind(sop_id)
        .bind(from.to_string())
        .bind(until.to_string())
        .fetch_optional(&self.pool)
        .await?;
        if let Some(signed) = signed {
            return signed.monitoring();
        }
        self.propose_monitoring(agency, sop_id, from, until).await
    }

    async fn propose_monitoring(
        &self,
        agency: &str,
        sop_id: &str,
        from: Date,
        until: Date,
    ) -> Result<Monitoring, StoreError> {
        let sop = self.sop(agency, sop_id, None).await?;
        let zone = zone_of(&self.agency(agency).await?.timezone);
        let (start, end) = instants(&zone, from, until)?;
        let report = self.report(agency, start, end).await?;
        let repeats: Vec<(i64, i64)> = sqlx::query(
            "SELECT step, COUNT(*) - COUNT(DISTINCT case_id) AS repeats FROM tasks
             WHERE agency_id = $1 AND sop_id = $2 AND status = $3 AND done_at >= $4 AND done_at < $5
             GROUP BY step",
        )
        .bind(agency)
        .bind(sop_id)
        .bind(engine::TaskStatus::Done.key())
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("step")?, r.try_get("repeats")?)))
        .collect::<Result<_, _>>()?;

        let cases = report.sops.iter().find(|s| s.sop_id == sop_id);
        let started = cases.map_or(0, |c| c.started);
        let mut summary = match cases {
            Some(c) => format!(
                "{} permohonan diajukan: {} selesai, {} ditolak, {} ditarik pemohon, {} masih berjalan.",
                c.started, c.completed, c.rejected, c.withdrawn, c.open
            ),
            None => "Tidak ada permohonan diajukan pada periode ini.".to_string(),
        };
        if let Some(p) = report.procedures.iter().find(|p| p.sop_id == sop_id) {
            summary.push_str(&format!(
                " Batas waktu seluruh prosedur: {} dari {} permohonan yang berakhir melewatinya.",
                p.late, p.ended
            ));
        }
        let rows = sop
            .steps
            .iter()
            .map(|step| {
                let figures = report
                    .steps
                    .get(&(sop_id.to_string(), step.no))
                    .map(|(_, f)| StepFigures {
                        done: f.done,
                        median: f.median,
                        p90: f.p90,
                        late_percent: f.breach_percent(),
                        repeats: repeats
                            .iter()
                            .find(|(s, _)| *s == i64::from(step.no))
                            .map_or(0, |(_, n)| *n),
                    })
                    .unwrap_or_default();
                let standard = step.time.map(|t| t.to_string());
                let (found, judgement) = propose(&figures, standard.as_deref(), started);
                MonitoringRow {
                    step: step.no,
                    procedure: step.activity.clone(),
                    found,
                    judgement,
                    note: String::new(),
                    action: String::new(),
                }
            })
            .collect();
        Ok(Monitoring {
            id: String::new(),
            sop_id: sop_id.to_string(),
            sop_version: sop.version,
            from,
            until,
            summary,
            rows,
            signed: None,
        })
    }

    /// Signs off the form of a period, as proposed from the cases now with
    /// the assessor's judgements, notes and actions. Refused with the
    /// field of each row not judged or too long; a second sign-off of the
    /// same SOP and period is refused and changes nothing.
    pub async fn sign_monitoring(&self, sign: SignOff<'_>) -> Result<Monitoring, StoreError> {
        if sign.until < sign.from {
            return Err(StoreError::invalid("sampai", "Periode", "tanggal akhir sebelum tanggal awal"));
        }
        // Signed while it runs, a form would keep part of its period's
        // figures and bar the whole period's sign-off.
        let today =
            crate::report_months::local_date(sign.at, &zone_of(&self.agency(sign.agency).await?.timezone))?;
        if sign.until >= today {
            return Err(StoreError::not_now(format!(
                "periode ini belum berakhir; formulirnya dapat diparaf sesudah {}",
                sign.until
            )));
        }
        let mut form = self.propose_monitoring(sign.agency, sign.sop_id, sign.from, sign.until).await?;
        let mut errors = Vec::new();
        for row in &mut form.rows {
            let (judgement, note, action) = sign
                .rows
                .iter()
                .find(|(step, ..)| *step == row.step)
                .map(|(_, j, n, a)| (*j, n.trim().to_string(), a.trim().to_string()))
                .unwrap_or_default();
            let n = row.step;
            match judgement {
                Some(j) => row.judgement = Some(j),
                None => errors.push(engine::form::FieldError::new(
                    &format!("penilaian.{n}"),
                    &format!("Penilaian langkah {n}"),
                    "pilih berjalan dengan baik atau tidak",
                )),
            }
            for (field, label, text) in [("catatan", "Catatan", &note), ("tindakan", "Tindakan", &action)] {
                if text.chars().count() > TEXT_MAX_CHARS {
                    errors.push(engine::form::FieldError::new(
                        &format!("{field}.{n}"),
                        &format!("{label} langkah {n}"),
                        format!("paling banyak {TEXT_MAX_CHARS} karakter"),
                    ));
                }
            }
            if row.judgement == Some(Judgement::NotGood) && action.is_empty() {
                errors.push(engine::form::FieldError::new(
                    &format!("tindakan.{n}"),
                    &format!("Tindakan langkah {n}"),
                    "langkah yang tidak berjalan dengan baik perlu tindakan yang harus diambil",
                ));
            }
            row.note = note;
            row.action = action;
        }
        if !errors.is_empty() {
            return Err(StoreError::Engine(engine::EngineError::Invalid(errors)));
        }
        let id = crate::new_id();
        let rows = serde_json::to_string(&form.rows).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let inserted = sqlx::query(
                "INSERT INTO sop_monitorings
                   (id, agency_id, sop_id, sop_version, period_from, period_until, rows, summary, assessed_by, assessed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&id)
            .bind(sign.agency)
            .bind(sign.sop_id)
            .bind(i64::from(form.sop_version))
            .bind(sign.from.to_string())
            .bind(sign.until.to_string())
            .bind(&rows)
            .bind(&form.summary)
            .bind(sign.by)
            .bind(sign.at)
            .execute(&mut **tx)
            .await;
            match inserted {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::AlreadyExists(format!(
                        "formulir monitoring {} untuk periode {} s.d. {}",
                        sign.sop_id, sign.from, sign.until
                    )));
                }
                other => other?,
            };
            let change = Change::SopMonitored {
                sop: sign.sop_id.to_string(),
                from: sign.from.to_string(),
                until: sign.until.to_string(),
                form: id.clone(),
            };
            append(tx, Owner::Agency(sign.agency), Some(sign.by), change, sign.at).await?;
            Ok(())
        }
        .await;
        write.finish(result).await?;
        form.id = id;
        form.signed = Some((sign.by.to_string(), sign.at));
        Ok(form)
    }

    /// A signed form as the regulation's PDF, on the agency's letterhead.
    pub async fn monitoring_pdf(&self, agency: &str, form: &Monitoring) -> Result<Vec<u8>, StoreError> {
        let (by, at) = form
            .signed
            .clone()
            .ok_or_else(|| StoreError::NotFound("formulir monitoring yang diparaf".into()))?;
        let agency = self.agency(agency).await?;
        let sop = self.sop(&agency.id, &form.sop_id, Some(form.sop_version)).await?;
        let org = self.organisation(&agency.id).await?;
        let zone = zone_of(&agency.timezone);
        let name = org.name(&by);
        let paraf: String = name.split_whitespace().filter_map(|w| w.chars().next()).take(3).collect();
        let document = documents::MonitoringForm {
            letterhead: self.letterhead(&agency).await?,
            sop_name: sop.identity.nama.value.clone(),
            sop_number: sop.identity.nomor.value.clone(),
            unit: sop.identity.unit.clone().unwrap_or_else(|| agency.name.clone()),
            period: format!("{} s.d. {}", civil_date(form.from), civil_date(form.until)),
            summary: form.summary.clone(),
            rows: form
                .rows
                .iter()
                .map(|r| documents::MonitoringLine {
                    step: r.step,
                    procedure: r.procedure.clone(),
                    good: r.judgement == Some(Judgement::Good),
                    note: r.note.clone(),
                    action: r.action.clone(),
                })
                .collect(),
            assessor: name.to_string(),
            signed_at: crate::letters::long_date_time(at, &zone),
            paraf: paraf.to_uppercase(),
        };
        Ok(document.to_pdf())
    }

    /// How many months a monitoring period of `agency` lasts.
    pub async fn monitoring_months(&self, agency: &str) -> Result<u8, StoreError> {
        let row = sqlx::query("SELECT months FROM sop_monitoring_settings WHERE agency_id = $1")
            .bind(agency)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => u8::try_from(r.try_get::<i64, _>("months")?).unwrap_or(DEFAULT_PERIOD_MONTHS),
            None => DEFAULT_PERIOD_MONTHS,
        })
    }

    /// Sets how many months a monitoring period of `agency` lasts (one of
    /// [`PERIOD_MONTHS`]); forms already signed keep their periods.
    pub async fn set_monitoring_months(
        &self,
        agency: &str,
        months: u8,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        if !PERIOD_MONTHS.contains(&months) {
            return Err(StoreError::invalid(
                "bulan",
                "Periode monitoring",
                "pilih 1, 2, 3, 4, 6 atau 12 bulan",
            ));
        }
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            sqlx::query("DELETE FROM sop_monitoring_settings WHERE agency_id = $1")
                .bind(agency)
                .execute(&mut **tx)
                .await?;
            sqlx::query("INSERT INTO sop_monitoring_settings (agency_id, months) VALUES ($1, $2)")
                .bind(agency)
                .bind(i64::from(months))
                .execute(&mut **tx)
                .await?;
            append(tx, Owner::Agency(agency), Some(by), Change::MonitoringPeriodSet { months }, at).await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// The SOPs in use whose form for `[from, until]` is not signed off yet.
    pub async fn monitoring_due(
        &self,
        agency: &str,
        from: Date,
        until: Date,
    ) -> Result<Vec<String>, StoreError> {
        let signed: Vec<String> = sqlx::query(
            "SELECT sop_id FROM sop_monitorings WHERE agency_id = $1 AND period_from = $2 AND period_until = $3",
        )
        .bind(agency)
        .bind(from.to_string())
        .bind(until.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("sop_id"))
        .collect::<Result<_, _>>()?;
        Ok(self.sop_ids(agency).await?.into_iter().filter(|id| !signed.contains(id)).collect())
    }

    /// The signed forms of `agency`, newest period first.
    pub async fn monitorings(&self, agency: &str) -> Result<Vec<Monitoring>, StoreError> {
        sqlx::query_as::<_, Stored>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sop_monitorings WHERE agency_id = $1 ORDER BY period_until DESC, sop_id"
        )))
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Stored::monitoring)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_divide_the_year_from_january() {
        use jiff::civil::date;
        assert_eq!(period_of(date(2026, 3, 15), 6), (date(2026, 1, 1), date(2026, 6, 30)));
        assert_eq!(period_of(date(2026, 7, 1), 6), (date(2026, 7, 1), date(2026, 12, 31)));
        assert_eq!(period_of(date(2026, 5, 31), 3), (date(2026, 4, 1), date(2026, 6, 30)));
        assert_eq!(period_of(date(2026, 2, 10), 1), (date(2026, 2, 1), date(2026, 2, 28)));
        assert_eq!(period_of(date(2026, 11, 29), 12), (date(2026, 1, 1), date(2026, 12, 31)));
        assert_eq!(period_of(date(2026, 11, 29), 4), (date(2026, 9, 1), date(2026, 12, 31)));
        assert_eq!(period_of(date(2026, 11, 29), 5), period_of(date(2026, 11, 29), 6), "not a divisor: six");
        assert_eq!(previous_period(date(2026, 1, 5), 6), (date(2025, 7, 1), date(2025, 12, 31)));
        assert_eq!(previous_period(date(2026, 11, 29), 3), (date(2026, 7, 1), date(2026, 9, 30)));
    }

    #[test]
    fn a_step_late_too_often_is_proposed_as_not_running_well() {
        let on_time =
            StepFigures { done: 10, median: Some(3), p90: Some(70), late_percent: 10.0, repeats: 0 };
        let (found, judgement) = propose(&on_time, Some("15 menit"), 10);
        assert_eq!(
            found,
            "Dikerjakan 10 kali; median 3 menit, P90 1 jam 10 menit (mutu baku 15 menit); 10,0% terlambat."
        );
        assert_eq!(judgement, Some(Judgement::Good));
        let late = StepFigures { late_percent: 20.1, repeats: 2, ..on_time };
        let (found, judgement) = propose(&late, Some("15 menit"), 10);
        assert!(found.ends_with("; 2 kali diulang atau dikembalikan."), "{found}");
        assert_eq!(judgement, Some(Judgement::NotGood));
    }

    #[test]
    fn a_step_nobody_clocks_is_left_to_the_assessor() {
        let none = StepFigures::default();
        assert_eq!(propose(&none, None, 0), ("Tidak ada permohonan pada periode ini.".to_string(), None));
        let (found, judgement) = propose(&none, Some("1 hari"), 4);
        assert!(found.contains("padahal 4 permohonan diajukan"), "{found}");
        assert_eq!(judgement, None);
    }
}
