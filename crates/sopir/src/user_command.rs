//! `sopir user add`: creates a person with a login — how a real
//! installation (started with `--no-demo`) gets its first administrator
//! (of an agency, or of the installation: `--installation-admin`);
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
    pub installation_admin: bool,
}

pub async fn add(url: &str, user: NewUser) -> Result<(), CliError> {
    if let Err(why) = store::check_username(&user.username) {
        return Err(CliError::BadUser(format!("nama pengguna: {why}")));
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
    // Refused before anything is written.
    if let Some(position) = &user.position {
        if !store.positions(&user.agency).await?.iter().any(|p| &p.id == position) {
            return Err(CliError::BadUser(format!(
                "jabatan \"{position}\" tidak ada dalam daftar jabatan instansi {}; tambahkan dulu di Organisasi instansi, atau pakai salah satu yang ada",
                user.agency
            )));
        }
    }
    // The unit named (by id or name), or a new unit of the agency itself.
    let units = store.units(&user.agency).await?;
    let unit_id = match units.iter().find(|u| u.id == user.unit || u.name == user.unit) {
        Some(unit) => unit.id.clone(),
        None => {
            let id = format!("{}-{}", user.agency, slug(&user.unit));
            let unit = Unit { id: id.clone(), name: user.unit.clone(), kind: sop::UnitKind::Dinas };
            store.put_unit(&user.agency, &unit, None).await?;
            id
        }
    };
    let person_id = format!("{}-{}", user.agency, user.username);
    let nip = user.nip.map(|n| n.chars().filter(|c| !c.is_whitespace()).collect());
    store
        .put_person(
            &user.agency,
            &Person { id: person_id.clone(), name: user.name.clone(), nip, unit: unit_id },
            None,
        )
        .await?;
    if let Some(position) = user.position {
        let zone = jiff::tz::TimeZone::get(&store.agency(&user.agency).await?.timezone)
            .map_err(|e| CliError::BadUser(e.to_string()))?;
        let today = now.to_zoned(zone).date();
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
    if user.installation_admin {
        store.grant_installation_admin(&user.username, None, now.as_millisecond()).await?;
    }
    store.close().await;
    let roles: Vec<&str> =
        [(user.admin, "administrator instansi"), (user.installation_admin, "administrator instalasi")]
            .into_iter()
            .filter_map(|(on, role)| on.then_some(role))
            .collect();
    let roles = if roles.is_empty() { String::new() } else { format!(" ({})", roles.join(", ")) };
    println!("Akun {} untuk {} dibuat{roles}.", user.username, user.name);
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

/// `sopir user import FILE --agency ID [--apply] [--end-gone]`: the preview
/// of a SIMPEG/SIASN roster as the organisation editor shows it; with
/// `--apply`, the import of that file. A file with problems prints each
/// and writes nothing.
pub async fn import(
    url: &str,
    file: &std::path::Path,
    agency: &str,
    apply: bool,
    end_gone: bool,
) -> Result<(), CliError> {
    let bytes = std::fs::read(file).map_err(|e| CliError::BadUser(format!("{}: {e}", file.display())))?;
    let store = crate::agency_command::open(url).await?;
    let found = store
        .agency(agency)
        .await
        .map_err(|_| CliError::BadUser(format!("instansi \"{agency}\" tidak dikenal")))?;
    let today = jiff::Timestamp::now().to_zoned(store.calendar(agency).await?.zone).date();
    let preview = store.roster_preview(agency, &bytes, today).await?;
    let plan = match &preview.outcome {
        Ok(plan) => plan,
        Err(errors) => {
            for e in errors {
                println!("{}: {e}", file.display());
            }
            return Err(CliError::BadUser(format!("{} kesalahan; tidak ada yang disimpan", errors.len())));
        }
    };
    let position = |id: &str| {
        found.positions.iter().find(|p| p.id == id).map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let unit =
        |id: &str| found.units.iter().find(|u| u.id == id).map_or_else(|| id.to_string(), |u| u.name.clone());
    println!(
        "Impor {} ke {agency}: {} baru, {} berubah, {} tidak ada di berkas, {} tidak berubah; {} akun masuk baru (tanpa kata sandi)",
        file.display(),
        plan.new.len(),
        plan.changed.len(),
        plan.gone.len(),
        plan.unchanged,
        preview.new_accounts
    );
    for e in &plan.new {
        println!("  baru     {} {} — {}, {}", e.nip, e.name, position(&e.position), unit(&e.unit));
    }
    for u in &plan.changed {
        let fields: Vec<&str> = u.fields.iter().map(|c| c.label()).collect();
        println!("  berubah  {} {} — {}", u.entry.nip, u.was.name, fields.join(", "));
    }
    for m in &plan.gone {
        println!("  hilang   {} {}", m.nip.as_deref().unwrap_or_default(), m.name);
    }
    if !apply {
        println!("Belum ada yang disimpan; tambahkan --apply untuk menerapkannya.");
        return Ok(());
    }
    store.apply_roster(agency, &bytes, &preview.sha256, today, end_gone, None).await?;
    println!("Diterapkan.");
    Ok(())
}
