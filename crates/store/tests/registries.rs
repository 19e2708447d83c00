//! Registries through the real flows, on SQLite and (when available)
//! PostgreSQL: the administrator's step creates the entry; names are
//! checked (domain and mailbox rules, reserved names, clashes) with exact
//! messages; entries are searched, suspended, reactivated and revoked with
//! their history; another agency sees none of it.

mod common;

use common::{MINUTE, backends, run_to_registry as run, wib};
use engine::{CaseState, EngineError, Verdict};
use store::registry::{EntryState, Filter};
use store::{DecideReviewItem, Store, StoreError};

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

async fn all(s: &Store, agency: &str, kind: &str) -> Vec<store::registry::Entry> {
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
        let entries = all(s, "lumajang", "vpn").await;
        assert_eq!(entries.len(), 1, "{}", db.label);
        let e = &entries[0];
        assert_eq!(
            (
                e.name.as_str(),
                e.responsible.as_str(),
                e.valid_until.as_deref(),
                e.state.key(),
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
        assert_eq!(all(s, "lumajang", "subdomain").await[0].name, "sipd.lumajangkab.go.id");
        run(s, "lumajang", "lumajang/email", "lmj-pemohon", &[("alamat_email", "bappeda@lumajangkab.go.id")])
            .await
            .unwrap();
        assert_eq!(all(s, "lumajang", "email").await[0].name, "bappeda@lumajangkab.go.id");

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
        let cards = all(s, "trenggalek", "akses-ruang-server").await;
        assert_eq!(
            (cards[0].name.as_str(), cards[0].responsible.as_str()),
            ("KA-0042", "Rina Marlina, S.E.")
        );
        assert!(cards[0].expired, "valid until 24 November 2026");
        let expired = Filter { expired_only: true, ..Default::default() };
        assert_eq!(s.registry("trenggalek", "akses-ruang-server", &expired).await.unwrap().len(), 1);
        // Each agency sees only its own.
        assert!(all(s, "trenggalek", "vpn").await.is_empty());
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
        assert_eq!(all(s, "lumajang", "subdomain").await.len(), 1, "{}", db.label);
        assert_eq!(all(s, "lumajang", "email").await.len(), 1);
        assert_eq!(all(s, "lumajang", "vpn").await.len(), 1);
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
        let found = s.registry("lumajang", "vpn", &search("BUDI")).await.unwrap();
        assert_eq!(found.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["dinkes.budi"]);
        let id = found[0].id.clone();
        let at = wib(2026, 11, 24, 10, 0);
        let change = |state: &'static str, reason: &'static str, at: i64| {
            let id = id.clone();
            async move { s.change_entry_state("lumajang", &id, "lmj-admin-jaringan", state, reason, at).await }
        };
        let message = |r: Result<(), StoreError>| match r {
            Err(StoreError::Engine(EngineError::Invalid(e))) => e[0].message.clone(),
            Err(StoreError::Engine(EngineError::NotNow(m))) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(message(change("ditangguhkan", "  ", at).await), "wajib diisi");
        assert_eq!(message(change("hilang", "x", at).await), "pilih aktif, ditangguhkan atau dicabut");
        change("ditangguhkan", "Pegawai cuti panjang", at).await.unwrap();
        assert_eq!(message(change("ditangguhkan", "lagi", at).await), "entri sudah berstatus ditangguhkan");
        let suspended = Filter { state: Some("ditangguhkan".into()), ..Default::default() };
        assert_eq!(s.registry("lumajang", "vpn", &suspended).await.unwrap().len(), 1);
        change("aktif", "Kembali bertugas", at + MINUTE).await.unwrap();
        change("dicabut", "Pindah tugas ke instansi lain", at + 2 * MINUTE).await.unwrap();
        assert_eq!(
            message(change("aktif", "x", at).await),
            "entri sudah dicabut dan tidak dapat diubah lagi"
        );
        let (entry, history) = s.registry_entry("lumajang", &id).await.unwrap().unwrap();
        assert_eq!(entry.state, EntryState::Revoked);
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
        let cards = all(s, "trenggalek", "akses-ruang-server").await;
        assert_eq!((cards[0].name.as_str(), cards[0].state.key()), ("KA-0042", "dicabut"));
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
                s.decide_review_item(DecideReviewItem {
                    agency: "trenggalek".into(),
                    case,
                    entry,
                    by: by.into(),
                    decision: decision.into(),
                    reason: reason.into(),
                    at: at + MINUTE,
                })
                .await
            }
        };
        let not_reviewer = decide(id("KA-1"), "tgx-operator", "tetap", "").await;
        assert!(matches!(not_reviewer, Err(StoreError::NotPermitted(_))), "{not_reviewer:?}");
        // "tidak-ditinjau" is the closing's mark, not a reviewer's choice.
        for not_a_choice in ["hapus", "tidak-ditinjau", ""] {
            assert_eq!(
                refusal_of(decide(id("KA-1"), "tgx-kabid", not_a_choice, "").await),
                "pilih tetap atau cabut"
            );
        }
        decide(id("KA-1"), "tgx-kabid", "tetap", "").await.unwrap();
        let no_reason = decide(id("KA-3"), "tgx-kabid", "cabut", " ").await;
        assert_eq!(refusal_of(no_reason), "wajib diisi bila akses dicabut");
        decide(id("KA-2"), "tgx-kabid", "cabut", "Pegawai pindah ke OPD lain").await.unwrap();
        assert_eq!(
            refusal_of(decide(id("KA-2"), "tgx-kabid", "tetap", "").await),
            "entri ini sudah diputuskan: cabut"
        );
        let cards = all(s, "trenggalek", "akses-ruang-server").await;
        let state_of = |cards: &[store::registry::Entry], name: &str| {
            let e = cards.iter().find(|e| e.name == name).unwrap();
            (e.state, e.unreviewed)
        };
        assert_eq!(
            state_of(&cards, "KA-2"),
            (EntryState::Revoked, false),
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
            items.iter().map(|i| (i.name.as_str(), i.decision.map(|d| d.key()))).collect();
        assert_eq!(
            outcome,
            [
                ("KA-1", Some("tetap")),
                ("KA-2", Some("cabut")),
                ("KA-3", Some("tidak-ditinjau")),
                ("KA-4", Some("tidak-ditinjau"))
            ]
        );
        let cards = all(s, "trenggalek", "akses-ruang-server").await;
        assert_eq!(state_of(&cards, "KA-1"), (EntryState::Active, false));
        assert_eq!(
            state_of(&cards, "KA-3"),
            (EntryState::Active, true),
            "kept but flagged, not silently revoked"
        );
        assert_eq!(state_of(&cards, "KA-4"), (EntryState::Active, true));
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
        let cards = all(s, "trenggalek", "akses-ruang-server").await;
        assert!(cards.iter().all(|e| e.state == EntryState::Revoked), "{}", db.label);
    }
}

fn refusal_of(result: Result<(), StoreError>) -> String {
    match result {
        Err(StoreError::Engine(EngineError::Invalid(errors))) => errors[0].message.clone(),
        Err(StoreError::Engine(EngineError::NotNow(m))) => m,
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
            ("lumajang", "lumajang/vpn", "lmj-pemohon", "nama_akun_vpn", "simpeg.vpn", "vpn"),
            (
                "lumajang",
                "lumajang/subdomain",
                "lmj-pemohon",
                "nama_domain_lengkap",
                "simpeg.lumajangkab.go.id",
                "subdomain",
            ),
            (
                "lumajang",
                "lumajang/email",
                "lmj-pemohon",
                "alamat_email",
                "simpeg@lumajangkab.go.id",
                "email",
            ),
            (
                "trenggalek",
                "trenggalek/ruang-server",
                "tgx-pemohon",
                "nomor_kartu",
                "KA-SIMPEG",
                "akses-ruang-server",
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
                "vpn" => "lmj-admin-jaringan",
                "subdomain" => "lmj-admin-server",
                "email" => "lmj-admin-mail",
                "akses-ruang-server" => "tgx-operator",
                other => panic!("no keeper for {other}"),
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
        let found = |agency: &'static str, kind: &'static str, q: &'static str| async move {
            let filter = Filter { query: Some(q.into()), ..Default::default() };
            let entries = s.registry(agency, kind, &filter).await.unwrap();
            // Both cases are opened at the same minute: their order is the ids'.
            let mut names = entries.into_iter().map(|e| e.name).collect::<Vec<_>>();
            names.sort();
            names
        };
        let vpn = |q: &'static str| found("lumajang", "vpn", q);
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
        assert!(found("lumajang", "email", "dinkes").await.is_empty(), "{}", db.label);
        assert!(found("trenggalek", "vpn", "budi").await.is_empty(), "{}", db.label);
        let newest = Filter { query: Some("siti".into()), limit: Some(1), ..Default::default() };
        assert_eq!(s.registry("lumajang", "vpn", &newest).await.unwrap().len(), 1, "{}", db.label);
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
            match s.registry("lumajang", "vpn", &filter).await {
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
        let keepers = |agency: &'static str, kind: &'static str| async move {
            let mut found = Vec::new();
            for (person, _) in store::demo::position_holders() {
                if person.agency == agency && s.keeps_registry(agency, kind, &person.id).await.unwrap() {
                    found.push(person.id.as_str());
                }
            }
            found
        };
        assert_eq!(keepers("lumajang", "vpn").await, ["lmj-admin-jaringan"], "{}", db.label);
        assert_eq!(keepers("lumajang", "subdomain").await, ["lmj-admin-server"]);
        assert_eq!(keepers("lumajang", "email").await, ["lmj-admin-mail"]);
        assert!(keepers("lumajang", "akses-ruang-server").await.is_empty(), "no Lumajang SOP fills it");
        assert_eq!(keepers("trenggalek", "akses-ruang-server").await, ["tgx-operator"]);

        run(s, "lumajang", "lumajang/vpn", "lmj-pemohon", &[("nama_akun_vpn", "bappeda.siti")])
            .await
            .unwrap();
        let id = all(s, "lumajang", "vpn").await[0].id.clone();
        for other in ["lmj-petugas", "lmj-admin-mail", "lmj-kadis", "lmj-pemohon"] {
            let refused =
                s.change_entry_state("lumajang", &id, other, "dicabut", "Bukan urusan saya", 1).await;
            assert!(matches!(refused, Err(StoreError::NotPermitted(_))), "{other}: {refused:?}");
        }
        let (entry, history) = s.registry_entry("lumajang", &id).await.unwrap().unwrap();
        assert_eq!((entry.state.key(), history.len()), ("aktif", 1), "nothing changed");
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
            all(s, "lumajang", "vpn").await.into_iter().map(|e| (e.name, e.unit)).collect();
        assert!(units.contains(&("dinkes.vpn".into(), "Dinas Kesehatan".into())), "{}: {units:?}", db.label);
        assert!(
            units.contains(&("dikbud.vpn".into(), "Dinas Pendidikan dan Kebudayaan".into())),
            "{}: {units:?}",
            db.label
        );
        for (q, name) in [("kesehatan", "dinkes.vpn"), ("kebudayaan", "dikbud.vpn"), ("ebu", "dikbud.vpn")] {
            let filter = Filter { query: Some(q.into()), ..Default::default() };
            let found: Vec<String> =
                s.registry("lumajang", "vpn", &filter).await.unwrap().into_iter().map(|e| e.name).collect();
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
        assert!(
            s.cases_after("lumajang", Some("lmj-pemohon"), None, 100).await.unwrap().is_empty(),
            "nothing stored"
        );
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
        assert!(all(s, "lumajang", "subdomain").await.is_empty(), "nothing registered");
        given("simpeg sudah dipakai aplikasi lama BKD").await.unwrap();
        let entry = &all(s, "lumajang", "subdomain").await[0];
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
            s.cases_after("trenggalek", Some("tgx-pemohon"), None, 100).await.unwrap().is_empty(),
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
        assert!(all(s, "lumajang", "vpn").await.is_empty());
    }
}

/// An SOP declaring a registry kind of its own (issue 17, point 5).
const ALAMAT_IP: &str = include_str!("../../sop/tests/fixtures/alamat-ip.toml");

/// A kind an SOP declares is a registry like the built-in ones, its names
/// checked by the rule it declares: an IP-address allocation refuses what
/// is not an address at the field, changing nothing; registers an address
/// in its canonical form; refuses an address a live entry holds; and
/// stands among the agency's registries under its label.
#[tokio::test]
async fn an_sop_declared_ip_registry_checks_its_addresses() {
    for db in backends().await {
        let s = &db.store;
        assert!(
            s.registry_kind("lumajang", "alamat-ip").await.unwrap().is_none(),
            "not before it is declared"
        );
        s.publish_sop("alamat-ip.toml", ALAMAT_IP, wib(2026, 11, 2, 8, 0)).await.unwrap();
        let kind = s.registry_kind("lumajang", "alamat-ip").await.unwrap().expect("declared kind");
        assert_eq!((kind.label(), kind.name_rule()), ("Alokasi alamat IP", sop::definition::NameRule::Ip));
        let keys: Vec<String> =
            s.registry_kinds("lumajang").await.unwrap().iter().map(|k| k.key().to_string()).collect();
        assert_eq!(keys, ["vpn", "subdomain", "email", "alamat-ip"], "{}", db.label);
        // Trenggalek declares nothing of the kind.
        assert!(s.registry_kind("trenggalek", "alamat-ip").await.unwrap().is_none());

        let refused =
            run(s, "lumajang", "lumajang/alamat-ip", "lmj-pemohon", &[("alamat_ip", "10.20.30.256")]).await;
        assert_eq!(
            refusal(refused),
            (
                "alamat_ip".to_string(),
                "\"10.20.30.256\" bukan alamat IP yang sah; tulis alamat IPv4 seperti 10.20.30.40 atau IPv6 seperti 2001:db8::1"
                    .to_string()
            ),
            "{}",
            db.label
        );
        // The refused step is still open and nothing was registered.
        let case = s
            .cases("lumajang")
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.sop_id == "lumajang/alamat-ip")
            .unwrap();
        let state = s.case("lumajang", &case.id).await.unwrap();
        assert_eq!(state.open_tasks().map(|t| t.step).collect::<Vec<_>>(), [2], "{}", db.label);
        assert!(all(s, "lumajang", "alamat-ip").await.is_empty());

        let given =
            run(s, "lumajang", "lumajang/alamat-ip", "lmj-pemohon", &[("alamat_ip", " 2001:DB8:0::10 ")])
                .await;
        given.unwrap();
        let entries = all(s, "lumajang", "alamat-ip").await;
        assert_eq!(entries.len(), 1, "{}", db.label);
        assert_eq!((entries[0].name.as_str(), entries[0].kind.as_str()), ("2001:db8::10", "alamat-ip"));
        assert_eq!(entries[0].state, EntryState::Active);

        // The same address, however written, is held already.
        let again =
            run(s, "lumajang", "lumajang/alamat-ip", "lmj-pemohon", &[("alamat_ip", "2001:db8::10")]).await;
        let (field, message) = refusal(again);
        assert_eq!(field, "alamat_ip");
        assert!(message.starts_with("2001:db8::10 sudah terdaftar (permohonan "), "{message}");
        assert_eq!(all(s, "lumajang", "alamat-ip").await.len(), 1);
        // An IPv4 address is registered beside it.
        run(s, "lumajang", "lumajang/alamat-ip", "lmj-pemohon", &[("alamat_ip", "10.20.30.40")])
            .await
            .unwrap();
        assert_eq!(all(s, "lumajang", "alamat-ip").await.len(), 2);
        // Those acting in its step keep it; the other administrators do not.
        assert!(s.keeps_registry("lumajang", "alamat-ip", "lmj-admin-jaringan").await.unwrap());
        assert!(!s.keeps_registry("lumajang", "alamat-ip", "lmj-admin-server").await.unwrap());
        let id = all(s, "lumajang", "alamat-ip").await[0].id.clone();
        match s
            .change_entry_state("lumajang", &id, "lmj-admin-server", "dicabut", "Bukan urusan saya", 3)
            .await
        {
            Err(StoreError::NotPermitted(m)) => {
                assert_eq!(m, "alokasi alamat ip hanya diubah oleh petugas yang mengisinya dan administrator")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        s.change_entry_state("lumajang", &id, "lmj-admin-jaringan", "ditangguhkan", "Perangkat dipindah", 3)
            .await
            .unwrap();
    }
}

/// Publishing an SOP that declares a kind otherwise than another published
/// SOP of the agency is refused, and nothing is published.
#[tokio::test]
async fn a_kind_is_declared_alike_throughout_an_agency() {
    for db in backends().await {
        let s = &db.store;
        s.publish_sop("alamat-ip.toml", ALAMAT_IP, wib(2026, 11, 2, 8, 0)).await.unwrap();
        let other = ALAMAT_IP
            .replace("id = \"lumajang/alamat-ip\"", "id = \"lumajang/alamat-ip-server\"")
            .replace("name_rule = \"ip\"", "name_rule = \"free\"");
        let refused = s.publish_sop("lain.toml", &other, wib(2026, 11, 2, 9, 0)).await;
        match refused {
            Err(StoreError::BadSop { message, .. }) => assert!(
                message.contains("registry-kind-conflict")
                    && message.contains("sudah dinyatakan SOP lumajang/alamat-ip dengan label \"Alokasi alamat IP\" dan name_rule \"ip\""),
                "{message}"
            ),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(s.sop("lumajang", "lumajang/alamat-ip-server", None).await.is_err(), "{}", db.label);
        // Alike, it is one registry kept by both.
        let alike = other.replace("name_rule = \"free\"", "name_rule = \"ip\"");
        s.publish_sop("lain.toml", &alike, wib(2026, 11, 2, 9, 0)).await.unwrap();
    }
}

/// A review works on any kind: an agency's review of a kind its own SOP
/// declares puts that registry's live entries on it and revokes at the
/// reviewer's word, the other registries untouched.
#[tokio::test]
async fn a_review_works_on_a_kind_an_sop_declares() {
    for db in backends().await {
        let s = &db.store;
        let at = wib(2026, 11, 24, 9, 0);
        s.publish_sop("alamat-ip.toml", ALAMAT_IP, at).await.unwrap();
        for address in ["10.20.30.40", "10.20.30.41"] {
            run(s, "lumajang", "lumajang/alamat-ip", "lmj-pemohon", &[("alamat_ip", address)]).await.unwrap();
        }
        run_with(s, "lumajang/vpn", "lmj-pemohon", "nama_akun_vpn", "bappeda.siti").await.unwrap();
        // Trenggalek's access review, rewritten as Lumajang's review of its addresses.
        let review = include_str!("../../../sops/trenggalek/review-akses.toml")
            .replace("id = \"trenggalek/review-akses\"", "id = \"lumajang/review-alamat-ip\"")
            .replace("agency = \"trenggalek\"", "agency = \"lumajang\"")
            .replace("positions = [\"operator-ruang-server\"]", "positions = [\"administrator-jaringan\"]")
            .replace(
                "kind = \"akses-ruang-server\"",
                "kind = \"alamat-ip\"\nlabel = \"Alokasi alamat IP\"\nname_rule = \"ip\"",
            );
        s.publish_sop("review-alamat-ip.toml", &review, at).await.unwrap();
        let sop = s.sop("lumajang", "lumajang/review-alamat-ip", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), Verdict::Ya);
        let opened = s
            .submit(store::Submit::new(
                "lumajang",
                "lumajang/review-alamat-ip",
                "lmj-admin-jaringan",
                input,
                at,
            ))
            .await
            .unwrap();
        let items = s.review_items("lumajang", &opened.id).await.unwrap();
        assert_eq!(
            items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
            ["10.20.30.40", "10.20.30.41"],
            "{}",
            db.label
        );
        let entry = items.iter().find(|i| i.name == "10.20.30.41").unwrap().entry_id.clone();
        s.decide_review_item(DecideReviewItem {
            agency: "lumajang".into(),
            case: opened.id.clone(),
            entry,
            by: "lmj-kabid".into(),
            decision: "cabut".into(),
            reason: "Perangkat dibuang".into(),
            at: at + MINUTE,
        })
        .await
        .unwrap();
        let states: Vec<(String, String)> = all(s, "lumajang", "alamat-ip")
            .await
            .into_iter()
            .map(|e| (e.name, e.state.key().to_string()))
            .collect();
        assert!(states.contains(&("10.20.30.41".into(), "dicabut".into())), "{states:?}");
        assert!(states.contains(&("10.20.30.40".into(), "aktif".into())), "{states:?}");
        assert_eq!(all(s, "lumajang", "vpn").await[0].state, EntryState::Active);
    }
}

/// A record value other than the server address the request named needs
/// the same recorded reason as another name.
#[tokio::test]
async fn a_record_value_other_than_the_requested_one_needs_a_recorded_reason() {
    for db in backends().await {
        let s = &db.store;
        let given = |value: &'static str, reason: &'static str| async move {
            run(
                s,
                "lumajang",
                "lumajang/subdomain",
                "lmj-pemohon",
                &[
                    ("subdomain", "arsip"),
                    ("alamat_ip_tujuan", "10.1.2.3"),
                    ("nama_domain_lengkap", "arsip.lumajangkab.go.id"),
                    ("jenis_record", "A"),
                    ("nilai_record", value),
                    ("alasan_nama_berbeda", reason),
                ],
            )
            .await
        };
        assert_eq!(
            refusal(given("10.9.9.9", "").await),
            (
                "alasan_nama_berbeda".into(),
                "wajib diisi: nilai 10.9.9.9 berbeda dari yang diminta (10.1.2.3)".into()
            ),
            "{}",
            db.label
        );
        assert!(all(s, "lumajang", "subdomain").await.is_empty(), "nothing registered");
        given("10.9.9.9", "server aplikasi dipindah ke pusat data").await.unwrap();
        let entry = &all(s, "lumajang", "subdomain").await[0];
        let (_, history) = s.registry_entry("lumajang", &entry.id).await.unwrap().unwrap();
        let expected =
            "; nilai 10.9.9.9 berbeda dari yang diminta (10.1.2.3): server aplikasi dipindah ke pusat data";
        assert!(history[0].reason.ends_with(expected), "{}: {:?}", db.label, history[0].reason);
    }
}
