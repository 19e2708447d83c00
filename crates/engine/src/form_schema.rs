//! The JSON Schema (2020-12) of what [`crate::form`] accepts at a step:
//! each field's kind, lengths, pattern and choices, which fields are
//! required (`required_when` too) and which attachments — so that a client,
//! or a test generator, can check a body before sending it. The schema is
//! never looser than the checks: a value it allows is accepted (the tests
//! below hold each kind's pattern against [`crate::form::check_fields`]);
//! it may be stricter where the checks are lenient (spaces in a NIK, an
//! upper-case address, 29 February): a value the schema allows is already
//! in the form the checks keep, so an SOP's own pattern holds the same.

use serde_json::{Map, Value, json};
use sop::definition::{Attachment, Field, FieldKind};

/// A number in the form the checks keep it (a decimal point): a value
/// already normal, so a pattern of the SOP's holds the same on both sides.
pub const NUMBER: &str = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$";
/// A date whose month has that day in every year (29 February left out:
/// a pattern cannot know leap years, and the schema is never looser than
/// the checks).
pub const DATE: &str = concat!(
    "^[0-9]{4}-",
    "((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)",
    "$"
);
pub const DATE_TIME: &str = concat!(
    "^[0-9]{4}-",
    "((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)",
    "T([01][0-9]|2[0-3]):[0-5][0-9]$"
);
/// Lower case, as the checks keep an address.
pub const EMAIL: &str = r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$";
pub const PHONE: &str = r"^\+?[0-9]{8,15}$";
/// Province 11–94, regency and district not 00, a birth day (plus 40 for
/// women) and month, the year, a serial not 0000.
pub const NIK: &str = r"^(1[1-9]|[2-8][0-9]|9[0-4])([0-9][1-9]|[1-9]0)([0-9][1-9]|[1-9]0)(0[1-9]|[12][0-9]|3[01]|4[1-9]|[56][0-9]|7[01])(0[1-9]|1[0-2])[0-9]{2}([0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)$";
pub const NIP: &str = r"^[0-9]{18}$";
/// RFC 1035 labels of at most 63 characters, lower case.
pub const DOMAIN: &str = r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,61}[a-z0-9])?)*$";
/// An IPv4 address as the checks write it back, or an IPv6 one in full.
pub const IP: &str = r"^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$|^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";
/// [`IP`]'s two halves.
pub const IPV4: &str =
    r"^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$";
pub const IPV6: &str = r"^([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";
/// Something besides spaces (a note). The checks cut what Rust calls
/// white space, which is ECMAScript's `\s` (what a schema's reader uses)
/// and also U+0085 (NEXT LINE): named here, or a note of only that would be
/// valid by the schema and blank to the server.
pub const NOT_BLANK: &str = r"[^\s\u0085]";
/// Text as the checks keep it: not blank, no spaces around it (they are
/// cut before lengths and patterns are checked; U+0085 as in [`NOT_BLANK`]).
pub const TRIMMED: &str = r"^[^\s\u0085]([\s\S]*[^\s\u0085])?$";
/// The longest number written.
const NUMBER_MAX_CHARS: u32 = 40;

/// The schema of one field's value; `people` are the ids a `pegawai` field
/// may name (the agency's people), empty when not known.
pub fn value_schema(field: &Field, people: &[String]) -> Value {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("string"));
    schema.insert("title".into(), json!(field.label));
    if let Some(help) = &field.help {
        schema.insert("description".into(), json!(help));
    }
    let mut patterns = Vec::new();
    match field.kind {
        FieldKind::Text | FieldKind::Textarea => patterns.push(TRIMMED),
        FieldKind::Number => {
            patterns.push(NUMBER);
            schema.insert("maxLength".into(), json!(NUMBER_MAX_CHARS));
        }
        FieldKind::Date => {
            patterns.push(DATE);
            schema.insert("format".into(), json!("date"));
        }
        FieldKind::DateTime => patterns.push(DATE_TIME),
        FieldKind::Email => {
            patterns.push(EMAIL);
            schema.insert("format".into(), json!("email"));
            schema.insert("maxLength".into(), json!(254));
        }
        FieldKind::Phone => patterns.push(PHONE),
        FieldKind::Nik => patterns.push(NIK),
        FieldKind::Nip => patterns.push(NIP),
        FieldKind::Domain => {
            patterns.push(DOMAIN);
            schema.insert("maxLength".into(), json!(253));
        }
        FieldKind::Ip => patterns.push(IP),
        FieldKind::Select => {
            schema.insert("enum".into(), json!(field.options));
        }
        FieldKind::Pegawai if people.is_empty() => patterns.push(TRIMMED),
        FieldKind::Pegawai => {
            schema.insert("enum".into(), json!(people));
        }
    }
    match (&field.pattern, field.kind) {
        // Text is kept as typed but for the spaces around it: the SOP's
        // pattern alone says what it may be (two patterns at once are
        // beyond what generators of test data can meet). An SOP pattern
        // that allows spaces around the text is the one way this schema
        // is looser than the checks; the built-in SOPs' patterns do not.
        (Some(pattern), FieldKind::Text | FieldKind::Textarea) => patterns = vec![pattern.as_str()],
        (Some(pattern), _) => patterns.push(pattern.as_str()),
        (None, _) => {}
    }
    if let Some(min) = field.min_length {
        schema.insert("minLength".into(), json!(min));
    }
    if let Some(max) = field.max_length {
        let kept = schema.get("maxLength").and_then(Value::as_u64).map_or(max, |m| (m as u32).min(max));
        schema.insert("maxLength".into(), json!(kept));
    }
    match patterns.as_slice() {
        [] => {}
        [one] => {
            schema.insert("pattern".into(), json!(one));
        }
        many => {
            let all: Vec<Value> = many.iter().map(|p| json!({ "pattern": p })).collect();
            schema.insert("allOf".into(), json!(all));
        }
    }
    Value::Object(schema)
}

/// The schema of a step's `fields` object: its fields and no other, the
/// required ones required, and those `required_when` another has a value.
pub fn fields_schema(fields: &[Field], people: &[String]) -> Value {
    let properties: Map<String, Value> =
        fields.iter().map(|f| (f.name.clone(), value_schema(f, people))).collect();
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name.as_str()).collect();
    let conditions: Vec<Value> = fields
        .iter()
        .filter_map(|f| {
            let when = f.required_when.as_ref()?;
            Some(json!({
                "if": { "properties": { (when.field.clone()): { "const": when.value } }, "required": [when.field] },
                "then": { "required": [f.name] },
            }))
        })
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if !conditions.is_empty() {
        schema["allOf"] = json!(conditions);
    }
    schema
}

/// The schema of a step's `attachments` array (of `{name, filename,
/// content_base64}`): only its attachments, each required one present.
pub fn attachments_schema(attachments: &[Attachment]) -> Value {
    if attachments.is_empty() {
        // A step that takes no file: only the empty list (no item shape
        // naming an empty list of names and kinds).
        return json!({ "type": "array", "maxItems": 0 });
    }
    let names: Vec<&str> = attachments.iter().map(|a| a.name.as_str()).collect();
    // Each at most once (the checks refuse a second), the required ones once.
    let once: Vec<Value> = attachments
        .iter()
        .map(|a| {
            let min = u32::from(a.required);
            json!({
                "contains": { "properties": { "name": { "const": a.name } }, "required": ["name"] },
                "minContains": min,
                "maxContains": 1,
            })
        })
        .collect();
    let accepted: Vec<String> = attachments.iter().flat_map(|a| a.accept.iter().cloned()).collect();
    let mut schema = json!({
        "type": "array",
        "maxItems": attachments.len(),
        "items": {
            "type": "object",
            "properties": {
                "name": { "enum": names },
                "filename": {
                    "type": "string",
                    "minLength": 1,
                    "description": format!("Jenis berkas yang diterima: {}", accepted.join(", ")),
                },
                "content_base64": { "type": "string", "contentEncoding": "base64", "minLength": 1 },
            },
            "required": ["name", "filename", "content_base64"],
            "additionalProperties": false,
        },
    });
    if attachments.len() == 1 {
        // One attachment: at most one item says it; whether it is required
        // is the request's `required` and a `minItems`.
        schema["minItems"] = json!(u32::from(attachments[0].required));
    } else if !once.is_empty() {
        schema["allOf"] = json!(once);
    }
    schema
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use regex::Regex;

    use super::*;
    use crate::form::check_fields;

    fn field(kind: FieldKind) -> Field {
        Field {
            name: "isian".into(),
            label: "Isian".into(),
            kind,
            required: true,
            pattern: None,
            min_length: None,
            max_length: None,
            options: vec!["Ya".into(), "Tidak".into()],
            help: None,
            personal: kind == FieldKind::Nik,
            required_when: None,
            on_behalf: false,
        }
    }

    fn accepted(kind: FieldKind, value: &str) -> bool {
        check_fields(&[field(kind)], &BTreeMap::from([("isian".to_string(), value.to_string())])).is_ok()
    }

    #[test]
    fn an_ip_is_an_ipv4_or_an_ipv6_address() {
        assert_eq!(IP, format!("{IPV4}|{IPV6}"));
    }

    /// Every value the schema allows is accepted, and the wrong ones the
    /// checks refuse the schema refuses too.
    #[test]
    fn each_kinds_pattern_allows_only_what_the_checks_accept() {
        let cases: [(FieldKind, &str, &[&str], &[&str]); 10] = [
            (
                FieldKind::Number,
                NUMBER,
                &["12", "-3", "2.5", "0.75", ".5", "7."],
                &["dua", "1,2,3", "2,5", "", "1e"],
            ),
            (
                FieldKind::Date,
                DATE,
                &["2026-11-30", "2026-01-31", "2026-04-30", "2026-02-28"],
                &["30-11-2026", "2026-13-01", "2026-1-1", "2026-02-30", "2026-04-31", "2024-02-29"],
            ),
            (
                FieldKind::DateTime,
                DATE_TIME,
                &["2026-11-30T08:05"],
                &["2026-11-30 08:05", "2026-11-30T24:00", "2026-02-30T08:00"],
            ),
            (
                FieldKind::Email,
                EMAIL,
                &["nama@lumajangkab.go.id", "a.b+c@x.id"],
                &["nama@", "@x.id", "a@b", "Nama@lumajangkab.go.id"],
            ),
            (
                FieldKind::Ip,
                IP,
                &["10.8.0.12", "255.255.255.255", "2001:db8:0:0:0:0:0:1"],
                &["10.8.0.256", "010.8.0.1", "10.8.0", "server", "2001:DB8::1"],
            ),
            (FieldKind::Phone, PHONE, &["081234567890", "+6281234567"], &["0812", "+62 812 abc"]),
            (
                FieldKind::Nik,
                NIK,
                &["3508011201900001", "3508015212900010", "1101010101000100", "9471017112991000"],
                &[
                    "3508011201900000",
                    "9508011201900001",
                    "3500011201900001",
                    "3508013201900001",
                    "350801120190001",
                ],
            ),
            (FieldKind::Nip, NIP, &["198703122010011002"], &["19870312201001100", "1987031220100110021"]),
            (
                FieldKind::Domain,
                DOMAIN,
                &["vpn", "simpeg.lumajangkab.go.id", "a-1.b"],
                &["-a", "a-", "1abc", "a..b", "A.b"],
            ),
            (
                FieldKind::Text,
                TRIMMED,
                &["apa saja", "x", "dua\nbaris", "a\u{85}b"],
                &["   ", "", " awal", "akhir ", "akhir\u{85}", "\u{85}awal"],
            ),
        ];
        for (kind, pattern, valid, invalid) in cases {
            let regex = Regex::new(pattern).unwrap();
            for value in valid {
                assert!(regex.is_match(value), "{kind:?}: the schema allows {value:?}");
                assert!(accepted(kind, value), "{kind:?}: the checks accept {value:?}");
            }
            for value in invalid {
                assert!(!regex.is_match(value), "{kind:?}: the schema refuses {value:?}");
            }
        }
    }

    #[test]
    fn a_steps_fields_are_its_own_with_their_requirements() {
        let mut rec = field(FieldKind::Select);
        rec.name = "rec".into();
        let mut until = field(FieldKind::Date);
        until.name = "sampai".into();
        until.required = false;
        until.required_when = Some(sop::definition::RequiredWhen { field: "rec".into(), value: "Ya".into() });
        let schema = fields_schema(&[rec, until], &[]);
        assert_eq!(schema["required"], json!(["rec"]));
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["properties"]["rec"]["enum"], json!(["Ya", "Tidak"]));
        assert_eq!(schema["allOf"][0]["if"]["properties"]["rec"]["const"], "Ya");
        assert_eq!(schema["allOf"][0]["then"]["required"], json!(["sampai"]));
    }
}
