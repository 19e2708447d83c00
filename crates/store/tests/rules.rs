//! The rules a case enforces, on every backend: only lane members act,
//! agencies cannot see each other, a done task accepts nothing, concurrent
//! completions have one winner, refusals change nothing, acting officials
//! are recorded and the holder told, late work is recorded as a breach, a
//! running case keeps its SOP version.

mod common;

use common::{MINUTE, advance, backends, kinds, wib};
use engine::organisation::{ActingKind, Holding};
use engine::{ActionInput, CaseStatus, EngineError, Verdict};
use jiff::civil::date;
use store::demo::sample_input;
use store::{Store, StoreError};

const T0: fn() -> i64 = || wib(2026, 11, 23, 9, 0);

async fn start_vpn(s: &Store) -> engine::CaseState {
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    s.submit(store::Submit::new(
        "lumajang",
        "lumajang/vpn",
        "lmj-pemohon",
        sample_input(sop.first_step(), Verdict::Ya),
        T0(),
    ))
    .await
    .unwrap()
}

fn note(text: &str) -> ActionInput {
    ActionInput { note: Some(text.into()), ..Default::default() }
}

fn engine_error(result: Result<engine::CaseState, StoreError>) -> EngineError {
    match result {
        Err(StoreError::Engine(e)) => e,
        other => panic!("expected an engine refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn only_members_of_the_lane_may_act_and_a_refusal_writes_nothing() {
    for db in backends().await {
        let s = &db.store;
        let state = start_vpn(s).await;
        let task = state.open_tasks().next().unwrap().id.clone();
        let before = kinds(s, "lumajang", &state.id).await;
        let refused = engine_error(
            s.complete(store::Complete::new(
                "lumajang",
                &state.id,
                &task,
                "lmj-admin-server",
                note("x"),
                T0(),
            ))
            .await,
        );
        assert_eq!(
            refused.to_string(),
            "Hendra Gunawan, S.Kom. tidak termasuk pelaksana \"Kepala Dinas / Sekretaris Dinas Komunikasi dan Informatika\" untuk langkah 2"
        );
        // Missing instruction note on a disposition: refused with the field named.
        let invalid = engine_error(
            s.complete(store::Complete::new(
                "lumajang",
                &state.id,
                &task,
                "lmj-kadis",
                ActionInput::default(),
                T0(),
            ))
            .await,
        );
        assert_eq!(
            invalid.to_string(),
            "isian belum benar: Catatan disposisi: wajib diisi — tulis arahan untuk pelaksana berikutnya atau centang kotak instruksi"
        );
        assert_eq!(kinds(s, "lumajang", &state.id).await, before, "{}", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn one_agency_cannot_read_or_act_on_another_agencys_case() {
    for db in backends().await {
        let s = &db.store;
        let state = start_vpn(s).await;
        let task = state.open_tasks().next().unwrap().id.clone();
        assert!(matches!(s.case("trenggalek", &state.id).await, Err(StoreError::NotFound(_))));
        assert!(s.case_events("trenggalek", &state.id).await.unwrap().is_empty());
        assert!(s.cases("trenggalek").await.unwrap().is_empty());
        // Trenggalek's head of department cannot act on it, under either agency.
        assert!(matches!(
            s.complete(store::Complete::new("trenggalek", &state.id, &task, "tgx-kadis", note("x"), T0()))
                .await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            engine_error(
                s.complete(store::Complete::new("lumajang", &state.id, &task, "tgx-kadis", note("x"), T0()))
                    .await
            ),
            EngineError::NotAllowed { .. }
        ));
        assert!(s.open_tasks("trenggalek", "lmj-kadis").await.unwrap().is_empty());
        assert_eq!(s.open_tasks("lumajang", "lmj-kadis").await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_done_task_and_a_closed_case_accept_nothing() {
    for db in backends().await {
        let s = &db.store;
        let state = start_vpn(s).await;
        let task = state.open_tasks().next().unwrap().id.clone();
        s.complete(store::Complete::new(
            "lumajang",
            &state.id,
            &task,
            "lmj-sekdin",
            note("Tindak lanjuti"),
            T0() + MINUTE,
        ))
        .await
        .unwrap();
        let again = engine_error(
            s.complete(store::Complete::new(
                "lumajang",
                &state.id,
                &task,
                "lmj-kadis",
                note("x"),
                T0() + 2 * MINUTE,
            ))
            .await,
        );
        assert_eq!(again.to_string(), "tugas ini sudah diselesaikan oleh Sri Wahyuni, S.Sos.");

        let closed = s
            .withdraw("lumajang", &state.id, "lmj-pemohon", Some("Salah kirim".into()), T0() + 3 * MINUTE)
            .await
            .unwrap();
        assert_eq!(closed.status, CaseStatus::Withdrawn);
        let open = closed.tasks.iter().find(|t| t.step == 3).unwrap();
        assert_eq!(open.status, engine::TaskStatus::Cancelled);
        let after = engine_error(
            s.complete(store::Complete::new(
                "lumajang",
                &state.id,
                &open.id,
                "lmj-kabid",
                note("x"),
                T0() + 4 * MINUTE,
            ))
            .await,
        );
        assert_eq!(after.to_string(), format!("permohonan {} sudah ditutup (ditarik pemohon)", state.number));
        assert!(s.open_tasks("lumajang", "lmj-kabid").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn only_the_requester_may_withdraw() {
    for db in backends().await {
        let s = &db.store;
        let state = start_vpn(s).await;
        let refused = engine_error(s.withdraw("lumajang", &state.id, "lmj-kadis", None, T0()).await);
        assert_eq!(
            refused.to_string(),
            format!("hanya pemohon yang dapat menarik permohonan {}", state.number)
        );
        assert_eq!(s.case("lumajang", &state.id).await.unwrap().status, CaseStatus::Open);
    }
}

#[tokio::test]
async fn two_people_completing_one_task_at_once_have_exactly_one_winner() {
    for db in backends().await {
        let s = std::sync::Arc::new(db.store);
        let state = start_vpn(&s).await;
        let task = state.open_tasks().next().unwrap().id.clone();
        let race = |person: &'static str| {
            let (s, case, task) = (s.clone(), state.id.clone(), task.clone());
            tokio::spawn(async move {
                s.complete(store::Complete::new(
                    "lumajang",
                    &case,
                    &task,
                    person,
                    note("Segera"),
                    T0() + MINUTE,
                ))
                .await
            })
        };
        let (a, b) = (race("lmj-kadis"), race("lmj-sekdin"));
        let results = [a.await.unwrap(), b.await.unwrap()];
        let winners = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(winners, 1, "{}: {results:?}", db.label);
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        let winner = if results[0].is_ok() { "Bambang Santoso, S.STP" } else { "Sri Wahyuni, S.Sos." };
        assert_eq!(loser.to_string(), format!("tugas ini sudah diselesaikan oleh {winner}"));
        let completed =
            kinds(&s, "lumajang", &state.id).await.iter().filter(|k| *k == "task-completed").count();
        assert_eq!(completed, 2, "submission and one disposition");
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn an_acting_official_is_recorded_and_the_holder_told() {
    for db in backends().await {
        let s = &db.store;
        // The Kasi stands in for the Kabid (Plh) this week.
        let plh = Holding {
            person: "lmj-kasi".into(),
            position: "kabid-aptika".into(),
            from: date(2026, 11, 23),
            until: Some(date(2026, 11, 27)),
            acting: Some((ActingKind::Plh, Some("lmj-kabid".into()))),
        };
        s.add_holding("lumajang", &plh, None).await.unwrap();
        let state = start_vpn(s).await;
        let state = advance(s, "lumajang", &state, T0() + MINUTE).await;
        let task = state.open_tasks().next().unwrap().clone();
        assert_eq!(task.step, 3);
        let people: Vec<&str> = task.candidates.iter().map(|c| c.person.as_str()).collect();
        assert_eq!(people, ["lmj-kabid", "lmj-kasi"]);
        s.complete(store::Complete::new(
            "lumajang",
            &state.id,
            &task.id,
            "lmj-kasi",
            note("Kerjakan"),
            T0() + 2 * MINUTE,
        ))
        .await
        .unwrap();
        let events = s.case_events("lumajang", &state.id).await.unwrap();
        let acted = events.iter().find(|e| e.kind == "acting-official-acted").expect("recorded");
        assert!(
            acted.payload.contains("\"acting\":\"lmj-kasi\"")
                && acted.payload.contains("\"holder\":\"lmj-kabid\"")
        );
        // Told of the task when it came, and of who did it in their place.
        let told = s.notifications("lumajang", "lmj-kabid").await.unwrap();
        assert_eq!(told.len(), 2, "{told:?}");
        assert!(told.contains(&format!(
            "Dewi Lestari, S.T. sebagai Plh. menyelesaikan langkah 3 permohonan {} atas nama Anda.",
            state.number
        )));
        // Next week the Plh is over: the Kasi is no longer a Kabid candidate.
        let org = s.organisation("lumajang").await.unwrap();
        let kabid: Vec<String> = org
            .candidates(&["kabid-aptika".into()], date(2026, 11, 30))
            .into_iter()
            .map(|c| c.person)
            .collect();
        assert_eq!(kabid, ["lmj-kabid"]);
    }
}

#[tokio::test]
async fn late_work_is_recorded_against_the_person_and_the_lane() {
    for db in backends().await {
        let s = &db.store;
        let mut state = start_vpn(s).await;
        let mut at = T0();
        // Dispositions (no standard time) up to the administrator's step 6.
        while state.open_tasks().next().unwrap().step != 6 {
            at += MINUTE;
            state = advance(s, "lumajang", &state, at).await;
        }
        let task = state.open_tasks().next().unwrap().clone();
        assert_eq!(task.due_at, Some(at + 5 * MINUTE));
        // Done 20 minutes after it started: 15 working minutes late.
        advance(s, "lumajang", &state, at + 20 * MINUTE).await;
        let breaches = s.breaches("lumajang").await.unwrap();
        assert_eq!(
            breaches,
            [(state.id.clone(), 6, "admin-jaringan".to_string(), "lmj-admin-jaringan".to_string(), 15)]
        );
    }
}

#[tokio::test]
async fn a_running_case_keeps_the_sop_version_it_started_on() {
    for db in backends().await {
        let s = &db.store;
        let state = start_vpn(s).await;
        // Version 2 halves the administrator's time.
        let v1 = sop::catalog::BUILTIN.iter().find(|(n, _)| n.ends_with("lumajang/vpn.toml")).unwrap().1;
        let published = s.sop("lumajang", "lumajang/vpn", None).await.unwrap().version;
        let next = published + 1;
        let v2 = v1.replacen(&format!("version = {published}"), &format!("version = {next} #"), 1).replacen(
            "output = \"Hak Akses VPN\"",
            "output = \"Hak Akses VPN\"\nremarks = \"Revisi 2026\"",
            1,
        );
        let v2 = v2.replacen(
            "time = \"5 menit\"\noutput = \"Hak Akses VPN\"",
            "time = \"2 menit\"\noutput = \"Hak Akses VPN\"",
            1,
        );
        assert_ne!(v1, v2);
        s.publish_sop("vpn-v2.toml", &v2, T0()).await.unwrap();
        // Republishing v1 with other text is refused.
        assert!(matches!(
            s.publish_sop("vpn.toml", &v1.replace("Komputer", "Laptop"), T0()).await,
            Err(StoreError::VersionConflict { version, .. }) if version == published
        ));
        let mut old = state;
        let mut at = T0();
        while old.open_tasks().next().unwrap().step != 6 {
            at += MINUTE;
            old = advance(s, "lumajang", &old, at).await;
        }
        assert_eq!(old.sop_version, published);
        assert_eq!(old.open_tasks().next().unwrap().due_at, Some(at + 5 * MINUTE), "old case: 5 menit");

        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        assert_eq!(sop.version, next);
        let mut new = s
            .submit(store::Submit::new(
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon-2",
                sample_input(sop.first_step(), Verdict::Ya),
                at,
            ))
            .await
            .unwrap();
        assert_eq!(new.sop_version, next);
        while new.open_tasks().next().unwrap().step != 6 {
            at += MINUTE;
            new = advance(s, "lumajang", &new, at).await;
        }
        assert_eq!(new.open_tasks().next().unwrap().due_at, Some(at + 2 * MINUTE), "new case: 2 menit");
    }
}

#[tokio::test]
async fn a_form_with_bad_values_is_refused_field_by_field() {
    for db in backends().await {
        let s = &db.store;
        let sop = s.sop("lumajang", "lumajang/subdomain", None).await.unwrap();
        let mut input = sample_input(sop.first_step(), Verdict::Ya);
        input.fields.insert("subdomain".into(), "Sistem_Baru".into());
        input.fields.remove("penanggung_jawab");
        input.attachments.clear();
        let refused = engine_error(
            s.submit(store::Submit::new("lumajang", "lumajang/subdomain", "lmj-pemohon", input, T0())).await,
        );
        let EngineError::Invalid(errors) = refused else { panic!() };
        let named: Vec<(&str, &str)> =
            errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(named[0].0, "penanggung_jawab");
        assert_eq!(named[0].1, "wajib diisi");
        assert_eq!(named[1].0, "subdomain");
        assert!(named[1].1.starts_with("bukan nama domain yang sah"), "{}", named[1].1);
        assert_eq!(named[2], ("surat_permohonan", "lampiran wajib diunggah"));
        assert!(s.cases("lumajang").await.unwrap().is_empty(), "nothing was stored");
        // Not even a case number was used up.
        let ok = s
            .submit(store::Submit::new(
                "lumajang",
                "lumajang/subdomain",
                "lmj-pemohon",
                sample_input(sop.first_step(), Verdict::Ya),
                T0(),
            ))
            .await
            .unwrap();
        assert_eq!(ok.number, "SUBDOMAIN-2026-000001");
    }
}

#[tokio::test]
async fn a_person_outside_the_first_lane_cannot_submit() {
    for db in backends().await {
        let s = &db.store;
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let refused = engine_error(
            s.submit(store::Submit::new(
                "lumajang",
                "lumajang/vpn",
                "lmj-admin-jaringan",
                sample_input(sop.first_step(), Verdict::Ya),
                T0(),
            ))
            .await,
        );
        assert_eq!(
            refused.to_string(),
            "Rizky Firmansyah, A.Md. tidak termasuk pelaksana \"Pengguna\" untuk langkah 1"
        );
    }
}

#[tokio::test]
async fn a_nik_is_sealed_at_rest_and_opened_for_display() {
    for db in backends().await {
        let s = &db.store;
        let sop = s.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
        let input = sample_input(sop.first_step(), Verdict::Ya);
        let nik = input.fields["nik_pengunjung"].clone();
        let state = s
            .submit(store::Submit::new(
                "lumajang",
                "lumajang/ruang-server",
                "lmj-petugas",
                input.clone(),
                T0(),
            ))
            .await
            .unwrap();
        let raw: Vec<String> =
            s.case_events("lumajang", &state.id).await.unwrap().into_iter().map(|e| e.payload).collect();
        assert!(raw.iter().all(|p| !p.contains(&nik)), "{}: the NIK is not stored in clear", db.label);
        assert!(
            raw.iter().any(|p| p.contains("\"nik_pengunjung\":\"enc2:")),
            "sealed with the case's own key"
        );
        let shown = s.case("lumajang", &state.id).await.unwrap();
        assert_eq!(shown.tasks[0].input.as_ref().unwrap().fields["nik_pengunjung"], nik);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn without_a_key_personal_data_is_refused_and_nothing_is_written() {
    let db = common::sqlite().await;
    // The same database opened without the key.
    let keyless = Store::open(&format!("sqlite://{}", db.path().display())).await.unwrap();
    store::demo::install(&keyless, &sop::Catalog::builtin(), T0()).await.unwrap();
    let sop = keyless.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
    let refused = keyless
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/ruang-server",
            "lmj-petugas",
            sample_input(sop.first_step(), Verdict::Ya),
            T0(),
        ))
        .await;
    assert_eq!(refused.unwrap_err().to_string(), "kunci data pribadi: kunci data pribadi belum diatur");
    assert!(keyless.cases("lumajang").await.unwrap().is_empty());
}
