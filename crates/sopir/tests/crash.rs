//! Durability: a real `sopir serve` takes requests from several clients and
//! is killed with SIGKILL at random moments, three times. After each
//! restart every request the server acknowledged is there, whole (no case
//! without its first tasks), and `sopir audit verify` passes.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(dir: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_sopir"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(dir)
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sopir serve starts");
    let server = Server(child);
    for _ in 0..300 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn token(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    body[at..].split('"').next().unwrap().to_string()
}

async fn login(base: &str, username: &str) -> Option<reqwest::Client> {
    let c = client();
    let page = c.get(format!("{base}/login")).send().await.ok()?.text().await.ok()?;
    let form = [("csrf", token(&page)), ("username", username.into()), ("password", "sopir-demo".into())];
    let done = c.post(format!("{base}/login")).form(&form).send().await.ok()?;
    (done.status() == 303).then_some(c)
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_requests_survive_kill_minus_nine() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    // Pseudo-random kill moments, different each run but bounded.
    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64;
    for round in 0..3u64 {
        let mut server = start(dir.path(), port).await;
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
    let _server = start(dir.path(), port).await;
    let requester_1 = login(&base, "lmj-pemohon").await.unwrap();
    let requester_2 = login(&base, "lmj-pemohon-2").await.unwrap();
    let url = format!("sqlite://{}", dir.path().join("sopir.db").display());
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
