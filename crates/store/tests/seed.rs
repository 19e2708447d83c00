//! The large-data generator writes real histories: every case on the hash
//! chain (which still verifies), closed, rejected and open ones, registry
//! entries for the registry SOPs, and figures the report can count.

mod common;

use common::{backends, wib};

#[tokio::test]
async fn seeded_histories_are_whole_and_countable() {
    for db in backends().await {
        let s = &db.store;
        let until = wib(2026, 11, 20, 16, 0);
        let mut rounds = 0;
        let seeded = s.seed_history(120, until, |_| rounds += 1).await.unwrap();
        assert_eq!((seeded.existing, seeded.cases), (0, 120), "{}", db.label);
        assert!(rounds >= 1);
        assert!(seeded.transitions > 120 * 5, "{}: {seeded:?}", db.label);
        assert!(seeded.open > 0 || seeded.rejected > 0, "{}: some cases do not simply complete", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
        let lumajang = s.cases("lumajang").await.unwrap();
        let trenggalek = s.cases("trenggalek").await.unwrap();
        assert_eq!(lumajang.len() + trenggalek.len(), 120, "{}", db.label);
        // A run to a target the database already reaches adds nothing.
        let again = s.seed_history(100, until, |_| {}).await.unwrap();
        assert_eq!((again.existing, again.cases), (120, 0), "{}", db.label);
        assert!(!trenggalek.is_empty(), "both agencies");
        let completed = lumajang.iter().filter(|c| c.status == engine::CaseStatus::Completed).count();
        assert!(completed > lumajang.len() / 2, "{}: most close", db.label);
        let vpn = s.registry("lumajang", "vpn", &Default::default()).await.unwrap();
        assert!(!vpn.is_empty(), "{}: the VPN registry is filled", db.label);
        let report = s.report("lumajang", until - 366 * 24 * 3_600_000, until).await.unwrap();
        let started: i64 = report.sops.iter().map(|f| f.started).sum();
        assert_eq!(started as usize, lumajang.len(), "{}", db.label);
        assert!(report.steps.values().any(|(_, f)| f.breaches > 0), "{}: some steps late", db.label);
        // A stopped run is continued by asking for the larger total again.
        let more = s.seed_history(160, until, |_| {}).await.unwrap();
        assert_eq!((more.existing, more.cases), (120, 40), "{}", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None, "{}", db.label);
        let all = s.cases("lumajang").await.unwrap().len() + s.cases("trenggalek").await.unwrap().len();
        assert_eq!(all, 160, "{}", db.label);
    }
}

/// The yearly report reads monthly totals kept as tasks complete; they must
/// count exactly what the tasks hold, be rebuilt identically from the tasks
/// by a server opening an older database, and agree with the days read
/// straight from the tasks at a period's ragged edges.
#[tokio::test]
async fn monthly_totals_count_what_the_tasks_and_cases_hold() {
    use sqlx::Row;
    for db in backends().await {
        let s = &db.store;
        s.seed_history(150, wib(2026, 11, 20, 16, 0), |_| {}).await.unwrap();
        let done_between = |from: i64, to: i64| {
            let pool = s.pool().clone();
            async move {
                let r = sqlx::query(
                    "SELECT COUNT(*) AS n, CAST(SUM(CASE WHEN late_minutes IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS late
                     FROM tasks WHERE agency_id = 'lumajang' AND status = 'done' AND work_minutes IS NOT NULL
                     AND done_at >= $1 AND done_at < $2",
                )
                .bind(from)
                .bind(to)
                .fetch_one(&pool)
                .await
                .unwrap();
                (r.get::<i64, _>("n"), r.try_get::<i64, _>("late").unwrap_or(0))
            }
        };
        let totals = |report: &store::report::Report| {
            let done: i64 = report.steps.values().map(|(_, f)| f.done).sum();
            let breaches: i64 = report.steps.values().map(|(_, f)| f.breaches).sum();
            (done, breaches)
        };

        // Whole months (November 2025 to November 2026) from the totals.
        let (year_from, year_to) = (wib(2025, 11, 1, 0, 0), wib(2026, 12, 1, 0, 0));
        let year = s.report("lumajang", year_from, year_to).await.unwrap();
        assert_eq!(totals(&year), done_between(year_from, year_to).await, "{}", db.label);
        assert!(totals(&year).0 > 100, "{}: the history has completed tasks", db.label);

        // Ragged edges: part of March from the tasks, April and May from
        // the totals, part of June from the tasks again.
        let (odd_from, odd_to) = (wib(2026, 3, 15, 9, 30), wib(2026, 6, 10, 0, 0));
        let odd = s.report("lumajang", odd_from, odd_to).await.unwrap();
        assert_eq!(totals(&odd), done_between(odd_from, odd_to).await, "{}", db.label);

        // Cases per SOP and outcome, whole months and ragged edges alike.
        for (report, from, to) in [(&year, year_from, year_to), (&odd, odd_from, odd_to)] {
            let rows = sqlx::query(
                "SELECT sop_id, COUNT(*) AS n, CAST(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS BIGINT) AS still_open
                 FROM cases WHERE agency_id = 'lumajang' AND opened_at >= $1 AND opened_at < $2
                 GROUP BY sop_id ORDER BY sop_id",
            )
            .bind(from)
            .bind(to)
            .fetch_all(s.pool())
            .await
            .unwrap();
            let expected: Vec<(String, i64, i64)> =
                rows.iter().map(|r| (r.get("sop_id"), r.get("n"), r.get("still_open"))).collect();
            let counted: Vec<(String, i64, i64)> =
                report.sops.iter().map(|f| (f.sop_id.clone(), f.started, f.open)).collect();
            assert_eq!(counted, expected, "{}", db.label);
            assert!(report.sops.iter().all(|f| f.started == f.completed + f.rejected + f.withdrawn + f.open));
        }
        assert!(year.sops.iter().any(|f| f.open > 0 && f.completed > 0), "{}", db.label);

        // An older database: the totals rebuilt from the tasks and cases on opening.
        for table in ["report_months", "report_months_filled", "case_months", "case_months_filled"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(s.pool()).await.unwrap();
        }
        let reopened = store::Store::open(&db.url).await.unwrap();
        assert_eq!(reopened.report("lumajang", year_from, year_to).await.unwrap(), year, "{}", db.label);
        assert_eq!(reopened.report("lumajang", odd_from, odd_to).await.unwrap(), odd, "{}", db.label);
        reopened.close().await;
    }
}

/// A long backlog is read page by page in urgency order, every open task
/// once, and the count agrees.
#[tokio::test]
async fn a_backlog_pages_in_urgency_order() {
    for db in backends().await {
        let s = &db.store;
        s.seed_history(300, wib(2026, 11, 20, 16, 0), |_| {}).await.unwrap();
        let (busiest, count): (String, i64) = {
            use sqlx::Row;
            let r = sqlx::query(
                "SELECT k.person_id, COUNT(*) AS n FROM task_candidates k JOIN tasks t ON t.id = k.task_id
                 WHERE k.is_open = 1 AND t.status = 'open' AND t.agency_id = 'lumajang'
                 GROUP BY k.person_id ORDER BY n DESC, k.person_id LIMIT 1",
            )
            .fetch_one(s.pool())
            .await
            .unwrap();
            (r.get("person_id"), r.get("n"))
        };
        assert!(count > 3, "{}: someone has a backlog ({count})", db.label);
        assert_eq!(s.open_task_count("lumajang", &busiest).await.unwrap(), count, "{}", db.label);
        let mut seen = Vec::new();
        let mut after: Option<(i64, i64, String)> = None;
        loop {
            let key = after.as_ref().map(|(d, st, id)| (*d, *st, id.as_str()));
            let page = s.open_tasks_after("lumajang", &busiest, key, 3).await.unwrap();
            assert!(page.len() <= 3);
            let Some(last) = page.last() else { break };
            after = Some((last.due_at.unwrap_or(i64::MAX), last.started_at, last.task.clone()));
            seen.extend(page);
        }
        assert_eq!(seen.len() as i64, count, "{}", db.label);
        let keys: Vec<_> =
            seen.iter().map(|t| (t.due_at.unwrap_or(i64::MAX), t.started_at, t.task.clone())).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(keys, sorted, "{}: in order, none twice", db.label);
    }
}

/// A registry is read page by page in SQL (newest first), and its counts
/// per state agree with the entries.
#[tokio::test]
async fn a_registry_pages_and_counts_in_the_database() {
    use store::registry::Filter;
    for db in backends().await {
        let s = &db.store;
        s.seed_history(200, wib(2026, 11, 20, 16, 0), |_| {}).await.unwrap();
        let all = s.registry("lumajang", "vpn", &Filter::default()).await.unwrap();
        assert!(all.len() > 10, "{}: {} entries", db.label, all.len());
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let filter = Filter { after: after.clone(), limit: Some(7), ..Filter::default() };
            let page = s.registry("lumajang", "vpn", &filter).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some((last.created_at, last.id.clone()));
            paged.extend(page);
        }
        let ids = |v: &[store::registry::Entry]| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&paged), ids(&all), "{}", db.label);

        let (states, expired) = s.registry_counts("lumajang", "vpn").await.unwrap();
        assert_eq!(states.iter().map(|(_, n)| n).sum::<i64>(), all.len() as i64, "{}", db.label);
        let expired_only = Filter { expired_only: true, ..Filter::default() };
        let listed = s.registry("lumajang", "vpn", &expired_only).await.unwrap();
        assert_eq!(expired, listed.len() as i64, "{}", db.label);
        assert_eq!(expired, all.iter().filter(|e| e.expired).count() as i64, "{}", db.label);
    }
}
