//! Rules between a body's fields that the handlers' annotations cannot
//! state (JSON Schema `if`/`then`), added to the OpenAPI document once it
//! is built, so that a body the document allows is not refused for them.

use engine::form_schema::{NOT_BLANK, TRIMMED};
use serde_json::{Value, json};
use sop::agency::{
    MAX_DISPOSITION_INSTRUCTIONS, MAX_INSTRUCTION_CHARS, MAX_LETTERHEAD_LINES, MAX_LINE_CHARS,
    MAX_RETENTION_DAYS, NUMBER_PLACEHOLDERS,
};

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
        "if": { "properties": { "decision": { "const": "cabut" } }, "required": ["decision"] },
        "then": { "properties": { "reason": { "pattern": NOT_BLANK } }, "required": ["reason"] },
    }]);
}

/// An agency profile's rules ([`sop::Agency::problems`]) on its fields.
fn profile_rules(schemas: &mut Value) {
    // A line: not blank, at most MAX_LINE_CHARS.
    let line = json!({ "type": "string", "pattern": NOT_BLANK, "maxLength": MAX_LINE_CHARS });
    let profile = &mut schemas["AgencyProfile"]["properties"];
    profile["government"] = line.clone();
    profile["name"] = line.clone();
    profile["address"]["maxLength"] = json!(2 * MAX_LINE_CHARS);
    profile["letterhead"] = json!({
        "type": "array", "items": line, "minItems": 1, "maxItems": MAX_LETTERHEAD_LINES,
    });
    // Empty, or a name of two labels or more, as [`sop::domain::check_domain`] takes it.
    let domain = json!({
        "type": "string",
        "pattern": "^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+)?$",
        "maxLength": 253,
    });
    profile["domain"] = domain.clone();
    profile["mail_domain"] = domain;
    profile["retention_days"]["minimum"] = json!(1);
    profile["retention_days"]["maximum"] = json!(MAX_RETENTION_DAYS);
    // A number template: its placeholders, `{urut}` (with a width of 1–9) once at least.
    let others: Vec<&str> = NUMBER_PLACEHOLDERS.into_iter().filter(|p| *p != "urut").collect();
    let other = format!("\\{{({})\\}}", others.join("|"));
    let sequence = "\\{urut(:[1-9])?\\}";
    let template = format!("([^{{}}]|{other})*{sequence}([^{{}}]|{other}|{sequence})*");
    let letters = &mut schemas["LettersProfile"]["properties"];
    letters["number"]["pattern"] = json!(format!("^{template}$"));
    letters["sop_number"]["pattern"] = json!(format!("^({template})?$"));
    for code in ["classification", "unit", "place"] {
        letters[code]["pattern"] = json!("^[^{}\\n]*$");
        letters[code]["maxLength"] = json!(100);
    }
    letters["disposition_instructions"] = json!({
        "type": "array",
        "items": { "type": "string", "pattern": TRIMMED, "maxLength": MAX_INSTRUCTION_CHARS },
        "minItems": 1,
        "maxItems": MAX_DISPOSITION_INSTRUCTIONS,
        "uniqueItems": true,
    });
}
