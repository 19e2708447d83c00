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
    #[error("SOP {id} versi {version} sudah diterbitkan dengan isi berbeda; terbitkan sebagai versi baru")]
    VersionConflict { id: String, version: u32 },
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
    #[error("data tersimpan rusak: {0}")]
    Corrupt(String),
    #[error("basis data: {0}")]
    Database(#[from] sqlx::Error),
    /// The commit that held this command failed (shared by a batch of
    /// commands, so the message is all that can be passed on).
    #[error("basis data: penyimpanan gagal: {0}")]
    Commit(String),
    #[error("migrasi basis data: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// A refusal of one field of a form, shown beside that field.
    pub(crate) fn invalid(field: &str, label: &str, message: impl Into<String>) -> StoreError {
        StoreError::Engine(EngineError::Invalid(vec![engine::form::FieldError::new(field, label, message)]))
    }
}
