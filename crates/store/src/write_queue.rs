//! The process's write queues, with group commit: on SQLite one (it has one
//! writer), on a connection of its own ([`crate::sqlite_writer`]); on
//! PostgreSQL one per lane — the installation's, and one per agency, whose
//! transactions take only that agency's chain head, so the writes of
//! different agencies proceed side by side (see [`crate::audit`]). In a
//! queue, commands run one at a time on one open transaction, and the
//! commands that arrive while others run join it: one commit — one fsync —
//! answers them all. Every command after a batch's first runs in its own
//! savepoint, so a command that fails undoes only itself. A command is
//! answered only after the commit holding it succeeded; if that commit
//! fails, every command in it fails.
//!
//! A batch is committed when no command is waiting to join it, or when it
//! is full or has been open for [`MAX_OPEN`]. A command whose caller goes
//! away half-way (a dropped future) is undone by the next one to take the
//! queue; commands waiting for a commit that nobody comes to make commit
//! the batch themselves after a short wait. A commit, once begun, runs on a
//! task of its own, so it finishes and its batch learns how it went even
//! when the command making it goes away.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use sqlx::AnyPool;
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, OwnedSemaphorePermit};

use crate::sqlite_writer::SqliteWriter;
use crate::write_tx::TxConn;
use crate::{StoreError, WriteTx};

/// The most commands one commit answers.
const MAX_MEMBERS: usize = 64;
/// The longest a batch stays open while commands keep joining it.
const MAX_OPEN: Duration = Duration::from_millis(20);
/// How long a finished command waits for someone else to commit its batch
/// before it looks for itself.
const PATIENCE: Duration = Duration::from_millis(5);

/// What a lane's transactions take first, so that writers of the same
/// chain — in this process or another on the same database — queue.
#[derive(Debug, Clone)]
pub(crate) enum HeadLock {
    /// The installation chain's head, then (on PostgreSQL) every agency
    /// chain's in a fixed order: an installation command may read and
    /// write any agency's data, so no agency command runs beside it.
    Installation,
    /// One agency chain's head (created at its first use).
    Agency(String),
}

impl HeadLock {
    async fn take(&self, tx: &mut WriteTx) -> Result<(), StoreError> {
        match self {
            // The queue's own SQLite connection began its transaction
            // holding the database's write lock (`BEGIN IMMEDIATE`).
            HeadLock::Installation if matches!(**tx, TxConn::Direct(_)) => {}
            HeadLock::Installation => {
                sqlx::query(crate::cases::LOCK_CHAIN).execute(&mut **tx).await?;
                if tx.is_postgres() {
                    sqlx::query("SELECT agency_id FROM audit_chains ORDER BY agency_id FOR UPDATE")
                        .execute(&mut **tx)
                        .await?;
                }
            }
            HeadLock::Agency(agency) => {
                crate::audit::lock_agency_head(tx, agency).await?;
            }
        }
        Ok(())
    }
}

/// One lane's queue. Clones share it; the lanes of one store share their
/// counts and the storage's health.
#[derive(Clone)]
pub(crate) struct WriteQueue(Arc<Lane>);

struct Lane {
    lock: HeadLock,
    /// On SQLite, the queue's own connection; else transactions come from
    /// the pool.
    writer: Option<SqliteWriter>,
    batch: Arc<Mutex<Batch>>,
    /// Commands waiting to take the queue.
    waiting: AtomicUsize,
    shared: Arc<Shared>,
}

/// What the lanes of one store keep together.
#[derive(Default)]
struct Shared {
    /// Commands kept since the process started.
    kept: AtomicU64,
    /// Commits made.
    commits: AtomicU64,
    /// Why and when the last write failed for want of storage (disk full,
    /// I/O error), until a commit succeeds again: what `/healthz` reports.
    failing: std::sync::Mutex<Option<(String, Instant)>>,
}

impl Shared {
    /// Remembers a write that failed for want of storage.
    fn note_failure(&self, error: &StoreError) {
        if error.is_storage_failure() {
            *self.failing.lock().expect("not poisoned") = Some((error.to_string(), Instant::now()));
        }
    }

    /// Counts a commit; one that went through means the storage takes
    /// writes again.
    fn note_commit(&self, result: &Result<(), StoreError>) {
        match result {
            Ok(()) => {
                self.commits.fetch_add(1, Ordering::Relaxed);
                *self.failing.lock().expect("not poisoned") = None;
            }
            Err(e) => self.note_failure(e),
        }
    }
}

#[derive(Default)]
struct Batch {
    tx: Option<WriteTx>,
    /// Commands finished in `tx`, waiting for its commit.
    members: usize,
    opened: Option<Instant>,
    outcome: Option<Arc<Outcome>>,
    /// A command was dropped half-way through: undo it before going on.
    abandoned: Option<Undo>,
}

#[derive(Debug, Clone, Copy)]
enum Undo {
    /// The batch's first command: the whole transaction is its.
    Transaction,
    Savepoint,
}

/// How a batch's commit went, for the commands waiting on it.
#[derive(Default)]
struct Outcome {
    result: OnceLock<Result<(), String>>,
    done: Notify,
}

/// Counts a command waiting for the queue, also if it is dropped waiting.
struct Waiting<'q>(&'q AtomicUsize);

impl<'q> Waiting<'q> {
    fn enter(count: &'q AtomicUsize) -> Waiting<'q> {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Batch {
    async fn undo_abandoned(&mut self) {
        match self.abandoned.take() {
            None => {}
            Some(Undo::Transaction) => {
                // Dropping the transaction rolls it back.
                self.tx = None;
                self.publish(Err("the command was abandoned".into()));
            }
            Some(Undo::Savepoint) if self.tx.is_none() => {
                self.publish(Err("the commit was interrupted".into()))
            }
            Some(Undo::Savepoint) => {
                if let Err(e) = self.rollback_to_savepoint().await {
                    self.abort(&e);
                }
            }
        }
    }

    async fn rollback_to_savepoint(&mut self) -> Result<(), sqlx::Error> {
        let tx = self.tx.as_mut().expect("a savepoint is inside a transaction");
        sqlx::query("ROLLBACK TO SAVEPOINT command").execute(&mut **tx).await?;
        sqlx::query("RELEASE SAVEPOINT command").execute(&mut **tx).await?;
        Ok(())
    }

    /// Commits the batch and tells its commands.
    async fn commit(&mut self, shared: &Arc<Shared>) -> Result<(), StoreError> {
        let Some(tx) = self.tx.take() else {
            // A commit was interrupted half-way: whether it landed is unknown.
            self.publish(Err("the commit was interrupted".into()));
            return Err(StoreError::Commit("the commit was interrupted".into()));
        };
        let telling = self.close();
        // Nothing awaits in a commit in place: once begun, it finishes even
        // if the command committing goes away.
        let tx = match tx.commit_in_place() {
            Ok(result) => return committed(result, shared, telling),
            Err(tx) => tx,
        };
        // Else on a task of its own: when the command committing goes away
        // meanwhile (a client that hung up), the commit still finishes and
        // the others in the batch learn whether it landed, instead of being
        // told it was interrupted.
        let shared = shared.clone();
        match tokio::spawn(async move { committed(tx.commit().await, &shared, telling) }).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Commit("the commit was interrupted".into())),
        }
    }

    /// Gives up the whole batch (rolled back): its commands fail.
    fn abort(&mut self, error: &sqlx::Error) {
        self.tx = None;
        self.publish(Err(error.to_string()));
    }

    fn publish(&mut self, result: Result<(), String>) {
        self.close().tell(result);
    }

    /// Ends the batch; what the returned [`Telling`] tells reaches its
    /// commands.
    fn close(&mut self) -> Telling {
        self.members = 0;
        self.opened = None;
        Telling(self.outcome.take())
    }
}

/// Tells the batch's commands how its commit went, and keeps the
/// storage's health for `/healthz`.
fn committed(
    result: Result<(), sqlx::Error>,
    shared: &Shared,
    mut telling: Telling,
) -> Result<(), StoreError> {
    let result = result.map_err(StoreError::from);
    shared.note_commit(&result);
    telling.tell(result.as_ref().map(|_| ()).map_err(|e| e.to_string()));
    result
}

/// A batch's outcome, told once by its commit's task; if that task ends
/// without telling (it panicked), the waiting commands are told the commit
/// was interrupted rather than waiting for ever.
struct Telling(Option<Arc<Outcome>>);

impl Telling {
    fn tell(&mut self, result: Result<(), String>) {
        if let Some(outcome) = self.0.take() {
            let _ = outcome.result.set(result);
            outcome.done.notify_waiters();
        }
    }
}

impl Drop for Telling {
    fn drop(&mut self) {
        self.tell(Err("the commit was interrupted".into()));
    }
}

/// One command's turn on the queue: its work goes into [`Write::tx`], and
/// [`Write::finish`] keeps or undoes it and waits for the commit.
pub(crate) struct Write {
    queue: WriteQueue,
    batch: Option<OwnedMutexGuard<Batch>>,
    savepoint: bool,
    /// An agency lane's share of the pool's connections, kept until the
    /// command's transaction is committed or undone.
    permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Write {
    fn drop(&mut self) {
        let Some(mut batch) = self.batch.take() else { return };
        batch.abandoned = Some(if self.savepoint { Undo::Savepoint } else { Undo::Transaction });
        // Undone at once rather than by the lane's next command: until it
        // is, the open transaction holds the lane's chain head, which an
        // installation command (or another server) may be waiting for.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let permit = self.permit.take();
            runtime.spawn(async move {
                batch.undo_abandoned().await;
                drop(permit);
            });
        }
    }
}

impl WriteQueue {
    /// The installation's lane of a new store.
    /// (On SQLite, its transactions are `writer`'s.)
    pub(crate) fn new(writer: Option<SqliteWriter>) -> WriteQueue {
        WriteQueue::with(HeadLock::Installation, writer, Arc::default())
    }

    fn with(lock: HeadLock, writer: Option<SqliteWriter>, shared: Arc<Shared>) -> WriteQueue {
        WriteQueue(Arc::new(Lane {
            lock,
            writer,
            batch: Arc::default(),
            waiting: AtomicUsize::new(0),
            shared,
        }))
    }

    /// A lane of `agency` beside this one (on PostgreSQL), sharing its
    /// counts and health.
    pub(crate) fn agency_lane(&self, agency: &str) -> WriteQueue {
        WriteQueue::with(HeadLock::Agency(agency.to_string()), None, self.0.shared.clone())
    }

    async fn begin(&self, pool: &AnyPool) -> Result<WriteTx, sqlx::Error> {
        match &self.0.writer {
            Some(writer) => Ok(WriteTx::direct(writer.begin().await?)),
            None => Ok(WriteTx::from(pool.begin().await?)),
        }
    }

    /// Waits for the queue and joins (or opens) the batch, whose
    /// transaction took the lane's [`HeadLock`] first.
    pub(crate) async fn enter(&self, pool: &AnyPool) -> Result<Write, StoreError> {
        let waiting = Waiting::enter(&self.0.waiting);
        let batch = self.0.batch.clone().lock_owned().await;
        drop(waiting);
        self.join(batch, pool).await
    }

    /// As [`WriteQueue::enter`] if no command is running now; `None`
    /// otherwise — for writes that had rather be skipped than wait.
    pub(crate) async fn try_enter(&self, pool: &AnyPool) -> Result<Option<Write>, StoreError> {
        match self.0.batch.clone().try_lock_owned() {
            Ok(batch) => self.join(batch, pool).await.map(Some),
            Err(_) => Ok(None),
        }
    }

    async fn join(&self, mut batch: OwnedMutexGuard<Batch>, pool: &AnyPool) -> Result<Write, StoreError> {
        batch.undo_abandoned().await;
        if batch.tx.is_none() {
            // Left over from a commit interrupted half-way, if anything.
            batch.publish(Err("the commit was interrupted".into()));
            let mut tx = self.noted(self.begin(pool).await.map_err(StoreError::from))?;
            let lock = self.0.lock.take(&mut tx).await;
            self.noted(lock)?;
            batch.tx = Some(tx);
            batch.opened = Some(Instant::now());
            batch.outcome = Some(Arc::default());
        }
        let savepoint = batch.members > 0;
        if savepoint {
            let tx = batch.tx.as_mut().expect("opened above");
            if let Err(e) = sqlx::query("SAVEPOINT command").execute(&mut **tx).await {
                batch.abort(&e);
                return self.noted(Err(e.into()));
            }
        }
        Ok(Write { queue: self.clone(), batch: Some(batch), savepoint, permit: None })
    }

    /// Keeps `result`'s verdict on the storage: a failure for want of
    /// storage is remembered (a commit's, by [`Shared::note_commit`]).
    fn noted<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(e) = &result {
            self.0.shared.note_failure(e);
        }
        result
    }

    /// Why writes fail now and how long ago the last one did, if the last
    /// one failed for want of storage.
    pub(crate) fn failure(&self) -> Option<(String, Duration)> {
        self.0
            .shared
            .failing
            .lock()
            .expect("not poisoned")
            .as_ref()
            .map(|(why, at)| (why.clone(), at.elapsed()))
    }

    /// Commands kept and commits made since the process started, in every
    /// lane: their ratio is how many commands one commit answered on average.
    pub(crate) fn counts(&self) -> (u64, u64) {
        let shared = &self.0.shared;
        (shared.kept.load(Ordering::Relaxed), shared.commits.load(Ordering::Relaxed))
    }

    async fn await_commit(&self, outcome: &Arc<Outcome>) -> Result<(), StoreError> {
        loop {
            let done = outcome.done.notified();
            tokio::pin!(done);
            done.as_mut().enable();
            if let Some(result) = outcome.result.get() {
                return result.clone().map_err(StoreError::Commit);
            }
            if tokio::time::timeout(PATIENCE, done).await.is_err() {
                // The command that would have committed went away.
                let mut batch = self.0.batch.lock().await;
                if batch.outcome.as_ref().is_some_and(|o| Arc::ptr_eq(o, outcome)) {
                    batch.undo_abandoned().await;
                    let _ = batch.commit(&self.0.shared).await;
                }
            }
        }
    }
}

impl Write {
    /// Keeps `permit` until the command is committed or undone.
    pub(crate) fn holding(mut self, permit: OwnedSemaphorePermit) -> Write {
        self.permit = Some(permit);
        self
    }

    /// The open transaction, for this command's work.
    pub(crate) fn tx(&mut self) -> &mut WriteTx {
        self.batch.as_mut().and_then(|b| b.tx.as_mut()).expect("a command's transaction is open")
    }

    /// Keeps the command's work if `result` is `Ok` (and answers once it is
    /// committed), or undoes it.
    pub(crate) async fn finish<T>(mut self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let queue = self.queue.clone();
        let shared = &queue.0.shared;
        let alone = || queue.0.waiting.load(Ordering::SeqCst) == 0;
        let batch = self.batch.as_mut().expect("finished once");
        let value = match queue.noted(result) {
            Err(e) => {
                if !self.savepoint {
                    batch.tx = None;
                    batch.publish(Err("rolled back".into()));
                } else if let Err(db) = batch.rollback_to_savepoint().await {
                    batch.abort(&db);
                } else if batch.members > 0 && alone() {
                    // The others in the batch still wait for a commit.
                    let _ = batch.commit(shared).await;
                }
                self.batch = None;
                return Err(e);
            }
            Ok(value) => value,
        };
        if self.savepoint {
            let tx = batch.tx.as_mut().expect("open");
            if let Err(e) = sqlx::query("RELEASE SAVEPOINT command").execute(&mut **tx).await {
                batch.abort(&e);
                self.batch = None;
                return Err(e.into());
            }
        }
        // From here the work stays in the batch even if our caller goes away.
        let mut batch = self.batch.take().expect("still held");
        batch.members += 1;
        shared.kept.fetch_add(1, Ordering::Relaxed);
        let outcome = batch.outcome.clone().expect("an open batch has an outcome");
        let full = batch.members >= MAX_MEMBERS || batch.opened.is_some_and(|o| o.elapsed() >= MAX_OPEN);
        if full || alone() {
            return batch.commit(shared).await.map(|()| value);
        }
        drop(batch);
        queue.await_commit(&outcome).await.map(|()| value)
    }
}
