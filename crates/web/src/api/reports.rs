//! The accountability report through the API: the same figures as the
//! Laporan page, per SOP, step, lane and person, for a period.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use store::report::Figures;
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use crate::AppState;
use crate::pages::reports::{Period, load};

/// Completed tasks of a group against their standard times. Durations are
/// working minutes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FiguresView {
    pub done: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90_minutes: Option<i64>,
    pub breaches: i64,
    /// Breaches per hundred completed tasks, one decimal.
    pub breach_percent: f64,
    pub late_minutes: i64,
}

impl From<&Figures> for FiguresView {
    fn from(f: &Figures) -> FiguresView {
        FiguresView {
            done: f.done,
            median_minutes: f.median,
            p90_minutes: f.p90,
            breaches: f.breaches,
            breach_percent: f.breach_percent(),
            late_minutes: f.late_minutes,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SopRow {
    pub sop: String,
    pub name: String,
    pub started: i64,
    pub completed: i64,
    pub rejected: i64,
    pub withdrawn: i64,
    pub open: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StepRow {
    pub sop: String,
    pub step: u32,
    pub lane: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_time: Option<String>,
    #[serde(flatten)]
    pub figures: FiguresView,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GroupRow {
    /// Lane id or person id.
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub figures: FiguresView,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OpenCaseRow {
    pub case: String,
    pub number: String,
    pub sop: String,
    pub opened_at: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReportView {
    /// First day of the period (inclusive).
    pub from: String,
    /// Last day of the period (inclusive).
    pub to: String,
    pub sops: Vec<SopRow>,
    pub steps: Vec<StepRow>,
    pub lanes: Vec<GroupRow>,
    pub people: Vec<GroupRow>,
    /// Open cases of the period, oldest first.
    pub oldest_open: Vec<OpenCaseRow>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day, YYYY-MM-DD (default: the first of this month).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: today).
    pub to: Option<String>,
}

/// The accountability report of the caller's agency for a period.
#[utoipa::path(get, path = "/reports", tag = "laporan", params(PeriodQuery),
    responses(
        (status = 200, description = "The report", body = ReportView),
        (status = 400, description = "Bad dates", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only heads and administrators", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Json<ReportView>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let user = &caller.0;
    let period = Period { dari: query.from, sampai: query.to, format: None };
    let (from, to, report, sops) = load(&state, user, &period).await?;
    let org = state.store.organisation(user.agency_id()).await?;
    let sop_name = |id: &str| sops.get(id).map_or(id.to_string(), |s| s.identity.nama.value.clone());
    let lane_name = |id: &str| {
        sops.values().find_map(|s| s.lane(id).map(|l| l.name.clone())).unwrap_or_else(|| id.to_string())
    };
    Ok(Json(ReportView {
        from: from.to_string(),
        to: to.to_string(),
        sops: report
            .sops
            .iter()
            .map(|s| SopRow {
                sop: s.sop_id.clone(),
                name: sop_name(&s.sop_id),
                started: s.started,
                completed: s.completed,
                rejected: s.rejected,
                withdrawn: s.withdrawn,
                open: s.open,
            })
            .collect(),
        steps: report
            .steps
            .iter()
            .map(|((sop, step), (lane, f))| StepRow {
                sop: sop.clone(),
                step: *step,
                lane: lane.clone(),
                standard_time: sops
                    .get(sop)
                    .and_then(|s| s.step(*step))
                    .and_then(|s| s.time)
                    .map(|t| t.to_string()),
                figures: f.into(),
            })
            .collect(),
        lanes: report
            .lanes
            .iter()
            .map(|(l, f)| GroupRow { id: l.clone(), name: lane_name(l), figures: f.into() })
            .collect(),
        people: report
            .people
            .iter()
            .map(|(p, f)| GroupRow { id: p.clone(), name: org.name(p), figures: f.into() })
            .collect(),
        oldest_open: report
            .oldest_open
            .iter()
            .map(|c| OpenCaseRow {
                case: c.case.clone(),
                number: c.number.clone(),
                sop: c.sop_id.clone(),
                opened_at: instant(c.opened_at),
            })
            .collect(),
    }))
}
