//! The head's dashboard and the list of all cases over HTTP: figures from
//! real cases, each chart's CSV, search, filters and paging; nobody else
//! sees them.

mod common;

use common::{Api, Browser, spawn};
use reqwest::StatusCode;

#[tokio::test]
async fn the_head_sees_every_case_in_flight() {
    let app = spawn().await;
    let now = jiff::Timestamp::now().as_millisecond();
    let done = app.submit_vpn(now - 3_600_000).await;
    let done = app.finish(done, now - 3_600_000).await;
    let mut open = Vec::new();
    for i in 0..52 {
        open.push(app.submit_vpn(now - 10 * 86_400_000 + i * 60_000).await);
    }

    let head = Browser::login(&app, "lmj-kadis").await;
    let page = head.get("/dasbor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for section in ["per-bulan", "tepat-waktu", "terlambat", "umur", "ikm"] {
        assert!(page.body.contains(&format!("id=\"{section}\"")), "{section}");
    }
    assert!(page.body.contains("Semua permohonan yang sedang berjalan (52)"), "{}", page.body);
    let months = head.get("/dasbor/bulan.csv").await.body;
    let this_month: i64 = months
        .lines()
        .filter(|l| l.starts_with("lumajang/vpn,"))
        .map(|l| l.rsplit(',').next().unwrap().trim().parse::<i64>().unwrap())
        .sum();
    assert_eq!(this_month, 53, "every case counted in its month: {months}");
    let ages = head.get("/dasbor/umur.csv").await.body;
    assert!(ages.contains("7–30 hari,52"), "{ages}");
    let on_time = head.get("/dasbor/tepat-waktu.csv").await.body;
    assert!(on_time.lines().nth(1).unwrap().starts_with("lumajang/vpn,"), "{on_time}");
    assert_eq!(head.get("/dasbor/lain.csv").await.status, StatusCode::NOT_FOUND);

    // All running cases, fifty a page, then the rest.
    let first = head.get("/permohonan/semua?status=open").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("<tr data-case=").count(), 50);
    assert!(!first.body.contains(&done.number), "a completed case is not running");
    let next = first
        .body
        .split("href=\"/permohonan/semua?")
        .nth(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"));
    let next = head.get(&format!("/permohonan/semua?{}", next.expect("a next page"))).await;
    assert_eq!(next.body.matches("<tr data-case=").count(), 2, "{}", next.body);

    // Search by part of a number, any case; by the requester's name.
    let wanted = &open[7].number;
    let part = &wanted[wanted.len() - 4..];
    let found = head.get(&format!("/permohonan/semua?q={}", part.to_lowercase())).await;
    assert!(found.body.contains(wanted.as_str()), "{}", found.body);
    let name = app.store.organisation("lumajang").await.unwrap().name("lmj-pemohon").to_string();
    let part: String = name.chars().skip(1).take(5).collect();
    let by_name = head.get(&format!("/permohonan/semua?q={}", part.to_uppercase())).await;
    assert_eq!(by_name.body.matches("<tr data-case=").count(), 50, "{part}: {}", by_name.body);
    for wild in ["%25", "_"] {
        let page = head.get(&format!("/permohonan/semua?q={wild}")).await;
        assert!(
            page.body.contains("Tidak ada permohonan yang cocok."),
            "{wild} is looked for, not a wildcard"
        );
    }
    let with_dash = &wanted[wanted.len() - 8..];
    assert!(with_dash.contains('-'), "{with_dash}");
    let found = head.get(&format!("/permohonan/semua?q={with_dash}")).await;
    assert!(found.body.contains(wanted.as_str()), "{with_dash}: {}", found.body);
    let completed = head.get("/permohonan/semua?status=completed&layanan=lumajang/vpn").await;
    assert_eq!(completed.body.matches("<tr data-case=").count(), 1);
    let none = head.get("/permohonan/semua?layanan=lumajang/email").await;
    assert!(none.body.contains("Tidak ada permohonan yang cocok."));
    let bad = head.get("/permohonan/semua?status=macet").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("macet"));

    // The same figures through the API.
    let (status, _, view) = Api::of(&app, "lmj-kadis").await.get("/dashboard").await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["months"].as_array().unwrap().len(), 12);
    let vpn = view["services"].as_array().unwrap().iter().find(|s| s["sop"] == "lumajang/vpn").unwrap();
    assert_eq!(vpn["cases"].as_array().unwrap().iter().map(|n| n.as_i64().unwrap()).sum::<i64>(), 53);
    assert_eq!(view["open_by_age"][3]["open"], 52, "{view}");
    assert_eq!(view["open_by_age"][4].get("to_days"), None);
    let (status, _, _) = Api::of(&app, "lmj-pemohon").await.get("/dashboard").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The Kabid reads reports but has had no part in the requests still at
    // the Kepala Dinas: listed, not opened from here.
    let kabid = Browser::login(&app, "lmj-kabid").await;
    let listed = kabid.get("/permohonan/semua?status=open").await.body;
    assert_eq!(listed.matches("<tr data-case=").count(), 50);
    assert_eq!(listed.matches("<td><a href=\"/permohonan/").count(), 0, "{listed}");
    let theirs = kabid.get("/permohonan/semua?status=completed").await.body;
    assert_eq!(theirs.matches("<td><a href=\"/permohonan/").count(), 1, "the one they acted on opens");

    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/dasbor").await.status, StatusCode::FORBIDDEN);
    assert_eq!(requester.get("/permohonan/semua").await.status, StatusCode::FORBIDDEN);
    assert_eq!(requester.get("/dasbor/bulan.csv").await.status, StatusCode::FORBIDDEN);
    // Another agency's head sees none of Lumajang's cases.
    let other = Browser::login(&app, "tgx-kadis").await;
    let theirs = other.get("/permohonan/semua").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains(&done.number));
}
