//! Who is asking: login with argon2id-checked passwords, guessing slowed
//! per account and address (see [`store::login_throttle`]) and per address
//! across accounts, with the same answers and the same work for unknown
//! usernames; HttpOnly SameSite session cookies (the database keeps only
//! their hash); a CSRF token derived from the session on every form (and
//! cross-site form posts refused outright); logout and password change. A
//! deactivated account is told so only after its right password; an
//! administrator's one-time code typed as the password leads to choosing a
//! new one ([`crate::pages::password_reset`]); a form sent after the
//! session ended leads to a login page that says so and back to the form.
//! The language choice rides along in a cookie.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sha2::{Digest, Sha256};
use store::Account;
use store::login_throttle::LoginGate;
use store::password_reset::ResetKind;

use crate::directory::{self, DirectoryError};
use crate::display::Clock;
use crate::error::WebError;
use crate::i18n::{self, Lang, Msg};
use crate::{AppState, layout, now_ms};

const SESSION_COOKIE: &str = "sopir_session";
const LOGIN_CSRF_COOKIE: &str = "sopir_login_csrf";
const LANG_COOKIE: &str = "sopir_lang";
/// Sessions last one working day and a bit.
const SESSION_MS: i64 = 10 * 60 * 60 * 1000;
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Failed logins from one address allowed per window, whatever the
/// usernames tried (the per-account-and-address slowing is the other half).
pub const FAILURES_PER_ADDRESS: u32 = 20;
const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Counts what one client address does (failed logins, requests for a
/// reset link) in a sliding window, and says when it has done too much.
pub struct Throttle {
    counts: std::sync::Mutex<HashMap<IpAddr, (u32, i64)>>,
    limit: u32,
}

impl Default for Throttle {
    /// The throttle of failed logins.
    fn default() -> Throttle {
        Throttle::new(FAILURES_PER_ADDRESS)
    }
}

impl Throttle {
    /// At most `limit` per address in the window.
    pub fn new(limit: u32) -> Throttle {
        Throttle { counts: std::sync::Mutex::default(), limit }
    }

    pub(crate) fn blocked(&self, ip: IpAddr, now: i64) -> bool {
        let map = self.counts.lock().expect("not poisoned");
        map.get(&ip).is_some_and(|(n, since)| *n >= self.limit && now - since < WINDOW_MS)
    }

    pub(crate) fn failed(&self, ip: IpAddr, now: i64) {
        let mut map = self.counts.lock().expect("not poisoned");
        map.retain(|_, (_, since)| now - *since < WINDOW_MS);
        let entry = map.entry(ip).or_insert((0, now));
        entry.0 += 1;
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Runs a password hash or check off the request threads, a few at a time.
pub(crate) async fn hashing<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let _permit = state.hashing.acquire().await.expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work).await.expect("hashing does not panic")
}

fn random_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// The CSRF token of the session whose id is `session`: derived from it, so
/// it is kept nowhere, and knowing the token does not give the id.
fn csrf_of(session: &str) -> String {
    let hash = Sha256::new().chain_update(b"sopir-csrf\0").chain_update(session.as_bytes()).finalize();
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time independent of where the two differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn set_cookie(state: &AppState, name: &str, value: &str, max_age_s: i64) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}")
}

/// The logged-in person, with what every page needs.
pub struct User {
    pub account: Account,
    pub name: String,
    pub agency: std::sync::Arc<sop::Agency>,
    pub csrf: String,
    pub session: String,
    pub lang: Lang,
    /// Administrators and whoever holds a position that reads reports see
    /// the accountability report, the registers and every case listed.
    pub may_report: bool,
    /// They, and whoever keeps a registry or the visitor log (by their
    /// position's right or their step in an SOP), read the registries and
    /// the visitor log.
    pub keeps_registries: bool,
    pub unread: i64,
}

impl User {
    pub fn person(&self) -> &str {
        &self.account.person_id
    }

    pub fn agency_id(&self) -> &str {
        &self.account.agency_id
    }

    pub fn clock(&self) -> Clock {
        Clock::of(&self.agency, self.lang)
    }

    pub fn t(&self, msg: Msg) -> &'static str {
        self.lang.t(msg)
    }

    /// Whether this person may edit `agency`'s profile and structure: an
    /// installation administrator, or an administrator of that agency.
    pub fn may_edit_agency(&self, agency: &str) -> bool {
        self.account.installation_admin || (self.account.is_admin && self.agency_id() == agency)
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_csrf(&self, token: Option<&str>) -> Result<(), WebError> {
        match token {
            Some(t) if !t.is_empty() && same_secret(t, &self.csrf) => Ok(()),
            _ => Err(WebError::BadToken),
        }
    }
}

impl FromRequestParts<AppState> for User {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<User, WebError> {
        let account = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(id) => state.store.session(&id, now_ms()).await?.map(|a| (a, id)),
            None => None,
        };
        let Some((account, id)) = account else {
            // A form sent without a live session was filled in while it
            // ran out: the login page says so, and leads back to the form.
            if !matches!(parts.method, Method::GET | Method::HEAD) {
                return Err(WebError::SessionExpired(form_page(&parts.headers)));
            }
            return Err(WebError::LoginRequired);
        };
        User::of_account(state, account, csrf_of(&id), id, true).await
    }
}

impl User {
    /// Everything a request needs to know about `account`'s person: name,
    /// agency, and the rights that follow from today's positions.
    pub async fn of_account(
        state: &AppState,
        account: Account,
        csrf: String,
        id: String,
        count_unread: bool,
    ) -> Result<User, WebError> {
        let agency = state.store.cached_agency(&account.agency_id).await?;
        let org = state.store.cached_organisation(&account.agency_id).await?;
        let today = jiff::Timestamp::now().to_zoned(Clock::of(&agency, Lang::Id).zone).date();
        let may_report = account.is_admin
            || org.may(&account.person_id, engine::organisation::PositionRight::ReadsReports, today);
        let keeps_registries =
            may_report || state.store.keeps_records(&account.agency_id, &account.person_id).await?;
        let unread = if count_unread {
            state.store.unread_notifications(&account.agency_id, &account.person_id).await?
        } else {
            0
        };
        Ok(User {
            unread,
            may_report,
            keeps_registries,
            name: org.name(&account.person_id),
            account,
            agency,
            csrf,
            session: id,
            lang: i18n::current(),
        })
    }
}

/// The page on this site a request was sent from (its `Referer`, which
/// the same-origin referrer policy sends to this site only).
fn form_page(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer.split_once("://")?.1;
    let path = rest.strip_prefix(host)?;
    is_own_path(path).then(|| path.to_string())
}

/// Refuses state-changing requests from other sites (a second line behind
/// the CSRF tokens), and makes the visitor's language — and, for a GET,
/// the page asked for — known to the handlers.
pub async fn reject_cross_site(request: Request, next: Next) -> Response {
    let lang = cookie(request.headers(), LANG_COOKIE).map_or(Lang::Id, |v| Lang::from_code(&v));
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let shown = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
        return i18n::with_lang(lang, layout::showing(&shown, next.run(request))).await;
    }
    let headers = request.headers();
    let cross = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(|o| o.split("://").nth(1).unwrap_or(o).to_string());
    let foreign = matches!((origin_host.as_deref(), host), (Some(o), Some(h)) if o != h);
    if cross || foreign {
        return i18n::with_lang(lang, async { WebError::BadToken.into_response() }).await;
    }
    i18n::with_lang(lang, next.run(request)).await
}

/// Where the login page leads, and why it was opened.
#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    /// Set when a form was sent after the session ran out (`habis`).
    sesi: Option<String>,
    /// The page to go back to after logging in.
    kembali: Option<String>,
}

/// The page after login: `kembali` if it is a page of this site.
fn back_to(kembali: Option<&str>) -> Option<&str> {
    kembali.filter(|b| is_own_path(b) && !b.starts_with("/login"))
}

/// The agencies whose people may sign in through their LDAP directory, by
/// id and name: the login form offers each.
pub(crate) async fn directories(state: &AppState) -> Result<Vec<(String, String)>, WebError> {
    let mut found = Vec::new();
    for id in state.store.ldap_agencies().await? {
        let name = state.store.agency(&id).await?.name;
        found.push((id, name));
    }
    Ok(found)
}

/// What the login form offers and was sent.
struct LoginChoice<'a> {
    directories: &'a [(String, String)],
    /// Agencies with an OpenID provider, and the provider's name.
    providers: &'a [(String, String)],
    /// The agency whose directory was chosen ("" for a Sopir password).
    via: &'a str,
}

fn login_form(
    lang: Lang,
    token: &str,
    username: &str,
    error: Option<&str>,
    query: &LoginQuery,
    choice: &LoginChoice,
) -> Markup {
    let back = back_to(query.kembali.as_deref());
    let expired = query.sesi.as_deref() == Some("habis");
    let body = html! {
        div.card style="max-width: 26rem" {
            h1 { (lang.t(Msg::LoginTitle)) }
            @if let Some(e) = error { p.flash.error role="alert" { (e) } }
            @if expired {
                // Read by form-keeper.js, which then brings back what was typed.
                p.flash.warn #session-expired role="status" data-form-page=[back] { (lang.t(Msg::SessionExpired)) }
            }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(token);
                @if let Some(back) = back { input type="hidden" name="kembali" value=(back); }
                label for="username" { (lang.t(Msg::Username)) }
                input #username type="text" name="username" value=(username) autocomplete="username" required autofocus;
                label for="password" { (lang.t(Msg::Password)) }
                input #password type="password" name="password" autocomplete="current-password" required;
                @if !choice.directories.is_empty() {
                    label for="direktori" { (lang.t(Msg::SignInWith)) }
                    select #direktori name="direktori" {
                        option value="" { (lang.t(Msg::SopirPassword)) }
                        @for (id, name) in choice.directories {
                            option value=(id) selected[choice.via == id] { (lang.t(Msg::DirectoryOf)) " " (name) }
                        }
                    }
                }
                button.primary type="submit" { (lang.t(Msg::LoginButton)) }
            }
            @for (agency, name) in choice.providers {
                p { a.button href={ "/login/oidc/" (agency) @if let Some(back) = back { "?kembali=" (back) } } { (lang.t(Msg::SignInWith)) " " (name) } }
            }
            p { a href="/lupa-sandi" { (lang.t(Msg::ForgotPassword)) } " · " a href="/daftar" #signup { (lang.t(Msg::SignUpLink)) } }
        }
        (layout::language_switch(lang, ""))
    };
    layout::bare_markup(lang, lang.t(Msg::LoginTitle), body)
}

/// The token of the forms shown before login (login, "lupa kata sandi",
/// a new password), kept in a cookie it must match, and the header that
/// (re)sets that cookie.
pub(crate) fn anonymous_token(
    state: &AppState,
    headers: &HeaderMap,
) -> (String, (header::HeaderName, String)) {
    let token = cookie(headers, LOGIN_CSRF_COOKIE).filter(|t| t.len() == 64).unwrap_or_else(random_token);
    let set = set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600);
    (token, (header::SET_COOKIE, set))
}

/// Refuses a form sent before login whose token does not match its cookie.
pub(crate) fn check_anonymous_token(headers: &HeaderMap, sent: Option<&String>) -> Result<String, WebError> {
    let token = sent.cloned().unwrap_or_default();
    if token.is_empty() || cookie(headers, LOGIN_CSRF_COOKIE).as_deref() != Some(token.as_str()) {
        return Err(WebError::BadToken);
    }
    Ok(token)
}

pub async fn login_page(
    headers: HeaderMap,
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<LoginQuery>,
) -> Response {
    let lang = i18n::current();
    let (token, set) = anonymous_token(&state, &headers);
    let directories = match directories(&state).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let providers = match state.store.oidc_agencies().await {
        Ok(found) => found,
        Err(e) => return WebError::from(e).into_response(),
    };
    let choice = LoginChoice { directories: &directories, providers: &providers, via: "" };
    ([set], login_form(lang, &token, "", None, &query, &choice)).into_response()
}

/// The login page again, saying why a sign-in elsewhere (at an OpenID
/// provider) came to nothing.
pub(crate) async fn refused_login(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    message: &str,
) -> Result<Response, WebError> {
    let (token, set) = anonymous_token(state, headers);
    let directories = directories(state).await?;
    let providers = state.store.oidc_agencies().await?;
    let choice = LoginChoice { directories: &directories, providers: &providers, via: "" };
    let form = login_form(i18n::current(), &token, "", Some(message), &LoginQuery::default(), &choice);
    Ok((status, [set], form).into_response())
}

/// Logs `username` in: a new session, and on to `back` or the task list.
pub(crate) async fn start_session(
    state: &AppState,
    username: &str,
    back: Option<&str>,
    now: i64,
) -> Result<Response, WebError> {
    let session = random_token();
    state.store.create_session(&session, username, now, now + SESSION_MS).await?;
    Ok((
        [(header::SET_COOKIE, set_cookie(state, SESSION_COOKIE, &session, SESSION_MS / 1000))],
        Redirect::to(back_to(back).unwrap_or("/tugas")),
    )
        .into_response())
}

pub async fn login(
    headers: HeaderMap,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let lang = i18n::current();
    let token = check_anonymous_token(&headers, form.get("csrf"))?;
    let back = form.get("kembali").cloned();
    let username = form.get("username").map(|u| u.trim().to_string()).unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let now = now_ms();
    let address = state.trusted_proxies.client(peer.ip(), &headers);
    let via = form.get("direktori").cloned().unwrap_or_default();
    let query = LoginQuery { kembali: back.clone(), ..LoginQuery::default() };
    let directories = directories(&state).await?;
    let providers = state.store.oidc_agencies().await?;
    let choice = LoginChoice { directories: &directories, providers: &providers, via: &via };
    let refuse = |status: StatusCode, message: &str| {
        (status, login_form(lang, &token, &username, Some(message), &query, &choice)).into_response()
    };
    if state.login_failures.blocked(address, now) {
        return Ok(refuse(StatusCode::TOO_MANY_REQUESTS, lang.t(Msg::TooManyFromAddress)));
    }
    // Counted under the name as typed (at most so long), known or not.
    let counted: String = username.chars().take(MAX_USERNAME_CHARS).collect();
    let attempt = match state.store.login_attempt(&counted, &address.to_string(), now).await? {
        LoginGate::Open(attempt) => attempt,
        LoginGate::Wait { until } => {
            let seconds = (until - now + 999) / 1000;
            let message = format!("{} {}.", lang.t(Msg::LoginWait), wait_text(lang, seconds));
            let mut response = refuse(StatusCode::TOO_MANY_REQUESTS, &message);
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
            return Ok(response);
        }
    };
    if !via.is_empty() {
        // Signing in through an agency's directory: the directory says
        // whether the password is right, and its entry's NIP or e-mail
        // which person (and so which login) of that agency it is.
        let settings = state.store.sign_in_settings(&via).await?;
        let vouched = match &settings.ldap {
            Some(ldap) => directory::authenticate(ldap, &username, &password)
                .await
                .map(|value| value.map(|value| (value, ldap.maps_to))),
            None => Ok(None),
        };
        let account = match vouched {
            Ok(Some((value, maps_to))) => state.store.account_by_identity(&via, maps_to, &value).await?,
            Ok(None) => None,
            Err(e) => {
                // Counted like a wrong password: a directory that fails
                // must not become a way to guess without limit.
                tracing::warn!(agency = %via, error = %e, "LDAP sign-in failed");
                state.login_failures.failed(address, now);
                state.store.login_failed(&attempt).await?;
                let message = match e {
                    DirectoryError::Unreachable(_) => Msg::DirectoryUnreachable,
                    DirectoryError::Misconfigured(_) => Msg::DirectoryMisconfigured,
                    DirectoryError::Certificate(_) => Msg::DirectoryCertificate,
                    DirectoryError::InClear => Msg::DirectoryInClear,
                };
                return Ok(refuse(StatusCode::SERVICE_UNAVAILABLE, lang.t(message)));
            }
        };
        let Some(account) = account else {
            state.login_failures.failed(address, now);
            state.store.login_failed(&attempt).await?;
            return Ok(refuse(StatusCode::UNAUTHORIZED, lang.t(Msg::LoginWrong)));
        };
        if !account.active() {
            state.store.login_failed(&attempt).await?;
            return Ok(refuse(StatusCode::FORBIDDEN, lang.t(Msg::LoginDeactivated)));
        }
        state.store.login_succeeded_as(&attempt, &account.username).await?;
        return start_session(&state, &account.username, back.as_deref(), now).await;
    }
    // An unknown name costs a password check too: the time taken does not
    // tell which names exist.
    let account = state.store.account(&username).await?;
    // An agency may switch Sopir passwords off for its accounts (all but
    // installation administrators, so nobody is locked out): the password
    // is then checked against nothing, and refused like a wrong one.
    let local_allowed = match &account {
        Some(a) if !a.installation_admin => state.store.sign_in_settings(&a.agency_id).await?.local_passwords,
        _ => true,
    };
    let hash = account.as_ref().filter(|_| local_allowed).map(|a| a.password_hash.clone());
    let typed = password.clone();
    if !hashing(&state, move || store::verify_password_or_dummy(&typed, hash.as_deref())).await {
        // An administrator's one-time code, typed as the password (looked
        // up whatever the name, so the time taken tells nothing): on to
        // choosing a password, which spends it.
        let code = state.store.pending_reset(&password, now).await?.filter(|reset| {
            reset.kind == ResetKind::Code
                && local_allowed
                && account.as_ref().is_some_and(|a| a.username == reset.username)
        });
        if code.is_some() {
            state.store.login_succeeded(&attempt).await?;
            return Ok(crate::pages::password_reset::choose(lang, &token, &password, &username, &[]));
        }
        state.login_failures.failed(address, now);
        state.store.login_failed(&attempt).await?;
        return Ok(refuse(StatusCode::UNAUTHORIZED, lang.t(Msg::LoginWrong)));
    }
    let account = account.expect("a password matched an account");
    if !account.active() {
        // Said only to whoever knows the password: the login page does not
        // tell which accounts exist or are deactivated.
        state.store.login_failed(&attempt).await?;
        return Ok(refuse(StatusCode::FORBIDDEN, lang.t(Msg::LoginDeactivated)));
    }
    state.store.login_succeeded(&attempt).await?;
    start_session(&state, &username, back.as_deref(), now).await
}

/// Longer names are counted by their beginning (no account has one).
const MAX_USERNAME_CHARS: usize = 200;

/// "15 detik", "3 menit": a wait of `seconds`, said plainly.
fn wait_text(lang: Lang, seconds: i64) -> String {
    if seconds <= 90 {
        format!("{seconds} {}", lang.t(Msg::Seconds))
    } else {
        format!("{} {}", (seconds + 59) / 60, lang.t(Msg::Minutes))
    }
}

pub async fn logout(
    State(state): State<AppState>,
    user: User,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    state.store.delete_session(&user.session).await?;
    Ok(([(header::SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0))], Redirect::to("/login"))
        .into_response())
}

/// Switches the language (a cookie; works before login too).
pub async fn set_language(
    State(state): State<AppState>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = Lang::from_code(form.get("lang").map_or("id", String::as_str));
    let back = form.get("back").filter(|b| is_own_path(b)).cloned().unwrap_or("/".into());
    (
        [(header::SET_COOKIE, set_cookie(&state, LANG_COOKIE, lang.code(), 365 * 24 * 3600))],
        Redirect::to(&back),
    )
        .into_response()
}

/// Whether `target` is a path on this site, safe to redirect to: browsers
/// read `\` as `/`, so `/\\evil.example` would leave the site as `//` does.
pub(crate) fn is_own_path(target: &str) -> bool {
    target.starts_with('/')
        && !target.starts_with("//")
        && !target.chars().any(|c| c == '\\' || c.is_control())
}

fn account_form(user: &User, errors: &[(&str, String)]) -> Markup {
    let error_for = |name: &str| errors.iter().find(|(f, _)| *f == name).map(|(_, m)| m.clone());
    let field = |name: &str, label: Msg, autocomplete: &str| {
        let error = error_for(name);
        html! {
            div class=[error.as_ref().map(|_| "has-error")] {
                label for=(name) { (user.t(label)) }
                input id=(name) type="password" name=(name) autocomplete=(autocomplete) required
                    aria-invalid=[error.as_ref().map(|_| "true")];
                @if let Some(e) = error { p.field-error { (e) } }
            }
        }
    };
    let body = html! {
        p {
            a href="/akun/email" { (user.t(Msg::MailSettings)) } " · "
            a href="/akun/notifikasi" { (user.t(Msg::NoticeSettings)) } " · "
            a href="/akun/token" { (user.t(Msg::ApiTokens)) }
        }
        h1 { (user.t(Msg::ChangePassword)) }
        form.card method="post" action="/akun" {
            input type="hidden" name="csrf" value=(user.csrf);
            (field("old", Msg::OldPassword, "current-password"))
            (field("new", Msg::NewPassword, "new-password"))
            p.help { (user.t(Msg::PasswordRule)) }
            (field("confirm", Msg::ConfirmPassword, "new-password"))
            p.help { (user.t(Msg::PasswordChangeEnds)) }
            button.primary type="submit" { (user.t(Msg::Save)) }
        }
    };
    layout::page(user, user.t(Msg::ChangePassword), "/akun", body)
}

pub async fn account_page(user: User) -> Markup {
    account_form(&user, &[])
}

pub async fn change_password(
    State(state): State<AppState>,
    user: User,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (old, new, confirm) = (get("old"), get("new"), get("confirm"));
    let mut errors = Vec::new();
    let hash = user.account.password_hash.clone();
    if !hashing(&state, move || store::verify_password(&old, &hash)).await {
        errors.push(("old", user.t(Msg::OldPasswordWrong).to_string()));
    }
    if new.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(("new", user.t(Msg::PasswordRule).to_string()));
    } else if new != confirm {
        errors.push(("confirm", user.t(Msg::PasswordMismatch).to_string()));
    }
    if !errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, account_form(&user, &errors)).into_response());
    }
    let new_hash = hashing(&state, move || store::hash_password(&new)).await;
    state.store.set_password(&user.account.username, &new_hash, now_ms()).await?;
    // All sessions and API tokens ended, this one included: log in again
    // with the new password.
    Ok(([(header::SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0))], Redirect::to("/login"))
        .into_response())
}
