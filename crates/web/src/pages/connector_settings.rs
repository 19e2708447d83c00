//! Admin → Konektor: the agency's provisioning connectors — for each kind
//! an SOP can name, where its server is, its secret (kept sealed, never
//! shown back), its other settings and the dry-run switch — and the runs
//! that failed and wait for an administrator.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use connectors::field;
use maud::html;
use sop::ConnectorKind;
use store::provisioning::{ConnectorForm, FORM_OPTIONS};

use crate::auth::User;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::pages::admin_form::{
    Filled, Said, Saved, admin_form, field_errors, given, refusals_in_words, require_admin, settings_page,
};
use crate::{AppState, now_ms};

/// The settings each kind knows besides its address and secret, with an
/// example: the form's help.
fn options_help(kind: ConnectorKind) -> &'static str {
    match kind {
        ConnectorKind::Dns => {
            "zone = contoh.go.id\nkey_name = sopir-update\nalgorithm = hmac-sha256\nttl = 3600\ntimeout_seconds = 5"
        }
        ConnectorKind::Ldap => {
            "bind_dn = cn=sopir,dc=contoh,dc=go,dc=id\nbase_dn = ou=people,dc=contoh,dc=go,dc=id\nattributes = mail=name, cn=person, sn=person, ou=unit\ngroup_dn = cn=surel,ou=groups,dc=contoh,dc=go,dc=id\nsuspend = pwdAccountLockedTime=000001010000Z\nrevoke = delete"
        }
        ConnectorKind::Wireguard => {
            "range = 10.8.0.0/24\nendpoint = vpn.contoh.go.id:51820\ngateway_public_key = (hasil wg pubkey gateway)\ndns = 10.8.0.1\naddress_field = alamat_ip_vpn"
        }
        ConnectorKind::Webhook => "timeout_seconds = 10",
    }
}

fn address_help(kind: ConnectorKind) -> Msg {
    match kind {
        ConnectorKind::Dns => Msg::ConnectorAddressDns,
        ConnectorKind::Ldap => Msg::ConnectorAddressLdap,
        ConnectorKind::Wireguard => Msg::ConnectorAddressWireguard,
        ConnectorKind::Webhook => Msg::ConnectorAddressWebhook,
    }
}

async fn render(
    state: &AppState,
    user: &User,
    typed: Option<(ConnectorKind, Filled)>,
    said: Option<Said>,
) -> Result<Response, WebError> {
    require_admin(user)?;
    let agency = user.agency_id();
    let configs = state.store.connector_configs(agency).await?;
    let failed = state.store.runs_needing_action(agency).await?;
    let clock = user.clock();
    let body = html! {
        p.muted { (user.t(Msg::ConnectorsHelp)) }
        h2 { (user.t(Msg::RunsNeedingAction)) }
        @if failed.is_empty() {
            p.card #runs-needing-action { (user.t(Msg::RunsNoneNeedAction)) }
        } @else {
            div #runs-needing-action { (super::provisioning::runs_table(user, &failed, "/admin/konektor")) }
        }
        @for kind in ConnectorKind::ALL {
            @let saved = configs.iter().find(|c| c.kind == kind);
            @let stored = Filled {
                values: saved.map(|c| BTreeMap::from([
                    (field::ADDRESS.to_string(), c.address.clone()),
                    (FORM_OPTIONS.to_string(), c.options.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join("\n")),
                    ("dry_run".to_string(), if c.dry_run { "1".into() } else { String::new() }),
                ])).unwrap_or_default(),
                errors: Vec::new(),
            };
            @let filled = match &typed {
                Some((k, typed)) if *k == kind => typed,
                _ => &stored,
            };
            @let prefix = format!("{}-", kind.key());
            form.card method="post" action={"/admin/konektor/" (kind.key())} id={"konektor-" (kind.key())} {
                h2 { (kind.label()) " "
                    @match saved {
                        Some(c) if c.dry_run => span.tag { (user.t(Msg::RunDryRun)) },
                        Some(_) => span.tag.ok { (user.t(Msg::ConnectorOn)) },
                        None => span.tag { (user.t(Msg::ConnectorOff)) },
                    }
                }
                @if let Some(c) = saved { p.muted { (user.t(Msg::ConnectorSavedAt)) " " (clock.datetime(c.updated_at)) } }
                input type="hidden" name="csrf" value=(user.csrf);
                (filled.text(&prefix, field::ADDRESS, user.t(Msg::ConnectorAddress), Some(user.t(address_help(kind)))))
                (filled.input(&prefix, field::SECRET, user.t(Msg::ConnectorSecret), Some(user.t(if saved.is_some() { Msg::ConnectorSecretKept } else { Msg::ConnectorSecretHelp })), "password", false))
                @let options_id = format!("{prefix}{FORM_OPTIONS}");
                @let refused = filled.errors.iter().any(|e| e.field == FORM_OPTIONS);
                div class={ "field" @if refused { " has-error" } } {
                    label for=(options_id) { (user.t(Msg::ConnectorOptions)) }
                    textarea id=(options_id) name=(FORM_OPTIONS) rows="5" placeholder=(options_help(kind))
                        aria-invalid=[refused.then_some("true")] aria-describedby=[refused.then(|| format!("{options_id}-error"))] {
                        (filled.value(FORM_OPTIONS))
                    }
                    p.help { (user.t(Msg::ConnectorOptionsHelp)) }
                    @if refused {
                        div.field-error id={(options_id) "-error"} {
                            @for e in filled.errors.iter().filter(|e| e.field == FORM_OPTIONS) { p { (e.label) ": " (e.message) } }
                        }
                    }
                }
                (filled.checkbox(&prefix, "dry_run", user.t(Msg::ConnectorDryRun)))
                button.primary type="submit" { (user.t(Msg::Save)) }
            }
            @if saved.is_some() {
                form.inline method="post" action={"/admin/konektor/" (kind.key()) "/hapus"} id={"hapus-" (kind.key())} {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button.secondary type="submit" { (user.t(Msg::ConnectorRemove)) " " (kind.label()) }
                }
            }
        }
    };
    Ok(settings_page(user, Msg::ConnectorsTitle, ("/admin", Msg::AdminTitle), said.as_ref(), body))
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
    Path(kind): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let kind = ConnectorKind::parse(&kind).ok_or(WebError::NotFound)?;
    let secret = form.get(field::SECRET).map(String::as_str).unwrap_or_default();
    let options = form.get(FORM_OPTIONS).map(String::as_str).unwrap_or_default();
    let connector = ConnectorForm {
        address: given(&form, field::ADDRESS),
        secret: (!secret.is_empty()).then_some(secret),
        options,
        dry_run: !given(&form, "dry_run").is_empty(),
    };
    match state.store.save_connector(user.agency_id(), kind, connector, user.person(), now_ms()).await {
        Ok(()) => Ok(Redirect::to("/admin/konektor?ok=1").into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let said = (false, refusals_in_words(&errors));
            let mut values = form;
            values.remove(field::SECRET);
            render(&state, &user, Some((kind, Filled { values, errors })), Some(said)).await
        }
    }
}

/// The administrator removes a connector's settings: its steps are manual
/// again.
pub async fn remove(
    State(state): State<AppState>,
    user: User,
    Path(kind): Path<String>,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    admin_form(&user, &form)?;
    let kind = ConnectorKind::parse(&kind).ok_or(WebError::NotFound)?;
    state.store.remove_connector(user.agency_id(), kind, user.person(), now_ms()).await?;
    Ok(Redirect::to("/admin/konektor?ok=1").into_response())
}
