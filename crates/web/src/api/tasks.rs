//! The caller's open tasks (tugas saya) through the API, due soonest first.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::instant;
use super::paging::{Page, PageQuery, cursor};
use super::problem::Problem;
use crate::{AppState, now_ms};

/// An open task the caller may act on.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TaskItem {
    /// Act on it with `POST /cases/{case}/tasks/{task}`.
    pub task: String,
    pub case: String,
    pub case_number: String,
    pub sop: String,
    pub step: u32,
    pub lane: String,
    pub started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    pub overdue: bool,
    /// Whether others may act on it too (a shared task).
    pub shared: bool,
}

/// The caller's open tasks, due soonest first (untimed last).
#[utoipa::path(get, path = "/tasks", tag = "tugas", params(PageQuery),
    responses(
        (status = 200, description = "A page of open tasks", body = Page<TaskItem>),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad cursor or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<Page<TaskItem>>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let user = &caller.0;
    let limit = query.limit()?;
    let after: Option<(i64, i64, String)> = query.after()?;
    let after = after.as_ref().map(|(due, started, id)| (*due, *started, id.as_str()));
    let mut tasks =
        state.store.open_tasks_after(user.agency_id(), user.person(), after, limit as i64 + 1).await?;
    let key = |t: &store::OpenTask| (t.due_at.unwrap_or(i64::MAX), t.started_at, t.task.clone());
    let next_cursor = if tasks.len() > limit {
        tasks.truncate(limit);
        tasks.last().map(|t| cursor(&key(t)))
    } else {
        None
    };
    let now = now_ms();
    let items = tasks
        .into_iter()
        .map(|t| TaskItem {
            overdue: t.due_at.is_some_and(|d| d < now),
            shared: t.candidates > 1,
            task: t.task,
            case: t.case,
            case_number: t.number,
            sop: t.sop_id,
            step: t.step,
            lane: t.lane,
            started_at: instant(t.started_at),
            due_at: t.due_at.map(instant),
        })
        .collect();
    Ok(Json(Page { items, next_cursor }))
}
