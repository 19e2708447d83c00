//! Admin: the agency's working calendar — holidays added and removed,
//! special schedules — and the logins held up by password guessing, which
//! an administrator can unlock; links to the agency's profile, its
//! organisation (units, positions, people, who holds what: see
//! `organisation`) and its letter settings.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use engine::calendar::{DatedSchedule, DayOff, DayOffKind, WeekSchedule, parse_hours};
use maud::{Markup, html};

use store::login_throttle::LockoutKind;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{admin_form, require_admin};
use crate::{AppState, layout, now_ms};

/// Records of held-up logins shown.
const LOCKOUTS_SHOWN: i64 = 50;

/// Form names and labels of the days of a schedule, Monday first.
pub(crate) const WEEKDAYS: [(&str, &str); 7] = [
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
    Schedule,
    Unlocked,
}

impl Saved {
    const ALL: [Saved; 4] = [Saved::DayOff, Saved::DayOffRemoved, Saved::Schedule, Saved::Unlocked];

    fn key(self) -> &'static str {
        match self {
            Saved::DayOff => "libur",
            Saved::DayOffRemoved => "libur-dihapus",
            Saved::Schedule => "jadwal",
            Saved::Unlocked => "dibuka",
        }
    }

    fn message(self) -> Msg {
        match self {
            Saved::DayOff => Msg::SavedDayOff,
            Saved::DayOffRemoved => Msg::SavedDayOffRemoved,
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
    let calendar = state.store.calendar(agency).await?;
    let slowed = state.store.slowed_logins(agency, now_ms()).await?;
    let lockouts = state.store.login_lockouts(agency, LOCKOUTS_SHOWN).await?;
    let clock = user.clock();
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    let error = |name: &str| errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.clone());
    let upcoming: Vec<&DayOff> =
        calendar.days_off.values().filter(|d| d.date >= today.first_of_year()).collect();
    let signups = state.store.pending_registrations(agency, now_ms()).await?.len();
    let failed_runs = state.store.runs_needing_action(agency).await?.len();
    let body: Markup = html! {
        h1 { (user.t(Msg::AdminTitle)) }
        p {
            a href={"/instansi/" (agency) "/organisasi"} { (user.t(Msg::OrganisationTitle)) } " · "
            a href={"/instansi/" (agency) "/profil"} { (user.t(Msg::AgencyProfile)) } " · "
            a href="/admin/surat" { (user.t(Msg::LetterSettings)) } " · "
            a href="/admin/pesan" { (user.t(Msg::GatewaySettings)) } " · "
            a href="/admin/konektor" {
                (user.t(Msg::ConnectorsTitle))
                @if failed_runs > 0 { " " span.tag.bad #runs-failed { (failed_runs) " " (user.t(Msg::RunFailed)) } }
            } " · "
            a href="/admin/webhook" { (user.t(Msg::WebhooksTitle)) } " · "
            a href="/admin/sop" { (user.t(Msg::SopPublishing)) } " · "
            a href="/admin/masuk" { (user.t(Msg::SignInSettings)) } " · "
            a href="/admin/pendaftaran" {
                (user.t(Msg::SignUpsTitle))
                @if signups > 0 { " " span.tag.count #signups-waiting { (signups) } }
            }
        }
        @if !errors.is_empty() { p.flash.error role="alert" { (user.t(Msg::FixErrors)) } }
        @if let Some(saved) = saved { p.flash.info role="status" { (user.t(saved.message())) } }
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
            select #d-kind name="kind" { @for kind in DayOffKind::ALL { option value=(kind.key()) { (kind.key().replace('-', " ")) } } }
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

/// The refusals of a calendar form: (field, message).
pub(crate) type Refusals = Vec<(&'static str, String)>;

/// A day off as `user` entered it (fields `date`, `name`, `kind`), or why not.
pub(crate) fn day_off_from(user: &User, form: &BTreeMap<String, String>) -> Result<DayOff, Refusals> {
    let mut errors = Vec::new();
    let day = date(form.get("date"));
    if day.is_none() {
        errors.push(("date", user.t(Msg::BadDate).to_string()));
    }
    let name = form.get("name").map(|n| n.trim().to_string()).unwrap_or_default();
    if name.is_empty() {
        errors.push(("name", user.t(Msg::Required).to_string()));
    }
    let kind = match form.get("kind").map(|k| k.trim()).filter(|k| !k.is_empty()) {
        None => DayOffKind::Libur,
        Some(given) => DayOffKind::parse(given).unwrap_or_else(|| {
            let known: Vec<&str> = DayOffKind::ALL.map(DayOffKind::key).to_vec();
            errors.push(("kind", format!("\"{given}\": pilih {}", known.join(" atau "))));
            DayOffKind::Libur
        }),
    };
    let Some(date) = day.filter(|_| errors.is_empty()) else { return Err(errors) };
    let source = format!("{} {}", user.t(Msg::AddedBy), user.name);
    Ok(DayOff { date, name, kind, source })
}

/// A dated working-hours schedule as `user` entered it (fields `name`,
/// `from`, `until` and one per weekday, `monday` … `sunday`), or why not.
pub(crate) fn schedule_from(user: &User, form: &BTreeMap<String, String>) -> Result<DatedSchedule, Refusals> {
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
    match (from, until) {
        (Some(from), Some(until)) if errors.is_empty() => {
            let source = format!("{} {}", user.t(Msg::AddedBy), user.name);
            Ok(DatedSchedule { name, from, until, week, source })
        }
        _ => Err(errors),
    }
}

/// The date a removal names (field `date`), or why not.
pub(crate) fn removed_day(
    user: &User,
    form: &BTreeMap<String, String>,
) -> Result<jiff::civil::Date, Refusals> {
    date(form.get("date")).ok_or_else(|| vec![("date", user.t(Msg::BadDate).to_string())])
}

pub async fn add_day_off(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    match day_off_from(&user, &form) {
        Ok(day) => {
            state.store.put_day_off(user.agency_id(), &day, Some(user.person())).await?;
            Ok(Saved::DayOff.back())
        }
        Err(errors) => render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

pub async fn remove_day_off(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    match removed_day(&user, &form) {
        Ok(day) => {
            state.store.remove_day_off(user.agency_id(), day, Some(user.person())).await?;
            Ok(Saved::DayOffRemoved.back())
        }
        Err(errors) => render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

pub async fn add_schedule(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    match schedule_from(&user, &form) {
        Ok(schedule) => {
            state.store.add_schedule(user.agency_id(), &schedule, Some(user.person())).await?;
            Ok(Saved::Schedule.back())
        }
        Err(errors) => render(&state, &user, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
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
