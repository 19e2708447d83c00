//! Akun → E-mail: the address notifications go to and whether the person
//! wants them at all.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::AppState;
use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{Said, Saved, settings_page};

async fn render(
    state: &AppState,
    user: &User,
    typed: Option<(&str, bool)>,
    said: Option<Said>,
) -> Result<Response, WebError> {
    let (email, enabled) = state.store.mail_preference(user.agency_id(), user.person()).await?;
    let (email, enabled) = typed.map_or((email.unwrap_or_default(), enabled), |(e, on)| (e.to_string(), on));
    let body = html! {
        form.card method="post" action="/akun/email" {
            input type="hidden" name="csrf" value=(user.csrf);
            label for="email" { "E-mail" }
            input #email type="email" name="email" maxlength="254" value=(email);
            label { input type="checkbox" name="aktif" value="1" checked[enabled]; " " (user.t(Msg::MailWanted)) }
            p.muted { (user.t(Msg::MailHelp)) }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    Ok(settings_page(user, Msg::MailSettings, ("/akun", Msg::NavAccount), said.as_ref(), body))
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(saved): Query<Saved>,
) -> Result<Response, WebError> {
    render(&state, &user, None, saved.said(&user)).await
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let email = form.get("email").map(String::as_str).unwrap_or_default();
    let enabled = form.contains_key("aktif");
    match state.store.set_mail_preference(user.agency_id(), user.person(), email, enabled).await {
        Ok(()) => Ok(Redirect::to("/akun/email?ok=1").into_response()),
        Err(store::StoreError::Engine(e)) => {
            render(&state, &user, Some((email, enabled)), Some((false, e.to_string()))).await
        }
        Err(e) => Err(e.into()),
    }
}
