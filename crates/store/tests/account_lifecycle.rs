//! Accounts administered in the browser (issue 18), on every backend:
//! deactivation keeps the history, ends every way in and tells the heads
//! of the open tasks; one-time resets (an administrator's code or link, the
//! owner's "lupa kata sandi" link) are kept hashed, used once and expire.

mod common;

use common::{backends, wib};
use store::password_reset::{
    CODE_MS, OWNER_LINK_MS, OWNER_LINKS_PER_WINDOW, ResetKind, new_code, new_link_secret,
};
use store::{NO_PASSWORD, Store, StoreError, hash_password, verify_password_or_dummy};

async fn outbox_bodies(s: &Store, person: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM outbox WHERE person_id = $1 ORDER BY created_at, id")
        .bind(person)
        .fetch_all(s.pool())
        .await
        .unwrap()
}

/// The link a mail carries (after `base`).
fn secret_in(body: &str, base: &str) -> String {
    let at = body.find(base).expect("a link") + base.len();
    body[at..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn a_deactivated_account_keeps_its_history_loses_every_way_in_and_its_heads_hear_of_its_tasks() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "sekdin", "lmj-sekdin", &hash_password("rahasia-lama"), false, t)
            .await
            .unwrap();
        s.add_account("trenggalek", "tgx", "tgx-kadis", &hash_password("x"), true, t).await.unwrap();
        s.create_session("sess", "sekdin", t, t + 3_600_000).await.unwrap();
        let (_, token) = s.create_api_token("sekdin", "skrip", 30, t).await.unwrap();
        // A VPN request waits at step 2 for the Head or the Secretary.
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        let case =
            s.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, t)).await.unwrap();
        let events_before = s.case_events("lumajang", &case.id).await.unwrap().len();

        assert!(
            matches!(
                s.deactivate_account("lumajang", "tgx", "lmj-kasi", t).await,
                Err(StoreError::NotFound(_))
            ),
            "{}: another agency's account is not found",
            db.label
        );
        let done = s.deactivate_account("lumajang", "sekdin", "lmj-kasi", t + 1).await.unwrap();
        assert_eq!(done.open_tasks.len(), 1, "{}", db.label);
        // The Secretary reports to the Head, who hears of it.
        assert_eq!(done.told, ["lmj-kadis"], "{}", db.label);
        let told = s.notifications("lumajang", "lmj-kadis").await.unwrap();
        assert!(
            told.iter().any(|m| m.contains("dinonaktifkan")
                && m.contains(&case.number)
                && m.contains("Pelaksana lain masih dapat")),
            "{}: {told:?}",
            db.label
        );
        let account = s.account("sekdin").await.unwrap().unwrap();
        assert_eq!(account.deactivated_at, Some(t + 1));
        assert!(s.session("sess", t + 2).await.unwrap().is_none(), "{}: the session ended", db.label);
        assert!(
            s.account_for_token(&token, t + 2).await.unwrap().is_none(),
            "{}: the token stopped",
            db.label
        );
        assert_eq!(s.case_events("lumajang", &case.id).await.unwrap().len(), events_before, "history stays");
        assert!(s.organisation("lumajang").await.unwrap().person("lmj-sekdin").is_some());
        let kinds: Vec<String> =
            s.record_events("lumajang", 5).await.unwrap().into_iter().map(|(row, _)| row.kind).collect();
        assert!(kinds.contains(&"account-deactivated".to_string()), "{}: {kinds:?}", db.label);
        // Again: nothing more happens, nobody is told twice.
        assert_eq!(
            s.deactivate_account("lumajang", "sekdin", "lmj-kasi", t + 5).await.unwrap().told.len(),
            0
        );
        assert_eq!(s.notifications("lumajang", "lmj-kadis").await.unwrap().len(), told.len());
        // A deactivated account gets no reset.
        assert!(
            s.reset_password_by_admin(store::ResetPassword {
                agency: "lumajang",
                username: "sekdin",
                kind: ResetKind::Code,
                secret: &new_code(),
                link_base: None,
                by: "lmj-kasi",
                at: t + 6
            })
            .await
            .is_err()
        );

        s.reactivate_account("lumajang", "sekdin", "lmj-kasi", t + 10).await.unwrap();
        let account = s.account("sekdin").await.unwrap().unwrap();
        assert!(account.active() && verify_password_or_dummy("rahasia-lama", Some(&account.password_hash)));
        assert!(s.session("sess", t + 11).await.unwrap().is_none(), "ended sessions stay ended");
        let kinds: Vec<String> =
            s.record_events("lumajang", 5).await.unwrap().into_iter().map(|(row, _)| row.kind).collect();
        assert_eq!(kinds[0], "account-reactivated", "{}", db.label);
    }
}

#[tokio::test]
async fn an_administrators_code_ends_the_old_password_and_works_once_until_it_expires() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "siti", "lmj-pemohon", &hash_password("rahasia-lama"), false, t)
            .await
            .unwrap();
        s.create_session("sess", "siti", t, t + 3_600_000).await.unwrap();
        let code = new_code();
        s.reset_password_by_admin(store::ResetPassword {
            agency: "lumajang",
            username: "siti",
            kind: ResetKind::Code,
            secret: &code,
            link_base: None,
            by: "lmj-kasi",
            at: t,
        })
        .await
        .unwrap();
        let account = s.account("siti").await.unwrap().unwrap();
        assert_eq!(account.password_hash, NO_PASSWORD, "{}", db.label);
        assert!(!account.has_password());
        assert!(!verify_password_or_dummy("rahasia-lama", Some(&account.password_hash)));
        assert!(s.session("sess", t + 1).await.unwrap().is_none(), "{}", db.label);
        // The code as a person may type it back.
        let typed = code.to_lowercase().replace('-', " ");
        let pending = s.pending_reset(&typed, t + 1).await.unwrap().unwrap();
        assert_eq!((pending.username.as_str(), pending.kind), ("siti", ResetKind::Code));
        let hashes: Vec<String> =
            sqlx::query_scalar("SELECT token_hash FROM password_resets").fetch_all(s.pool()).await.unwrap();
        assert!(hashes.iter().all(|h| h.len() == 64 && !h.contains(&code.replace('-', ""))), "kept hashed");

        assert_eq!(
            s.use_password_reset(&typed, &hash_password("rahasia-baru"), t + 2).await.unwrap(),
            "siti"
        );
        let account = s.account("siti").await.unwrap().unwrap();
        assert!(verify_password_or_dummy("rahasia-baru", Some(&account.password_hash)));
        assert!(
            matches!(
                s.use_password_reset(&code, &hash_password("lagi"), t + 3).await,
                Err(StoreError::NotFound(_))
            ),
            "{}: used once",
            db.label
        );
        // A newer code replaces an older one; a code expires.
        let (old, new) = (new_code(), new_code());
        s.reset_password_by_admin(store::ResetPassword {
            agency: "lumajang",
            username: "siti",
            kind: ResetKind::Code,
            secret: &old,
            link_base: None,
            by: "lmj-kasi",
            at: t + 4,
        })
        .await
        .unwrap();
        s.reset_password_by_admin(store::ResetPassword {
            agency: "lumajang",
            username: "siti",
            kind: ResetKind::Code,
            secret: &new,
            link_base: None,
            by: "lmj-kasi",
            at: t + 5,
        })
        .await
        .unwrap();
        assert!(s.pending_reset(&old, t + 6).await.unwrap().is_none(), "{}", db.label);
        assert!(s.pending_reset(&new, t + 5 + CODE_MS).await.unwrap().is_none(), "{}: expired", db.label);
        assert!(s.use_password_reset(&new, &hash_password("x"), t + 5 + CODE_MS).await.is_err());
        let kinds: Vec<String> =
            s.record_events("lumajang", 10).await.unwrap().into_iter().map(|(row, _)| row.kind).collect();
        assert!(
            kinds.contains(&"password-reset-issued".into()) && kinds.contains(&"password-reset-used".into())
        );
    }
}

#[tokio::test]
async fn links_go_by_mail_to_the_persons_address_and_the_owner_asking_changes_no_password() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        let base = "https://sopir.example/sandi/";
        s.add_account("lumajang", "siti", "lmj-pemohon", &hash_password("rahasia-lama"), false, t)
            .await
            .unwrap();
        // Without an address, an administrator's link is refused with the reason, and nothing changes.
        let refused = s
            .reset_password_by_admin(store::ResetPassword {
                agency: "lumajang",
                username: "siti",
                kind: ResetKind::Link,
                secret: &new_link_secret(),
                link_base: Some(base),
                by: "lmj-kasi",
                at: t,
            })
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Engine(e)) if e.to_string().contains("belum punya alamat e-mail"))
        );
        assert!(s.account("siti").await.unwrap().unwrap().has_password(), "{}", db.label);
        assert_eq!(s.request_password_reset("siti", base, t).await.unwrap(), 0, "no address, no mail");

        assert!(
            s.set_person_email("lumajang", "lmj-pemohon", "bukan alamat", Some("lmj-kasi")).await.is_err()
        );
        s.set_person_email("lumajang", "lmj-pemohon", " Siti@Lumajangkab.go.id ", Some("lmj-kasi"))
            .await
            .unwrap();
        // The owner asks by address (as typed, any case); the old password still works.
        assert_eq!(
            s.request_password_reset("SITI@lumajangkab.go.id", base, t).await.unwrap(),
            1,
            "{}",
            db.label
        );
        assert_eq!(s.request_password_reset("tidak-ada", base, t).await.unwrap(), 0);
        assert!(s.account("siti").await.unwrap().unwrap().has_password());
        let mails = outbox_bodies(s, "lmj-pemohon").await;
        assert_eq!(mails.len(), 1, "{}", db.label);
        assert!(
            mails[0].contains("Nama pengguna: siti") && mails[0].contains("berlaku 1 jam"),
            "{}",
            mails[0]
        );
        let first = secret_in(&mails[0], base);
        // A few per hour; the newest link is the one that works.
        for _ in 1..OWNER_LINKS_PER_WINDOW + 2 {
            s.request_password_reset("siti", base, t + 1).await.unwrap();
        }
        let mails = outbox_bodies(s, "lmj-pemohon").await;
        assert_eq!(mails.len() as i64, OWNER_LINKS_PER_WINDOW, "{}: rate-limited per account", db.label);
        let newest = secret_in(mails.last().unwrap(), base);
        assert!(s.pending_reset(&first, t + 2).await.unwrap().is_none(), "{}", db.label);
        assert!(s.pending_reset(&newest, t + 1 + OWNER_LINK_MS).await.unwrap().is_none(), "an hour at most");
        assert_eq!(
            s.use_password_reset(&newest, &hash_password("rahasia-baru"), t + 2).await.unwrap(),
            "siti"
        );
        assert!(s.use_password_reset(&newest, &hash_password("lagi"), t + 3).await.is_err(), "once");

        // An administrator's link lasts a day and ends the old password at once.
        let secret = new_link_secret();
        s.reset_password_by_admin(store::ResetPassword {
            agency: "lumajang",
            username: "siti",
            kind: ResetKind::Link,
            secret: &secret,
            link_base: Some(base),
            by: "lmj-kasi",
            at: t + 4,
        })
        .await
        .unwrap();
        assert!(!s.account("siti").await.unwrap().unwrap().has_password());
        assert!(outbox_bodies(s, "lmj-pemohon").await.last().unwrap().contains(&format!("{base}{secret}")));
        assert!(s.pending_reset(&secret, t + 4 + 23 * 3_600_000).await.unwrap().is_some(), "{}", db.label);

        // A deactivated account gets no link, and its pending ones are spent.
        s.deactivate_account("lumajang", "siti", "lmj-kasi", t + 5).await.unwrap();
        assert!(s.pending_reset(&secret, t + 6).await.unwrap().is_none());
        assert_eq!(s.request_password_reset("siti", base, t + 2 * OWNER_LINK_MS).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn an_imported_account_without_a_password_matches_no_password() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "198001012010011001", "lmj-pemohon", NO_PASSWORD, false, t).await.unwrap();
        let account = s.account("198001012010011001").await.unwrap().unwrap();
        assert!(!account.has_password());
        for guess in ["", "!", "sopir-demo"] {
            assert!(!verify_password_or_dummy(guess, Some(&account.password_hash)), "{guess}");
        }
        let code = new_code();
        s.reset_password_by_admin(store::ResetPassword {
            agency: "lumajang",
            username: "198001012010011001",
            kind: ResetKind::Code,
            secret: &code,
            link_base: None,
            by: "lmj-kasi",
            at: t,
        })
        .await
        .unwrap();
        s.use_password_reset(&code, &hash_password("rahasia-baru"), t + 1).await.unwrap();
        let account = s.account("198001012010011001").await.unwrap().unwrap();
        assert!(verify_password_or_dummy("rahasia-baru", Some(&account.password_hash)), "{}", db.label);
    }
}

#[tokio::test]
async fn when_the_head_is_deactivated_the_administrator_who_did_it_hears_of_the_open_tasks() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "kadis", "lmj-kadis", &hash_password("x"), false, t).await.unwrap();
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        s.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, t)).await.unwrap();
        let done = s.deactivate_account("lumajang", "kadis", "lmj-kasi", t + 1).await.unwrap();
        assert_eq!(done.open_tasks.len(), 1, "{}", db.label);
        // Nobody is above the Head: the administrator who did it is told.
        assert_eq!(done.told, ["lmj-kasi"], "{}", db.label);
        let told = s.notifications("lumajang", "lmj-kasi").await.unwrap();
        assert!(
            told.iter().any(|m| m.contains("Tidak ada pelaksana lain") || m.contains("Pelaksana lain")),
            "{told:?}"
        );
    }
}
