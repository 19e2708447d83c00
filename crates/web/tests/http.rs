//! The web application over real HTTP: every page, every action, the full
//! VPN request from submission to closure, form errors, CSRF and the
//! language switch.

mod common;

use common::{Browser, PDF, action_url, form, pdf, spawn};
use reqwest::StatusCode;

/// Submits a VPN request as the demo requester; returns the case path.
async fn submit_vpn(app: &common::App, requester: &Browser) -> String {
    let page = requester.get("/layanan/lumajang/vpn").await;
    assert_eq!(page.status, StatusCode::OK);
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let mut f = form(&[("csrf", &page.csrf())]);
    for (k, v) in &input.fields {
        f = f.text(k.clone(), v.clone());
    }
    f = f.part("surat_permohonan", pdf("Surat Permohonan VPN.pdf", PDF));
    let sent = requester.post_multipart("/layanan/lumajang/vpn", f).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let location = sent.location.unwrap();
    assert!(location.ends_with("?baru=1"), "{location}");
    location.trim_end_matches("?baru=1").to_string()
}

#[tokio::test]
async fn health_and_embedded_assets() {
    let app = spawn().await;
    let b = Browser::new(&app);
    let health = b.get("/healthz").await;
    assert_eq!((health.status, health.body.as_str()), (StatusCode::OK, "ok"));
    assert!(b.get("/static/htmx.min.js").await.body.starts_with("var htmx"));
    assert!(b.get("/static/sopir.css").await.body.contains("--brand"));
    assert_eq!(b.get("/static/lain.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = spawn().await;
    let b = Browser::new(&app);
    for path in [
        "/",
        "/tugas",
        "/layanan",
        "/layanan/lumajang/vpn",
        "/permohonan",
        "/permohonan/x",
        "/sop",
        "/sop/lumajang/vpn",
        "/admin",
        "/akun",
        "/lampiran/x",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
    }
    let login = b.get("/login").await;
    assert!(login.body.contains("Masuk ke Sopir"));
    assert!(b.get("/tidak-ada").await.body.contains("Tidak ditemukan"));
}

#[tokio::test]
async fn login_refuses_wrong_passwords_and_slows_guessing() {
    let app = spawn().await;
    let b = Browser::new(&app);
    let token = b.get("/login").await.csrf();
    let wrong = b.post("/login", &[("csrf", &token), ("username", "lmj-kadis"), ("password", "salah")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("Nama pengguna atau kata sandi salah."));
    let unknown = b.post("/login", &[("csrf", &token), ("username", "siapa"), ("password", "salah")]).await;
    assert!(unknown.body.contains("Nama pengguna atau kata sandi salah."), "no hint which names exist");
    for _ in 0..2 {
        b.post("/login", &[("csrf", &token), ("username", "lmj-kadis"), ("password", "salah")]).await;
    }
    let slowed =
        b.post("/login", &[("csrf", &token), ("username", "lmj-kadis"), ("password", "sopir-demo")]).await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(slowed.body.contains("Terlalu banyak percobaan yang gagal. Coba lagi dalam"), "{}", slowed.body);
    // Guessing across many accounts from one address is slowed down too.
    let guesser = Browser::new(&app);
    let t = guesser.get("/login").await.csrf();
    for i in 0..web::auth::FAILURES_PER_ADDRESS {
        let name = format!("tebak-{i}");
        guesser.post("/login", &[("csrf", &t), ("username", &name), ("password", "x")]).await;
    }
    let throttled =
        guesser.post("/login", &[("csrf", &t), ("username", "tgx-kadis"), ("password", "sopir-demo")]).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.body.contains("Terlalu banyak percobaan masuk yang gagal dari alamat ini"));
    // Without the login form's token, nothing is checked at all.
    let forged =
        Browser::new(&app).post("/login", &[("username", "lmj-sekdin"), ("password", "sopir-demo")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_vpn_request_travels_every_step_over_http() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let case_path = submit_vpn(&app, &requester).await;
    let case_id = case_path.trim_start_matches("/permohonan/").to_string();
    let shown = requester.get(&format!("{case_path}?baru=1")).await;
    assert!(shown.body.contains("Permohonan terkirim dengan nomor VPN-"), "{}", shown.body);
    assert!(shown.body.contains("Surat permohonan yang ditandatangani pejabat berwenang (PDF)"));

    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let mut acted = Vec::new();
    loop {
        let state = app.store.case("lumajang", &case_id).await.unwrap();
        let Some(task) = state.open_tasks().next().cloned() else { break };
        let step = sop.step(task.step).unwrap();
        let who = &task.candidates[0].person;
        let official = Browser::login(&app, who).await;
        // The task is in their inbox, linked to the case.
        let inbox = official.get("/tugas").await;
        assert!(inbox.body.contains(&format!("href=\"{case_path}\"")), "{who} inbox at step {}", step.no);
        let page = official.get(&case_path).await;
        let url = action_url(&page.body).unwrap_or_else(|| panic!("{who} has a form at step {}", step.no));
        let input = store::demo::sample_input(step, engine::Verdict::Ya);
        let mut f = form(&[("csrf", &page.csrf()), ("note", input.note.as_deref().unwrap_or(""))]);
        if input.verdict.is_some() {
            f = f.text("verdict", "ya");
        }
        for (k, v) in &input.fields {
            f = f.text(k.clone(), v.clone());
        }
        if let Some(signing) = store::demo::sample_paperwork(step).signing {
            f = f.text("kata_sandi", signing.passphrase);
        }
        if let Some(via) = store::demo::sample_paperwork(step).sending.and_then(|s| s.via) {
            f = f.text("dikirim_melalui", via);
        }
        let done = official.post_multipart(&url, f).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{who} at step {}: {}", step.no, done.body);
        acted.push(step.no);
    }
    assert_eq!(acted, [2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    let closed = requester.get(&case_path).await;
    assert!(closed.body.contains("data-status=\"completed\""), "the requester sees the case closed");
    let mine = requester.get("/permohonan").await;
    assert!(mine.body.contains("Selesai"));
    // The letter is downloadable by the requester, as a PDF.
    let link = closed
        .body
        .find("href=\"/lampiran/")
        .map(|at| closed.body[at + 6..].split('"').next().unwrap().to_string())
        .unwrap();
    let file = requester.client.get(format!("{}{link}", app.base)).send().await.unwrap();
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
}

/// The value of the hidden field `name` of the first form that has it.
fn hidden(body: &str, name: &str) -> String {
    let at = body.find(&format!("name=\"{name}\" value=\"")).expect("the hidden field") + name.len() + 15;
    body[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_form_sent_twice_makes_one_case() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let page = requester.get("/layanan/lumajang/vpn").await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let filled = || {
        let mut f = form(&[("csrf", &page.csrf()), ("kiriman", &hidden(&page.body, "kiriman"))]);
        for (k, v) in &input.fields {
            f = f.text(k.clone(), v.clone());
        }
        f.part("surat_permohonan", pdf("Surat Permohonan VPN.pdf", PDF))
    };
    // A double click: both sends at once, then a third (a reload) later.
    let (first, second) = tokio::join!(
        requester.post_multipart("/layanan/lumajang/vpn", filled()),
        requester.post_multipart("/layanan/lumajang/vpn", filled())
    );
    let third = requester.post_multipart("/layanan/lumajang/vpn", filled()).await;
    for sent in [&first, &second, &third] {
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert_eq!(sent.location, first.location, "every send leads to the one case");
    }
    let cases = app.store.cases("lumajang").await.unwrap();
    assert_eq!(cases.len(), 1, "one case, one agenda number");
    // A new filling-in of the form is a new request.
    submit_vpn(&app, &requester).await;
    assert_eq!(app.store.cases("lumajang").await.unwrap().len(), 2);
}

#[tokio::test]
async fn my_requests_are_listed_newest_first_a_page_at_a_time() {
    let app = spawn().await;
    let start = jiff::Timestamp::now().as_millisecond() - 60 * 60 * 1000;
    let mut ids = Vec::new();
    for i in 0..52 {
        ids.push(app.submit_vpn(start + i * 1000).await.id);
    }
    let shown = |body: &str, id: &str| body.contains(&format!("href=\"/permohonan/{id}\""));
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let first = requester.get("/permohonan").await;
    assert_eq!(first.status, StatusCode::OK);
    let newest: Vec<usize> = (0..52).rev().filter(|&i| shown(&first.body, &ids[i])).collect();
    assert_eq!(newest, (2..52).rev().collect::<Vec<_>>(), "the fifty newest");
    let at = |id: &str| first.body.find(&format!("/permohonan/{id}\"")).unwrap();
    assert!(at(&ids[51]) < at(&ids[50]), "newest first");
    let next =
        first.body.split("href=\"").map(|h| h.split('"').next().unwrap()).find(|h| h.contains("setelah="));
    let next = next.expect("a link to the next page");
    assert!(first.body.contains("Halaman berikutnya"));

    let second = requester.get(next).await;
    assert_eq!(second.status, StatusCode::OK);
    let rest: Vec<usize> = (0..52).filter(|&i| shown(&second.body, &ids[i])).collect();
    assert_eq!(rest, [0, 1], "the two oldest, and no case twice");
    let links_on =
        second.body.split("href=\"").skip(1).any(|h| h.split('"').next().unwrap().contains("setelah="));
    assert!(!links_on && !second.body.contains("Halaman berikutnya"), "the last page links no further");
    assert!(second.body.contains("<a href=\"/permohonan\">Halaman pertama</a>"), "and back to the first");
    assert!(!first.body.contains("Halaman pertama"), "the first page is the first");

    let bad = requester.get("/permohonan?setelah=kemarin").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Tautan halaman ini tidak dapat dibaca"), "{}", bad.body);
    assert!(bad.body.contains("setelah=&quot;kemarin&quot;"), "{}", bad.body);
    // Another person's list shows none of them.
    let head = Browser::login(&app, "lmj-kadis").await.get("/permohonan").await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(ids.iter().all(|id| !shown(&head.body, id)), "{}", head.body);
}

#[tokio::test]
async fn a_request_with_every_field_wrong_shows_every_error_and_stores_nothing() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let page = requester.get("/layanan/lumajang/subdomain").await;
    let f = form(&[
        ("csrf", &page.csrf()),
        ("unit_kerja", ""),
        ("nomor_surat", ""),
        ("tanggal_surat", "31-02-2026"),
        ("penanggung_jawab", ""),
        ("nip_penanggung_jawab", "12345"),
        ("email_penanggung_jawab", "bukan-email"),
        ("telepon_penanggung_jawab", "telepon"),
        ("subdomain", "-Salah_Nama"),
        ("alamat_ip_tujuan", "999.1.1.1"),
        ("keperluan", "pendek"),
    ])
    .part("surat_permohonan", pdf("surat.pdf", b"MZ this is not a PDF"));
    let refused = requester.post_multipart("/layanan/lumajang/subdomain", f).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sop = app.store.sop("lumajang", "lumajang/subdomain", None).await.unwrap();
    let step = sop.first_step();
    for name in
        step.fields.iter().map(|f| f.name.as_str()).chain(step.attachments.iter().map(|a| a.name.as_str()))
    {
        assert!(refused.body.contains(&format!("id=\"f-{name}-error\"")), "no error shown at {name}");
    }
    assert!(refused.body.contains("NIP harus 18 angka"));
    assert!(refused.body.contains("Isi berkas bukan jenis yang diterima; unggah berkas PDF"));
    // What was typed is kept.
    assert!(refused.body.contains("value=\"bukan-email\""));
    assert!(app.store.cases("lumajang").await.unwrap().is_empty(), "nothing stored");
}

#[tokio::test]
async fn forms_without_the_right_token_or_from_another_site_are_refused() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let case_path = submit_vpn(&app, &requester).await;
    let no_token = requester.post(&format!("{case_path}/tarik"), &[("reason", "x")]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.body.contains("Formulir kedaluwarsa"));
    let token = requester.token().await;
    let cross = requester
        .client
        .post(format!("{}{case_path}/tarik", app.base))
        .header("origin", "https://jahat.example")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let state = app.store.case("lumajang", case_path.trim_start_matches("/permohonan/")).await.unwrap();
    assert_eq!(state.status, engine::CaseStatus::Open, "nothing changed");
    // With the token, from the same site, it works.
    let ok =
        requester.post(&format!("{case_path}/tarik"), &[("csrf", &token), ("reason", "Salah kirim")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert!(requester.get(&case_path).await.body.contains("data-status=\"withdrawn\""));
}

#[tokio::test]
async fn english_is_selectable_and_remembered() {
    let app = spawn().await;
    let b = Browser::login(&app, "lmj-kadis").await;
    assert!(b.get("/tugas").await.body.contains("Tugas saya"));
    let switched = b.post("/bahasa", &[("lang", "en"), ("back", "/tugas")]).await;
    assert_eq!(switched.location.as_deref(), Some("/tugas"));
    let english = b.get("/tugas").await.body;
    assert!(english.contains("My tasks") && english.contains("<html lang=\"en\">"));
    // The switch leads back to the page it is on, its query too — not to
    // the page's section.
    let page = b.get("/laporan?dari=2026-11-01").await.body;
    assert!(page.contains(r#"name="back" value="/laporan?dari=2026-11-01""#), "{page}");
    // What a redirect told the page to say is not said again.
    let page = b.get("/akun/notifikasi?ok=1").await.body;
    assert!(page.contains(r#"name="back" value="/akun/notifikasi""#), "{page}");
    let page = b.get("/laporan?ok=1&dari=2026-11-01").await.body;
    assert!(page.contains(r#"name="back" value="/laporan?dari=2026-11-01""#), "{page}");
    // An outside address is not followed back, however it is written.
    for outside in
        ["//jahat.example", "/\\jahat.example", "/\\/jahat.example", "https://jahat.example", "/\tjahat"]
    {
        let back = b.post("/bahasa", &[("lang", "id"), ("back", outside)]).await;
        assert_eq!(back.location.as_deref(), Some("/"), "{outside:?}");
    }
}

#[tokio::test]
async fn services_and_the_sop_library() {
    let app = spawn().await;
    let b = Browser::login(&app, "lmj-pemohon").await;
    // A requester lands on an empty task list that points to the services.
    let inbox = b.get("/tugas").await.body;
    assert!(inbox.contains("Untuk mengajukan permohonan, buka <a href=\"/layanan\">Layanan</a>"), "{inbox}");
    let services = b.get("/layanan").await.body;
    assert!(services.contains("SOP Pengajuan Akses VPN"));
    assert!(services.contains("Penanggung jawab hak akses VPN"), "requirements shown");
    assert!(services.contains("45 menit"), "total standard time of the VPN SOP");
    assert!(services.contains("href=\"/layanan/lumajang/vpn\""));
    assert!(
        !services.contains("href=\"/layanan/lumajang/ruang-server\""),
        "a requester does not fill the officer's form"
    );
    // ... and is told who does, not that requesting units do.
    assert!(services.contains("Layanan ini dimulai oleh Petugas."), "{services}");
    assert!(!services.contains("unit kerja pemohon"));
    let library = b.get("/sop").await.body;
    assert!(library.contains("427.53/4/2.09/2021"));
    let doc = b.get("/sop/lumajang/vpn").await.body;
    assert!(doc.contains("class=\"sop-identity\"") && doc.contains("class=\"sop-matrix\""));
    let svg = b.client.get(format!("{}/sop/lumajang/vpn?format=svg", app.base)).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let pdf = b.client.get(format!("{}/sop/lumajang/vpn?format=pdf", app.base)).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-1.7"));
    assert_eq!(
        b.get("/sop/trenggalek/ruang-server").await.status,
        StatusCode::FORBIDDEN,
        "another agency's SOP"
    );
}

#[tokio::test]
async fn an_administrator_keeps_the_calendar_and_positions() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cuti Bersama Kelahiran Yesus Kristus"));
    let token = page.csrf();
    let bad = admin
        .post("/admin/libur", &[("csrf", &token), ("date", "besok"), ("name", ""), ("kind", "libur")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Tanggal tidak sah") && bad.body.contains("Wajib diisi"));
    let ok = admin
        .post(
            "/admin/libur",
            &[("csrf", &token), ("date", "2026-12-31"), ("name", "Hari Jadi Kabupaten"), ("kind", "libur")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    // The page it leads back to says the day was saved.
    let back = admin.get(ok.location.as_deref().unwrap()).await;
    assert!(back.body.contains("role=\"status\">Hari libur tersimpan."), "{}", back.body);
    assert!(!admin.get("/admin").await.body.contains("Hari libur tersimpan."), "said only once");
    let calendar = app.store.calendar("lumajang").await.unwrap();
    assert!(!calendar.is_working_day(jiff::civil::date(2026, 12, 31)));
    assert!(app.store.calendar("trenggalek").await.unwrap().is_working_day(jiff::civil::date(2026, 12, 31)));
    let removed = admin.post("/admin/libur/hapus", &[("csrf", &token), ("date", "2026-12-31")]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(admin.get(removed.location.as_deref().unwrap()).await.body.contains("Hari libur dihapus."));
    assert!(app.store.calendar("lumajang").await.unwrap().is_working_day(jiff::civil::date(2026, 12, 31)));

    let plh = admin
        .post(
            "/instansi/lumajang/organisasi/penugasan",
            &[
                ("csrf", &token),
                ("person", "lmj-kasi"),
                ("position", "kabid-aptika"),
                ("from", "2026-11-01"),
                ("until", "2026-10-01"),
                ("acting", "plh"),
                ("acting_for", "lmj-kabid"),
            ],
        )
        .await;
    assert_eq!(plh.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(plh.body.contains("tanggal akhir sebelum tanggal mulai"), "{}", plh.body);
    let plh = admin
        .post(
            "/instansi/lumajang/organisasi/penugasan",
            &[
                ("csrf", &token),
                ("person", "lmj-kasi"),
                ("position", "kabid-aptika"),
                ("from", "2026-11-01"),
                ("until", "2026-12-01"),
                ("acting", "plh"),
                ("acting_for", "lmj-kabid"),
            ],
        )
        .await;
    assert_eq!(plh.status, StatusCode::SEE_OTHER);
    let org = app.store.organisation("lumajang").await.unwrap();
    assert!(org.holdings.iter().any(|h| h.person == "lmj-kasi" && h.position == "kabid-aptika"));
    // A special schedule: refused field by field, then kept.
    let bad = admin
        .post(
            "/admin/jadwal",
            &[
                ("csrf", &token),
                ("name", "Ramadan 1448 H"),
                ("from", "2027-02-08"),
                ("until", "2027-03-09"),
                ("monday", "08:00-12:00, 11:00-15:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Jam kerja tidak sah"));
    let ok = admin
        .post(
            "/admin/jadwal",
            &[
                ("csrf", &token),
                ("name", "Ramadan 1448 H"),
                ("from", "2027-02-08"),
                ("until", "2027-03-09"),
                ("monday", "08:00-12:00, 12:30-15:00"),
                ("friday", "08:00-11:30, 12:30-15:30"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let back = admin.get(ok.location.as_deref().unwrap()).await;
    assert!(back.body.contains("role=\"status\">Jadwal kerja tersimpan."), "{}", back.body);
    let calendar = app.store.calendar("lumajang").await.unwrap();
    assert!(calendar.schedules.iter().any(|s| s.name == "Ramadan 1448 H"));
    assert!(!calendar.is_working_day(jiff::civil::date(2027, 2, 9)), "a Tuesday left empty is not worked");
    // Another agency's person cannot be given a position here.
    let foreign = admin
        .post(
            "/instansi/lumajang/organisasi/penugasan",
            &[
                ("csrf", &token),
                ("person", "tgx-kadis"),
                ("position", "kabid-aptika"),
                ("from", "2026-11-01"),
            ],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.body.contains("pilih pegawai instansi ini"), "{}", foreign.body);
    let org = app.store.organisation("trenggalek").await.unwrap();
    assert!(!org.holdings.iter().any(|h| h.person == "tgx-kadis" && h.position == "kabid-aptika"));
}

#[tokio::test]
async fn a_person_changes_their_password() {
    let app = spawn().await;
    let b = Browser::login(&app, "lmj-kabid").await;
    let token = b.token().await;
    let short = b
        .post("/akun", &[("csrf", &token), ("old", "sopir-demo"), ("new", "pendek"), ("confirm", "pendek")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.body.contains("Paling sedikit 10 karakter"));
    let wrong = b
        .post(
            "/akun",
            &[("csrf", &token), ("old", "salah"), ("new", "kata-sandi-baru"), ("confirm", "kata-sandi-baru")],
        )
        .await;
    assert!(wrong.body.contains("Kata sandi lama salah"));
    let ok = b
        .post(
            "/akun",
            &[
                ("csrf", &token),
                ("old", "sopir-demo"),
                ("new", "kata-sandi-baru"),
                ("confirm", "kata-sandi-baru"),
            ],
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/login"));
    assert_eq!(b.get("/tugas").await.location.as_deref(), Some("/login"), "the old session ended");
    let again = Browser::new(&app);
    let t = again.get("/login").await.csrf();
    let login = again
        .post("/login", &[("csrf", &t), ("username", "lmj-kabid"), ("password", "kata-sandi-baru")])
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = spawn().await;
    let b = Browser::login(&app, "tgx-operator").await;
    assert_eq!(b.get("/tugas").await.status, StatusCode::OK);
    let token = b.token().await;
    let out = b.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(b.get("/tugas").await.location.as_deref(), Some("/login"));
}

#[tokio::test]
async fn trenggalek_sees_only_its_own_services_and_cases() {
    let app = spawn().await;
    let b = Browser::login(&app, "tgx-pemohon").await;
    let services = b.get("/layanan").await.body;
    assert!(services.contains("href=\"/layanan/trenggalek/ruang-server\""));
    assert!(!services.contains("lumajang"), "no Lumajang SOP offered");
    let form = b.get("/layanan/trenggalek/ruang-server").await;
    assert!(form.body.contains("id=\"f-nik_pemohon\""));
    assert!(form.body.contains("Akses tetap"), "select options");
}

#[tokio::test]
async fn the_head_reads_the_accountability_report() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    submit_vpn(&app, &requester).await;
    let head = Browser::login(&app, "lmj-kadis").await;
    let page = head.get("/laporan").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Laporan kepatuhan waktu baku"));
    assert!(page.body.contains("SOP Pengajuan Akses VPN"));
    assert!(page.body.contains("href=\"/laporan\""), "in the menu");
    let csv = head.get("/laporan/pegawai.csv").await;
    assert!(csv.body.starts_with("nama,nip,selesai,"), "{}", csv.body);
    assert!(csv.body.contains("\"Siti Aminah, S.E.\",198709092011012009,1,0,0,0,0.0,0"), "{}", csv.body);
    let bad = head.get("/laporan?dari=2026-12-01&sampai=2026-11-01").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Tanggal akhir sebelum tanggal mulai"));
    let nonsense = head.get("/laporan?dari=kemarin").await;
    assert_eq!(nonsense.status, StatusCode::BAD_REQUEST);
    assert!(!requester.get("/tugas").await.body.contains("href=\"/laporan\""), "not in a requester's menu");

    // Each person's own page (kinerja pelaksana), linked from the table, with its CSV.
    let case = app.store.cases("lumajang").await.unwrap()[0].clone();
    // Once a timed step is done, the report draws how long it took against its standard time.
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let mut state = app.store.case("lumajang", &case.id).await.unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    while state.open_tasks().next().unwrap().step != 7 {
        let task = state.open_tasks().next().unwrap().clone();
        let input = store::demo::sample_input(sop.step(task.step).unwrap(), engine::Verdict::Ya);
        let by = task.candidates[0].person.clone();
        state = app
            .store
            .complete(store::Complete::new("lumajang", &case.id, &task.id, &by, input, now))
            .await
            .unwrap();
    }
    let page = head.get("/laporan").await;
    assert!(
        page.body.contains("class=\"chart distribution\"") && page.body.contains("data-bucket=\"0\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("href=\"/laporan/pegawai/lmj-pemohon?dari="), "linked from the report");
    let own = head.get("/laporan/pegawai/lmj-pemohon").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(
        own.body.contains("Kinerja pelaksana: Siti Aminah, S.E.") && own.body.contains(&case.number),
        "{}",
        own.body
    );
    let csv = head.get("/laporan/pegawai/lmj-pemohon?format=csv").await;
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines[0], "permohonan,sop,langkah,mulai,selesai,menit_kerja,waktu_baku,terlambat_menit");
    assert!(lines[1].starts_with(&format!("{},lumajang/vpn,1,", case.number)), "{}", csv.body);
    assert_eq!(
        head.get("/laporan/pegawai/tgx-kadis").await.status,
        StatusCode::NOT_FOUND,
        "another agency's person"
    );
    assert_eq!(requester.get("/laporan/pegawai/lmj-pemohon").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn notifications_are_counted_listed_and_marked_read() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    submit_vpn(&app, &requester).await;
    // Walk to the administrator's timed step through the store, then let it run late.
    let case = app.store.cases("lumajang").await.unwrap()[0].id.clone();
    let now = jiff::Timestamp::now().as_millisecond();
    let mut state = app.store.case("lumajang", &case).await.unwrap();
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    while state.open_tasks().next().unwrap().step != 6 {
        let task = state.open_tasks().next().unwrap().clone();
        let input = store::demo::sample_input(sop.step(task.step).unwrap(), engine::Verdict::Ya);
        state = app
            .store
            .complete(store::Complete::new(
                "lumajang",
                &case,
                &task.id,
                &task.candidates[0].person,
                input,
                now,
            ))
            .await
            .unwrap();
    }
    assert_eq!(app.store.escalate(now + 3 * 24 * 3600 * 1000, 3_600_000).await.unwrap(), 1);
    let admin = Browser::login(&app, "lmj-admin-jaringan").await;
    let inbox = admin.get("/tugas").await.body;
    // The new task (step 6), then its escalation: two notices of one case,
    // counted and listed as that one case with its newest notice.
    assert!(inbox.contains("data-unread=\"1\""), "the counter counts one case");
    let badge = admin.get("/notifikasi/jumlah").await.body;
    assert!(badge.starts_with("<span id=\"unread\"") && badge.contains("data-unread=\"1\""), "{badge}");
    let list = admin.get("/notifikasi").await;
    assert!(list.body.contains("melewati batas waktu"));
    assert!(list.body.contains(&format!("data-case=\"{case}\" data-count=\"2\"")), "{}", list.body);
    assert!(list.body.contains("2 pemberitahuan (2 belum dibaca)"), "{}", list.body);
    let read = admin.post("/notifikasi/baca", &[("csrf", &list.csrf())]).await;
    assert_eq!(read.location.as_deref(), Some("/notifikasi"));
    assert!(!admin.get("/tugas").await.body.contains("data-unread"), "nothing unread");
}

#[tokio::test]
async fn abusive_uploads_get_a_clear_answer_and_store_nothing() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let token = requester.get("/layanan/lumajang/vpn").await.csrf();
    // Far beyond the body limit.
    let huge = vec![b'%'; web::MAX_BODY_BYTES + 1024 * 1024];
    let big = requester
        .post_multipart(
            "/layanan/lumajang/vpn",
            form(&[("csrf", &token)]).part("surat_permohonan", pdf("besar.pdf", &huge)),
        )
        .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", big.body);
    assert!(big.body.contains("terlalu besar; paling besar 12 MB"));
    // Over the attachment's own limit (5 MB), under the body limit.
    let mut five = b"%PDF-1.4\n".to_vec();
    five.resize(5 * 1024 * 1024 + 10, b' ');
    let over = requester
        .post_multipart(
            "/layanan/lumajang/vpn",
            form(&[("csrf", &token)]).part("surat_permohonan", pdf("surat.pdf", &five)),
        )
        .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(over.body.contains("Berkas terlalu besar; paling besar 5120 KB"));
    // Not multipart at all, and multipart that is broken.
    let plain = requester.post("/layanan/lumajang/vpn", &[("csrf", &token)]).await;
    assert_eq!(plain.status, StatusCode::BAD_REQUEST);
    assert!(plain.body.contains("Formulir tidak dapat dibaca"));
    let broken = requester
        .client
        .post(format!("{}/layanan/lumajang/vpn", app.base))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body("--XYZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    assert!(app.store.cases("lumajang").await.unwrap().is_empty(), "nothing stored");
    assert_eq!(requester.get("/healthz").await.status, StatusCode::OK, "the server stays up");
}

#[tokio::test]
async fn a_nik_is_masked_and_revealed_only_to_whoever_handles_the_case_with_the_reveal_logged() {
    let app = spawn().await;
    let sop = app.store.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
    let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    input.fields.insert("nik_pengunjung".into(), "3508014508900001".into());
    let now = jiff::Timestamp::now().as_millisecond();
    let case = app
        .store
        .submit(store::Submit::new("lumajang", "lumajang/ruang-server", "lmj-petugas", input, now))
        .await
        .unwrap();
    let path = format!("/permohonan/{}", case.id);

    // The administrator may read the case but handles none of its tasks.
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("3508**********01") && !page.body.contains("3508014508900001"));
    assert!(!page.body.contains(&format!("{path}/nik")), "no reveal button");
    let refused = admin.post(&format!("{path}/nik"), &[("csrf", &page.csrf())]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let officer = Browser::login(&app, "lmj-petugas").await;
    let page = officer.get(&path).await;
    assert!(page.body.contains("3508**********01") && page.body.contains(&format!("{path}/nik")));
    let revealed = officer.post(&format!("{path}/nik"), &[("csrf", &page.csrf())]).await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert!(revealed.body.contains("3508014508900001") && revealed.body.contains("tercatat di log audit"));

    let events = app.store.case_events("lumajang", &case.id).await.unwrap();
    let reveals: Vec<_> = events.iter().filter(|e| e.kind == "personal-data-revealed").collect();
    assert_eq!(reveals.len(), 1, "only the permitted reveal is logged");
    assert!(reveals[0].payload.contains("\"by\":\"lmj-petugas\""), "{}", reveals[0].payload);
    assert!(
        reveals[0].payload.contains("nik_pengunjung") && !reveals[0].payload.contains("3508014508900001")
    );
    assert!(app.store.verify_audit().await.unwrap().first_break.is_none());
}

/// A long backlog is cut to its most urgent tasks on the inbox page, which
/// says how many there are in all.
#[tokio::test]
async fn a_long_backlog_shows_the_most_urgent_and_counts_all() {
    let app = spawn().await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    for i in 0..105 {
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        app.store
            .submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, now + i))
            .await
            .unwrap();
    }
    let kadis = Browser::login(&app, "lmj-kadis").await;
    let inbox = kadis.get("/tugas").await;
    assert_eq!(inbox.status, 200);
    assert!(inbox.body.contains("tugas Anda seluruhnya: <strong>105</strong>"), "{}", inbox.body);
    assert_eq!(inbox.body.matches("href=\"/permohonan/").count(), 100);
}

/// A double click whose first send the browser drops (the second click
/// cancels its page load) at any moment: the second send still leads to
/// the one case the form made. Each first send is cut off a quarter of a
/// millisecond later than the last, so some are cut while the form's claim
/// is being committed — where the server used to stop, leaving the claim
/// unanswered: the second send waited, was refused ("masih diproses") and
/// no case was made at all.
#[tokio::test]
async fn a_form_whose_first_send_is_dropped_at_any_moment_makes_its_case() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let url = format!("{}/layanan/lumajang/vpn", app.base);
    let mut refused = Vec::new();
    let forms = 60;
    for cut_after in (1..=forms).map(|n| std::time::Duration::from_micros(250 * n)) {
        let page = requester.get("/layanan/lumajang/vpn").await;
        let filled = || {
            let mut f = form(&[("csrf", &page.csrf()), ("kiriman", &hidden(&page.body, "kiriman"))]);
            for (k, v) in &input.fields {
                f = f.text(k.clone(), v.clone());
            }
            f.part("surat_permohonan", pdf("Surat Permohonan VPN.pdf", PDF))
        };
        let dropped = requester.client.post(&url).multipart(filled()).timeout(cut_after).send().await;
        let second = requester.post_multipart("/layanan/lumajang/vpn", filled()).await;
        if second.status != StatusCode::SEE_OTHER {
            refused.push((cut_after, dropped.is_ok(), second.status));
        }
    }
    assert_eq!(refused, [], "second sends refused after a first cut off at (time, answered, status)");
    assert_eq!(app.store.cases("lumajang").await.unwrap().len(), forms as usize, "one case per form");
}
