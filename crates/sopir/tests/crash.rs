//! Durability: a real `sopir serve` takes requests from several clients and
//! is killed with SIGKILL at random moments, three times. After each
//! restart every request the server acknowledged is there, whole (no case
//! without its first tasks), and `sopir audit verify` passes. On SQLite
//! always; on PostgreSQL (ignored tests, run by `.ci/run` with
//! `--include-ignored` and `TEST_DATABASE_URL`), where two servers sharing
//! one database are also checked for lost or doubled work.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{PDF, free_port, login, start, token};

/// Submits VPN requests until the server dies; records each acknowledged one.
async fn keep_submitting(base: String, username: &'static str, acknowledged: Arc<Mutex<Vec<String>>>) {
    let Some(c) = login(&base, username).await else { return };
    loop {
        let Ok(page) = c.get(format!("{base}/layanan/lumajang/vpn")).send().await else { return };
        let Ok(body) = page.text().await else { return };
        let fields = [
            ("csrf", token(&body)),
            ("unit_kerja", "Bappeda".into()),
            ("nomor_surat", "005/123/427.25/2026".into()),
            ("tanggal_surat", "2026-11-20".into()),
            ("penanggung_jawab", "Siti Aminah".into()),
            ("nip_penanggung_jawab", "198709092011012009".into()),
            ("email_penanggung_jawab", "siti@lumajangkab.go.id".into()),
            ("telepon_penanggung_jawab", "081234567890".into()),
            ("keperluan", "Akses aplikasi perencanaan dari rumah dinas".into()),
        ];
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k, v);
        }
        let part = reqwest::multipart::Part::bytes(PDF.to_vec())
            .file_name("surat.pdf")
            .mime_str("application/pdf")
            .unwrap();
        form = form.part("surat_permohonan", part);
        match c.post(format!("{base}/layanan/lumajang/vpn")).multipart(form).send().await {
            Ok(r) if r.status() == 303 => {
                let location = r.headers()["location"].to_str().unwrap().to_string();
                let case =
                    location.trim_start_matches("/permohonan/").trim_end_matches("?baru=1").to_string();
                acknowledged.lock().unwrap().push(case);
            }
            Ok(r) => panic!("unexpected answer {}", r.status()),
            Err(_) => return,
        }
    }
}

/// A fresh PostgreSQL database on the server `TEST_DATABASE_URL` names.
async fn postgres_database(tag: &str) -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url).await.expect("TEST_DATABASE_URL reachable");
    let name = format!("sopir_{tag}_{}", std::process::id());
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&admin).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b).to_string();
    Some(format!("{base}/{name}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_requests_survive_kill_minus_nine() {
    crash_rounds(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn acknowledged_requests_survive_kill_minus_nine_on_postgresql() {
    let url = postgres_database("crash").await.expect("TEST_DATABASE_URL names a PostgreSQL server");
    crash_rounds(Some(&url)).await;
}

async fn crash_rounds(database: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    // Pseudo-random kill moments, different each run but bounded.
    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    for round in 0..3u64 {
        let mut server = start(dir.path(), port, database).await;
        let clients: Vec<_> = ["lmj-pemohon", "lmj-pemohon-2", "lmj-pemohon", "lmj-pemohon-2"]
            .into_iter()
            .map(|u| tokio::spawn(keep_submitting(base.clone(), u, acknowledged.clone())))
            .collect();
        let wait = 700 + (seed.wrapping_mul(round + 7) % 900);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.0.kill().unwrap(); // SIGKILL
        server.0.wait().unwrap();
        for c in clients {
            c.await.unwrap();
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 3, "the load did run: {} acknowledged", acknowledged.len());
    eprintln!("{} requests acknowledged across three SIGKILLs", acknowledged.len());

    // Restarted, the server knows every acknowledged request, each whole.
    let _server = start(dir.path(), port, database).await;
    let requester_1 = login(&base, "lmj-pemohon").await.unwrap();
    let requester_2 = login(&base, "lmj-pemohon-2").await.unwrap();
    let url = database
        .map_or_else(|| format!("sqlite://{}", dir.path().join("sopir.db").display()), str::to_string);
    let store = store::Store::open(&url).await.unwrap();
    for case in &acknowledged {
        let state = store
            .case("lumajang", case)
            .await
            .unwrap_or_else(|e| panic!("acknowledged case {case} lost: {e}"));
        assert_eq!(state.tasks.len(), 2, "case {case} whole: submission and the disposition task");
        let page_1 = requester_1.get(format!("{base}/permohonan/{case}")).send().await.unwrap().status();
        let page_2 = requester_2.get(format!("{base}/permohonan/{case}")).send().await.unwrap().status();
        assert!(page_1 == 200 || page_2 == 200, "case {case} shown to its requester");
    }
    // No case at all is half-applied, acknowledged or not.
    for summary in store.cases("lumajang").await.unwrap() {
        let state = store.case("lumajang", &summary.id).await.unwrap();
        assert_eq!(state.tasks.len(), 2, "case {} half-applied", summary.number);
    }
    store.close().await;
    let verify = Command::new(env!("CARGO_BIN_EXE_sopir"))
        .args(["audit", "verify", "--database-url", &url])
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

/// Two servers on one PostgreSQL: the Head disposes cases through one, the
/// Secretary the same cases through the other, at the same time. Every case
/// is disposed exactly once; the loser of each race is told who won.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn two_servers_on_one_postgresql_never_double_a_transition() {
    let url = postgres_database("two_servers").await.expect("TEST_DATABASE_URL names a PostgreSQL server");

    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let key = "cd".repeat(32);
    for dir in [dir_a.path(), dir_b.path()] {
        std::fs::write(dir.join("sopir.key"), &key).unwrap();
    }
    let (port_a, port_b) = (free_port(), free_port());
    let _a = start(dir_a.path(), port_a, Some(&url)).await;
    let _b = start(dir_b.path(), port_b, Some(&url)).await;
    let (base_a, base_b) = (format!("http://127.0.0.1:{port_a}"), format!("http://127.0.0.1:{port_b}"));

    // Cases submitted through both servers.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let submitters = [
        tokio::spawn(keep_submitting_for(base_a.clone(), "lmj-pemohon", acknowledged.clone(), 6)),
        tokio::spawn(keep_submitting_for(base_b.clone(), "lmj-pemohon-2", acknowledged.clone(), 6)),
    ];
    for s in submitters {
        s.await.unwrap();
    }
    let cases = acknowledged.lock().unwrap().clone();
    assert_eq!(cases.len(), 12);

    let head = login(&base_a, "lmj-kadis").await.unwrap();
    let secretary = login(&base_b, "lmj-sekdin").await.unwrap();
    let mut races = Vec::new();
    for case in &cases {
        for (client, base) in [(head.clone(), base_a.clone()), (secretary.clone(), base_b.clone())] {
            let case = case.clone();
            races.push(tokio::spawn(async move {
                let page = client
                    .get(format!("{base}/permohonan/{case}"))
                    .send()
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                let Some(at) = page.find("action=\"/permohonan/") else { return 0 };
                let action = page[at + 8..].split('"').next().unwrap().to_string();
                let form = reqwest::multipart::Form::new()
                    .text("csrf", token(&page))
                    .text("note", "Segera ditindaklanjuti");
                let answer = client.post(format!("{base}{action}")).multipart(form).send().await.unwrap();
                match answer.status().as_u16() {
                    303 => 1,
                    409 => {
                        let body = answer.text().await.unwrap();
                        assert!(body.contains("tugas ini sudah diselesaikan oleh"), "{body}");
                        0
                    }
                    other => panic!("unexpected {other}"),
                }
            }));
        }
    }
    let mut won = 0;
    for r in races {
        won += r.await.unwrap();
    }
    assert_eq!(won, cases.len(), "each case disposed exactly once");
    let store = store::Store::open(&url).await.unwrap();
    for case in &cases {
        let state = store.case("lumajang", case).await.unwrap();
        let dispositions =
            state.tasks.iter().filter(|t| t.step == 2 && t.status == engine::TaskStatus::Done).count();
        assert_eq!(dispositions, 1, "case {case}");
        assert_eq!(state.tasks.len(), 3, "case {case}: submission, disposition, the Kabid's task");
    }
    assert_eq!(store.verify_audit().await.unwrap().first_break, None);
}

/// Submits `count` VPN requests; records the acknowledged ones.
async fn keep_submitting_for(
    base: String,
    username: &'static str,
    acknowledged: Arc<Mutex<Vec<String>>>,
    count: usize,
) {
    let mine = Arc::new(Mutex::new(Vec::new()));
    let task = tokio::spawn(keep_submitting(base, username, mine.clone()));
    while mine.lock().unwrap().len() < count {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    acknowledged.lock().unwrap().extend(mine.lock().unwrap().iter().take(count).cloned());
}
