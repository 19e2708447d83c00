//! `sopir agency list|show|add|edit`: agencies at run time from the
//! command line, by flags or an `agency.toml` (profile, units and
//! positions). The same checks as the browser's form; a refusal names each
//! field and changes nothing.

use std::path::PathBuf;

use store::{Store, StoreError};

use crate::CliError;

/// The profile fields a command may set, over the file's when one is
/// given; unset ones keep their value (or the default, for a new agency).
#[derive(clap::Args)]
pub struct ProfileFlags {
    /// Pemerintah daerah, misalnya "Pemerintah Kabupaten Blitar".
    #[arg(long)]
    government: Option<String>,
    /// Nama instansi, misalnya "Dinas Komunikasi dan Informatika".
    #[arg(long)]
    name: Option<String>,
    /// Alamat kantor seperti pada kop surat resmi (kosongkan bila belum pasti).
    #[arg(long)]
    address: Option<String>,
    /// Zona waktu: Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).
    #[arg(long)]
    timezone: Option<String>,
    /// Satu baris kop surat, dari atas ke bawah; ulangi untuk setiap baris.
    #[arg(long = "letterhead")]
    letterhead: Vec<String>,
    /// Domain instansi, misalnya blitarkab.go.id.
    #[arg(long)]
    domain: Option<String>,
    /// Domain alamat e-mail baru (bawaan: domain instansi).
    #[arg(long = "mail-domain")]
    mail_domain: Option<String>,
    /// Hari setelah permohonan selesai sampai data pribadinya dihapus (1–3650).
    #[arg(long = "retention-days")]
    retention_days: Option<u32>,
    /// Templat nomor surat: {klasifikasi}, {urut} (atau {urut:3}), {unit}, {tahun}.
    #[arg(long = "number")]
    number: Option<String>,
    /// Kode klasifikasi bawaan surat.
    #[arg(long)]
    classification: Option<String>,
    /// Kode unit pengolah pada nomor surat.
    #[arg(long = "unit-code")]
    unit_code: Option<String>,
    /// Tempat yang ditulis sebelum tanggal surat.
    #[arg(long)]
    place: Option<String>,
    /// Setiap kode unit punya urutan nomor sendiri (true/false).
    #[arg(long = "per-unit")]
    per_unit: Option<bool>,
    /// Nomor diambil dari SRIKANDI (true/false).
    #[arg(long)]
    srikandi: Option<bool>,
}

impl ProfileFlags {
    fn apply(self, agency: &mut sop::Agency) {
        let set = |field: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *field = v.trim().to_string();
            }
        };
        set(&mut agency.government, self.government);
        set(&mut agency.name, self.name);
        set(&mut agency.address, self.address);
        set(&mut agency.timezone, self.timezone);
        set(&mut agency.domain, self.domain.map(|d| d.to_lowercase()));
        set(&mut agency.mail_domain, self.mail_domain.map(|d| d.to_lowercase()));
        set(&mut agency.letters.number, self.number);
        set(&mut agency.letters.classification, self.classification);
        set(&mut agency.letters.unit, self.unit_code);
        set(&mut agency.letters.place, self.place);
        if !self.letterhead.is_empty() {
            agency.letterhead = self.letterhead;
        }
        if let Some(days) = self.retention_days {
            agency.retention_days = days;
        }
        if let Some(per_unit) = self.per_unit {
            agency.letters.per_unit = per_unit;
        }
        if let Some(srikandi) = self.srikandi {
            agency.letters.srikandi = srikandi;
        }
        agency.fill_defaults();
    }
}

/// A store refusal as the operator reads it: one line per field.
fn refusal(e: StoreError) -> CliError {
    match e {
        StoreError::Engine(engine::EngineError::Invalid(errors)) => CliError::BadAgency(
            errors.iter().map(|e| format!("\n  {} ({}): {}", e.label, e.field, e.message)).collect(),
        ),
        StoreError::NotFound(what) => CliError::BadAgency(format!(" {what} tidak ada")),
        other => other.into(),
    }
}

/// An `agency.toml`, or every problem in it.
fn read_file(path: &PathBuf) -> Result<sop::Agency, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| CliError::Load(sop::LoadError::Io { path: path.clone(), source }))?;
    sop::agency::parse_agency(&path.display().to_string(), &text)
        .map_err(|diagnostics| CliError::BadAgency(diagnostics.iter().map(|d| format!("\n  {d}")).collect()))
}

pub(crate) async fn open(url: &str) -> Result<Store, CliError> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if let Some(dir) = std::path::Path::new(path.split('?').next().unwrap_or(path)).parent() {
            store::private_file::create_dir_all(dir)
                .map_err(|source| CliError::Write { path: dir.to_path_buf(), source })?;
        }
    }
    Ok(Store::open(url).await?)
}

pub async fn list(url: &str) -> Result<(), CliError> {
    let store = open(url).await?;
    for agency in store.agencies().await? {
        println!(
            "{:<16} {:<5} {:<3} jabatan  {} — {}",
            agency.id,
            agency.zone_abbreviation(),
            agency.positions.len(),
            agency.name,
            agency.government
        );
    }
    store.close().await;
    Ok(())
}

pub async fn show(url: &str, id: &str) -> Result<(), CliError> {
    let store = open(url).await?;
    let agency = store.agency(id).await.map_err(refusal)?;
    store.close().await;
    print!("{}", agency.to_toml());
    Ok(())
}

pub async fn add(
    url: &str,
    id: Option<String>,
    file: Option<PathBuf>,
    flags: ProfileFlags,
) -> Result<(), CliError> {
    let agency = match (file, id) {
        (Some(path), given) => {
            let agency = read_file(&path)?;
            if given.as_ref().is_some_and(|id| id != &agency.id) {
                return Err(CliError::BadAgency(format!(
                    "\n  --id \"{}\" berbeda dengan id = \"{}\" di {}",
                    given.unwrap_or_default(),
                    agency.id,
                    path.display()
                )));
            }
            let mut agency = agency;
            flags.apply(&mut agency);
            agency
        }
        (None, Some(id)) => {
            let mut agency = sop::Agency {
                id,
                timezone: sop::agency::INDONESIAN_ZONES[0].0.to_string(),
                retention_days: 365,
                ..sop::Agency::default()
            };
            flags.apply(&mut agency);
            agency
        }
        (None, None) => {
            return Err(CliError::BadAgency("\n  beri --id (dengan --name dan lainnya) atau --file".into()));
        }
    };
    let store = open(url).await?;
    store.create_agency(&agency, None).await.map_err(refusal)?;
    store.close().await;
    println!(
        "Instansi {} ({}) dibuat: {} unit, {} jabatan.",
        agency.id,
        agency.name,
        agency.units.len(),
        agency.positions.len()
    );
    Ok(())
}

pub async fn edit(url: &str, id: &str, file: Option<PathBuf>, flags: ProfileFlags) -> Result<(), CliError> {
    let store = open(url).await?;
    let mut agency = store.agency(id).await.map_err(refusal)?;
    if let Some(path) = file {
        let from_file = read_file(&path)?;
        if from_file.id != id {
            return Err(CliError::BadAgency(format!(
                "\n  {} memuat id = \"{}\", bukan \"{id}\"",
                path.display(),
                from_file.id
            )));
        }
        agency = from_file;
    }
    flags.apply(&mut agency);
    store.update_agency(&agency, None).await.map_err(refusal)?;
    store.close().await;
    println!("Instansi {id} tersimpan.");
    Ok(())
}
