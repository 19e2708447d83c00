//! The event feed and webhooks against a real server and a real receiver
//! on loopback: a VPN case's events reach the receiver once each, in
//! order, signed, also after it was down; the feed is the caller's agency
//! only, resumes at its cursor, carries no personal data; refusals name
//! their field and change nothing.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::{Api, Browser, spawn};
use connectors::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use serde_json::{Value, json};
use web::webhook_sender::{self, EVENT_ID_HEADER, KIND_HEADER};

const SECRET: &str = "rahasia-penerima-uji-0123";

/// What the receiver took: (event id header, kind header, body).
type Taken = Arc<Mutex<Vec<(String, String, Value)>>>;

async fn take(State(taken): State<Taken>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let timestamp: i64 = header(TIMESTAMP_HEADER).parse().unwrap();
    if header(SIGNATURE_HEADER) != signature(SECRET, timestamp, body.as_bytes()) {
        return StatusCode::UNAUTHORIZED;
    }
    assert_eq!(header("idempotency-key"), header(EVENT_ID_HEADER));
    taken.lock().unwrap().push((
        header(EVENT_ID_HEADER),
        header(KIND_HEADER),
        serde_json::from_str(&body).unwrap(),
    ));
    StatusCode::NO_CONTENT
}

/// A receiver listening on `address` until the returned handle is aborted.
async fn receiver(address: SocketAddr, taken: Taken) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let app = axum::Router::new().route("/terima", axum::routing::post(take)).with_state(taken);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() })
}

/// `POST /api/v1/webhooks` with `body`.
async fn subscribe(api: &Api, body: Value) -> (StatusCode, String, Value) {
    let request = api
        .client
        .post(format!("{}/api/v1/webhooks", api.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    api.call(request).await
}

fn now() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Sender rounds at `at` until a round delivers nothing more.
async fn deliver_all(app: &common::App, at: i64) -> usize {
    let mut total = 0;
    loop {
        let (delivered, _) = webhook_sender::round(&app.store, at).await.unwrap();
        if delivered == 0 {
            return total;
        }
        total += delivered;
    }
}

/// Every item of the feed after `after`, read page by page.
async fn whole_feed(api: &Api, mut after: i64) -> Vec<Value> {
    let mut items = Vec::new();
    loop {
        let (status, _, page) = api.get(&format!("/events?after={after}&limit=7")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        after = page["next"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() {
            return items;
        }
    }
}

#[tokio::test]
async fn a_receiver_gets_every_event_of_a_vpn_case_once_in_order_also_after_being_down() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let taken: Taken = Arc::default();
    let address: SocketAddr = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap()
    };
    let up = receiver(address, taken.clone()).await;
    let (status, _, added) = subscribe(
        &admin,
        json!({
            "url": format!("http://{address}/terima"),
            "secret": SECRET,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let id = added["id"].as_str().unwrap().to_string();
    let start = added["delivered_up_to"].as_i64().unwrap();

    // The first half of a case, delivered while the receiver is up.
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let submitted = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let state = app.submit_vpn(now() - 3_600_000).await;
    let state = app.run_until_step(state, 5, now() - 3_500_000).await;
    assert!(deliver_all(&app, now()).await > 0);
    let before_down = taken.lock().unwrap().len();

    // Down: the rest of the case waits, the failure is recorded and tried
    // again only after the backoff.
    up.abort();
    let _ = up.await;
    let state = app.finish(state, now() - 3_000_000).await;
    assert_eq!(state.status, engine::CaseStatus::Completed);
    // The next round (a receiver that had nothing left waits one round).
    let (delivered, failed) = webhook_sender::round(&app.store, now() + 3_000).await.unwrap();
    assert_eq!((delivered, failed), (0, 1));
    let (_, _, failing) = admin.get(&format!("/webhooks/{id}")).await;
    assert_eq!(failing["failures"], 1, "{failing}");
    assert!(!failing["last_error"].as_str().unwrap().is_empty(), "{failing}");
    assert_eq!(webhook_sender::round(&app.store, now()).await.unwrap(), (0, 0), "not due before the backoff");
    assert_eq!(taken.lock().unwrap().len(), before_down);

    // Up again: after the backoff, the rest, from where it stopped.
    let _up = receiver(address, taken.clone()).await;
    assert!(deliver_all(&app, now() + 40_000).await > 0);
    let (_, _, healthy) = admin.get(&format!("/webhooks/{id}")).await;
    assert_eq!(healthy["failures"], 0, "{healthy}");

    let feed = whole_feed(&admin, start).await;
    let taken = taken.lock().unwrap().clone();
    let ids: Vec<&str> = taken.iter().map(|(id, _, _)| id.as_str()).collect();
    let feed_ids: Vec<&str> = feed.iter().map(|item| item["id"].as_str().unwrap()).collect();
    assert_eq!(ids, feed_ids, "every event once, in the feed's order");
    for (id, kind, body) in &taken {
        assert_eq!(body["id"], id.as_str());
        assert_eq!(body["kind"], kind.as_str());
    }
    let kinds: Vec<&str> = taken.iter().map(|(_, kind, _)| kind.as_str()).collect();
    for kind in ["case-opened", "task-opened", "step-done", "letter-signed", "case-closed"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(kinds.first(), Some(&"case-opened"));
    assert_eq!(kinds.last(), Some(&"case-closed"));
    let of_case = taken.iter().filter(|(_, _, body)| body["case"]["id"] == state.id.as_str()).count();
    assert_eq!(of_case, taken.len(), "only this case happened");

    // No personal data: none of the request's values, nobody's name or id.
    let bodies: String = taken.iter().map(|(_, _, body)| body.to_string()).collect();
    for value in submitted.fields.values().filter(|v| v.chars().count() >= 5) {
        assert!(!bodies.contains(value.as_str()), "{value} was sent");
    }
    for person in ["lmj-pemohon", "lmj-kadis", "lmj-kasi"] {
        assert!(!bodies.contains(person), "{person} was sent");
    }

    // The administrator sees what was delivered, the failure included.
    let (_, _, deliveries) = admin.get(&format!("/webhooks/{id}/deliveries")).await;
    let deliveries = deliveries.as_array().unwrap();
    assert!(deliveries.iter().any(|d| d["status"].is_null() && !d["error"].as_str().unwrap().is_empty()));
    assert!(deliveries.iter().any(|d| d["status"] == 204 && d["attempt"] == 2), "{deliveries:?}");
}

#[tokio::test]
async fn a_receiver_takes_only_the_kinds_it_chose_and_its_cursor_passes_the_rest() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let taken: Taken = Arc::default();
    let address: SocketAddr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let _up = receiver(address, taken.clone()).await;
    let (status, _, added) = subscribe(
        &admin,
        json!({
            "url": format!("http://{address}/terima"),
            "secret": SECRET,
            "kinds": ["case-opened", "case-closed"],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let state = app.submit_vpn(now() - 3_600_000).await;
    app.finish(state, now() - 3_000_000).await;
    deliver_all(&app, now()).await;
    let kinds: Vec<String> = taken.lock().unwrap().iter().map(|(_, kind, _)| kind.clone()).collect();
    assert_eq!(kinds, ["case-opened", "case-closed"]);
    let (_, _, webhook) = admin.get(&format!("/webhooks/{}", added["id"].as_str().unwrap())).await;
    let (_, _, feed) = admin.get("/events?after=0&limit=500").await;
    assert_eq!(webhook["delivered_up_to"], feed["next"], "past the kinds it does not take");
}

#[tokio::test]
async fn the_feed_and_webhooks_are_the_callers_agency_only_and_refusals_change_nothing() {
    let app = spawn().await;
    let lumajang = Api::of(&app, "lmj-kasi").await;
    let trenggalek = Api::of(&app, "tgx-kabid").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let state = app.submit_vpn(now() - 60_000).await;

    let (_, _, ours) = lumajang.get("/events").await;
    assert!(ours["items"].as_array().unwrap().iter().any(|i| i["case"]["id"] == state.id.as_str()), "{ours}");
    let (status, _, theirs) = trenggalek.get("/events?limit=500").await;
    assert_eq!(status, StatusCode::OK);
    let theirs = theirs["items"].as_array().unwrap();
    assert!(!theirs.iter().any(|i| i["case"]["id"] == state.id.as_str()), "{theirs:?}");
    assert_eq!(requester.get("/events").await.0, StatusCode::FORBIDDEN);
    for (query, field) in
        [("after=-1", "after"), ("after=abc", "after"), ("limit=0", "limit"), ("limit=501", "limit")]
    {
        let (status, kind, problem) = lumajang.get(&format!("/events?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {problem}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }

    // A refused subscription names each field and adds nothing.
    let (status, _, problem) = subscribe(
        &lumajang,
        json!({
            "url": "http://contoh.go.id/terima",
            "secret": "pendek",
            "kinds": ["case-opened", "semua-hal"],
        }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["url", "secret", "kinds"], "{problem}");
    assert_eq!(lumajang.get("/webhooks").await.2, json!([]));
    let (status, _, _) = subscribe(
        &requester,
        json!({
            "url": "https://contoh.go.id/terima", "secret": SECRET,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Another agency's receiver is not there for Trenggalek.
    let (_, _, added) = subscribe(
        &lumajang,
        json!({
            "url": "https://contoh.go.id/terima", "secret": SECRET,
        }),
    )
    .await;
    let id = added["id"].as_str().unwrap();
    assert_eq!(trenggalek.get(&format!("/webhooks/{id}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(trenggalek.get(&format!("/webhooks/{id}/deliveries")).await.0, StatusCode::NOT_FOUND);
    let (status, _, _) =
        trenggalek.call(trenggalek.client.delete(format!("{}/api/v1/webhooks/{id}", trenggalek.base))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(lumajang.get("/webhooks").await.2.as_array().unwrap().len(), 1);
    let (status, _, _) =
        lumajang.call(lumajang.client.delete(format!("{}/api/v1/webhooks/{id}", lumajang.base))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(lumajang.get("/webhooks").await.2, json!([]));
}

#[tokio::test]
async fn an_administrator_adds_and_removes_a_receiver_on_the_page() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let page = admin.get("/admin").await;
    assert!(page.body.contains("href=\"/admin/webhook\""));
    let page = admin.get("/admin/webhook").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Belum ada penerima webhook."));
    let csrf = page.csrf();

    let refused = admin
        .post(
            "/admin/webhook",
            &[("csrf", &csrf), ("url", "ftp://contoh.go.id"), ("secret", "pendek"), ("kind-bogus", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("ftp://contoh.go.id"), "what was typed stays");
    assert!(refused.body.contains("paling sedikit 16 karakter"));
    assert!(app.store.webhooks("lumajang").await.unwrap().is_empty());

    let added = admin
        .post(
            "/admin/webhook",
            &[
                ("csrf", &csrf),
                ("url", "https://dasbor.jatimprov.go.id/sopir"),
                ("secret", SECRET),
                ("kind-case-closed", "1"),
            ],
        )
        .await;
    assert_eq!(added.location.as_deref(), Some("/admin/webhook?ok=1"));
    let page = admin.get("/admin/webhook?ok=1").await;
    assert!(page.body.contains("https://dasbor.jatimprov.go.id/sopir"));
    assert!(page.body.contains("permohonan ditutup"));
    assert!(!page.body.contains(SECRET), "the secret is never shown");
    let webhooks = app.store.webhooks("lumajang").await.unwrap();
    assert_eq!(webhooks[0].kinds.0, ["case-closed"]);

    let forged = admin.post(&format!("/admin/webhook/{}/hapus", webhooks[0].id), &[("csrf", "salah")]).await;
    assert_ne!(forged.location.as_deref(), Some("/admin/webhook?dihapus=1"));
    assert_eq!(app.store.webhooks("lumajang").await.unwrap().len(), 1);
    let removed = admin.post(&format!("/admin/webhook/{}/hapus", webhooks[0].id), &[("csrf", &csrf)]).await;
    assert_eq!(removed.location.as_deref(), Some("/admin/webhook?dihapus=1"));
    assert!(app.store.webhooks("lumajang").await.unwrap().is_empty());

    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/admin/webhook").await.status, StatusCode::FORBIDDEN);
}
