//! An agency's organisation through the API — its units, positions,
//! people, logins and who holds which position — read and changed by the
//! people who may use the organisation editor (the installation
//! administrator and the agency's own administrators), with the editor's
//! checks and refusals: both apply their changes through
//! `pages::organisation::apply`. Each change is in the audit chain.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use engine::form::FieldError;
use engine::organisation::{ActingKind, PositionRight};
use serde::{Deserialize, Serialize};
use sop::organisation::UnitKind;
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::Problem;
use crate::AppState;
use crate::pages::organisation::{Edit, apply, editable};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    /// `dinas` (a division of the agency) or `opd` (a unit it serves).
    pub kind: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PositionView {
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
    /// The position one level up, where a late task climbs.
    pub reports_to: Option<String>,
    /// `heads-agency`, `signs-letters`, `reads-reports`, `keeps-registry`.
    pub rights: Vec<String>,
    /// An official of the Pemda outside the agency.
    pub pemda: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub nip: Option<String>,
    pub unit: String,
    pub email: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct HoldingView {
    pub id: String,
    pub person: String,
    pub position: String,
    /// First day, YYYY-MM-DD.
    pub from: String,
    /// Last day, if it ends.
    pub until: Option<String>,
    /// `plt` or `plh` for an acting official.
    pub acting: Option<String>,
    /// Whom an acting official stands in for.
    pub acting_for: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginView {
    pub username: String,
    pub person: String,
    pub admin: bool,
    pub active: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganisationView {
    pub units: Vec<UnitView>,
    pub positions: Vec<PositionView>,
    pub people: Vec<PersonView>,
    pub holdings: Vec<HoldingView>,
    pub accounts: Vec<LoginView>,
}

/// A unit as sent; its id is in the address.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitBody {
    #[schema(pattern = "[^\\s\\u0085]", max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = unit_kinds)]
    pub kind: Option<String>,
}

/// A position as sent; its id is in the address.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionBody {
    #[schema(pattern = "[^\\s\\u0085]", max_length = 200)]
    pub name: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub reports_to: Option<String>,
    /// Any of `heads-agency`, `signs-letters`, `reads-reports`, `keeps-registry`.
    #[serde(default)]
    pub rights: Vec<String>,
    #[serde(default)]
    pub pemda: bool,
}

/// A person as sent.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    #[schema(pattern = "[^\\s\\u0085]", max_length = 200)]
    pub name: String,
    /// 18 digits.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{18}$")]
    pub nip: Option<String>,
    /// The id of one of the agency's units.
    pub unit: String,
    /// Where their notifications are mailed.
    #[serde(default)]
    #[schema(
        max_length = 254,
        pattern = "^([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})?$"
    )]
    pub email: Option<String>,
}

/// A login for a person of the agency who has none.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLogin {
    /// The id of one of the agency's people.
    #[schema(pattern = "[^\\s\\u0085]")]
    pub person: String,
    /// Lowercase letters, digits, `.`, `_` and `-`.
    #[schema(pattern = "^[a-z0-9._-]{1,64}$")]
    pub username: String,
    #[schema(min_length = 10)]
    pub password: String,
    /// Administers the agency in Sopir.
    #[serde(default)]
    pub admin: bool,
}

/// A person holding a position from a date.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHolding {
    pub person: String,
    pub position: String,
    /// First day, YYYY-MM-DD.
    #[schema(format = Date)]
    pub from: String,
    /// Last day, YYYY-MM-DD.
    #[serde(default)]
    #[schema(format = Date)]
    pub until: Option<String>,
    #[serde(default)]
    #[schema(schema_with = acting_kinds)]
    pub acting: Option<String>,
    /// Whom an acting official stands in for.
    #[serde(default)]
    pub acting_for: Option<String>,
}

/// The last day of a holding.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingEnd {
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub until: String,
}

/// What was saved.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Saved {
    pub id: String,
}

/// Applies `edit` to `found` (an agency the caller may edit) from `form`.
async fn edit(
    state: &AppState,
    caller: &Caller,
    found: &sop::Agency,
    edit: Edit<'_>,
    form: BTreeMap<String, String>,
) -> Result<Json<Saved>, Problem> {
    let id = apply(state, &caller.0, found, edit, &form).await??;
    Ok(Json(Saved { id }))
}

fn form<const N: usize>(pairs: [(&str, Option<String>); N]) -> BTreeMap<String, String> {
    pairs.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect()
}

/// The agency's units, positions, people, logins and holdings.
#[utoipa::path(get, path = "/agencies/{agency}/organisation", tag = "organisasi",
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
) -> Result<Json<OrganisationView>, Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let org = state.store.organisation(&agency).await?;
    let emails = state.store.people_emails(&agency).await?;
    let holdings = state.store.listed_holdings(&agency).await?;
    let accounts = state.store.accounts(&agency).await?;
    Ok(Json(OrganisationView {
        units: found
            .units
            .iter()
            .map(|u| UnitView { id: u.id.clone(), name: u.name.clone(), kind: u.kind.code().into() })
            .collect(),
        positions: found
            .positions
            .iter()
            .map(|p| PositionView {
                id: p.id.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                reports_to: p.reports_to.clone(),
                rights: p.rights.iter().map(|r| r.code().to_string()).collect(),
                pemda: p.pemda,
            })
            .collect(),
        people: org
            .people
            .iter()
            .map(|p| PersonView {
                id: p.id.clone(),
                name: p.name.clone(),
                nip: p.nip.clone(),
                unit: p.unit.clone(),
                email: emails.get(&p.id).cloned(),
            })
            .collect(),
        holdings: holdings
            .into_iter()
            .map(|h| HoldingView {
                id: h.id,
                person: h.holding.person,
                position: h.holding.position,
                from: h.holding.from.to_string(),
                until: h.holding.until.map(|d| d.to_string()),
                acting: h.holding.acting.as_ref().map(|(kind, _)| kind.key().to_string()),
                acting_for: h.holding.acting.and_then(|(_, holder)| holder),
            })
            .collect(),
        accounts: accounts
            .into_iter()
            .map(|a| LoginView {
                username: a.username,
                person: a.person_id,
                admin: a.is_admin,
                active: a.deactivated_at.is_none(),
            })
            .collect(),
    }))
}

fn unit_kinds() -> utoipa::openapi::Object {
    super::choices::one_of(UnitKind::ALL.map(UnitKind::code), "`dinas` (default) or `opd`.")
}

fn acting_kinds() -> utoipa::openapi::Object {
    super::choices::one_of(ActingKind::ALL.map(ActingKind::key), "`plt` or `plh` for an acting official.")
}

/// Adds the unit of this id, or changes it.
#[utoipa::path(put, path = "/agencies/{agency}/units/{unit}", tag = "organisasi", request_body = UnitBody,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"),
        ("unit" = String, Path, description = "Lowercase letters, digits and inner hyphens", example = "lumajang-bpbd")),
    responses(
        (status = 200, description = "Saved", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad id, name or kind", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn put_unit(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, unit)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Saved>, Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: UnitBody = json_body(&headers, &body)?;
    let kind = given.kind.unwrap_or_else(|| UnitKind::default().code().into());
    if UnitKind::parse(&kind).is_none() {
        // With the unit's other faults, so one answer names them all.
        let unit = sop::organisation::Unit { id: unit, name: given.name, kind: UnitKind::default() };
        let mut errors: Vec<FieldError> = sop::organisation::check_unit(&unit)
            .into_iter()
            .map(|p| FieldError::new(p.field, p.label, p.message))
            .collect();
        errors.push(FieldError::new(
            "kind",
            "kind",
            format!("\"{kind}\" bukan jenis unit; pakai dinas atau opd"),
        ));
        return Err(errors.into());
    }
    let fields = form([
        ("editing", Some("1".into())),
        ("id", Some(unit)),
        ("name", Some(given.name)),
        ("kind", Some(kind)),
    ]);
    edit(&state, &caller, &found, Edit::Unit, fields).await
}

/// Adds the position of this id, or changes it.
#[utoipa::path(put, path = "/agencies/{agency}/positions/{position}", tag = "organisasi", request_body = PositionBody,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"),
        ("position" = String, Path, description = "What SOP lanes name", example = "kabid-tik")),
    responses(
        (status = 200, description = "Saved", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad id or name, an unknown unit, superior or right, or a loop of superiors", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn put_position(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, position)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Saved>, Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: PositionBody = json_body(&headers, &body)?;
    let mut fields = form([
        ("editing", Some(position)),
        ("name", Some(given.name)),
        ("unit", given.unit),
        ("reports_to", given.reports_to),
    ]);
    for code in &given.rights {
        let right = PositionRight::parse(code).ok_or_else(|| {
            let known: Vec<&str> = PositionRight::ALL.iter().map(|r| r.code()).collect();
            Problem::field(
                "rights",
                "rights",
                format!("\"{code}\" bukan hak jabatan; pakai {}", known.join(", ")),
            )
        })?;
        fields.insert(format!("right.{}", right.code()), "1".into());
    }
    if given.pemda {
        fields.insert("pemda".into(), "1".into());
    }
    edit(&state, &caller, &found, Edit::Position, fields).await
}

fn person_form(given: PersonBody) -> BTreeMap<String, String> {
    form([("name", Some(given.name)), ("nip", given.nip), ("unit", Some(given.unit)), ("email", given.email)])
}

/// Adds a person to the agency; answers their new id.
#[utoipa::path(post, path = "/agencies/{agency}/people", tag = "organisasi", request_body = PersonBody,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    responses(
        (status = 201, description = "Added", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name, a bad NIP or address, or an unknown unit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn add_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Saved>), Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: PersonBody = json_body(&headers, &body)?;
    Ok((StatusCode::CREATED, edit(&state, &caller, &found, Edit::Person, person_form(given)).await?))
}

/// Changes a person of the agency.
#[utoipa::path(put, path = "/agencies/{agency}/people/{person}", tag = "organisasi", request_body = PersonBody,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"),
        ("person" = String, Path, description = "The person's id", example = "lmj-petugas")),
    responses(
        (status = 200, description = "Saved", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency or person", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name, a bad NIP or address, or an unknown unit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn put_person(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, person)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Saved>, Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: PersonBody = json_body(&headers, &body)?;
    let mut fields = person_form(given);
    fields.insert("editing".into(), person);
    edit(&state, &caller, &found, Edit::Person, fields).await
}

/// Gives a person of the agency their login.
#[utoipa::path(post, path = "/agencies/{agency}/accounts", tag = "organisasi", request_body = NewLogin,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    responses(
        (status = 201, description = "Added; the id is the username", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown person or one with a login, a bad or taken username, a short password", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn add_login(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Saved>), Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: NewLogin = json_body(&headers, &body)?;
    let fields = form([
        ("person", Some(given.person)),
        ("username", Some(given.username)),
        ("password", Some(given.password)),
        ("admin", given.admin.then(|| "1".to_string())),
    ]);
    Ok((StatusCode::CREATED, edit(&state, &caller, &found, Edit::Login, fields).await?))
}

/// Records that a person holds (or acts in) a position from a date.
#[utoipa::path(post, path = "/agencies/{agency}/holdings", tag = "organisasi", request_body = NewHolding,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang")),
    responses(
        (status = 201, description = "Added; the id ends it", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown person or position, bad dates, or a bad acting official", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn add_holding(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Saved>), Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: NewHolding = json_body(&headers, &body)?;
    if let Some(acting) = given.acting.as_deref().filter(|a| ActingKind::parse(a).is_none()) {
        return Err(Problem::field(
            "acting",
            "acting",
            format!("\"{acting}\" bukan jenis pejabat; pakai plt atau plh"),
        ));
    }
    let fields = form([
        ("person", Some(given.person)),
        ("position", Some(given.position)),
        ("from", Some(given.from)),
        ("until", given.until),
        ("acting", given.acting),
        ("acting_for", given.acting_for),
    ]);
    Ok((StatusCode::CREATED, edit(&state, &caller, &found, Edit::Holding, fields).await?))
}

/// Ends a holding on its last day: someone leaves the position, or an
/// acting period is cut short.
#[utoipa::path(post, path = "/agencies/{agency}/holdings/{holding}/end", tag = "organisasi", request_body = HoldingEnd,
    params(("agency" = String, Path, description = "Agency id", example = "lumajang"),
        ("holding" = String, Path, description = "The holding's id")),
    responses(
        (status = 200, description = "Ended", body = Saved),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an administrator of the agency", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agency or holding", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date, or one before its start", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn end_holding(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, holding)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Saved>, Problem> {
    let found = editable(&state, &caller.0, &agency).await?;
    let given: HoldingEnd = json_body(&headers, &body)?;
    edit(&state, &caller, &found, Edit::EndHolding(&holding), form([("until", Some(given.until))])).await
}
