//! What the engine refuses, in words the acting civil servant understands,
//! and under a stable code ([`EngineError::code`]) that the API returns and
//! the pages translate.

use crate::case::CaseStatus;
use crate::form::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("permohonan {number} sudah ditutup ({})", status.label())]
    CaseClosed { number: String, status: CaseStatus },
    #[error("tugas {0} tidak ada dalam permohonan ini")]
    TaskNotFound(String),
    #[error("tugas ini sudah diselesaikan oleh {by}")]
    AlreadyDone { by: String },
    #[error("tugas ini dibatalkan karena permohonan ditarik")]
    TaskCancelled,
    #[error("{person} tidak termasuk pelaksana \"{lane}\" untuk langkah {step}")]
    NotAllowed { person: String, lane: String, step: u32 },
    #[error("hanya pemohon yang dapat menarik permohonan {number}")]
    NotRequester { number: String },
    #[error("{number} adalah pekerjaan rutin yang dimulai jadwal; pekerjaan rutin tidak dapat ditarik")]
    RoutineNotWithdrawn { number: String },
    #[error("belum ada pejabat yang memegang jabatan pelaksana \"{lane}\" (langkah {step}) pada tanggal ini")]
    Unstaffed { lane: String, step: u32 },
    /// Asked of something whose state does not allow it now (an entry
    /// already decided or revoked, a visit not yet admitted): a conflict
    /// with what happened before, not a mistake in what was sent.
    #[error("{0}")]
    NotNow(String),
    #[error("isian belum benar: {}", .0.iter().map(|e| format!("{}: {}", e.label, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("orang dengan id {0} tidak dikenal di instansi ini")]
    UnknownPerson(String),
    /// Segregation of duties: the drafter of a letter neither reviews nor
    /// signs it.
    #[error(
        "konsep surat ini Anda susun sendiri, jadi tidak boleh Anda {} juga (langkah {step}): pemeriksa dan penanda tangan surat harus orang lain dari penyusunnya",
        duty.verb()
    )]
    OwnDraft { duty: Duty, step: u32 },
}

impl EngineError {
    /// The refusal's stable code: the API sends it as the problem's
    /// `code`, and the pages choose their words by it.
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::CaseClosed { .. } => "case-closed",
            EngineError::TaskNotFound(_) => "task-not-found",
            EngineError::AlreadyDone { .. } => "task-done",
            EngineError::TaskCancelled => "task-cancelled",
            EngineError::NotAllowed { .. } => "not-a-candidate",
            EngineError::NotRequester { .. } => "not-the-requester",
            EngineError::RoutineNotWithdrawn { .. } => "routine-not-withdrawn",
            EngineError::Unstaffed { .. } => "unstaffed",
            EngineError::NotNow(_) => "not-now",
            EngineError::Invalid(_) => "validation",
            EngineError::UnknownPerson(_) => "unknown-person",
            EngineError::OwnDraft { .. } => "segregation-of-duties",
        }
    }
}

/// What a letter's drafter may not do to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    Review,
    Sign,
}

impl Duty {
    /// The duty a step of `action` carries, if the drafter is barred from it.
    pub fn of(action: sop::ActionKind) -> Option<Duty> {
        match action {
            sop::ActionKind::Review => Some(Duty::Review),
            sop::ActionKind::Sign => Some(Duty::Sign),
            _ => None,
        }
    }

    /// "periksa" / "tandatangani", after "Anda … ".
    pub fn verb(self) -> &'static str {
        match self {
            Duty::Review => "periksa",
            Duty::Sign => "tandatangani",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("zona waktu \"{0}\" tidak dikenal")]
    UnknownZone(String),
    #[error("berkas kalender tidak sah: {0}")]
    File(String),
    #[error("tanggal \"{0}\" tidak sah — tulis TTTT-BB-HH")]
    BadDate(String),
    #[error("jam kerja \"{0}\" tidak sah — tulis \"07:30-12:00\"")]
    BadInterval(String),
}
