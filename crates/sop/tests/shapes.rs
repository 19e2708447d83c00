//! The shapes real SOPs need (issue 17, point 4), each in a realistic
//! fixture under `fixtures/shapes/`: they parse into the model the engine
//! runs, lint clean, draw with the regulation's symbols only, and each
//! misuse is refused at its line and column.

use sop::definition::{Ending, Period, ScheduleDay, Target, Together};
use sop::lint::lint;
use sop::{Severity, parse_sop, render};

const INSTALASI: &str = include_str!("fixtures/shapes/instalasi-jaringan.toml");
const INFORMASI: &str = include_str!("fixtures/shapes/informasi-publik.toml");
const CUTI: &str = include_str!("fixtures/shapes/cuti-pegawai.toml");
const ATAS_NAMA: &str = include_str!("fixtures/shapes/cuti-atas-nama.toml");
const BACKUP: &str = include_str!("fixtures/shapes/cek-backup-bulanan.toml");
const HARIAN: &str = include_str!("fixtures/shapes/laporan-harian.toml");

const ALL: [(&str, &str); 6] = [
    ("instalasi-jaringan.toml", INSTALASI),
    ("informasi-publik.toml", INFORMASI),
    ("cuti-pegawai.toml", CUTI),
    ("cuti-atas-nama.toml", ATAS_NAMA),
    ("cek-backup-bulanan.toml", BACKUP),
    ("laporan-harian.toml", HARIAN),
];

fn parse(file: &str, text: &str) -> sop::Sop {
    parse_sop(file, text).unwrap_or_else(|e| panic!("{file}: {e:#?}"))
}

/// The single error for `text`: (line, column, code, message).
fn only_error(text: &str) -> (usize, usize, &'static str, String) {
    let errors = parse_sop("x.toml", text).expect_err("definition must be refused");
    assert_eq!(errors.len(), 1, "expected exactly one error, got {errors:#?}");
    let e = &errors[0];
    assert_eq!(e.severity, Severity::Error);
    (e.at.line, e.at.column, e.code, e.message.clone())
}

fn mutate(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "fixture must contain {from:?} exactly once");
    text.replacen(from, to, 1)
}

#[test]
fn every_shape_fixture_parses_and_lints_clean() {
    for (file, text) in ALL {
        let sop = parse(file, text);
        let found = lint(&sop);
        assert!(found.is_empty(), "{file}: {found:#?}");
    }
}

#[test]
fn parallel_work_forks_and_joins() {
    let sop = parse("instalasi-jaringan.toml", INSTALASI);
    assert_eq!(sop.step(2).unwrap().next, [Target::Step(3), Target::Step(4)]);
    assert_eq!(sop.step(5).unwrap().after, [3, 4]);
    assert_eq!(sop.step(2).unwrap().targets(), [Target::Step(3), Target::Step(4)]);
    // The repair loop comes back into the join without being waited for.
    assert_eq!(sop.incoming(5), [3, 4, 6]);
}

#[test]
fn a_loop_is_bounded_and_says_where_it_goes_when_the_rounds_run_out() {
    let sop = parse("instalasi-jaringan.toml", INSTALASI);
    let check = sop.step(5).unwrap();
    assert_eq!((check.max_rounds, check.exhausted), (Some(3), Some(Target::Rejected)));
    assert!(sop.loops_back(5, Target::Step(6)));
    assert!(!sop.loops_back(5, Target::Step(7)));
    // Steps 5 and 6 repeat; the others do not.
    assert_eq!(sop.loop_bound(5), Some((5, 3)));
    assert_eq!(sop.loop_bound(6), Some((5, 3)));
    assert_eq!(sop.loop_bound(3), None);
    let backup = parse("cek-backup-bulanan.toml", BACKUP);
    assert_eq!(backup.step(2).unwrap().exhausted, Some(Target::Step(3)));
    assert_eq!(backup.loop_bound(1), Some((2, 2)));
}

#[test]
fn an_outcome_per_ending_and_a_deadline_for_the_whole_procedure() {
    let sop = parse("informasi-publik.toml", INFORMASI);
    let decision = sop.step(3).unwrap().decision.clone().unwrap();
    assert_eq!((decision.ya_outcome, decision.tidak_outcome), (None, Some(Ending::Rejected)));
    assert_eq!(sop.deadline.unwrap().time.to_string(), "10 hari");
    let backup = parse("cek-backup-bulanan.toml", BACKUP);
    assert_eq!(backup.step(3).unwrap().outcome, Some(Ending::Rejected));
}

#[test]
fn a_joint_step_names_its_lanes_and_any_employee_may_request() {
    let sop = parse("cuti-pegawai.toml", CUTI);
    let first = sop.first_step();
    assert_eq!(first.lane, "pemohon");
    assert_eq!(first.partners, ["staf-uk"]);
    assert_eq!(first.together, Together::All);
    assert!(first.each_lane_acts());
    let pemohon = sop.lane("pemohon").unwrap();
    assert!(pemohon.anyone && pemohon.requester && pemohon.positions.is_empty());
    let behalf = parse("cuti-atas-nama.toml", ATAS_NAMA);
    let field = &behalf.first_step().fields[0];
    assert!(field.on_behalf);
    assert_eq!(field.kind.key(), "pegawai");
}

#[test]
fn routines_outputs_month_dates_and_office_attachments() {
    let backup = parse("cek-backup-bulanan.toml", BACKUP);
    let schedule = backup.schedule.unwrap();
    assert_eq!((schedule.every, schedule.on, schedule.at), (Period::Month, ScheduleDay::MonthDay(1), (8, 0)));
    assert_eq!(schedule.describe(), "setiap bulan tanggal 1 pukul 08:00");
    let daily = parse("laporan-harian.toml", HARIAN).schedule.unwrap();
    assert_eq!(daily.describe(), "setiap hari kerja pukul 14:00");
    let outputs: Vec<&str> = backup.step(1).unwrap().outputs.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(outputs, ["Log pemeriksaan cadangan", "Hasil uji pemulihan"]);
    assert_eq!(backup.identity.tanggal_pembuatan.unwrap().indonesian(), "Maret 2016");
    assert_eq!(backup.step(1).unwrap().attachments[0].accept, ["xlsx", "ods", "zip"]);
}

#[test]
fn the_flowchart_draws_forks_joint_lanes_and_loops_with_the_five_symbols() {
    for (file, text) in ALL {
        let sop = parse(file, text);
        let svg = render::svg(&sop, None);
        for shape in svg.split("data-shape=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
            assert!(["capsule", "rect", "diamond"].contains(&shape), "{file}: {shape}");
        }
        assert!(!svg.contains("<circle"), "{file}: no circle connector");
        if file == "instalasi-jaringan.toml" {
            // Two arrows leave the fork, two arrive at the join, and the
            // repair goes back up; the bound is written on its exit.
            assert!(
                svg.contains("data-from=\"2\" data-to=\"3\"")
                    && svg.contains("data-from=\"2\" data-to=\"4\"")
            );
            assert!(
                svg.contains("data-from=\"3\" data-to=\"5\"")
                    && svg.contains("data-from=\"4\" data-to=\"5\"")
            );
            assert!(svg.contains("data-from=\"6\" data-to=\"5\""));
            assert!(svg.contains("setelah 3 putaran"));
        }
        if file == "cuti-pegawai.toml" {
            // The joint step stands in both lanes, tied by a line.
            assert!(svg.contains("data-step=\"1\" data-lane=\"pemohon\""));
            assert!(svg.contains("data-step=\"1\" data-lane=\"staf-uk\""));
            assert!(svg.contains("class=\"joint\" data-step=\"1\""));
        }
    }
    let backup = parse("cek-backup-bulanan.toml", BACKUP);
    let html = render::html(&backup, None);
    assert!(html.contains("Maret 2016"), "month-and-year date on the identity page");
}

#[test]
fn a_fork_to_an_ending_is_refused_at_its_place() {
    let text = mutate(INSTALASI, "next = [3, 4]", "next = [3, \"selesai\"]");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (68, 8, "bad-fork"));
    assert!(message.contains("harus nomor langkah"), "{message}");
    let text = mutate(INSTALASI, "next = [3, 4]", "next = [3]");
    assert_eq!(only_error(&text).2, "bad-fork");
}

#[test]
fn a_join_that_waits_for_a_step_not_leading_to_it_is_refused() {
    let text = mutate(INSTALASI, "after = [3, 4]", "after = [3, 2]");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (94, 9, "bad-join"));
    assert_eq!(
        message,
        "after pada langkah 5 menyebut langkah 2, padahal langkah 2 tidak menuju langkah 5 (tulis next = 5 di langkah 2)"
    );
}

#[test]
fn rounds_need_a_loop_and_an_exhausted_target() {
    let text = mutate(INSTALASI, "exhausted = \"ditolak\"\n", "");
    let (line, column, code, _) = only_error(&text);
    assert_eq!((line, column, code), (99, 14, "missing-key"));
    let text = mutate(INFORMASI, "tidak_outcome = \"ditolak\"", "max_rounds = 2\nexhausted = \"ditolak\"");
    let (line, _, code, message) = only_error(&text);
    assert_eq!((line, code), (87, "rounds-without-loop"));
    assert!(message.contains("tidak ada cabang langkah ini yang kembali ke langkah ini"), "{message}");
}

#[test]
fn a_joint_decision_and_a_bad_outcome_are_refused() {
    let text = mutate(
        CUTI,
        "lane = \"kadis\"\naction = \"decide\"",
        "lane = [\"kadis\", \"kasubag-uk\"]\naction = \"decide\"",
    );
    assert_eq!(only_error(&text).2, "joint-decision");
    let text = mutate(INFORMASI, "tidak_outcome = \"ditolak\"", "tidak_outcome = \"gagal\"");
    let (_, _, code, message) = only_error(&text);
    assert_eq!(code, "unknown-word");
    assert!(message.contains("pilih \"selesai\" atau \"ditolak\""), "{message}");
    let text = mutate(CUTI, "lane = [\"pemohon\", \"staf-uk\"]", "lane = [\"pemohon\", \"staf-tu\"]");
    assert_eq!(only_error(&text).2, "unknown-lane");
}

#[test]
fn a_schedule_needs_an_internal_first_step_and_a_valid_day() {
    let text = mutate(BACKUP, "\non = 1\n", "\non = 31\n");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (29, 6, "bad-schedule"));
    assert_eq!(message, "on untuk every = \"bulan\" harus tanggal 1 sampai 28, misalnya on = 1");
    let text = mutate(BACKUP, "at = \"08:00\"", "at = \"8 pagi\"");
    assert_eq!(only_error(&text).2, "bad-time");
    let routine_with_requester = format!("{INFORMASI}\n[schedule]\nevery = \"hari\"\n");
    assert_eq!(only_error(&routine_with_requester).2, "schedule-with-requester");
}

#[test]
fn on_behalf_and_anyone_are_checked() {
    let text = mutate(ATAS_NAMA, "type = \"pegawai\"", "type = \"text\"");
    assert_eq!(only_error(&text).2, "bad-on-behalf");
    let text = mutate(CUTI, "anyone = true\n", "anyone = true\npositions = [\"pemohon\"]\n");
    assert_eq!(only_error(&text).2, "anyone-with-positions");
    let text = mutate(CUTI, "output = \"Formulir cuti diterima\"", "output = \"a\"\noutputs = [\"b\"]");
    assert_eq!(only_error(&text).2, "output-twice");
}
