//! The API twins of page actions, with the pages' rights and refusals: a
//! visitor let in, an access review decided, personal data shown, the
//! calendar kept, logins administered — each by the right person only,
//! refusals naming their field and changing nothing.

mod common;

use common::{Api, App, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn now() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

async fn send(api: &Api, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = api.client.request(method, format!("{}/api/v1{path}", api.base));
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let (status, _, answer) = api.call(request).await;
    (status, answer)
}

fn refused_fields(problem: &Value) -> Vec<&str> {
    problem["errors"].as_array().into_iter().flatten().map(|e| e["field"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_escort_lets_the_visitor_in_and_an_officer_sees_the_nik() {
    let app = spawn().await;
    let visit = app.visit_at_check_in(&[]).await;
    let officer = Api::of(&app, "lmj-petugas").await;
    let kasi = Api::of(&app, "lmj-kasi").await;
    let path = format!("/cases/{}/check-in", visit.id);

    let (status, _) = send(&kasi, reqwest::Method::POST, &path, Some(json!({ "badge": "TP-09" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the escorting officer checks in");
    let (status, problem) = send(&officer, reqwest::Method::POST, &path, Some(json!({ "badge": " " }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused_fields(&problem), ["badge"]);
    let (status, case) =
        send(&officer, reqwest::Method::POST, &path, Some(json!({ "badge": "TP-09" }))).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let stored = app.store.case_events("lumajang", &visit.id).await.unwrap();
    assert!(stored.iter().any(|e| e.kind == "visitor-checked-in"));

    // The NIK: masked in the case, in full to an officer handling it, and
    // the showing recorded.
    let nik = store::demo::sample_input(
        app.store.sop("lumajang", "lumajang/ruang-server", None).await.unwrap().first_step(),
        engine::Verdict::Ya,
    )
    .fields["nik_pengunjung"]
        .clone();
    assert!(!case.to_string().contains(&nik), "masked in the case");
    let reveal = format!("/cases/{}/personal-data", visit.id);
    let requester = Api::of(&app, "lmj-pemohon").await;
    assert_eq!(send(&requester, reqwest::Method::POST, &reveal, None).await.0, StatusCode::NOT_FOUND);
    let stranger = Api::of(&app, "tgx-kabid").await;
    assert_eq!(send(&stranger, reqwest::Method::POST, &reveal, None).await.0, StatusCode::NOT_FOUND);
    let (status, shown) = send(&officer, reqwest::Method::POST, &reveal, None).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["fields"]["nik_pengunjung"], nik.as_str());
    let stored = app.store.case_events("lumajang", &visit.id).await.unwrap();
    assert!(stored.iter().any(|e| e.kind == "personal-data-revealed"));
}

#[tokio::test]
async fn the_calendar_is_kept_by_administrators_with_the_pages_refusals() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let day = json!({ "date": "2026-12-28", "name": "Hari Jadi Kabupaten" });
    assert_eq!(
        send(&requester, reqwest::Method::POST, "/calendar/days-off", Some(day.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, problem) = send(
        &admin,
        reqwest::Method::POST,
        "/calendar/days-off",
        Some(json!({ "date": "28-12-2026", "name": " ", "kind": "cuti_bersama" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // An unknown kind is refused, never taken for a holiday.
    assert_eq!(refused_fields(&problem), ["date", "name", "kind"]);
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/calendar/days-off", Some(day)).await.0,
        StatusCode::CREATED
    );
    let (_, calendar) = send(&requester, reqwest::Method::GET, "/calendar", None).await;
    let added = calendar["days_off"].as_array().unwrap().iter().find(|d| d["date"] == "2026-12-28").cloned();
    assert_eq!(added.as_ref().map(|d| d["name"].clone()), Some(json!("Hari Jadi Kabupaten")), "{calendar}");
    assert_eq!(calendar["zone"], "Asia/Jakarta");
    // Trenggalek's calendar is its own.
    let (_, theirs) = send(&Api::of(&app, "tgx-kabid").await, reqwest::Method::GET, "/calendar", None).await;
    assert!(!theirs["days_off"].as_array().unwrap().iter().any(|d| d["date"] == "2026-12-28"));
    assert_eq!(
        send(&admin, reqwest::Method::DELETE, "/calendar/days-off/2026-12-28", None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, calendar) = send(&admin, reqwest::Method::GET, "/calendar", None).await;
    assert!(!calendar["days_off"].as_array().unwrap().iter().any(|d| d["date"] == "2026-12-28"));
    let (status, problem) = send(&admin, reqwest::Method::DELETE, "/calendar/days-off/kemarin", None).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["date"]));

    let schedule = |hours: Value| json!({ "name": "Jam kerja Ramadan 2027", "from": "2027-02-08", "until": "2027-03-09", "hours": hours });
    let (status, problem) = send(
        &admin,
        reqwest::Method::POST,
        "/calendar/schedules",
        Some(schedule(json!({ "monday": "pagi saja" }))),
    )
    .await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["monday"]));
    let (status, problem) = send(
        &admin,
        reqwest::Method::POST,
        "/calendar/schedules",
        Some(schedule(json!({ "senin": "08:00-14:00" }))),
    )
    .await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["hours"]));
    let week = json!({ "monday": "08:00-14:00", "tuesday": "08:00-14:00", "wednesday": "08:00-14:00", "thursday": "08:00-14:00", "friday": "08:00-11:30" });
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/calendar/schedules", Some(schedule(week))).await.0,
        StatusCode::CREATED
    );
    let (_, calendar) = send(&admin, reqwest::Method::GET, "/calendar", None).await;
    let ramadan = calendar["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Jam kerja Ramadan 2027")
        .cloned()
        .unwrap();
    assert_eq!(ramadan["hours"][4], "08:00-11:30");
    assert_eq!(ramadan["hours"][5], "");
}

#[tokio::test]
async fn an_agencys_administrator_deactivates_reactivates_and_unlocks_its_logins_only() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let path = |what: &str| format!("/agencies/lumajang/accounts/lmj-pemohon/{what}");

    assert_eq!(
        send(&requester, reqwest::Method::POST, &path("deactivate"), None).await.0,
        StatusCode::FORBIDDEN
    );
    let other = Api::of(&app, "tgx-kabid").await;
    assert_ne!(
        send(&other, reqwest::Method::POST, &path("deactivate"), None).await.0,
        StatusCode::NO_CONTENT
    );
    let own =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/accounts/lmj-kasi/deactivate", None).await;
    assert_eq!(own.0, StatusCode::BAD_REQUEST, "not one's own login: {}", own.1);
    let missing =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/accounts/tidak-ada/deactivate", None).await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);

    assert_eq!(
        send(&admin, reqwest::Method::POST, &path("deactivate"), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(requester.get("/me").await.0, StatusCode::UNAUTHORIZED, "its token ended with it");
    assert_eq!(
        send(&admin, reqwest::Method::POST, &path("reactivate"), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert!(app.store.agency_account("lumajang", "lmj-pemohon").await.unwrap().deactivated_at.is_none());

    // Wrong passwords until the login is made to wait.
    for _ in 0..6 {
        if let store::login_throttle::LoginGate::Open(attempt) =
            app.store.login_attempt("lmj-pemohon", "192.0.2.7", now()).await.unwrap()
        {
            app.store.login_failed(&attempt).await.unwrap();
        }
    }
    assert!(!app.store.slowed_logins("lumajang", now()).await.unwrap().is_empty());
    assert_eq!(send(&admin, reqwest::Method::POST, &path("unlock"), None).await.0, StatusCode::NO_CONTENT);
    assert!(app.store.slowed_logins("lumajang", now()).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_reviewer_decides_each_card_of_an_access_review() {
    let app = spawn().await;
    let review = app.access_review(&["KA-11", "KA-12"]).await;
    let mut entries = Vec::new();
    for card in ["KA-11", "KA-12"] {
        let id: String = sqlx::query_scalar(
            "SELECT id FROM registry_entries WHERE agency_id = 'trenggalek' AND name = $1",
        )
        .bind(card)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        entries.push(id);
    }
    let decide = |entry: &str| format!("/cases/{}/review/{entry}", review.id);

    let operator = Api::of(&app, "tgx-operator").await;
    let kabid = Api::of(&app, "tgx-kabid").await;
    let keep = json!({ "decision": "tetap" });
    assert_eq!(
        send(&operator, reqwest::Method::POST, &decide(&entries[0]), Some(keep.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, problem) = send(
        &kabid,
        reqwest::Method::POST,
        &decide(&entries[1]),
        Some(json!({ "decision": "cabut", "reason": "" })),
    )
    .await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason"]));
    let (status, problem) =
        send(&kabid, reqwest::Method::POST, &decide(&entries[1]), Some(json!({ "decision": "hapus" }))).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["decision"]));
    assert_eq!(
        send(&kabid, reqwest::Method::POST, &decide(&entries[0]), Some(keep.clone())).await.0,
        StatusCode::OK
    );
    // Deciding it again is a conflict with what was decided, not bad input.
    let (status, problem) = send(&kabid, reqwest::Method::POST, &decide(&entries[0]), Some(keep)).await;
    assert_eq!(
        (status, problem["detail"].as_str()),
        (StatusCode::CONFLICT, Some("entri ini sudah diputuskan: tetap"))
    );
    let revoke = json!({ "decision": "cabut", "reason": "Pensiun" });
    let (status, case) = send(&kabid, reqwest::Method::POST, &decide(&entries[1]), Some(revoke)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let lumajang = Api::of(&app, "lmj-kasi").await;
    let (status, _) =
        send(&lumajang, reqwest::Method::POST, &decide(&entries[0]), Some(json!({ "decision": "tetap" })))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another agency's review");
}

/// A confirmed sign-up to Lumajang, waiting for approval; its id.
async fn sign_up(app: &App, nip: &str, email: &str) -> String {
    let new = store::self_registration::NewRegistration {
        agency: "lumajang".into(),
        nip: nip.into(),
        name: "Dewi Lestari".into(),
        unit: "lmj-bappeda".into(),
        email: email.into(),
    };
    let secret = format!("rahasia-{nip}");
    app.store.register(&new, "!", &secret, "https://sopir.example/daftar/", now()).await.unwrap();
    app.store.confirm_registration(&secret, now()).await.unwrap();
    let waiting = app.store.pending_registrations("lumajang", now()).await.unwrap();
    waiting.into_iter().find(|r| r.nip == nip).unwrap().id
}

#[tokio::test]
async fn an_administrator_decides_sign_ups_and_withdraws_and_restores_an_sop() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let (first, second) = (
        sign_up(&app, "199001012015032001", "dewi@lumajang.example").await,
        sign_up(&app, "199202022016042002", "sari@lumajang.example").await,
    );
    assert_eq!(send(&requester, reqwest::Method::GET, "/registrations", None).await.0, StatusCode::FORBIDDEN);
    let (_, waiting) = send(&admin, reqwest::Method::GET, "/registrations", None).await;
    assert_eq!(waiting.as_array().unwrap().len(), 2, "{waiting}");
    let other = Api::of(&app, "tgx-kabid").await;
    assert_eq!(
        send(&other, reqwest::Method::POST, &format!("/registrations/{first}/approve"), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&admin, reqwest::Method::POST, &format!("/registrations/{first}/approve"), None).await.0,
        StatusCode::NO_CONTENT
    );
    let (status, problem) = send(
        &admin,
        reqwest::Method::POST,
        &format!("/registrations/{second}/refuse"),
        Some(json!({ "reason": " " })),
    )
    .await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason"]));
    let refusal = json!({ "reason": "Bukan pegawai Bappeda" });
    assert_eq!(
        send(&admin, reqwest::Method::POST, &format!("/registrations/{second}/refuse"), Some(refusal))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(&admin, reqwest::Method::GET, "/registrations", None).await.1, json!([]));
    assert!(app.store.agency_account("lumajang", "199001012015032001").await.is_ok(), "a login made");

    // The SOP catalogue.
    assert_eq!(
        send(&requester, reqwest::Method::POST, "/sops/lumajang/email/withdraw", None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&other, reqwest::Method::POST, "/sops/lumajang/email/withdraw", None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/sops/lumajang/email/withdraw", None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, sops) = send(&requester, reqwest::Method::GET, "/sops", None).await;
    assert!(!sops.as_array().unwrap().iter().any(|s| s["id"] == "lumajang/email"), "withdrawn: {sops}");
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/sops/lumajang/email/withdraw", None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/sops/lumajang/email/restore", None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, sops) = send(&requester, reqwest::Method::GET, "/sops", None).await;
    assert!(sops.as_array().unwrap().iter().any(|s| s["id"] == "lumajang/email"));
}

#[tokio::test]
async fn a_person_lists_and_revokes_their_own_tokens_only() {
    let app = spawn().await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let spare = Api::of(&app, "lmj-pemohon").await;
    let other = Api::of(&app, "lmj-kasi").await;
    let (_, tokens) = send(&requester, reqwest::Method::GET, "/tokens", None).await;
    let tokens = tokens.as_array().unwrap().clone();
    assert_eq!(tokens.len(), 2);
    assert!(!tokens.iter().any(|t| t.to_string().contains(&requester.token)), "never a secret");
    let id = tokens[0]["id"].as_str().unwrap();
    assert_eq!(
        send(&other, reqwest::Method::DELETE, &format!("/tokens/{id}"), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&requester, reqwest::Method::DELETE, &format!("/tokens/{id}"), None).await.0,
        StatusCode::NO_CONTENT
    );
    // The newest was the spare; the caller's own still works.
    assert_eq!(spare.get("/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(requester.get("/me").await.0, StatusCode::OK);
    assert_eq!(
        send(&requester, reqwest::Method::DELETE, &format!("/tokens/{id}"), None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_administrator_keeps_the_connectors_with_the_connectors_own_refusals() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let secret = "a2V5LWRucy1sdW1hamFuZy0wMTIz";
    let good = json!({
        "address": "127.0.0.1:53",
        "secret": secret,
        "options": { "zone": "lumajangkab.go.id", "key_name": "sopir" },
        "dry_run": true,
    });
    assert_eq!(
        send(&requester, reqwest::Method::PUT, "/connectors/dns", Some(good.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let bad = json!({ "address": "bukan alamat", "secret": "pendek", "options": { "zone": "", "ttl": "5" }, "dry_run": true });
    let (status, problem) = send(&admin, reqwest::Method::PUT, "/connectors/dns", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields = refused_fields(&problem);
    assert!(fields.contains(&"address") && fields.contains(&"secret"), "{problem}");
    // An option that would read as two lines is refused by the API itself.
    let smuggled = json!({ "address": "127.0.0.1:53", "secret": secret, "options": { "zone": "a\nttl = 60" }, "dry_run": true });
    let (status, problem) = send(&admin, reqwest::Method::PUT, "/connectors/dns", Some(smuggled)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["options"]));
    assert!(app.store.connector_configs("lumajang").await.unwrap().is_empty(), "nothing saved");
    assert_eq!(
        send(&admin, reqwest::Method::PUT, "/connectors/bind", Some(good.clone())).await.0,
        StatusCode::NOT_FOUND
    );

    let (status, saved) = send(&admin, reqwest::Method::PUT, "/connectors/dns", Some(good)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!((saved["kind"].as_str(), saved["dry_run"].as_bool()), (Some("dns"), Some(true)));
    let (_, listed) = send(&admin, reqwest::Method::GET, "/connectors", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains(secret), "never the secret");
    let (_, theirs) =
        send(&Api::of(&app, "tgx-kabid").await, reqwest::Method::GET, "/connectors", None).await;
    assert_eq!(theirs, json!([]), "the agency's own");
    assert_eq!(
        send(&admin, reqwest::Method::DELETE, "/connectors/dns", None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(&admin, reqwest::Method::DELETE, "/connectors/dns", None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn agencies_are_made_and_their_profiles_kept_through_the_api_by_the_right_people() {
    let app = spawn().await;
    let installer = Api::of(&app, "admin-instalasi").await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let other = Api::of(&app, "tgx-kabid").await;
    let (status, profile) = send(&admin, reqwest::Method::GET, "/agencies/lumajang/profile", None).await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["id"], "lumajang");
    assert_eq!(
        send(&other, reqwest::Method::GET, "/agencies/lumajang/profile", None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(send(&admin, reqwest::Method::GET, "/agencies", None).await.0, StatusCode::FORBIDDEN);

    // A new agency: only by the installation's administrator, each bad field named.
    let mut blitar = profile.clone();
    blitar["id"] = json!("blitar");
    blitar["name"] = json!("Dinas Komunikasi, Informatika dan Statistik");
    blitar["government"] = json!("Pemerintah Kabupaten Blitar");
    blitar["domain"] = json!("blitarkab.go.id");
    blitar["mail_domain"] = json!("");
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/agencies", Some(blitar.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let mut bad = blitar.clone();
    bad["id"] = json!("Blitar Kab");
    bad["timezone"] = json!("Europe/Paris");
    let (status, problem) = send(&installer, reqwest::Method::POST, "/agencies", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields = refused_fields(&problem);
    assert!(fields.contains(&"id") && fields.contains(&"timezone"), "{problem}");
    let (status, made) = send(&installer, reqwest::Method::POST, "/agencies", Some(blitar.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["id"], "blitar");
    let (_, list) = send(&installer, reqwest::Method::GET, "/agencies", None).await;
    assert!(list.as_array().unwrap().iter().any(|a| a["id"] == "blitar"), "{list}");
    let (status, problem) = send(&installer, reqwest::Method::POST, "/agencies", Some(blitar)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["id"]), "taken");

    // The agency's own administrator replaces its profile; its id stays.
    let mut changed = profile.clone();
    changed["address"] = json!("Jl. Alun-alun Utara No. 1, Lumajang");
    changed["letters"]["number"] = json!("{klasifikasi}/{urut}/{tahun}");
    let (status, saved) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/profile", Some(changed.clone())).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["address"], "Jl. Alun-alun Utara No. 1, Lumajang");
    changed["id"] = json!("lumajang-baru");
    changed["letters"]["number"] = json!("{tahun}");
    let (status, problem) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/profile", Some(changed)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["id"]));
    let stored = app.store.agency("lumajang").await.unwrap();
    assert_eq!(stored.letters.number, "{klasifikasi}/{urut}/{tahun}", "a refused profile changes nothing");
    let mut no_sequence = profile;
    no_sequence["letters"]["number"] = json!("{tahun}");
    let (status, problem) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/profile", Some(no_sequence)).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["letters.number"])
    );
    assert_eq!(
        send(&other, reqwest::Method::PUT, "/agencies/lumajang/profile", Some(saved)).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_agencys_organisation_is_built_through_the_api_with_the_editors_refusals() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let other = Api::of(&app, "tgx-kabid").await;
    let unit = json!({ "name": "Badan Penanggulangan Bencana Daerah", "kind": "opd" });
    assert_eq!(
        send(&other, reqwest::Method::PUT, "/agencies/lumajang/units/lumajang-bpbd", Some(unit.clone()))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, problem) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/units/BPBD", Some(unit.clone())).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["id"]),
        "{problem}"
    );
    let (status, saved) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/units/lumajang-bpbd", Some(unit)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let position = json!({ "name": "Kepala Pelaksana BPBD", "unit": "lumajang-bpbd", "reports_to": "tidak-ada", "rights": ["reads-reports"] });
    let (status, problem) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/positions/kalak-bpbd", Some(position)).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["reports_to"]),
        "{problem}"
    );
    let position =
        json!({ "name": "Kepala Pelaksana BPBD", "unit": "lumajang-bpbd", "rights": ["reads-all"] });
    let (status, problem) =
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/positions/kalak-bpbd", Some(position)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["rights"]));
    let position = json!({ "name": "Kepala Pelaksana BPBD", "unit": "lumajang-bpbd", "rights": ["reads-reports"], "pemda": true });
    assert_eq!(
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/positions/kalak-bpbd", Some(position)).await.0,
        StatusCode::OK
    );

    let before = app.store.organisation("lumajang").await.unwrap().people.len();
    let person = json!({ "name": "Rina Wulandari", "unit": "lumajang-bpbd", "email": "bukan alamat" });
    let (status, problem) =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/people", Some(person)).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["email"]),
        "{problem}"
    );
    let everything_wrong = json!({ "name": " ", "unit": "tidak-ada", "nip": "123", "email": "x@" });
    let (status, problem) =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/people", Some(everything_wrong)).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["email", "name", "nip", "unit"])
    );
    let (status, problem) = send(
        &admin,
        reqwest::Method::PUT,
        "/agencies/lumajang/units/BPBD",
        Some(json!({ "name": "", "kind": "kantor" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused_fields(&problem).last(), Some(&"kind"), "with the others: {problem}");
    assert!(refused_fields(&problem).contains(&"id"), "{problem}");
    assert_eq!(app.store.organisation("lumajang").await.unwrap().people.len(), before, "nothing added");
    let person =
        json!({ "name": "Rina Wulandari", "unit": "lumajang-bpbd", "email": "rina@lumajangkab.go.id" });
    let (status, added) =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/people", Some(person)).await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    let rina = added["id"].as_str().unwrap().to_string();
    let renamed =
        json!({ "name": "Rina Wulandari, S.T.", "unit": "lumajang-bpbd", "email": "rina@lumajangkab.go.id" });
    let path = format!("/agencies/lumajang/people/{rina}");
    assert_eq!(send(&admin, reqwest::Method::PUT, &path, Some(renamed.clone())).await.0, StatusCode::OK);
    assert_eq!(
        send(&admin, reqwest::Method::PUT, "/agencies/lumajang/people/tgx-kabid", Some(renamed)).await.0,
        StatusCode::NOT_FOUND,
        "another agency's person"
    );

    let login = json!({ "person": rina, "username": "rina.bpbd", "password": "pendek" });
    let (status, problem) =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/accounts", Some(login)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["password"]));
    assert!(app.store.account("rina.bpbd").await.unwrap().is_none());
    let login = json!({ "person": rina, "username": "rina.bpbd", "password": "kata-sandi-panjang" });
    assert_eq!(
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/accounts", Some(login)).await.0,
        StatusCode::CREATED
    );

    let holding =
        json!({ "person": rina, "position": "kalak-bpbd", "from": "2026-12-01", "until": "2026-11-01" });
    let (status, problem) =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/holdings", Some(holding)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["until"]));
    let holding = json!({ "person": rina, "position": "kalak-bpbd", "from": "2026-12-01" });
    let (status, held) =
        send(&admin, reqwest::Method::POST, "/agencies/lumajang/holdings", Some(holding)).await;
    assert_eq!(status, StatusCode::CREATED, "{held}");
    let end = format!("/agencies/lumajang/holdings/{}/end", held["id"].as_str().unwrap());
    let (status, problem) =
        send(&admin, reqwest::Method::POST, &end, Some(json!({ "until": "2026-11-30" }))).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["until"]));
    assert_eq!(
        send(&admin, reqwest::Method::POST, &end, Some(json!({ "until": "2027-06-30" }))).await.0,
        StatusCode::OK
    );

    let (status, org) = send(&admin, reqwest::Method::GET, "/agencies/lumajang/organisation", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        org["units"].as_array().unwrap().iter().any(|u| u["id"] == "lumajang-bpbd" && u["kind"] == "opd")
    );
    let kalak = org["positions"].as_array().unwrap().iter().find(|p| p["id"] == "kalak-bpbd").unwrap();
    assert_eq!((kalak["rights"].clone(), kalak["pemda"].clone()), (json!(["reads-reports"]), json!(true)));
    let person = org["people"].as_array().unwrap().iter().find(|p| p["id"] == rina.as_str()).unwrap();
    assert_eq!(
        (person["name"].as_str(), person["email"].as_str()),
        (Some("Rina Wulandari, S.T."), Some("rina@lumajangkab.go.id"))
    );
    let holding = org["holdings"].as_array().unwrap().iter().find(|h| h["person"] == rina.as_str()).unwrap();
    assert_eq!(holding["until"], "2027-06-30");
    assert!(
        org["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["username"] == "rina.bpbd" && a["active"] == true)
    );
    assert_eq!(
        send(&other, reqwest::Method::GET, "/agencies/lumajang/organisation", None).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_administrator_resets_a_password_and_imports_a_roster_through_the_api() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let reset = "/agencies/lumajang/accounts/lmj-pemohon/reset";
    let (status, problem) = send(&admin, reqwest::Method::POST, reset, Some(json!({ "how": "sms" }))).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["how"]));
    assert_eq!(requester.get("/me").await.0, StatusCode::OK, "a refused reset changes nothing");
    let own = "/agencies/lumajang/accounts/lmj-kasi/reset";
    assert_eq!(
        send(&admin, reqwest::Method::POST, own, Some(json!({ "how": "code" }))).await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, done) = send(&admin, reqwest::Method::POST, reset, Some(json!({ "how": "code" }))).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(
        done["code"].as_str().is_some_and(|c| !c.is_empty()) && done["expires_at"].as_i64() > Some(now())
    );
    assert_eq!(
        requester.get("/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the login's tokens ended with its password"
    );

    // A roster: previewed (nothing written), refused whole with each bad line, imported.
    let text = common::roster_csv(&app, "lumajang", 3).await;
    let roster = |path: &str, body: String| {
        admin
            .client
            .post(format!("{}/api/v1/agencies/lumajang/{path}", admin.base))
            .header("content-type", "text/csv")
            .body(body)
    };
    let (status, _, plan) = admin.call(roster("roster/preview", text.clone())).await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert_eq!((plan["new"].as_array().unwrap().len(), plan["new_accounts"].as_u64()), (3, Some(3)));
    assert!(app.store.account("198001012005011001").await.unwrap().is_none(), "a preview writes nothing");
    let broken = text.replacen("198001012005011001", "1980", 1);
    let (status, _, problem) = admin.call(roster("roster", broken)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(refused_fields(&problem), ["line 2"]);
    assert!(
        app.store.account("198001012005011002").await.unwrap().is_none(),
        "a bad line refuses the whole file"
    );
    let json_body = admin
        .client
        .post(format!("{}/api/v1/agencies/lumajang/roster", admin.base))
        .header("content-type", "application/json")
        .body("{}");
    assert_eq!(admin.call(json_body).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, applied) = admin.call(roster("roster", text.clone())).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert!(app.store.account("198001012005011001").await.unwrap().is_some());
    let (_, _, again) = admin.call(roster("roster/preview", text)).await;
    assert_eq!(
        (again["new"].as_array().unwrap().len(), again["unchanged"].as_u64()),
        (0, Some(3)),
        "{again}"
    );
}

#[tokio::test]
async fn an_sop_draft_is_written_reviewed_and_ratified_through_the_api() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let (post, put) = (reqwest::Method::POST, reqwest::Method::PUT);
    let revise = json!({ "from": "revision", "sop": "lumajang/vpn" });
    let officer = Api::of(&app, "lmj-petugas").await;
    assert_eq!(
        send(&officer, post.clone(), "/sop-drafts", Some(revise.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, draft) = send(&admin, post.clone(), "/sop-drafts", Some(revise)).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!((draft["status"].as_str(), draft["revision"].as_i64()), (Some("konsep"), Some(1)));
    let id = draft["id"].as_str().unwrap().to_string();
    let path = format!("/sop-drafts/{id}");
    let old = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version;

    // Saved by revision: an older one is refused and nothing is overwritten.
    let text = format!("{}\n# Ditinjau ulang lewat API.\n", draft["text"].as_str().unwrap());
    let (status, saved) =
        send(&admin, put.clone(), &path, Some(json!({ "revision": 1, "text": text }))).await;
    assert_eq!((status, saved["revision"].as_i64()), (StatusCode::OK, Some(2)), "{saved}");
    let stale = json!({ "revision": 1, "text": "rusak" });
    let (status, problem) = send(&admin, put, &path, Some(stale)).await;
    assert_eq!(
        (status, problem["type"].as_str().unwrap_or_default().ends_with("draft-changed")),
        (StatusCode::CONFLICT, true),
        "{problem}"
    );
    assert!(app.store.sop_draft("lumajang", &id).await.unwrap().source.contains("lewat API"));

    // To a reviewer, never oneself; the reviewer comments and approves.
    let review = format!("{path}/review");
    let (status, problem) =
        send(&admin, post.clone(), &review, Some(json!({ "revision": 2, "reviewer": "lmj-kasi" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, sent) =
        send(&admin, post.clone(), &review, Some(json!({ "revision": 2, "reviewer": "lmj-kabid" }))).await;
    assert_eq!((status, sent["status"].as_str()), (StatusCode::OK, Some("ditinjau")), "{sent}");
    assert_eq!(send(&officer, reqwest::Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        send(&Api::of(&app, "tgx-kabid").await, reqwest::Method::GET, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    let kabid = Api::of(&app, "lmj-kabid").await;
    let (_, waiting) = send(&kabid, reqwest::Method::GET, "/sop-drafts/awaiting", None).await;
    assert!(waiting.as_array().unwrap().iter().any(|d| d["id"] == id.as_str()), "{waiting}");
    let comments = format!("{path}/comments");
    let empty = json!({ "revision": 2, "field": "steps.4.time", "body": " " });
    assert_eq!(send(&kabid, post.clone(), &comments, Some(empty)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let note = json!({ "revision": 2, "field": "steps.4.time", "body": "Lima menit terlalu lama" });
    let (status, seen) = send(&kabid, post.clone(), &comments, Some(note)).await;
    assert_eq!(
        (status, seen["comments"][0]["body"].as_str()),
        (StatusCode::CREATED, Some("Lima menit terlalu lama"))
    );
    assert_eq!(
        send(&officer, post.clone(), &format!("{path}/approve"), Some(json!({ "revision": 2 }))).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, approved) =
        send(&kabid, post.clone(), &format!("{path}/approve"), Some(json!({ "revision": 2 }))).await;
    assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("disetujui")), "{approved}");

    // The Head ratifies with the certificate's passphrase; a wrong one changes nothing.
    let kadis = Api::of(&app, "lmj-kadis").await;
    let ratify = format!("{path}/ratify");
    let wrong = json!({ "revision": 2, "passphrase": "salah" });
    let (status, problem) = send(&kadis, post.clone(), &ratify, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let bad_day =
        json!({ "revision": 2, "passphrase": store::demo::CERTIFICATE_PASSPHRASE, "effective": "besok" });
    let (status, problem) = send(&kadis, post.clone(), &ratify, Some(bad_day)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["effective"]));
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, old);
    let right = json!({ "revision": 2, "passphrase": store::demo::CERTIFICATE_PASSPHRASE });
    let (status, done) = send(&kadis, post.clone(), &ratify, Some(right)).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, old + 1);
}

#[tokio::test]
async fn an_administrator_imports_publishes_and_deletes_drafts_through_the_api() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let post = reqwest::Method::POST;

    // A document read into a draft's text, nothing kept; then begun as a draft.
    let document = sop::import::fixture::docx(&sop::import::fixture::sample());
    let request = admin.client.post(format!("{}/api/v1/sop-imports", admin.base)).body(document);
    let (status, _, imported) = admin.call(request).await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(imported["kind"], "docx");
    assert!(
        imported["unsure"].as_array().unwrap().iter().any(|u| u["place"] == "langkah 4, Waktu"),
        "{imported}"
    );
    assert!(imported["findings"].as_array().unwrap().iter().any(|f| f["code"] == "no-standard-time"));
    let request = admin.client.post(format!("{}/api/v1/sop-imports", admin.base)).body("bukan dokumen");
    let (status, _, problem) = admin.call(request).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["document"]));
    let text = imported["text"].as_str().unwrap();
    let (status, draft) =
        send(&admin, post.clone(), "/sop-drafts", Some(json!({ "from": "import", "text": text }))).await;
    assert_eq!((status, draft["origin"].as_str()), (StatusCode::CREATED, Some("impor")), "{draft}");
    let (status, problem) = send(&admin, post.clone(), "/sop-drafts", Some(json!({ "from": "text" }))).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["text"]));

    // A text with an error is kept as sent; publishing it is refused with
    // the error located, and nothing is published.
    let broken = json!({ "from": "text", "text": "id = \"lumajang/rusak\"\nversion = \n" });
    let (status, kept) = send(&admin, post.clone(), "/sop-drafts", Some(broken)).await;
    assert_eq!((status, kept["findings"][0]["line"].as_u64()), (StatusCode::CREATED, Some(2)), "{kept}");
    let path = format!("/sop-drafts/{}", kept["id"].as_str().unwrap());
    let (status, problem) =
        send(&admin, post.clone(), &format!("{path}/publish"), Some(json!({ "revision": 1 }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["findings"][0]["line"].as_u64(), Some(2), "{problem}");
    assert!(app.store.sop("lumajang", "lumajang/rusak", None).await.is_err());
    let sops = app.store.sop_ids("lumajang").await.unwrap().len();

    // A revision of the live VPN SOP publishes as its next version.
    let (_, revision) =
        send(&admin, post.clone(), "/sop-drafts", Some(json!({ "from": "revision", "sop": "lumajang/vpn" })))
            .await;
    let publish = format!("/sop-drafts/{}/publish", revision["id"].as_str().unwrap());
    assert_eq!(
        send(&admin, post.clone(), &publish, Some(json!({ "revision": 7 }))).await.0,
        StatusCode::CONFLICT
    );
    let (status, published) = send(&admin, post.clone(), &publish, Some(json!({ "revision": 1 }))).await;
    assert_eq!(status, StatusCode::CREATED, "{published}");
    assert_eq!(app.store.sop_ids("lumajang").await.unwrap().len(), sops, "a new version, not a new SOP");
    let (_, list) = send(&admin, reqwest::Method::GET, "/sop-drafts", None).await;
    assert!(
        list.as_array().unwrap().iter().any(|d| d["id"] == revision["id"] && d["status"] == "terbit"),
        "{list}"
    );

    assert_eq!(
        send(&admin, reqwest::Method::DELETE, &format!("{path}?revision=9"), None).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        send(&admin, reqwest::Method::DELETE, &format!("{path}?revision=1"), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(&admin, reqwest::Method::GET, &path, None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_requester_answers_the_survey_once_through_the_api() {
    let app = spawn().await;
    let at = now() - 3_600_000;
    let case = app.submit_vpn(at).await;
    let case = app.finish(case, at).await;
    let path = format!("/cases/{}/survey", case.id);
    let requester = Api::of(&app, "lmj-pemohon").await;
    let head = Api::of(&app, "lmj-kadis").await;
    assert_eq!(
        send(&head, reqwest::Method::GET, &path, None).await.0,
        StatusCode::NOT_FOUND,
        "the requester's only"
    );
    let (status, questions) = send(&requester, reqwest::Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{questions}");
    let codes: Vec<String> =
        questions.as_array().unwrap().iter().map(|q| q["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes.len(), 9);

    let mut scores: serde_json::Map<String, Value> = codes.iter().map(|c| (c.clone(), json!(4))).collect();
    scores.remove(&codes[0]);
    scores.insert(codes[1].clone(), json!(7));
    let (status, problem) =
        send(&requester, reqwest::Method::POST, &path, Some(json!({ "scores": scores }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    // Each named where it sits in the body.
    let named = [format!("scores.{}", codes[0]), format!("scores.{}", codes[1])];
    assert_eq!(refused_fields(&problem), named.iter().map(String::as_str).collect::<Vec<_>>());
    scores.insert("u99".into(), json!(4));
    let (status, problem) =
        send(&requester, reqwest::Method::POST, &path, Some(json!({ "scores": scores }))).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["scores.u99"]));
    assert_eq!(send(&requester, reqwest::Method::GET, &path, None).await.0, StatusCode::OK, "still open");

    let scores: serde_json::Map<String, Value> = codes.iter().map(|c| (c.clone(), json!(3))).collect();
    let answer = json!({ "scores": scores, "comment": "Cepat, terima kasih." });
    assert_eq!(
        send(&requester, reqwest::Method::POST, &path, Some(answer.clone())).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        send(&requester, reqwest::Method::POST, &path, Some(answer)).await.0,
        StatusCode::NOT_FOUND,
        "once"
    );
}

#[tokio::test]
async fn a_person_keeps_their_own_notice_settings_through_the_api() {
    let app = spawn().await;
    let me = Api::of(&app, "lmj-petugas").await;
    let put = reqwest::Method::PUT;
    let (status, problem) =
        send(&me, put.clone(), "/me/mail", Some(json!({ "email": "bukan alamat", "enabled": true }))).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["email"]),
        "{problem}"
    );
    let (status, mail) = send(
        &me,
        put.clone(),
        "/me/mail",
        Some(json!({ "email": "Petugas@Lumajangkab.go.id", "enabled": true })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{mail}");
    assert_eq!(me.get("/me/mail").await.2, json!({ "email": "petugas@lumajangkab.go.id", "enabled": true }));

    let (_, choices) = send(&me, reqwest::Method::GET, "/me/notice-choices", None).await;
    let count = choices["choices"].as_array().unwrap().len();
    assert!(count >= 2, "every kind and channel: {choices}");
    let kind = choices["choices"][0]["kind"].as_str().unwrap().to_string();
    let unknown = json!({ "choices": [{ "kind": kind, "channel": "email", "delivery": "kadang" }], "digest_time": "07:00" });
    let (status, problem) = send(&me, put.clone(), "/me/notice-choices", Some(unknown)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["choices"]));
    let no_number = json!({ "choices": [{ "kind": kind, "channel": "pesan", "delivery": "segera" }], "digest_time": "07:00" });
    assert_eq!(
        send(&me, put.clone(), "/me/notice-choices", Some(no_number)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let digest = json!({ "choices": [{ "kind": kind, "channel": "email", "delivery": "ringkasan" }], "digest_time": "16:30" });
    let (status, saved) = send(&me, put, "/me/notice-choices", Some(digest)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["digest_time"], "16:30");
    assert!(
        saved["choices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == kind.as_str() && c["channel"] == "email" && c["delivery"] == "ringkasan")
    );
    assert_eq!(saved["choices"].as_array().unwrap().len(), count);
}

#[tokio::test]
async fn monitoring_is_signed_off_and_an_sop_evaluated_through_the_api() {
    let app = spawn().await;
    // Last half-year (the default period): one VPN case in it.
    let zone = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let today = jiff::Timestamp::now().to_zoned(zone.clone()).date();
    let (year, first) = if today.month() <= 6 { (today.year() - 1, 7) } else { (today.year(), 1) };
    let from = jiff::civil::date(year, first, 1);
    let at = from.checked_add(jiff::Span::new().days(10)).unwrap().to_zoned(zone).unwrap();
    let case = app.submit_vpn(at.timestamp().as_millisecond()).await;
    app.finish(case, at.timestamp().as_millisecond()).await;

    let head = Api::of(&app, "lmj-kadis").await;
    let requester = Api::of(&app, "lmj-pemohon").await;
    let (status, form) = send(&head, reqwest::Method::GET, "/monitoring/lumajang/vpn", None).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert_eq!(form["from"], from.to_string().as_str());
    assert!(form["summary"].as_str().unwrap().contains("1 permohonan diajukan"), "{form}");
    assert!(form["signed_by"].is_null());
    assert_eq!(
        send(&requester, reqwest::Method::GET, "/monitoring/lumajang/vpn", None).await.0,
        StatusCode::FORBIDDEN
    );
    let steps: Vec<u64> =
        form["rows"].as_array().unwrap().iter().map(|r| r["step"].as_u64().unwrap()).collect();

    let judged = |skip_first: bool| {
        let rows: Vec<Value> = steps
            .iter()
            .skip(usize::from(skip_first))
            .map(|n| json!({ "step": n, "judgement": "baik", "note": format!("catatan langkah {n}") }))
            .collect();
        json!({ "rows": rows })
    };
    let (status, problem) =
        send(&head, reqwest::Method::POST, "/monitoring/lumajang/vpn", Some(judged(true))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "one step unjudged: {problem}");
    assert_eq!(refused_fields(&problem), [format!("rows.{}.judgement", steps[0]).as_str()]);
    let bad = json!({ "rows": [{ "step": steps[0], "judgement": "lumayan" }] });
    let (status, problem) = send(&head, reqwest::Method::POST, "/monitoring/lumajang/vpn", Some(bad)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["rows"]));
    let (status, signed) =
        send(&head, reqwest::Method::POST, "/monitoring/lumajang/vpn", Some(judged(false))).await;
    assert_eq!(status, StatusCode::CREATED, "{signed}");
    assert_eq!(signed["signed_by"], "lmj-kadis");
    assert_eq!(
        send(&head, reqwest::Method::POST, "/monitoring/lumajang/vpn", Some(judged(false))).await.0,
        StatusCode::CONFLICT
    );

    // The period's length and the checklist are the administrators'.
    let admin = Api::of(&app, "lmj-kasi").await;
    assert_eq!(
        send(&head, reqwest::Method::PUT, "/monitoring/period", Some(json!({ "months": 3 }))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&admin, reqwest::Method::PUT, "/monitoring/period", Some(json!({ "months": 5 }))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        send(&admin, reqwest::Method::PUT, "/monitoring/period", Some(json!({ "months": 3 }))).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.store.monitoring_months("lumajang").await.unwrap(), 3);
    let questions = json!({ "questions": ["Mampu mendorong peningkatan kinerja", "Mudah dipahami"] });
    assert_eq!(
        send(&head, reqwest::Method::PUT, "/evaluation/questions", Some(questions.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let many: Vec<String> = (0..31).map(|n| format!("Pertanyaan {n}")).collect();
    let (status, problem) =
        send(&admin, reqwest::Method::PUT, "/evaluation/questions", Some(json!({ "questions": many }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, defaults) =
        send(&admin, reqwest::Method::PUT, "/evaluation/questions", Some(json!({ "questions": [] }))).await;
    assert!(
        status == StatusCode::OK && defaults["questions"].as_array().unwrap().len() > 2,
        "none: the regulation's: {defaults}"
    );
    let (status, saved) = send(&admin, reqwest::Method::PUT, "/evaluation/questions", Some(questions)).await;
    assert_eq!((status, saved["questions"].as_array().unwrap().len()), (StatusCode::OK, 2));

    let unanswered = json!({ "answers": [{ "yes": true }, { "note": "belum" }] });
    let (status, problem) =
        send(&head, reqwest::Method::POST, "/evaluations/lumajang/vpn", Some(unanswered)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(refused_fields(&problem), ["answers.1.yes"]);
    let one = json!({ "answers": [{ "yes": true }] });
    let (status, problem) = send(&head, reqwest::Method::POST, "/evaluations/lumajang/vpn", Some(one)).await;
    assert_eq!((status, refused_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["answers"]));
    let no_recommendation =
        json!({ "answers": [{ "yes": true }, { "yes": false, "note": "istilah teknis" }], "revise": true });
    let evaluations = "/evaluations/lumajang/vpn";
    let (status, problem) = send(&head, reqwest::Method::POST, evaluations, Some(no_recommendation)).await;
    assert_eq!(
        (status, refused_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["recommendation"])
    );
    let done = json!({
        "answers": [{ "yes": true }, { "yes": false, "note": "istilah teknis" }],
        "recommendation": "Sederhanakan istilah pada langkah 2",
        "revise": true
    });
    assert_eq!(
        send(&requester, reqwest::Method::POST, "/evaluations/lumajang/vpn", Some(done.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, evaluated) =
        send(&head, reqwest::Method::POST, "/evaluations/lumajang/vpn", Some(done)).await;
    assert_eq!(status, StatusCode::CREATED, "{evaluated}");
    assert!(evaluated["draft"].is_string(), "a revision draft opened: {evaluated}");
}

#[tokio::test]
async fn sign_in_settings_are_kept_through_the_api_and_secrets_never_read_back() {
    let app = spawn().await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let head = Api::of(&app, "lmj-kadis").await;
    assert_eq!(send(&head, reqwest::Method::GET, "/settings/sign-in", None).await.0, StatusCode::FORBIDDEN);
    let (status, settings) = send(&admin, reqwest::Method::GET, "/settings/sign-in", None).await;
    assert_eq!((status, settings["local_passwords"].as_bool()), (StatusCode::OK, Some(true)), "{settings}");

    let mut ldap = settings.clone();
    ldap["ldap_url"] = json!("http://direktori");
    ldap["ldap_mode"] = json!("search");
    let (status, problem) = send(&admin, reqwest::Method::PUT, "/settings/sign-in", Some(ldap.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(refused_fields(&problem).contains(&"ldap_url"), "{problem}");
    assert!(app.store.sign_in_settings("lumajang").await.unwrap().ldap.is_none(), "nothing saved");
    ldap["ldap_url"] = json!("ldap://127.0.0.1:3389");
    ldap["ldap_service_dn"] = json!("cn=sopir,dc=lumajangkab,dc=go,dc=id");
    ldap["ldap_service_password"] = json!("rahasia-layanan-direktori");
    ldap["ldap_base"] = json!("ou=people,dc=lumajangkab,dc=go,dc=id");
    ldap["ldap_filter"] = json!("(uid={username})");
    let (status, saved) = send(&admin, reqwest::Method::PUT, "/settings/sign-in", Some(ldap)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (saved["ldap_mode"].as_str(), saved["ldap_service_password"].as_str()),
        (Some("search"), Some(""))
    );
    assert!(!saved.to_string().contains("rahasia"));
    assert_eq!(saved["problems"], json!([]), "what was read (problems too) can be sent back");
    let mut again = saved.clone();
    again["problems"] = json!("anything: it is read only");
    let (status, resent) = send(&admin, reqwest::Method::PUT, "/settings/sign-in", Some(again)).await;
    assert_eq!((status, &resent["problems"]), (StatusCode::OK, &json!([])), "{resent}");
    assert!(app.store.sign_in_settings("lumajang").await.unwrap().ldap.is_some());
    // Settings an older Sopir kept (a plain ldap:// to another machine,
    // refused now) are read back with what is wrong, as the page marks it.
    sqlx::query(
        "UPDATE sign_in_settings SET ldap_url = 'ldap://ldap.lumajangkab.go.id' WHERE agency_id = 'lumajang'",
    )
    .execute(app.store.pool())
    .await
    .unwrap();
    let (status, kept) = send(&admin, reqwest::Method::GET, "/settings/sign-in", None).await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["problems"][0]["field"], "ldap_url", "{kept}");
    assert!(
        kept["problems"][0]["message"].as_str().unwrap().contains("Tersimpan sebelum aturan ini"),
        "{kept}"
    );
}
