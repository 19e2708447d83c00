//! The JSON Schemas of an SOP's request and actions, over HTTP, held
//! against the server: for every built-in SOP of the demo agency, the body a
//! diligent requester sends is valid by the `request` schema and is
//! accepted; bodies the schema refuses (a wrong NIK, an unknown field, a
//! missing verdict) are refused by the server too, naming the same field;
//! the VPN case is then driven to its end, each step through its own
//! operation of the agency's document, with bodies valid by its schema.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Api, PDF, spawn};
use regex::Regex;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Why `value` is not valid by `schema`, for the keywords the schemas use
/// (`format` is a note, not checked); empty when valid.
fn violations(schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Some(schema) = schema.as_object() else { return found };
    let mut fail = |why: String| found.push(format!("{at}: {why}"));
    if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        let fits = match kind {
            "object" => value.is_object(),
            "string" => value.is_string(),
            "array" => value.is_array(),
            "boolean" => value.is_boolean(),
            other => panic!("type {other} not expected"),
        };
        if !fits {
            fail(format!("not a {kind}"));
            return found;
        }
    }
    if let Some(expected) = schema.get("const") {
        if value != expected {
            fail(format!("not {expected}"));
        }
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array) {
        if !choices.contains(value) {
            fail(format!("{value} not one of {choices:?}"));
        }
    }
    if let Some(text) = value.as_str() {
        let chars = text.chars().count() as u64;
        if schema.get("minLength").and_then(Value::as_u64).is_some_and(|m| chars < m) {
            fail("too short".into());
        }
        if schema.get("maxLength").and_then(Value::as_u64).is_some_and(|m| chars > m) {
            fail("too long".into());
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            if !Regex::new(pattern).unwrap().is_match(text) {
                fail(format!("{text:?} does not match {pattern}"));
            }
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !object.contains_key(name.as_str().unwrap()) {
                fail(format!("{name} missing"));
            }
        }
        for (name, item) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => found.extend(violations(property, item, &format!("{at}.{name}"))),
                None if schema.get("additionalProperties") == Some(&json!(false)) => {
                    found.push(format!("{at}: {name} not allowed"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        if schema.get("minItems").and_then(Value::as_u64).is_some_and(|m| (items.len() as u64) < m) {
            found.push(format!("{at}: too few items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                found.extend(violations(item_schema, item, &format!("{at}[{i}]")));
            }
        }
        if let Some(contains) = schema.get("contains") {
            let matching =
                items.iter().filter(|item| violations(contains, item, at).is_empty()).count() as u64;
            let least = schema.get("minContains").and_then(Value::as_u64).unwrap_or(1);
            let most = schema.get("maxContains").and_then(Value::as_u64).unwrap_or(u64::MAX);
            if !(least..=most).contains(&matching) {
                found.push(format!("{at}: {matching} matching {contains}, not {least}–{most}"));
            }
        }
        if schema.get("maxItems").and_then(Value::as_u64).is_some_and(|m| (items.len() as u64) > m) {
            found.push(format!("{at}: too many items"));
        }
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        found.extend(violations(part, value, at));
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        if !any.iter().any(|part| violations(part, value, at).is_empty()) {
            found.push(format!("{at}: none of anyOf"));
        }
    }
    if let (Some(condition), Some(then)) = (schema.get("if"), schema.get("then")) {
        if violations(condition, value, at).is_empty() {
            found.extend(violations(then, value, at));
        }
    }
    found
}

/// `schema` without its `examples` (today's date, the time now: what two
/// readings a minute apart may give differently).
fn without_examples(mut schema: Value) -> Value {
    match &mut schema {
        Value::Object(map) => {
            map.remove("examples");
            for value in map.values_mut() {
                *value = without_examples(value.take());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| *v = without_examples(v.take())),
        _ => {}
    }
    schema
}

fn step_schema_of(schema: &Value, no: u32) -> &Value {
    &schema["steps"][no.to_string()]["schema"]
}

fn pdf_file(name: &str) -> Value {
    json!({ "name": name, "filename": format!("{name}.pdf"), "content_base64": STANDARD.encode(PDF) })
}

async fn post(api: &Api, path: &str, body: &Value) -> (StatusCode, Value) {
    let request = api
        .client
        .post(format!("{}/api/v1{path}", api.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    let (status, _, answer) = api.call(request).await;
    (status, answer)
}

fn fields_refused(problem: &Value) -> Vec<&str> {
    problem["errors"].as_array().into_iter().flatten().map(|e| e["field"].as_str().unwrap()).collect()
}

/// Where `value` holds a null: no keyword of these schemas takes one, so a
/// null is a hole a client's validator refuses the whole document for
/// (a step without attachments once had `"items": null`).
fn nulls(value: &Value, at: &str) -> Vec<String> {
    match value {
        Value::Null => vec![at.to_string()],
        Value::Array(items) => {
            items.iter().enumerate().flat_map(|(i, v)| nulls(v, &format!("{at}/{i}"))).collect()
        }
        Value::Object(map) => map.iter().flat_map(|(k, v)| nulls(v, &format!("{at}/{k}"))).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn a_body_valid_by_its_sops_schema_is_accepted_and_what_it_refuses_is_refused() {
    let app = spawn().await;
    // The requester files most services; the duty officer registers visitors.
    let mut sops: Vec<(String, Api)> = Vec::new();
    for username in ["lmj-pemohon", "lmj-petugas"] {
        let api = Api::of(&app, username).await;
        let (_, _, list) = api.get("/sops").await;
        for sop in list.as_array().unwrap().iter().filter(|s| s["may_submit"] == true) {
            let id = sop["id"].as_str().unwrap().to_string();
            if !sops.iter().any(|(done, _)| *done == id) {
                sops.push((id, Api::of(&app, username).await));
            }
        }
    }
    assert_eq!(sops.len(), 4, "every built-in service has someone to file it");
    for (id, requester) in &sops {
        let slug = id.strip_prefix("lumajang/").unwrap();
        let (status, _, schema) = requester.get(&format!("/sops/lumajang/{slug}/schema")).await;
        assert_eq!(status, StatusCode::OK, "{id}: {schema}");
        assert_eq!(nulls(&schema, id), Vec::<String>::new(), "every keyword has a value");
        let sop = app.store.sop("lumajang", id, None).await.unwrap();
        let step = sop.first_step();
        let input = store::demo::sample_input(step, engine::Verdict::Ya);
        let body = json!({
            "sop": id,
            "fields": input.fields,
            "attachments": step.attachments.iter().map(|a| pdf_file(&a.name)).collect::<Vec<_>>(),
        });
        let request = &schema["request"];
        assert_eq!(violations(request, &body, "request"), Vec::<String>::new(), "{id}");
        let (status, answer) = post(requester, "/cases", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{id}: {answer}");

        // An unknown field: refused by both.
        let mut unknown = body.clone();
        unknown["fields"]["tidak_ada"] = json!("x");
        assert!(!violations(request, &unknown, "request").is_empty());
        let (status, answer) = post(requester, "/cases", &unknown).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{id}");
        assert!(fields_refused(&answer).contains(&"fields.tidak_ada"), "{answer}");

        // A wrong value of each patterned field: refused by both, by name.
        for field in step
            .fields
            .iter()
            .filter(|f| request["properties"]["fields"]["properties"][&f.name]["pattern"].is_string())
        {
            let mut wrong = body.clone();
            wrong["fields"][&field.name] = json!("   ");
            assert!(!violations(request, &wrong, "request").is_empty(), "{id}.{}", field.name);
            if field.required {
                let (status, answer) = post(requester, "/cases", &wrong).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{id}.{}", field.name);
                assert!(fields_refused(&answer).contains(&field.name.as_str()), "{answer}");
            }
        }
    }
}

#[tokio::test]
async fn a_vpn_case_runs_to_its_end_with_bodies_valid_by_each_steps_schema() {
    let app = spawn().await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let (_, _, schema) = requester.get("/sops/lumajang/vpn/schema").await;
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let nip = &schema["request"]["properties"]["fields"]["properties"]["nip_penanggung_jawab"];
    assert_eq!(nip["pattern"], "^[0-9]{18}$", "{nip}");
    // A disposition ticks only the agency's own boxes.
    let boxes = app.store.agency("lumajang").await.unwrap().letters.disposition_instructions;
    assert!(!boxes.is_empty());
    let instructions =
        &schema["steps"]["2"]["schema"]["properties"]["disposition"]["properties"]["instructions"];
    assert_eq!(instructions["items"]["enum"], json!(boxes), "{instructions}");
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let mut body = json!({
        "sop": "lumajang/vpn",
        "fields": input.fields,
        "attachments": sop.first_step().attachments.iter().map(|a| pdf_file(&a.name)).collect::<Vec<_>>(),
    });
    body["fields"]["nip_penanggung_jawab"] = json!("19870312");
    assert!(!violations(&schema["request"], &body, "request").is_empty(), "eight digits");
    let (status, answer) = post(&requester, "/cases", &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_refused(&answer), ["nip_penanggung_jawab"]);
    body["fields"]["nip_penanggung_jawab"] = json!(input.fields["nip_penanggung_jawab"]);
    let (status, case) = post(&requester, "/cases", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap().to_string();

    // The agency's own OpenAPI document: each step is an operation of its
    // own, with the step's exact body; the generic task operation is not
    // in it (its body depends on a step a task id does not show).
    let document: Value = serde_json::from_str(
        &reqwest::get(format!("{}/api/openapi/lumajang", app.base)).await.unwrap().text().await.unwrap(),
    )
    .unwrap();
    assert!(document["paths"].get("/api/v1/cases/{id}/tasks/{task}").is_none());
    let at_step = |no: u32| format!("/sops/lumajang/vpn/cases/{id}/steps/{no}");
    let documented = |no: u32| {
        document["paths"][format!("/api/v1/sops/lumajang/vpn/cases/{{id}}/steps/{no}")]["post"]["requestBody"]
            ["content"]["application/json"]["schema"]
            .clone()
    };
    let (status, _) = post(&requester, &at_step(2), &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the Head's step");
    let head = Api::of(&app, "lmj-kadis").await;
    let (status, _) = post(&head, &format!("/sops/lumajang/email/cases/{id}/steps/2"), &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a case of that SOP");
    let (status, answer) = post(&head, &at_step(11), &json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "step 11 is not open yet: {answer}");

    let today =
        jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date().to_string();
    let mut steps_done = 0;
    loop {
        let state = app.store.case("lumajang", &id).await.unwrap();
        let Some(task) = state.open_tasks().next().cloned() else { break };
        let no = task.step;
        let step = sop.step(no).unwrap();
        // In the demo a person's id is also their login.
        let by = task.candidates[0].person.as_str();
        let api = Api::of(&app, by).await;
        let sample = store::demo::sample_input(step, engine::Verdict::Ya);
        let mut action = json!({
            "fields": sample.fields,
            "attachments": step.attachments.iter().map(|a| pdf_file(&a.name)).collect::<Vec<_>>(),
        });
        if let Some(note) = sample.note {
            action["note"] = json!(note);
        }
        if sample.verdict.is_some() {
            action["verdict"] = json!("ya");
        }
        match step.action {
            sop::ActionKind::Sign => {
                action["signing"] = json!({ "passphrase": store::demo::CERTIFICATE_PASSPHRASE })
            }
            sop::ActionKind::Send => action["sending"] = json!({ "via": "email" }),
            // The due date the schema gives as its example (today) is taken.
            sop::ActionKind::Dispose => {
                let due = &step_schema_of(&schema, no)["properties"]["disposition"]["properties"]["due"];
                assert_eq!(due["examples"], json!([today]), "{due}");
                action["disposition"] = json!({ "due": due["examples"][0] });
            }
            _ => {}
        }
        let step_schema = &schema["steps"][no.to_string()];
        assert_eq!(step_schema["action"], step.action.key());
        assert_eq!(violations(&step_schema["schema"], &action, &format!("step {no}")), Vec::<String>::new());
        assert_eq!(
            without_examples(documented(no)),
            without_examples(step_schema["schema"].clone()),
            "the document states the step's own body"
        );
        if step.action == sop::ActionKind::Decide {
            let mut without = action.clone();
            without.as_object_mut().unwrap().remove("verdict");
            assert!(
                !violations(&step_schema["schema"], &without, "").is_empty(),
                "a decision needs its verdict"
            );
            let (status, _) = post(&api, &at_step(no), &without).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let (status, answer) = post(&api, &at_step(no), &action).await;
        assert_eq!(status, StatusCode::OK, "step {no}: {answer}");
        steps_done += 1;
    }
    let (_, _, case) = requester.get(&format!("/cases/{id}")).await;
    assert_eq!(case["status"], "completed", "{case}");
    assert!(steps_done >= 10, "{steps_done}");

    // POST /cases is one of the agency's SOPs' requests, and the body just
    // accepted is valid by exactly one of them.
    let one_of = document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["oneOf"]
        .as_array()
        .unwrap();
    assert_eq!(one_of.len(), 4, "the four live SOPs of Lumajang");
    let fitting = one_of.iter().filter(|schema| violations(schema, &body, "").is_empty()).count();
    assert_eq!(fitting, 1);
    assert_eq!(
        reqwest::get(format!("{}/api/openapi/tidak-ada", app.base)).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Another agency's SOP has no schema for this caller.
    let other = Api::of(&app, "tgx-kabid").await;
    assert_eq!(other.get("/sops/lumajang/vpn/schema").await.0, StatusCode::NOT_FOUND);
}

/// The registry step of the subdomain SOP takes what Lumajang's registry
/// takes: a name directly under its domain, and a record value by the
/// record's type. The demo's own values are valid by it; what the registry
/// refuses is refused by the schema too.
#[tokio::test]
async fn a_registry_steps_schema_holds_the_agencys_domain_and_the_records_rules() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let (_, _, schema) = admin.get("/sops/lumajang/subdomain/schema").await;
    let sop = app.store.sop("lumajang", "lumajang/subdomain", None).await.unwrap();
    let registry = sop.registry.as_ref().unwrap();
    let (kind, value) = registry.record.clone().unwrap();
    let fields = &step_schema_of(&schema, registry.step)["properties"]["fields"];
    let sample = store::demo::sample_input(sop.step(registry.step).unwrap(), engine::Verdict::Ya).fields;
    let valid = |changes: &[(&str, &str)]| {
        let mut given = json!(sample);
        for (name, text) in changes {
            given[*name] = json!(text);
        }
        violations(fields, &given, "fields").is_empty()
    };
    assert!(valid(&[]), "{:?}", violations(fields, &json!(sample), "fields"));
    for name in ["sipd", "sipd.gmail.com", "a.b.lumajangkab.go.id", "Sipd.lumajangkab.go.id"] {
        assert!(!valid(&[(&registry.key, name)]), "{name}");
    }
    assert!(valid(&[(&registry.key, "e-office.lumajangkab.go.id")]));
    for (record, good, bad) in [
        ("A", "10.10.1.7", "2001:db8::7"),
        ("AAAA", "2001:0db8:0000:0000:0000:0000:0000:0007", "10.10.1.7"),
        ("CNAME", "web.lumajangkab.go.id", "web"),
        ("TXT", "v=spf1 -all", "baris\nbaru"),
    ] {
        assert!(valid(&[(&kind, record), (&value, good)]), "{record} {good}");
        assert!(!valid(&[(&kind, record), (&value, bad)]), "{record} {bad}");
        assert!(sop::domain::check_record(record, good).is_ok(), "the registry takes {record} {good}");
        assert!(sop::domain::check_record(record, bad).is_err(), "the registry refuses {record} {bad}");
    }
}

/// The OpenAPI document states what the server checks beyond each field:
/// a query parameter it requires, an id a new agency needs and a replaced
/// profile leaves out, a reason a revocation needs; and an agency's own
/// document names its units, its checklist's length and today.
#[tokio::test]
async fn the_document_states_the_rules_between_fields_and_the_agencys_own_lists() {
    let app = spawn().await;
    let read = |path: &'static str| {
        let url = format!("{}{path}", app.base);
        async move {
            serde_json::from_str::<Value>(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap()
        }
    };
    let document = read("/api/openapi.json").await;
    let paths = &document["paths"];
    let revision = paths["/api/v1/sop-drafts/{id}"]["delete"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "revision")
        .unwrap()
        .clone();
    assert_eq!((revision["in"].as_str(), revision["required"].as_bool()), (Some("query"), Some(true)));
    // A parameter said to be in the path is in it (a query's struct must say
    // it is a query's).
    for (path, item) in paths.as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                if parameter["in"] == "path" {
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
        }
    }
    let body = |path: &str, method: &str| {
        paths[path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
    };
    assert_eq!(body("/api/v1/agencies", "post")["allOf"][1], json!({ "required": ["id"] }));
    assert_eq!(
        body("/api/v1/agencies/{agency}/profile", "put")["allOf"][1],
        json!({ "not": { "required": ["id"] } })
    );
    let schemas = &document["components"]["schemas"];
    let revocation = &schemas["ReviewDecision"]["allOf"][0];
    assert_eq!(revocation["if"]["properties"]["decision"]["const"], "cabut");
    assert_eq!(revocation["then"]["required"], json!(["reason"]));
    assert_eq!(schemas["ReviewDecision"]["properties"]["decision"]["enum"], json!(["tetap", "cabut"]));
    let number =
        Regex::new(schemas["LettersProfile"]["properties"]["number"]["pattern"].as_str().unwrap()).unwrap();
    let profile = app.store.agency("lumajang").await.unwrap();
    assert!(number.is_match(&profile.letters.number), "{}", profile.letters.number);
    for refused in ["", "{klasifikasi}/{tahun}", "{urut:10}", "{nomor}/{urut}"] {
        assert!(!number.is_match(refused), "{refused}");
        let mut changed = profile.clone();
        changed.letters.number = refused.into();
        assert!(
            changed.problems().iter().any(|p| p.field == "letters.number"),
            "the server refuses {refused:?} too"
        );
    }

    let lumajang = read("/api/openapi/lumajang").await;
    let schemas = &lumajang["components"]["schemas"];
    let units: Vec<String> = app.store.units("lumajang").await.unwrap().into_iter().map(|u| u.id).collect();
    assert_eq!(schemas["PersonBody"]["properties"]["unit"]["enum"], json!(units));
    let questions = app.store.evaluation_questions("lumajang").await.unwrap().len();
    assert_eq!(schemas["NewEvaluation"]["properties"]["answers"]["minItems"], json!(questions));
    assert_eq!(schemas["NewEvaluation"]["properties"]["answers"]["maxItems"], json!(questions));
    let today =
        jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date().to_string();
    assert_eq!(schemas["HoldingEnd"]["properties"]["until"]["examples"], json!([today]));
    // Each SOP's monitoring form has its own rows: one per step.
    assert!(lumajang["paths"].get("/api/v1/monitoring/{agency}/{slug}").is_none());
    let rows = &lumajang["paths"]["/api/v1/monitoring/lumajang/vpn"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["rows"];
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let steps: Vec<Value> = rows["prefixItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["step"]["const"].clone())
        .collect();
    assert_eq!(steps, sop.steps.iter().map(|s| json!(s.no)).collect::<Vec<_>>());
    assert_eq!((rows["minItems"].clone(), rows["items"].clone()), (json!(sop.steps.len()), json!(false)));
    // Its period: the one due now, which the page offers too; reading any
    // other stays open.
    let months = app.store.monitoring_months("lumajang").await.unwrap();
    let (from, until) = store::monitoring::previous_period(today.parse().unwrap(), months);
    let period = |method: &str| -> Vec<Value> {
        let item = &lumajang["paths"]["/api/v1/monitoring/lumajang/vpn"][method];
        ["from", "to"]
            .iter()
            .map(|name| {
                let params = item["parameters"].as_array().unwrap();
                params.iter().find(|p| p["name"] == *name).unwrap()["schema"]["enum"].clone()
            })
            .collect()
    };
    assert_eq!(period("post"), [json!([from.to_string()]), json!([until.to_string()])]);
    assert_eq!(period("get"), [Value::Null, Value::Null]);
}

/// A body of a connector's settings by the agency's document: the
/// examples it gives, saved as a dry run.
fn settings_from_examples(schema: &Value) -> Value {
    let example = |property: &Value| property["examples"][0].clone();
    let properties = &schema["properties"];
    let options: serde_json::Map<String, Value> = properties["options"]["properties"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, property)| (name.clone(), example(property)))
        .collect();
    let address = match example(&properties["address"]) {
        Value::Null => json!(""),
        given => given,
    };
    json!({ "address": address, "secret": example(&properties["secret"]), "options": options, "dry_run": true })
}

#[tokio::test]
async fn each_connectors_settings_are_an_operation_of_their_own_that_the_server_keeps_to() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let url = format!("{}/api/openapi/lumajang", app.base);
    let document: Value =
        serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap();
    let paths = &document["paths"];
    assert!(paths.get("/api/v1/connectors/{kind}").is_none());
    let put = |kind: &str, body: &Value| {
        admin
            .client
            .put(format!("{}/api/v1/connectors/{kind}", admin.base))
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    // Each operation has an id of its own, here and in the whole document.
    let generic = format!("{}/api/openapi.json", app.base);
    let generic: Value =
        serde_json::from_str(&reqwest::get(generic).await.unwrap().text().await.unwrap()).unwrap();
    for paths in [paths, &generic["paths"]] {
        let mut ids: Vec<&str> = paths
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all, "operationIds are unique");
    }
    for kind in sop::ConnectorKind::ALL.map(sop::ConnectorKind::key) {
        let item = &paths[format!("/api/v1/connectors/{kind}")];
        assert!(item["delete"].is_object(), "{kind}: removed by its own path too");
        let schema = &item["put"]["requestBody"]["content"]["application/json"]["schema"];
        let body = settings_from_examples(schema);
        assert_eq!(violations(schema, &body, kind), Vec::<String>::new());
        let (status, _, saved) = admin.call(put(kind, &body)).await;
        assert_eq!(status, StatusCode::OK, "{kind}: {saved}");
        // A required option left out (the webhook has none: an unknown
        // one), refused by both.
        let mut wrong = body.clone();
        let options = wrong["options"].as_object_mut().unwrap();
        match schema["properties"]["options"]["required"][0].as_str() {
            Some(required) => options.remove(required),
            None => options.insert("tidak_dikenal".into(), json!("1")),
        };
        assert!(!violations(schema, &wrong, kind).is_empty(), "{kind}: {wrong}");
        let (status, _, problem) = admin.call(put(kind, &wrong)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {wrong}: {problem}");
    }
    // A value out of its range, by the document and by the server.
    let dns = &paths["/api/v1/connectors/dns"]["put"]["requestBody"]["content"]["application/json"]["schema"];
    for (option, value) in [("ttl", "59"), ("ttl", "86401"), ("timeout_seconds", "0"), ("zone", "-a.go.id")] {
        let mut body = settings_from_examples(dns);
        body["options"][option] = json!(value);
        assert!(!violations(dns, &body, "dns").is_empty(), "{option} = {value}");
        let (status, _, problem) = admin.call(put("dns", &body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{option} = {value}: {problem}");
    }
}
