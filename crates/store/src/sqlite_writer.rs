//! The SQLite write queue's own connection, and how the store runs its SQL
//! on a connection of its own (also the hot reads': [`crate::hot_reads`]).
//! sqlx runs every SQLite statement on a worker thread of its own and
//! hands the answer back through a channel — 18–26 µs a statement against
//! 1.2–1.7 µs called directly (BENCHMARKS.md, sixth measurement), and a
//! write command runs about twenty. SQLite has one writer anyway, so the queue keeps one
//! connection here and runs its commands' statements on it directly, on
//! the calling task: a statement inside a transaction that already holds
//! the write lock waits for no other writer (only for its own work — a
//! purge over every closed case holds a tokio worker that long). Taking the
//! lock while another process holds it waits on tokio's blocking threads;
//! the commit's fsync too, except on a multi-threaded runtime: there it
//! waits on the calling thread, whose other tasks move to another worker.
//!
//! The statements are the store's own SQL text (`$1`-style parameters,
//! bound by number as sqlx does, but a missing argument is an error, not
//! NULL; one statement per string), and their rows come back as sqlx's
//! `AnyRow`, built as sqlx's SQLite driver builds them (each value by its
//! stored type), so the same `FromRow` mappings read them.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyTypeInfo, AnyTypeInfoKind, AnyValue};
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx_core::any::{AnyColumn, AnyValueKind};
use sqlx_core::ext::ustr::UStr;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How many prepared statements the connection keeps: every distinct
/// write statement of the store fits.
const CACHED_STATEMENTS: usize = 512;

/// How long taking the write lock waits for another process's writer.
const BUSY: Duration = Duration::from_secs(10);

/// The queue's connection, one command batch at a time.
pub(crate) struct SqliteWriter(Arc<Mutex<Connection>>);

impl SqliteWriter {
    /// Opens the database file at `path` (already created and migrated
    /// through the pool) with the pool's pragmas.
    pub(crate) fn open(path: &Path) -> Result<SqliteWriter, sqlx::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(database_error)?;
        settle(&conn, CACHED_STATEMENTS, BUSY)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL;")
            .map_err(database_error)?;
        Ok(SqliteWriter(Arc::new(Mutex::new(conn))))
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE`: the write lock is
    /// taken now, so no statement inside it waits for another writer).
    pub(crate) async fn begin(&self) -> Result<DirectTx, sqlx::Error> {
        let conn = self.0.clone().lock_owned().await;
        // Mostly no other process is writing: the lock is taken here at
        // once, without a round trip to a blocking thread.
        if conn.is_autocommit() && begin_unless_busy(&conn).is_ok() {
            return Ok(DirectTx { conn: Some(conn) });
        }
        // The transaction is owned as soon as it is open, on the blocking
        // thread: if our caller goes away meanwhile, dropping the
        // unclaimed `DirectTx` rolls it back instead of leaving the
        // connection holding the write lock.
        tokio::task::spawn_blocking(move || {
            if !conn.is_autocommit() {
                // Left open by a thread that failed half-way.
                let _ = conn.execute_batch("ROLLBACK");
            }
            conn.execute_batch("BEGIN IMMEDIATE").map_err(database_error)?;
            Ok(DirectTx { conn: Some(conn) })
        })
        .await
        .map_err(thread_failed)?
    }
}

/// `BEGIN IMMEDIATE` if no other writer holds the database now.
fn begin_unless_busy(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::ZERO)?;
    let began = conn.execute_batch("BEGIN IMMEDIATE");
    conn.busy_timeout(BUSY)?;
    began
}

/// An open transaction on the writer's connection. Dropped unfinished, it
/// is rolled back.
pub struct DirectTx {
    conn: Option<OwnedMutexGuard<Connection>>,
}

impl fmt::Debug for DirectTx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DirectTx")
    }
}

impl DirectTx {
    fn conn(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("open until committed")
    }

    /// Runs one statement with `arguments`: what it changed, then its rows.
    pub(crate) fn run(
        &mut self,
        sql: &str,
        arguments: Option<AnyArguments>,
        rows: Rows,
    ) -> Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error> {
        let conn = self.conn();
        if conn.is_autocommit() {
            // SQLite ends a transaction by itself on some failures (a full
            // disk, an I/O error); nothing may then run outside it.
            return Err(sqlx::Error::Protocol("the transaction was ended by an earlier failure".into()));
        }
        run_statement(conn, sql, arguments, rows)
    }

    /// Commits, on a blocking thread (the fsync). The connection is free
    /// for the next transaction once it is done, even if our caller went
    /// away meanwhile.
    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        let conn = self.conn.take().expect("open until committed");
        tokio::task::spawn_blocking(move || commit_on(&conn)).await.map_err(thread_failed)?
    }

    /// Commits on the calling thread, if it is a worker of a
    /// multi-threaded runtime: `block_in_place` moves the worker's other
    /// tasks, which may queue their commands meanwhile, to another thread
    /// while this one waits for the disk. Handing the commit to a blocking
    /// thread and back cost the write queue more than the fsync itself
    /// under load (BENCHMARKS.md, nineteenth measurement). Elsewhere the
    /// transaction comes back uncommitted.
    pub(crate) fn commit_in_place(mut self) -> Result<Result<(), sqlx::Error>, DirectTx> {
        match tokio::runtime::Handle::try_current().map(|runtime| runtime.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => {
                let conn = self.conn.take().expect("open until committed");
                Ok(tokio::task::block_in_place(|| commit_on(&conn)))
            }
            _ => Err(self),
        }
    }
}

fn commit_on(conn: &Connection) -> Result<(), sqlx::Error> {
    let committed = conn.execute_batch("COMMIT");
    if committed.is_err() && !conn.is_autocommit() {
        // A commit that failed (SQLITE_BUSY, a full disk) may leave the
        // transaction open; the next one starts clean.
        let _ = conn.execute_batch("ROLLBACK");
    }
    committed.map_err(database_error)
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            if !conn.is_autocommit() {
                // Nothing to keep: a rollback writes nothing to wait for.
                let _ = conn.execute_batch("ROLLBACK");
            }
        }
    }
}

/// What the store's own connections share (this writer's, and the hot
/// reads'): how long to wait for a lock, statements kept prepared, and
/// plans that do not depend on the values bound. Without that guarantee
/// (QPSG) SQLite plans a kept statement anew each time a parameter that
/// could sway its plan is bound again (a `LIMIT $n`, say), parsing it
/// again on every use: 4 % of the server's time under load for the task
/// list alone. With it, a bound value never selects a partial index: SQL
/// that relies on one writes the index's condition as it is (`is_open =
/// 1`), which the store's SQL does.
pub(crate) fn settle(conn: &Connection, cached_statements: usize, busy: Duration) -> Result<(), sqlx::Error> {
    conn.busy_timeout(busy).map_err(database_error)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(database_error)?;
    conn.set_prepared_statement_cache_capacity(cached_statements);
    Ok(())
}

/// Which of a statement's rows are wanted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    All,
    /// The first only (`fetch_optional`, `fetch_one`): the rest are not read.
    First,
}

/// Runs one statement of the store's SQL with `arguments` on `conn`: what
/// it changed, then its rows, as sqlx's SQLite driver gives them.
pub(crate) fn run_statement(
    conn: &Connection,
    sql: &str,
    arguments: Option<AnyArguments>,
    wanted: Rows,
) -> Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error> {
    let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
    let values = arguments.map(|a| a.values.0).unwrap_or_default();
    for index in 1..=statement.parameter_count() {
        // `$n` and `?n` name the n-th argument (and may repeat);
        // anything else takes the next one, as sqlx binds them.
        let number = match statement.parameter_name(index) {
            Some(name) => name[1..]
                .parse::<usize>()
                .map_err(|_| sqlx::Error::Protocol(format!("unsupported SQL parameter {name} in: {sql}")))?,
            None => index,
        };
        let value = number.checked_sub(1).and_then(|i| values.get(i)).ok_or_else(|| {
            sqlx::Error::Protocol(format!(
                "{} arguments given, parameter {number} asked in: {sql}",
                values.len()
            ))
        })?;
        bind(&mut statement, index, value)?;
    }
    let columns = statement.column_count();
    let names: Vec<UStr> =
        (0..columns).map(|i| UStr::new(statement.column_name(i).unwrap_or_default())).collect();
    let index: Arc<sqlx_core::HashMap<UStr, usize>> =
        Arc::new(names.iter().cloned().enumerate().map(|(i, n)| (n, i)).collect());
    let mut rows = Vec::new();
    let mut stepping = statement.raw_query();
    while let Some(row) = stepping.next().map_err(database_error)? {
        let mut out = AnyRow {
            column_names: index.clone(),
            columns: Vec::with_capacity(columns),
            values: Vec::with_capacity(columns),
        };
        for (i, name) in names.iter().enumerate() {
            let kind = value_of(row.get_ref(i).map_err(database_error)?);
            out.columns.push(AnyColumn {
                ordinal: i,
                name: name.clone(),
                type_info: AnyTypeInfo { kind: type_of(&kind) },
            });
            out.values.push(AnyValue { kind });
        }
        rows.push(out);
        if wanted == Rows::First {
            break;
        }
    }
    drop(stepping);
    drop(statement);
    // sqlx's SQLite driver gives no last insert id through Any either.
    let done = AnyQueryResult { rows_affected: conn.changes(), last_insert_id: None };
    Ok((done, rows))
}

fn thread_failed(e: tokio::task::JoinError) -> sqlx::Error {
    tracing::error!("the SQLite writer's thread failed: {e}");
    sqlx::Error::WorkerCrashed
}

fn bind(
    statement: &mut rusqlite::CachedStatement<'_>,
    index: usize,
    value: &AnyValueKind,
) -> Result<(), sqlx::Error> {
    use rusqlite::types::Value;
    // Text and blobs are bound borrowed: SQLite copies them itself.
    let bound = match value {
        AnyValueKind::Text(t) => statement.raw_bind_parameter(index, t.as_ref()),
        AnyValueKind::TextSlice(t) => statement.raw_bind_parameter(index, t.as_ref()),
        AnyValueKind::Blob(b) => statement.raw_bind_parameter(index, b.as_ref()),
        AnyValueKind::Null(_) => statement.raw_bind_parameter(index, Value::Null),
        AnyValueKind::Bool(b) => statement.raw_bind_parameter(index, i64::from(*b)),
        AnyValueKind::SmallInt(i) => statement.raw_bind_parameter(index, i64::from(*i)),
        AnyValueKind::Integer(i) => statement.raw_bind_parameter(index, i64::from(*i)),
        AnyValueKind::BigInt(i) => statement.raw_bind_parameter(index, *i),
        AnyValueKind::Real(r) => statement.raw_bind_parameter(index, f64::from(*r)),
        AnyValueKind::Double(d) => statement.raw_bind_parameter(index, *d),
        other => return Err(sqlx::Error::Protocol(format!("unsupported argument {other:?}"))),
    };
    bound.map_err(database_error)
}

/// A value as sqlx's SQLite driver gives it to Any: by its stored type.
fn value_of(value: ValueRef<'_>) -> AnyValueKind {
    match value {
        ValueRef::Null => AnyValueKind::Null(AnyTypeInfoKind::Null),
        ValueRef::Integer(i) => AnyValueKind::BigInt(i),
        ValueRef::Real(r) => AnyValueKind::Double(r),
        ValueRef::Text(t) => AnyValueKind::Text(Arc::new(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Blob(b) => AnyValueKind::Blob(Arc::new(b.to_vec())),
    }
}

fn type_of(kind: &AnyValueKind) -> AnyTypeInfoKind {
    match kind {
        AnyValueKind::BigInt(_) => AnyTypeInfoKind::BigInt,
        AnyValueKind::Double(_) => AnyTypeInfoKind::Double,
        AnyValueKind::Text(_) => AnyTypeInfoKind::Text,
        AnyValueKind::Blob(_) => AnyTypeInfoKind::Blob,
        _ => AnyTypeInfoKind::Null,
    }
}

/// rusqlite's error as sqlx's SQLite driver reports it: the extended
/// result code and its kind (a unique violation …), which the store reads.
pub(crate) fn database_error(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(code, message) => sqlx::Error::Database(Box::new(SqliteFailure {
            code: code.extended_code,
            message: message.unwrap_or_else(|| code.to_string()),
        })),
        // A statement refused while prepared (no such table, a syntax error).
        rusqlite::Error::SqlInputError { error, msg, .. } => {
            sqlx::Error::Database(Box::new(SqliteFailure { code: error.extended_code, message: msg }))
        }
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

#[derive(Debug)]
struct SqliteFailure {
    code: i32,
    message: String,
}

impl fmt::Display for SqliteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for SqliteFailure {}

impl DatabaseError for SqliteFailure {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        use rusqlite::ffi;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => ErrorKind::UniqueViolation,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use sqlx::Row;

    use super::*;
    use crate::WriteTx;

    #[derive(sqlx::FromRow, Debug, PartialEq)]
    struct Kept {
        id: i64,
        name: String,
        note: Option<String>,
        body: Vec<u8>,
        ratio: f64,
        flag: i64,
    }

    fn database() -> (tempfile::TempDir, SqliteWriter) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "CREATE TABLE kept (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT,
                 body BLOB NOT NULL, ratio REAL NOT NULL, flag INTEGER NOT NULL)",
            )
            .unwrap();
        let writer = SqliteWriter::open(&path).unwrap();
        (dir, writer)
    }

    fn count(dir: &tempfile::TempDir) -> i64 {
        let conn = Connection::open(dir.path().join("w.db")).unwrap();
        conn.query_row("SELECT COUNT(*) FROM kept", [], |r| r.get(0)).unwrap()
    }

    #[tokio::test]
    async fn statements_bind_by_number_and_rows_read_as_sqlx_rows() {
        let (dir, writer) = database();
        let mut tx = WriteTx::direct(writer.begin().await.unwrap());
        // `$2` twice, and out of order: bound by number, as sqlx does.
        let done = sqlx::query(
            "INSERT INTO kept (id, name, note, body, ratio, flag) VALUES ($1, $2 || '-' || $2, $3, $4, $5, $6)",
        )
        .bind(7_i64)
        .bind("surat")
        .bind(None::<String>)
        .bind(vec![0_u8, 159, 255])
        .bind(0.25_f64)
        .bind(true)
        .execute(&mut *tx)
        .await
        .unwrap();
        assert_eq!(done.rows_affected(), 1);
        let kept: Kept =
            sqlx::query_as("SELECT * FROM kept WHERE id = $1").bind(7_i64).fetch_one(&mut *tx).await.unwrap();
        let expected = Kept {
            id: 7,
            name: "surat-surat".into(),
            note: None,
            body: vec![0, 159, 255],
            ratio: 0.25,
            flag: 1,
        };
        assert_eq!(kept, expected);
        let none =
            sqlx::query("SELECT name FROM kept WHERE id = $1").bind(8_i64).fetch_optional(&mut *tx).await;
        assert!(none.unwrap().is_none());
        let returned = sqlx::query("UPDATE kept SET note = $1 RETURNING note, id")
            .bind("dicatat")
            .fetch_all(&mut *tx)
            .await;
        let returned = returned.unwrap();
        assert_eq!(returned.len(), 1);
        assert_eq!(
            (returned[0].get::<String, _>("note"), returned[0].get::<i64, _>(1)),
            ("dicatat".into(), 7)
        );
        assert_eq!(count(&dir), 0, "nothing is seen outside before the commit");
        tx.commit().await.unwrap();
        assert_eq!(count(&dir), 1);
        // sqlx's own SQLite driver reads the row the same.
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let through_sqlx: Kept = sqlx::query_as("SELECT * FROM kept").fetch_one(&pool).await.unwrap();
        assert_eq!(through_sqlx, Kept { note: Some("dicatat".into()), ..expected });
    }

    #[tokio::test]
    async fn a_dropped_transaction_is_undone_and_the_connection_serves_the_next() {
        let (dir, writer) = database();
        let mut tx = WriteTx::direct(writer.begin().await.unwrap());
        sqlx::query("INSERT INTO kept (name, body, ratio, flag) VALUES ('a', x'00', 1, 0)")
            .execute(&mut *tx)
            .await
            .unwrap();
        drop(tx);
        assert_eq!(count(&dir), 0);
        let mut tx = WriteTx::direct(writer.begin().await.unwrap());
        sqlx::query("INSERT INTO kept (name, body, ratio, flag) VALUES ('b', x'00', 1, 0)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&dir), 1);
    }

    #[tokio::test]
    async fn a_caller_gone_while_the_lock_is_awaited_leaves_no_transaction_open() {
        let (dir, writer) = database();
        let other = Connection::open(dir.path().join("w.db")).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        // The writer waits for the other's lock; its caller gives up.
        let gave_up = tokio::time::timeout(Duration::from_millis(100), writer.begin()).await;
        assert!(gave_up.is_err(), "the lock is held elsewhere");
        other.execute_batch("ROLLBACK").unwrap();
        // The abandoned BEGIN went through on its thread and was undone.
        let mut tx = WriteTx::direct(writer.begin().await.unwrap());
        sqlx::query("INSERT INTO kept (name, body, ratio, flag) VALUES ('c', x'00', 1, 0)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        other.execute_batch("BEGIN IMMEDIATE; DELETE FROM kept; COMMIT").unwrap();
        assert_eq!(count(&dir), 0, "the writer holds no lock after its commit");
    }

    #[tokio::test]
    async fn a_writer_waits_for_another_process_to_finish_writing() {
        let (dir, writer) = database();
        // Taken at once when nobody else writes, …
        writer.begin().await.unwrap().commit().await.unwrap();
        // … and waited for when another process writes: the quick attempt
        // gives way to the patient one.
        let other = Connection::open(dir.path().join("w.db")).unwrap();
        other
            .execute_batch(
                "BEGIN IMMEDIATE; INSERT INTO kept (name, body, ratio, flag) VALUES ('d', x'00', 1, 0)",
            )
            .unwrap();
        let waiting = tokio::spawn(async move {
            let mut tx = WriteTx::direct(writer.begin().await.unwrap());
            sqlx::query("INSERT INTO kept (name, body, ratio, flag) VALUES ('e', x'00', 1, 0)")
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "the other holds the lock");
        other.execute_batch("COMMIT").unwrap();
        waiting.await.unwrap();
        assert_eq!(count(&dir), 2);
    }

    #[tokio::test]
    async fn refusals_carry_sqlites_codes_and_kinds() {
        let (_dir, writer) = database();
        let mut tx = WriteTx::direct(writer.begin().await.unwrap());
        let insert = "INSERT INTO kept (name, body, ratio, flag) VALUES ($1, x'00', 1, 0)";
        sqlx::query(insert).bind("sama").execute(&mut *tx).await.unwrap();
        let Err(sqlx::Error::Database(twice)) = sqlx::query(insert).bind("sama").execute(&mut *tx).await
        else {
            panic!("a second row with the same name is refused");
        };
        assert!(twice.is_unique_violation());
        assert_eq!(twice.code().as_deref(), Some("2067"), "SQLITE_CONSTRAINT_UNIQUE, as sqlx reports it");
        let Err(sqlx::Error::Database(missing)) =
            sqlx::query("INSERT INTO kept (name, ratio, flag) VALUES ('x', 1, 0)").execute(&mut *tx).await
        else {
            panic!("a missing body is refused");
        };
        assert_eq!(missing.kind(), ErrorKind::NotNullViolation);
        let Err(sqlx::Error::Database(no_table)) =
            sqlx::query("SELECT * FROM absent").fetch_one(&mut *tx).await
        else {
            panic!("an unknown table is refused");
        };
        assert!(no_table.message().contains("no such table"), "{no_table}");
        assert_eq!(no_table.code().as_deref(), Some("1"));
        let too_few = sqlx::query("SELECT $1, $2").bind(1_i64).fetch_one(&mut *tx).await;
        assert!(matches!(too_few, Err(sqlx::Error::Protocol(m)) if m.contains("parameter 2")));
        let zeroth = sqlx::query("SELECT $0").bind(1_i64).fetch_one(&mut *tx).await;
        assert!(matches!(zeroth, Err(sqlx::Error::Protocol(m)) if m.contains("parameter 0")));
    }
}
