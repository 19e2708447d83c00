//! Admin: the agency's people, the positions they hold from when to when
//! (acting officials included), its units, and its working calendar —
//! holidays can be added and removed, positions assigned — and the logins
//! held up by password guessing, which an administrator can unlock.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::calendar::{DatedSchedule, DayOff, DayOffKind, WeekSchedule, parse_hours};
use engine::organisation::{ActingKind, Holding};
use maud::{Markup, html};

use store::login_throttle::LockoutKind;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout, now_ms};

/// Records of held-up logins shown.
const LOCKOUTS_SHOWN: i64 = 50;

/// Form names and labels of the days of a schedule, Monday first.
const WEEKDAYS: [(&str, &str); 7] = [
    ("monday", "Senin"),
    ("tuesday", "Selasa"),
    ("wednesday", "Rabu"),
    ("thursday", "Kamis"),
    ("friday", "Jumat"),
    ("saturday", "Sabtu"),
    ("sunday", "Minggu"),
];

/// What an administrator's form just saved, named in the address it leads
/// back to (`/admin?ok=libur`) so the page can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    DayOff,
    DayOffRemoved,
    Holding,
    Schedule,
    Unlocked,
}

impl Saved {
    const ALL: [Saved; 5] =
        [Saved::DayOff, Saved::DayOffRemoved, Saved::Holding, Saved::Schedule, Saved::Unlocked];

    fn key(self) -> &'static str {
        match self {
            Saved::DayOff => "libur",
            Saved::DayOffRemoved => "libur-dihapus",
            Saved::Holding => "jabatan",
            Saved::Schedule => "jadwal",
            Saved::Unlocked => "dibuka",
        }
    }

    fn message(self) -> Msg {
        match self {
            Saved::DayOff => Msg::SavedDayOff,
            Saved::DayOffRemoved => Msg::SavedDayOffRemoved,
            Saved::Holding => Msg::SavedHolding,
            Saved::Schedule => Msg::SavedSchedule,
            Saved::Unlocked => Msg::SavedUnlocked,
        }
    }

    /// Back to the admin page, which says this was saved.
    fn back(self) -> Response {
        Redirect::to(&format!("/admin?ok={}", self.key())).into_response()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Notice {
    ok: Option<String>,
}

fn require_admin(user: &User) -> Result<(), WebError> {
    if user.account.is_admin { Ok(()) } else { Err(WebError::Forbidden) }
}

/// An administrator's form with this session's token.
fn admin_form(user: &User, form: &BTreeMap<String, String>) -> Result<(), WebError> {
    require_admin(user)?;
    user.check_csrf(form.get("csrf").map(String::as_str))
}

async fn render(
    state: &AppState,
    user: &User,
    errors: &[(&str, String)],
    status: StatusCode,
) -> Result<Response, WebError> {
    render_saying(state, user, errors, None, status).await
}

async fn render_saying(
    state: &AppState,
    user: &User,
    errors: &[(&str, String)],
    saved: Option<Saved>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let agency = user.agency_id();
    let org = state.store.organisation(agency).await?;
    let units = state.store.units(agency).await?;
    let calendar = state.store.calendar(agency).await?;
    let slowed = state.store.slowed_logins(agency, now_ms()).await?;
    let lockouts = state.store.login_lockouts(agency, LOCKOUTS_SHOWN).await?;
    let clock = user.clock();
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    let error = |name: &str| errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.clone());
    let upcoming: Vec<&DayOff> =
        calendar.days_off.values().filter(|d| d.date >= today.first_of_year()).collect();
    let body: Markup = html! {
        h1 { (user.t(Msg::AdminTitle)) }
        p { a href="/admin/surat" { (user.t(Msg::LetterSettings)) } " · " a href="/admin/sop" { (user.t(Msg::SopPublishing)) } }
        @if !errors.is_empty() { p.flash.error role="alert" { (user.t(Msg::FixErrors)) } }
        @if let Some(saved) = saved { p.flash.info role="status" { (user.t(saved.message())) } }
        h2 { (user.t(Msg::People)) }
        table {
            thead { tr { th { (user.t(Msg::Name)) } th.hide-sm { "NIP" } th { (user.t(Msg::Unit)) } th { (user.t(Msg::PositionsToday)) } } }
            tbody {
                @for p in &org.people {
                    tr {
                        td { (p.name) }
                        td.hide-sm { (p.nip.as_deref().unwrap_or("-")) }
                        td { (units.iter().find(|u| u.id == p.unit).map_or(p.unit.as_str(), |u| u.name.as_str())) }
                        td {
                            @for h in org.positions_of(&p.id, today) {
                                (h.position)
                                @if let Some((kind, holder)) = &h.acting { " (" (kind.label()) " " (holder.as_deref().map(|x| org.name(x)).unwrap_or_default()) ")" }
                                " "
                            }
                        }
                    }
                }
            }
        }
        h2 { (user.t(Msg::Holdings)) }
        table {
            thead { tr { th { (user.t(Msg::Name)) } th { (user.t(Msg::Position)) } th { (user.t(Msg::From)) } th { (user.t(Msg::Until)) } } }
            tbody {
                @for h in &org.holdings {
                    tr {
                        td { (org.name(&h.person)) @if let Some((kind, _)) = &h.acting { " (" (kind.label()) ")" } }
                        td { (h.position) }
                        td { (h.from) }
                        td { (h.until.map_or("-".to_string(), |d| d.to_string())) }
                    }
                }
            }
        }
        form.card method="post" action="/admin/jabatan" {
            h2 { (user.t(Msg::AssignPosition)) }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="h-person" { (user.t(Msg::Name)) }
            select #h-person name="person" { @for p in &org.people { option value=(p.id) { (p.name) } } }
            label for="h-position" { (user.t(Msg::Position)) }
            input #h-position type="text" name="position" placeholder="kabid-aptika";
            @if let Some(e) = error("position") { p.field-error { (e) } }
            label for="h-from" { (user.t(Msg::From)) }
            input #h-from type="date" name="from";
            @if let Some(e) = error("from") { p.field-error { (e) } }
            label for="h-until" { (user.t(Msg::Until)) " " span.muted { (user.t(Msg::Optional)) } }
            input #h-until type="date" name="until";
            @if let Some(e) = error("until") { p.field-error { (e) } }
            label for="h-acting" { (user.t(Msg::Acting)) }
            select #h-acting name="acting" { option value="" { "—" } option value="plt" { "Plt." } option value="plh" { "Plh." } }
            label for="h-for" { (user.t(Msg::ActingFor)) " " span.muted { (user.t(Msg::Optional)) } }
            select #h-for name="acting_for" { option value="" { "—" } @for p in &org.people { option value=(p.id) { (p.name) } } }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
        section #penguncian {
            h2 { (user.t(Msg::LoginLockouts)) }
            p.help { (user.t(Msg::LoginLockoutsHelp)) }
            @if slowed.is_empty() {
                p.muted { (user.t(Msg::NothingYet)) }
            } @else {
                table #held-logins {
                    thead { tr { th { (user.t(Msg::Username)) } th { (user.t(Msg::Address)) } th { (user.t(Msg::Failures)) } th { (user.t(Msg::HeldUntil)) } th {} } }
                    tbody {
                        @for held in &slowed {
                            tr {
                                td { (held.username) }
                                td { (held.address.as_deref().unwrap_or(user.t(Msg::AllNewAddresses))) }
                                td { (held.failures) }
                                td { (clock.datetime(held.until)) }
                                td {
                                    form method="post" action="/admin/login/buka" {
                                        input type="hidden" name="csrf" value=(user.csrf);
                                        input type="hidden" name="username" value=(held.username);
                                        button.secondary type="submit" { (user.t(Msg::Unlock)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (user.t(Msg::LockoutHistory)) }
            @if lockouts.is_empty() {
                p.muted { (user.t(Msg::NothingYet)) }
            } @else {
                table #lockout-history {
                    thead { tr { th { (user.t(Msg::When)) } th { (user.t(Msg::Username)) } th { (user.t(Msg::Kind)) } th { (user.t(Msg::Address)) } th { (user.t(Msg::Failures)) } th { (user.t(Msg::HeldUntil)) } } }
                    tbody {
                        @for l in &lockouts {
                            tr {
                                td { (clock.datetime(l.at)) }
                                td { (l.username) }
                                td {
                                    @match l.kind {
                                        LockoutKind::Address => (user.t(Msg::LockoutAddress)),
                                        LockoutKind::Account => (user.t(Msg::LockoutAccount)),
                                        LockoutKind::Unlocked => {
                                            (user.t(Msg::LockoutUnlocked)) " " (user.t(Msg::By).to_lowercase()) " "
                                            (l.by_person.as_deref().map(|p| org.name(p)).unwrap_or_default())
                                        },
                                    }
                                }
                                td { (l.address.as_deref().unwrap_or("-")) }
                                td { (l.failures) }
                                td { (clock.maybe(l.slowed_until)) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (user.t(Msg::Units)) }
        ul { @for u in &units { li { (u.name) " (" (u.kind) ")" } } }
        h2 { (user.t(Msg::DaysOff)) }
        table {
            thead { tr { th { (user.t(Msg::Date)) } th { (user.t(Msg::Name)) } th.hide-sm { (user.t(Msg::Source)) } th {} } }
            tbody {
                @for d in &upcoming {
                    tr {
                        td { (d.date) }
                        td { (d.name) @if d.kind == DayOffKind::CutiBersama { " " span.tag.muted { "cuti bersama" } } }
                        td.hide-sm.muted { (d.source) }
                        td {
                            form method="post" action="/admin/libur/hapus" {
                                input type="hidden" name="csrf" value=(user.csrf);
                                input type="hidden" name="date" value=(d.date.to_string());
                                button.secondary type="submit" { (user.t(Msg::Remove)) }
                            }
                        }
                    }
                }
            }
        }
        form.card method="post" action="/admin/libur" {
            h2 { (user.t(Msg::AddDayOff)) }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="d-date" { (user.t(Msg::Date)) }
            input #d-date type="date" name="date";
            @if let Some(e) = error("date") { p.field-error { (e) } }
            label for="d-name" { (user.t(Msg::Name)) }
            input #d-name type="text" name="name" maxlength="200";
            @if let Some(e) = error("name") { p.field-error { (e) } }
            label for="d-kind" { (user.t(Msg::Kind)) }
            select #d-kind name="kind" { option value="libur" { "libur" } option value="cuti-bersama" { "cuti bersama" } }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
        h2 { (user.t(Msg::WorkingHours)) }
        p { (user.t(Msg::DefaultHours)) }
        ul { @for s in &calendar.schedules { li { (s.name) ": " (s.from) " – " (s.until) } } }
        form.card method="post" action="/admin/jadwal" {
            h2 { (user.t(Msg::AddSchedule)) }
            input type="hidden" name="csrf" value=(user.csrf);
            label for="s-name" { (user.t(Msg::Name)) }
            input #s-name type="text" name="name" maxlength="200";
            @if let Some(e) = error("name") { p.field-error { (e) } }
            label for="s-from" { (user.t(Msg::From)) }
            input #s-from type="date" name="from";
            @if let Some(e) = error("from") { p.field-error { (e) } }
            label for="s-until" { (user.t(Msg::Until)) }
            input #s-until type="date" name="until";
            @if let Some(e) = error("until") { p.field-error { (e) } }
            p.help { (user.t(Msg::ScheduleHelp)) }
            @for (day, label) in WEEKDAYS {
                label for={"s-" (day)} { (label) }
                input id={"s-" (day)} type="text" name=(day) placeholder="08:00-12:00, 12:30-15:00";
                @if let Some(e) = error(day) { p.field-error { (e) } }
            }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    Ok((status, layout::page(user, user.t(Msg::AdminTitle), "/admin", body)).into_response())
}

pub async fn overview(
    State(state): State<AppState>,
    user: User,
    Query(notice): Query<Notice>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let saved = notice.ok.and_then(|key| Saved::ALL.into_iter().find(|s| s.key() == key));
    render_saying(&state, &user, &[], saved, StatusCode::OK).await
}

fn date(value: Option<&String>) -> Option<jiff::civil::Date> {
    value.and_then(|v| v.trim().parse().ok())
}

pub async fn add_day_off(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let mut errors = Vec::new();
    let day = date(form.get("date"));
    if day.is_none() {
        errors.push(("date", user.t(Msg::BadDate).to_string()));
    }
    let name = form.get("name").map(|n| n.trim().to_string()).unwrap_or_default();
    if name.is_empty() {
        errors.push(("name", user.t(Msg::Required).to_string()));
    }
    let kind = if form.get("kind").map(String::as_str) == Some("cuti-bersama") {
        DayOffKind::CutiBersama
    } else {
        DayOffKind::Libur
    };
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        return render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let source = format!("{} {}", user.t(Msg::AddedBy), user.name);
    state
        .store
        .put_day_off(user.agency_id(), &DayOff { date: day, name, kind, source }, Some(user.person()))
        .await?;
    Ok(Saved::DayOff.back())
}

pub async fn remove_day_off(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let Some(day) = date(form.get("date")) else {
        return render(
            &state,
            &user,
            &[("date", user.t(Msg::BadDate).to_string())],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    state.store.remove_day_off(user.agency_id(), day, Some(user.person())).await?;
    Ok(Saved::DayOffRemoved.back())
}

pub async fn add_holding(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let org = state.store.organisation(user.agency_id()).await?;
    let mut errors = Vec::new();
    let person = form.get("person").cloned().unwrap_or_default();
    if org.person(&person).is_none() {
        return Err(WebError::Forbidden);
    }
    let position = form.get("position").map(|p| p.trim().to_string()).unwrap_or_default();
    let slug = !position.is_empty()
        && position.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug {
        errors.push(("position", user.t(Msg::BadPosition).to_string()));
    }
    let from = date(form.get("from"));
    if from.is_none() {
        errors.push(("from", user.t(Msg::BadDate).to_string()));
    }
    let until_text = form.get("until").map(|u| u.trim()).unwrap_or("");
    let until = date(form.get("until"));
    if !until_text.is_empty() && until.is_none() {
        errors.push(("until", user.t(Msg::BadDate).to_string()));
    }
    if let (Some(f), Some(u)) = (from, until) {
        if u < f {
            errors.push(("until", user.t(Msg::UntilBeforeFrom).to_string()));
        }
    }
    let acting_for = form.get("acting_for").filter(|p| !p.is_empty()).cloned();
    if acting_for.as_ref().is_some_and(|p| org.person(p).is_none()) {
        return Err(WebError::Forbidden);
    }
    let acting = match form.get("acting").map(String::as_str) {
        Some("plt") => Some((ActingKind::Plt, acting_for)),
        Some("plh") => Some((ActingKind::Plh, acting_for)),
        _ => None,
    };
    let Some(from) = from.filter(|_| errors.is_empty()) else {
        return render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    state
        .store
        .add_holding(
            user.agency_id(),
            &Holding { person, position, from, until, acting },
            Some(user.person()),
        )
        .await?;
    Ok(Saved::Holding.back())
}

pub async fn add_schedule(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let mut errors = Vec::new();
    let name = form.get("name").map(|n| n.trim().to_string()).unwrap_or_default();
    if name.is_empty() {
        errors.push(("name", user.t(Msg::Required).to_string()));
    }
    let from = date(form.get("from"));
    if from.is_none() {
        errors.push(("from", user.t(Msg::BadDate).to_string()));
    }
    let until = date(form.get("until"));
    if until.is_none() {
        errors.push(("until", user.t(Msg::BadDate).to_string()));
    } else if let (Some(f), Some(u)) = (from, until) {
        if u < f {
            errors.push(("until", user.t(Msg::UntilBeforeFrom).to_string()));
        }
    }
    let mut week = WeekSchedule { days: Default::default() };
    for (i, (day, _)) in WEEKDAYS.iter().enumerate() {
        match parse_hours(form.get(*day).map_or("", String::as_str)) {
            Ok(hours) => week.days[i] = hours,
            Err(_) => errors.push((day, user.t(Msg::BadHours).to_string())),
        }
    }
    let (Some(from), Some(until)) = (from, until) else {
        return render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !errors.is_empty() {
        return render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let source = format!("{} {}", user.t(Msg::AddedBy), user.name);
    state
        .store
        .add_schedule(
            user.agency_id(),
            &DatedSchedule { name, from, until, week, source },
            Some(user.person()),
        )
        .await?;
    Ok(Saved::Schedule.back())
}

/// Lifts every wait on one of the agency's logins.
pub async fn unlock_login(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let username = form.get("username").map(|u| u.trim()).unwrap_or_default();
    state.store.unlock_login(user.agency_id(), username, user.person(), now_ms()).await?;
    Ok(Saved::Unlocked.back())
}
