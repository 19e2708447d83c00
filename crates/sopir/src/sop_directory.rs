//! The server's SOP directory (`serve --sop-dir`, `SOPIR_SOP_DIR`): the
//! agency profiles (`agency.toml`) and SOP definitions an installation keeps
//! as files, in git say. Read at start, where an error stops the server;
//! read again on SIGHUP and when a file's modification time changes, where
//! an error leaves what is live as it was. Each read is all or nothing: the
//! whole directory is linted and every SOP checked against the published
//! versions first, and only a directory without an error is installed —
//! changed profiles, and each new SOP text as a new version (running cases
//! keep theirs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sop::{Catalog, Diagnostic, Severity};
use store::{Store, StoreError};

/// One read of the directory that changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Load(#[from] sop::LoadError),
    /// Every finding; at least one is an error.
    #[error("{} kesalahan:\n{}", errors(.0), lines(.0))]
    Findings(Vec<Diagnostic>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn errors(findings: &[Diagnostic]) -> usize {
    findings.iter().filter(|d| d.severity == Severity::Error).count()
}

fn lines(findings: &[Diagnostic]) -> String {
    findings.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

/// What one read installed.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Warnings (the directory had no error).
    pub warnings: Vec<Diagnostic>,
    /// Agency profiles installed (new or changed since the last read).
    pub profiles: Vec<String>,
    /// SOPs published as new versions: (id, version).
    pub published: Vec<(String, u32)>,
    /// SOP files in the directory.
    pub sops: usize,
}

impl std::fmt::Display for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let published: Vec<String> = self.published.iter().map(|(id, v)| format!("{id} versi {v}")).collect();
        write!(
            f,
            "{} SOP, {} peringatan; diterbitkan: {}",
            self.sops,
            self.warnings.len(),
            if published.is_empty() { "tidak ada yang baru".to_string() } else { published.join(", ") }
        )?;
        if !self.profiles.is_empty() {
            write!(f, "; profil instansi dipasang: {}", self.profiles.join(", "))?;
        }
        Ok(())
    }
}

/// Each `.toml` file's modification time and length: what tells a read
/// that something changed.
type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

pub struct SopDirectory {
    path: PathBuf,
    /// Each profile as last installed, so that one edited in the browser
    /// since is not overwritten by a read in which its file did not change.
    profiles: BTreeMap<String, sop::Agency>,
    /// As of the last read, unless the database failed it.
    fingerprint: Fingerprint,
}

impl SopDirectory {
    pub fn new(path: PathBuf) -> SopDirectory {
        SopDirectory { path, profiles: BTreeMap::new(), fingerprint: Vec::new() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fingerprint(&self) -> Fingerprint {
        let files = sop::catalog::toml_files(&self.path).unwrap_or_default();
        files
            .into_iter()
            .map(|file| {
                let meta = std::fs::metadata(&file).ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                (file, modified, meta.map_or(0, |m| m.len()))
            })
            .collect()
    }

    /// Whether a file was added, removed or modified since the last read
    /// (one the database failed is tried again at the next look).
    pub fn changed_on_disk(&self) -> bool {
        self.fingerprint() != self.fingerprint
    }

    /// Reads the directory and installs it, all or nothing.
    pub async fn load(&mut self, store: &Store, at: i64) -> Result<Loaded, Refusal> {
        let fingerprint = self.fingerprint();
        let result = self.install(store, at).await;
        // A refusal is said once and tried again when the files change; a
        // database that failed is tried again at the next look.
        if !matches!(result, Err(Refusal::Store(_))) {
            self.fingerprint = fingerprint;
        }
        result
    }

    async fn install(&mut self, store: &Store, at: i64) -> Result<Loaded, Refusal> {
        let (catalog, mut findings) = Catalog::load_paths(std::slice::from_ref(&self.path))?;
        // The catalogue only knows the directory's profiles; the database
        // knows the others (built-in, installed before).
        findings.retain(|d| d.code != "unknown-agency");
        for sop in &catalog.sops {
            findings.extend(sop::lint::lint(sop));
            if catalog.agency(&sop.agency).is_none() && store.agency(&sop.agency).await.is_err() {
                findings.push(sop::publication::at_agency(
                    sop,
                    "unknown-agency",
                    format!(
                        "instansi \"{}\" tidak dikenal: tambahkan {} dengan id = \"{}\" di direktori SOP",
                        sop.agency,
                        sop::catalog::AGENCY_FILE,
                        sop.agency
                    ),
                ));
            }
        }
        let mut sops: Vec<&sop::Sop> = catalog.sops.iter().collect();
        sops.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
        let mut new = Vec::new();
        for (i, sop) in sops.iter().enumerate() {
            // An earlier version in this same directory is checked against
            // the database, not against this one.
            let newer_here = sops[i + 1..].iter().any(|s| s.id == sop.id);
            match store.is_new_version(sop).await {
                Ok(true) => new.push(*sop),
                Ok(false) => {}
                Err(StoreError::StaleVersion { .. }) if newer_here => {}
                Err(e @ StoreError::VersionConflict { .. }) => {
                    findings.push(sop::publication::at_version(sop, "version-conflict", e.to_string()))
                }
                Err(e @ StoreError::StaleVersion { .. }) => {
                    findings.push(sop::publication::at_version(sop, "version-stale", e.to_string()))
                }
                Err(e) => return Err(e.into()),
            }
        }
        findings.sort_by(|a, b| (&a.file, a.at).cmp(&(&b.file, b.at)));
        if errors(&findings) > 0 {
            return Err(Refusal::Findings(findings));
        }

        let mut loaded = Loaded { warnings: findings, sops: catalog.sops.len(), ..Loaded::default() };
        for agency in &catalog.agencies {
            if self.profiles.get(&agency.id) != Some(agency) {
                install_profile(store, agency).await?;
                self.profiles.insert(agency.id.clone(), agency.clone());
                loaded.profiles.push(agency.id.clone());
            }
        }
        for sop in new {
            store.publish_sop(&sop.file, &sop.source, at).await?;
            loaded.published.push((sop.id.clone(), sop.version));
        }
        Ok(loaded)
    }
}

/// Installs an agency read from the directory — profile, units and
/// positions, the file being the truth — with the national calendar.
async fn install_profile(store: &Store, agency: &sop::Agency) -> Result<(), StoreError> {
    store.install_agency(agency).await
}
