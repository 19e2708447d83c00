//! Every action tried by every demo person of both agencies and by an
//! anonymous visitor: only the right ones succeed; everyone else gets a
//! 403 page (or the login page) and nothing changes.

mod common;

use common::{App, Browser, PDF, action_url, form, pdf, spawn};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// A VPN case waiting at step 2 (the Head or Secretary), with its letter.
async fn vpn_case(app: &App) -> (String, String) {
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
    let case_path = sent.location.unwrap().trim_end_matches("?baru=1").to_string();
    let body = requester.get(&case_path).await.body;
    let at = body.find("href=\"/lampiran/").unwrap() + 6;
    let file = body[at..].split('"').next().unwrap().to_string();
    (case_path, file)
}

/// A confirmed sign-up to `agency`, waiting for approval; its id.
async fn pending_sign_up(app: &App, agency: &str, unit: &str) -> String {
    let now = jiff::Timestamp::now().as_millisecond();
    let new = store::self_registration::NewRegistration {
        agency: agency.into(),
        // A NIP is a login's name across the installation: one per agency here.
        nip: if agency == "lumajang" { "199001012015032001" } else { "199202022016042002" }.into(),
        name: "Dewi Lestari".into(),
        unit: unit.into(),
        email: format!("dewi@{agency}.example"),
    };
    let secret = format!("rahasia-{agency}");
    app.store.register(&new, "!", &secret, "https://sopir.example/daftar/", now).await.unwrap();
    app.store.confirm_registration(&secret, now).await.unwrap();
    app.store.pending_registrations(agency, now).await.unwrap()[0].id.clone()
}

/// A draft of `agency` begun by its administrator `by`; its editor's path.
async fn sop_draft(app: &App, agency: &str, by: &str) -> String {
    let now = jiff::Timestamp::now().as_millisecond();
    let text = sop::draft_form::blank(agency, &format!("{agency}/konsep-uji"));
    let origin = store::sop_drafts::DraftOrigin::Blank;
    let draft = app.store.create_sop_draft(agency, origin, &text, by, now).await.unwrap();
    format!("/admin/sop/konsep/{}", draft.id)
}

/// `id` of `agency` published again as the next version (a comment
/// added: the same content); its history then has two versions to compare.
async fn second_version(app: &App, agency: &str, id: &str) -> u32 {
    let now = jiff::Timestamp::now().as_millisecond();
    let live = app.store.sop(agency, id, None).await.unwrap();
    let text = sop::draft_form::with_version(&live.source, live.version + 1).unwrap() + "\n# versi uji\n";
    app.store.publish_sop_by(&live.file, &text, now, None).await.unwrap();
    live.version + 1
}

/// Who may do what with that case.
fn allowed(action: &str, person: &str) -> bool {
    match action {
        "view" | "download" => ["lmj-pemohon", "lmj-kadis", "lmj-sekdin", "lmj-kasi"].contains(&person),
        "act" => ["lmj-kadis", "lmj-sekdin"].contains(&person),
        "withdraw" => person == "lmj-pemohon",
        "admin" => ["lmj-kasi", "tgx-kabid"].contains(&person),
        "report" => {
            ["lmj-kadis", "lmj-sekdin", "lmj-kabid", "lmj-kasi", "tgx-kadis", "tgx-kabid"].contains(&person)
        }
        "request-vpn" => ["lmj-pemohon", "lmj-pemohon-2"].contains(&person),
        // Deactivating, reactivating and resetting an agency's logins (issue 18).
        "accounts-lumajang" => ["lmj-kasi", "admin-instalasi"].contains(&person),
        "accounts-trenggalek" => ["tgx-kabid", "admin-instalasi"].contains(&person),
        // Approving and refusing an agency's sign-ups (issue 18): its own administrators only.
        "signups-lumajang" => person == "lmj-kasi",
        "signups-trenggalek" => person == "tgx-kabid",
        // An agency's SOP drafts (issue 19): its own administrators only.
        "drafts-lumajang" => person == "lmj-kasi",
        "drafts-trenggalek" => person == "tgx-kabid",
        // An agency's SOP versions and their differences (issue 19): anyone of its own.
        "sop-versions-lumajang" => person.starts_with("lmj-"),
        "sop-versions-trenggalek" => person.starts_with("tgx-"),
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn every_person_and_a_stranger_try_every_action() {
    let app = spawn().await;
    let (case_path, file) = vpn_case(&app).await;
    let case_id = case_path.trim_start_matches("/permohonan/").to_string();
    let task_url = action_url(&Browser::login(&app, "lmj-kadis").await.get(&case_path).await.body).unwrap();

    let mut browsers: Vec<(String, Browser)> = Vec::new();
    for (person, _) in store::demo::position_holders() {
        browsers.push((person.id.clone(), Browser::login(&app, &person.id).await));
    }
    let anonymous = Browser::new(&app);
    let signups = [
        ("lumajang", pending_sign_up(&app, "lumajang", "lmj-dinkes").await),
        ("trenggalek", pending_sign_up(&app, "trenggalek", "tgx-dpmptsp").await),
    ];
    let drafts = [
        ("lumajang", sop_draft(&app, "lumajang", "lmj-kasi").await),
        ("trenggalek", sop_draft(&app, "trenggalek", "tgx-kabid").await),
    ];
    let mut version_pages = Vec::new();
    for (agency, id) in [("lumajang", "lumajang/vpn"), ("trenggalek", "trenggalek/ruang-server")] {
        let newest = second_version(&app, agency, id).await;
        version_pages.push((agency, format!("/sop/{id}/versi")));
        version_pages.push((agency, format!("/sop/{id}/beda?dari={}&ke={newest}", newest - 1)));
    }

    for (person, b) in &browsers {
        let view = b.get(&case_path).await;
        let expected = if allowed("view", person) { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(view.status, expected, "{person} views the case");
        if view.status == StatusCode::FORBIDDEN {
            assert!(
                view.body.contains("Akses ditolak") && !view.body.contains("VPN-2026"),
                "{person}: a clear page, no data"
            );
        }
        let download = b.client.get(format!("{}{file}", app.base)).send().await.unwrap().status();
        let expected = if allowed("download", person) { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(download, expected, "{person} downloads the letter");

        let sheet = b.get(&format!("{case_path}/disposisi")).await.status;
        let expected = if allowed("view", person) { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(sheet, expected, "{person} reads the disposition sheet");

        let admin = b.get("/admin").await.status;
        assert_eq!(
            admin,
            if allowed("admin", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} admin"
        );
        let letter_settings = b.get("/admin/surat").await.status;
        assert_eq!(
            letter_settings,
            if allowed("admin", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} letter settings"
        );
        let gateway = b.get("/admin/pesan").await.status;
        assert_eq!(
            gateway,
            if allowed("admin", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} message gateway settings"
        );
        // Everyone chooses how they themselves are told.
        assert_eq!(b.get("/akun/notifikasi").await.status, StatusCode::OK, "{person} notice settings");
        let sign_in_settings = b.get("/admin/masuk").await.status;
        assert_eq!(
            sign_in_settings,
            if allowed("admin", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} sign-in settings"
        );
        let registers = b.get("/agenda").await.status;
        assert_eq!(
            registers,
            if allowed("report", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} registers"
        );

        let report = b.get("/laporan").await.status;
        assert_eq!(
            report,
            if allowed("report", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} report"
        );
        // Each agency's own SOP: another agency's is not found (below).
        let own_form = if person.starts_with("lmj-") {
            "/laporan/monitoring/lumajang/vpn"
        } else {
            "/laporan/monitoring/trenggalek/ruang-server"
        };
        for path in [
            "/laporan/ikm",
            "/laporan/ikm.csv",
            "/laporan/monitoring",
            own_form,
            "/laporan/evaluasi",
            "/dasbor",
            "/dasbor/umur.csv",
            "/permohonan/semua",
        ] {
            assert_eq!(
                b.get(path).await.status,
                if allowed("report", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
                "{person} {path}"
            );
        }
        let csv = b.get("/laporan/pegawai.csv").await.status;
        assert_eq!(
            csv,
            if allowed("report", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} csv"
        );

        let request = b.get("/layanan/lumajang/vpn").await.status;
        let expected = if allowed("request-vpn", person) { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(request, expected, "{person} opens the VPN request form");

        let token = b.token().await;
        if !allowed("act", person) {
            let acted = b.post_multipart(&task_url, form(&[("csrf", &token), ("note", "Coba")])).await;
            assert_eq!(acted.status, StatusCode::FORBIDDEN, "{person} acts at step 2");
        }
        if !allowed("withdraw", person) {
            let withdrawn = b.post(&format!("{case_path}/tarik"), &[("csrf", &token)]).await;
            assert_eq!(withdrawn.status, StatusCode::FORBIDDEN, "{person} withdraws");
        }
        for (agency, login) in [("lumajang", "lmj-pemohon-2"), ("trenggalek", "tgx-pemohon-2")] {
            let base = format!("/instansi/{agency}/organisasi/akun/{login}");
            if !allowed(&format!("accounts-{agency}"), person) {
                for (what, extra) in [
                    ("nonaktifkan", None),
                    ("aktifkan", None),
                    ("reset", Some("kode")),
                    ("reset", Some("tautan")),
                ] {
                    let mut fields = vec![("csrf", token.as_str())];
                    fields.extend(extra.map(|how| ("cara", how)));
                    let refused = b.post(&format!("{base}/{what}"), &fields).await;
                    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{person}: {what} {login}");
                }
            }
        }
        let list = b.get("/admin/pendaftaran").await.status;
        assert_eq!(
            list,
            if allowed("admin", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} lists sign-ups"
        );
        for (agency, id) in &signups {
            if !allowed(&format!("signups-{agency}"), person) {
                for what in ["setujui", "tolak"] {
                    let fields = [("csrf", token.as_str()), ("reason", "x")];
                    let refused = b.post(&format!("/admin/pendaftaran/{id}/{what}"), &fields).await.status;
                    assert!(
                        [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&refused),
                        "{person}: {what} a sign-up of {agency}: {refused}"
                    );
                }
            }
        }
        for (agency, path) in &version_pages {
            let own = allowed(&format!("sop-versions-{agency}"), person);
            let page = b.get(path).await;
            let expected = if own { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(page.status, expected, "{person} reads {path}");
            // Beginning the next version is offered to the agency's administrators only.
            if path.ends_with("/versi") {
                let revise = page.body.contains("action=\"/admin/sop/konsep/revisi\"");
                assert_eq!(revise, own && allowed("admin", person), "{person}: revision offered on {path}");
            }
        }
        let list = b.get("/admin/sop/konsep").await.status;
        assert_eq!(
            list,
            if allowed("admin", person) { StatusCode::OK } else { StatusCode::FORBIDDEN },
            "{person} lists SOP drafts"
        );
        for (agency, path) in &drafts {
            let own = allowed(&format!("drafts-{agency}"), person);
            // Another agency's administrator is told no such draft exists.
            let refused =
                if allowed("admin", person) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            for page in ["", "/unduh", "/teks"] {
                let status = b.get(&format!("{path}{page}")).await.status;
                assert_eq!(
                    status,
                    if own { StatusCode::OK } else { refused },
                    "{person} reads {agency}'s draft{page}"
                );
            }
            if !own {
                let fields = [
                    ("csrf", token.as_str()),
                    ("revisi", "1"),
                    ("id", "x/y"),
                    ("identity.nama", "Diubah"),
                    ("teks", "x = 1"),
                ];
                for action in ["", "/otomatis", "/terbitkan", "/hapus", "/teks", "/tinjau", "/diperiksa"] {
                    let status = b.post(&format!("{path}{action}"), &fields).await.status;
                    assert_eq!(status, refused, "{person} changes {agency}'s draft{action}");
                }
            }
            // Its review page (issue 19 part 3): read by the agency's
            // administrators and heads; judged by nobody while still a draft.
            let review = path.replace("/admin/sop/konsep/", "/sop/tinjauan/");
            let same_agency = person.starts_with(if *agency == "lumajang" { "lmj-" } else { "tgx-" });
            let reads = own || (same_agency && person.ends_with("-kadis"));
            let status = b.get(&review).await.status;
            let expected = match (same_agency, reads) {
                (false, _) => StatusCode::NOT_FOUND,
                (true, true) => StatusCode::OK,
                (true, false) => StatusCode::FORBIDDEN,
            };
            assert_eq!(status, expected, "{person} reads {agency}'s review page");
            let fields = [("csrf", token.as_str()), ("revisi", "1"), ("catatan", "x"), ("kata_sandi", "x")];
            for action in ["catatan", "kembalikan", "setujui", "sahkan"] {
                let status = b.post(&format!("{review}/{action}"), &fields).await.status;
                let expected = if same_agency { StatusCode::FORBIDDEN } else { StatusCode::NOT_FOUND };
                assert_eq!(status, expected, "{person} {action} on {agency}'s draft");
            }
        }
        assert_eq!(b.get("/sop/tinjauan").await.status, StatusCode::OK, "{person} lists what awaits them");
        // Withdrawing and restoring an SOP: only its agency's administrators (tried by
        // everyone else, lest the case above lose its SOP).
        if !allowed("drafts-lumajang", person) {
            let expected =
                if allowed("admin", person) { StatusCode::NOT_FOUND } else { StatusCode::FORBIDDEN };
            for action in ["tarik", "berlakukan"] {
                let fields = [("csrf", token.as_str()), ("sop", "lumajang/vpn")];
                let status = b.post(&format!("/admin/sop/{action}"), &fields).await.status;
                assert_eq!(status, expected, "{person} {action} Lumajang's VPN SOP");
            }
        }
        if !allowed("admin", person) {
            for action in ["baru", "revisi", "impor"] {
                let status = b
                    .post(
                        &format!("/admin/sop/konsep/{action}"),
                        &[("csrf", &token), ("sop", "lumajang/vpn")],
                    )
                    .await
                    .status;
                assert_eq!(status, StatusCode::FORBIDDEN, "{person} begins a draft ({action})");
            }
        }
        // Before login, for everyone alike.
        assert_eq!(b.get("/daftar").await.status, StatusCode::OK, "{person}");
        assert_eq!(b.get("/daftar/tidak-ada").await.status, StatusCode::GONE, "{person}");
        assert_eq!(b.post("/daftar/konfirmasi", &[("rahasia", "x")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(b.get("/lupa-sandi").await.status, StatusCode::OK, "{person}");
        assert_eq!(b.get("/sandi/tidak-ada").await.status, StatusCode::GONE, "{person}");
        // Signing in at an OpenID provider (issue 18): no agency has one
        // here, and an answer this browser did not ask for opens nothing.
        assert_eq!(b.get("/login/oidc/lumajang").await.status, StatusCode::NOT_FOUND, "{person}");
        assert_eq!(
            b.get("/login/oidc/kembali?code=x&state=y").await.status,
            StatusCode::BAD_REQUEST,
            "{person}"
        );
        assert_eq!(b.post("/sandi", &[("rahasia", "x"), ("new", "x")]).await.status, StatusCode::FORBIDDEN);
        if !allowed("admin", person) {
            let day = b
                .post(
                    "/admin/libur",
                    &[("csrf", &token), ("date", "2026-12-31"), ("name", "x"), ("kind", "libur")],
                )
                .await;
            assert_eq!(day.status, StatusCode::FORBIDDEN, "{person} adds a holiday");
            let gateway = b
                .post(
                    "/admin/pesan",
                    &[("csrf", &token), ("url", "http://127.0.0.1:9/x"), ("template", "{pesan}")],
                )
                .await;
            assert_eq!(gateway.status, StatusCode::FORBIDDEN, "{person} sets the message gateway");
            let tried = b.post("/admin/pesan/uji", &[("csrf", &token), ("telepon", "081234567890")]).await;
            assert_eq!(tried.status, StatusCode::FORBIDDEN, "{person} sends a gateway test");
            // Switching Sopir passwords off for the agency (issue 18).
            let sign_in = b.post("/admin/masuk", &[("csrf", &token), ("ldap_url", "")]).await;
            assert_eq!(sign_in.status, StatusCode::FORBIDDEN, "{person} changes how the agency signs in");
        }
        let chosen = b
            .post("/akun/notifikasi", &[("csrf", &token), ("tugas.email", "ringkasan"), ("jam", "06:00")])
            .await;
        assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{person} chooses how they are told");
    }
    // The stranger is sent to log in, whatever they try.
    for page in [
        anonymous.get(&case_path).await,
        anonymous.get(&file).await,
        anonymous.get("/admin").await,
        anonymous.get("/laporan").await,
        anonymous.get(&format!("{case_path}/disposisi")).await,
        anonymous.get("/agenda").await,
        anonymous.get("/admin/surat").await,
        anonymous.get("/admin/pesan").await,
        anonymous.get("/akun/notifikasi").await,
        anonymous.get("/admin/masuk").await,
        anonymous.get(&version_pages[0].1).await,
        anonymous.get(&version_pages[1].1).await,
    ] {
        assert_eq!(page.location.as_deref(), Some("/login"));
    }
    for sent in [
        anonymous.post("/admin/pesan", &[("url", "http://127.0.0.1:9/x"), ("template", "{pesan}")]).await,
        anonymous.post("/admin/pesan/uji", &[("telepon", "081234567890")]).await,
        anonymous.post("/akun/notifikasi", &[("tugas.email", "mati"), ("jam", "06:00")]).await,
    ] {
        assert_eq!(sent.location.as_deref(), Some("/login?sesi=habis"));
    }
    // A form sent without a session: the login page says the session ended.
    let attempt = anonymous.post_multipart(&task_url, form(&[("note", "x")])).await;
    assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"));
    let attempt = anonymous.post(&format!("{case_path}/tarik"), &[]).await;
    assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"));
    for what in ["nonaktifkan", "aktifkan", "reset"] {
        let attempt =
            anonymous.post(&format!("/instansi/lumajang/organisasi/akun/lmj-pemohon-2/{what}"), &[]).await;
        assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"), "{what}");
    }
    let attempt = anonymous.post("/admin/masuk", &[("ldap_url", "")]).await;
    assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"), "sign-in settings");
    for agency in ["lumajang", "trenggalek"] {
        let settings = app.store.sign_in_settings(agency).await.unwrap();
        assert_eq!(
            settings,
            store::sign_in::SignInSettings::default(),
            "{agency}: refused attempts changed nothing"
        );
    }
    assert_eq!(anonymous.get("/lupa-sandi").await.status, StatusCode::OK);
    assert_eq!(anonymous.get("/daftar").await.status, StatusCode::OK);
    assert_eq!(anonymous.get("/daftar/tidak-ada").await.status, StatusCode::GONE);
    assert_eq!(anonymous.post("/daftar", &[("agency", "lumajang")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(anonymous.post("/daftar/konfirmasi", &[("rahasia", "x")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(anonymous.get("/admin/pendaftaran").await.location.as_deref(), Some("/login"));
    for (_, id) in &signups {
        for what in ["setujui", "tolak"] {
            let attempt = anonymous.post(&format!("/admin/pendaftaran/{id}/{what}"), &[]).await;
            assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"), "{what}");
        }
    }
    for (agency, path) in &drafts {
        assert_eq!(anonymous.get(path).await.location.as_deref(), Some("/login"));
        assert_eq!(anonymous.get("/admin/sop/konsep").await.location.as_deref(), Some("/login"));
        assert_eq!(anonymous.get("/sop/tinjauan").await.location.as_deref(), Some("/login"));
        for action in ["", "/otomatis", "/terbitkan", "/hapus", "/teks", "/tinjau", "/diperiksa"] {
            let attempt = anonymous.post(&format!("{path}{action}"), &[("revisi", "1"), ("teks", "x")]).await;
            assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"), "{action}");
        }
        let review = path.replace("/admin/sop/konsep/", "/sop/tinjauan/");
        assert_eq!(anonymous.get(&review).await.location.as_deref(), Some("/login"));
        for action in ["catatan", "kembalikan", "setujui", "sahkan"] {
            let attempt = anonymous.post(&format!("{review}/{action}"), &[("revisi", "1")]).await;
            assert_eq!(attempt.location.as_deref(), Some("/login?sesi=habis"), "{action}");
        }
        let id = path.rsplit('/').next().unwrap();
        let draft = app.store.sop_draft(agency, id).await.unwrap();
        assert_eq!(
            (draft.revision, draft.status),
            (1, store::sop_drafts::DraftStatus::Open),
            "{agency}: refused attempts changed nothing"
        );
        assert_eq!(app.store.sop_drafts(agency).await.unwrap().len(), 1, "{agency}: no draft begun");
    }
    for (agency, _) in &signups {
        let waiting =
            app.store.pending_registrations(agency, jiff::Timestamp::now().as_millisecond()).await.unwrap();
        assert_eq!(waiting.len(), 1, "{agency}: refused attempts changed nothing");
    }
    assert_eq!(anonymous.get("/sandi/tidak-ada").await.status, StatusCode::GONE);
    assert_eq!(anonymous.get("/login/oidc/trenggalek").await.status, StatusCode::NOT_FOUND);
    assert_eq!(anonymous.get("/login/oidc/kembali?code=x&state=y").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(anonymous.post("/sandi", &[("rahasia", "x")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(anonymous.post("/lupa-sandi", &[("who", "lmj-pemohon")]).await.status, StatusCode::FORBIDDEN);
    for login in ["lmj-pemohon-2", "tgx-pemohon-2"] {
        let account = app.store.account(login).await.unwrap().unwrap();
        assert!(account.active() && account.has_password(), "{login}: refused attempts changed nothing");
    }

    // Nothing the refused attempts did changed the case.
    let state = app.store.case("lumajang", &case_id).await.unwrap();
    assert_eq!(state.status, engine::CaseStatus::Open);
    assert_eq!(state.tasks.len(), 2);
    assert!(app.store.calendar("lumajang").await.unwrap().is_working_day(jiff::civil::date(2026, 12, 31)));
    assert!(app.store.calendar("trenggalek").await.unwrap().is_working_day(jiff::civil::date(2026, 12, 31)));
    for agency in ["lumajang", "trenggalek"] {
        assert!(app.store.message_gateway(agency).await.unwrap().is_none(), "no gateway set in {agency}");
    }
    // Each person's choice is their own.
    let chosen = app.store.notice_choices("lumajang", "lmj-kabid").await.unwrap();
    assert_eq!(
        chosen.delivery(engine::notice::NoticeKind::Task, store::mail::Channel::Email),
        store::notice_delivery::Delivery::Digest
    );
    assert_eq!(chosen.digest_time(), "06:00");
    // An administrator sets their own agency's gateway, no other.
    let tgx_admin = &browsers.iter().find(|(p, _)| p == "tgx-kabid").unwrap().1;
    let token = tgx_admin.token().await;
    let set = tgx_admin
        .post("/admin/pesan", &[("csrf", &token), ("url", "http://127.0.0.1:9/x"), ("template", "{pesan}")])
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert!(app.store.message_gateway("trenggalek").await.unwrap().is_some());
    assert!(app.store.message_gateway("lumajang").await.unwrap().is_none());

    // Each allowed actor succeeds (each on a case of its own).
    for person in ["lmj-kadis", "lmj-sekdin"] {
        let (path, _) = vpn_case(&app).await;
        let b = Browser::login(&app, person).await;
        let page = b.get(&path).await;
        let url = action_url(&page.body).unwrap();
        let done = b.post_multipart(&url, form(&[("csrf", &page.csrf()), ("note", "Tindak lanjuti")])).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{person} acts");
    }
    // Each agency's administrators, and the installation's, administer its logins.
    let installer = Browser::login(&app, "admin-instalasi").await;
    for (admin, agency, login) in [
        (&browsers.iter().find(|(p, _)| p == "lmj-kasi").unwrap().1, "lumajang", "lmj-pemohon-2"),
        (&browsers.iter().find(|(p, _)| p == "tgx-kabid").unwrap().1, "trenggalek", "tgx-pemohon-2"),
        (&installer, "lumajang", "lmj-pemohon-2"),
        (&installer, "trenggalek", "tgx-pemohon-2"),
    ] {
        let token = admin.token().await;
        let base = format!("/instansi/{agency}/organisasi/akun/{login}");
        assert_eq!(
            admin.post(&format!("{base}/nonaktifkan"), &[("csrf", &token)]).await.status,
            StatusCode::SEE_OTHER
        );
        assert!(!app.store.account(login).await.unwrap().unwrap().active());
        assert_eq!(
            admin.post(&format!("{base}/aktifkan"), &[("csrf", &token)]).await.status,
            StatusCode::SEE_OTHER
        );
        let code = admin.post(&format!("{base}/reset"), &[("csrf", &token), ("cara", "kode")]).await;
        assert_eq!(code.status, StatusCode::OK, "{agency}: {login}");
    }
    // Each agency's administrator approves its own sign-up.
    for ((agency, id), admin) in signups.iter().zip(["lmj-kasi", "tgx-kabid"]) {
        let b = &browsers.iter().find(|(p, _)| p == admin).unwrap().1;
        let token = b.token().await;
        let done = b.post(&format!("/admin/pendaftaran/{id}/setujui"), &[("csrf", &token)]).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{admin} approves a sign-up of {agency}: {}",
            done.body
        );
    }
    let requester = &browsers.iter().find(|(p, _)| p == "lmj-pemohon").unwrap().1;
    let token = requester.token().await;
    let withdrawn = requester.post(&format!("{case_path}/tarik"), &[("csrf", &token)]).await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_second_completion_of_the_same_task_is_told_who_did_it() {
    let app = spawn().await;
    let (case_path, _) = vpn_case(&app).await;
    let head = Browser::login(&app, "lmj-kadis").await;
    let secretary = Browser::login(&app, "lmj-sekdin").await;
    let (a, b) = (head.get(&case_path).await, secretary.get(&case_path).await);
    let url = action_url(&a.body).unwrap();
    let first = head.post_multipart(&url, form(&[("csrf", &a.csrf()), ("note", "Segera")])).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = secretary.post_multipart(&url, form(&[("csrf", &b.csrf()), ("note", "Segera")])).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(
        second.body.contains("tugas ini sudah diselesaikan oleh Bambang Santoso, S.STP"),
        "{}",
        second.body
    );
    // In English on an English page.
    let switched = secretary.post("/bahasa", &[("lang", "en"), ("back", &case_path)]).await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let again = secretary.post_multipart(&url, form(&[("csrf", &b.csrf()), ("note", "Segera")])).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains("this task has already been completed by Bambang Santoso, S.STP"),
        "{}",
        again.body
    );
}

/// A roster of one new person for `agency`, in its first position and unit.
async fn one_person_roster(app: &App, agency: &str) -> String {
    let found = app.store.agency(agency).await.unwrap();
    format!(
        "NIP;Nama;Jabatan;Unit Kerja\n199001012015011999;Pegawai Coba;{};{}\n",
        found.positions[0].id, found.units[0].id
    )
}

/// The people import (issue 18): previewing and applying a roster of
/// either agency is for that agency's administrators and the installation
/// administrator; everyone else gets a 403, the stranger the login page,
/// and nothing is imported.
#[tokio::test]
async fn every_person_and_a_stranger_try_to_import_people_into_both_agencies() {
    let app = spawn().await;
    let may_import = |person: &store::demo::DemoPerson, agency: &str| {
        person.installation_admin || (person.admin && person.agency == agency)
    };
    for agency in ["lumajang", "trenggalek"] {
        let text = one_person_roster(&app, agency).await;
        let isi = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &text);
        let sha: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        let preview_path = format!("/instansi/{agency}/organisasi/impor");
        let apply_path = format!("/instansi/{agency}/organisasi/impor/terapkan");
        for person in store::demo::people() {
            let b = Browser::login(&app, &person.id).await;
            let token = b.token().await;
            let file = reqwest::multipart::Part::bytes(text.clone().into_bytes()).file_name("pegawai.csv");
            let preview =
                b.post_multipart(&preview_path, form(&[("csrf", &token)]).part("berkas", file)).await;
            if may_import(person, agency) {
                assert_eq!(preview.status, StatusCode::OK, "{} previews {agency}", person.id);
                assert!(preview.body.contains("<td id=\"count-new\">1</td>"), "{}", preview.body);
            } else {
                assert_eq!(preview.status, StatusCode::FORBIDDEN, "{} previews {agency}", person.id);
                assert!(!preview.body.contains("Pegawai Coba"));
                let applied = b.post(&apply_path, &[("csrf", &token), ("sha256", &sha), ("isi", &isi)]).await;
                assert_eq!(applied.status, StatusCode::FORBIDDEN, "{} applies to {agency}", person.id);
            }
        }
        let anonymous = Browser::new(&app);
        let file = reqwest::multipart::Part::bytes(text.clone().into_bytes()).file_name("pegawai.csv");
        let preview = anonymous.post_multipart(&preview_path, form(&[]).part("berkas", file)).await;
        assert_eq!(preview.location.as_deref(), Some("/login?sesi=habis"));
        let applied = anonymous.post(&apply_path, &[("sha256", &sha), ("isi", &isi)]).await;
        assert_eq!(applied.location.as_deref(), Some("/login?sesi=habis"));
        let org = app.store.organisation(agency).await.unwrap();
        assert!(org.people.iter().all(|p| p.name != "Pegawai Coba"), "nothing imported into {agency}");
    }
    // And an administrator's own apply goes through.
    let text = one_person_roster(&app, "trenggalek").await;
    let admin = Browser::login(&app, "tgx-kabid").await;
    let token = admin.token().await;
    let file = reqwest::multipart::Part::bytes(text.into_bytes()).file_name("pegawai.csv");
    let page = admin
        .post_multipart(
            "/instansi/trenggalek/organisasi/impor",
            form(&[("csrf", &token)]).part("berkas", file),
        )
        .await;
    let field = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let at = page.body.find(&marker).unwrap() + marker.len();
        page.body[at..].split('"').next().unwrap().to_string()
    };
    let applied = admin
        .post(
            "/instansi/trenggalek/organisasi/impor/terapkan",
            &[("csrf", &token), ("sha256", &field("sha256")), ("isi", &field("isi"))],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER);
    let org = app.store.organisation("trenggalek").await.unwrap();
    assert!(org.people.iter().any(|p| p.name == "Pegawai Coba"));
}

/// A call to the API: its status, with `token` (none: anonymous).
async fn api_status(
    app: &App,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<&str>,
) -> StatusCode {
    let mut request = reqwest::Client::new().request(method, format!("{}/api/v1{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    request.send().await.unwrap().status()
}

/// The API's side of the matrix: every demo person (and a caller without a
/// token) reads what the pages let them read and nothing else, and the
/// state-changing twins refuse whoever the pages refuse — changing nothing.
#[tokio::test]
async fn every_person_and_a_stranger_try_the_api() {
    let app = spawn().await;
    let (case_path, _) = vpn_case(&app).await;
    let case_id = case_path.trim_start_matches("/permohonan/").to_string();
    let now = jiff::Timestamp::now().as_millisecond();
    let installer = |p: &str| p == "admin-instalasi";
    let agency_of = |p: &str| if p.starts_with("tgx-") { "trenggalek" } else { "lumajang" };
    let own_sop = |p: &str| if p.starts_with("tgx-") { "trenggalek/ruang-server" } else { "lumajang/vpn" };
    let drafts_before = (
        app.store.sop_drafts("lumajang").await.unwrap().len(),
        app.store.sop_drafts("trenggalek").await.unwrap().len(),
    );
    let months_before = app.store.monitoring_months("lumajang").await.unwrap();

    for person in store::demo::people() {
        let p = person.id.as_str();
        let (_, token) = app.store.create_api_token(p, "matriks", 30, now).await.unwrap();
        let get = |path: String| {
            let token = token.clone();
            let app = &app;
            async move { api_status(app, Some(&token), reqwest::Method::GET, &path, None).await }
        };
        let yes_no = |yes: bool| if yes { StatusCode::OK } else { StatusCode::FORBIDDEN };
        let admin = allowed("admin", p);
        let report = allowed("report", p);
        let case = get(format!("/cases/{case_id}")).await;
        if allowed("view", p) {
            assert_eq!(case, StatusCode::OK, "{p} reads the case");
        } else {
            assert!(
                matches!(case, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{p} reads the case: {case}"
            );
        }
        let organisation = if installer(p) { true } else { allowed("accounts-lumajang", p) };
        assert_eq!(
            get("/agencies/lumajang/organisation".into()).await,
            yes_no(organisation),
            "{p} organisation"
        );
        assert_eq!(get("/agencies/lumajang/profile".into()).await, yes_no(organisation), "{p} profile");
        assert_eq!(get("/agencies".into()).await, yes_no(installer(p)), "{p} agencies");
        for settings in
            ["/sop-drafts", "/settings/sign-in", "/settings/message-gateway", "/settings/signing-service"]
        {
            assert_eq!(get(settings.into()).await, yes_no(admin), "{p} {settings}");
        }
        let (agency, sop) = (agency_of(p), own_sop(p));
        let slug = sop.split('/').nth(1).unwrap();
        assert_eq!(get(format!("/monitoring/{agency}/{slug}")).await, yes_no(report), "{p} monitoring");
        assert_eq!(get("/evaluation/questions".into()).await, yes_no(report || admin), "{p} checklist");
        for own in ["/signing-queue", "/sop-drafts/awaiting", "/me/mail", "/me/notice-choices", "/calendar"] {
            assert_eq!(get(own.into()).await, StatusCode::OK, "{p} {own}");
        }

        // The writes, by those the pages refuse (the others' are tested
        // with their twins).
        let send = |method: reqwest::Method, path: &'static str, body: &'static str| {
            let token = token.clone();
            let app = &app;
            async move { api_status(app, Some(&token), method, path, Some(body)).await }
        };
        if !organisation {
            let unit = send(
                reqwest::Method::PUT,
                "/agencies/lumajang/units/lumajang-uji",
                r#"{"name": "Unit Uji"}"#,
            );
            assert_eq!(unit.await, StatusCode::FORBIDDEN, "{p} adds a unit");
        }
        if !admin {
            let draft = send(reqwest::Method::POST, "/sop-drafts", r#"{"from": "blank"}"#).await;
            assert_eq!(draft, StatusCode::FORBIDDEN, "{p} begins a draft");
            let period = send(reqwest::Method::PUT, "/monitoring/period", r#"{"months": 3}"#).await;
            assert_eq!(period, StatusCode::FORBIDDEN, "{p} sets the monitoring period");
            let gateway = r#"{"url": "https://gw.contoh.go.id/kirim", "template": "{pesan}"}"#;
            let gateway = send(reqwest::Method::PUT, "/settings/message-gateway", gateway).await;
            assert_eq!(gateway, StatusCode::FORBIDDEN, "{p} sets the gateway");
        }
        if !installer(p) {
            let agency = send(reqwest::Method::POST, "/agencies", r#"{"government": "x"}"#).await;
            assert_eq!(agency, StatusCode::FORBIDDEN, "{p} makes an agency");
        }
    }
    let org = app.store.agency("lumajang").await.unwrap();
    assert!(!org.units.iter().any(|u| u.id == "lumajang-uji"), "no refused write changed anything");
    let drafts_after = (
        app.store.sop_drafts("lumajang").await.unwrap().len(),
        app.store.sop_drafts("trenggalek").await.unwrap().len(),
    );
    assert_eq!(drafts_after, drafts_before);
    assert_eq!(app.store.monitoring_months("lumajang").await.unwrap(), months_before);
    assert!(app.store.message_gateway("lumajang").await.unwrap().is_none());

    // Without a token: nothing at all.
    for (method, path) in [
        (reqwest::Method::GET, format!("/cases/{case_id}")),
        (reqwest::Method::GET, "/agencies/lumajang/organisation".to_string()),
        (reqwest::Method::POST, "/sop-drafts".to_string()),
        (reqwest::Method::PUT, "/settings/sign-in".to_string()),
        (reqwest::Method::GET, "/signing-queue".to_string()),
    ] {
        assert_eq!(
            api_status(&app, None, method, &path, Some("{}")).await,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
}
