//! The set of SOPs and agency profiles Sopir knows: the built-in seeds
//! embedded in the binary, or the `.toml` files of a directory the user
//! names. Loading never stops at the first bad file: every problem is
//! reported.

use std::path::{Path, PathBuf};

use crate::agency::{Agency, parse_agency};
use crate::definition::Sop;
use crate::diagnostic::{Diagnostic, Location};
use crate::parse::parse_sop;

/// The file name that marks an agency profile rather than an SOP.
pub const AGENCY_FILE: &str = "agency.toml";

/// The seed definitions, under the names they have in the repository.
pub const BUILTIN: [(&str, &str); 9] = [
    ("sops/lumajang/agency.toml", include_str!("../../../sops/lumajang/agency.toml")),
    ("sops/lumajang/vpn.toml", include_str!("../../../sops/lumajang/vpn.toml")),
    ("sops/lumajang/ruang-server.toml", include_str!("../../../sops/lumajang/ruang-server.toml")),
    ("sops/lumajang/subdomain.toml", include_str!("../../../sops/lumajang/subdomain.toml")),
    ("sops/lumajang/email.toml", include_str!("../../../sops/lumajang/email.toml")),
    ("sops/trenggalek/agency.toml", include_str!("../../../sops/trenggalek/agency.toml")),
    ("sops/trenggalek/ruang-server.toml", include_str!("../../../sops/trenggalek/ruang-server.toml")),
    (
        "sops/trenggalek/penghapusan-akses.toml",
        include_str!("../../../sops/trenggalek/penghapusan-akses.toml"),
    ),
    ("sops/trenggalek/review-akses.toml", include_str!("../../../sops/trenggalek/review-akses.toml")),
];

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub sops: Vec<Sop>,
    pub agencies: Vec<Agency>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("tidak dapat membaca {path}: {}", io_reason(.source))]
    Io { path: PathBuf, source: std::io::Error },
    #[error("tidak ada berkas .toml di {0}")]
    Empty(PathBuf),
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "berkas atau direktori tidak ada".to_string(),
        std::io::ErrorKind::PermissionDenied => "tidak ada izin membaca".to_string(),
        _ => e.to_string(),
    }
}

impl Catalog {
    /// The built-in seeds. They are tested to load without errors.
    pub fn builtin() -> Catalog {
        let sources = BUILTIN.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        let (catalog, errors) = Catalog::from_sources(sources);
        assert!(
            errors.iter().all(|d| d.severity != crate::Severity::Error),
            "built-in SOPs must load: {errors:?}"
        );
        catalog
    }

    /// Reads every `.toml` under the given files and directories.
    pub fn load_paths(paths: &[PathBuf]) -> Result<(Catalog, Vec<Diagnostic>), LoadError> {
        let mut files = Vec::new();
        for path in paths {
            let before = files.len();
            collect_toml(path, &mut files)?;
            if files.len() == before {
                return Err(LoadError::Empty(path.clone()));
            }
        }
        let mut sources = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .map_err(|source| LoadError::Io { path: file.clone(), source })?;
            sources.push((file.display().to_string(), text));
        }
        Ok(Catalog::from_sources(sources))
    }

    /// Parses named texts; files called `agency.toml` are agency profiles.
    /// Returns what parsed and every diagnostic, including cross-file ones
    /// (duplicate ids, an SOP whose agency profile is missing).
    pub fn from_sources(sources: Vec<(String, String)>) -> (Catalog, Vec<Diagnostic>) {
        let mut catalog = Catalog::default();
        let mut diagnostics = Vec::new();
        for (name, text) in &sources {
            let is_agency = Path::new(name).file_name().is_some_and(|f| f == AGENCY_FILE);
            if is_agency {
                match parse_agency(name, text) {
                    Ok(a) => catalog.agencies.push(a),
                    Err(d) => diagnostics.extend(d),
                }
            } else {
                match parse_sop(name, text) {
                    Ok(s) => catalog.sops.push(s),
                    Err(d) => diagnostics.extend(d),
                }
            }
        }
        for (i, sop) in catalog.sops.iter().enumerate() {
            if let Some(first) = catalog.sops[..i].iter().find(|s| s.id == sop.id && s.version == sop.version)
            {
                diagnostics.push(Diagnostic::error(
                    &sop.file,
                    Location { line: 1, column: 1 },
                    "duplicate-id",
                    format!("SOP \"{}\" versi {} sudah ada di {}", sop.id, sop.version, first.file),
                ));
            }
            let listed = catalog.agencies.iter().find(|a| a.id == sop.agency).map(|a| &a.positions);
            // Each position where it is first named: its lane, or the step.
            let named = sop
                .lanes
                .iter()
                .flat_map(|l| l.positions.iter().map(move |p| (p, l.at)))
                .chain(sop.steps.iter().flat_map(|s| s.positions.iter().map(move |p| (p, s.at))));
            let mut unlisted: Vec<(&String, Location)> = Vec::new();
            for (position, at) in named {
                let missing = listed.is_some_and(|l| !l.is_empty() && !l.iter().any(|q| &q.id == position));
                if missing && !unlisted.iter().any(|(p, _)| *p == position) {
                    unlisted.push((position, at));
                }
            }
            for (position, at) in unlisted {
                diagnostics.push(Diagnostic::warning(
                    &sop.file,
                    at,
                    "unknown-position",
                    format!(
                        "jabatan \"{position}\" tidak ada dalam daftar jabatan instansi \"{}\" — tambahkan ke [[positions]] di {AGENCY_FILE} atau di Organisasi instansi",
                        sop.agency
                    ),
                ));
            }
            // Against the newest version of each other SOP: that is what runs.
            let newest =
                catalog.sops.iter().filter(|o| catalog.sop(&o.id).is_some_and(|n| std::ptr::eq(n, *o)));
            diagnostics.extend(crate::registry_kind::conflicts(sop, newest));
            if !catalog.agencies.is_empty() && !catalog.agencies.iter().any(|a| a.id == sop.agency) {
                diagnostics.push(Diagnostic::warning(
                    &sop.file,
                    Location { line: 1, column: 1 },
                    "unknown-agency",
                    format!(
                        "profil instansi \"{}\" tidak ditemukan — tambahkan {AGENCY_FILE} dengan id = \"{}\"",
                        sop.agency, sop.agency
                    ),
                ));
            }
        }
        (catalog, diagnostics)
    }

    /// The newest version of the SOP with this id.
    pub fn sop(&self, id: &str) -> Option<&Sop> {
        self.sops.iter().filter(|s| s.id == id).max_by_key(|s| s.version)
    }

    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }
}

/// The `.toml` files under `path` (itself, when it is one), in name order:
/// what [`Catalog::load_paths`] reads.
pub fn toml_files(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    collect_toml(path, &mut files)?;
    Ok(files)
}

fn collect_toml(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_toml(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "toml") {
            out.push(entry);
        }
    }
    Ok(())
}
