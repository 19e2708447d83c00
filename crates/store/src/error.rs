//! What can go wrong in the store; engine refusals pass through unchanged.

use engine::{CalendarError, EngineError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("alamat basis data \"{0}\" tidak dikenal — pakai sqlite://… atau postgres://…")]
    BadUrl(String),
    #[error("{0} tidak ditemukan")]
    NotFound(String),
    #[error(
        "SOP {id} versi {version} sudah diterbitkan dengan isi lain; tulis version = {} untuk menerbitkan perubahan ini sebagai versi baru (permohonan yang sedang berjalan tetap memakai versinya)",
        .newest + 1
    )]
    VersionConflict { id: String, version: u32, newest: u32 },
    /// A version below the newest published would never be the live one.
    #[error(
        "SOP {id} versi {version} lebih lama daripada versi {newest} yang sudah diterbitkan; tulis version = {} untuk menerbitkannya sebagai versi baru",
        .newest + 1
    )]
    StaleVersion { id: String, version: u32, newest: u32 },
    #[error("SOP {id} tidak sah: {message}")]
    BadSop { id: String, message: String },
    #[error("kunci data pribadi: {0}")]
    BadKey(String),
    /// A file the store makes (a backup) could not be written.
    #[error("tidak dapat menulis {0}")]
    File(String),
    #[error("tidak diizinkan: {0}")]
    NotPermitted(String),
    #[error("{0} sudah ada")]
    AlreadyExists(String),
    /// A draft saved on a revision older than its newest: someone else
    /// saved it meanwhile (`by`, a person), and nothing was overwritten.
    #[error(
        "konsep SOP ini sudah disimpan orang lain sejak Anda membukanya (kini revisi {revision}); perubahan Anda belum disimpan — salin yang perlu, lalu muat ulang konsepnya"
    )]
    DraftChanged { revision: i64, by: String, at: i64 },
    #[error(
        "basis data {path} tidak dapat ditulis ({reason}) — periksa bahwa direktori data dapat ditulis oleh pengguna ini dan disknya tidak penuh"
    )]
    Unwritable { path: String, reason: String },
    #[error("data tersimpan rusak: {0}")]
    Corrupt(String),
    #[error("basis data: {0}")]
    Database(#[from] sqlx::Error),
    /// The commit that held this command failed (shared by a batch of
    /// commands, so the message is all that can be passed on).
    #[error("basis data: penyimpanan gagal: {0}")]
    Commit(String),
    /// Another call claimed (or answered) this idempotency key first:
    /// nothing was done; its answer is the one to give.
    #[error("Idempotency-Key ini sedang dipakai panggilan lain")]
    KeyTaken,
    #[error("migrasi basis data: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// The database could not keep the command for want of storage (disk
    /// full, an I/O error, a read-only file): nothing of it was kept, and
    /// the same request may succeed once an operator has made room.
    pub fn is_storage_failure(&self) -> bool {
        match self {
            StoreError::Commit(_) => true,
            StoreError::Database(e) => storage_failure(e),
            _ => false,
        }
    }

    /// A refusal because of the state things are in now ([`EngineError::NotNow`]).
    pub(crate) fn not_now(message: impl Into<String>) -> StoreError {
        StoreError::Engine(EngineError::NotNow(message.into()))
    }

    /// A refusal of one field of a form, shown beside that field.
    pub(crate) fn invalid(field: &str, label: &str, message: impl Into<String>) -> StoreError {
        StoreError::Engine(EngineError::Invalid(vec![engine::form::FieldError::new(field, label, message)]))
    }
}

fn storage_failure(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| match code.parse::<i64>() {
            // SQLite's primary result code is the low byte of an extended
            // one: SQLITE_READONLY 8, SQLITE_IOERR 10, SQLITE_FULL 13,
            // SQLITE_CANTOPEN 14.
            Ok(sqlite) => matches!(sqlite & 0xff, 8 | 10 | 13 | 14),
            // PostgreSQL's SQLSTATE classes 53 (insufficient resources,
            // e.g. disk full) and 58 (system error, e.g. I/O).
            Err(_) => code.starts_with("53") || code.starts_with("58"),
        }),
        _ => false,
    }
}
