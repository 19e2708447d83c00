//! The organisation of one agency: people, the positions they hold from
//! when to when, and acting officials (Plt/Plh). A lane of an SOP resolves,
//! on a given date, to the people who may act in it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub nip: Option<String>,
    /// The unit (OPD or a division of the Dinas) the person works in.
    pub unit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActingKind {
    /// Pelaksana Tugas: acting for a longer absence or a vacancy.
    Plt,
    /// Pelaksana Harian: acting for a short absence.
    Plh,
}

impl ActingKind {
    pub fn label(self) -> &'static str {
        match self {
            ActingKind::Plt => "Plt.",
            ActingKind::Plh => "Plh.",
        }
    }
}

/// Someone holding a position between two dates (inclusive; `until = None`
/// means still holding it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub person: String,
    pub position: String,
    pub from: Date,
    pub until: Option<Date>,
    /// Set for an acting official; `holder` is whom they stand in for
    /// (`None` when the position is vacant).
    pub acting: Option<(ActingKind, Option<String>)>,
}

impl Holding {
    fn covers(&self, on: Date) -> bool {
        self.from <= on && self.until.is_none_or(|u| on <= u)
    }
}

/// A person who may act in a task, and in which capacity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub person: String,
    pub position: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting: Option<ActingKind>,
    /// The holder an acting official stands in for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Organisation {
    pub agency: String,
    pub people: Vec<Person>,
    pub holdings: Vec<Holding>,
}

impl Organisation {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// A person's name, or the id when unknown (for messages).
    pub fn name(&self, id: &str) -> String {
        self.person(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// Everyone who may act for any of `positions` on `on`: the holders, and
    /// acting officials recorded as acting for them. Holders come first.
    pub fn candidates(&self, positions: &[String], on: Date) -> Vec<Candidate> {
        let mut found: Vec<Candidate> = self
            .holdings
            .iter()
            .filter(|h| positions.contains(&h.position) && h.covers(on))
            .map(|h| Candidate {
                person: h.person.clone(),
                position: h.position.clone(),
                acting: h.acting.as_ref().map(|(kind, _)| *kind),
                acting_for: h.acting.as_ref().and_then(|(_, holder)| holder.clone()),
            })
            .collect();
        found.sort_by_key(|c| c.acting.is_some());
        found.dedup_by(|a, b| a.person == b.person && a.position == b.position);
        found
    }

    /// Positions `person` holds on `on` (with acting ones).
    pub fn positions_of(&self, person: &str, on: Date) -> Vec<&Holding> {
        self.holdings.iter().filter(|h| h.person == person && h.covers(on)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn org() -> Organisation {
        let holding = |person: &str, position: &str, from, until, acting| Holding {
            person: person.into(),
            position: position.into(),
            from,
            until,
            acting,
        };
        Organisation {
            agency: "a".into(),
            people: vec![],
            holdings: vec![
                holding("kadis", "kepala-dinas", date(2020, 1, 1), None, None),
                holding("sekdin", "sekretaris-dinas", date(2020, 1, 1), None, None),
                holding("old-kabid", "kabid-aptika", date(2019, 1, 1), Some(date(2025, 12, 31)), None),
                holding("kabid", "kabid-aptika", date(2026, 1, 1), None, None),
                holding(
                    "kasi-ppi",
                    "kabid-aptika",
                    date(2026, 11, 23),
                    Some(date(2026, 11, 27)),
                    Some((ActingKind::Plh, Some("kabid".into()))),
                ),
            ],
        }
    }

    #[test]
    fn a_two_position_lane_resolves_to_both_holders() {
        let found = org().candidates(&["kepala-dinas".into(), "sekretaris-dinas".into()], date(2026, 11, 26));
        let people: Vec<&str> = found.iter().map(|c| c.person.as_str()).collect();
        assert_eq!(people, ["kadis", "sekdin"]);
    }

    #[test]
    fn holdings_count_only_inside_their_dates_and_acting_officials_follow_holders() {
        let lane = ["kabid-aptika".to_string()];
        let people = |on| org().candidates(&lane, on).into_iter().map(|c| c.person).collect::<Vec<_>>();
        assert_eq!(people(date(2025, 6, 1)), ["old-kabid"]);
        assert_eq!(people(date(2026, 11, 26)), ["kabid", "kasi-ppi"]);
        assert_eq!(people(date(2026, 11, 28)), ["kabid"]);
        let plh = org().candidates(&lane, date(2026, 11, 26)).pop().unwrap();
        assert_eq!(plh.acting, Some(ActingKind::Plh));
        assert_eq!(plh.acting_for.as_deref(), Some("kabid"));
    }
}
