//! The engine runs SOP cases: who may act on which task, what each action
//! does, when each task is due in working time. It is pure — functions from
//! (case state, command) to events — and knows nothing of HTTP or SQL.

pub mod calendar;
pub mod case;
pub mod disposition;
pub mod error;
pub mod form;
pub mod form_schema;
pub mod notice;
pub mod organisation;
pub mod roster;
pub mod routine;
pub mod satisfaction;
pub mod workflow;

pub use calendar::Calendar;
pub use case::{ActionInput, CaseState, CaseStatus, Event, EventBody, TaskState, TaskStatus, Verdict};
pub use error::{CalendarError, EngineError};
pub use organisation::{ActingKind, Candidate, Organisation};
pub use workflow::Context;
