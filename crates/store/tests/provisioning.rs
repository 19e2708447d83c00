//! The provisioning outbox on SQLite and (when available) PostgreSQL: a
//! registry step whose SOP provisions queues the creation in its own
//! transaction once the agency configured the connector; each later change
//! of the entry queues its undo on the same approved values; runs are
//! claimed one per entry in order; failures are retried or left to an
//! administrator; a handover is taken once; another agency sees none of it.

mod common;

use common::{backends, run_to_registry, wib};
use connectors::{ConnectorError, Handover, Operation, Outcome};
use sop::ConnectorKind;
use store::provisioning::{ConnectorForm, MAX_ATTEMPTS, RunState, backoff_ms};
use store::{Store, StoreError};

const SECRET: &str = "c29waXItdGVzdC1rdW5jaS10c2lnLTEyMzQ1Njc4OTA=";

async fn configure_dns(s: &Store, dry_run: bool) {
    let form = ConnectorForm {
        address: "127.0.0.1:53",
        secret: Some(SECRET),
        options: "zone = lumajangkab.go.id\nkey_name = sopir",
        dry_run,
    };
    s.save_connector("lumajang", ConnectorKind::Dns, form, "lmj-kasi", wib(2026, 11, 23, 8, 0))
        .await
        .unwrap();
}

async fn subdomain(s: &Store, name: &str) -> engine::CaseState {
    run_to_registry(
        s,
        "lumajang",
        "lumajang/subdomain",
        "lmj-pemohon",
        &[
            ("alamat_ip_tujuan", "10.4.4.4"),
            ("nama_domain_lengkap", name),
            ("jenis_record", "A"),
            ("nilai_record", "10.4.4.4"),
        ],
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn the_creation_is_queued_with_its_step_and_each_change_queues_its_undo_in_order() {
    for db in backends().await {
        let s = &db.store;
        let label = db.label;
        configure_dns(s, false).await;
        let case = subdomain(s, "sipd.lumajangkab.go.id").await;
        let runs = s.runs_of_case("lumajang", &case.id).await.unwrap();
        assert_eq!(runs.len(), 1, "{label}");
        let create = &runs[0];
        assert_eq!(
            (create.connector, create.operation, create.state, create.entry_name.as_str()),
            (ConnectorKind::Dns, Operation::Create, RunState::Waiting, "sipd.lumajangkab.go.id"),
            "{label}"
        );
        // Suspended and revoked meanwhile: both undos wait behind the creation.
        let at = wib(2026, 11, 23, 12, 0);
        s.change_entry_state("lumajang", &create.entry_id, "lmj-admin-server", "ditangguhkan", "audit", at)
            .await
            .unwrap();
        s.change_entry_state("lumajang", &create.entry_id, "lmj-admin-server", "dicabut", "selesai", at + 1)
            .await
            .unwrap();
        let claimed = s.claim_due_runs(at + 10, 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "one run per entry at a time: {label}");
        let first = &claimed[0];
        assert_eq!(first.operation, Operation::Create);
        assert_eq!(first.approved.name, "sipd.lumajangkab.go.id");
        let record = first.approved.record.as_ref().unwrap();
        assert_eq!((record.rtype.as_str(), record.value.as_str()), ("A", "10.4.4.4"));
        assert!(s.claim_due_runs(at + 10, 10).await.unwrap().is_empty(), "claimed: not handed out twice");
        let done = Outcome { summary: "rekaman dibuat".into(), answer: None, handover: None };
        s.run_done(first, &done, at + 20).await.unwrap();

        let next = s.claim_due_runs(at + 30, 10).await.unwrap();
        assert_eq!(next.iter().map(|r| r.operation).collect::<Vec<_>>(), [Operation::Suspend], "{label}");
        assert_eq!(next[0].approved, first.approved, "the undo acts on exactly what was created");
        // A refusal is not retried; with the revocation queued after it, it is
        // nobody's task (it would act on a state the entry has left).
        s.run_failed(&next[0], &ConnectorError::Refused("NOTAUTH".into()), at + 40).await.unwrap();
        assert!(s.runs_needing_action("lumajang").await.unwrap().is_empty(), "{label}");
        let suspend = s.run("lumajang", &next[0].id).await.unwrap();
        assert_eq!((suspend.state, suspend.error_code.as_str()), (RunState::Superseded, "connector_refused"));
        assert!(s.retry_run("lumajang", &suspend.id, "lmj-kasi", at + 45).await.is_err(), "{label}");
        let revoke = s.claim_due_runs(at + 50, 10).await.unwrap();
        assert_eq!(revoke.iter().map(|r| r.operation).collect::<Vec<_>>(), [Operation::Revoke], "{label}");
        // The last one refused is the administrator's task.
        s.run_failed(&revoke[0], &ConnectorError::Refused("NOTAUTH".into()), at + 60).await.unwrap();
        let failed = s.runs_needing_action("lumajang").await.unwrap();
        assert_eq!(failed.len(), 1, "{label}");
        assert_eq!((failed[0].state, failed[0].error_code.as_str()), (RunState::Failed, "connector_refused"));
        // Another agency sees none of it.
        assert!(s.runs_of_case("trenggalek", &case.id).await.unwrap().is_empty());
        assert!(s.runs_needing_action("trenggalek").await.unwrap().is_empty());
        assert!(matches!(s.run("trenggalek", &failed[0].id).await, Err(StoreError::NotFound(_))));
        assert!(s.retry_run("trenggalek", &failed[0].id, "tgx-kabid", at).await.is_err());
        assert_eq!(s.run("lumajang", &failed[0].id).await.unwrap().state, RunState::Failed);
    }
}

#[tokio::test]
async fn a_retryable_failure_waits_longer_each_time_then_is_left_to_an_administrator() {
    for db in backends().await {
        let s = &db.store;
        configure_dns(s, false).await;
        let case = subdomain(s, "arsip.lumajangkab.go.id").await;
        let mut at = wib(2026, 11, 23, 12, 0);
        for attempt in 0..MAX_ATTEMPTS {
            let run = s.claim_due_runs(at, 10).await.unwrap().pop().expect("due again");
            assert_eq!(run.attempts, attempt);
            s.run_failed(&run, &ConnectorError::Unreachable("timeout".into()), at).await.unwrap();
            at += backoff_ms(attempt);
        }
        let run = s.runs_of_case("lumajang", &case.id).await.unwrap().remove(0);
        assert_eq!((run.state, run.attempts), (RunState::Failed, MAX_ATTEMPTS), "{}", db.label);
        assert!(s.claim_due_runs(at + 86_400_000, 10).await.unwrap().is_empty());
        assert!(backoff_ms(1) == 2 * backoff_ms(0) && backoff_ms(30) == 3_600_000);
        assert_eq!(s.runs_needing_action("lumajang").await.unwrap().len(), 1);
        // Revoked meanwhile: the failed creation is replaced, never run again.
        s.change_entry_state("lumajang", &run.entry_id, "lmj-admin-server", "dicabut", "batal", at)
            .await
            .unwrap();
        assert!(s.runs_needing_action("lumajang").await.unwrap().is_empty(), "{}", db.label);
        assert_eq!(s.run("lumajang", &run.id).await.unwrap().state, RunState::Superseded);
        assert!(s.retry_run("lumajang", &run.id, "lmj-kasi", at).await.is_err());
    }
}

#[tokio::test]
async fn a_handover_is_sealed_and_taken_once_by_its_case_only() {
    for db in backends().await {
        let s = &db.store;
        configure_dns(s, false).await;
        let case = subdomain(s, "surel.lumajangkab.go.id").await;
        let at = wib(2026, 11, 23, 12, 0);
        let run = s.claim_due_runs(at, 10).await.unwrap().remove(0);
        let handover = Handover {
            filename: "akun-budi.txt".into(),
            content_type: "text/plain".into(),
            body: b"uid: budi\nkata sandi awal: Rahasia-Sekali-123\n".to_vec(),
        };
        let done = Outcome { summary: "akun dibuat".into(), answer: None, handover: Some(handover) };
        s.run_done(&run, &done, at).await.unwrap();
        let shown = s.run("lumajang", &run.id).await.unwrap();
        assert_eq!(shown.handover.as_deref(), Some("akun-budi.txt"));
        // Not from another case, nor another agency.
        let other = subdomain(s, "lain.lumajangkab.go.id").await;
        assert!(s.take_handover("lumajang", &other.id, &run.id, at).await.is_err());
        assert!(s.take_handover("trenggalek", &case.id, &run.id, at).await.is_err());
        let taken = s.take_handover("lumajang", &case.id, &run.id, at + 1).await.unwrap();
        assert!(taken.body.contains("Rahasia-Sekali-123"), "{}", db.label);
        assert!(matches!(
            s.take_handover("lumajang", &case.id, &run.id, at + 2).await,
            Err(StoreError::NotFound(_))
        ));
        let shown = s.run("lumajang", &run.id).await.unwrap();
        assert_eq!((shown.handover, shown.handover_taken_at), (None, Some(at + 1)));
        // Never in the chain.
        let events = s.record_events("lumajang", 100).await.unwrap();
        assert!(
            events
                .iter()
                .all(|(row, _)| !row.payload.contains("Rahasia-Sekali") && !row.payload.contains(SECRET))
        );
    }
}

#[tokio::test]
async fn nothing_is_queued_without_a_configured_connector_or_when_the_step_is_refused() {
    for db in backends().await {
        let s = &db.store;
        let case = subdomain(s, "manual.lumajangkab.go.id").await;
        assert!(s.runs_of_case("lumajang", &case.id).await.unwrap().is_empty(), "{}", db.label);
        configure_dns(s, true).await;
        // A name a live entry holds is refused with the step: nothing queued.
        let refused = run_to_registry(
            s,
            "lumajang",
            "lumajang/subdomain",
            "lmj-pemohon-2",
            &[("nama_domain_lengkap", "manual.lumajangkab.go.id")],
        )
        .await;
        assert!(refused.is_err());
        assert!(s.claim_due_runs(wib(2026, 12, 1, 0, 0), 10).await.unwrap().is_empty(), "{}", db.label);
        // The manual entry, revoked, queues nothing either: no connector made it.
        let entry = s.registry("lumajang", "subdomain", &Default::default()).await.unwrap().remove(0);
        s.change_entry_state(
            "lumajang",
            &entry.id,
            "lmj-admin-server",
            "dicabut",
            "tidak dipakai",
            wib(2026, 11, 24, 8, 0),
        )
        .await
        .unwrap();
        assert!(s.claim_due_runs(wib(2026, 12, 1, 0, 0), 10).await.unwrap().is_empty());
    }
}
