//! Importing a SIMPEG/SIASN roster (issue 18) on both backends: a preview
//! that writes nothing, an import in one transaction that creates people,
//! their positions and logins without a password, keeps the history of a
//! changed position, ends the holdings of people who are gone only when
//! asked, writes nothing for a file with errors or another file than the
//! one previewed, and changes nothing when the same file comes again.

mod common;

use common::backends;
use engine::roster::Column;
use jiff::civil::date;
use store::{Store, StoreError};

const KEDIRI: &str = r#"
id = "kediri"
government = "Pemerintah Kabupaten Kediri"
name = "Dinas Komunikasi dan Informatika"
timezone = "Asia/Jakarta"
domain = "kedirikab.go.id"
letterhead = ["PEMERINTAH KABUPATEN KEDIRI", "DINAS KOMUNIKASI DAN INFORMATIKA"]

[letters]
number = "{klasifikasi}/{urut:3}/418.56/{tahun}"
place = "Kediri"

[[units]]
id = "kdr-kominfo"
name = "Dinas Komunikasi dan Informatika"

[[units]]
id = "kdr-bidang-tik"
name = "Bidang Teknologi Informasi"

[[positions]]
id = "kadis"
name = "Kepala Dinas"
unit = "kdr-kominfo"
rights = ["heads-agency"]

[[positions]]
id = "pranata-komputer"
name = "Pranata Komputer"
unit = "kdr-bidang-tik"
reports_to = "kadis"

[[positions]]
id = "pengadministrasi"
name = "Pengadministrasi Umum"
unit = "kdr-kominfo"
reports_to = "kadis"
"#;

const FIRST: &str = "NIP;Nama;Gelar;Jabatan;Unit Kerja;E-mail;Nomor HP\n\
    197809101998021001;Andi Wijaya;S.Kom.;Kepala Dinas;Dinas Komunikasi dan Informatika;andi@kedirikab.go.id;0812 3456 7890\n\
    198001012005011002;Budi Santoso;;pranata-komputer;kdr-bidang-tik;;\n\
    198503122021212001;Cici Lestari;A.Md.;Pengadministrasi Umum;kdr-kominfo;cici@kedirikab.go.id;+62 813-1111-2222\n";

fn today() -> jiff::civil::Date {
    date(2026, 11, 30)
}

async fn kediri(s: &Store) {
    let agency = sop::agency::parse_agency("agency.toml", KEDIRI).unwrap();
    s.create_agency(&agency, None).await.unwrap();
}

async fn apply(s: &Store, text: &str, end_gone: bool) -> store::roster::RosterPreview {
    let preview = s.roster_preview("kediri", text.as_bytes(), today()).await.unwrap();
    s.apply_roster("kediri", text.as_bytes(), &preview.sha256, today(), end_gone, Some("admin"))
        .await
        .unwrap()
}

async fn records(s: &Store) -> usize {
    s.record_events("kediri", 100_000).await.unwrap().len()
}

#[tokio::test]
async fn an_import_creates_people_positions_and_logins_and_again_changes_nothing() {
    for db in backends().await {
        let s = &db.store;
        kediri(s).await;
        let before = records(s).await;
        let preview = s.roster_preview("kediri", FIRST.as_bytes(), today()).await.unwrap();
        let plan = preview.plan().unwrap();
        assert_eq!((plan.new.len(), plan.changed.len(), plan.gone.len(), plan.unchanged), (3, 0, 0, 0));
        assert_eq!(preview.new_accounts, 3);
        assert!(
            s.organisation("kediri").await.unwrap().people.is_empty(),
            "{}: a preview writes nothing",
            db.label
        );
        assert_eq!(records(s).await, before);

        let applied = apply(s, FIRST, false).await;
        assert_eq!(applied.plan().unwrap().new.len(), 3);
        let org = s.organisation("kediri").await.unwrap();
        assert_eq!(org.people.len(), 3);
        let andi = org.people.iter().find(|p| p.nip.as_deref() == Some("197809101998021001")).unwrap();
        assert_eq!((andi.name.as_str(), andi.unit.as_str()), ("Andi Wijaya", "kdr-kominfo"));
        let held: Vec<_> =
            org.positions_of(&andi.id, today()).iter().map(|h| (h.position.clone(), h.from)).collect();
        assert_eq!(held, vec![("kadis".to_string(), today())]);
        let account = s.account("197809101998021001").await.unwrap().unwrap();
        assert_eq!((account.person_id.as_str(), account.password_hash.as_str()), (andi.id.as_str(), "!"));
        assert!(!account.is_admin);
        assert!(!store::verify_password("", &account.password_hash), "no password opens a new login");
        // Title, e-mail and phone (normalised) are kept.
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
        let (title, email, phone): (Option<String>, Option<String>, Option<String>) =
            sqlx::query_as("SELECT title, email, phone FROM people WHERE nip = $1")
                .bind("198503122021212001")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (title.as_deref(), email.as_deref(), phone.as_deref()),
            (Some("A.Md."), Some("cici@kedirikab.go.id"), Some("+6281311112222"))
        );
        pool.close().await;
        // 3 people, 3 logins, 3 holdings recorded; the chain still holds.
        assert_eq!(records(s).await, before + 9);
        assert!(s.verify_audit().await.unwrap().first_break.is_none());

        // The same file again: nothing new, nothing changed, nothing written.
        let holdings = s.listed_holdings("kediri").await.unwrap();
        let again = apply(s, FIRST, true).await;
        let plan = again.plan().unwrap();
        assert!(plan.is_empty(), "{}: {plan:?}", db.label);
        assert_eq!(plan.unchanged, 3);
        assert_eq!(records(s).await, before + 9, "{}: re-importing records nothing", db.label);
        assert_eq!(s.listed_holdings("kediri").await.unwrap(), holdings);
        assert_eq!(s.organisation("kediri").await.unwrap().people.len(), 3);
    }
}

#[tokio::test]
async fn a_changed_position_ends_the_old_holding_and_keeps_its_history() {
    for db in backends().await {
        let s = &db.store;
        kediri(s).await;
        apply(s, FIRST, false).await;
        // Budi becomes Pengadministrasi in the Dinas and gets a phone.
        let second = FIRST.replace(
            "198001012005011002;Budi Santoso;;pranata-komputer;kdr-bidang-tik;;",
            "198001012005011002;Budi Santoso;;pengadministrasi;kdr-kominfo;;081299998888",
        );
        let preview = s.roster_preview("kediri", second.as_bytes(), today()).await.unwrap();
        let plan = preview.plan().unwrap();
        assert_eq!((plan.new.len(), plan.changed.len(), plan.unchanged), (0, 1, 2));
        assert_eq!(plan.changed[0].fields, vec![Column::Unit, Column::Position, Column::Phone]);
        // Apply a day later, so the old holding has a day of its own.
        let tomorrow = today().tomorrow().unwrap();
        s.apply_roster("kediri", second.as_bytes(), &preview.sha256, tomorrow, false, None).await.unwrap();
        let org = s.organisation("kediri").await.unwrap();
        let budi = org.people.iter().find(|p| p.nip.as_deref() == Some("198001012005011002")).unwrap();
        assert_eq!(budi.unit, "kdr-kominfo");
        let mut history: Vec<_> = org
            .holdings
            .iter()
            .filter(|h| h.person == budi.id)
            .map(|h| (h.position.as_str(), h.from, h.until))
            .collect();
        history.sort();
        assert_eq!(
            history,
            vec![("pengadministrasi", tomorrow, None), ("pranata-komputer", today(), Some(today())),],
            "{}",
            db.label
        );
        // Again: nothing changes.
        let again = s.roster_preview("kediri", second.as_bytes(), tomorrow).await.unwrap();
        assert!(again.plan().unwrap().is_empty());
    }
}

#[tokio::test]
async fn people_who_are_gone_are_shown_and_their_holdings_ended_only_when_asked() {
    for db in backends().await {
        let s = &db.store;
        kediri(s).await;
        apply(s, FIRST, false).await;
        let without_cici: String =
            FIRST.lines().filter(|l| !l.contains("Cici")).map(|l| format!("{l}\n")).collect();
        let kept = apply(s, &without_cici, false).await;
        let gone: Vec<_> = kept.plan().unwrap().gone.iter().map(|m| m.name.clone()).collect();
        assert_eq!(gone, vec!["Cici Lestari".to_string()]);
        let open = |org: &engine::Organisation| org.holdings.iter().filter(|h| h.until.is_none()).count();
        assert_eq!(
            open(&s.organisation("kediri").await.unwrap()),
            3,
            "{}: not ticked, nothing ended",
            db.label
        );
        apply(s, &without_cici, true).await;
        let org = s.organisation("kediri").await.unwrap();
        assert_eq!(open(&org), 2);
        assert_eq!(org.people.len(), 3, "{}: nobody is deleted", db.label);
    }
}

#[tokio::test]
async fn a_file_with_errors_or_not_the_one_previewed_writes_nothing() {
    for db in backends().await {
        let s = &db.store;
        kediri(s).await;
        let before = records(s).await;
        let bad = format!(
            "{FIRST}197809101998021001;Dobel;;kadis;kdr-kominfo;;\n199913451998021001;X;;Direktur;kdr-kominfo;;\n"
        );
        let preview = s.roster_preview("kediri", bad.as_bytes(), today()).await.unwrap();
        let applied =
            s.apply_roster("kediri", bad.as_bytes(), &preview.sha256, today(), true, None).await.unwrap();
        let errors: Vec<String> = applied.outcome.unwrap_err().iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            vec![
                "baris 5, NIP: NIP 197809101998021001 sudah ada di baris 2".to_string(),
                "baris 6, NIP: tanggal lahir 1999-13-45 (angka ke-1 sampai ke-8) bukan tanggal yang ada"
                    .to_string(),
                "baris 6, Jabatan: \"Direktur\" tidak ada dalam daftar jabatan instansi ini".to_string(),
            ]
        );
        assert!(s.organisation("kediri").await.unwrap().people.is_empty());
        assert_eq!(records(s).await, before);

        // The file previewed was FIRST; another one is refused.
        let preview = s.roster_preview("kediri", FIRST.as_bytes(), today()).await.unwrap();
        let other = FIRST.replace("Andi Wijaya", "Andi W.");
        let refused = s.apply_roster("kediri", other.as_bytes(), &preview.sha256, today(), false, None).await;
        match refused {
            Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
                assert_eq!(errors[0].field, "sha256");
                assert!(errors[0].message.contains("berbeda dengan berkas yang dipratinjau"));
            }
            other => panic!("{}: {other:?}", db.label),
        }
        assert!(s.organisation("kediri").await.unwrap().people.is_empty(), "{}", db.label);
        assert!(s.account("197809101998021001").await.unwrap().is_none());
    }
}

/// More people than one INSERT carries (people, logins and holdings go 50
/// rows to a statement, audit events 10): every row is written, every
/// event chained.
#[tokio::test]
async fn a_roster_larger_than_one_statement_is_written_whole_and_chained() {
    let mut text = String::from("NIP;Nama;Jabatan;Unit Kerja\n");
    for i in 1..=123 {
        text.push_str(&format!("198001012005011{i:03};Pegawai {i};Pranata Komputer;kdr-bidang-tik\n"));
    }
    for db in backends().await {
        let s = &db.store;
        kediri(s).await;
        let before = records(s).await;
        let applied = apply(s, &text, false).await;
        assert_eq!(applied.plan().unwrap().new.len(), 123, "{}", db.label);
        let org = s.organisation("kediri").await.unwrap();
        assert_eq!(org.people.len(), 123, "{}", db.label);
        assert!(org.people.iter().all(|p| org.positions_of(&p.id, today()).len() == 1), "{}", db.label);
        assert_eq!(records(s).await, before + 3 * 123, "{}: person, login and holding each", db.label);
        let audit = s.verify_audit().await.unwrap();
        assert!(audit.first_break.is_none(), "{}: {:?}", db.label, audit.first_break);
    }
}
