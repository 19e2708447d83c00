//! Keeping the record honest: `sopir audit verify` walks the hash chain of
//! the event log and checks it against the checkpoints kept outside the
//! database; `sopir retention purge` erases personal data past the
//! retention period (the log itself is never touched).

use std::path::{Path, PathBuf};

use store::checkpoint::{self, CheckpointKey};
use store::read_only::ReadAccess;
use store::{DataKey, Store};

use crate::CliError;

/// Refuses a SQLite URL whose file does not exist (opening would create it).
fn require_existing(url: &str) -> Result<(), CliError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if !Path::new(file).exists() {
            return Err(CliError::NoDatabase(file.to_string()));
        }
    }
    Ok(())
}

pub fn purge(url: &str) -> Result<(), CliError> {
    require_existing(url)?;
    crate::runtime()?.block_on(async {
        let store = Store::open(url).await?;
        let erased = store.purge_personal_data(jiff::Timestamp::now().as_millisecond()).await?;
        store.close().await;
        println!(
            "Data pribadi {erased} permohonan yang lewat masa retensi dihapus; catatan anonimnya tetap."
        );
        Ok(())
    })
}

/// Where `audit verify` finds the checkpoints and the key to check them.
pub struct Anchors {
    /// `--data-key` / `SOPIR_DATA_KEY`, else the key file.
    pub data_key: Option<String>,
    pub key_file: PathBuf,
    /// The server's checkpoint directory (nothing there yet is fine).
    pub dir: PathBuf,
    /// Further files or directories given (each must exist).
    pub more: Vec<PathBuf>,
}

/// At most this many checkpoint problems are listed one by one.
const LISTED: usize = 10;

/// Walks the chain, then checks it against every checkpoint found. The
/// database is only read (see [`Store::open_read_only`]).
pub fn verify(url: &str, anchors: Anchors) -> Result<(), CliError> {
    require_existing(url)?;
    crate::runtime()?.block_on(async {
        let (store, access) = Store::open_read_only(url).await?;
        let versions = store.schema_versions().await?;
        if versions.database < versions.program {
            println!(
                "Catatan: skema basis data ini versi {}, lebih lama dari versi {} program ini; basis data hanya dibaca, tidak dimigrasikan, dan rantai auditnya tetap dapat diperiksa.",
                versions.database, versions.program
            );
        } else if versions.database > versions.program {
            println!(
                "Catatan: skema basis data ini versi {}, lebih baru dari versi {} program ini; bila hasilnya meragukan, periksa dengan sopir yang lebih baru.",
                versions.database, versions.program
            );
        }
        if let ReadAccess::Immutable { wal_skipped } = access {
            println!(
                "Catatan: direktori basis data tidak dapat ditulisi, jadi berkasnya dibaca sebagai berkas yang tidak berubah{}.",
                if wal_skipped {
                    "; transaksi di berkas -wal di sampingnya TIDAK ikut terbaca (salin basis data beserta -wal-nya ke direktori yang dapat ditulisi)"
                } else {
                    ""
                }
            );
        }
        let report = store.verify_audit().await?;
        let chain_intact = match &report.first_break {
            None => {
                let records = match report.records {
                    0 => String::new(),
                    n => format!(" ({n} di antaranya perubahan di luar permohonan)"),
                };
                println!(
                    "Rantai audit utuh: {} event diperiksa{records}, di rantai instalasi dan {} rantai instansi.",
                    report.checked, report.chains
                );
                true
            }
            Some(broken) => {
                println!("Rantai audit PUTUS setelah {} event yang utuh: {broken}", report.checked);
                false
            }
        };
        let anchors_hold = check_anchors(&store, anchors).await;
        store.close().await;
        if chain_intact && anchors_hold? { Ok(()) } else { Err(CliError::AuditBroken) }
    })
}

/// Checks the chain against the checkpoints and prints how it stands;
/// `false` when any checkpoint disagrees or cannot be read.
async fn check_anchors(store: &Store, anchors: Anchors) -> Result<bool, CliError> {
    let mut paths = Vec::new();
    if anchors.dir.exists() {
        paths.push(anchors.dir.clone());
    }
    for path in &anchors.more {
        if !path.exists() {
            return Err(CliError::Checkpoints(format!("{} tidak ada", path.display())));
        }
        paths.push(path.clone());
    }
    let key = match anchors.data_key.as_deref().filter(|k| !k.is_empty()) {
        Some(hex) => Some(DataKey::from_hex(hex)?),
        None => DataKey::load(&anchors.key_file)?,
    };
    let Some(key) = key else {
        if paths.is_empty() {
            no_checkpoints(&anchors.dir);
            return Ok(true);
        }
        return Err(CliError::Checkpoints(format!(
            "ada titik periksa, tetapi kunci data untuk memeriksa tanda tangannya tidak ditemukan ({} tidak ada; berikan --data-key atau SOPIR_DATA_KEY)",
            anchors.key_file.display()
        )));
    };
    let key = CheckpointKey::from_data_key(&key);
    let found = checkpoint::read(&paths, &key)
        .map_err(|e| CliError::Checkpoints(format!("tidak dapat dibaca: {e}")))?;
    if found.is_empty() {
        no_checkpoints(&anchors.dir);
        return Ok(true);
    }
    let total = found.len();
    let anchoring = store.anchor(found).await?;
    if anchoring.problems.is_empty() {
        let newest = anchoring.newest_match.as_ref().map_or(String::new(), |(place, c)| {
            format!("; yang terbaru: event #{} pada {} ({place})", c.seq, c.at)
        });
        println!("Titik periksa cocok: {total} titik periksa{newest}.");
        return Ok(true);
    }
    println!(
        "Titik periksa TIDAK COCOK: {} dari {total} titik periksa; rantai di basis data telah ditulis ulang atau dipotong:",
        anchoring.problems.len()
    );
    for problem in anchoring.problems.iter().take(LISTED) {
        println!("  - {problem}");
    }
    if anchoring.problems.len() > LISTED {
        println!("  … dan {} lagi.", anchoring.problems.len() - LISTED);
    }
    if let Some((place, c)) = &anchoring.newest_match {
        println!(
            "Titik periksa terakhir yang cocok: event #{} pada {} ({place}); perubahan ada sesudahnya.",
            c.seq, c.at
        );
    }
    Ok(false)
}

fn no_checkpoints(dir: &Path) {
    println!(
        "Peringatan: tidak ada titik periksa (dicari di {}); rantai hanya diperiksa terhadap dirinya sendiri, jadi rantai yang ditulis ulang seluruhnya tidak akan terlihat.",
        dir.display()
    );
}
