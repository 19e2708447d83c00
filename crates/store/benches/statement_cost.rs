//! What one SQL statement costs the store on this machine, apart from the
//! work SQLite does for it: the same single-row INSERT, 50,000 times in one
//! transaction (no fsync in between), through sqlx's `Any` pool (the
//! store's path), through sqlx's native SQLite pool, and by direct calls
//! into the same SQLite library. sqlx runs each SQLite connection on a
//! worker thread, so every statement is a hand-off there and back; the
//! difference between the lines is that hand-off (BENCHMARKS.md).
//!
//! `cargo bench -p store --bench statement_cost`
use std::ffi::CString;
use std::time::Instant;

const N: i64 = 50_000;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    sqlx::any::install_default_drivers();
    // The same loop over two pool types (which share no trait that would
    // make a generic function short).
    macro_rules! time_inserts {
        ($pool:expr) => {{
            let pool = $pool;
            sqlx::query("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)").execute(&pool).await.unwrap();
            let mut tx = pool.begin().await.unwrap();
            let started = Instant::now();
            for i in 0..N {
                sqlx::query("INSERT INTO t (id, v) VALUES ($1, $2)")
                    .bind(i)
                    .bind("abcdefgh")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
            started
        }};
    }
    for kind in ["any", "native"] {
        let url = format!("sqlite://{}?mode=rwc", dir.join(format!("{kind}.db")).display());
        let started = if kind == "any" {
            time_inserts!(sqlx::AnyPool::connect(&url).await.unwrap())
        } else {
            time_inserts!(sqlx::SqlitePool::connect(&url).await.unwrap())
        };
        let us = started.elapsed().as_secs_f64() * 1e6 / N as f64;
        println!("sqlx {kind:7} {us:6.1} µs per INSERT");
    }
    // SAFETY: one connection and one statement, used on this thread only,
    // finalized and closed before the end; every result is checked.
    unsafe {
        use libsqlite3_sys::*;
        let path = CString::new(dir.join("direct.db").display().to_string()).unwrap();
        let mut db = std::ptr::null_mut();
        assert_eq!(sqlite3_open(path.as_ptr(), &mut db), SQLITE_OK);
        let exec = |sql: &str| {
            let sql = CString::new(sql).unwrap();
            assert_eq!(
                sqlite3_exec(db, sql.as_ptr(), None, std::ptr::null_mut(), std::ptr::null_mut()),
                SQLITE_OK
            );
        };
        exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)");
        exec("BEGIN");
        let sql = CString::new("INSERT INTO t (id, v) VALUES (?1, ?2)").unwrap();
        let mut stmt = std::ptr::null_mut();
        assert_eq!(sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut()), SQLITE_OK);
        let v = b"abcdefgh";
        let started = Instant::now();
        for i in 0..N {
            sqlite3_bind_int64(stmt, 1, i);
            sqlite3_bind_text(stmt, 2, v.as_ptr().cast(), v.len() as i32, SQLITE_TRANSIENT());
            assert_eq!(sqlite3_step(stmt), SQLITE_DONE);
            sqlite3_reset(stmt);
        }
        exec("COMMIT");
        let us = started.elapsed().as_secs_f64() * 1e6 / N as f64;
        println!("direct       {us:6.1} µs per INSERT");
        sqlite3_finalize(stmt);
        sqlite3_close(db);
    }
}
