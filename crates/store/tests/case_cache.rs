//! A case read is kept folded in memory and brought up to date from the
//! events after it: steps taken by another process (another server on the
//! same database) are seen, and so is history rewritten under the kept copy.

mod common;

use common::{MINUTE, advance, backends, submit_vpn, wib};
use store::{Store, forgery};

#[tokio::test]
async fn a_kept_case_follows_the_steps_another_process_takes() {
    for db in backends().await {
        let here = &db.store;
        let other = Store::open(&db.url).await.unwrap();
        let t = wib(2026, 11, 23, 9, 0);
        let submitted = submit_vpn(here, t).await;
        // Both keep the case as submitted.
        assert_eq!(here.case("lumajang", &submitted.id).await.unwrap(), submitted, "{}", db.label);
        assert_eq!(other.case("lumajang", &submitted.id).await.unwrap(), submitted);

        // A step taken elsewhere is seen here; the next one, taken here,
        // starts from it.
        let second = advance(&other, "lumajang", &submitted, t + MINUTE).await;
        assert_eq!(here.case("lumajang", &submitted.id).await.unwrap(), second, "{}", db.label);
        let third = advance(here, "lumajang", &second, t + 2 * MINUTE).await;
        assert_ne!(third, second);
        assert_eq!(other.case("lumajang", &submitted.id).await.unwrap(), third, "{}", db.label);
        assert_eq!(here.case("lumajang", &submitted.id).await.unwrap(), third);

        // Read afresh by a process that kept nothing, it is the same.
        let fresh = Store::open(&db.url).await.unwrap();
        assert_eq!(fresh.case("lumajang", &submitted.id).await.unwrap(), third, "{}", db.label);
        fresh.close().await;
        other.close().await;
    }
}

#[tokio::test]
async fn a_kept_case_whose_last_event_is_gone_is_read_afresh() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        let submitted = submit_vpn(s, t).await;
        let second = advance(s, "lumajang", &submitted, t + MINUTE).await;
        assert_eq!(s.case("lumajang", &submitted.id).await.unwrap(), second, "{}: kept", db.label);

        // An intruder cuts the newest event of the agency's chain (this
        // case's last) and relinks the chain. With nothing after the kept
        // copy's last event, only checking that event finds the change.
        forgery::rewrite(s, "lumajang", 1, |payload| payload.to_string(), 1).await.unwrap();
        let fresh = Store::open(&db.url).await.unwrap();
        let now = fresh.case("lumajang", &submitted.id).await.unwrap();
        fresh.close().await;
        assert_ne!(now, second, "{}: the cut event was this case's", db.label);
        assert_eq!(s.case("lumajang", &submitted.id).await.unwrap(), now, "{}", db.label);
    }
}
