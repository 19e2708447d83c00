//! On PostgreSQL the writes of different agencies proceed side by side:
//! a command of one agency holding its lane (its transaction open, its
//! chain head taken) does not hold up another agency's command, while that
//! agency's next command, and an installation command (which may touch any
//! agency), wait their turn. The chains verify afterwards.

mod common;

use std::time::Duration;

use common::wib;
use engine::calendar::{DayOff, DayOffKind};
use jiff::civil::date;
use store::Submit;
use store::idempotency::Replay;

fn day_off(day: i8) -> DayOff {
    DayOff {
        date: date(2026, 12, day),
        name: "Libur daerah".into(),
        kind: DayOffKind::Libur,
        source: "SK".into(),
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn writes_of_different_agencies_proceed_side_by_side() {
    let db = common::postgres().await.expect("TEST_DATABASE_URL names a PostgreSQL server");
    let s = &db.store;
    store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
    let now = wib(2026, 11, 23, 9, 0);
    let vpn = sop::Catalog::builtin().sop("lumajang/vpn").unwrap().clone();
    let input = store::demo::sample_input(vpn.first_step(), engine::Verdict::Ya);
    let replay = Replay { username: "lmj-pemohon".into(), key: "k".into(), fingerprint: "f".into(), at: now };

    // Lumajang's request, its answer not kept yet: its transaction is open
    // and holds Lumajang's chain head.
    let held = s
        .submit_answering(Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, now), replay)
        .await
        .unwrap();

    // Trenggalek's change goes through meanwhile.
    let (eighth, ninth) = (day_off(8), day_off(9));
    let other = tokio::time::timeout(
        Duration::from_secs(20),
        s.put_day_off("trenggalek", &eighth, Some("tgx-kabid")),
    );
    other.await.expect("Trenggalek is not held up by Lumajang").unwrap();

    // Lumajang's next change, and a command of the installation, wait.
    let mut next = Box::pin(s.put_day_off("lumajang", &ninth, Some("lmj-kasi")));
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut next).await.is_err(),
        "Lumajang's next waits"
    );
    let mut anchor = Box::pin(s.anchor_chains(jiff::Timestamp::now()));
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut anchor).await.is_err(),
        "the installation waits"
    );

    held.answer(201, "{}").await.unwrap();
    // Both polled together, as a server's tasks are: the installation's
    // command may take Lumajang's head first and wait to be polled on.
    let (next, anchor) = tokio::join!(next, anchor);
    next.unwrap();
    anchor.unwrap();
    let report = s.verify_audit().await.unwrap();
    assert_eq!((report.first_break, report.chains), (None, 2));
    let days = |agency: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM days_off WHERE agency_id = $1 AND name = 'Libur daerah'",
        )
        .bind(agency)
        .fetch_one(s.pool())
        .await
        .unwrap()
    };
    assert_eq!((days("lumajang").await, days("trenggalek").await), (1, 1));
}
