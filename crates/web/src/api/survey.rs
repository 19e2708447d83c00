//! The satisfaction survey (Survei Kepuasan Masyarakat, Permenpan-RB
//! 14/2017) through the API: its nine questions for a finished case, and
//! the requester's one answer — with the survey page's checks.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use engine::satisfaction::{Element, Response as Answers};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::Caller;
use super::cases::json_body;
use super::problem::Problem;
use crate::pages::satisfaction::open_case;
use crate::{AppState, now_ms};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// The element's code (`u1` … `u9`), the key of its answer.
    pub code: String,
    pub element: String,
    pub question: String,
    /// The four answers, scored 1 to 4 in this order.
    pub answers: Vec<String>,
}

/// The answers to the survey.
/// Every element's code, each with a score 1–4, and no other.
fn scores() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let score = ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)).maximum(Some(4)).build();
    Element::ALL
        .iter()
        .fold(ObjectBuilder::new().schema_type(Type::Object), |object, element| {
            object.property(element.code(), score.clone()).required(element.code())
        })
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)))
        .description(Some("A score 1–4 for every question's code."))
        .build()
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    #[schema(schema_with = scores)]
    pub scores: BTreeMap<String, u8>,
    /// Suggestions, at most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// The survey's questions, while the caller may answer it for this case
/// (its requester, once it is finished, once).
#[utoipa::path(get, path = "/cases/{id}/survey", tag = "permohonan",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The questions", body = Vec<Question>),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No survey open for the caller on this case", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn questions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Question>>, Problem> {
    open_case(&state, &caller.0, &id).await?;
    Ok(Json(
        Element::ALL
            .into_iter()
            .map(|e| Question {
                code: e.code().into(),
                element: e.name().into(),
                question: e.question().into(),
                answers: e.answers().into_iter().map(String::from).collect(),
            })
            .collect(),
    ))
}

/// Answers the survey of a finished case (its requester, once; anonymous
/// in every figure).
#[utoipa::path(post, path = "/cases/{id}/survey", tag = "permohonan", request_body = SurveyAnswer,
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 201, description = "Answered"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a case the caller may see", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No survey open for the caller on this case (answered already, or not finished)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Answered meanwhile; the first answer stands", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A question unanswered, a score outside 1–4, an unknown code or a long comment", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Problem> {
    let user = &caller.0;
    let case = open_case(&state, user, &id).await?;
    let given: SurveyAnswer = json_body(&headers, &body)?;
    if let Some(unknown) = given.scores.keys().find(|k| Element::from_code(k).is_none()) {
        let codes: Vec<&str> = Element::ALL.iter().map(|e| e.code()).collect();
        let why = format!("\"{unknown}\" bukan kode pertanyaan; pakai {}", codes.join(", "));
        return Err(Problem::field(&format!("scores.{unknown}"), "scores", why));
    }
    let mut form: BTreeMap<String, String> =
        given.scores.into_iter().map(|(code, score)| (code, score.to_string())).collect();
    if let Some(comment) = given.comment {
        form.insert("komentar".into(), comment);
    }
    let answers = Answers::read(|k| form.get(k).map(String::as_str)).map_err(|errors| {
        // Each score is named where it sits in the body: `scores.u3`.
        Problem::from(errors).rename_fields(|field| match field {
            "komentar" => Some("comment".to_string()),
            code if Element::from_code(code).is_some() => Some(format!("scores.{code}")),
            _ => None,
        })
    })?;
    state.store.answer_survey(user.agency_id(), &case.id, user.person(), &answers, now_ms()).await?;
    Ok(StatusCode::CREATED)
}
