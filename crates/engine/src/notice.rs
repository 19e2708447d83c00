//! Who is told what when a case moves. The rules live here, pure, so they
//! can be read and tested as rules; the store only delivers the notices
//! (in the app, and by e-mail or the agency's message gateway, at once or
//! in a daily digest, as each person chose for each [`NoticeKind`]).
//!
//! - a new task: its candidates (not the requester, who is doing it);
//! - a step done by someone else: the requester, except of a routine;
//! - a signed notification letter: the requester, with its own subject;
//! - the end of the case: the requester and the employee it was filed for;
//! - a request filed on someone's behalf: that employee;
//! - an acting official (Plt/Plh) acting: the holder they stand in for;
//! - a loop out of rounds, an overdue task or procedure: the people acting
//!   and the heads above them ([`told_of_overdue`]).

use crate::case::{CaseState, Event, EventBody, Millis, Outcome};
use crate::organisation::{Candidate, Organisation};
use crate::workflow::Context;

/// What a notice is about, so that each person can choose how each kind
/// reaches them (at once, in a daily digest, or not at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoticeKind {
    /// A new task for me.
    Task,
    /// A letter for me to review or sign.
    Letter,
    /// A step late, escalated, or a loop out of rounds.
    Late,
    /// My request moved (a step done, a request filed for me, an acting
    /// official acting for me).
    Progress,
    /// My request finished, refused or withdrawn.
    Finished,
    /// What heads are told to keep watch (an unreviewed access review, a
    /// drafter stopped from approving their own letter).
    Oversight,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::Task,
        NoticeKind::Letter,
        NoticeKind::Late,
        NoticeKind::Progress,
        NoticeKind::Finished,
        NoticeKind::Oversight,
    ];

    /// The code kept in the database and sent in forms.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Task => "tugas",
            NoticeKind::Letter => "surat",
            NoticeKind::Late => "terlambat",
            NoticeKind::Progress => "progres",
            NoticeKind::Finished => "selesai",
            NoticeKind::Oversight => "pengawasan",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One message for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub person: String,
    pub kind: NoticeKind,
    /// A mail subject of its own; without one, the message's first words.
    pub subject: Option<String>,
    /// The app shows the first paragraph; the mail the whole text.
    pub message: String,
    pub at: Millis,
}

/// The notices `events` (just appended to the case now at `state`) cause.
pub fn notices(ctx: &Context, state: &CaseState, events: &[Event]) -> Vec<Notice> {
    let sop = ctx.sop;
    let org = ctx.org;
    let name = &sop.identity.nama.value;
    let number = &state.number;
    let activity = |step: u32| sop.step(step).map_or_else(String::new, |s| s.activity.clone());
    let mut out = Vec::new();
    let mut tell =
        |people: Vec<String>, kind: NoticeKind, subject: Option<String>, message: String, at: Millis| {
            for person in people {
                out.push(Notice { person, kind, subject: subject.clone(), message: message.clone(), at });
            }
        };
    for event in events {
        let at = event.at;
        match &event.body {
            EventBody::TaskCreated { step, candidates, .. } => {
                let message = format!(
                    "Anda mendapat tugas pada permohonan {number} ({name}), langkah {step}: {}.\n\nBuka Sopir untuk menindaklanjutinya.",
                    activity(*step)
                );
                let people = candidates
                    .iter()
                    .filter(|c| c.person != state.requester)
                    .map(|c| c.person.clone())
                    .collect();
                // A letter to review or sign is a task of its own kind: many
                // heads want those at once and the rest in a digest.
                let letter = sop.letter.is_some()
                    && sop
                        .step(*step)
                        .is_some_and(|s| matches!(s.action, sop::ActionKind::Review | sop::ActionKind::Sign));
                let kind = if letter { NoticeKind::Letter } else { NoticeKind::Task };
                tell(people, kind, Some(format!("Tugas baru: permohonan {number}")), message, at);
            }
            // A routine has no requester to keep informed of each step.
            EventBody::TaskCompleted { step, by, .. }
                if *by != state.requester && state.routine.is_none() =>
            {
                let signed = sop
                    .step(*step)
                    .is_some_and(|s| s.action == sop::ActionKind::Sign && sop.letter.is_some());
                let subject = if signed {
                    format!("Surat pemberitahuan permohonan {number} telah ditandatangani")
                } else {
                    format!("Permohonan {number} bergerak")
                };
                let message = format!(
                    "Langkah {step} permohonan {number} ({name}) telah diselesaikan oleh {}: {}.",
                    org.name(by),
                    activity(*step)
                );
                tell(vec![state.requester.clone()], NoticeKind::Progress, Some(subject), message, at);
            }
            EventBody::CaseClosed { outcome, reason, .. } => {
                let how = match outcome {
                    Outcome::Completed => "selesai",
                    Outcome::Rejected => "ditolak",
                    Outcome::Withdrawn => "ditarik",
                };
                let mut message = format!("Permohonan {number} ({name}) {how}.");
                if let Some(r) = reason {
                    message.push_str(&format!(" Alasan: {r}"));
                }
                let subject = format!("Permohonan {number} {how}");
                // The employee it was filed for is told too; only the
                // requester is asked the survey (they alone may answer it).
                let plain = message.clone();
                if crate::satisfaction::surveyed(state.status, state.routine.is_some()) {
                    message.push_str(
                        "\n\nBagaimana pelayanan kami? Mohon isi Survei Kepuasan Masyarakat di halaman permohonan: sembilan pertanyaan, tanpa nama, boleh dilewati.",
                    );
                }
                tell(vec![state.requester.clone()], NoticeKind::Finished, Some(subject.clone()), message, at);
                if let Some(behalf) = state.on_behalf_of.as_ref().filter(|p| **p != state.requester) {
                    tell(vec![behalf.clone()], NoticeKind::Finished, Some(subject), plain, at);
                }
            }
            EventBody::CaseOpened { on_behalf_of: Some(person), requester, .. } if person != requester => {
                let message = format!(
                    "{} mengajukan permohonan {number} ({name}) atas nama Anda.",
                    org.name(requester)
                );
                tell(vec![person.clone()], NoticeKind::Progress, None, message, at);
            }
            EventBody::ActingOfficialActed { step, acting, kind, holder, .. } => {
                let message = format!(
                    "{} sebagai {} menyelesaikan langkah {step} permohonan {number} atas nama Anda.",
                    org.name(acting),
                    kind.label()
                );
                tell(vec![holder.clone()], NoticeKind::Progress, None, message, at);
            }
            // A loop that ran out of rounds is told up the structure.
            EventBody::RoundsExhausted { task, step, rounds, .. } => {
                let candidates = state.task(task).map_or_else(Vec::new, |t| t.candidates.clone());
                let today = ctx.local_date(at);
                let message = format!(
                    "Langkah {step} permohonan {number} ({name}) sudah {rounds} putaran tanpa hasil: batas putaran SOP tercapai, prosedur diteruskan sesuai SOP."
                );
                let mut people = org.escalation_chain(&candidates, 1, today);
                people.sort();
                people.dedup();
                tell(people, NoticeKind::Late, None, message, at);
            }
            _ => {}
        }
    }
    out
}

/// Who hears of work past its time, at the `round`th reminder: the people
/// who may do it and the heads `round` levels above them, each once.
pub fn told_of_overdue(
    org: &Organisation,
    candidates: &[Candidate],
    round: u32,
    today: jiff::civil::Date,
) -> Vec<String> {
    let mut told: Vec<String> = candidates.iter().map(|c| c.person.clone()).collect();
    told.extend(org.escalation_chain(candidates, round, today));
    told.sort();
    told.dedup();
    told
}
