//! The SOP definition model: an SOP (Standard Operating Procedure in the
//! PermenPANRB 35/2012 format) is data, written as a TOML file. This crate
//! parses and validates such files with precise locations, lints them for
//! the defects paper SOPs carry, ships the five seed SOPs built in, and
//! renders the official document (identity page and flowchart matrix).
//!
//! It is pure: no I/O beyond reading the files it is pointed at.

pub mod agency;
pub mod catalog;
pub mod date;
pub mod definition;
pub mod diagnostic;
pub mod domain;
pub mod draft_form;
pub mod effect;
pub mod import;
pub mod lint;
pub mod organisation;
mod parse;
pub mod provision;
pub mod publication;
pub mod registry_kind;
pub mod render;
pub mod schedule;
pub mod standard_time;
pub mod version_diff;

pub use agency::Agency;
pub use catalog::{Catalog, LoadError};
pub use definition::{ActionKind, Lane, Sop, Step, Target};
pub use diagnostic::{Diagnostic, FieldProblem, Location, Severity};
pub use effect::Effect;
pub use organisation::{Position, PositionRight, Unit, UnitKind};
pub use parse::{ACCEPTED_FILE_KINDS, parse_sop};
pub use provision::ConnectorKind;
pub use standard_time::StandardTime;
