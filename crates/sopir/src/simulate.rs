//! `sopir sop simulate`: one case of an SOP run in a throw-away database,
//! with demo people in every position, every step completed, printed as a
//! timeline (step, lane, who, started, due, done, breach). SOP authors use it
//! to check a definition before publishing it.

use engine::{CaseState, Verdict};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sop::{Catalog, Sop};
use store::Store;
use store::demo::sample_input;

use crate::CliError;

pub struct Options {
    pub verdict: Verdict,
    /// Agency-local start, e.g. `2026-11-23T09:00`; now when absent.
    pub start: Option<String>,
    /// Complete this step 10 working minutes after its due time.
    pub late_step: Option<u32>,
}

const WEEKDAYS: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];

fn local(ms: i64, zone: &TimeZone) -> String {
    let z = Timestamp::from_millisecond(ms).expect("valid instant").to_zoned(zone.clone());
    format!("{} {}", WEEKDAYS[z.weekday().to_monday_zero_offset() as usize], z.strftime("%d-%m %H:%M"))
}

pub async fn run(catalog: &Catalog, sop: &Sop, options: Options) -> Result<String, CliError> {
    let dir = tempfile::tempdir().map_err(|e| CliError::Simulation(e.to_string()))?;
    let url = format!("sqlite://{}", dir.path().join("simulasi.db").display());
    let store = Store::open(&url).await?.with_key(store::DataKey::random());
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

    store::demo::install(&store, catalog, start).await?;
    store::demo::staff_for(&store, sop, agency, start).await?;
    let calendar = store.calendar(&sop.agency).await?;
    let org = store.organisation(&sop.agency).await?;

    // The first step is done by the first person allowed to submit.
    let first = sop.first_step();
    let first_lane = sop.lane(&first.lane).expect("validated");
    let on = Timestamp::from_millisecond(start).expect("valid").to_zoned(zone.clone()).date();
    let submitter = org.candidates(&first_lane.positions, on).into_iter().next().ok_or_else(|| {
        CliError::Simulation(format!("tidak ada pemegang jabatan untuk pelaksana {}", first.lane))
    })?;
    let mut state = store
        .submit(&sop.agency, &sop.id, &submitter.person, sample_input(first, options.verdict), start)
        .await?;
    loop {
        let Some(task) = state.open_tasks().next().cloned() else { break };
        let step = sop.step(task.step).expect("steps exist");
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
        let actor = task.candidates[0].person.clone();
        store::demo::prepare_step(&store, &sop.agency, sop, &state.id, step, &actor, at).await?;
        state = store
            .complete_with(
                &sop.agency,
                &state.id,
                &task.id,
                &actor,
                sample_input(step, options.verdict),
                Vec::new(),
                store::demo::sample_paperwork(step),
                at,
            )
            .await?;
    }
    let report = store.verify_audit().await?;
    let zone_label = agency.map_or("WIB", |a| a.zone_abbreviation());
    let text = timeline(sop, &state, &org, (&zone, zone_label), &options, report.first_break.is_none());
    store.close().await;
    Ok(text)
}

fn timeline(
    sop: &Sop,
    state: &CaseState,
    org: &engine::Organisation,
    (zone, zone_label): (&TimeZone, &str),
    options: &Options,
    chain_ok: bool,
) -> String {
    let verdict = match options.verdict {
        Verdict::Ya => "ya",
        Verdict::Tidak => "tidak",
    };
    let mut out = format!(
        "Simulasi {} versi {} — {} (permohonan {})\nKeputusan: {verdict}. Semua waktu {zone_label}.\n\n",
        sop.id, sop.version, sop.identity.nama.value, state.number,
    );
    out.push_str(&format!(
        "{:>7}  {:<16} {:<30} {:<15} {:<15} {:<15} {}\n",
        "LANGKAH", "PELAKSANA", "OLEH", "MULAI", "BATAS WAKTU", "SELESAI", "TERLAMBAT"
    ));
    for task in &state.tasks {
        let by = task.done_by.as_deref().map_or("-".to_string(), |p| org.name(p));
        let by: String = by.chars().take(30).collect();
        let late = task.late_minutes.map_or("-".to_string(), |m| format!("{m} menit"));
        out.push_str(&format!(
            "{:>7}  {:<16} {:<30} {:<15} {:<15} {:<15} {}\n",
            task.step,
            task.lane,
            by,
            local(task.started_at, zone),
            task.due_at.map_or("-".to_string(), |d| local(d, zone)),
            task.done_at.map_or("-".to_string(), |d| local(d, zone)),
            late
        ));
    }
    let breaches = state.tasks.iter().filter(|t| t.late_minutes.is_some()).count();
    out.push_str(&format!(
        "\nHasil: {} setelah {} langkah; {breaches} pelanggaran waktu; rantai audit {}.\n",
        state.status.label(),
        state.tasks.len(),
        if chain_ok { "utuh" } else { "PUTUS" }
    ));
    out
}
