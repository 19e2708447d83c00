//! The head's dashboard through the API: the same figures as /dasbor —
//! cases per month per service, on-time share, the slowest steps and the
//! open cases by age (the index per service is in the survey's CSV).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use store::dashboard::AGE_DAYS;
use utoipa::ToSchema;

use super::caller::Caller;
use super::problem::Problem;
use super::reports::FiguresView;
use crate::{AppState, now_ms};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ServiceMonths {
    pub sop: String,
    /// Cases opened in each month of `months`.
    pub cases: Vec<i64>,
    pub steps_done: i64,
    pub steps_late: i64,
    /// Steps done on time per hundred, one decimal (absent without any done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time_percent: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SlowStep {
    pub sop: String,
    pub step: u32,
    #[serde(flatten)]
    pub figures: FiguresView,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AgeGroup {
    /// Opened at least this many days ago …
    pub from_days: i64,
    /// … and less than this many (absent: the oldest group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_days: Option<i64>,
    pub open: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DashboardView {
    /// The twelve months shown, oldest first, as YYYY-MM.
    pub months: Vec<String>,
    pub services: Vec<ServiceMonths>,
    pub slowest: Vec<SlowStep>,
    pub open_by_age: Vec<AgeGroup>,
}

/// The dashboard of the caller's agency: the last twelve months.
#[utoipa::path(get, path = "/dashboard", tag = "laporan",
    responses(
        (status = 200, description = "The dashboard", body = DashboardView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only heads and administrators", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DashboardView>, Problem> {
    let user = &caller.0;
    if !user.may_report {
        return Err(crate::error::WebError::Forbidden.into());
    }
    let d = state.store.dashboard(user.agency_id(), now_ms()).await?;
    let mut services: Vec<ServiceMonths> = d
        .per_month
        .iter()
        .map(|(sop, cases)| {
            let (done, late) = d.on_time.get(sop).copied().unwrap_or_default();
            ServiceMonths {
                sop: sop.clone(),
                cases: cases.clone(),
                steps_done: done,
                steps_late: late,
                on_time_percent: d.on_time_percent(sop),
            }
        })
        .collect();
    // A service with steps done but no case opened in the twelve months.
    for (sop, (done, late)) in &d.on_time {
        if !d.per_month.contains_key(sop) {
            services.push(ServiceMonths {
                sop: sop.clone(),
                cases: vec![0; d.months.len()],
                steps_done: *done,
                steps_late: *late,
                on_time_percent: d.on_time_percent(sop),
            });
        }
    }
    let bounds: Vec<i64> = std::iter::once(0).chain(AGE_DAYS).collect();
    Ok(Json(DashboardView {
        months: d.months.iter().map(|(y, m)| format!("{y}-{m:02}")).collect(),
        services,
        slowest: d
            .slowest
            .iter()
            .map(|((sop, step), f)| SlowStep { sop: sop.clone(), step: *step, figures: f.into() })
            .collect(),
        open_by_age: d
            .open_by_age
            .iter()
            .enumerate()
            .map(|(i, n)| AgeGroup { from_days: bounds[i], to_days: AGE_DAYS.get(i).copied(), open: *n })
            .collect(),
    }))
}
