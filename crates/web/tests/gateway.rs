//! Notices through the agency's HTTP message gateway, against a real HTTP
//! receiver on loopback: an administrator sets the gateway up (its token
//! masked once saved) and tries it; a person asks for new tasks at once on
//! it; a 500 is retried with backoff, a 4xx given up with the answer shown
//! to the administrator; and a daily digest arrives grouping the events of
//! two cases.

mod common;

use common::gateway_receiver::gateway;
use common::{App, Browser, spawn};
use reqwest::StatusCode;

const PUBLIC: &str = "https://sopir.lumajangkab.go.id";
const TEMPLATE: &str = r#"{"to":"{telepon}","text":"{pesan}","link":"{tautan}"}"#;

/// The Kasi (an administrator of Lumajang) sets the gateway up.
async fn set_up(app: &App, url: &str) -> Browser {
    let admin = Browser::login(app, "lmj-kasi").await;
    let token = admin.get("/admin/pesan").await.csrf();
    let bad = admin
        .post(
            "/admin/pesan",
            &[("csrf", &token), ("url", "ftp://gw"), ("header", ""), ("template", TEMPLATE)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("tulis alamat http:// atau https://"), "{}", bad.body);
    assert!(app.store.message_gateway("lumajang").await.unwrap().is_none(), "a refusal saves nothing");
    let saved = admin
        .post(
            "/admin/pesan",
            &[
                ("csrf", &token),
                ("url", url),
                ("header", "Authorization: Bearer rahasia-token-9876"),
                ("template", TEMPLATE),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = admin.get("/admin/pesan").await.body;
    assert!(page.contains("Authorization: ••••••9876") && !page.contains("rahasia"), "masked: {page}");
    admin
}

/// `person` asks for `kind` on the gateway with `delivery`, at the phone number.
async fn choose(app: &App, person: &str, kind: &str, delivery: &str, phone: &str) {
    let b = Browser::login(app, person).await;
    let token = b.get("/akun/notifikasi").await.csrf();
    let field = format!("{kind}.pesan");
    let bad = b.post("/akun/notifikasi", &[("csrf", &token), ("jam", "00:00"), ("telepon", "12")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Nomor HP"), "{}", bad.body);
    let saved = b
        .post(
            "/akun/notifikasi",
            &[("csrf", &token), (&field, delivery), ("jam", "00:00"), ("telepon", phone)],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = b.get(saved.location.as_deref().expect("back to the settings")).await.body;
    assert!(shown.contains("Pengaturan tersimpan."), "{shown}");
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn a_new_task_reaches_the_gateway_at_once_and_a_500_is_tried_again_later() {
    let app = spawn().await;
    let (url, received) = gateway(&[(500, "sedang gangguan")]).await;
    set_up(&app, &url).await;
    choose(&app, "lmj-kadis", "tugas", "segera", "0812-1111-2222").await;
    let now = jiff::Timestamp::now().as_millisecond();
    let case = app.submit_vpn(now).await;

    let sender = web::gateway::GatewaySender::new(Some(PUBLIC.into()));
    assert_eq!(sender.deliver_due(&app.store, now).await.unwrap(), (0, 1), "the gateway answered 500");
    let waiting = &app.store.outbox_of("lumajang", None, store::mail::Channel::Gateway, 10).await.unwrap()[0];
    assert_eq!((waiting.attempts, waiting.sent_at, waiting.next_attempt_at), (1, None, now + 60_000));
    assert_eq!(waiting.last_error.as_deref(), Some("HTTP 500: sedang gangguan"));
    assert_eq!(sender.deliver_due(&app.store, now + 1_000).await.unwrap(), (0, 0), "not due again yet");
    assert_eq!(sender.deliver_due(&app.store, now + 60_000).await.unwrap(), (1, 0));

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2, "one message, tried twice; the Secretary asked for none");
    let (authorization, content_type, body) = &received[1];
    assert_eq!(
        (authorization.as_str(), content_type.as_str()),
        ("Bearer rahasia-token-9876", "application/json")
    );
    let body = json(body);
    let link = format!("{PUBLIC}/permohonan/{}", case.id);
    assert_eq!(body["to"], "081211112222");
    assert_eq!(body["link"], link.as_str());
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with(&format!("Anda mendapat tugas pada permohonan {}", case.number)), "{text}");
    assert!(text.ends_with(&link), "{text}");
    let sent = &app.store.outbox_of("lumajang", None, store::mail::Channel::Gateway, 10).await.unwrap()[0];
    assert_eq!((sent.attempts, sent.sent_at), (2, Some(now + 60_000)));
}

#[tokio::test]
async fn a_refusal_is_given_up_at_once_and_its_answer_shown_to_the_administrator() {
    let app = spawn().await;
    let (url, received) = gateway(&[(400, "nomor tidak terdaftar di WhatsApp")]).await;
    let admin = set_up(&app, &url).await;
    choose(&app, "lmj-kadis", "tugas", "segera", "081233334444").await;
    let now = jiff::Timestamp::now().as_millisecond();
    app.submit_vpn(now).await;
    let sender = web::gateway::GatewaySender::new(Some(PUBLIC.into()));
    assert_eq!(sender.deliver_due(&app.store, now).await.unwrap(), (0, 1));
    assert_eq!(sender.deliver_due(&app.store, now + 24 * 3_600_000).await.unwrap(), (0, 0), "never again");
    let failed = &app.store.outbox_of("lumajang", None, store::mail::Channel::Gateway, 10).await.unwrap()[0];
    assert!(failed.gave_up && failed.sent_at.is_none());
    let page = admin.get("/admin/pesan").await.body;
    assert!(page.contains("HTTP 400: nomor tidak terdaftar di WhatsApp"), "{page}");

    // The test button sends at once and says what the gateway answered.
    let token = admin.get("/admin/pesan").await.csrf();
    let tried = admin.post("/admin/pesan/uji", &[("csrf", &token), ("telepon", "081255556666")]).await;
    assert_eq!(tried.status, StatusCode::OK, "{}", tried.body);
    assert!(tried.body.contains("Pesan uji diterima gateway."), "{}", tried.body);
    let last = received.lock().unwrap().last().unwrap().clone();
    let body = json(&last.2);
    assert_eq!(body["to"], "081255556666");
    assert!(body["text"].as_str().unwrap().starts_with("Uji coba gateway pesan Sopir"), "{body}");
}

#[tokio::test]
async fn a_daily_digest_arrives_at_the_gateway_grouping_the_events_of_two_cases() {
    let app = spawn().await;
    let (url, received) = gateway(&[]).await;
    set_up(&app, &url).await;
    // The requester wants how their requests move once a day, at 00:00 (so
    // whenever this runs, the day's digest is due).
    choose(&app, "lmj-pemohon", "progres", "ringkasan", "081277778888").await;
    let now = jiff::Timestamp::now().as_millisecond();
    let first = app.submit_vpn(now).await;
    let second = app.submit_vpn(now + 1).await;
    let first = app.advance(&first, now + 2).await;
    let first = app.advance(&first, now + 3).await;
    app.advance(&first, now + 4).await;
    app.advance(&second, now + 5).await;
    let sender = web::gateway::GatewaySender::new(Some(PUBLIC.into()));
    assert_eq!(sender.deliver_due(&app.store, now + 10).await.unwrap(), (0, 0), "nothing at once");

    assert_eq!(app.store.send_due_digests(now + 60_000).await.unwrap(), 1);
    assert_eq!(app.store.send_due_digests(now + 120_000).await.unwrap(), 0, "once a day");
    assert_eq!(sender.deliver_due(&app.store, now + 120_000).await.unwrap(), (1, 0));
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    let body = json(&received[0].2);
    assert_eq!(body["to"], "081277778888");
    assert_eq!(body["link"], format!("{PUBLIC}/notifikasi").as_str());
    let text = body["text"].as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(": 4 pemberitahuan dari 2 permohonan."), "{text}");
    assert!(lines[1].starts_with(&format!("• {} (3): Langkah ", first.number)), "{text}");
    assert!(lines[1].ends_with(&format!("{PUBLIC}/permohonan/{}", first.id)), "{text}");
    assert!(lines[2].starts_with(&format!("• {} (1): Langkah 2", second.number)), "{text}");
    assert_eq!(lines.len(), 3, "{text}");

    // In Sopir the requester's counter and list count cases, not steps.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let list = requester.get("/notifikasi").await.body;
    assert!(list.contains("data-unread=\"2\""), "two cases: {list}");
    assert_eq!(list.matches("data-count=").count(), 2, "{list}");
    assert!(list.contains(&format!("data-case=\"{}\" data-count=\"3\"", first.id)), "{list}");
}

#[tokio::test]
async fn a_gateway_that_cannot_be_reached_is_tried_again_later() {
    let app = spawn().await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/kirim", closed.local_addr().unwrap());
    drop(closed);
    set_up(&app, &dead).await;
    choose(&app, "lmj-kadis", "tugas", "segera", "081299998888").await;
    let now = jiff::Timestamp::now().as_millisecond();
    app.submit_vpn(now).await;
    let sender = web::gateway::GatewaySender::new(Some(PUBLIC.into()));
    assert_eq!(sender.deliver_due(&app.store, now).await.unwrap(), (0, 1));
    let waiting = &app.store.outbox_of("lumajang", None, store::mail::Channel::Gateway, 10).await.unwrap()[0];
    assert!(!waiting.gave_up && waiting.sent_at.is_none());
    assert_eq!(waiting.next_attempt_at, now + 60_000);
    assert!(
        waiting.last_error.as_deref().unwrap().starts_with("gateway tidak dapat dihubungi"),
        "{waiting:?}"
    );
}

#[tokio::test]
async fn the_gateway_is_set_and_tested_through_the_api_by_administrators_only() {
    let app = spawn().await;
    let (url, received) = gateway(&[]).await;
    let admin = common::Api::of(&app, "lmj-kasi").await;
    let head = common::Api::of(&app, "lmj-kadis").await;
    let put = |api: &common::Api, body: serde_json::Value| {
        api.client
            .put(format!("{}/api/v1/settings/message-gateway", api.base))
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    let good = serde_json::json!({ "url": url, "headers": "Authorization: Bearer rahasia-token-9876", "template": TEMPLATE });
    assert_eq!(head.call(put(&head, good.clone())).await.0, StatusCode::FORBIDDEN);
    let bad = serde_json::json!({ "url": "ftp://gw", "template": TEMPLATE });
    let (status, _, problem) = admin.call(put(&admin, bad)).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("url"))
    );
    assert!(app.store.message_gateway("lumajang").await.unwrap().is_none(), "a refusal saves nothing");
    let (status, _, saved) = admin.call(put(&admin, good)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["headers"], serde_json::json!(["Authorization"]));
    assert!(!saved.to_string().contains("rahasia"), "header values are never read back");
    // Absent headers keep the saved ones.
    let (_, _, kept) = admin.call(put(&admin, serde_json::json!({ "url": url, "template": TEMPLATE }))).await;
    assert_eq!(kept["headers"], serde_json::json!(["Authorization"]));

    let test = |body: serde_json::Value| {
        admin
            .client
            .post(format!("{}/api/v1/settings/message-gateway/test", admin.base))
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    let (status, _, problem) = admin.call(test(serde_json::json!({}))).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("phone"))
    );
    let (status, _, outcome) = admin.call(test(serde_json::json!({ "phone": "081255556666" }))).await;
    assert_eq!((status, outcome["sent"].as_bool()), (StatusCode::OK, Some(true)), "{outcome}");
    let last = received.lock().unwrap().last().unwrap().clone();
    assert_eq!(json(&last.2)["to"], "081255556666");
}
