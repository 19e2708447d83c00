//! Accounts in the browser (issue 18): an administrator deactivates and
//! reactivates a login and resets a password with a one-time code or an
//! e-mailed link; "lupa kata sandi" answers the same for every name; a form
//! sent after the session ended leads to the login page, which says why,
//! and back. All against a real server.

mod common;

use common::{App, Browser, PDF, form, pdf, spawn};
use reqwest::StatusCode;

const EDITOR: &str = "/instansi/lumajang/organisasi";

/// A VPN request by lmj-pemohon, waiting at step 2 for the Head or the Secretary.
async fn vpn_case(app: &App) -> String {
    let requester = Browser::login(app, "lmj-pemohon").await;
    let page = requester.get("/layanan/lumajang/vpn").await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let mut f = form(&[("csrf", &page.csrf())]);
    for (k, v) in &input.fields {
        f = f.text(k.clone(), v.clone());
    }
    let sent = requester
        .post_multipart("/layanan/lumajang/vpn", f.part("surat_permohonan", pdf("surat.pdf", PDF)))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    sent.location.unwrap().trim_end_matches("?baru=1").trim_start_matches("/permohonan/").to_string()
}

async fn try_login(app: &App, username: &str, password: &str) -> common::Page {
    let b = Browser::new(app);
    let token = b.get("/login").await.csrf();
    b.post("/login", &[("csrf", &token), ("username", username), ("password", password)]).await
}

/// The text between `start` and the next `<`.
fn text_after<'a>(body: &'a str, start: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("{start} in {body}")) + start.len();
    body[at..].split('<').next().unwrap()
}

#[tokio::test]
async fn an_administrator_deactivates_a_login_which_then_cannot_sign_in_and_reactivates_it() {
    let app = spawn().await;
    let case = vpn_case(&app).await;
    let secretary = Browser::login(&app, "lmj-sekdin").await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let editor = admin.get(EDITOR).await;
    assert!(
        editor.body.contains(&format!("action=\"{EDITOR}/akun/lmj-sekdin/nonaktifkan\"")),
        "{}",
        editor.body
    );
    assert!(
        !editor.body.contains("akun/admin-instalasi/"),
        "an agency administrator is offered nothing on the installation administrator's login"
    );
    assert!(!editor.body.contains("akun/lmj-kasi/"), "nor on their own");
    let token = editor.csrf();

    let done = admin.post(&format!("{EDITOR}/akun/lmj-sekdin/nonaktifkan"), &[("csrf", &token)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/instansi/lumajang/organisasi?ok=nonaktif&tugas=1#pegawai"));
    let page = admin.get(&done.location.unwrap()).await.body;
    assert!(page.contains("Akun dinonaktifkan") && page.contains("menunggunya (1)"), "{page}");
    assert!(page.contains(&format!("action=\"{EDITOR}/akun/lmj-sekdin/aktifkan\"")));

    // Its session ended; signing in is refused — said only after the right password.
    assert_eq!(secretary.get("/tugas").await.location.as_deref(), Some("/login"));
    let right = try_login(&app, "lmj-sekdin", store::demo::DEMO_PASSWORD).await;
    assert_eq!(right.status, StatusCode::FORBIDDEN);
    assert!(right.body.contains("Akun ini dinonaktifkan"), "{}", right.body);
    let wrong = try_login(&app, "lmj-sekdin", "bukan-kata-sandinya").await;
    let unknown = try_login(&app, "tidak-ada-orangnya", "bukan-kata-sandinya").await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(
            page.body.contains("Nama pengguna atau kata sandi salah.")
                && !page.body.contains("dinonaktifkan")
        );
    }
    // Its case stays, and the Head (whom the Secretary reports to) heard of the task.
    assert_eq!(app.store.case("lumajang", &case).await.unwrap().status, engine::CaseStatus::Open);
    let told = app.store.notifications("lumajang", "lmj-kadis").await.unwrap();
    assert!(told.iter().any(|m| m.contains("Akun Sri Wahyuni, S.Sos. dinonaktifkan")), "{told:?}");

    // Not their own login, not another agency's, not the installation administrator's.
    let own = admin.post(&format!("{EDITOR}/akun/lmj-kasi/nonaktifkan"), &[("csrf", &token)]).await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(own.body.contains("akun Anda sendiri"));
    let installer = admin
        .post(&format!("{EDITOR}/akun/admin-instalasi/reset"), &[("csrf", &token), ("cara", "kode")])
        .await;
    assert_eq!(installer.status, StatusCode::FORBIDDEN);
    let foreign =
        admin.post("/instansi/trenggalek/organisasi/akun/tgx-kadis/nonaktifkan", &[("csrf", &token)]).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let elsewhere = admin.post(&format!("{EDITOR}/akun/tgx-kadis/nonaktifkan"), &[("csrf", &token)]).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND, "trenggalek's login is not lumajang's");
    let no_token = admin.post(&format!("{EDITOR}/akun/lmj-kabid/nonaktifkan"), &[]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    for person in ["lmj-kasi", "admin-instalasi", "tgx-kadis", "lmj-kabid"] {
        assert!(app.store.account(person).await.unwrap().unwrap().active(), "{person}");
    }

    let back = admin.post(&format!("{EDITOR}/akun/lmj-sekdin/aktifkan"), &[("csrf", &token)]).await;
    assert_eq!(back.location.as_deref(), Some("/instansi/lumajang/organisasi?ok=aktif#pegawai"));
    Browser::login(&app, "lmj-sekdin").await;
    let kinds: Vec<String> =
        app.store.record_events("lumajang", 5).await.unwrap().into_iter().map(|(row, _)| row.kind).collect();
    assert!(kinds.contains(&"account-deactivated".into()) && kinds.contains(&"account-reactivated".into()));
}

#[tokio::test]
async fn a_one_time_code_from_an_administrator_leads_once_to_a_new_password() {
    let app = spawn().await;
    let owner = Browser::login(&app, "lmj-pemohon").await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let token = admin.get(EDITOR).await.csrf();
    let shown =
        admin.post(&format!("{EDITOR}/akun/lmj-pemohon/reset"), &[("csrf", &token), ("cara", "kode")]).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let code =
        text_after(&shown.body, "id=\"reset-code\" style=\"font-size: 1.6rem; letter-spacing: .1em\">")
            .to_string();
    assert_eq!(code.len(), 19, "{code}");
    assert!(shown.body.contains("berlaku 24 jam"));

    // The old password and its sessions are gone.
    assert_eq!(owner.get("/tugas").await.location.as_deref(), Some("/login"));
    assert_eq!(
        try_login(&app, "lmj-pemohon", store::demo::DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The code works for its own account only.
    assert_eq!(try_login(&app, "lmj-pemohon-2", &code).await.status, StatusCode::UNAUTHORIZED);

    let b = Browser::new(&app);
    let login = b.get("/login").await.csrf();
    let choose = b
        .post("/login", &[("csrf", &login), ("username", "lmj-pemohon"), ("password", &code.to_lowercase())])
        .await;
    assert_eq!(choose.status, StatusCode::OK, "{}", choose.body);
    assert!(choose.body.contains("Pilih kata sandi baru") && choose.body.contains("action=\"/sandi\""));
    let secret = text_after(&choose.body, "name=\"rahasia\" value=\"").trim_end_matches("\">").to_string();
    let set = |new: &'static str, confirm: &'static str| {
        let (b, login, secret) = (&b, login.clone(), secret.clone());
        async move {
            b.post("/sandi", &[("csrf", &login), ("rahasia", &secret), ("new", new), ("confirm", confirm)])
                .await
        }
    };
    let short = set("pendek", "pendek").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("<p class=\"field-error\">Paling sedikit 10 karakter"), "{}", short.body);
    let mismatch = set("kata-sandi-baru-1", "kata-sandi-baru-2").await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = set("kata-sandi-baru-1", "kata-sandi-baru-1").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/tugas"));
    assert_eq!(b.get("/tugas").await.status, StatusCode::OK, "logged in with the new password");
    // Once only.
    assert_eq!(try_login(&app, "lmj-pemohon", &code).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(set("kata-sandi-baru-3", "kata-sandi-baru-3").await.status, StatusCode::GONE);
    assert_eq!(try_login(&app, "lmj-pemohon", "kata-sandi-baru-1").await.status, StatusCode::SEE_OTHER);
}

/// The reset links mailed to `person`, oldest first, waiting a little for
/// the ones made after the answer went.
async fn mailed_links(app: &App, person: &str, at_least: usize) -> Vec<String> {
    for _ in 0..100 {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM outbox WHERE person_id = $1 ORDER BY created_at, id")
                .bind(person)
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        if bodies.len() >= at_least {
            return bodies
                .iter()
                .map(|b| {
                    let at = b.find(&format!("{}/sandi/", app.base)).expect("a link") + app.base.len();
                    b[at..].split_whitespace().next().unwrap().to_string()
                })
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {person}");
}

#[tokio::test]
async fn lupa_kata_sandi_answers_the_same_for_every_name_and_its_link_works_once() {
    let app = spawn().await;
    app.store.set_person_email("lumajang", "lmj-pemohon", "siti@lumajangkab.go.id", None).await.unwrap();
    let other_session = Browser::login(&app, "lmj-pemohon").await;
    let b = Browser::new(&app);
    let page = b.get("/login").await;
    assert!(page.body.contains("href=\"/lupa-sandi\""));
    let token = b.get("/lupa-sandi").await.csrf();
    let mut answers = Vec::new();
    for who in ["lmj-pemohon", "tidak-ada", "lmj-pemohon-2", "SITI@lumajangkab.go.id"] {
        let answer = b.post("/lupa-sandi", &[("csrf", &token), ("who", who)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{who}");
        answers.push(answer.body);
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "the same answer whether or not a name exists");
    assert!(answers[0].contains("Jika nama pengguna atau alamat itu milik akun"));
    // By name and by address: two links to the one person with an address, none to anyone else.
    let links = mailed_links(&app, "lmj-pemohon", 2).await;
    assert!(app.store.mail_to("lumajang", "lmj-pemohon-2").await.unwrap().is_empty());
    // The old password still works (anyone may ask in someone's name).
    assert_eq!(
        try_login(&app, "lmj-pemohon", store::demo::DEMO_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // The older link was replaced by the newer. (Both asks are handled after
    // their answers, at once, so which of the two is newer is not their order.)
    let first = b.get(&links[0]).await;
    let second = b.get(&links[1]).await;
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::GONE], "one link of the two is live");
    let (live, opened) =
        if first.status == StatusCode::OK { (&links[0], first) } else { (&links[1], second) };
    assert!(opened.body.contains("value=\"lmj-pemohon\""));
    let csrf = opened.csrf();
    let secret = live.trim_start_matches("/sandi/");
    let set = b
        .post(
            "/sandi",
            &[
                ("csrf", &csrf),
                ("rahasia", secret),
                ("new", "kata-sandi-baru-1"),
                ("confirm", "kata-sandi-baru-1"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(b.get("/tugas").await.status, StatusCode::OK);
    assert_eq!(other_session.get("/tugas").await.location.as_deref(), Some("/login"), "other sessions end");
    assert_eq!(b.get(live).await.status, StatusCode::GONE, "single use");
    let forged =
        b.post("/sandi", &[("rahasia", secret), ("new", "x".repeat(12).as_str()), ("confirm", "x")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "no token, no change");

    // Limited per client address, whatever the names.
    let far = Browser::from_address(&app, std::net::IpAddr::from([127, 0, 0, 9]));
    let token = far.get("/lupa-sandi").await.csrf();
    for n in 0..web::RESET_REQUESTS_PER_ADDRESS {
        let answer = far.post("/lupa-sandi", &[("csrf", &token), ("who", &format!("nama-{n}"))]).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let refused = far.post("/lupa-sandi", &[("csrf", &token), ("who", "lmj-pemohon")]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Terlalu banyak permintaan"));
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_leads_to_a_login_that_says_why_and_back_to_the_form() {
    let app = spawn().await;
    let b = Browser::login(&app, "lmj-pemohon").await;
    let token = b.get("/layanan/lumajang/vpn").await.csrf();
    let logout = b.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    let sent = b
        .client
        .post(format!("{}/layanan/lumajang/vpn", app.base))
        .header("referer", format!("{}/layanan/lumajang/vpn", app.base))
        .form(&[("csrf", token.as_str()), ("tujuan", "Akses VPN")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let location = sent.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, "/login?sesi=habis&kembali=%2Flayanan%2Flumajang%2Fvpn");
    let login = b.get(&location).await;
    assert!(
        login.body.contains("Sesi Anda berakhir") && login.body.contains("id=\"session-expired\""),
        "{}",
        login.body
    );
    assert!(login.body.contains("name=\"kembali\" value=\"/layanan/lumajang/vpn\""));
    assert!(login.body.contains("src=\"/static/form-keeper.js\""));
    let csrf = login.csrf();
    let wrong = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "lmj-pemohon"),
                ("password", "salah-salah"),
                ("kembali", "/layanan/lumajang/vpn"),
            ],
        )
        .await;
    assert!(
        wrong.body.contains("name=\"kembali\" value=\"/layanan/lumajang/vpn\""),
        "kept through a wrong try"
    );
    let back = b
        .post(
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "lmj-pemohon"),
                ("password", store::demo::DEMO_PASSWORD),
                ("kembali", "/layanan/lumajang/vpn"),
            ],
        )
        .await;
    assert_eq!(back.location.as_deref(), Some("/layanan/lumajang/vpn"));
    // Only to a page of this site.
    for outside in ["//jahat.example", "https://jahat.example/x", "/\\jahat.example"] {
        let b = Browser::new(&app);
        let csrf = b.get("/login").await.csrf();
        let page = b
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", "lmj-pemohon"),
                    ("password", store::demo::DEMO_PASSWORD),
                    ("kembali", outside),
                ],
            )
            .await;
        assert_eq!(page.location.as_deref(), Some("/tugas"), "{outside}");
    }
    let script = b.get("/static/form-keeper.js").await;
    assert!(script.status == StatusCode::OK && script.body.contains("sessionStorage"));
}

#[tokio::test]
async fn an_empty_task_list_points_whoever_may_request_to_the_services_they_may_request() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await.get("/tugas").await.body;
    let at = requester.find("id=\"inbox-empty\"").expect("the empty list's card");
    let card = &requester[at..];
    assert!(card.contains("Anda dapat mengajukan permohonan layanan"), "{card}");
    assert!(card.contains("href=\"/layanan/lumajang/vpn\""), "{card}");
    assert!(!card.contains("href=\"/layanan/lumajang/ruang-server\""), "only what they may request");
    assert!(card.contains("<a href=\"/layanan\">Layanan</a>"));
    // The Head requests nothing here: the list just says there is nothing to do.
    let head = Browser::login(&app, "lmj-kadis").await.get("/tugas").await.body;
    assert!(
        head.contains("Tidak ada tugas yang menunggu Anda.") && !head.contains("Anda dapat mengajukan"),
        "{head}"
    );
}

#[tokio::test]
async fn an_administrator_sets_a_persons_address_and_mails_them_a_one_time_link() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let editor = admin.get(&format!("{EDITOR}?pegawai=lmj-pemohon")).await;
    assert!(!editor.body.contains("Atur ulang: tautan e-mail"), "no link to offer without an address");
    let token = editor.csrf();
    let person = |email: &'static str| {
        let token = token.clone();
        let admin = &admin;
        async move {
            admin
                .post(
                    &format!("{EDITOR}/pegawai"),
                    &[
                        ("csrf", token.as_str()),
                        ("editing", "lmj-pemohon"),
                        ("name", "Siti Aminah Lestari"),
                        ("nip", ""),
                        ("email", email),
                        ("unit", "lmj-bappeda"),
                    ],
                )
                .await
        }
    };
    let before = app.store.organisation("lumajang").await.unwrap().person("lmj-pemohon").unwrap().clone();
    let bad = person("siti@@lumajang").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("bukan alamat e-mail yang sah"), "{}", bad.body);
    assert_eq!(
        app.store.organisation("lumajang").await.unwrap().person("lmj-pemohon").unwrap(),
        &before,
        "refused: nothing changed"
    );
    let saved = person("Siti@LumajangKab.go.id").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        app.store.mail_preference("lumajang", "lmj-pemohon").await.unwrap().0.as_deref(),
        Some("siti@lumajangkab.go.id")
    );
    let editor = admin.get(&format!("{EDITOR}?pegawai=lmj-pemohon")).await.body;
    assert!(editor.contains("value=\"siti@lumajangkab.go.id\""), "the form shows the address");
    assert!(editor.contains("Atur ulang: tautan e-mail"));

    let sent = admin
        .post(&format!("{EDITOR}/akun/lmj-pemohon/reset"), &[("csrf", &token), ("cara", "tautan")])
        .await;
    assert_eq!(sent.location.as_deref(), Some("/instansi/lumajang/organisasi?ok=tautan#pegawai"));
    let links = mailed_links(&app, "lmj-pemohon", 1).await;
    assert_eq!(
        try_login(&app, "lmj-pemohon", store::demo::DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let b = Browser::new(&app);
    let opened = b.get(&links[0]).await;
    assert_eq!(opened.status, StatusCode::OK);
    let secret = links[0].trim_start_matches("/sandi/");
    let set = b
        .post(
            "/sandi",
            &[
                ("csrf", &opened.csrf()),
                ("rahasia", secret),
                ("new", "kata-sandi-baru-1"),
                ("confirm", "kata-sandi-baru-1"),
            ],
        )
        .await;
    assert_eq!(set.location.as_deref(), Some("/tugas"));
    // Without a public address no link can be made: the reason is said, nothing changes.
    let bare = common::spawn_without_public_url().await;
    let admin = Browser::login(&bare, "lmj-kasi").await;
    bare.store.set_person_email("lumajang", "lmj-pemohon", "siti@lumajangkab.go.id", None).await.unwrap();
    let token = admin.token().await;
    let refused = admin
        .post(&format!("{EDITOR}/akun/lmj-pemohon/reset"), &[("csrf", &token), ("cara", "tautan")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("--public-url"), "{}", refused.body);
    assert!(bare.store.account("lmj-pemohon").await.unwrap().unwrap().has_password());
}
