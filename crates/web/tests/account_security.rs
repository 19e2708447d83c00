//! Accounts, sessions and tokens over real HTTP (issue 16, items 7–10):
//! password guessing is slowed per account and address without locking the
//! owner out, and administrators see and lift it; unknown usernames cost
//! and answer as known ones do; forwarded addresses count only from trusted
//! proxies; sessions and CSRF tokens are kept as hashes; API tokens need
//! the password, expire, and end with a password change.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Browser, Page, spawn, spawn_with};
use reqwest::StatusCode;
use store::demo::DEMO_PASSWORD;

fn local(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// The refusal shown on a login page.
fn flash(page: &Page) -> String {
    let at = page.body.find("role=\"alert\">").map_or(0, |i| i + 13);
    page.body[at..].split('<').next().unwrap_or_default().to_string()
}

/// One login attempt from `browser` (its own login form token).
async fn attempt(browser: &Browser, username: &str, password: &str) -> Page {
    let token = browser.get("/login").await.csrf();
    browser.post("/login", &[("csrf", &token), ("username", username), ("password", password)]).await
}

#[tokio::test]
async fn guessing_from_one_address_is_slowed_but_never_locks_the_owner_out() {
    let app = spawn().await;
    let attacker = Browser::from_address(&app, local(2));
    for _ in 0..3 {
        let wrong = attempt(&attacker, "lmj-kadis", "salah-tebak").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(flash(&wrong), "Nama pengguna atau kata sandi salah.");
    }
    // From then on this address waits, growing, before its next guess — even
    // the right password is not tried while it waits.
    let slowed = attempt(&attacker, "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "{}", slowed.body);
    assert_eq!(flash(&slowed), "Terlalu banyak percobaan yang gagal. Coba lagi dalam 15 detik.");
    // The owner, elsewhere, is not held up by it.
    let owner = Browser::from_address(&app, local(3));
    let ok = attempt(&owner, "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "the owner logs in from another address: {}", ok.body);
    // Many guessing addresses slow the account's new addresses down, but
    // not the addresses the owner has logged in from.
    for last in 10..14 {
        let guesser = Browser::from_address(&app, local(last));
        for _ in 0..3 {
            let status = attempt(&guesser, "lmj-kadis", "salah-tebak").await.status;
            assert!([StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&status), "{status}");
        }
    }
    let fresh = attempt(&Browser::from_address(&app, local(20)), "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(fresh.status, StatusCode::TOO_MANY_REQUESTS, "{}", fresh.body);
    assert!(
        flash(&fresh).starts_with("Terlalu banyak percobaan yang gagal. Coba lagi dalam"),
        "{}",
        fresh.body
    );
    let again = attempt(&Browser::from_address(&app, local(3)), "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "the owner's own address still works: {}", again.body);
}

#[tokio::test]
async fn unknown_usernames_answer_as_known_ones_do() {
    let app = spawn().await;
    let known = Browser::from_address(&app, local(4));
    let unknown = Browser::from_address(&app, local(5));
    for i in 0..7 {
        let a = attempt(&known, "lmj-kabid", "salah-tebak").await;
        let b = attempt(&unknown, "lmj-tidak-ada", "salah-tebak").await;
        // (How many seconds are left may differ by the moment each is asked.)
        let words = |p: &Page| flash(p).replace(|c: char| c.is_ascii_digit(), "");
        assert_eq!((a.status, words(&a)), (b.status, words(&b)), "attempt {i}");
    }
}

#[tokio::test]
async fn unknown_usernames_cost_as_much_as_wrong_passwords() {
    let app = spawn().await;
    let b = Browser::from_address(&app, local(6));
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for name in ["lmj-kadis", "lmj-sekdin", "lmj-kabid", "lmj-petugas", "lmj-pemohon"] {
        let token = b.get("/login").await.csrf();
        let started = Instant::now();
        b.post("/login", &[("csrf", &token), ("username", name), ("password", "salah-tebak")]).await;
        known.push(started.elapsed());
        let missing = format!("{name}-x");
        let started = Instant::now();
        b.post("/login", &[("csrf", &token), ("username", &missing), ("password", "salah-tebak")]).await;
        unknown.push(started.elapsed());
    }
    let (known, unknown) = (median(known), median(unknown));
    assert!(unknown * 3 >= known, "an unknown name answered in {unknown:?}, a wrong password in {known:?}");
}

#[tokio::test]
async fn administrators_see_held_up_logins_and_unlock_them() {
    let app = spawn().await;
    let attacker = Browser::from_address(&app, local(2));
    for _ in 0..3 {
        attempt(&attacker, "lmj-kadis", "salah-tebak").await;
    }
    assert_eq!(attempt(&attacker, "lmj-kadis", DEMO_PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);

    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = admin.get("/admin").await;
    let held = &page.body[page.body.find("id=\"held-logins\"").expect("held-up logins listed")..];
    let held = held.split("</table>").next().unwrap();
    assert!(held.contains("<td>lmj-kadis</td><td>127.0.0.2</td><td>3</td>"), "{held}");
    let history = &page.body[page.body.find("id=\"lockout-history\"").expect("a history")..];
    assert!(
        history.contains("<td>lmj-kadis</td><td>alamat ditahan</td><td>127.0.0.2</td><td>3</td>"),
        "{history}"
    );

    // Only an administrator, and only of the account's own agency, unlocks.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let csrf = requester.token().await;
    let refused = requester.post("/admin/login/buka", &[("csrf", &csrf), ("username", "lmj-kadis")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let elsewhere = Browser::login(&app, "tgx-kabid").await;
    let csrf = elsewhere.token().await;
    let refused = elsewhere.post("/admin/login/buka", &[("csrf", &csrf), ("username", "lmj-kadis")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(attempt(&attacker, "lmj-kadis", "salah-tebak").await.status, StatusCode::TOO_MANY_REQUESTS);

    let csrf = admin.token().await;
    let unlocked = admin.post("/admin/login/buka", &[("csrf", &csrf), ("username", "lmj-kadis")]).await;
    assert_eq!(
        (unlocked.status, unlocked.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/admin?ok=dibuka"))
    );
    assert_eq!(
        attempt(&attacker, "lmj-kadis", "salah-tebak").await.status,
        StatusCode::UNAUTHORIZED,
        "unlocked"
    );
    let page = admin.get("/admin").await;
    assert!(!page.body.contains("id=\"held-logins\""), "nothing held up any more");
    assert!(page.body.contains("<td>lmj-kadis</td><td>dibuka oleh Dewi Lestari, S.T.</td>"), "{}", page.body);
}

/// One login attempt through a reverse proxy on 127.0.0.1 that says the
/// client is `forwarded`.
async fn attempt_via(browser: &Browser, forwarded: &str, username: &str, password: &str) -> Page {
    let token = browser.get("/login").await.csrf();
    let response = browser
        .client
        .post(format!("{}/login", browser.base))
        .header("x-forwarded-for", forwarded)
        .form(&[("csrf", token.as_str()), ("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    let status = response.status();
    Page { status, location: None, body: response.text().await.unwrap() }
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let too_many = "Terlalu banyak percobaan masuk yang gagal dari alamat ini";
    // Trusting no proxy, a made-up X-Forwarded-For changes nothing.
    let app = spawn().await;
    let b = Browser::new(&app);
    for i in 0..web::auth::FAILURES_PER_ADDRESS {
        attempt_via(&b, &format!("198.51.100.{i}"), &format!("tebak-{i}"), "x").await;
    }
    let spoofed = attempt_via(&b, "198.51.100.250", "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(spoofed.body.contains(too_many));

    // Behind a trusted proxy, each client it forwards is counted on its own.
    let app = spawn_with(|state| state.trusted_proxies = Arc::new("127.0.0.1".parse().unwrap())).await;
    let b = Browser::new(&app);
    for i in 0..web::auth::FAILURES_PER_ADDRESS {
        let page = attempt_via(&b, "198.51.100.1", &format!("tebak-{i}"), "x").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = attempt_via(&b, "198.51.100.1", "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.body.contains(too_many));
    // What the client wrote itself is left of what the proxy appended.
    let spoofed = attempt_via(&b, "198.51.100.77, 198.51.100.1", "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS);
    let other = attempt_via(&b, "198.51.100.2", "lmj-kadis", DEMO_PASSWORD).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER, "another client behind the proxy: {}", other.body);
}

/// The value of the session cookie a response sets.
fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|v| {
        let v = v.to_str().ok()?;
        v.strip_prefix("sopir_session=").map(|rest| rest.split(';').next().unwrap().to_string())
    })
}

#[tokio::test]
async fn sessions_and_csrf_tokens_are_kept_only_as_hashes() {
    let app = spawn().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = client.get(format!("{}/login", app.base)).send().await.unwrap();
    let login_cookie = form.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let token = login_cookie.split('=').nth(1).unwrap().to_string();
    let logged_in = client
        .post(format!("{}/login", app.base))
        .header("cookie", &login_cookie)
        .form(&[("csrf", token.as_str()), ("username", "lmj-kasi"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::SEE_OTHER);
    let session = session_cookie(&logged_in).expect("a session cookie");
    let get = |cookie: String, path: &'static str| {
        let client = client.clone();
        let url = format!("{}{path}", app.base);
        async move { client.get(url).header("cookie", format!("sopir_session={cookie}")).send().await.unwrap() }
    };
    let account = get(session.clone(), "/akun").await;
    assert_eq!(account.status(), StatusCode::OK);
    let page = Page { status: StatusCode::OK, location: None, body: account.text().await.unwrap() };
    let csrf = page.csrf();

    let rows = sqlx::query("SELECT * FROM sessions").fetch_all(app.store.pool()).await.unwrap();
    assert_eq!(rows.len(), 1);
    let stored: Vec<String> = (0..sqlx::Row::len(&rows[0]))
        .filter_map(|i| sqlx::Row::try_get::<String, _>(&rows[0], i).ok())
        .collect();
    assert!(!stored.is_empty());
    for value in &stored {
        assert!(!value.contains(&session) && !value.contains(&csrf), "kept in clear: {value}");
        // A value read from the database (a backup, say) opens no session.
        let stolen = get(value.clone(), "/tugas").await;
        assert_eq!(stolen.status(), StatusCode::SEE_OTHER, "{value} opened a session");
        assert_eq!(stolen.headers()["location"], "/login");
    }
    // The cookie alone still finds the session, and its forms their token.
    assert_eq!(get(session.clone(), "/tugas").await.status(), StatusCode::OK);
    let logout = client
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("sopir_session={session}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(session, "/tugas").await.status(), StatusCode::SEE_OTHER, "logged out");
}

/// The token shown once on the token page.
fn new_token(page: &Page) -> Option<String> {
    let marker = "id=\"new-token\">";
    let at = page.body.find(marker)? + marker.len();
    Some(page.body[at..].split('<').next().unwrap().to_string())
}

async fn me(app: &common::App, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn tokens_need_the_password_expire_and_end_with_a_password_change() {
    let app = spawn().await;
    let browser = Browser::login(&app, "lmj-pemohon").await;
    let csrf = browser.token().await;
    let count = || async {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens").fetch_one(app.store.pool()).await.unwrap();
        n
    };
    for (fields, field, why) in [
        (vec![("name", "skrip"), ("days", "30")], "password", "Kata sandi salah"),
        (
            vec![("name", "skrip"), ("days", "30"), ("password", "salah-tebak")],
            "password",
            "Kata sandi salah",
        ),
        (vec![("name", "skrip"), ("days", "366"), ("password", DEMO_PASSWORD)], "days", "Masa berlaku"),
        (vec![("name", "skrip"), ("days", "0"), ("password", DEMO_PASSWORD)], "days", "Masa berlaku"),
        (vec![("name", "skrip"), ("days", "tiga"), ("password", DEMO_PASSWORD)], "days", "Masa berlaku"),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().copied());
        let refused = browser.post("/akun/token", &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}: {}", refused.body);
        assert!(new_token(&refused).is_none(), "{fields:?}");
        // The message stands under the field it is about.
        let at = refused.body.find(&format!("id=\"{field}\"")).expect("the field");
        let under = refused.body[at..].split("<label").next().unwrap();
        assert!(under.contains("aria-invalid=\"true\""), "{fields:?}: {under}");
        let message =
            under.split("class=\"field-error\">").nth(1).expect("a message").split('<').next().unwrap();
        assert!(message.contains(why), "{fields:?}: {message}");
        assert_eq!(count().await, 0, "{fields:?}: a refused request makes no token");
    }
    let made = browser
        .post(
            "/akun/token",
            &[("csrf", &csrf), ("name", "skrip"), ("days", "30"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let token = new_token(&made).expect("the token is shown");
    let now = jiff::Timestamp::now().as_millisecond();
    let listed = app.store.api_tokens("lmj-pemohon").await.unwrap();
    let days = (listed[0].expires_at - now) as f64 / 86_400_000.0;
    assert!((29.9..=30.0).contains(&days), "expires in {days} days");
    assert!(made.body.contains("Berlaku sampai"), "the list shows when it expires");
    assert_eq!(me(&app, &token).await, StatusCode::OK);

    // A new password ends every token, as it ends every session.
    let csrf = browser.token().await;
    let changed = browser
        .post(
            "/akun",
            &[
                ("csrf", &csrf),
                ("old", DEMO_PASSWORD),
                ("new", "kata-sandi-baru-1"),
                ("confirm", "kata-sandi-baru-1"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED, "a password change ends the token");
}
