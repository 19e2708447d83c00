//! What the handlers' annotations cannot state, added to the OpenAPI
//! document once it is built, so that a body the document allows is not
//! refused for it: rules between a body's fields (JSON Schema `if`/`then`)
//! and the agency profile's limits, taken from `sop::agency`; and an
//! operation id of its own for each operation.

use engine::form_schema::{NOT_BLANK, TRIMMED};
use serde_json::{Value, json};
use sop::agency::{
    MAX_DISPOSITION_INSTRUCTIONS, MAX_ID_CHARS, MAX_INSTRUCTION_CHARS, MAX_LETTERHEAD_LINES, MAX_LINE_CHARS,
    MAX_RETENTION_DAYS, NUMBER_PLACEHOLDERS,
};
use store::review::ReviewDecision;

/// Adds the rules to `document`'s component schemas.
pub fn add(document: &mut Value) {
    // A new agency needs its id; a replaced profile has it in the address
    // (the server takes it sent again unchanged; the document says leave
    // it out, which always holds).
    let profile = |id: Value| json!({ "allOf": [{ "$ref": "#/components/schemas/AgencyProfile" }, id] });
    let paths = &mut document["paths"];
    paths["/api/v1/agencies"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
        profile(json!({ "required": ["id"] }));
    paths["/api/v1/agencies/{agency}/profile"]["put"]["requestBody"]["content"]["application/json"]["schema"] =
        profile(json!({ "not": { "required": ["id"] } }));
    let schemas = &mut document["components"]["schemas"];
    profile_rules(schemas);
    // A revocation says why.
    schemas["ReviewDecision"]["allOf"] = json!([{
        "if": { "properties": { "decision": { "const": ReviewDecision::Revoke.key() } }, "required": ["decision"] },
        "then": { "properties": { "reason": { "pattern": NOT_BLANK } }, "required": ["reason"] },
    }]);
    unique_operation_ids(document);
}

/// Gives each operation whose id another shares (utoipa names one after
/// its handler: many are `list` or `read`) an id from its method and path,
/// `get_registries_kind_id`, as OpenAPI requires and client generators
/// need. Links name operations by path, so they are unaffected.
pub fn unique_operation_ids(document: &mut Value) {
    let mut uses = std::collections::BTreeMap::<String, usize>::new();
    for item in document["paths"].as_object().into_iter().flat_map(|paths| paths.values()) {
        for id in item.as_object().into_iter().flatten().filter_map(|(_, o)| o["operationId"].as_str()) {
            *uses.entry(id.to_string()).or_default() += 1;
        }
    }
    for (path, item) in document["paths"].as_object_mut().into_iter().flatten() {
        for (method, operation) in item.as_object_mut().into_iter().flatten() {
            if operation["operationId"].as_str().is_some_and(|id| uses[id] > 1) {
                let words: Vec<String> = path
                    .trim_start_matches("/api/v1/")
                    .split('/')
                    .map(|part| part.trim_matches(['{', '}']).replace('-', "_"))
                    .collect();
                operation["operationId"] = json!(format!("{method}_{}", words.join("_")));
            }
        }
    }
}

/// Sets `rules` on the schema at `target`, keeping what it has (its
/// description from the doc comment).
fn merge(target: &mut Value, rules: Value) {
    for (key, value) in rules.as_object().into_iter().flatten() {
        target[key] = value.clone();
    }
}

/// An agency profile's rules ([`sop::Agency::problems`]) on its fields.
fn profile_rules(schemas: &mut Value) {
    // A line: not blank, at most MAX_LINE_CHARS.
    let line = json!({ "type": "string", "pattern": NOT_BLANK, "maxLength": MAX_LINE_CHARS });
    let profile = &mut schemas["AgencyProfile"]["properties"];
    merge(&mut profile["id"], json!({ "maxLength": MAX_ID_CHARS }));
    merge(&mut profile["government"], line.clone());
    merge(&mut profile["name"], line.clone());
    merge(&mut profile["address"], json!({ "maxLength": 2 * MAX_LINE_CHARS }));
    merge(
        &mut profile["letterhead"],
        json!({ "items": line, "minItems": 1, "maxItems": MAX_LETTERHEAD_LINES }),
    );
    // Empty, or a name of two labels or more, as [`sop::domain::check_domain`] takes it.
    let domain = json!({
        "pattern": "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+)?$",
        "maxLength": 253,
    });
    merge(&mut profile["domain"], domain.clone());
    merge(&mut profile["mail_domain"], domain);
    merge(&mut profile["retention_days"], json!({ "minimum": 1, "maximum": MAX_RETENTION_DAYS }));
    // A number template: its placeholders, `{urut}` (with a width of 1–9) once at least.
    let others: Vec<&str> = NUMBER_PLACEHOLDERS.into_iter().filter(|p| *p != "urut").collect();
    let other = format!("\\{{({})\\}}", others.join("|"));
    let sequence = "\\{urut(:[1-9])?\\}";
    let template = format!("([^{{}}]|{other})*{sequence}([^{{}}]|{other}|{sequence})*");
    let letters = &mut schemas["LettersProfile"]["properties"];
    merge(&mut letters["number"], json!({ "pattern": format!("^{template}$") }));
    merge(&mut letters["sop_number"], json!({ "pattern": format!("^({template})?$") }));
    for code in ["classification", "unit", "place"] {
        merge(&mut letters[code], json!({ "pattern": "^[^{}\\n]*$", "maxLength": 100 }));
    }
    merge(
        &mut letters["disposition_instructions"],
        json!({
            "items": { "type": "string", "pattern": TRIMMED, "maxLength": MAX_INSTRUCTION_CHARS },
            "minItems": 1,
            "maxItems": MAX_DISPOSITION_INSTRUCTIONS,
            "uniqueItems": true,
        }),
    );
}
