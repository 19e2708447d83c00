//! API tokens and idempotency keys on both databases: tokens found by their
//! hash only and dead once revoked, expired, or their owner's password
//! changed; a key claimed once, answered, replayed,
//! refused for another request, released after a server error, and taken
//! over when its call was cut off.

mod common;

use common::{MINUTE, backends, wib};
use store::api_tokens::{DEFAULT_DAYS, MAX_DAYS};
use store::idempotency::{Claim, STALE_MS};

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
async fn an_idempotency_key_runs_its_call_once() {
    for db in backends().await {
        let s = &db.store;
        let now = wib(2026, 11, 23, 9, 0);
        let Claim::Fresh { case_id } = s.claim_idempotency_key("u", "k", "f1", now).await.unwrap() else {
            panic!("{}: first use is fresh", db.label)
        };
        assert_eq!(s.claim_idempotency_key("u", "k", "f1", now + 1).await.unwrap(), Claim::InProgress);
        assert_eq!(s.claim_idempotency_key("u", "k", "f2", now + 1).await.unwrap(), Claim::Mismatch);
        assert!(
            matches!(s.claim_idempotency_key("v", "k", "f1", now).await.unwrap(), Claim::Fresh { .. }),
            "keys are per person"
        );
        // Cut off before answering: a later retry takes it over, with the same case id.
        let later = now + STALE_MS + 1;
        assert_eq!(
            s.claim_idempotency_key("u", "k", "f1", later).await.unwrap(),
            Claim::Interrupted { case_id: case_id.clone() },
            "{}",
            db.label
        );
        assert_eq!(s.claim_idempotency_key("u", "k", "f1", later + 1).await.unwrap(), Claim::InProgress);
        s.answer_idempotency_key("u", "k", 201, "{\"id\":1}").await.unwrap();
        assert_eq!(
            s.claim_idempotency_key("u", "k", "f1", later + 2).await.unwrap(),
            Claim::Answered { status: 201, body: "{\"id\":1}".into() }
        );
        // A server error may come after the call acted: the retry runs at
        // once but as a cut-off call, with the same case id, so it looks
        // for that case before making another.
        let Claim::Fresh { case_id } = s.claim_idempotency_key("u", "e", "f", now).await.unwrap() else {
            panic!("{}: first use is fresh", db.label)
        };
        s.interrupt_idempotency_key("u", "e").await.unwrap();
        assert_eq!(
            s.claim_idempotency_key("u", "e", "f", now + 1).await.unwrap(),
            Claim::Interrupted { case_id },
            "{}",
            db.label
        );
        // Keys are forgotten after a day.
        let tomorrow = later + store::idempotency::KEEP_MS + 1;
        assert!(matches!(
            s.claim_idempotency_key("u", "k", "f9", tomorrow).await.unwrap(),
            Claim::Fresh { .. }
        ));
        // The daily job removes them; the key claimed tomorrow stays.
        s.forget_old_idempotency_keys(tomorrow).await.unwrap();
        let keys: Vec<String> = sqlx::query_scalar("SELECT idem_key FROM api_idempotency ORDER BY idem_key")
            .fetch_all(s.pool())
            .await
            .unwrap();
        assert_eq!(keys, vec!["k".to_string()], "{}", db.label);
    }
}
