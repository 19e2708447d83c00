//! Agencies and their organisation edited in the browser (issue 17): the
//! installation administrator makes an agency, its structure is built and
//! staffed from the organisation editor, every refusal names its field and
//! changes nothing, and what people may see follows their positions'
//! rights rather than the demo's position names.

mod common;

use common::{Browser, spawn};
use reqwest::StatusCode;

/// `text` as the page escapes it.
fn html(text: &str) -> String {
    text.replace('"', "&quot;")
}

/// The form of a new agency, with `changes` over good values.
fn agency_form<'a>(token: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("csrf", token),
        ("id", "blitar"),
        ("government", "Pemerintah Kabupaten Blitar"),
        ("name", "Dinas Komunikasi, Informatika dan Statistik"),
        ("address", ""),
        ("timezone", "Asia/Jakarta"),
        ("letterhead", "PEMERINTAH KABUPATEN BLITAR\r\nDINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"),
        ("domain", "blitarkab.go.id"),
        ("mail_domain", ""),
        ("retention_days", "365"),
        ("letters.number", "{klasifikasi}/{urut:3}/409.108/{tahun}"),
        ("letters.classification", "000.1.2"),
        ("letters.unit", "409.108"),
        ("letters.place", "Blitar"),
    ];
    for (name, value) in changes {
        fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
    }
    fields
}

#[tokio::test]
async fn an_installation_administrator_makes_an_agency_and_each_bad_field_is_named() {
    let app = spawn().await;
    let installer = Browser::login(&app, "admin-instalasi").await;
    let list = installer.get("/instansi").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/instansi\"") && list.body.contains("<code>trenggalek</code>"));
    let token = list.csrf();

    let bad = installer
        .post(
            "/instansi/baru",
            &agency_form(
                &token,
                &[
                    ("id", "Blitar Kab"),
                    ("government", " "),
                    ("timezone", "Europe/Paris"),
                    ("letterhead", ""),
                    ("domain", "blitarkab..go.id"),
                    ("retention_days", "setahun"),
                    ("letters.number", "{klasifikasi}/{nomor}/{tahun}"),
                ],
            ),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, message) in [
        ("a-id", "id instansi \"Blitar Kab\" tidak sah"),
        ("a-government", "wajib diisi"),
        ("a-timezone", "zona waktu \"Europe/Paris\" tidak dikenal"),
        ("a-letterhead", "tulis paling sedikit satu baris"),
        ("a-domain", "ada bagian nama yang kosong"),
        ("a-retention_days", "tulis bilangan bulat"),
        ("a-letters-number", "\"{nomor}\" tidak dikenal"),
    ] {
        let error = format!("id=\"{field}-error\">");
        let at = bad.body.find(&error).unwrap_or_else(|| panic!("{field} refused beside it: {}", bad.body));
        let shown = bad.body[at..].split("</p>").next().unwrap();
        assert!(shown.contains(&html(message)), "{field}: {message} in {shown}");
    }
    assert!(bad.body.contains("value=\"blitarkab..go.id\""), "what was typed comes back");
    assert_eq!(app.store.agencies().await.unwrap().len(), 2, "nothing made");
    let taken = installer.post("/instansi/baru", &agency_form(&token, &[("id", "lumajang")])).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains(&html("instansi \"lumajang\" sudah ada")), "{}", taken.body);

    let made = installer.post("/instansi/baru", &agency_form(&token, &[])).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(made.location.as_deref(), Some("/instansi/blitar/organisasi?ok=instansi"));
    let editor = installer.get("/instansi/blitar/organisasi?ok=instansi").await;
    assert!(editor.body.contains("role=\"status\">Instansi dibuat."), "{}", editor.body);
    let blitar = app.store.agency("blitar").await.unwrap();
    assert_eq!(blitar.mail_domain, "blitarkab.go.id", "the mail domain defaults to the domain");
    assert_eq!(blitar.letters.format_number(None, 7, 2026), "000.1.2/007/409.108/2026");

    // The real address is filled in later, when known.
    let saved = installer
        .post("/instansi/blitar/profil", &agency_form(&token, &[("address", "Jl. Semeru No. 1, Blitar")]))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        installer.get("/instansi/blitar/profil?ok=profil").await.body.contains("Profil instansi tersimpan.")
    );
    assert_eq!(app.store.agency("blitar").await.unwrap().address, "Jl. Semeru No. 1, Blitar");
}

#[tokio::test]
async fn only_installation_administrators_make_agencies_and_an_agency_s_administrators_edit_only_theirs() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let token = admin.token().await;
    assert_eq!(admin.get("/instansi").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/instansi/baru").await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.post("/instansi/baru", &agency_form(&token, &[])).await.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/instansi/lumajang/organisasi").await.status, StatusCode::OK);
    assert_eq!(admin.get("/instansi/lumajang/profil").await.status, StatusCode::OK);
    assert_eq!(admin.get("/instansi/trenggalek/organisasi").await.status, StatusCode::FORBIDDEN);
    let unit = [("csrf", token.as_str()), ("name", "Bidang Statistik"), ("kind", "dinas")];
    assert_eq!(admin.post("/instansi/trenggalek/organisasi/unit", &unit).await.status, StatusCode::FORBIDDEN);
    assert!(app.store.units("trenggalek").await.unwrap().iter().all(|u| u.name != "Bidang Statistik"));
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/instansi/lumajang/organisasi").await.status, StatusCode::FORBIDDEN);
    assert!(!requester.get("/tugas").await.body.contains("href=\"/instansi\""));
}

#[tokio::test]
async fn an_agency_is_structured_and_staffed_in_the_editor_with_positions_chosen_from_its_list() {
    let app = spawn().await;
    let installer = Browser::login(&app, "admin-instalasi").await;
    let token = installer.token().await;
    assert_eq!(
        installer.post("/instansi/baru", &agency_form(&token, &[])).await.status,
        StatusCode::SEE_OTHER
    );
    let at = |part: &str| format!("/instansi/blitar/organisasi/{part}");

    let unit = installer
        .post(
            &at("unit"),
            &[("csrf", &token), ("id", ""), ("name", "Bidang Teknologi Informasi"), ("kind", "dinas")],
        )
        .await;
    assert_eq!(unit.status, StatusCode::SEE_OTHER);
    assert_eq!(unit.location.as_deref(), Some("/instansi/blitar/organisasi?ok=unit#unit"));
    let units = app.store.units("blitar").await.unwrap();
    assert_eq!(units[0].id, "blitar-bidang-teknologi-informasi", "the code is made from the name");
    let unit_id = units[0].id.clone();
    let opd = installer.post(&at("unit"), &[("csrf", &token), ("name", "Bappeda"), ("kind", "opd")]).await;
    assert_eq!(opd.status, StatusCode::SEE_OTHER);

    let position =
        |id: &'static str, name: &'static str, reports_to: &'static str, rights: &[&'static str]| {
            let mut fields = vec![
                ("csrf", token.clone()),
                ("id", id.to_string()),
                ("name", name.to_string()),
                ("unit", unit_id.clone()),
                ("reports_to", reports_to.to_string()),
            ];
            fields.extend(rights.iter().map(|r| (*r, "1".to_string())));
            fields
        };
    let send = |fields: Vec<(&'static str, String)>| {
        let b = &installer;
        let path = at("jabatan");
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post(&path, &pairs).await
        }
    };
    // A superior not (yet) in the list is refused, beside the field.
    let early = send(position("teknisi", "Teknisi Jaringan", "kabid-tik", &[])).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains(&html("jabatan \"kabid-tik\" tidak ada di instansi ini")), "{}", early.body);
    assert!(early.body.contains("value=\"Teknisi Jaringan\""), "what was typed comes back");
    let head = ["right.heads-agency", "right.signs-letters", "right.reads-reports"];
    for fields in [
        position("kadis", "Kepala Dinas Kominfo dan Statistik", "", &head),
        position("kabid-tik", "Kepala Bidang Teknologi Informasi", "kadis", &["right.reads-reports"]),
        position("teknisi", "Teknisi Jaringan", "kabid-tik", &[]),
    ] {
        let saved = send(fields).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    // The Head made to report to the technician below it: refused.
    let mut round = position("kadis", "Kepala Dinas Kominfo dan Statistik", "teknisi", &head);
    round.push(("editing", "kadis".into()));
    let refused = send(round).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("rantai atasan akan berputar"), "{}", refused.body);
    let duplicate = send(position("teknisi", "Teknisi Lain", "kadis", &[])).await;
    assert!(duplicate.body.contains(&html("\"teknisi\" sudah ada")), "{}", duplicate.body);
    let org = app.store.organisation("blitar").await.unwrap();
    assert_eq!(org.positions.len(), 3);
    assert_eq!(org.position("teknisi").unwrap().name, "Teknisi Jaringan");
    assert!(org.position("kadis").unwrap().reports_to.is_none());

    // People: a NIP is 18 digits.
    let person = |name: &'static str, nip: &'static str| {
        [("csrf", token.as_str()), ("name", name), ("nip", nip), ("unit", unit_id.as_str())]
    };
    let bad = installer.post(&at("pegawai"), &person("Andi Wijaya, S.Kom.", "1990")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(&html("\"1990\" harus 18 angka")), "{}", bad.body);
    for (name, nip) in [("Andi Wijaya, S.Kom.", "199001012015031001"), ("Rina Susanti, S.T.", "")] {
        assert_eq!(installer.post(&at("pegawai"), &person(name, nip)).await.status, StatusCode::SEE_OTHER);
    }
    let org = app.store.organisation("blitar").await.unwrap();
    let andi = org.people.iter().find(|p| p.name.starts_with("Andi")).unwrap().id.clone();
    let rina = org.people.iter().find(|p| p.name.starts_with("Rina")).unwrap().id.clone();

    // Logins: the agency's first administrator.
    let login = |username: &'static str, password: &'static str, person: &str| {
        vec![
            ("csrf", token.clone()),
            ("person", person.to_string()),
            ("username", username.to_string()),
            ("password", password.to_string()),
            ("admin", "1".to_string()),
        ]
    };
    let short = login("andi", "pendek", &andi);
    let pairs: Vec<(&str, &str)> = short.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = installer.post(&at("akun"), &pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Paling sedikit 10 karakter"));
    let taken = login("lmj-kasi", "sandi-yang-panjang", &andi);
    let pairs: Vec<(&str, &str)> = taken.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert!(installer.post(&at("akun"), &pairs).await.body.contains("Nama pengguna sudah dipakai"));
    assert!(app.store.accounts("blitar").await.unwrap().is_empty(), "nothing made");
    let good = login("andi", store::demo::DEMO_PASSWORD, &andi);
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(installer.post(&at("akun"), &pairs).await.status, StatusCode::SEE_OTHER);

    // Blitar's administrator gives positions, chosen from the list.
    let andi_browser = Browser::login(&app, "andi").await;
    let token = andi_browser.token().await;
    let page = andi_browser.get("/instansi/blitar/organisasi").await;
    assert!(page.body.contains("<select id=\"h-position\" name=\"position\""), "a list, not free text");
    let hold = |person: &str, position: &str| {
        vec![
            ("csrf", token.clone()),
            ("person", person.to_string()),
            ("position", position.to_string()),
            ("from", "2026-01-02".to_string()),
        ]
    };
    let typo = hold(&rina, "teknsi");
    let pairs: Vec<(&str, &str)> = typo.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = andi_browser.post(&at("penugasan"), &pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(&html("\"teknsi\" tidak ada dalam daftar jabatan")), "{}", refused.body);
    for (person, position) in [(&andi, "kabid-tik"), (&rina, "teknisi")] {
        let fields = hold(person, position);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(andi_browser.post(&at("penugasan"), &pairs).await.status, StatusCode::SEE_OTHER);
    }
    let page = andi_browser.get("/instansi/blitar/organisasi?ok=penugasan").await;
    assert!(page.body.contains("Penugasan jabatan tersimpan."));
    // The Kabid's position reads reports: so does Andi, now.
    assert_eq!(andi_browser.get("/laporan").await.status, StatusCode::OK);
    let kinds: Vec<String> =
        app.store.record_events("blitar", 100).await.unwrap().into_iter().map(|(e, _)| e.kind).collect();
    for kind in
        ["agency-saved", "unit-saved", "position-saved", "person-saved", "account-added", "holding-added"]
    {
        assert!(kinds.iter().any(|k| k == kind), "{kind} recorded: {kinds:?}");
    }
}

#[tokio::test]
async fn who_reads_reports_and_who_signs_follow_the_positions_rights() {
    let app = spawn().await;
    let kabid = Browser::login(&app, "lmj-kabid").await;
    assert_eq!(kabid.get("/laporan").await.status, StatusCode::OK);
    let admin = Browser::login(&app, "lmj-kasi").await;
    let token = admin.token().await;
    // The Kabid's position loses "reads reports" and gains "signs letters".
    let form = admin.get("/instansi/lumajang/organisasi?jabatan=kabid-aptika").await;
    assert!(form.body.contains("name=\"editing\" value=\"kabid-aptika\""), "opened to edit");
    assert!(form.body.contains("name=\"right.reads-reports\" value=\"1\" checked"), "{}", form.body);
    let saved = admin
        .post(
            "/instansi/lumajang/organisasi/jabatan",
            &[
                ("csrf", &token),
                ("editing", "kabid-aptika"),
                ("name", "Kepala Bidang Aplikasi dan Informatika"),
                ("unit", "lmj-diskominfo"),
                ("reports_to", "kepala-dinas"),
                ("right.signs-letters", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(kabid.get("/laporan").await.status, StatusCode::FORBIDDEN);
    let settings = admin.get("/admin/surat").await;
    assert!(settings.body.contains("Agus Prasetyo, S.Kom."), "the Kabid now signs: {}", settings.body);
}
