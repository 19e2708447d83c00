//! SOP versions over real HTTP (issue 19, part 4): an administrator
//! publishes a second version of the built-in VPN SOP with one step
//! inserted and one time changed; the SOP's history lists both versions
//! with who published them and the request still running on the first;
//! the difference page and the API's diff say exactly those two changes;
//! bad choices of versions are refused naming the field; another agency
//! sees none of it; and an administrator begins the next version from the
//! history page.

mod common;

use common::{Api, Browser, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

const VPN: &str = include_str!("../../../sops/lumajang/vpn.toml");

const INSERTED: &str = "Kasi PPI SPBE memeriksa kelengkapan berkas permohonan";
const KASI_LANE: &str =
    "Kasi Pengelolaan dan Pengembangan Infrastruktur Sistem Pemerintahan Berbasis Elektronik";

/// `text` with `from` (written there exactly once) replaced by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must be in the definition once");
    text.replacen(from, to, 1)
}

/// The VPN SOP as version 4: the step missing from the printed numbering
/// (4) inserted between 3 and 5, and step 9's time 10 → 30 minutes.
fn vpn_version_4() -> String {
    let text = edit(VPN, "version = 3", "version = 4");
    let text = edit(
        &text,
        "[[steps]]\nno = 5\n",
        &format!(
            "[[steps]]\nno = 4\nlane = \"kasi-ppi-spbe\"\naction = \"perform\"\nactivity = \"{INSERTED}\"\ntime = \"1 jam\"\noutput = \"Berkas permohonan lengkap\"\n\n[[steps]]\nno = 5\n"
        ),
    );
    edit(
        &text,
        "\"Informasi Hak Akses VPN baru\",\n]\ntime = \"10 menit\"",
        "\"Informasi Hak Akses VPN baru\",\n]\ntime = \"30 menit\"",
    )
}

/// The sentences of the difference page, by group, in order.
fn said(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for section in body.split("data-group=\"").skip(1) {
        let group = section.split('"').next().unwrap().to_string();
        let list = section.split("</ul>").next().unwrap();
        for item in list.split("<li>").skip(1) {
            let item = item.split("</li>").next().unwrap();
            let text = item.rsplit("</span> ").next().unwrap().trim().to_string();
            out.push((group.clone(), text));
        }
    }
    out
}

#[tokio::test]
async fn a_second_version_with_one_step_inserted_and_one_time_changed_is_said_exactly_so() {
    let app = spawn().await;
    let now = jiff::Timestamp::now().as_millisecond();
    // A request running on version 3 before version 4 is published.
    let running = app.submit_vpn(now).await;
    let admin = Api::of(&app, "lmj-kasi").await;
    let published = admin
        .client
        .post(format!("{}/api/v1/sops", app.base))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body(json!({ "source": vpn_version_4(), "filename": "vpn-4.toml" }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), StatusCode::CREATED, "{}", published.text().await.unwrap());

    // Anyone of the agency finds the history from the SOP's page.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let document = requester.get("/sop/lumajang/vpn").await;
    assert!(document.body.contains("href=\"/sop/lumajang/vpn/versi\""), "linked from the SOP");
    let history = requester.get("/sop/lumajang/vpn/versi").await;
    assert_eq!(history.status, StatusCode::OK);
    let row = |v: &str| {
        let at = history.body.find(&format!("data-version=\"{v}\"")).unwrap_or_else(|| panic!("version {v}"));
        history.body[at..].split("</tr>").next().unwrap().to_string()
    };
    let (v4, v3) = (row("4"), row("3"));
    assert!(
        history.body.find("data-version=\"4\"") < history.body.find("data-version=\"3\""),
        "newest first"
    );
    assert!(v4.contains("berlaku") && !v3.contains("berlaku"), "the live version is marked");
    assert!(v4.contains("<td class=\"open-cases\">0</td>"), "{v4}");
    assert!(v3.contains("<td class=\"open-cases\">1</td>"), "the running request stays on 3: {v3}");
    let kasi = app.store.organisation("lumajang").await.unwrap().name("lmj-kasi");
    assert!(v4.contains(&kasi) && v4.contains("vpn-4.toml"), "who published it, from which file: {v4}");
    assert!(v3.contains("server (SOP bawaan atau direktori SOP)"), "{v3}");
    assert!(v4.contains("href=\"/sop/lumajang/vpn/beda?dari=3&amp;ke=4\""), "{v4}");
    assert!(!history.body.contains("/admin/sop/konsep/revisi"), "no revision for a requester");
    let state = app.store.case("lumajang", &running.id).await.unwrap();
    assert_eq!(state.sop_version, 3, "the running request keeps its version");

    // The page says exactly the two changes.
    let page = requester.get("/sop/lumajang/vpn/beda?dari=3&ke=4").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let added = format!("Langkah 4 ditambahkan: “{INSERTED}” ({KASI_LANE}, 1 jam).");
    let time = "Waktu langkah 9: 10 menit → 30 menit.";
    assert_eq!(
        said(&page.body),
        [("langkah".to_string(), added.clone()), ("langkah".to_string(), time.into())]
    );
    assert!(
        page.body.contains("<span class=\"tag warn\">waktu</span> Waktu langkah 9"),
        "the time is called out"
    );

    // The API says the same, typed.
    let reader = Api::of(&app, "lmj-pemohon").await;
    let (status, _, versions) = reader.get("/sops/lumajang/vpn/versions").await;
    assert_eq!(status, StatusCode::OK);
    let brief: Vec<Value> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| json!([v["version"], v["live"], v["open_cases"], v["published_by"], v["file"]]))
        .collect();
    assert_eq!(
        brief,
        [json!([4, true, 0, "lmj-kasi", "vpn-4.toml"]), json!([3, false, 1, null, "sops/lumajang/vpn.toml"])]
    );
    let (status, _, diff) = reader.get("/sops/lumajang/vpn/diff?from=3&to=4").await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let steps: Vec<Value> = {
        let sop = app.store.sop("lumajang", "lumajang/vpn", Some(4)).await.unwrap();
        [4, 9].iter().map(|n| json!(sop.step(*n).unwrap().activity)).collect()
    };
    assert_eq!(
        diff,
        json!({
            "sop": "lumajang/vpn",
            "from": 3,
            "to": 4,
            "differences": [
                {
                    "group": "langkah",
                    "text": added,
                    "kind": "step-added",
                    "step": 4,
                    "activity": steps[0],
                    "lanes": [KASI_LANE],
                    "time": "1 jam",
                },
                {
                    "group": "langkah",
                    "text": time,
                    "kind": "step-changed",
                    "step": 9,
                    "was": 9,
                    "activity": steps[1],
                    "change": { "what": "time", "from": "10 menit", "to": "30 menit" },
                },
            ],
        })
    );
    // Backwards, the step is removed and the time goes back.
    let (_, _, back) = reader.get("/sops/lumajang/vpn/diff?from=4&to=3").await;
    let texts: Vec<&str> =
        back["differences"].as_array().unwrap().iter().map(|d| d["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [format!("Langkah 4 dihapus: “{INSERTED}”."), "Waktu langkah 9: 30 menit → 10 menit.".into()]
    );

    // Both are documented.
    let openapi = reqwest::get(format!("{}/api/openapi.json", app.base)).await.unwrap().text().await.unwrap();
    let openapi: Value = serde_json::from_str(&openapi).unwrap();
    for path in ["/api/v1/sops/{agency}/{slug}/versions", "/api/v1/sops/{agency}/{slug}/diff"] {
        assert!(openapi["paths"][path]["get"].is_object(), "{path} documented");
    }
    let kinds = openapi["components"]["schemas"]["Difference"].to_string();
    assert!(kinds.contains("step-added") && kinds.contains("step-changed"), "typed differences documented");
}

#[tokio::test]
async fn an_administrator_begins_the_next_version_from_the_history_page() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let history = admin.get("/sop/lumajang/vpn/versi").await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("Baru satu versi yang diterbitkan"), "nothing to compare yet");
    let form = history
        .body
        .split("id=\"revisi\"")
        .nth(1)
        .expect("the revision form")
        .split("</form>")
        .next()
        .unwrap();
    assert!(form.contains("name=\"sop\" value=\"lumajang/vpn\""), "{form}");
    assert!(history.body.contains("action=\"/admin/sop/konsep/revisi\""));
    let begun =
        admin.post("/admin/sop/konsep/revisi", &[("csrf", &history.csrf()), ("sop", "lumajang/vpn")]).await;
    assert_eq!(begun.status, StatusCode::SEE_OTHER, "{}", begun.body);
    let drafts = app.store.sop_drafts("lumajang").await.unwrap();
    assert_eq!(drafts.len(), 1);
    let draft = app.store.sop_draft("lumajang", &drafts[0].id).await.unwrap();
    assert_eq!(draft.origin, store::sop_drafts::DraftOrigin::Revision);
    assert!(draft.source.contains("version = 4"), "the next version of the live one");
}

#[tokio::test]
async fn bad_choices_of_versions_are_refused_naming_the_field_and_other_agencies_see_nothing() {
    let app = spawn().await;
    let b = Browser::login(&app, "lmj-pemohon").await;
    for (query, status, says) in [
        ("ke=3", StatusCode::BAD_REQUEST, "isian “dari” wajib diisi dengan nomor versi SOP lumajang/vpn"),
        (
            "dari=abc&ke=3",
            StatusCode::BAD_REQUEST,
            "isian “dari” harus nomor versi (bilangan bulat mulai 1), bukan “abc”",
        ),
        (
            "dari=3&ke=0",
            StatusCode::BAD_REQUEST,
            "isian “ke” harus nomor versi (bilangan bulat mulai 1), bukan “0”",
        ),
        (
            "dari=3&ke=3",
            StatusCode::BAD_REQUEST,
            "isian “dari” dan “ke” sama-sama versi 3; pilih dua versi yang berbeda",
        ),
        (
            "dari=3&ke=9",
            StatusCode::NOT_FOUND,
            "versi 9 (isian “ke”) tidak ada untuk SOP lumajang/vpn; versi yang diterbitkan: 3",
        ),
    ] {
        let page = b.get(&format!("/sop/lumajang/vpn/beda?{query}")).await;
        assert_eq!(page.status, status, "{query}");
        assert!(page.body.contains(says), "{query}: {}", page.body);
    }
    assert_eq!(b.get("/sop/lumajang/tidak-ada/versi").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/sop/lumajang/tidak-ada/beda?dari=1&ke=2").await.status, StatusCode::NOT_FOUND);

    let api = Api::of(&app, "lmj-pemohon").await;
    for (query, field) in
        [("to=3", "from"), ("from=x&to=3", "from"), ("from=3&to=-1", "to"), ("from=3&to=3", "to")]
    {
        let (status, kind, problem) = api.get(&format!("/sops/lumajang/vpn/diff?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {problem}");
        assert_eq!(kind, "application/problem+json");
        assert_eq!(problem["type"], "urn:sopir:problem:validation", "{query}");
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
    // A query that cannot be read at all (found by schemathesis in CI): a problem, as documented.
    let (status, kind, problem) = api.get("/sops/lumajang/vpn/diff?from=3&to=4&to=4").await;
    assert_eq!((status, kind.as_str()), (StatusCode::BAD_REQUEST, "application/problem+json"), "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("duplicate field"), "{problem}");
    let (status, _, problem) = api.get("/sops/lumajang/vpn/diff?from=9&to=3").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["type"], "urn:sopir:problem:not-found");
    assert!(problem["detail"].as_str().unwrap().contains("versi 9 (isian “from”) tidak ada"), "{problem}");

    // Another agency's SOP: refused on the pages, not found in the API.
    let stranger = Browser::login(&app, "tgx-kadis").await;
    for path in ["/sop/lumajang/vpn/versi", "/sop/lumajang/vpn/beda?dari=3&ke=3"] {
        let page = stranger.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!page.body.contains("Pengajuan Akses VPN"), "{path}: no data");
    }
    let stranger = Api::of(&app, "tgx-kadis").await;
    for path in ["/sops/lumajang/vpn/versions", "/sops/lumajang/vpn/diff?from=3&to=3"] {
        let (status, _, problem) = stranger.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(problem["type"], "urn:sopir:problem:not-found");
    }
}
