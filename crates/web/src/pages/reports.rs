//! Laporan: the accountability report for heads (and administrators) —
//! per SOP, step, lane and person, against the standard times — with a
//! server-drawn SVG chart of breach shares and CSV downloads.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use store::report::{Figures, Report};

use crate::auth::User;
use crate::display::minutes;
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::{AppState, layout};

#[derive(Deserialize)]
pub struct Period {
    pub(crate) dari: Option<String>,
    pub(crate) sampai: Option<String>,
    pub(crate) format: Option<String>,
}

/// The period asked for (inclusive dates): by default from `start` of
/// today (its month, its year) to today.
pub(crate) fn period(user: &User, p: &Period, start: fn(Date) -> Date) -> Result<(Date, Date), WebError> {
    let today = jiff::Timestamp::now().to_zoned(user.clock().zone).date();
    let parse =
        |v: &Option<String>, default: Date| match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => {
                v.parse::<Date>().map_err(|_| WebError::BadRequest(format!("{}: {v}", user.t(Msg::BadDate))))
            }
        };
    let from = parse(&p.dari, start(today))?;
    let until = parse(&p.sampai, today)?;
    if until < from {
        return Err(WebError::BadRequest(user.t(Msg::UntilBeforeFrom).to_string()));
    }
    Ok((from, until))
}

/// The instants `[from, until + 1 day)` of a period of local dates; a date
/// at the calendar's very end is refused as not valid.
pub(crate) fn instants(user: &User, from: Date, until: Date) -> Result<(i64, i64), WebError> {
    let zone = user.clock().zone;
    let bad = |d: Date| WebError::BadRequest(format!("{}: {d}", user.t(Msg::BadDate)));
    let ms = |d: Date| d.to_zoned(zone.clone()).map(|z| z.timestamp().as_millisecond()).map_err(|_| bad(d));
    let end = until.tomorrow().map_err(|_| bad(until))?;
    Ok((ms(from)?, ms(end)?))
}

pub(crate) async fn load(
    state: &AppState,
    user: &User,
    p: &Period,
) -> Result<(Date, Date, Report, BTreeMap<String, Arc<sop::Sop>>), WebError> {
    if !user.may_report {
        return Err(WebError::Forbidden);
    }
    let (from, until) = period(user, p, Date::first_of_month)?;
    let (start, end) = instants(user, from, until)?;
    let report = state.store.report(user.agency_id(), start, end).await?;
    let mut sops = BTreeMap::new();
    for id in state.store.sop_ids(user.agency_id()).await? {
        sops.insert(id.clone(), state.store.sop(user.agency_id(), &id, None).await?);
    }
    Ok((from, until, report, sops))
}

fn maybe_minutes(m: Option<i64>, lang: Lang) -> String {
    m.map_or("-".into(), |m| minutes(m, lang))
}

/// Room for the longest of `labels` before the bars, at 12 px Arial:
/// SOP names are long and a fixed width cut their beginnings off.
fn label_width<'a>(labels: impl Iterator<Item = &'a str>) -> f64 {
    // Wider than Arial's average glyph (~6.2 px at 12 px), so capitals fit.
    const GLYPH: f64 = 7.0;
    let longest = labels.map(|l| l.chars().count()).max().unwrap_or(0);
    (longest as f64 * GLYPH + 12.0).max(120.0)
}

/// Horizontal bars of the breach share of each timed step.
fn chart(rows: &[(String, f64)]) -> String {
    let (label_w, bar_w, row_h) = (label_width(rows.iter().map(|(l, _)| l.as_str())), 360.0, 22.0);
    let height = rows.len() as f64 * row_h + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" font-family=\"Arial, sans-serif\" font-size=\"12\">",
        label_w + bar_w + 60.0,
        label_w + bar_w + 60.0
    );
    for (i, (label, percent)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = bar_w * percent / 100.0;
        let color = if *percent > 0.0 { "#b3261e" } else { "#1e7b34" };
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{percent:.1}%</text>",
            label_w - 6.0,
            y + 14.0,
            maud::html! { (label) }.into_string(),
            row_h - 6.0,
            label_w + w + 4.0,
            y + 14.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Shares of a step's completed tasks (durations with how many took each)
/// by how long they took against its standard time: up to half, up to all of it, up to twice, beyond.
pub fn spread(minutes: &[(i64, i64)], standard: i64) -> [usize; 4] {
    let mut counts = [0; 4];
    for &(m, n) in minutes {
        let bucket = if 2 * m <= standard {
            0
        } else if m <= standard {
            1
        } else if m <= 2 * standard {
            2
        } else {
            3
        };
        counts[bucket] += usize::try_from(n).unwrap_or_default();
    }
    counts
}

/// One stacked bar per timed step: how its durations fall against the standard time.
fn distribution_chart(rows: &[(String, [usize; 4])]) -> String {
    const COLOURS: [&str; 4] = ["#1e7b34", "#7bb07f", "#e0a030", "#b3261e"];
    const LEGEND: [&str; 4] = ["≤ ½ waktu baku", "≤ waktu baku", "≤ 2× waktu baku", "> 2× waktu baku"];
    let (label_w, bar_w, row_h) = (label_width(rows.iter().map(|(l, _)| l.as_str())), 360.0, 22.0);
    let height = rows.len() as f64 * row_h + 34.0;
    let width = label_w + bar_w + 20.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart distribution\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Arial, sans-serif\" font-size=\"12\">"
    );
    for (i, (label, counts)) in rows.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let total: usize = counts.iter().sum();
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            maud::html! { (label) }.into_string()
        ));
        let mut x = label_w;
        for (bucket, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let w = bar_w * *count as f64 / total.max(1) as f64;
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\" data-bucket=\"{bucket}\" data-count=\"{count}\"><title>{}: {count}</title></rect>",
                row_h - 6.0,
                COLOURS[bucket],
                LEGEND[bucket]
            ));
            x += w;
        }
    }
    let y = rows.len() as f64 * row_h + 20.0;
    for (i, (colour, text)) in COLOURS.iter().zip(LEGEND).enumerate() {
        let x = label_w + i as f64 * 95.0;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"{y}\" font-size=\"10\">{text}</text>",
            y - 9.0,
            x + 13.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn figures_cells(f: &Figures, lang: Lang) -> Markup {
    html! {
        td { (f.done) }
        td { (maybe_minutes(f.median, lang)) }
        td.hide-sm { (maybe_minutes(f.p90, lang)) }
        td class=[(f.breaches > 0).then_some("overdue")] { (f.breaches) " (" (format!("{:.1}", f.breach_percent())) "%)" }
    }
}

pub async fn report(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Period>,
) -> Result<Markup, WebError> {
    let (from, until, report, sops) = load(&state, &user, &p).await?;
    let org = state.store.organisation(user.agency_id()).await?;
    let clock = user.clock();
    let lang = user.lang;
    let sop_name = |id: &str| sops.get(id).map_or(id.to_string(), |s| s.identity.nama.value.clone());
    let lane_name = |sop: &str, lane: &str| {
        sops.get(sop).and_then(|s| s.lane(lane)).map_or(lane.to_string(), |l| l.name.clone())
    };
    let timed: Vec<(String, f64)> = report
        .steps
        .iter()
        .filter(|((sop, step), _)| {
            sops.get(sop).and_then(|s| s.step(*step)).is_some_and(|s| s.time.is_some())
        })
        .map(|((sop, step), (_, f))| (format!("{} · {step}", sop_name(sop)), f.breach_percent()))
        .collect();
    // Steps timed in minutes or hours: a day-based time has no fixed length in minutes.
    let spreads: Vec<(String, [usize; 4])> = report
        .step_minutes
        .iter()
        .filter_map(|((sop, step), minutes)| {
            let standard = match sops.get(sop)?.step(*step)?.time? {
                sop::StandardTime::Minutes(n) => i64::from(n),
                sop::StandardTime::Hours(n) => i64::from(n) * 60,
                sop::StandardTime::Days(_) => return None,
            };
            Some((format!("{} · {step}", sop_name(sop)), spread(minutes, standard)))
        })
        .collect();
    let query = format!("dari={from}&sampai={until}");
    let body = html! {
        h1 { (user.t(Msg::ReportTitle)) }
        p { a href="/laporan/monitoring" { (user.t(Msg::MonLink)) } " · " a href="/laporan/evaluasi" { (user.t(Msg::EvLink)) } " · " a href="/laporan/ikm" { (user.t(Msg::IkmLink)) } }
        form.card method="get" action="/laporan" {
            label for="dari" { (user.t(Msg::From)) }
            input #dari type="date" name="dari" value=(from.to_string());
            label for="sampai" { (user.t(Msg::Until)) }
            input #sampai type="date" name="sampai" value=(until.to_string());
            button.primary type="submit" { (user.t(Msg::Show)) }
        }
        h2 { (user.t(Msg::ReportPerSop)) }
        table {
            thead { tr { th { (user.t(Msg::ColService)) } th { (user.t(Msg::Started)) } th { (user.t(Msg::StatusCompleted)) } th { (user.t(Msg::StatusRejected)) } th.hide-sm { (user.t(Msg::StatusWithdrawn)) } th { (user.t(Msg::StatusOpen)) } } }
            tbody {
                @for s in &report.sops {
                    tr { td { (sop_name(&s.sop_id)) } td { (s.started) } td { (s.completed) } td { (s.rejected) } td.hide-sm { (s.withdrawn) } td { (s.open) } }
                }
            }
        }
        @if !report.procedures.is_empty() {
            h2 { (user.t(Msg::ProcedureDeadline)) }
            table.procedures {
                thead { tr { th { (user.t(Msg::ColService)) } th { (user.t(Msg::Ended)) } th { (user.t(Msg::Breaches)) } th.hide-sm { (user.t(Msg::LateTotal)) } } }
                tbody {
                    @for p in &report.procedures {
                        tr data-sop=(p.sop_id) {
                            td { (sop_name(&p.sop_id)) " " span.muted { "(" (sops.get(&p.sop_id).and_then(|s| s.deadline).map_or(String::new(), |d| d.time.to_string())) ")" } }
                            td { (p.ended) }
                            td class=[(p.late > 0).then_some("overdue")] { (p.late) }
                            td.hide-sm { (minutes(p.late_minutes, lang)) }
                        }
                    }
                }
            }
        }
        h2 { (user.t(Msg::ReportPerStep)) }
        p { a href={"/laporan/langkah.csv?" (query)} { (user.t(Msg::DownloadCsv)) } }
        @if !timed.is_empty() { div.doc { (PreEscaped(chart(&timed))) } }
        @if !spreads.is_empty() {
            h3 { (user.t(Msg::DurationSpread)) }
            div.doc { (PreEscaped(distribution_chart(&spreads))) }
        }
        table {
            thead { tr { th { (user.t(Msg::ColService)) } th { (user.t(Msg::ColStep)) } th.hide-sm { (user.t(Msg::ColLane)) } th { (user.t(Msg::StandardTime)) } th { (user.t(Msg::Done)) } th { (user.t(Msg::Median)) } th.hide-sm { "P90" } th { (user.t(Msg::Breaches)) } } }
            tbody {
                @for ((sop, step), (lane, f)) in &report.steps {
                    tr {
                        td { (sop_name(sop)) }
                        td { (step) }
                        td.hide-sm { (lane_name(sop, lane)) }
                        td { (sops.get(sop).and_then(|s| s.step(*step)).and_then(|s| s.time).map_or("-".to_string(), |t| t.to_string())) }
                        (figures_cells(f, lang))
                    }
                }
            }
        }
        h2 { (user.t(Msg::ReportPerPerson)) }
        p { a href={"/laporan/pegawai.csv?" (query)} { (user.t(Msg::DownloadCsv)) } }
        table {
            thead { tr { th { (user.t(Msg::Name)) } th { (user.t(Msg::Done)) } th { (user.t(Msg::Median)) } th.hide-sm { "P90" } th { (user.t(Msg::Breaches)) } th.hide-sm { (user.t(Msg::LateTotal)) } } }
            tbody {
                @for (person, f) in &report.people {
                    tr {
                        td { a href={"/laporan/pegawai/" (person) "?" (query)} { (org.name(person)) } }
                        (figures_cells(f, lang))
                        td.hide-sm { (minutes(f.late_minutes, lang)) }
                    }
                }
            }
        }
        h2 { (user.t(Msg::OldestOpen)) }
        ul {
            @for c in &report.oldest_open {
                li { a href={"/permohonan/" (c.case)} { (c.number) } " — " (sop_name(&c.sop_id)) " · " (clock.datetime(c.opened_at)) }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::ReportTitle), "/laporan", body))
}

/// One CSV cell: quoted when needed; a leading formula character is
/// neutralised so a spreadsheet never executes a cell.
fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// One CSV record, with its line end.
pub(crate) fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>().join(",") + "\r\n"
}

/// A CSV download named `name` with `body` (whole, or streamed).
pub(crate) fn csv_download(name: &str, body: impl Into<axum::body::Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body.into(),
    )
        .into_response()
}

pub(crate) fn csv(name: &str, rows: Vec<Vec<String>>) -> Response {
    csv_download(name, rows.iter().map(|r| csv_line(r)).collect::<String>())
}

fn figure_columns(f: &Figures) -> Vec<String> {
    let opt = |m: Option<i64>| m.map_or(String::new(), |m| m.to_string());
    vec![
        f.done.to_string(),
        opt(f.median),
        opt(f.p90),
        f.breaches.to_string(),
        format!("{:.1}", f.breach_percent()),
        f.late_minutes.to_string(),
    ]
}

const FIGURE_HEADERS: [&str; 6] = [
    "selesai",
    "median_menit_kerja",
    "p90_menit_kerja",
    "pelanggaran",
    "persen_pelanggaran",
    "total_menit_terlambat",
];

pub async fn steps_csv(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Period>,
) -> Result<Response, WebError> {
    let (from, until, report, sops) = load(&state, &user, &p).await?;
    let mut rows = vec![
        ["sop", "langkah", "pelaksana", "waktu_baku"]
            .iter()
            .chain(FIGURE_HEADERS.iter())
            .map(|h| h.to_string())
            .collect(),
    ];
    for ((sop, step), (lane, f)) in &report.steps {
        let time = sops
            .get(sop)
            .and_then(|s| s.step(*step))
            .and_then(|s| s.time)
            .map_or(String::new(), |t| t.to_string());
        rows.push([vec![sop.clone(), step.to_string(), lane.clone(), time], figure_columns(f)].concat());
    }
    Ok(csv(&format!("laporan-langkah-{from}-{until}.csv"), rows))
}

pub async fn people_csv(
    State(state): State<AppState>,
    user: User,
    Query(p): Query<Period>,
) -> Result<Response, WebError> {
    let (from, until, report, _) = load(&state, &user, &p).await?;
    let org = state.store.organisation(user.agency_id()).await?;
    let mut rows = vec![["nama", "nip"].iter().chain(FIGURE_HEADERS.iter()).map(|h| h.to_string()).collect()];
    for (person, f) in &report.people {
        let nip = org.person(person).and_then(|p| p.nip.clone()).unwrap_or_default();
        rows.push([vec![org.name(person), nip], figure_columns(f)].concat());
    }
    Ok(csv(&format!("laporan-pegawai-{from}-{until}.csv"), rows))
}

/// Kinerja pelaksana: one person's figures for the period and every task
/// they completed in it, slowest first, against the step's standard time.
pub async fn person(
    State(state): State<AppState>,
    user: User,
    Path(person): Path<String>,
    Query(p): Query<Period>,
) -> Result<Response, WebError> {
    let (from, until, report, sops) = load(&state, &user, &p).await?;
    let org = state.store.organisation(user.agency_id()).await?;
    let name = org.person(&person).map(|x| x.name.clone()).ok_or(WebError::NotFound)?;
    let zone = user.clock().zone;
    let ms = |d: Date| d.to_zoned(zone.clone()).map(|z| z.timestamp().as_millisecond()).unwrap_or(0);
    let end = until.tomorrow().map_err(|e| WebError::BadRequest(e.to_string()))?;
    let tasks = state.store.person_tasks(user.agency_id(), &person, ms(from), ms(end)).await?;
    let lang = user.lang;
    let clock = user.clock();
    let standard = |t: &store::report::PersonTask| {
        sops.get(&t.sop_id)
            .and_then(|s| s.step(t.step))
            .and_then(|s| s.time)
            .map_or("-".to_string(), |t| t.to_string())
    };
    let query = format!("dari={from}&sampai={until}");
    if p.format.as_deref() == Some("csv") {
        let mut rows = vec![
            [
                "permohonan",
                "sop",
                "langkah",
                "mulai",
                "selesai",
                "menit_kerja",
                "waktu_baku",
                "terlambat_menit",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for t in &tasks {
            rows.push(vec![
                t.case_number.clone(),
                t.sop_id.clone(),
                t.step.to_string(),
                clock.datetime(t.started_at),
                clock.datetime(t.done_at),
                t.work_minutes.map(|m| m.to_string()).unwrap_or_default(),
                standard(t),
                t.late_minutes.map(|m| m.to_string()).unwrap_or_default(),
            ]);
        }
        return Ok(csv(&format!("kinerja-{person}.csv"), rows));
    }
    let body = html! {
        h1 { (user.t(Msg::PersonPerformance)) ": " (name) }
        p { a href={"/laporan?" (query)} { "← " (user.t(Msg::NavReports)) } " · " (from) " – " (until) " · " a href={"/laporan/pegawai/" (person) "?format=csv&" (query)} { (user.t(Msg::DownloadCsv)) } }
        @if let Some(f) = report.people.get(&person) {
            table { thead { tr { th { (user.t(Msg::Done)) } th { (user.t(Msg::Median)) } th.hide-sm { "P90" } th { (user.t(Msg::Breaches)) } } } tbody { tr { (figures_cells(f, lang)) } } }
        }
        table #tugas-pegawai {
            thead { tr { th { (user.t(Msg::ColCase)) } th { (user.t(Msg::ColStep)) } th.hide-sm { (user.t(Msg::Date)) } th { (user.t(Msg::Duration)) } th { (user.t(Msg::StandardTime)) } th { (user.t(Msg::Late)) } } }
            tbody {
                @for t in &tasks {
                    tr {
                        td { a href={"/permohonan/" (t.case_id)} { (t.case_number) } }
                        td { (t.sop_id) " · " (t.step) }
                        td.hide-sm { (clock.datetime(t.done_at)) }
                        td { (maybe_minutes(t.work_minutes, lang)) }
                        td { (standard(t)) }
                        td class=[t.late_minutes.map(|_| "overdue")] { (maybe_minutes(t.late_minutes, lang)) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, user.t(Msg::PersonPerformance), "/laporan", body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The x at which each label's text ends (they are right-aligned there).
    fn label_ends(svg: &str) -> Vec<f64> {
        svg.split("<text x=\"")
            .skip(1)
            .filter(|t| t.contains("text-anchor=\"end\""))
            .map(|t| t.split('"').next().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn chart_labels_have_room_for_long_sop_names() {
        let long = "SOP Layanan Pembuatan Akun Email · 10".to_string();
        // Arial at 12 px: about 6.2 px a glyph on average.
        let needed = long.chars().count() as f64 * 6.2;
        for svg in [chart(&[(long.clone(), 12.5)]), distribution_chart(&[(long.clone(), [1, 2, 3, 4])])] {
            let ends = label_ends(&svg);
            assert_eq!(ends.len(), 1, "{svg}");
            assert!(ends[0] >= needed, "the label ends at {} but needs {needed}: {svg}", ends[0]);
        }
    }

    #[test]
    fn durations_fall_into_the_spread_against_the_standard_time() {
        // Standard 10 minutes: 5 is within half, 10 within, 20 within twice, 21 beyond.
        assert_eq!(
            spread(&[(1, 1), (5, 1), (6, 1), (10, 1), (11, 1), (20, 1), (21, 1), (300, 1)], 10),
            [2, 2, 2, 2]
        );
        assert_eq!(
            spread(&[(5, 3), (30, 2)], 10),
            [3, 0, 0, 2],
            "each duration counted as often as it occurred"
        );
        assert_eq!(spread(&[], 10), [0, 0, 0, 0]);
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("Dewi Lestari, S.T."), "\"Dewi Lestari, S.T.\"");
        assert_eq!(cell("a \"b\""), "\"a \"\"b\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("5"), "5");
    }
}
