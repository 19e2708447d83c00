//! Who is told what (`engine::notice`), in given-events / when-command /
//! then-notices form.

mod scenario;

use engine::Verdict;
use engine::notice::{Notice, NoticeKind, notices};
use scenario::{World, input, verdict};

const CLEAN: &str = include_str!("../../sop/tests/fixtures/clean.toml");
const ATAS_NAMA: &str = include_str!("../../sop/tests/fixtures/shapes/cuti-atas-nama.toml");
const BACKUP: &str = include_str!("../../sop/tests/fixtures/shapes/cek-backup-bulanan.toml");
const HARIAN: &str = include_str!("../../sop/tests/fixtures/shapes/laporan-harian.toml");

/// Then: "person: subject or first words", one line per notice.
fn told(notices: &[Notice]) -> Vec<String> {
    notices
        .iter()
        .map(|n| {
            let what =
                n.subject.clone().unwrap_or_else(|| n.message.split(" (").next().unwrap_or("").to_string());
            format!("{}: {what}", n.person)
        })
        .collect()
}

#[test]
fn a_new_task_is_told_to_its_candidates_and_never_to_the_requester_doing_it() {
    let world = World::of(CLEAN);
    let events = world.when_submit("siti", &[("nama_aplikasi", "simpeg")]).unwrap();
    let state = engine::CaseState::from_events(&events).unwrap();
    // Siti's own first task and its completion by her tell her nothing.
    let notices = notices(&world.ctx(), &state, &events);
    assert_eq!(told(&notices), ["kabid: Tugas baru: permohonan X-1"]);
    assert_eq!(notices[0].kind, NoticeKind::Task);
}

#[test]
fn a_refusal_tells_the_requester_the_step_and_the_end_with_the_reason() {
    let world = World::of(CLEAN);
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let mut story = given;
    let events = story.when(2, "kabid", verdict(Verdict::Tidak)).unwrap();
    story.events.extend(events.clone());
    let notices = notices(&world.ctx(), &story.state(), &events);
    assert_eq!(told(&notices), ["siti: Permohonan X-1 bergerak", "siti: Permohonan X-1 ditolak"]);
    let (first, rest) = notices[1].message.split_once("\n\n").unwrap();
    assert!(first.ends_with("Alasan: Sudah diperiksa."), "{first}");
    assert!(rest.contains("Survei Kepuasan Masyarakat"), "the requester is asked the survey: {rest}");
    // Each of its kind, for the person to choose how it reaches them.
    let kinds: Vec<NoticeKind> = notices.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NoticeKind::Progress, NoticeKind::Finished]);
}

#[test]
fn notice_kinds_keep_their_codes() {
    for kind in NoticeKind::ALL {
        assert_eq!(NoticeKind::from_code(kind.code()), Some(kind));
    }
    assert_eq!(NoticeKind::from_code("lain"), None);
}

#[test]
fn the_employee_a_request_is_filed_for_hears_of_it_and_of_its_end() {
    let world = World::of(ATAS_NAMA);
    let events = world.when_submit("katu", &[("pegawai", "budi"), ("lama_hari", "5")]).unwrap();
    let state = engine::CaseState::from_events(&events).unwrap();
    let first = told(&notices(&world.ctx(), &state, &events));
    assert_eq!(first[0], "budi: Bapak/Ibu katu mengajukan permohonan X-1", "{first:?}");
    let withdrawn = engine::workflow::withdraw(&state, "katu", None, scenario::monday_9()).unwrap();
    let mut all = events.clone();
    all.extend(withdrawn.clone());
    let end = engine::CaseState::from_events(&all).unwrap();
    let ended = notices(&world.ctx(), &end, &withdrawn);
    assert_eq!(told(&ended), ["katu: Permohonan X-1 ditarik", "budi: Permohonan X-1 ditarik"]);
    assert!(ended.iter().all(|n| !n.message.contains("Survei")), "a withdrawn request is not surveyed");
}

#[test]
fn a_routine_tells_no_requester_of_each_step() {
    let world = World::of(HARIAN);
    let story = world.started("2026-11-23");
    let events = story.when(1, "op", input(&[("jumlah_masuk", "4")])).unwrap();
    let mut all = story.events.clone();
    all.extend(events.clone());
    let state = engine::CaseState::from_events(&all).unwrap();
    let lines = told(&notices(&world.ctx(), &state, &events));
    assert!(lines.iter().all(|l| l.contains("Tugas baru")), "{lines:?}");
    assert!(!lines.is_empty());
}

#[test]
fn a_loop_out_of_rounds_is_told_one_level_up_the_structure() {
    let world = World::of(BACKUP);
    let story = world
        .started("2026-11")
        .did(1, "srv", input(&[]))
        .did(2, "kasi", verdict(Verdict::Tidak))
        .did(1, "srv", input(&[]));
    let events = story.when(2, "kasi", verdict(Verdict::Tidak)).unwrap();
    let mut all = story.events.clone();
    all.extend(events.clone());
    let state = engine::CaseState::from_events(&all).unwrap();
    let lines = told(&notices(&world.ctx(), &state, &events));
    // The Kasi's superior hears the loop stopped; the Kabid also gets the
    // escalation step as a task.
    assert!(lines.iter().any(|l| l.starts_with("kabid: Langkah 2 permohonan R-1")), "{lines:?}");
}

#[test]
fn overdue_work_is_told_to_its_people_and_the_heads_above_each_once() {
    let world = World::of(CLEAN);
    let story = world.submitted("siti", &[("nama_aplikasi", "simpeg")]).did(2, "kabid", verdict(Verdict::Ya));
    let state = story.state();
    let candidates = &state.open_tasks().next().unwrap().candidates;
    let today = jiff::civil::date(2026, 11, 23);
    assert_eq!(engine::notice::told_of_overdue(&world.org, candidates, 1, today), ["kasi", "srv"]);
    assert_eq!(engine::notice::told_of_overdue(&world.org, candidates, 2, today), ["kabid", "kasi", "srv"]);
}
