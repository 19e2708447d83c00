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

/// A Lumajang request of `sop_id` run through its registry step, entering
/// `overrides` wherever a step asks for those fields.
async fn to_registry(app: &App, sop_id: &str, overrides: &[(&str, &str)], mut at: i64) -> CaseState {
    let sop = app.store.sop("lumajang", sop_id, None).await.unwrap();
    let registry_step = sop.registry.as_ref().unwrap().step;
    let fill = |step: &sop::Step| {
        let mut input = store::demo::sample_input(step, Verdict::Ya);
        for (k, v) in overrides {
            if step.fields.iter().any(|f| f.name == *k) {
                input.fields.insert(k.to_string(), v.to_string());
            }
        }
        input
    };
    let submit = store::Submit::new("lumajang", sop_id, "lmj-pemohon", fill(sop.first_step()), at);
    let mut state = app.store.submit(submit).await.unwrap();
    loop {
        let task = state.open_tasks().next().expect("an open task before the registry step").clone();
        let step = sop.step(task.step).unwrap();
        let by = &task.candidates[0].person;
        at += 100;
        store::demo::prepare_step(&app.store, "lumajang", &sop, &state.id, step, by, at).await.unwrap();
        let complete = store::Complete::new("lumajang", &state.id, &task.id, by, fill(step), at)
            .with_paperwork(store::demo::sample_paperwork(step));
        state = app.store.complete(complete).await.unwrap();
        if step.no == registry_step {
            return state;
        }
    }
}

/// A subdomain request for `label` run through its registry step, which
/// registers `label.lumajangkab.go.id` with an A record to `address`.
async fn subdomain(app: &App, label: &str, address: &str, at: i64) -> CaseState {
    let fqdn = format!("{label}.{DOMAIN}");
    let fields = [
        ("subdomain", label),
        ("alamat_ip_tujuan", address),
        ("nama_domain_lengkap", &fqdn),
        ("jenis_record", "A"),
        ("nilai_record", address),
    ];
    to_registry(app, "lumajang/subdomain", &fields, at).await
}

/// The administrator of Lumajang saves the DNS connector's settings.
async fn save_dns(
    admin: &Browser,
    address: &str,
    secret: &str,
    options: &str,
    dry_run: bool,
) -> common::Page {
    let token = admin.get("/admin/konektor").await.csrf();
    let mut fields =
        vec![("csrf", token.as_str()), ("address", address), ("secret", secret), ("options", options)];
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
    let provisioning: Vec<_> = events
        .iter()
        .filter(|(row, _)| row.kind == "provisioning")
        .map(|(row, _)| row.payload.clone())
        .collect();
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
    assert_eq!(
        (run.state, run.attempts, run.error_code.as_str()),
        (RunState::Waiting, 1, "connector_unreachable")
    );
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
    assert!(admin.get("/tugas").await.body.contains("id=\"runs-failed-reminder\""), "in the inbox too");
    assert!(
        !Browser::login(&app, "lmj-pemohon").await.get("/tugas").await.body.contains("runs-failed-reminder")
    );
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

    // The API shows the same and refuses the same (another agency, no note).
    let entry = entry_of(&app, &case.id).await;
    let api = common::Api::of(&app, "lmj-kasi").await;
    let (status, _, body) = api.get(&format!("/registries/subdomain/{}", entry.id)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["provisioning"][0]["state"], "gagal");
    assert_eq!(body["provisioning"][0]["error_code"], "connector_unreachable");
    assert!(!body.to_string().contains(SECRET));
    let run_path = format!("{}/api/v1/registries/subdomain/{}/provisioning/{}", app.base, entry.id, run.id);
    let (status, _, body) = api
        .call(
            api.client
                .post(format!("{run_path}/by-hand"))
                .header("content-type", "application/json")
                .body(r#"{"note": ""}"#),
        )
        .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("note"))
    );
    let stranger = common::Api::of(&app, "tgx-kabid").await;
    let (status, _, _) = stranger.call(stranger.client.post(format!("{run_path}/retry"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another agency's run");
    let officer = common::Api::of(&app, "lmj-admin-server").await;
    let (status, _, _) = officer.call(officer.client.post(format!("{run_path}/retry"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a registry keeper who is not an administrator");

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
    // Through the API too; a run already waiting is not queued twice.
    let (status, _, body) = api.call(api.client.post(format!("{run_path}/retry"))).await;
    assert_eq!(
        (status, body["state"].as_str(), body["attempts"].as_i64()),
        (StatusCode::OK, Some("menunggu"), Some(0))
    );
    let (status, _, body) = api.call(api.client.post(format!("{run_path}/retry"))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    for attempt in 0..MAX_ATTEMPTS {
        web::provisioner::round(&app.store, at).await.unwrap();
        at += backoff_ms(attempt);
    }
    // Done by hand: a note is required, and then it is closed.
    let empty =
        admin.post(&format!("/penyediaan/{}/manual", run.id), &[("csrf", &token), ("catatan", " ")]).await;
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
    assert_eq!(
        (run.state, run.message.as_str()),
        (RunState::Manual, "rekaman dibuat di panel DNS oleh admin")
    );
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
    assert!(
        run.message.contains(&format!("uji.{DOMAIN}")) && run.message.contains("10.3.3.3"),
        "{}",
        run.message
    );
    assert!(!run.message.contains(SECRET));
    // Revoking a dry-run entry queues its (dry) undo on the same values.
    let entry = entry_of(&app, &case.id).await;
    app.store
        .change_entry_state("lumajang", &entry.id, "lmj-kasi", "ditangguhkan", "uji", now())
        .await
        .unwrap();
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    let runs = app.store.runs_of_entry("lumajang", &entry.id).await.unwrap();
    assert_eq!(runs.iter().map(|r| r.operation.key()).collect::<Vec<_>>(), ["create", "suspend"]);
}

#[tokio::test]
async fn the_settings_form_refuses_field_by_field_and_keeps_the_secret_sealed() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let refused =
        save_dns(&admin, "bukan alamat", "pendek", "zone = \nttl = 5\nbaris tanpa tanda sama", false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("baris 3"), "{}", refused.body);
    let refused = save_dns(&admin, "bukan alamat", "pendek", "zone = \nttl = 5", false).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Alamat server") && refused.body.contains("Rahasia"), "{}", refused.body);
    assert!(refused.body.contains("ttl = 5"), "what was typed comes back");
    // The options' refusals are tied to their box for screen readers.
    assert!(refused.body.contains("aria-describedby=\"dns-options-error\""), "{}", refused.body);
    assert!(
        refused.body.contains("<div class=\"field-error\" id=\"dns-options-error\"><p>"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains("pendek"), "but never the secret");
    assert!(app.store.connector_configs("lumajang").await.unwrap().is_empty(), "nothing saved");

    let options = format!("zone = {DOMAIN}\nkey_name = sopir");
    let saved = save_dns(&admin, "127.0.0.1:53", SECRET, &options, false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    // Saved again without a secret: the sealed one is kept.
    let saved = save_dns(&admin, "127.0.0.1:5353", "", &options, false).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (settings, dry) =
        app.store.connector_settings("lumajang", sop::ConnectorKind::Dns).await.unwrap().unwrap();
    assert_eq!((settings.address.as_str(), settings.secret.as_str(), dry), ("127.0.0.1:5353", SECRET, false));
    assert!(!admin.get("/admin/konektor").await.body.contains(SECRET));
    // The settings are the agency's: another agency has none, and others may not see them.
    assert!(app.store.connector_configs("trenggalek").await.unwrap().is_empty());
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/admin/konektor").await.status, StatusCode::FORBIDDEN);
    let token = requester.token().await;
    let refused = requester.post("/admin/konektor/dns/hapus", &[("csrf", &token)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Removed: the step is manual again, and the removal is in the chain.
    let token = admin.get("/admin/konektor").await.csrf();
    let removed = admin.post("/admin/konektor/dns/hapus", &[("csrf", &token)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert!(app.store.connector_configs("lumajang").await.unwrap().is_empty());
    let case = subdomain(&app, "lagi-manual", "10.5.5.5", now() - 60_000).await;
    assert!(app.store.runs_of_case("lumajang", &case.id).await.unwrap().is_empty());
    let events = app.store.record_events("lumajang", 20).await.unwrap();
    assert!(events.iter().any(|(row, _)| row.kind == "connector-removed"));
    let set = events.iter().find(|(row, _)| row.kind == "connector-set").unwrap();
    assert!(
        set.0.payload.contains("\"zone\":\"lumajangkab.go.id\"") && !set.0.payload.contains(SECRET),
        "{}",
        set.0.payload
    );
}

const PULL_TOKEN: &str = "token-gateway-wireguard-lumajang-01";

#[tokio::test]
async fn a_vpn_account_becomes_a_wireguard_peer_handed_over_once_and_pulled_by_the_gateway() {
    let app = spawn().await;
    // The agency revises its VPN SOP to provision by WireGuard: no rebuild.
    let revised = include_str!("../../../sops/lumajang/vpn.toml")
        .replacen("version = 3", "version = 4", 1)
        .replacen("unit = \"unit_kerja\"\n", "unit = \"unit_kerja\"\nprovision = \"wireguard\"\n", 1);
    app.store.publish_sop("lumajang/vpn.toml", &revised, now()).await.unwrap();
    let admin = Browser::login(&app, "lmj-kasi").await;
    let gateway_key = connectors::wireguard::KeyPair::generate();
    let options = format!(
        "range = 10.8.0.0/24\nendpoint = vpn.{DOMAIN}:51820\ngateway_public_key = {}\naddress_field = alamat_ip_vpn",
        gateway_key.public()
    );
    let token = admin.get("/admin/konektor").await.csrf();
    let short =
        [("csrf", token.as_str()), ("address", ""), ("secret", "pendek"), ("options", options.as_str())];
    let refused = admin.post("/admin/konektor/wireguard", &short).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "the pull token is too short");
    let fields =
        [("csrf", token.as_str()), ("address", ""), ("secret", PULL_TOKEN), ("options", options.as_str())];
    let saved = admin.post("/admin/konektor/wireguard", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    // One address given by the administrator, one left to allocate.
    let until = "2027-06-30";
    let given = [("nama_akun_vpn", "bappeda.siti"), ("alamat_ip_vpn", "10.8.0.9"), ("berlaku_sampai", until)];
    let first = to_registry(&app, "lumajang/vpn", &given, now() - 60_000).await;
    let open = [("nama_akun_vpn", "dinkes.budi"), ("alamat_ip_vpn", ""), ("berlaku_sampai", until)];
    let second = to_registry(&app, "lumajang/vpn", &open, now() - 50_000).await;
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (2, 0));
    let peers = app.store.vpn_peers("lumajang").await.unwrap();
    let addresses: Vec<(&str, &str)> = peers.iter().map(|p| (p.name.as_str(), p.address.as_str())).collect();
    assert_eq!(addresses, [("dinkes.budi", "10.8.0.2"), ("bappeda.siti", "10.8.0.9")]);

    // The requester takes the configuration once: the private key, the QR code.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let case_page = requester.get(&format!("/permohonan/{}", first.id)).await.body;
    let run = app.store.runs_of_case("lumajang", &first.id).await.unwrap().remove(0);
    let link = format!("/permohonan/{}/serah-terima/{}", first.id, run.id);
    assert!(case_page.contains(&format!("action=\"{link}\"")), "{case_page}");
    assert!(!case_page.contains("10.8.0.9 dari rentang"), "the connector's details are the administrators'");
    let other = Browser::login(&app, "lmj-kadis").await;
    let token = other.token().await;
    assert_eq!(
        other.post(&link, &[("csrf", &token)]).await.status,
        StatusCode::FORBIDDEN,
        "only the requester"
    );
    let token = requester.token().await;
    assert_eq!(requester.get(&link).await.status, StatusCode::METHOD_NOT_ALLOWED, "never by a mere link");
    let handover = requester.post(&link, &[("csrf", &token)]).await;
    assert_eq!(handover.status, StatusCode::OK);
    assert!(handover.body.contains("id=\"qr-serah-terima\"") && handover.body.contains("<svg"));
    let private =
        handover.body.split("PrivateKey = ").nth(1).unwrap().split('\n').next().unwrap().to_string();
    assert!(handover.body.contains("Address = 10.8.0.9/32"), "{}", handover.body);
    assert_eq!(requester.post(&link, &[("csrf", &token)]).await.status, StatusCode::NOT_FOUND, "shown once");
    let stored = app.store.runs_of_case("lumajang", &first.id).await.unwrap().remove(0);
    assert!(stored.handover.is_none() && stored.handover_taken_at.is_some());

    // The second requester's configuration, through the API: listed (never
    // its content), taken once, by the requester only.
    let api = common::Api::of(&app, "lmj-pemohon").await;
    let (status, _, listed) = api.get(&format!("/cases/{}/handovers", second.id)).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let run = listed[0]["run"].as_str().unwrap().to_string();
    assert!(
        listed[0]["filename"].as_str().is_some_and(|f| f.ends_with(".conf"))
            && listed[0]["taken_at"].is_null()
    );
    let take = format!("{}/api/v1/cases/{}/handovers/{run}", app.base, second.id);
    let head = common::Api::of(&app, "lmj-kadis").await;
    assert_eq!(head.call(head.client.post(&take)).await.0, StatusCode::FORBIDDEN, "only the requester");
    let (status, _, taken) = api.call(api.client.post(&take)).await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    assert!(taken["body"].as_str().unwrap().contains("Address = 10.8.0.2/32"), "{taken}");
    assert_eq!(api.call(api.client.post(&take)).await.0, StatusCode::NOT_FOUND, "taken once");
    let (_, _, listed) = api.get(&format!("/cases/{}/handovers", second.id)).await;
    assert!(listed[0]["filename"].is_null() && listed[0]["taken_at"].is_string(), "{listed}");

    // The gateway pulls its list with its token, and only with it.
    let client = reqwest::Client::new();
    let pull = |token: &'static str| {
        client
            .get(format!("{}/gateway/wireguard/lumajang/peers.conf", app.base))
            .header("authorization", format!("Bearer {token}"))
            .send()
    };
    assert_eq!(pull("salah").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let list = pull(PULL_TOKEN).await.unwrap().text().await.unwrap();
    let public = connectors::wireguard::public_key_of(&private).unwrap();
    assert!(list.contains(&format!("PublicKey = {public}\nAllowedIPs = 10.8.0.9/32")), "{list}");
    assert!(list.contains("AllowedIPs = 10.8.0.2/32") && !list.contains(&private));
    let elsewhere = client.get(format!("{}/gateway/wireguard/trenggalek/peers.conf", app.base));
    let elsewhere = elsewhere.header("authorization", format!("Bearer {PULL_TOKEN}")).send().await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED, "another agency's list is not this token's");

    // Suspended: out of the list, its address kept; revoked: gone.
    let entry = |case: &str| {
        let case = case.to_string();
        let store = app.store.clone();
        async move {
            let entries = store.registry("lumajang", "vpn", &Default::default()).await.unwrap();
            entries.into_iter().find(|e| e.case_id == case).unwrap().id
        }
    };
    let first_entry = entry(&first.id).await;
    app.store
        .change_entry_state("lumajang", &first_entry, "lmj-kasi", "ditangguhkan", "cuti", now())
        .await
        .unwrap();
    web::provisioner::round(&app.store, now()).await.unwrap();
    assert!(!pull(PULL_TOKEN).await.unwrap().text().await.unwrap().contains("10.8.0.9/32"));
    assert_eq!(app.store.vpn_peers("lumajang").await.unwrap().len(), 2, "the address stays reserved");
    app.store
        .change_entry_state("lumajang", &first_entry, "lmj-kasi", "dicabut", "pindah tugas", now())
        .await
        .unwrap();
    web::provisioner::round(&app.store, now()).await.unwrap();
    assert_eq!(app.store.vpn_peers("lumajang").await.unwrap().len(), 1);

    // Past its valid-until date, the other peer's undo runs by itself.
    let after =
        jiff::civil::date(2027, 7, 1).to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).unwrap();
    let after = after.timestamp().as_millisecond();
    assert_eq!(web::provisioner::sweep_expired(&app.store, after).await.unwrap(), 1);
    assert_eq!(web::provisioner::sweep_expired(&app.store, after).await.unwrap(), 0, "queued once");
    web::provisioner::round(&app.store, after).await.unwrap();
    assert!(app.store.vpn_peers("lumajang").await.unwrap().is_empty());
    let second_entry = entry(&second.id).await;
    // Removed from the network is final: suspended and reactivated after, nothing comes back.
    app.store
        .change_entry_state("lumajang", &second_entry, "lmj-kasi", "ditangguhkan", "cek", after)
        .await
        .unwrap();
    app.store.change_entry_state("lumajang", &second_entry, "lmj-kasi", "aktif", "cek", after).await.unwrap();
    web::provisioner::round(&app.store, after).await.unwrap();
    assert!(app.store.vpn_peers("lumajang").await.unwrap().is_empty());
    let runs = app.store.runs_of_entry("lumajang", &second_entry).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.operation.key(), r.state)).collect::<Vec<_>>(),
        [("create", RunState::Done), ("revoke", RunState::Done)]
    );
}

#[tokio::test]
#[ignore = "needs slapd and dovecot"]
async fn a_mailbox_is_made_in_the_directory_dovecot_accepts_it_and_refuses_it_once_revoked() {
    use connectors::ldap::test_server::{Dovecot, Slapd};
    let slapd = Slapd::start();
    let dovecot = Dovecot::start(&slapd);
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let settings = slapd.settings();
    let options: Vec<String> = settings.options.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    let options = options.join("\n");
    let token = admin.get("/admin/konektor").await.csrf();
    let fields = [
        ("csrf", token.as_str()),
        ("address", settings.address.as_str()),
        ("secret", settings.secret.as_str()),
        ("options", options.as_str()),
    ];
    let saved = admin.post("/admin/konektor/ldap", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let mailbox = [("nama_akun_diminta", "budi"), ("alamat_email", "budi@lumajangkab.go.id")];
    let case = to_registry(&app, "lumajang/email", &mailbox, now() - 60_000).await;
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    let run = app.store.runs_of_case("lumajang", &case.id).await.unwrap().remove(0);
    assert!(run.message.contains("akun budi dibuat"), "{}", run.message);

    // The initial password reaches the requester once, and logs in.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let token = requester.token().await;
    let page = requester
        .post(&format!("/permohonan/{}/serah-terima/{}", case.id, run.id), &[("csrf", &token)])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let password = page.body.split("Sandi awal: ").nth(1).unwrap().split('\n').next().unwrap().to_string();
    assert!(!page.body.contains("id=\"qr-serah-terima\""), "no QR code for a password");
    assert!(dovecot.accepts("budi", &password), "Dovecot accepts the new account");
    let stored = app.store.record_events("lumajang", 100).await.unwrap();
    assert!(
        stored
            .iter()
            .all(|(row, _)| !row.payload.contains(&password) && !row.payload.contains(&settings.secret))
    );

    // Revoked in the registry: the directory no longer has it.
    let entry = app.store.registry("lumajang", "email", &Default::default()).await.unwrap().remove(0);
    let token = admin.get(&format!("/registri/email/{}", entry.id)).await.csrf();
    let revoked = admin
        .post(
            &format!("/registri/email/{}/status", entry.id),
            &[("csrf", &token), ("status", "dicabut"), ("alasan", "pegawai pensiun")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(web::provisioner::round(&app.store, now()).await.unwrap(), (1, 0));
    assert!(!dovecot.accepts("budi", &password), "Dovecot refuses the revoked account");
}
