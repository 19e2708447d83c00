//! Self-registration of OPD staff (issue 18), on every backend: a sign-up
//! is held apart until its address is confirmed (a single-use, expiring
//! link) and an administrator approves it — then it is a person, a login
//! and a requester of the agency's services; a known NIP or address holds
//! nothing and tells only the address; refused and stale sign-ups go.

mod common;

use common::{backends, wib};
use store::self_registration::{APPROVAL_MS, CONFIRM_MS, NewRegistration, Registered};
use store::{Store, StoreError, hash_password, verify_password_or_dummy};

const BASE: &str = "https://sopir.example/daftar/";

fn sign_up(nip: &str, email: &str) -> NewRegistration {
    NewRegistration {
        agency: "lumajang".into(),
        nip: nip.into(),
        name: "Dewi Lestari, S.Kom.".into(),
        unit: "lmj-dinkes".into(),
        email: email.into(),
    }
}

async fn mail_to(s: &Store, to: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM outbox WHERE to_address = $1 ORDER BY created_at, id")
        .bind(to)
        .fetch_all(s.pool())
        .await
        .unwrap()
}

async fn registrations(s: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM registrations").fetch_one(s.pool()).await.unwrap()
}

#[tokio::test]
async fn a_confirmed_and_approved_sign_up_becomes_a_requester_of_the_vpn() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.add_account("lumajang", "kasi", "lmj-kasi", &hash_password("x"), true, t).await.unwrap();
        s.set_mail_preference("lumajang", "lmj-kasi", "kasi@lumajangkab.go.id", true).await.unwrap();
        let nip = "199001012015032001";
        let got = s
            .register(
                &sign_up("1990 0101 2015 03 2 001", "Dewi@Dinkes.example"),
                &hash_password("rahasia-dewi"),
                "s3cret",
                BASE,
                t,
            )
            .await
            .unwrap();
        assert_eq!(got, Registered::LinkMailed, "{}", db.label);
        let mails = mail_to(s, "dewi@dinkes.example").await;
        assert!(mails[0].contains(&format!("{BASE}s3cret")), "{}: {mails:?}", db.label);
        assert!(
            s.pending_registrations("lumajang", t).await.unwrap().is_empty(),
            "unconfirmed: not yet pending"
        );
        // Cannot sign in: there is no login yet.
        assert!(s.account(nip).await.unwrap().is_none());

        s.confirm_registration("s3cret", t + 1).await.unwrap();
        assert!(
            matches!(s.confirm_registration("s3cret", t + 2).await, Err(StoreError::NotFound(_))),
            "{}: the link is single use",
            db.label
        );
        let told = mail_to(s, "kasi@lumajangkab.go.id").await;
        assert!(
            told.iter().any(|m| m.contains("Pendaftaran baru") && m.contains(nip)),
            "{}: {told:?}",
            db.label
        );
        let pending = s.pending_registrations("lumajang", t + 2).await.unwrap();
        assert_eq!(pending.len(), 1);
        assert!(s.pending_registrations("trenggalek", t + 2).await.unwrap().is_empty(), "another agency's");
        assert!(
            matches!(
                s.approve_registration(
                    "trenggalek",
                    &pending[0].id,
                    "tgx-kabid",
                    jiff::civil::date(2026, 11, 23),
                    t + 3
                )
                .await,
                Err(StoreError::NotFound(_))
            ),
            "{}: another agency's administrator cannot approve it",
            db.label
        );

        let approved = s
            .approve_registration(
                "lumajang",
                &pending[0].id,
                "lmj-kasi",
                jiff::civil::date(2026, 11, 23),
                t + 3,
            )
            .await
            .unwrap();
        assert_eq!(approved.username, nip);
        assert_eq!(approved.positions, ["pemohon"], "{}: the VPN's requester lane names it", db.label);
        let account = s.account(nip).await.unwrap().unwrap();
        assert!(verify_password_or_dummy("rahasia-dewi", Some(&account.password_hash)));
        assert!(!account.is_admin);
        assert_eq!(registrations(s).await, 0, "{}: the sign-up is gone", db.label);
        let org = s.organisation("lumajang").await.unwrap();
        let person = org.person(&approved.person).unwrap();
        assert_eq!((person.unit.as_str(), person.nip.as_deref()), ("lmj-dinkes", Some(nip)));
        assert!(mail_to(s, "dewi@dinkes.example").await.iter().any(|m| m.contains("disetujui")));

        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        let case = s
            .submit(store::Submit::new("lumajang", "lumajang/vpn", &approved.person, input, t + 4))
            .await
            .unwrap();
        assert_eq!(case.requester, approved.person, "{}", db.label);
        let kinds: Vec<String> =
            sqlx::query_scalar("SELECT kind FROM events WHERE case_id = '' ORDER BY seq")
                .fetch_all(s.pool())
                .await
                .unwrap();
        assert!(kinds.contains(&"registration-approved".to_string()), "{}: audit-logged", db.label);
    }
}

#[tokio::test]
async fn a_known_nip_or_address_holds_nothing_and_tells_only_the_address() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        // lmj-pemohon's NIP, from the demo people.
        let got = s
            .register(&sign_up("198709092011012009", "lain@dinkes.example"), "h", "a", BASE, t)
            .await
            .unwrap();
        assert_eq!(got, Registered::AlreadyKnown, "{}", db.label);
        assert_eq!(registrations(s).await, 0);
        let mails = mail_to(s, "lain@dinkes.example").await;
        assert!(mails[0].contains("sudah terdaftar") && !mails[0].contains(BASE), "{}: {mails:?}", db.label);

        // A second sign-up with an address already waiting.
        s.register(&sign_up("199001012015032001", "dewi@dinkes.example"), "h", "b", BASE, t).await.unwrap();
        let again = s
            .register(&sign_up("199202022016042002", "dewi@dinkes.example"), "h", "c", BASE, t)
            .await
            .unwrap();
        assert_eq!(again, Registered::AlreadyKnown, "{}", db.label);
        assert_eq!(registrations(s).await, 1);
    }
}

#[tokio::test]
async fn bad_fields_are_refused_each_with_its_reason_and_nothing_is_written() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        let bad = NewRegistration {
            agency: "lumajang".into(),
            nip: "199013012015032001".into(),
            name: " ".into(),
            unit: "lmj-diskominfo".into(),
            email: "bukan-alamat".into(),
        };
        let Err(StoreError::Engine(engine::EngineError::Invalid(errors))) =
            s.register(&bad, "h", "x", BASE, t).await
        else {
            panic!("{}: refused", db.label)
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["nip", "name", "unit", "email"], "{}: {errors:?}", db.label);
        assert!(errors[0].message.contains("tanggal lahir"), "{:?}", errors[0]);
        assert!(errors[2].message.contains("OPD"), "a division of the Dinas is not an OPD");
        assert_eq!(registrations(s).await, 0);
        let mails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(s.pool()).await.unwrap();
        assert_eq!(mails, 0, "{}", db.label);
    }
}

#[tokio::test]
async fn links_expire_refusals_are_mailed_and_stale_sign_ups_are_removed() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.register(&sign_up("199001012015032001", "dewi@dinkes.example"), "h", "late", BASE, t)
            .await
            .unwrap();
        assert!(
            matches!(s.confirm_registration("late", t + CONFIRM_MS).await, Err(StoreError::NotFound(_))),
            "{}: an expired link is refused",
            db.label
        );
        assert_eq!(s.expire_registrations(t + CONFIRM_MS).await.unwrap(), 1, "{}", db.label);

        s.register(&sign_up("199202022016042002", "rina@dinkes.example"), "h", "r", BASE, t).await.unwrap();
        s.confirm_registration("r", t).await.unwrap();
        let id = s.pending_registrations("lumajang", t).await.unwrap()[0].id.clone();
        assert!(
            matches!(
                s.refuse_registration("lumajang", &id, "  ", "lmj-kasi", t).await,
                Err(StoreError::Engine(engine::EngineError::Invalid(_)))
            ),
            "a reason is required"
        );
        s.refuse_registration("lumajang", &id, "Bukan pegawai Dinas Kesehatan.", "lmj-kasi", t)
            .await
            .unwrap();
        assert_eq!(registrations(s).await, 0);
        assert!(
            mail_to(s, "rina@dinkes.example")
                .await
                .iter()
                .any(|m| m.contains("Bukan pegawai Dinas Kesehatan."))
        );

        s.register(&sign_up("199303032017052003", "tono@dinkes.example"), "h", "w", BASE, t).await.unwrap();
        s.confirm_registration("w", t).await.unwrap();
        assert_eq!(s.expire_registrations(t + APPROVAL_MS - 1).await.unwrap(), 0, "{}", db.label);
        assert_eq!(s.expire_registrations(t + APPROVAL_MS).await.unwrap(), 1, "{}: never approved", db.label);
    }
}
