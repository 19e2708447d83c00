//! The public face of an agency's SOPs, for transparency: without signing
//! in, anyone sees the SOPs in effect, each with its identity, the
//! standard time of the whole service and of each step, and the official
//! document — the PDF its head signed when it was ratified in Sopir — and
//! the service's standard (standar pelayanan) with its record in totals
//! only (on-time share, satisfaction index). No drafts, no comments, no
//! single case, no people beyond the official printed on the document. An
//! unknown agency or SOP is simply not found.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::services::{total_time, untimed};
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::{AppState, layout};

pub async fn index(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, WebError> {
    let lang = Lang::Id;
    let profile = state.store.agency(&id).await?;
    let mut sops = Vec::new();
    for sop_id in state.store.sop_ids(&id).await? {
        sops.push(state.store.sop(&id, &sop_id, None).await?);
    }
    let body = html! {
        div.card #sop-publik {
            h1 { (lang.t(Msg::PubTitle)) }
            p { strong { (profile.name) } @if !profile.government.is_empty() { br; (profile.government) } }
            p.muted { (lang.t(Msg::PubIntro)) }
            table {
                thead { tr {
                    th { (lang.t(Msg::SopNumber)) } th { (lang.t(Msg::SopName)) } th.hide-sm { (lang.t(Msg::EdUnit)) }
                    th { (lang.t(Msg::PubStandardTime)) } th.hide-sm { (lang.t(Msg::EdTanggalEfektif)) }
                } }
                tbody {
                    @for sop in &sops {
                        tr {
                            td { (sop.identity.nomor.value) }
                            td { a href={"/publik/sop/" (sop.id)} { (sop.identity.nama.value) } }
                            td.hide-sm { (sop.identity.unit.clone().unwrap_or_default()) }
                            td { (total_time(sop, lang)) }
                            td.hide-sm { (sop.identity.tanggal_efektif.map(|d| d.indonesian()).unwrap_or_else(|| "-".into())) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::bare_markup(lang, &format!("{} · {}", lang.t(Msg::PubTitle), profile.name), body)
        .into_response())
}

pub async fn document(
    State(state): State<AppState>,
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let lang = Lang::Id;
    let profile = state.store.agency(&id).await?;
    let sop = state.store.sop(&id, &format!("{id}/{slug}"), None).await?;
    let signed = state.store.signed_sop(&id, &sop.id, sop.version).await?.is_some();
    let record = state.store.service_record(&id, &sop.id, crate::now_ms()).await?;
    let i = &sop.identity;
    let date = |d: Option<sop::date::Date>| d.map(|d| d.indonesian()).unwrap_or_else(|| "-".into());
    let body = html! {
        div.card #sop-publik {
            p { a href={"/publik/sop/" (id)} { "← " (lang.t(Msg::PubTitle)) " · " (profile.name) } }
            h1 { (i.nama.value) }
            table {
                tbody {
                    tr { th { (lang.t(Msg::SopNumber)) } td { (i.nomor.value) } }
                    @if let Some(unit) = &i.unit { tr { th { (lang.t(Msg::EdUnit)) } td { (unit) } } }
                    tr { th { (lang.t(Msg::EdTanggalPembuatan)) } td { (date(i.tanggal_pembuatan)) } }
                    @if i.tanggal_revisi.is_some() { tr { th { (lang.t(Msg::EdTanggalRevisi)) } td { (date(i.tanggal_revisi)) } } }
                    tr { th { (lang.t(Msg::EdTanggalPengesahan)) } td { (date(i.tanggal_pengesahan)) } }
                    tr { th { (lang.t(Msg::EdTanggalEfektif)) } td { (date(i.tanggal_efektif)) } }
                    @if let Some(a) = &i.disahkan_oleh { tr { th { (lang.t(Msg::EdApprover)) } td { (a.jabatan) br; (a.nama) } } }
                    tr { th { (lang.t(Msg::PubStandardTime)) } td #waktu-baku { (total_time(&sop, lang)) @if let Some(note) = untimed(&sop, lang) { br; small.muted { (note) } } } }
                }
            }
            p {
                a #unduh-sop href={"/publik/sop/" (sop.id) "/pdf"} { (lang.t(Msg::PubDocument)) }
                @if signed { " · " span.muted { (lang.t(Msg::PubSignedNote)) } }
            }
            (service_standard(&sop, &record, lang))
            h2 { (lang.t(Msg::PubStepTimes)) }
            table #langkah {
                thead { tr { th { (lang.t(Msg::EdNo)) } th { (lang.t(Msg::EdActivity)) } th { (lang.t(Msg::EdTime)) } } }
                tbody {
                    @for step in &sop.steps {
                        tr {
                            td { (step.no) }
                            td { (step.activity) }
                            td { (step.time.map(|t| t.to_string()).unwrap_or_else(|| "-".into())) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::bare_markup(lang, &i.nama.value, body).into_response())
}

/// Standar pelayanan: what the service asks, how it runs, how long it
/// takes, what it costs and gives, and how it has kept its promises.
fn service_standard(sop: &sop::Sop, record: &store::dashboard::ServiceRecord, lang: Lang) -> maud::Markup {
    let requirements: Vec<&String> =
        sop.steps.first().map(|s| s.requirements.iter().collect()).unwrap_or_default();
    let products: Vec<&str> =
        sop.steps.last().map(|s| s.outputs.iter().map(|o| o.value.as_str()).collect()).unwrap_or_default();
    let done = record.steps.0;
    html! {
        h2 { (lang.t(Msg::PubStandard)) }
        table #standar-pelayanan {
            tbody {
                tr { th { (lang.t(Msg::PubRequirements)) } td {
                    @if requirements.is_empty() { "-" } @else { ul { @for r in &requirements { li { (r) } } } }
                } }
                tr { th { (lang.t(Msg::PubProcedure)) } td { (lang.t(Msg::PubProcedureText)) " " (sop.steps.len()) " " (lang.t(Msg::PubSteps)) } }
                tr { th { (lang.t(Msg::PubStandardTime)) } td { (total_time(sop, lang)) } }
                tr { th { (lang.t(Msg::PubCost)) } td { (lang.t(Msg::PubFree)) } }
                tr { th { (lang.t(Msg::PubProduct)) } td { @if products.is_empty() { "-" } @else { (products.join("; ")) } } }
                tr { th { (lang.t(Msg::PubOnTime)) } td #tepat-waktu {
                    @match record.on_time_percent() {
                        None => { span.muted { (lang.t(Msg::PubNoRecord)) } }
                        Some(p) => { (crate::display::percent(p, lang)) " " span.muted { "(" (done) " " (lang.t(Msg::PubStepsDone)) ")" } }
                    }
                } }
                tr { th { (lang.t(Msg::IkmTitle)) } td #ikm {
                    @match &record.index {
                        Some(index) => { (crate::display::hundredths(index.hundredths, lang)) " · " (index.grade.letter()) " (" (index.grade.performance()) ") " span.muted { "(" (record.respondents) " " (lang.t(Msg::PubRespondents)) ")" } }
                        None => { span.muted { (lang.t(Msg::PubNoRecord)) } }
                    }
                } }
            }
        }
    }
}

/// The SOP's document: the one its head signed, else as Sopir draws it.
pub async fn pdf(
    State(state): State<AppState>,
    Path((id, slug)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let profile = state.store.agency(&id).await?;
    let sop = state.store.sop(&id, &format!("{id}/{slug}"), None).await?;
    let signed = state.store.signed_sop(&id, &sop.id, sop.version).await?;
    let pdf = signed.map_or_else(|| documents::sop_document::to_pdf(&sop, Some(&profile)), |s| s.pdf);
    let disposition = format!("inline; filename=\"{id}-{slug}.pdf\"");
    Ok((
        [(header::CONTENT_TYPE, "application/pdf".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        pdf,
    )
        .into_response())
}
