//! Signing in through an agency's LDAP directory (a real OpenLDAP slapd
//! started by the test; over TLS with a CA the test makes), the agency's
//! sign-in settings page, and Sopir passwords switched off for an agency.

mod common;

use common::tls::TestCa;
use common::{App, Browser, slapd, spawn};
use reqwest::StatusCode;

const WRONG: &str = "Nama pengguna atau kata sandi salah.";

/// Lumajang's administrator saves these sign-in settings.
async fn configure(app: &App, fields: &[(&str, &str)]) -> common::Page {
    let admin = Browser::login(app, "lmj-kasi").await;
    let token = admin.get("/admin/masuk").await.csrf();
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    admin.post("/admin/masuk", &all).await
}

/// Lumajang binds straight as `uid=…` at `url` (with `tls`: StartTLS, the
/// CA certificate) and maps by NIP.
async fn direct_bind(app: &App, url: &str, tls: &[(&str, &str)]) {
    let template = format!("uid={{username}},{}", slapd::PEOPLE);
    let mut fields = vec![
        ("local_passwords", "1"),
        ("ldap_url", url),
        ("ldap_mode", "template"),
        ("ldap_bind_dn", &template),
        ("ldap_attribute", "employeeNumber"),
        ("ldap_maps_to", "nip"),
    ];
    fields.extend_from_slice(tls);
    let saved = configure(app, &fields).await;
    assert_eq!(saved.location.as_deref(), Some("/admin/masuk?ok=1"), "{}", saved.body);
}

/// Signs in through Lumajang's directory.
async fn through_directory(app: &App, username: &str, password: &str) -> (Browser, common::Page) {
    let b = Browser::new(app);
    let login = b.get("/login").await;
    assert!(login.body.contains("Direktori LDAP"), "the login form offers the directory");
    let fields = [
        ("csrf", login.csrf()),
        ("username", username.into()),
        ("password", password.into()),
        ("direktori", "lumajang".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = b.post("/login", &fields).await;
    (b, page)
}

#[tokio::test]
#[ignore = "needs slapd (apt-get install slapd)"]
async fn a_person_signs_in_with_the_directory_password_and_is_mapped_by_nip() {
    let ldap = slapd::start();
    let app = spawn().await;
    direct_bind(&app, &ldap.url, &[]).await;

    let (b, page) = through_directory(&app, "sri", slapd::SRI_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let account = b.get("/akun").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("Sri Wahyuni"), "signed in as lmj-sekdin, by NIP");

    // Wrong password, unknown user, an entry that is nobody in Sopir: the
    // same answer as a wrong Sopir password.
    for (who, password) in
        [("sri", "salah-sekali"), ("siapa", "apa-saja-123"), ("tamu", slapd::TAMU_PASSWORD), ("sri", "")]
    {
        let (_, page) = through_directory(&app, who, password).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{who}");
        assert!(page.body.contains(WRONG), "{who}: {}", page.body);
    }
    // An injection in the username is escaped, not obeyed.
    let (_, page) = through_directory(&app, "sri,ou=people", slapd::SRI_PASSWORD).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
#[ignore = "needs slapd (apt-get install slapd)"]
async fn search_then_bind_with_a_service_account_maps_by_e_mail() {
    let ldap = slapd::start();
    let app = spawn().await;
    app.store.set_person_email("lumajang", "lmj-kabid", "agus@lumajang.go.id", None).await.unwrap();
    let saved = configure(
        &app,
        &[
            ("local_passwords", "1"),
            ("ldap_url", &ldap.url),
            ("ldap_mode", "search"),
            ("ldap_service_dn", slapd::SERVICE_DN),
            ("ldap_service_password", slapd::SERVICE_PASSWORD),
            ("ldap_base", slapd::PEOPLE),
            ("ldap_filter", "(uid={username})"),
            ("ldap_attribute", "mail"),
            ("ldap_maps_to", "email"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (b, page) = through_directory(&app, "agus", slapd::AGUS_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(b.get("/akun").await.body.contains("Agus Prasetyo"), "signed in as lmj-kabid, by e-mail");
    let (_, page) = through_directory(&app, "agus", "bukan-sandinya").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains(WRONG));

    // A wrong service password: the directory refuses Sopir's settings.
    let saved = configure(
        &app,
        &[
            ("ldap_url", &ldap.url),
            ("ldap_mode", "search"),
            ("ldap_service_dn", slapd::SERVICE_DN),
            ("ldap_service_password", "bukan-sandi-layanan"),
            ("ldap_base", slapd::PEOPLE),
            ("ldap_filter", "(uid={username})"),
            ("ldap_attribute", "mail"),
            ("ldap_maps_to", "email"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let (_, page) = through_directory(&app, "agus", slapd::AGUS_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.contains("menolak pengaturan masuk Sopir"), "{}", page.body);
}

#[tokio::test]
#[ignore = "needs slapd (apt-get install slapd)"]
async fn over_ldaps_and_starttls_the_directory_is_trusted_through_the_agencys_ca() {
    let ca = TestCa::new("CA Diskominfo Lumajang");
    let ldap = slapd::start_tls(&ca);
    let app = spawn().await;
    let ldaps = ldap.ldaps_url.clone().unwrap();
    let ca_field = [("ldap_ca", ca.pem.as_str())];
    direct_bind(&app, &ldaps, &ca_field).await;
    let settings = Browser::login(&app, "lmj-kasi").await.get("/admin/masuk").await;
    assert!(settings.body.contains("Dipercaya:"), "{}", settings.body);
    assert!(settings.body.contains("CN=CA Diskominfo Lumajang"), "{}", settings.body);
    let (b, page) = through_directory(&app, "sri", slapd::SRI_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "ldaps://: {}", page.body);
    assert!(b.get("/akun").await.body.contains("Sri Wahyuni"));
    let (_, page) = through_directory(&app, "sri", "salah-sekali").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED, "a wrong password over TLS is still just wrong");

    direct_bind(&app, &ldap.url, &[("ldap_starttls", "1"), ca_field[0]]).await;
    let (b, page) = through_directory(&app, "sri", slapd::SRI_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "StartTLS: {}", page.body);
    assert!(b.get("/akun").await.body.contains("Sri Wahyuni"));
    let recorded = app.store.record_events("lumajang", 1).await.unwrap().remove(0).1.change;
    let store::record_event::Change::SignInSettingsSet { ldap_starttls, ldap_ca_sha256, .. } = recorded
    else {
        panic!("{recorded:?}")
    };
    assert!(ldap_starttls && ldap_ca_sha256.len() == 1, "in the audit chain");
}

#[tokio::test]
#[ignore = "needs slapd (apt-get install slapd)"]
async fn a_directory_certificate_not_to_trust_is_said_plainly_and_counts_as_a_failure() {
    let ca = TestCa::new("CA Diskominfo Lumajang");
    let ldap = slapd::start_tls(&ca);
    let app = spawn().await;
    let ldaps = ldap.ldaps_url.clone().unwrap();
    let stranger = TestCa::new("CA Lain");
    let untrusted: [(&str, &[(&str, &str)]); 3] = [
        // The system's roots do not know the agency's CA.
        (&ldaps, &[]),
        // Another CA than the one that issued it.
        (&ldaps, &[("ldap_ca", &stranger.pem)]),
        (&ldap.url, &[("ldap_starttls", "1"), ("ldap_ca", &stranger.pem)]),
    ];
    let tries = untrusted.len() as i64;
    for (url, tls) in untrusted {
        direct_bind(&app, url, tls).await;
        let (b, page) = through_directory(&app, "sri", slapd::SRI_PASSWORD).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{url} {tls:?}: {}", page.body);
        assert!(
            page.body.contains("Sertifikat TLS direktori LDAP instansi tidak dipercaya"),
            "{}",
            page.body
        );
        assert_eq!(b.get("/akun").await.status, StatusCode::SEE_OTHER, "no session");
    }
    // Counted like wrong passwords.
    for _ in tries..store::login_throttle::FREE_FAILURES {
        through_directory(&app, "sri", slapd::SRI_PASSWORD).await;
    }
    let (_, page) = through_directory(&app, "sri", slapd::SRI_PASSWORD).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
}

#[tokio::test]
async fn a_ca_certificate_that_is_not_one_is_refused_beside_its_field() {
    let app = spawn().await;
    let template = format!("uid={{username}},{}", slapd::PEOPLE);
    let base = [
        ("ldap_url", "ldaps://ldap.lumajang.go.id"),
        ("ldap_mode", "template"),
        ("ldap_bind_dn", template.as_str()),
        ("ldap_attribute", "mail"),
        ("ldap_maps_to", "email"),
    ];
    let key = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----";
    for (typed, why) in [("ca.crt", "format PEM"), (key, "kunci privat")] {
        let mut fields = base.to_vec();
        fields.push(("ldap_ca", typed));
        let page = configure(&app, &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(page.body.contains(why), "{why}: {}", page.body);
        assert!(page.body.contains("id=\"masuk-ldap_ca-error\""), "beside its field: {}", page.body);
    }
    assert_eq!(
        app.store.sign_in_settings("lumajang").await.unwrap(),
        store::sign_in::SignInSettings::default()
    );
}

#[tokio::test]
async fn a_directory_that_cannot_be_reached_is_said_plainly_and_counts_as_a_failure() {
    let app = spawn().await;
    // Nothing listens there.
    direct_bind(&app, &format!("ldap://127.0.0.1:{}", slapd::free_port()), &[]).await;
    for _ in 0..store::login_throttle::FREE_FAILURES {
        let (_, page) = through_directory(&app, "sri", "apa-saja-123").await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);
        assert!(page.body.contains("tidak dapat dihubungi"), "{}", page.body);
    }
    // Counted like wrong passwords: the name is slowed down after them.
    let (_, page) = through_directory(&app, "sri", "apa-saja-123").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
}

#[tokio::test]
async fn plain_ldap_to_another_machine_saved_before_the_rule_is_sent_no_password() {
    let app = spawn().await;
    // Something listens there, so a password sent would arrive. 127.0.0.2
    // stands for another machine: only 127.0.0.1, localhost and [::1] count
    // as this one.
    let listener = std::net::TcpListener::bind("127.0.0.2:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let remote = format!("ldap://{}", listener.local_addr().unwrap());
    // The form refuses it now...
    let template = format!("uid={{username}},{}", slapd::PEOPLE);
    let refused = configure(
        &app,
        &[
            ("local_passwords", "1"),
            ("ldap_url", &remote),
            ("ldap_mode", "template"),
            ("ldap_bind_dn", &template),
            ("ldap_attribute", "employeeNumber"),
            ("ldap_maps_to", "nip"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    // ...but an older Sopir kept such settings.
    direct_bind(&app, &format!("ldap://127.0.0.1:{}", slapd::free_port()), &[]).await;
    sqlx::query("UPDATE sign_in_settings SET ldap_url = $1 WHERE agency_id = 'lumajang'")
        .bind(&remote)
        .execute(app.store.pool())
        .await
        .unwrap();

    let (_, page) = through_directory(&app, "sri", "rahasia-sri-123").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);
    assert!(page.body.contains("jadi kata sandi tidak dikirim"), "{}", page.body);
    let connected = listener.accept();
    assert!(
        matches!(&connected, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "nothing was sent to the directory: {connected:?}"
    );
    // The settings page shows what to mend, beside the field.
    let admin = Browser::login(&app, "lmj-kasi").await;
    let settings = admin.get("/admin/masuk").await;
    assert_eq!(settings.status, StatusCode::OK, "a page read, not a sending refused");
    assert!(settings.body.contains("Tersimpan sebelum aturan ini"), "{}", settings.body);
}

#[tokio::test]
async fn with_sopir_passwords_off_the_agency_signs_in_only_through_its_directory() {
    let app = spawn().await;
    let saved = configure(&app, &[("ldap_url", "")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(!app.store.sign_in_settings("lumajang").await.unwrap().local_passwords);
    let b = Browser::new(&app);
    let token = b.get("/login").await.csrf();
    let page = b
        .post(
            "/login",
            &[("csrf", &token), ("username", "lmj-sekdin"), ("password", store::demo::DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains(WRONG), "the same answer as a wrong password");
    // The other agency, and the installation's administrator, are not locked out.
    Browser::login(&app, "tgx-kadis").await;
    Browser::login(&app, "admin-instalasi").await;
}

#[tokio::test]
async fn a_bad_setting_is_refused_beside_its_field_and_nothing_changes() {
    let app = spawn().await;
    let page = configure(
        &app,
        &[
            ("local_passwords", "1"),
            ("ldap_url", "http://ldap.example"),
            ("ldap_mode", "template"),
            ("ldap_bind_dn", "ou=people,dc=x"),
            ("ldap_attribute", "mail"),
            ("ldap_maps_to", "email"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Every wrong field at once, not one per attempt.
    assert!(page.body.contains("harus diawali ldap:// atau ldaps://"), "{}", page.body);
    assert!(page.body.contains("harus memuat {username}"), "{}", page.body);
    assert!(page.body.contains("value=\"http://ldap.example\""), "what was typed comes back");
    assert_eq!(
        app.store.sign_in_settings("lumajang").await.unwrap(),
        store::sign_in::SignInSettings::default()
    );
}

/// Each refusal is shown beside its field, and names it as the page
/// labels it (the API's problem carries the same label).
#[tokio::test]
async fn every_refusal_is_shown_beside_its_field_under_the_pages_label() {
    let app = spawn().await;
    let fields = [
        ("ldap_url", "ldaps://ldap.example"),
        ("ldap_starttls", "1"),
        ("ldap_mode", "template"),
        ("ldap_bind_dn", "ou=people"),
        ("ldap_attribute", "mail)(x"),
        ("ldap_maps_to", "nik"),
        ("ldap_ca", "bukan sertifikat"),
        ("oidc_issuer", "ftp://sso.example"),
        ("oidc_scopes", "email"),
        ("oidc_maps_to", "nik"),
    ];
    let page = configure(&app, &fields).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = store::sign_in::SignInForm {
        ldap_url: "ldaps://ldap.example".into(),
        ldap_starttls: true,
        ldap_mode: "template".into(),
        ldap_bind_dn: "ou=people".into(),
        ldap_attribute: "mail)(x".into(),
        ldap_maps_to: "nik".into(),
        ldap_ca_certificate: "bukan sertifikat".into(),
        oidc_issuer: "ftp://sso.example".into(),
        oidc_scopes: "email".into(),
        oidc_maps_to: "nik".into(),
        ..Default::default()
    };
    let refused = match app.store.set_sign_in_settings("lumajang", &form, "lmj-kasi", 1).await {
        Err(store::StoreError::Engine(engine::EngineError::Invalid(errors))) => errors,
        other => panic!("{other:?}"),
    };
    assert_eq!(refused.len(), 11, "every wrong field of both parts: {refused:?}");
    for error in &refused {
        let id = format!("masuk-{}", error.field);
        let label = error.label.replace('"', "&quot;");
        let labelled = page.body.contains(&format!("<label for=\"{id}\">{label}</label>"))
            || page.body.contains(&format!(" {label}</label>"))
                && page.body.contains(&format!("id=\"{id}\""));
        assert!(labelled, "{}: \"{}\" is not the page's label\n{}", error.field, error.label, page.body);
        let message = error.message.replace('"', "&quot;");
        let beside = format!("<p class=\"field-error\" id=\"{id}-error\">{message}</p>");
        assert!(page.body.contains(&beside), "{}: its refusal is not beside it", error.field);
    }
}

// OpenID Connect against a real oidc-provider run by node.

const PROVIDER: &str = "SSO Jatim";

async fn configure_oidc(app: &App, issuer: &str) {
    let saved = configure(
        app,
        &[
            ("local_passwords", "1"),
            ("oidc_name", PROVIDER),
            ("oidc_issuer", issuer),
            ("oidc_client_id", common::oidc::CLIENT_ID),
            ("oidc_client_secret", common::oidc::CLIENT_SECRET),
            ("oidc_scopes", "openid email"),
            ("oidc_claim", "email"),
            ("oidc_maps_to", "email"),
        ],
    )
    .await;
    assert_eq!(saved.location.as_deref(), Some("/admin/masuk?ok=1"), "{}", saved.body);
}

/// Follows the provider's redirects and answers its login and consent
/// forms as `login`, until it sends the browser back to Sopir: that URL.
async fn at_the_provider(b: &Browser, issuer: &str, start: &str, login: &str) -> String {
    let absolute =
        |url: &str| if url.starts_with("http") { url.to_string() } else { format!("{issuer}{url}") };
    let mut response = b.client.get(absolute(start)).send().await.unwrap();
    for _ in 0..20 {
        if response.status().is_redirection() {
            let next = absolute(response.headers()["location"].to_str().unwrap());
            if next.starts_with(&b.base) {
                return next;
            }
            response = b.client.get(next).send().await.unwrap();
            continue;
        }
        let body = response.text().await.unwrap();
        let at = body.find("action=\"").expect("a form at the provider") + 8;
        let action = absolute(body[at..].split('"').next().unwrap());
        let fields: Vec<(&str, &str)> = if body.contains("name=\"prompt\" value=\"login\"") {
            vec![("prompt", "login"), ("login", login), ("password", "apa-saja")]
        } else {
            vec![("prompt", "consent")]
        };
        response = b.client.post(action).form(&fields).send().await.unwrap();
    }
    panic!("the provider did not send the browser back");
}

#[tokio::test]
#[ignore = "needs node and oidc-provider (npm ci in crates/web/tests/fixtures/oidc)"]
async fn a_person_signs_in_at_the_openid_provider_once_per_code_and_state() {
    let app = spawn().await;
    let provider =
        common::oidc::start(&app.base, &[("agus", "agus@lumajang.go.id"), ("orang-lain", "x@example.org")]);
    app.store.set_person_email("lumajang", "lmj-kabid", "agus@lumajang.go.id", None).await.unwrap();
    configure_oidc(&app, &provider.issuer).await;

    let b = Browser::new(&app);
    let login = b.get("/login").await;
    assert!(login.body.contains(&format!("Masuk dengan {PROVIDER}")), "{}", login.body);
    let started = b.get("/login/oidc/lumajang").await;
    let to_provider = started.location.expect("off to the provider");
    assert!(
        to_provider.contains("code_challenge_method=S256") && to_provider.contains("nonce="),
        "{to_provider}"
    );
    let back = at_the_provider(&b, &provider.issuer, &to_provider, "agus").await;
    let signed_in = b.client.get(&back).send().await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{}", signed_in.text().await.unwrap());
    assert!(b.get("/akun").await.body.contains("Agus Prasetyo"), "signed in as lmj-kabid, by e-mail");

    // The same answer again: its state was used up.
    let again = Browser::new(&app);
    let replay = again.client.get(&back).send().await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.text().await.unwrap().contains("kedaluwarsa, sudah dipakai"));

    // The spent code under a fresh state of this browser: the provider
    // refuses it, and so does Sopir.
    let fresh = again.get("/login/oidc/lumajang").await.location.unwrap();
    let state = fresh.split("state=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let code = back.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let replayed = again.get(&format!("/login/oidc/kembali?code={code}&state={state}")).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED, "{}", replayed.body);
    assert!(replayed.body.contains("kodenya sudah dipakai"), "{}", replayed.body);
    assert_eq!(again.get("/akun").await.status, StatusCode::SEE_OTHER, "no session");

    // A state this browser was not given (login CSRF): refused.
    let other = Browser::new(&app);
    let to_provider = other.get("/login/oidc/lumajang").await.location.unwrap();
    let back = at_the_provider(&other, &provider.issuer, &to_provider, "agus").await;
    let mismatched = Browser::new(&app);
    mismatched.get("/login/oidc/lumajang").await;
    let refused = mismatched.client.get(&back).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    // Someone the provider knows but who is nobody of this agency.
    let stranger = Browser::new(&app);
    let to_provider = stranger.get("/login/oidc/lumajang").await.location.unwrap();
    let back = at_the_provider(&stranger, &provider.issuer, &to_provider, "orang-lain").await;
    let page = stranger.client.get(&back).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
    assert!(page.text().await.unwrap().contains("tidak cocok dengan satu akun pegawai"));
}

#[tokio::test]
async fn an_openid_provider_that_cannot_be_reached_is_said_plainly() {
    let app = spawn().await;
    configure_oidc(&app, &format!("http://127.0.0.1:{}", slapd::free_port())).await;
    let page = Browser::new(&app).get("/login/oidc/lumajang").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{}", page.body);
    assert!(page.body.contains("Penyedia identitas instansi tidak dapat dihubungi"), "{}", page.body);
    // No provider for the other agency, and a forged answer opens nothing.
    assert_eq!(Browser::new(&app).get("/login/oidc/trenggalek").await.status, StatusCode::NOT_FOUND);
    let forged = Browser::new(&app).get("/login/oidc/kembali?code=x&state=y").await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_openid_issuer_must_be_https_except_on_loopback() {
    let app = spawn().await;
    let page = configure(
        &app,
        &[
            ("oidc_name", PROVIDER),
            ("oidc_issuer", "http://sso.example.go.id"),
            ("oidc_client_id", "sopir"),
            ("oidc_scopes", "openid email"),
            ("oidc_claim", "email"),
            ("oidc_maps_to", "email"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("harus diawali https://"), "{}", page.body);
    assert_eq!(
        app.store.sign_in_settings("lumajang").await.unwrap(),
        store::sign_in::SignInSettings::default()
    );
}
