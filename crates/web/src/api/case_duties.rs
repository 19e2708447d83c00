//! What the officers handling a case do on it beside its tasks, through the
//! API — the same rights and refusals as the case page: let an escorted
//! visitor in (check-in with the special badge), decide an item of an
//! access review (keep or revoke), and show the case's personal data (NIK) in full, which is
//! recorded in its timeline.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::{CaseView, case_view, json_body, visible_case};
use super::problem::Problem;
use crate::{AppState, now_ms};

/// Letting a visitor in.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// The number of the special badge (tanda pengenal khusus) handed over.
    #[schema(pattern = "[^\\s\\u0085]", max_length = 30)]
    pub badge: String,
}

/// The escorting officer lets the visitor of an access case in, wearing
/// the special badge; the visit's time starts.
#[utoipa::path(post, path = "/cases/{id}/check-in", tag = "permohonan", request_body = CheckIn,
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case after the check-in", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the escorting officer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not the caller's to see", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not waiting for a check-in", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No badge number", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn check_in(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseView>, Problem> {
    let user = &caller.0;
    let given: CheckIn = json_body(&headers, &body)?;
    visible_case(&state, user, &id).await?;
    state
        .store
        .check_in(user.agency_id(), &id, user.person(), &given.badge, now_ms())
        .await
        .map_err(|e| Problem::from(e).rename_fields(|f| (f == "tanda_pengenal").then_some("badge")))?;
    let (case, sop) = visible_case(&state, user, &id).await?;
    Ok(Json(case_view(&state, user, &case, &sop).await?))
}

/// A decision on one item of an access review.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    #[schema(schema_with = decisions)]
    pub decision: String,
    /// Why; required when revoked.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub reason: String,
}

fn decisions() -> utoipa::openapi::Object {
    super::choices::one_of(
        store::review::ReviewDecision::CHOICES.map(store::review::ReviewDecision::key),
        "`tetap` (keep the access) or `cabut` (revoke it).",
    )
}

/// Decides one entry of a periodic access review — kept, or revoked with
/// the reason — as the reviewing officer.
#[utoipa::path(post, path = "/cases/{id}/review/{entry}", tag = "permohonan", request_body = ReviewDecision,
    params(("id" = String, Path, description = "Case id of the access review"), ("entry" = String, Path, description = "Registry entry id")),
    responses(
        (status = 200, description = "The review case after the decision", body = CaseView),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the reviewing officer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case or entry", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The entry is already decided, or the review is no longer running", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown decision, or no reason for a revocation", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn decide_review_item(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, entry)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CaseView>, Problem> {
    let user = &caller.0;
    let given: ReviewDecision = json_body(&headers, &body)?;
    visible_case(&state, user, &id).await?;
    let command = store::DecideReviewItem {
        agency: user.agency_id().to_string(),
        case: id.clone(),
        entry,
        by: user.person().to_string(),
        decision: given.decision,
        reason: given.reason,
        at: now_ms(),
    };
    state.store.decide_review_item(command).await.map_err(|e| {
        Problem::from(e).rename_fields(|f| match f {
            "keputusan" => Some("decision"),
            "alasan" => Some("reason"),
            _ => None,
        })
    })?;
    let (case, sop) = visible_case(&state, user, &id).await?;
    Ok(Json(case_view(&state, user, &case, &sop).await?))
}

/// A case's personal data, in full.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PersonalData {
    /// Each personal field given (e.g. `nik_pengunjung`) with its value.
    pub fields: BTreeMap<String, String>,
}

/// Shows the case's personal data (NIK) in full to an officer handling
/// it; the showing is recorded in the case's timeline.
#[utoipa::path(post, path = "/cases/{id}/personal-data", tag = "permohonan",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The personal values", body = PersonalData),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an officer handling the case", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or it has no personal data", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn reveal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<PersonalData>, Problem> {
    let user = &caller.0;
    let (_, sop) = visible_case(&state, user, &id).await?;
    let case = state.store.reveal_personal_data(user.agency_id(), &id, user.person(), now_ms()).await?;
    let mut fields = BTreeMap::new();
    for task in &case.tasks {
        let (Some(input), Some(step)) = (&task.input, sop.step(task.step)) else { continue };
        for field in step.fields.iter().filter(|f| f.personal) {
            if let Some(value) = input.fields.get(&field.name) {
                fields.insert(field.name.clone(), value.clone());
            }
        }
    }
    Ok(Json(PersonalData { fields }))
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::{CheckIn, ReviewDecision};

    /// The document's lengths are literals (the derive takes no paths):
    /// kept equal to the store's limits here.
    #[test]
    fn the_documented_lengths_are_the_stores() {
        let badge = serde_json::to_value(CheckIn::schema()).unwrap();
        assert_eq!(badge["properties"]["badge"]["maxLength"], store::visits::BADGE_MAX_CHARS);
        let review = serde_json::to_value(ReviewDecision::schema()).unwrap();
        assert_eq!(review["properties"]["reason"]["maxLength"], store::registry::REASON_MAX_CHARS);
    }
}
