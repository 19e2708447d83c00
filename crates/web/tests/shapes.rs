//! The new shapes of SOPs as people see them (issue 17, point 4), through
//! a real server: the catalogue says what the standard time leaves out,
//! when a routine starts and the whole deadline; any employee requests
//! leave and Staf UK confirms its part of the joint step; a request filed
//! for another employee is theirs to see; the timeline counts a loop's
//! rounds and shows a branch waiting at its join; an office document is
//! checked by its content.

mod common;

use common::{Browser, action_url, form, spawn};
use engine::{ActionInput, Verdict};
use reqwest::StatusCode;
use reqwest::multipart::Part;

const FIXTURES: [&str; 6] = [
    include_str!("../../sop/tests/fixtures/shapes/instalasi-jaringan.toml"),
    include_str!("../../sop/tests/fixtures/shapes/informasi-publik.toml"),
    include_str!("../../sop/tests/fixtures/shapes/cuti-pegawai.toml"),
    include_str!("../../sop/tests/fixtures/shapes/cuti-atas-nama.toml"),
    include_str!("../../sop/tests/fixtures/shapes/cek-backup-bulanan.toml"),
    include_str!("../../sop/tests/fixtures/shapes/laporan-harian.toml"),
];

fn person(position: &str) -> String {
    format!("contoh-demo-{position}")
}

/// Agency "contoh" staffed for the fixtures, each person with a login.
async fn contoh(app: &common::App) {
    let now = jiff::Timestamp::now().as_millisecond();
    let mut people = Vec::new();
    for text in FIXTURES {
        let sop = sop::parse_sop("fixture.toml", text).unwrap();
        store::demo::staff_for(&app.store, &sop, None, now).await.unwrap();
        people.extend(sop.lanes.iter().flat_map(|l| l.positions.clone()));
    }
    people.sort();
    people.dedup();
    let hash = store::hash_password(store::demo::DEMO_PASSWORD);
    for position in people {
        let id = person(&position);
        app.store.add_account("contoh", &id, &id, &hash, false, now).await.unwrap();
    }
}

async fn login(app: &common::App, position: &str) -> Browser {
    Browser::login(app, &person(position)).await
}

#[tokio::test]
async fn the_catalogue_says_what_the_sum_leaves_out_and_when_routines_start() {
    let app = spawn().await;
    contoh(&app).await;
    // Lumajang's VPN: the dispositions (steps 2, 3, 5) have no time.
    let lumajang = Browser::login(&app, "lmj-pemohon").await.get("/layanan").await;
    assert!(
        lumajang.body.contains("(waktu disposisi (langkah 2, 3, 5) dan waktu langkah 12 tidak ditetapkan SOP, jadi tidak termasuk)"),
        "{}",
        lumajang.body
    );
    let page = login(&app, "ppid").await.get("/layanan").await;
    assert!(page.body.contains("Batas waktu seluruh prosedur: </strong>10 hari"), "{}", page.body);
    assert!(page.body.contains("Dimulai otomatis: </strong>setiap hari kerja pukul 14:00"), "{}", page.body);
    assert!(page.body.contains("Dimulai otomatis: </strong>setiap bulan tanggal 1 pukul 08:00"));
    // Any employee may ask for leave; nobody submits a routine.
    assert!(page.body.contains("href=\"/layanan/contoh/cuti-pegawai\""));
    assert!(!page.body.contains("href=\"/layanan/contoh/laporan-harian\""));
}

#[tokio::test]
async fn any_employee_requests_leave_and_staf_uk_confirms_its_part() {
    let app = spawn().await;
    contoh(&app).await;
    let employee = login(&app, "ppid").await;
    let token = employee.get("/layanan/contoh/cuti-pegawai").await.csrf();
    let filled = form(&[
        ("csrf", &token),
        ("jenis_cuti", "Cuti tahunan"),
        ("tanggal_mulai", "2026-12-01"),
        ("lama_hari", "3"),
    ]);
    let sent = employee.post_multipart("/layanan/contoh/cuti-pegawai", filled).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let case_path = sent.location.unwrap().trim_end_matches("?baru=1").to_string();

    let staf = login(&app, "staf-umum-kepegawaian").await;
    let page = staf.get(&case_path).await;
    assert!(
        page.body.contains("Konfirmasi bagian Anda; isian langkah ini diisi oleh Pemohon."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Pemohon &amp; Staf UK"), "the timeline names both lanes");
    assert!(!page.body.contains("name=\"lama_hari\""), "the partner lane has no form to fill");
    let url = action_url(&page.body).unwrap();
    let done =
        staf.post_multipart(&url, form(&[("csrf", &page.csrf()), ("note", "Formulir diterima.")])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let kasubag = login(&app, "kasubag-umum-kepegawaian").await.get("/tugas").await;
    assert!(
        kasubag.body.contains(&case_path.replace("/permohonan/", "")),
        "the next step is in the Kasubag's inbox"
    );
}

#[tokio::test]
async fn a_request_filed_for_an_employee_is_theirs_to_see() {
    let app = spawn().await;
    contoh(&app).await;
    let katu = login(&app, "kepala-tata-usaha").await;
    let page = katu.get("/layanan/contoh/cuti-atas-nama").await;
    assert!(page.body.contains("— pilih pegawai —"), "{}", page.body);
    let pns = person("staf-tata-usaha");
    assert!(
        page.body.contains(&format!("<option value=\"{pns}\">Demo staf-tata-usaha</option>")),
        "{}",
        page.body
    );
    let filled = form(&[("csrf", &page.csrf()), ("pegawai", &pns), ("lama_hari", "5")]);
    let sent = katu.post_multipart("/layanan/contoh/cuti-atas-nama", filled).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let case_path = sent.location.unwrap().trim_end_matches("?baru=1").to_string();

    let employee = login(&app, "staf-tata-usaha").await;
    let mine = employee.get("/permohonan").await;
    assert!(mine.body.contains(&case_path), "among the employee's requests: {}", mine.body);
    let case = employee.get(&case_path).await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(case.body.contains("atas nama <strong>Demo staf-tata-usaha</strong>"), "{}", case.body);
    // Someone else of the agency with no part in it still may not.
    let other = login(&app, "ppid").await.get(&case_path).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_timeline_counts_rounds_and_shows_a_waiting_branch() {
    let app = spawn().await;
    contoh(&app).await;
    let s = &app.store;
    let now = jiff::Timestamp::now().as_millisecond();
    let input =
        ActionInput { fields: [("lokasi".to_string(), "Aula".to_string())].into(), ..Default::default() };
    let case = s
        .submit(store::Submit::new("contoh", "contoh/instalasi-jaringan", &person("pemohon"), input, now))
        .await
        .unwrap();
    let note = || ActionInput { note: Some("Sudah.".into()), ..Default::default() };
    let act = |step: u32, position: &'static str, input: ActionInput| {
        let case = case.id.clone();
        async move {
            let who = person(position);
            let open = s.open_tasks("contoh", &who).await.unwrap();
            let task = open.iter().find(|t| t.case == case && t.step == step).unwrap().task.clone();
            s.complete(store::Complete::new(
                "contoh",
                &case,
                &task,
                &who,
                input,
                jiff::Timestamp::now().as_millisecond(),
            ))
            .await
            .unwrap();
        }
    };
    act(2, "kasi-infrastruktur", note()).await;
    act(3, "teknisi-jaringan", note()).await;
    let kasi = login(&app, "kasi-infrastruktur").await;
    let page = kasi.get(&format!("/permohonan/{}", case.id)).await;
    assert!(page.body.contains("menunggu cabang lain selesai"), "{}", page.body);
    act(4, "administrator-server", note()).await;
    let tidak = ActionInput { verdict: Some(Verdict::Tidak), ..note() };
    act(5, "kasi-infrastruktur", tidak).await;
    act(6, "teknisi-jaringan", note()).await;
    let page = kasi.get(&format!("/permohonan/{}", case.id)).await;
    assert!(!page.body.contains("menunggu cabang lain selesai"), "the join opened");
    assert!(
        page.body.contains("putaran 1 dari 3") && page.body.contains("putaran 2 dari 3"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_office_document_is_checked_by_its_content() {
    let app = spawn().await;
    contoh(&app).await;
    let now = jiff::Timestamp::now().as_millisecond();
    let sop = app.store.sop("contoh", "contoh/cek-backup-bulanan", None).await.unwrap();
    app.store.start_routine(&sop, "2026-11", now).await.unwrap().unwrap();
    let admin = login(&app, "administrator-server").await;
    let inbox = admin.get("/tugas").await;
    let at = inbox.body.find("href=\"/permohonan/").unwrap() + 6;
    let case_path = inbox.body[at..].split('"').next().unwrap().to_string();
    let page = admin.get(&case_path).await;
    assert!(page.body.contains("accept=\".xlsx,.ods,.zip\""), "{}", page.body);
    let url = action_url(&page.body).unwrap();
    let renamed = Part::bytes(b"%PDF-1.7 not a sheet".to_vec()).file_name("log.xlsx");
    let refused =
        admin.post_multipart(&url, form(&[("csrf", &page.csrf())]).part("log_pemeriksaan", renamed)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("XLSX, ODS, ZIP"), "{}", refused.body);
    let sheet = Part::bytes(xlsx()).file_name("log.xlsx");
    let done =
        admin.post_multipart(&url, form(&[("csrf", &page.csrf())]).part("log_pemeriksaan", sheet)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

/// A minimal spreadsheet as office programs write it: a ZIP archive whose
/// entries name a workbook (stored, with its central directory).
fn xlsx() -> Vec<u8> {
    let files: [(&str, &[u8]); 2] =
        [("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")];
    let (mut out, mut directory) = (Vec::new(), Vec::new());
    for (name, content) in files {
        let offset = out.len() as u32;
        let common = |out: &mut Vec<u8>| {
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&0u32.to_le_bytes()); // crc (not checked)
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(content);
        directory.extend_from_slice(b"PK\x01\x02\x14\x00");
        common(&mut directory);
        directory.extend_from_slice(&[0; 6]);
        directory.extend_from_slice(&0u32.to_le_bytes());
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
    }
    let (offset, size) = (out.len() as u32, directory.len() as u32);
    out.extend(directory);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0\x02\0\x02\0");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[tokio::test]
async fn the_report_counts_procedures_that_broke_their_deadline() {
    let app = spawn().await;
    contoh(&app).await;
    let s = &app.store;
    let now = jiff::Timestamp::now().as_millisecond();
    let fields = [("rincian_informasi", "Data anggaran"), ("tujuan", "Penelitian")];
    let input = ActionInput {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    let case = s
        .submit(store::Submit::new("contoh", "contoh/informasi-publik", &person("pemohon"), input, now))
        .await
        .unwrap();
    // Everything done a month later: far past the 10 working days.
    let later = now + 30 * 24 * 3600 * 1000;
    let note = || ActionInput { note: Some("Sudah.".into()), ..Default::default() };
    for (step, position, input) in [
        (2, "petugas-ppid", note()),
        (3, "ppid", ActionInput { verdict: Some(Verdict::Ya), ..note() }),
        (4, "petugas-ppid", note()),
        (5, "ppid", note()),
        (6, "petugas-ppid", note()),
        (7, "pemohon", note()),
    ] {
        let who = person(position);
        let open = s.open_tasks("contoh", &who).await.unwrap();
        let task = open.iter().find(|t| t.case == case.id && t.step == step).unwrap().task.clone();
        s.complete(store::Complete::new("contoh", &case.id, &task, &who, input, later)).await.unwrap();
    }
    // Reports are read by the positions given that right (issue 17): the
    // Head of "contoh" gets it as its administrator would.
    let mut position =
        s.positions("contoh").await.unwrap().into_iter().find(|p| p.id == "kepala-dinas").unwrap();
    position.rights.insert(engine::organisation::PositionRight::ReadsReports);
    s.put_position("contoh", &position, None).await.unwrap();
    let head = login(&app, "kepala-dinas").await;
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    let until = today.checked_add(jiff::Span::new().days(40)).unwrap();
    let page = head.get(&format!("/laporan?dari={today}&sampai={until}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page.body.find("data-sop=\"contoh/informasi-publik\"").expect("a row for the SOP");
    let row = &page.body[at..page.body[at..].find("</tr>").unwrap() + at];
    assert!(row.contains("(10 hari)</span></td><td>1</td><td class=\"overdue\">1</td>"), "{row}");
}

#[tokio::test]
async fn the_api_shows_for_whom_a_case_is_its_deadline_and_its_rounds() {
    let app = spawn().await;
    contoh(&app).await;
    let s = &app.store;
    let now = jiff::Timestamp::now().as_millisecond();
    let pns = person("staf-tata-usaha");
    let fields = [("pegawai", pns.as_str()), ("lama_hari", "5")];
    let input = ActionInput {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    let filed = s
        .submit(store::Submit::new(
            "contoh",
            "contoh/cuti-atas-nama",
            &person("kepala-tata-usaha"),
            input,
            now,
        ))
        .await
        .unwrap();
    let (_, token) = s.create_api_token(&pns, "uji", 30, now).await.unwrap();
    let get = |path: String| {
        let token = token.clone();
        let base = app.base.clone();
        async move {
            let r = reqwest::Client::new()
                .get(format!("{base}/api/v1{path}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap()
        }
    };
    let case = get(format!("/cases/{}", filed.id)).await;
    assert_eq!(case["on_behalf_of"], "Demo staf-tata-usaha", "{case}");
    assert_eq!(case["tasks"][0]["round"], 1);

    let fields = [("rincian_informasi", "Data"), ("tujuan", "Riset")];
    let input = ActionInput {
        fields: fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    let asked = s
        .submit(store::Submit::new("contoh", "contoh/informasi-publik", &person("pemohon"), input, now))
        .await
        .unwrap();
    let (_, token) = s.create_api_token(&person("pemohon"), "uji", 30, now).await.unwrap();
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/cases/{}", app.base, asked.id))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let case: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert!(case["due_at"].as_str().is_some_and(|d| !d.is_empty()), "{case}");
}
