//! SOP drafts on every backend: begun from scratch, from a file or as a
//! revision, kept byte for byte; a save raises the revision and one made on
//! an older revision is refused and changes nothing; another agency never
//! sees a draft; every creation, save, deletion and publication is in the
//! audit chain with who made it.

mod common;

use common::{backends, wib};
use store::StoreError;
use store::record_event::Change;
use store::sop_drafts::{DraftOrigin, DraftStatus};

const VPN: &str = include_str!("../../../sops/lumajang/vpn.toml");

#[tokio::test]
async fn a_draft_is_saved_on_its_revision_and_a_stale_save_changes_nothing() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let chain = s.record_events("lumajang", 1000).await.unwrap().len();

        // Kept byte for byte, comments, CRLF and all.
        let uploaded = VPN.replace('\n', "\r\n");
        let draft =
            s.create_sop_draft("lumajang", DraftOrigin::Upload, &uploaded, "lmj-kasi", at).await.unwrap();
        assert_eq!((draft.revision, draft.status, draft.origin), (1, DraftStatus::Open, DraftOrigin::Upload));
        assert_eq!(draft.source, uploaded, "{}", db.label);
        assert_eq!(
            (draft.sop_id.as_str(), draft.title.as_str()),
            ("lumajang/vpn", "SOP Pengajuan Akses VPN")
        );
        assert_eq!((draft.created_by.as_str(), draft.created_at), ("lmj-kasi", at));

        let edited = VPN.replacen("time = \"5 menit\"", "time = \"7 menit\"", 1);
        let saved =
            s.save_sop_draft("lumajang", &draft.id, 1, &edited, "lmj-kabid", at + 1000).await.unwrap();
        assert_eq!(
            (saved.revision, saved.updated_by.as_str(), saved.updated_at),
            (2, "lmj-kabid", at + 1000)
        );
        assert_eq!(saved.created_by, "lmj-kasi");
        // The same text again: nothing new.
        let again = s.save_sop_draft("lumajang", &draft.id, 2, &edited, "lmj-kasi", at + 2000).await.unwrap();
        assert_eq!((again.revision, again.updated_at), (2, at + 1000));

        // A save made on revision 1, after revision 2: refused, nothing changed.
        match s.save_sop_draft("lumajang", &draft.id, 1, VPN, "lmj-kasi", at + 3000).await {
            Err(e @ StoreError::DraftChanged { revision: 2, .. }) => {
                assert!(e.to_string().contains("sudah disimpan orang lain"), "{e}");
                let StoreError::DraftChanged { by, at: when, .. } = e else { unreachable!() };
                assert_eq!((by.as_str(), when), ("lmj-kabid", at + 1000));
            }
            other => panic!("{}: expected a refusal, got {other:?}", db.label),
        }
        assert_eq!(s.sop_draft("lumajang", &draft.id).await.unwrap().source, edited);

        // Another agency neither lists, reads, saves nor deletes it.
        assert!(s.sop_drafts("trenggalek").await.unwrap().is_empty());
        assert!(matches!(s.sop_draft("trenggalek", &draft.id).await, Err(StoreError::NotFound(_))));
        let foreign = s.save_sop_draft("trenggalek", &draft.id, 2, "x", "tgx-kabid", at).await;
        assert!(matches!(foreign, Err(StoreError::NotFound(_))), "{foreign:?}");
        let foreign = s.delete_sop_draft("trenggalek", &draft.id, 2, "tgx-kabid", at).await;
        assert!(matches!(foreign, Err(StoreError::NotFound(_))), "{foreign:?}");
        assert_eq!(s.sop_drafts("lumajang").await.unwrap().len(), 1);

        // Published: it changes no more.
        let published =
            s.mark_sop_draft_published("lumajang", &draft.id, 2, 4, "lmj-kasi", at + 4000).await.unwrap();
        assert_eq!((published.status, published.published_version), (DraftStatus::Published, Some(4)));
        let late = s.save_sop_draft("lumajang", &draft.id, 2, VPN, "lmj-kasi", at + 5000).await;
        assert!(matches!(late, Err(StoreError::NotPermitted(_))), "{late:?}");

        // A blank one, deleted on its revision only.
        let blank = sop::draft_form::blank("lumajang", "lumajang/sop-baru");
        let other =
            s.create_sop_draft("lumajang", DraftOrigin::Blank, &blank, "lmj-kasi", at + 6000).await.unwrap();
        assert_eq!(s.sop_drafts("lumajang").await.unwrap()[0].id, other.id, "newest first");
        let stale = s.delete_sop_draft("lumajang", &other.id, 7, "lmj-kasi", at + 7000).await;
        assert!(matches!(stale, Err(StoreError::DraftChanged { revision: 1, .. })), "{stale:?}");
        s.delete_sop_draft("lumajang", &other.id, 1, "lmj-kasi", at + 7000).await.unwrap();
        assert!(matches!(s.sop_draft("lumajang", &other.id).await, Err(StoreError::NotFound(_))));

        let recorded = common::recorded_since(s, "lumajang", chain).await;
        let recorded: Vec<(&str, Option<&str>)> =
            recorded.iter().map(|(k, by)| (k.as_str(), by.as_deref())).collect();
        assert_eq!(
            recorded,
            [
                ("sop-draft-created", Some("lmj-kasi")),
                ("sop-draft-saved", Some("lmj-kabid")),
                ("sop-draft-published", Some("lmj-kasi")),
                ("sop-draft-created", Some("lmj-kasi")),
                ("sop-draft-deleted", Some("lmj-kasi")),
            ],
            "{}",
            db.label
        );
        let records = s.record_events("lumajang", 1000).await.unwrap();
        let (_, saved) = &records[records.len() - chain - 2];
        assert!(
            matches!(&saved.change, Change::SopDraftSaved { revision: 2, sha256, .. } if sha256.len() == 64),
            "{saved:?}"
        );
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
    }
}
