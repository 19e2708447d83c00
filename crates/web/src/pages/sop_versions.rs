//! SOP: each SOP's versions — every published version kept, when and by
//! whom it was published and how many requests still run on it — and the
//! readable difference between two of them; for administrators, the way to
//! begin the next version from the live one. Which two versions to compare
//! is read here for the pages and the API alike.

use axum::extract::{Path, Query, State};
use maud::{Markup, html};
use serde::Deserialize;
use sop::version_diff::{Difference, Group, LetterPart, compare};
use store::PublishedVersion;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::{AppState, layout};

/// The published versions of SOP `id` of `agency`, newest first. Not found
/// when it has none (no such SOP in the agency).
pub async fn published(state: &AppState, agency: &str, id: &str) -> Result<Vec<PublishedVersion>, WebError> {
    let versions: Vec<PublishedVersion> =
        state.store.published_versions(agency).await?.into_iter().filter(|v| v.sop_id == id).collect();
    if versions.is_empty() {
        return Err(WebError::NotFound);
    }
    Ok(versions)
}

/// One end of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    From,
    To,
}

/// Why two versions cannot be compared; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadChoice {
    Missing(End),
    NotANumber(End, String),
    /// Both ends name this version.
    Same(u32),
    /// No such version of the SOP is published.
    Unknown(End, u32),
}

impl BadChoice {
    /// Whether the answer is "not found" rather than "bad request".
    pub fn not_found(&self) -> bool {
        matches!(self, BadChoice::Unknown(..))
    }

    /// The field at fault, by the names the caller used (`dari`/`ke` on
    /// the page, `from`/`to` in the API).
    pub fn field<'a>(&self, names: (&'a str, &'a str)) -> &'a str {
        let end = match self {
            BadChoice::Missing(end) | BadChoice::NotANumber(end, _) | BadChoice::Unknown(end, _) => *end,
            BadChoice::Same(_) => End::To,
        };
        if end == End::From { names.0 } else { names.1 }
    }

    /// What is wrong, in Bahasa Indonesia, naming the field.
    pub fn message(&self, names: (&str, &str), sop: &str, published: &[PublishedVersion]) -> String {
        let field = self.field(names);
        match self {
            BadChoice::Missing(_) => {
                format!("isian “{field}” wajib diisi dengan nomor versi SOP {sop}, misalnya {field}=1")
            }
            BadChoice::NotANumber(_, given) => {
                format!("isian “{field}” harus nomor versi (bilangan bulat mulai 1), bukan “{given}”")
            }
            BadChoice::Same(v) => format!(
                "isian “{}” dan “{}” sama-sama versi {v}; pilih dua versi yang berbeda",
                names.0, names.1
            ),
            BadChoice::Unknown(_, v) => {
                let known: Vec<String> = published.iter().rev().map(|p| p.version.to_string()).collect();
                format!(
                    "versi {v} (isian “{field}”) tidak ada untuk SOP {sop}; versi yang diterbitkan: {}",
                    known.join(", ")
                )
            }
        }
    }
}

/// The two versions asked for, each a published version of the SOP and
/// not the same.
pub fn choose(
    from: Option<&str>,
    to: Option<&str>,
    published: &[PublishedVersion],
) -> Result<(u32, u32), BadChoice> {
    let read = |end: End, given: Option<&str>| -> Result<u32, BadChoice> {
        let given = given.map(str::trim).filter(|g| !g.is_empty()).ok_or(BadChoice::Missing(end))?;
        let version: u32 = given
            .parse()
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| BadChoice::NotANumber(end, given.to_string()))?;
        if published.iter().any(|p| p.version == i64::from(version)) {
            Ok(version)
        } else {
            Err(BadChoice::Unknown(end, version))
        }
    };
    let (from, to) = (read(End::From, from)?, read(End::To, to)?);
    if from == to {
        return Err(BadChoice::Same(from));
    }
    Ok((from, to))
}

/// The SOP `agency/slug` of the caller's own agency; another agency's is
/// refused as its document is.
fn own(user: &User, agency: &str, slug: &str) -> Result<String, WebError> {
    if agency != user.agency_id() {
        return Err(WebError::Forbidden);
    }
    Ok(format!("{agency}/{slug}"))
}

pub async fn history(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<Markup, WebError> {
    let id = own(&user, &agency, &slug)?;
    let versions = published(&state, &agency, &id).await?;
    let newest = versions[0].version;
    let sop = state.store.sop(&agency, &id, Some(u32::try_from(newest).unwrap_or_default())).await?;
    // In effect now: a ratified version may wait for its date, a withdrawn SOP has none.
    let active = state.store.sop(&agency, &id, None).await.ok().map(|s| i64::from(s.version));
    let now = crate::now_ms();
    let org = state.store.organisation(&agency).await?;
    let clock = user.clock();
    let previous = versions.get(1).map(|v| v.version);
    let title = format!("{} — {}", user.t(Msg::VerHistory), sop.identity.nama.value);
    let body = html! {
        h1 { (user.t(Msg::VerHistory)) }
        p { a href={"/sop/" (id)} { "← " (sop.identity.nama.value) } " · " code { (id) } }
        p.help { (user.t(Msg::VerHistoryHelp)) }
        @if user.account.is_admin {
            form.card.inline #revisi method="post" action="/admin/sop/konsep/revisi" {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="sop" value=(id);
                p.help { (user.t(Msg::VerReviseHelp)) }
                button.secondary type="submit" { (user.t(Msg::EdReviseButton)) " (" (user.t(Msg::Version)) " " (newest + 1) ")" }
            }
        }
        @if let Some(previous) = previous {
            form.card.inline #bandingkan method="get" action={"/sop/" (id) "/beda"} {
                label for="dari" { (user.t(Msg::VerFrom)) }
                select #dari name="dari" style="width:auto" {
                    @for v in &versions { option value=(v.version) selected[v.version == previous] { (v.version) } }
                }
                label for="ke" { (user.t(Msg::VerTo)) }
                select #ke name="ke" style="width:auto" {
                    @for v in &versions { option value=(v.version) selected[v.version == newest] { (v.version) } }
                }
                button.primary type="submit" { (user.t(Msg::VerCompare)) }
            }
        } @else {
            p.muted { (user.t(Msg::VerOnlyOne)) }
        }
        table #versi {
            thead { tr {
                th { (user.t(Msg::EdVersion)) } th { (user.t(Msg::PublishedAt)) } th { (user.t(Msg::By)) }
                th { (user.t(Msg::VerOpenCases)) } th.hide-sm {}
            } }
            tbody {
                @for (i, v) in versions.iter().enumerate() {
                    tr data-version=(v.version) {
                        td {
                            (v.version)
                            @if active == Some(v.version) {
                                " " span.tag.ok { (user.t(Msg::VerLive)) }
                            } @else if v.withdrawn_at.is_some() {
                                " " span.tag.muted { (user.t(Msg::CatWithdrawn)) }
                            } @else if v.effective_at.is_some_and(|e| e > now) {
                                " " span.tag.warn { (user.t(Msg::CatRatified)) ", " (clock.datetime(v.effective_at.unwrap_or_default())) }
                            }
                        }
                        td { (clock.datetime(v.published_at)) }
                        td {
                            @match &v.published_by {
                                Some(person) => { (org.name(person)) }
                                None => { span.muted { (user.t(Msg::PublishedByServer)) } }
                            }
                            br; small.muted { code { (v.file) } }
                        }
                        td.open-cases { (v.open_cases) }
                        td.hide-sm {
                            @if let Some(older) = versions.get(i + 1) {
                                a href={"/sop/" (id) "/beda?dari=" (older.version) "&ke=" (v.version)} { (user.t(Msg::VerWithPrevious)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &title, "/sop", body))
}

#[derive(Deserialize)]
pub struct CompareQuery {
    dari: Option<String>,
    ke: Option<String>,
}

fn group_label(group: Group) -> Msg {
    match group {
        Group::Identity => Msg::VerGroupIdentity,
        Group::Lanes => Msg::VerGroupLanes,
        Group::Steps => Msg::VerGroupSteps,
        Group::Forms => Msg::VerGroupForms,
        Group::Letter => Msg::VerGroupLetter,
        Group::Other => Msg::VerGroupOther,
    }
}

pub async fn difference(
    State(state): State<AppState>,
    user: User,
    Path((agency, slug)): Path<(String, String)>,
    Query(query): Query<CompareQuery>,
) -> Result<Markup, WebError> {
    let id = own(&user, &agency, &slug)?;
    let versions = published(&state, &agency, &id).await?;
    let (from, to) = choose(query.dari.as_deref(), query.ke.as_deref(), &versions).map_err(|bad| {
        let message = bad.message(("dari", "ke"), &id, &versions);
        if bad.not_found() { WebError::NotFoundBecause(message) } else { WebError::BadRequest(message) }
    })?;
    let (older, newer) =
        (state.store.sop(&agency, &id, Some(from)).await?, state.store.sop(&agency, &id, Some(to)).await?);
    let differences = compare(&older, &newer);
    let heading = format!("{} {from} → {to}", user.t(Msg::VerDifference));
    let body = html! {
        h1 { (heading) }
        p {
            a href={"/sop/" (id) "/versi"} { "← " (user.t(Msg::VerHistory)) } " · "
            a href={"/sop/" (id)} { (newer.identity.nama.value) }
        }
        @if differences.is_empty() {
            p #tidak-berbeda { (user.t(Msg::VerNoDifference)) }
        } @else {
            p.help { (differences.len()) " " (user.t(Msg::VerCount)) }
        }
        @for group in Group::ALL {
            @let items: Vec<&Difference> = differences.iter().filter(|d| d.group() == group).collect();
            @if !items.is_empty() {
                section.card data-group=(group.key()) {
                    h2 { (user.t(group_label(group))) }
                    ul {
                        @for d in items {
                            li {
                                @if d.is_time() { span.tag.warn { (user.t(Msg::VerTimeTag)) } " " }
                                (d.to_string())
                                @if let Difference::LetterChanged { part: LetterPart::Body, from, to } = d {
                                    details {
                                        summary { (user.t(Msg::VerShowText)) }
                                        p.help { (user.t(Msg::VerBefore)) }
                                        pre { (from.as_deref().unwrap_or_default()) }
                                        p.help { (user.t(Msg::VerAfter)) }
                                        pre { (to.as_deref().unwrap_or_default()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&user, &heading, "/sop", body))
}
