//! Persistence: one code path over SQLite (the embedded default) and
//! PostgreSQL (several processes), through sqlx's `Any` driver. Each
//! command runs in one transaction: the engine's events are appended to the
//! hash-chained log and the views (cases, tasks, breaches, notifications)
//! are updated together, or nothing is.

mod accounts;
mod agency_cache;
pub mod api_tokens;
pub mod audit;
pub mod ca_certificate;
mod calendar;
mod case_cache;
mod cases;
pub mod chain_anchor;
pub mod checkpoint;
mod command;
pub mod dashboard;
pub mod demo;
mod effects;
mod error;
mod escalation;
pub mod evaluation;
pub mod event_feed;
#[cfg(feature = "test-support")]
pub mod forgery;
mod hot_reads;
pub mod idempotency;
pub mod letter_reservation;
pub mod letters;
pub mod login_throttle;
pub mod mail;
pub mod message_gateway;
pub mod monitoring;
pub mod notice_delivery;
mod organisation;
pub mod password_reset;
mod personal_data;
mod planner_statistics;
pub mod private_file;
pub mod provisioning;
pub mod read_only;
pub mod record_event;
pub mod registry;
pub mod report;
mod report_months;
pub mod review;
pub mod roster;
pub mod routine;
pub mod satisfaction;
pub mod seed;
pub mod self_registration;
pub mod sign_in;
pub mod signing_queue;
pub mod sop_catalogue;
pub mod sop_drafts;
pub mod sop_ratification;
mod sop_versions;
mod sqlite_writer;
pub mod visits;
pub mod vpn_peers;
pub mod webhooks;
mod write_queue;
mod write_tx;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

pub use accounts::{
    Account, Attachment, Deactivation, NO_PASSWORD, check_username, hash_password, verify_password,
    verify_password_or_dummy,
};
pub use cases::{CaseFilter, CaseSummary, OpenTask, Upload};
pub use command::{Complete, DecideReviewItem, Submit};
pub use error::StoreError;
pub use letters::{IncomingLetter, LetterDraft, OutgoingLetter, Paperwork, Signing};
pub use organisation::{ListedHolding, Unit, new_person_id};
pub use password_reset::ResetPassword;
pub use personal_data::{DataKey, ERASED};
pub use sop_versions::{Publication, PublishedVersion};
pub(crate) use write_tx::WriteTx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pooled connections to PostgreSQL: for the installation's lane, the
/// agency lanes' transactions, and the reads they and the pages make.
const POSTGRES_CONNECTIONS: u32 = 16;
/// Agency lanes holding a transaction at once on PostgreSQL (each may read
/// through a second connection meanwhile; the rest are the installation's
/// lane's and the pages').
const LANES_AT_ONCE: usize = 6;

/// The database, migrated and ready.
pub struct Store {
    pool: AnyPool,
    /// The reads every request makes (see [`hot_reads`]). Declared before
    /// `writes` so that it is dropped first: SQLite checkpoints and removes
    /// the `-wal` file when the last connection closes, and a read-only one
    /// cannot, so the writer's must be the last.
    hot: hot_reads::HotReads,
    backend: Backend,
    /// SQLite allows one writer; queueing writers here (rather than letting
    /// a deferred transaction fail with SQLITE_BUSY on upgrade) keeps one
    /// process's writes orderly, and lets the commands that arrive together
    /// share one commit. On PostgreSQL this is the installation's lane, and
    /// processes serialise on the chain heads their transactions take.
    writes: write_queue::WriteQueue,
    /// On PostgreSQL, each agency's lane (see [`write_queue::HeadLock`]).
    lanes: std::sync::Mutex<std::collections::HashMap<String, write_queue::WriteQueue>>,
    /// How many agency lanes may hold a transaction at once: each holds a
    /// pooled connection and reads through another meanwhile, so more
    /// lanes than the pool has room for would wait on each other for ever.
    lane_permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// Each agency's profile, organisation and calendar, kept in memory.
    agencies: agency_cache::AgencyCache,
    /// The cases read lately, folded (see [`case_cache`]).
    case_cache: case_cache::CaseCache,
    /// Seals personal data (NIK); without it such data is refused.
    key: Option<DataKey>,
    /// Parsed SOP versions by (agency, id, version): published versions are immutable.
    sop_cache: std::sync::Mutex<std::collections::HashMap<(String, String, u32), std::sync::Arc<sop::Sop>>>,
    /// The signing certificates read from PKCS#12 files (public), so that
    /// signing again decrypts only the key.
    certificates: std::sync::Arc<documents::KnownCertificates>,
}

static MIGRATE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating if needed) and migrates the database at `url`:
    /// `sqlite://path/to/file.db` or `postgres://user:pass@host/db`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        // A SQLite file this process writes (not only reads).
        let sqlite_writable = backend == Backend::Sqlite && !url.contains("mode=ro");
        if sqlite_writable {
            // Failing here (a missing directory, say) is left to SQLite to
            // report in its own words.
            let _ = private_file::prepare_sqlite(url);
        }
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        if backend == Backend::Sqlite {
            check_writable(&url, &options).await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { POSTGRES_CONNECTIONS })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Any rebuilds SQLite options from the URL, so the
                        // pragmas are set here on every connection.
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                    }
                    Ok(())
                })
            })
            .after_release(|conn, _| {
                Box::pin(async move {
                    if !conn.is_in_transaction() {
                        return Ok(true);
                    }
                    // A transaction dropped unfinished: its ROLLBACK was
                    // queued ahead of this ping. If sqlx still counts a
                    // transaction after it, the database had already ended
                    // it by itself (SQLite does on SQLITE_FULL or an I/O
                    // error), the ROLLBACK failed, and sqlx's count is now
                    // wrong: its next `begin` would open a savepoint whose
                    // release commits nothing, or leave a write transaction
                    // holding the lock for ever. Such a connection is closed.
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        match backend {
            Backend::Sqlite => MIGRATE_SQLITE.run(&pool).await?,
            Backend::Postgres => MIGRATE_POSTGRES.run(&pool).await?,
        }
        if sqlite_writable {
            planner_statistics::gather_at_open(&pool).await;
        }
        // The write queue's own connection to the same file (see
        // `sqlite_writer`) and the hot reads' connections (see
        // `hot_reads`), unless the database is only read here.
        let file = sqlite_file(&url).filter(|_| sqlite_writable);
        let writer = file.as_deref().map(sqlite_writer::SqliteWriter::open).transpose()?;
        let store = Store {
            hot: hot_reads::HotReads::new(pool.clone(), file.as_deref())?,
            pool,
            backend,
            writes: write_queue::WriteQueue::new(writer),
            lanes: std::sync::Mutex::default(),
            lane_permits: std::sync::Arc::new(tokio::sync::Semaphore::new(LANES_AT_ONCE)),
            agencies: agency_cache::AgencyCache::default(),
            case_cache: case_cache::CaseCache::default(),
            key: None,
            sop_cache: std::sync::Mutex::default(),
            certificates: std::sync::Arc::default(),
        };
        store.fill_monthly_totals().await?;
        Ok(store)
    }

    /// Gives the store the key that seals personal data.
    pub fn with_key(mut self, key: DataKey) -> Store {
        self.key = Some(key);
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The underlying pool, for tests and tools that inspect rows directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A consistent copy of a SQLite database at `path` (a new file only
    /// its owner may read), taken while it is in use (`VACUUM INTO`).
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::BadUrl("cadangan daring hanya untuk SQLite; pakai pg_dump".into()));
        }
        // VACUUM INTO fills an empty file and keeps its permissions.
        private_file::create_new(path).map_err(|e| StoreError::File(format!("{}: {e}", path.display())))?;
        let copied = sqlx::query("VACUUM INTO $1").bind(path.display().to_string()).execute(&self.pool).await;
        if let Err(e) = copied {
            let _ = std::fs::remove_file(path);
            return Err(e.into());
        }
        Ok(())
    }

    /// Write commands kept and commits made by this process: with group
    /// commit, one commit answers several commands under load.
    pub async fn write_counts(&self) -> (u64, u64) {
        self.writes.counts()
    }

    /// Succeeds when the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Succeeds when the database answers and the last write did not fail
    /// for want of storage. A failure is reported until a write succeeds
    /// again; once the last failure is [`WRITE_RETRY_AFTER`] old, this tries
    /// a small write itself, so the answer turns healthy when there is room
    /// again even if nobody writes. (A small write can succeed while a
    /// request with an attachment still fails, hence not at once.)
    pub async fn check_writes(&self) -> Result<(), StoreError> {
        self.ping().await?;
        match self.writes.failure() {
            None => Ok(()),
            Some((_, ago)) if ago >= WRITE_RETRY_AFTER => {
                self.write_one(sqlx::query(cases::LOCK_CHAIN)).await.map(|_| ())
            }
            Some((why, _)) => Err(StoreError::Commit(why)),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs one statement as a command of its own on the write queue.
    async fn write_one(
        &self,
        statement: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<u64, StoreError> {
        let mut write = self.write().await?;
        let result = statement.execute(&mut **write.tx()).await;
        write.finish(result.map(|done| done.rows_affected()).map_err(StoreError::from)).await
    }

    /// A command's turn on the installation's write queue: its transaction
    /// already holds the chain's lock (see [`write_queue::HeadLock`]);
    /// finish it with [`write_queue::Write::finish`].
    async fn write(&self) -> Result<write_queue::Write, StoreError> {
        self.writes.enter(&self.pool).await
    }

    /// A command's turn on `agency`'s write queue, for work on that agency's
    /// data that appends only to its chain: on PostgreSQL it runs beside the
    /// commands of other agencies (on SQLite, with its one writer, every
    /// command shares one queue).
    async fn write_in(&self, agency: &str) -> Result<write_queue::Write, StoreError> {
        if self.backend == Backend::Sqlite {
            return self.write().await;
        }
        let lane = {
            let mut lanes = self.lanes.lock().expect("not poisoned");
            lanes.entry(agency.to_string()).or_insert_with(|| self.writes.agency_lane(agency)).clone()
        };
        let permit = self.lane_permits.clone().acquire_owned().await.expect("the semaphore is never closed");
        Ok(lane.enter(&self.pool).await?.holding(permit))
    }

    /// As [`Store::write`] if no command is running now, `None` otherwise —
    /// for writes that had rather be skipped than wait.
    async fn try_write(&self) -> Result<Option<write_queue::Write>, StoreError> {
        self.writes.try_enter(&self.pool).await
    }
}

/// Opens one connection to a SQLite database and takes its write lock for a
/// moment. A pool retries a connection that fails until its timeout (30 s)
/// and then names only the timeout; this tells at once why the database
/// cannot be written (a read-only directory, a full disk).
async fn check_writable(url: &str, options: &AnyConnectOptions) -> Result<(), StoreError> {
    let unwritable = |e: sqlx::Error| StoreError::Unwritable {
        path: url.trim_start_matches("sqlite://").split('?').next().unwrap_or(url).to_string(),
        reason: e.to_string(),
    };
    let mut conn = sqlx::AnyConnection::connect_with(options).await.map_err(unwritable)?;
    let probe = async {
        conn.execute("PRAGMA journal_mode = WAL").await?;
        conn.execute("BEGIN IMMEDIATE").await?;
        conn.execute("ROLLBACK").await
    }
    .await;
    let _ = conn.close().await;
    probe.map(|_| ()).map_err(unwritable)
}

/// The file a SQLite URL names as sqlx reads it (percent-decoded), if it
/// names one: not a database in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if url.contains("mode=memory") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let file = options.get_filename();
    let name = file.to_string_lossy();
    // sqlx names a database in memory `:memory:` or `file:sqlx-in-memory-…`.
    let named = !name.is_empty() && !name.starts_with(':') && !name.starts_with("file:");
    named.then(|| file.to_path_buf())
}

/// How long after a write failed for want of storage [`Store::check_writes`]
/// tries a write of its own.
pub const WRITE_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// The backend a database URL names.
fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::BadUrl(url.to_string()))
    }
}

/// Unread notifications are counted up to this (shown as "99+" beyond).
pub const UNREAD_CAP: i64 = 100;

/// A new unique id (UUID v7: time-ordered).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::sqlite_file;

    #[test]
    fn a_sqlite_urls_file_is_the_one_sqlx_opens() {
        let file = |url| sqlite_file(url).map(|p: PathBuf| p.display().to_string());
        assert_eq!(file("sqlite:///srv/sopir/sopir.db?mode=rwc").as_deref(), Some("/srv/sopir/sopir.db"));
        assert_eq!(file("sqlite://data/sopir.db").as_deref(), Some("data/sopir.db"));
        assert_eq!(file("sqlite://arsip%20dinas.db?mode=rwc").as_deref(), Some("arsip dinas.db"));
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://cadangan.db?mode=memory"), None);
    }
}
