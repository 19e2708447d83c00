//! Opening a database that cannot be written: refused at once, naming the
//! file and the reason, instead of a pool that retries for 30 s and then
//! names only its own timeout.

#[tokio::test]
async fn a_database_that_cannot_be_written_is_refused_with_its_path_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data directory should be: as unopenable as a
    // read-only directory, also for root (which file modes do not stop).
    std::fs::write(dir.path().join("data"), b"not a directory").unwrap();
    let path = dir.path().join("data").join("sopir.db");
    let error = store::Store::open(&format!("sqlite://{}", path.display())).await.err().expect("refused");
    match &error {
        store::StoreError::Unwritable { path: named, reason } => {
            assert_eq!(named, &path.display().to_string());
            assert!(reason.contains("unable to open database file"), "{reason}");
        }
        other => panic!("refused as unwritable, not as {other:?}"),
    }
    assert!(error.to_string().contains("periksa bahwa direktori data dapat ditulis"), "{error}");
}
