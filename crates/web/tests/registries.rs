//! Registries over real HTTP: the administrator's step fills the VPN
//! registry; the list is searched and exported as CSV with the filters;
//! an entry is suspended (a missing reason refused) and revoked; requesters
//! and other agencies are kept out.

mod common;

use common::{Browser, spawn};
use reqwest::StatusCode;

/// Runs a VPN request through the administrator's step with `account` as the account name.
async fn vpn_account(app: &common::App, account: &str, responsible: &str) {
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    let with = |step: &sop::Step| {
        let mut input = store::demo::sample_input(step, engine::Verdict::Ya);
        for (k, v) in [("nama_akun_vpn", account), ("penanggung_jawab", responsible)] {
            if input.fields.contains_key(k) {
                input.fields.insert(k.into(), v.into());
            }
        }
        input
    };
    let mut state = app
        .store
        .submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", with(sop.first_step()), now))
        .await
        .unwrap();
    loop {
        let task = state.open_tasks().next().unwrap().clone();
        let step = sop.step(task.step).unwrap();
        let by = task.candidates[0].person.clone();
        state = app
            .store
            .complete(store::Complete::new("lumajang", &state.id, &task.id, &by, with(step), now))
            .await
            .unwrap();
        if step.no == 6 {
            break;
        }
    }
}

#[tokio::test]
async fn the_vpn_registry_is_searched_exported_and_kept() {
    let app = spawn().await;
    vpn_account(&app, "bappeda.siti", "Siti Aminah, S.E.").await;
    vpn_account(&app, "dinkes.budi", "Budi Hartono, S.KM.").await;

    let admin = Browser::login(&app, "lmj-admin-jaringan").await;
    let index = admin.get("/registri").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("href=\"/registri/vpn\""));
    let found = admin.get("/registri/vpn?q=budi").await;
    assert!(found.body.contains("dinkes.budi") && !found.body.contains("bappeda.siti"), "{}", found.body);
    // The search is literal: "%" and "_" are not wildcards.
    for literal in ["%25", "_"] {
        let none = admin.get(&format!("/registri/vpn?q={literal}")).await;
        assert!(!none.body.contains("dinkes.budi") && !none.body.contains("bappeda.siti"), "{literal}");
    }
    let upper = admin.get("/registri/vpn?q=BUDI").await;
    assert!(upper.body.contains("dinkes.budi"), "case does not matter");
    assert!(
        found.body.contains("href=\"/registri/vpn?format=csv&amp;q=budi\""),
        "the CSV link keeps the filter"
    );
    let csv = admin.client.get(format!("{}/registri/vpn?format=csv&q=budi", app.base)).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("nama,status,kedaluwarsa,unit,penanggung_jawab"));
    assert!(
        lines[1].starts_with("dinkes.budi,aktif,tidak,") && lines[1].contains("\"Budi Hartono, S.KM.\""),
        "{csv}"
    );

    let at = found.body.find("href=\"/registri/vpn/").unwrap() + 6;
    let entry_path = found.body[at..].split('"').next().unwrap().to_string();
    let page = admin.get(&entry_path).await;
    assert!(page.body.contains("dibuat melalui permohonan VPN-"), "{}", page.body);
    let token = page.csrf();
    let refused = admin
        .post(
            &format!("{entry_path}/status"),
            &[("csrf", &token), ("status", "ditangguhkan"), ("alasan", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Alasan: wajib diisi"), "{}", refused.body);
    let done = admin
        .post(
            &format!("{entry_path}/status"),
            &[("csrf", &token), ("status", "ditangguhkan"), ("alasan", "Cuti panjang")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let done = admin
        .post(
            &format!("{entry_path}/status"),
            &[("csrf", &token), ("status", "dicabut"), ("alasan", "Pindah tugas")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = admin.get(&entry_path).await;
    assert!(
        page.body.contains("data-state=\"dicabut\"")
            && page.body.contains("Pindah tugas")
            && page.body.contains("Cuti panjang")
    );
    assert!(!page.body.contains("/status\""), "a revoked entry has no form");
    let revoked = admin.get("/registri/vpn?status=dicabut").await;
    assert!(revoked.body.contains("dinkes.budi") && !revoked.body.contains("bappeda.siti"));
    // A status that is none of the three is refused, for the list and its CSV alike.
    for path in ["/registri/vpn?status=hilang", "/registri/vpn?format=csv&status=hilang"] {
        let unknown = admin.get(path).await;
        assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            unknown.body.contains("&quot;hilang&quot; tidak dikenal; pilih aktif, ditangguhkan atau dicabut"),
            "{}",
            unknown.body
        );
    }

    // A requester, and another agency's administrator, are kept out.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/registri").await.status, StatusCode::FORBIDDEN);
    assert_eq!(requester.get(&entry_path).await.status, StatusCode::FORBIDDEN);
    let other = Browser::login(&app, "tgx-kabid").await;
    assert_eq!(other.get(&entry_path).await.status, StatusCode::NOT_FOUND);
    let token = other.token().await;
    let changed = other
        .post(&format!("{entry_path}/status"), &[("csrf", &token), ("status", "aktif"), ("alasan", "x")])
        .await;
    assert_eq!(changed.status, StatusCode::NOT_FOUND);
    assert!(other.get("/registri/vpn").await.body.contains("0 entri"));
}

#[tokio::test]
async fn the_escorting_officer_checks_a_visitor_in_and_out_and_the_log_shows_it() {
    let app = spawn().await;
    let state = allowed_visit(&app).await;
    let path = format!("/permohonan/{}", state.id);

    let kasi = Browser::login(&app, "lmj-kasi").await;
    let page = kasi.get(&path).await;
    assert!(page.body.contains("data-visit=\"diajukan\"") && !page.body.contains(&format!("{path}/masuk")));
    let refused =
        kasi.post(&format!("{path}/masuk"), &[("csrf", &page.csrf()), ("tanda_pengenal", "TP-09")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only the escorting officer checks in");

    let officer = Browser::login(&app, "lmj-petugas").await;
    let page = officer.get(&path).await;
    assert!(page.body.contains(&format!("action=\"{path}/masuk\"")));
    let empty =
        officer.post(&format!("{path}/masuk"), &[("csrf", &page.csrf()), ("tanda_pengenal", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Nomor tanda pengenal khusus: wajib diisi"), "{}", empty.body);
    let done =
        officer.post(&format!("{path}/masuk"), &[("csrf", &page.csrf()), ("tanda_pengenal", "TP-09")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = officer.get(&path).await;
    assert!(page.body.contains("data-visit=\"masuk\"") && page.body.contains("TP-09"));
    let url = common::action_url(&page.body).unwrap();
    let out = common::form(&[("csrf", &page.csrf()), ("tanda_pengenal_dikembalikan", "Ya")]);
    assert_eq!(officer.post_multipart(&url, out).await.status, StatusCode::SEE_OTHER);

    // The name is personal data: masked on the log.
    let log = officer.get("/kunjungan").await;
    assert!(log.body.contains("A*** W*****") && log.body.contains("data-visit=\"selesai\""), "{}", log.body);
    let searched = officer.get(&format!("/kunjungan?q={}&status=selesai", state.number)).await;
    assert!(searched.body.contains("A*** W*****"));
    assert!(!officer.get("/kunjungan?status=masuk").await.body.contains("A*** W*****"), "filtered out");
    let filtered =
        officer.client.get(format!("{}/kunjungan?format=csv&status=masuk", app.base)).send().await.unwrap();
    assert_eq!(
        filtered.text().await.unwrap().lines().count(),
        1,
        "only the header: the filter applies to the CSV"
    );
    let csv = officer
        .client
        .get(format!("{}/kunjungan?format=csv", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.contains("A*** W*****") && row.contains(",selesai,TP-09,Yusuf Maulana,"), "{csv}");
    assert!(!csv.contains("3508"), "the visitor log carries no NIK");
    let requester = Browser::login(&app, "lmj-pemohon").await;
    assert_eq!(requester.get("/kunjungan").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_kabid_reviews_each_card_on_the_review_case_page() {
    let app = spawn().await;
    let review = app.access_review(&["KA-11", "KA-12"]).await;
    let path = format!("/permohonan/{}", review.id);

    let operator = Browser::login(&app, "tgx-operator").await;
    let page = operator.get(&path).await;
    assert!(
        page.body.contains("data-entry=\"KA-11\"") && !page.body.contains("/review/"),
        "only the reviewer decides"
    );

    let kabid = Browser::login(&app, "tgx-kabid").await;
    let page = kabid.get(&path).await;
    let form_of = |name: &str| {
        let row = page.body.find(&format!("data-entry=\"{name}\"")).unwrap();
        let at = page.body[row..].find("action=\"").unwrap() + row + 8;
        page.body[at..].split('"').next().unwrap().to_string()
    };
    let (keep, revoke) = (form_of("KA-11"), form_of("KA-12"));
    let token = page.csrf();
    let refused = operator.post(&keep, &[("csrf", &operator.token().await), ("keputusan", "tetap")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let missing = kabid.post(&revoke, &[("csrf", &token), ("keputusan", "cabut"), ("alasan", "")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("wajib diisi bila akses dicabut"), "{}", missing.body);
    assert_eq!(
        kabid.post(&keep, &[("csrf", &token), ("keputusan", "tetap")]).await.status,
        StatusCode::SEE_OTHER
    );
    let done = kabid.post(&revoke, &[("csrf", &token), ("keputusan", "cabut"), ("alasan", "Pensiun")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = kabid.get(&path).await;
    assert!(
        page.body.contains("data-decision=\"tetap\"")
            && page.body.contains("data-decision=\"cabut\"")
            && page.body.contains("Pensiun")
    );
    let list = kabid.get("/registri/akses-ruang-server?status=dicabut").await;
    assert!(list.body.contains("KA-12") && !list.body.contains("KA-11"), "{}", list.body);
}

#[tokio::test]
async fn a_nul_byte_in_a_registry_search_is_refused_with_a_clear_message() {
    let app = spawn().await;
    vpn_account(&app, "bappeda.siti", "Siti Aminah, S.E.").await;
    let admin = Browser::login(&app, "lmj-admin-jaringan").await;
    for path in ["/registri/vpn?q=ab%00c", "/registri/vpn?format=csv&q=ab%00c", "/registri/vpn?q=%00"] {
        let refused = admin.get(path).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{path}: {}", refused.body);
        assert!(refused.body.contains("Cari: memuat karakter kendali"), "{path}: {}", refused.body);
    }
    let found = admin.get("/registri/vpn?q=siti").await;
    assert!(found.body.contains("bappeda.siti"));
}

/// Runs a VPN request through the administrator's step; the new entry's page path.
async fn vpn_entry(app: &common::App, account: &str) -> String {
    vpn_account(app, account, "Siti Aminah, S.E.").await;
    let entries = app
        .store
        .registry(
            "lumajang",
            "vpn",
            &store::registry::Filter { query: Some(account.into()), ..Default::default() },
        )
        .await
        .unwrap();
    format!("/registri/vpn/{}", entries[0].id)
}

#[tokio::test]
async fn only_the_keepers_of_a_registry_kind_and_administrators_change_its_entries() {
    let app = spawn().await;
    let entry_path = vpn_entry(&app, "bappeda.siti").await;

    // The server-room officer and the mail administrator keep other registries.
    for other in ["lmj-petugas", "lmj-admin-mail"] {
        let b = Browser::login(&app, other).await;
        let page = b.get(&entry_path).await;
        assert_eq!(page.status, StatusCode::OK, "{other} still reads the registry");
        assert!(!page.body.contains("/status\""), "{other} gets no form");
        let token = b.token().await;
        let refused = b
            .post(
                &format!("{entry_path}/status"),
                &[("csrf", &token), ("status", "dicabut"), ("alasan", "Bukan urusan saya")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{other}");
    }
    let (entry, history) =
        app.store.registry_entry("lumajang", entry_path.rsplit('/').next().unwrap()).await.unwrap().unwrap();
    assert_eq!((entry.state.key(), history.len()), ("aktif", 1), "nothing changed");
    let refused = app
        .store
        .change_entry_state("lumajang", &entry.id, "lmj-petugas", "dicabut", "Bukan urusan saya", 1)
        .await;
    assert!(matches!(refused, Err(store::StoreError::NotPermitted(_))), "{refused:?}");

    // The network administrator (the lane of the step that fills the VPN
    // registry) and an administrator of the agency may.
    let network = Browser::login(&app, "lmj-admin-jaringan").await;
    let page = network.get(&entry_path).await;
    assert!(page.body.contains(&format!("action=\"{entry_path}/status\"")));
    let done = network
        .post(
            &format!("{entry_path}/status"),
            &[("csrf", &page.csrf()), ("status", "ditangguhkan"), ("alasan", "Cuti panjang")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let admin = Browser::login(&app, "lmj-kasi").await;
    let token = admin.token().await;
    let done = admin
        .post(
            &format!("{entry_path}/status"),
            &[("csrf", &token), ("status", "aktif"), ("alasan", "Kembali")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
}

/// Submits a Lumajang server-room visit for "Andi Wijaya" and has the Kasi
/// allow it: the escort step is open.
async fn allowed_visit(app: &common::App) -> engine::CaseState {
    app.visit_at_check_in(&[
        ("nama_pengunjung", "Andi Wijaya"),
        ("rencana_mulai", "2026-11-23T10:00"),
        ("rencana_selesai", "2099-11-23T12:00"),
    ])
    .await
}

#[tokio::test]
async fn a_visitors_name_is_masked_on_the_log_its_csv_and_the_case_page_until_a_logged_reveal() {
    let app = spawn().await;
    let state = allowed_visit(&app).await;
    let path = format!("/permohonan/{}", state.id);
    let hidden = |text: &str| !text.contains("Andi") && !text.contains("Wijaya");

    // The six keepers of registries who never handled the visit.
    for keeper in
        ["lmj-kadis", "lmj-sekdin", "lmj-kabid", "lmj-admin-jaringan", "lmj-admin-server", "lmj-admin-mail"]
    {
        let b = Browser::login(&app, keeper).await;
        let log = b.get("/kunjungan").await;
        assert_eq!(log.status, StatusCode::OK, "{keeper}");
        assert!(
            log.body.contains(&state.number) && log.body.contains("A*** W*****"),
            "{keeper}: {}",
            log.body
        );
        assert!(hidden(&log.body), "{keeper}: the log shows the name in clear");
        let searched = b.get("/kunjungan?q=wijaya").await;
        assert!(!searched.body.contains(&state.number), "{keeper}: a search by the hidden name finds it");
        let csv = b
            .client
            .get(format!("{}/kunjungan?format=csv", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(csv.contains(&state.number) && hidden(&csv), "{keeper}: {csv}");
        let page = b.get(&path).await;
        assert!(hidden(&page.body), "{keeper}: the case page shows the name in clear");
    }

    // Those handling the case see it masked too, until they reveal it — a
    // reveal that is in the case's audit log.
    let officer = Browser::login(&app, "lmj-petugas").await;
    let page = officer.get(&path).await;
    assert!(hidden(&page.body) && page.body.contains("A*** W*****"), "{}", page.body);
    assert!(hidden(&officer.get("/kunjungan").await.body));
    let before = app.store.case_events("lumajang", &state.id).await.unwrap().len();
    let shown = officer.post(&format!("{path}/nik"), &[("csrf", &page.csrf())]).await;
    assert_eq!(shown.status, StatusCode::OK);
    let visit = shown.body.find("id=\"kunjungan\"").unwrap();
    assert!(shown.body[visit..].contains("Andi Wijaya"), "{}", shown.body);
    let events = app.store.case_events("lumajang", &state.id).await.unwrap();
    assert_eq!(events.len(), before + 1);
    assert_eq!(events.last().unwrap().kind, "personal-data-revealed");
}

#[tokio::test]
async fn the_request_form_refuses_a_reserved_subdomain_beside_its_field() {
    let app = spawn().await;
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let sop = app.store.sop("lumajang", "lumajang/subdomain", None).await.unwrap();
    let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    input.fields.insert("subdomain".into(), "www".into());
    let token = requester.get("/layanan/lumajang/subdomain").await.csrf();
    let mut f = common::form(&[("csrf", &token)]);
    for (k, v) in &input.fields {
        f = f.text(k.clone(), v.clone());
    }
    f = f.part("surat_permohonan", common::pdf("surat.pdf", common::PDF));
    let refused = requester.post_multipart("/layanan/lumajang/subdomain", f).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let at = refused.body.find("id=\"f-subdomain-error\"").expect("the error beside the field");
    assert!(
        refused.body[at..].contains("&quot;www&quot; dicadangkan untuk layanan instansi sendiri"),
        "{}",
        refused.body
    );
    assert!(app.store.cases("lumajang").await.unwrap().is_empty(), "nothing stored");
}

/// An SOP declaring a registry kind of its own (issue 17, point 5).
const ALAMAT_IP: &str = include_str!("../../sop/tests/fixtures/alamat-ip.toml");

/// Runs an IP-address request of the published `lumajang/alamat-ip`
/// through its registry step, allocating `address`.
async fn ip_allocation(app: &common::App, address: &str) {
    let sop = app.store.sop("lumajang", "lumajang/alamat-ip", None).await.unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    let with = |step: &sop::Step| {
        let mut input = store::demo::sample_input(step, engine::Verdict::Ya);
        if input.fields.contains_key("alamat_ip") {
            input.fields.insert("alamat_ip".into(), address.into());
        }
        input
    };
    let state = app
        .store
        .submit(store::Submit::new(
            "lumajang",
            "lumajang/alamat-ip",
            "lmj-pemohon",
            with(sop.first_step()),
            now,
        ))
        .await
        .unwrap();
    let task = state.open_tasks().next().unwrap().clone();
    let by = task.candidates[0].person.clone();
    app.store
        .complete(store::Complete::new("lumajang", &state.id, &task.id, &by, with(sop.step(2).unwrap()), now))
        .await
        .unwrap();
}

/// A registry kind an SOP declares has its page and API like the built-in
/// ones: listed for the agency, its entries shown to their keepers (the
/// change form only to those acting in its step), and nothing of it shown
/// to another agency, page or API.
#[tokio::test]
async fn a_registry_kind_an_sop_declares_is_listed_kept_and_closed_to_other_agencies() {
    let app = spawn().await;
    let now = jiff::Timestamp::now().as_millisecond();
    app.store.publish_sop("alamat-ip.toml", ALAMAT_IP, now).await.unwrap();
    ip_allocation(&app, "10.20.30.40").await;

    let keeper = Browser::login(&app, "lmj-admin-jaringan").await;
    let index = keeper.get("/registri").await;
    assert!(index.body.contains("<a href=\"/registri/alamat-ip\">Alokasi alamat IP</a>"), "{}", index.body);
    let list = keeper.get("/registri/alamat-ip").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("<h1>Alokasi alamat IP</h1>") && list.body.contains("10.20.30.40"),
        "{}",
        list.body
    );
    let at = list.body.find("href=\"/registri/alamat-ip/").unwrap() + 6;
    let entry_path = list.body[at..].split('"').next().unwrap().to_string();
    let page = keeper.get(&entry_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("action=\"{entry_path}/status\"")), "the keeper gets the form");
    let token = page.csrf();
    let suspended = keeper
        .post(
            &format!("{entry_path}/status"),
            &[("csrf", &token), ("status", "ditangguhkan"), ("alasan", "Perangkat dipindah")],
        )
        .await;
    assert_eq!(suspended.status, StatusCode::SEE_OTHER);
    let csv = keeper.client.get(format!("{}/registri/alamat-ip?format=csv", app.base)).send().await.unwrap();
    assert!(csv.text().await.unwrap().lines().nth(1).unwrap().starts_with("10.20.30.40,ditangguhkan,"));

    // The server administrator reads it but keeps other registries.
    let reader = Browser::login(&app, "lmj-admin-server").await;
    let page = reader.get(&entry_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/status\""));
    let token = reader.token().await;
    let refused = reader
        .post(&format!("{entry_path}/status"), &[("csrf", &token), ("status", "dicabut"), ("alasan", "x")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Another agency has no such registry: neither its list nor the entry.
    let other = Browser::login(&app, "tgx-kabid").await;
    assert!(!other.get("/registri").await.body.contains("alamat-ip"));
    assert_eq!(other.get("/registri/alamat-ip").await.status, StatusCode::NOT_FOUND);
    assert_eq!(other.get(&entry_path).await.status, StatusCode::NOT_FOUND);
    let token = other.token().await;
    let changed = other
        .post(&format!("{entry_path}/status"), &[("csrf", &token), ("status", "aktif"), ("alasan", "x")])
        .await;
    assert_eq!(changed.status, StatusCode::NOT_FOUND);
    // The entry stayed as its keeper left it.
    assert!(keeper.get(&entry_path).await.body.contains("data-state=\"ditangguhkan\""));

    // The API lists the kind and its entry for the keeper, and nothing to another agency.
    let api = |username: &'static str| {
        let app = &app;
        async move {
            let (_, token) = app.store.create_api_token(username, "uji", 30, now).await.unwrap();
            token
        }
    };
    let client = reqwest::Client::new();
    let get = |token: String, path: &'static str| {
        let request = client.get(format!("{}/api/v1{path}", app.base)).bearer_auth(token);
        async move {
            let r = request.send().await.unwrap();
            let status = r.status();
            (status, serde_json::from_str::<serde_json::Value>(&r.text().await.unwrap()).unwrap())
        }
    };
    let keeper_token = api("lmj-admin-jaringan").await;
    let (status, kinds) = get(keeper_token.clone(), "/registries").await;
    assert_eq!(status, StatusCode::OK);
    let ip = kinds.as_array().unwrap().iter().find(|k| k["kind"] == "alamat-ip").expect("listed");
    assert_eq!(
        (&ip["label"], &ip["name_rule"], &ip["suspended"]),
        (&"Alokasi alamat IP".into(), &"ip".into(), &1.into())
    );
    let (status, entries) = get(keeper_token, "/registries/alamat-ip").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entries["items"][0]["name"], "10.20.30.40");
    assert_eq!(entries["items"][0]["kind"], "alamat-ip");
    let other_token = api("tgx-kabid").await;
    let (status, kinds) = get(other_token.clone(), "/registries").await;
    assert_eq!(status, StatusCode::OK);
    assert!(kinds.as_array().unwrap().iter().all(|k| k["kind"] != "alamat-ip"), "{kinds}");
    assert_eq!(get(other_token, "/registries/alamat-ip").await.0, StatusCode::NOT_FOUND);
}
