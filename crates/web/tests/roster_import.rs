//! Importing people from a SIMPEG/SIASN CSV through the organisation editor
//! on a real server (issue 18): the upload previews and writes nothing,
//! "Terapkan" imports exactly the file previewed, a file with bad lines is
//! refused line by line, and the same file again changes nothing.

mod common;

use common::{App, Browser, Page, form};
use reqwest::StatusCode;
use reqwest::multipart::Part;

/// The value of the hidden field `name` on a page.
fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.body.find(&marker).unwrap_or_else(|| panic!("no {name} in {}", page.body)) + marker.len();
    page.body[at..].split('"').next().unwrap().to_string()
}

fn csv(text: &str) -> Part {
    Part::bytes(text.as_bytes().to_vec()).file_name("pegawai.csv").mime_str("text/csv").unwrap()
}

async fn roster(app: &App, n: usize) -> String {
    common::roster_csv(app, "lumajang", n).await
}

async fn preview(b: &Browser, text: &str) -> Page {
    let token = b.token().await;
    b.post_multipart(
        "/instansi/lumajang/organisasi/impor",
        form(&[("csrf", &token)]).part("berkas", csv(text)),
    )
    .await
}

async fn imported(app: &App) -> usize {
    let org = app.store.organisation("lumajang").await.unwrap();
    org.people.iter().filter(|p| p.name.starts_with("Pegawai Impor")).count()
}

#[tokio::test]
async fn an_admin_previews_then_applies_and_the_same_file_again_changes_nothing() {
    let app = common::spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let editor = admin.get("/instansi/lumajang/organisasi").await;
    assert!(editor.body.contains("Impor pegawai (CSV)") && editor.body.contains("id=\"import-form\""));

    let text = roster(&app, 3).await;
    let page = preview(&admin, &text).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<td id=\"count-new\">3</td>"), "{}", page.body);
    assert!(page.body.contains("<td id=\"count-logins\">3</td>"));
    assert!(page.body.contains("198001012005011001") && page.body.contains("Pegawai Impor 2, S.Kom."));
    assert_eq!(imported(&app).await, 0, "a preview writes nothing");

    let apply = [("csrf", page.csrf()), ("sha256", hidden(&page, "sha256")), ("isi", hidden(&page, "isi"))];
    let pairs: Vec<(&str, &str)> = apply.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let applied = admin.post("/instansi/lumajang/organisasi/impor/terapkan", &pairs).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert_eq!(applied.location.as_deref(), Some("/instansi/lumajang/organisasi?ok=impor#pegawai"));
    assert!(
        admin.get("/instansi/lumajang/organisasi?ok=impor").await.body.contains("Impor pegawai diterapkan.")
    );
    assert_eq!(imported(&app).await, 3);
    let account = app.store.account("198001012005011001").await.unwrap().unwrap();
    assert_eq!(account.password_hash, "!");
    // A login without a password lets nobody in.
    let stranger = Browser::new(&app);
    let token = stranger.get("/login").await.csrf();
    let refused = stranger
        .post("/login", &[("csrf", &token), ("username", "198001012005011001"), ("password", "")])
        .await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);

    // The same file again: nothing to apply.
    let again = preview(&admin, &text).await;
    assert!(again.body.contains("<td id=\"count-unchanged\">3</td>"), "{}", again.body);
    assert!(again.body.contains("<td id=\"count-new\">0</td>"));
    assert!(again.body.contains("<td id=\"count-changed\">0</td>"));
    assert!(again.body.contains("Berkas ini tidak menambah atau mengubah pegawai."));
    // The demo people have NIPs and are not in the file: shown, not ended.
    assert!(again.body.contains("id=\"import-gone\""));
    // Applying it (the box not ticked) writes nothing.
    let events = app.store.record_events("lumajang", 10_000).await.unwrap().len();
    let applied = admin.post("/instansi/lumajang/organisasi/impor/terapkan", &pairs).await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.record_events("lumajang", 10_000).await.unwrap().len(), events);
}

#[tokio::test]
async fn a_file_changed_after_its_preview_is_refused_and_writes_nothing() {
    let app = common::spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let text = roster(&app, 2).await;
    let page = preview(&admin, &text).await;
    let other = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, roster(&app, 3).await);
    let refused = admin
        .post(
            "/instansi/lumajang/organisasi/impor/terapkan",
            &[("csrf", &page.csrf()), ("sha256", &hidden(&page, "sha256")), ("isi", &other)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("berbeda dengan berkas yang dipratinjau"), "{}", refused.body);
    assert_eq!(imported(&app).await, 0);
}

#[tokio::test]
async fn bad_lines_are_listed_with_their_line_and_column_and_nothing_is_written() {
    let app = common::spawn().await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let mut text = roster(&app, 2).await;
    text.push_str("198001012005011001;Dobel;;x;y;;\r\n");
    let page = preview(&admin, &text).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"import-errors\""));
    assert!(
        page.body.contains("<td>4</td><td>NIP</td><td>NIP 198001012005011001 sudah ada di baris 2</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(
        "<td>4</td><td>Jabatan</td><td>&quot;x&quot; tidak ada dalam daftar jabatan instansi ini</td>"
    ));
    assert!(!page.body.contains("import-apply"), "no way to apply a file with errors");
    assert_eq!(imported(&app).await, 0);

    // A spreadsheet saved as .xlsx, not CSV.
    let page = admin
        .post_multipart(
            "/instansi/lumajang/organisasi/impor",
            form(&[("csrf", &admin.token().await)])
                .part("berkas", Part::bytes(b"PK\x03\x04\x14\x00".to_vec()).file_name("pegawai.xlsx")),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("berkas bukan CSV (teks)"));
}
