//! API tokens and idempotency keys on both databases: tokens found by their
//! hash only and dead once revoked, expired, or their owner's password
//! changed; a key claimed, acted on and answered in one command, replayed,
//! refused for another request and to a racing retry, undone with its
//! command, and taken over when an older version's call was cut off.

mod common;

use common::{MINUTE, backends, wib};
use store::api_tokens::{DEFAULT_DAYS, MAX_DAYS};
use store::idempotency::{Replay, STALE_MS, Seen};
use store::{StoreError, Submit};

const DAY: i64 = 24 * 60 * MINUTE;

#[tokio::test]
async fn tokens_act_for_their_owner_until_revoked() {
    for db in backends().await {
        let s = &db.store;
        store::demo::install_accounts(s, wib(2026, 11, 2, 8, 0)).await.unwrap();
        let now = wib(2026, 11, 23, 9, 0);
        let (id, token) = s.create_api_token("lmj-pemohon", "portal", DEFAULT_DAYS, now).await.unwrap();
        let account = s.account_for_token(&token, now).await.unwrap().expect("live token");
        assert_eq!(account.username, "lmj-pemohon", "{}", db.label);
        assert!(s.account_for_token("sopir_salah", now).await.unwrap().is_none());
        assert!(s.account_for_token(&token[1..], now).await.unwrap().is_none());
        let listed = s.api_tokens("lmj-pemohon").await.unwrap();
        assert_eq!(listed[0].last_used_at, Some(now), "{}", db.label);
        assert!(s.create_api_token("lmj-pemohon", "   ", 30, now).await.is_err(), "a token needs a name");
        assert!(s.revoke_api_token("lmj-pemohon-2", &id, now).await.is_err(), "not another's");
        s.revoke_api_token("lmj-pemohon", &id, now + MINUTE).await.unwrap();
        assert!(s.account_for_token(&token, now + MINUTE).await.unwrap().is_none(), "{}", db.label);
    }
}

#[tokio::test]
async fn tokens_expire_and_end_with_a_password_change() {
    for db in backends().await {
        let s = &db.store;
        store::demo::install_accounts(s, wib(2026, 11, 2, 8, 0)).await.unwrap();
        let now = wib(2026, 11, 23, 9, 0);
        for days in [0, -1, MAX_DAYS + 1] {
            let refused = s.create_api_token("lmj-pemohon", "portal", days, now).await.unwrap_err();
            assert!(refused.to_string().contains("Masa berlaku"), "{days}: {refused}");
        }
        assert!(s.api_tokens("lmj-pemohon").await.unwrap().is_empty(), "{}: refused, none made", db.label);
        let (_, short) = s.create_api_token("lmj-pemohon", "sebentar", 1, now).await.unwrap();
        let (_, long) = s.create_api_token("lmj-pemohon", "setahun", MAX_DAYS, now).await.unwrap();
        let listed = s.api_tokens("lmj-pemohon").await.unwrap();
        assert_eq!(listed.iter().map(|t| t.expires_at).min(), Some(now + DAY));
        assert!(s.account_for_token(&short, now + DAY - 1).await.unwrap().is_some(), "{}", db.label);
        assert!(s.account_for_token(&short, now + DAY).await.unwrap().is_none(), "{}: expired", db.label);
        assert!(s.account_for_token(&long, now + DAY).await.unwrap().is_some());
        s.set_password("lmj-pemohon", &store::hash_password("kata-sandi-baru"), now + DAY).await.unwrap();
        assert!(s.account_for_token(&long, now + DAY).await.unwrap().is_none(), "{}: ended", db.label);
        assert!(s.api_tokens("lmj-pemohon").await.unwrap().iter().all(|t| t.revoked_at.is_some()));
    }
}

#[tokio::test]
async fn an_idempotency_key_is_claimed_and_answered_in_its_own_command() {
    for db in backends().await {
        let s = &db.store;
        store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
        let now = wib(2026, 11, 23, 9, 0);
        let replay = |key: &str, fingerprint: &str, at: i64| Replay {
            username: "lmj-pemohon".into(),
            key: key.into(),
            fingerprint: fingerprint.into(),
            at,
        };
        let submission = |at: i64| {
            let sop = sop::Catalog::builtin();
            let vpn = sop.sop("lumajang/vpn").unwrap();
            let input = store::demo::sample_input(vpn.first_step(), engine::Verdict::Ya);
            Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, at)
        };
        let cases =
            || async { s.cases_after("lumajang", Some("lmj-pemohon"), None, 100).await.unwrap().len() };
        let seen = |key: &'static str, fingerprint: &'static str, at: i64| async move {
            s.look_up_idempotency_key("lmj-pemohon", key, fingerprint, at).await.unwrap()
        };
        assert_eq!(seen("k", "f1", now).await, Seen::New);

        // Dropped before its answer is kept, the command is undone: no
        // case, no claim.
        let answering = s.submit_answering(submission(now), replay("k", "f1", now)).await.unwrap();
        drop(answering);
        s.forget_old_idempotency_keys(now).await.unwrap();
        assert_eq!((cases().await, seen("k", "f1", now).await), (0, Seen::New), "{}", db.label);

        // Claimed, acted and answered in one commit.
        let commits = s.write_counts().await;
        let answering = s.submit_answering(submission(now), replay("k", "f1", now)).await.unwrap();
        let body = format!("{{\"id\":\"{}\"}}", answering.value().id);
        let case = answering.answer(201, &body).await.unwrap();
        assert_eq!(s.write_counts().await.0, commits.0 + 1, "{}: one command", db.label);
        assert_eq!(seen("k", "f1", now + 1).await, Seen::Answered { status: 201, body: body.clone() });
        assert_eq!(seen("k", "f2", now + 1).await, Seen::Mismatch);
        assert_eq!(s.case("lumajang", &case.id).await.unwrap().id, case.id);

        // A racing retry finds the key taken before it acts.
        let taken = s.submit_answering(submission(now + 1), replay("k", "f1", now + 1)).await;
        assert!(matches!(taken, Err(StoreError::KeyTaken)), "{}", db.label);
        assert_eq!(cases().await, 1, "{}", db.label);

        // Keys are per person.
        assert_eq!(s.look_up_idempotency_key("lmj-kasi", "k", "f1", now).await.unwrap(), Seen::New);

        // A refusal is kept as the key's answer, once.
        s.keep_answer(&replay("r", "f", now), 422, "{\"status\":422}").await.unwrap();
        assert_eq!(
            seen("r", "f", now + 1).await,
            Seen::Answered { status: 422, body: "{\"status\":422}".into() }
        );
        let again = s.keep_answer(&replay("r", "f", now + 1), 422, "{}").await;
        assert!(matches!(again, Err(StoreError::KeyTaken)), "{}", db.label);

        // Completing a task answers in its command too.
        let task = case.open_tasks().next().unwrap().clone();
        let complete = store::Complete::new(
            "lumajang",
            &case.id,
            &task.id,
            &task.candidates[0].person,
            store::demo::sample_input(
                sop::Catalog::builtin().sop("lumajang/vpn").unwrap().step(task.step).unwrap(),
                engine::Verdict::Ya,
            ),
            now + MINUTE,
        );
        let mut answering = s.complete_answering(complete, replay("t", "f", now + MINUTE)).await.unwrap();
        let letters = answering.letters().await.unwrap();
        assert!(letters.outgoing.is_none(), "{}: no letter yet", db.label);
        answering.answer(200, "{}").await.unwrap();
        assert_eq!(seen("t", "f", now + MINUTE).await, Seen::Answered { status: 200, body: "{}".into() });

        // A claim left unanswered by an older version, cut off: in
        // progress for a minute, then taken over.
        sqlx::query(
            "INSERT INTO api_idempotency (username, idem_key, fingerprint, case_id, created_at)
             VALUES ('lmj-pemohon', 'lama', 'f', '', $1)",
        )
        .bind(now)
        .execute(s.pool())
        .await
        .unwrap();
        assert_eq!(seen("lama", "f", now + 1).await, Seen::InProgress);
        let later = now + STALE_MS + 1;
        assert_eq!(seen("lama", "f", later).await, Seen::New);
        s.keep_answer(&replay("lama", "f", later), 409, "{}").await.unwrap();

        // Keys are forgotten after a day; the daily job removes them.
        let tomorrow = later + store::idempotency::KEEP_MS + 1;
        assert_eq!(seen("k", "f9", tomorrow).await, Seen::New);
        s.keep_answer(&replay("k", "f9", tomorrow), 422, "{}").await.unwrap();
        s.forget_old_idempotency_keys(tomorrow).await.unwrap();
        let keys: Vec<String> = sqlx::query_scalar("SELECT idem_key FROM api_idempotency ORDER BY idem_key")
            .fetch_all(s.pool())
            .await
            .unwrap();
        assert_eq!(keys, vec!["k".to_string()], "{}", db.label);
    }
}
