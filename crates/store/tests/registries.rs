//! Registries through the real flows, on SQLite and (when available)
//! PostgreSQL: the administrator's step creates the entry; names are
//! checked (domain and mailbox rules, reserved names, clashes) with exact
//! messages; entries are searched, suspended, reactivated and revoked with
//! their history; another agency sees none of it.

mod common;

use common::{MINUTE, backends, wib};
use engine::{CaseState, EngineError, Verdict};
use sop::definition::RegistryKind;
use store::registry::Filter;
use store::{Store, StoreError};

/// Runs a case of `sop_id` until its registry step is done (or refused),
/// entering `overrides` wherever a step asks for those fields.
async fn run(
    s: &Store,
    agency: &str,
    sop_id: &str,
    requester: &str,
    overrides: &[(&str, &str)],
) -> Result<CaseState, StoreError> {
    let sop = s.sop(agency, sop_id, None).await.unwrap();
    let registry_step = sop.registry.as_ref().unwrap().step;
    let fill = |step: &sop::Step| {
        let mut input = store::demo::sample_input(step, Verdict::Ya);
        for (k, v) in overrides {
            if step.fields.iter().any(|f| f.name == *k) {
                input.fields.insert(k.to_string(), v.to_string());
            }
        }
        input
    };
    let mut at = wib(2026, 11, 23, 9, 0);
    let mut state =
        s.submit(store::Submit::new(agency, sop_id, requester, fill(sop.first_step()), at)).await?;
    loop {
        let task = state.open_tasks().next().cloned().expect("an open task before the registry step");
        let step = sop.step(task.step).unwrap();
        at += MINUTE;
        let paper = store::demo::sample_paperwork(step);
        let by = task.candidates[0].person.clone();
        state = s
            .complete(
                store::Complete::new(agency, &state.id, &task.id, &by, fill(step), at).with_paperwork(paper),
            )
            .await?;
        if step.no == registry_step {
            return Ok(state);
        }
    }
}

/// A Lumajang case of `sop_id` with one field given.
async fn run_with(
    s: &Store,
    sop_id: &str,
    requester: &str,
    field: &str,
    value: &str,
) -> Result<CaseState, StoreError> {
    run(s, "lumajang", sop_id, requester, &[(field, value)]).await
}

fn refusal(result: Result<CaseState, StoreError>) -> (String, String) {
    match result {
        Err(StoreError::Engine(EngineError::Invalid(errors))) => {
            (errors[0].field.clone(), errors[0].message.clone())
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn all(s: &Store, agency: &str, kind: RegistryKind) -> Vec<store::registry::Entry> {
    s.registry(agency, kind, &Filter::default()).await.unwrap()
}

#[tokio::test]
async fn each_registry_is_filled_by_its_step_with_the_request_particulars() {
    for db in backends().await {
        let s = &db.store;
        let vpn = run(
            s,
            "lumajang",
            "lumajang/vpn",
            "lmj-pemohon",
            &[
                ("nama_akun_vpn", "bappeda.siti"),
                ("alamat_ip_vpn", "10.8.0.21"),
                ("penanggung_jawab", "Siti Aminah, S.E."),
                ("unit_kerja", "Badan Perencanaan Pembangunan Daerah"),
                ("berlaku_sampai", "2027-06-30"),
            ],
        )
        .await
        .unwrap();
        let entries = all(s, "lumajang", RegistryKind::Vpn).await;
        assert_eq!(entries.len(), 1, "{}", db.label);
        let e = &entries[0];
        assert_eq!(
            (
                e.name.as_str(),
                e.responsible.as_str(),
                e.valid_until.as_deref(),
                e.state.as_str(),
                e.case_id.as_str()
            ),
            ("bappeda.siti", "Siti Aminah, S.E.", Some("2027-06-30"), "aktif", vpn.id.as_str())
        );
        assert_eq!(e.unit, "Badan Perencanaan Pembangunan Daerah", "the requester's unit");
        assert_eq!(e.created_by, "Rizky Firmansyah, A.Md.", "the administrator who did the work");
        let details: Vec<(&str, &str)> =
            e.details.iter().map(|d| (d.label.as_str(), d.value.as_str())).collect();
        assert_eq!(details[0], ("Alamat IP yang diberikan di jaringan VPN", "10.8.0.21"));
        assert!(!e.expired);

        run(
            s,
            "lumajang",
            "lumajang/subdomain",
            "lmj-pemohon",
            &[("nama_domain_lengkap", "sipd.lumajangkab.go.id")],
        )
        .await
        .unwrap();
        assert_eq!(all(s, "lumajang", RegistryKind::Subdomain).await[0].name, "sipd.lumajangkab.go.id");
        run(s, "lumajang", "lumajang/email", "lmj-pemohon", &[("alamat_email", "bappeda@lumajangkab.go.id")])
            .await
            .unwrap();
        assert_eq!(all(s, "lumajang", RegistryKind::Email).await[0].name, "bappeda@lumajangkab.go.id");

        // Trenggalek's access card, granted until a date now past, is flagged
        // (the request is submitted on 23 November 2026).
        run(
            s,
            "trenggalek",
            "trenggalek/ruang-server",
            "tgx-pemohon",
            &[
                ("nomor_kartu", "KA-0042"),
                ("nama_pemohon", "Rina Marlina, S.E."),
                ("jenis_akses", "Akses sementara"),
                ("berlaku_sampai", "2026-11-24"),
            ],
        )
        .await
        .unwrap();
        let cards = all(s, "trenggalek", RegistryKind::ServerRoomAccess).await;
        assert_eq!(
            (cards[0].name.as_str(), cards[0].responsible.as_str()),
            ("KA-0042", "Rina Marlina, S.E.")
        );
        assert!(cards[0].expired, "valid until 24 November 2026");
        let expired = Filter { expired_only: true, ..Default::default() };
        assert_eq!(
            s.registry("trenggalek", RegistryKind::ServerRoomAccess, &expired).await.unwrap().len(),
            1
        );
        // Each agency sees only its own.
        assert!(all(s, "trenggalek", RegistryKind::Vpn).await.is_empty());
        assert!(s.registry_entry("trenggalek", &e.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn names_are_checked_with_exact_messages_and_never_given_twice() {
    for db in backends().await {
        let s = &db.store;
        let sub = |name: &'static str| {
            run_with(s, "lumajang/subdomain", "lmj-pemohon-2", "nama_domain_lengkap", name)
        };
        let cases = [
            ("www.lumajangkab.go.id", "\"www\" dicadangkan untuk layanan instansi sendiri"),
            (
                "sipd.trenggalekkab.go.id",
                "harus berada di bawah domain instansi lumajangkab.go.id, misalnya sipd.lumajangkab.go.id",
            ),
            ("a.b.lumajangkab.go.id", "hanya satu tingkat di bawah lumajangkab.go.id: \"a.b\" memuat titik"),
        ];
        for (name, message) in cases {
            assert_eq!(refusal(sub(name).await), ("nama_domain_lengkap".into(), message.into()), "{name}");
        }
        let first = sub("e-kinerja.lumajangkab.go.id").await.unwrap();
        let (field, message) = refusal(sub("e-kinerja.lumajangkab.go.id").await);
        assert_eq!(field, "nama_domain_lengkap");
        assert_eq!(
            message,
            format!("e-kinerja.lumajangkab.go.id sudah terdaftar (permohonan {})", first.number)
        );

        let mail =
            |address: &'static str| run_with(s, "lumajang/email", "lmj-pemohon", "alamat_email", address);
        let cases = [
            ("postmaster@lumajangkab.go.id", "\"postmaster\" dicadangkan untuk pengelola server e-mail"),
            ("bappeda@gmail.com", "harus beralamat @lumajangkab.go.id"),
            (
                "bap..peda@lumajangkab.go.id",
                "nama sebelum @ tidak boleh diawali, diakhiri, atau memuat dua titik berurutan",
            ),
        ];
        for (address, message) in cases {
            assert_eq!(refusal(mail(address).await), ("alamat_email".into(), message.into()), "{address}");
        }
        let first = mail("dinkes@lumajangkab.go.id").await.unwrap();
        let (_, message) = refusal(mail("dinkes@lumajangkab.go.id").await);
        assert_eq!(
            message,
            format!("dinkes@lumajangkab.go.id sudah terdaftar (permohonan {})", first.number)
        );

        let vpn = |name: &'static str| run_with(s, "lumajang/vpn", "lmj-pemohon", "nama_akun_vpn", name);
        vpn("dinkes.vpn").await.unwrap();
        let (_, message) = refusal(vpn("dinkes.vpn").await);
        assert!(message.starts_with("dinkes.vpn sudah terdaftar"), "{message}");
        // A refused step left nothing behind.
        assert_eq!(all(s, "lumajang", RegistryKind::Subdomain).await.len(), 1, "{}", db.label);
        assert_eq!(all(s, "lumajang", RegistryKind::Email).await.len(), 1);
        assert_eq!(all(s, "lumajang", RegistryKind::Vpn).await.len(), 1);
    }
}

#[tokio::test]
async fn entries_are_searched_suspended_reactivated_and_revoked_with_history() {
    for db in backends().await {
        let s = &db.store;
        for (name, who) in [("bappeda.siti", "Siti Aminah"), ("dinkes.budi", "Budi Hartono")] {
            run(
                s,
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon",
                &[("nama_akun_vpn", name), ("penanggung_jawab", who)],
            )
            .await
            .unwrap();
        }
        let search = |q: &str| Filter { query: Some(q.into()), ..Default::default() };
        let found = s.registry("lumajang", RegistryKind::Vpn, &search("BUDI")).await.unwrap();
        assert_eq!(found.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["dinkes.budi"]);
        let id = found[0].id.clone();
        let at = wib(2026, 11, 24, 10, 0);
        let change = |state: &'static str, reason: &'static str, at: i64| {
            let id = id.clone();
            async move { s.change_entry_state("lumajang", &id, "lmj-admin-jaringan", state, reason, at).await }
        };
        let message = |r: Result<(), StoreError>| match r {
            Err(StoreError::Engine(EngineError::Invalid(e))) => e[0].message.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(message(change("ditangguhkan", "  ", at).await), "wajib diisi");
        assert_eq!(message(change("hilang", "x", at).await), "pilih aktif, ditangguhkan atau dicabut");
        change("ditangguhkan", "Pegawai cuti panjang", at).await.unwrap();
        assert_eq!(message(change("ditangguhkan", "lagi", at).await), "entri sudah berstatus ditangguhkan");
        let suspended = Filter { state: Some("ditangguhkan".into()), ..Default::default() };
        assert_eq!(s.registry("lumajang", RegistryKind::Vpn, &suspended).await.unwrap().len(), 1);
        change("aktif", "Kembali bertugas", at + MINUTE).await.unwrap();
        change("dicabut", "Pindah tugas ke instansi lain", at + 2 * MINUTE).await.unwrap();
        assert_eq!(
            message(change("aktif", "x", at).await),
            "entri sudah dicabut dan tidak dapat diubah lagi"
        );
        let (entry, history) = s.registry_entry("lumajang", &id).await.unwrap().unwrap();
        assert_eq!(entry.state, "dicabut");
        let rows: Vec<(&str, &str)> = history.iter().map(|h| (h.state.as_str(), h.reason.as_str())).collect();
        assert_eq!(
            rows[1..],
            [
                ("ditangguhkan", "Pegawai cuti panjang"),
                ("aktif", "Kembali bertugas"),
                ("dicabut", "Pindah tugas ke instansi lain"),
            ]
        );
        assert!(rows[0].1.starts_with("dibuat melalui permohonan VPN-"), "{rows:?}");
        assert_eq!(history[1].by, "Rizky Firmansyah, A.Md.");
        // A revoked name may be given out again.
        run(s, "lumajang", "lumajang/vpn", "lmj-pemohon", &[("nama_akun_vpn", "dinkes.budi")]).await.unwrap();
        // Another agency can neither read nor change it.
        let other = s.change_entry_state("trenggalek", &id, "tgx-kabid", "aktif", "x", at).await;
        assert!(matches!(other, Err(StoreError::NotFound(_))), "{other:?}");
    }
}

#[tokio::test]
async fn a_removal_request_revokes_the_card_in_the_access_list() {
    for db in backends().await {
        let s = &db.store;
        let grant = [("nomor_kartu", "KA-0042"), ("nama_pemohon", "Rina Marlina, S.E.")];
        run(s, "trenggalek", "trenggalek/ruang-server", "tgx-pemohon", &grant).await.unwrap();
        let unknown = run(
            s,
            "trenggalek",
            "trenggalek/penghapusan-akses",
            "tgx-pemohon-2",
            &[("nomor_kartu", "KA-9999")],
        )
        .await;
        assert_eq!(
            refusal(unknown),
            ("nomor_kartu".into(), "KA-9999 tidak ada di daftar akses ruang server yang berlaku".into()),
            "{}",
            db.label
        );
        let removal = run(
            s,
            "trenggalek",
            "trenggalek/penghapusan-akses",
            "tgx-pemohon-2",
            &[("nomor_kartu", "KA-0042")],
        )
        .await
        .unwrap();
        let cards = all(s, "trenggalek", RegistryKind::ServerRoomAccess).await;
        assert_eq!((cards[0].name.as_str(), cards[0].state.as_str()), ("KA-0042", "dicabut"));
        let (_, history) = s.registry_entry("trenggalek", &cards[0].id).await.unwrap().unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.reason, format!("dicabut melalui permohonan {}", removal.number));
        assert_eq!(last.by, "Eko Saputro, A.Md.", "the operator who took the card back");
    }
}

/// Opens a review of Trenggalek's access list as the operator.
async fn open_review(s: &Store, at: i64) -> Result<CaseState, StoreError> {
    let sop = s.sop("trenggalek", "trenggalek/review-akses", None).await.unwrap();
    let mut input = store::demo::sample_input(sop.first_step(), Verdict::Ya);
    input.fields.insert("periode".into(), "Semester II 2026".into());
    s.submit(store::Submit::new("trenggalek", "trenggalek/review-akses", "tgx-operator", input, at)).await
}

#[tokio::test]
async fn a_review_keeps_revokes_and_flags_what_nobody_reviewed() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 24, 9, 0);
        let (field, message) = refusal(open_review(s, at).await);
        assert_eq!(
            (field.as_str(), message.as_str()),
            ("review", "tidak ada entri daftar akses ruang server yang berlaku untuk ditinjau")
        );
        for card in ["KA-1", "KA-2", "KA-3", "KA-4", "KA-5"] {
            run(s, "trenggalek", "trenggalek/ruang-server", "tgx-pemohon", &[("nomor_kartu", card)])
                .await
                .unwrap();
        }
        // A card revoked before the review is not on it.
        run(s, "trenggalek", "trenggalek/penghapusan-akses", "tgx-pemohon-2", &[("nomor_kartu", "KA-5")])
            .await
            .unwrap();
        let review = open_review(s, at).await.unwrap();
        let items = s.review_items("trenggalek", &review.id).await.unwrap();
        assert_eq!(
            items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["KA-1", "KA-2", "KA-3", "KA-4"],
            "{}",
            db.label
        );
        let id = |name: &str| items.iter().find(|i| i.name == name).unwrap().entry_id.clone();

        // The review step is the Kabid's; it has not started until the operator's submission created it.
        let decide = |entry: String, by: &'static str, decision: &'static str, reason: &'static str| {
            let case = review.id.clone();
            async move {
                s.decide_review_item("trenggalek", &case, &entry, by, decision, reason, at + MINUTE).await
            }
        };
        let not_reviewer = decide(id("KA-1"), "tgx-operator", "tetap", "").await;
        assert!(matches!(not_reviewer, Err(StoreError::NotPermitted(_))), "{not_reviewer:?}");
        decide(id("KA-1"), "tgx-kabid", "tetap", "").await.unwrap();
        let no_reason = decide(id("KA-3"), "tgx-kabid", "cabut", " ").await;
        assert_eq!(refusal_of(no_reason), "wajib diisi bila akses dicabut");
        decide(id("KA-2"), "tgx-kabid", "cabut", "Pegawai pindah ke OPD lain").await.unwrap();
        assert_eq!(
            refusal_of(decide(id("KA-2"), "tgx-kabid", "tetap", "").await),
            "entri ini sudah diputuskan: cabut"
        );
        let cards = all(s, "trenggalek", RegistryKind::ServerRoomAccess).await;
        let state_of = |cards: &[store::registry::Entry], name: &str| {
            let e = cards.iter().find(|e| e.name == name).unwrap();
            (e.state.clone(), e.unreviewed)
        };
        assert_eq!(
            state_of(&cards, "KA-2"),
            ("dicabut".to_string(), false),
            "a revocation takes effect at once"
        );

        // The Kabid closes the review with KA-3 and KA-4 unreviewed.
        let task = review.open_tasks().next().unwrap().clone();
        let sop = s.sop("trenggalek", "trenggalek/review-akses", None).await.unwrap();
        let input = store::demo::sample_input(sop.step(2).unwrap(), Verdict::Ya);
        s.complete(store::Complete::new(
            "trenggalek",
            &review.id,
            &task.id,
            "tgx-kabid",
            input,
            at + 2 * MINUTE,
        ))
        .await
        .unwrap();
        let items = s.review_items("trenggalek", &review.id).await.unwrap();
        let outcome: Vec<(&str, Option<&str>)> =
            items.iter().map(|i| (i.name.as_str(), i.decision.as_deref())).collect();
        assert_eq!(
            outcome,
            [
                ("KA-1", Some("tetap")),
                ("KA-2", Some("cabut")),
                ("KA-3", Some("tidak-ditinjau")),
                ("KA-4", Some("tidak-ditinjau"))
            ]
        );
        let cards = all(s, "trenggalek", RegistryKind::ServerRoomAccess).await;
        assert_eq!(state_of(&cards, "KA-1"), ("aktif".to_string(), false));
        assert_eq!(
            state_of(&cards, "KA-3"),
            ("aktif".to_string(), true),
            "kept but flagged, not silently revoked"
        );
        assert_eq!(state_of(&cards, "KA-4"), ("aktif".to_string(), true));
        let told = s.notifications("trenggalek", "tgx-kadis").await.unwrap();
        assert!(told.iter().any(|m| m.contains("2 entri yang tidak ditinjau")), "{told:?}");
        assert_eq!(
            refusal_of(decide(id("KA-3"), "tgx-kabid", "tetap", "").await),
            "review ini tidak sedang berjalan"
        );

        // An agency that chose "cabut" revokes what nobody reviewed.
        let source = sop::catalog::BUILTIN.iter().find(|(f, _)| f.ends_with("review-akses.toml")).unwrap().1;
        let strict = source
            .replace("version = 1", "version = 2")
            .replace("unreviewed = \"tandai\"", "unreviewed = \"cabut\"");
        s.publish_sop("review-akses.toml", &strict, at).await.unwrap();
        let second = open_review(s, at + 3 * MINUTE).await.unwrap();
        let task = second.open_tasks().next().unwrap().clone();
        let input = store::demo::sample_input(sop.step(2).unwrap(), Verdict::Ya);
        s.complete(store::Complete::new(
            "trenggalek",
            &second.id,
            &task.id,
            "tgx-kabid",
            input,
            at + 4 * MINUTE,
        ))
        .await
        .unwrap();
        let cards = all(s, "trenggalek", RegistryKind::ServerRoomAccess).await;
        assert!(cards.iter().all(|e| e.state == "dicabut"), "{}", db.label);
    }
}

fn refusal_of(result: Result<(), StoreError>) -> String {
    match result {
        Err(StoreError::Engine(EngineError::Invalid(errors))) => errors[0].message.clone(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn periodic_reviews_open_once_per_period_even_from_two_processes() {
    for db in backends().await {
        let s = &db.store;
        let now = wib(2026, 11, 24, 9, 0);
        assert!(s.open_due_reviews(now).await.unwrap().is_empty(), "nothing to review yet");
        run(s, "trenggalek", "trenggalek/ruang-server", "tgx-pemohon", &[("nomor_kartu", "KA-77")])
            .await
            .unwrap();
        let second = Store::open(&db.url).await.unwrap().with_key(store::DataKey::random());
        let (a, b) = tokio::join!(s.open_due_reviews(now), second.open_due_reviews(now));
        let opened: Vec<String> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        assert_eq!(opened.len(), 1, "{}: {opened:?}", db.label);
        let cases = s.cases("trenggalek").await.unwrap();
        let review = cases.iter().find(|c| c.sop_id == "trenggalek/review-akses").unwrap();
        assert_eq!(s.review_items("trenggalek", &review.id).await.unwrap().len(), 1);
        let state = s.case("trenggalek", &review.id).await.unwrap();
        assert_eq!(state.requester, "tgx-operator", "opened in the operator's name");
        assert_eq!(
            state.tasks[0].input.as_ref().unwrap().fields["periode"],
            "Review berkala November 2026 (dibuka otomatis)"
        );
        // Not again within the six months, even in a new period.
        assert!(s.open_due_reviews(now + 40 * 24 * 60 * MINUTE).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn every_registry_is_searched_suspended_and_revoked_and_checks_its_record() {
    for db in backends().await {
        let s = &db.store;
        let bad_record = run(
            s,
            "lumajang",
            "lumajang/subdomain",
            "lmj-pemohon",
            &[
                ("nama_domain_lengkap", "simpeg.lumajangkab.go.id"),
                ("jenis_record", "A"),
                ("nilai_record", "10.10.1.300"),
            ],
        )
        .await;
        assert_eq!(
            refusal(bad_record),
            (
                "nilai_record".into(),
                "\"10.10.1.300\" bukan alamat IPv4 untuk record A (misalnya 10.10.1.7)".into()
            )
        );
        let entries = [
            ("lumajang", "lumajang/vpn", "lmj-pemohon", "nama_akun_vpn", "simpeg.vpn", RegistryKind::Vpn),
            (
                "lumajang",
                "lumajang/subdomain",
                "lmj-pemohon",
                "nama_domain_lengkap",
                "simpeg.lumajangkab.go.id",
                RegistryKind::Subdomain,
            ),
            (
                "lumajang",
                "lumajang/email",
                "lmj-pemohon",
                "alamat_email",
                "simpeg@lumajangkab.go.id",
                RegistryKind::Email,
            ),
            (
                "trenggalek",
                "trenggalek/ruang-server",
                "tgx-pemohon",
                "nomor_kartu",
                "KA-SIMPEG",
                RegistryKind::ServerRoomAccess,
            ),
        ];
        for (agency, sop_id, requester, field, name, kind) in entries {
            run(s, agency, sop_id, requester, &[(field, name)]).await.unwrap();
            let query = Filter { query: Some(name.to_uppercase()), ..Default::default() };
            let found = s.registry(agency, kind, &query).await.unwrap();
            assert_eq!(found.len(), 1, "{} {name}", db.label);
            let id = found[0].id.clone();
            // Whoever acts in the step that fills that registry keeps it.
            let keeper = match kind {
                RegistryKind::Vpn => "lmj-admin-jaringan",
                RegistryKind::Subdomain => "lmj-admin-server",
                RegistryKind::Email => "lmj-admin-mail",
                RegistryKind::ServerRoomAccess => "tgx-operator",
            };
            let long = "x".repeat(1001);
            let too_long = s.change_entry_state(agency, &id, keeper, "ditangguhkan", &long, 0).await;
            assert!(
                matches!(&too_long, Err(StoreError::Engine(EngineError::Invalid(e))) if e[0].message == "paling banyak 1000 karakter"),
                "{too_long:?}"
            );
            s.change_entry_state(agency, &id, keeper, "ditangguhkan", "Diperiksa", 1).await.unwrap();
            s.change_entry_state(agency, &id, keeper, "dicabut", "Tidak dipakai lagi", 2).await.unwrap();
            let revoked =
                Filter { state: Some("dicabut".into()), query: Some(name.into()), ..Default::default() };
            assert_eq!(s.registry(agency, kind, &revoked).await.unwrap().len(), 1, "{name}");
        }
    }
}

/// Search finds any part of an entry's name, of its responsible person's
/// name or of its unit's name, in any letter case, and takes what was typed
/// literally (quotes, `%`, `_`): on SQLite three characters or more are
/// looked up in the trigram index, shorter ones by reading the registry; on
/// PostgreSQL pg_trgm's indexes serve the same LIKE.
#[tokio::test]
async fn search_finds_any_part_of_name_person_or_unit_literally() {
    for db in backends().await {
        let s = &db.store;
        for (requester, name, who, unit) in [
            ("lmj-pemohon", "bappeda.siti", "Siti Aminah", "Badan Perencanaan Pembangunan Daerah"),
            ("lmj-pemohon-2", "dinkes.budi", "Budi \"Har_tono\" 100%", "Dinas Kesehatan"),
        ] {
            run(
                s,
                "lumajang",
                "lumajang/vpn",
                requester,
                &[("nama_akun_vpn", name), ("penanggung_jawab", who), ("unit_kerja", unit)],
            )
            .await
            .unwrap();
        }
        let found = |agency: &'static str, kind: RegistryKind, q: &'static str| async move {
            let filter = Filter { query: Some(q.into()), ..Default::default() };
            let entries = s.registry(agency, kind, &filter).await.unwrap();
            // Both cases are opened at the same minute: their order is the ids'.
            let mut names = entries.into_iter().map(|e| e.name).collect::<Vec<_>>();
            names.sort();
            names
        };
        let vpn = |q: &'static str| found("lumajang", RegistryKind::Vpn, q);
        for (q, expected) in [
            ("DINKES.B", vec!["dinkes.budi"]),
            ("es.bu", vec!["dinkes.budi"]),
            ("  aminah ", vec!["bappeda.siti"]),
            ("ti", vec!["bappeda.siti"]),
            ("\"har_tono\"", vec!["dinkes.budi"]),
            ("100%", vec!["dinkes.budi"]),
            ("r%t", vec![]),
            ("ar_t", vec!["dinkes.budi"]),
            ("arxt", vec![]),
            ("kesehatan", vec!["dinkes.budi"]),
            ("Perencanaan", vec!["bappeda.siti"]),
            ("a", vec!["bappeda.siti", "dinkes.budi"]),
            ("tidak ada", vec![]),
        ] {
            assert_eq!(vpn(q).await, expected, "{}: {q:?}", db.label);
        }
        assert!(found("lumajang", RegistryKind::Email, "dinkes").await.is_empty(), "{}", db.label);
        assert!(found("trenggalek", RegistryKind::Vpn, "budi").await.is_empty(), "{}", db.label);
        let newest = Filter { query: Some("siti".into()), limit: Some(1), ..Default::default() };
        assert_eq!(
            s.registry("lumajang", RegistryKind::Vpn, &newest).await.unwrap().len(),
            1,
            "{}",
            db.label
        );
    }
}

/// A control character in a search is refused naming the field, on both
/// databases (PostgreSQL refuses a NUL byte in text, SQLite's full-text
/// query breaks on it).
#[tokio::test]
async fn a_control_character_in_a_search_is_refused() {
    for db in backends().await {
        let s = &db.store;
        run(s, "lumajang", "lumajang/vpn", "lmj-pemohon", &[("nama_akun_vpn", "bappeda.siti")])
            .await
            .unwrap();
        for q in ["ab\0c", "\0", "siti\u{7}"] {
            let filter = Filter { query: Some(q.into()), ..Default::default() };
            match s.registry("lumajang", RegistryKind::Vpn, &filter).await {
                Err(StoreError::Engine(EngineError::Invalid(e))) => {
                    assert_eq!(e[0].field, "q", "{}", db.label);
                    assert!(e[0].message.starts_with("memuat karakter kendali"), "{}", e[0].message);
                }
                other => panic!("{}: {q:?}: {other:?}", db.label),
            }
        }
    }
}

/// Who keeps a registry follows the SOPs: the people acting in the step
/// that fills it, and administrators; nobody else changes its entries.
#[tokio::test]
async fn each_registry_kind_is_kept_by_those_acting_in_the_step_that_fills_it() {
    for db in backends().await {
        let s = &db.store;
        let keepers = |agency: &'static str, kind: RegistryKind| async move {
            let mut found = Vec::new();
            for (person, person_agency, ..) in store::demo::PEOPLE {
                if person_agency == agency && s.keeps_registry(agency, kind, person).await.unwrap() {
                    found.push(person);
                }
            }
            found
        };
        assert_eq!(keepers("lumajang", RegistryKind::Vpn).await, ["lmj-admin-jaringan"], "{}", db.label);
        assert_eq!(keepers("lumajang", RegistryKind::Subdomain).await, ["lmj-admin-server"]);
        assert_eq!(keepers("lumajang", RegistryKind::Email).await, ["lmj-admin-mail"]);
        assert!(
            keepers("lumajang", RegistryKind::ServerRoomAccess).await.is_empty(),
            "no Lumajang SOP fills it"
        );
        assert_eq!(keepers("trenggalek", RegistryKind::ServerRoomAccess).await, ["tgx-operator"]);

        run(s, "lumajang", "lumajang/vpn", "lmj-pemohon", &[("nama_akun_vpn", "bappeda.siti")])
            .await
            .unwrap();
        let id = all(s, "lumajang", RegistryKind::Vpn).await[0].id.clone();
        for other in ["lmj-petugas", "lmj-admin-mail", "lmj-kadis", "lmj-pemohon"] {
            let refused =
                s.change_entry_state("lumajang", &id, other, "dicabut", "Bukan urusan saya", 1).await;
            assert!(matches!(refused, Err(StoreError::NotPermitted(_))), "{other}: {refused:?}");
        }
        let (entry, history) = s.registry_entry("lumajang", &id).await.unwrap().unwrap();
        assert_eq!((entry.state.as_str(), history.len()), ("aktif", 1), "nothing changed");
        s.change_entry_state("lumajang", &id, "lmj-admin-jaringan", "dicabut", "Pindah tugas", 2)
            .await
            .unwrap();
    }
}

/// The unit of an entry is the OPD named on the request, not the unit of
/// whoever typed the request in; an OPD Sopir does not know is kept as
/// written, and found by the search.
#[tokio::test]
async fn an_entry_belongs_to_the_unit_named_on_the_request() {
    for db in backends().await {
        let s = &db.store;
        for (account, unit) in
            [("dinkes.vpn", "dinas kesehatan "), ("dikbud.vpn", "Dinas Pendidikan dan Kebudayaan")]
        {
            // Typed in by someone of Bappeda.
            run(
                s,
                "lumajang",
                "lumajang/vpn",
                "lmj-pemohon",
                &[("nama_akun_vpn", account), ("unit_kerja", unit)],
            )
            .await
            .unwrap();
        }
        let units: Vec<(String, String)> =
            all(s, "lumajang", RegistryKind::Vpn).await.into_iter().map(|e| (e.name, e.unit)).collect();
        assert!(units.contains(&("dinkes.vpn".into(), "Dinas Kesehatan".into())), "{}: {units:?}", db.label);
        assert!(
            units.contains(&("dikbud.vpn".into(), "Dinas Pendidikan dan Kebudayaan".into())),
            "{}: {units:?}",
            db.label
        );
        for (q, name) in [("kesehatan", "dinkes.vpn"), ("kebudayaan", "dikbud.vpn"), ("ebu", "dikbud.vpn")] {
            let filter = Filter { query: Some(q.into()), ..Default::default() };
            let found: Vec<String> = s
                .registry("lumajang", RegistryKind::Vpn, &filter)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.name)
                .collect();
            assert_eq!(found, [name], "{}: {q}", db.label);
        }
    }
}

/// The subdomain asked for is checked when the request is submitted, by the
/// rule the administrator's step applies (reserved names, the agency's
/// domain, names already given out); a refused request leaves nothing.
#[tokio::test]
async fn a_requested_subdomain_is_checked_when_submitted_by_the_administrators_rule() {
    for db in backends().await {
        let s = &db.store;
        let request =
            |label: &'static str| run_with(s, "lumajang/subdomain", "lmj-pemohon", "subdomain", label);
        assert_eq!(
            refusal(request("www").await),
            ("subdomain".into(), "\"www\" dicadangkan untuk layanan instansi sendiri".into()),
            "{}",
            db.label
        );
        assert!(s.cases_requested_by("lumajang", "lmj-pemohon").await.unwrap().is_empty(), "nothing stored");
        let first = run(
            s,
            "lumajang",
            "lumajang/subdomain",
            "lmj-pemohon",
            &[("subdomain", "sipd"), ("nama_domain_lengkap", "sipd.lumajangkab.go.id")],
        )
        .await
        .unwrap();
        assert_eq!(
            refusal(request("sipd").await),
            (
                "subdomain".into(),
                format!("sipd.lumajangkab.go.id sudah terdaftar (permohonan {})", first.number)
            )
        );
    }
}

/// An administrator who registers another name than the one requested
/// says why; the reason is in the entry's history.
#[tokio::test]
async fn a_name_other_than_the_requested_one_needs_a_recorded_reason() {
    for db in backends().await {
        let s = &db.store;
        let given = |reason: &'static str| async move {
            run(
                s,
                "lumajang",
                "lumajang/subdomain",
                "lmj-pemohon",
                &[
                    ("subdomain", "simpeg"),
                    ("nama_domain_lengkap", "simpeg-bkd.lumajangkab.go.id"),
                    ("alasan_nama_berbeda", reason),
                ],
            )
            .await
        };
        assert_eq!(
            refusal(given("").await),
            (
                "alasan_nama_berbeda".into(),
                "wajib diisi: simpeg-bkd.lumajangkab.go.id berbeda dari yang diminta (simpeg.lumajangkab.go.id)"
                    .into()
            ),
            "{}",
            db.label
        );
        assert!(all(s, "lumajang", RegistryKind::Subdomain).await.is_empty(), "nothing registered");
        given("simpeg sudah dipakai aplikasi lama BKD").await.unwrap();
        let entry = &all(s, "lumajang", RegistryKind::Subdomain).await[0];
        let (_, history) = s.registry_entry("lumajang", &entry.id).await.unwrap().unwrap();
        assert!(
            history[0].reason.ends_with(
                "; berbeda dari yang diminta (simpeg.lumajangkab.go.id): simpeg sudah dipakai aplikasi lama BKD"
            ),
            "{}: {:?}",
            db.label,
            history[0].reason
        );
        // The requested name registered as asked needs no reason.
        run(
            s,
            "lumajang",
            "lumajang/subdomain",
            "lmj-pemohon",
            &[
                ("subdomain", "sakip"),
                ("nama_domain_lengkap", "sakip.lumajangkab.go.id"),
                ("alasan_nama_berbeda", ""),
            ],
        )
        .await
        .unwrap();
        // The e-mail registry follows the same rule.
        let mail = run(
            s,
            "lumajang",
            "lumajang/email",
            "lmj-pemohon",
            &[
                ("nama_akun_diminta", "bappeda"),
                ("alamat_email", "bappeda.umum@lumajangkab.go.id"),
                ("alasan_nama_berbeda", ""),
            ],
        )
        .await;
        assert_eq!(refusal(mail).0, "alasan_nama_berbeda", "{}", db.label);
    }
}

/// Temporary server-room access names its end; an end date already past
/// is refused where it is entered (the request, or the VPN administrator's
/// step).
#[tokio::test]
async fn temporary_access_needs_an_end_date_and_no_end_date_is_already_past() {
    for db in backends().await {
        let s = &db.store;
        let access = |kind: &'static str, until: &'static str| async move {
            run(
                s,
                "trenggalek",
                "trenggalek/ruang-server",
                "tgx-pemohon",
                &[("jenis_akses", kind), ("berlaku_sampai", until)],
            )
            .await
        };
        assert_eq!(
            refusal(access("Akses sementara", "").await),
            ("berlaku_sampai".into(), "wajib diisi bila Jenis akses yang diminta \"Akses sementara\"".into()),
            "{}",
            db.label
        );
        // Requests are submitted on 23 November 2026 (`run`).
        assert_eq!(
            refusal(access("Akses sementara", "2026-11-22").await),
            ("berlaku_sampai".into(), "2026-11-22 sudah lewat; paling cepat hari ini (2026-11-23)".into()),
            "{}",
            db.label
        );
        assert!(
            s.cases_requested_by("trenggalek", "tgx-pemohon").await.unwrap().is_empty(),
            "nothing stored"
        );
        access("Akses sementara", "2026-11-23").await.unwrap();
        access("Akses tetap", "").await.unwrap();

        let vpn =
            run(s, "lumajang", "lumajang/vpn", "lmj-pemohon", &[("berlaku_sampai", "2026-10-31")]).await;
        assert_eq!(
            refusal(vpn),
            ("berlaku_sampai".into(), "2026-10-31 sudah lewat; paling cepat hari ini (2026-11-23)".into()),
            "{}",
            db.label
        );
        assert!(all(s, "lumajang", RegistryKind::Vpn).await.is_empty());
    }
}
