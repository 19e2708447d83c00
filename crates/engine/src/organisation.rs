//! The organisation of one agency: its positions (with whom each reports
//! to and what its holders may do), people, the positions they hold from
//! when to when, and acting officials (Plt/Plh). A lane of an SOP resolves,
//! on a given date, to the people who may act in it; escalation climbs the
//! positions' reporting chain; rights follow the positions held that day.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
pub use sop::organisation::{Position, PositionRight};

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
    pub const ALL: [ActingKind; 2] = [ActingKind::Plt, ActingKind::Plh];

    /// As forms, the API and the database write it.
    pub const fn key(self) -> &'static str {
        match self {
            ActingKind::Plt => "plt",
            ActingKind::Plh => "plh",
        }
    }

    pub fn parse(key: &str) -> Option<ActingKind> {
        ActingKind::ALL.into_iter().find(|k| k.key() == key)
    }

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
    pub positions: Vec<Position>,
    pub people: Vec<Person>,
    pub holdings: Vec<Holding>,
}

impl Organisation {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn position(&self, id: &str) -> Option<&Position> {
        self.positions.iter().find(|p| p.id == id)
    }

    /// A position's name, or its id when unknown (for screens).
    pub fn position_name(&self, id: &str) -> String {
        self.position(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// The ids of the positions that carry `right`.
    pub fn positions_with(&self, right: PositionRight) -> Vec<String> {
        self.positions.iter().filter(|p| p.has(right)).map(|p| p.id.clone()).collect()
    }

    /// Whether `person` holds (or acts in) a position carrying `right` on `on`.
    pub fn may(&self, person: &str, right: PositionRight, on: Date) -> bool {
        self.positions_of(person, on).iter().any(|h| self.position(&h.position).is_some_and(|p| p.has(right)))
    }

    /// Everyone who holds, or acts in, a position carrying `right` on `on`.
    pub fn holders_with(&self, right: PositionRight, on: Date) -> Vec<Candidate> {
        self.candidates(&self.positions_with(right), on)
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
        // A person holding one position twice (two overlapping holdings, or
        // the holding and an acting one) is one candidate, in their first
        // capacity, wherever the duplicates stand in the list.
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| seen.insert((c.person.clone(), c.position.clone())));
        found
    }

    /// Positions `person` holds on `on` (with acting ones).
    pub fn positions_of(&self, person: &str, on: Date) -> Vec<&Holding> {
        self.holdings.iter().filter(|h| h.person == person && h.covers(on)).collect()
    }

    /// Who hears of a task that is late for the `round`-th time, besides
    /// those who may act on it: the holders of the position each candidate's
    /// position reports to, one level further up with each round (a level
    /// nobody holds is passed over), and the Head of the agency — whoever
    /// holds a position that heads it — when the chain ends before reaching
    /// anyone (a requester's own step, or a Head's).
    pub fn escalation_chain(&self, candidates: &[Candidate], round: u32, on: Date) -> Vec<String> {
        let mut told = Vec::new();
        for candidate in candidates {
            let mut position = candidate.position.clone();
            let mut levels = 0;
            // At most one step per position: a chain that (wrongly) comes
            // back on itself still ends.
            for _ in 0..=self.positions.len() {
                if levels >= round.max(1) {
                    break;
                }
                let Some(up) = self.position(&position).and_then(|p| p.reports_to.clone()) else { break };
                let holders = self.candidates(std::slice::from_ref(&up), on);
                if !holders.is_empty() {
                    told.extend(holders.into_iter().map(|c| c.person));
                    levels += 1;
                }
                position = up;
            }
        }
        if told.is_empty() {
            told.extend(self.holders_with(PositionRight::HeadsAgency, on).into_iter().map(|c| c.person));
        }
        told.retain(|p| !candidates.iter().any(|c| &c.person == p));
        told.sort();
        told.dedup();
        told
    }

    /// How `person` signs a letter in `position` on `on`: the position's
    /// name with "Plt."/"Plh." when acting in it; someone who does not head
    /// the agency signs on the Head's behalf ("a.n." and the title of the
    /// head position their chain reaches, on the line above).
    pub fn signing_title(&self, person: &str, position: &str, on: Date) -> String {
        let acting = self
            .positions_of(person, on)
            .into_iter()
            .find(|h| h.position == position)
            .and_then(|h| h.acting.as_ref().map(|(kind, _)| format!("{} ", kind.label())))
            .unwrap_or_default();
        let own = format!("{acting}{}", self.position_name(position));
        if self.position(position).is_some_and(|p| p.has(PositionRight::HeadsAgency)) {
            return own;
        }
        match self.head_above(position) {
            Some(head) => format!("a.n. {}\n{own}", head.name),
            None => own,
        }
    }

    /// The head position that `position`'s reporting chain reaches, else
    /// the first position that heads the agency.
    pub fn head_above(&self, position: &str) -> Option<&Position> {
        let mut at = self.position(position);
        for _ in 0..=self.positions.len() {
            match at {
                Some(p) if p.has(PositionRight::HeadsAgency) => return Some(p),
                Some(p) => at = p.reports_to.as_deref().and_then(|up| self.position(up)),
                None => break,
            }
        }
        self.positions.iter().find(|p| p.has(PositionRight::HeadsAgency))
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
        let position = |id: &str, reports_to: Option<&str>, rights: &[PositionRight]| Position {
            id: id.into(),
            name: format!("Jabatan {id}"),
            unit: None,
            reports_to: reports_to.map(str::to_string),
            rights: rights.iter().copied().collect(),
            pemda: false,
        };
        Organisation {
            agency: "a".into(),
            positions: vec![
                Position {
                    name: "Kepala Dinas Kominfo".into(),
                    ..position("kepala", None, &[PositionRight::HeadsAgency, PositionRight::SignsLetters])
                },
                Position {
                    name: "Sekretaris".into(),
                    ..position("sekretaris", Some("kepala"), &[PositionRight::SignsLetters])
                },
                position("kabid-tik", Some("kepala"), &[PositionRight::ReadsReports]),
                position("kasi-infra", Some("kabid-tik"), &[]),
                position("teknisi-jaringan", Some("kasi-infra"), &[]),
                position("pemohon", None, &[]),
            ],
            people: vec![],
            holdings: vec![
                holding("kadis", "kepala", date(2020, 1, 1), None, None),
                holding("sekdin", "sekretaris", date(2020, 1, 1), None, None),
                holding("old-kabid", "kabid-tik", date(2019, 1, 1), Some(date(2025, 12, 31)), None),
                holding("kabid", "kabid-tik", date(2026, 1, 1), None, None),
                holding(
                    "kasi-ppi",
                    "kabid-tik",
                    date(2026, 11, 23),
                    Some(date(2026, 11, 27)),
                    Some((ActingKind::Plh, Some("kabid".into()))),
                ),
            ],
        }
    }

    #[test]
    fn escalation_climbs_one_level_per_round_passing_over_empty_levels() {
        let mut org = org();
        org.holdings.retain(|h| h.acting.is_none());
        let on = date(2026, 11, 26);
        let admin = Candidate {
            person: "admin".into(),
            position: "teknisi-jaringan".into(),
            acting: None,
            acting_for: None,
        };
        // Nobody holds kasi-infra here: the Kabid is the first level.
        assert_eq!(org.escalation_chain(std::slice::from_ref(&admin), 1, on), ["kabid"]);
        assert_eq!(org.escalation_chain(std::slice::from_ref(&admin), 2, on), ["kabid", "kadis"]);
        assert_eq!(org.escalation_chain(std::slice::from_ref(&admin), 9, on), ["kabid", "kadis"]);
        let requester =
            Candidate { person: "siti".into(), position: "pemohon".into(), acting: None, acting_for: None };
        assert_eq!(org.escalation_chain(&[requester], 1, on), ["kadis"], "outside the Dinas: its Head");
        let head =
            Candidate { person: "kadis".into(), position: "kepala".into(), acting: None, acting_for: None };
        assert!(
            org.escalation_chain(&[head], 1, on).is_empty(),
            "the Head is not told of the Head's own step twice"
        );
    }

    #[test]
    fn escalation_follows_whatever_chain_the_agency_gives_its_positions() {
        let mut org = org();
        org.holdings.retain(|h| h.acting.is_none());
        // Another agency: the technical team answers to a "koordinator",
        // who answers to the Secretary; nobody is called kabid or kasi.
        org.positions.push(Position {
            id: "koordinator".into(),
            name: "Koordinator Tim Teknis".into(),
            unit: None,
            reports_to: Some("sekretaris".into()),
            rights: Default::default(),
            pemda: false,
        });
        org.positions.push(Position {
            id: "teknisi".into(),
            reports_to: Some("koordinator".into()),
            ..org.positions.last().unwrap().clone()
        });
        org.holdings.push(Holding {
            person: "koor".into(),
            position: "koordinator".into(),
            from: date(2020, 1, 1),
            until: None,
            acting: None,
        });
        let on = date(2026, 11, 26);
        let tech =
            Candidate { person: "tek".into(), position: "teknisi".into(), acting: None, acting_for: None };
        assert_eq!(org.escalation_chain(std::slice::from_ref(&tech), 1, on), ["koor"]);
        assert_eq!(org.escalation_chain(std::slice::from_ref(&tech), 3, on), ["kadis", "koor", "sekdin"]);
        // A chain that comes back on itself (bad data) still ends.
        org.positions.iter_mut().find(|p| p.id == "kepala").unwrap().reports_to = Some("teknisi".into());
        assert_eq!(org.escalation_chain(&[tech], 9, on), ["kadis", "koor", "sekdin"]);
    }

    #[test]
    fn rights_follow_the_positions_held_that_day() {
        let org = org();
        let on = date(2026, 11, 26);
        assert!(org.may("kabid", PositionRight::ReadsReports, on));
        assert!(!org.may("kabid", PositionRight::ReadsReports, date(2025, 6, 1)), "not yet Kabid");
        assert!(
            org.may("kasi-ppi", PositionRight::ReadsReports, on),
            "the Plh acts with the position's rights"
        );
        assert!(!org.may("kasi-ppi", PositionRight::ReadsReports, date(2026, 11, 30)));
        let heads: Vec<String> =
            org.holders_with(PositionRight::HeadsAgency, on).into_iter().map(|c| c.person).collect();
        assert_eq!(heads, ["kadis"]);
    }

    #[test]
    fn a_signer_who_does_not_head_the_agency_signs_on_the_head_s_behalf() {
        let mut org = org();
        let on = date(2026, 11, 26);
        assert_eq!(org.signing_title("kadis", "kepala", on), "Kepala Dinas Kominfo");
        assert_eq!(org.signing_title("sekdin", "sekretaris", on), "a.n. Kepala Dinas Kominfo\nSekretaris");
        org.holdings.push(Holding {
            person: "kabid".into(),
            position: "kepala".into(),
            from: on,
            until: Some(on),
            acting: Some((ActingKind::Plh, Some("kadis".into()))),
        });
        assert_eq!(org.signing_title("kabid", "kepala", on), "Plh. Kepala Dinas Kominfo");
    }

    #[test]
    fn a_two_position_lane_resolves_to_both_holders() {
        let found = org().candidates(&["kepala".into(), "sekretaris".into()], date(2026, 11, 26));
        let people: Vec<&str> = found.iter().map(|c| c.person.as_str()).collect();
        assert_eq!(people, ["kadis", "sekdin"]);
    }

    #[test]
    fn a_position_held_twice_by_one_person_makes_one_candidate() {
        let mut org = org();
        // Entered twice, with another holder between the two rows, and
        // acting for the position too.
        let twice = org.holdings[3].clone();
        org.holdings.push(Holding { person: "sekdin".into(), position: "kabid-tik".into(), ..twice.clone() });
        org.holdings.push(twice.clone());
        org.holdings.push(Holding { acting: Some((ActingKind::Plt, None)), ..twice });
        let found = org.candidates(&["kabid-tik".into()], date(2026, 11, 26));
        let people: Vec<(&str, Option<ActingKind>)> =
            found.iter().map(|c| (c.person.as_str(), c.acting)).collect();
        assert_eq!(people, [("kabid", None), ("sekdin", None), ("kasi-ppi", Some(ActingKind::Plh))]);
    }

    #[test]
    fn holdings_count_only_inside_their_dates_and_acting_officials_follow_holders() {
        let lane = ["kabid-tik".to_string()];
        let people = |on| org().candidates(&lane, on).into_iter().map(|c| c.person).collect::<Vec<_>>();
        assert_eq!(people(date(2025, 6, 1)), ["old-kabid"]);
        assert_eq!(people(date(2026, 11, 26)), ["kabid", "kasi-ppi"]);
        assert_eq!(people(date(2026, 11, 28)), ["kabid"]);
        let plh = org().candidates(&lane, date(2026, 11, 26)).pop().unwrap();
        assert_eq!(plh.acting, Some(ActingKind::Plh));
        assert_eq!(plh.acting_for.as_deref(), Some("kabid"));
    }
}
