//! `sopir serve` (what `cargo run --release` does): opens or creates the
//! database, installs the built-in agencies and SOPs (and, unless
//! `--no-demo`, the demo people and logins), and serves the web application
//! until Ctrl+C or SIGTERM, writing checkpoints of the audit chain beside
//! the database as it goes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use store::Store;
use store::demo::DEMO_PASSWORD;

use crate::CliError;
use crate::sop_directory::SopDirectory;

pub struct Options {
    pub addr: String,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub demo: bool,
    pub secure_cookies: bool,
    /// The personal-data key in hex (`SOPIR_DATA_KEY`); else the key file.
    pub data_key: Option<String>,
    /// Minutes between two escalations of the same overdue task.
    pub escalation_minutes: u32,
    /// Printed in letters' QR codes (`--public-url`).
    pub public_url: Option<String>,
    /// Where notification e-mail goes out (`--smtp-url`), and as whom.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxies`).
    pub trusted_proxies: Option<String>,
    /// Where checkpoints of the audit chain go (outside the database).
    pub checkpoint_dir: PathBuf,
    /// Minutes between two checkpoints.
    pub checkpoint_minutes: u32,
    /// The agency profiles and SOPs kept as files (`--sop-dir`).
    pub sop_dir: Option<PathBuf>,
    /// Seconds between two looks at the SOP directory's files; 0: only on SIGHUP.
    pub sop_dir_check_seconds: u64,
}

/// The database URL: `DATABASE_URL` when given, else SQLite under the data dir.
pub fn url_for(data_dir: &std::path::Path, given: Option<&str>) -> String {
    match given.filter(|u| !u.is_empty()) {
        Some(url) => url.to_string(),
        None => format!("sqlite://{}", data_dir.join("sopir.db").display()),
    }
}

/// As [`url_for`], making the data dir (for its owner only) for a new
/// SQLite database.
pub fn database_url(data_dir: &std::path::Path, given: Option<&str>) -> Result<String, CliError> {
    if given.filter(|u| !u.is_empty()).is_none() {
        store::private_file::create_dir_all(data_dir)
            .map_err(|source| CliError::Write { path: data_dir.to_path_buf(), source })?;
    }
    Ok(url_for(data_dir, given))
}

pub async fn run(options: Options) -> Result<(), CliError> {
    let trusted_proxies: web::client_address::TrustedProxies = options
        .trusted_proxies
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e| CliError::Serve(format!("--trusted-proxies: {e}")))?;
    let shutdown = shutdown_signal();
    // Installed before the directory is first read: a SIGHUP meant to
    // re-read it must not stop a server that is still starting.
    let hangup = options.sop_dir.as_ref().map(|_| Hangup::install());
    let url = database_url(&options.data_dir, options.database_url.as_deref())?;
    let key = match options.data_key.as_deref().filter(|k| !k.is_empty()) {
        Some(hex) => store::DataKey::from_hex(hex)?,
        None => store::DataKey::load_or_create(&options.data_dir.join("sopir.key"))?,
    };
    let checkpoint_key = store::checkpoint::CheckpointKey::from_data_key(&key);
    let store = Store::open(&url).await?.with_key(key);
    let now = jiff::Timestamp::now().as_millisecond();
    let catalog = sop::Catalog::builtin();
    if options.demo {
        store::demo::install(&store, &catalog, now).await?;
        store::demo::install_accounts(&store, now).await?;
    } else {
        store::demo::install_reference(&store, &catalog, now).await?;
    }
    let mut sop_dir = options.sop_dir.clone().map(SopDirectory::new);
    if let Some(dir) = &mut sop_dir {
        match dir.load(&store, now).await {
            Ok(loaded) => {
                for warning in &loaded.warnings {
                    println!("{warning}");
                }
                println!("Direktori SOP {}: {loaded}", dir.path().display());
            }
            Err(refusal) => {
                return Err(CliError::SopDir { path: dir.path().to_path_buf(), reason: refusal.to_string() });
            }
        }
    }
    let anchor =
        Anchor { dir: options.checkpoint_dir.clone(), key: checkpoint_key, last: Default::default() };
    anchor.check_at_start(&store).await;
    anchor.write(&store).await?;
    let listener = tokio::net::TcpListener::bind(&options.addr)
        .await
        .map_err(|e| CliError::Serve(format!("tidak dapat mendengarkan di {}: {e}", options.addr)))?;
    let local = listener.local_addr().map_err(|e| CliError::Serve(e.to_string()))?;
    let public_url = public_url(options.public_url.as_deref(), options.demo, local)?;
    println!("Sopir {} berjalan di http://{local}", env!("CARGO_PKG_VERSION"));
    println!("Basis data: {}", redact(&url));
    if options.demo {
        println!(
            "\nData contoh aktif. Masuk dengan salah satu akun di bawah ini, kata sandi: {DEMO_PASSWORD}"
        );
        for p in store::demo::people() {
            let position = p.position.as_deref().unwrap_or("(administrator instalasi)");
            // The agency's administrators open Admin; the position names
            // alone do not tell them (an "administrator-jaringan" is not one).
            let admin = if p.admin { "  (administrator instansi)" } else { "" };
            println!("  {:<20} {:<32} {position:<26} {}{admin}", p.id, p.name, p.agency);
        }
        println!("(Instalasi sungguhan: --no-demo, lalu `sopir user add`.)");
    }
    println!("Titik periksa rantai audit: {}", anchor.dir.display());
    if options.smtp_url.as_deref().is_none_or(str::is_empty) {
        println!("E-mail notifikasi menunggu di kotak keluar sampai --smtp-url diberikan.");
    }
    let mailer = match options.smtp_url.as_deref().filter(|u| !u.is_empty()) {
        Some(url) => Some(
            web::mailer::Mailer::new(url, &options.mail_from)
                .map_err(CliError::Serve)?
                .linking_to(public_url.clone()),
        ),
        None => None,
    };
    match &public_url {
        Some(url) => println!("Alamat publik (kode QR surat): {url}"),
        None => println!(
            "Surat tidak dapat ditandatangani sampai --public-url diberikan (alamat yang dibuka masyarakat, dicetak pada kode QR surat)."
        ),
    }
    println!("\nHentikan dengan Ctrl+C.");
    let mut state = web::AppState::new(Arc::new(store), options.secure_cookies);
    state.public_url = public_url;
    state.trusted_proxies = Arc::new(trusted_proxies);
    let store = state.store.clone();
    let escalator = tokio::spawn(escalate_forever(store.clone(), options.escalation_minutes));
    let sender = mailer.map(|m| tokio::spawn(m.run_forever(store.clone())));
    let gateway = web::gateway::GatewaySender::new(state.public_url.clone());
    let gateway_sender = tokio::spawn(gateway.run_forever(store.clone()));
    let signing_probe = tokio::spawn(web::signing_probe::run_forever(store.clone()));
    let provisioner = tokio::spawn(web::provisioner::run_forever(store.clone()));
    let webhook_sender = tokio::spawn(web::webhook_sender::run_forever(store.clone()));
    let every = std::time::Duration::from_secs(60 * u64::from(options.checkpoint_minutes.max(1)));
    let anchor = Arc::new(anchor);
    let checkpointer = tokio::spawn({
        let (anchor, store) = (anchor.clone(), store.clone());
        async move { anchor.write_forever(&store, every).await }
    });
    let rereader = sop_dir.map(|dir| {
        let every = std::time::Duration::from_secs(options.sop_dir_check_seconds);
        let hangup = hangup.unwrap_or_else(Hangup::install);
        tokio::spawn(reread_forever(dir, store.clone(), hangup, every))
    });
    let served = web::serve(state, listener, shutdown).await;
    // Stopped before the pool closes: work cut off half-way then would
    // report a closed pool as its failure.
    let background = [
        Some(escalator),
        sender,
        Some(gateway_sender),
        Some(signing_probe),
        Some(provisioner),
        Some(webhook_sender),
        Some(checkpointer),
        rereader,
    ];
    for task in background.into_iter().flatten() {
        task.abort();
        let _ = task.await;
    }
    // The last word before stopping: what happened since the last tick.
    if let Err(e) = anchor.write(&store).await {
        tracing::error!("{e}");
    }
    served.map_err(|e| CliError::Serve(e.to_string()))?;
    store.close().await;
    println!("Sopir berhenti.");
    Ok(())
}

/// The address printed in signed letters' verification links and QR codes:
/// the configured one; for the demo (data that is not real), the address
/// this server listens on, unless that is a wildcard (0.0.0.0, ::) that
/// nobody can open. A real installation must configure it — behind a
/// reverse proxy the listening address is not what the public opens, and
/// a signed letter keeps its link for good. Never a request's `Host`.
pub fn public_url(
    configured: Option<&str>,
    demo: bool,
    listening: SocketAddr,
) -> Result<Option<String>, CliError> {
    match configured.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => {
            let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            match host.map(|h| h.trim_end_matches('/')) {
                Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) && !h.contains(['?', '#']) => {
                    Ok(Some(url.trim_end_matches('/').to_string()))
                }
                _ => Err(CliError::Serve(format!(
                    "--public-url \"{url}\" tidak sah: tulis alamat http:// atau https:// yang dibuka masyarakat, mis. https://sopir.lumajangkab.go.id"
                ))),
            }
        }
        None if demo && !listening.ip().is_unspecified() => Ok(Some(format!("http://{listening}"))),
        None => Ok(None),
    }
}

/// A URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Ctrl+C or SIGTERM. The handlers are installed when this is called, not
/// when it is first awaited, so a signal that comes while the server is
/// still starting stops it gracefully too (with its last checkpoint).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (interrupt, terminate) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()));
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! { _ = interrupt.recv() => {}, _ = terminate.recv() => {} }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// SIGHUP, the operator's "read the configuration again" (`systemctl
/// reload`); never comes where there are no such signals.
struct Hangup(#[cfg(unix)] Option<tokio::signal::unix::Signal>);

impl Hangup {
    fn install() -> Hangup {
        #[cfg(unix)]
        {
            Hangup(tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok())
        }
        #[cfg(not(unix))]
        Hangup()
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some(signal) = &mut self.0 {
            signal.recv().await;
            return;
        }
        std::future::pending().await
    }
}

/// Reads the SOP directory again on SIGHUP, and every `every` (unless
/// zero) when one of its files changed: what an operator edits (a `git
/// pull`, say) goes live without a restart. A read with an error changes
/// nothing and says why; it is tried again at the next change.
async fn reread_forever(
    mut dir: SopDirectory,
    store: Arc<Store>,
    mut hangup: Hangup,
    every: std::time::Duration,
) {
    let mut tick =
        (!every.is_zero()).then(|| tokio::time::interval_at(tokio::time::Instant::now() + every, every));
    loop {
        let asked = tokio::select! {
            _ = hangup.recv() => true,
            _ = async { match &mut tick { Some(t) => { t.tick().await; } None => std::future::pending().await } } => false,
        };
        if !asked && !dir.changed_on_disk() {
            continue;
        }
        let now = jiff::Timestamp::now().as_millisecond();
        match dir.load(&store, now).await {
            Ok(loaded) => {
                for warning in &loaded.warnings {
                    println!("{warning}");
                }
                println!("Direktori SOP {} dibaca ulang: {loaded}", dir.path().display());
            }
            Err(refusal) => tracing::warn!(
                "direktori SOP {} dibaca ulang, tidak ada yang diterbitkan; yang berlaku tetap — {refusal}",
                dir.path().display()
            ),
        }
    }
}

/// Once a minute, escalates overdue tasks, starts routines and puts the
/// daily digests that are due in the outbox; a failure is logged and retried
/// at the next tick, never fatal to the server.
async fn escalate_forever(store: Arc<Store>, every_minutes: u32) {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    let mut last_purge: Option<i64> = None;
    loop {
        tick.tick().await;
        let now = jiff::Timestamp::now().as_millisecond();
        if let Err(e) = store.escalate(now, i64::from(every_minutes.max(1)) * 60_000).await {
            tracing::warn!("eskalasi gagal, dicoba lagi: {e}");
        }
        crate::routine::start_due(&store, now).await;
        if let Err(e) = store.send_due_digests(now).await {
            tracing::warn!("ringkasan notifikasi harian gagal, dicoba lagi: {e}");
        }
        // Sign-ups whose confirmation link (48 h) or wait for approval
        // (14 days) ran out go within the minute.
        if let Err(e) = store.expire_registrations(now).await {
            tracing::warn!("pendaftaran kedaluwarsa tidak dihapus, dicoba lagi: {e}");
        }
        // Letter numbers reserved for a signing that never got filed (the
        // server stopped in between) go back to their sequence or are voided.
        if let Err(e) = store.release_lapsed_reservations(now).await {
            tracing::warn!("nomor surat yang dipesan belum dilepas, dicoba lagi: {e}");
        }
        // The agency chains' heads that moved are anchored in the
        // installation's chain, so a chain removed whole is found.
        if let Err(e) = store.anchor_chains(jiff::Timestamp::now()).await {
            tracing::warn!("kepala rantai audit instansi belum dijangkarkan, dicoba lagi: {e}");
        }
        // Once a day: personal data past its retention period goes,
        // periodic access reviews that are due are opened, expired API
        // idempotency keys and login failures are forgotten, and the query
        // planner's statistics are refreshed.
        if last_purge.is_none_or(|at| now - at >= DAY_MS) {
            let daily = async {
                store.purge_personal_data(now).await?;
                store.open_due_reviews(now).await?;
                store.forget_old_idempotency_keys(now).await?;
                store.forget_old_login_failures(now).await?;
                store.refresh_statistics().await
            };
            match daily.await {
                Ok(_) => last_purge = Some(now),
                Err(e) => tracing::warn!("pekerjaan harian gagal, dicoba lagi: {e}"),
            }
        }
    }
}

/// Where and with which key the server writes checkpoints of the audit
/// chain: in files outside the database, so that someone who rewrites the
/// database — events changed, hashes recomputed, the tail cut — cannot
/// rewrite them too (`sopir audit verify` checks the chain against them).
struct Anchor {
    dir: PathBuf,
    key: store::checkpoint::CheckpointKey,
    /// The head last written, so an idle server writes nothing new.
    last: std::sync::Mutex<Option<(i64, String)>>,
}

impl Anchor {
    /// Appends the chain's head, unless it is the one last written
    /// (nothing happened since).
    async fn write(&self, store: &Store) -> Result<(), CliError> {
        // The installation's chain covers the agency chains up to their
        // last anchor: anchor them now, so the checkpoint covers all.
        store.anchor_chains(jiff::Timestamp::now()).await?;
        let head = store.audit_head(jiff::Timestamp::now()).await?;
        let link = (head.seq, head.hash.clone());
        if self.last.lock().expect("not poisoned").as_ref() == Some(&link) {
            return Ok(());
        }
        store::checkpoint::append(&self.dir, &head, &self.key).map_err(|e| {
            CliError::Serve(format!("titik periksa audit tidak dapat ditulis di {}: {e}", self.dir.display()))
        })?;
        *self.last.lock().expect("not poisoned") = Some(link);
        Ok(())
    }

    /// Every `every`, a checkpoint if the chain grew; a failure is logged
    /// and retried at the next tick. Runs until aborted.
    async fn write_forever(&self, store: &Store, every: std::time::Duration) {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            if let Err(e) = self.write(store).await {
                tracing::error!("{e}");
            }
        }
    }

    /// Says loudly, at start, when the database no longer agrees with the
    /// checkpoints written before: it was rewritten or cut while the server
    /// was away (or restored from an older backup).
    async fn check_at_start(&self, store: &Store) {
        if !self.dir.exists() {
            return;
        }
        let checked = async {
            let found = store::checkpoint::read(std::slice::from_ref(&self.dir), &self.key)
                .map_err(|e| CliError::Serve(e.to_string()))?;
            Ok::<_, CliError>(store.anchor(found).await?)
        };
        match checked.await {
            Ok(anchoring) if anchoring.problems.is_empty() => {}
            Ok(anchoring) => tracing::error!(
                "PERINGATAN: rantai audit di basis data tidak cocok dengan {} titik periksa di {} — jalankan `sopir audit verify`. Yang pertama: {}",
                anchoring.problems.len(),
                self.dir.display(),
                anchoring.problems[0]
            ),
            Err(e) => tracing::error!("titik periksa audit tidak dapat diperiksa: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_address_is_configured_or_a_demo_s_own_never_a_wildcard() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let url = |given, demo, at| public_url(given, demo, at).unwrap();
        assert_eq!(url(Some("https://sopir.go.id/"), false, any).as_deref(), Some("https://sopir.go.id"));
        assert_eq!(url(Some("https://sopir.go.id"), true, local).as_deref(), Some("https://sopir.go.id"));
        assert_eq!(url(None, true, local).as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(url(Some(" "), true, local).as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(url(None, true, any), None, "0.0.0.0 opens nowhere");
        assert_eq!(url(None, false, local), None, "a real installation says where it is reached");
        for bad in ["sopir.go.id", "ftp://sopir.go.id", "https://", "https://a b", "https://x/?q"] {
            assert!(public_url(Some(bad), true, local).is_err(), "{bad}");
        }
    }
}
