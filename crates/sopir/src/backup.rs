//! `sopir backup` and `sopir restore` for the embedded SQLite database: a
//! consistent online copy (SQLite's `VACUUM INTO`, safe while the server
//! runs) that holds the uploaded files too, with the personal-data key
//! beside it; and the way back, checked by walking the audit chain. Every
//! file made is readable by its owner only. PostgreSQL installations use
//! `pg_dump` (see README).

use std::path::{Path, PathBuf};

use store::Store;

use crate::CliError;

/// The key file that goes with a backup `path`.
fn key_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".key");
    path.with_file_name(name)
}

fn sqlite_file(url: &str) -> Result<PathBuf, CliError> {
    let path = url
        .strip_prefix("sqlite://")
        .ok_or_else(|| CliError::Backup("hanya basis data SQLite; untuk PostgreSQL pakai pg_dump".into()))?;
    Ok(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

pub async fn backup(url: &str, data_dir: &Path, target: &Path) -> Result<(), CliError> {
    let source = sqlite_file(url)?;
    if !source.exists() {
        return Err(CliError::NoDatabase(source.display().to_string()));
    }
    if target.exists() {
        return Err(CliError::Backup(format!("{} sudah ada; pilih nama lain", target.display())));
    }
    let store = Store::open(url).await?;
    store.backup_into(target).await?;
    store.close().await;
    let key = data_dir.join("sopir.key");
    if key.exists() {
        store::private_file::copy_new(&key, &key_beside(target))
            .map_err(|source| CliError::Write { path: key_beside(target), source })?;
    }
    println!(
        "Cadangan ditulis: {}{}",
        target.display(),
        if key.exists() {
            format!(" (kunci data pribadi: {})", key_beside(target).display())
        } else {
            String::new()
        }
    );
    Ok(())
}

pub async fn restore(url: &str, data_dir: &Path, source: &Path) -> Result<(), CliError> {
    let target = sqlite_file(url)?;
    if !source.exists() {
        return Err(CliError::NoDatabase(source.display().to_string()));
    }
    if target.exists() {
        return Err(CliError::Backup(format!(
            "{} sudah ada; hentikan server dan pindahkan basis data lama lebih dulu",
            target.display()
        )));
    }
    // Check the copy before putting it in place.
    let copy = Store::open(&format!("sqlite://{}", source.display())).await?;
    let report = copy.verify_audit().await?;
    copy.close().await;
    if let Some(broken) = report.first_break {
        return Err(CliError::Backup(format!("rantai audit cadangan putus: {broken}")));
    }
    if let Some(dir) = target.parent() {
        store::private_file::create_dir_all(dir)
            .map_err(|source| CliError::Write { path: dir.to_path_buf(), source })?;
    }
    store::private_file::copy_new(source, &target)
        .map_err(|e| CliError::Write { path: target.clone(), source: e })?;
    let key = key_beside(source);
    if key.exists() {
        let destination = data_dir.join("sopir.key");
        if !destination.exists() {
            store::private_file::copy_new(&key, &destination)
                .map_err(|source| CliError::Write { path: destination, source })?;
        }
    }
    println!("Dipulihkan ke {}: rantai audit utuh ({} event).", target.display(), report.checked);
    Ok(())
}
