//! The REST API over real HTTP: tokens made on the account page and
//! revoked; a VPN request driven from submission to signed letter by the
//! people whose tasks they are; every other endpoint read; problem details
//! naming the failing field; idempotency keys replayed (also concurrently)
//! acting once; cursors; and other people's cases kept out.

mod common;

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Browser, PDF, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// An API caller holding one person's token.
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    replayed: bool,
    json: Value,
}

impl Api {
    async fn of(app: &common::App, username: &str) -> Api {
        let now = jiff::Timestamp::now().as_millisecond();
        let (_, token) = app.store.create_api_token(username, "uji", 30, now).await.unwrap();
        Api { client: reqwest::Client::new(), base: app.base.clone(), token }
    }

    async fn answer(response: reqwest::Response) -> Answer {
        let status = response.status();
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
        let content_type = header("content-type").unwrap_or_default();
        let replayed = header("idempotent-replayed").as_deref() == Some("true");
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, content_type, replayed, json }
    }

    async fn get(&self, path: &str) -> Answer {
        let r = self.client.get(format!("{}/api/v1{path}", self.base)).bearer_auth(&self.token).send().await;
        Api::answer(r.unwrap()).await
    }

    async fn post(&self, path: &str, body: &Value, key: Option<&str>) -> Answer {
        let mut request = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        Api::answer(request.send().await.unwrap()).await
    }
}

fn pdf_file(name: &str) -> Value {
    json!({ "name": name, "filename": format!("{name}.pdf"), "content_base64": STANDARD.encode(PDF) })
}

/// A complete, valid VPN request.
fn vpn_request(sop: &sop::Sop) -> Value {
    let step = sop.first_step();
    let input = store::demo::sample_input(step, engine::Verdict::Ya);
    let files: Vec<Value> = step.attachments.iter().map(|a| pdf_file(&a.name)).collect();
    json!({ "sop": "lumajang/vpn", "fields": input.fields, "attachments": files })
}

/// What a diligent person sends to complete `step`.
fn action_for(step: &sop::Step) -> Value {
    let input = store::demo::sample_input(step, engine::Verdict::Ya);
    let mut action = json!({
        "note": input.note,
        "fields": input.fields,
        "attachments": step.attachments.iter().map(|a| pdf_file(&a.name)).collect::<Vec<_>>(),
    });
    if let Some(v) = input.verdict {
        action["verdict"] = json!(if v == engine::Verdict::Ya { "ya" } else { "tidak" });
    }
    if step.action == sop::ActionKind::Sign {
        action["signing"] = json!({ "passphrase": store::demo::CERTIFICATE_PASSPHRASE });
    }
    if step.action == sop::ActionKind::Send {
        action["sending"] = json!({ "via": "email" });
    }
    action
}

fn field_names(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or(Vec::new(), |e| e.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect())
}

const LUMAJANG_STAFF: [&str; 8] = [
    "lmj-kadis",
    "lmj-sekdin",
    "lmj-kabid",
    "lmj-kasi",
    "lmj-admin-jaringan",
    "lmj-admin-server",
    "lmj-admin-mail",
    "lmj-petugas",
];

#[tokio::test]
async fn tokens_are_made_on_the_account_page_shown_once_kept_hashed_and_revocable() {
    let app = spawn().await;
    let browser = Browser::login(&app, "lmj-pemohon").await;
    let csrf = browser.token().await;
    let password = ("password", store::demo::DEMO_PASSWORD);
    let refused =
        browser.post("/akun/token", &[("csrf", &csrf), ("name", "  "), ("days", "90"), password]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Nama token"), "{}", refused.body);
    let made = browser
        .post("/akun/token", &[("csrf", &csrf), ("name", "skrip portal"), ("days", "90"), password])
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let marker = "id=\"new-token\">";
    let at = made.body.find(marker).expect("the new token is shown") + marker.len();
    let token = made.body[at..].split('<').next().unwrap().to_string();
    assert!(token.starts_with("sopir_") && token.len() > 60, "{token}");
    let forged =
        browser.post("/akun/token", &[("csrf", "salah"), ("name", "x"), ("days", "90"), password]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "the form needs its CSRF token");

    // Only the hash is stored.
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT token_hash FROM api_tokens").fetch_all(app.store.pool()).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].0, token);
    assert!(!rows[0].0.contains(&token[6..]));

    let api = Api { client: reqwest::Client::new(), base: app.base.clone(), token: token.clone() };
    let me = api.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["username"], "lmj-pemohon");
    assert_eq!(me.json["may_report"], false);

    // The list shows it, with when it was last used, but never the token again.
    let list = browser.get("/akun/token").await;
    assert!(list.body.contains("skrip portal") && !list.body.contains(&token));

    for bad in ["", "Bearer", "Bearer sopir_tidakada", "Basic bG1qOng="] {
        let r = reqwest::Client::new()
            .get(format!("{}/api/v1/me", app.base))
            .header("authorization", bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        assert!(r.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    }
    // A session cookie is no key to the API.
    let with_cookie = browser.client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap();
    assert_eq!(with_cookie.status(), StatusCode::UNAUTHORIZED);

    let id = app.store.api_tokens("lmj-pemohon").await.unwrap()[0].id.clone();
    let other = Browser::login(&app, "lmj-pemohon-2").await;
    let not_theirs = other.post(&format!("/akun/token/{id}/cabut"), &[("csrf", &other.token().await)]).await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND, "one cannot revoke another's token");
    assert_eq!(api.get("/me").await.status, StatusCode::OK);
    let revoked = browser.post(&format!("/akun/token/{id}/cabut"), &[("csrf", &csrf)]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(api.get("/me").await.status, StatusCode::UNAUTHORIZED, "a revoked token stops at once");
}

#[tokio::test]
async fn a_vpn_request_runs_from_submission_to_signed_letter_through_the_api() {
    let app = spawn().await;
    let now = jiff::Timestamp::now().as_millisecond();
    store::demo::install_certificates(&app.store, now).await.unwrap();
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let requester = Api::of(&app, "lmj-pemohon").await;
    let mut staff = BTreeMap::new();
    // The requester acts too: receiving the letter closes the case.
    for username in LUMAJANG_STAFF.iter().chain(&["lmj-pemohon"]) {
        staff.insert(*username, Api::of(&app, username).await);
    }

    let sops = requester.get("/sops").await;
    assert_eq!(sops.status, StatusCode::OK);
    let vpn = sops.json.as_array().unwrap().iter().find(|s| s["id"] == "lumajang/vpn").unwrap().clone();
    assert_eq!(vpn["may_submit"], true);
    assert!(vpn["fields"].as_array().unwrap().iter().any(|f| f["name"] == "penanggung_jawab"), "{vpn}");
    let detail = requester.get("/sops/lumajang/vpn").await;
    assert_eq!(detail.json["steps"].as_array().unwrap().len(), sop.steps.len());
    assert_eq!(detail.json["steps"][0]["action"], "submit");
    let document = requester
        .client
        .get(format!("{}/api/v1/sops/lumajang/vpn/document", app.base))
        .bearer_auth(&requester.token)
        .send()
        .await
        .unwrap();
    assert_eq!(document.headers()["content-type"], "application/pdf");
    assert!(document.bytes().await.unwrap().starts_with(b"%PDF-"));
    let svg = requester.get("/sops/lumajang/vpn/document?format=svg").await;
    assert_eq!(svg.content_type, "image/svg+xml");

    let created = requester.post("/cases", &vpn_request(&sop), None).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let case_id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(created.json["status"], "open");
    assert!(created.json["agenda"].as_str().is_some_and(|a| a.starts_with("0001/")), "{}", created.json);
    let attachment = created.json["tasks"][0]["attachments"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    let file = requester
        .client
        .get(format!("{}{attachment}", app.base))
        .bearer_auth(&requester.token)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);

    // Each open task is done by whoever finds it in their own task list.
    let mut case = created.json;
    for _ in 0..30 {
        if case["status"] != "open" {
            break;
        }
        let task = case["tasks"].as_array().unwrap().iter().find(|t| t["status"] == "open").unwrap().clone();
        let task_id = task["id"].as_str().unwrap();
        let mut actor = None;
        for (username, api) in &staff {
            let mine = api.get("/tasks?limit=100").await;
            assert_eq!(mine.status, StatusCode::OK);
            if mine.json["items"].as_array().unwrap().iter().any(|t| t["task"] == task_id) {
                actor = Some((*username, api));
                break;
            }
        }
        let (username, api) = actor.unwrap_or_else(|| panic!("someone holds task {task}"));
        let step = sop.step(u32::try_from(task["step"].as_u64().unwrap()).unwrap()).unwrap();
        if step.action == sop::ActionKind::Sign {
            let mut wrong = action_for(step);
            wrong["signing"]["passphrase"] = json!("bukan-ini");
            let refused = api.post(&format!("/cases/{case_id}/tasks/{task_id}"), &wrong, None).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
            assert_eq!(field_names(&refused.json), ["signing.passphrase"]);
        }
        // With a key: the answer is built and kept inside the step's own
        // command, so it must already show what the step wrote.
        let key = format!("{case_id}-{task_id}");
        let done =
            api.post(&format!("/cases/{case_id}/tasks/{task_id}"), &action_for(step), Some(&key)).await;
        assert_eq!(done.status, StatusCode::OK, "step {} by {username}: {}", step.no, done.json);
        case = done.json;
    }
    assert_eq!(case["status"], "completed", "{case}");
    let letter = &case["letter"];
    assert!(letter["number"].as_str().is_some_and(|n| !n.is_empty()), "{case}");
    assert!(letter["verify"].as_str().unwrap().starts_with("/verifikasi/"));
    let read = requester.get(&format!("/cases/{case_id}")).await;
    assert_eq!(read.json["status"], "completed");
    assert_eq!(read.json["letter"], case["letter"], "the signing step's answer shows its letter");
    assert_eq!(read.json["tasks"].as_array().unwrap().len(), case["tasks"].as_array().unwrap().len());

    let mine = requester.get("/cases").await;
    assert_eq!(mine.json["items"][0]["id"], case_id.as_str());
    let notes = requester.get("/notifications").await;
    assert!(
        notes.json["items"].as_array().unwrap().iter().any(|n| n["case"] == case_id.as_str()),
        "{}",
        notes.json
    );

    let admin = &staff["lmj-admin-jaringan"];
    let entries = admin.get("/registries/vpn").await;
    assert_eq!(entries.status, StatusCode::OK, "{}", entries.json);
    let entry = entries.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["case"] == case_id.as_str())
        .unwrap()
        .clone();
    let one = admin.get(&format!("/registries/vpn/{}", entry["id"].as_str().unwrap())).await;
    assert_eq!(one.json["state"], "aktif");
    assert_eq!(one.json["history"].as_array().unwrap().len(), 1);
    let searched = admin.get(&format!("/registries/vpn?q={}", entry["name"].as_str().unwrap())).await;
    assert_eq!(searched.json["items"].as_array().unwrap().len(), 1);
    // A state filter that is no state is refused, not answered with nothing.
    let unknown = admin.get("/registries/vpn?state=active").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.json);
    assert_eq!(field_names(&unknown.json), ["state"]);

    // The network administrator's script suspends the account, with a reason.
    let entry_path = format!("/registries/vpn/{}/state", entry["id"].as_str().unwrap());
    let no_reason = admin.post(&entry_path, &json!({ "state": "ditangguhkan", "reason": " " }), None).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&no_reason.json), ["reason"]);
    let bad_state = admin.post(&entry_path, &json!({ "state": "dibekukan", "reason": "uji" }), None).await;
    assert_eq!(field_names(&bad_state.json), ["state"]);
    let not_keeper = requester.post(&entry_path, &json!({ "state": "dicabut", "reason": "uji" }), None).await;
    assert_eq!(not_keeper.status, StatusCode::FORBIDDEN);
    let wrong_kind = admin
        .post(&entry_path.replace("/vpn/", "/email/"), &json!({ "state": "dicabut", "reason": "uji" }), None)
        .await;
    assert_eq!(wrong_kind.status, StatusCode::NOT_FOUND);
    let suspended = admin
        .post(&entry_path, &json!({ "state": "ditangguhkan", "reason": "Pegawai cuti panjang" }), None)
        .await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.json);
    assert_eq!(suspended.json["state"], "ditangguhkan");
    assert_eq!(suspended.json["history"].as_array().unwrap().len(), 2);
    assert_eq!(suspended.json["history"][1]["reason"], "Pegawai cuti panjang");
    let again = admin.post(&entry_path, &json!({ "state": "ditangguhkan", "reason": "lagi" }), None).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "already suspended: {}", again.json);

    assert!(requester.get("/notifications").await.json["unread"].as_i64().unwrap() > 0);
    let read = requester.post("/notifications/read", &json!({}), None).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.json["unread"], 0);
    assert_eq!(requester.get("/notifications").await.json["unread"], 0);

    let head = &staff["lmj-kadis"];
    let registers = head.get("/registers").await;
    assert_eq!(registers.status, StatusCode::OK);
    assert!(registers.json["incoming"].as_array().unwrap().iter().any(|r| r["case"] == case_id.as_str()));
    assert!(registers.json["outgoing"].as_array().unwrap().iter().any(|r| r["number"] == letter["number"]));
    assert_eq!(registers.json["voided"], json!([]), "no number voided");
    let report = head.get("/reports").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.json);
    let row =
        report.json["sops"].as_array().unwrap().iter().find(|s| s["sop"] == "lumajang/vpn").unwrap().clone();
    assert_eq!((row["started"].as_i64(), row["completed"].as_i64()), (Some(1), Some(1)));
    let steps_done: i64 = report.json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["sop"] == "lumajang/vpn")
        .map(|s| s["done"].as_i64().unwrap())
        .sum();
    assert_eq!(
        steps_done as usize,
        case["tasks"].as_array().unwrap().len(),
        "every task of the case is counted once"
    );
}

#[tokio::test]
async fn the_same_idempotency_key_acts_once() {
    let app = spawn().await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let requester = Api::of(&app, "lmj-pemohon").await;
    let request = vpn_request(&sop);
    let first = requester.post("/cases", &request, Some("permohonan-42")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = requester.post("/cases", &request, Some("permohonan-42")).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert!(again.replayed && !first.replayed);
    assert_eq!(again.json["id"], first.json["id"]);
    assert_eq!(app.store.cases_after("lumajang", Some("lmj-pemohon"), None, 100).await.unwrap().len(), 1);

    let mut changed = request.clone();
    changed["fields"]["penanggung_jawab"] = json!("Orang Lain");
    let reused = requester.post("/cases", &changed, Some("permohonan-42")).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&reused.json), ["Idempotency-Key"]);

    // A refusal is an answer too: replayed, and nothing made.
    let mut incomplete = request.clone();
    incomplete["fields"] = json!({});
    let no = requester.post("/cases", &incomplete, Some("kosong")).await;
    let no_again = requester.post("/cases", &incomplete, Some("kosong")).await;
    assert_eq!(
        (no.status, no_again.status),
        (StatusCode::UNPROCESSABLE_ENTITY, StatusCode::UNPROCESSABLE_ENTITY)
    );
    assert!(no_again.replayed);

    // Eight retries racing with one key make one case.
    let mut racing = Vec::new();
    for _ in 0..8 {
        let api =
            Api { client: reqwest::Client::new(), base: app.base.clone(), token: requester.token.clone() };
        let body = vpn_request(&sop);
        racing.push(tokio::spawn(async move { api.post("/cases", &body, Some("balapan")).await }));
    }
    // (Each body differs in its fresh sample names, so only the first is
    // accepted; the others are refused as a reused key or as in progress.)
    let mut created = 0;
    for r in racing {
        let a = r.await.unwrap();
        assert!(
            matches!(a.status, StatusCode::CREATED | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT),
            "{}",
            a.status
        );
        created += usize::from(a.status == StatusCode::CREATED);
    }
    assert_eq!(created, 1);
    let same = vpn_request(&sop);
    let mut racing = Vec::new();
    for _ in 0..8 {
        let api =
            Api { client: reqwest::Client::new(), base: app.base.clone(), token: requester.token.clone() };
        let body = same.clone();
        racing.push(tokio::spawn(async move { api.post("/cases", &body, Some("balapan-sama")).await }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for r in racing {
        let a = r.await.unwrap();
        match a.status {
            StatusCode::CREATED => {
                ids.insert(a.json["id"].as_str().unwrap().to_string());
            }
            StatusCode::CONFLICT => assert_eq!(a.json["type"], "urn:sopir:problem:conflict"),
            other => panic!("{other}: {}", a.json),
        }
    }
    assert_eq!(ids.len(), 1, "identical racing retries name one case");
    assert_eq!(app.store.cases_after("lumajang", Some("lmj-pemohon"), None, 100).await.unwrap().len(), 3);

    // Acting: the replay answers the same and completes nothing twice.
    let case_id = first.json["id"].as_str().unwrap();
    let task = first.json["tasks"].as_array().unwrap().iter().find(|t| t["status"] == "open").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let head = Api::of(&app, "lmj-kadis").await;
    let step = sop.step(2).unwrap();
    let path = format!("/cases/{case_id}/tasks/{task}");
    let done = head.post(&path, &action_for(step), Some("disposisi-1")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    let replay = head.post(&path, &action_for(step), Some("disposisi-1")).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert!(replay.replayed);
    assert_eq!(replay.json, done.json);
    let completions: Vec<(i64,)> =
        sqlx::query_as("SELECT COUNT(*) FROM tasks WHERE case_id = $1 AND step = 2 AND status = 'done'")
            .bind(case_id)
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(completions[0].0, 1, "step 2 completed once");
    let without_key = head.post(&path, &action_for(step), None).await;
    assert_eq!(
        without_key.status,
        StatusCode::CONFLICT,
        "a second completion without a key is refused: {}",
        without_key.json
    );
    // Under a stable code a client can choose its own words by.
    assert_eq!(without_key.json["code"], "task-done", "{}", without_key.json);
}

#[tokio::test]
async fn refusals_are_problem_details_naming_the_field() {
    let app = spawn().await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let requester = Api::of(&app, "lmj-pemohon").await;
    let problem = |a: &Answer, status: StatusCode| {
        assert_eq!(a.status, status, "{}", a.json);
        assert_eq!(a.content_type, "application/problem+json");
        assert_eq!(a.json["status"].as_u64(), Some(u64::from(status.as_u16())));
        assert!(a.json["type"].as_str().unwrap().starts_with("urn:sopir:problem:"));
        assert!(!a.json["title"].as_str().unwrap().is_empty());
    };

    let mut missing = vpn_request(&sop);
    missing["fields"].as_object_mut().unwrap().remove("penanggung_jawab");
    let a = requester.post("/cases", &missing, None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["penanggung_jawab"]);

    let mut unknown = vpn_request(&sop);
    unknown["fields"]["warna_favorit"] = json!("biru");
    let a = requester.post("/cases", &unknown, None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["fields.warna_favorit"]);

    let mut not_base64 = vpn_request(&sop);
    let file = not_base64["attachments"][0]["name"].as_str().unwrap().to_string();
    not_base64["attachments"][0]["content_base64"] = json!("***");
    let a = requester.post("/cases", &not_base64, None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), std::slice::from_ref(&file));

    let mut executable = vpn_request(&sop);
    executable["attachments"][0]["content_base64"] = json!(STANDARD.encode(b"MZ\x90\x00 bukan pdf"));
    let a = requester.post("/cases", &executable, None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), [file]);

    let a = requester.post("/cases", &json!({ "sop": "lumajang/tidak-ada" }), None).await;
    problem(&a, StatusCode::NOT_FOUND);
    let detail = |a: &Answer, sop: &str| a.json["detail"].as_str().unwrap_or_default().replace(sop, "…");
    assert_eq!(detail(&a, "lumajang/tidak-ada"), "SOP … tidak ditemukan", "{}", a.json);
    // Another agency's SOP is answered as one that does not exist.
    let a = requester.post("/cases", &json!({ "sop": "trenggalek/ruang-server" }), None).await;
    problem(&a, StatusCode::NOT_FOUND);
    let nowhere = requester.post("/cases", &json!({ "sop": "trenggalek/tidak-ada" }), None).await;
    assert_eq!(detail(&a, "trenggalek/ruang-server"), detail(&nowhere, "trenggalek/tidak-ada"));
    let a = requester.post("/cases", &json!({ "sop": "vpn" }), None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["sop"]);
    let a = requester.post("/cases", &json!({ "sop": "lumajang/vpn", "warna": 1 }), None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.json["detail"].as_str().unwrap().contains("warna"), "{}", a.json);
    let raw = requester
        .client
        .post(format!("{}/api/v1/cases", app.base))
        .bearer_auth(&requester.token)
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    problem(&Api::answer(raw).await, StatusCode::UNPROCESSABLE_ENTITY);
    let form = requester
        .client
        .post(format!("{}/api/v1/cases", app.base))
        .bearer_auth(&requester.token)
        .body("sop=x")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    problem(&Api::answer(form).await, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let a = requester.get("/cases?limit=0").await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["limit"]);
    let a = requester.get("/tasks?cursor=bukan-kursor").await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["cursor"]);
    problem(&requester.get("/cases?limit=banyak").await, StatusCode::BAD_REQUEST);
    problem(&requester.get("/reports").await, StatusCode::FORBIDDEN);
    let a = requester.get("/registers").await;
    problem(&a, StatusCode::FORBIDDEN);
    assert!(a.json["detail"].as_str().unwrap().contains("pimpinan"), "says who may: {}", a.json);
    let a = requester.get("/registries/vpn").await;
    problem(&a, StatusCode::FORBIDDEN);
    assert!(a.json["detail"].as_str().unwrap().starts_with("Registri hanya untuk"), "{}", a.json);
    let head = Api::of(&app, "lmj-kadis").await;
    problem(&head.get("/registries/kapal-selam").await, StatusCode::NOT_FOUND);
    problem(&head.get("/registers?year=1900").await, StatusCode::UNPROCESSABLE_ENTITY);
    problem(&head.get("/reports?from=2026-13-01").await, StatusCode::BAD_REQUEST);
    problem(&head.get("/reports?from=2026-05-01&to=2026-04-01").await, StatusCode::BAD_REQUEST);
    problem(&head.get("/sops/lumajang/vpn/document?format=docx").await, StatusCode::BAD_REQUEST);

    let created = requester.post("/cases", &vpn_request(&sop), None).await;
    let case_id = created.json["id"].as_str().unwrap();
    let task = created.json["tasks"][1]["id"].as_str().unwrap();
    let a =
        head.post(&format!("/cases/{case_id}/tasks/{task}"), &json!({ "verdict": "mungkin" }), None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["verdict"]);
    // Refusals name the parts as the request did (`note`, not the page's `catatan`).
    let a = head.post(&format!("/cases/{case_id}/tasks/{task}"), &json!({ "note": " " }), None).await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["note"]);
    let a = head
        .post(&format!("/cases/{case_id}/tasks/{task}"), &json!({ "note": "x", "verdict": "ya" }), None)
        .await;
    problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&a.json), ["verdict"], "{}", a.json);
    let a = head.post(&format!("/cases/{case_id}/tasks/tidak-ada"), &json!({}), None).await;
    problem(&a, StatusCode::NOT_FOUND);
    // The requester may not act on the Head's task.
    let a = requester
        .post(&format!("/cases/{case_id}/tasks/{task}"), &action_for(sop.step(2).unwrap()), None)
        .await;
    problem(&a, StatusCode::FORBIDDEN);
    assert!(a.json["detail"].as_str().unwrap().starts_with("Tugas ini bukan untuk Anda"), "{}", a.json);
    // Nor may the Head submit a request: only the first step's lane may.
    let a = head.post("/cases", &vpn_request(&sop), None).await;
    problem(&a, StatusCode::FORBIDDEN);
    assert!(a.json["detail"].as_str().unwrap().contains("pelaksana langkah pertama"), "{}", a.json);
    let withdrawn = requester
        .post(&format!("/cases/{case_id}/withdraw"), &json!({ "reason": "salah kirim" }), None)
        .await;
    assert_eq!(withdrawn.json["status"], "withdrawn");
    let a = requester.post(&format!("/cases/{case_id}/withdraw"), &json!({}), None).await;
    problem(&a, StatusCode::CONFLICT);
    assert_eq!(a.json["code"], "case-closed", "{}", a.json);
    // Nothing refused above left a case behind.
    assert_eq!(app.store.cases_after("lumajang", Some("lmj-pemohon"), None, 100).await.unwrap().len(), 1);

    // Base64 wrapped in lines, as mail and many tools write it, is read.
    let mut wrapped = vpn_request(&sop);
    let lines: Vec<String> =
        STANDARD.encode(PDF).as_bytes().chunks(16).map(|c| String::from_utf8_lossy(c).into()).collect();
    wrapped["attachments"][0]["content_base64"] = json!(format!("{}\n", lines.join("\r\n")));
    let a = requester.post("/cases", &wrapped, None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
}

#[tokio::test]
async fn nobody_reads_or_acts_on_another_persons_case_through_the_api() {
    let app = spawn().await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let owner = Api::of(&app, "lmj-pemohon").await;
    let created = owner.post("/cases", &vpn_request(&sop), None).await;
    let case_id = created.json["id"].as_str().unwrap();
    let task = created.json["tasks"][1]["id"].as_str().unwrap();
    let attachment = created.json["tasks"][0]["attachments"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .replace("/api/v1", "");
    for stranger in ["lmj-pemohon-2", "tgx-kadis", "tgx-pemohon"] {
        let api = Api::of(&app, stranger).await;
        assert_eq!(
            api.get(&format!("/cases/{case_id}")).await.status,
            StatusCode::NOT_FOUND,
            "{stranger} reads"
        );
        assert_eq!(api.get(&attachment).await.status, StatusCode::NOT_FOUND, "{stranger} downloads");
        let act = api
            .post(&format!("/cases/{case_id}/tasks/{task}"), &action_for(sop.step(2).unwrap()), None)
            .await;
        assert_eq!(act.status, StatusCode::NOT_FOUND, "{stranger} acts");
        let withdraw = api.post(&format!("/cases/{case_id}/withdraw"), &json!({}), None).await;
        assert_eq!(withdraw.status, StatusCode::NOT_FOUND, "{stranger} withdraws");
        let listed = api.get("/cases?limit=100").await;
        assert!(
            !listed.json["items"].as_array().unwrap().iter().any(|c| c["id"] == case_id),
            "{stranger} lists"
        );
        assert_eq!(api.get("/sops/lumajang/vpn").await.status.is_success(), stranger.starts_with("lmj"));
    }
    let trenggalek_head = Api::of(&app, "tgx-kadis").await;
    let report = trenggalek_head.get("/reports").await;
    assert!(!report.json["sops"].as_array().unwrap().iter().any(|s| s["sop"] == "lumajang/vpn"));
    let case = owner.get(&format!("/cases/{case_id}")).await;
    assert_eq!(
        case.json["tasks"].as_array().unwrap().iter().filter(|t| t["status"] == "done").count(),
        1,
        "nothing was done to it"
    );
}

#[tokio::test]
async fn lists_page_with_cursors_without_gaps_or_repeats() {
    let app = spawn().await;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let requester = Api::of(&app, "lmj-pemohon").await;
    let mut made = std::collections::BTreeSet::new();
    for _ in 0..5 {
        let c = requester.post("/cases", &vpn_request(&sop), None).await;
        made.insert(c.json["id"].as_str().unwrap().to_string());
    }
    for (api, path) in [(&requester, "/cases"), (&Api::of(&app, "lmj-kadis").await, "/tasks")] {
        let mut seen = Vec::new();
        let mut url = format!("{path}?limit=2");
        let mut pages = 0;
        loop {
            let page = api.get(&url).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.json);
            pages += 1;
            for item in page.json["items"].as_array().unwrap() {
                seen.push(item.get("id").or(item.get("case")).unwrap().as_str().unwrap().to_string());
            }
            match page.json["next_cursor"].as_str() {
                Some(c) => url = format!("{path}?limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(pages, 3, "{path}");
        let unique: std::collections::BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "{path}: no repeats");
        assert_eq!(unique, made, "{path}: every case once");
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_and_browsable() {
    let app = spawn().await;
    let doc: Value = serde_json::from_str(
        &reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().text().await.unwrap(),
    )
    .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/me",
        "/api/v1/notifications",
        "/api/v1/sops",
        "/api/v1/sops/{agency}/{slug}",
        "/api/v1/sops/{agency}/{slug}/document",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/tasks/{task}",
        "/api/v1/cases/{id}/withdraw",
        "/api/v1/attachments/{id}",
        "/api/v1/tasks",
        "/api/v1/registries",
        "/api/v1/registries/{kind}",
        "/api/v1/registries/{kind}/{id}",
        "/api/v1/registries/{kind}/{id}/state",
        "/api/v1/notifications/read",
        "/api/v1/registers",
        "/api/v1/reports",
        "/api/v1/events",
        "/api/v1/webhooks",
        "/api/v1/satisfaction",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    // Every operation the document lists refuses a caller without a token
    // (taken from the document, so a new endpoint is covered too).
    let client = reqwest::Client::new();
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{agency}", "lumajang")
            .replace("{slug}", "vpn")
            .replace("{kind}", "vpn")
            .replace("{id}", "x")
            .replace("{task}", "y");
        for method in item.as_object().unwrap().keys() {
            let url = format!("{}{concrete}", app.base);
            let request = match method.as_str() {
                "get" => client.get(&url),
                "post" => client.post(&url).header("content-type", "application/json").body("{}"),
                "delete" => client.delete(&url),
                "put" => client.put(&url).header("content-type", "application/json").body("{}"),
                other => panic!("undocumented method {other}"),
            };
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(r.headers()["content-type"], "application/problem+json", "{method} {path}");
            assert!(
                doc["paths"][path][method]["responses"]["401"].is_object(),
                "{method} {path} documents its 401"
            );
            operations += 1;
        }
    }
    assert!(operations >= 18, "{operations}");
    assert!(
        doc["paths"]["/api/v1/cases"]["post"]["responses"]["422"]["content"]["application/problem+json"]
            .is_object()
    );
    let docs = reqwest::get(format!("{}/api/docs/", app.base)).await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"), "Swagger UI is served from the binary");
}

/// Runs a VPN request through the administrator's step; the new entry's id.
async fn vpn_entry_id(app: &common::App) -> String {
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    let mut state = app
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
    while state.open_tasks().next().unwrap().step <= 6 {
        let task = state.open_tasks().next().unwrap().clone();
        let input = store::demo::sample_input(sop.step(task.step).unwrap(), engine::Verdict::Ya);
        let by = task.candidates[0].person.clone();
        state = app
            .store
            .complete(store::Complete::new("lumajang", &state.id, &task.id, &by, input, now))
            .await
            .unwrap();
    }
    let entries = app.store.registry("lumajang", "vpn", &Default::default()).await.unwrap();
    entries[0].id.clone()
}

#[tokio::test]
async fn a_registry_is_changed_only_by_its_keepers_and_searched_without_control_characters() {
    let app = spawn().await;
    let id = vpn_entry_id(&app).await;
    let path = format!("/registries/vpn/{id}/state");
    let change = json!({ "state": "dicabut", "reason": "uji" });
    // The server-room officer keeps another registry.
    let officer = Api::of(&app, "lmj-petugas").await;
    assert_eq!(officer.get("/registries/vpn").await.status, StatusCode::OK, "still reads it");
    let refused = officer.post(&path, &change, None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    assert_eq!(officer.get(&format!("/registries/vpn/{id}")).await.json["state"], "aktif");
    let network = Api::of(&app, "lmj-admin-jaringan").await;
    assert_eq!(network.post(&path, &change, None).await.status, StatusCode::OK);

    let nul = network.get("/registries/vpn?q=ab%00c").await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nul.json);
    assert_eq!(field_names(&nul.json), ["q"]);
}
