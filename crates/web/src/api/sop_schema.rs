//! Exact JSON Schemas of a live SOP's requests and actions, generated from
//! its definition: the body of `POST /cases` for its first step and of
//! `POST /cases/{id}/tasks/{task}` for each later step — each field's kind,
//! lengths, pattern and choices ([`engine::form_schema`]), what the step's
//! kind of action needs (a verdict, a note, a draft, a signature), and
//! nothing else. A client checks a body before sending it; schemathesis
//! generates bodies the server accepts.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use engine::form_schema::{DATE, DATE_TIME, NOT_BLANK, attachments_schema, fields_schema};
use engine::workflow::NOTE_MAX_CHARS;
use serde_json::{Map, Value, json};
use sop::{ActionKind, Sop, Step};

use super::caller::Caller;
use super::problem::Problem;
use super::sops::own_sop;
use crate::AppState;

fn note(required: bool) -> Value {
    if required {
        json!({ "type": "string", "maxLength": NOTE_MAX_CHARS, "pattern": NOT_BLANK })
    } else {
        json!({ "type": "string", "maxLength": NOTE_MAX_CHARS })
    }
}

/// `schema`'s `attachments` with what the upload checks of each one's
/// content: its kind by its first bytes, and its size. Rules shared by all
/// of a step's attachments are stated once, on the content itself.
fn attachment_content(schema: &mut Value, step: &Step) {
    let rule = |a: &sop::definition::Attachment| {
        let mut content = json!({ "maxLength": (u64::from(a.max_kb) * 1024).div_ceil(3) * 4 });
        if let Some(pattern) = crate::upload::content_pattern(&a.accept) {
            content["pattern"] = json!(pattern);
        }
        content
    };
    let rules: Vec<Value> = step.attachments.iter().map(rule).collect();
    // Indexing a missing key would add it as null: a step without
    // attachments has no item shape to add to.
    let Some(first) = rules.first() else { return };
    let items = &mut schema["properties"]["attachments"]["items"];
    if rules.iter().all(|r| r == first) {
        let content = &mut items["properties"]["content_base64"];
        for (key, value) in first.as_object().into_iter().flatten() {
            content[key] = value.clone();
        }
    } else {
        let per_name: Vec<Value> = step
            .attachments
            .iter()
            .zip(&rules)
            .map(|(a, content)| {
                json!({
                    "if": { "properties": { "name": { "const": a.name } } },
                    "then": { "properties": { "content_base64": content } },
                })
            })
            .collect();
        items["allOf"] = json!(per_name);
    }
}

/// The body of a request for `sop`.
fn request(sop: &Sop, people: &[String]) -> Value {
    let step = sop.first_step();
    let mut required = vec!["sop"];
    if step.fields.iter().any(|f| f.required) {
        required.push("fields");
    }
    if step.attachments.iter().any(|a| a.required) {
        required.push("attachments");
    }
    let mut schema = json!({
        "type": "object",
        "properties": {
            "sop": { "const": sop.id },
            "fields": fields_schema(&step.fields, people),
            "attachments": attachments_schema(&step.attachments),
        },
        "required": required,
        "additionalProperties": false,
    });
    attachment_content(&mut schema, step);
    schema
}

/// The body of an action at `step`; `boxes`: the
/// agency's lembar disposisi boxes, the only instructions it takes.
fn action(step: &Step, people: &[String], boxes: &[String]) -> Value {
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    let mut all_of: Vec<Value> = Vec::new();
    let verdict = json!({ "enum": ["ya", "tidak"] });
    properties.insert("note".into(), note(false));
    properties.insert("fields".into(), fields_schema(&step.fields, people));
    properties.insert("attachments".into(), attachments_schema(&step.attachments));
    if step.fields.iter().any(|f| f.required) {
        required.push("fields");
    }
    if step.attachments.iter().any(|a| a.required) {
        required.push("attachments");
    }
    // A note is needed when a draft is returned or a request refused.
    let note_when_returned = json!({
        "if": { "properties": { "verdict": { "const": "tidak" } }, "required": ["verdict"] },
        "then": { "properties": { "note": note(true) }, "required": ["note"] },
    });
    match step.action {
        ActionKind::Decide => {
            properties.insert("verdict".into(), verdict);
            properties.insert("note".into(), note(true));
            required.extend(["verdict", "note"]);
        }
        ActionKind::Review => {
            properties.insert("verdict".into(), verdict);
            required.push("verdict");
            all_of.push(note_when_returned);
        }
        ActionKind::Sign => {
            properties.insert("verdict".into(), verdict);
            properties.insert(
                "signing".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "passphrase": { "type": "string", "minLength": 1, "description": "The signer's certificate passphrase, used once and never stored" },
                        "srikandi_number": { "type": "string", "minLength": 1 },
                    },
                    "required": ["passphrase"],
                    "additionalProperties": false,
                }),
            );
            all_of.push(note_when_returned);
        }
        ActionKind::Draft => {
            let text = json!({ "type": "string", "pattern": NOT_BLANK });
            properties.insert(
                "draft".into(),
                json!({
                    "type": "object",
                    "properties": { "perihal": text, "kepada": text, "isi": text, "tembusan": { "type": "string" } },
                    "required": ["perihal", "kepada", "isi"],
                    "additionalProperties": false,
                    "description": "The letter's text; absent: the draft saved on the case's page is kept",
                }),
            );
        }
        ActionKind::Send => {
            properties.insert(
                "sending".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "via": { "enum": ["srikandi", "email", "langsung", "ekspedisi"] },
                        "at": { "type": "string", "pattern": DATE_TIME, "description": "When it left (agency time): not before the letter was signed, not in the future; absent: now" },
                    },
                    "required": ["via"],
                    "additionalProperties": false,
                }),
            );
            required.push("sending");
        }
        ActionKind::Dispose | ActionKind::Forward => {
            properties.insert(
                "disposition".into(),
                json!({
                    "type": "object",
                    "properties": {
                        "instructions": { "type": "array", "items": { "enum": boxes } },
                        "nature": { "enum": ["biasa", "segera", "sangat-segera", "rahasia"] },
                        "due": { "type": "string", "format": "date", "pattern": DATE, "description": "Not before today (the agency's date)" },
                        "addressee": { "type": "string", "minLength": 1, "description": "A person of the next step's lane" },
                    },
                    "additionalProperties": false,
                }),
            );
            if step.action == ActionKind::Dispose {
                // An instruction note, or a ticked box of the lembar disposisi.
                all_of.push(json!({ "anyOf": [
                    { "properties": { "note": note(true) }, "required": ["note"] },
                    { "properties": { "disposition": { "properties": { "instructions": { "minItems": 1 } }, "required": ["instructions"] } }, "required": ["disposition"] },
                ] }));
            }
        }
        _ => {}
    }
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if !all_of.is_empty() {
        schema["allOf"] = json!(all_of);
    }
    attachment_content(&mut schema, step);
    schema
}

/// The JSON Schemas of an SOP's request and of each later step's action,
/// generated from its live version.
#[utoipa::path(get, path = "/sops/{agency}/{slug}/schema", tag = "sop",
    params(("agency" = String, Path, description = "Agency id, e.g. `lumajang`", example = "lumajang"), ("slug" = String, Path, description = "SOP slug, e.g. `vpn`", example = "vpn")),
    responses(
        (status = 200, description = "`request`: the schema of POST /cases for this SOP; `steps`: by step number, the step's action and the schema of POST /cases/{id}/tasks/{task} for it (JSON Schema 2020-12)", body = Object),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such SOP in the caller's agency", body = Problem, content_type = "application/problem+json"),
    ),
    security(("token" = [])))]
pub async fn schema(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, slug)): Path<(String, String)>,
) -> Result<Json<Value>, Problem> {
    let sop = own_sop(&state, &caller, &agency, &slug).await?;
    let org = state.store.organisation(&agency).await?;
    let people: Vec<String> = org.people.iter().map(|p| p.id.clone()).collect();
    let boxes = state.store.agency(&agency).await?.letters.disposition_instructions;
    let steps: Map<String, Value> = sop
        .steps
        .iter()
        .skip(1)
        .map(|step| {
            let described =
                json!({ "action": step.action.key(), "lane": step.lane, "schema": action(step, &people, &boxes) });
            (step.no.to_string(), described)
        })
        .collect();
    Ok(Json(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("/api/v1/sops/{agency}/{slug}/schema"),
        "title": sop.identity.nama.value,
        "version": sop.version,
        "request": request(&sop, &people),
        "steps": steps,
    })))
}

/// The OpenAPI document as one agency's integrators need it: the request
/// body of `POST /cases` is exactly one of its live SOPs' requests (their
/// fields, patterns, choices and attachments), and each step of each SOP
/// is an operation of its own (`POST /sops/{agency}/{slug}/cases/{id}/steps/{no}`)
/// with that step's exact action, so a client — or schemathesis — can
/// build a body the server accepts. Public, as the document and the SOPs'
/// public pages are.
pub async fn agency_document(
    State(state): State<AppState>,
    Path(agency): Path<String>,
    document: Arc<Value>,
) -> Result<Json<Value>, Problem> {
    let ids = state.store.sop_ids(&agency).await?;
    if ids.is_empty() {
        return Err(Problem::not_found());
    }
    // Public: a field naming a person is any id here, never the list of
    // the agency's people (GET /sops/…/schema gives it to its own callers).
    let boxes = state.store.agency(&agency).await?.letters.disposition_instructions;
    let mut document = (*document).clone();
    let generic_step = "/api/v1/sops/{agency}/{slug}/cases/{id}/steps/{step}";
    let paths = document["paths"].as_object_mut().expect("the document has paths");
    // A task's body depends on its step, which a task id does not show:
    // here each step of each SOP is an operation of its own instead.
    paths.remove("/api/v1/cases/{id}/tasks/{task}");
    let at_step = paths.remove(generic_step).expect("the step operation is documented");
    let mut requests = Vec::new();
    for id in &ids {
        let sop = state.store.sop(&agency, id, None).await?;
        requests.push(request(&sop, &[]));
        let slug = id.split_once('/').map_or(id.as_str(), |(_, slug)| slug);
        for step in sop.steps.iter().skip(1) {
            let mut operation = at_step["post"].clone();
            operation["operationId"] = json!(format!("act_{}_{}", slug.replace('-', "_"), step.no));
            operation["summary"] =
                json!(format!("{} — langkah {} ({})", sop.identity.nama.value, step.no, step.action.key()));
            if let Some(params) = operation["parameters"].as_array_mut() {
                params.retain(|p| !matches!(p["name"].as_str(), Some("agency" | "slug" | "step")));
            }
            operation["requestBody"]["content"]["application/json"]["schema"] = action(step, &[], &boxes);
            let path = format!("/api/v1/sops/{agency}/{slug}/cases/{{id}}/steps/{}", step.no);
            paths.insert(path, json!({ "post": operation }));
        }
    }
    document["info"]["title"] = json!(format!("Sopir API — {agency}"));
    let body = &mut document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"];
    body["schema"] = json!({ "oneOf": requests });
    Ok(Json(document))
}
