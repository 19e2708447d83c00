//! End to end in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`): the requester logs in and submits a VPN request with
//! a PDF letter, each official in turn logs in and acts, until the
//! requester sees the case closed. Ignored by a plain `cargo test`; run
//! with `--include-ignored` (as `.ci/run` does); saves a screenshot of the page on failure to
//! `target/e2e-<test>-failure.png`. With `SOPIR_SCREENSHOTS=DIR` it also saves the
//! inbox, the request form and the case timeline there (the README's
//! pictures). Another test has the installation administrator make a third
//! agency with its units and positions, staffed by its own administrator;
//! a last one has that agency publish three SOPs of its own (parallel work,
//! a routine, a joint step) and run a case of each to its end. Two more
//! (issue 18): an administrator deactivates one login and resets another
//! with a one-time code that leads to a new password, and a request form
//! whose session ended comes back filled after login; and a daily digest,
//! chosen in the notification settings, arrives at a message gateway the
//! administrator set up in the browser.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::spawn;
use connectors::dns::test_server::Named;
use fantoccini::{Client, ClientBuilder, Locator};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_browser() -> (Driver, Client, tempfile::TempDir) {
    let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let child = Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{driver_bin} cannot start (install chromium and chromium-driver): {e}"));
    let driver = Driver(child);
    let status = format!("http://127.0.0.1:{port}/status");
    for _ in 0..100 {
        if reqwest::get(&status).await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1000", format!("--user-data-dir={}", profile.path().display()),
            ]
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session in Chromium");
    (driver, client, profile)
}

type Step = Result<(), String>;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

async fn login(c: &Client, base: &str, username: &str) -> Step {
    c.goto(&format!("{base}/login")).await.map_err(err)?;
    type_in(c, "#username", username).await?;
    type_in(c, "#password", store::demo::DEMO_PASSWORD).await?;
    follow(c, Locator::Css("form button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("header.top nav")).await.map_err(err)?;
    Ok(())
}

async fn logout(c: &Client) -> Step {
    follow(c, Locator::Css("form[action='/logout'] button")).await?;
    c.wait().for_element(Locator::Css("#username")).await.map_err(err)?;
    Ok(())
}

/// Fills a control by id; dates are set directly (their keyboard entry
/// depends on the browser's locale).
async fn fill(c: &Client, id: &str, value: &str) -> Step {
    let element = c.find(Locator::Id(id)).await.map_err(err)?;
    match element.attr("type").await.map_err(err)?.as_deref() {
        Some("date") => {
            c.execute(
                "document.getElementById(arguments[0]).value = arguments[1];",
                vec![id.into(), value.into()],
            )
            .await
            .map_err(err)?;
        }
        _ if element.tag_name().await.map_err(err)? == "select" => {
            element.select_by_value(value).await.map_err(err)?;
        }
        _ => element.send_keys(value).await.map_err(err)?,
    }
    Ok(())
}

/// Clicks what `what` finds (a link or a form's button) and waits until the
/// page it leads to has replaced this one. The page is marked first: an
/// element looked for right after a click could otherwise be found on the
/// old page and go stale while it is read (the old preview's `.flash.error`
/// was once taken for a refusal).
async fn follow(c: &Client, what: Locator<'_>) -> Step {
    c.execute("document.documentElement.dataset.left = '1';", vec![]).await.map_err(err)?;
    let described = format!("{what:?}");
    c.find(what).await.map_err(|e| format!("{described}: {e}"))?.click().await.map_err(err)?;
    c.wait()
        .for_element(Locator::Css("html:not([data-left]) body"))
        .await
        .map_err(|e| format!("after clicking {described}, no new page: {e}"))?;
    Ok(())
}

/// Types `text` into the control `css` finds, once it is there.
async fn type_in(c: &Client, css: &str, text: &str) -> Step {
    let control = c.wait().for_element(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))?;
    control.send_keys(text).await.map_err(err)
}

async fn shot(c: &Client, name: &str) -> Step {
    if let Ok(dir) = std::env::var("SOPIR_SCREENSHOTS") {
        let png = c.screenshot().await.map_err(err)?;
        std::fs::write(PathBuf::from(dir).join(name), png).map_err(err)?;
    }
    Ok(())
}

/// Ends a browser test: on failure the page is saved to
/// `target/e2e-<name>-failure.png` and the test fails with `result`'s
/// problem; the browser is closed either way.
async fn finish(client: Client, result: Step, name: &str) {
    if let Err(problem) = result {
        let target =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/e2e-{name}-failure.png"));
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(&target, png);
        }
        let _ = client.close().await;
        panic!("{problem} (screenshot: {})", target.display());
    }
    client.close().await.unwrap();
}

async fn journey(c: &Client, app: &common::App, letter: &std::path::Path) -> Step {
    let base = &app.base;
    login(c, base, "lmj-pemohon").await?;
    c.goto(&format!("{base}/layanan")).await.map_err(err)?;
    follow(c, Locator::Css("a[href='/layanan/lumajang/vpn']")).await?;
    c.wait().for_element(Locator::Css("#f-unit_kerja")).await.map_err(err)?;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.map_err(err)?;
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    for f in &sop.first_step().fields {
        fill(c, &format!("f-{}", f.name), &input.fields[&f.name]).await?;
    }
    shot(c, "request-form.png").await?;
    c.find(Locator::Id("f-surat_permohonan"))
        .await
        .map_err(err)?
        .send_keys(&letter.display().to_string())
        .await
        .map_err(err)?;
    follow(c, Locator::Css("form.card button[type=submit]")).await?;
    let sent = c.wait().for_element(Locator::Css("p.flash.info")).await.map_err(err)?;
    let text = sent.text().await.map_err(err)?;
    if !text.contains("Permohonan terkirim dengan nomor VPN-") {
        return Err(format!("unexpected confirmation: {text}"));
    }
    let case_url = c.current_url().await.map_err(err)?;
    let case_path = case_url.path().to_string();
    let case_id = case_path.trim_start_matches("/permohonan/").to_string();
    logout(c).await?;

    loop {
        let state = app.store.case("lumajang", &case_id).await.map_err(err)?;
        let Some(task) = state.open_tasks().next().cloned() else { break };
        let step = sop.step(task.step).ok_or("step")?;
        let who = task.candidates[0].person.clone();
        login(c, base, &who).await?;
        // From the inbox to the case.
        let link = c
            .find(Locator::Css(&format!("#tasks a[href='{case_path}']")))
            .await
            .map_err(|e| format!("{who} inbox: {e}"))?;
        if step.no == 6 {
            shot(c, "inbox.png").await?;
        }
        link.click().await.map_err(err)?;
        c.wait().for_element(Locator::Css("#action")).await.map_err(|e| format!("{who} action form: {e}"))?;
        let input = store::demo::sample_input(step, engine::Verdict::Ya);
        let prefix = format!("t{}-", step.no);
        fill(c, &format!("{prefix}catatan"), input.note.as_deref().unwrap_or("")).await?;
        if input.verdict.is_some() {
            c.find(Locator::Css("#action input[name=verdict][value=ya]"))
                .await
                .map_err(err)?
                .click()
                .await
                .map_err(err)?;
        }
        for f in &step.fields {
            fill(c, &format!("{prefix}{}", f.name), &input.fields[&f.name]).await?;
        }
        if let Some(signing) = store::demo::sample_paperwork(step).signing {
            fill(c, "surat-kata_sandi", &signing.passphrase).await?;
        }
        if let Some(via) = store::demo::sample_paperwork(step).sending.and_then(|s| s.via) {
            fill(c, "surat-dikirim_melalui", &via).await?;
        }
        follow(c, Locator::Css("#action button[type=submit]")).await?;
        let saved = c
            .wait()
            .for_element(Locator::Css("p.flash.info"))
            .await
            .map_err(|e| format!("{who} step {}: {e}", step.no))?;
        if !saved.text().await.map_err(err)?.contains("Tindakan Anda sudah dicatat.") {
            return Err(format!("{who} step {}: not recorded", step.no));
        }
        if step.no == 13 {
            c.execute("document.querySelector('tr[data-step=\"5\"]').scrollIntoView();", vec![])
                .await
                .map_err(err)?;
            shot(c, "case-timeline.png").await?;
        }
        logout(c).await?;
    }
    login(c, base, "lmj-pemohon").await?;
    c.goto(&format!("{base}{case_path}")).await.map_err(err)?;
    let status =
        c.find(Locator::Css("h1 .tag")).await.map_err(err)?.attr("data-status").await.map_err(err)?;
    if status.as_deref() != Some("completed") {
        return Err(format!("the requester sees the case as {status:?}"));
    }
    // On a phone-sized screen.
    c.set_window_size(390, 844).await.map_err(err)?;
    c.goto(&format!("{base}/tugas")).await.map_err(err)?;
    shot(c, "phone-inbox.png").await?;
    c.goto(&format!("{base}{case_path}")).await.map_err(err)?;
    shot(c, "phone-case.png").await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_vpn_request_clicked_through_every_step_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("surat-permohonan-vpn.pdf");
    std::fs::write(&letter, common::PDF).unwrap();
    let result = journey(&client, &app, &letter).await;
    finish(client, result, "vpn").await;
}

/// A VPN request whose network administrator left the optional end date
/// empty, completed through the store up to the Kasi's draft (step 9).
async fn vpn_case_at_draft_without_end_date(app: &common::App) -> Result<String, String> {
    let s = &app.store;
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.map_err(err)?;
    let mut at = jiff::Timestamp::now().as_millisecond() - 3_600_000;
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let mut state = s
        .submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, at))
        .await
        .map_err(err)?;
    loop {
        let task = state.open_tasks().next().cloned().ok_or("an open task")?;
        if task.step == 9 {
            return Ok(state.id);
        }
        let step = sop.step(task.step).ok_or("step")?;
        at += 60_000;
        let mut input = store::demo::sample_input(step, engine::Verdict::Ya);
        input.fields.remove("berlaku_sampai");
        let paper = store::demo::sample_paperwork(step);
        let who = task.candidates[0].person.clone();
        state = s
            .complete(
                store::Complete::new("lumajang", &state.id, &task.id, &who, input, at).with_paperwork(paper),
            )
            .await
            .map_err(err)?;
    }
}

async fn unfilled_placeholder(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    let case = vpn_case_at_draft_without_end_date(app).await?;
    let case_path = format!("{base}/permohonan/{case}");
    let missing = |name: &str| format!("#pratinjau-surat mark.missing[data-placeholder='{name}']");

    // The Kasi's preview marks the value nobody gave, and what she types.
    login(c, base, "lmj-kasi").await?;
    c.goto(&case_path).await.map_err(err)?;
    let mark = c
        .wait()
        .for_element(Locator::Css(&missing("berlaku_sampai")))
        .await
        .map_err(|e| format!("the mark: {e}"))?;
    let text = mark.text().await.map_err(err)?;
    if text != "[Hak akses berlaku sampai belum diisi]" {
        return Err(format!("the mark reads {text:?}"));
    }
    c.find(Locator::Id("surat-isi")).await.map_err(err)?.send_keys(" {nomor_tiket}").await.map_err(err)?;
    c.wait()
        .for_element(Locator::Css(&missing("nomor_tiket")))
        .await
        .map_err(|e| format!("the live preview: {e}"))?;
    c.execute("document.getElementById('pratinjau-surat').scrollIntoView();", vec![]).await.map_err(err)?;
    shot(c, "draft-preview.png").await?;
    follow(c, Locator::Css("#action button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("p.flash.info")).await.map_err(|e| format!("the draft sent: {e}"))?;
    logout(c).await?;

    // The Kabid sees the mark, and approving is refused with the field named.
    login(c, base, "lmj-kabid").await?;
    c.goto(&case_path).await.map_err(err)?;
    c.wait()
        .for_element(Locator::Css(&missing("berlaku_sampai")))
        .await
        .map_err(|e| format!("the Kabid's mark: {e}"))?;
    c.find(Locator::Css("#action input[name=verdict][value=ya]"))
        .await
        .map_err(err)?
        .click()
        .await
        .map_err(err)?;
    fill(c, "t10-catatan", "Sudah sesuai.").await?;
    follow(c, Locator::Css("#action button[type=submit]")).await?;
    let refusal = c
        .wait()
        .for_element(Locator::Css("#action > .flash.error"))
        .await
        .map_err(|e| format!("the refusal: {e}"))?;
    let text = refusal.text().await.map_err(err)?;
    if !(text.contains("Hak akses berlaku sampai: belum diisi") && text.contains("belum dapat disetujui")) {
        return Err(format!("the refusal reads {text:?}"));
    }
    let state = app.store.case("lumajang", &case).await.map_err(err)?;
    if state.open_tasks().next().map(|t| t.step) != Some(10) {
        return Err("the refused approval moved the case".into());
    }
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_unfilled_placeholder_is_marked_and_refused_at_approval_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let result = unfilled_placeholder(&client, &app).await;
    finish(client, result, "placeholder").await;
}

/// The requester fills the VPN form and double-clicks its send button, as
/// people do: one case comes of it, and the browser lands on it. What
/// Chromium does depends on timing: it sends the form twice (without the
/// server's protection, two cases in some runs), or it drops the first send
/// when the second click comes (which left the first claim unanswered and
/// the second send waiting, then refused); `http.rs` sends a form twice at
/// once for certain.
async fn double_click(c: &Client, app: &common::App, letter: &std::path::Path) -> Step {
    use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
    let base = &app.base;
    login(c, base, "lmj-pemohon").await?;
    c.goto(&format!("{base}/layanan/lumajang/vpn")).await.map_err(err)?;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.map_err(err)?;
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    for f in &sop.first_step().fields {
        fill(c, &format!("f-{}", f.name), &input.fields[&f.name]).await?;
    }
    c.find(Locator::Id("f-surat_permohonan"))
        .await
        .map_err(err)?
        .send_keys(&letter.display().to_string())
        .await
        .map_err(err)?;
    let button = c.find(Locator::Css("form.card button[type=submit]")).await.map_err(err)?;
    let click = |mouse: MouseActions| {
        mouse
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT })
    };
    let mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element: button,
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    let mouse = click(click(mouse).pause(Duration::from_millis(40)));
    c.perform_actions(mouse).await.map_err(err)?;
    let sent = c.wait().for_element(Locator::Css("p.flash.info")).await.map_err(err)?;
    let text = sent.text().await.map_err(err)?;
    if !text.contains("Permohonan terkirim dengan nomor VPN-") {
        return Err(format!("unexpected confirmation: {text}"));
    }
    let cases = app.store.cases("lumajang").await.map_err(err)?;
    if cases.len() != 1 {
        return Err(format!("a double click made {} cases", cases.len()));
    }
    let shown = c.current_url().await.map_err(err)?;
    if shown.path() != format!("/permohonan/{}", cases[0].id) {
        return Err(format!("the browser shows {shown}, not the case"));
    }
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_double_click_on_send_makes_one_request_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("surat-permohonan-vpn.pdf");
    std::fs::write(&letter, common::PDF).unwrap();
    let result = double_click(&client, &app, &letter).await;
    finish(client, result, "double-click").await;
}

/// The VPN SOP as a new version 4 (its administrator's step given a
/// remark), and with `broken` for a lane the SOP does not have.
fn vpn_version_4(broken: bool) -> String {
    let text = include_str!("../../../sops/lumajang/vpn.toml");
    let line = text.lines().find(|l| l.starts_with("version = ")).unwrap();
    let text = text.replacen(line, "version = 4", 1).replacen(
        "output = \"Hak Akses VPN\"",
        "output = \"Hak Akses VPN\"\nremarks = \"Revisi 2026\"",
        1,
    );
    if broken { text.replacen("lane = \"kabid-aptika\"", "lane = \"kabid-aptik\"", 1) } else { text }
}

/// An administrator uploads a definition with an error (refused, its
/// finding at line and column), then the corrected one (live as version 4).
async fn sop_upload(c: &Client, app: &common::App, dir: &std::path::Path) -> Step {
    let base = &app.base;
    let (broken, fixed) = (dir.join("vpn-rusak.toml"), dir.join("vpn.toml"));
    std::fs::write(&broken, vpn_version_4(true)).map_err(err)?;
    std::fs::write(&fixed, vpn_version_4(false)).map_err(err)?;
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin")).await.map_err(err)?;
    follow(c, Locator::Css("a[href='/admin/sop']")).await?;
    c.wait().for_element(Locator::Css("#sop-upload")).await.map_err(err)?;

    let upload = async |file: &std::path::Path| -> Step {
        let input = c.find(Locator::Id("sop-file")).await.map_err(err)?;
        input.send_keys(&file.display().to_string()).await.map_err(err)?;
        follow(c, Locator::Css("#sop-upload button[type=submit]")).await?;
        c.wait().for_element(Locator::Css("main .flash")).await.map_err(err)?;
        Ok(())
    };
    upload(&broken).await?;
    c.find(Locator::Css(".flash.error")).await.map_err(|_| "the broken file is refused".to_string())?;
    let finding = c.find(Locator::Css("li.finding[data-code='unknown-lane']")).await.map_err(err)?;
    let text = finding.text().await.map_err(err)?;
    if !text.contains("kabid-aptik") || finding.attr("data-line").await.map_err(err)?.is_none() {
        return Err(format!("the finding names the line and the lane: {text}"));
    }
    shot(c, "sop-upload.png").await?;
    let live = c.find(Locator::Css("tr[data-sop='lumajang/vpn'] td.version")).await.map_err(err)?;
    if live.text().await.map_err(err)? != "3" {
        return Err("a refused file changes nothing".into());
    }

    upload(&fixed).await?;
    let said = c.find(Locator::Css(".flash.info")).await.map_err(err)?.text().await.map_err(err)?;
    if !said.contains("lumajang/vpn") || !said.contains("4") {
        return Err(format!("the corrected file is published: {said}"));
    }
    let live = c.find(Locator::Css("tr[data-sop='lumajang/vpn'] td.version")).await.map_err(err)?;
    if live.text().await.map_err(err)? != "4" {
        return Err("version 4 is live".into());
    }
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_administrator_uploads_an_sop_refused_then_published_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let dir = tempfile::tempdir().unwrap();
    let result = sop_upload(&client, &app, dir.path()).await;
    finish(client, result, "sop-upload").await;
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 4);
}

/// Types `value` into the control `id`, replacing what it held (selects
/// and dates as [`fill`] does).
async fn replace(c: &Client, id: &str, value: &str) -> Step {
    let element = c.find(Locator::Id(id)).await.map_err(|e| format!("#{id}: {e}"))?;
    let tag = element.tag_name().await.map_err(err)?;
    if tag == "textarea"
        || (tag == "input" && element.attr("type").await.map_err(err)?.as_deref() != Some("date"))
    {
        element.clear().await.map_err(err)?;
    }
    fill(c, id, value).await
}

/// Sends the form `form` and waits for the next page to say `saved`.
async fn save(c: &Client, form: &str, saved: &str) -> Step {
    follow(c, Locator::Css(&format!("#{form} button[type=submit]"))).await?;
    let flash = c.wait().for_element(Locator::Css("p.flash")).await.map_err(|e| format!("{form}: {e}"))?;
    let text = flash.text().await.map_err(err)?;
    if !text.contains(saved) {
        let errors: Vec<String> = match c.find_all(Locator::Css("p.field-error")).await {
            Ok(found) => {
                let mut texts = Vec::new();
                for e in found {
                    texts.push(e.text().await.unwrap_or_default());
                }
                texts
            }
            Err(_) => Vec::new(),
        };
        return Err(format!("{form}: the page says {text:?} ({errors:?}), not {saved:?}"));
    }
    Ok(())
}

/// The installation administrator makes Kabupaten Blitar, its units and
/// positions, its people and its administrator's login; that administrator
/// gives each person a position chosen from the list.
async fn third_agency(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    login(c, base, "admin-instalasi").await?;
    follow(c, Locator::Css("header.top nav a[href='/instansi']")).await?;
    follow(c, Locator::Css("a[href='/instansi/baru']")).await?;
    c.wait().for_element(Locator::Id("a-id")).await.map_err(err)?;
    for (id, value) in [
        ("a-id", "blitar"),
        ("a-government", "Pemerintah Kabupaten Blitar"),
        ("a-name", "Dinas Komunikasi, Informatika dan Statistik"),
        ("a-timezone", "Asia/Jakarta"),
        ("a-letterhead", "PEMERINTAH KABUPATEN BLITAR\nDINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"),
        ("a-domain", "blitarkab.go.id"),
        ("a-retention_days", "730"),
        ("a-letters-number", "{klasifikasi}/{urut:3}/{unit}/{tahun}"),
        ("a-letters-classification", "000.1.2"),
        ("a-letters-unit", "409.108"),
        ("a-letters-place", "Blitar"),
    ] {
        replace(c, id, value).await?;
    }
    c.execute("window.scrollTo(0, 0);", vec![]).await.map_err(err)?;
    shot(c, "agency-form.png").await?;
    save(c, "agency-profile", "Instansi dibuat.").await?;

    for (name, kind) in
        [("Bidang Teknologi Informasi", "dinas"), ("Sekretariat Daerah", "opd"), ("Bappeda", "opd")]
    {
        replace(c, "u-name", name).await?;
        fill(c, "u-kind", kind).await?;
        save(c, "unit-form", "Unit tersimpan.").await?;
    }
    let units = app.store.units("blitar").await.map_err(err)?;
    let unit = |name: &str| units.iter().find(|u| u.name == name).map(|u| u.id.clone()).unwrap_or_default();
    let tik = unit("Bidang Teknologi Informasi");
    let positions: [(&str, &str, &str, &str, &[&str]); 6] = [
        (
            "kadis",
            "Kepala Dinas Komunikasi, Informatika dan Statistik",
            &tik,
            "",
            &["heads-agency", "signs-letters", "reads-reports"],
        ),
        ("sekretaris", "Sekretaris", &tik, "kadis", &["signs-letters"]),
        ("kabid-tik", "Kepala Bidang Teknologi Informasi", &tik, "kadis", &["reads-reports"]),
        ("teknisi-jaringan", "Teknisi Jaringan", &tik, "kabid-tik", &[]),
        ("pemohon", "Pegawai OPD pemohon", "", "", &[]),
        ("sekda", "Sekretaris Daerah Kabupaten Blitar", "", "", &[]),
    ];
    let setda = unit("Sekretariat Daerah");
    for (id, name, unit_id, reports_to, rights) in positions {
        replace(c, "p-id", id).await?;
        replace(c, "p-name", name).await?;
        fill(c, "p-unit", if id == "sekda" { setda.as_str() } else { unit_id }).await?;
        fill(c, "p-reports_to", reports_to).await?;
        for right in rights {
            c.find(Locator::Id(&format!("p-right-{right}")))
                .await
                .map_err(err)?
                .click()
                .await
                .map_err(err)?;
        }
        if id == "sekda" {
            c.find(Locator::Id("p-pemda")).await.map_err(err)?.click().await.map_err(err)?;
        }
        save(c, "position-form", "Jabatan tersimpan.").await?;
    }

    let bappeda = unit("Bappeda");
    let people = [
        ("Budi Santoso, S.Sos., M.Si.", "197503032000031002", tik.as_str()),
        ("Andi Wijaya, S.Kom.", "198801012012011003", tik.as_str()),
        ("Rina Susanti, S.T.", "199204042019032004", tik.as_str()),
        ("Sari Dewi, S.E.", "199005052015032005", bappeda.as_str()),
    ];
    for (name, nip, unit_id) in people {
        replace(c, "g-name", name).await?;
        replace(c, "g-nip", nip).await?;
        fill(c, "g-unit", unit_id).await?;
        save(c, "person-form", "Pegawai tersimpan.").await?;
    }
    let org = app.store.organisation("blitar").await.map_err(err)?;
    let id_of = |prefix: &str| org.people.iter().find(|p| p.name.starts_with(prefix)).map(|p| p.id.clone());
    let andi = id_of("Andi").ok_or("Andi was not saved")?;
    fill(c, "l-person", &andi).await?;
    replace(c, "l-username", "blt-andi").await?;
    replace(c, "l-password", store::demo::DEMO_PASSWORD).await?;
    c.find(Locator::Id("l-admin")).await.map_err(err)?.click().await.map_err(err)?;
    save(c, "login-form", "Akun masuk dibuat.").await?;
    logout(c).await?;

    // Blitar's own administrator staffs its positions.
    login(c, base, "blt-andi").await?;
    follow(c, Locator::Css("header.top nav a[href='/admin']")).await?;
    follow(c, Locator::Css("a[href='/instansi/blitar/organisasi']")).await?;
    for (person, position) in
        [("Budi", "kadis"), ("Andi", "kabid-tik"), ("Rina", "teknisi-jaringan"), ("Sari", "pemohon")]
    {
        fill(c, "h-person", &id_of(person).ok_or(person)?).await?;
        fill(c, "h-position", position).await?;
        fill(c, "h-from", "2026-01-02").await?;
        save(c, "holding-form", "Penugasan jabatan tersimpan.").await?;
    }
    // Andi (Plh.) stands in for the Head during a week's leave.
    fill(c, "h-person", &andi).await?;
    fill(c, "h-position", "kadis").await?;
    fill(c, "h-from", "2026-11-23").await?;
    fill(c, "h-until", "2026-11-27").await?;
    fill(c, "h-acting", "plh").await?;
    fill(c, "h-acting_for", &id_of("Budi").ok_or("Budi")?).await?;
    save(c, "holding-form", "Penugasan jabatan tersimpan.").await?;

    let table = c.find(Locator::Id("positions")).await.map_err(err)?.text().await.map_err(err)?;
    for expected in ["Teknisi Jaringan", "Rina Susanti, S.T.", "Sekretaris Daerah Kabupaten Blitar", "Pemda"]
    {
        if !table.contains(expected) {
            return Err(format!("the positions table lacks {expected:?}: {table}"));
        }
    }
    c.execute("document.getElementById('jabatan').scrollIntoView();", vec![]).await.map_err(err)?;
    shot(c, "organisation.png").await?;
    c.execute("document.getElementById('penugasan').scrollIntoView();", vec![]).await.map_err(err)?;
    shot(c, "organisation-holdings.png").await?;

    let org = app.store.organisation("blitar").await.map_err(err)?;
    let today = jiff::civil::date(2026, 11, 25);
    let head = org.holders_with(engine::organisation::PositionRight::HeadsAgency, today);
    if head.len() != 2 || !head.iter().any(|c| c.person == andi && c.acting.is_some()) {
        return Err(format!("the Head and his Plh: {head:?}"));
    }
    let up = org.escalation_chain(&org.candidates(&["teknisi-jaringan".into()], today), 1, today);
    if up != [andi.clone()] {
        return Err(format!("a late technician is reported to {up:?}, not the Kabid"));
    }
    // The Kabid's position reads reports: the menu offers them.
    c.find(Locator::Css("header.top nav a[href='/laporan']"))
        .await
        .map_err(|e| format!("reports link: {e}"))?;
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_installation_administrator_makes_a_third_agency_with_its_structure_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let result = third_agency(&client, &app).await;
    finish(client, result, "agency").await;
}

/// Blitar's own SOPs (tests/fixtures/blitar/): parallel work then joined,
/// a daily routine nobody requests, and a step two lanes carry out together.
const BLITAR_SOPS: [(&str, &str); 3] = [
    ("jaringan-opd", include_str!("fixtures/blitar/jaringan-opd.toml")),
    ("cadangan-harian", include_str!("fixtures/blitar/cadangan-harian.toml")),
    ("perbaikan-perangkat", include_str!("fixtures/blitar/perbaikan-perangkat.toml")),
];

/// Blitar's people by the first word of their name: Budi heads the agency,
/// Andi (its administrator, `blt-andi`) is the Kabid, Rina the network
/// technician, Sari a requester at Bappeda.
const BLITAR_LOGINS: [(&str, &str); 3] = [("Budi", "blt-budi"), ("Rina", "blt-rina"), ("Sari", "blt-sari")];

/// Blitar's administrator gives the people their logins and publishes the
/// three SOPs on the upload page.
async fn blitar_publishes(c: &Client, app: &common::App, dir: &std::path::Path) -> Step {
    let base = &app.base;
    login(c, base, "blt-andi").await?;
    c.goto(&format!("{base}/instansi/blitar/organisasi")).await.map_err(err)?;
    let org = app.store.organisation("blitar").await.map_err(err)?;
    for (first_name, username) in BLITAR_LOGINS {
        let person = org.people.iter().find(|p| p.name.starts_with(first_name)).ok_or(first_name)?;
        fill(c, "l-person", &person.id).await?;
        replace(c, "l-username", username).await?;
        replace(c, "l-password", store::demo::DEMO_PASSWORD).await?;
        save(c, "login-form", "Akun masuk dibuat.").await?;
    }

    c.goto(&format!("{base}/admin")).await.map_err(err)?;
    follow(c, Locator::Css("a[href='/admin/sop']")).await?;
    c.wait().for_element(Locator::Css("#sop-upload")).await.map_err(err)?;
    for (name, text) in BLITAR_SOPS {
        let file = dir.join(format!("{name}.toml"));
        std::fs::write(&file, text).map_err(err)?;
        c.find(Locator::Id("sop-file"))
            .await
            .map_err(err)?
            .send_keys(&file.display().to_string())
            .await
            .map_err(err)?;
        save(c, "sop-upload", "Diterbitkan sebagai versi baru").await?;
        if c.find(Locator::Css("li.finding")).await.is_ok() {
            return Err(format!("{name} has findings"));
        }
        let said = c.find(Locator::Css("p.flash.info")).await.map_err(err)?.text().await.map_err(err)?;
        if !said.contains(&format!("(blitar/{name}), versi 1.")) {
            return Err(format!("{name} is published: {said}"));
        }
        c.find(Locator::Css(&format!("tr[data-sop='blitar/{name}'] td.version")))
            .await
            .map_err(|e| format!("{name} among the live SOPs: {e}"))?;
    }
    logout(c).await
}

/// `who` sends the request form of `sop` with `fields`; the case's path.
async fn request(
    c: &Client,
    base: &str,
    who: &str,
    sop: &str,
    fields: &[(&str, &str)],
) -> Result<String, String> {
    login(c, base, who).await?;
    c.goto(&format!("{base}/layanan")).await.map_err(err)?;
    follow(c, Locator::Css(&format!("a[href='/layanan/{sop}']"))).await?;
    for (name, value) in fields {
        fill(c, &format!("f-{name}"), value).await?;
    }
    follow(c, Locator::Css("form.card button[type=submit]")).await?;
    let sent = c.wait().for_element(Locator::Css("p.flash.info")).await.map_err(err)?;
    let text = sent.text().await.map_err(err)?;
    if !text.contains("Permohonan terkirim dengan nomor") {
        return Err(format!("{who} sends {sop}: {text}"));
    }
    let path = c.current_url().await.map_err(err)?.path().to_string();
    logout(c).await?;
    Ok(path)
}

/// `who` opens the case from the inbox and carries out `step` with a note
/// and `fields`.
async fn act_on(
    c: &Client,
    base: &str,
    who: &str,
    case_path: &str,
    step: u32,
    fields: &[(&str, &str)],
) -> Step {
    login(c, base, who).await?;
    c.find(Locator::Css(&format!("#tasks a[href='{case_path}']")))
        .await
        .map_err(|e| format!("{who}'s inbox offers {case_path}: {e}"))?
        .click()
        .await
        .map_err(err)?;
    let prefix = format!("t{step}-");
    c.wait()
        .for_element(Locator::Id(&format!("{prefix}catatan")))
        .await
        .map_err(|e| format!("{who}'s form for step {step}: {e}"))?;
    fill(c, &format!("{prefix}catatan"), "Sudah dilaksanakan.").await?;
    for (name, value) in fields {
        if *name == "verdict" {
            let radio = format!("#action input[name=verdict][value={value}]");
            c.find(Locator::Css(&radio))
                .await
                .map_err(|e| format!("{radio}: {e}"))?
                .click()
                .await
                .map_err(err)?;
        } else {
            fill(c, &format!("{prefix}{name}"), value).await?;
        }
    }
    save(c, "action", "Tindakan Anda sudah dicatat.").await.map_err(|e| format!("{who} step {step}: {e}"))?;
    logout(c).await
}

/// `who`, not in the lane of any open task of the case, is offered none:
/// not in the inbox, and no action form on the case page. Whether the page
/// itself was refused (a case that is none of theirs).
async fn not_offered(c: &Client, base: &str, who: &str, case_path: &str) -> Result<bool, String> {
    login(c, base, who).await?;
    if c.find(Locator::Css(&format!("#tasks a[href='{case_path}']"))).await.is_ok() {
        return Err(format!("{who}'s inbox offers {case_path}"));
    }
    c.goto(&format!("{base}{case_path}")).await.map_err(err)?;
    let title = c.find(Locator::Css("h1")).await.map_err(err)?.text().await.map_err(err)?;
    if c.find(Locator::Id("action")).await.is_ok() {
        return Err(format!("{who} is given an action form on {case_path}"));
    }
    // The refusal page has no menu to log out from.
    c.goto(&format!("{base}/tugas")).await.map_err(err)?;
    logout(c).await?;
    Ok(title == "Akses ditolak")
}

/// Sends, from the page open in the browser, the action form of `task` as
/// if it had been offered, with the page's own token: whether the server
/// refused it as not this person's to do (403 with that reason, not a bad
/// token's).
async fn forged_action_refused(c: &Client, case_path: &str, task: &str) -> Result<bool, String> {
    let answer = c
        .execute_async(
            "const [url, done] = [arguments[0], arguments[arguments.length - 1]];
             const body = new FormData();
             body.append('csrf', document.querySelector('input[name=csrf]').value);
             body.append('note', 'Saya kerjakan sendiri.');
             fetch(url, { method: 'POST', body, redirect: 'manual' })
               .then(async r => done([r.status, await r.text()]), e => done([0, String(e)]));",
            vec![format!("{case_path}/tugas/{task}").into()],
        )
        .await
        .map_err(err)?;
    let status = answer[0].as_u64().unwrap_or_default();
    let text = answer[1].as_str().unwrap_or_default();
    Ok(status == 403 && text.contains("Anda tidak berhak membuka halaman ini atau melakukan tindakan ini."))
}

/// The case is shown to `who` as ended, "Selesai".
async fn ended(c: &Client, base: &str, who: &str, case_path: &str) -> Step {
    login(c, base, who).await?;
    c.goto(&format!("{base}{case_path}")).await.map_err(err)?;
    let tag = c.find(Locator::Css("h1 .tag")).await.map_err(err)?;
    let shown = tag.attr("data-status").await.map_err(err)?;
    if shown.as_deref() != Some("completed") || tag.text().await.map_err(err)? != "Selesai" {
        return Err(format!("{who} sees {case_path} as {shown:?}"));
    }
    logout(c).await
}

/// Who did each step of the case, in order: (step, first word of the name).
async fn acted(app: &common::App, case_path: &str) -> Result<Vec<(u32, String)>, String> {
    let id = case_path.trim_start_matches("/permohonan/");
    let case = app.store.case("blitar", id).await.map_err(err)?;
    let org = app.store.organisation("blitar").await.map_err(err)?;
    let first_name = |person: &str| org.name(person).split(' ').next().unwrap_or_default().to_string();
    Ok(case
        .tasks
        .iter()
        .map(|t| (t.step, t.done_by.as_deref().map(first_name).unwrap_or_default()))
        .collect())
}

/// `got` from [`acted`] is `expected`.
fn expect_acted(sop: &str, got: Vec<(u32, String)>, expected: &[(u32, &str)]) -> Step {
    let expected: Vec<(u32, String)> = expected.iter().map(|(s, w)| (*s, w.to_string())).collect();
    if got != expected {
        return Err(format!("{sop}: steps done by {got:?}, not {expected:?}"));
    }
    Ok(())
}

/// The id of the open task of `step`.
async fn open_task(app: &common::App, case_path: &str, step: u32) -> Result<String, String> {
    let id = case_path.trim_start_matches("/permohonan/");
    let case = app.store.case("blitar", id).await.map_err(err)?;
    case.open_tasks().find(|t| t.step == step).map(|t| t.id.clone()).ok_or(format!("step {step} is not open"))
}

/// Sari asks for a network at Bappeda; the Head's disposition starts the
/// technician's cabling and the Kabid's addressing at once; the test of the
/// connection waits for both.
async fn parallel_case(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    let case = request(
        c,
        base,
        "blt-sari",
        "blitar/jaringan-opd",
        &[("lokasi", "Ruang rapat Bappeda lantai 2"), ("jumlah_titik", "4")],
    )
    .await?;
    act_on(c, base, "blt-budi", &case, 2, &[]).await?;
    // Both branches are open at once, each in its own lane.
    open_task(app, &case, 3).await?;
    let addressing = open_task(app, &case, 4).await?;
    act_on(c, base, "blt-rina", &case, 3, &[]).await?;
    if open_task(app, &case, 5).await.is_ok() {
        return Err("the test of the connection opened before the addressing was done".into());
    }
    // The requester sees the cabling wait for the other branch; she acts in
    // neither, and a forged form for the Kabid's is refused.
    login(c, base, "blt-sari").await?;
    c.goto(&format!("{base}{case}")).await.map_err(err)?;
    c.find(Locator::Css("tr[data-step='3'] .waiting"))
        .await
        .map_err(|e| format!("the cabling waits for the other branch: {e}"))?;
    if c.find(Locator::Id("action")).await.is_ok() {
        return Err("the requester is given the Kabid's form".into());
    }
    if !forged_action_refused(c, &case, &addressing).await? || open_task(app, &case, 4).await? != addressing {
        return Err("the requester's forged addressing is not refused".into());
    }
    logout(c).await?;
    if not_offered(c, base, "blt-budi", &case).await? {
        return Err("the Head who disposed of the case may no longer see it".into());
    }
    act_on(c, base, "blt-andi", &case, 4, &[("alamat_ip", "10.35.5.1")]).await?;
    act_on(c, base, "blt-rina", &case, 5, &[]).await?;
    act_on(c, base, "blt-sari", &case, 6, &[]).await?;
    ended(c, base, "blt-sari", &case).await?;
    expect_acted(
        "jaringan-opd",
        acted(app, &case).await?,
        &[(1, "Sari"), (2, "Budi"), (3, "Rina"), (4, "Andi"), (5, "Rina"), (6, "Sari")],
    )
}

/// The daily backup check starts by itself: nobody requests it, the
/// technician finds it in her inbox and the Kabid receives her report.
async fn routine_case(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    // `sopir serve` has a ticker call this; here the test is the clock.
    app.store.start_due_routines(jiff::Timestamp::now().as_millisecond()).await.map_err(err)?;
    let runs = app.store.routine_runs("blitar", "blitar/cadangan-harian").await.map_err(err)?;
    let [(period, id)] = runs.as_slice() else {
        return Err(format!("one run of the daily routine: {runs:?}"));
    };
    let case = format!("/permohonan/{id}");
    // Sari neither requested it nor is in a lane: she is offered nothing,
    // not even the page.
    if !not_offered(c, base, "blt-sari", &case).await? {
        return Err("Sari may open the routine case".into());
    }
    login(c, base, "blt-rina").await?;
    c.goto(&format!("{base}{case}")).await.map_err(err)?;
    let routine = c.find(Locator::Css("p.routine")).await.map_err(err)?.text().await.map_err(err)?;
    if !routine.contains(&format!("Pekerjaan rutin, periode {period}")) {
        return Err(format!("the case says it is routine work: {routine}"));
    }
    logout(c).await?;
    act_on(c, base, "blt-rina", &case, 1, &[("jumlah_server", "3"), ("hasil", "Berhasil")]).await?;
    if !not_offered(c, base, "blt-budi", &case).await? {
        return Err("the Head may open the routine case".into());
    }
    act_on(c, base, "blt-andi", &case, 2, &[]).await?;
    ended(c, base, "blt-rina", &case).await?;
    expect_acted("cadangan-harian", acted(app, &case).await?, &[(1, "Rina"), (2, "Andi")])
}

/// A broken printer: the technician repairs it, then she and the Kabid
/// test it and sign the report together, each in their own task; the
/// step goes on only when both have acted.
async fn joint_case(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    let case = request(
        c,
        base,
        "blt-sari",
        "blitar/perbaikan-perangkat",
        &[("perangkat", "Printer"), ("uraian", "Printer bagian perencanaan tidak menarik kertas.")],
    )
    .await?;
    act_on(c, base, "blt-andi", &case, 2, &[]).await?;
    act_on(c, base, "blt-rina", &case, 3, &[("tindakan", "Roller penarik kertas diganti.")]).await?;
    act_on(c, base, "blt-rina", &case, 4, &[("nomor_berita_acara", "BA-017/TIK/2026")]).await?;
    // Her part is done; the Kabid's still holds the step.
    let id = case.trim_start_matches("/permohonan/");
    let state = app.store.case("blitar", id).await.map_err(err)?;
    let open: Vec<(u32, &str)> = state.open_tasks().map(|t| (t.step, t.lane.as_str())).collect();
    if open != [(4, "kabid")] {
        return Err(format!("after the technician's part, open: {open:?}"));
    }
    if !not_offered(c, base, "blt-budi", &case).await? {
        return Err("the Head may open a repair he has no part in".into());
    }
    if not_offered(c, base, "blt-sari", &case).await? {
        return Err("the requester may not see her own case".into());
    }
    login(c, base, "blt-andi").await?;
    follow(c, Locator::Css(&format!("#tasks a[href='{case}']"))).await?;
    let joint = c
        .find(Locator::Css("#action p.joint"))
        .await
        .map_err(|e| format!("the Kabid confirms his part: {e}"))?;
    if !joint.text().await.map_err(err)?.contains("Teknisi Jaringan") {
        return Err("the Kabid is told the technician fills the form in".into());
    }
    if c.find(Locator::Id("t4-nomor_berita_acara")).await.is_ok() {
        return Err("the Kabid is asked for the technician's field".into());
    }
    logout(c).await?;
    act_on(c, base, "blt-andi", &case, 4, &[]).await?;
    act_on(c, base, "blt-sari", &case, 5, &[]).await?;
    ended(c, base, "blt-sari", &case).await?;
    expect_acted(
        "perbaikan-perangkat",
        acted(app, &case).await?,
        &[(1, "Sari"), (2, "Andi"), (3, "Rina"), (4, "Rina"), (4, "Andi"), (5, "Sari")],
    )
}

async fn third_agency_at_work(c: &Client, app: &common::App, dir: &std::path::Path) -> Step {
    third_agency(c, app).await?;
    blitar_publishes(c, app, dir).await?;
    parallel_case(c, app).await?;
    routine_case(c, app).await?;
    joint_case(c, app).await
}

/// Issue 17's "done when": the third agency made in the browser publishes
/// three SOPs of different shapes, and a case of each runs to its end, each
/// step done by the holder of its lane's position and offered to no one else.
#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_third_agency_runs_its_own_sops_of_three_shapes_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let dir = tempfile::tempdir().unwrap();
    let result = third_agency_at_work(&client, &app, dir.path()).await;
    finish(client, result, "third-agency-sops").await;
}

/// Types a username and password into the login page already open, and sends them.
async fn sign_in_here(c: &Client, username: &str, password: &str) -> Step {
    type_in(c, "#username", username).await?;
    type_in(c, "#password", password).await?;
    follow(c, Locator::Css("form[action='/login'] button[type=submit]")).await?;
    Ok(())
}

async fn text_of(c: &Client, css: &str) -> Result<String, String> {
    c.wait().for_element(Locator::Css(css)).await.map_err(err)?.text().await.map_err(err)
}

/// Issue 18: the administrator deactivates the Secretary, who then cannot
/// sign in, and resets the requester's password with a one-time code, with
/// which the requester signs in and chooses a new password.
async fn accounts(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    let editor = "/instansi/lumajang/organisasi";
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}{editor}")).await.map_err(err)?;
    follow(c, Locator::Css(&format!("form[action='{editor}/akun/lmj-sekdin/nonaktifkan'] button"))).await?;
    let said = text_of(c, "p.flash.info").await?;
    if !said.contains("Akun dinonaktifkan") {
        return Err(format!("after deactivating: {said}"));
    }
    follow(
        c,
        Locator::Css(&format!(
            "form[action='{editor}/akun/lmj-pemohon/reset']:has(input[value='kode']) button"
        )),
    )
    .await?;
    let code = text_of(c, "#reset-code").await?;
    if code.len() != 19 {
        return Err(format!("a code of 16 letters in groups, not {code:?}"));
    }
    logout(c).await?;

    sign_in_here(c, "lmj-sekdin", store::demo::DEMO_PASSWORD).await?;
    let refused = text_of(c, "p.flash.error").await?;
    if !refused.contains("Akun ini dinonaktifkan") {
        return Err(format!("the deactivated Secretary was told: {refused}"));
    }
    c.goto(&format!("{base}/login")).await.map_err(err)?;
    sign_in_here(c, "lmj-pemohon", &code).await?;
    type_in(c, "#new", "kata-sandi-baru-siti").await?;
    type_in(c, "#confirm", "kata-sandi-baru-siti").await?;
    follow(c, Locator::Css("form[action='/sandi'] button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("header.top nav")).await.map_err(err)?;
    logout(c).await?;
    sign_in_here(c, "lmj-pemohon", "kata-sandi-baru-siti").await?;
    c.wait().for_element(Locator::Css("header.top nav")).await.map_err(err)?;
    logout(c).await?;
    sign_in_here(c, "lmj-pemohon", &code).await?;
    let again = text_of(c, "p.flash.error").await?;
    if !again.contains("salah") {
        return Err(format!("a used code was not refused: {again}"));
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_administrator_deactivates_one_login_and_resets_another_with_a_code_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let result = accounts(&client, &app).await;
    finish(client, result, "accounts").await;
}

/// Issue 18: the session ends while the request form is being filled; the
/// login page says why, and after logging in the form has what was typed.
async fn expired_session_keeps_the_form(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    login(c, base, "lmj-pemohon").await?;
    c.goto(&format!("{base}/layanan/lumajang/vpn")).await.map_err(err)?;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.map_err(err)?;
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    for f in &sop.first_step().fields {
        fill(c, &format!("f-{}", f.name), &input.fields[&f.name]).await?;
    }
    // The session runs out (here: its cookie goes) before the form is sent.
    c.delete_cookie("sopir_session").await.map_err(err)?;
    follow(c, Locator::Css("form.card button[type=submit]")).await?;
    let why = text_of(c, "#session-expired").await?;
    if !why.contains("Sesi Anda berakhir") {
        return Err(format!("the login page said: {why}"));
    }
    sign_in_here(c, "lmj-pemohon", store::demo::DEMO_PASSWORD).await?;
    let note = text_of(c, "#form-restored").await?;
    if !note.contains("sudah dikembalikan") {
        return Err(format!("no note of the restored form: {note}"));
    }
    if c.current_url().await.map_err(err)?.path() != "/layanan/lumajang/vpn" {
        return Err("not back at the request form".into());
    }
    for f in &sop.first_step().fields {
        let id = format!("f-{}", f.name);
        let value = c.find(Locator::Id(&id)).await.map_err(err)?.prop("value").await.map_err(err)?;
        if value.as_deref() != Some(input.fields[&f.name].as_str()) {
            return Err(format!("{id} came back as {value:?}, not {:?}", input.fields[&f.name]));
        }
    }
    if !app.store.cases("lumajang").await.map_err(err)?.is_empty() {
        return Err("nothing is sent until the person sends it again".into());
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_form_whose_session_ended_comes_back_filled_after_login_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let result = expired_session_keeps_the_form(&client, &app).await;
    finish(client, result, "expired-session").await;
}

/// An administrator imports 500 people from a CSV: the preview, then
/// "Terapkan", then the people in the editor (issue 18).
async fn people_import(c: &Client, app: &common::App, dir: &std::path::Path) -> Step {
    let base = &app.base;
    let file = dir.join("pegawai.csv");
    std::fs::write(&file, common::roster_csv(app, "lumajang", 500).await).map_err(err)?;
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/instansi/lumajang/organisasi")).await.map_err(err)?;
    c.find(Locator::Id("import-file"))
        .await
        .map_err(err)?
        .send_keys(&file.display().to_string())
        .await
        .map_err(err)?;
    follow(c, Locator::Css("#import-form button[type=submit]")).await?;
    c.wait().for_element(Locator::Id("import-counts")).await.map_err(err)?;
    let new = c.find(Locator::Id("count-new")).await.map_err(err)?.text().await.map_err(err)?;
    if new != "500" {
        return Err(format!("the preview counts 500 new people, not {new}"));
    }
    let rows = c.find_all(Locator::Css("#import-new tbody tr")).await.map_err(err)?.len();
    if rows != 500 {
        return Err(format!("the preview lists 500 new people, not {rows}"));
    }
    shot(c, "people-import-preview.png").await?;
    if app
        .store
        .organisation("lumajang")
        .await
        .map_err(err)?
        .people
        .iter()
        .any(|p| p.name.starts_with("Pegawai Impor"))
    {
        return Err("a preview writes nothing".into());
    }
    follow(c, Locator::Css("#import-apply button[type=submit]")).await?;
    let said =
        c.wait().for_element(Locator::Css(".flash.info")).await.map_err(err)?.text().await.map_err(err)?;
    if !said.contains("Impor pegawai diterapkan.") {
        return Err(format!("the import is applied: {said}"));
    }
    let people = c.find(Locator::Id("people")).await.map_err(err)?.text().await.map_err(err)?;
    if !people.contains("Pegawai Impor 499") || !people.contains("198001012005012500") {
        return Err("the imported people appear in the editor".into());
    }
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_administrator_imports_500_people_from_a_csv_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let dir = tempfile::tempdir().unwrap();
    let result = people_import(&client, &app, dir.path()).await;
    finish(client, result, "people-import").await;
    let org = app.store.organisation("lumajang").await.unwrap();
    assert_eq!(org.people.iter().filter(|p| p.name.starts_with("Pegawai Impor")).count(), 500);
}

/// Lumajang's administrator sets the agency's LDAP directory in *Admin →
/// Cara masuk*; then Sri signs in with her directory password, choosing
/// the directory on the login page.
async fn ldap_sign_in(c: &Client, base: &str, ldap: &common::slapd::Slapd) -> Step {
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/masuk")).await.map_err(err)?;
    fill(c, "masuk-ldap_url", &ldap.url).await?;
    fill(c, "masuk-ldap_mode", "template").await?;
    fill(c, "masuk-ldap_bind_dn", &format!("uid={{username}},{}", common::slapd::PEOPLE)).await?;
    replace(c, "masuk-ldap_attribute", "employeeNumber").await?;
    fill(c, "masuk-ldap_maps_to", "nip").await?;
    follow(c, Locator::Css("form[action='/admin/masuk'] button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("p.flash.info")).await.map_err(err)?;
    logout(c).await?;
    type_in(c, "#username", "sri").await?;
    type_in(c, "#password", common::slapd::SRI_PASSWORD).await?;
    fill(c, "direktori", "lumajang").await?;
    follow(c, Locator::Css("form button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("header.top nav")).await.map_err(err)?;
    c.goto(&format!("{base}/akun")).await.map_err(err)?;
    // Waited for, not read at once: under load the page read right after
    // the navigation was once still the one before it.
    let me = Locator::XPath("//header[contains(@class, 'top')][contains(., 'Sri Wahyuni')]");
    if c.wait().at_most(Duration::from_secs(20)).for_element(me).await.is_err() {
        let page = c.source().await.map_err(err)?;
        return Err(format!("signed in through LDAP, but not as Sri Wahyuni (lmj-sekdin): {page}"));
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium, chromedriver and slapd"]
async fn a_person_signs_in_through_the_agencys_ldap_directory_in_chromium() {
    let ldap = common::slapd::start();
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let result = ldap_sign_in(&client, &app.base, &ldap).await;
    finish(client, result, "ldap").await;
}

/// Lumajang's administrator sets the agency's OpenID provider; then Agus
/// clicks "Masuk dengan SSO Jatim", signs in at the provider's own form,
/// consents, and is back in Sopir as himself.
async fn openid_sign_in(c: &Client, base: &str, issuer: &str) -> Step {
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/masuk")).await.map_err(err)?;
    fill(c, "masuk-oidc_name", "SSO Jatim").await?;
    fill(c, "masuk-oidc_issuer", issuer).await?;
    fill(c, "masuk-oidc_client_id", common::oidc::CLIENT_ID).await?;
    fill(c, "masuk-oidc_client_secret", common::oidc::CLIENT_SECRET).await?;
    follow(c, Locator::Css("form[action='/admin/masuk'] button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("p.flash.info")).await.map_err(err)?;
    logout(c).await?;
    follow(c, Locator::LinkText("Masuk dengan SSO Jatim")).await?;
    type_in(c, "input[name=login]", "agus").await?;
    type_in(c, "input[name=password]", "apa-saja").await?;
    follow(c, Locator::Css("button[type=submit]")).await?;
    // The provider asks to consent once; its click leads back to Sopir.
    c.wait().for_element(Locator::Css("button[type=submit]")).await.map_err(err)?;
    follow(c, Locator::Css("button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("header.top nav")).await.map_err(err)?;
    c.goto(&format!("{base}/akun")).await.map_err(err)?;
    let page = c.source().await.map_err(err)?;
    if !page.contains("Agus Prasetyo") {
        return Err("back from the OpenID provider, but not as Agus Prasetyo (lmj-kabid)".into());
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium, chromedriver, node and oidc-provider (npm ci in crates/web/tests/fixtures/oidc)"]
async fn a_person_signs_in_through_the_openid_provider_in_chromium() {
    let app = spawn().await;
    let provider = common::oidc::start(&app.base, &[("agus", "agus@lumajang.go.id")]);
    app.store.set_person_email("lumajang", "lmj-kabid", "agus@lumajang.go.id", None).await.unwrap();
    let (_driver, client, _profile) = start_browser().await;
    let result = openid_sign_in(&client, &app.base, &provider.issuer).await;
    finish(client, result, "openid").await;
}

/// Issue 18: an OPD employee signs up, opens the confirmation link mailed
/// to them, the administrator approves, and the employee signs in with
/// their NIP and requests a VPN account.
async fn self_registration(c: &Client, app: &common::App, letter: &std::path::Path) -> Step {
    let base = &app.base;
    let nip = "199001012015032001";
    let password = "rahasia-dewi-1";
    c.goto(&format!("{base}/login")).await.map_err(err)?;
    follow(c, Locator::Css("a#signup")).await?;
    // Two agencies: the agency first.
    c.wait().for_element(Locator::Css("#instansi")).await.map_err(err)?;
    fill(c, "instansi", "lumajang").await?;
    follow(c, Locator::Css("form[action='/daftar'] button")).await?;
    c.wait().for_element(Locator::Css("#nip")).await.map_err(err)?;
    fill(c, "nip", nip).await?;
    fill(c, "name", "Dewi Lestari, S.Kom.").await?;
    fill(c, "unit", "lmj-dinkes").await?;
    fill(c, "email", "dewi@dinkes.example").await?;
    fill(c, "password", password).await?;
    fill(c, "confirm", password).await?;
    shot(c, "signup-form.png").await?;
    follow(c, Locator::Css("form[action='/daftar'] button[type=submit]")).await?;
    let said = text_of(c, "#signup-sent").await?;
    if !said.contains("Periksa e-mail Anda") {
        return Err(format!("after signing up: {said}"));
    }
    // The mail is written after the answer.
    let mut link = None;
    for _ in 0..100 {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM outbox WHERE to_address = $1")
            .bind("dewi@dinkes.example")
            .fetch_optional(app.store.pool())
            .await
            .map_err(err)?;
        if let Some(body) = body {
            let at = body.find(&format!("{base}/daftar/")).ok_or("a link in the mail")?;
            link = body[at..].split_whitespace().next().map(str::to_string);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    c.goto(&link.ok_or("no mail")?).await.map_err(err)?;
    follow(c, Locator::Css("form[action='/daftar/konfirmasi'] button")).await?;
    let said = text_of(c, "#signup-confirmed").await?;
    if !said.contains("menunggu persetujuan") {
        return Err(format!("after confirming: {said}"));
    }
    // Not yet approved: refused like any unknown name.
    c.goto(&format!("{base}/login")).await.map_err(err)?;
    sign_in_here(c, nip, password).await?;
    text_of(c, "p.flash.error").await?;

    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin")).await.map_err(err)?;
    follow(c, Locator::Css("a[href='/admin/pendaftaran']")).await?;
    c.wait().for_element(Locator::Css("div[data-registration]")).await.map_err(err)?;
    shot(c, "signups.png").await?;
    follow(c, Locator::Css("form[action$='/setujui'] button")).await?;
    let said = text_of(c, "p.flash.info").await?;
    if !said.contains("Pendaftaran disetujui") {
        return Err(format!("after approving: {said}"));
    }
    logout(c).await?;

    sign_in_here(c, nip, password).await?;
    c.wait().for_element(Locator::Css("header.top nav")).await.map_err(err)?;
    c.goto(&format!("{base}/layanan")).await.map_err(err)?;
    follow(c, Locator::Css("a[href='/layanan/lumajang/vpn']")).await?;
    c.wait().for_element(Locator::Css("#f-unit_kerja")).await.map_err(err)?;
    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.map_err(err)?;
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    for f in &sop.first_step().fields {
        fill(c, &format!("f-{}", f.name), &input.fields[&f.name]).await?;
    }
    c.find(Locator::Id("f-surat_permohonan"))
        .await
        .map_err(err)?
        .send_keys(&letter.display().to_string())
        .await
        .map_err(err)?;
    follow(c, Locator::Css("form.card button[type=submit]")).await?;
    let sent = text_of(c, "p.flash.info").await?;
    if !sent.contains("Permohonan terkirim dengan nomor VPN-") {
        return Err(format!("unexpected confirmation: {sent}"));
    }
    let account = app.store.account(nip).await.map_err(err)?.ok_or("no login made")?;
    let cases = app.store.cases("lumajang").await.map_err(err)?;
    if !cases.iter().any(|case| case.requester == account.person_id) {
        return Err("the request is not the new employee's".into());
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_opd_employee_signs_up_is_approved_and_requests_a_vpn_account_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let dir = tempfile::tempdir().unwrap();
    let letter = dir.path().join("surat-permohonan-vpn.pdf");
    std::fs::write(&letter, common::PDF).unwrap();
    let result = self_registration(&client, &app, &letter).await;
    finish(client, result, "self-registration").await;
}

/// Issue 18: Lumajang's administrator sets the agency's HTTP message
/// gateway up, pointing at a receiver on loopback; the requester chooses, in
/// their notification settings, a daily digest of how their requests move,
/// through the gateway to their phone and chat id; two requests move, the
/// day's digest runs (as the server's minute loop runs it) and the receiver
/// gets one message grouping both cases with the link to act.
async fn gateway_digest(c: &Client, app: &common::App, gateway: &str) -> Step {
    let base = &app.base;
    login(c, base, "lmj-kasi").await?;
    follow(c, Locator::Css("header.top nav a[href='/admin']")).await?;
    follow(c, Locator::Css("main a[href='/admin/pesan']")).await?;
    fill(c, "url", gateway).await?;
    fill(c, "header", "Authorization: Bearer rahasia-token-4321").await?;
    replace(c, "template", r#"{"to":"{telepon}","chat":"{chat_id}","text":"{pesan}","link":"{tautan}"}"#)
        .await?;
    follow(c, Locator::Css("form[action='/admin/pesan'] button[type=submit]")).await?;
    text_of(c, "p.flash.info").await?;
    let headers = text_of(c, "#saved-headers").await?;
    if headers != "Authorization: ••••••4321" {
        return Err(format!("the token is shown masked, not as {headers:?}"));
    }
    shot(c, "gateway-settings.png").await?;
    logout(c).await?;

    login(c, base, "lmj-pemohon").await?;
    follow(c, Locator::Css("header.top nav a[href='/akun']")).await?;
    follow(c, Locator::Css("main a[href='/akun/notifikasi']")).await?;
    c.find(Locator::Css("select[name='progres.pesan']"))
        .await
        .map_err(err)?
        .select_by_value("ringkasan")
        .await
        .map_err(err)?;
    // At 00:00, so whenever this runs the day's digest is due; a time
    // input's keyboard entry follows the browser's locale, so it is set.
    c.execute("document.getElementById('jam').value = '00:00';", vec![]).await.map_err(err)?;
    replace(c, "telepon", "0812-7777-8888").await?;
    replace(c, "chat_id", "-1001234").await?;
    follow(c, Locator::Css("form[action='/akun/notifikasi'] button[type=submit]")).await?;
    text_of(c, "p.flash.info").await?;
    let chosen = c
        .find(Locator::Css("select[name='progres.pesan'] option[selected]"))
        .await
        .map_err(err)?
        .attr("value")
        .await
        .map_err(err)?;
    if chosen.as_deref() != Some("ringkasan") {
        return Err(format!("the digest was not kept: {chosen:?}"));
    }
    shot(c, "notification-settings.png").await?;
    Ok(())
}

/// Waits until `css` matches `present` elements or none (`false`).
async fn until(c: &Client, css: &str, present: bool) -> Step {
    for _ in 0..100 {
        let found = c.find_all(Locator::Css(css)).await.map_err(err)?;
        if found.is_empty() != present {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{css} never {}", if present { "appeared" } else { "went away" }))
}

/// The SOP editor (issue 19): an administrator begins a draft, fills in the
/// identity, adds a lane and a step by their buttons, watches the official
/// document follow what is typed and a finding (a step without a standard
/// time) appear and go as the time is filled in, saves and publishes.
async fn sop_editor(c: &Client, app: &common::App) -> Step {
    let base = &app.base;
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/sop")).await.map_err(err)?;
    follow(c, Locator::Css("a[href='/admin/sop/konsep']")).await?;
    follow(c, Locator::Css("#buat-konsep")).await?;
    c.wait().for_element(Locator::Id("f-identity-nama")).await.map_err(err)?;
    replace(c, "f-identity-nama", "SOP Layanan Hosting Aplikasi").await?;
    replace(c, "f-identity-nomor", "000.1/7/2026").await?;
    fill(c, "f-identity-disahkan_oleh-jabatan", "Kepala Dinas Komunikasi dan Informatika").await?;
    fill(c, "f-identity-disahkan_oleh-nama", "Pejabat Contoh, S.Kom.").await?;
    follow(c, Locator::Id("f-lanes-add")).await?;
    // Focus follows the button to the new lane's heading.
    let focused = c.active_element().await.map_err(err)?.attr("id").await.map_err(err)?;
    if focused.as_deref() != Some("f-lanes-1-name") {
        return Err(format!("focus on the new lane, not {focused:?}"));
    }
    replace(c, "f-lanes-1-name", "Administrator Server").await?;
    c.find(Locator::Css("input[name='lanes.1.positions'][value='administrator-server']"))
        .await
        .map_err(err)?
        .click()
        .await
        .map_err(err)?;
    follow(c, Locator::Id("f-steps-add")).await?;
    fill(c, "f-steps-1-lane", "pelaksana-2").await?;
    let preview = "return document.getElementById('pratinjau').innerHTML;";
    let before = c.execute(preview, vec![]).await.map_err(err)?;
    if before.as_str().is_none_or(|h| h.contains("Menyiapkan hosting")) {
        return Err("the document has the step before it is typed".into());
    }
    fill(c, "f-steps-1-activity", "Menyiapkan hosting aplikasi").await?;
    // The document is drawn again as it is typed, and says what is missing.
    until(c, "#dokumen svg", true).await?;
    let mut drawn = false;
    for _ in 0..100 {
        // Read through a script: a save may redraw the preview meanwhile.
        let html = c.execute(preview, vec![]).await.map_err(err)?;
        if html.as_str().is_some_and(|h| h.contains("Menyiapkan hosting")) {
            drawn = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !drawn {
        return Err("the live document never showed the new step".into());
    }
    until(c, "li.finding[data-code='no-standard-time']", true).await?;
    // The finding leads to its field.
    c.find(Locator::Css("li.finding[data-code='no-standard-time'] a"))
        .await
        .map_err(err)?
        .click()
        .await
        .map_err(err)?;
    let focused = c.active_element().await.map_err(err)?.attr("id").await.map_err(err)?;
    if focused.as_deref() != Some("f-steps-1-time") {
        return Err(format!("the finding's link focuses the time, not {focused:?}"));
    }
    fill(c, "f-steps-1-time", "2 jam").await?;
    until(c, "li.finding[data-code='no-standard-time']", false).await?;
    shot(c, "sop-editor.png").await?;
    follow(c, Locator::Id("simpan")).await?;
    let status = text_of(c, "#status-simpan").await?;
    if !status.contains("Tersimpan") {
        return Err(format!("saved: {status}"));
    }
    follow(c, Locator::Id("terbitkan")).await?;
    let said = text_of(c, "p.flash.info").await?;
    if !said.contains("Diterbitkan sebagai versi 1") {
        return Err(format!("published: {said}"));
    }
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_daily_digest_chosen_in_the_browser_arrives_at_the_loopback_gateway_in_chromium() {
    let app = spawn().await;
    let (gateway, received) = common::gateway_receiver::gateway(&[]).await;
    let (_driver, client, _profile) = start_browser().await;
    let result = gateway_digest(&client, &app, &gateway).await;
    finish(client, result, "gateway-digest").await;

    let now = jiff::Timestamp::now().as_millisecond();
    let first = app.submit_vpn(now).await;
    let second = app.submit_vpn(now + 1).await;
    let first = app.advance(&first, now + 2).await;
    app.advance(&first, now + 3).await;
    app.advance(&second, now + 4).await;
    let sender = web::gateway::GatewaySender::new(Some(app.base.clone()));
    assert_eq!(sender.deliver_due(&app.store, now + 10).await.unwrap(), (0, 0), "nothing at once");
    assert_eq!(app.store.send_due_digests(now + 60_000).await.unwrap(), 1);
    assert_eq!(sender.deliver_due(&app.store, now + 60_000).await.unwrap(), (1, 0));

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "one message: {received:?}");
    let (authorization, _, body) = &received[0];
    assert_eq!(authorization, "Bearer rahasia-token-4321");
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!((body["to"].as_str(), body["chat"].as_str()), (Some("081277778888"), Some("-1001234")));
    assert_eq!(body["link"], format!("{}/notifikasi", app.base).as_str(), "the link to act");
    let text = body["text"].as_str().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(": 3 pemberitahuan dari 2 permohonan."), "{text}");
    assert!(lines[1].starts_with(&format!("• {} (2): ", first.number)), "{text}");
    assert!(lines[1].ends_with(&format!("{}/permohonan/{}", app.base, first.id)), "{text}");
    assert!(lines[2].starts_with(&format!("• {} (1): ", second.number)), "{text}");
    assert!(lines[2].ends_with(&format!("{}/permohonan/{}", app.base, second.id)), "{text}");
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn an_administrator_writes_an_sop_in_the_editor_and_publishes_it_in_chromium() {
    let app = spawn().await;
    let (_driver, client, _profile) = start_browser().await;
    let result = sop_editor(&client, &app).await;
    finish(client, result, "sop-editor").await;
    let sop = app.store.sop("lumajang", "lumajang/sop-baru", None).await.unwrap();
    assert_eq!((sop.version, sop.steps.len()), (1, 2));
    assert_eq!(sop.steps[1].time.map(|t| t.to_string()).as_deref(), Some("2 jam"));
}

/// Follows the link that `list` (the import's marks, the reviewer's
/// comments) gives for the field `control`, which must take the focus, and
/// saves `value` there.
async fn correct_from(c: &Client, list: &str, control: &str, value: &str) -> Step {
    let field = control.trim_start_matches("f-").replace('-', ".");
    let link = format!("{list} li[data-field='{field}'] a");
    c.find(Locator::Css(&link)).await.map_err(|e| format!("{link}: {e}"))?.click().await.map_err(err)?;
    let focused = c.active_element().await.map_err(err)?.attr("id").await.map_err(err)?;
    if focused.as_deref() != Some(control) {
        return Err(format!("{link} leads to {focused:?}, not {control}"));
    }
    replace(c, control, value).await?;
    follow(c, Locator::Id("simpan")).await
}

/// Issue 19's whole life of an SOP: the Kasi imports a Word document,
/// checks what the import was unsure of and sends the draft for review; the
/// Kabid comments on a step's time and returns it; the Kasi fixes that and
/// sends it again; the Kabid approves; the Head ratifies it with the
/// passphrase of their certificate; then a request of the new SOP runs to
/// its end. Returns the new case's path and the draft's id.
async fn sop_life(c: &Client, app: &common::App, dir: &std::path::Path) -> Result<(String, String), String> {
    let base = &app.base;
    let document = dir.join("sop-hosting.docx");
    std::fs::write(&document, sop::import::fixture::docx(&sop::import::fixture::sample())).map_err(err)?;
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/sop")).await.map_err(err)?;
    let input = c.wait().for_element(Locator::Id("sop-document")).await.map_err(err)?;
    input.send_keys(&document.display().to_string()).await.map_err(err)?;
    follow(c, Locator::Css("#sop-import button[type=submit]")).await?;
    c.wait().for_element(Locator::Css("#import-result")).await.map_err(err)?;
    follow(c, Locator::Css("#draft-open button")).await?;
    c.wait()
        .for_element(Locator::Css("#tidak-pasti"))
        .await
        .map_err(|e| format!("the import's marks: {e}"))?;
    let id = c.current_url().await.map_err(err)?.path().trim_start_matches("/admin/sop/konsep/").to_string();

    // The time the import could not read, then each mark checked.
    correct_from(c, "#tidak-pasti", "f-steps-3-time", "30 menit").await?;
    shot(c, "sop-import-marks.png").await?;
    while c.find(Locator::Css("#tidak-pasti")).await.is_ok() {
        follow(c, Locator::Css("#tidak-pasti li form button")).await?;
    }
    fill(c, "f-peninjau", "lmj-kabid").await?;
    follow(c, Locator::Css("#kirim-tinjauan button")).await?;
    let status = c.find(Locator::Css("#status-konsep .tag")).await.map_err(err)?;
    if status.attr("data-status").await.map_err(err)?.as_deref() != Some("ditinjau") {
        return Err("sent for review".into());
    }
    logout(c).await?;

    // The reviewer finds it waiting, comments on step 4's time and returns it.
    login(c, base, "lmj-kabid").await?;
    c.goto(&format!("{base}/sop")).await.map_err(err)?;
    follow(c, Locator::Css("#menunggu-tinjauan a")).await?;
    follow(c, Locator::Css(&format!("#daftar-tinjauan a[href='/sop/tinjauan/{id}']"))).await?;
    fill(c, "f-bagian", "steps.3.time").await?;
    type_in(c, "#f-catatan", "Laporan cukup 15 menit.").await?;
    follow(c, Locator::Css("#tambah-catatan button")).await?;
    let comments = text_of(c, "#catatan-tinjauan").await?;
    if !comments.contains("Laporan cukup 15 menit.") || !comments.contains("Langkah 4 · Waktu") {
        return Err(format!("the comment on its field: {comments}"));
    }
    shot(c, "sop-review.png").await?;
    follow(c, Locator::Css("#kembalikan button")).await?;
    logout(c).await?;

    // The drafter sees the comment at its field, fixes it and sends it again.
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/sop/konsep/{id}")).await.map_err(err)?;
    correct_from(c, "#catatan-tinjauan", "f-steps-3-time", "15 menit").await?;
    fill(c, "f-peninjau", "lmj-kabid").await?;
    follow(c, Locator::Css("#kirim-tinjauan button")).await?;
    logout(c).await?;
    login(c, base, "lmj-kabid").await?;
    c.goto(&format!("{base}/sop/tinjauan/{id}")).await.map_err(err)?;
    follow(c, Locator::Css("#setujui button")).await?;
    logout(c).await?;

    // The Head ratifies it: a wrong passphrase first, then theirs.
    login(c, base, "lmj-kadis").await?;
    c.goto(&format!("{base}/sop/tinjauan")).await.map_err(err)?;
    follow(c, Locator::Css(&format!("#daftar-tinjauan a[href='/sop/tinjauan/{id}']"))).await?;
    type_in(c, "#f-kata-sandi", "bukan-ini").await?;
    follow(c, Locator::Css("#sahkan button")).await?;
    let refusal = text_of(c, "main > p.flash.error").await?;
    if !refusal.contains("Kata sandi sertifikat") {
        return Err(format!("a wrong passphrase is refused: {refusal}"));
    }
    type_in(c, "#f-kata-sandi", store::demo::CERTIFICATE_PASSPHRASE).await?;
    shot(c, "sop-ratify.png").await?;
    follow(c, Locator::Css("#sahkan button")).await?;
    let status = c.find(Locator::Css("#status-konsep .tag")).await.map_err(err)?;
    if status.attr("data-status").await.map_err(err)?.as_deref() != Some("disahkan") {
        return Err(format!("ratified: {}", status.text().await.map_err(err)?));
    }
    logout(c).await?;

    // A request of the new SOP runs to its end.
    let sop = "lumajang/layanan-hosting-aplikasi";
    let case = request(c, base, "lmj-pemohon", sop, &[]).await?;
    act_on(c, base, "lmj-kabid", &case, 2, &[("verdict", "ya")]).await?;
    act_on(c, base, "lmj-admin-server", &case, 3, &[]).await?;
    act_on(c, base, "lmj-admin-server", &case, 4, &[]).await?;
    act_on(c, base, "lmj-pemohon", &case, 5, &[]).await?;
    login(c, base, "lmj-pemohon").await?;
    c.goto(&format!("{base}{case}")).await.map_err(err)?;
    let tag = c.find(Locator::Css("h1 .tag")).await.map_err(err)?;
    if tag.attr("data-status").await.map_err(err)?.as_deref() != Some("completed") {
        return Err(format!("the case ended: {}", tag.text().await.map_err(err)?));
    }
    logout(c).await?;
    Ok((case, id))
}

#[tokio::test]
#[ignore = "needs chromium, chromedriver and poppler-utils"]
async fn an_sop_document_is_imported_reviewed_ratified_and_run_in_chromium() {
    let app = spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let (_driver, client, _profile) = start_browser().await;
    let result = sop_life(&client, &app, dir.path()).await;
    let ran = result.as_ref().ok().cloned();
    finish(client, result.map(|_| ()), "sop-life").await;
    let (case, draft) = ran.unwrap();

    let sop = app.store.sop("lumajang", "lumajang/layanan-hosting-aplikasi", None).await.unwrap();
    let case = app.store.case("lumajang", case.trim_start_matches("/permohonan/")).await.unwrap();
    assert_eq!((case.sop_version, sop.version), (1, 1), "the case ran on the ratified version");
    assert!(sop.source.contains("time = \"15 menit\""), "the reviewer's point was fixed");
    let comments = app.store.sop_draft_comments("lumajang", &draft).await.unwrap();
    assert_eq!(comments.len(), 1);
    let signed = app.store.signed_sop("lumajang", &sop.id, sop.version).await.unwrap().unwrap();
    let file = dir.path().join("sop.pdf");
    std::fs::write(&file, &signed.pdf).unwrap();
    let report = Command::new("pdfsig").arg(&file).output().expect("pdfsig runs");
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Bambang Santoso"), "{report}");
}

/// Scrolls back to the top of the page (for a screenshot of its start).
async fn top(c: &Client) -> Step {
    c.execute("window.scrollTo(0, 0);", vec![]).await.map(|_| ()).map_err(err)
}

/// Clicks the control `css` finds (a radio button, a checkbox).
async fn click(c: &Client, css: &str) -> Step {
    c.find(Locator::Css(css)).await.map_err(|e| format!("{css}: {e}"))?.click().await.map_err(err)
}

/// Issue 20's loop: the requester of an ended case answers the survey; the
/// head opens the dashboard, a monitoring form pre-filled from the real
/// cases and signs it off, then evaluates the SOP, which opens a revision
/// draft.
async fn run_measure_revise(c: &Client, app: &common::App, case: &str) -> Step {
    let base = &app.base;
    login(c, base, "lmj-pemohon").await?;
    c.goto(&format!("{base}/permohonan/{case}")).await.map_err(err)?;
    follow(c, Locator::Css(".survey-invite a")).await?;
    for element in engine::satisfaction::Element::ALL {
        let score = if element == engine::satisfaction::Element::Time { 3 } else { 4 };
        click(c, &format!("input[name='{}'][value='{score}']", element.code())).await?;
    }
    type_in(c, "#komentar", "Akun VPN cepat jadi, terima kasih.").await?;
    top(c).await?;
    shot(c, "skm-survey.png").await?;
    follow(c, Locator::Css("form.survey button[type=submit]")).await?;
    let said = text_of(c, "main .flash.info").await?;
    if !said.contains("Terima kasih") {
        return Err(format!("the survey was answered: {said}"));
    }
    logout(c).await?;

    login(c, base, "lmj-kadis").await?;
    follow(c, Locator::Css("header nav a[href='/dasbor']")).await?;
    let months = text_of(c, "#per-bulan").await?;
    if !months.contains("SOP Pengajuan Akses VPN") {
        return Err(format!("the dashboard counts the cases: {months}"));
    }
    shot(c, "dashboard.png").await?;

    c.goto(&format!("{base}/laporan/monitoring")).await.map_err(err)?;
    follow(c, Locator::Css("tr[data-sop='lumajang/vpn'] td:nth-child(2) a")).await?;
    let found = text_of(c, "tr[data-step='6'] td.found").await?;
    if !found.starts_with("Dikerjakan 1 kali") {
        return Err(format!("the form is pre-filled from the case: {found}"));
    }
    fill(c, "tindakan.6", "Pertahankan").await?;
    top(c).await?;
    shot(c, "monitoring-form.png").await?;
    follow(c, Locator::Css("form[action^='/laporan/monitoring/'] button[type=submit]")).await?;
    let signed = text_of(c, "p.signed").await?;
    if !signed.contains("Diparaf") {
        return Err(format!("signed off: {signed}"));
    }

    c.goto(&format!("{base}/laporan/evaluasi/lumajang/vpn")).await.map_err(err)?;
    for i in 0..store::evaluation::REGULATION_QUESTIONS.len() {
        let answer = if i == 2 { "tidak" } else { "ya" };
        click(c, &format!("input[name='jawaban.{i}'][value='{answer}']")).await?;
    }
    type_in(c, "textarea[name='catatan.2']", "Langkah surat masih di kertas").await?;
    type_in(c, "#rekomendasi", "Surat pemberitahuan lewat Sopir saja").await?;
    click(c, "input[name='revisi']").await?;
    follow(c, Locator::Css("form[action='/laporan/evaluasi/lumajang/vpn'] button[type=submit]")).await?;
    let said = text_of(c, "main .flash.info").await?;
    if !said.contains("Konsep revisi SOP sudah dibuka") {
        return Err(format!("the evaluation opened a revision draft: {said}"));
    }
    logout(c).await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver"]
async fn a_requester_answers_the_survey_and_the_head_monitors_and_evaluates_in_chromium() {
    let app = spawn().await;
    let now = jiff::Timestamp::now().as_millisecond();
    // The request ran in the last semester, whose monitoring form is due.
    let zone = jiff::tz::TimeZone::get("Asia/Jakarta").unwrap();
    let today = jiff::Timestamp::now().to_zoned(zone.clone()).date();
    let (year, first) = if today.month() <= 6 { (today.year() - 1, 7) } else { (today.year(), 1) };
    let ran = jiff::civil::date(year, first, 11).to_zoned(zone).unwrap().timestamp().as_millisecond();
    let case = app.submit_vpn(ran).await;
    let case = app.finish(case, ran).await;
    for days in [2, 5, 12] {
        app.submit_vpn(now - days * 86_400_000).await;
    }
    let (_driver, client, _profile) = start_browser().await;
    let result = run_measure_revise(&client, &app, &case.id).await;
    finish(client, result, "run-measure-revise").await;

    let year =
        jiff::civil::date(2000, 1, 1).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp().as_millisecond();
    let answered = app.store.satisfaction("lumajang", year, now + 86_400_000).await.unwrap();
    assert_eq!(answered.iter().map(|s| s.respondents).sum::<i64>(), 1);
    let forms = app.store.monitorings("lumajang").await.unwrap();
    assert_eq!(forms.len(), 1);
    assert_eq!(forms[0].signed.as_ref().map(|(by, _)| by.as_str()), Some("lmj-kadis"));
    let evaluations = app.store.evaluations("lumajang").await.unwrap();
    let draft = evaluations[0].draft.clone().expect("a revision draft");
    assert_eq!(
        app.store.sop_draft("lumajang", &draft).await.unwrap().origin,
        store::sop_drafts::DraftOrigin::Revision
    );
}

/// Issue 21: the Head's lembar disposisi with instruction boxes, sifat and
/// a due date; later the Head signs while the signing service is stopped,
/// the letter waits in the signing queue, and is signed from there once
/// the service is back.
async fn disposition_and_signing_queue(
    c: &Client,
    app: &common::App,
    case: &str,
    due: &str,
    service: &mut Option<web::signing_contract::ContractServer>,
    restart: impl AsyncFnOnce() -> web::signing_contract::ContractServer,
) -> Step {
    let base = &app.base;
    login(c, base, "lmj-kadis").await?;
    c.goto(&format!("{base}/permohonan/{case}")).await.map_err(err)?;
    click(c, "input[name='instruksi.0']").await?;
    click(c, "input[name='instruksi.1']").await?;
    fill(c, "d-sifat", "sangat-segera").await?;
    fill(c, "d-due", due).await?;
    type_in(c, "#t2-catatan", "Mohon dibantu secepatnya.").await?;
    top(c).await?;
    shot(c, "disposition-form.png").await?;
    follow(c, Locator::Css("#action button[type=submit]")).await?;
    let saved = text_of(c, "main .flash.info").await?;
    if !saved.contains("Tindakan Anda sudah dicatat.") {
        return Err(format!("the disposition was recorded: {saved}"));
    }
    follow(c, Locator::Css("#dokumen a[href$='/disposisi']")).await?;
    let sheet = text_of(c, "section.hop[data-hop='1']").await?;
    if !sheet.contains("Sangat Segera") || !sheet.contains("☒ Tanggapan dan saran") {
        return Err(format!("the sheet shows the boxes and sifat: {sheet}"));
    }
    shot(c, "disposition-sheet.png").await?;
    logout(c).await?;

    // Up to the signing step, then the service stops.
    let state = app.store.case("lumajang", case).await.map_err(err)?;
    app.run_to_signing(state, jiff::Timestamp::now().as_millisecond()).await;
    if let Some(server) = service.take() {
        server.stop().await;
    }
    login(c, base, "lmj-kadis").await?;
    c.goto(&format!("{base}/permohonan/{case}")).await.map_err(err)?;
    type_in(c, "#surat-kata_sandi", PASSPHRASE_TTE).await?;
    follow(c, Locator::Css("#action button[type=submit]")).await?;
    let waits = text_of(c, "main .flash.error").await?;
    if !waits.contains("menunggu tanda tangan di antrean") {
        return Err(format!("the letter waits in the queue: {waits}"));
    }
    follow(c, Locator::Css("main .flash.error a[href='/agenda/antrean']")).await?;
    let why = text_of(c, "section.waiting-letter .signing-error").await?;
    if !why.contains("tidak dapat dihubungi") {
        return Err(format!("the queue says why it waits: {why}"));
    }
    shot(c, "signing-queue.png").await?;

    // Back: the Head signs from the queue.
    *service = Some(restart().await);
    c.refresh().await.map_err(err)?;
    type_in(c, "section.waiting-letter input[name='kata_sandi']", PASSPHRASE_TTE).await?;
    follow(c, Locator::Css("section.waiting-letter form[action$='/tandatangani'] button")).await?;
    let signed = text_of(c, "main .flash.info").await?;
    if !signed.contains("Surat sudah ditandatangani") {
        return Err(format!("signed from the queue: {signed}"));
    }
    text_of(c, "#antrean-kosong").await?;
    logout(c).await
}

const PASSPHRASE_TTE: &str = "tte-rahasia-kadis";

#[tokio::test]
#[ignore = "needs chromium, chromedriver and poppler-utils"]
async fn a_disposition_with_boxes_reaches_the_sheet_and_a_signing_waits_for_the_service_in_chromium() {
    use web::signing_contract::{ContractAccount, router, serve};
    let app = spawn().await;
    let account = || ContractAccount {
        nik: "3508010101800001".into(),
        passphrase: PASSPHRASE_TTE.into(),
        status: web::signing_service::CertificateStatus::Issue,
        p12: documents::signature::self_signed_pkcs12("Bambang Santoso, S.STP", "BSrE (kontrak uji)", "k")
            .unwrap(),
        p12_passphrase: "k".into(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = serve(listener, router("sopir", "rahasia", vec![account()])).unwrap();
    let at = jiff::Timestamp::now().as_millisecond();
    app.store
        .save_signing_service(
            "lumajang",
            store::signing_queue::ServiceForm {
                url: &server.base_url(),
                username: "sopir",
                password: Some("rahasia"),
                timeout_secs: 5,
            },
            "lmj-kasi",
            at,
        )
        .await
        .unwrap();
    app.store.set_signer_nik("lumajang", "lmj-kadis", "3508010101800001", "lmj-kasi", at).await.unwrap();
    let case = app.submit_vpn(at - 60_000).await;
    let calendar = app.store.calendar("lumajang").await.unwrap();
    let week = jiff::Timestamp::now().to_zoned(calendar.zone.clone()).date() + jiff::ToSpan::days(7);
    let due = (0..14).map(|d| week + jiff::ToSpan::days(d)).find(|d| calendar.is_working_day(*d)).unwrap();
    let mut service = Some(server);
    let restart = async || {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        serve(listener, router("sopir", "rahasia", vec![account()])).unwrap()
    };
    let (_driver, client, _profile) = start_browser().await;
    let result =
        disposition_and_signing_queue(&client, &app, &case.id, &due.to_string(), &mut service, restart).await;
    finish(client, result, "disposition-signing-queue").await;

    // The PDF lembar disposisi carries the same terms.
    let head = common::Browser::login(&app, "lmj-kadis").await;
    let pdf =
        head.client.get(format!("{}/permohonan/{}/disposisi.pdf", app.base, case.id)).send().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("disposisi.pdf");
    std::fs::write(&file, pdf.bytes().await.unwrap()).unwrap();
    let text = Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "LEMBAR DISPOSISI",
        "Sangat Segera",
        "Tanggapan dan saran",
        "Batas waktu",
        "Paraf",
        &store::letters::civil_date(due),
    ] {
        assert!(text.contains(needle), "the PDF sheet lacks {needle:?}:\n{text}");
    }
    let letter = app.store.outgoing_letter("lumajang", &case.id).await.unwrap().unwrap();
    assert_eq!(letter.signed_with, Some(store::signing_queue::SignedWith::Service));
    if let Some(server) = service {
        server.stop().await;
    }
}

/// Issue 22 in the browser: the administrator sets up the DNS connector,
/// the administrator server approves the subdomain, and the record answers
/// `dig` on the real BIND 9 (the server's own worker runs it); revoked in
/// the registry, it no longer answers.
async fn subdomain_in_dns(c: &Client, app: &common::App, case: &str, named: &Named) -> Step {
    let base = &app.base;
    let fqdn = "layanan.lumajangkab.go.id";
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/konektor")).await.map_err(err)?;
    type_in(c, "#dns-address", &named.address).await?;
    type_in(c, "#dns-secret", &named.secret).await?;
    let options =
        format!("zone = {}\nkey_name = {}\nalgorithm = {}", named.zone, named.key_name, named.algorithm);
    type_in(c, "#dns-options", &options).await?;
    follow(c, Locator::Css("#konektor-dns button[type=submit]")).await?;
    let saved = text_of(c, "main .flash.info").await?;
    if !saved.contains("Pengaturan tersimpan.") {
        return Err(format!("the connector was saved: {saved}"));
    }
    logout(c).await?;

    login(c, base, "lmj-admin-server").await?;
    c.goto(&format!("{base}/permohonan/{case}")).await.map_err(err)?;
    fill(c, "t6-nama_domain_lengkap", fqdn).await?;
    fill(c, "t6-jenis_record", "A").await?;
    fill(c, "t6-nilai_record", "10.77.0.5").await?;
    follow(c, Locator::Css("#action button[type=submit]")).await?;
    let done = text_of(c, "main .flash.info").await?;
    if !done.contains("Tindakan Anda sudah dicatat.") {
        return Err(format!("the step was recorded: {done}"));
    }
    let answers = wait_for_dig(named, fqdn, true).await;
    if answers != ["10.77.0.5"] {
        return Err(format!("dig answers the approved record: {answers:?}"));
    }
    c.refresh().await.map_err(err)?;
    let row = text_of(c, "tr.provisioning[data-state='selesai']").await?;
    if !row.contains(fqdn) {
        return Err(format!("the timeline shows the run: {row}"));
    }
    c.execute("document.querySelector('tr.provisioning').scrollIntoView({block: 'center'});", vec![])
        .await
        .map_err(err)?;
    shot(c, "provisioning-timeline.png").await?;

    let entry = app.store.registry("lumajang", "subdomain", &Default::default()).await.map_err(err)?;
    let entry = entry.into_iter().find(|e| e.name == fqdn).ok_or("the entry")?;
    c.goto(&format!("{base}/registri/subdomain/{}", entry.id)).await.map_err(err)?;
    fill(c, "status", "dicabut").await?;
    type_in(c, "#alasan", "aplikasi tidak dipakai lagi").await?;
    follow(c, Locator::Css("form[action$='/status'] button[type=submit]")).await?;
    let answers = wait_for_dig(named, fqdn, false).await;
    if !answers.is_empty() {
        return Err(format!("revoked, the record no longer answers: {answers:?}"));
    }
    c.refresh().await.map_err(err)?;
    let runs = text_of(c, "#penyediaan").await?;
    if !runs.contains("mencabut") {
        return Err(format!("the entry shows its revocation run: {runs}"));
    }
    c.execute("document.getElementById('penyediaan').scrollIntoView({block: 'center'});", vec![])
        .await
        .map_err(err)?;
    shot(c, "provisioning-entry.png").await?;
    logout(c).await?;
    login(c, base, "lmj-kasi").await?;
    c.goto(&format!("{base}/admin/konektor")).await.map_err(err)?;
    shot(c, "connectors.png").await?;
    Ok(())
}

/// What `dig` answers for `name` once it answers (`present`) or stops
/// answering, within twenty seconds (the worker runs every two).
async fn wait_for_dig(named: &Named, name: &str, present: bool) -> Vec<String> {
    for _ in 0..40 {
        let answers = named.dig(name, "A");
        if answers.is_empty() != present {
            return answers;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    named.dig(name, "A")
}

#[tokio::test]
#[ignore = "needs chromium, chromedriver, BIND 9 named and dig"]
async fn a_subdomain_approved_in_chromium_answers_dig_and_stops_once_revoked() {
    let named = Named::start_with("lumajangkab.go.id", "hmac-sha256");
    let app = spawn().await;
    let worker = tokio::spawn(web::provisioner::run_forever(app.store.clone()));
    let sop = app.store.sop("lumajang", "lumajang/subdomain", None).await.unwrap();
    let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    input.fields.insert("subdomain".into(), "layanan".into());
    input.fields.insert("alamat_ip_tujuan".into(), "10.77.0.5".into());
    let at = jiff::Timestamp::now().as_millisecond() - 60_000;
    let submit = store::Submit::new("lumajang", "lumajang/subdomain", "lmj-pemohon", input, at);
    let case = app.store.submit(submit).await.unwrap();
    let case = app.run_until_step(case, 6, at).await;
    let (_driver, client, _profile) = start_browser().await;
    let result = subdomain_in_dns(&client, &app, &case.id, &named).await;
    finish(client, result, "subdomain-dns").await;
    worker.abort();
}
