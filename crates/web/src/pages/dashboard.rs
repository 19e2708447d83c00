//! Dasbor: what a head (Kepala Dinas, Sekretaris, Kabid — whoever reads
//! reports) sees first — cases per month per service, each service's
//! on-time share, the slowest steps, the open cases by age and the
//! satisfaction index per service, each chart drawn on the server with its
//! CSV — and the list of every case of the agency, searchable and filtered
//! (/permohonan/semua), so nothing in flight is out of sight; a case
//! opens from the list for those who may open it anyway.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use engine::CaseStatus;
use engine::satisfaction::Index;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use store::dashboard::{AGE_DAYS, Dashboard};
use store::{CaseFilter, CaseSummary};

use super::reports::csv;
use crate::auth::User;
use crate::display::{hundredths, minutes};
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::{AppState, layout, now_ms};

use super::cases::PAGE;

fn may_watch(user: &User) -> Result<(), WebError> {
    if user.may_report { Ok(()) } else { Err(WebError::Forbidden) }
}

/// Horizontal bars of `rows` (label, value) scaled to the largest, each
/// with its value written by `shown`.
fn bars(rows: &[(String, f64)], shown: impl Fn(f64) -> String, colour: &str) -> String {
    const GLYPH: f64 = 7.0;
    let label_w =
        (rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0) as f64 * GLYPH + 12.0).max(90.0);
    let (bar_w, row_h) = (320.0, 22.0);
    let max = rows.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let (width, height) = (label_w + bar_w + 70.0, rows.len() as f64 * row_h + 10.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Arial, sans-serif\" font-size=\"12\">"
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = bar_w * value / max;
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            html! { (label) }.into_string(),
            row_h - 6.0,
            label_w + w + 4.0,
            y + 14.0,
            shown(*value)
        ));
    }
    svg.push_str("</svg>");
    svg
}

struct Loaded {
    dashboard: Dashboard,
    names: BTreeMap<String, String>,
    /// Per service the index of this year's answers, if any.
    ikm: Vec<(String, i64, Option<Index>)>,
}

async fn load(state: &AppState, user: &User) -> Result<Loaded, WebError> {
    may_watch(user)?;
    let agency = user.agency_id();
    let now = now_ms();
    let dashboard = state.store.dashboard(agency, now).await?;
    let names = state.store.sop_names(agency).await?;
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    let (from, until) = super::reports::instants(user, today.first_of_year(), today)?;
    let found = state.store.satisfaction(agency, from, until).await?;
    let ikm = super::satisfaction::by_service(&found).into_iter().filter(|(_, n, _)| *n > 0).collect();
    Ok(Loaded { dashboard, names, ikm })
}

/// "Nov 2026" (the first three letters read the same in both languages
/// for all but four months, which stay recognisable).
fn month_label((year, month): (i16, i8)) -> String {
    let short: String = sop::date::MONTHS[month as usize - 1].chars().take(3).collect();
    format!("{short} {year}")
}

fn age_labels(user: &User) -> Vec<String> {
    let mut labels = Vec::new();
    let mut lower = 0;
    for upper in AGE_DAYS {
        labels.push(format!("{lower}–{upper} {}", user.t(Msg::DashDays)));
        lower = upper;
    }
    labels.push(format!("> {lower} {}", user.t(Msg::DashDays)));
    labels
}

pub async fn page(State(state): State<AppState>, user: User) -> Result<Markup, WebError> {
    let Loaded { dashboard: d, names, ikm } = load(&state, &user).await?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let totals: Vec<(String, f64)> = d
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| (month_label(*m), d.per_month.values().map(|v| v[i]).sum::<i64>() as f64))
        .collect();
    let on_time: Vec<(String, f64)> =
        d.on_time.keys().filter_map(|sop| Some((name(sop), d.on_time_percent(sop)?))).collect();
    let ages: Vec<(String, f64)> =
        age_labels(&user).into_iter().zip(d.open_by_age.iter().map(|n| *n as f64)).collect();
    let open: i64 = d.open_by_age.iter().sum();
    let lang = user.lang;
    let reminder = super::monitoring::due_reminder(&state, &user).await?;
    let body = html! {
        h1 { (user.t(Msg::DashTitle)) }
        (reminder)
        p.muted { (user.t(Msg::DashHelp)) }
        p { a.button.primary href="/permohonan/semua?status=open" { (user.t(Msg::DashAllOpen)) " (" (open) ")" } " "
            a href="/laporan" { (user.t(Msg::NavReports)) } }
        section.card #per-bulan {
            h2 { (user.t(Msg::DashPerMonth)) }
            p { a href="/dasbor/bulan.csv" { (user.t(Msg::DownloadCsv)) } }
            div.doc { (PreEscaped(bars(&totals, |v| format!("{v:.0}"), "#1f5f99"))) }
            table.per-month {
                thead { tr { th { (user.t(Msg::ColService)) } @for m in &d.months { th.hide-sm { (month_label(*m)) } } th { (user.t(Msg::DashTotal)) } } }
                tbody { @for (sop, counts) in &d.per_month {
                    tr data-sop=(sop) { td { (name(sop)) } @for n in counts { td.hide-sm { (n) } } td { (counts.iter().sum::<i64>()) } }
                } }
            }
        }
        section.card #tepat-waktu {
            h2 { (user.t(Msg::DashOnTime)) }
            p { a href="/dasbor/tepat-waktu.csv" { (user.t(Msg::DownloadCsv)) } }
            @if on_time.is_empty() { p.empty { (user.t(Msg::DashNothing)) } }
            @else { div.doc { (PreEscaped(bars(&on_time, |v| format!("{v:.1}%"), "#1e7b34"))) } }
        }
        section.card #terlambat {
            h2 { (user.t(Msg::DashSlowest)) }
            p { a href="/dasbor/terlambat.csv" { (user.t(Msg::DownloadCsv)) } }
            @if d.slowest.is_empty() { p.empty { (user.t(Msg::DashNoneLate)) } }
            @else {
                table {
                    thead { tr { th { (user.t(Msg::ColService)) } th { (user.t(Msg::ColStep)) } th { (user.t(Msg::Done)) } th { (user.t(Msg::Median)) } th { "P90" } th { (user.t(Msg::Breaches)) } } }
                    tbody { @for ((sop, step), f) in &d.slowest {
                        tr { td { (name(sop)) } td { (step) } td { (f.done) }
                             td { (f.median.map_or("-".into(), |m| minutes(m, lang))) } td { (f.p90.map_or("-".into(), |m| minutes(m, lang))) }
                             td.overdue { (f.breaches) " (" (format!("{:.1}", f.breach_percent())) "%)" } }
                    } }
                }
            }
        }
        section.card #umur {
            h2 { (user.t(Msg::DashByAge)) }
            p { a href="/dasbor/umur.csv" { (user.t(Msg::DownloadCsv)) } }
            div.doc { (PreEscaped(bars(&ages, |v| format!("{v:.0}"), "#b3261e"))) }
        }
        section.card #ikm {
            h2 { (user.t(Msg::IkmTitle)) }
            p { a href="/dasbor/ikm.csv" { (user.t(Msg::DownloadCsv)) } " · " a href="/laporan/ikm" { (user.t(Msg::IkmLink)) } }
            @if ikm.is_empty() { p.empty { (user.t(Msg::IkmNothing)) } }
            @else {
                table { thead { tr { th { (user.t(Msg::ColService)) } th { (user.t(Msg::IkmRespondents)) } th { "IKM" } th { (user.t(Msg::IkmGrade)) } } }
                    tbody { @for (sop, n, index) in &ikm {
                        tr { td { (name(sop)) } td { (n) }
                             td { (index.as_ref().map_or("-".into(), |i| hundredths(i.hundredths, lang))) }
                             td { (index.as_ref().map_or("-".into(), |i| format!("{} · {}", i.grade.letter(), i.grade.performance()))) } }
                    } } }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::DashTitle), "/dasbor", body))
}

/// A chart's figures as CSV: `bulan`, `tepat-waktu`, `terlambat`, `umur`, `ikm`.
pub async fn part_csv(
    State(state): State<AppState>,
    user: User,
    Path(part): Path<String>,
) -> Result<Response, WebError> {
    let Loaded { dashboard: d, ikm, .. } = load(&state, &user).await?;
    let line = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let mut rows = Vec::new();
    match part.trim_end_matches(".csv") {
        "bulan" => {
            rows.push(line(&["sop", "tahun", "bulan", "permohonan"]));
            for (sop, counts) in &d.per_month {
                for ((year, month), n) in d.months.iter().zip(counts) {
                    rows.push(vec![sop.clone(), year.to_string(), month.to_string(), n.to_string()]);
                }
            }
        }
        "tepat-waktu" => {
            rows.push(line(&["sop", "langkah_selesai", "terlambat", "persen_tepat_waktu"]));
            for (sop, (done, late)) in &d.on_time {
                let percent = d.on_time_percent(sop).map_or(String::new(), |p| format!("{p:.1}"));
                rows.push(vec![sop.clone(), done.to_string(), late.to_string(), percent]);
            }
        }
        "terlambat" => {
            rows.push(line(&[
                "sop",
                "langkah",
                "selesai",
                "median_menit_kerja",
                "p90_menit_kerja",
                "terlambat",
                "persen_terlambat",
            ]));
            for ((sop, step), f) in &d.slowest {
                let opt = |m: Option<i64>| m.map_or(String::new(), |m| m.to_string());
                rows.push(vec![
                    sop.clone(),
                    step.to_string(),
                    f.done.to_string(),
                    opt(f.median),
                    opt(f.p90),
                    f.breaches.to_string(),
                    format!("{:.1}", f.breach_percent()),
                ]);
            }
        }
        "umur" => {
            rows.push(line(&["umur_hari", "permohonan_berjalan"]));
            for (label, n) in age_labels(&user).into_iter().zip(d.open_by_age) {
                rows.push(vec![label, n.to_string()]);
            }
        }
        "ikm" => {
            rows.push(line(&["sop", "responden", "ikm", "mutu"]));
            for (sop, n, index) in &ikm {
                let (value, grade) = index.as_ref().map_or((String::new(), String::new()), |i| {
                    (hundredths(i.hundredths, Lang::En), i.grade.letter().to_string())
                });
                rows.push(vec![sop.clone(), n.to_string(), value, grade]);
            }
        }
        _ => return Err(WebError::NotFound),
    }
    Ok(csv(&format!("dasbor-{part}"), rows))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    layanan: Option<String>,
    /// The last case of the previous page: `opened_at.id`.
    setelah: Option<String>,
}

pub async fn all_cases(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    may_watch(&user)?;
    let agency = user.agency_id();
    let given =
        |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let (text, status_key, service) = (given(&q.q), given(&q.status), given(&q.layanan));
    let status = match status_key.as_deref() {
        None => None,
        Some(key) => Some(
            CaseStatus::from_key(key)
                .ok_or_else(|| WebError::BadRequest(format!("{}: \"{key}\"", user.t(Msg::DashBadStatus))))?,
        ),
    };
    let after = super::cases::page_after(&user, q.setelah.as_deref())?;
    let filter = CaseFilter { status, sop: service.as_deref(), text: text.as_deref() };
    let cases: Vec<CaseSummary> = state
        .store
        .cases_filtered(agency, &filter, after.as_ref().map(|(at, id)| (*at, id.as_str())), PAGE + 1)
        .await?;
    let more = cases.len() as i64 > PAGE;
    let cases = &cases[..cases.len().min(PAGE as usize)];
    let org = state.store.organisation(agency).await?;
    let names = state.store.sop_names(agency).await?;
    // Reading reports shows every case in this list; opening one stays for
    // those who may (its requester, those it was assigned to, administrators).
    let mut may_open = std::collections::HashSet::new();
    for c in cases {
        if state.store.may_see_case(agency, &c.id, user.person(), user.account.is_admin).await? {
            may_open.insert(c.id.as_str());
        }
    }
    let clock = user.clock();
    let now = now_ms();
    // The next page keeps the filters.
    let mut filtered = "/permohonan/semua?".to_string();
    for (k, v) in [("q", &text), ("status", &status_key), ("layanan", &service)] {
        if let Some(v) = v {
            filtered.push_str(&format!("{k}={}&", super::registries::urlencode(v)));
        }
    }
    let body = html! {
        h1 { (user.t(Msg::DashAllTitle)) }
        form.card.filters method="get" action="/permohonan/semua" {
            label for="q" { (user.t(Msg::DashSearch)) }
            input #q type="search" name="q" value=(text.clone().unwrap_or_default());
            label for="status" { (user.t(Msg::DashStatus)) }
            select #status name="status" {
                option value="" selected[status.is_none()] { (user.t(Msg::DashAny)) }
                @for s in CaseStatus::ALL { option value=(s.key()) selected[status == Some(s)] { (s.label()) } }
            }
            label for="layanan" { (user.t(Msg::ColService)) }
            select #layanan name="layanan" {
                option value="" selected[service.is_none()] { (user.t(Msg::DashAny)) }
                @for (id, n) in &names { option value=(id) selected[service.as_deref() == Some(id.as_str())] { (n) } }
            }
            button.primary type="submit" { (user.t(Msg::Show)) }
        }
        @if cases.is_empty() { p.empty { (user.t(Msg::DashNoCases)) } }
        @else {
            table.all-cases {
                thead { tr { th { (user.t(Msg::ColCase)) } th { (user.t(Msg::ColService)) } th.hide-sm { (user.t(Msg::Requester)) } th { (user.t(Msg::ColOpened)) } th { (user.t(Msg::DashAge)) } th { (user.t(Msg::DashStatus)) } } }
                tbody { @for c in cases {
                    @let days = (c.closed_at.unwrap_or(now) - c.opened_at) / (24 * 60 * 60 * 1000);
                    tr data-case=(c.id) {
                        td {
                            @if may_open.contains(c.id.as_str()) { a href={"/permohonan/" (c.id)} { (c.number) } }
                            @else { span title=(user.t(Msg::DashNotYours)) { (c.number) } }
                        }
                        td { (names.get(&c.sop_id).map_or(c.sop_id.as_str(), String::as_str)) }
                        td.hide-sm { (org.name(&c.requester)) }
                        td { (clock.datetime(c.opened_at)) }
                        td class=[(c.status == CaseStatus::Open && days >= AGE_DAYS[2]).then_some("overdue")] { (days) " " (user.t(Msg::DashDays)) }
                        td { (c.status.label()) }
                    }
                } }
            }
        }
        (super::cases::page_links(&user, &filtered, after.is_some(), cases.last().filter(|_| more)))
    };
    Ok(layout::page(&user, user.t(Msg::DashAllTitle), "/dasbor", body))
}
