//! Letters and registers on SQLite and (when available) PostgreSQL: the
//! e-mail SOP run to its end leaves an incoming-register row, a disposition
//! sheet with every hop and a numbered, signed letter in the outgoing
//! register; concurrent signings get distinct consecutive numbers; a
//! refused signing uses no number.

mod common;

use common::{MINUTE, backends, wib};
use engine::{CaseState, Verdict};
use store::demo::{sample_input, sample_paperwork};
use store::{LetterDraft, Paperwork, Signing, Store, StoreError};

/// The e-mail address created for a case (addresses are unique in the registry).
fn address_of(state: &CaseState) -> String {
    format!("bappeda.{}@lumajangkab.go.id", state.number.to_lowercase())
}

/// Submits an e-mail request and completes tasks until `stop` is the open step.
async fn email_case_at(store: &Store, stop: u32, mut at: i64) -> CaseState {
    let sop = store.sop("lumajang", "lumajang/email", None).await.unwrap();
    let mut input = sample_input(sop.first_step(), Verdict::Ya);
    input.fields.insert("unit_kerja".into(), "Badan Perencanaan Pembangunan Daerah".into());
    input.fields.insert("nomor_surat".into(), "005/123/427.30/2026".into());
    let mut state = store
        .submit(store::Submit::new("lumajang", "lumajang/email", "lmj-pemohon", input, at))
        .await
        .unwrap();
    loop {
        let Some(task) = state.open_tasks().next().cloned() else { break };
        if task.step == stop {
            break;
        }
        let step = sop.step(task.step).unwrap();
        at += MINUTE;
        let mut input = sample_input(step, Verdict::Ya);
        if step.no == 6 {
            input.fields.insert("alamat_email".into(), address_of(&state));
        }
        state = store
            .complete(
                store::Complete::new("lumajang", &state.id, &task.id, &task.candidates[0].person, input, at)
                    .with_paperwork(sample_paperwork(step)),
            )
            .await
            .unwrap();
    }
    state
}

/// Submits a VPN request of `sop_id` whose administrator leaves the
/// optional `berlaku_sampai` empty, and completes tasks until `stop` is the
/// open step (each by its first candidate).
async fn vpn_case_without_end_date(store: &Store, sop_id: &str, stop: u32, mut at: i64) -> CaseState {
    let sop = store.sop("lumajang", sop_id, None).await.unwrap();
    let input = sample_input(sop.first_step(), Verdict::Ya);
    let mut state =
        store.submit(store::Submit::new("lumajang", sop_id, "lmj-pemohon", input, at)).await.unwrap();
    loop {
        let task = state.open_tasks().next().cloned().unwrap();
        if task.step == stop {
            return state;
        }
        let step = sop.step(task.step).unwrap();
        at += MINUTE;
        let mut input = sample_input(step, Verdict::Ya);
        input.fields.remove("berlaku_sampai");
        let who = &task.candidates[0].person;
        state = store
            .complete(
                store::Complete::new("lumajang", &state.id, &task.id, who, input, at)
                    .with_paperwork(sample_paperwork(step)),
            )
            .await
            .unwrap();
    }
}

fn unfilled_fields(result: Result<CaseState, StoreError>) -> Vec<(String, String, String)> {
    match result {
        Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
            errors.into_iter().map(|e| (e.field, e.label, e.message)).collect()
        }
        other => panic!("expected a refusal naming the unfilled field, got {other:?}"),
    }
}

#[tokio::test]
async fn a_draft_with_an_unfilled_placeholder_is_neither_approved_nor_signed() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 23, 9, 0);
        let state = vpn_case_without_end_date(s, "lumajang/vpn", 9, at).await;
        let at = at + 30 * MINUTE;
        // The Kasi sends the template as it is; it still says {berlaku_sampai}.
        let draft_task = state.open_tasks().next().unwrap().clone();
        let state =
            write_draft(s, &state.id, &draft_task.id, Paperwork::default(), at + MINUTE).await.unwrap();
        let template = s.current_draft("lumajang", &state.id).await.unwrap().unwrap();
        assert!(template.body.contains("berlaku sampai dengan {berlaku_sampai}."), "{}", template.body);

        // The Kabid cannot approve it: the field is named, nothing changes.
        let review = state.open_tasks().next().unwrap().clone();
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let approve = sample_input(sop.step(10).unwrap(), Verdict::Ya);
        let refused = s.complete(store::Complete::new(
            "lumajang",
            &state.id,
            &review.id,
            "lmj-kabid",
            approve.clone(),
            at + 2 * MINUTE,
        ));
        let errors = unfilled_fields(refused.await);
        assert_eq!(errors.len(), 1, "{}: {errors:?}", db.label);
        let (field, label, message) = &errors[0];
        assert_eq!((field.as_str(), label.as_str()), ("konsep.berlaku_sampai", "Hak akses berlaku sampai"));
        assert!(
            message.contains("{berlaku_sampai}") && message.contains("belum dapat disetujui"),
            "{message}"
        );
        let after = s.case("lumajang", &state.id).await.unwrap();
        assert_eq!(after.open_tasks().next().map(|t| t.id.clone()), Some(review.id.clone()));
        assert_eq!(s.letter_drafts("lumajang", &state.id).await.unwrap()[0].review, None);

        // Returning it is allowed; the Kasi writes the date, and it is approved and signed.
        let back = engine::ActionInput {
            verdict: Some(Verdict::Tidak),
            note: Some("Tulis sampai kapan akses berlaku.".into()),
            ..Default::default()
        };
        let state = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &review.id,
                "lmj-kabid",
                back,
                at + 3 * MINUTE,
            ))
            .await
            .unwrap();
        let redraft = state.open_tasks().next().unwrap().clone();
        let fixed = LetterDraft {
            body: template.body.replace("{berlaku_sampai}", "31 Desember 2027"),
            ..template.clone()
        };
        let paper = Paperwork { draft: Some(fixed), ..Default::default() };
        let state = write_draft(s, &state.id, &redraft.id, paper, at + 4 * MINUTE).await.unwrap();
        let review = state.open_tasks().next().unwrap().clone();
        let state = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &review.id,
                "lmj-kabid",
                approve,
                at + 5 * MINUTE,
            ))
            .await
            .unwrap();
        let sign_task = state.open_tasks().next().unwrap().clone();
        assert_eq!(sign_task.step, 11);

        // A draft approved with a placeholder in it (as before this rule)
        // is not signed, and takes no number.
        sqlx::query("UPDATE letter_drafts SET body = body || ' {berlaku_sampai}' WHERE case_id = $1")
            .bind(&state.id)
            .execute(s.pool())
            .await
            .unwrap();
        let input = sample_input(sop.step(11).unwrap(), Verdict::Ya);
        let paper = signing(store::demo::CERTIFICATE_PASSPHRASE);
        let refused = s
            .complete(
                store::Complete::new(
                    "lumajang",
                    &state.id,
                    &sign_task.id,
                    "lmj-kadis",
                    input.clone(),
                    at + 6 * MINUTE,
                )
                .with_paperwork(paper.clone()),
            )
            .await;
        let errors = unfilled_fields(refused);
        assert_eq!(errors[0].0, "konsep.berlaku_sampai", "{}", db.label);
        assert!(errors[0].2.contains("belum dapat ditandatangani"), "{}", errors[0].2);
        assert!(s.outgoing_register("lumajang", 2026).await.unwrap().is_empty(), "no number taken");
    }
}

#[tokio::test]
async fn without_a_review_step_the_drafter_cannot_pass_on_an_unfilled_placeholder() {
    for db in backends().await {
        let s = &db.store;
        // The VPN SOP of an agency that skips the Kabid's review.
        let builtin = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let review_at = builtin.source.find("[[steps]]\nno = 10").unwrap();
        let review_end = review_at + builtin.source[review_at + 1..].find("[[steps]]").unwrap() + 1;
        let source = format!("{}{}", &builtin.source[..review_at], &builtin.source[review_end..]).replace(
            &format!("version = {}", builtin.version),
            &format!("version = {}", builtin.version + 1),
        );
        let at = wib(2026, 11, 23, 9, 0);
        s.publish_sop("vpn-tanpa-pemeriksaan.toml", &source, at).await.unwrap();

        let state = vpn_case_without_end_date(s, "lumajang/vpn", 9, at).await;
        let at = at + 30 * MINUTE;
        let draft_task = state.open_tasks().next().unwrap().clone();
        let errors = unfilled_fields(
            write_draft(s, &state.id, &draft_task.id, Paperwork::default(), at + MINUTE).await,
        );
        assert_eq!(errors[0].0, "konsep.berlaku_sampai", "{}", db.label);
        assert_eq!(errors[0].1, "Hak akses berlaku sampai");
        assert!(s.letter_drafts("lumajang", &state.id).await.unwrap().is_empty(), "no version kept");
    }
}

#[tokio::test]
async fn the_drafter_neither_reviews_nor_signs_her_own_letter_and_the_head_is_told() {
    use engine::organisation::Holding;
    use engine::{ActingKind, EngineError};
    use jiff::civil::date;
    for db in backends().await {
        let s = &db.store;
        // The Kasi is also Plt. Kabid, and this week Plh. Kepala Dinas.
        for (position, kind, holder) in
            [("kabid-aptika", ActingKind::Plt, None), ("kepala-dinas", ActingKind::Plh, Some("lmj-kadis"))]
        {
            let acting = Holding {
                person: "lmj-kasi".into(),
                position: position.into(),
                from: date(2026, 11, 1),
                until: Some(date(2026, 11, 30)),
                acting: Some((kind, holder.map(str::to_string))),
            };
            s.add_holding("lumajang", &acting, None).await.unwrap();
        }
        let at = wib(2026, 11, 23, 9, 0);
        let state = email_case_at(s, 9, at).await;
        let at = at + 30 * MINUTE;
        let draft_task = state.open_tasks().next().unwrap().clone();
        let state = write_draft(s, &state.id, &draft_task.id, Paperwork::default(), at).await.unwrap();
        let sop = s.sop("lumajang", "lumajang/email", None).await.unwrap();
        let review = state.open_tasks().next().unwrap().clone();
        assert!(review.candidates.iter().any(|c| c.person == "lmj-kasi"), "the Plt. may review in general");
        let approve = sample_input(sop.step(10).unwrap(), Verdict::Ya);

        // Her own draft she may not approve — however often she tries.
        for attempt in 1..=2 {
            let own = s
                .complete(store::Complete::new(
                    "lumajang",
                    &state.id,
                    &review.id,
                    "lmj-kasi",
                    approve.clone(),
                    at + attempt * MINUTE,
                ))
                .await;
            match &own {
                Err(StoreError::Engine(e @ EngineError::OwnDraft { step: 10, .. })) => {
                    assert!(e.to_string().contains("Anda susun sendiri"), "{e}")
                }
                other => panic!("{}: {other:?}", db.label),
            }
        }
        let after = s.case("lumajang", &state.id).await.unwrap();
        assert_eq!(after.open_tasks().next().map(|t| t.id.as_str()), Some(review.id.as_str()));
        assert_eq!(s.letter_drafts("lumajang", &state.id).await.unwrap()[0].review, None);
        // The head above the Kabid's position hears of it, once.
        let own_draft = |told: Vec<String>| {
            told.into_iter().filter(|m| m.contains("menyusun sendiri konsep surat")).collect::<Vec<_>>()
        };
        let told = own_draft(s.notifications("lumajang", "lmj-kadis").await.unwrap());
        assert_eq!(told.len(), 1, "{}: {told:?}", db.label);
        assert!(
            told[0].starts_with(&format!(
                "Dewi Lestari, S.T. menyusun sendiri konsep surat permohonan {} dan ditolak ketika hendak memeriksanya",
                state.number
            )),
            "{}",
            told[0]
        );
        assert!(own_draft(s.notifications("lumajang", "lmj-kasi").await.unwrap()).is_empty());

        // The Kabid approves; as Plh. Kepala Dinas she may not sign it either.
        let state = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &review.id,
                "lmj-kabid",
                approve,
                at + 5 * MINUTE,
            ))
            .await
            .unwrap();
        let sign_task = state.open_tasks().next().unwrap().clone();
        let input = sample_input(sop.step(11).unwrap(), Verdict::Ya);
        let own = s
            .complete(
                store::Complete::new(
                    "lumajang",
                    &state.id,
                    &sign_task.id,
                    "lmj-kasi",
                    input.clone(),
                    at + 6 * MINUTE,
                )
                .with_paperwork(signing(store::demo::CERTIFICATE_PASSPHRASE)),
            )
            .await;
        assert!(
            matches!(own, Err(StoreError::Engine(EngineError::OwnDraft { step: 11, .. }))),
            "{}: {own:?}",
            db.label
        );
        assert!(s.outgoing_register("lumajang", 2026).await.unwrap().is_empty(), "no number taken");
        let told = own_draft(s.notifications("lumajang", "lmj-kadis").await.unwrap());
        assert!(told.iter().any(|m| m.contains("menandatanganinya")), "{told:?}");
        // The Head signs it.
        sign(s, &state, signing(store::demo::CERTIFICATE_PASSPHRASE), at + 7 * MINUTE).await.unwrap();
    }
}

/// The Kasi completes the draft step with `paper`.
async fn write_draft(
    s: &Store,
    case: &str,
    task: &str,
    paper: Paperwork,
    at: i64,
) -> Result<CaseState, StoreError> {
    s.complete(
        store::Complete::new("lumajang", case, task, "lmj-kasi", Default::default(), at)
            .with_paperwork(paper),
    )
    .await
}

fn signing(passphrase: &str) -> Paperwork {
    Paperwork {
        draft: None,
        signing: Some(Signing {
            passphrase: passphrase.into(),
            srikandi_number: None,
            verify_base: Some("http://sopir.test/verifikasi/".into()),
        }),
        sending: None,
        from_srikandi: None,
        enclosures: None,
    }
}

async fn sign(
    store: &Store,
    state: &CaseState,
    paperwork: Paperwork,
    at: i64,
) -> Result<CaseState, StoreError> {
    let task = state.open_tasks().next().unwrap();
    assert_eq!(task.step, 11);
    let sop = store.sop("lumajang", "lumajang/email", None).await.unwrap();
    let input = sample_input(sop.step(11).unwrap(), Verdict::Ya);
    store
        .complete(
            store::Complete::new("lumajang", &state.id, &task.id, "lmj-kadis", input, at)
                .with_paperwork(paperwork),
        )
        .await
}

#[tokio::test]
async fn the_email_sop_leaves_its_registers_disposition_sheet_and_signed_letter() {
    for db in backends().await {
        let s = &db.store;
        let start = wib(2026, 11, 23, 9, 0);
        let state = email_case_at(s, 0, start).await;
        assert_eq!(state.status, engine::CaseStatus::Completed, "{}", db.label);

        let incoming = s.incoming_register("lumajang", 2026).await.unwrap();
        assert_eq!(incoming.len(), 1, "{}", db.label);
        let row = &incoming[0];
        assert_eq!(row.agenda, "0001/2026");
        assert_eq!(row.received_at, start);
        assert_eq!(row.sender, "Badan Perencanaan Pembangunan Daerah");
        assert_eq!(row.letter_number, "005/123/427.30/2026");
        assert_eq!(row.subject, "Surat Permohonan Pembuatan Akun Email");
        assert_eq!(row.forwarded_to, "Kepala Bidang Aplikasi dan Informatika");

        let sheet = s.disposition_sheet("lumajang", &state.id).await.unwrap();
        assert_eq!(sheet.agenda_number, "0001/2026");
        let hops: Vec<(&str, &str)> = sheet.hops.iter().map(|h| (h.from.as_str(), h.to.as_str())).collect();
        assert_eq!(
            hops,
            [
                (
                    "Kepala Dinas / Sekretaris Dinas Komunikasi dan Informatika (Bambang Santoso, S.STP)",
                    "Kepala Bidang Aplikasi dan Informatika (Agus Prasetyo, S.Kom.)"
                ),
                (
                    "Kepala Bidang Aplikasi dan Informatika (Agus Prasetyo, S.Kom.)",
                    "Kasi Pengelolaan dan Pengembangan Infrastruktur Sistem Pemerintahan Berbasis Elektronik (Dewi Lestari, S.T.)"
                ),
                (
                    "Kasi Pengelolaan dan Pengembangan Infrastruktur Sistem Pemerintahan Berbasis Elektronik (Dewi Lestari, S.T.)",
                    "Administrator Mail Server (Fitri Handayani, S.Kom.)"
                ),
            ],
            "{}",
            db.label
        );
        assert!(sheet.hops.iter().all(|h| h.instruction == "Mohon segera ditindaklanjuti sesuai SOP."));
        assert_eq!(sheet.hops[0].at, "23 November 2026 09.01");

        let drafts = s.letter_drafts("lumajang", &state.id).await.unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].review, Some(store::letters::DraftReview::Approved));
        assert_eq!(drafts[0].written_by, "Dewi Lestari, S.T.");
        assert!(drafts[0].draft.body.contains(&address_of(&state)), "{}", drafts[0].draft.body);
        assert_eq!(drafts[0].draft.recipient, "Kepala Badan Perencanaan Pembangunan Daerah");

        let outgoing = s.outgoing_register("lumajang", 2026).await.unwrap();
        assert_eq!(outgoing.len(), 1);
        let letter = &outgoing[0];
        assert_eq!(letter.number, "000.1.2/1/427.53/2026");
        assert_eq!(letter.subject, "Pemberitahuan Akun E-mail");
        assert_eq!(letter.signer, "Bambang Santoso, S.STP");
        assert_eq!(letter.signer_title, "Kepala Dinas Komunikasi dan Informatika");
        assert!(letter.sent_at.is_some(), "step 12 records the sending");

        let (number, pdf) = s.letter_pdf("lumajang", &state.id).await.unwrap();
        assert_eq!(number, letter.number);
        assert!(pdf.starts_with(b"%PDF"));
        let verified = s.verify(&letter.code).await.unwrap().expect("the code is known");
        assert_eq!(verified.number, letter.number);
        assert!(verified.intact);
        assert_eq!(s.verify("ZZZZ-ZZZZ-ZZZZ").await.unwrap(), None);
        // Another agency sees none of it.
        assert!(s.outgoing_letter("trenggalek", &state.id).await.unwrap().is_none());
        assert!(s.incoming_letter("trenggalek", &state.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_returned_draft_is_kept_and_the_edited_version_is_signed() {
    for db in backends().await {
        let s = &db.store;
        let mut at = wib(2026, 11, 23, 9, 0);
        let state = email_case_at(s, 9, at).await;
        at += 20 * MINUTE;
        let draft_step = state.open_tasks().next().unwrap().clone();
        let first = s.current_draft("lumajang", &state.id).await.unwrap().unwrap();
        assert!(first.body.contains("005/123/427.30/2026"), "template filled: {}", first.body);
        let edited = LetterDraft { body: format!("{}\n\nTambahan kalimat.", first.body), ..first.clone() };
        let paper = Paperwork { draft: Some(edited.clone()), ..Default::default() };
        let state = write_draft(s, &state.id, &draft_step.id, paper, at).await.unwrap();
        // The Kabid returns it with a note.
        let review = state.open_tasks().next().unwrap().clone();
        let returned = engine::ActionInput {
            verdict: Some(Verdict::Tidak),
            note: Some("Sebutkan kuota kotak surat.".into()),
            ..Default::default()
        };
        let state = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &review.id,
                "lmj-kabid",
                returned,
                at + MINUTE,
            ))
            .await
            .unwrap();
        // An empty body is refused and changes nothing.
        let redraft = state.open_tasks().next().unwrap().clone();
        let empty = Paperwork {
            draft: Some(LetterDraft { body: "  ".into(), ..edited.clone() }),
            ..Default::default()
        };
        let refused = write_draft(s, &state.id, &redraft.id, empty, at).await;
        match refused {
            Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
                assert_eq!(errors[0].field, "isi");
                assert_eq!(errors[0].message, "wajib diisi");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.letter_drafts("lumajang", &state.id).await.unwrap().len(), 1);
        // The second version is approved and signed.
        let second = LetterDraft { body: format!("{}\n\nKuota kotak surat 1024 MB.", edited.body), ..edited };
        let paper = Paperwork { draft: Some(second.clone()), ..Default::default() };
        let state = write_draft(s, &state.id, &redraft.id, paper, at + 2 * MINUTE).await.unwrap();
        let review = state.open_tasks().next().unwrap().clone();
        let approve = sample_input(
            &s.sop("lumajang", "lumajang/email", None).await.unwrap().step(10).unwrap().clone(),
            Verdict::Ya,
        );
        let state = s
            .complete(store::Complete::new(
                "lumajang",
                &state.id,
                &review.id,
                "lmj-kabid",
                approve,
                at + 3 * MINUTE,
            ))
            .await
            .unwrap();

        // A wrong passphrase is refused before a number is taken.
        let wrong = sign(&db.store, &state, signing("salah"), at + 4 * MINUTE).await;
        assert!(
            matches!(&wrong, Err(StoreError::Engine(engine::EngineError::Invalid(e))) if e[0].field == "kata_sandi"),
            "{wrong:?}"
        );
        // Without a configured public address (for the QR code) it is refused too.
        let mut nowhere = signing(store::demo::CERTIFICATE_PASSPHRASE);
        nowhere.signing.as_mut().unwrap().verify_base = None;
        let unaddressed = sign(&db.store, &state, nowhere, at + 4 * MINUTE).await;
        assert!(
            matches!(&unaddressed, Err(StoreError::Engine(engine::EngineError::Invalid(e)))
                if e[0].field == "alamat_publik" && e[0].message.contains("--public-url")),
            "{unaddressed:?}"
        );
        sign(&db.store, &state, signing(store::demo::CERTIFICATE_PASSPHRASE), at + 5 * MINUTE).await.unwrap();

        let versions = s.letter_drafts("lumajang", &state.id).await.unwrap();
        let reviews: Vec<_> = versions
            .iter()
            .map(|v| (v.version, v.review.map(|r| r.key()), v.review_note.as_deref()))
            .collect();
        assert_eq!(
            reviews,
            [
                (1, Some("dikembalikan"), Some("Sebutkan kuota kotak surat.")),
                (2, Some("disetujui"), Some("Konsep sudah sesuai."))
            ],
            "{}",
            db.label
        );
        assert_eq!(versions[1].draft.body, second.body);
        let letter = s.outgoing_letter("lumajang", &state.id).await.unwrap().unwrap();
        assert_eq!(letter.seq, Some(1), "the refused signing used no number");
    }
}

#[tokio::test]
async fn letters_signed_at_the_same_time_get_distinct_consecutive_numbers() {
    const LETTERS: usize = 8;
    for db in backends().await {
        let at = wib(2026, 11, 23, 9, 0);
        let mut cases = Vec::new();
        for i in 0..LETTERS {
            cases.push(email_case_at(&db.store, 11, at + i as i64 * MINUTE).await);
        }
        let later = at + 60 * MINUTE;
        // Two stores on one database, as two server processes would be.
        let second = Store::open(&db.url).await.unwrap();
        let stores = [&db.store, &second];
        let signings = cases
            .iter()
            .enumerate()
            .map(|(i, c)| sign(stores[i % 2], c, signing(store::demo::CERTIFICATE_PASSPHRASE), later));
        let results = futures_util::future::join_all(signings).await;
        for r in &results {
            assert!(r.is_ok(), "{}: {r:?}", db.label);
        }
        let mut seqs: Vec<i64> = db
            .store
            .outgoing_register("lumajang", 2026)
            .await
            .unwrap()
            .iter()
            .map(|l| l.seq.unwrap())
            .collect();
        seqs.sort();
        assert_eq!(seqs, (1..=LETTERS as i64).collect::<Vec<_>>(), "{}", db.label);
    }
}

#[tokio::test]
async fn an_agency_numbering_in_srikandi_types_the_number_and_never_twice() {
    for db in backends().await {
        let s = &db.store;
        let mut profile = s.agency("lumajang").await.unwrap();
        profile.letters.srikandi = true;
        s.update_agency(&profile, None).await.unwrap();
        let at = wib(2026, 11, 23, 9, 0);
        let first = email_case_at(s, 11, at).await;
        let second = email_case_at(s, 11, at + MINUTE).await;
        let with_number = |n: Option<&str>| Paperwork {
            draft: None,
            signing: Some(Signing {
                passphrase: store::demo::CERTIFICATE_PASSPHRASE.into(),
                srikandi_number: n.map(str::to_string),
                verify_base: Some("http://sopir.test/verifikasi/".into()),
            }),
            sending: None,
            from_srikandi: None,
            enclosures: None,
        };
        let missing = sign(s, &first, with_number(Some("  ")), at + 30 * MINUTE).await;
        assert!(
            matches!(&missing, Err(StoreError::Engine(engine::EngineError::Invalid(e))) if e[0].field == "nomor_srikandi"),
            "{missing:?}"
        );
        sign(s, &first, with_number(Some("B-123/DISKOMINFO/2026")), at + 31 * MINUTE).await.unwrap();
        let twice = sign(s, &second, with_number(Some("B-123/DISKOMINFO/2026")), at + 32 * MINUTE).await;
        match twice {
            Err(StoreError::Engine(engine::EngineError::Invalid(e))) => {
                assert_eq!(
                    e[0].message, "nomor B-123/DISKOMINFO/2026 sudah dipakai surat lain",
                    "{}",
                    db.label
                )
            }
            other => panic!("{other:?}"),
        }
        let letters = s.outgoing_register("lumajang", 2026).await.unwrap();
        assert_eq!(letters.len(), 1);
        assert_eq!((letters[0].number.as_str(), letters[0].seq), ("B-123/DISKOMINFO/2026", None));
    }
}

#[tokio::test]
async fn many_readers_of_a_draft_at_once_do_not_starve_the_connection_pool() {
    // Found by `sopir bench` with 32 clients: each reader held a connection
    // while asking the pool for another, and a small pool ran dry.
    let db = common::sqlite().await;
    store::demo::install(&db.store, &sop::Catalog::builtin(), wib(2026, 11, 2, 8, 0)).await.unwrap();
    let state = email_case_at(&db.store, 9, wib(2026, 11, 23, 9, 0)).await;
    let reads = (0..32).map(|_| db.store.current_draft("lumajang", &state.id));
    let all = tokio::time::timeout(std::time::Duration::from_secs(20), futures_util::future::join_all(reads))
        .await
        .expect("the readers finish");
    assert!(all.iter().all(|d| matches!(d, Ok(Some(_)))));
}
