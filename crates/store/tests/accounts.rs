//! Logins, sessions, lockout and files, on every backend.

mod common;

use common::{backends, wib};
use store::{StoreError, hash_password, verify_password};

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
async fn sessions_lockout_and_files() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "siti", "lmj-pemohon", &hash_password("x"), false, t).await.unwrap();
        assert!(matches!(
            s.add_account("lumajang", "siti", "lmj-pemohon-2", "h", false, t).await,
            Err(StoreError::AlreadyExists(_))
        ));
        s.create_session("sess-1", "siti", "csrf-1", t, t + 1000).await.unwrap();
        let (account, csrf) = s.session("sess-1", t + 1).await.unwrap().unwrap();
        assert_eq!((account.person_id.as_str(), csrf.as_str()), ("lmj-pemohon", "csrf-1"));
        assert!(s.session("sess-1", t + 1000).await.unwrap().is_none(), "expired");
        assert!(s.session("nope", t).await.unwrap().is_none());

        for i in 0..5 {
            s.login_failed("siti", t + i).await.unwrap();
        }
        let locked = s.account("siti").await.unwrap().unwrap();
        assert_eq!(locked.failed_logins, 5);
        assert_eq!(locked.locked_until, t + 4 + 60_000);
        s.login_succeeded("siti").await.unwrap();
        assert_eq!(s.account("siti").await.unwrap().unwrap().locked_until, 0);

        s.create_session("sess-2", "siti", "c", t, t + 10_000).await.unwrap();
        s.set_password("siti", &hash_password("baru")).await.unwrap();
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
            s.submit_with_uploads(
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon",
                bad,
                vec![upload(b"%PDF-1.4 x")],
                t
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
            .submit_with_uploads(
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon",
                input,
                vec![upload(b"%PDF-1.4 x")],
                t,
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
