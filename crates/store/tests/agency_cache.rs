//! The organisation and calendar are kept in memory; a change is seen at
//! once by the process that made it and within a quarter of a second by
//! another process on the same database.

mod common;

use std::time::Duration;

use common::backends;
use engine::calendar::{DayOff, DayOffKind};
use engine::organisation::Holding;
use jiff::civil::date;
use store::Store;

#[tokio::test]
async fn changes_reach_this_process_at_once_and_others_soon() {
    for db in backends().await {
        let here = &db.store;
        let other = Store::open(&db.url).await.unwrap();
        let holds = |org: &engine::Organisation| {
            org.holdings.iter().any(|h| h.person == "lmj-petugas" && h.position == "administrator-jaringan")
        };
        // Both processes have read (and keep) the organisation and calendar.
        assert!(!holds(&here.organisation("lumajang").await.unwrap()));
        assert!(!holds(&other.organisation("lumajang").await.unwrap()));
        let day = date(2026, 12, 7);
        assert!(!other.calendar("lumajang").await.unwrap().days_off.contains_key(&day));

        here.add_holding(
            "lumajang",
            &Holding {
                person: "lmj-petugas".into(),
                position: "administrator-jaringan".into(),
                from: date(2026, 1, 1),
                until: None,
                acting: None,
            },
            None,
        )
        .await
        .unwrap();
        let off =
            DayOff { date: day, name: "Libur daerah".into(), kind: DayOffKind::Libur, source: "uji".into() };
        here.put_day_off("lumajang", &off, None).await.unwrap();
        assert!(holds(&here.organisation("lumajang").await.unwrap()), "{}: at once here", db.label);
        assert!(here.calendar("lumajang").await.unwrap().days_off.contains_key(&day), "{}", db.label);

        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(holds(&other.organisation("lumajang").await.unwrap()), "{}: soon elsewhere", db.label);
        assert!(other.calendar("lumajang").await.unwrap().days_off.contains_key(&day), "{}", db.label);
        other.close().await;
    }
}
