//! The letter registers (agenda surat masuk and keluar) of a year through
//! the API, for heads and administrators.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::caller::Caller;
use super::cases::instant;
use super::problem::Problem;
use crate::AppState;

/// A row of the incoming register.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IncomingView {
    /// e.g. `0042/2026`.
    pub agenda: String,
    pub case: String,
    pub received_at: String,
    pub sender: String,
    pub letter_number: String,
    pub letter_date: String,
    pub subject: String,
    pub forwarded_to: String,
}

/// A row of the outgoing register.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OutgoingView {
    pub number: String,
    pub case: String,
    pub dated_at: String,
    pub recipient: String,
    pub subject: String,
    pub signer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// Public verification address.
    pub verify: String,
}

/// A number of the outgoing register that was reserved for a letter not
/// signed after all, once later numbers were taken: never used again.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VoidNumberView {
    pub number: String,
    pub case: String,
    pub voided_at: String,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Registers {
    pub year: i64,
    pub incoming: Vec<IncomingView>,
    pub outgoing: Vec<OutgoingView>,
    /// Numbers of the outgoing register voided, with why.
    pub voided: Vec<VoidNumberView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 2000–2100; this year by default.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
}

/// The incoming and outgoing registers of a year.
#[utoipa::path(get, path = "/registers", tag = "agenda", params(YearQuery),
    responses(
        (status = 200, description = "The registers", body = Registers),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only heads and administrators", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Year out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn registers(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<YearQuery>, QueryRejection>,
) -> Result<Json<Registers>, Problem> {
    let Query(query) = query.map_err(|e| Problem::bad_request(e.body_text()))?;
    let user = &caller.0;
    if !user.may_report {
        return Err(Problem::forbidden_because("agenda surat hanya untuk pimpinan dan administrator"));
    }
    let this_year = i64::from(jiff::Timestamp::now().to_zoned(user.clock().zone).year());
    let year = query.year.unwrap_or(this_year);
    if !(2000..=2100).contains(&year) {
        return Err(Problem::field("year", "year", "harus 2000 sampai 2100"));
    }
    let incoming = state
        .store
        .incoming_register(user.agency_id(), year)
        .await?
        .into_iter()
        .map(|r| IncomingView {
            agenda: r.agenda,
            case: r.case_id,
            received_at: instant(r.received_at),
            sender: r.sender,
            letter_number: r.letter_number,
            letter_date: r.letter_date,
            subject: r.subject,
            forwarded_to: r.forwarded_to,
        })
        .collect();
    let outgoing = state
        .store
        .outgoing_register(user.agency_id(), year)
        .await?
        .into_iter()
        .map(|l| OutgoingView {
            number: l.number,
            case: l.case_id,
            dated_at: instant(l.dated_at),
            recipient: l.recipient,
            subject: l.subject,
            signer: l.signer,
            sent_at: l.sent_at.map(instant),
            verify: format!("/verifikasi/{}", l.code),
        })
        .collect();
    let voided = state
        .store
        .void_numbers(user.agency_id(), year)
        .await?
        .into_iter()
        .map(|v| VoidNumberView {
            number: v.number,
            case: v.case_id,
            voided_at: instant(v.voided_at),
            reason: v.reason,
        })
        .collect();
    Ok(Json(Registers { year, incoming, outgoing, voided }))
}
