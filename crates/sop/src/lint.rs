//! The SOP linter: defects a definition can parse with but that a careful
//! reader of the paper SOP would point out — numbering gaps, unreachable
//! steps, idle lanes, internal steps without a standard time, text copied
//! from another SOP, a missing approver.

use std::collections::{HashSet, VecDeque};

use crate::definition::{Sop, Target};
use crate::diagnostic::{Diagnostic, Location};

/// Words that name each service in SOP text. A step output or record that
/// names another service's words and none of its own was most likely
/// copied from another SOP.
pub const SERVICE_TERMS: [(&str, &[&str]); 4] = [
    ("vpn", &["vpn"]),
    ("email", &["email", "e-mail", "surel", "mail server"]),
    ("subdomain", &["subdomain"]),
    ("ruang-server", &["ruang server", "data center", "pusat data"]),
];

/// Every warning for one parsed SOP, in file order.
pub fn lint(sop: &Sop) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    numbering_gaps(sop, &mut found);
    unreachable_steps(sop, &mut found);
    idle_lanes(sop, &mut found);
    internal_steps_without_time(sop, &mut found);
    other_service_text(sop, &mut found);
    missing_approver(sop, &mut found);
    found.sort_by_key(|d| d.at);
    found
}

fn warn(sop: &Sop, at: Location, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::warning(&sop.file, at, code, message)
}

fn numbering_gaps(sop: &Sop, found: &mut Vec<Diagnostic>) {
    let mut previous = 0;
    for step in &sop.steps {
        if step.no > previous + 1 {
            let missing = if step.no == previous + 2 {
                format!("langkah {} tidak ada", previous + 1)
            } else {
                format!("langkah {}–{} tidak ada", previous + 1, step.no - 1)
            };
            found.push(warn(
                sop,
                step.at,
                "numbering-gap",
                format!("nomor langkah melompat dari {previous} ke {} ({missing})", step.no),
            ));
        } else if step.no <= previous {
            found.push(warn(
                sop,
                step.at,
                "numbering-order",
                format!("langkah {} ditulis sesudah langkah {previous}; urutkan menurut nomor", step.no),
            ));
        }
        previous = previous.max(step.no);
    }
}

fn unreachable_steps(sop: &Sop, found: &mut Vec<Diagnostic>) {
    let mut reached = HashSet::new();
    let mut queue = VecDeque::from([sop.first_step().no]);
    while let Some(no) = queue.pop_front() {
        if !reached.insert(no) {
            continue;
        }
        if let Some(step) = sop.step(no) {
            for target in step.targets() {
                if let Target::Step(n) = target {
                    queue.push_back(n);
                }
            }
        }
    }
    for step in sop.steps.iter().filter(|s| !reached.contains(&s.no)) {
        found.push(warn(
            sop,
            step.at,
            "unreachable-step",
            format!("langkah {} tidak dapat dicapai dari langkah awal {}", step.no, sop.first_step().no),
        ));
    }
}

fn idle_lanes(sop: &Sop, found: &mut Vec<Diagnostic>) {
    for lane in sop.lanes.iter().filter(|l| !sop.steps.iter().any(|s| s.lanes().any(|id| id == l.id))) {
        found.push(warn(
            sop,
            lane.at,
            "lane-without-step",
            format!("pelaksana \"{}\" tidak punya langkah", lane.id),
        ));
    }
}

fn internal_steps_without_time(sop: &Sop, found: &mut Vec<Diagnostic>) {
    for step in &sop.steps {
        let internal = sop.lane(&step.lane).is_some_and(|l| !l.requester);
        if internal && step.time.is_none() {
            found.push(warn(
                sop,
                step.time_at,
                "no-standard-time",
                format!(
                    "langkah {} dikerjakan pelaksana internal \"{}\" tetapi tidak punya waktu baku, sehingga tidak bisa diukur",
                    step.no, step.lane
                ),
            ));
        }
    }
}

fn other_service_text(sop: &Sop, found: &mut Vec<Diagnostic>) {
    let Some(own) = sop.service.as_deref() else { return };
    let Some((_, own_terms)) = SERVICE_TERMS.iter().find(|(s, _)| *s == own) else { return };
    fn mentions(text: &str, terms: &[&'static str]) -> Option<&'static str> {
        let lower = text.to_lowercase();
        terms.iter().find(|t| lower.contains(*t)).copied()
    }
    let mut check = |text: &str, at: Location, what: String| {
        if mentions(text, own_terms).is_some() {
            return;
        }
        let other =
            SERVICE_TERMS.iter().filter(|(s, _)| *s != own).find_map(|(_, terms)| mentions(text, terms));
        if let Some(term) = other {
            found.push(warn(
                sop,
                at,
                "other-service",
                format!("{what} \"{text}\" menyebut \"{term}\", padahal SOP ini tentang layanan {own} — tersalin dari SOP lain?"),
            ));
        }
    };
    for step in &sop.steps {
        for output in &step.outputs {
            check(&output.value, output.at, format!("output langkah {}", step.no));
        }
    }
    for record in &sop.identity.pencatatan {
        check(&record.value, record.at, "pencatatan".to_string());
    }
}

fn missing_approver(sop: &Sop, found: &mut Vec<Diagnostic>) {
    let blank = sop.identity.disahkan_oleh.as_ref().is_none_or(|a| a.nama.trim().is_empty());
    if blank {
        found.push(warn(
            sop,
            sop.identity.disahkan_oleh_at,
            "no-approver",
            "\"Disahkan oleh\" kosong — SOP belum menyebut pejabat yang mengesahkan".to_string(),
        ));
    }
}
