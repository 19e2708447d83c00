//! Beranda / Tugas saya: the open tasks the person may act on, overdue ones
//! first and marked, refreshed in place every minute.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};
use store::OpenTask;

pub async fn home(user: Result<User, WebError>) -> Response {
    match user {
        Ok(_) => Redirect::to("/tugas").into_response(),
        Err(_) => Redirect::to("/login").into_response(),
    }
}

/// The most tasks the inbox lists at once.
const INBOX_LIMIT: i64 = 100;

pub async fn inbox(State(state): State<AppState>, user: User) -> Result<Markup, WebError> {
    // Most urgent first: the most overdue on top, then by due time, untimed
    // last; a long backlog is cut to its most urgent part and counted.
    let tasks = state.store.open_tasks_after(user.agency_id(), user.person(), None, INBOX_LIMIT).await?;
    let total = if tasks.len() as i64 == INBOX_LIMIT {
        state.store.open_task_count(user.agency_id(), user.person()).await?
    } else {
        tasks.len() as i64
    };
    let now = now_ms();
    let mut sops = HashMap::new();
    for t in &tasks {
        let key = (t.sop_id.clone(), t.sop_version);
        if !sops.contains_key(&key) {
            sops.insert(
                key.clone(),
                state.store.sop(user.agency_id(), &t.sop_id, Some(t.sop_version)).await?,
            );
        }
    }
    let clock = user.clock();
    let table = |tasks: &[&OpenTask]| {
        html! {
            table {
                thead { tr {
                    th { (user.t(Msg::ColCase)) }
                    th { (user.t(Msg::ColService)) }
                    th { (user.t(Msg::ColStep)) }
                    th.hide-sm { (user.t(Msg::ColLane)) }
                    th { (user.t(Msg::ColDue)) }
                } }
                tbody {
                    @for t in tasks {
                        @let sop = &sops[&(t.sop_id.clone(), t.sop_version)];
                        @let overdue = t.due_at.is_some_and(|d| d < now);
                        tr class=[overdue.then_some("overdue-row")] {
                            td { a href={"/permohonan/" (t.case)} { (t.number) } }
                            td { (sop.identity.nama.value) }
                            td { (t.step) ". " (sop.step(t.step).map_or("", |s| user.lang.action(s.action))) }
                            td.hide-sm { (sop.lane(&t.lane).map_or(t.lane.as_str(), |l| l.name.as_str())) }
                            td {
                                (clock.maybe(t.due_at))
                                @if overdue { " " span.tag.bad.overdue { (user.t(Msg::Overdue)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let (mine, shared): (Vec<&OpenTask>, Vec<&OpenTask>) = tasks.iter().partition(|t| t.candidates <= 1);
    // Someone with nothing to do here has usually come to ask for something:
    // the services they may request, each a click away.
    let mut requestable = Vec::new();
    if tasks.is_empty() {
        for id in state.store.sop_ids(user.agency_id()).await? {
            let sop = state.store.sop(user.agency_id(), &id, None).await?;
            if sop.schedule.is_none() && super::services::may_submit(&state, &user, &sop).await? {
                requestable.push((sop.id.clone(), sop.identity.nama.value.clone()));
            }
        }
    }
    let reminder = super::monitoring::due_reminder(&state, &user).await?;
    // A failed provisioning run is an administrator's task too.
    let failed_runs = if user.account.is_admin {
        state.store.runs_needing_action(user.agency_id()).await?.len()
    } else {
        0
    };
    let body = html! {
        h1 { (user.t(Msg::InboxTitle)) }
        (reminder)
        @if failed_runs > 0 {
            p.flash.error #runs-failed-reminder role="status" {
                (user.t(Msg::RunsWaitingForYou)) ": " strong { (failed_runs) } " — "
                a href="/admin/konektor" { (user.t(Msg::ConnectorsTitle)) }
            }
        }
        div #tasks hx-get="/tugas" hx-trigger="every 60s" hx-select="#tasks" hx-swap="outerHTML" {
            @if tasks.is_empty() {
                div.card #inbox-empty {
                    @if requestable.is_empty() {
                        p { (user.t(Msg::InboxEmpty)) }
                    } @else {
                        p { (user.t(Msg::InboxEmptyMayRequest)) }
                        ul.requestable {
                            @for (id, name) in &requestable { li { a href={"/layanan/" (id)} { (name) } } }
                        }
                    }
                    p {
                        (user.t(Msg::InboxEmptyServices)) " "
                        a href="/layanan" { (user.t(Msg::NavServices)) } "; "
                        (user.t(Msg::InboxEmptyRequests)) " "
                        a href="/permohonan" { (user.t(Msg::MyRequestsTitle)) } "."
                    }
                }
            }
            @if total > tasks.len() as i64 {
                p.card { (user.t(Msg::InboxMore)) ": " strong { (total) } "." }
            }
            @if !mine.is_empty() {
                h2 { (user.t(Msg::InboxMine)) }
                (table(&mine))
            }
            @if !shared.is_empty() {
                h2 { (user.t(Msg::InboxShared)) }
                (table(&shared))
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::InboxTitle), "/tugas", body))
}

/// One row per case: how many notices it brought, how many are unread,
/// and the newest, so a case that moved ten steps is one line, not ten.
pub async fn notifications(State(state): State<AppState>, user: User) -> Result<Markup, WebError> {
    let groups = state.store.notification_groups(user.agency_id(), user.person(), 100).await?;
    let clock = user.clock();
    let body = html! {
        h1 { (user.t(Msg::NavNotifications)) }
        @if groups.is_empty() {
            p.card { (user.t(Msg::NoNotifications)) }
        } @else {
            @if user.unread > 0 {
                form method="post" action="/notifikasi/baca" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button.secondary type="submit" { (user.t(Msg::MarkRead)) }
                }
            }
            ul.card #notifications {
                @for g in &groups {
                    @let unread = g.unread > 0;
                    li class=[unread.then_some("unread")] data-case=(g.case) data-count=(g.count) {
                        a href={"/permohonan/" (g.case)} { (g.number.as_deref().unwrap_or(user.t(Msg::Open))) }
                        " · " (g.count) " " (user.t(Msg::NoticeCount))
                        @if unread { " (" (g.unread) " " (user.t(Msg::NoticeUnread)) ")" }
                        br;
                        @if unread { strong { (g.message) } } @else { (g.message) }
                        br; span.muted { (clock.datetime(g.at)) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::NavNotifications), "/notifikasi", body))
}

pub async fn mark_read(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<std::collections::BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    state.store.mark_notifications_read(user.agency_id(), user.person(), now_ms()).await?;
    Ok(Redirect::to("/notifikasi").into_response())
}

/// The unread counter alone, for the header to refresh itself.
pub async fn unread(user: User) -> Markup {
    layout::unread_badge(user.unread)
}
