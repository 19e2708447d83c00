//! An external witness of the audit chain through the API, over real HTTP:
//! it polls the installation chain's head (which anchors the agency chains)
//! with an administrator's token and keeps what it saw; after someone
//! rewrites the database (an event changed, every hash and anchor
//! recomputed, the tail cut) asking again for what it holds shows the
//! chain changed and cut, and the signed lines it kept convict the
//! database in the same check `sopir audit verify` makes.

mod common;

use common::spawn;
use reqwest::StatusCode;
use serde_json::Value;
use store::checkpoint::{self, Mismatch, Problem};

struct Witness {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Witness {
    async fn of(app: &common::App, username: &str) -> Witness {
        let now = jiff::Timestamp::now().as_millisecond();
        let (_, token) = app.store.create_api_token(username, "saksi inspektorat", 30, now).await.unwrap();
        Witness { client: reqwest::Client::new(), base: app.base.clone(), token }
    }

    async fn checkpoint(&self, seq: Option<i64>) -> (StatusCode, Value) {
        let query = seq.map_or(String::new(), |s| format!("?seq={s}"));
        let response = self
            .client
            .get(format!("{}/api/v1/audit/checkpoint{query}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (response.status(), serde_json::from_str(&response.text().await.unwrap()).unwrap())
    }
}

async fn another_request(app: &common::App) {
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let now = jiff::Timestamp::now().as_millisecond();
    app.store
        .submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, now))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_witness_polling_the_api_sees_the_chain_rewritten_and_cut() {
    let app = spawn().await;
    let (status, refused) = Witness::of(&app, "lmj-pemohon").await.checkpoint(None).await;
    assert_eq!(
        (status, refused["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("urn:sopir:problem:forbidden"))
    );
    assert_eq!(refused["detail"], "Titik periksa audit hanya untuk administrator.");

    let witness = Witness::of(&app, "lmj-kasi").await;
    another_request(&app).await;
    let (status, first) = witness.checkpoint(None).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let first_seq = first["seq"].as_i64().unwrap();
    assert_eq!(first["head_seq"], first["seq"]);
    another_request(&app).await;
    let (_, second) = witness.checkpoint(None).await;
    let second_seq = second["seq"].as_i64().unwrap();
    assert_eq!(second_seq, first_seq + 1, "the request's four events, anchored in one link");
    // The chain still has, where the witness saw it, what it saw.
    let (status, again) = witness.checkpoint(Some(first_seq)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((&again["hash"], &again["head_seq"]), (&first["hash"], &second["seq"]));

    // Someone with write access to the database: an event of the first
    // request changed, every hash after it recomputed (the anchors of
    // Lumajang's chain in the installation's too), the newest anchor cut.
    let first_request_end: i64 = sqlx::query_scalar(
        "SELECT MIN(chain_seq) FROM events WHERE agency_id = 'lumajang' AND kind = 'case-opened'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    store::forgery::rewrite(&app.store, "lumajang", first_request_end, |p| format!("{p} "), 0).await.unwrap();
    store::forgery::rewrite(&app.store, store::audit::INSTALLATION, first_seq, |p| p.to_string(), 1)
        .await
        .unwrap();
    assert_eq!(app.store.verify_audit().await.unwrap().first_break, None, "the chains alone check out");

    let (status, now) = witness.checkpoint(Some(first_seq)).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(now["hash"], first["hash"], "the witness sees the chain changed under what it holds");
    let (status, cut) = witness.checkpoint(Some(second_seq)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(cut["type"], "urn:sopir:problem:beyond-chain-head");
    assert_eq!(
        cut["detail"],
        format!(
            "Rantai audit hanya sampai event #{first_seq}; event #{second_seq} tidak ada. Bila titik periksa Anda mencatatnya, ujung rantai telah dipotong."
        )
    );

    // The lines the witness kept are checkpoints `audit verify` reads.
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("saksi.log");
    let lines = [&first, &second].map(|c| c["line"].as_str().unwrap().to_string());
    std::fs::write(&kept, lines.join("\n") + "\n").unwrap();
    let key = app.store.checkpoint_key().unwrap();
    let anchored = app.store.anchor(checkpoint::read(&[kept], &key).unwrap()).await.unwrap();
    let mismatches: Vec<&Mismatch> = anchored
        .problems
        .iter()
        .map(|p| match p {
            Problem::Mismatch { mismatch, .. } => mismatch,
            other => panic!("{other}"),
        })
        .collect();
    assert!(
        matches!(mismatches[..], [Mismatch::Rewritten { .. }, Mismatch::Shortened { .. }]),
        "{mismatches:?}"
    );
}

#[tokio::test]
async fn the_checkpoint_endpoint_is_documented_and_refuses_a_bad_seq() {
    let app = spawn().await;
    let doc: Value = serde_json::from_str(
        &reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().text().await.unwrap(),
    )
    .unwrap();
    assert!(doc["paths"]["/api/v1/audit/checkpoint"]["get"].is_object());
    let witness = Witness::of(&app, "lmj-kasi").await;
    let (status, refused) = witness.checkpoint(Some(-1)).await;
    assert_eq!(
        (status, &refused["detail"]),
        (StatusCode::BAD_REQUEST, &Value::from("seq tidak boleh negatif"))
    );
    let (status, genesis) = witness.checkpoint(Some(0)).await;
    assert_eq!((status, &genesis["hash"]), (StatusCode::OK, &Value::from("sopir-genesis")));
}
