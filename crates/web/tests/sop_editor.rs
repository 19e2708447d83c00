//! The SOP editor over real HTTP (issue 19 part 1): an administrator
//! begins a draft, fills in the form the page shows and saves it (rows
//! added and moved by their buttons), sees the document and the findings
//! of the text, each linked to its field; a save made on an older revision
//! is refused and keeps what was typed; a draft with an error is not
//! published, the fixed one is; another agency's administrator neither
//! reads nor changes it; and the TOML downloaded is the TOML uploaded.

mod common;

use common::{App, Browser, spawn};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use store::sop_drafts::{DraftOrigin, DraftStatus};

const VPN: &str = include_str!("../../../sops/lumajang/vpn.toml");

fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The values the form `form_id` of `body` sends, as a browser would:
/// inputs (ticked boxes only, no buttons or files), text areas and each
/// select's chosen option.
fn form_fields(body: &str, form_id: &str) -> Vec<(String, String)> {
    let at = body.find(&format!(" id=\"{form_id}\"")).unwrap_or_else(|| panic!("#{form_id} in the page"));
    let start = body[..at].rfind("<form").unwrap();
    let form = &body[start..start + body[start..].find("</form>").unwrap()];
    let attrs = regex::Regex::new(r#"([a-z-]+)(?:="([^"]*)")?"#).unwrap();
    let attr = |tag: &str, name: &str| -> Option<String> {
        attrs
            .captures_iter(tag)
            .find(|c| &c[1] == name)
            .map(|c| unescape(c.get(2).map_or("", |m| m.as_str())))
    };
    let option = regex::Regex::new(r#"<option([^>]*)>"#).unwrap();
    let mut fields = Vec::new();
    let element = regex::Regex::new(
        r#"(?s)<input([^>]*)>|<textarea([^>]*)>(.*?)</textarea>|<select([^>]*)>(.*?)</select>"#,
    )
    .unwrap();
    for c in element.captures_iter(form) {
        if let Some(tag) = c.get(1) {
            let tag = tag.as_str();
            let kind = attr(tag, "type").unwrap_or_default();
            let Some(name) = attr(tag, "name") else { continue };
            match kind.as_str() {
                "submit" | "button" | "file" => {}
                "checkbox" => {
                    if attr(tag, "checked").is_some() {
                        fields.push((name, attr(tag, "value").unwrap_or_else(|| "on".into())));
                    }
                }
                _ => fields.push((name, attr(tag, "value").unwrap_or_default())),
            }
        } else if let Some(tag) = c.get(2) {
            let name = attr(tag.as_str(), "name").unwrap();
            fields.push((name, unescape(&c[3])));
        } else if let Some(tag) = c.get(4) {
            let name = attr(tag.as_str(), "name").unwrap();
            let chosen = option
                .captures_iter(&c[5])
                .find(|o| attr(&o[1], "selected").is_some())
                .or_else(|| option.captures_iter(&c[5]).next())
                .and_then(|o| attr(&o[1], "value"))
                .unwrap_or_default();
            fields.push((name, chosen));
        }
    }
    fields
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

async fn post_fields(b: &Browser, path: &str, fields: &[(String, String)]) -> common::Page {
    let response = b.client.post(format!("{}{path}", b.base)).form(fields).send().await.unwrap();
    let status = response.status();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    common::Page { status, location, body: response.text().await.unwrap() }
}

/// Begins a blank draft as `b`; its editor's path.
async fn blank_draft(b: &Browser) -> String {
    let token = b.get("/admin/sop/konsep").await.csrf();
    let made = b.post("/admin/sop/konsep/baru", &[("csrf", &token)]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    made.location.unwrap()
}

async fn upload_draft(b: &Browser, text: &str) -> String {
    let token = b.get("/admin/sop/konsep").await.csrf();
    let file = Part::bytes(text.as_bytes().to_vec()).file_name("vpn.toml");
    let made = b
        .post_multipart("/admin/sop/konsep/unggah", Form::new().text("csrf", token).part("berkas", file))
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    made.location.unwrap()
}

fn draft_id(path: &str) -> String {
    path.trim_start_matches("/admin/sop/konsep/").to_string()
}

async fn download(b: &Browser, path: &str) -> String {
    let response = b.client.get(format!("{}{path}/unduh", b.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains(".toml"));
    response.text().await.unwrap()
}

#[tokio::test]
async fn an_administrator_writes_a_draft_in_the_form_adds_and_moves_a_step_and_saves_it() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let path = blank_draft(&admin).await;
    let id = draft_id(&path);
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "the blank draft's document is drawn");
    assert!(page.body.contains("id=\"f-identity-nama\""));

    // A new row by its button: the form as typed is kept with it.
    let mut fields = form_fields(&page.body, "sop-form");
    set(&mut fields, "identity.nama", "SOP Layanan Hosting");
    set(&mut fields, "identity.nomor", "000.1/2/2026");
    set(&mut fields, "op", "step-add");
    let added = post_fields(&admin, &path, &fields).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(
        added.location.as_deref(),
        Some(&*format!("{path}?fokus=f-steps-1-activity#f-steps-1-activity"))
    );
    let page = admin.get(added.location.as_deref().unwrap()).await;
    assert!(
        page.body.contains("id=\"f-steps-1-activity\" name=\"steps.1.activity\" rows=\"2\" autofocus"),
        "focus on the new row"
    );

    let mut fields = form_fields(&page.body, "sop-form");
    set(&mut fields, "steps.1.activity", "Menerima hosting aplikasi");
    set(&mut fields, "steps.1.action", "receive");
    let saved = post_fields(&admin, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let draft = app.store.sop_draft("lumajang", &id).await.unwrap();
    assert_eq!(draft.revision, 3);
    let sop = sop::parse_sop("x.toml", &draft.source).unwrap();
    assert_eq!(sop.identity.nama.value, "SOP Layanan Hosting");
    assert_eq!(sop.steps[1].activity, "Menerima hosting aplikasi");
    assert_eq!(draft.title, "SOP Layanan Hosting", "the list names it");

    // Moved up by its button, focus on the same button of the moved row.
    let page = admin.get(&path).await;
    let mut fields = form_fields(&page.body, "sop-form");
    set(&mut fields, "op", "step-up:1");
    let moved = post_fields(&admin, &path, &fields).await;
    assert_eq!(moved.location.as_deref(), Some(&*format!("{path}?fokus=f-steps-0-down#f-steps-0-down")));
    let sop = sop::parse_sop("x.toml", &app.store.sop_draft("lumajang", &id).await.unwrap().source).unwrap();
    assert_eq!(sop.steps[0].activity, "Menerima hosting aplikasi");

    // Saved as typed (htmx): the document and findings again, the revision raised.
    let page = admin.get(&path).await;
    let mut fields = form_fields(&page.body, "sop-form");
    set(&mut fields, "steps.0.time", "2 jam");
    let auto = post_fields(&admin, &format!("{path}/otomatis"), &fields).await;
    assert_eq!(auto.status, StatusCode::OK, "{}", auto.body);
    assert!(auto.body.contains("name=\"revisi\" value=\"5\" hx-swap-oob=\"true\""), "{}", auto.body);
    assert!(auto.body.contains("<svg") && auto.body.contains("2 jam"), "the document drawn again");
    let listed = admin.get("/admin/sop/konsep").await;
    assert!(listed.body.contains("SOP Layanan Hosting") && listed.body.contains(&id));
    let records = app.store.record_events("lumajang", 10).await.unwrap();
    assert_eq!(records[0].0.kind, "sop-draft-saved");
}

#[tokio::test]
async fn a_save_on_an_older_revision_is_refused_and_keeps_what_was_typed() {
    let app = spawn().await;
    let (first, second) = (Browser::login(&app, "lmj-kasi").await, Browser::login(&app, "lmj-kasi").await);
    let path = upload_draft(&first, VPN).await;
    let id = draft_id(&path);
    let (a, b) = (first.get(&path).await, second.get(&path).await);

    let mut mine = form_fields(&a.body, "sop-form");
    set(&mut mine, "steps.0.remarks", "Disimpan lebih dulu");
    assert_eq!(post_fields(&first, &path, &mine).await.status, StatusCode::SEE_OTHER);
    let kept = app.store.sop_draft("lumajang", &id).await.unwrap();
    assert_eq!(kept.revision, 2);

    let mut theirs = form_fields(&b.body, "sop-form");
    set(&mut theirs, "steps.0.remarks", "Ketikan kedua");
    let refused = post_fields(&second, &path, &theirs).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("data-code=\"draft-changed\""), "{}", refused.body);
    assert!(refused.body.contains("sudah disimpan orang lain"));
    assert!(refused.body.contains("Ketikan kedua"), "what was typed stays on the page");
    assert!(
        refused.body.contains("name=\"revisi\" value=\"1\""),
        "still the old revision: saving again is refused too"
    );
    let auto = post_fields(&second, &format!("{path}/otomatis"), &theirs).await;
    assert_eq!(auto.status, StatusCode::CONFLICT);
    assert!(auto.body.contains("data-code=\"draft-changed\""));
    let now = app.store.sop_draft("lumajang", &id).await.unwrap();
    assert_eq!((now.revision, now.source), (2, kept.source), "nothing overwritten");
}

#[tokio::test]
async fn findings_are_shown_each_linked_to_its_field_and_publishing_waits_for_the_fix() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let line = VPN.lines().find(|l| l.starts_with("version = ")).unwrap();
    let v4 = VPN.replacen(line, "version = 4", 1);
    let broken = v4.replacen("lane = \"kabid-aptika\"", "lane = \"kabid-aptik\"", 1);
    let path = upload_draft(&admin, &broken).await;
    let id = draft_id(&path);
    let page = admin.get(&path).await;
    let body = unescape(&page.body);
    assert!(body.contains("data-code=\"unknown-lane\" data-field=\"steps.2.lane\""), "{body}");
    assert!(body.contains("href=\"#f-steps-2-lane\" data-focus"), "linked to its field");
    assert!(body.contains("id=\"f-steps-2-lane\""), "which the form has");
    assert!(body.contains("Dokumen belum dapat digambar"));

    // Refused with the findings, nothing published; the draft stays.
    let fields = form_fields(&page.body, "sop-form");
    let refused = post_fields(&admin, &format!("{path}/terbitkan"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("data-code=\"publish-refused\""));
    assert!(unescape(&refused.body).contains("data-code=\"unknown-lane\""));
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 3);
    assert_eq!(app.store.sop_draft("lumajang", &id).await.unwrap().status, DraftStatus::Open);

    // The lane chosen again in the form: a warning is left (the gap), which does not stop it.
    let mut fields = form_fields(&page.body, "sop-form");
    set(&mut fields, "steps.2.lane", "kabid-aptika");
    let published = post_fields(&admin, &format!("{path}/terbitkan"), &fields).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);
    assert_eq!(published.location.as_deref(), Some(&*format!("{path}?terbit=4")));
    assert_eq!(app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap().version, 4);
    let draft = app.store.sop_draft("lumajang", &id).await.unwrap();
    assert_eq!((draft.status, draft.published_version), (DraftStatus::Published, Some(4)));
    let versions = app.store.published_versions("lumajang").await.unwrap();
    assert_eq!(
        versions.iter().find(|v| v.sop_id == "lumajang/vpn").unwrap().published_by.as_deref(),
        Some("lmj-kasi")
    );
    let page = admin.get(&published.location.unwrap()).await;
    assert!(page.body.contains("Diterbitkan sebagai versi 4"));
    assert!(!page.body.contains("id=\"sop-form\""), "a published draft is not edited");
    let late = post_fields(&admin, &path, &fields).await;
    assert_eq!(late.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_form_part_that_is_not_toml_is_refused_at_its_field_and_nothing_saved() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let path = upload_draft(&admin, VPN).await;
    let page = admin.get(&path).await;
    let mut fields = form_fields(&page.body, "sop-form");
    set(&mut fields, "steps.3.rest", "max_rounds = ");
    let refused = post_fields(&admin, &path, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#f-steps-3-rest\" data-focus"), "{}", refused.body);
    assert!(refused.body.contains("max_rounds = </textarea>"), "what was typed stays");
    assert_eq!(app.store.sop_draft("lumajang", &draft_id(&path)).await.unwrap().revision, 1);
}

#[tokio::test]
async fn the_toml_downloaded_is_the_toml_uploaded_byte_for_byte() {
    let app = spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    // Comments, CRLF line ends and a key the form has no field for.
    let text = VPN.replacen("version = 3", "version = 4", 1).replace('\n', "\r\n");
    let path = upload_draft(&admin, &text).await;
    assert_eq!(download(&admin, &path).await, text);

    // The form sent back unchanged changes nothing.
    let page = admin.get(&path).await;
    assert!(page.body.contains("name=\"registry.kind\" value=\"vpn\""), "the registry in its own fields");
    assert!(unescape(&page.body).contains("[[corrections]]"), "what has no field, as TOML");
    let fields = form_fields(&page.body, "sop-form");
    assert_eq!(post_fields(&admin, &path, &fields).await.status, StatusCode::SEE_OTHER);
    assert_eq!(download(&admin, &path).await, text);
    assert_eq!(app.store.sop_draft("lumajang", &draft_id(&path)).await.unwrap().revision, 1);

    // Another file uploaded into the draft, on its revision.
    let other = include_str!("../../../sops/lumajang/email.toml").replacen("version = 4", "version = 5", 1);
    let token = page.csrf();
    let file = Part::bytes(other.as_bytes().to_vec()).file_name("email.toml");
    let form = Form::new().text("csrf", token).text("revisi", "1").part("berkas", file);
    let sent = admin.post_multipart(&format!("{path}/unggah"), form).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(download(&admin, &path).await, other);

    // A file that is not text is refused, and nothing stored.
    let token = admin.get("/admin/sop/konsep").await.csrf();
    let binary = Part::bytes(vec![0xff, 0xfe, 0]).file_name("x.toml");
    let refused = admin
        .post_multipart("/admin/sop/konsep/unggah", Form::new().text("csrf", token).part("berkas", binary))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("bukan teks UTF-8"), "{}", refused.body);
    assert_eq!(app.store.sop_drafts("lumajang").await.unwrap().len(), 1);

    // A revision of the live SOP: its text, as the next version.
    let token = admin.get("/admin/sop/konsep").await.csrf();
    let made = admin.post("/admin/sop/konsep/revisi", &[("csrf", &token), ("sop", "lumajang/email")]).await;
    let revision = download(&admin, made.location.as_deref().unwrap()).await;
    let live = app.store.sop("lumajang", "lumajang/email", None).await.unwrap();
    assert_eq!(revision, live.source.replacen("version = 4", "version = 5", 1));
}

/// A draft of `agency` begun by its administrator `by`; its editor's path.
async fn stored_draft(app: &App, agency: &str, by: &str) -> String {
    let now = jiff::Timestamp::now().as_millisecond();
    let text = sop::draft_form::blank(agency, &format!("{agency}/rahasia"));
    let draft = app.store.create_sop_draft(agency, DraftOrigin::Blank, &text, by, now).await.unwrap();
    format!("/admin/sop/konsep/{}", draft.id)
}

#[tokio::test]
async fn another_agencys_administrator_neither_reads_nor_changes_a_draft() {
    let app = spawn().await;
    let path = stored_draft(&app, "lumajang", "lmj-kasi").await;
    let id = draft_id(&path);
    let owner = Browser::login(&app, "lmj-kasi").await;
    let fields = form_fields(&owner.get(&path).await.body, "sop-form");
    let stranger = Browser::login(&app, "tgx-kabid").await;
    let token = stranger.token().await;
    let mut theirs = fields.clone();
    set(&mut theirs, "csrf", &token);
    set(&mut theirs, "identity.nama", "Diubah orang lain");
    set(&mut theirs, "teks", "id = \"x\"");
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("{path}/unduh")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("{path}/teks")).await.status, StatusCode::NOT_FOUND);
    for action in ["", "/otomatis", "/terbitkan", "/hapus", "/teks"] {
        let sent = post_fields(&stranger, &format!("{path}{action}"), &theirs).await;
        assert_eq!(sent.status, StatusCode::NOT_FOUND, "{action}");
    }
    assert!(!stranger.get("/admin/sop/konsep").await.body.contains(&id));
    let draft = app.store.sop_draft("lumajang", &id).await.unwrap();
    assert_eq!((draft.revision, draft.title.as_str()), (1, "SOP baru"), "nothing changed");
}
