//! The agency's working calendar through the API — its days off (national
//! holidays, cuti bersama, regional holidays it adds) and dated working-hours
//! schedules — read by anyone of the agency, changed by its administrators
//! with the same checks and refusals as the administration page.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use engine::calendar::DayOffKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::{FieldProblem, Problem};
use crate::AppState;
use crate::pages::admin::{Refusals, WEEKDAYS, day_off_from, removed_day, schedule_from};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DayOffView {
    /// YYYY-MM-DD.
    pub date: String,
    pub name: String,
    /// `libur` or `cuti-bersama`.
    pub kind: String,
    /// Where it comes from (a decree, who added it).
    pub source: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScheduleView {
    pub name: String,
    pub from: String,
    pub until: String,
    /// Hours per weekday, Monday first, e.g. `07:30-12:00, 12:30-15:00`
    /// (empty: no work).
    pub hours: Vec<String>,
    pub source: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CalendarView {
    /// The agency's time zone, e.g. `Asia/Jakarta`.
    pub zone: String,
    pub days_off: Vec<DayOffView>,
    pub schedules: Vec<ScheduleView>,
}

/// A day off to add.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDayOff {
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub date: String,
    #[schema(pattern = "[^\\s\\u0085]")]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = day_off_kinds)]
    pub kind: Option<String>,
}

/// A dated schedule to add (a Ramadan timetable, a regional rule).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSchedule {
    #[schema(pattern = "[^\\s\\u0085]")]
    pub name: String,
    /// First day, YYYY-MM-DD.
    #[schema(format = Date)]
    pub from: String,
    /// Last day, YYYY-MM-DD, not before `from`.
    #[schema(format = Date)]
    pub until: String,
    /// Hours by weekday (`monday` … `sunday`), e.g.
    /// `{"monday": "08:00-12:00, 12:30-15:00"}`; a day not given is not worked.
    #[serde(default)]
    pub hours: BTreeMap<String, String>,
}

fn refused(errors: Refusals) -> Problem {
    Problem::invalid(
        errors
            .into_iter()
            .map(|(field, message)| FieldProblem { field: field.into(), label: field.into(), message })
            .collect(),
    )
}

fn day_off_kinds() -> utoipa::openapi::Object {
    super::choices::one_of(DayOffKind::ALL.map(DayOffKind::key), "`libur` (default) or `cuti-bersama`.")
}

/// The agency's days off and dated schedules.
#[utoipa::path(get, path = "/calendar", tag = "kalender",
    responses(
        (status = 200, description = "The calendar", body = CalendarView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn read(State(state): State<AppState>, caller: Caller) -> Result<Json<CalendarView>, Problem> {
    let calendar = state.store.calendar(caller.0.agency_id()).await?;
    Ok(Json(CalendarView {
        zone: calendar.zone.iana_name().unwrap_or_default().to_string(),
        days_off: calendar
            .days_off
            .values()
            .map(|d| DayOffView {
                date: d.date.to_string(),
                name: d.name.clone(),
                kind: d.kind.key().into(),
                source: d.source.clone(),
            })
            .collect(),
        schedules: calendar
            .schedules
            .iter()
            .map(|s| ScheduleView {
                name: s.name.clone(),
                from: s.from.to_string(),
                until: s.until.to_string(),
                hours: s.week.days.iter().map(|d| engine::calendar::format_hours(d)).collect(),
                source: s.source.clone(),
            })
            .collect(),
    }))
}

/// Adds a day off (a regional holiday, say): no standard time runs on it.
#[utoipa::path(post, path = "/calendar/days-off", tag = "kalender", request_body = NewDayOff,
    responses(
        (status = 201, description = "Added"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad date, no name, or an unknown kind", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn add_day_off(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let given: NewDayOff = json_body(&headers, &body)?;
    let user = &caller.0;
    let form = BTreeMap::from([
        ("date".to_string(), given.date),
        ("name".to_string(), given.name),
        ("kind".to_string(), given.kind.unwrap_or_default()),
    ]);
    let day = day_off_from(user, &form).map_err(refused)?;
    state.store.put_day_off(user.agency_id(), &day, Some(user.person())).await?;
    Ok(StatusCode::CREATED)
}

/// Removes a day off: the day is worked again.
#[utoipa::path(delete, path = "/calendar/days-off/{date}", tag = "kalender",
    params(("date" = String, Path, description = "YYYY-MM-DD", example = "2026-12-24")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad date", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn remove_day_off(
    State(state): State<AppState>,
    caller: Caller,
    Path(date): Path<String>,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let user = &caller.0;
    let day = removed_day(user, &BTreeMap::from([("date".to_string(), date)])).map_err(refused)?;
    state.store.remove_day_off(user.agency_id(), day, Some(user.person())).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a dated working-hours schedule (it wins over the usual week
/// between its dates).
#[utoipa::path(post, path = "/calendar/schedules", tag = "kalender", request_body = NewSchedule,
    responses(
        (status = 201, description = "Added"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name, bad dates or hours, or an unknown weekday", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn add_schedule(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    caller.require_admin()?;
    let given: NewSchedule = json_body(&headers, &body)?;
    let user = &caller.0;
    let days: Vec<&str> = WEEKDAYS.iter().map(|(day, _)| *day).collect();
    if let Some(unknown) = given.hours.keys().find(|k| !days.contains(&k.as_str())) {
        let message = format!("\"{unknown}\" bukan nama hari; pakai {}", days.join(", "));
        return Err(Problem::field("hours", "hours", message));
    }
    let mut form = given.hours;
    form.insert("name".into(), given.name);
    form.insert("from".into(), given.from);
    form.insert("until".into(), given.until);
    let schedule = schedule_from(user, &form).map_err(refused)?;
    state.store.add_schedule(user.agency_id(), &schedule, Some(user.person())).await?;
    Ok(StatusCode::CREATED)
}
