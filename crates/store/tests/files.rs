//! The files the store makes — the SQLite database and its journal, online
//! backups, the personal-data key and its directory — are readable by their
//! owner only, whatever the process's umask.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use store::{DataKey, Store};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_its_journal_and_backups_are_the_owners_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sopir.db");
    let store = Store::open(&format!("sqlite://{}", db.display())).await.unwrap();
    store::demo::install(&store, &sop::Catalog::builtin(), 1_764_000_000_000).await.unwrap();
    assert_eq!(mode(&db), 0o600);
    let wal = dir.path().join("sopir.db-wal");
    assert!(wal.exists(), "the journal is in use");
    assert_eq!(mode(&wal), 0o600);
    let copy = dir.path().join("cadangan.db");
    store.backup_into(&copy).await.unwrap();
    assert_eq!(mode(&copy), 0o600);
    assert!(std::fs::metadata(&copy).unwrap().len() > 0, "the copy is whole");
    assert!(store.backup_into(&copy).await.is_err(), "an existing file is not overwritten");
    assert!(std::fs::metadata(&copy).unwrap().len() > 0, "…nor emptied");
    store.close().await;
}

#[test]
fn a_new_key_and_the_directory_made_for_it_are_the_owners_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    DataKey::load_or_create(&data.join("sopir.key")).unwrap();
    assert_eq!((mode(&data), mode(&data.join("sopir.key"))), (0o700, 0o600));
}
