//! The marks an import leaves in a draft's text on each value it was
//! unsure of (a `# TIDAK PASTI: …` comment above it): found again in the
//! text as it is edited, each with the editor field it is about, and taken
//! away one by one once a person has checked the value.

use crate::Location;
use crate::draft_form::field_at;

/// What starts a mark's comment line.
pub const MARK: &str = "# TIDAK PASTI:";

/// One mark still in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Its line (1-based).
    pub line: usize,
    /// Why the import was unsure.
    pub why: String,
    /// The editor field of the value marked, when it can be told.
    pub field: Option<String>,
}

/// The marks in `text`, in order.
pub fn marks(text: &str) -> Vec<Mark> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let why = line.trim_start().strip_prefix(MARK)?.trim().to_string();
            Some(Mark { line: i + 1, why, field: field_below(text, &lines, i + 1) })
        })
        .collect()
}

/// The field of the value below the mark at index `from`: the first line
/// that is no comment — or, when the value is itself written as a comment
/// (`# time tercetak: …`, `# tanggal_pengesahan = …`), that key in the table
/// of the first line that is none.
fn field_below(text: &str, lines: &[&str], from: usize) -> Option<String> {
    let mut commented_key = None;
    for (i, line) in lines.iter().enumerate().skip(from) {
        let trimmed = line.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if commented_key.is_none() && !trimmed.starts_with(MARK) {
                let key: String = comment
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                commented_key = Some(key).filter(|k| !k.is_empty());
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        let field = field_at(text, Location { line: i + 1, column: line.len() - trimmed.len() + 1 })?;
        return Some(match commented_key {
            Some(key) => match field.rsplit_once('.') {
                Some((table, _)) => format!("{table}.{key}"),
                None => key,
            },
            None => field,
        });
    }
    None
}

/// `text` without the mark on `line`; `None` when no mark stands there.
pub fn without_mark(text: &str, line: usize) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut found = false;
    for (i, piece) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line && piece.trim_start().starts_with(MARK) {
            found = true;
            continue;
        }
        out.push_str(piece);
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "id = \"x/y\"\n\n[identity]\nnama = \"A\"\n# TIDAK PASTI: bukan tanggal\n# tanggal_pengesahan = \"YYYY-MM-DD\"\ndasar_hukum = []\n\n[[steps]]\nno = 1\n# TIDAK PASTI: pelaksana ditebak\nlane = \"a\"\n# TIDAK PASTI: satuan waktu\n# time tercetak: \"30 detik\"\noutput = \"x\"\n";

    #[test]
    fn each_mark_is_found_with_the_field_it_is_about() {
        let found = marks(TEXT);
        let fields: Vec<(usize, Option<&str>)> = found.iter().map(|m| (m.line, m.field.as_deref())).collect();
        assert_eq!(
            fields,
            [
                (5, Some("identity.tanggal_pengesahan")),
                (11, Some("steps.0.lane")),
                (13, Some("steps.0.time"))
            ]
        );
        assert_eq!(found[0].why, "bukan tanggal");
    }

    #[test]
    fn a_mark_checked_is_taken_away_and_nothing_else() {
        let after = without_mark(TEXT, 11).unwrap();
        assert_eq!(after, TEXT.replace("# TIDAK PASTI: pelaksana ditebak\n", ""));
        assert_eq!(marks(&after).len(), 2);
        assert_eq!(without_mark(TEXT, 12), None, "no mark on that line");
    }
}
