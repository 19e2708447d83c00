//! The Survei Kepuasan Masyarakat's figures through the API: the index
//! (IKM) per service, unit and the whole agency for a period, as
//! /laporan/ikm shows them, for a province's dashboard. Comments are not
//! given: they are the requesters' own words.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use engine::satisfaction::Element;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::problem::Problem;
use super::reports::PeriodQuery;
use crate::AppState;
use crate::pages::reports::Period;
use crate::pages::satisfaction::{Row, load};

/// The survey's figures for one group of answers.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IkmRow {
    /// The service's SOP id (absent for a unit's or the agency's row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sop: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The unit's id ("" for the agency's row, or a service naming none).
    pub unit: String,
    pub respondents: i64,
    /// Cases that ended (completed or refused) in the period.
    pub population: i64,
    /// The respondents the population needs (Krejcie–Morgan, as the
    /// regulation's table).
    pub sample_needed: i64,
    /// The index, 25–100 with two decimals; absent with fewer than the
    /// minimum respondents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ikm: Option<f64>,
    /// Mutu pelayanan: A, B, C or D.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Kinerja unit pelayanan, e.g. "Sangat Baik".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance: Option<String>,
    /// Each element's (U1–U9) average answer, 1–4 with two decimals.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub elements: BTreeMap<String, f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IkmView {
    /// The first and last day of the period, YYYY-MM-DD.
    pub from: String,
    pub to: String,
    pub services: Vec<IkmRow>,
    pub units: Vec<IkmRow>,
    pub agency: IkmRow,
}

fn row(r: &Row) -> IkmRow {
    let index = r.index.as_ref();
    IkmRow {
        sop: r.service.as_ref().map(|(sop, _)| sop.clone()),
        name: r.service.as_ref().map(|(_, name)| name.clone()),
        unit: r.unit.clone(),
        respondents: r.respondents,
        population: r.population,
        sample_needed: r.sample(),
        ikm: index.map(|i| i.hundredths as f64 / 100.0),
        grade: index.map(|i| i.grade.letter().to_string()),
        performance: index.map(|i| i.grade.performance().to_string()),
        elements: index
            .map(|i| {
                Element::ALL.iter().map(|e| (e.code().to_string(), i.averages[e] as f64 / 100.0)).collect()
            })
            .unwrap_or_default(),
    }
}

/// The survey's index per service, unit and the agency for a period (this
/// year by default).
#[utoipa::path(get, path = "/satisfaction", tag = "laporan", params(PeriodQuery),
    responses(
        (status = 200, description = "The figures", body = IkmView),
        (status = 400, description = "Bad dates", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only heads and administrators", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn satisfaction(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Json<IkmView>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let period = Period { dari: query.from, sampai: query.to, format: None };
    let figures = load(&state, &caller.0, &period).await?;
    Ok(Json(IkmView {
        from: figures.from.to_string(),
        to: figures.until.to_string(),
        services: figures.services.iter().map(|(r, _)| row(r)).collect(),
        units: figures.units.iter().map(row).collect(),
        agency: row(&figures.agency),
    }))
}
