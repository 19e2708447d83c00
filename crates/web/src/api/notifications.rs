//! The caller's notifications and who the caller is, through the API.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use crate::{AppState, now_ms};

/// A case's notifications to the caller, as one item.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotificationView {
    /// The newest notification of the case.
    pub message: String,
    pub case: String,
    /// The case's number, when the notifications are about a recorded case.
    pub number: Option<String>,
    /// When the newest came.
    pub created_at: String,
    /// All of them read.
    pub read: bool,
    /// How many notifications the case brought, and how many are unread.
    pub count: i64,
    pub unread: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Notifications {
    /// Cases with unread notifications (up to 100).
    pub unread: i64,
    /// The 100 cases most recently heard of, newest first.
    pub items: Vec<NotificationView>,
}

/// The caller's notifications grouped by case, and how many cases have unread ones.
#[utoipa::path(get, path = "/notifications", tag = "akun",
    responses(
        (status = 200, description = "Notifications", body = Notifications),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Notifications>, Problem> {
    let user = &caller.0;
    let items = state
        .store
        .notification_groups(user.agency_id(), user.person(), 100)
        .await?
        .into_iter()
        .map(|g| NotificationView {
            message: g.message,
            case: g.case,
            number: g.number,
            created_at: instant(g.at),
            read: g.unread == 0,
            count: g.count,
            unread: g.unread,
        })
        .collect();
    let unread = state.store.unread_notifications(user.agency_id(), user.person()).await?;
    Ok(Json(Notifications { unread, items }))
}

/// Marks all the caller's notifications read.
#[utoipa::path(post, path = "/notifications/read", tag = "akun",
    responses(
        (status = 200, description = "Notifications, all read", body = Notifications),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Notifications>, Problem> {
    state.store.mark_notifications_read(caller.0.agency_id(), caller.0.person(), now_ms()).await?;
    list(State(state), caller).await
}

/// The calling person.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub person: String,
    pub name: String,
    pub agency: String,
    pub admin: bool,
    /// May read the accountability report and the letter registers.
    pub may_report: bool,
    /// May read the registries.
    pub keeps_registries: bool,
}

/// Who the token belongs to and what they may do.
#[utoipa::path(get, path = "/me", tag = "akun",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn me(caller: Caller) -> Json<Me> {
    let u = caller.0;
    Json(Me {
        person: u.person().to_string(),
        agency: u.agency_id().to_string(),
        admin: u.account.is_admin,
        may_report: u.may_report,
        keeps_registries: u.keeps_registries,
        username: u.account.username,
        name: u.name,
    })
}
