//! Opening a database only to read it — `sopir audit verify` on a copy
//! without write permission, on read-only media, or on a PostgreSQL replica
//! or read-only role: no migration and nothing written. SQLite is opened
//! `mode=ro`; where not even its shared-memory file can be made beside a
//! WAL database (a read-only directory), as an immutable file.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Connection, Executor};

use crate::{Backend, MIGRATE_POSTGRES, MIGRATE_SQLITE, Store, StoreError};

/// How a database opened read-only is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadAccess {
    /// Read as usual, without writing (SQLite `mode=ro`, or PostgreSQL
    /// read-only transactions).
    ReadOnly,
    /// Read as a file nobody changes (SQLite `immutable`): its directory
    /// allows no shared-memory file. `wal_skipped`: a write-ahead log lies
    /// beside it whose transactions are not read.
    Immutable { wal_skipped: bool },
}

/// The migrations a database has had, against those this program brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaVersions {
    /// The newest migration applied to the database.
    pub database: i64,
    /// The newest migration this program knows.
    pub program: i64,
}

/// The file part of a `sqlite:` URL.
fn sqlite_file(url: &str) -> &str {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    path.split('?').next().unwrap_or(path)
}

/// Reads the chain's head over one connection: the database opens and is Sopir's.
async fn probe(url: &str) -> Result<(), StoreError> {
    let mut conn = sqlx::AnyConnection::connect_with(&AnyConnectOptions::from_str(url)?).await?;
    let probed = conn.execute("SELECT seq FROM audit_head WHERE id = 1").await;
    let _ = conn.close().await;
    probed?;
    Ok(())
}

impl Store {
    /// Opens the database at `url` to read it only (see the module comment).
    pub async fn open_read_only(url: &str) -> Result<(Store, ReadAccess), StoreError> {
        sqlx::any::install_default_drivers();
        let backend = crate::backend_of(url)?;
        let (url, access) = match backend {
            Backend::Sqlite => {
                let file = sqlite_file(url);
                let read_only = format!("sqlite://{file}?mode=ro");
                match probe(&read_only).await {
                    Ok(()) => (read_only, ReadAccess::ReadOnly),
                    Err(first) => {
                        let immutable = format!("{read_only}&immutable=true");
                        if probe(&immutable).await.is_err() {
                            return Err(first);
                        }
                        let wal = std::fs::metadata(format!("{file}-wal")).is_ok_and(|m| m.len() > 0);
                        (immutable, ReadAccess::Immutable { wal_skipped: wal })
                    }
                }
            }
            Backend::Postgres => (url.to_string(), ReadAccess::ReadOnly),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(2)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Postgres {
                        conn.execute("SET default_transaction_read_only = on").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(AnyConnectOptions::from_str(&url)?)
            .await?;
        let store = Store {
            hot: crate::hot_reads::HotReads::new(pool.clone(), None)?,
            pool,
            backend,
            writes: crate::write_queue::WriteQueue::new(None),
            lanes: std::sync::Mutex::default(),
            lane_permits: std::sync::Arc::new(tokio::sync::Semaphore::new(1)),
            agencies: crate::agency_cache::AgencyCache::default(),
            case_cache: crate::case_cache::CaseCache::default(),
            key: None,
            sop_cache: std::sync::Mutex::default(),
            certificates: std::sync::Arc::default(),
        };
        Ok((store, access))
    }

    /// The newest migration the database has had and the newest this
    /// program brings: a copy made by an older Sopir has the older schema
    /// (before migration 45 one hash chain, which `verify_audit` still walks).
    pub async fn schema_versions(&self) -> Result<SchemaVersions, StoreError> {
        let database: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await?;
        let migrator = match self.backend {
            Backend::Sqlite => &MIGRATE_SQLITE,
            Backend::Postgres => &MIGRATE_POSTGRES,
        };
        let program = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        Ok(SchemaVersions { database: database.unwrap_or(0), program })
    }
}
