//! Letters over real HTTP: the e-mail request from submission to the
//! signed notification letter — the Kasi edits the draft, the Kabid returns
//! it once, a wrong passphrase is refused, the Head signs — then the
//! documents on the case page, the disposition sheet, the registers, the
//! public verification page, and who may not see any of it. The signed PDF
//! is read back with poppler-utils by an ignored test (`.ci/run` installs
//! them and runs it with `--include-ignored`).

mod common;

use std::process::Command;

use common::{Browser, PDF, action_url, form, pdf, spawn};
use reqwest::StatusCode;

async fn act(app: &common::App, case_path: &str, who: &str, fields: &[(&str, &str)]) -> common::Page {
    let official = Browser::login(app, who).await;
    let page = official.get(case_path).await;
    let url = action_url(&page.body).unwrap_or_else(|| panic!("{who} has a form on {case_path}"));
    let mut f = form(&[("csrf", &page.csrf())]);
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    official.post_multipart(&url, f).await
}

/// As [`act`], with files given as the letter's Lampiran.
async fn act_with_files(
    app: &common::App,
    case_path: &str,
    who: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> common::Page {
    let official = Browser::login(app, who).await;
    let page = official.get(case_path).await;
    let url = action_url(&page.body).unwrap_or_else(|| panic!("{who} has a form on {case_path}"));
    let mut f = form(&[("csrf", &page.csrf())]);
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        f = f.part("lampiran", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    }
    official.post_multipart(&url, f).await
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let at = body.find(start).unwrap_or_else(|| panic!("{start:?} in page")) + start.len();
    body[at..].split(end).next().unwrap()
}

/// What the e-mail walk-through produced, for the poppler check.
struct SignedLetter {
    app: common::App,
    pdf: Vec<u8>,
    number: String,
    code: String,
}

#[tokio::test]
async fn the_email_request_ends_in_a_signed_numbered_verifiable_letter() {
    email_letter().await;
}

#[tokio::test]
#[ignore = "needs poppler-utils"]
async fn the_signed_letter_reads_back_in_poppler_with_a_valid_signature() {
    let SignedLetter { app, pdf, number, code } = email_letter().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("surat.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        number.as_str(),
        "Kepala Badan Perencanaan Pembangunan Daerah",
        "Kuota kotak surat 1024 MB.",
        &code,
        "Tembusan",
        "Inspektur Kabupaten Lumajang",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}:\n{text}");
    }
    let joined: String = text.split_whitespace().collect();
    assert!(joined.contains(&format!("{}/verifikasi/{code}", app.base)), "verification link:\n{text}");
    assert!(!text.contains("phish.example"), "the request's Host is never printed:\n{text}");
    let report = Command::new("pdfsig").arg(&file).output().expect("pdfsig runs");
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Bambang Santoso"), "{report}");
    assert!(text.contains("2 berkas"), "the Lampiran line counts them:\n{text}");
    let listed = Command::new("pdfdetach").arg("-list").arg(&file).output().expect("pdfdetach runs");
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains("2 embedded files") && listed.contains("panduan-email.pdf"), "{listed}");
}

async fn email_letter() -> SignedLetter {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let page = requester.get("/layanan/lumajang/email").await;
    let sop = app.store.sop("lumajang", "lumajang/email", None).await.unwrap();
    let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    input.fields.insert("unit_kerja".into(), "Badan Perencanaan Pembangunan Daerah".into());
    input.fields.insert("nomor_surat".into(), "005/77/427.30/2026".into());
    input.fields.insert("tanggal_surat".into(), "2026-11-20".into());
    input.fields.insert("nama_pemilik_akun".into(), "Subbagian Umum Bappeda".into());
    // The address the administrator creates below, as asked.
    input.fields.insert("nama_akun_diminta".into(), "bappeda".into());
    input.fields.insert("penanggung_jawab".into(), "Siti Aminah, S.E.".into());
    let mut f = form(&[("csrf", &page.csrf())]);
    for (k, v) in &input.fields {
        f = f.text(k.clone(), v.clone());
    }
    let sent = requester
        .post_multipart("/layanan/lumajang/email", f.part("surat_permohonan", pdf("permohonan.pdf", PDF)))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let case_path = sent.location.unwrap().trim_end_matches("?baru=1").to_string();

    let note = ("note", "Mohon segera ditindaklanjuti sesuai SOP.");
    // The Head's lembar disposisi: a box the agency does not have is
    // refused by name and nothing moves; then boxes, sifat and a due date.
    let unknown = act(&app, &case_path, "lmj-kadis", &[("instruksi.0", "Bakar"), ("sifat", "segera")]).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("&quot;Bakar&quot; bukan kotak instruksi"), "{}", unknown.body);
    assert!(unknown.body.contains("value=\"segera\" selected"), "the sifat chosen is kept: {}", unknown.body);
    let calendar = app.store.calendar("lumajang").await.unwrap();
    let in_a_week = jiff::Timestamp::now().to_zoned(calendar.zone.clone()).date() + jiff::ToSpan::days(7);
    let due =
        (0..14).map(|d| in_a_week + jiff::ToSpan::days(d)).find(|d| calendar.is_working_day(*d)).unwrap();
    let head = [
        ("instruksi.0", "Tanggapan dan saran"),
        ("instruksi.1", "Proses lebih lanjut"),
        ("sifat", "sangat-segera"),
        ("batas_waktu", &due.to_string()),
    ];
    assert_eq!(act(&app, &case_path, "lmj-kadis", &head).await.status, StatusCode::SEE_OTHER);
    for who in ["lmj-kabid", "lmj-kasi"] {
        assert_eq!(act(&app, &case_path, who, &[note]).await.status, StatusCode::SEE_OTHER, "{who}");
    }
    let done =
        act(&app, &case_path, "lmj-admin-mail", &[("alamat_email", "bappeda@lumajangkab.go.id")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    for who in ["lmj-admin-mail", "lmj-kasi"] {
        assert_eq!(act(&app, &case_path, who, &[]).await.status, StatusCode::SEE_OTHER, "{who}");
    }

    // The Kasi's editor starts from the template filled with the case's data.
    let kasi = Browser::login(&app, "lmj-kasi").await;
    let editor = kasi.get(&case_path).await;
    let body =
        between(&editor.body, "name=\"isi\" rows=\"14\" maxlength=\"20000\">", "</textarea>").to_string();
    assert!(body.contains("005/77/427.30/2026") && body.contains("bappeda@lumajangkab.go.id"), "{body}");
    // An empty body is refused field by field, keeping what was typed.
    let refused = act(
        &app,
        &case_path,
        "lmj-kasi",
        &[("perihal", "Pemberitahuan Akun E-mail"), ("kepada", "Kepala Bappeda"), ("isi", " ")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("wajib diisi") && refused.body.contains("Kepala Bappeda"),
        "{}",
        refused.body
    );
    let edited = format!("{body}\n\nKata sandi awal diserahkan langsung kepada penanggung jawab.");
    let subject = ("perihal", "Pemberitahuan Akun E-mail");
    let to = ("kepada", "Kepala Badan Perencanaan Pembangunan Daerah\nKabupaten Lumajang");
    let copies = ("tembusan", "Inspektur Kabupaten Lumajang\n\nSekretaris Daerah Kabupaten Lumajang");
    // Two Lampiran go with the draft; a file that is not a PDF is refused.
    let not_pdf = act_with_files(
        &app,
        &case_path,
        "lmj-kasi",
        &[subject, to, ("isi", &edited)],
        &[("catatan.txt", b"bukan pdf")],
    )
    .await;
    assert_eq!(not_pdf.status, StatusCode::UNPROCESSABLE_ENTITY);
    let files: [(&str, &[u8]); 2] = [("daftar-akun.pdf", PDF), ("panduan-email.pdf", PDF)];
    let drafted =
        act_with_files(&app, &case_path, "lmj-kasi", &[subject, to, ("isi", &edited), copies], &files).await;
    // The Lampiran are internal like the draft until the letter is signed.
    assert_eq!(requester.get(&format!("{case_path}/lampiran-surat/1")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);

    // The Kabid returns it (first forgetting the note the return needs: the
    // choice made is kept on the refused form); the Kasi's second version is approved.
    let no_note = act(&app, &case_path, "lmj-kabid", &[("verdict", "tidak")]).await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_note.body.contains("value=\"tidak\" checked") && !no_note.body.contains("value=\"ya\" checked"),
        "{}",
        no_note.body
    );
    let back = [("verdict", "tidak"), ("note", "Tambahkan kuota kotak surat.")];
    assert_eq!(act(&app, &case_path, "lmj-kabid", &back).await.status, StatusCode::SEE_OTHER);
    // The Kasi sees the Kabid's note above the editor of the redraft.
    let redraft = kasi.get(&case_path).await.body;
    let note_at = redraft.find("id=\"catatan-pengembalian\"").expect("the return note is shown");
    assert!(note_at < redraft.find("name=\"isi\"").unwrap(), "the note comes before the editor");
    assert!(
        between(&redraft, "name=\"tembusan\"", "</textarea>").contains("Inspektur Kabupaten Lumajang"),
        "the Tembusan comes back in the redraft"
    );
    let note = between(&redraft, "id=\"catatan-pengembalian\"", "</div>");
    assert!(
        note.contains("Agus Prasetyo, S.Kom.") && note.contains("Tambahkan kuota kotak surat."),
        "{note}"
    );
    let second = format!("{edited}\n\nKuota kotak surat 1024 MB.");
    assert_eq!(
        act(&app, &case_path, "lmj-kasi", &[subject, to, ("isi", &second), copies]).await.status,
        StatusCode::SEE_OTHER
    );
    let approve = [("verdict", "ya"), ("note", "Sudah sesuai.")];
    assert_eq!(act(&app, &case_path, "lmj-kabid", &approve).await.status, StatusCode::SEE_OTHER);

    // The Head: no passphrase, then a wrong one, are refused; no number is used.
    let head = Browser::login(&app, "lmj-kadis").await;
    let sign_page = head.get(&case_path).await;
    assert!(sign_page.body.contains("type=\"password\" name=\"kata_sandi\""));
    let without = act(&app, &case_path, "lmj-kadis", &[]).await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without.body.contains("wajib diisi untuk menandatangani surat"), "{}", without.body);
    let wrong = act(&app, &case_path, "lmj-kadis", &[("kata_sandi", "bukan-ini")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Kata sandi sertifikat salah. Periksa lalu coba lagi."), "{}", wrong.body);
    assert!(!wrong.body.contains("bukan-ini"), "a passphrase is never shown back");
    // Signed through a request whose Host header names another site: the
    // letter's link still goes to the configured address (checked below).
    let sign_url = action_url(&sign_page.body).unwrap();
    let f = form(&[("csrf", &sign_page.csrf()), ("kata_sandi", store::demo::CERTIFICATE_PASSPHRASE)]);
    let signed = head
        .client
        .post(format!("{}{sign_url}", app.base))
        .header(reqwest::header::HOST, "phish.example")
        .multipart(f)
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::SEE_OTHER, "{}", signed.text().await.unwrap());
    // "Kirim" asks how it was sent, and refuses a time to come.
    let how = act(&app, &case_path, "lmj-sekdin", &[]).await;
    assert_eq!(how.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(how.body.contains("pilih cara surat dikirim"), "{}", how.body);
    let later = [("dikirim_melalui", "ekspedisi"), ("waktu_kirim", "2999-01-01T10:00")];
    let later = act(&app, &case_path, "lmj-sekdin", &later).await;
    assert_eq!(later.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        later.body.contains("tidak boleh di masa depan")
            && later.body.contains("value=\"ekspedisi\" selected")
    );
    let early = [("dikirim_melalui", "langsung"), ("waktu_kirim", "2000-01-01T10:00")];
    let early = act(&app, &case_path, "lmj-sekdin", &early).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("tidak boleh sebelum surat ditandatangani"), "{}", early.body);
    let sent = act(&app, &case_path, "lmj-sekdin", &[("dikirim_melalui", "srikandi")]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(act(&app, &case_path, "lmj-pemohon", &[]).await.status, StatusCode::SEE_OTHER);

    // The requester's case page lists the documents.
    let page = requester.get(&case_path).await;
    assert!(page.body.contains("Agenda surat masuk") && page.body.contains("0001/2026"), "{}", page.body);
    let number = between(&page.body, "Nomor <strong>", "</strong>").to_string();
    assert_eq!(number, "000.1.2/1/427.53/2026");
    assert!(page.body.contains("(SRIKANDI)"), "how it was sent: {}", page.body);
    // The drafts are internal: not the requester's to read.
    for internal in ["konsep.pdf", "Versi konsep surat", "Kuota kotak surat 1024 MB."] {
        assert!(!page.body.contains(internal), "the requester sees {internal:?}");
    }
    assert_eq!(requester.get(&format!("{case_path}/konsep.pdf")).await.status, StatusCode::FORBIDDEN);
    let kabid = Browser::login(&app, "lmj-kabid").await;
    let kabid_view = kabid.get(&case_path).await;
    assert!(kabid_view.body.contains("Versi konsep surat") && kabid_view.body.contains("Dikembalikan"));
    assert_eq!(kabid.get(&format!("{case_path}/konsep.pdf")).await.status, StatusCode::OK);
    let code = between(&page.body, "href=\"/verifikasi/", "\"").to_string();

    let pdf = requester.client.get(format!("{}{case_path}/surat.pdf", app.base)).send().await.unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap().to_vec();
    // The Lampiran travel inside the signed letter, and are listed on the case.
    let embedded = String::from_utf8_lossy(&pdf);
    assert!(
        embedded.contains("/EmbeddedFiles") && embedded.contains("(daftar-akun.pdf)"),
        "embedded Lampiran"
    );
    assert!(documents::verify_pdf(&pdf).unwrap().covers_whole_file, "signed with its Lampiran");
    assert!(page.body.contains("panduan-email.pdf"), "{}", page.body);
    let second = requester.get(&format!("{case_path}/lampiran-surat/2")).await;
    assert_eq!(second.status, StatusCode::OK);
    if let Ok(keep) = std::env::var("SOPIR_KEEP_PDF") {
        // For the README's picture of a real letter.
        std::fs::write(keep, &pdf).unwrap();
    }

    // The disposition sheet, as a page and a PDF.
    let sheet = requester.get(&format!("{case_path}/disposisi")).await;
    assert_eq!(sheet.body.matches("data-hop=").count(), 3, "{}", sheet.body);
    let first = between(&sheet.body, "data-hop=\"1\"", "</section>");
    for shown in ["Sangat Segera", &store::letters::civil_date(due), "Paraf", "Dengan hormat harap"] {
        assert!(first.contains(shown), "{shown:?} on the sheet: {first}");
    }
    assert_eq!(first.matches("data-ticked=\"true\"").count(), 2, "{first}");
    assert!(sheet.body.contains("<th>Hal</th>"), "the same term as the PDF: {}", sheet.body);
    assert!(sheet.body.contains("Administrator Mail Server (Fitri Handayani, S.Kom.)"));
    let sheet_pdf =
        requester.client.get(format!("{}{case_path}/disposisi.pdf", app.base)).send().await.unwrap();
    assert!(sheet_pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // The registers are the Head's and the Secretary's to read, not the requester's.
    let registers = head.get("/agenda?tahun=2026").await;
    assert!(registers.body.contains("0001/2026") && registers.body.contains(&number), "{}", registers.body);
    assert!(!registers.body.contains("id=\"nomor-batal\""), "nothing voided yet");
    assert!(
        registers
            .body
            .contains("Tidak ada nomor yang dibatalkan tahun ini: setiap nomor yang dipesan telah dipakai."),
        "an empty list of voids says so"
    );
    // A cleared year box shows this year; a mistyped one says so, and shows it too.
    let cleared = head.get("/agenda?tahun=").await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert!(!cleared.body.contains("tahun-salah"));
    let mistyped = head.get("/agenda?tahun=20x6").await;
    assert_eq!(mistyped.status, StatusCode::OK);
    let this_year = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).year();
    assert!(
        mistyped.body.contains(&format!(
            "Tahun &quot;20x6&quot; tidak dikenali (isi tahun 2000–2100); yang ditampilkan tahun {this_year}."
        )),
        "{}",
        mistyped.body
    );
    assert_eq!(requester.get("/agenda").await.status, StatusCode::FORBIDDEN);

    // A number reserved for a letter whose signing was never kept (the
    // server stopped), after which a later number was taken: voided, and
    // the register says so with the reason.
    let scope: String = sqlx::query_scalar("SELECT scope FROM letter_sequences WHERE register = 'keluar'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE letter_sequences SET last = 3 WHERE register = 'keluar'")
        .execute(app.store.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO letter_reservations (agency_id, register, scope, year, seq, number, case_id, reserved_by, reserved_at)
         VALUES ('lumajang', 'keluar', $1, 2026, 2, 'NOMOR-2-DIPESAN', $2, 'lmj-kadis', 0)",
    )
    .bind(&scope)
    .bind(case_path.trim_start_matches("/permohonan/"))
    .execute(app.store.pool())
    .await
    .unwrap();
    assert_eq!(
        app.store.release_lapsed_reservations(store::letter_reservation::LAPSES_AFTER_MS + 1).await.unwrap(),
        1
    );
    let registers = head.get("/agenda?tahun=2026").await;
    let voided = between(&registers.body, "id=\"nomor-batal\"", "</table>");
    assert!(voided.contains("NOMOR-2-DIPESAN") && voided.contains("tidak jadi ditandatangani"), "{voided}");

    // Anyone with the code can verify it — without logging in; a made-up code finds nothing.
    let anonymous = Browser::new(&app);
    let verified = anonymous.get(&format!("/verifikasi/{code}")).await;
    assert_eq!(verified.status, StatusCode::OK);
    assert!(verified.body.contains(&number) && verified.body.contains("Bambang Santoso, S.STP"));
    assert!(verified.body.contains("berkasnya utuh"));
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect()
    };
    assert!(verified.body.contains(&sha), "the page shows the downloaded file's hash");
    let unknown = anonymous.get("/verifikasi/ABCD-EFGH-JKMN").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("tidak ditemukan"));
    assert!(!unknown.body.contains("href=\"/tugas\""), "a visitor is not sent to a page behind the login");
    for leak in [number.as_str(), "Bambang", "SHA-256", "Pemberitahuan"] {
        assert!(!unknown.body.contains(leak), "{leak} leaked");
    }

    // Another agency's official and a requester of another case see nothing.
    let case_id = case_path.trim_start_matches("/permohonan/");
    for who in ["tgx-kadis", "lmj-pemohon-2"] {
        let other = Browser::login(&app, who).await;
        for path in ["/surat.pdf", "/disposisi", "/disposisi.pdf", "/konsep.pdf"] {
            let got = other.get(&format!("/permohonan/{case_id}{path}")).await;
            assert_eq!(got.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
    }

    SignedLetter { app, pdf, number, code }
}

fn png_logo() -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, 4, 4);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&[200u8; 4 * 4 * 4]).unwrap();
    writer.finish().unwrap();
    out
}

async fn upload(
    b: &Browser,
    path: &str,
    file_field: &str,
    file: Vec<u8>,
    fields: &[(&str, &str)],
) -> common::Page {
    let token = b.get("/admin/surat").await.csrf();
    let mut f = form(&[("csrf", &token)]);
    for (k, v) in fields {
        f = f.text(k.to_string(), v.to_string());
    }
    let part = reqwest::multipart::Part::bytes(file).file_name("berkas");
    b.post_multipart(path, f.part(file_field.to_string(), part)).await
}

#[tokio::test]
async fn an_administrator_sets_the_logo_and_signing_certificates_checked_by_content() {
    let app = spawn().await;
    let kabid = Browser::login(&app, "lmj-kabid").await;
    assert_eq!(kabid.get("/admin/surat").await.status, StatusCode::FORBIDDEN);
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = admin.get("/admin/surat").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Bambang Santoso, S.STP") && page.body.contains("CN=Bambang Santoso"),
        "{}",
        page.body
    );

    let not_png = upload(&admin, "/admin/surat/logo", "logo", PDF.to_vec(), &[]).await;
    assert_eq!(not_png.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_png.body.contains("Logo: gambar tidak dapat dipakai: bukan berkas PNG yang sah<"),
        "{}",
        not_png.body
    );
    // A PNG cut short: the reason in Indonesian, not the decoder's English.
    let mut cut = png_logo();
    cut.truncate(cut.len() - 20);
    let cut = upload(&admin, "/admin/surat/logo", "logo", cut, &[]).await;
    assert_eq!(cut.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(cut.body.contains("isi PNG rusak atau terpotong<"), "{}", cut.body);
    let too_big = upload(&admin, "/admin/surat/logo", "logo", vec![0; 600 * 1024], &[]).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    let ok = upload(&admin, "/admin/surat/logo", "logo", png_logo(), &[]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(admin.get("/admin/surat").await.body.contains("Logo sudah terpasang"));
    let profile = app.store.agency("lumajang").await.unwrap();
    assert!(app.store.letterhead(&profile).await.unwrap().logo.is_some());

    let p12 = documents::signature::self_signed_pkcs12("Sri Wahyuni", "Diskominfo Lumajang", "rahasia-baru")
        .unwrap();
    let wrong = upload(
        &admin,
        "/admin/surat/sertifikat",
        "sertifikat",
        p12.clone(),
        &[("person", "lmj-sekdin"), ("kata_sandi", "keliru")],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("kata sandi sertifikat salah"), "{}", wrong.body);
    let saved = upload(
        &admin,
        "/admin/surat/sertifikat",
        "sertifikat",
        p12,
        &[("person", "lmj-sekdin"), ("kata_sandi", "rahasia-baru")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    assert!(saved.body.contains("Sertifikat tersimpan: CN=Sri Wahyuni"), "{}", saved.body);
    assert!(!saved.body.contains("rahasia-baru"));
    // Its issuer and end of validity (five years on) are shown, with no warning yet.
    let kept = app.store.signing_certificate("lumajang", "lmj-sekdin").await.unwrap().unwrap();
    assert!(kept.issuer.contains("Sri Wahyuni"), "self-signed: {kept:?}");
    let now = jiff::Timestamp::now().as_millisecond();
    assert!(kept.not_after.unwrap() > now + 4 * 365 * 86_400_000 && !kept.expires_soon(now));
    assert!(kept.expires_soon(kept.not_after.unwrap() - 86_400_000), "warned a day before its end");
    let settings = admin.get("/admin/surat").await.body;
    let end_year = jiff::Timestamp::from_millisecond(kept.not_after.unwrap())
        .unwrap()
        .in_tz("Asia/Jakarta")
        .unwrap()
        .year();
    assert!(settings.contains("Berlaku sampai") && settings.contains(&end_year.to_string()), "{settings}");
    // Another agency's administrator cannot give a Lumajang official a certificate.
    let other = Browser::login(&app, "tgx-kabid").await;
    let p12 = documents::signature::self_signed_pkcs12("Siapa", "Lain", "x").unwrap();
    let refused = upload(
        &other,
        "/admin/surat/sertifikat",
        "sertifikat",
        p12,
        &[("person", "lmj-kadis"), ("kata_sandi", "x")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        app.store
            .signing_certificate("lumajang", "lmj-kadis")
            .await
            .unwrap()
            .unwrap()
            .subject
            .contains("Bambang")
    );
}

/// A VPN request whose administrator left the optional end date empty,
/// completed through the store up to step `stop` (each step by its first
/// candidate); returns the case id.
async fn vpn_case_without_end_date(app: &common::App, stop: u32) -> String {
    let s = &app.store;
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let mut at = jiff::Timestamp::now().as_millisecond() - 3_600_000;
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let mut state =
        s.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, at)).await.unwrap();
    loop {
        let task = state.open_tasks().next().cloned().unwrap();
        if task.step == stop {
            return state.id;
        }
        let step = sop.step(task.step).unwrap();
        at += 60_000;
        let mut input = store::demo::sample_input(step, engine::Verdict::Ya);
        input.fields.remove("berlaku_sampai");
        let paper = store::demo::sample_paperwork(step);
        let who = task.candidates[0].person.clone();
        state = s
            .complete(
                store::Complete::new("lumajang", &state.id, &task.id, &who, input, at).with_paperwork(paper),
            )
            .await
            .unwrap();
    }
}

async fn api_act(
    app: &common::App,
    who: &str,
    case: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let now = jiff::Timestamp::now().as_millisecond();
    let (_, token) = app.store.create_api_token(who, "uji", 30, now).await.unwrap();
    let state = app.store.case("lumajang", case).await.unwrap();
    let task = state.open_tasks().next().unwrap().id.clone();
    let answer = reqwest::Client::new()
        .post(format!("{}/api/v1/cases/{case}/tasks/{task}", app.base))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (answer.status(), serde_json::from_str(&answer.text().await.unwrap()).unwrap())
}

#[tokio::test]
async fn an_unfilled_placeholder_is_marked_in_the_editor_and_refused_at_approval_and_signing() {
    let app = spawn().await;
    let case = vpn_case_without_end_date(&app, 9).await;
    let case_path = format!("/permohonan/{case}");

    // The Kasi's editor previews the letter with the missing value marked and named.
    let kasi = Browser::login(&app, "lmj-kasi").await;
    let editor = kasi.get(&case_path).await;
    let mark = "<mark class=\"missing\" data-placeholder=\"berlaku_sampai\">[Hak akses berlaku sampai belum diisi]</mark>";
    assert!(editor.body.contains(mark), "{}", editor.body);
    assert!(editor.body.contains("belum dapat disetujui atau ditandatangani"));
    // The live preview marks what is typed; with the value written, nothing is missing.
    let token = editor.csrf();
    let typed = [
        ("csrf", token.as_str()),
        ("perihal", "Akun {nama_akun_vpn}"),
        ("kepada", "Kepala"),
        ("isi", "Berlaku s.d. {berlaku_sampai}."),
    ];
    let live = kasi.post(&format!("{case_path}/konsep/pratinjau"), &typed).await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(
        live.body.contains(mark) && live.body.contains("[Nama akun VPN yang dibuat belum diisi]"),
        "{}",
        live.body
    );
    let written = [
        ("csrf", token.as_str()),
        ("perihal", "Akun"),
        ("kepada", "Kepala"),
        ("isi", "Berlaku s.d. 31 Desember 2027."),
    ];
    let live = kasi.post(&format!("{case_path}/konsep/pratinjau"), &written).await;
    assert!(!live.body.contains("<mark") && !live.body.contains("belum dapat disetujui"), "{}", live.body);
    // Only those handling the case preview its drafts.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let peek = [("csrf", requester.token().await), ("isi", "x".into())];
    let peek: Vec<(&str, &str)> = peek.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        requester.post(&format!("{case_path}/konsep/pratinjau"), &peek).await.status,
        StatusCode::FORBIDDEN
    );

    // The Kasi sends the template as it is.
    let draft_task = app.store.case("lumajang", &case).await.unwrap().open_tasks().next().unwrap().id.clone();
    app.store
        .complete(store::Complete::new(
            "lumajang",
            &case,
            &draft_task,
            "lmj-kasi",
            Default::default(),
            jiff::Timestamp::now().as_millisecond(),
        ))
        .await
        .unwrap();

    // The Kabid sees the mark, and approving is refused with the field named — on the page and by the API.
    let kabid = Browser::login(&app, "lmj-kabid").await;
    assert!(kabid.get(&case_path).await.body.contains(mark));
    let refused = act(&app, &case_path, "lmj-kabid", &[("verdict", "ya"), ("note", "Sesuai.")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Hak akses berlaku sampai: belum diisi — konsep surat masih memuat {berlaku_sampai}, jadi belum dapat disetujui"),
        "{}",
        refused.body
    );
    let (status, problem) = api_act(&app, "lmj-kabid", &case, serde_json::json!({"verdict": "ya"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "konsep.berlaku_sampai");
    assert_eq!(problem["errors"][0]["label"], "Hak akses berlaku sampai");
    assert_eq!(app.store.case("lumajang", &case).await.unwrap().open_tasks().next().unwrap().step, 10);

    // Returned, written in, approved; a placeholder put back into the approved
    // text (as a draft approved before this rule) still stops the signing.
    let back =
        act(&app, &case_path, "lmj-kabid", &[("verdict", "tidak"), ("note", "Isi masa berlaku.")]).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let current = app.store.current_draft("lumajang", &case).await.unwrap().unwrap();
    let isi = current.body.replace("{berlaku_sampai}", "31 Desember 2027");
    let fixed = act(
        &app,
        &case_path,
        "lmj-kasi",
        &[("perihal", &current.subject), ("kepada", &current.recipient), ("isi", &isi)],
    )
    .await;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER, "{}", fixed.body);
    let approved = act(&app, &case_path, "lmj-kabid", &[("verdict", "ya"), ("note", "Sesuai.")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    sqlx::query("UPDATE letter_drafts SET body = body || ' {berlaku_sampai}' WHERE case_id = $1")
        .bind(&case)
        .execute(app.store.pool())
        .await
        .unwrap();
    let sign =
        act(&app, &case_path, "lmj-kadis", &[("kata_sandi", store::demo::CERTIFICATE_PASSPHRASE)]).await;
    assert_eq!(sign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        sign.body.contains("Hak akses berlaku sampai: belum diisi")
            && sign.body.contains("belum dapat ditandatangani"),
        "{}",
        sign.body
    );
    let signing = serde_json::json!({"signing": {"passphrase": store::demo::CERTIFICATE_PASSPHRASE}});
    let (status, problem) = api_act(&app, "lmj-kadis", &case, signing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "konsep.berlaku_sampai");
    assert!(app.store.outgoing_letter("lumajang", &case).await.unwrap().is_none());
}

#[tokio::test]
async fn without_a_configured_public_address_nothing_is_signed() {
    let app = common::spawn_without_public_url().await;
    let case = vpn_case_without_end_date(&app, 9).await;
    let case_path = format!("/permohonan/{case}");
    let kasi = Browser::login(&app, "lmj-kasi").await;
    let editor = kasi.get(&case_path).await;
    let body = between(&editor.body, "name=\"isi\" rows=\"14\" maxlength=\"20000\">", "</textarea>")
        .replace("{berlaku_sampai}", "31 Desember 2027")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let subject = between(&editor.body, "name=\"perihal\" maxlength=\"300\" value=\"", "\"").to_string();
    let drafted = act(
        &app,
        &case_path,
        "lmj-kasi",
        &[("perihal", &subject), ("kepada", "Kepala Bappeda"), ("isi", &body)],
    )
    .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let approved = act(&app, &case_path, "lmj-kabid", &[("verdict", "ya"), ("note", "Sesuai.")]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);

    // Whatever Host the request names, the Head is refused and told why.
    let head = Browser::login(&app, "lmj-kadis").await;
    let page = head.get(&case_path).await;
    let url = action_url(&page.body).unwrap();
    let f = form(&[("csrf", &page.csrf()), ("kata_sandi", store::demo::CERTIFICATE_PASSPHRASE)]);
    let refused = head
        .client
        .post(format!("{}{url}", app.base))
        .header(reqwest::header::HOST, "sopir.lumajangkab.go.id")
        .multipart(f)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text().await.unwrap();
    assert!(text.contains("Alamat publik Sopir: belum diatur") && text.contains("--public-url"), "{text}");
    let signing = serde_json::json!({"signing": {"passphrase": store::demo::CERTIFICATE_PASSPHRASE}});
    let (status, problem) = api_act(&app, "lmj-kadis", &case, signing).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "alamat_publik");
    assert!(app.store.outgoing_register("lumajang", 2026).await.unwrap().is_empty(), "no number taken");
}

#[tokio::test]
async fn a_drafter_acting_for_the_kabid_is_refused_her_own_review_and_the_head_told() {
    let app = spawn().await;
    let plt = engine::organisation::Holding {
        person: "lmj-kasi".into(),
        position: "kabid-aptika".into(),
        from: jiff::civil::date(2020, 1, 1),
        until: None,
        acting: Some((engine::ActingKind::Plt, None)),
    };
    app.store.add_holding("lumajang", &plt, None).await.unwrap();
    let case = vpn_case_without_end_date(&app, 9).await;
    let case_path = format!("/permohonan/{case}");
    let current = app.store.current_draft("lumajang", &case).await.unwrap().unwrap();
    let isi = current.body.replace("{berlaku_sampai}", "31 Desember 2027");
    let drafted = act(
        &app,
        &case_path,
        "lmj-kasi",
        &[("perihal", &current.subject), ("kepada", &current.recipient), ("isi", &isi)],
    )
    .await;
    assert_eq!(drafted.status, StatusCode::SEE_OTHER, "{}", drafted.body);
    let own = act(&app, &case_path, "lmj-kasi", &[("verdict", "ya"), ("note", "Sesuai.")]).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.body.contains("konsep surat ini Anda susun sendiri"), "{}", own.body);
    let (status, problem) = api_act(&app, "lmj-kasi", &case, serde_json::json!({"verdict": "ya"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["type"], "urn:sopir:problem:segregation-of-duties");
    let told = app.store.notifications("lumajang", "lmj-kadis").await.unwrap();
    assert_eq!(told.iter().filter(|m| m.contains("menyusun sendiri konsep surat")).count(), 1, "{told:?}");
    assert_eq!(app.store.case("lumajang", &case).await.unwrap().open_tasks().next().unwrap().step, 10);
}

#[tokio::test]
async fn the_head_returns_the_draft_at_the_signing_step_and_it_goes_back_to_its_drafter() {
    let app = spawn().await;
    let state = app.vpn_at_signing().await;
    let case_path = format!("/permohonan/{}", state.id);
    let head = Browser::login(&app, "lmj-kadis").await;
    let page = head.get(&case_path).await;
    assert!(
        page.body.contains("Tandatangani surat") && page.body.contains("value=\"tidak\""),
        "{}",
        page.body
    );
    // A return needs its note; no passphrase is asked for it.
    let bare = act(&app, &case_path, "lmj-kadis", &[("verdict", "tidak")]).await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bare.body.contains("wajib diisi bila konsep dikembalikan"), "{}", bare.body);
    let back = [("verdict", "tidak"), ("note", "Alamat tujuan belum lengkap.")];
    assert_eq!(act(&app, &case_path, "lmj-kadis", &back).await.status, StatusCode::SEE_OTHER);
    let after = app.store.case("lumajang", &state.id).await.unwrap();
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let open = after.open_tasks().next().unwrap();
    assert_eq!(sop.step(open.step).unwrap().action, sop::ActionKind::Draft, "back to the drafting step");
    let versions = app.store.letter_drafts("lumajang", &state.id).await.unwrap();
    let last = versions.last().unwrap();
    assert_eq!(last.review, Some(store::letters::DraftReview::Returned));
    assert_eq!(last.review_note.as_deref(), Some("Alamat tujuan belum lengkap."));
    assert!(app.store.outgoing_letter("lumajang", &state.id).await.unwrap().is_none(), "no number taken");
}

/// A letter as SRIKANDI would give it back: laid out, numbered and signed
/// by a certificate Sopir does not hold.
fn signed_in_srikandi(number: &str) -> Vec<u8> {
    let letter = documents::Letter {
        letterhead: documents::Letterhead {
            lines: vec!["PEMERINTAH KABUPATEN LUMAJANG".into()],
            address: "Jl. Contoh 1".into(),
            logo: None,
        },
        place: "Lumajang".into(),
        date: "30 November 2026".into(),
        number: number.into(),
        nature: "Biasa".into(),
        enclosures: "-".into(),
        subject: "Pemberitahuan Akun VPN".into(),
        recipient: vec!["Kepala Bappeda".into()],
        body: "Akun VPN telah dibuat.".into(),
        signer_title: "Kepala Dinas".into(),
        signer_name: "Bambang Santoso, S.STP".into(),
        signer_nip: "-".into(),
        copies: Vec::new(),
        verification: None,
        draft: false,
        attached: Vec::new(),
    };
    let slot = documents::SignatureSlot {
        signer_name: "Bambang Santoso, S.STP".into(),
        reason: format!("Surat {number}"),
        location: "Lumajang".into(),
        date: "D:20261130100000+07'00'".into(),
    };
    let p12 =
        documents::signature::self_signed_pkcs12("Bambang Santoso, S.STP", "SRIKANDI (uji)", "k").unwrap();
    documents::Pkcs12Signer::new(p12).unlock("k").unwrap().sign(letter.to_pdf(Some(&slot))).unwrap()
}

#[tokio::test]
async fn where_letters_are_finalised_in_srikandi_the_signed_pdf_is_taken_back_with_its_number() {
    let app = spawn().await;
    let mut agency = app.store.agency("lumajang").await.unwrap();
    agency.letters.srikandi = true;
    app.store.update_agency(&agency, None).await.unwrap();
    let state = app.vpn_at_signing().await;
    let case_path = format!("/permohonan/{}", state.id);
    let head = Browser::login(&app, "lmj-kadis").await;
    let page = head.get(&case_path).await;
    assert!(
        page.body.contains("selesaikan di SRIKANDI") && page.body.contains("/srikandi.pdf"),
        "{}",
        page.body
    );
    let export = head.client.get(format!("{}{case_path}/srikandi.pdf", app.base)).send().await.unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    let export = export.bytes().await.unwrap().to_vec();
    assert!(export.starts_with(b"%PDF-"));
    // The requester gets no draft.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get(&format!("{case_path}/srikandi.pdf")).await.status, StatusCode::FORBIDDEN);

    let take_back = |pdf: Vec<u8>, number: &'static str| {
        let head = &head;
        let case_path = &case_path;
        async move {
            let page = head.get(case_path).await;
            let url = action_url(&page.body).unwrap();
            let part = reqwest::multipart::Part::bytes(pdf).file_name("surat-srikandi.pdf");
            let f = form(&[("csrf", &page.csrf()), ("nomor_srikandi", number)]).part("berkas_srikandi", part);
            head.post_multipart(&url, f).await
        }
    };
    // Unsigned, changed after signing, or without its number: refused, nothing kept.
    let unsigned = take_back(export, "000.1.2/77/427.53/2026").await;
    assert_eq!(unsigned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unsigned.body.contains("tidak bertanda tangan elektronik"), "{}", unsigned.body);
    let mut changed = signed_in_srikandi("000.1.2/77/427.53/2026");
    let at = changed.len() / 3;
    changed[at] ^= 0x01;
    let changed = take_back(changed, "000.1.2/77/427.53/2026").await;
    assert_eq!(changed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(changed.body.contains("berubah setelah ditandatangani"), "{}", changed.body);
    let no_number = take_back(signed_in_srikandi("000.1.2/77/427.53/2026"), "").await;
    assert_eq!(no_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_number.body.contains("instansi ini menomori surat di SRIKANDI"), "{}", no_number.body);
    assert!(app.store.outgoing_letter("lumajang", &state.id).await.unwrap().is_none());

    let pdf = signed_in_srikandi("000.1.2/77/427.53/2026");
    let taken = take_back(pdf.clone(), "000.1.2/77/427.53/2026").await;
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    let letter = app.store.outgoing_letter("lumajang", &state.id).await.unwrap().unwrap();
    assert_eq!(letter.number, "000.1.2/77/427.53/2026");
    assert_eq!(letter.seq, None, "no number of Sopir's own");
    assert_eq!(letter.signed_with, Some(store::signing_queue::SignedWith::Srikandi));
    assert_eq!(
        app.store.letter_pdf("lumajang", &state.id).await.unwrap().1,
        pdf,
        "the file as SRIKANDI signed it"
    );
    let verified = Browser::new(&app).get(&format!("/verifikasi/{}", letter.code)).await;
    assert!(
        verified.body.contains("di SRIKANDI") && verified.body.contains("berkasnya utuh"),
        "{}",
        verified.body
    );
}

#[tokio::test]
async fn the_logo_and_certificates_are_set_through_the_api_checked_by_content() {
    let app = spawn().await;
    let admin = common::Api::of(&app, "lmj-kasi").await;
    let kabid = common::Api::of(&app, "lmj-kabid").await;
    let logo = |api: &common::Api, bytes: Vec<u8>| {
        api.client
            .put(format!("{}/api/v1/settings/letters/logo", api.base))
            .header("content-type", "image/png")
            .body(bytes)
    };
    assert_eq!(kabid.call(logo(&kabid, png_logo())).await.0, StatusCode::FORBIDDEN);
    let (status, _, problem) = admin.call(logo(&admin, PDF.to_vec())).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("logo"))
    );
    assert_eq!(admin.call(logo(&admin, vec![0; 600 * 1024])).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(admin.call(logo(&admin, png_logo())).await.0, StatusCode::NO_CONTENT);
    let profile = app.store.agency("lumajang").await.unwrap();
    assert!(app.store.letterhead(&profile).await.unwrap().logo.is_some());

    let p12 = documents::signature::self_signed_pkcs12("Sri Wahyuni", "Diskominfo Lumajang", "rahasia-baru")
        .unwrap();
    let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &p12);
    let certificate = |person: &str, passphrase: &str| {
        admin
            .client
            .put(format!("{}/api/v1/settings/letters/certificates/{person}", admin.base))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "p12_base64": encoded, "passphrase": passphrase }).to_string())
    };
    let (status, _, problem) = admin.call(certificate("lmj-sekdin", "keliru")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "p12_base64");
    // Another agency's official is no one here.
    let (status, _, problem) = admin.call(certificate("tgx-kabid", "rahasia-baru")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, _, saved) = admin.call(certificate("lmj-sekdin", "rahasia-baru")).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert!(saved["subject"].as_str().unwrap().contains("CN=Sri Wahyuni"));
    assert!(app.store.signing_certificate("lumajang", "lmj-sekdin").await.unwrap().is_some());
}
