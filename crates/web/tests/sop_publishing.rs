//! Publishing SOPs at run time, over real HTTP: an administrator uploads a
//! definition on /admin/sop — a file with an error is refused with each
//! finding at its line and column beside the line itself and changes
//! nothing; a valid one goes live as a new version while a running case
//! keeps its own; another agency's SOP and another text under a published
//! version are refused; others may not publish. The API's `POST
//! /api/v1/sops` does the same with problem details that locate each
//! finding, and `GET /api/v1/sops` says what is live, since when and by whom.

mod common;

use common::{Api, Browser, spawn};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const VPN: &str = include_str!("../../../sops/lumajang/vpn.toml");
const TRENGGALEK_ROOM: &str = include_str!("../../../sops/trenggalek/ruang-server.toml");

/// `text` with its `version = …` line set to `version`.
fn with_version(text: &str, version: u32) -> String {
    let line = text.lines().find(|l| l.starts_with("version = ")).unwrap();
    text.replacen(line, &format!("version = {version}"), 1)
}

/// The VPN SOP as version `version`, its administrator's step given a remark.
fn vpn_version(version: u32, remark: &str) -> String {
    with_version(VPN, version).replacen(
        "output = \"Hak Akses VPN\"",
        &format!("output = \"Hak Akses VPN\"\nremarks = \"{remark}\""),
        1,
    )
}

/// Line and column (1-based) of the first `needle` in `text`.
fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} in text"));
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, column)
}

fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn upload(browser: &Browser, text: &str) -> common::Page {
    let csrf = browser.get("/admin/sop").await.csrf();
    let file =
        Part::bytes(text.as_bytes().to_vec()).file_name("vpn.toml").mime_str("application/toml").unwrap();
    let form = Form::new().text("csrf", csrf).part("sop", file);
    let mut page = browser.post_multipart("/admin/sop", form).await;
    page.body = unescape(&page.body);
    page
}

/// What is published for `agency`: (sop, version, publisher).
async fn published(app: &common::App, agency: &str) -> Vec<(String, i64, Option<String>)> {
    let versions = app.store.published_versions(agency).await.unwrap();
    versions.into_iter().map(|v| (v.sop_id, v.version, v.published_by)).collect()
}

/// Every event recorded, in every chain.
async fn chain_length(app: &common::App) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(app.store.pool()).await.unwrap()
}

#[tokio::test]
async fn an_upload_with_an_error_is_refused_at_its_line_and_column_and_changes_nothing() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let (before, chain) = (published(&app, "lumajang").await, chain_length(&app).await);

    let broken = vpn_version(4, "Revisi").replacen("lane = \"kabid-aptika\"", "lane = \"kabid-aptik\"", 1);
    let (line, column) = place(&broken, "\"kabid-aptik\"");
    let page = upload(&admin, &broken).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Tidak diterbitkan, tidak ada yang berubah"), "{}", page.body);
    let finding = format!("data-line=\"{line}\" data-column=\"{column}\" data-code=\"unknown-lane\"");
    assert!(page.body.contains(&finding), "{finding} in {}", page.body);
    assert!(page.body.contains(&format!("baris {line}, kolom {column}")));
    assert!(page.body.contains("pelaksana \"kabid-aptik\" pada langkah"), "the message");
    assert!(page.body.contains(&format!("{line} | lane = \"kabid-aptik\"")), "the line itself");
    assert!(page.body.contains(&format!(
        "{} | {}^",
        " ".repeat(line.to_string().len()),
        " ".repeat(column - 1)
    )));

    assert_eq!(published(&app, "lumajang").await, before, "nothing published");
    assert_eq!(chain_length(&app).await, chain, "nothing recorded");
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 3);

    // A file that is not text at all says so.
    let csrf = admin.get("/admin/sop").await.csrf();
    let binary = Part::bytes(vec![0xff, 0xfe, 0x00]).file_name("x.toml");
    let page = admin.post_multipart("/admin/sop", Form::new().text("csrf", csrf).part("sop", binary)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("bukan teks UTF-8"), "{}", page.body);
}

#[tokio::test]
async fn a_valid_upload_goes_live_as_a_new_version_and_a_running_case_keeps_its_own() {
    let app = spawn().await;
    let now = jiff::Timestamp::now().as_millisecond();
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let running = app
        .store
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            store::demo::sample_input(sop.first_step(), engine::Verdict::Ya),
            now,
        ))
        .await
        .unwrap();
    assert_eq!(running.sop_version, 3);
    let admin = Browser::login(&app, "lmj-kasi").await;

    // A numbering gap is a warning: shown, and no obstacle.
    let v4 = vpn_version(4, "Revisi 2026");
    let page = upload(&admin, &v4).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Diterbitkan sebagai versi baru: SOP Pengajuan Akses VPN (lumajang/vpn), versi 4."),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-code=\"numbering-gap\""), "the linter's warnings are shown");
    let live = page.body.split("data-sop=\"lumajang/vpn\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(live.contains("<td class=\"version\">4</td>"), "{live}");
    assert!(live.contains("Dewi Lestari, S.T."), "who published it: {live}");
    assert!(live.contains("versi 3: 1 permohonan berjalan"), "the running case's version: {live}");

    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 4);
    let (event, record) = app.store.record_events("lumajang", 1).await.unwrap().remove(0);
    assert_eq!(event.kind, "sop-published");
    assert_eq!(record.by.as_deref(), Some("lmj-kasi"));
    let case = app.store.case("lumajang", &running.id).await.unwrap();
    assert_eq!(case.sop_version, 3, "the running case keeps its version");
    // New requests start on the new version.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let form = requester.get("/layanan/lumajang/vpn").await;
    assert_eq!(form.status, StatusCode::OK);

    // The same file again changes nothing, and says so.
    let chain = chain_length(&app).await;
    let again = upload(&admin, &v4).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("sudah terbit dengan nomor versi yang sama; tidak ada yang berubah"));
    assert_eq!(chain_length(&app).await, chain);
}

#[tokio::test]
async fn another_text_under_a_published_version_and_another_agency_s_sop_are_refused() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let (lumajang, trenggalek, chain) =
        (published(&app, "lumajang").await, published(&app, "trenggalek").await, chain_length(&app).await);

    let same_number = vpn_version(3, "Diubah diam-diam");
    let page = upload(&admin, &same_number).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    // At the version's value.
    let (line, column) = (place(&same_number, "version = 3").0, "version = ".len() + 1);
    assert!(
        page.body.contains(&format!(
            "data-line=\"{line}\" data-column=\"{column}\" data-code=\"version-conflict\""
        )),
        "{}",
        page.body
    );
    assert!(page.body.contains("sudah diterbitkan dengan isi lain; tulis version = 4"), "{}", page.body);

    let stale = vpn_version(2, "Lama");
    let page = upload(&admin, &stale).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("lebih lama daripada versi 3"), "{}", page.body);

    let theirs = with_version(TRENGGALEK_ROOM, 9);
    let page = upload(&admin, &theirs).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (line, column) = place(&theirs, "\"trenggalek\"\nservice");
    assert!(
        page.body
            .contains(&format!("data-line=\"{line}\" data-column=\"{column}\" data-code=\"other-agency\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("SOP ini milik instansi \"trenggalek\""));

    assert_eq!(published(&app, "lumajang").await, lumajang);
    assert_eq!(published(&app, "trenggalek").await, trenggalek);
    assert_eq!(chain_length(&app).await, chain);
}

#[tokio::test]
async fn only_an_agency_s_administrators_publish() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/admin/sop").await.status, StatusCode::FORBIDDEN);
    let csrf = requester.token().await;
    let file = Part::bytes(vpn_version(4, "x").into_bytes()).file_name("vpn.toml");
    let page = requester.post_multipart("/admin/sop", Form::new().text("csrf", csrf).part("sop", file)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // An administrator's form needs its session's token.
    let admin = Browser::login(&app, "lmj-kasi").await;
    let file = Part::bytes(vpn_version(4, "x").into_bytes()).file_name("vpn.toml");
    let page = admin.post_multipart("/admin/sop", Form::new().text("csrf", "palsu").part("sop", file)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 3);
    // The admin overview leads there.
    assert!(admin.get("/admin").await.body.contains("href=\"/admin/sop\""));
}

impl Api {
    async fn publish(&self, body: &Value) -> (StatusCode, String, Value) {
        let request = self
            .client
            .post(format!("{}/api/v1/sops", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        self.call(request).await
    }
}

#[tokio::test]
async fn the_api_publishes_for_administrators_and_locates_every_refusal() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let chain = chain_length(&app).await;

    let (status, _, listed) = admin.get("/sops").await;
    assert_eq!(status, StatusCode::OK);
    let vpn = listed.as_array().unwrap().iter().find(|s| s["id"] == "lumajang/vpn").unwrap().clone();
    assert_eq!(vpn["version"], 3);
    assert!(vpn["published_at"].as_str().unwrap().ends_with('Z'), "{vpn}");
    assert!(vpn.get("published_by").is_none(), "built in: no person: {vpn}");

    let broken = vpn_version(4, "x").replacen("lane = \"kabid-aptika\"", "lane = \"kabid-aptik\"", 1);
    let (line, column) = place(&broken, "\"kabid-aptik\"");
    let (status, kind, problem) = admin.publish(&json!({ "source": broken, "filename": "vpn.toml" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(kind, "application/problem+json");
    assert_eq!(problem["type"], "urn:sopir:problem:validation");
    let finding = problem["findings"].as_array().unwrap().iter().find(|f| f["severity"] == "error").unwrap();
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64(), finding["code"].as_str()),
        (Some(line as u64), Some(column as u64), Some("unknown-lane"))
    );
    assert_eq!(finding["text"], "lane = \"kabid-aptik\"");
    assert_eq!(problem["errors"][0]["field"], "source");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("baris {line}, kolom {column}: "))
    );

    let (status, _, problem) = admin.publish(&json!({ "source": with_version(TRENGGALEK_ROOM, 9) })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["findings"][0]["code"], "other-agency", "{problem}");

    let (status, _, problem) = admin.publish(&json!({ "source": vpn_version(3, "diam-diam") })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "urn:sopir:problem:version-conflict");
    let conflict =
        problem["findings"].as_array().unwrap().iter().find(|f| f["code"] == "version-conflict").unwrap();
    assert_eq!(conflict["text"], "version = 3");
    assert_eq!(chain_length(&app).await, chain, "refusals change nothing");

    let clerk = Api::of(&app, "lmj-pemohon").await;
    let (status, _, problem) = clerk.publish(&json!({ "source": vpn_version(4, "x") })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");

    let (status, _, done) =
        admin.publish(&json!({ "source": vpn_version(4, "Revisi"), "filename": "vpn.toml" })).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!((done["new"].as_bool(), done["sop"]["version"].as_u64()), (Some(true), Some(4)));
    assert_eq!(done["sop"]["published_by"], "lmj-kasi");
    assert!(done["findings"].as_array().unwrap().iter().all(|f| f["severity"] == "warning"), "{done}");
    let (status, _, again) = admin.publish(&json!({ "source": vpn_version(4, "Revisi") })).await;
    assert_eq!((status, again["new"].as_bool()), (StatusCode::OK, Some(false)));

    let (_, _, listed) = admin.get("/sops").await;
    let vpn = listed.as_array().unwrap().iter().find(|s| s["id"] == "lumajang/vpn").unwrap().clone();
    assert_eq!((vpn["version"].as_u64(), vpn["published_by"].as_str()), (Some(4), Some("lmj-kasi")));
    let (_, _, detail) = admin.get("/sops/lumajang/vpn").await;
    assert_eq!(detail["published_by"], "lmj-kasi");

    let openapi = reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().text().await.unwrap();
    let openapi: Value = serde_json::from_str(&openapi).unwrap();
    assert!(openapi["paths"]["/api/v1/sops"]["post"].is_object(), "documented");
}

/// An SOP declaring a registry kind of its own (issue 17, point 5).
const ALAMAT_IP: &str = include_str!("../../sop/tests/fixtures/alamat-ip.toml");

/// An upload that declares a registry kind otherwise than a published SOP
/// of the agency does is refused at its `kind`, and nothing is published;
/// one declaring it alike goes live.
#[tokio::test]
async fn an_upload_declaring_a_kind_otherwise_than_a_published_sop_is_refused_at_its_kind() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    assert_eq!(upload(&admin, ALAMAT_IP).await.status, StatusCode::OK);
    let before = published(&app, "lumajang").await;

    let other = ALAMAT_IP.replacen("id = \"lumajang/alamat-ip\"", "id = \"lumajang/alamat-ip-server\"", 1);
    let differing = other.replacen("name_rule = \"ip\"", "name_rule = \"free\"", 1);
    let (line, column) = place(&differing, "\"alamat-ip\"\nlabel");
    let page = upload(&admin, &differing).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let finding =
        format!("data-line=\"{line}\" data-column=\"{column}\" data-code=\"registry-kind-conflict\"");
    assert!(page.body.contains(&finding), "{finding} in {}", page.body);
    assert!(page.body.contains(
        "jenis registri \"alamat-ip\" sudah dinyatakan SOP lumajang/alamat-ip dengan label \"Alokasi alamat IP\" dan name_rule \"ip\""
    ));
    assert_eq!(published(&app, "lumajang").await, before, "nothing published");

    assert_eq!(upload(&admin, &other).await.status, StatusCode::OK);
    assert_eq!(published(&app, "lumajang").await.len(), before.len() + 1);
}
