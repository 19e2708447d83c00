//! `sopir bench`: starts a real `sopir serve` on a temporary database (or
//! several on one PostgreSQL database) and drives complete VPN cases
//! through the JSON API with concurrent clients, each person calling with
//! their own token — of Lumajang, or spread over Lumajang and copies of its
//! structure (`--agencies`). Prints cases/s,
//! durable transitions/s, latency percentiles per kind of request, errors,
//! the server's peak memory and the database size, the CPU time the
//! servers spent per transition (what bounds throughput on a machine whose
//! cores are busy), and — for scale — the rate of bare fsynced single-row
//! SQLite commits on the same disk. Every loop is bounded and talks to
//! loopback only.

use std::collections::HashMap;

use base64::Engine;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::CliError;

pub struct Options {
    pub clients: usize,
    pub cases: usize,
    pub database_url: Option<String>,
    /// Lumajang and copies of its structure, cases spread over them.
    pub agencies: usize,
    /// Servers on the one database (PostgreSQL only), clients spread over them.
    pub servers: usize,
}

/// The agency the demo's people and SOP are of, and their ids' prefix.
const AGENCY: &str = "lumajang";
const PREFIX: &str = "lmj-";

/// Who completes each step of the VPN SOP in the demo organisation.
const VPN_ACTORS: [(u32, &str); 11] = [
    (2, "lmj-kadis"),
    (3, "lmj-kabid"),
    (5, "lmj-kasi"),
    (6, "lmj-admin-jaringan"),
    (7, "lmj-admin-jaringan"),
    (8, "lmj-kasi"),
    (9, "lmj-kasi"),
    (10, "lmj-kabid"),
    (11, "lmj-kadis"),
    (12, "lmj-sekdin"),
    (13, "REQUESTER"),
];
const REQUESTER: &str = "lmj-pemohon";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[derive(Default)]
pub(crate) struct Timings(pub(crate) Mutex<HashMap<&'static str, Vec<f64>>>);

impl Timings {
    /// Prints each kind's count and p50/p95/p99, names padded to `width`.
    pub(crate) fn print(&self, width: usize) {
        let mut kinds: Vec<_> = self.0.lock().expect("not poisoned").drain().collect();
        kinds.sort_by(|a, b| a.0.cmp(b.0));
        for (kind, mut ms) in kinds {
            ms.sort_by(f64::total_cmp);
            println!(
                "  {kind:<width$} n={:<6} p50 {:>8.2} ms  p95 {:>8.2} ms  p99 {:>8.2} ms",
                ms.len(),
                percentile(&ms, 50.0),
                percentile(&ms, 95.0),
                percentile(&ms, 99.0)
            );
        }
    }

    pub(crate) fn add(&self, kind: &'static str, started: Instant) {
        self.0
            .lock()
            .expect("not poisoned")
            .entry(kind)
            .or_default()
            .push(started.elapsed().as_secs_f64() * 1000.0);
    }
}

pub(crate) fn bench_error(e: impl std::fmt::Display) -> CliError {
    CliError::Bench(e.to_string())
}

/// Makes an API token named `name` for each person (by the CLI, on the
/// server's database).
pub(crate) fn tokens(
    exe: &Path,
    database_url: &str,
    people: &[&str],
    name: &str,
) -> Result<HashMap<String, String>, CliError> {
    let mut tokens = HashMap::new();
    for &who in people {
        let out = Command::new(exe)
            .args(["user", "token", who, "--name", name, "--database-url", database_url])
            .output()
            .map_err(bench_error)?;
        if !out.status.success() {
            return Err(bench_error(format!("token for {who}: {}", String::from_utf8_lossy(&out.stderr))));
        }
        tokens.insert(who.to_string(), String::from_utf8_lossy(&out.stdout).trim().to_string());
    }
    Ok(tokens)
}

/// Revokes the working tokens named `name` (made by [`tokens`] for this
/// run) of each person in `tokens`, through the API, the one calling last.
pub(crate) async fn revoke_tokens(
    http: &reqwest::Client,
    base: &str,
    tokens: &HashMap<String, String>,
    name: &str,
) -> Result<(), CliError> {
    for token in tokens.values() {
        let listed = http
            .get(format!("{base}/api/v1/tokens"))
            .bearer_auth(token)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(bench_error)?
            .bytes()
            .await
            .map_err(bench_error)?;
        let listed: Vec<serde_json::Value> = serde_json::from_slice(&listed).map_err(bench_error)?;
        // Newest first, so the one calling (the newest) goes last.
        let ids = listed.iter().rev().filter(|t| t["name"] == name && t["revoked_at"].is_null());
        for id in ids.filter_map(|t| t["id"].as_str()) {
            http.delete(format!("{base}/api/v1/tokens/{id}"))
                .bearer_auth(token)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .map_err(bench_error)?;
        }
    }
    Ok(())
}

/// The people the VPN SOP needs.
const PEOPLE: [&str; 6] =
    [REQUESTER, "lmj-kadis", "lmj-sekdin", "lmj-kabid", "lmj-kasi", "lmj-admin-jaringan"];

/// One agency the clients drive cases of: its VPN SOP's id, and the
/// tokens of its people by the original (Lumajang) id.
struct Driven {
    sop: String,
    tokens: HashMap<String, String>,
}

/// Sends one API call, timing it; the answer's JSON when it succeeded.
pub(crate) async fn call(
    request: reqwest::RequestBuilder,
    kind: &'static str,
    timings: &Timings,
) -> Result<Option<serde_json::Value>, CliError> {
    let t = Instant::now();
    let response = request.send().await.map_err(bench_error)?;
    let ok = response.status().is_success();
    let body = response.bytes().await.map_err(bench_error)?;
    timings.add(kind, t);
    Ok(if ok { serde_json::from_slice(&body).ok() } else { None })
}

/// The id of the case's open task, if any.
fn open_task(case: &serde_json::Value) -> Option<String> {
    case["tasks"].as_array()?.iter().find(|t| t["status"] == "open")?["id"].as_str().map(str::to_string)
}

/// One client: takes case numbers until `total` are done, through the JSON
/// API, each person with their own token.
async fn client(
    base: String,
    sop: Arc<sop::Sop>,
    agencies: Arc<Vec<Driven>>,
    next: Arc<AtomicUsize>,
    total: usize,
    timings: Arc<Timings>,
) -> Result<(usize, usize, usize), CliError> {
    let http = reqwest::Client::new();
    let json = |value: serde_json::Value| value.to_string();
    let (mut cases, mut transitions, mut errors) = (0, 0, 0);
    loop {
        let n = next.fetch_add(1, Ordering::SeqCst);
        if n >= total {
            break;
        }
        let agency = &agencies[n % agencies.len()];
        let api = |who: &str, method: reqwest::Method, path: &str| {
            http.request(method, format!("{base}/api/v1{path}")).bearer_auth(&agency.tokens[who])
        };
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        let pdf = base64::engine::general_purpose::STANDARD.encode(PDF);
        let body = serde_json::json!({
            "sop": agency.sop,
            "fields": input.fields,
            "attachments": [{ "name": "surat_permohonan", "filename": "surat.pdf", "content_base64": pdf }],
        });
        let submit = api(REQUESTER, reqwest::Method::POST, "/cases")
            .header("content-type", "application/json")
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .body(json(body));
        let Some(mut case) = call(submit, "POST case", &timings).await? else {
            errors += 1;
            continue;
        };
        transitions += 1;
        let id = case["id"].as_str().unwrap_or_default().to_string();
        let mut complete = true;
        for (no, who) in VPN_ACTORS {
            let who = if who == "REQUESTER" { REQUESTER } else { who };
            // What a person does before acting: look at the inbox, open the case.
            call(api(who, reqwest::Method::GET, "/tasks"), "GET tasks", &timings).await?;
            call(api(who, reqwest::Method::GET, &format!("/cases/{id}")), "GET case", &timings).await?;
            let Some(task) = open_task(&case) else {
                errors += 1;
                complete = false;
                break;
            };
            let step = sop.step(no).ok_or_else(|| bench_error("step"))?;
            let input = store::demo::sample_input(step, engine::Verdict::Ya);
            let mut action = serde_json::json!({ "note": input.note, "fields": input.fields });
            if input.verdict.is_some() {
                action["verdict"] = "ya".into();
            }
            let paperwork = store::demo::sample_paperwork(step);
            // The step that signs the letter renders and signs it (outside
            // the write queue, on the same cores): a tenth of the actions
            // and several times their time, counted apart so each p99 says
            // what it measures.
            let kind = if paperwork.signing.is_some() { "POST sign" } else { "POST act" };
            if let Some(signing) = paperwork.signing {
                action["signing"] = serde_json::json!({ "passphrase": signing.passphrase });
            }
            if let Some(sending) = paperwork.sending {
                action["sending"] = serde_json::json!({ "via": sending.via });
            }
            let act = api(who, reqwest::Method::POST, &format!("/cases/{id}/tasks/{task}"))
                .header("content-type", "application/json")
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .body(json(action));
            match call(act, kind, &timings).await? {
                Some(after) => {
                    case = after;
                    transitions += 1;
                }
                None => {
                    errors += 1;
                    complete = false;
                    break;
                }
            }
        }
        if complete {
            cases += 1;
        }
    }
    Ok((cases, transitions, errors))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

pub(crate) fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The CPU time (user and system, all threads) process `pid` has used so
/// far, from `/proc` on Linux; `None` elsewhere.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name, the second field, may hold spaces: count the
    // fields after its closing parenthesis (the third field on).
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let user: u64 = fields.nth(11)?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    let ticks = rustix::param::clock_ticks_per_second();
    Some(Duration::from_secs_f64((user + system) as f64 / ticks as f64))
}

/// The CPU time `pids` used from `before` to now, added up; `None` if any
/// could not be read.
fn cpu_since(pids: &[u32], before: &[Option<Duration>]) -> Option<Duration> {
    pids.iter().zip(before).map(|(&pid, before)| Some(cpu_time(pid)?.saturating_sub((*before)?))).sum()
}

pub(crate) fn size_of(dir: &Path) -> u64 {
    ["sopir.db", "sopir.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

/// Bare fsynced single-row commits on SQLite in `dir`, per second.
async fn raw_commit_rate(dir: &Path) -> Result<f64, CliError> {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=rwc", dir.join("raw.db").display());
    let pool = sqlx::AnyPool::connect(&url).await.map_err(bench_error)?;
    pool.execute("PRAGMA journal_mode = WAL").await.map_err(bench_error)?;
    pool.execute("PRAGMA synchronous = FULL").await.map_err(bench_error)?;
    pool.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").await.map_err(bench_error)?;
    let n = 300;
    let started = Instant::now();
    for i in 0..n {
        sqlx::query("INSERT INTO t (id, v) VALUES ($1, 'x')")
            .bind(i as i64)
            .execute(&pool)
            .await
            .map_err(bench_error)?;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(rate)
}

/// Starts `sopir serve` on `data_dir` (or `database_url`) on a free
/// loopback port and waits until it answers; its base address.
pub(crate) async fn start_server(
    exe: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
) -> Result<(Server, String), CliError> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(bench_error)?
        .local_addr()
        .map_err(bench_error)?
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut command = Command::new(exe);
    command.args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"]).arg(data_dir);
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let server = Server(command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(bench_error)?);
    // Up to five minutes: a large database may have migrations to apply.
    for _ in 0..6000 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return Ok((server, base));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(bench_error("the server did not start"))
}

pub async fn run(options: Options) -> Result<(), CliError> {
    if options.servers > 1 && options.database_url.is_none() {
        return Err(bench_error(
            "--servers lebih dari 1 perlu --database-url PostgreSQL: SQLite hanya untuk satu server",
        ));
    }
    let dir = tempfile::tempdir().map_err(bench_error)?;
    let exe = std::env::current_exe().map_err(bench_error)?;
    let database_url = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("sopir.db").display()));
    let copies = install_agencies(&database_url, options.agencies.max(1)).await?;
    let mut servers = Vec::new();
    for k in 0..options.servers.max(1) {
        let data_dir = dir.path().join(format!("server-{k}"));
        std::fs::create_dir_all(&data_dir).map_err(bench_error)?;
        // One data key for all: each server opens what the others sealed.
        let key = dir.path().join("server-0").join("sopir.key");
        if k > 0 && key.exists() {
            std::fs::copy(&key, data_dir.join("sopir.key")).map_err(bench_error)?;
        }
        let data_dir = if options.database_url.is_none() { dir.path().to_path_buf() } else { data_dir };
        servers.push(start_server(&exe, &data_dir, options.database_url.as_deref()).await?);
    }
    let sop = Arc::new(
        sop::Catalog::builtin()
            .sop("lumajang/vpn")
            .cloned()
            .ok_or_else(|| bench_error("lumajang/vpn missing"))?,
    );
    let mut agencies =
        vec![Driven { sop: format!("{AGENCY}/vpn"), tokens: tokens(&exe, &database_url, &PEOPLE, "bench")? }];
    for copy in &copies {
        let people: Vec<String> = PEOPLE.iter().map(|p| copy.id_of(p, AGENCY, PREFIX)).collect();
        let theirs =
            tokens(&exe, &database_url, &people.iter().map(String::as_str).collect::<Vec<_>>(), "bench")?;
        let tokens = PEOPLE
            .iter()
            .zip(&people)
            .map(|(original, id)| (original.to_string(), theirs[id].clone()))
            .collect();
        agencies.push(Driven { sop: format!("{}/vpn", copy.agency), tokens });
    }
    let agencies = Arc::new(agencies);
    let next = Arc::new(AtomicUsize::new(0));
    let timings = Arc::new(Timings::default());
    let count = options.clients.max(1);
    let pids: Vec<u32> = servers.iter().map(|(server, _)| server.0.id()).collect();
    let cpu_before: Vec<Option<Duration>> = pids.iter().map(|&pid| cpu_time(pid)).collect();
    let own_cpu_before = cpu_time(std::process::id());
    let started = Instant::now();
    let clients: Vec<_> = (0..count)
        .map(|c| {
            let base = servers[c % servers.len()].1.clone();
            let (sop, next, timings) = (sop.clone(), next.clone(), timings.clone());
            tokio::spawn(client(base, sop, agencies.clone(), next, options.cases, timings))
        })
        .collect();
    let (mut cases, mut transitions, mut errors) = (0, 0, 0);
    for c in clients {
        let (a, b, e) = c.await.map_err(bench_error)??;
        cases += a;
        transitions += b;
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = cpu_since(&pids, &cpu_before);
    let own_cpu = cpu_since(&[std::process::id()], &[own_cpu_before]);
    let rss: Vec<Option<u64>> = servers.iter().map(|(server, _)| peak_rss_kb(server.0.id())).collect();
    drop(servers);
    let raw = if options.database_url.is_none() { Some(raw_commit_rate(dir.path()).await?) } else { None };

    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "sopir bench: {} clients, {cases} complete VPN cases in {elapsed:.1} s ({}, {})",
        options.clients,
        plural(agencies.len(), "agency", "agencies"),
        plural(rss.len(), "server", "servers")
    );
    println!("  cases/s           {:.1}", cases as f64 / elapsed);
    println!(
        "  transitions/s     {:.1}  (durable: each acknowledged after its commit)",
        transitions as f64 / elapsed
    );
    println!("  errors            {errors}");
    timings.print(12);
    for kb in rss.into_iter().flatten() {
        println!("  server peak RSS   {:.1} MB", kb as f64 / 1024.0);
    }
    if let (Some(server), Some(own)) = (server_cpu, own_cpu)
        && transitions > 0
    {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let per_transition = server.as_secs_f64() / transitions as f64;
        // On SQLite the servers do all the work behind the API; on
        // PostgreSQL the database's own processes share the cores too.
        let bound = match options.database_url {
            None => format!(
                ": all {cores} would carry at most {:.0} transitions/s",
                cores as f64 / per_transition
            ),
            Some(_) => " (PostgreSQL's own not counted)".to_string(),
        };
        println!(
            "  server CPU        {:.2} ms per transition; busy {:.2} of {cores} cores (this client {:.2}){bound}",
            per_transition * 1000.0,
            server.as_secs_f64() / elapsed,
            own.as_secs_f64() / elapsed,
        );
    }
    if options.database_url.is_none() {
        println!("  database size     {:.1} MB", size_of(dir.path()) as f64 / 1024.0 / 1024.0);
    }
    if let Some(raw) = raw {
        let ratio = transitions as f64 / elapsed / raw;
        println!(
            "  bare fsynced SQLite commits/s on this disk {raw:.1}; HTTP transitions / bare commits = {ratio:.2}x"
        );
    }
    Ok(())
}

/// Installs the demo (as a first `serve` would) and `n - 1` copies of
/// Lumajang's structure, before any server starts.
async fn install_agencies(database_url: &str, n: usize) -> Result<Vec<store::demo::AgencyCopy>, CliError> {
    if n <= 1 {
        return Ok(Vec::new());
    }
    let store = store::Store::open(database_url).await?;
    let at = jiff::Timestamp::now().as_millisecond();
    store::demo::install(&store, &sop::Catalog::builtin(), at).await?;
    store::demo::install_accounts(&store, at).await?;
    let copies = store::demo::install_copies(&store, AGENCY, PREFIX, n, at).await?;
    store.close().await;
    Ok(copies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_cpu_time_is_read_and_grows_with_work() {
        let me = std::process::id();
        let before = cpu_time(me).expect("readable on Linux");
        // Work until the count shows at least 50 ms more, bounded in time
        // (a count that never moves fails the test).
        let started = Instant::now();
        let mut x = 0u64;
        let spent = loop {
            for _ in 0..100_000 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
            let spent = cpu_since(&[me], &[Some(before)]).expect("readable");
            if spent >= Duration::from_millis(50) || started.elapsed() > Duration::from_secs(20) {
                break spent;
            }
        };
        assert!(
            spent >= Duration::from_millis(50),
            "{spent:?} of CPU counted for {:?} of work",
            started.elapsed()
        );
        assert!(cpu_since(&[me], &[None]).is_none(), "nothing to count from");
    }
}
