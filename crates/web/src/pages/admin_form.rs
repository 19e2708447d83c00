//! The controls of the settings forms (agencies and their organisation,
//! sign-in, the message gateway, a person's own notifications): a labelled
//! input, select or checkbox with its help and, beside it, the store's
//! refusal of that field — so a refused form comes back with what was
//! typed and each reason where it belongs — and the page around such a
//! form, saying whether it was saved.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::EngineError;
use engine::form::FieldError;
use maud::{Markup, html};
use serde::Deserialize;
use store::StoreError;

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::layout;

/// `?ok=1`: the page was reached by the redirect after saving.
#[derive(Deserialize)]
pub struct Saved {
    ok: Option<String>,
}

/// What a settings page says above its form: done (`true`) or refused,
/// and the words.
pub type Said = (bool, String);

impl Saved {
    /// "Saved", when the page follows a save.
    pub fn said(&self, user: &User) -> Option<Said> {
        self.ok.as_ref().map(|_| (true, user.t(Msg::SettingsSaved).to_string()))
    }
}

/// A settings page: its title, the way back to `back` (path and its
/// name), what was said about the last sending, then `body`; answered 422
/// when that was a refusal.
pub fn settings_page(
    user: &User,
    title: Msg,
    back: (&str, Msg),
    said: Option<&Said>,
    body: Markup,
) -> Response {
    let refused = said.is_some_and(|(ok, _)| !ok);
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let body = html! {
        h1 { (user.t(title)) }
        p { a href=(back.0) { "← " (user.t(back.1)) } }
        @if let Some((ok, text)) = said {
            @if *ok { p.flash.info role="status" { (text) } } @else { p.flash.error role="alert" { (text) } }
        }
        (body)
    };
    (status, layout::page(user, user.t(title), back.0, body)).into_response()
}

/// The store refused these fields: they are shown beside the fields; any
/// other failure is the error page.
pub fn field_errors(e: StoreError) -> Result<Vec<FieldError>, WebError> {
    match e {
        StoreError::Engine(EngineError::Invalid(errors)) => Ok(errors),
        other => Err(other.into()),
    }
}

/// The store's refusals in one line, each with its field's label: what a
/// settings page says above its form.
pub fn refusals_in_words(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{}: {}", e.label, e.message)).collect::<Vec<_>>().join("; ")
}

/// The id of a control's refusal, for screen readers to read with it.
fn described_by(id: &str, error: Option<&str>) -> Option<String> {
    error.map(|_| format!("{id}-error"))
}

fn error_of<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

/// What a form shows: the values typed (or stored) and the refusals.
#[derive(Default)]
pub struct Filled {
    pub values: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
}

impl Filled {
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }

    pub fn checked(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| !v.is_empty())
    }

    fn error(&self, name: &str) -> Option<&str> {
        error_of(&self.errors, name)
    }

    /// A text input; `id` is the form's prefix and the name.
    pub fn text(&self, prefix: &str, name: &str, label: &str, help: Option<&str>) -> Markup {
        self.input(prefix, name, label, help, "text", false)
    }

    /// As [`Filled::text`], shown but not editable (an id once made).
    pub fn fixed(&self, prefix: &str, name: &str, label: &str, help: Option<&str>) -> Markup {
        self.input(prefix, name, label, help, "text", true)
    }

    pub fn input(
        &self,
        prefix: &str,
        name: &str,
        label: &str,
        help: Option<&str>,
        kind: &str,
        readonly: bool,
    ) -> Markup {
        let id = format!("{prefix}{}", name.replace('.', "-"));
        let error = self.error(name);
        // Passwords are never sent back.
        let value = if kind == "password" { "" } else { self.value(name) };
        html! {
            div class={ "field" @if error.is_some() { " has-error" } } {
                label for=(id) { (label) }
                input id=(id) type=(kind) name=(name) value=(value) readonly[readonly]
                    autocomplete=(if kind == "password" { "new-password" } else { "off" })
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[described_by(&id, error)];
                @if let Some(h) = help { p.help { (h) } }
                @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } }
            }
        }
    }

    /// A text area of one entry per line.
    pub fn lines(&self, prefix: &str, name: &str, label: &str, help: Option<&str>) -> Markup {
        let id = format!("{prefix}{name}");
        let error = self.error(name);
        html! {
            div class={ "field" @if error.is_some() { " has-error" } } {
                label for=(id) { (label) }
                textarea id=(id) name=(name) aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[described_by(&id, error)] { (self.value(name)) }
                @if let Some(h) = help { p.help { (h) } }
                @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } }
            }
        }
    }

    /// A choice among `options` (value, text); `none` adds an empty first choice.
    pub fn select(
        &self,
        prefix: &str,
        name: &str,
        label: &str,
        help: Option<&str>,
        none: Option<&str>,
        options: &[(String, String)],
    ) -> Markup {
        let id = format!("{prefix}{name}");
        let error = self.error(name);
        let current = self.value(name);
        html! {
            div class={ "field" @if error.is_some() { " has-error" } } {
                label for=(id) { (label) }
                select id=(id) name=(name) aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[described_by(&id, error)] {
                    @if let Some(n) = none { option value="" { (n) } }
                    @for (value, text) in options { option value=(value) selected[value == current] { (text) } }
                }
                @if let Some(h) = help { p.help { (h) } }
                @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } }
            }
        }
    }

    /// A checkbox sending `1` when ticked.
    pub fn checkbox(&self, prefix: &str, name: &str, label: &str) -> Markup {
        let id = format!("{prefix}{}", name.replace('.', "-"));
        let error = self.error(name);
        html! {
            label.check for=(id) {
                input id=(id) type="checkbox" name=(name) value="1" checked[self.checked(name)]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[described_by(&id, error)];
                " " (label)
            }
            @if let Some(e) = error { p.field-error id={(id) "-error"} { (e) } }
        }
    }

    /// The refusal of a field that has no control of its own (a group of
    /// checkboxes).
    pub fn error_line(&self, name: &str) -> Markup {
        html! { @if let Some(e) = self.error(name) { p.field-error { (e) } } }
    }
}

/// Refuses anyone but an administrator of the agency.
pub fn require_admin(user: &User) -> Result<(), WebError> {
    if user.account.is_admin { Ok(()) } else { Err(WebError::Forbidden) }
}

/// Refuses a settings form from anyone but an administrator, or one
/// without its token.
pub fn admin_form(user: &User, form: &BTreeMap<String, String>) -> Result<(), WebError> {
    require_admin(user)?;
    user.check_csrf(form.get("csrf").map(String::as_str))
}

/// The trimmed value of `name` in a submitted form ("" when absent).
pub fn given<'a>(form: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", |v| v.trim())
}
