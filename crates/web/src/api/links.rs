//! OpenAPI links: where an answer leads — the id a creating call returns,
//! used by the calls that read, change or remove what it made. Clients
//! generated from the document follow them, and schemathesis's stateful
//! phase chains calls by them (create → read → act).

use serde_json::{Value, json};

/// From an operation's answer to another operation: (from path, method,
/// status), the link's name, (to path, method), and each parameter of the
/// target with the runtime expression that gives it.
type Link = (
    (&'static str, &'static str, &'static str),
    &'static str,
    (&'static str, &'static str),
    &'static [(&'static str, &'static str)],
);

const CASE: &[(&str, &str)] = &[("id", "$response.body#/id")];
const DRAFT: &[(&str, &str)] = &[("id", "$response.body#/id")];
const DRAFT_AT: &[(&str, &str)] = &[("id", "$response.body#/id"), ("revision", "$response.body#/revision")];
const WEBHOOK: &[(&str, &str)] = &[("id", "$response.body#/id")];
const PERSON: &[(&str, &str)] = &[("agency", "$request.path.agency"), ("person", "$response.body#/id")];
const HOLDING: &[(&str, &str)] = &[("agency", "$request.path.agency"), ("holding", "$response.body#/id")];
const AGENCY: &[(&str, &str)] = &[("agency", "$response.body#/id")];

const LINKS: &[Link] = &[
    (("/api/v1/cases", "post", "201"), "ReadCase", ("/api/v1/cases/{id}", "get"), CASE),
    (("/api/v1/cases", "post", "201"), "WithdrawCase", ("/api/v1/cases/{id}/withdraw", "post"), CASE),
    (("/api/v1/sop-drafts", "post", "201"), "ReadDraft", ("/api/v1/sop-drafts/{id}", "get"), DRAFT),
    (("/api/v1/sop-drafts", "post", "201"), "SaveDraft", ("/api/v1/sop-drafts/{id}", "put"), DRAFT),
    (("/api/v1/sop-drafts", "post", "201"), "DeleteDraft", ("/api/v1/sop-drafts/{id}", "delete"), DRAFT_AT),
    (
        ("/api/v1/sop-drafts", "post", "201"),
        "PublishDraft",
        ("/api/v1/sop-drafts/{id}/publish", "post"),
        DRAFT,
    ),
    (
        ("/api/v1/sop-drafts", "post", "201"),
        "SendDraftForReview",
        ("/api/v1/sop-drafts/{id}/review", "post"),
        DRAFT,
    ),
    (("/api/v1/webhooks", "post", "201"), "ReadWebhook", ("/api/v1/webhooks/{id}", "get"), WEBHOOK),
    (
        ("/api/v1/webhooks", "post", "201"),
        "WebhookDeliveries",
        ("/api/v1/webhooks/{id}/deliveries", "get"),
        WEBHOOK,
    ),
    (("/api/v1/webhooks", "post", "201"), "RemoveWebhook", ("/api/v1/webhooks/{id}", "delete"), WEBHOOK),
    (
        ("/api/v1/agencies/{agency}/people", "post", "201"),
        "SavePerson",
        ("/api/v1/agencies/{agency}/people/{person}", "put"),
        PERSON,
    ),
    (
        ("/api/v1/agencies/{agency}/holdings", "post", "201"),
        "EndHolding",
        ("/api/v1/agencies/{agency}/holdings/{holding}/end", "post"),
        HOLDING,
    ),
    (
        ("/api/v1/agencies", "post", "201"),
        "ReadProfile",
        ("/api/v1/agencies/{agency}/profile", "get"),
        AGENCY,
    ),
    (
        ("/api/v1/agencies", "post", "201"),
        "ReadOrganisation",
        ("/api/v1/agencies/{agency}/organisation", "get"),
        AGENCY,
    ),
];

/// `#/paths/…/method` of an operation (RFC 6901 escapes, then the
/// fragment's percent-encoding of the braces).
fn operation_ref(path: &str, method: &str) -> String {
    let pointer = path.replace('~', "~0").replace('/', "~1").replace('{', "%7B").replace('}', "%7D");
    format!("#/paths/{pointer}/{method}")
}

/// Adds the links to `document` (the served OpenAPI document as JSON).
/// Panics when a link names an operation or answer the document lacks, so
/// a renamed route cannot leave a dangling link (the API's tests serve it).
pub fn add(document: &mut Value) {
    for ((from, method, status), name, (to, to_method), parameters) in LINKS {
        assert!(document["paths"][to][to_method].is_object(), "link {name}: no {to_method} {to}");
        let response = &mut document["paths"][from][method]["responses"][status];
        assert!(response.is_object(), "link {name}: no {status} of {method} {from}");
        let parameters: serde_json::Map<String, Value> =
            parameters.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        response["links"][name] =
            json!({ "operationRef": operation_ref(to, to_method), "parameters": parameters });
    }
}
