//! Cursor pagination: a page of items and an opaque cursor for the next
//! page. The cursor is the sort key of the page's last item, so pages do not
//! shift or repeat when items are added meanwhile.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::problem::Problem;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

/// One page of a list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Which page to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page; absent for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<usize, Problem> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Ok(n as usize),
            Some(_) => Err(Problem::field("limit", "limit", format!("harus 1 sampai {MAX_LIMIT}"))),
        }
    }

    /// The sort key the cursor stands for.
    pub fn after<K: DeserializeOwned>(&self) -> Result<Option<K>, Problem> {
        let Some(cursor) = self.cursor.as_deref().filter(|c| !c.is_empty()) else { return Ok(None) };
        let bad = || {
            Problem::field(
                "cursor",
                "cursor",
                "kursor tidak dikenal; pakai next_cursor dari halaman sebelumnya",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map(Some).map_err(|_| bad())
    }
}

pub fn cursor<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("keys serialise"))
}

/// A whole number from a query parameter, within `range`; `default` when
/// absent. A query's numbers are read here rather than by serde so a bad
/// one is refused by name (422), not as an unreadable query.
pub(super) fn number(
    given: Option<&str>,
    field: &str,
    range: std::ops::RangeInclusive<i64>,
    default: i64,
) -> Result<i64, Problem> {
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(given) => within(given, field, range),
        None => Ok(default),
    }
}

/// As [`number`], for a parameter without a default: absent, it is refused
/// by name.
pub(super) fn required_number(
    given: Option<&str>,
    field: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, Problem> {
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(given) => within(given, field, range),
        None => Err(Problem::field(field, field, "wajib diisi")),
    }
}

fn within(given: &str, field: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64, Problem> {
    match given.parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(Problem::field(
            field,
            field,
            if *range.end() == i64::MAX {
                format!("harus bilangan bulat {} atau lebih", range.start())
            } else {
                format!("harus bilangan bulat {} sampai {}", range.start(), range.end())
            },
        )),
    }
}

/// A yes/no query parameter (`true`/`false`, `1`/`0`); `false` when absent.
pub(super) fn flag(given: Option<&str>, field: &str) -> Result<bool, Problem> {
    match given.map(str::trim).unwrap_or_default() {
        "" | "false" | "0" => Ok(false),
        "true" | "1" => Ok(true),
        _ => Err(Problem::field(field, field, "harus true atau false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_gives_back_the_key_it_was_made_from() {
        let key = (-1_700_000_000_000i64, "0193-abc".to_string());
        let query = PageQuery { cursor: Some(cursor(&key)), limit: Some(5) };
        assert_eq!(query.after::<(i64, String)>().unwrap(), Some(key));
        assert_eq!(query.limit().unwrap(), 5);
        assert_eq!(PageQuery::default().after::<(i64, String)>().unwrap(), None);
        assert_eq!(PageQuery::default().limit().unwrap(), DEFAULT_LIMIT);
    }

    #[test]
    fn bad_cursors_and_limits_are_refused_by_field() {
        let bad = PageQuery { cursor: Some("!!".into()), limit: None };
        assert_eq!(bad.after::<i64>().unwrap_err().errors[0].field, "cursor");
        let wrong_shape = PageQuery { cursor: Some(cursor(&"text")), limit: None };
        assert_eq!(wrong_shape.after::<(i64, String)>().unwrap_err().errors[0].field, "cursor");
        let big = PageQuery { cursor: None, limit: Some(1000) };
        assert_eq!(big.limit().unwrap_err().errors[0].field, "limit");
    }
}
