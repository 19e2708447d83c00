//! The query planner's statistics. PostgreSQL gathers its own
//! (autovacuum). SQLite has none until something runs `ANALYZE`, and a
//! connection keeps the statistics it loaded when it opened. So Sopir
//! gathers them when the store opens and in the daily work, on the write
//! queue's own connection, which lives as long as the server.
//!
//! Statistics alone are not enough: the pool's reading connections keep
//! theirs until they are replaced (sqlx's default lifetime is 30 minutes;
//! the hot reads' own connections are opened afresh after a refresh). So
//! the hot reads have indexes that make the good plan the obvious one
//! even without statistics (migrations 0047 and 0048). The tests below
//! hold them to it.

use sqlx::AnyPool;

use crate::{Backend, Store, StoreError, WriteTx};

/// A sampled analysis. The limit is per connection: a full analysis of a
/// multi-gigabyte history would hold the write lock for minutes. With mask
/// `0x10002`, `optimize` looks at every table (not only those this
/// connection has read) and analyses those that have an index without
/// statistics or have grown or shrunk tenfold since their last analysis.
const OPTIMIZE: [&str; 2] = ["PRAGMA analysis_limit = 1000", "PRAGMA optimize = 0x10002"];

async fn optimize(tx: &mut WriteTx) -> Result<(), sqlx::Error> {
    for statement in OPTIMIZE {
        sqlx::query(statement).execute(&mut **tx).await?;
    }
    Ok(())
}

/// At open, on SQLite, before the write queue's connection opens: a
/// database that was never analysed (a fresh installation, a restored
/// backup, a history just imported or seeded) or that got new indexes
/// gets its statistics now, not at the first daily work. On a large
/// history never analysed this takes a while, once: for a million cases,
/// about 4 s with the file in memory and 48 s from disk.
///
/// Best effort: a store that cannot gather them now (another process holds
/// the write lock) still opens, and the daily work tries again.
pub(crate) async fn gather_at_open(pool: &AnyPool) {
    let started = std::time::Instant::now();
    let gathered = async {
        let mut tx = WriteTx::from(pool.begin().await?);
        optimize(&mut tx).await?;
        tx.commit().await
    }
    .await;
    let took = started.elapsed().as_secs_f64();
    match gathered {
        Err(e) => tracing::warn!("statistik perencana kueri SQLite belum dikumpulkan: {e}"),
        Ok(()) if took >= 1.0 => {
            tracing::info!("statistik perencana kueri SQLite dikumpulkan ({took:.1} detik)")
        }
        Ok(()) => {}
    }
}

impl Store {
    /// Refreshes the query planner's statistics where the database does not
    /// do it itself; on PostgreSQL, the survey's tables are put back in key
    /// order (part of the daily work).
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            // On the write queue: its connection, which never reopens, then
            // plans with the new statistics (`ANALYZE` reloads them in the
            // connection that runs it). The analysis holds the queue while
            // it runs (sampled: well under a second once the statistics
            // exist) and counts as one command kept. The hot reads'
            // connections are opened afresh to read them.
            let mut write = self.write().await?;
            let result = optimize(write.tx()).await.map_err(StoreError::from);
            write.finish(result).await?;
            self.hot.statistics_changed();
            return Ok(());
        }
        // The survey's tables rewritten in key order: rows written together
        // (an answered case and its response) no longer sit at the same
        // place in each table (SQLite keeps them WITHOUT ROWID).
        for table in ["satisfaction_answered", "satisfaction_responses", "satisfaction_scores"] {
            let cluster = format!("CLUSTER {table} USING {table}_pkey");
            sqlx::query(sqlx::AssertSqlSafe(cluster)).execute(&self.pool).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::{DataKey, Store};

    /// What SQLite would do for `sql`, on a connection without statistics.
    fn plan(conn: &Connection, sql: &str) -> Vec<String> {
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let unbound = rusqlite::params_from_iter(std::iter::repeat_n(
            rusqlite::types::Null,
            statement.parameter_count(),
        ));
        statement.query_map(unbound, |row| row.get::<_, String>(3)).unwrap().map(Result::unwrap).collect()
    }

    fn statistics(conn: &Connection, table: &str) -> i64 {
        conn.query_row("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = ?1", [table], |row| row.get(0)).unwrap()
    }

    #[tokio::test]
    async fn statistics_are_gathered_at_open_and_hot_reads_need_none() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sopir.db");
        let url = format!("sqlite://{}", file.display());
        let now = jiff::Timestamp::now().as_millisecond();
        {
            let store = Store::open(&url).await.unwrap().with_key(DataKey::random());
            crate::demo::install(&store, &sop::Catalog::builtin(), now).await.unwrap();
            store.seed_history(40, now, |_| {}).await.unwrap();
            store.close().await;
        }

        // As a database restored or seeded elsewhere: no statistics at all.
        let conn = Connection::open(&file).unwrap();
        conn.execute("DELETE FROM sqlite_stat1", []).unwrap();
        drop(conn);
        let conn = Connection::open(&file).unwrap();
        // Planned as the store's own connections plan (QPSG).
        crate::sqlite_writer::settle(&conn, 16, std::time::Duration::from_secs(1)).unwrap();
        assert_eq!(statistics(&conn, "events"), 0);

        // A case's events come by the case, not by reading its agency's
        // whole chain.
        let events = plan(&conn, crate::audit::CASE_EVENTS);
        assert!(
            events
                .iter()
                .any(|step| step.contains("INDEX events_case (case_id=? AND agency_id=? AND seq>?)")),
            "{events:?}"
        );
        assert!(!events.iter().any(|step| step.contains("events_chain")), "{events:?}");
        // An entry's latest review comes by the entry, not by reading every
        // review item for each entry listed.
        let registry = plan(&conn, &format!("{} WHERE r.agency_id = $1", crate::registry::ENTRY_SELECT));
        assert!(
            registry.iter().any(|step| step.contains("INDEX review_items_entry (entry_id=?)")),
            "{registry:?}"
        );
        assert!(!registry.iter().any(|step| step.starts_with("SCAN i")), "{registry:?}");
        // The report's ended cases come from their own index, not from
        // every case of the agency.
        let ended = plan(&conn, crate::report::ENDED_BY_SOP);
        let from_index = "COVERING INDEX cases_ended (agency_id=? AND closed_at>? AND closed_at<?)";
        assert!(ended.iter().any(|step| step.contains(from_index)), "{ended:?}");
        // Who may see a case's letter: from the case's tasks, not from every
        // task the person was ever offered.
        let lanes = plan(&conn, crate::letters::LANES_OF_CANDIDATE);
        assert!(
            lanes.first().is_some_and(|step| step.contains("SEARCH t USING INDEX tasks_case")),
            "{lanes:?}"
        );
        drop(conn);

        // Opening the store gathers them again.
        Store::open(&url).await.unwrap().close().await;
        let conn = Connection::open(&file).unwrap();
        assert!(statistics(&conn, "events") > 0);
        assert!(statistics(&conn, "tasks") > 0);
    }
}
