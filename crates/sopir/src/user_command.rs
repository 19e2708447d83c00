//! `sopir user add`: creates a person with a login — how a real
//! installation (started with `--no-demo`) gets its first administrator;
//! `sopir user token`: an API token for a script.

use std::io::BufRead;

use engine::organisation::{Holding, Person};
use store::{Store, Unit};

use crate::CliError;

pub struct NewUser {
    pub agency: String,
    pub username: String,
    pub name: String,
    pub nip: Option<String>,
    pub unit: String,
    pub position: Option<String>,
    pub admin: bool,
}

pub async fn add(url: &str, user: NewUser) -> Result<(), CliError> {
    let username_ok = !user.username.is_empty()
        && user.username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    if !username_ok {
        return Err(CliError::BadUser(
            "nama pengguna: pakai huruf kecil, angka, titik, garis bawah atau tanda hubung".into(),
        ));
    }
    if user.name.trim().is_empty() {
        return Err(CliError::BadUser("nama lengkap wajib diisi (--name)".into()));
    }
    if let Some(nip) = &user.nip {
        let digits: String = nip.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 18 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(CliError::BadUser(format!("NIP \"{nip}\" harus 18 angka")));
        }
    }
    eprintln!("Kata sandi untuk {} (paling sedikit 10 karakter), lalu Enter:", user.username);
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).map_err(|e| CliError::BadUser(e.to_string()))?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 10 {
        return Err(CliError::BadUser("kata sandi paling sedikit 10 karakter".into()));
    }

    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent() {
            store::private_file::create_dir_all(dir)
                .map_err(|source| CliError::Write { path: dir.to_path_buf(), source })?;
        }
    }
    let store = Store::open(url).await?;
    let now = jiff::Timestamp::now();
    store::demo::install_reference(&store, &sop::Catalog::builtin(), now.as_millisecond()).await?;
    store
        .agency(&user.agency)
        .await
        .map_err(|_| CliError::BadUser(format!("instansi \"{}\" tidak dikenal", user.agency)))?;
    if store.account(&user.username).await?.is_some() {
        return Err(CliError::BadUser(format!("nama pengguna \"{}\" sudah dipakai", user.username)));
    }
    let unit_id = format!("{}-{}", user.agency, slug(&user.unit));
    if !store.units(&user.agency).await?.iter().any(|u| u.id == unit_id) {
        let kind =
            if user.unit.to_lowercase().contains("komunikasi dan informatika") { "dinas" } else { "opd" };
        store
            .put_unit(&user.agency, &Unit { id: unit_id.clone(), name: user.unit.clone(), kind: kind.into() })
            .await?;
    }
    let person_id = format!("{}-{}", user.agency, user.username);
    let nip = user.nip.map(|n| n.chars().filter(|c| !c.is_whitespace()).collect());
    store
        .put_person(
            &user.agency,
            &Person { id: person_id.clone(), name: user.name.clone(), nip, unit: unit_id },
        )
        .await?;
    if let Some(position) = user.position {
        let today = now.to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").expect("bundled zone")).date();
        store
            .add_holding(
                &user.agency,
                &Holding { person: person_id.clone(), position, from: today, until: None, acting: None },
                None,
            )
            .await?;
    }
    store
        .add_account(
            &user.agency,
            &user.username,
            &person_id,
            &store::hash_password(password),
            user.admin,
            now.as_millisecond(),
        )
        .await?;
    store.close().await;
    println!(
        "Akun {} untuk {} dibuat{}.",
        user.username,
        user.name,
        if user.admin { " (administrator instansi)" } else { "" }
    );
    Ok(())
}

/// Prints a new API token for `username` that lasts `days` days (the only
/// time it is shown). The operator has the database itself, so no password
/// is asked.
pub async fn token(url: &str, username: &str, name: &str, days: i64) -> Result<(), CliError> {
    let store = Store::open(url).await?;
    if store.account(username).await?.is_none() {
        return Err(CliError::BadUser(format!("nama pengguna \"{username}\" tidak dikenal")));
    }
    let (_, token) = store
        .create_api_token(username, name, days, jiff::Timestamp::now().as_millisecond())
        .await
        .map_err(|e| CliError::BadUser(e.to_string()))?;
    store.close().await;
    println!("{token}");
    Ok(())
}

fn slug(text: &str) -> String {
    let s: String =
        text.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}
