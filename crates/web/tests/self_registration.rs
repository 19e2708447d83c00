//! Self-registration of OPD staff (issue 18) against a real server: the
//! sign-up answers the same for a new and a taken NIP, writes nothing when
//! a field is refused, is limited per client address; its link works once
//! and not after it expired; an administrator approves, and the person
//! signs in with their NIP.

mod common;

use common::{App, Browser, spawn};
use reqwest::StatusCode;

const NIP: &str = "199001012015032001";

/// The confirmation link mailed to `to` (a path), waiting for the mail
/// that is written after the answer.
async fn link_to(app: &App, to: &str) -> Option<String> {
    for _ in 0..100 {
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM outbox WHERE to_address = $1 ORDER BY created_at, id")
                .bind(to)
                .fetch_all(app.store.pool())
                .await
                .unwrap();
        if let Some(body) = bodies.last() {
            let base = format!("{}/daftar/", app.base);
            return body.find(&base).map(|at| {
                let path = &body[at + app.base.len()..];
                path.split_whitespace().next().unwrap().to_string()
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no mail to {to}");
}

fn fields<'a>(csrf: &'a str, nip: &'a str, email: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("agency", "lumajang"),
        ("nip", nip),
        ("name", "Dewi Lestari, S.Kom."),
        ("unit", unit),
        ("email", email),
        ("password", "rahasia-dewi-1"),
        ("confirm", "rahasia-dewi-1"),
    ]
}

async fn rows(app: &App, table: &str) -> i64 {
    let query = match table {
        "registrations" => "SELECT COUNT(*) FROM registrations",
        _ => "SELECT COUNT(*) FROM outbox",
    };
    sqlx::query_scalar(query).fetch_one(app.store.pool()).await.unwrap()
}

#[tokio::test]
async fn a_sign_up_answers_the_same_for_a_taken_nip_and_its_link_works_once() {
    let app = spawn().await;
    let b = Browser::new(&app);
    assert!(b.get("/login").await.body.contains("href=\"/daftar\""));
    let page = b.get("/daftar").await;
    assert_eq!(page.status, StatusCode::OK);
    // Two agencies: the agency is chosen first.
    assert!(page.body.contains("name=\"instansi\""), "{}", page.body);
    let page = b.get("/daftar?instansi=lumajang").await;
    assert!(page.body.contains("value=\"lmj-dinkes\"") && !page.body.contains("value=\"lmj-diskominfo\""));
    let csrf = page.csrf();

    // Refused fields: each says why, nothing is written.
    let (registrations, mails) = (rows(&app, "registrations").await, rows(&app, "outbox").await);
    let bad = b
        .post(
            "/daftar",
            &[
                ("csrf", &csrf),
                ("agency", "lumajang"),
                ("nip", "12345"),
                ("name", ""),
                ("unit", "lmj-diskominfo"),
                ("email", "bukan"),
                ("password", "pendek"),
                ("confirm", "pendek"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for reason in
        ["NIP harus 18 angka", "wajib diisi", "pilih OPD Anda", "bukan alamat e-mail", "Paling sedikit 10"]
    {
        assert!(bad.body.contains(reason), "{reason} in {}", bad.body);
    }
    assert_eq!((rows(&app, "registrations").await, rows(&app, "outbox").await), (registrations, mails));

    // A new NIP and a taken one (lmj-pemohon's): the same answer.
    let new = b.post("/daftar", &fields(&csrf, NIP, "dewi@dinkes.example", "lmj-dinkes")).await;
    let taken =
        b.post("/daftar", &fields(&csrf, "198709092011012009", "siti@dinkes.example", "lmj-dinkes")).await;
    assert_eq!((new.status, taken.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(new.body, taken.body, "no enumeration through the answer");
    assert!(new.body.contains("Periksa e-mail Anda"));
    assert!(
        link_to(&app, "siti@dinkes.example").await.is_none(),
        "the taken NIP's address is told, with no link"
    );
    let link = link_to(&app, "dewi@dinkes.example").await.expect("a link");

    // Not yet approved: no sign-in with the NIP.
    let login = Browser::new(&app);
    let token = login.get("/login").await.csrf();
    let refused =
        login.post("/login", &[("csrf", &token), ("username", NIP), ("password", "rahasia-dewi-1")]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);

    let opened = b.get(&link).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let secret = link.trim_start_matches("/daftar/");
    let confirmed = b.post("/daftar/konfirmasi", &[("csrf", &opened.csrf()), ("rahasia", secret)]).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.body.contains("menunggu persetujuan"));
    assert_eq!(b.get(&link).await.status, StatusCode::GONE, "single use");
    let again = b.post("/daftar/konfirmasi", &[("csrf", &opened.csrf()), ("rahasia", secret)]).await;
    assert_eq!(again.status, StatusCode::GONE);

    // The administrator approves; the person signs in with the NIP.
    let admin = Browser::login(&app, "lmj-kasi").await;
    let overview = admin.get("/admin").await.body;
    assert!(overview.contains("id=\"signups-waiting\">1<"), "the administration page counts it: {overview}");
    let list = admin.get("/admin/pendaftaran").await;
    assert!(list.body.contains("Dewi Lestari"), "{}", list.body);
    let at = list.body.find("/admin/pendaftaran/").unwrap();
    let approve = list.body[at..].split('"').next().unwrap().to_string();
    assert!(approve.ends_with("/setujui"));
    let done = admin.post(&approve, &[("csrf", &list.csrf())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let token = login.get("/login").await.csrf();
    let ok =
        login.post("/login", &[("csrf", &token), ("username", NIP), ("password", "rahasia-dewi-1")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(login.get("/layanan/lumajang/vpn").await.status, StatusCode::OK, "may request the VPN");
}

#[tokio::test]
async fn an_expired_link_is_refused_a_refusal_needs_a_reason_and_sign_ups_are_limited_per_address() {
    let app = spawn().await;
    let b = Browser::new(&app);
    let csrf = b.get("/daftar?instansi=lumajang").await.csrf();
    b.post("/daftar", &fields(&csrf, NIP, "dewi@dinkes.example", "lmj-dinkes")).await;
    let link = link_to(&app, "dewi@dinkes.example").await.unwrap();
    sqlx::query("UPDATE registrations SET expires_at = 0").execute(app.store.pool()).await.unwrap();
    assert_eq!(b.get(&link).await.status, StatusCode::GONE, "expired");

    b.post("/daftar", &fields(&csrf, "199202022016042002", "rina@dinkes.example", "lmj-dinkes")).await;
    let link = link_to(&app, "rina@dinkes.example").await.unwrap();
    let opened = b.get(&link).await;
    b.post(
        "/daftar/konfirmasi",
        &[("csrf", &opened.csrf()), ("rahasia", link.trim_start_matches("/daftar/"))],
    )
    .await;
    let admin = Browser::login(&app, "lmj-kasi").await;
    let list = admin.get("/admin/pendaftaran").await;
    let at = list.body.find("/tolak").unwrap();
    let start = list.body[..at].rfind('"').unwrap() + 1;
    let refuse = &list.body[start..at + 6];
    let empty = admin.post(refuse, &[("csrf", &list.csrf()), ("reason", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("tuliskan alasan"));
    assert_eq!(rows(&app, "registrations").await, 2, "nothing changed");
    let done = admin.post(refuse, &[("csrf", &list.csrf()), ("reason", "Bukan pegawai Dinkes.")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(admin.get("/admin/pendaftaran").await.body.contains("Tidak ada pendaftaran"));

    // Limited per client address.
    let far = Browser::from_address(&app, std::net::IpAddr::from([127, 0, 0, 7]));
    let csrf = far.get("/daftar?instansi=lumajang").await.csrf();
    for n in 0..web::SIGNUP_REQUESTS_PER_ADDRESS {
        let email = format!("orang{n}@dinkes.example");
        let answer = far.post("/daftar", &fields(&csrf, NIP, &email, "lmj-dinkes")).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let refused = far.post("/daftar", &fields(&csrf, NIP, "lagi@dinkes.example", "lmj-dinkes")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("Terlalu banyak pendaftaran"));
}
