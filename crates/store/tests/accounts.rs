//! Logins, sessions, the slowing of password guessing and files, on every
//! backend.

mod common;

use common::{backends, wib};
use store::login_throttle::{
    ACCOUNT_CEILING, ACCOUNT_WAIT_MS, FREE_FAILURES, LockoutKind, LoginGate, MAX_WAIT_MS, SlowedLogin,
};
use store::{Store, StoreError, hash_password, verify_password};

#[test]
fn passwords_are_argon2id_and_verify() {
    let hash = hash_password("rahasia-123");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(verify_password("rahasia-123", &hash));
    assert!(!verify_password("rahasia-124", &hash));
    assert!(!verify_password("rahasia-123", "bukan hash"));
    assert_ne!(hash, hash_password("rahasia-123"), "salted");
}

#[tokio::test]
async fn sessions_and_files() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "siti", "lmj-pemohon", &hash_password("x"), false, t).await.unwrap();
        assert!(matches!(
            s.add_account("lumajang", "siti", "lmj-pemohon-2", "h", false, t).await,
            Err(StoreError::AlreadyExists(_))
        ));
        s.create_session("sess-1", "siti", t, t + 1000).await.unwrap();
        let account = s.session("sess-1", t + 1).await.unwrap().unwrap();
        assert_eq!(account.person_id.as_str(), "lmj-pemohon");
        assert!(s.session("sess-1", t + 1000).await.unwrap().is_none(), "expired");
        assert!(s.session("nope", t).await.unwrap().is_none());

        s.create_session("sess-2", "siti", t, t + 10_000).await.unwrap();
        s.set_password("siti", &hash_password("baru"), t).await.unwrap();
        assert!(s.session("sess-2", t + 1).await.unwrap().is_none(), "a new password ends sessions");

        // A file is kept with the case it came with, or not at all.
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        input.attachments.clear();
        let upload = |data: &[u8]| store::Upload {
            name: "surat_permohonan".into(),
            filename: "surat.pdf".into(),
            content_type: "application/pdf".into(),
            data: data.to_vec(),
        };
        let mut bad = input.clone();
        bad.fields.clear();
        assert!(
            s.submit(
                store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", bad, t)
                    .with_uploads(vec![upload(b"%PDF-1.4 x")])
            )
            .await
            .is_err()
        );
        let none: i64 = sqlx::Row::get(
            &sqlx::query("SELECT COUNT(*) AS n FROM attachments").fetch_one(s.pool()).await.unwrap(),
            "n",
        );
        assert_eq!(none, 0, "a refused submission keeps no file");
        let case = s
            .submit(
                store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, t)
                    .with_uploads(vec![upload(b"%PDF-1.4 x")]),
            )
            .await
            .unwrap();
        let id = case.tasks[0].input.as_ref().unwrap().attachments["surat_permohonan"].clone();
        let file = s.attachment("lumajang", &id).await.unwrap().unwrap();
        assert_eq!(
            (file.filename.as_str(), file.size, file.data.as_slice()),
            ("surat.pdf", 10, &b"%PDF-1.4 x"[..])
        );
        assert_eq!(file.case.as_deref(), Some(case.id.as_str()));
        assert!(
            s.attachment("trenggalek", &id).await.unwrap().is_none(),
            "{}: scoped to its agency",
            db.label
        );
    }
}

/// Tries a login of `username` from `address` at `at` with a wrong password;
/// `Err` with the wait's end if it had to wait.
async fn fail(s: &Store, username: &str, address: &str, at: i64) -> Result<(), i64> {
    match s.login_attempt(username, address, at).await.unwrap() {
        LoginGate::Open(attempt) => {
            s.login_failed(&attempt).await.unwrap();
            Ok(())
        }
        LoginGate::Wait { until } => Err(until),
    }
}

#[tokio::test]
async fn guessing_waits_grow_per_address_and_never_lock_the_owner_out() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "siti", "lmj-pemohon", &hash_password("x"), false, t).await.unwrap();
        for i in 0..FREE_FAILURES {
            assert_eq!(fail(s, "siti", "203.0.113.7", t + i).await, Ok(()), "{}: free failure {i}", db.label);
        }
        let last = t + FREE_FAILURES - 1;
        assert_eq!(fail(s, "siti", "203.0.113.7", last + 1).await, Err(last + 15_000), "{}", db.label);
        // Each wait, once over, lets one more guess through, then doubles.
        assert_eq!(fail(s, "siti", "203.0.113.7", last + 15_000).await, Ok(()));
        assert_eq!(fail(s, "siti", "203.0.113.7", last + 15_001).await, Err(last + 15_000 + 30_000));
        let mut at = last + 45_000;
        let mut waits = Vec::new();
        for _ in 0..5 {
            assert_eq!(fail(s, "siti", "203.0.113.7", at).await, Ok(()));
            let until = fail(s, "siti", "203.0.113.7", at + 1).await.unwrap_err();
            waits.push(until - at);
            at = until;
        }
        assert_eq!(waits, [60_000, 120_000, 240_000, MAX_WAIT_MS, MAX_WAIT_MS], "{}: capped", db.label);
        let at = at - MAX_WAIT_MS; // the latest failure; the guesser waits from here
        // The owner, elsewhere, is not held up; their success is their own.
        let LoginGate::Open(owner) = s.login_attempt("siti", "198.51.100.2", at).await.unwrap() else {
            panic!("{}: the owner is let through", db.label)
        };
        s.login_succeeded(&owner).await.unwrap();
        assert!(fail(s, "siti", "203.0.113.7", at + 1).await.is_err(), "the guesser still waits");
        // Unknown names are counted alike (the answers tell nothing).
        for i in 0..FREE_FAILURES {
            assert_eq!(fail(s, "siapa", "203.0.113.7", t + i).await, Ok(()));
        }
        assert_eq!(fail(s, "siapa", "203.0.113.7", last + 1).await, Err(last + 15_000));

        // The record for administrators: one when the address began to wait.
        let records = s.login_lockouts("lumajang", 10).await.unwrap();
        assert_eq!(records.len(), 1, "{}: {records:?}", db.label);
        assert_eq!(
            (records[0].kind, records[0].address.as_deref(), records[0].failures, records[0].slowed_until),
            (LockoutKind::Address, Some("203.0.113.7"), FREE_FAILURES, Some(last + 15_000))
        );
        assert!(s.login_lockouts("trenggalek", 10).await.unwrap().is_empty(), "scoped to the agency");
        let held = s.slowed_logins("lumajang", at + 1).await.unwrap();
        assert_eq!(held.len(), 1, "{}: {held:?}", db.label);
        assert_eq!(held[0].address.as_deref(), Some("203.0.113.7"));

        // An administrator of another agency cannot lift it; theirs can.
        assert!(matches!(
            s.unlock_login("trenggalek", "siti", "tgx-kabid", at + 2).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(fail(s, "siti", "203.0.113.7", at + 3).await.is_err());
        s.unlock_login("lumajang", "siti", "lmj-kasi", at + 4).await.unwrap();
        assert_eq!(fail(s, "siti", "203.0.113.7", at + 5).await, Ok(()), "{}: unlocked", db.label);
        assert!(s.slowed_logins("lumajang", at + 6).await.unwrap().is_empty());
        let unlocked = &s.login_lockouts("lumajang", 10).await.unwrap()[0];
        assert_eq!(
            (unlocked.kind, unlocked.by_person.as_deref(), unlocked.at),
            (LockoutKind::Unlocked, Some("lmj-kasi"), at + 4)
        );
        // An administrator's change: a link of the audit chain too.
        let (row, record) = &s.record_events("lumajang", 1).await.unwrap()[0];
        assert_eq!(row.kind, "login-unlocked", "{}", db.label);
        assert_eq!(record.by.as_deref(), Some("lmj-kasi"));
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn many_guessing_addresses_slow_only_addresses_the_owner_has_not_used() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "siti", "lmj-pemohon", &hash_password("x"), false, t).await.unwrap();
        let LoginGate::Open(owner) = s.login_attempt("siti", "198.51.100.2", t).await.unwrap() else {
            panic!()
        };
        s.login_succeeded(&owner).await.unwrap();
        // A botnet: every address guesses once or twice.
        let mut at = t + 1;
        for i in 0..ACCOUNT_CEILING {
            assert_eq!(fail(s, "siti", &format!("192.0.2.{i}"), at).await, Ok(()), "{}: guess {i}", db.label);
            at += 1;
        }
        let latest = at - 1;
        assert_eq!(
            fail(s, "siti", "192.0.2.200", at).await,
            Err(latest + ACCOUNT_WAIT_MS),
            "{}: a new address waits",
            db.label
        );
        let LoginGate::Open(owner) = s.login_attempt("siti", "198.51.100.2", at).await.unwrap() else {
            panic!("{}: the owner's own address does not wait", db.label)
        };
        s.login_succeeded(&owner).await.unwrap();
        let kinds: Vec<LockoutKind> =
            s.login_lockouts("lumajang", 10).await.unwrap().iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [LockoutKind::Account], "{}", db.label);
        let held = s.slowed_logins("lumajang", at).await.unwrap();
        assert_eq!(
            held,
            [SlowedLogin {
                username: "siti".into(),
                address: None,
                failures: ACCOUNT_CEILING,
                until: latest + ACCOUNT_WAIT_MS
            }],
            "{}",
            db.label
        );
        assert_eq!(
            fail(s, "siti", "192.0.2.200", latest + ACCOUNT_WAIT_MS).await,
            Ok(()),
            "…no longer than that"
        );
        // An hour on, the failures are forgotten.
        s.forget_old_login_failures(at + 60 * 60_000).await.unwrap();
        assert!(s.slowed_logins("lumajang", at).await.unwrap().is_empty(), "{}", db.label);
    }
}
