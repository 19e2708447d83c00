//! Provisioning connectors end to end (issue 22): an administrator
//! configures the agency's DNS connector, a subdomain request is approved,
//! the server's worker makes the record real — checked with `dig` against
//! a real BIND 9 on loopback — and revoking the entry removes it. Without
//! a server: a run that cannot reach its server is retried and then left
//! to an administrator, who tries again or records it as done by hand; a
//! dry run only says what it would send; nothing is run where no connector
//! is configured; and the settings form refuses field by field.

mod common;

use common::{App, Browser, spawn};
use connectors::dns::test_server::Named;
use engine::{CaseState, Verdict};
use reqwest::StatusCode;
use store::provisioning::{MAX_ATTEMPTS, RunState, backoff_ms};

const DOMAIN: &str = "lumajangkab.go.id";

fn now() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// A subdomain request for `label` run through its registry step, which
/// registers `label.lumajangkab.go.id` with an A record to `address`.
async fn subdomain(app: &App, label: &str, address: &str, mut at: i64) -> CaseState {
    let sop = app.store.sop("lumajang", "lumajang/subdomain", None).await.unwrap();
    let registry_step = sop.registry.as_ref().unwrap().step;
    let mut input = store::demo::sample_input(sop.first_step(), Verdict::Ya);
    input.fields.insert("subdomain".into(), label.into());
    let mut state = app
        .store
        .submit(store::Submit::new("lumajang", "lumajang/subdomain", "lmj-pemohon", input, at))
        .await
        .unwrap();
    loop {
        let task = state.open_tasks().next().expect("an open task before the registry step").clone();
        let step = sop.step(task.step).unwrap();
        let by = &task.candidates[0].person;
        at += 100;
        store::demo::prepare_step(&app.store, "lumajang", &sop, &state.id, step, by, at).await.unwrap();
        let mut input = store::demo::sample_input(step, Verdict::Ya);
        if step.no == registry_step {
            input.fields.insert("nama_domain_lengkap".into(), format!("{label}.{DOMAIN}"));
            input.fields.insert("jenis_record".into(), "A".into());
            input.fields.insert("nilai_record".into(), address.into());
        }
        let complete = store::Complete::new("lumajang", &state.id, &task.id, by, input, at)
            .with_paperwork(store::demo::sample_paperwork(step));
        state = app.store.complete(complete).await.unwrap();
        if step.no == registry_step {
            return state;
        }
    }
}

/// The administrator of Lumajang saves the DNS connector's settings.
async fn save_dns(admin: &Browser, address: &str, secret: &str, options: &str, dry_run: bool) -> common::Page {
    let token = admin.get("/admin/konektor").await.csrf();
    let mut fields = vec![("csrf", token.as_str()), ("address", address), ("secret", secret), ("options", options)];
    if dry_run {
        fields.push(("dry_run", "1"));
    }
    admin.post("/admin/konektor/dns", &fields).await
}

fn options_for(named: &Named) -> String {
    format!("zone = {}\nkey_name = {}\nalgorithm = {}", named.zone, named.key_name, named.algorithm)
}

/// The registry entry of `case`.
async fn entry_of(app: &App, case: &str) -> store::registry::Entry {
    let entries =
        app.store.registry("lumajang", "subdomain", &store::registry::Filter::default()).await.unwrap();
    entries.into_iter().find(|e| e.case_id == case).expect("the case's entry")
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn an_approved_subdomain_answers_in_dns_and_stops_answering_once_revoked() {
    let named = Named::start_with(DOMAIN, "hmac-sha256");
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let saved = save_dns(&admin, &named.address, &named.secret, &options_for(&named), false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = admin.get("/admin/konektor").await;
    assert!(!page.body.contains(&named.secret), "the secret is never shown back");

    let case = subdomain(&app, "portal", "10.20.30.40", now() - 60_000).await;
    let fqdn = format!("portal.{DOMAIN}");
    assert!(named.dig(&fqdn, "A").is_empty(), "nothing before the worker runs");
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    assert_eq!(named.dig(&fqdn, "A"), ["10.20.30.40"]);

    // The case's timeline and the entry say so; the requester sees it too.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let timeline = requester.get(&format!("/permohonan/{}", case.id)).await.body;
    assert!(timeline.contains("data-state=\"selesai\"") && timeline.contains("10.20.30.40"), "{timeline}");
    let entry = entry_of(&app, &case.id).await;
    let entry_page = admin.get(&format!("/registri/subdomain/{}", entry.id)).await.body;
    assert!(entry_page.contains("id=\"penyediaan\"") && entry_page.contains("data-state=\"selesai\""));

    // Revoking the entry removes the record, and only that record.
    let token = admin.get(&format!("/registri/subdomain/{}", entry.id)).await.csrf();
    let revoked = admin
        .post(
            &format!("/registri/subdomain/{}/status", entry.id),
            &[("csrf", &token), ("status", "dicabut"), ("alasan", "aplikasi dihentikan")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(named.dig(&fqdn, "A"), ["10.20.30.40"], "still there until the worker runs");
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    assert!(named.dig(&fqdn, "A").is_empty(), "revoked: no longer answers");
    let runs = app.store.runs_of_entry("lumajang", &entry.id).await.unwrap();
    let done: Vec<_> = runs.iter().map(|r| (r.operation.key(), r.state)).collect();
    assert_eq!(done, [("create", RunState::Done), ("revoke", RunState::Done)]);

    // Every run is in the audit chain, without the secret.
    let events = app.store.record_events("lumajang", 50).await.unwrap();
    let provisioning: Vec<_> =
        events.iter().filter(|(row, _)| row.kind == "provisioning").map(|(row, _)| row.payload.clone()).collect();
    assert_eq!(provisioning.len(), 4, "queued and done, twice: {provisioning:?}");
    assert!(events.iter().all(|(row, _)| !row.payload.contains(&named.secret)));
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_dns_server_down_is_retried_and_the_record_is_made_once_when_it_is_back() {
    let mut named = Named::start_with(DOMAIN, "hmac-sha256");
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    save_dns(&admin, &named.address, &named.secret, &options_for(&named), false).await;
    named.stop();
    let case = subdomain(&app, "arsip", "10.9.8.7", now() - 60_000).await;
    let at = now();
    assert_eq!(web::provisioner::round(&app.store, at).await.unwrap(), (0, 1));
    let run = &app.store.runs_of_case("lumajang", &case.id).await.unwrap()[0];
    assert_eq!((run.state, run.attempts, run.error_code.as_str()), (RunState::Waiting, 1, "connector_unreachable"));
    assert_eq!(run.next_attempt_at, at + backoff_ms(0));
    assert_eq!(web::provisioner::round(&app.store, at + 1000).await.unwrap(), (0, 0), "not before its time");

    named.restart();
    assert_eq!(web::provisioner::round(&app.store, at + backoff_ms(0)).await.unwrap(), (1, 0));
    assert_eq!(named.dig(&format!("arsip.{DOMAIN}"), "A"), ["10.9.8.7"]);
    assert_eq!(web::provisioner::round(&app.store, at + backoff_ms(5)).await.unwrap(), (0, 0), "done once");
    let run = &app.store.runs_of_case("lumajang", &case.id).await.unwrap()[0];
    assert_eq!((run.state, run.attempts), (RunState::Done, 2));
}

/// A loopback address nobody listens on.
fn closed_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

const SECRET: &str = "c29waXItdGVzdC1rdW5jaS10c2lnLTEyMzQ1Njc4OTA=";

#[tokio::test]
async fn a_run_that_keeps_failing_is_left_to_an_administrator_who_retries_or_does_it_by_hand() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let options = format!("zone = {DOMAIN}\nkey_name = sopir\ntimeout_seconds = 1");
    let saved = save_dns(&admin, &closed_address(), SECRET, &options, false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let case = subdomain(&app, "gagal", "10.1.1.1", now() - 60_000).await;
    let mut at = now();
    for attempt in 0..MAX_ATTEMPTS {
        assert_eq!(web::provisioner::round(&app.store, at).await.unwrap(), (0, 1), "attempt {attempt}");
        at += backoff_ms(attempt);
    }
    let run = app.store.runs_of_case("lumajang", &case.id).await.unwrap().remove(0);
    assert_eq!((run.state, run.attempts), (RunState::Failed, MAX_ATTEMPTS));
    assert_eq!(web::provisioner::round(&app.store, at + 86_400_000).await.unwrap(), (0, 0), "given up");

    // The administrator's task: on the admin page, the connector page and the case.
    assert!(admin.get("/admin").await.body.contains("id=\"runs-failed\""));
    let page = admin.get("/admin/konektor").await;
    assert!(page.body.contains(&format!("action=\"/penyediaan/{}/ulang\"", run.id)), "{}", page.body);
    let case_page = admin.get(&format!("/permohonan/{}", case.id)).await.body;
    assert!(case_page.contains(&format!("action=\"/penyediaan/{}/manual\"", run.id)));
    // Nobody else gets it.
    let officer = Browser::login(&app, "lmj-pemohon").await;
    let token = officer.token().await;
    let refused = officer.post(&format!("/penyediaan/{}/ulang", run.id), &[("csrf", &token)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let other = Browser::login(&app, "tgx-kabid").await;
    let token = other.token().await;
    let refused = other.post(&format!("/penyediaan/{}/ulang", run.id), &[("csrf", &token)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "another agency's administrator does not find it");

    // Tried again: queued now, with its attempts counted afresh.
    let token = page.csrf();
    let retried = admin
        .post(&format!("/penyediaan/{}/ulang", run.id), &[("csrf", &token), ("kembali", "/admin/konektor")])
        .await;
    assert_eq!(retried.location.as_deref(), Some("/admin/konektor"));
    let run = app.store.run("lumajang", &run.id).await.unwrap();
    assert_eq!((run.state, run.attempts), (RunState::Waiting, 0));
    for attempt in 0..MAX_ATTEMPTS {
        web::provisioner::round(&app.store, at).await.unwrap();
        at += backoff_ms(attempt);
    }
    // Done by hand: a note is required, and then it is closed.
    let empty = admin.post(&format!("/penyediaan/{}/manual", run.id), &[("csrf", &token), ("catatan", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.body);
    assert_eq!(app.store.run("lumajang", &run.id).await.unwrap().state, RunState::Failed, "nothing changed");
    let manual = admin
        .post(
            &format!("/penyediaan/{}/manual", run.id),
            &[("csrf", &token), ("catatan", "rekaman dibuat di panel DNS oleh admin")],
        )
        .await;
    assert_eq!(manual.status, StatusCode::SEE_OTHER, "{}", manual.body);
    let run = app.store.run("lumajang", &run.id).await.unwrap();
    assert_eq!((run.state, run.message.as_str()), (RunState::Manual, "rekaman dibuat di panel DNS oleh admin"));
    assert!(!admin.get("/admin").await.body.contains("id=\"runs-failed\""));
    let again = admin.post(&format!("/penyediaan/{}/ulang", run.id), &[("csrf", &token)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a closed run is not run again");
}

#[tokio::test]
async fn a_dry_run_says_what_it_would_send_and_nothing_runs_without_a_connector() {
    let app = spawn().await;
    // No connector: the entry is made by hand as before, nothing is queued.
    let case = subdomain(&app, "manual", "10.2.2.2", now() - 120_000).await;
    assert!(app.store.runs_of_case("lumajang", &case.id).await.unwrap().is_empty());
    assert_eq!(entry_of(&app, &case.id).await.name, format!("manual.{DOMAIN}"));

    let admin = Browser::login(&app, "lmj-kasi").await;
    let options = format!("zone = {DOMAIN}\nkey_name = sopir");
    save_dns(&admin, &closed_address(), SECRET, &options, true).await;
    let case = subdomain(&app, "uji", "10.3.3.3", now() - 60_000).await;
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    let run = app.store.runs_of_case("lumajang", &case.id).await.unwrap().remove(0);
    assert_eq!(run.state, RunState::DryRun);
    assert!(run.message.contains(&format!("uji.{DOMAIN}")) && run.message.contains("10.3.3.3"), "{}", run.message);
    assert!(!run.message.contains(SECRET));
    // Revoking a dry-run entry queues its (dry) undo on the same values.
    let entry = entry_of(&app, &case.id).await;
    app.store.change_entry_state("lumajang", &entry.id, "lmj-kasi", "ditangguhkan", "uji", now()).await.unwrap();
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    let runs = app.store.runs_of_entry("lumajang", &entry.id).await.unwrap();
    assert_eq!(runs.iter().map(|r| r.operation.key()).collect::<Vec<_>>(), ["create", "suspend"]);
}

#[tokio::test]
async fn the_settings_form_refuses_field_by_field_and_keeps_the_secret_sealed() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let refused = save_dns(&admin, "bukan alamat", "pendek", "zone = \nttl = 5\nbaris tanpa tanda sama", false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("baris 3"), "{}", refused.body);
    let refused = save_dns(&admin, "bukan alamat", "pendek", "zone = \nttl = 5", false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Alamat server") && refused.body.contains("Rahasia"), "{}", refused.body);
    assert!(refused.body.contains("ttl = 5"), "what was typed comes back");
    assert!(!refused.body.contains("pendek"), "but never the secret");
    assert!(app.store.connector_configs("lumajang").await.unwrap().is_empty(), "nothing saved");

    let options = format!("zone = {DOMAIN}\nkey_name = sopir");
    let saved = save_dns(&admin, "127.0.0.1:53", SECRET, &options, false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // Saved again without a secret: the sealed one is kept.
    let saved = save_dns(&admin, "127.0.0.1:5353", "", &options, false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (settings, dry) = app.store.connector_settings("lumajang", sop::ConnectorKind::Dns).await.unwrap().unwrap();
    assert_eq!((settings.address.as_str(), settings.secret.as_str(), dry), ("127.0.0.1:5353", SECRET, false));
    assert!(!admin.get("/admin/konektor").await.body.contains(SECRET));
    // The settings are the agency's: another agency has none, and others may not see them.
    assert!(app.store.connector_configs("trenggalek").await.unwrap().is_empty());
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/admin/konektor").await.status, StatusCode::FORBIDDEN);
}
