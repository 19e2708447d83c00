//! Who is told what when a case moves. The rules live here, pure, so they
//! can be read and tested as rules; the store only delivers the notices
//! (in the app, and by mail to those who want it).
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

/// One message for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub person: String,
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
    let mut tell = |people: Vec<String>, subject: Option<String>, message: String, at: Millis| {
        for person in people {
            out.push(Notice { person, subject: subject.clone(), message: message.clone(), at });
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
                tell(people, Some(format!("Tugas baru: permohonan {number}")), message, at);
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
                tell(vec![state.requester.clone()], Some(subject), message, at);
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
                let mut people: Vec<String> =
                    std::iter::once(&state.requester).chain(state.on_behalf_of.iter()).cloned().collect();
                people.dedup();
                tell(people, Some(format!("Permohonan {number} {how}")), message, at);
            }
            EventBody::CaseOpened { on_behalf_of: Some(person), requester, .. } if person != requester => {
                let message = format!(
                    "{} mengajukan permohonan {number} ({name}) atas nama Anda.",
                    org.name(requester)
                );
                tell(vec![person.clone()], None, message, at);
            }
            EventBody::ActingOfficialActed { step, acting, kind, holder, .. } => {
                let message = format!(
                    "{} sebagai {} menyelesaikan langkah {step} permohonan {number} atas nama Anda.",
                    org.name(acting),
                    kind.label()
                );
                tell(vec![holder.clone()], None, message, at);
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
                tell(people, None, message, at);
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
