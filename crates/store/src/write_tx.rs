//! A write transaction on either of the store's two executors: a pooled
//! sqlx transaction (PostgreSQL, and SQLite writes made outside the write
//! queue), or the SQLite write queue's own connection
//! ([`crate::sqlite_writer`]). The store's write code takes a
//! `&mut WriteTx` and runs its queries on `&mut **tx` as it would on a
//! sqlx transaction: one set of SQL text and row mappings for both. The
//! helpers at the end turn a statement run at once into sqlx's answers,
//! for this and for the hot reads ([`crate::hot_reads`]).

use std::fmt;
use std::ops::{Deref, DerefMut};

use futures_util::future::{self, BoxFuture, FutureExt};
use futures_util::stream::{self, BoxStream, StreamExt};
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow, AnyStatement, AnyTypeInfo};
use sqlx::{Any, Either, Execute, Executor, SqlStr, Transaction};

use crate::sqlite_writer::{DirectTx, Rows};

/// A command's open transaction; dropped unfinished, it is rolled back.
pub struct WriteTx(TxConn);

/// What a [`WriteTx`] runs its statements on (`&mut **tx`).
pub enum TxConn {
    Pooled(Transaction<'static, Any>),
    Direct(DirectTx),
}

impl WriteTx {
    pub(crate) fn direct(tx: DirectTx) -> WriteTx {
        WriteTx(TxConn::Direct(tx))
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxConn::Pooled(tx) => tx.commit().await,
            TxConn::Direct(tx) => tx.commit().await,
        }
    }

    /// Commits on the calling thread if this is the SQLite write queue's
    /// own connection and the thread may wait for the disk
    /// ([`DirectTx::commit_in_place`]); else gives the transaction back.
    pub(crate) fn commit_in_place(self) -> Result<Result<(), sqlx::Error>, WriteTx> {
        match self.0 {
            TxConn::Direct(tx) => tx.commit_in_place().map_err(WriteTx::direct),
            pooled => Err(WriteTx(pooled)),
        }
    }

    /// Undoes the transaction now (dropping it would too, a moment later
    /// for a pooled one).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.0 {
            TxConn::Pooled(tx) => tx.rollback().await,
            TxConn::Direct(tx) => {
                drop(tx);
                Ok(())
            }
        }
    }

    /// Whether the database is PostgreSQL (else SQLite).
    pub fn is_postgres(&self) -> bool {
        matches!(&self.0, TxConn::Pooled(tx) if tx.backend_name() == "PostgreSQL")
    }
}

impl From<Transaction<'static, Any>> for WriteTx {
    fn from(tx: Transaction<'static, Any>) -> WriteTx {
        WriteTx(TxConn::Pooled(tx))
    }
}

impl Deref for WriteTx {
    type Target = TxConn;

    fn deref(&self) -> &TxConn {
        &self.0
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut TxConn {
        &mut self.0
    }
}

impl fmt::Debug for TxConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TxConn::Pooled(_) => f.write_str("TxConn::Pooled"),
            TxConn::Direct(_) => f.write_str("TxConn::Direct"),
        }
    }
}

impl<'c> Executor<'c> for &'c mut TxConn {
    type Database = Any;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match self {
            TxConn::Pooled(tx) => (&mut **tx).fetch_many(query),
            TxConn::Direct(tx) => {
                rows_as_stream(run_direct(query, |sql, arguments| tx.run(sql, arguments, Rows::All)))
            }
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(self, query: E) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Any>,
    {
        match self {
            TxConn::Pooled(tx) => (&mut **tx).fetch_optional(query),
            TxConn::Direct(tx) => {
                first_row(run_direct(query, |sql, arguments| tx.run(sql, arguments, Rows::First)))
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
        match self {
            TxConn::Pooled(tx) => (&mut **tx).prepare_with(sql, parameters),
            TxConn::Direct(_) => future::ready(Err(unsupported("prepare"))).boxed(),
        }
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<sqlx::Describe<Any>, sqlx::Error>>
    where
        'c: 'e,
    {
        match self {
            TxConn::Pooled(tx) => (&mut **tx).describe(sql),
            TxConn::Direct(_) => future::ready(Err(unsupported("describe"))).boxed(),
        }
    }
}

/// Runs `query` at once, through `run` (a statement on a connection of
/// our own: see [`crate::sqlite_writer::run_statement`]).
pub(crate) fn run_direct<'q, E: Execute<'q, Any>>(
    mut query: E,
    run: impl FnOnce(&str, Option<AnyArguments>) -> Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error>,
) -> Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error> {
    let arguments = query.take_arguments().map_err(sqlx::Error::Encode)?;
    run(query.sql().as_str(), arguments)
}

/// A statement run at once, as sqlx's `fetch_many` streams it: its rows,
/// then what it changed.
pub(crate) fn rows_as_stream<'e>(
    ran: Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error>,
) -> BoxStream<'e, Result<Either<AnyQueryResult, AnyRow>, sqlx::Error>> {
    let steps: Vec<_> = match ran {
        Ok((done, rows)) => {
            rows.into_iter().map(|r| Ok(Either::Right(r))).chain([Ok(Either::Left(done))]).collect()
        }
        Err(e) => vec![Err(e)],
    };
    stream::iter(steps).boxed()
}

/// A statement run at once, as sqlx's `fetch_optional` answers it.
pub(crate) fn first_row<'e>(
    ran: Result<(AnyQueryResult, Vec<AnyRow>), sqlx::Error>,
) -> BoxFuture<'e, Result<Option<AnyRow>, sqlx::Error>> {
    future::ready(ran.map(|(_, rows)| rows.into_iter().next())).boxed()
}

pub(crate) fn unsupported(what: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!("a direct SQLite connection does not {what} statements apart"))
}
