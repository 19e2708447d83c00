//! Agencies through the API: the installation administrator lists them and
//! makes new ones; an agency's profile (government, name, address, time
//! zone, letterhead, domains, letter numbering, retention) is read and
//! replaced by the installation administrator or the agency's own
//! administrators — with the profile page's checks and refusals, since both
//! go through `pages::agencies::{created, updated}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::organisation::Saved;
use super::problem::Problem;
use crate::AppState;
use crate::pages::agencies::{created, require_installation_admin, updated};
use crate::pages::organisation::editable;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AgencySummary {
    pub id: String,
    pub government: String,
    pub name: String,
    pub domain: String,
    /// IANA time zone, e.g. `Asia/Jakarta`.
    pub timezone: String,
}

/// How the agency numbers and dates its letters.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LettersProfile {
    /// Number template with `{klasifikasi}`, `{urut}` (or `{urut:3}`),
    /// `{unit}`, `{tahun}`.
    pub number: String,
    /// Default archive classification code.
    pub classification: String,
    /// The processing unit's code in the number.
    pub unit: String,
    /// The place written before the date.
    pub place: String,
    /// Each unit code keeps its own yearly sequence.
    pub per_unit: bool,
    /// Numbers come from SRIKANDI, typed in when signing.
    pub srikandi: bool,
    /// Template of the number an SOP gets when ratified (empty: typed then).
    pub sop_number: String,
    /// The instruction boxes of the lembar disposisi (empty: the usual ones).
    pub disposition_instructions: Vec<String>,
    /// A letter may be signed in wet ink and scanned when the signing
    /// service is down.
    pub wet_ink_fallback: bool,
}

fn zones() -> utoipa::openapi::Object {
    super::choices::one_of(
        sop::agency::INDONESIAN_ZONES.map(|(zone, _)| zone),
        "`Asia/Jakarta`, `Asia/Pontianak`, `Asia/Makassar` or `Asia/Jayapura`.",
    )
}

/// An agency's profile. `id` is given when making an agency; when
/// replacing a profile it is the address's.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyProfile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub id: Option<String>,
    /// e.g. "Pemerintah Kabupaten Lumajang".
    pub government: String,
    /// e.g. "Dinas Komunikasi dan Informatika".
    pub name: String,
    pub address: String,
    #[schema(schema_with = zones)]
    pub timezone: String,
    /// The letterhead's lines, top to bottom.
    pub letterhead: Vec<String>,
    /// Its internet domain, under which subdomains are registered.
    pub domain: String,
    /// The domain of its e-mail addresses (empty: `domain`).
    pub mail_domain: String,
    /// Days after a case closes until its personal data is erased.
    pub retention_days: u32,
    pub letters: LettersProfile,
}

impl AgencyProfile {
    fn of(a: &sop::Agency) -> AgencyProfile {
        let l = &a.letters;
        AgencyProfile {
            id: Some(a.id.clone()),
            government: a.government.clone(),
            name: a.name.clone(),
            address: a.address.clone(),
            timezone: a.timezone.clone(),
            letterhead: a.letterhead.clone(),
            domain: a.domain.clone(),
            mail_domain: a.mail_domain.clone(),
            retention_days: a.retention_days,
            letters: LettersProfile {
                number: l.number.clone(),
                classification: l.classification.clone(),
                unit: l.unit.clone(),
                place: l.place.clone(),
                per_unit: l.per_unit,
                srikandi: l.srikandi,
                sop_number: l.sop_number.clone(),
                disposition_instructions: l.disposition_instructions.clone(),
                wet_ink_fallback: l.wet_ink_fallback,
            },
        }
    }

    /// As the profile page sends it.
    fn form(self) -> BTreeMap<String, String> {
        let flag = |b: bool| if b { "1".to_string() } else { String::new() };
        let l = self.letters;
        [
            ("id", self.id.unwrap_or_default()),
            ("government", self.government),
            ("name", self.name),
            ("address", self.address),
            ("timezone", self.timezone),
            ("letterhead", self.letterhead.join("\n")),
            ("domain", self.domain),
            ("mail_domain", self.mail_domain),
            ("retention_days", self.retention_days.to_string()),
            ("letters.number", l.number),
            ("letters.classification", l.classification),
            ("letters.unit", l.unit),
            ("letters.place", l.place),
            ("letters.per_unit", flag(l.per_unit)),
            ("letters.srikandi", flag(l.srikandi)),
            ("letters.sop_number", l.sop_number),
            ("letters.disposition_instructions", l.disposition_instructions.join("\n")),
            ("letters.wet_ink_fallback", flag(l.wet_ink_fallback)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// The installation's agencies (installation administrators only).
#[utoipa::path(get, path = "/agencies", tag = "organisasi",
    responses(
        (status = 200, description = "The agencies", body = Vec<AgencySummary>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the installation's administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AgencySummary>>, Problem> {
    require_installation_admin(&caller.0)?;
    let agencies = state.store.agencies().await?;
    Ok(Json(
        agencies
            .into_iter()
            .map(|a| AgencySummary {
                id: a.id,
                government: a.government,
                name: a.name,
                domain: a.domain,
                timezone: a.timezone,
            })
            .collect(),
    ))
}

/// Makes a new agency (installation administrators only); its
/// organisation is then filled through the organisation operations.
#[utoipa::path(post, path = "/agencies", tag = "organisasi", request_body = AgencyProfile,
    responses(
        (status = 201, description = "Made", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the installation's administrator", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A taken or bad id, or a field the profile's rules refuse", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Saved>), Problem> {
    require_installation_admin(&caller.0)?;
    let given: AgencyProfile = json_body(&headers, &body)?;
    let id = created(&state, &caller.0, &given.form()).await??;
    Ok((StatusCode::CREATED, Json(Saved { id })))
}

/// An agency's profile.
#[utoipa::path(get, path = "/agencies/{agency}/profile", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    responses(
        (status = 200, description = "The profile", body = AgencyProfile),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn profile(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
) -> Result<Json<AgencyProfile>, Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    Ok(Json(AgencyProfile::of(&found)))
}

/// Replaces an agency's profile (its units and positions stay).
#[utoipa::path(put, path = "/agencies/{agency}/profile", tag = "organisasi", request_body = AgencyProfile,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    responses(
        (status = 200, description = "Saved", body = AgencyProfile),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An id other than the address's, or a field the profile's rules refuse", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn save_profile(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AgencyProfile>, Problem> {
    let stored = editable(&state, &caller.0, &agency).await?;
    let given: AgencyProfile = json_body(&headers, &body)?;
    if given.id.as_ref().is_some_and(|id| *id != agency) {
        return Err(Problem::field(
            "id",
            "id",
            "kode instansi tidak dapat diubah; kirim kode di alamat atau kosongkan",
        ));
    }
    updated(&state, &caller.0, stored, &given.form()).await??;
    Ok(Json(AgencyProfile::of(&editable(&state, &caller.0, &agency).await?)))
}
