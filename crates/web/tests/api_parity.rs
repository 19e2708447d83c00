//! Parity between the pages and the API: every page route that changes
//! state (read from the router's source, so a new one cannot be missed) is
//! named here with its API twin — which must be in the served OpenAPI
//! document with that method — or as a browser's own flow, with why. A
//! new page action without an entry, a twin that is not served, or an
//! entry for a route that is gone fails.

mod common;

use std::collections::BTreeSet;

use regex::Regex;

/// What the API offers for a page action.
enum Twin {
    /// The operation doing the same, as `METHOD /api/v1/…`.
    Api(&'static str),
    /// A browser's own flow, with why.
    BrowserOnly(&'static str),
}

use Twin::{Api, BrowserOnly};

const TWINS: &[(&str, Twin)] = &[
    ("/login", BrowserOnly("signing in makes a browser session; scripts use tokens")),
    ("/logout", BrowserOnly("ends a browser session")),
    ("/bahasa", BrowserOnly("the language of the pages")),
    ("/lupa-sandi", BrowserOnly("a reset link is mailed to a person, not a script")),
    ("/sandi", BrowserOnly("the person sets a new password from the mailed link")),
    ("/daftar", BrowserOnly("a newcomer signs up before having any token")),
    ("/daftar/konfirmasi", BrowserOnly("the newcomer confirms from the mailed link")),
    ("/akun", BrowserOnly("a password is changed by its owner; every token ends with it")),
    ("/akun/token", BrowserOnly("a token is made with the password again, never by another token")),
    ("/permohonan/{case}/konsep/pratinjau", BrowserOnly("a preview of the letter being typed")),
    ("/admin/sop/konsep/{id}/otomatis", Api("PUT /api/v1/sop-drafts/{id}")),
    ("/admin/sop/impor/unduh", BrowserOnly("downloads the definition an import made, to edit")),
    ("/notifikasi/baca", Api("POST /api/v1/notifications/read")),
    ("/layanan/{agency}/{slug}", Api("POST /api/v1/cases")),
    ("/permohonan/{case}/tugas/{task}", Api("POST /api/v1/cases/{id}/tasks/{task}")),
    ("/permohonan/{case}/tarik", Api("POST /api/v1/cases/{id}/withdraw")),
    ("/permohonan/{case}/nik", Api("POST /api/v1/cases/{id}/personal-data")),
    ("/permohonan/{case}/masuk", Api("POST /api/v1/cases/{id}/check-in")),
    ("/permohonan/{case}/review/{entry}", Api("POST /api/v1/cases/{id}/review/{entry}")),
    ("/registri/{kind}/{id}/status", Api("POST /api/v1/registries/{kind}/{id}/state")),
    ("/penyediaan/{run}/ulang", Api("POST /api/v1/registries/{kind}/{id}/provisioning/{run}/retry")),
    ("/penyediaan/{run}/manual", Api("POST /api/v1/registries/{kind}/{id}/provisioning/{run}/by-hand")),
    ("/admin/sop", Api("POST /api/v1/sops")),
    ("/admin/libur", Api("POST /api/v1/calendar/days-off")),
    ("/admin/libur/hapus", Api("DELETE /api/v1/calendar/days-off/{date}")),
    ("/admin/jadwal", Api("POST /api/v1/calendar/schedules")),
    ("/admin/login/buka", Api("POST /api/v1/agencies/{agency}/accounts/{username}/unlock")),
    (
        "/instansi/{agency}/organisasi/akun/{username}/nonaktifkan",
        Api("POST /api/v1/agencies/{agency}/accounts/{username}/deactivate"),
    ),
    (
        "/instansi/{agency}/organisasi/akun/{username}/aktifkan",
        Api("POST /api/v1/agencies/{agency}/accounts/{username}/reactivate"),
    ),
    ("/admin/webhook", Api("POST /api/v1/webhooks")),
    ("/admin/webhook/{id}/hapus", Api("DELETE /api/v1/webhooks/{id}")),
    (
        "/instansi/{agency}/organisasi/akun/{username}/reset",
        Api("POST /api/v1/agencies/{agency}/accounts/{username}/reset"),
    ),
    ("/admin/pendaftaran/{id}/setujui", Api("POST /api/v1/registrations/{id}/approve")),
    ("/admin/pendaftaran/{id}/tolak", Api("POST /api/v1/registrations/{id}/refuse")),
    ("/akun/email", Api("PUT /api/v1/me/mail")),
    ("/akun/notifikasi", Api("PUT /api/v1/me/notice-choices")),
    ("/akun/token/{id}/cabut", Api("DELETE /api/v1/tokens/{id}")),
    ("/permohonan/{case}/survei", Api("POST /api/v1/cases/{id}/survey")),
    ("/permohonan/{case}/serah-terima/{run}", Api("POST /api/v1/cases/{id}/handovers/{run}")),
    ("/agenda/antrean/{id}/tandatangani", Api("POST /api/v1/signing-queue/{id}/sign")),
    ("/agenda/antrean/{id}/basah", Api("POST /api/v1/signing-queue/{id}/wet-ink")),
    ("/laporan/monitoring/periode", Api("PUT /api/v1/monitoring/period")),
    ("/laporan/monitoring/{agency}/{slug}", Api("POST /api/v1/monitoring/{agency}/{slug}")),
    ("/laporan/evaluasi/pertanyaan", Api("PUT /api/v1/evaluation/questions")),
    ("/laporan/evaluasi/{agency}/{slug}", Api("POST /api/v1/evaluations/{agency}/{slug}")),
    ("/admin/masuk", Api("PUT /api/v1/settings/sign-in")),
    ("/admin/pesan", Api("PUT /api/v1/settings/message-gateway")),
    ("/admin/pesan/uji", Api("POST /api/v1/settings/message-gateway/test")),
    ("/admin/konektor/{kind}", Api("PUT /api/v1/connectors/{kind}")),
    ("/admin/konektor/{kind}/hapus", Api("DELETE /api/v1/connectors/{kind}")),
    ("/admin/surat/logo", Api("PUT /api/v1/settings/letters/logo")),
    ("/admin/surat/sertifikat", Api("PUT /api/v1/settings/letters/certificates/{person}")),
    ("/admin/surat/layanan", Api("PUT /api/v1/settings/signing-service")),
    ("/admin/surat/nik", Api("PUT /api/v1/settings/signing-service/signers/{person}")),
    ("/admin/sop/impor", Api("POST /api/v1/sop-imports")),
    ("/admin/sop/tarik", Api("POST /api/v1/sops/{agency}/{slug}/withdraw")),
    ("/admin/sop/berlakukan", Api("POST /api/v1/sops/{agency}/{slug}/restore")),
    ("/admin/sop/konsep/baru", Api("POST /api/v1/sop-drafts")),
    ("/admin/sop/konsep/revisi", Api("POST /api/v1/sop-drafts")),
    ("/admin/sop/konsep/unggah", Api("POST /api/v1/sop-drafts")),
    ("/admin/sop/konsep/impor", Api("POST /api/v1/sop-drafts")),
    ("/admin/sop/konsep/{id}", Api("PUT /api/v1/sop-drafts/{id}")),
    ("/admin/sop/konsep/{id}/teks", Api("PUT /api/v1/sop-drafts/{id}")),
    ("/admin/sop/konsep/{id}/unggah", Api("PUT /api/v1/sop-drafts/{id}")),
    ("/admin/sop/konsep/{id}/terbitkan", Api("POST /api/v1/sop-drafts/{id}/publish")),
    ("/admin/sop/konsep/{id}/hapus", Api("DELETE /api/v1/sop-drafts/{id}")),
    ("/admin/sop/konsep/{id}/tinjau", Api("POST /api/v1/sop-drafts/{id}/review")),
    ("/admin/sop/konsep/{id}/diperiksa", Api("PUT /api/v1/sop-drafts/{id}")),
    ("/sop/tinjauan/{id}/catatan", Api("POST /api/v1/sop-drafts/{id}/comments")),
    ("/sop/tinjauan/{id}/kembalikan", Api("POST /api/v1/sop-drafts/{id}/return")),
    ("/sop/tinjauan/{id}/setujui", Api("POST /api/v1/sop-drafts/{id}/approve")),
    ("/sop/tinjauan/{id}/sahkan", Api("POST /api/v1/sop-drafts/{id}/ratify")),
    ("/instansi/baru", Api("POST /api/v1/agencies")),
    ("/instansi/{agency}/profil", Api("PUT /api/v1/agencies/{agency}/profile")),
    ("/instansi/{agency}/organisasi/unit", Api("PUT /api/v1/agencies/{agency}/units/{unit}")),
    ("/instansi/{agency}/organisasi/jabatan", Api("PUT /api/v1/agencies/{agency}/positions/{position}")),
    ("/instansi/{agency}/organisasi/pegawai", Api("POST /api/v1/agencies/{agency}/people")),
    ("/instansi/{agency}/organisasi/akun", Api("POST /api/v1/agencies/{agency}/accounts")),
    ("/instansi/{agency}/organisasi/penugasan", Api("POST /api/v1/agencies/{agency}/holdings")),
    (
        "/instansi/{agency}/organisasi/penugasan/{holding}/akhiri",
        Api("POST /api/v1/agencies/{agency}/holdings/{holding}/end"),
    ),
    ("/instansi/{agency}/organisasi/impor", Api("POST /api/v1/agencies/{agency}/roster/preview")),
    ("/instansi/{agency}/organisasi/impor/terapkan", Api("POST /api/v1/agencies/{agency}/roster")),
];

/// The page routes that take a form (POST), from the router's source.
fn page_actions() -> BTreeSet<String> {
    let source = include_str!("../src/lib.rs");
    let route =
        Regex::new(r#"\.route\(\s*"([^"]+)",\s*(?:get\([^)]*\)\s*\.)?(post|put|delete|patch)\("#).unwrap();
    let found: BTreeSet<String> = route.captures_iter(source).map(|c| c[1].to_string()).collect();
    assert!(found.len() > 50, "the router's routes were read: {found:?}");
    found
}

#[tokio::test]
async fn every_page_action_has_its_api_twin_or_is_a_browsers_own() {
    let app = common::spawn().await;
    let text = reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().text().await.unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let actions = page_actions();
    let named: BTreeSet<String> = TWINS.iter().map(|(page, _)| page.to_string()).collect();
    let unnamed: Vec<&String> = actions.difference(&named).collect();
    assert!(unnamed.is_empty(), "page actions with no entry here — give each an API twin: {unnamed:?}");
    let gone: Vec<&String> = named.difference(&actions).collect();
    assert!(gone.is_empty(), "entries for routes no longer served: {gone:?}");
    assert_eq!(named.len(), TWINS.len(), "each route named once");

    for (page, twin) in TWINS {
        if let BrowserOnly(why) = twin {
            assert!(!why.is_empty(), "{page}: say why it is a browser's own");
        }
        if let Api(operation) = twin {
            let (method, path) = operation.split_once(' ').unwrap();
            let documented = &doc["paths"][path][method.to_lowercase()];
            assert!(documented.is_object(), "{page}: its twin {operation} is not in the OpenAPI document");
        }
    }
    let twinned = TWINS.iter().filter(|(_, t)| matches!(t, Api(_))).count();
    eprintln!("{twinned} page actions have an API twin, {} are a browser's own", TWINS.len() - twinned);
}

/// The links from a creating call to those that use what it made (for
/// clients and schemathesis's stateful phase) each lead to a documented
/// operation, with every path parameter of that operation given.
#[tokio::test]
async fn the_documents_links_lead_to_documented_operations() {
    let app = common::spawn().await;
    for document in ["/api/openapi.json", "/api/openapi/lumajang"] {
        let text = reqwest::get(format!("{}{document}", app.base)).await.unwrap().text().await.unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut links = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                    for (name, link) in response["links"].as_object().into_iter().flatten() {
                        let target = link["operationRef"].as_str().unwrap().strip_prefix("#/paths/").unwrap();
                        let (pointer, to_method) = target.rsplit_once('/').unwrap();
                        let to = pointer
                            .replace("%7B", "{")
                            .replace("%7D", "}")
                            .replace("~1", "/")
                            .replace("~0", "~");
                        let target = &doc["paths"][&to][to_method];
                        assert!(target.is_object(), "{method} {path} {status} {name}: no {to_method} {to}");
                        for parameter in target["parameters"].as_array().into_iter().flatten() {
                            if parameter["in"] == "path" {
                                let given = parameter["name"].as_str().unwrap();
                                assert!(
                                    link["parameters"][given].is_string(),
                                    "{name}: {given} of {to} not given"
                                );
                            }
                        }
                        links += 1;
                    }
                }
            }
        }
        assert!(links >= 14, "{document}: {links} links");
    }
}
