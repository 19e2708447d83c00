//! Exact JSON Schemas of a live SOP's requests and actions, generated from
//! its definition: the body of `POST /cases` for its first step and of
//! `POST /cases/{id}/tasks/{task}` for each later step — each field's kind,
//! lengths, pattern and choices ([`engine::form_schema`]), what the step's
//! kind of action needs (a verdict, a note, a draft, a signature), and
//! nothing else. A client checks a body before sending it; schemathesis
//! generates bodies the server accepts. An agency's OpenAPI document adds
//! what only the agency knows: its SOPs' steps and monitoring forms as
//! operations of their own, its disposition boxes, domains, units and
//! checklist, and today's date as the example of dates not before today.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use engine::Verdict;
use engine::form_schema::{DATE, DATE_TIME, IPV4, IPV6, NOT_BLANK, attachments_schema, fields_schema};
use engine::workflow::NOTE_MAX_CHARS;
use serde_json::{Map, Value, json};
use sop::registry_kind::NameRule;
use sop::{ActionKind, Agency, Sop, Step};

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

/// What an agency adds to its SOPs' schemas: its disposition boxes, its
/// domains (the names its registries take), and its date now, given as an
/// example of the dates that may not be before today.
struct AgencyTerms {
    agency: Agency,
    now: jiff::civil::DateTime,
}

impl AgencyTerms {
    async fn of(state: &AppState, agency: &str) -> Result<AgencyTerms, Problem> {
        let zone = state.store.calendar(agency).await?.zone;
        let now = jiff::Timestamp::now().to_zoned(zone).datetime();
        Ok(AgencyTerms { agency: state.store.agency(agency).await?, now })
    }

    fn today(&self) -> String {
        self.now.date().to_string()
    }
}

/// A label of a domain name, as [`sop::domain`] checks it.
const LABEL: &str = "[a-z]([a-z0-9-]{0,61}[a-z0-9])?";

/// The registry step's fields as the agency's registry takes them: the
/// name under its domain, the record's value by its type, a valid-until
/// date from today. Only where the field is plain text (or a domain or an
/// address) by the SOP: an SOP's own pattern stays as it is.
fn registry_step_fields(fields: &mut Value, sop: &Sop, step: &Step, terms: &AgencyTerms) {
    let Some(registry) = sop.registry.as_ref().filter(|r| r.step == step.no) else { return };
    let own_pattern = |name: &str| step.fields.iter().any(|f| f.name == name && f.pattern.is_some());
    let escaped = |domain: &str| domain.replace('.', "\\.");
    let agency = &terms.agency;
    let name = match registry.kind.name_rule() {
        NameRule::DomainLabel if !agency.domain.is_empty() => {
            Some(format!("^{LABEL}\\.{}$", escaped(&agency.domain)))
        }
        // At most 61 characters before the @ (the checks allow 64).
        NameRule::Mailbox if !agency.mail_domain.is_empty() => {
            Some(format!("^[a-z0-9_-]{{1,30}}(\\.[a-z0-9_-]{{1,30}})?@{}$", escaped(&agency.mail_domain)))
        }
        _ => None,
    };
    let properties = &mut fields["properties"];
    if let Some(pattern) = name.filter(|_| !own_pattern(&registry.key)) {
        let key = &mut properties[&registry.key];
        if let Some(key) = key.as_object_mut() {
            key.remove("allOf");
            key.remove("format");
            key.insert("pattern".into(), json!(pattern));
        }
    }
    if let Some(until) = registry.valid_until.as_ref().and_then(|f| properties.get_mut(f)) {
        until["examples"] = json!([terms.today()]);
    }
    let Some((kind, value)) = registry.record.as_ref().filter(|(_, value)| !own_pattern(value)) else {
        return;
    };
    if let Some(value) = properties.get_mut(value).and_then(Value::as_object_mut) {
        value.remove("pattern");
        value.remove("allOf");
    }
    // Each type's value ([`sop::domain::check_record`]); IPv6 in full, a
    // TXT of at most 500 characters (2000 bytes) without control characters.
    let by_type: Vec<Value> = [
        ("A", IPV4.to_string()),
        ("AAAA", IPV6.to_string()),
        ("CNAME", format!("^{LABEL}(\\.{LABEL})+\\.?$")),
        ("TXT", "^[^\\s\\u0000-\\u001f\\u007f-\\u009f]([^\\u0000-\\u001f\\u007f-\\u009f]{0,498}[^\\s\\u0000-\\u001f\\u007f-\\u009f])?$".to_string()),
    ]
    .into_iter()
    .map(|(record, pattern)| {
        json!({ "properties": { (kind.clone()): { "const": record }, (value.clone()): { "pattern": pattern } } })
    })
    .collect();
    let rules = fields["allOf"].as_array_mut().map(std::mem::take).unwrap_or_default();
    fields["allOf"] = json!([rules, vec![json!({ "anyOf": by_type })]].concat());
}

/// The body of an action at `step` of `sop`, in the agency of `terms`
/// (its lembar disposisi boxes are the only instructions it takes).
fn action(sop: &Sop, step: &Step, people: &[String], terms: &AgencyTerms) -> Value {
    let boxes = &terms.agency.letters.disposition_instructions;
    let mut properties = Map::new();
    let mut required: Vec<&str> = Vec::new();
    let mut all_of: Vec<Value> = Vec::new();
    let verdict = json!({ "enum": Verdict::ALL.map(Verdict::key) });
    properties.insert("note".into(), note(false));
    let mut fields = fields_schema(&step.fields, people);
    registry_step_fields(&mut fields, sop, step, terms);
    properties.insert("fields".into(), fields);
    properties.insert("attachments".into(), attachments_schema(&step.attachments));
    if step.fields.iter().any(|f| f.required) {
        required.push("fields");
    }
    if step.attachments.iter().any(|a| a.required) {
        required.push("attachments");
    }
    // A note is needed when a draft is returned or a request refused.
    let note_when_returned = json!({
        "if": { "properties": { "verdict": { "const": Verdict::Tidak.key() } }, "required": ["verdict"] },
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
                        "at": { "type": "string", "pattern": DATE_TIME, "examples": [terms.now.strftime("%Y-%m-%dT%H:%M").to_string()], "description": "When it left (agency time): not before the letter was signed, not in the future; absent: now" },
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
                        "due": { "type": "string", "format": "date", "pattern": DATE, "examples": [terms.today()], "description": "Not before today (the agency's date)" },
                        "addressee": { "type": "string", "minLength": 1, "description": "A person of the next step's lane" },
                    },
                    "additionalProperties": false,
                    // One the server takes: due today, the addressee left
                    // to the default (the next lane's person on duty).
                    "examples": [{ "due": terms.today() }],
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

/// The monitoring operations of `generic` for `sop`: its steps' rows, each
/// judged (and a step not going well with the action it needs), signed off
/// for `due`, the period whose forms are due now. Earlier finished periods
/// are signed off too, but no schema can say "a `from` not after `to`,
/// both before today"; offering the due one keeps a generated request one
/// the server takes.
fn monitoring_of(generic: &Value, sop: &Sop, due: (jiff::civil::Date, jiff::civil::Date)) -> Value {
    use store::monitoring::{Judgement, TEXT_MAX_CHARS};
    let text = json!({ "type": "string", "maxLength": TEXT_MAX_CHARS });
    let judgements = Judgement::ALL.map(Judgement::code);
    let rows: Vec<Value> = sop
        .steps
        .iter()
        .map(|step| {
            json!({
                "type": "object",
                "properties": {
                    "step": { "const": step.no },
                    "judgement": { "enum": judgements },
                    "note": text,
                    "action": text,
                },
                "required": ["step", "judgement"],
                "additionalProperties": false,
                "if": { "properties": { "judgement": { "const": Judgement::NotGood.code() } } },
                "then": { "properties": { "action": { "pattern": NOT_BLANK } }, "required": ["action"] },
            })
        })
        .collect();
    let mut item = path_filled(generic, &["agency", "slug"]);
    let (from, until) = (due.0.to_string(), due.1.to_string());
    for param in item["post"]["parameters"].as_array_mut().into_iter().flatten() {
        let day = match param["name"].as_str() {
            Some("from") => &from,
            Some("to") => &until,
            _ => continue,
        };
        param["schema"]["enum"] = json!([day]);
        param["description"] = json!(format!("{day}: the period whose forms are due now (the default)"));
    }
    item["post"]["requestBody"]["content"]["application/json"]["schema"] = json!({
        "type": "object",
        "properties": { "rows": { "type": "array", "prefixItems": rows, "items": false, "minItems": sop.steps.len() } },
        "required": ["rows"],
        "additionalProperties": false,
    });
    item
}

/// A copy of the path item `generic` whose operations no longer take the
/// path parameters `names`: the agency's document writes them into the
/// path (`/api/v1/monitoring/lumajang/vpn`).
pub(super) fn path_filled(generic: &Value, names: &[&str]) -> Value {
    let mut item = generic.clone();
    for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
        if let Some(params) = operation["parameters"].as_array_mut() {
            params.retain(|p| !p["name"].as_str().is_some_and(|name| names.contains(&name)));
        }
    }
    item
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
    let terms = AgencyTerms::of(&state, &agency).await?;
    let steps: Map<String, Value> = sop
        .steps
        .iter()
        .skip(1)
        .map(|step| {
            let described =
                json!({ "action": step.action.key(), "lane": step.lane, "schema": action(&sop, step, &people, &terms) });
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
    let terms = AgencyTerms::of(&state, &agency).await?;
    let mut document = (*document).clone();
    let generic_step = "/api/v1/sops/{agency}/{slug}/cases/{id}/steps/{step}";
    let paths = document["paths"].as_object_mut().expect("the document has paths");
    // A task's body depends on its step, which a task id does not show:
    // here each step of each SOP is an operation of its own instead.
    paths.remove("/api/v1/cases/{id}/tasks/{task}");
    let at_step = path_filled(
        &paths.remove(generic_step).expect("the step operation is documented"),
        &["agency", "slug", "step"],
    );
    // So is an SOP's monitoring form, whose rows are its steps.
    let monitoring = paths.remove("/api/v1/monitoring/{agency}/{slug}").expect("monitoring is documented");
    let months = state.store.monitoring_months(&agency).await?;
    let due = store::monitoring::previous_period(terms.now.date(), months);
    // A connector's settings depend on its kind: one operation each.
    let connector = paths.remove("/api/v1/connectors/{kind}").expect("connectors are documented");
    paths.extend(super::connectors::operations_by_kind(&connector));
    let mut requests = Vec::new();
    for id in &ids {
        let sop = state.store.sop(&agency, id, None).await?;
        requests.push(request(&sop, &[]));
        let slug = id.split_once('/').map_or(id.as_str(), |(_, slug)| slug);
        paths.insert(format!("/api/v1/monitoring/{agency}/{slug}"), monitoring_of(&monitoring, &sop, due));
        for step in sop.steps.iter().skip(1) {
            let mut operation = at_step["post"].clone();
            operation["operationId"] = json!(format!("act_{}_{}", slug.replace('-', "_"), step.no));
            operation["summary"] =
                json!(format!("{} — langkah {} ({})", sop.identity.nama.value, step.no, step.action.key()));
            operation["requestBody"]["content"]["application/json"]["schema"] =
                action(&sop, step, &[], &terms);
            let path = format!("/api/v1/sops/{agency}/{slug}/cases/{{id}}/steps/{}", step.no);
            paths.insert(path, json!({ "post": operation }));
        }
    }
    // The agency's own lists: its units (public, as its structure is) and
    // the number of questions of its SOP checklist.
    let schemas = &mut document["components"]["schemas"];
    let units: Vec<String> = state.store.units(&agency).await?.into_iter().map(|u| u.id).collect();
    schemas["PersonBody"]["properties"]["unit"]["enum"] = json!(units);
    // A holding ends on a day not before it began: today is one.
    schemas["HoldingEnd"]["properties"]["until"]["examples"] = json!([terms.today()]);
    let questions = state.store.evaluation_questions(&agency).await?.len();
    let answers = &mut schemas["NewEvaluation"]["properties"]["answers"];
    answers["minItems"] = json!(questions);
    answers["maxItems"] = json!(questions);
    document["info"]["title"] = json!(format!("Sopir API — {agency}"));
    let body = &mut document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"];
    body["schema"] = json!({ "oneOf": requests });
    // The operations copied per SOP and per kind share their ids again.
    super::schema_rules::unique_operation_ids(&mut document);
    Ok(Json(document))
}
