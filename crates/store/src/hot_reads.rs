//! The reads every request makes — the caller's token and rights, a case
//! and who may see it, its letters, the task list, an idempotency key, the
//! SOP version a case runs, whether the agency's cached copy is current —
//! and, on SQLite, the connections they run on. sqlx hands each SQLite
//! statement to a worker thread of its own and back; under load about a
//! quarter of the server's time went to those hand-offs (BENCHMARKS.md,
//! ninth measurement). Here a statement runs on the calling task on a
//! connection of the store's own, as the write queue's statements do
//! ([`crate::sqlite_writer`]), with the same SQL text and row mappings as
//! on the pool.
//!
//! Only short reads with a bounded answer belong here: a statement holds a
//! tokio worker while it runs, and its rows are read whole. Long reads
//! (reports, exports, an audit) and every write stay on the pool. In WAL
//! mode a read waits for no writer; it may wait a moment while a
//! checkpoint resets the log, at most [`BUSY`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::{self, BoxFuture, FutureExt};
use futures_util::stream::{self, BoxStream, StreamExt};
use rusqlite::{Connection, OpenFlags};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::{Any, AnyPool, Either, Execute, Executor, SqlStr};

use crate::sqlite_writer::{Rows, database_error, run_statement, settle};
use crate::write_tx::{first_row, rows_as_stream, run_direct, unsupported};

/// Idle reading connections kept, at least: statements run at once on as
/// many connections as the runtime has workers (one per core). More are
/// opened when needed and closed after.
const KEPT_IDLE: usize = 4;
/// Prepared statements kept per connection: every hot read fits.
const CACHED_STATEMENTS: usize = 128;
/// How long a read waits for a lock before it fails.
const BUSY: Duration = Duration::from_secs(1);
/// How long a connection serves: then it is opened afresh, to read
/// statistics gathered by another process (sqlx's pool does the same).
const LIFETIME: Duration = Duration::from_secs(30 * 60);

/// Where the hot reads run: the pool, or on SQLite the store's own reading
/// connections. Read through `&HotReads` as through `&AnyPool`.
pub(crate) struct HotReads {
    pool: AnyPool,
    direct: Option<SqliteReaders>,
}

impl std::fmt::Debug for HotReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.direct.is_some() { "HotReads::Direct" } else { "HotReads::Pooled" })
    }
}

impl HotReads {
    /// The pool's reads; on SQLite with `file` (a database this process
    /// writes), reading connections of our own to it.
    pub(crate) fn new(pool: AnyPool, file: Option<&Path>) -> Result<HotReads, sqlx::Error> {
        let direct = file.map(SqliteReaders::open).transpose()?;
        Ok(HotReads { pool, direct })
    }

    /// New planner statistics were gathered: connections opened before
    /// them are not used again (a connection reads them when it opens).
    pub(crate) fn statistics_changed(&self) {
        if let Some(direct) = &self.direct {
            direct.generation.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// Reading connections to one SQLite file, taken for one statement at a
/// time.
struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<Idle>>,
    kept: usize,
    generation: AtomicU64,
}

/// An idle connection, with when and in which statistics generation it
/// opened.
struct Idle {
    conn: Connection,
    generation: u64,
    opened: Instant,
}

impl SqliteReaders {
    fn open(path: &Path) -> Result<SqliteReaders, sqlx::Error> {
        let workers = std::thread::available_parallelism().map_or(KEPT_IDLE, |n| n.get());
        let readers = SqliteReaders {
            path: path.to_path_buf(),
            idle: Mutex::default(),
            kept: workers.max(KEPT_IDLE),
            generation: AtomicU64::new(0),
        };
        // Opened now, so a file that cannot be read is told at start.
        let first = readers.connect()?;
        readers.idle.lock().expect("not poisoned").push(Idle {
            conn: first,
            generation: 0,
            opened: Instant::now(),
        });
        Ok(readers)
    }

    fn connect(&self) -> Result<Connection, sqlx::Error> {
        // Read-only: a write slipped in here would fail at once, not wait
        // for the write lock on a tokio worker.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(database_error)?;
        settle(&conn, CACHED_STATEMENTS, BUSY)?;
        Ok(conn)
    }

    /// Runs one statement on an idle connection (or a new one).
    fn run(
        &self,
        sql: &str,
        arguments: Option<AnyArguments>,
        rows: Rows,
    ) -> Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error> {
        let generation = self.generation.load(Ordering::Acquire);
        let (taken, stale) = {
            let mut idle = self.idle.lock().expect("not poisoned");
            // Those opened before the current statistics, or long ago.
            let stale: Vec<Idle> = idle
                .extract_if(.., |c| c.generation != generation || c.opened.elapsed() >= LIFETIME)
                .collect();
            (idle.pop(), stale)
        };
        // Closed outside the lock.
        drop(stale);
        let taken = match taken {
            Some(idle) => idle,
            None => Idle { conn: self.connect()?, generation, opened: Instant::now() },
        };
        let ran = run_statement(&taken.conn, sql, arguments, rows);
        let mut idle = self.idle.lock().expect("not poisoned");
        if taken.conn.is_autocommit() && idle.len() < self.kept {
            idle.push(taken);
        }
        ran
    }
}

impl<'c> Executor<'c> for &'c HotReads {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match &self.direct {
            None => (&self.pool).fetch_many(query),
            Some(direct) => {
                let rows =
                    rows_as_stream(run_direct(query, |sql, arguments| direct.run(sql, arguments, Rows::All)));
                // The statement ran already; a loop of reads still lets the
                // worker's other tasks run now and then.
                let yielding =
                    stream::once(tokio::task::consume_budget()).filter_map(|()| future::ready(None));
                yielding.chain(rows).boxed()
            }
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match &self.direct {
            None => (&self.pool).fetch_optional(query),
            Some(direct) => {
                let row =
                    first_row(run_direct(query, |sql, arguments| direct.run(sql, arguments, Rows::First)));
                async move {
                    tokio::task::consume_budget().await;
                    row.await
                }
                .boxed()
            }
        }
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [AnyTypeInfo],
    ) -> BoxFuture<'e, Result<AnyStatement, sqlx::Error>>
    where
        'c: 'e,
    {
        match &self.direct {
            None => (&self.pool).prepare_with(sql, parameters),
            Some(_) => future::ready(Err(unsupported("prepare"))).boxed(),
        }
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<sqlx::Describe<Any>, sqlx::Error>>
    where
        'c: 'e,
    {
        match &self.direct {
            None => (&self.pool).describe(sql),
            Some(_) => future::ready(Err(unsupported("describe"))).boxed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::*;

    const TABLE: [&str; 3] = [
        "PRAGMA journal_mode = WAL",
        "CREATE TABLE kept (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, ratio REAL, body BLOB)",
        "CREATE INDEX kept_name ON kept (name)",
    ];

    async fn database(setup: &[&str]) -> (tempfile::TempDir, AnyPool, HotReads) {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.db");
        let pool = AnyPool::connect(&format!("sqlite://{}?mode=rwc", file.display())).await.unwrap();
        let rows = "INSERT INTO kept (id, name, note, ratio, body) VALUES (1, 'surat', NULL, 0.25, x'00ff'), (2, 'nota', 'dinas', NULL, NULL)";
        for statement in TABLE.iter().chain([&rows]).chain(setup) {
            sqlx::query(sqlx::AssertSqlSafe(*statement)).execute(&pool).await.unwrap();
        }
        let hot = HotReads::new(pool.clone(), Some(&file)).unwrap();
        (dir, pool, hot)
    }

    type Shown = (i64, String, Option<String>, Option<f64>, Option<Vec<u8>>);

    fn shown(rows: &[AnyRow]) -> Vec<Shown> {
        rows.iter()
            .map(|r| (r.get("id"), r.get("name"), r.get("note"), r.get("ratio"), r.get("body")))
            .collect()
    }

    #[tokio::test]
    async fn hot_reads_answer_as_the_pool_and_see_each_commit() {
        let (_dir, pool, hot) = database(&[]).await;
        assert!(format!("{hot:?}").contains("Direct"), "a file this process writes is read directly");
        let query = "SELECT id, name, note, ratio, body FROM kept WHERE id >= $1 ORDER BY id";
        let pooled = sqlx::query(query).bind(1_i64).fetch_all(&pool).await.unwrap();
        let direct = sqlx::query(query).bind(1_i64).fetch_all(&hot).await.unwrap();
        assert_eq!(shown(&direct), shown(&pooled));
        assert_eq!(shown(&direct)[0], (1, "surat".into(), None, Some(0.25), Some(vec![0, 255])));
        // The first of several rows, as sqlx gives it.
        let first = sqlx::query(query).bind(1_i64).fetch_optional(&hot).await.unwrap();
        assert_eq!(shown(&first.into_iter().collect::<Vec<_>>()), shown(&pooled[..1]));
        // A commit made elsewhere is seen by the next read.
        sqlx::query("INSERT INTO kept (id, name) VALUES (3, 'disposisi')").execute(&pool).await.unwrap();
        let one = sqlx::query("SELECT id, name, note, ratio, body FROM kept WHERE name = $1")
            .bind("disposisi")
            .fetch_optional(&hot)
            .await
            .unwrap();
        assert_eq!(
            shown(&one.into_iter().collect::<Vec<_>>()),
            vec![(3, "disposisi".into(), None, None, None)]
        );
        let none = sqlx::query("SELECT id FROM kept WHERE id = $1").bind(9_i64).fetch_optional(&hot).await;
        assert!(none.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_write_slipped_into_the_hot_reads_is_refused_and_changes_nothing() {
        let (_dir, pool, hot) = database(&[]).await;
        let refused = sqlx::query("DELETE FROM kept").execute(&hot).await;
        let Err(sqlx::Error::Database(e)) = refused else { panic!("refused, not {refused:?}") };
        assert!(e.message().contains("readonly"), "{e}");
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kept").fetch_one(&pool).await.unwrap();
        assert_eq!(kept, 2);
        // The connection still serves reads.
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kept").fetch_one(&hot).await.unwrap();
        assert_eq!(count, 2);
    }

    #[tokio::test]
    async fn after_new_statistics_the_connections_are_opened_afresh() {
        // The statistics tables exist, empty, before the connections open:
        // filling them later changes no schema, so an open connection has
        // no reason of its own to read them again.
        let (_dir, pool, hot) =
            database(&["CREATE INDEX kept_note ON kept (note)", "ANALYZE", "DELETE FROM sqlite_stat1"]).await;
        // The bundled SQLite also samples values (`sqlite_stat4`), which
        // would tell the truth about these two rows.
        let samples: Option<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat4'")
                .fetch_optional(&pool)
                .await
                .unwrap();
        if samples.is_some() {
            sqlx::query("DELETE FROM sqlite_stat4").execute(&pool).await.unwrap();
        }
        let asked = std::cell::Cell::new(0);
        let plan = |hot: &HotReads| {
            // A new text each time: a kept statement would keep its plan.
            asked.set(asked.get() + 1);
            let sql = format!(
                "EXPLAIN QUERY PLAN SELECT id FROM kept WHERE name = 'nota' AND note = 'dinas' AND {} > 0",
                asked.get()
            );
            let (_, rows) = hot.direct.as_ref().unwrap().run(&sql, None, Rows::All).unwrap();
            rows.iter().map(|r| r.get::<String, _>("detail")).collect::<Vec<_>>().join("; ")
        };
        let before = plan(&hot);
        let (chosen, other) = if before.contains("kept_name") {
            ("kept_name", "kept_note")
        } else {
            ("kept_note", "kept_name")
        };
        // Statistics saying the index chosen without them is worth nothing
        // (every row has the same value) and the other finds one row.
        sqlx::query(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('kept', $1, '1000000 1000000'), ('kept', $2, '1000000 1')",
        )
        .bind(chosen)
        .bind(other)
        .execute(&pool)
        .await
        .unwrap();
        let kept = plan(&hot);
        assert!(kept.contains(chosen), "an open connection keeps what it read: {kept}");
        hot.statistics_changed();
        let after = plan(&hot);
        assert!(after.contains(other), "a fresh connection reads the new ones: {after} (before {before})");
    }

    #[tokio::test]
    async fn a_kept_statement_is_not_planned_again_for_new_values() {
        let (_dir, _pool, hot) = database(&[]).await;
        let sql = "SELECT id FROM kept WHERE name = $1 ORDER BY id LIMIT $2";
        for (name, limit) in [("surat", 1_i64), ("nota", 5), ("surat", 2)] {
            sqlx::query(sql).bind(name).bind(limit).fetch_all(&hot).await.unwrap();
        }
        let direct = hot.direct.as_ref().unwrap();
        let idle = direct.idle.lock().unwrap();
        let kept = idle.last().unwrap().conn.prepare_cached(sql).unwrap();
        // A `LIMIT $2` bound anew would otherwise re-plan it each time.
        assert_eq!(kept.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }
}
