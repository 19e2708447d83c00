//! The organisation as data (issue 17): agencies made and edited at run
//! time, their units and positions with superiors and rights, holdings
//! that must name a listed position — each change checked field by field,
//! recorded in the audit chain, and nothing written when refused — and the
//! rules that used to follow Lumajang's position names (escalation, who
//! keeps registries, who is told) following any agency's own structure.

mod common;

use std::collections::BTreeSet;

use common::{MINUTE, advance, backends, wib};
use engine::Verdict;
use engine::organisation::{Holding, Person, Position, PositionRight};
use jiff::civil::date;
use sop::UnitKind;
use store::{Store, StoreError, Unit};

/// A third agency whose structure shares no name with the demo agencies.
const BLITAR: &str = r#"
id = "blitar"
government = "Pemerintah Kabupaten Blitar"
name = "Dinas Komunikasi, Informatika dan Statistik"
timezone = "Asia/Jakarta"
domain = "blitarkab.go.id"
letterhead = ["PEMERINTAH KABUPATEN BLITAR", "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"]

[letters]
number = "{klasifikasi}/{urut:3}/409.108/{tahun}"
place = "Blitar"

[[units]]
id = "blt-kominfo"
name = "Dinas Komunikasi, Informatika dan Statistik"

[[units]]
id = "blt-bappeda"
name = "Bappeda"
kind = "opd"

[[positions]]
id = "kadis"
name = "Kepala Dinas Komunikasi, Informatika dan Statistik"
unit = "blt-kominfo"
rights = ["heads-agency", "signs-letters", "reads-reports"]

[[positions]]
id = "sekretaris"
name = "Sekretaris"
unit = "blt-kominfo"
reports_to = "kadis"
rights = ["signs-letters"]

[[positions]]
id = "kabid-tik"
name = "Kepala Bidang Teknologi Informasi"
unit = "blt-kominfo"
reports_to = "kadis"
rights = ["reads-reports"]

[[positions]]
id = "koordinator-jaringan"
name = "Koordinator Tim Jaringan"
unit = "blt-kominfo"
reports_to = "kabid-tik"

[[positions]]
id = "teknisi-jaringan"
name = "Teknisi Jaringan"
unit = "blt-kominfo"
reports_to = "koordinator-jaringan"

[[positions]]
id = "pemohon"
name = "Pegawai OPD pemohon"
"#;

/// (person, unit, position) of Blitar's staff.
const STAFF: [(&str, &str, &str); 6] = [
    ("blt-kadis", "blt-kominfo", "kadis"),
    ("blt-sekdin", "blt-kominfo", "sekretaris"),
    ("blt-kabid", "blt-kominfo", "kabid-tik"),
    ("blt-koor", "blt-kominfo", "koordinator-jaringan"),
    ("blt-teknisi", "blt-kominfo", "teknisi-jaringan"),
    ("blt-pemohon", "blt-bappeda", "pemohon"),
];

/// Lumajang's VPN SOP as Blitar would write it: its own lanes' positions.
fn blitar_vpn() -> String {
    include_str!("../../../sops/lumajang/vpn.toml")
        .replace("lumajang", "blitar")
        .replace("kepala-dinas", "kadis")
        .replace("sekretaris-dinas", "sekretaris")
        .replace("kabid-aptika", "kabid-tik")
        .replace("kasi-ppi-spbe", "koordinator-jaringan")
        .replace("administrator-jaringan", "teknisi-jaringan")
}

/// Blitar made, staffed and its VPN SOP published.
async fn blitar(s: &Store) {
    let agency = sop::agency::parse_agency("agency.toml", BLITAR).unwrap();
    s.create_agency(&agency, Some("admin-instalasi")).await.unwrap();
    for (id, unit, position) in STAFF {
        let person = Person { id: id.into(), name: format!("Pegawai {id}"), nip: None, unit: unit.into() };
        s.put_person("blitar", &person, None).await.unwrap();
        let holding = Holding {
            person: id.into(),
            position: position.into(),
            from: date(2020, 1, 1),
            until: None,
            acting: None,
        };
        s.add_holding("blitar", &holding, None).await.unwrap();
    }
    s.publish_sop("blitar/vpn.toml", &blitar_vpn(), wib(2026, 11, 2, 8, 0)).await.unwrap();
}

/// The fields a refusal names.
fn refused_fields(e: StoreError) -> Vec<String> {
    match e {
        StoreError::Engine(engine::EngineError::Invalid(errors)) => {
            errors.into_iter().map(|e| e.field).collect()
        }
        other => panic!("expected a refusal of fields, got {other}"),
    }
}

/// Kinds of the changes recorded for `agency`, oldest first.
async fn recorded(s: &Store, agency: &str) -> Vec<String> {
    let mut kinds: Vec<String> =
        s.record_events(agency, 1000).await.unwrap().into_iter().map(|(e, _)| e.kind).collect();
    kinds.reverse();
    kinds
}

#[tokio::test]
async fn the_demo_agencies_structure_is_data_from_their_files() {
    for db in backends().await {
        let org = db.store.organisation("lumajang").await.unwrap();
        let kabid = org.position("kabid-aptika").unwrap();
        assert_eq!(kabid.name, "Kepala Bidang Aplikasi dan Informatika", "{}", db.label);
        assert_eq!(kabid.reports_to.as_deref(), Some("kepala-dinas"));
        assert_eq!(kabid.rights, BTreeSet::from([PositionRight::ReadsReports]));
        assert!(org.position("sekretaris-daerah").unwrap().pemda);
        let units = db.store.units("lumajang").await.unwrap();
        assert!(units.iter().any(|u| u.id == "lmj-bappeda" && u.kind == UnitKind::Opd));
        let today = date(2026, 11, 26);
        let heads: Vec<String> =
            org.holders_with(PositionRight::HeadsAgency, today).into_iter().map(|c| c.person).collect();
        assert_eq!(heads, ["lmj-kadis"]);
        assert_eq!(db.store.agency("trenggalek").await.unwrap().positions.len(), 4);
    }
}

#[tokio::test]
async fn a_holding_must_name_a_listed_position_of_its_agency_and_a_refusal_writes_nothing() {
    for db in backends().await {
        let s = &db.store;
        let before = recorded(s, "lumajang").await.len();
        let typo = Holding {
            person: "lmj-kasi".into(),
            position: "kabid-aptkia".into(),
            from: date(2026, 11, 1),
            until: Some(date(2026, 10, 1)),
            acting: None,
        };
        let e = s.add_holding("lumajang", &typo, Some("lmj-kasi")).await.unwrap_err();
        assert!(
            e.to_string().contains("\"kabid-aptkia\" tidak ada dalam daftar jabatan"),
            "{}: {e}",
            db.label
        );
        assert_eq!(refused_fields(e), ["position", "until"]);
        // Another agency's person and position are not this agency's.
        let foreign = Holding {
            person: "tgx-kabid".into(),
            position: "operator-ruang-server".into(),
            until: None,
            ..typo
        };
        assert_eq!(
            refused_fields(s.add_holding("lumajang", &foreign, None).await.unwrap_err()),
            ["person", "position"]
        );
        let org = s.organisation("lumajang").await.unwrap();
        assert!(!org.holdings.iter().any(|h| h.person == "lmj-kasi" && h.from == date(2026, 11, 1)));
        assert_eq!(recorded(s, "lumajang").await.len(), before, "{}: nothing recorded", db.label);
    }
}

#[tokio::test]
async fn a_new_agency_is_made_with_its_units_and_positions_and_every_change_is_recorded() {
    for db in backends().await {
        let s = &db.store;
        blitar(s).await;
        let agency = s.agency("blitar").await.unwrap();
        assert_eq!(agency.units.len(), 2);
        assert_eq!(agency.positions.len(), 6);
        assert!(
            s.calendar("blitar").await.unwrap().days_off.contains_key(&date(2026, 12, 25)),
            "national calendar"
        );
        let kinds = recorded(s, "blitar").await;
        assert_eq!(kinds[0], "agency-saved", "{}: {kinds:?}", db.label);
        assert_eq!(kinds.iter().filter(|k| *k == "unit-saved").count(), 2);
        assert_eq!(kinds.iter().filter(|k| *k == "position-saved").count(), 6);
        let (_, first) = s.record_events("blitar", 1000).await.unwrap().pop().unwrap();
        assert_eq!(first.by.as_deref(), Some("admin-instalasi"));

        // The id is taken; a bad profile is refused field by field.
        let again = sop::agency::parse_agency("agency.toml", BLITAR).unwrap();
        assert_eq!(refused_fields(s.create_agency(&again, None).await.unwrap_err()), ["id"]);
        let mut bad = again.clone();
        bad.id = "kediri".into();
        bad.timezone = "Asia/Singapore".into();
        bad.letters.number = "{klasifikasi}/{tahun}".into();
        assert_eq!(
            refused_fields(s.create_agency(&bad, None).await.unwrap_err()),
            ["timezone", "letters.number"]
        );
        assert!(s.agency("kediri").await.is_err(), "{}: nothing made", db.label);

        // Editing: what changed is recorded, an unchanged save records nothing.
        let count = recorded(s, "blitar").await.len();
        let mut edited = s.agency("blitar").await.unwrap();
        edited.address = "Jl. Semeru No. 1, Blitar".into();
        s.update_agency(&edited, Some("admin-instalasi")).await.unwrap();
        s.update_agency(&edited, Some("admin-instalasi")).await.unwrap();
        assert_eq!(s.agency("blitar").await.unwrap().address, "Jl. Semeru No. 1, Blitar");
        assert_eq!(recorded(s, "blitar").await.len(), count + 1, "{}", db.label);
        assert_eq!(s.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn a_position_s_unit_and_superior_must_be_its_agency_s_and_its_chain_must_end() {
    for db in backends().await {
        let s = &db.store;
        blitar(s).await;
        let position = |id: &str, reports_to: &str| Position {
            id: id.into(),
            name: "Staf Jaringan".into(),
            unit: Some("blt-kominfo".into()),
            reports_to: Some(reports_to.into()),
            rights: BTreeSet::new(),
            pemda: false,
        };
        // Lumajang's Kasi is not a position of Blitar.
        assert_eq!(
            refused_fields(
                s.put_position("blitar", &position("staf", "kasi-ppi-spbe"), None).await.unwrap_err()
            ),
            ["reports_to"]
        );
        // The Head made to report to someone below it: the chain would turn round.
        let mut head = s.organisation("blitar").await.unwrap().position("kadis").unwrap().clone();
        head.reports_to = Some("teknisi-jaringan".into());
        assert_eq!(refused_fields(s.put_position("blitar", &head, None).await.unwrap_err()), ["reports_to"]);
        let mut elsewhere = position("staf", "koordinator-jaringan");
        elsewhere.unit = Some("lmj-diskominfo".into());
        assert_eq!(refused_fields(s.put_position("blitar", &elsewhere, None).await.unwrap_err()), ["unit"]);
        let org = s.organisation("blitar").await.unwrap();
        assert!(org.position("staf").is_none() && org.position("kadis").unwrap().reports_to.is_none());

        s.put_position("blitar", &position("staf", "koordinator-jaringan"), Some("blt-kadis")).await.unwrap();
        assert_eq!(
            s.organisation("blitar").await.unwrap().position("staf").unwrap().reports_to.as_deref(),
            Some("koordinator-jaringan"),
            "{}",
            db.label
        );
        // A unit id another agency uses is refused, and that unit stays its own.
        let taken = Unit { id: "lmj-bappeda".into(), name: "Bappeda Blitar".into(), kind: UnitKind::Opd };
        assert_eq!(refused_fields(s.put_unit("blitar", &taken, None).await.unwrap_err()), ["id"]);
        let lumajang = s.units("lumajang").await.unwrap();
        assert!(
            lumajang
                .iter()
                .any(|u| u.id == "lmj-bappeda" && u.name == "Badan Perencanaan Pembangunan Daerah")
        );
        // A person of another agency is not taken over either.
        let intruder =
            Person { id: "lmj-kadis".into(), name: "X".into(), nip: None, unit: "blt-kominfo".into() };
        assert!(matches!(s.put_person("blitar", &intruder, None).await, Err(StoreError::NotPermitted(_))));
        assert_eq!(s.organisation("lumajang").await.unwrap().name("lmj-kadis"), "Bambang Santoso, S.STP");
    }
}

#[tokio::test]
async fn a_late_step_climbs_the_agency_s_own_chain_and_its_team_keeps_the_registry_it_fills() {
    for db in backends().await {
        let s = &db.store;
        blitar(s).await;
        let sop = s.sop("blitar", "blitar/vpn", None).await.unwrap();
        let t = wib(2026, 11, 23, 9, 0);
        let mut case = s
            .submit(store::Submit::new(
                "blitar",
                "blitar/vpn",
                "blt-pemohon",
                store::demo::sample_input(sop.first_step(), Verdict::Ya),
                t,
            ))
            .await
            .unwrap();
        for i in 1..4 {
            case = advance(s, "blitar", &case, t + i * MINUTE).await;
        }
        // The technician's step (5 minutes) is late twice: the coordinator
        // hears first, the Kabid from the second warning, the Head not yet.
        assert_eq!(s.escalate(t + 10 * MINUTE, 60 * MINUTE).await.unwrap(), 1);
        assert_eq!(s.escalate(t + 70 * MINUTE, 60 * MINUTE).await.unwrap(), 1);
        let late = |person: &'static str| async move {
            s.notifications("blitar", person)
                .await
                .unwrap()
                .into_iter()
                .filter(|n| n.contains("melewati batas waktu"))
                .count()
        };
        assert_eq!(late("blt-koor").await, 2, "{}", db.label);
        assert_eq!(late("blt-kabid").await, 1);
        assert_eq!(late("blt-kadis").await, 0);
        // The technician fills the VPN registry, so keeps it; the coordinator does not.
        case = advance(s, "blitar", &case, t + 80 * MINUTE).await;
        assert!(case.open_tasks().next().unwrap().step > 6);
        let vpn = "vpn";
        assert!(s.keeps_registry("blitar", vpn, "blt-teknisi").await.unwrap());
        assert!(s.keeps_records("blitar", "blt-teknisi").await.unwrap());
        assert!(!s.keeps_registry("blitar", vpn, "blt-koor").await.unwrap());
        assert!(!s.keeps_records("blitar", "blt-pemohon").await.unwrap(), "the requester keeps nothing");
        // A position that keeps every registry: its holder keeps this one too.
        let mut koor =
            s.organisation("blitar").await.unwrap().position("koordinator-jaringan").unwrap().clone();
        koor.rights.insert(PositionRight::KeepsRegistry);
        s.put_position("blitar", &koor, None).await.unwrap();
        assert!(s.keeps_registry("blitar", vpn, "blt-koor").await.unwrap(), "{}", db.label);
    }
}

#[tokio::test]
async fn the_built_in_agencies_installed_again_keep_what_administrators_edited() {
    for db in backends().await {
        let s = &db.store;
        let mut lumajang = s.agency("lumajang").await.unwrap();
        lumajang.address = "Jl. Alun-alun Utara, Lumajang".into();
        s.update_agency(&lumajang, Some("lmj-kasi")).await.unwrap();
        let mut kasi = s.organisation("lumajang").await.unwrap().position("kasi-ppi-spbe").unwrap().clone();
        kasi.name = "Kepala Seksi Infrastruktur".into();
        s.put_position("lumajang", &kasi, Some("lmj-kasi")).await.unwrap();
        // As every start does.
        let count = recorded(s, "lumajang").await.len();
        store::demo::install(s, &sop::Catalog::builtin(), wib(2026, 11, 3, 8, 0)).await.unwrap();
        assert_eq!(
            s.agency("lumajang").await.unwrap().address,
            "Jl. Alun-alun Utara, Lumajang",
            "{}",
            db.label
        );
        let org = s.organisation("lumajang").await.unwrap();
        assert_eq!(org.position("kasi-ppi-spbe").unwrap().name, "Kepala Seksi Infrastruktur");
        assert_eq!(recorded(s, "lumajang").await.len(), count, "{}: nothing new to record", db.label);
        // A file kept in git is the truth instead: installing it replaces.
        let file = sop::Catalog::builtin().agency("lumajang").unwrap().clone();
        s.install_agency(&file).await.unwrap();
        assert_eq!(s.agency("lumajang").await.unwrap().address, file.address);
        assert_eq!(
            s.organisation("lumajang").await.unwrap().position("kasi-ppi-spbe").unwrap().name,
            "Kepala Seksi Pengelolaan dan Pengembangan Infrastruktur SPBE"
        );
    }
}

#[tokio::test]
async fn positions_held_before_the_list_existed_join_it_and_holdings_can_be_ended() {
    for db in backends().await {
        let s = &db.store;
        // A holding typed freely before positions were data.
        sqlx::query(
            "INSERT INTO holdings (id, agency_id, person_id, position, from_date) VALUES ('lama', 'lumajang', 'lmj-petugas', 'operator-cadangan', '2024-01-01')",
        )
        .execute(s.pool())
        .await
        .unwrap();
        assert_eq!(s.adopt_held_positions().await.unwrap(), 1, "{}", db.label);
        assert_eq!(s.adopt_held_positions().await.unwrap(), 0, "once");
        let org = s.organisation("lumajang").await.unwrap();
        let adopted = org.position("operator-cadangan").unwrap();
        assert_eq!((adopted.name.as_str(), adopted.rights.len()), ("operator-cadangan", 0));

        let listed = s.listed_holdings("lumajang").await.unwrap();
        let kabid = listed.iter().find(|h| h.holding.person == "lmj-kabid").unwrap();
        let e = s.end_holding("lumajang", &kabid.id, date(2019, 1, 1), None).await.unwrap_err();
        assert_eq!(refused_fields(e), ["until"]);
        assert!(
            s.end_holding("trenggalek", &kabid.id, date(2026, 11, 30), None).await.is_err(),
            "not theirs"
        );
        s.end_holding("lumajang", &kabid.id, date(2026, 11, 30), Some("lmj-kasi")).await.unwrap();
        let org = s.organisation("lumajang").await.unwrap();
        assert_eq!(org.candidates(&["kabid-aptika".into()], date(2026, 11, 30)).len(), 1);
        assert!(org.candidates(&["kabid-aptika".into()], date(2026, 12, 1)).is_empty());
        assert_eq!(recorded(s, "lumajang").await.last().map(String::as_str), Some("holding-ended"));
    }
}

#[tokio::test]
async fn an_installation_administrator_is_a_flag_of_a_login_recorded_when_granted() {
    for db in backends().await {
        let s = &db.store;
        store::demo::install_accounts(s, wib(2026, 11, 2, 8, 0)).await.unwrap();
        assert!(s.account("admin-instalasi").await.unwrap().unwrap().installation_admin, "{}", db.label);
        assert!(!s.account("lmj-kasi").await.unwrap().unwrap().installation_admin);
        s.grant_installation_admin("lmj-kasi", Some("admin-instalasi"), wib(2026, 11, 2, 9, 0))
            .await
            .unwrap();
        assert!(s.account("lmj-kasi").await.unwrap().unwrap().installation_admin);
        assert_eq!(
            recorded(s, "lumajang").await.last().map(String::as_str),
            Some("installation-admin-granted")
        );
    }
}
