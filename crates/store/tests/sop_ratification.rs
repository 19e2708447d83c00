//! Review and ratification of SOP drafts on every backend: a draft goes to
//! the reviewer its sender names (never the sender), who comments on its
//! fields and returns or approves it; a head of the agency ratifies it —
//! numbered from the agency's SOP numbering, dated, the head as approver,
//! signed — and it is published as a version that is active from its
//! effective date. Every refusal changes nothing; every step is in the
//! audit chain; another agency sees and does nothing.

mod common;

use common::{backends, wib_now};
use store::StoreError;
use store::demo::CERTIFICATE_PASSPHRASE;
use store::sop_catalogue::CatalogueStatus;
use store::sop_drafts::{DraftOrigin, DraftStatus};
use store::sop_ratification::{DraftAct, Ratify};

fn now() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn act<'a>(draft: &'a str, revision: i64, by: &'a str) -> DraftAct<'a> {
    DraftAct { agency: "lumajang", draft, revision, by, at: now() }
}

/// The field a refusal names.
fn field_of<T>(result: &Result<T, StoreError>) -> Option<&str> {
    match result {
        Err(StoreError::Engine(engine::EngineError::Invalid(fields))) => {
            fields.first().map(|f| f.field.as_str())
        }
        _ => None,
    }
}

fn ratify(passphrase: &str) -> Ratify<'_> {
    Ratify { number: None, effective: None, passphrase }
}

#[tokio::test]
async fn a_draft_is_reviewed_approved_and_ratified_by_the_head_into_an_active_signed_version() {
    for db in backends().await {
        let s = &db.store;
        let chain = s.record_events("lumajang", 1000).await.unwrap().len();
        let live = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let (old, new) = (live.version, live.version + 1);
        let text = sop::draft_form::with_version(&live.source, new).unwrap();
        let d =
            s.create_sop_draft("lumajang", DraftOrigin::Revision, &text, "lmj-kasi", now()).await.unwrap();
        let id = d.id.as_str();

        // The sender never reviews; the reviewer is one of the agency's people.
        let own = s.send_sop_draft_for_review(act(id, 1, "lmj-kasi"), "lmj-kasi").await;
        assert!(field_of(&own) == Some("peninjau"), "{own:?}");
        let stranger = s.send_sop_draft_for_review(act(id, 1, "lmj-kasi"), "tgx-kabid").await;
        assert!(field_of(&stranger) == Some("peninjau"), "{stranger:?}");
        let sent = s.send_sop_draft_for_review(act(id, 1, "lmj-kasi"), "lmj-kabid").await.unwrap();
        assert_eq!((sent.status, sent.reviewer.as_deref()), (DraftStatus::InReview, Some("lmj-kabid")));

        // In review it is not changed, and only its reviewer judges it.
        let save = s.save_sop_draft("lumajang", id, 1, &live.source, "lmj-kasi", now()).await;
        assert!(matches!(save, Err(StoreError::NotPermitted(_))), "{save:?}");
        let other = s.comment_on_sop_draft(act(id, 1, "lmj-petugas"), "", "bagus").await;
        assert!(matches!(other, Err(StoreError::NotPermitted(_))), "{other:?}");
        let empty = s.comment_on_sop_draft(act(id, 1, "lmj-kabid"), "", "  ").await;
        assert!(field_of(&empty) == Some("catatan"), "{empty:?}");
        let unknown = s.comment_on_sop_draft(act(id, 1, "lmj-kabid"), "steps.99.time", "x").await;
        assert!(field_of(&unknown) == Some("bagian"), "{unknown:?}");
        let comment =
            s.comment_on_sop_draft(act(id, 1, "lmj-kabid"), "steps.4.time", "Terlalu lama").await.unwrap();
        assert_eq!((comment.quoted.as_str(), comment.revision), ("5 menit", 1), "{comment:?}");
        let too_early = s.approve_sop_draft(act(id, 1, "lmj-kasi")).await;
        assert!(matches!(too_early, Err(StoreError::NotPermitted(_))), "{too_early:?}");

        // Returned, fixed, sent again and approved.
        let back = s.return_sop_draft(act(id, 1, "lmj-kabid")).await.unwrap();
        assert_eq!(back.status, DraftStatus::Open);
        let fixed = text.replacen("time = \"5 menit\"", "time = \"3 menit\"", 1);
        let saved = s.save_sop_draft("lumajang", id, 1, &fixed, "lmj-kasi", now()).await.unwrap();
        s.send_sop_draft_for_review(act(id, saved.revision, "lmj-kasi"), "lmj-kabid").await.unwrap();
        let approved = s.approve_sop_draft(act(id, saved.revision, "lmj-kabid")).await.unwrap();
        assert_eq!(approved.status, DraftStatus::Approved);
        let comments = s.sop_draft_comments("lumajang", id).await.unwrap();
        assert_eq!(comments.len(), 1);
        let awaiting = s.sop_drafts_awaiting("lumajang", "lmj-kadis", now()).await.unwrap();
        assert_eq!(awaiting.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), [id]);
        assert!(s.sop_drafts_awaiting("lumajang", "lmj-kabid", now()).await.unwrap().is_empty());

        // Only a head ratifies; a wrong passphrase or a past date changes nothing.
        let r = saved.revision;
        let kabid = s.ratify_sop_draft(act(id, r, "lmj-kabid"), ratify(CERTIFICATE_PASSPHRASE)).await;
        assert!(matches!(kabid, Err(StoreError::NotPermitted(_))), "{kabid:?}");
        let wrong = s.ratify_sop_draft(act(id, r, "lmj-kadis"), ratify("salah")).await;
        assert!(field_of(&wrong) == Some("kata_sandi"), "{wrong:?}");
        let yesterday = wib_now().date().yesterday().unwrap();
        let past = Ratify { effective: Some(yesterday), ..ratify(CERTIFICATE_PASSPHRASE) };
        let past = s.ratify_sop_draft(act(id, r, "lmj-kadis"), past).await;
        assert!(field_of(&past) == Some("tanggal_efektif"), "{past:?}");
        assert_eq!(s.sop_draft("lumajang", id).await.unwrap().status, DraftStatus::Approved);
        assert_eq!(s.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, old);

        let ratified =
            s.ratify_sop_draft(act(id, r, "lmj-kadis"), ratify(CERTIFICATE_PASSPHRASE)).await.unwrap();
        let year = wib_now().year();
        assert_eq!(ratified.number, format!("427.53/1/SOP/{year}"), "the agency's SOP numbering");
        let active = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        assert_eq!(active.version, new, "in effect today: new cases start on it");
        assert_eq!(active.identity.nomor.value, ratified.number);
        assert_eq!(active.identity.disahkan_oleh.as_ref().unwrap().nama, "Bambang Santoso, S.STP");
        assert!(active.identity.tanggal_pengesahan.is_some() && active.identity.tanggal_revisi.is_some());
        assert!(active.source.contains("time = \"3 menit\""), "the fix is in the ratified text");
        let signed = s.signed_sop("lumajang", "lumajang/vpn", new).await.unwrap().unwrap();
        assert!(signed.pdf.starts_with(b"%PDF") && signed.pdf.windows(10).any(|w| w == b"/ByteRange"));
        assert_eq!(signed.ratified_by, "lmj-kadis");
        assert!(s.signed_sop("lumajang", "lumajang/vpn", old).await.unwrap().is_none());
        let done = s.sop_draft("lumajang", id).await.unwrap();
        assert_eq!((done.status, done.published_version), (DraftStatus::Ratified, Some(i64::from(new))));
        assert!(done.source.contains(&ratified.number), "the draft keeps what was ratified");

        // Another agency neither reads nor acts on it.
        assert!(s.sop_draft_comments("trenggalek", id).await.unwrap().is_empty());
        let foreign = DraftAct { agency: "trenggalek", ..act(id, r, "tgx-kabid") };
        assert!(matches!(s.return_sop_draft(foreign).await, Err(StoreError::NotFound(_))));

        let recorded = common::recorded_since(s, "lumajang", chain).await;
        let recorded: Vec<(&str, Option<&str>)> =
            recorded.iter().map(|(k, by)| (k.as_str(), by.as_deref())).collect();
        assert_eq!(
            recorded,
            [
                ("sop-draft-created", Some("lmj-kasi")),
                ("sop-draft-sent-for-review", Some("lmj-kasi")),
                ("sop-draft-commented", Some("lmj-kabid")),
                ("sop-draft-returned", Some("lmj-kabid")),
                ("sop-draft-saved", Some("lmj-kasi")),
                ("sop-draft-sent-for-review", Some("lmj-kasi")),
                ("sop-draft-approved", Some("lmj-kabid")),
                ("sop-ratified", Some("lmj-kadis")),
            ],
            "{}",
            db.label
        );
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
    }
}

#[tokio::test]
async fn a_draft_with_errors_is_not_sent_and_a_later_effective_date_waits() {
    for db in backends().await {
        let s = &db.store;
        let blank = sop::draft_form::blank("lumajang", "lumajang/sop-baru")
            .replace("lane = \"pemohon\"", "lane = \"tidak-ada\"");
        let d = s.create_sop_draft("lumajang", DraftOrigin::Blank, &blank, "lmj-kasi", now()).await.unwrap();
        let refused = s.send_sop_draft_for_review(act(&d.id, 1, "lmj-kasi"), "lmj-kabid").await;
        assert_eq!(field_of(&refused), Some("konsep"), "{refused:?}");
        assert!(format!("{refused:?}").contains("kesalahan"), "{refused:?}");
        assert_eq!(s.sop_draft("lumajang", &d.id).await.unwrap().status, DraftStatus::Open);

        // Effective tomorrow: ratified and signed, but not yet the active version.
        let live = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let text = sop::draft_form::with_version(&live.source, live.version + 1).unwrap();
        let d =
            s.create_sop_draft("lumajang", DraftOrigin::Revision, &text, "lmj-kasi", now()).await.unwrap();
        s.send_sop_draft_for_review(act(&d.id, 1, "lmj-kasi"), "lmj-kabid").await.unwrap();
        s.approve_sop_draft(act(&d.id, 1, "lmj-kabid")).await.unwrap();
        let tomorrow = wib_now().date().tomorrow().unwrap();
        let typed = Ratify {
            number: Some("800/12/SOP/2026"),
            effective: Some(tomorrow),
            ..ratify(CERTIFICATE_PASSPHRASE)
        };
        let ratified = s.ratify_sop_draft(act(&d.id, 1, "lmj-kadis"), typed).await.unwrap();
        assert_eq!(ratified.number, "800/12/SOP/2026", "a typed number wins");
        assert_eq!(
            s.sop("lumajang", "lumajang/vpn", None).await.unwrap().version,
            live.version,
            "{}",
            db.label
        );
        assert_eq!(
            s.sop("lumajang", "lumajang/vpn", Some(live.version + 1)).await.unwrap().identity.nomor.value,
            "800/12/SOP/2026"
        );

        // An identity page with parts left empty is not ratified.
        let text = sop::draft_form::with_version(&live.source, live.version + 2).unwrap();
        let mut form = sop::draft_form::SopForm::read(&text).unwrap();
        form.identity.dasar_hukum.clear();
        form.identity.peralatan = vec!["-".into()];
        let bare = form.write(&text).unwrap();
        let b =
            s.create_sop_draft("lumajang", DraftOrigin::Revision, &bare, "lmj-kasi", now()).await.unwrap();
        s.send_sop_draft_for_review(act(&b.id, 1, "lmj-kasi"), "lmj-kabid").await.unwrap();
        s.approve_sop_draft(act(&b.id, 1, "lmj-kabid")).await.unwrap();
        let refused = s.ratify_sop_draft(act(&b.id, 1, "lmj-kadis"), ratify(CERTIFICATE_PASSPHRASE)).await;
        assert_eq!(field_of(&refused), Some("konsep"), "{refused:?}");
        assert!(format!("{refused:?}").contains("Dasar hukum, Peralatan/perlengkapan"), "{refused:?}");
        assert_eq!(s.sop_draft("lumajang", &b.id).await.unwrap().status, DraftStatus::Approved);

        // A number another SOP holds is refused.
        let email = s.sop("lumajang", "lumajang/email", None).await.unwrap();
        let text = sop::draft_form::with_version(&email.source, email.version + 1).unwrap();
        let e =
            s.create_sop_draft("lumajang", DraftOrigin::Revision, &text, "lmj-kasi", now()).await.unwrap();
        s.send_sop_draft_for_review(act(&e.id, 1, "lmj-kasi"), "lmj-kabid").await.unwrap();
        s.approve_sop_draft(act(&e.id, 1, "lmj-kabid")).await.unwrap();
        let taken = Ratify { number: Some("800/12/SOP/2026"), ..ratify(CERTIFICATE_PASSPHRASE) };
        let taken = s.ratify_sop_draft(act(&e.id, 1, "lmj-kadis"), taken).await;
        assert!(field_of(&taken) == Some("nomor"), "{taken:?}");
        assert_eq!(s.sop_draft("lumajang", &e.id).await.unwrap().status, DraftStatus::Approved);
    }
}

#[tokio::test]
async fn the_catalogue_says_where_each_sop_stands_and_a_withdrawn_one_starts_no_case() {
    for db in backends().await {
        let s = &db.store;
        let status_of = |entries: &[store::sop_catalogue::CatalogueEntry], id: &str| {
            entries.iter().filter(|e| e.sop_id == id).map(|e| (e.status, e.version)).collect::<Vec<_>>()
        };
        let live = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let all = s.sop_catalogue("lumajang", now()).await.unwrap();
        assert_eq!(status_of(&all, "lumajang/vpn"), [(CatalogueStatus::Active, Some(live.version))]);
        assert!(all.iter().all(|e| e.status == CatalogueStatus::Active), "{all:?}");
        assert!(
            s.sop_catalogue("trenggalek", now())
                .await
                .unwrap()
                .iter()
                .all(|e| e.sop_id.starts_with("trenggalek/"))
        );

        // A revision ratified for tomorrow stands beside the active version;
        // a draft in review is listed as such.
        let text = sop::draft_form::with_version(&live.source, live.version + 1).unwrap();
        let d =
            s.create_sop_draft("lumajang", DraftOrigin::Revision, &text, "lmj-kasi", now()).await.unwrap();
        s.send_sop_draft_for_review(act(&d.id, 1, "lmj-kasi"), "lmj-kabid").await.unwrap();
        let all = s.sop_catalogue("lumajang", now()).await.unwrap();
        assert_eq!(
            status_of(&all, "lumajang/vpn"),
            [
                (CatalogueStatus::InReview, Some(live.version + 1)),
                (CatalogueStatus::Active, Some(live.version))
            ]
        );
        s.approve_sop_draft(act(&d.id, 1, "lmj-kabid")).await.unwrap();
        let tomorrow = wib_now().date().tomorrow().unwrap();
        let later = Ratify { effective: Some(tomorrow), ..ratify(CERTIFICATE_PASSPHRASE) };
        s.ratify_sop_draft(act(&d.id, 1, "lmj-kadis"), later).await.unwrap();
        let all = s.sop_catalogue("lumajang", now()).await.unwrap();
        assert_eq!(
            status_of(&all, "lumajang/vpn"),
            [
                (CatalogueStatus::Ratified, Some(live.version + 1)),
                (CatalogueStatus::Active, Some(live.version))
            ]
        );
        let ratified = all.iter().find(|e| e.status == CatalogueStatus::Ratified).unwrap();
        assert_eq!(ratified.effective_on.map(|d| d.to_string()), Some(tomorrow.to_string()));
        assert_eq!(ratified.number, format!("427.53/1/SOP/{}", wib_now().year()));

        // Withdrawn: no new case; listed as withdrawn; in the chain.
        s.withdraw_sop("lumajang", "lumajang/vpn", "lmj-kasi", now()).await.unwrap();
        let all = s.sop_catalogue("lumajang", now()).await.unwrap();
        assert_eq!(status_of(&all, "lumajang/vpn"), [(CatalogueStatus::Withdrawn, Some(live.version + 1))]);
        assert!(!s.sop_ids("lumajang").await.unwrap().contains(&"lumajang/vpn".to_string()));
        assert!(matches!(s.sop("lumajang", "lumajang/vpn", None).await, Err(StoreError::NotFound(_))));
        assert_eq!(
            s.sop("lumajang", "lumajang/vpn", Some(live.version)).await.unwrap().version,
            live.version
        );
        let again = s.withdraw_sop("lumajang", "lumajang/vpn", "lmj-kasi", now()).await;
        assert!(matches!(again, Err(StoreError::NotFound(_))), "{again:?}");
        let foreign = s.withdraw_sop("trenggalek", "lumajang/vpn", "tgx-kabid", now()).await;
        assert!(matches!(foreign, Err(StoreError::NotFound(_))), "{foreign:?}");
        let records = s.record_events("lumajang", 1).await.unwrap();
        assert_eq!(
            (records[0].0.kind.as_str(), records[0].1.by.as_deref()),
            ("sop-withdrawn", Some("lmj-kasi"))
        );

        // Restored: in use again, on the version in effect.
        s.restore_sop("lumajang", "lumajang/vpn", "lmj-kasi", now()).await.unwrap();
        assert_eq!(s.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, live.version);
        let all = s.sop_catalogue("lumajang", now()).await.unwrap();
        assert_eq!(
            status_of(&all, "lumajang/vpn"),
            [
                (CatalogueStatus::Ratified, Some(live.version + 1)),
                (CatalogueStatus::Active, Some(live.version))
            ]
        );
        let again = s.restore_sop("lumajang", "lumajang/vpn", "lmj-kasi", now()).await;
        assert!(matches!(again, Err(StoreError::NotFound(_))), "{again:?}");
        let records = s.record_events("lumajang", 1).await.unwrap();
        assert_eq!(records[0].0.kind, "sop-restored");
    }
}
