//! The workflow's commands in given-events / when-command / then-events
//! form: what exists (a linear request, a decision, a returned draft, a
//! withdrawal) and each shape real SOPs need (issue 17, point 4), on the
//! realistic fixtures of `crates/sop/tests/fixtures/shapes/`.

mod scenario;

use engine::EventBody;
use engine::case::Outcome;
use engine::disposition::{Disposition, Nature};
use engine::workflow;
use engine::{EngineError, Verdict};
use scenario::{DAY, MINUTE, World, input, monday_9, note, then, verdict};

const CLEAN: &str = include_str!("../../sop/tests/fixtures/clean.toml");
const INSTALASI: &str = include_str!("../../sop/tests/fixtures/shapes/instalasi-jaringan.toml");
const INFORMASI: &str = include_str!("../../sop/tests/fixtures/shapes/informasi-publik.toml");
const CUTI: &str = include_str!("../../sop/tests/fixtures/shapes/cuti-pegawai.toml");
const ATAS_NAMA: &str = include_str!("../../sop/tests/fixtures/shapes/cuti-atas-nama.toml");
const BACKUP: &str = include_str!("../../sop/tests/fixtures/shapes/cek-backup-bulanan.toml");
const HARIAN: &str = include_str!("../../sop/tests/fixtures/shapes/laporan-harian.toml");

/// The clean fixture: a hosting request, decided by the Kabid.
fn hosting() -> World {
    World::of(CLEAN)
}

// ---- What exists -------------------------------------------------------

#[test]
fn a_submission_opens_the_case_and_the_next_step() {
    let world = hosting();
    let events = world.when_submit("siti", &[("nama_aplikasi", "simpeg")]).unwrap();
    assert_eq!(
        then(&events),
        ["opened by siti", "open 1 pemohon [siti]", "done 1 by siti", "open 2 kabid [kabid]"]
    );
}

#[test]
fn a_decision_follows_its_branch_and_a_refusal_closes_with_the_reason() {
    let world = hosting();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let ya = given.when(2, "kabid", verdict(Verdict::Ya)).unwrap();
    assert_eq!(then(&ya), ["done 2 by kabid", "open 3 admin [srv]"]);
    let tidak = given.when(2, "kabid", verdict(Verdict::Tidak)).unwrap();
    assert_eq!(then(&tidak), ["done 2 by kabid", "closed rejected"]);
    let engine::EventBody::CaseClosed { reason, .. } = &tidak[1].body else { panic!() };
    assert_eq!(reason.as_deref(), Some("Sudah diperiksa."));
}

#[test]
fn the_last_step_closes_the_case_completed_and_a_late_step_is_a_breach() {
    let world = hosting();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]).did(2, "kabid", verdict(Verdict::Ya));
    // Step 3 has 2 hours; done 3 working hours later it is 1 hour late.
    let late = given.after(3 * 60 * MINUTE).did(3, "srv", note("Hosting aktif."));
    assert_eq!(then(&late.events[6..]), ["done 3 by srv", "late 3 by 60 min", "open 4 pemohon [siti]"]);
    let end = late.when(4, "siti", note("Terima kasih.")).unwrap();
    assert_eq!(then(&end), ["done 4 by siti", "closed completed"]);
}

#[test]
fn a_task_is_refused_to_who_is_not_its_candidate_and_twice_to_anyone() {
    let world = hosting();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let task = given.task(2, "kabid");
    let state = given.state();
    let refused = workflow::complete(&world.ctx(), &state, &task, "srv", verdict(Verdict::Ya), monday_9());
    assert!(matches!(refused, Err(EngineError::NotAllowed { step: 2, .. })), "{refused:?}");
    let done = given.did(2, "kabid", verdict(Verdict::Ya));
    let again =
        workflow::complete(&world.ctx(), &done.state(), &task, "kabid", verdict(Verdict::Ya), monday_9());
    assert!(matches!(again, Err(EngineError::AlreadyDone { .. })), "{again:?}");
    // Each refusal has its own stable code, which the API sends.
    assert_eq!(refused.unwrap_err().code(), "not-a-candidate");
    assert_eq!(again.unwrap_err().code(), "task-done");
}

#[test]
fn a_withdrawal_cancels_the_open_tasks() {
    let world = hosting();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let events = workflow::withdraw(&given.state(), "siti", Some("Salah isi".into()), monday_9()).unwrap();
    assert_eq!(then(&events), ["cancel c.2", "closed withdrawn"]);
    let by_other = workflow::withdraw(&given.state(), "kabid", None, monday_9());
    assert!(matches!(by_other, Err(EngineError::NotRequester { .. })));
}

#[test]
fn a_returned_draft_goes_back_to_its_drafting_step() {
    let text = CLEAN.replace(
        "[[steps]]\nno = 4\nlane = \"pemohon\"\naction = \"receive\"",
        "[[steps]]\nno = 4\nlane = \"admin\"\naction = \"draft\"\nactivity = \"Konsep\"\ntime = \"10 menit\"\n\n[[steps]]\nno = 5\nlane = \"kabid\"\naction = \"review\"\nactivity = \"Periksa\"\ntime = \"10 menit\"\n\n[[steps]]\nno = 6\nlane = \"pemohon\"\naction = \"receive\"",
    );
    let world = World::of(&text);
    let given = world
        .submitted("siti", &[("nama_aplikasi", "simpeg")])
        .did(2, "kabid", verdict(Verdict::Ya))
        .did(3, "srv", note("ok"))
        .did(4, "srv", note("konsep"));
    let returned = given.when(5, "kabid", verdict(Verdict::Tidak)).unwrap();
    assert_eq!(then(&returned), ["done 5 by kabid", "open 4 admin [srv]"]);
}

// ---- Parallel work and joins --------------------------------------------

#[test]
fn a_fork_opens_both_branches_and_the_join_waits_for_both() {
    let world = World::of(INSTALASI);
    let given = world.submitted("siti", &[("lokasi", "Aula Bappeda")]);
    let fork = given.when(2, "kasi", note("Segera dipasang.")).unwrap();
    assert_eq!(then(&fork), ["done 2 by kasi", "open 3 jaringan [tek]", "open 4 server [srv]"]);

    let given = given.did(2, "kasi", note("Segera dipasang."));
    let first = given.when(3, "tek", note("Terpasang.")).unwrap();
    assert_eq!(then(&first), ["done 3 by tek", "wait 3→5"]);
    let given = given.did(3, "tek", note("Terpasang."));
    assert_eq!(given.state().waiting, [(3, 5)]);
    let second = given.when(4, "srv", note("VLAN aktif.")).unwrap();
    assert_eq!(then(&second), ["done 4 by srv", "wait 4→5", "open 5 kasi [kasi]"]);
    let joined = given.did(4, "srv", note("VLAN aktif."));
    assert!(joined.state().waiting.is_empty(), "the join took the branches in");
    assert_eq!(joined.state().status, engine::CaseStatus::Open);
}

#[test]
fn either_branch_may_finish_first() {
    let world = World::of(INSTALASI);
    let given = world.submitted("siti", &[("lokasi", "Aula")]).did(2, "kasi", note("Segera."));
    let given = given.did(4, "srv", note("VLAN aktif."));
    let second = given.when(3, "tek", note("Terpasang.")).unwrap();
    assert_eq!(then(&second), ["done 3 by tek", "wait 3→5", "open 5 kasi [kasi]"]);
}

#[test]
fn a_refusal_in_one_branch_cancels_the_other() {
    // A variant where the network branch is a check that may refuse.
    let text = INSTALASI.replacen(
        "lane = \"jaringan\"\naction = \"perform\"\nactivity = \"Memasang kabel dan access point\"\ntime = \"3 hari\"\noutput = \"Jaringan terpasang\"\nnext = 5",
        "lane = \"jaringan\"\naction = \"decide\"\nactivity = \"Memeriksa kelayakan lokasi\"\ntime = \"3 hari\"\nya = 5\ntidak = \"ditolak\"",
        1,
    );
    let world = World::of(&text);
    let given = world.submitted("siti", &[("lokasi", "Aula")]).did(2, "kasi", note("Segera."));
    let refused = given.when(3, "tek", verdict(Verdict::Tidak)).unwrap();
    assert_eq!(then(&refused), ["done 3 by tek", "cancel c.4", "closed rejected"]);
}

// ---- Loops, bounded and counted ------------------------------------------

#[test]
fn a_recheck_loop_counts_its_rounds_and_stops_at_its_bound() {
    let world = World::of(INSTALASI);
    let mut story = world
        .submitted("siti", &[("lokasi", "Aula")])
        .did(2, "kasi", note("Segera."))
        .did(3, "tek", note("Terpasang."))
        .did(4, "srv", note("VLAN aktif."));
    for round in 1..=2 {
        let state = story.state();
        let check = state.open_tasks().find(|t| t.step == 5).unwrap();
        assert_eq!(state.round(check), round);
        let failed = story.when(5, "kasi", verdict(Verdict::Tidak)).unwrap();
        assert_eq!(then(&failed), ["done 5 by kasi", "open 6 jaringan [tek]"]);
        story = story.did(5, "kasi", verdict(Verdict::Tidak));
        let repaired = story.when(6, "tek", note("Diperbaiki.")).unwrap();
        // The repair comes back into the join, which nothing else holds up.
        assert_eq!(then(&repaired), ["done 6 by tek", "wait 6→5", "open 5 kasi [kasi]"]);
        story = story.did(6, "tek", note("Diperbaiki."));
    }
    let state = story.state();
    assert_eq!(state.round(state.open_tasks().next().unwrap()), 3);
    let third = story.when(5, "kasi", verdict(Verdict::Tidak)).unwrap();
    assert_eq!(then(&third), ["done 5 by kasi", "exhausted 5 after 3 → end", "closed rejected"]);
    let passed = story.when(5, "kasi", verdict(Verdict::Ya)).unwrap();
    assert_eq!(then(&passed), ["done 5 by kasi", "open 7 pemohon [siti]"]);
}

#[test]
fn an_exhausted_loop_may_lead_to_an_escalation_step() {
    let world = World::of(BACKUP);
    let story = world
        .started("2026-11")
        .did(1, "srv", input(&[]))
        .did(2, "kasi", verdict(Verdict::Tidak))
        .did(1, "srv", input(&[]));
    let second = story.when(2, "kasi", verdict(Verdict::Tidak)).unwrap();
    assert_eq!(then(&second), ["done 2 by kasi", "exhausted 2 after 2 → 3", "open 3 kabid [kabid]"]);
    let ended =
        story.did(2, "kasi", verdict(Verdict::Tidak)).when(3, "kabid", note("Ganti media backup.")).unwrap();
    // The escalation step says the routine failed: the case ends "ditolak".
    assert_eq!(then(&ended), ["done 3 by kabid", "outcome rejected at 3", "closed rejected"]);
}

// ---- An outcome per ending -----------------------------------------------

#[test]
fn a_refused_request_still_gets_its_reply_and_ends_refused() {
    let world = World::of(INFORMASI);
    let fields = [("rincian_informasi", "Data anggaran 2026"), ("tujuan", "Penelitian")];
    let given = world.submitted("siti", &fields).did(2, "petugas", note("Diteruskan."));
    let refused = given.when(3, "ppid", verdict(Verdict::Tidak)).unwrap();
    assert_eq!(then(&refused), ["done 3 by ppid", "outcome rejected at 3", "open 5 ppid [ppid]"]);
    let story = given.did(3, "ppid", verdict(Verdict::Tidak)).did(5, "ppid", note("Ditandatangani."));
    let story = story.did(6, "petugas", note("Dikirim."));
    assert_eq!(story.state().outcome, Some(Outcome::Rejected));
    let end = story.when(7, "siti", note("Diterima.")).unwrap();
    assert_eq!(then(&end), ["done 7 by siti", "closed rejected"]);
}

#[test]
fn a_granted_request_ends_completed_on_the_same_last_step() {
    let world = World::of(INFORMASI);
    let fields = [("rincian_informasi", "Data anggaran 2026"), ("tujuan", "Penelitian")];
    let story = world
        .submitted("siti", &fields)
        .did(2, "petugas", note("Diteruskan."))
        .did(3, "ppid", verdict(Verdict::Ya))
        .did(4, "petugas", note("Disalin."))
        .did(5, "ppid", note("Ditandatangani."))
        .did(6, "petugas", note("Dikirim."));
    let end = story.when(7, "siti", note("Diterima.")).unwrap();
    assert_eq!(then(&end), ["done 7 by siti", "closed completed"]);
}

// ---- A deadline for the whole procedure ------------------------------------

#[test]
fn the_whole_procedure_is_clocked_in_working_days_and_its_breach_recorded() {
    let world = World::of(INFORMASI);
    let fields = [("rincian_informasi", "Data"), ("tujuan", "Riset")];
    let given = world.submitted("siti", &fields);
    // 10 working days from Monday 23 November 09:00: Monday 7 December 09:00
    // (no holiday between in the default calendar).
    let due = given.state().due_at.unwrap();
    let expected = jiff::civil::date(2026, 12, 7).at(9, 0, 0, 0).in_tz("Asia/Jakarta").unwrap();
    assert_eq!(due, expected.timestamp().as_millisecond());
    assert_eq!(workflow::escalate_case(&given.state(), 1, due - MINUTE), None);
    let overdue = workflow::escalate_case(&given.state(), 1, due + MINUTE).unwrap();
    assert_eq!(then(&[overdue]), ["case overdue round 1"]);

    let story = given
        .did(2, "petugas", note("Diteruskan."))
        .did(3, "ppid", verdict(Verdict::Tidak))
        .did(5, "ppid", note("Ditandatangani."))
        .did(6, "petugas", note("Dikirim."));
    // The requester acknowledges on Tuesday 8 December 10:00: a working day and an hour late.
    let late = story.after(15 * DAY + 60 * MINUTE).when(7, "siti", note("Diterima.")).unwrap();
    assert_eq!(then(&late), ["done 7 by siti", "case late by 510 min", "closed rejected"]);
}

// ---- Joint steps and any employee --------------------------------------------

#[test]
fn any_employee_may_request_and_the_joint_step_waits_for_both_lanes() {
    let world = World::of(CUTI);
    let on = jiff::civil::date(2026, 11, 23);
    assert_eq!(workflow::submitters(&world.sop, &world.org, on).len(), 17, "every employee");
    let fields = [("jenis_cuti", "Cuti tahunan"), ("tanggal_mulai", "2026-12-01"), ("lama_hari", "3")];
    let events = world.when_submit("rina", &fields).unwrap();
    assert_eq!(
        then(&events),
        ["opened by rina", "open 1 pemohon [rina]", "open 1 staf-uk [staf]", "done 1 by rina"],
        "the step goes on only when Staf UK has done its part"
    );
    let given = world.submitted("rina", &fields);
    let confirmed = given.when(1, "staf", note("Formulir diterima.")).unwrap();
    assert_eq!(then(&confirmed), ["done 1 by staf", "open 2 kasubag-uk [kasubag]"]);
    // Staf UK confirms; the form is the requester's.
    let refused = given.when(1, "staf", input(&[("lama_hari", "30")]));
    assert!(matches!(refused, Err(EngineError::Invalid(_))), "{refused:?}");
    // Later steps in the requester's lane are the requester's own.
    let story = given
        .did(1, "staf", note("Diterima."))
        .did(2, "kasubag", note("Sisa cuti cukup."))
        .did(3, "kadis", verdict(Verdict::Ya))
        .did(4, "staf", note("Dikirim."));
    let last = story.state().tasks.last().cloned().unwrap();
    assert_eq!((last.step, last.candidates.len(), last.candidates[0].person.as_str()), (5, 1, "rina"));
}

#[test]
fn a_joint_step_done_by_either_lane_is_one_task() {
    let text = CUTI.replace("together = \"all\"", "together = \"any\"");
    let world = World::of(&text);
    let fields = [("jenis_cuti", "Cuti tahunan"), ("tanggal_mulai", "2026-12-01"), ("lama_hari", "3")];
    let events = world.when_submit("staf", &fields).unwrap();
    assert_eq!(
        then(&events),
        ["opened by staf", "open 1 pemohon [staf]", "done 1 by staf", "open 2 kasubag-uk [kasubag]"]
    );
}

#[test]
fn a_request_filed_for_another_employee_names_them() {
    let world = World::of(ATAS_NAMA);
    let events = world.when_submit("katu", &[("pegawai", "budi"), ("lama_hari", "5")]).unwrap();
    assert_eq!(then(&events[..1]), ["opened by katu for budi"]);
    let unknown = world.when_submit("katu", &[("pegawai", "orang-lain"), ("lama_hari", "5")]);
    let Err(EngineError::Invalid(errors)) = unknown else { panic!("{unknown:?}") };
    assert_eq!(errors[0].field, "pegawai");
    assert!(errors[0].message.contains("bukan pegawai instansi ini"), "{}", errors[0].message);
}

// ---- Routines -------------------------------------------------------------

#[test]
fn a_routine_starts_with_its_first_step_open_and_cannot_be_withdrawn() {
    let world = World::of(HARIAN);
    assert!(workflow::submitters(&world.sop, &world.org, jiff::civil::date(2026, 11, 23)).is_empty());
    let story = world.started("2026-11-23");
    assert_eq!(then(&story.events), ["opened for 2026-11-23 by op", "open 1 operator [op]"]);
    let refused = workflow::withdraw(&story.state(), "op", None, monday_9());
    assert!(matches!(refused, Err(EngineError::RoutineNotWithdrawn { .. })), "{refused:?}");
    let done = story.did(1, "op", input(&[("jumlah_masuk", "4")])).did(2, "kasili", note("Diterima."));
    assert_eq!(done.state().status, engine::CaseStatus::Completed);
}

// ---- The lembar disposisi (issue 21) -----------------------------------

/// The Kabid disposes the request to the administrators' lane, which two
/// people hold: srv (administrator server) and tek (teknisi jaringan).
fn disposed() -> World {
    let text = CLEAN
        .replace(
            "action = \"decide\"\nactivity = \"Memverifikasi permohonan\"\ntime = \"1 hari\"\nya = 3\ntidak = \"ditolak\"",
            "action = \"dispose\"\nactivity = \"Mendisposisikan permohonan\"\ntime = \"1 hari\"",
        )
        .replace("positions = [\"administrator-server\"]", "positions = [\"administrator-server\", \"teknisi-jaringan\"]");
    World::of(&text)
}

fn disposition(d: Disposition) -> engine::ActionInput {
    engine::ActionInput { disposition: Some(d), ..Default::default() }
}

#[test]
fn a_disposition_to_one_person_gives_the_next_task_to_them_alone() {
    let world = disposed();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let plain = given.when(2, "kabid", note("Segera proses")).unwrap();
    assert_eq!(then(&plain), ["done 2 by kabid", "open 3 admin [tek srv]"]);

    let boxes = Disposition {
        instructions: vec!["Proses lebih lanjut".into()],
        nature: Nature::Segera,
        addressee: Some("tek".into()),
        ..Default::default()
    };
    let events = given.when(2, "kabid", disposition(boxes.clone())).unwrap();
    assert_eq!(then(&events), ["done 2 by kabid", "open 3 admin [tek]"]);
    let EventBody::TaskCompleted { input, .. } = &events[0].body else { panic!("{events:?}") };
    assert_eq!(input.disposition.as_ref(), Some(&boxes), "the sheet's content is kept with the paraf");
}

#[test]
fn a_due_date_earlier_than_the_standard_time_clocks_the_next_task() {
    let world = disposed();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    // Step 3's standard time is 2 hours: a due date the same Monday closes
    // at the end of Monday's working day, later than that; Monday's 2 hours win.
    let today = jiff::Timestamp::from_millisecond(monday_9()).unwrap().in_tz("Asia/Jakarta").unwrap().date();
    let same_day = Disposition { due: Some(today), ..Default::default() };
    let events = given
        .when(2, "kabid", disposition(Disposition { instructions: vec!["Simpan".into()], ..same_day }))
        .unwrap();
    let due = |events: &[engine::Event]| {
        events.iter().find_map(|e| match &e.body {
            EventBody::TaskCreated { step: 3, due_at, .. } => *due_at,
            _ => None,
        })
    };
    assert_eq!(due(&events), Some(monday_9() + 2 * 60 * MINUTE));

    // Without a standard time, the due date alone clocks it.
    let untimed = CLEAN
        .replace(
            "action = \"decide\"\nactivity = \"Memverifikasi permohonan\"\ntime = \"1 hari\"\nya = 3\ntidak = \"ditolak\"",
            "action = \"dispose\"\nactivity = \"Mendisposisikan permohonan\"\ntime = \"1 hari\"",
        )
        .replace("time = \"2 jam\"", "time = \"-\"");
    let world = World::of(&untimed);
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let wednesday = today.checked_add(jiff::ToSpan::days(2)).unwrap();
    let d = Disposition { instructions: vec!["Simpan".into()], due: Some(wednesday), ..Default::default() };
    let events = given.when(2, "kabid", disposition(d)).unwrap();
    let close = world.calendar.day_close(wednesday).unwrap().as_millisecond();
    assert_eq!(due(&events), Some(close));
}

#[test]
fn a_disposition_is_refused_field_by_field_and_changes_nothing() {
    let world = disposed();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let field = |r: Result<Vec<engine::Event>, EngineError>| match r {
        Err(EngineError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect::<Vec<_>>(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Neither a note nor a ticked box.
    assert_eq!(
        field(given.when(
            2,
            "kabid",
            disposition(Disposition { nature: Nature::Segera, ..Default::default() })
        )),
        ["catatan"]
    );
    // Someone outside the next lane.
    let to_kasi = Disposition {
        addressee: Some("kasi".into()),
        instructions: vec!["Simpan".into()],
        ..Default::default()
    };
    assert_eq!(field(given.when(2, "kabid", disposition(to_kasi))), ["diteruskan_kepada"]);
    // A due date on a Saturday.
    let today = jiff::Timestamp::from_millisecond(monday_9()).unwrap().in_tz("Asia/Jakarta").unwrap().date();
    let saturday = today.checked_add(jiff::ToSpan::days(5)).unwrap();
    let weekend =
        Disposition { due: Some(saturday), instructions: vec!["Simpan".into()], ..Default::default() };
    assert_eq!(field(given.when(2, "kabid", disposition(weekend))), ["batas_waktu"]);
    // A disposition at a step that does not dispose.
    let later = given.did(2, "kabid", note("Proses"));
    let boxes = Disposition { instructions: vec!["Simpan".into()], ..Default::default() };
    assert_eq!(field(later.when(3, "srv", disposition(boxes))), ["instruksi"]);
}

#[test]
fn the_addressee_is_chosen_among_the_next_steps_people() {
    let world = disposed();
    let given = world.submitted("siti", &[("nama_aplikasi", "simpeg")]);
    let state = given.state();
    let task = given.task(2, "kabid");
    let people: Vec<String> = workflow::next_candidates(&world.ctx(), &state, &task, given.at)
        .into_iter()
        .map(|c| c.person)
        .collect();
    assert_eq!(people, ["tek", "srv"]);
}

#[test]
fn the_signer_returns_the_draft_to_its_drafter_with_a_note() {
    let text = CLEAN.replace(
        "[[steps]]\nno = 4\nlane = \"pemohon\"\naction = \"receive\"",
        "[[steps]]\nno = 4\nlane = \"admin\"\naction = \"draft\"\nactivity = \"Konsep\"\ntime = \"10 menit\"\n\n[[steps]]\nno = 5\nlane = \"kabid\"\naction = \"review\"\nactivity = \"Periksa\"\ntime = \"10 menit\"\n\n[[steps]]\nno = 6\nlane = \"kabid\"\naction = \"sign\"\nactivity = \"Tanda tangan\"\ntime = \"10 menit\"\n\n[[steps]]\nno = 7\nlane = \"pemohon\"\naction = \"receive\"",
    );
    let world = World::of(&text);
    let given = world
        .submitted("siti", &[("nama_aplikasi", "simpeg")])
        .did(2, "kabid", verdict(Verdict::Ya))
        .did(3, "srv", note("ok"))
        .did(4, "srv", note("konsep"))
        .did(5, "kabid", verdict(Verdict::Ya));
    let without_note = engine::ActionInput { verdict: Some(Verdict::Tidak), ..Default::default() };
    assert!(
        matches!(given.when(6, "kabid", without_note), Err(EngineError::Invalid(e)) if e[0].field == "catatan")
    );
    let returned = given
        .when(
            6,
            "kabid",
            engine::ActionInput { note: Some("Perbaiki alamat".into()), ..verdict(Verdict::Tidak) },
        )
        .unwrap();
    assert_eq!(then(&returned), ["done 6 by kabid", "open 4 admin [srv]"]);
    let signed = given.when(6, "kabid", note("")).unwrap();
    assert_eq!(then(&signed), ["done 6 by kabid", "open 7 pemohon [siti]"]);
}
