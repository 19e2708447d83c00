//! Publishing SOP versions, on every backend: a new version is recorded
//! with who published it (in the list of live SOPs and in the audit chain),
//! the same text again changes nothing, another text under a published
//! version or a version older than the newest is refused and changes
//! nothing, and the list counts the cases still running on each version.

mod common;

use common::{backends, wib};
use engine::Verdict;
use store::StoreError;
use store::demo::sample_input;
use store::record_event::Change;

const VPN: &str = include_str!("../../../sops/lumajang/vpn.toml");

fn as_version(version: u32, remark: &str) -> String {
    let line = VPN.lines().find(|l| l.starts_with("version = ")).unwrap();
    VPN.replacen(line, &format!("version = {version}"), 1).replacen(
        "output = \"Hak Akses VPN\"",
        &format!("output = \"Hak Akses VPN\"\nremarks = \"{remark}\""),
        1,
    )
}

#[tokio::test]
async fn a_new_version_names_its_publisher_and_refusals_change_nothing() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        assert_eq!(sop.version, 3, "{}", db.label);
        s.submit(store::Submit::new(
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            sample_input(sop.first_step(), Verdict::Ya),
            at,
        ))
        .await
        .unwrap();
        let chain = s.record_events("lumajang", 1000).await.unwrap().len();

        let v4 = as_version(4, "Revisi 2026");
        let published = s.publish_sop_by("vpn.toml", &v4, at + 1000, Some("lmj-kasi")).await.unwrap();
        assert!(published.new);
        assert_eq!(published.sop.version, 4);
        let records = s.record_events("lumajang", 1000).await.unwrap();
        assert_eq!(records.len(), chain + 1, "{}", db.label);
        let (event, record) = &records[0];
        assert_eq!(event.at, at + 1000);
        assert_eq!(record.by.as_deref(), Some("lmj-kasi"));
        assert!(
            matches!(&record.change, Change::SopPublished { sop, version: 4, .. } if sop == "lumajang/vpn"),
            "{record:?}"
        );

        // The same text again: nothing new, nothing recorded.
        let again = s.publish_sop_by("vpn.toml", &v4, at + 2000, Some("lmj-kasi")).await.unwrap();
        assert!(!again.new);
        // Another text under version 4, or an older version: refused.
        let changed = as_version(4, "Revisi lain");
        match s.publish_sop_by("vpn.toml", &changed, at + 3000, Some("lmj-kasi")).await {
            Err(e @ StoreError::VersionConflict { version: 4, newest: 4, .. }) => {
                assert!(e.to_string().contains("tulis version = 5"), "{e}");
            }
            other => panic!("expected a version conflict, got {other:?}"),
        }
        let v6 = as_version(6, "Revisi 6");
        s.publish_sop_by("vpn.toml", &v6, at + 4000, None).await.unwrap();
        match s.publish_sop_by("vpn.toml", &as_version(5, "Terlambat"), at + 5000, Some("lmj-kasi")).await {
            Err(e @ StoreError::StaleVersion { version: 5, newest: 6, .. }) => {
                assert!(e.to_string().contains("lebih lama daripada versi 6"), "{e}");
            }
            other => panic!("expected a stale version, got {other:?}"),
        }
        assert_eq!(s.record_events("lumajang", 1000).await.unwrap().len(), chain + 2, "{}", db.label);
        assert_eq!(s.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 6);

        let listed: Vec<_> = s
            .published_versions("lumajang")
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.sop_id == "lumajang/vpn")
            .map(|v| (v.version, v.published_by, v.open_cases, v.published_at))
            .collect();
        assert_eq!(
            listed,
            [
                (6, None, 0, at + 4000),
                (4, Some("lmj-kasi".into()), 0, at + 1000),
                (3, None, 1, wib(2026, 11, 2, 8, 0))
            ],
            "{}",
            db.label
        );
        // Another agency's list holds none of them.
        assert!(
            s.published_versions("trenggalek")
                .await
                .unwrap()
                .iter()
                .all(|v| v.sop_id.starts_with("trenggalek/"))
        );
    }
}
