//! The two migration sets (SQLite and PostgreSQL) are written twice, in
//! each dialect: these tests keep them in step — the same migrations, and
//! on real servers the same tables with the same columns at the end.

mod common;

use std::collections::BTreeSet;

use sqlx::Row;

fn migrations(backend: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_backends_have_the_same_migrations() {
    let (sqlite, postgres) = (migrations("sqlite"), migrations("postgres"));
    assert!(sqlite.len() > 20, "{sqlite:?}");
    assert_eq!(sqlite, postgres, "each migration needs its twin, same number and name");
}

/// (table, column) of every table of the application.
async fn columns(db: &common::TestDb) -> BTreeSet<(String, String)> {
    let query = match db.label {
        "sqlite" => {
            // Not `registry_search*`: SQLite's full-text index of registry
            // entries (an FTS5 table and its shadow tables); PostgreSQL
            // searches the entries themselves through trigram indexes (0019).
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'
               AND m.name NOT LIKE 'registry_search%'"
        }
        _ => {
            "SELECT CAST(table_name AS TEXT) AS t, CAST(column_name AS TEXT) AS c FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'"
        }
    };
    sqlx::query(query)
        .fetch_all(db.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>("t"), r.get::<String, _>("c")))
        .collect()
}

#[tokio::test]
#[ignore = "needs PostgreSQL (TEST_DATABASE_URL)"]
async fn both_backends_end_with_the_same_tables_and_columns() {
    let sqlite = common::sqlite().await;
    let postgres = common::postgres().await.expect("TEST_DATABASE_URL names a PostgreSQL server");
    let (lite, pg) = (columns(&sqlite).await, columns(&postgres).await);
    let only_sqlite: Vec<_> = lite.difference(&pg).collect();
    let only_postgres: Vec<_> = pg.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
}
