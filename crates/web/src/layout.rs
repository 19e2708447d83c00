//! The page shell: header with the agency, the person and the navigation,
//! the language switch (back to the page it was pressed on), and the bare
//! shell for login and error pages.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::auth::User;
use crate::i18n::{Lang, Msg};

tokio::task_local! {
    /// The path and query of the page a GET request asked for.
    static SHOWN: String;
}

/// The query parameters by which a redirect after a save, a removal or an
/// action tells the page what to say: not the page itself, so the language
/// switch leaves them out (or the page would say it again).
const SAID: [&str; 8] = ["ok", "antre", "baru", "dicabut", "dihapus", "survei", "terbit", "tugas"];

/// Runs `f` as the answer to a GET of `path_and_query`, so the language
/// switch on the page it draws leads back to that very page. Pages drawn
/// in answer to a form (a refusal) have none: their switch leads to the
/// page's section, since the form's address may answer only POST.
pub async fn showing<F: Future>(path_and_query: &str, f: F) -> F::Output {
    let kept = match path_and_query.split_once('?') {
        None => path_and_query.to_string(),
        Some((path, query)) => {
            let said = |pair: &&str| SAID.contains(&pair.split('=').next().unwrap_or_default());
            let rest: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !said(p)).collect();
            if rest.is_empty() { path.to_string() } else { format!("{path}?{}", rest.join("&")) }
        }
    };
    SHOWN.scope(kept, f).await
}

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · Sopir" }
            link rel="stylesheet" href="/static/sopir.css";
            script src="/static/htmx.min.js" defer {}
            script src="/static/form-keeper.js" defer {}
            meta name="language" content=(lang.code());
        }
    }
}

/// A full page for a logged-in person; `current` marks the active menu item.
pub fn page(user: &User, title: &str, current: &str, body: Markup) -> Markup {
    let items: Vec<(&str, Msg)> = [
        ("/tugas", Msg::NavInbox),
        ("/layanan", Msg::NavServices),
        ("/permohonan", Msg::NavMyRequests),
        ("/sop", Msg::NavSop),
    ]
    .into_iter()
    .chain(user.may_report.then_some(("/dasbor", Msg::NavDashboard)))
    .chain(user.may_report.then_some(("/laporan", Msg::NavReports)))
    .chain(user.may_report.then_some(("/agenda", Msg::NavRegisters)))
    .chain(user.keeps_registries.then_some(("/registri", Msg::NavRegistries)))
    .chain(user.keeps_registries.then_some(("/kunjungan", Msg::Visit)))
    .chain(user.account.is_admin.then_some(("/admin", Msg::NavAdmin)))
    .chain(user.account.installation_admin.then_some(("/instansi", Msg::NavAgencies)))
    .chain([("/akun", Msg::NavAccount)])
    .collect();
    html! {
        (DOCTYPE)
        html lang=(user.lang.code()) {
            (head(user.lang, title))
            body data-form-restored=(user.t(Msg::FormRestored)) {
                header.top {
                    a.brand href="/tugas" { "Sopir" }
                    span.who { (user.name) " · " (user.agency.government) }
                    nav aria-label=(user.t(Msg::NavLabel)) {
                        @for (href, msg) in &items {
                            a href=(href) aria-current=[(current == *href).then_some("page")] { (user.t(*msg)) }
                        }
                        a href="/notifikasi" aria-current=[(current == "/notifikasi").then_some("page")] {
                            (user.t(Msg::NavNotifications)) " " (unread_badge(user.unread))
                        }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(user.csrf);
                            button type="submit" { (user.t(Msg::Logout)) }
                        }
                    }
                }
                main {
                    (body)
                    (language_switch(user.lang, &SHOWN.try_with(String::clone).unwrap_or_else(|_| current.to_string())))
                }
            }
        }
    }
}

/// The unread counter; it refreshes itself every 30 seconds.
pub fn unread_badge(unread: i64) -> Markup {
    html! {
        span #unread hx-get="/notifikasi/jumlah" hx-trigger="every 30s" hx-swap="outerHTML" {
            @if unread > 0 { span.tag.count data-unread=(unread) { @if unread >= store::UNREAD_CAP { "99+" } @else { (unread) } } }
        }
    }
}

/// The Bahasa Indonesia / English switch.
pub fn language_switch(lang: Lang, back: &str) -> Markup {
    let other = match lang {
        Lang::Id => Lang::En,
        Lang::En => Lang::Id,
    };
    html! {
        form.muted method="post" action="/bahasa" style="margin-top:2rem" {
            input type="hidden" name="lang" value=(other.code());
            input type="hidden" name="back" value=(if back.is_empty() { "/" } else { back });
            button.secondary type="submit" { (lang.t(Msg::SwitchLanguage)) }
        }
    }
}

/// A page kept out of caches: it carries a secret (a one-time link's), or
/// the form that spends one.
pub fn private(status: StatusCode, page: Markup) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], page).into_response()
}

/// A page without navigation (login, errors).
pub fn bare_markup(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body {
                header.top { a.brand href="/" { "Sopir" } }
                main { (body) }
            }
        }
    }
}

pub fn bare(lang: Lang, title: &str, text: &str) -> Markup {
    bare_markup(
        lang,
        title,
        html! {
            div.card {
                h1 { (title) }
                p { (text) }
                p { a href="/tugas" { (lang.t(Msg::BackHome)) } }
            }
        },
    )
}
