//! The five seed SOPs, built in: each parses, and its shape matches the
//! seed document (steps as numbered, lanes, decisions, standard times,
//! identity page), with the OCR damage corrected.

use sop::definition::{ActionKind, Target};
use sop::{Catalog, Sop, StandardTime};

fn builtin(id: &str) -> Sop {
    Catalog::builtin().sop(id).unwrap_or_else(|| panic!("{id} is built in")).clone()
}

fn numbers(sop: &Sop) -> Vec<u32> {
    sop.steps.iter().map(|s| s.no).collect()
}

fn times(sop: &Sop) -> Vec<(u32, StandardTime)> {
    sop.steps.iter().filter_map(|s| s.time.map(|t| (s.no, t))).collect()
}

fn decisions(sop: &Sop) -> Vec<(u32, Target, Target)> {
    sop.steps.iter().filter_map(|s| s.decision.as_ref().map(|d| (s.no, d.ya, d.tidak))).collect()
}

fn lanes(sop: &Sop) -> Vec<&str> {
    sop.lanes.iter().map(|l| l.id.as_str()).collect()
}

#[test]
fn the_catalog_holds_the_five_seeds_two_derived_sops_and_both_agencies() {
    let catalog = Catalog::builtin();
    let ids: Vec<&str> = catalog.sops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "lumajang/vpn",
            "lumajang/ruang-server",
            "lumajang/subdomain",
            "lumajang/email",
            "trenggalek/ruang-server",
            "trenggalek/penghapusan-akses",
            "trenggalek/review-akses"
        ]
    );
    let removal = catalog.sop("trenggalek/penghapusan-akses").unwrap();
    assert!(removal.identity.catatan[0].starts_with("SOP TURUNAN"), "marked as derived on its identity page");
    let agencies: Vec<&str> = catalog.agencies.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(agencies, ["lumajang", "trenggalek"]);
    let review = catalog.sop("trenggalek/review-akses").unwrap();
    assert!(review.identity.catatan[0].starts_with("SOP TURUNAN"));
    for sop in catalog.sops.iter().filter(|s| s.id != removal.id && s.id != review.id) {
        // Version 2 added the notification letter's template and the registry;
        // version 3 the registry's unit from the request (and the requested
        // name's checks, temporary access's end date); version 4 the
        // connector that provisions the entry.
        let expected = if sop.registry.as_ref().is_some_and(|r| r.provision.is_some()) {
            4
        } else if sop.registry.is_some() {
            3
        } else if sop.letter.is_some() || sop.visit.is_some() {
            2
        } else {
            1
        };
        assert_eq!(sop.version, expected, "{}", sop.id);
        assert!(catalog.agency(&sop.agency).is_some(), "{} has its agency profile", sop.id);
    }
}

/// The three Lumajang disposition chains share their shape (seeds 000, 002, 004).
fn assert_disposition_chain(sop: &Sop, admin_lane: &str) {
    assert_eq!(numbers(sop), [1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13], "step 4 is missing, as printed");
    assert_eq!(lanes(sop), ["kadis", "kabid-aptika", "kasi-ppi-spbe", admin_lane, "pengguna"]);
    assert!(decisions(sop).is_empty());
    use StandardTime::Minutes;
    assert_eq!(
        times(sop),
        [
            (6, Minutes(5)),
            (7, Minutes(5)),
            (8, Minutes(5)),
            (9, Minutes(10)),
            (10, Minutes(10)),
            (11, Minutes(10))
        ]
    );
    let kinds: Vec<ActionKind> = sop.steps.iter().map(|s| s.action).collect();
    use ActionKind::*;
    assert_eq!(
        kinds,
        [Submit, Dispose, Dispose, Dispose, Perform, Report, Receive, Draft, Review, Sign, Send, Receive]
    );
    let lane_of: Vec<&str> = sop.steps.iter().map(|s| s.lane.as_str()).collect();
    assert_eq!(
        lane_of,
        [
            "pengguna",
            "kadis",
            "kabid-aptika",
            "kasi-ppi-spbe",
            admin_lane,
            admin_lane,
            "kasi-ppi-spbe",
            "kasi-ppi-spbe",
            "kabid-aptika",
            "kadis",
            "kadis",
            "pengguna"
        ]
    );
    // "Kepala Dinas / Sekretaris Dinas" is one lane held by two positions;
    // only the Secretary sends the letter (step 12).
    assert_eq!(sop.lane("kadis").unwrap().positions, ["kepala-dinas", "sekretaris-dinas"]);
    assert_eq!(sop.step(12).unwrap().positions, ["sekretaris-dinas"]);
    assert!(sop.lane("pengguna").unwrap().requester);
    // Each step leads to the next printed one; the last closes the case.
    assert_eq!(sop.step(3).unwrap().next, [Target::Step(5)]);
    assert_eq!(sop.step(13).unwrap().next, [Target::End]);

    let id = &sop.identity;
    assert_eq!(id.tanggal_pembuatan.unwrap().indonesian(), "23 Mei 2021");
    assert_eq!(id.tanggal_pengesahan.unwrap().indonesian(), "30 Mei 2021");
    assert!(id.tanggal_revisi.is_none());
    assert_eq!(id.dasar_hukum.len(), 8);
    assert_eq!(id.peringatan.len(), 2);
    assert_eq!(id.kualifikasi_pelaksana.len(), 5);
    assert_eq!(id.unit.as_deref(), Some("Bidang Aplikasi Informatika"));
    // The requester's form asks for the responsible person and the signed letter.
    let submit = sop.step(1).unwrap();
    assert!(submit.fields.iter().any(|f| f.name == "penanggung_jawab" && f.required));
    assert_eq!(submit.attachments[0].accept, ["pdf"]);
    assert!(submit.attachments[0].required);
}

#[test]
fn lumajang_vpn() {
    let sop = builtin("lumajang/vpn");
    assert_disposition_chain(&sop, "admin-jaringan");
    assert_eq!(sop.identity.nomor.value, "427.53/4/2.09/2021");
    assert_eq!(sop.identity.nama.value, "SOP Pengajuan Akses VPN");
    let approver = sop.identity.disahkan_oleh.as_ref().unwrap();
    assert_eq!(approver.nama, "Yoga Pratomo, S.STP");
    assert_eq!(approver.nip.as_deref(), Some("19780910 199802 1 001"));
    assert_eq!(sop.identity.peralatan, ["Komputer", "Printer", "ATK"]);
    assert!(sop.identity.keterkaitan.is_empty());
    // Kept as printed (a lint finding, not a correction).
    assert_eq!(sop.step(7).unwrap().outputs[0].value, "Laporan hasil pembuatan email baru");
    assert_eq!(sop.identity.pencatatan[0].value, "Pencatatan Kondisi Perangkat Data Center");
}

#[test]
fn lumajang_subdomain() {
    let sop = builtin("lumajang/subdomain");
    assert_disposition_chain(&sop, "admin-server");
    assert_eq!(sop.identity.nomor.value, "427.53/4/2.06/2021");
    assert_eq!(sop.identity.nama.value, "SOP Layanan Pembuatan Subdomain");
    assert_eq!(sop.identity.keterkaitan, ["SOP surat masuk / surat keluar"]);
    assert_eq!(sop.identity.peralatan.len(), 5);
    assert_eq!(sop.step(6).unwrap().outputs[0].value, "Subdomain");
    // The requested name is an RFC 1035 label.
    let field = sop.step(1).unwrap().fields.iter().find(|f| f.name == "subdomain").unwrap();
    let pattern = field.pattern.as_ref().unwrap();
    assert!(pattern.is_match("sipd") && pattern.is_match("e-kinerja2"));
    assert!(!pattern.is_match("-awal") && !pattern.is_match("Kapital") && !pattern.is_match("a.b"));
    assert!(!pattern.is_match(&"a".repeat(64)));
}

#[test]
fn lumajang_email() {
    let sop = builtin("lumajang/email");
    assert_disposition_chain(&sop, "admin-mail");
    assert_eq!(sop.identity.nomor.value, "427.53/4/2.04/2021");
    assert_eq!(sop.identity.nama.value, "SOP Layanan Pembuatan Akun Email");
    assert!(sop.identity.disahkan_oleh.is_none(), "blank in the source");
    assert_eq!(sop.step(6).unwrap().outputs[0].value, "Akun Email");
}

#[test]
fn lumajang_server_room() {
    let sop = builtin("lumajang/ruang-server");
    assert_eq!(numbers(&sop), [1, 2, 3, 5, 6]);
    assert_eq!(lanes(&sop), ["petugas", "kasi-ppi-spbe"]);
    assert_eq!(decisions(&sop), [(5, Target::Step(6), Target::Rejected)]);
    use StandardTime::Minutes;
    assert_eq!(
        times(&sop),
        [(1, Minutes(10)), (2, Minutes(5)), (3, Minutes(5)), (5, Minutes(10)), (6, Minutes(15))]
    );
    assert_eq!(sop.step(6).unwrap().action, ActionKind::Escort);
    let id = &sop.identity;
    assert_eq!(id.nomor.value, "427.53/4/2.01/2021");
    // OCR damage corrected, and each correction recorded.
    assert_eq!(id.tanggal_pengesahan.unwrap().indonesian(), "30 Mei 2021");
    assert_eq!(id.disahkan_oleh.as_ref().unwrap().nama, "Yoga Pratomo, S.STP");
    assert_eq!(sop.step(1).unwrap().requirements, ["KTP"]);
    assert!(id.dasar_hukum[0].contains("Transaksi Elektronik"));
    let printed: Vec<&str> = sop.corrections.iter().map(|c| c.printed.as_str()).collect();
    for damage in ["30 MET DOUPATEN", "YOGA PRANOMO, S.STP", "КТР", "Transasksi"] {
        assert!(printed.contains(&damage), "correction of {damage} recorded");
    }
    // NIK is personal data.
    let nik = sop.step(1).unwrap().fields.iter().find(|f| f.name == "nik_pengunjung").unwrap();
    assert!(nik.personal);
}

#[test]
fn trenggalek_server_room() {
    let sop = builtin("trenggalek/ruang-server");
    assert_eq!(numbers(&sop), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(lanes(&sop), ["pemohon", "kadis", "kabid-aptika", "operator"]);
    assert_eq!(decisions(&sop), [(3, Target::Step(4), Target::Rejected)]);
    let d = sop.step(3).unwrap().decision.clone().unwrap();
    assert_eq!((d.ya_label.as_str(), d.tidak_label.as_str()), ("disetujui", "ditolak"));
    assert_eq!(times(&sop).len(), 7);
    assert!(times(&sop).iter().all(|(_, t)| *t == StandardTime::Days(1)));
    assert_eq!(sop.step(5).unwrap().action, ActionKind::IssueCard);
    assert_eq!(sop.step(5).unwrap().outputs[0].value, "Kartu Akses");
    let id = &sop.identity;
    assert_eq!(id.nomor.value, "060/016/406.020/2023");
    assert_eq!(id.tanggal_efektif.unwrap().indonesian(), "6 Januari 2023");
    assert!(id.tanggal_pengesahan.is_none());
    let approver = id.disahkan_oleh.as_ref().unwrap();
    assert_eq!(approver.nama, "Edif Hayunan Siswanto, S.Sos., M.Si.");
    assert_eq!(approver.pangkat.as_deref(), Some("Pembina Utama Muda"));
    assert_eq!(approver.nip.as_deref(), Some("19710609 199201 1 002"));
    assert_eq!(id.dasar_hukum.len(), 4);
    assert_eq!(id.peralatan.len(), 4);
    assert_eq!(id.catatan.len(), 2);
}

#[test]
fn no_ocr_damage_survives_in_the_built_in_text() {
    for (name, text) in sop::catalog::BUILTIN {
        // Damage may only appear as a recorded `printed = …` value.
        for line in text.lines().filter(|l| !l.starts_with("printed = ")) {
            for damage in ["PRANOMO", "DOUPATEN", "Transasksi", "pengnjung", "Kabis"] {
                assert!(!line.contains(damage), "{name}: {line}");
            }
            assert!(
                !line.chars().any(|c| ('\u{400}'..='\u{4FF}').contains(&c)),
                "Cyrillic in {name}: {line}"
            );
        }
    }
}

#[test]
fn the_same_definitions_load_from_a_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sops");
    let (catalog, diagnostics) = Catalog::load_paths(&[dir]).unwrap();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let mut ids: Vec<&str> = catalog.sops.iter().map(|s| s.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "lumajang/email",
            "lumajang/ruang-server",
            "lumajang/subdomain",
            "lumajang/vpn",
            "trenggalek/penghapusan-akses",
            "trenggalek/review-akses",
            "trenggalek/ruang-server"
        ]
    );
    assert_eq!(catalog.agencies.len(), 2);
}

#[test]
fn every_position_a_built_in_lane_names_is_in_its_agency_s_list_and_another_is_flagged() {
    let catalog = Catalog::builtin();
    for sop in &catalog.sops {
        let agency = catalog.agency(&sop.agency).unwrap();
        for position in sop.lanes.iter().flat_map(|l| &l.positions) {
            assert!(agency.positions.iter().any(|p| &p.id == position), "{}: {position}", sop.id);
        }
    }
    let sources: Vec<(String, String)> = sop::catalog::BUILTIN
        .iter()
        .filter(|(name, _)| name.starts_with("sops/trenggalek/"))
        .map(|(name, text)| {
            // A typo in the SOPs' lanes, not in the agency's list.
            let text = if name.ends_with(sop::catalog::AGENCY_FILE) {
                text.to_string()
            } else {
                text.replace("\"operator-ruang-server\"", "\"operator-ruang-sever\"")
            };
            (name.to_string(), text)
        })
        .collect();
    let (_, diagnostics) = Catalog::from_sources(sources.clone());
    let unlisted: Vec<&str> =
        diagnostics.iter().filter(|d| d.code == "unknown-position").map(|d| d.message.as_str()).collect();
    // Each finding stands at the lane that names the position, not at 1:1.
    for d in diagnostics.iter().filter(|d| d.code == "unknown-position") {
        let text = &sources.iter().find(|(name, _)| d.file.ends_with(name.as_str())).unwrap().1;
        let lines: Vec<&str> = text.lines().collect();
        let lane = &lines[d.at.line - 1..];
        let block: Vec<&str> = lane.iter().take_while(|l| !l.trim().is_empty()).copied().collect();
        assert!(block.iter().any(|l| l.contains("operator-ruang-sever")), "{}:{:?}: {block:?}", d.file, d.at);
    }
    assert_eq!(unlisted.len(), 3, "one per SOP naming it: {unlisted:?}");
    assert!(unlisted[0].starts_with(
        "jabatan \"operator-ruang-sever\" tidak ada dalam daftar jabatan instansi \"trenggalek\""
    ));
}
