//! `sopir bench seed`: the large-data benchmark. Fills a database with
//! generated case histories (see `store::seed`), then starts a real server
//! on it and measures what people wait for on a big database: the inbox, a
//! case, a registry search, the yearly accountability report and the head's
//! dashboard, through the JSON API; and the server's peak memory.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use crate::CliError;
use crate::bench::{Timings, bench_error, call, peak_rss_kb, revoke_tokens, size_of, start_server, tokens};

pub struct Options {
    pub cases: usize,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// Requests per measured kind.
    pub samples: usize,
    /// Measure an already seeded database without adding cases.
    pub measure_only: bool,
}

pub async fn run(options: Options) -> Result<(), CliError> {
    let url = crate::serve::database_url(&options.data_dir, options.database_url.as_deref())?;
    if !options.measure_only {
        seed(&options, &url).await?;
    }
    measure(&options, &url).await
}

async fn seed(options: &Options, url: &str) -> Result<(), CliError> {
    let key = store::DataKey::load_or_create(&options.data_dir.join("sopir.key"))?;
    let store = store::Store::open(url).await?.with_key(key);
    let now = jiff::Timestamp::now().as_millisecond();
    store::demo::install(&store, &sop::Catalog::builtin(), now).await?;
    store::demo::install_accounts(&store, now).await?;
    let started = Instant::now();
    let step = (options.cases / 20).max(1);
    let mut shown = 0;
    let seeded = store
        .seed_history(options.cases, now, |s| {
            if s.cases >= shown + step {
                shown = s.cases;
                eprintln!("  {} permohonan ({:.0} s)", s.existing + s.cases, started.elapsed().as_secs_f64());
            }
        })
        .await?;
    let elapsed = started.elapsed().as_secs_f64();
    store.close().await;
    println!(
        "seed: {} cases added, {} in all ({} open, {} rejected of those added), {} transitions ({} late) in {elapsed:.0} s — {:.0} cases/s, {:.0} transitions/s",
        seeded.cases,
        seeded.existing + seeded.cases,
        seeded.open,
        seeded.rejected,
        seeded.transitions,
        seeded.late,
        seeded.cases as f64 / elapsed,
        seeded.transitions as f64 / elapsed
    );
    Ok(())
}

/// The people whose views are measured.
const MEASURED: [&str; 3] = ["lmj-kadis", "lmj-kasi", "lmj-admin-jaringan"];

async fn measure(options: &Options, url: &str) -> Result<(), CliError> {
    let exe = std::env::current_exe().map_err(bench_error)?;
    if options.database_url.is_none() {
        println!("database size: {:.1} MB", size_of(&options.data_dir) as f64 / 1024.0 / 1024.0);
    }
    // Tokens first: a server opening a big history may spend its first
    // minutes on the daily work (retention purge, overdue escalations),
    // holding the write lock longer than another process waits for it.
    // Named for this run alone: only these are revoked when it is done.
    let name = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let tokens = Arc::new(tokens(&exe, url, &MEASURED, &name)?);
    let (server, base) = start_server(&exe, &options.data_dir, options.database_url.as_deref()).await?;
    let http = reqwest::Client::new();
    let timings = Timings::default();
    let measured = measure_on(&http, &base, &tokens, options.samples, &timings).await;
    let rss = peak_rss_kb(server.0.id());
    // Whatever the measurement's outcome: a measurement repeated on one
    // history would otherwise reach the limit of working tokens a person
    // may have.
    if let Err(e) = revoke_tokens(&http, &base, &tokens, &name).await {
        eprintln!("sopir bench: token \"{name}\" tidak semuanya dicabut: {e}");
    }
    drop(server);
    let (sampled, failed) = measured?;
    println!("measured on {url} ({sampled} cases sampled), failures: {failed}");
    timings.print(16);
    if let Some(kb) = rss {
        println!("  server peak RSS  {:.1} MB", kb as f64 / 1024.0);
    }
    Ok(())
}

/// Asks for each view `samples` times (reports and the dashboard at most
/// ten), timing each call: how many cases were sampled, how many calls
/// failed.
async fn measure_on(
    http: &reqwest::Client,
    base: &str,
    tokens: &HashMap<String, String>,
    samples: usize,
    timings: &Timings,
) -> Result<(usize, usize), CliError> {
    let get = |who: &str, path: String| http.get(format!("{base}/api/v1{path}")).bearer_auth(&tokens[who]);
    let year = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).year();

    // Case ids and registry names to ask for, spread over the history.
    let mut case_ids = Vec::new();
    let mut cursor = String::new();
    while case_ids.len() < samples {
        let page = call(get("lmj-kasi", format!("/cases?limit=100{cursor}")), "list cases", timings).await?;
        let Some(page) = page else { break };
        case_ids.extend(
            page["items"].as_array().into_iter().flatten().filter_map(|c| c["id"].as_str().map(String::from)),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let names: Vec<String> =
        call(get("lmj-admin-jaringan", "/registries/vpn?limit=100".into()), "registry", timings)
            .await?
            .and_then(|p| p["items"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e["name"].as_str().map(|n| n.chars().take(10).collect()))
            .collect();
    timings.0.lock().expect("not poisoned").clear();

    let mut failed = 0;
    for i in 0..samples {
        for who in MEASURED {
            failed += usize::from(call(get(who, "/tasks".into()), "inbox", timings).await?.is_none());
        }
        if let Some(id) = case_ids.get(i % case_ids.len().max(1)) {
            failed +=
                usize::from(call(get("lmj-kasi", format!("/cases/{id}")), "case", timings).await?.is_none());
        }
        if let Some(name) = names.get(i % names.len().max(1)) {
            let path = format!("/registries/vpn?q={name}");
            failed += usize::from(
                call(get("lmj-admin-jaringan", path), "registry search", timings).await?.is_none(),
            );
        }
    }
    for _ in 0..samples.clamp(1, 10) {
        let path = format!("/reports?from={year}-01-01&to={year}-12-31");
        failed += usize::from(call(get("lmj-kadis", path), "report (year)", timings).await?.is_none());
        failed +=
            usize::from(call(get("lmj-kadis", "/dashboard".into()), "dashboard", timings).await?.is_none());
    }
    Ok((case_ids.len(), failed))
}
