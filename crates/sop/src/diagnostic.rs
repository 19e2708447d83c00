//! Findings about a definition file — parse errors and lint warnings — each
//! pinned to a file, line and column so an SOP author can go straight to it.

use std::fmt;

/// A 1-based line and column (in characters) inside a definition file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

/// Line `line` (1-based) of `text` without its line ending, to show a
/// finding beside the text it is about; empty past the end.
pub fn source_line(text: &str, line: usize) -> &str {
    text.lines().nth(line.saturating_sub(1)).unwrap_or("")
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Location,
}

impl<T> Located<T> {
    pub fn new(value: T, at: Location) -> Self {
        Located { value, at }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The definition cannot be used until this is fixed.
    Error,
    /// The definition works, but something in it is probably wrong.
    Warning,
}

impl Severity {
    /// The word shown to the SOP author.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "kesalahan",
            Severity::Warning => "peringatan",
        }
    }
}

/// One finding: where, how serious, a stable code, and an actionable message
/// in Bahasa Indonesia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub at: Location,
    pub severity: Severity,
    /// Stable identifier, e.g. `unknown-lane`, documented in docs/sop-format.md.
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &str, at: Location, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { file: file.to_string(), at, severity: Severity::Error, code, message: message.into() }
    }

    pub fn warning(file: &str, at: Location, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, at, code, message) }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} [{}]: {}",
            self.file,
            self.at.line,
            self.at.column,
            self.severity.label(),
            self.code,
            self.message
        )
    }
}

/// A value refused in a form or on a command line (not in a file): which
/// field, and why, in Bahasa Indonesia.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's name in the form (`timezone`, `letters.number`, …).
    pub field: &'static str,
    /// The field's label, as the form shows it.
    pub label: &'static str,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &'static str, label: &'static str, message: impl Into<String>) -> FieldProblem {
        FieldProblem { field, label, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let text = "a = 1\nnama = \"Ĳ x\"\n";
        assert_eq!(Location::of_offset(text, 0), Location { line: 1, column: 1 });
        assert_eq!(Location::of_offset(text, 6), Location { line: 2, column: 1 });
        // "Ĳ" is two bytes but one column.
        let x = text.find('x').unwrap();
        assert_eq!(Location::of_offset(text, x), Location { line: 2, column: 11 });
        assert_eq!(Location::of_offset(text, 10_000), Location { line: 3, column: 1 });
    }

    #[test]
    fn the_line_of_a_finding_is_shown_without_its_ending() {
        let text = "a = 1\r\nnama = \"x\"\n";
        assert_eq!(source_line(text, 1), "a = 1");
        assert_eq!(source_line(text, 2), "nama = \"x\"");
        assert_eq!(source_line(text, 3), "");
        assert_eq!(source_line(text, 0), "a = 1");
    }
}
