//! Admin → Cara masuk: an agency administrator sets how the agency's people
//! sign in — whether Sopir passwords are accepted, and the LDAP directory
//! that vouches for them.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use store::ca_certificate;
use store::sign_in::{Identity, LDAP_URL_LABEL, LdapBind, LdapMode, SignInForm, SignInSettings};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::{Lang, Msg};
use crate::pages::admin_form::{Filled, Said, Saved, field_errors, given, settings_page};
use crate::{AppState, now_ms};

const PREFIX: &str = "masuk-";

/// What is wrong with `settings` as saved, beside its field: settings
/// saved before a rule refused them (a plain `ldap://` to another machine),
/// through which sign-ins are refused now; the page and the API say so
/// where it is mended.
pub(crate) fn saved_problems(settings: &SignInSettings, lang: Lang) -> Vec<engine::form::FieldError> {
    match &settings.ldap {
        Some(ldap) if ldap.sends_passwords_in_clear() => {
            vec![engine::form::FieldError::new("ldap_url", LDAP_URL_LABEL, lang.t(Msg::LdapInClearSaved))]
        }
        _ => Vec::new(),
    }
}

/// The saved settings as the form's values (the service password never).
pub(crate) fn values_of(settings: &SignInSettings) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let mut set = |k: &str, v: &str| {
        values.insert(k.to_string(), v.to_string());
    };
    if settings.local_passwords {
        set("local_passwords", "1");
    }
    set("ldap_mode", LdapMode::Template.code());
    set("ldap_maps_to", Identity::Email.code());
    set("ldap_attribute", "mail");
    set("ldap_filter", "(uid={username})");
    set("oidc_scopes", "openid email");
    set("oidc_claim", "email");
    set("oidc_maps_to", Identity::Email.code());
    if let Some(oidc) = &settings.oidc {
        set("oidc_name", &oidc.name);
        set("oidc_issuer", &oidc.issuer);
        set("oidc_client_id", &oidc.client_id);
        set("oidc_scopes", &oidc.scopes);
        set("oidc_claim", &oidc.claim);
        set("oidc_maps_to", oidc.maps_to.code());
    }
    if let Some(ldap) = &settings.ldap {
        set("ldap_url", &ldap.url);
        if ldap.starttls {
            set("ldap_starttls", "1");
        }
        if let Some(pem) = &ldap.ca_certificate {
            set(ca_certificate::FIELD, pem);
        }
        set("ldap_attribute", &ldap.attribute);
        set("ldap_maps_to", ldap.maps_to.code());
        match &ldap.bind {
            LdapBind::Template(template) => set("ldap_bind_dn", template),
            LdapBind::Search { service_dn, base, filter, .. } => {
                set("ldap_mode", LdapMode::Search.code());
                set("ldap_service_dn", service_dn);
                set("ldap_base", base);
                set("ldap_filter", filter);
            }
        }
    }
    values
}

/// The settings a form (the page's, or the API's as one) sends.
pub(crate) fn sign_in_form(form: &BTreeMap<String, String>) -> SignInForm {
    let ticked = |name: &str| !given(form, name).is_empty();
    SignInForm {
        local_passwords: ticked("local_passwords"),
        ldap_url: given(form, "ldap_url").to_string(),
        ldap_starttls: ticked("ldap_starttls"),
        ldap_ca_certificate: given(form, ca_certificate::FIELD).to_string(),
        ldap_mode: given(form, "ldap_mode").to_string(),
        ldap_bind_dn: given(form, "ldap_bind_dn").to_string(),
        ldap_service_dn: given(form, "ldap_service_dn").to_string(),
        // Not trimmed: a password is what it is.
        ldap_service_password: form.get("ldap_service_password").cloned().unwrap_or_default(),
        ldap_base: given(form, "ldap_base").to_string(),
        ldap_filter: given(form, "ldap_filter").to_string(),
        ldap_attribute: given(form, "ldap_attribute").to_string(),
        ldap_maps_to: given(form, "ldap_maps_to").to_string(),
        oidc_name: given(form, "oidc_name").to_string(),
        oidc_issuer: given(form, "oidc_issuer").to_string(),
        oidc_client_id: given(form, "oidc_client_id").to_string(),
        oidc_client_secret: form.get("oidc_client_secret").cloned().unwrap_or_default(),
        oidc_scopes: given(form, "oidc_scopes").to_string(),
        oidc_claim: given(form, "oidc_claim").to_string(),
        oidc_maps_to: given(form, "oidc_maps_to").to_string(),
    }
}

fn render(state: &AppState, user: &User, filled: &Filled, said: Option<Said>) -> Result<Response, WebError> {
    let redirect = state.public_url.as_deref().map_or("/login/oidc/kembali".to_string(), |base| {
        format!("{}/login/oidc/kembali", base.trim_end_matches('/'))
    });
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let modes = LdapMode::ALL.map(|mode| {
        let label = match mode {
            LdapMode::Template => Msg::LdapModeTemplate,
            LdapMode::Search => Msg::LdapModeSearch,
        };
        (mode.code().to_string(), user.t(label).to_string())
    });
    let maps = [
        (Identity::Nip.code().to_string(), "NIP".to_string()),
        (Identity::Email.code().to_string(), "E-mail".to_string()),
    ];
    let refused = (!filled.errors.is_empty()).then(|| (false, user.t(Msg::FixErrors).to_string()));
    // What is saved and trusted now (not what a refused form brought back).
    let trusted = match refused {
        None => ca_certificate::read_pem(filled.value(ca_certificate::FIELD), 0).unwrap_or_default(),
        Some(_) => Vec::new(),
    };
    let body = html! {
        form.card method="post" action="/admin/masuk" {
            input type="hidden" name="csrf" value=(user.csrf);
            (filled.checkbox(PREFIX, "local_passwords", user.t(Msg::LocalPasswordsAllowed)))
            h2 { "LDAP" }
            p.muted { (user.t(Msg::SignInSettingsHelp)) }
            (filled.text(PREFIX, "ldap_url", LDAP_URL_LABEL, Some(user.t(Msg::LdapUrlHelp))))
            (filled.checkbox(PREFIX, "ldap_starttls", user.t(Msg::LdapStartTls)))
            (filled.lines(PREFIX, ca_certificate::FIELD, user.t(Msg::LdapCaCertificate), Some(user.t(Msg::LdapCaCertificateHelp))))
            @if !trusted.is_empty() {
                p.muted #ldap-ca-trusted {
                    (user.t(Msg::LdapCaTrusted))
                    @for ca in &trusted {
                        br; (ca.subject) " · " (user.t(Msg::ValidUntil)) " " (user.clock().datetime(ca.not_after))
                    }
                }
            }
            (filled.select(PREFIX, "ldap_mode", "Bind", None, None, &modes))
            (filled.text(PREFIX, "ldap_bind_dn", "Templat DN", Some(user.t(Msg::LdapBindDnHelp))))
            (filled.text(PREFIX, "ldap_service_dn", "DN akun layanan", None))
            (filled.input(PREFIX, "ldap_service_password", user.t(Msg::LdapServicePassword), Some(user.t(Msg::LdapServicePasswordHelp)), "password", false))
            (filled.text(PREFIX, "ldap_base", "Basis pencarian", None))
            (filled.text(PREFIX, "ldap_filter", "Filter", None))
            (filled.text(PREFIX, "ldap_attribute", user.t(Msg::LdapAttribute), None))
            (filled.select(PREFIX, "ldap_maps_to", user.t(Msg::LdapMapsTo), None, None, &maps))
            h2 { "OpenID Connect" }
            p.muted { (user.t(Msg::OidcSettingsHelp)) " " code { (redirect) } }
            (filled.text(PREFIX, "oidc_name", user.t(Msg::OidcName), None))
            (filled.text(PREFIX, "oidc_issuer", "Issuer", Some(user.t(Msg::OidcIssuerHelp))))
            (filled.text(PREFIX, "oidc_client_id", "Client ID", None))
            (filled.input(PREFIX, "oidc_client_secret", "Client secret", Some(user.t(Msg::LdapServicePasswordHelp)), "password", false))
            (filled.text(PREFIX, "oidc_scopes", "Scope", None))
            (filled.text(PREFIX, "oidc_claim", user.t(Msg::OidcClaim), None))
            (filled.select(PREFIX, "oidc_maps_to", user.t(Msg::LdapMapsTo), None, None, &maps))
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    let said = refused.or(said);
    Ok(settings_page(user, Msg::SignInSettings, ("/admin", Msg::AdminTitle), said.as_ref(), body))
}

pub async fn page(
    State(state): State<AppState>,
    user: User,
    Query(saved): Query<Saved>,
) -> Result<Response, WebError> {
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let settings = state.store.sign_in_settings(user.agency_id()).await?;
    let errors = saved_problems(&settings, user.lang);
    let mut page =
        render(&state, &user, &Filled { values: values_of(&settings), errors }, saved.said(&user))?;
    // What is marked is a problem of what is saved, not a refused sending.
    *page.status_mut() = axum::http::StatusCode::OK;
    Ok(page)
}

pub async fn save(
    State(state): State<AppState>,
    user: User,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    if !user.account.is_admin {
        return Err(WebError::Forbidden);
    }
    let settings = sign_in_form(&form);
    match state.store.set_sign_in_settings(user.agency_id(), &settings, user.person(), now_ms()).await {
        Ok(()) => Ok(Redirect::to("/admin/masuk?ok=1").into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let mut values = form;
            values.remove("csrf");
            render(&state, &user, &Filled { values, errors }, None)
        }
    }
}
