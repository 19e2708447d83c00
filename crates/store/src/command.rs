//! The commands that move a case, as values: what the caller asks, named
//! field by field, with the optional parts (files, a chosen case id, the
//! letter paperwork) added by name rather than by a longer argument list.

use engine::ActionInput;

use crate::{Paperwork, Upload};

/// `by` submits a request: the first step of the newest version of `sop`,
/// with `input`.
#[derive(Debug, Clone)]
pub struct Submit {
    pub agency: String,
    pub sop: String,
    pub by: String,
    pub input: ActionInput,
    /// Files kept as the step's attachments, stored only if the case is.
    pub uploads: Vec<Upload>,
    /// The new case's id when chosen beforehand (an idempotency key's
    /// claim names it); else a new one.
    pub case: Option<String>,
    pub at: i64,
}

impl Submit {
    pub fn new(agency: &str, sop: &str, by: &str, input: ActionInput, at: i64) -> Submit {
        Submit {
            agency: agency.into(),
            sop: sop.into(),
            by: by.into(),
            input,
            uploads: Vec::new(),
            case: None,
            at,
        }
    }

    pub fn with_uploads(mut self, uploads: Vec<Upload>) -> Submit {
        self.uploads = uploads;
        self
    }
}

/// `by` completes `task` of `case` with `input`.
#[derive(Debug, Clone)]
pub struct Complete {
    pub agency: String,
    pub case: String,
    pub task: String,
    pub by: String,
    pub input: ActionInput,
    /// Files kept with the action.
    pub uploads: Vec<Upload>,
    /// The letter work the step asks for (a draft's text, a signature).
    pub paperwork: Paperwork,
    pub at: i64,
}

impl Complete {
    pub fn new(agency: &str, case: &str, task: &str, by: &str, input: ActionInput, at: i64) -> Complete {
        Complete {
            agency: agency.into(),
            case: case.into(),
            task: task.into(),
            by: by.into(),
            input,
            uploads: Vec::new(),
            paperwork: Paperwork::default(),
            at,
        }
    }

    pub fn with_uploads(mut self, uploads: Vec<Upload>) -> Complete {
        self.uploads = uploads;
        self
    }

    pub fn with_paperwork(mut self, paperwork: Paperwork) -> Complete {
        self.paperwork = paperwork;
        self
    }
}

/// The reviewer `by` of access review `case` keeps (`tetap`) or revokes
/// (`cabut`) `entry`, giving `reason` (required for a revocation).
#[derive(Debug, Clone)]
pub struct DecideReviewItem {
    pub agency: String,
    pub case: String,
    pub entry: String,
    pub by: String,
    /// As chosen in the form; the store refuses anything but the choices.
    pub decision: String,
    pub reason: String,
    pub at: i64,
}
