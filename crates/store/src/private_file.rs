//! Files only their owner may read: the database and its journal, backups,
//! the personal-data key (0600), and the directories Sopir makes for them
//! (0700). The process's umask is not trusted with them.

use std::io::Write;
use std::path::Path;

/// Creates `dir` and any missing parents, each only its owner may enter;
/// directories that exist are left as they are.
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Creates `path`, which must not exist yet, for its owner alone.
pub fn create_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `bytes` to the new file `path`, flushed to disk.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Copies `from` to the new file `to`, whatever `from`'s permissions.
pub fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from)?;
    let mut target = create_new(to)?;
    std::io::copy(&mut source, &mut target)?;
    target.sync_all()
}

/// Creates the SQLite file of `url` empty and private if it does not exist
/// yet, so SQLite — which gives its journal files the database's
/// permissions — never makes any of them readable to others.
pub(crate) fn prepare_sqlite(url: &str) -> std::io::Result<()> {
    let Some(path) = crate::sqlite_file(url) else {
        return Ok(()); // in memory, or a URL SQLite reports on itself
    };
    match create_new(&path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_and_directories_are_their_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        create_dir_all(&nested).unwrap();
        assert_eq!((mode(&dir.path().join("a")), mode(&nested)), (0o700, 0o700));
        let open = dir.path().join("open.txt");
        std::fs::write(&open, "x").unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
        copy_new(&open, &nested.join("copy.txt")).unwrap();
        assert_eq!(mode(&nested.join("copy.txt")), 0o600);
        assert!(copy_new(&open, &nested.join("copy.txt")).is_err(), "never overwrites");
        write_new(&nested.join("new.txt"), b"y").unwrap();
        assert_eq!(mode(&nested.join("new.txt")), 0o600);
    }
}
