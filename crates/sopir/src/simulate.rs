//! `sopir sop simulate`: one case of an SOP run in a throw-away database,
//! with demo people in every position, every step completed, printed as a
//! timeline (step, lane, who, started, due, done, breach). SOP authors use it
//! to check a definition before publishing it: each branch can be taken by
//! choosing the decisions, and a run that would loop for ever stops and says
//! which step kept returning.
//!
//! With `--in-database` the case runs in a server's own database instead,
//! now, by that agency's people and its published SOP version, and stays
//! there: a trainer (or a test run) gets a case waiting at a chosen step
//! (`--stop-at`) — a letter to sign, a visit to check in — without clicking
//! through the steps before it.

use std::collections::BTreeMap;

use engine::{CaseState, Verdict};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sop::{Catalog, Sop};
use store::Store;
use store::demo::sample_input_by;

use crate::CliError;

/// A step is run at most this many times in one simulated case: a return
/// loop whose decision never changes stops here instead of running for ever.
pub const MAX_VISITS: usize = 3;

/// The answers of the steps that decide (Ya/Tidak): one for every step, and
/// per step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decisions {
    every: Verdict,
    by_step: BTreeMap<u32, Verdict>,
}

impl Decisions {
    /// Reads `ya`, `tidak`, `5=tidak,9=ya` or `tidak,9=ya`; each numbered
    /// step must be one of `sop`'s deciding steps.
    pub fn parse(text: &str, sop: &Sop) -> Result<Decisions, CliError> {
        let bad = |why: String| CliError::BadDecision { given: text.to_string(), why };
        let verdict = |word: &str| match word.trim() {
            "ya" => Ok(Verdict::Ya),
            "tidak" => Ok(Verdict::Tidak),
            other => Err(bad(format!("\"{other}\" bukan ya atau tidak"))),
        };
        let mut decisions = Decisions { every: Verdict::Ya, by_step: BTreeMap::new() };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((step, word)) = part.split_once('=') else {
                decisions.every = verdict(part)?;
                continue;
            };
            let no: u32 =
                step.trim().parse().map_err(|_| bad(format!("\"{}\" bukan nomor langkah", step.trim())))?;
            let found = sop.step(no).ok_or_else(|| bad(format!("{} tidak punya langkah {no}", sop.id)))?;
            if !found.action.takes_verdict() {
                let deciding: Vec<String> =
                    sop.steps.iter().filter(|s| s.action.takes_verdict()).map(|s| s.no.to_string()).collect();
                return Err(bad(format!(
                    "langkah {no} ({}) tidak memutuskan Ya/Tidak; yang memutuskan: {}",
                    found.action.label(),
                    if deciding.is_empty() { "tidak ada".into() } else { deciding.join(", ") }
                )));
            }
            decisions.by_step.insert(no, verdict(word)?);
        }
        Ok(decisions)
    }

    /// The answer of step `no`.
    pub fn of(&self, no: u32) -> Verdict {
        self.by_step.get(&no).copied().unwrap_or(self.every)
    }

    /// As written after `--decide`.
    fn argument(&self) -> String {
        let word = |v: Verdict| if v == Verdict::Ya { "ya" } else { "tidak" };
        let mut text = word(self.every).to_string();
        for (no, v) in self.by_step.iter().filter(|(_, v)| **v != self.every) {
            text.push_str(&format!(",{no}={}", word(*v)));
        }
        text
    }

    fn describe(&self) -> String {
        let word = |v: Verdict| if v == Verdict::Ya { "ya" } else { "tidak" };
        let mut text = word(self.every).to_string();
        for (no, v) in &self.by_step {
            text.push_str(&format!(", langkah {no}: {}", word(*v)));
        }
        text
    }
}

/// A simulated case: its timeline, and why it was stopped if it would never end.
pub struct Run {
    pub timeline: String,
    pub stopped: Option<String>,
}

pub struct Options {
    pub decisions: Decisions,
    /// Agency-local start, e.g. `2026-11-23T09:00`; now when absent.
    pub start: Option<String>,
    /// Complete this step 10 working minutes after its due time.
    pub late_step: Option<u32>,
    /// Leave the case open once this step is open.
    pub stop_at: Option<u32>,
    /// Run in this database rather than a throw-away one.
    pub live: Option<Live>,
}

/// A server's database and the key its personal data is sealed with.
pub struct Live {
    pub url: String,
    pub key_file: std::path::PathBuf,
}

impl Live {
    async fn open(&self) -> Result<Store, CliError> {
        // The server's key: personal data sealed with another would be
        // unreadable to it.
        let key = store::DataKey::load(&self.key_file)?.ok_or_else(|| {
            CliError::Simulation(format!("kunci data pribadi {} tidak ada", self.key_file.display()))
        })?;
        Ok(Store::open(&self.url).await?.with_key(key))
    }

    /// The SOP `id` as published there: an agency's own SOP, written in
    /// the editor, is in no catalog.
    pub async fn published(&self, id: &str) -> Result<Sop, CliError> {
        let store = self.open().await?;
        let agency = id.split_once('/').map_or(id, |(agency, _)| agency);
        let sop = match store.sop(agency, id, None).await {
            Err(store::StoreError::NotFound(_)) => Err(CliError::UnknownSop(id.to_string())),
            other => Ok(std::sync::Arc::unwrap_or_clone(other?)),
        };
        store.close().await;
        sop
    }
}

const WEEKDAYS: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];

fn local(ms: i64, zone: &TimeZone) -> String {
    let z = Timestamp::from_millisecond(ms).expect("valid instant").to_zoned(zone.clone());
    format!("{} {}", WEEKDAYS[z.weekday().to_monday_zero_offset() as usize], z.strftime("%d-%m %H:%M"))
}

pub async fn run(catalog: &Catalog, sop: &Sop, options: Options) -> Result<Run, CliError> {
    let dir = tempfile::tempdir().map_err(|e| CliError::Simulation(e.to_string()))?;
    let (store, sop) = match &options.live {
        // The caller read `sop` from there (`Live::published`).
        Some(live) => (live.open().await?, sop.clone()),
        None => {
            let url = format!("sqlite://{}", dir.path().join("simulasi.db").display());
            (Store::open(&url).await?.with_key(store::DataKey::random()), sop.clone())
        }
    };
    let sop = &sop;
    let agency = catalog.agency(&sop.agency);
    let zone_name = agency.map_or("Asia/Jakarta", |a| a.timezone.as_str());
    let zone = TimeZone::get(zone_name).map_err(|e| CliError::Simulation(e.to_string()))?;
    let start = match &options.start {
        Some(text) => {
            let civil: jiff::civil::DateTime = text.parse().map_err(|_| CliError::BadStart(text.clone()))?;
            civil.to_zoned(zone.clone()).map_err(|_| CliError::BadStart(text.clone()))?.timestamp()
        }
        None => Timestamp::now(),
    }
    .as_millisecond();

    // The built-in demo; the simulated SOP (perhaps of an agency of its
    // own, from --dir) is installed and staffed by `staff_for`. A live
    // database has its own people.
    if options.live.is_none() {
        store::demo::install(&store, &Catalog::builtin(), start).await?;
        store::demo::staff_for(&store, sop, agency, start).await?;
    }
    let calendar = store.calendar(&sop.agency).await?;
    let org = store.organisation(&sop.agency).await?;
    let profile = store.agency(&sop.agency).await?;

    // The first step is done by the first person allowed to submit; a
    // routine is started by its schedule instead.
    let first = sop.first_step();
    let on = Timestamp::from_millisecond(start).expect("valid").to_zoned(zone.clone()).date();
    let decisions = &options.decisions;
    let mut state = if sop.schedule.is_some() {
        let number = store.start_routine(sop, "simulasi", start).await?.expect("a fresh database");
        let case =
            store.cases(&sop.agency).await?.into_iter().find(|c| c.number == number).expect("just started");
        store.case(&sop.agency, &case.id).await?
    } else {
        let submitter = engine::workflow::submitters(sop, &org, on).into_iter().next().ok_or_else(|| {
            CliError::Simulation(format!("tidak ada pemegang jabatan untuk pelaksana {}", first.lane))
        })?;
        let input = sample_input_by(first, &first.lane, decisions.of(first.no), &submitter.person, &profile);
        store.submit(store::Submit::new(&sop.agency, &sop.id, &submitter.person, input, start)).await?
    };
    let mut stopped = None;
    let mut clock = start;
    // Parallel tasks are done in the order they fall due, and time only
    // moves forward.
    while let Some(task) =
        state.open_tasks().min_by_key(|t| (t.due_at.unwrap_or(i64::MAX), t.started_at)).cloned()
    {
        if options.stop_at.is_some_and(|no| state.open_tasks().any(|t| t.step == no)) {
            break;
        }
        let step = sop.step(task.step).expect("steps exist");
        // A loop the SOP bounds ends by itself; another stops here.
        let limit = sop.loop_bound(step.no).map_or(MAX_VISITS, |(_, rounds)| rounds as usize + 1);
        let visits = state.round(&task) as usize;
        if visits > limit.max(MAX_VISITS) {
            stopped = Some(format!(
                "simulasi dihentikan: langkah {} ({}) sudah {MAX_VISITS} kali dijalankan dan permohonan \
                 terus kembali ke sana; dengan keputusan {} permohonan ini tidak pernah selesai — \
                 pilih keputusan lain, mis. --decide {}",
                step.no,
                step.action.label(),
                decisions.describe(),
                suggestion(sop, &state, decisions),
            ));
            break;
        }
        let mut at = match task.due_at {
            Some(due) => due,
            None => calendar
                .due(
                    Timestamp::from_millisecond(task.started_at).expect("valid"),
                    sop::StandardTime::Minutes(1),
                )
                .as_millisecond(),
        };
        if options.late_step == Some(step.no) {
            at = calendar
                .due(Timestamp::from_millisecond(at).expect("valid"), sop::StandardTime::Minutes(10))
                .as_millisecond();
        }
        at = at.max(clock);
        if options.live.is_some() {
            // What is written there happens now, never in the future.
            at = Timestamp::now().as_millisecond().max(clock + 1);
        }
        clock = at;
        let actor = task.candidates[0].person.clone();
        // A real signer signs with a certificate of their own; the demo's
        // self-signed one is only made in a throw-away database.
        if options.live.is_none() || step.action != sop::ActionKind::Sign {
            store::demo::prepare_step(&store, &sop.agency, sop, &state.id, step, &actor, at).await?;
        }
        state = store
            .complete(
                store::Complete::new(
                    &sop.agency,
                    &state.id,
                    &task.id,
                    &actor,
                    sample_input_by(step, &task.lane, decisions.of(step.no), &actor, &profile),
                    at,
                )
                .with_paperwork(store::demo::sample_paperwork(step)),
            )
            .await?;
    }
    if let Some(no) = options.stop_at.filter(|no| !state.open_tasks().any(|t| t.step == *no)) {
        return Err(CliError::BadStop {
            step: no,
            why: format!(
                "permohonan {} berhenti tanpa membuka langkah itu ({}, tanpa tugas terbuka)",
                state.number,
                state.status.label()
            ),
        });
    }
    let report = store.verify_audit().await?;
    let zone_label = agency.map_or("WIB", |a| a.zone_abbreviation());
    let mut text = timeline(sop, &state, &org, (&zone, zone_label), &options, report.first_break.is_none());
    if options.live.is_some() {
        text.push_str(&format!("Id permohonan: {}\n", state.id));
    }
    store.close().await;
    Ok(Run { timeline: text, stopped })
}

/// A `--decide` that leaves the loop: the deciding steps that ran more
/// than once, answered the other way.
fn suggestion(sop: &Sop, state: &CaseState, decisions: &Decisions) -> String {
    let mut changed = decisions.clone();
    for step in sop.steps.iter().filter(|s| s.action.takes_verdict()) {
        if state.tasks.iter().filter(|t| t.step == step.no).count() > 1 {
            let other = if decisions.of(step.no) == Verdict::Ya { Verdict::Tidak } else { Verdict::Ya };
            changed.by_step.insert(step.no, other);
        }
    }
    changed.argument()
}

fn timeline(
    sop: &Sop,
    state: &CaseState,
    org: &engine::Organisation,
    (zone, zone_label): (&TimeZone, &str),
    options: &Options,
    chain_ok: bool,
) -> String {
    let mut out = format!(
        "Simulasi {} versi {} — {} (permohonan {})\nKeputusan: {}. Semua waktu {zone_label}.\n\n",
        sop.id,
        sop.version,
        sop.identity.nama.value,
        state.number,
        options.decisions.describe(),
    );
    out.push_str(&format!(
        "{:>7}  {:<16} {:<30} {:<15} {:<15} {:<15} {}\n",
        "LANGKAH", "PELAKSANA", "OLEH", "MULAI", "BATAS WAKTU", "SELESAI", "TERLAMBAT"
    ));
    for task in &state.tasks {
        let round = state.round(task);
        let step = if round > 1 { format!("{} ({round}x)", task.step) } else { task.step.to_string() };
        let by = task.done_by.as_deref().map_or("-".to_string(), |p| org.name(p));
        let by: String = by.chars().take(30).collect();
        let late = task.late_minutes.map_or("-".to_string(), |m| format!("{m} menit"));
        out.push_str(&format!(
            "{:>7}  {:<16} {:<30} {:<15} {:<15} {:<15} {}\n",
            step,
            task.lane,
            by,
            local(task.started_at, zone),
            task.due_at.map_or("-".to_string(), |d| local(d, zone)),
            task.done_at.map_or("-".to_string(), |d| local(d, zone)),
            late
        ));
    }
    let breaches = state.tasks.iter().filter(|t| t.late_minutes.is_some()).count();
    if let Some(due) = state.due_at {
        let kept = state.late_minutes.map_or("terpenuhi".to_string(), |m| format!("terlambat {m} menit"));
        out.push_str(&format!("\nBatas waktu seluruh prosedur: {}; {kept}.", local(due, zone)));
    }
    out.push_str(&format!(
        "\nHasil: {} setelah {} langkah; {breaches} pelanggaran waktu; rantai audit {}.\n",
        state.status.label(),
        state.tasks.len(),
        if chain_ok { "utuh" } else { "PUTUS" }
    ));
    out
}
