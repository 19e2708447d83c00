//! Form controls generated from a step's declared fields and attachments,
//! each with its label, help, current value and error message beside it;
//! and how entered values are shown back (personal data masked).

use std::collections::BTreeMap;

use engine::form::FieldError;
use maud::{Markup, html};
use sop::definition::{Attachment, Field, FieldKind};

use crate::i18n::{Lang, Msg};

fn error_of<'a>(errors: &'a [FieldError], name: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == name).map(|e| e.message.as_str())
}

/// The people of the user's agency, (id, name) by name, when `fields` has a
/// `pegawai` field to choose one from (else none are read).
pub async fn people(
    state: &crate::AppState,
    user: &crate::auth::User,
    fields: &[Field],
) -> Result<Vec<(String, String)>, crate::error::WebError> {
    if !fields.iter().any(|f| f.kind == FieldKind::Pegawai) {
        return Ok(Vec::new());
    }
    let org = state.store.organisation(user.agency_id()).await?;
    let mut people: Vec<(String, String)> =
        org.people.iter().map(|p| (p.id.clone(), p.name.clone())).collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(people)
}

/// One labelled control; `id` is `<prefix><name>` so several forms can
/// share a page. A `pegawai` field chooses among `people` (id, name).
pub fn field(
    prefix: &str,
    f: &Field,
    value: &str,
    errors: &[FieldError],
    people: &[(String, String)],
    lang: Lang,
) -> Markup {
    let id = format!("{prefix}{}", f.name);
    let error = error_of(errors, &f.name);
    let (kind, mode, max) = match f.kind {
        FieldKind::Email => ("email", None, f.max_length),
        FieldKind::Phone => ("tel", Some("tel"), Some(20)),
        FieldKind::Date => ("date", None, None),
        FieldKind::DateTime => ("datetime-local", None, None),
        FieldKind::Number => ("text", Some("decimal"), f.max_length),
        FieldKind::Nik => ("text", Some("numeric"), Some(20)),
        FieldKind::Nip => ("text", Some("numeric"), Some(25)),
        _ => ("text", None, f.max_length),
    };
    html! {
        div.field class=[error.map(|_| "has-error")] {
            label for=(id) {
                (f.label)
                @if !f.required { " " span.muted { (lang.t(Msg::Optional)) } }
            }
            @match f.kind {
                FieldKind::Textarea => {
                    textarea id=(id) name=(f.name) maxlength=[f.max_length] aria-invalid=[error.map(|_| "true")] { (value) }
                }
                FieldKind::Select => {
                    select id=(id) name=(f.name) aria-invalid=[error.map(|_| "true")] {
                        option value="" { "—" }
                        @for o in &f.options { option value=(o) selected[o == value] { (o) } }
                    }
                }
                FieldKind::Pegawai => {
                    select id=(id) name=(f.name) aria-invalid=[error.map(|_| "true")] {
                        option value="" { (lang.t(Msg::PickEmployee)) }
                        @for (person, name) in people { option value=(person) selected[person == value] { (name) } }
                    }
                }
                _ => {
                    input id=(id) type=(kind) name=(f.name) value=(value) inputmode=[mode] maxlength=[max]
                        autocomplete="off" aria-invalid=[error.map(|_| "true")];
                }
            }
            @if let Some(help) = &f.help { p.help { (help) } }
            @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } }
        }
    }
}

pub fn attachment(prefix: &str, a: &Attachment, errors: &[FieldError], lang: Lang) -> Markup {
    let id = format!("{prefix}{}", a.name);
    let error = error_of(errors, &a.name);
    let accept: Vec<String> = a.accept.iter().map(|k| format!(".{k}")).collect();
    html! {
        div.field class=[error.map(|_| "has-error")] {
            label for=(id) {
                (a.label)
                @if !a.required { " " span.muted { (lang.t(Msg::Optional)) } }
            }
            input id=(id) type="file" name=(a.name) accept=(accept.join(","));
            p.help { (a.accept.join(", ").to_uppercase()) ", " (lang.t(Msg::MaxSize)) " " (a.max_kb / 1024) " MB" }
            @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } }
        }
    }
}

/// The fields and attachments of a step.
pub fn controls(
    prefix: &str,
    fields: &[Field],
    attachments: &[Attachment],
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
    people: &[(String, String)],
    lang: Lang,
) -> Markup {
    html! {
        @for f in fields { (field(prefix, f, values.get(&f.name).map_or("", String::as_str), errors, people, lang)) }
        @for a in attachments { (attachment(prefix, a, errors, lang)) }
    }
}

/// A value as the page shows it: personal data masked (see [`masked`])
/// unless `reveal`.
pub fn shown(fields: &[Field], name: &str, value: &str, reveal: bool) -> String {
    match fields.iter().find(|f| f.name == name) {
        Some(f) if f.personal && !reveal => masked(f.kind, value),
        _ => value.to_string(),
    }
}

/// A personal value masked for the screen: a NIK to its first four and last
/// two digits (`3508**********01`, region and no more); anything else — a
/// name — to the first letter of each word (`A*** W*****`), since four
/// letters and two would show most of a name and all of a short one. An
/// erased value reads as erased.
pub fn masked(kind: FieldKind, value: &str) -> String {
    if value == store::ERASED {
        return value.to_string();
    }
    if kind == FieldKind::Nik {
        let count = value.chars().count();
        return value
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 4 || i + 2 >= count { c } else { '*' })
            .collect();
    }
    let mut word_start = true;
    value
        .chars()
        .map(|c| {
            let shown = if c.is_whitespace() || word_start { c } else { '*' };
            word_start = c.is_whitespace();
            shown
        })
        .collect()
}

/// Errors that are not about any control on the form (shown at the top).
pub fn unplaced<'a>(
    errors: &'a [FieldError],
    fields: &[Field],
    attachments: &[Attachment],
) -> Vec<&'a FieldError> {
    errors
        .iter()
        .filter(|e| {
            !fields.iter().any(|f| f.name == e.field) && !attachments.iter().any(|a| a.name == e.field)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_masked_but_its_first_four_and_last_two_digits_and_a_name_but_its_initials() {
        let sop = sop::Catalog::builtin().sop("lumajang/ruang-server").unwrap().clone();
        let fields = &sop.step(1).unwrap().fields;
        assert_eq!(shown(fields, "nik_pengunjung", "3508014508900001", false), "3508**********01");
        assert_eq!(shown(fields, "nik_pengunjung", "3508014508900001", true), "3508014508900001");
        assert_eq!(shown(fields, "instansi", "Bappeda", false), "Bappeda");
        assert_eq!(shown(fields, "nama_pengunjung", "Andi Wijaya", false), "A*** W*****");
        assert_eq!(shown(fields, "nama_pengunjung", "Ani", false), "A**", "a short name is not shown whole");
        assert_eq!(shown(fields, "nama_pengunjung", "Andi Wijaya", true), "Andi Wijaya");
        assert_eq!(shown(fields, "nama_pengunjung", store::ERASED, false), store::ERASED);
    }
}
