//! The `sopir` command: the operator's entry point. Parses the command line,
//! calls into the library crates, and turns their errors into messages and
//! exit codes (0 fine, 1 findings or refusal, 2 bad usage).

mod agency_command;
mod audit_command;
mod backup;
mod bench;
mod large_data;
mod roster_bench;
mod routine;
mod serve;
mod signing_trial;
mod simulate;
mod sop_command;
mod sop_directory;
mod user_command;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "sopir",
    version,
    about = "Sopir — menjalankan SOP Diskominfo sebagai alur kerja yang akuntabel"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Jalankan aplikasi web (perintah bawaan `cargo run --release`).
    Serve {
        /// Alamat dan port.
        #[arg(long, env = "SOPIR_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Direktori data (basis data SQLite).
        #[arg(long = "data-dir", env = "SOPIR_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Basis data lain, misalnya postgres://pengguna:sandi@host/sopir (bawaan: SQLite di direktori data).
        #[arg(long = "database-url", env = "DATABASE_URL")]
        database_url: Option<String>,
        /// Tanpa pegawai dan akun contoh (instalasi sungguhan).
        #[arg(long = "no-demo", env = "SOPIR_NO_DEMO")]
        no_demo: bool,
        /// Tandai cookie sebagai Secure (bila dilayani lewat HTTPS).
        #[arg(long = "secure-cookies", env = "SOPIR_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Kunci enkripsi data pribadi (64 karakter heksadesimal); tanpa ini dipakai berkas sopir.key di direktori data (dibuat bila belum ada). Semua proses yang memakai satu basis data harus memakai kunci yang sama.
        #[arg(long = "data-key", env = "SOPIR_DATA_KEY", hide_env_values = true)]
        data_key: Option<String>,
        /// Menit antara dua peringatan untuk tugas yang sama yang melewati batas waktu.
        #[arg(long = "escalation-minutes", env = "SOPIR_ESCALATION_MINUTES", default_value = "60")]
        escalation_minutes: u32,
        /// Alamat Sopir yang dibuka masyarakat, dicetak pada tautan verifikasi dan kode QR surat, misalnya https://sopir.lumajangkab.go.id. Wajib untuk menandatangani surat pada instalasi sungguhan; dengan data contoh, tanpa ini dipakai alamat --addr (bila bukan 0.0.0.0).
        #[arg(long = "public-url", env = "SOPIR_PUBLIC_URL")]
        public_url: Option<String>,
        /// Server SMTP untuk notifikasi e-mail, misalnya smtps://pengguna:sandi@mail.lumajangkab.go.id:465 atau smtp://…:587?tls=required (STARTTLS); tanpa ini e-mail menunggu di kotak keluar.
        #[arg(long = "smtp-url", env = "SOPIR_SMTP_URL", hide_env_values = true)]
        smtp_url: Option<String>,
        /// Alamat pengirim e-mail notifikasi.
        #[arg(long = "mail-from", env = "SOPIR_MAIL_FROM", default_value = "Sopir <sopir@localhost>")]
        mail_from: String,
        /// Proxy balik yang dipercaya, dipisah koma (alamat atau CIDR, mis. 10.0.0.5,172.16.0.0/12): hanya dari proxy ini header X-Forwarded-For dipakai sebagai alamat klien (untuk pembatasan percobaan masuk).
        #[arg(long = "trusted-proxies", env = "SOPIR_TRUSTED_PROXIES")]
        trusted_proxies: Option<String>,
        #[command(flatten)]
        checkpoints: CheckpointDir,
        /// Menit antara dua titik periksa rantai audit (ditulis bila rantai bertambah; juga saat mulai dan berhenti).
        #[arg(
            long = "audit-checkpoint-minutes",
            env = "SOPIR_AUDIT_CHECKPOINT_MINUTES",
            default_value = "60"
        )]
        checkpoint_minutes: u32,
        /// Direktori profil instansi (agency.toml) dan definisi SOP (.toml) yang diterbitkan saat mulai, lalu dibaca ulang pada SIGHUP dan bila berkasnya berubah: SOP yang berubah terbit sebagai versi baru (permohonan yang berjalan tetap memakai versinya). Kesalahan saat mulai menghentikan server dengan berkas:baris:kolom-nya.
        #[arg(long = "sop-dir", env = "SOPIR_SOP_DIR")]
        sop_dir: Option<PathBuf>,
        /// Detik antara dua pemeriksaan waktu ubah berkas di --sop-dir; 0: hanya pada SIGHUP.
        #[arg(long = "sop-dir-check-seconds", env = "SOPIR_SOP_DIR_CHECK_SECONDS", default_value = "30")]
        sop_dir_check_seconds: u64,
    },
    /// Akun pengguna.
    #[command(subcommand)]
    User(UserCommand),
    /// Instansi: daftar, tampilkan (sebagai agency.toml), tambah, ubah — dengan opsi atau berkas agency.toml.
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Definisi SOP: daftar, periksa (lint), tampilkan, cetak dokumen resmi, simulasikan.
    #[command(subcommand)]
    Sop(SopCommand),
    /// Log audit berantai hash.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Masa retensi data pribadi.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Ukur kecepatan: jalankan server sungguhan dan selesaikan permohonan VPN lewat API dengan beberapa klien.
    Bench {
        #[command(subcommand)]
        large: Option<BenchCommand>,
        /// Jumlah klien bersamaan.
        #[arg(long, default_value = "8")]
        clients: usize,
        /// Jumlah permohonan VPN yang diselesaikan.
        #[arg(long, default_value = "100")]
        cases: usize,
        /// PostgreSQL untuk diukur (bawaan: SQLite sementara).
        #[arg(long = "database-url")]
        database_url: Option<String>,
        /// Jumlah instansi (Lumajang dan salinan strukturnya) yang permohonannya dilayani bersamaan.
        #[arg(long, default_value = "1")]
        agencies: usize,
        /// Jumlah server pada basis data yang sama (hanya PostgreSQL); klien dibagi rata.
        #[arg(long, default_value = "1")]
        servers: usize,
    },
    /// Layanan tanda tangan elektronik dan sertifikat untuk uji coba, sebelum layanan BSrE atau sertifikat pejabat tersedia.
    #[command(subcommand)]
    SigningService(SigningServiceCommand),
    /// Salinan konsisten basis data SQLite yang sedang dipakai (beserta berkas unggahan dan kunci data pribadi).
    Backup {
        /// Berkas cadangan yang akan dibuat.
        path: PathBuf,
        #[command(flatten)]
        database: Database,
    },
    /// Pulihkan cadangan ke basis data yang belum ada (server dalam keadaan berhenti); rantai audit diperiksa lebih dulu.
    Restore {
        /// Berkas cadangan.
        path: PathBuf,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Buat pegawai beserta akunnya; kata sandi dibaca dari masukan standar.
    Add {
        /// Id instansi, misalnya lumajang.
        #[arg(long)]
        agency: String,
        #[arg(long)]
        username: String,
        /// Nama lengkap dengan gelar.
        #[arg(long)]
        name: String,
        #[arg(long)]
        nip: Option<String>,
        /// Unit kerja (kode atau nama unit instansi; yang belum ada dibuat sebagai bagian instansi).
        #[arg(long, default_value = "Dinas Komunikasi dan Informatika")]
        unit: String,
        /// Jabatan (dari daftar jabatan instansi) yang dipegang mulai hari ini.
        #[arg(long)]
        position: Option<String>,
        /// Jadikan administrator instansi.
        #[arg(long)]
        admin: bool,
        /// Jadikan administrator instalasi: membuat dan mengubah instansi beserta strukturnya.
        #[arg(long = "installation-admin")]
        installation_admin: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Impor pegawai dan jabatannya dari CSV SIMPEG/SIASN (NIP, Nama, Gelar, Jabatan, Unit Kerja, E-mail, Nomor HP): cetak pratinjaunya; dengan --apply terapkan dalam satu transaksi.
    Import {
        /// Berkas CSV (dipisah koma atau titik koma).
        file: PathBuf,
        /// Id instansi, misalnya lumajang.
        #[arg(long)]
        agency: String,
        /// Terapkan impor (tanpa ini hanya pratinjau).
        #[arg(long)]
        apply: bool,
        /// Akhiri jabatan pegawai instansi yang tidak ada di berkas (data pegawai tidak dihapus).
        #[arg(long = "end-gone")]
        end_gone: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Buat token API untuk akun (dicetak sekali; hanya hash-nya yang disimpan) — untuk skrip dan sistem lain.
    Token {
        username: String,
        /// Untuk apa token ini.
        #[arg(long, default_value = "dibuat lewat baris perintah")]
        name: String,
        /// Masa berlaku dalam hari (1 sampai 365).
        #[arg(long, default_value_t = store::api_tokens::DEFAULT_DAYS)]
        days: i64,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Subcommand)]
pub enum AgencyCommand {
    /// Daftar instansi: id, zona waktu, jumlah jabatan, nama.
    List {
        #[command(flatten)]
        database: Database,
    },
    /// Profil dan struktur (unit, jabatan) satu instansi sebagai agency.toml.
    Show {
        /// Id instansi, misalnya lumajang.
        id: String,
        #[command(flatten)]
        database: Database,
    },
    /// Tambah instansi dari opsi atau dari berkas agency.toml (beserta unit dan jabatannya).
    Add {
        /// Id instansi: huruf kecil, angka dan tanda hubung, misalnya blitar.
        #[arg(long)]
        id: Option<String>,
        /// Berkas agency.toml; opsi lain menimpa isinya.
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        profile: agency_command::ProfileFlags,
        #[command(flatten)]
        database: Database,
    },
    /// Ubah instansi: opsi yang diberikan saja, atau seluruhnya dari berkas agency.toml.
    Edit {
        /// Id instansi, misalnya lumajang.
        id: String,
        /// Berkas agency.toml (id-nya harus sama); opsi lain menimpa isinya.
        #[arg(long)]
        file: Option<PathBuf>,
        #[command(flatten)]
        profile: agency_command::ProfileFlags,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Isi basis data dengan riwayat permohonan buatan (mis. 1.000.000), lalu ukur kotak tugas, halaman permohonan, pencarian registri, laporan tahunan dan dasbor pimpinan di atasnya.
    Seed {
        /// Jumlah permohonan di basis data sesudah pengisian; yang sudah ada ikut dihitung, jadi pengisian yang terhenti dilanjutkan dengan perintah yang sama.
        #[arg(long, default_value = "100000")]
        cases: usize,
        /// Direktori data (basis data SQLite dan kuncinya).
        #[arg(long = "data-dir", default_value = "bench-data")]
        data_dir: PathBuf,
        /// PostgreSQL sebagai ganti SQLite.
        #[arg(long = "database-url")]
        database_url: Option<String>,
        /// Permintaan per jenis yang diukur.
        #[arg(long, default_value = "200")]
        samples: usize,
        /// Hanya ukur basis data yang sudah diisi.
        #[arg(long)]
        measure_only: bool,
    },
    /// Ukur impor pegawai dari CSV SIMPEG/SIASN (pratinjau lalu impor) ke basis data baru.
    Import {
        /// Jumlah pegawai dalam berkas.
        #[arg(long, default_value = "20000")]
        people: usize,
        /// Instansi tujuan (instansi bawaan).
        #[arg(long, default_value = "lumajang")]
        agency: String,
        /// PostgreSQL (basis data kosong) sebagai ganti SQLite sementara.
        #[arg(long = "database-url")]
        database_url: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum SigningServiceCommand {
    /// Jalankan layanan tanda tangan uji yang mengikuti kontrak layanan BSrE (docs/signing-service.md) dan menandatangani dengan sertifikat swa-tanda per pejabat — bukan tanda tangan tersertifikasi.
    Trial {
        /// Alamat dan port.
        #[arg(long, default_value = "127.0.0.1:8090")]
        addr: String,
        /// Nama pengguna layanan untuk instansi (Basic auth), sama dengan isian layanan tanda tangan elektronik di Administrasi instansi.
        #[arg(long)]
        username: String,
        /// Kata sandi layanan untuk instansi.
        #[arg(long, env = "SOPIR_TRIAL_SIGNING_PASSWORD", hide_env_values = true)]
        password: String,
        /// Pejabat yang dikenal layanan: NIK=passphrase (NIK 16 angka, seperti NIK penanda tangan di Administrasi instansi; passphrase tanpa koma); boleh berulang. Lewat SOPIR_TRIAL_SIGNERS (dipisah koma) passphrase tidak tampak di daftar proses.
        #[arg(
            long = "signer",
            env = "SOPIR_TRIAL_SIGNERS",
            value_delimiter = ',',
            hide_env_values = true,
            required = true
        )]
        signers: Vec<String>,
    },
    /// Tulis sertifikat PKCS#12 swa-tanda untuk uji coba (RSA 2048, berlaku 5 tahun) ke berkas baru; passphrase-nya dibaca dari masukan standar.
    Certificate {
        /// Berkas .p12 yang dibuat (tidak menimpa berkas yang ada).
        output: PathBuf,
        /// Nama pejabat (CN sertifikat).
        #[arg(long)]
        name: String,
        /// Instansi (O sertifikat).
        #[arg(long)]
        organisation: String,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Periksa seluruh rantai log audit, lalu setiap titik periksanya (di luar basis data); keluar dengan kode 1 bila ada event yang diubah, dihapus atau ditukar, atau rantai ditulis ulang atau dipotong. Basis data hanya dibaca: salinan tanpa izin tulis pun dapat diperiksa.
    Verify {
        #[command(flatten)]
        database: Database,
        /// Kunci data (64 karakter heksadesimal) untuk memeriksa tanda tangan titik periksa; tanpa ini dibaca sopir.key di direktori data.
        #[arg(long = "data-key", env = "SOPIR_DATA_KEY", hide_env_values = true)]
        data_key: Option<String>,
        #[command(flatten)]
        checkpoints: CheckpointDir,
        /// Berkas atau direktori titik periksa lain yang ikut diperiksa, misalnya salinan saksi luar; boleh berulang.
        #[arg(long = "checkpoints")]
        more: Vec<PathBuf>,
    },
}

/// Where the server keeps the audit chain's checkpoints.
#[derive(clap::Args)]
pub struct CheckpointDir {
    /// Direktori titik periksa rantai audit (berkas yang hanya ditambah, di luar basis data); bawaan: audit-checkpoints di direktori data.
    #[arg(long = "audit-checkpoint-dir", env = "SOPIR_AUDIT_CHECKPOINT_DIR")]
    dir: Option<PathBuf>,
}

impl CheckpointDir {
    fn or_under(self, data_dir: &std::path::Path) -> PathBuf {
        self.dir.unwrap_or_else(|| data_dir.join(store::checkpoint::DIR_NAME))
    }
}

#[derive(clap::Subcommand)]
pub enum RetentionCommand {
    /// Hapus data pribadi (NIK, nama pengunjung) permohonan yang selesai lebih lama dari masa retensi instansinya; catatan anonimnya tetap. Server menjalankannya sendiri setiap hari.
    Purge {
        #[command(flatten)]
        database: Database,
    },
}

/// Which database a command works on — found as `serve` finds it, so a
/// command given the server's `--data-dir` (or `SOPIR_DATA_DIR`) works on the
/// server's database.
#[derive(clap::Args)]
pub struct Database {
    /// Direktori data (basis data SQLite sopir.db dan kunci data pribadi sopir.key).
    #[arg(long = "data-dir", env = "SOPIR_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Basis data lain: postgres://pengguna:sandi@host/nama atau sqlite://berkas.db (bawaan: sopir.db di direktori data).
    #[arg(long = "database-url", env = "DATABASE_URL")]
    url: Option<String>,
}

impl Database {
    fn url(&self) -> String {
        serve::url_for(&self.data_dir, self.url.as_deref())
    }

    fn live(&self) -> simulate::Live {
        simulate::Live { url: self.url(), key_file: self.data_dir.join("sopir.key") }
    }
}

#[derive(Subcommand)]
pub enum SopCommand {
    /// Daftar SOP bawaan (dan dari --dir): id, nomor, nama, instansi, jumlah langkah.
    List {
        #[command(flatten)]
        source: Source,
    },
    /// Periksa definisi SOP; tanpa PATH memeriksa SOP bawaan. Keluar dengan kode 1 bila ada kesalahan.
    Lint {
        /// Berkas .toml atau direktori berisi definisi SOP.
        paths: Vec<PathBuf>,
    },
    /// Tampilkan identitas dan langkah satu SOP.
    Show {
        /// Id SOP, misalnya lumajang/vpn.
        id: String,
        #[command(flatten)]
        source: Source,
    },
    /// Jalankan satu permohonan dari awal sampai akhir (atau sampai --stop-at) di basis data sementara, dengan pegawai contoh di setiap jabatan, lalu cetak lini waktunya; dengan --in-database di basis data server.
    Simulate {
        /// Id SOP, misalnya lumajang/vpn.
        id: String,
        /// Jawaban langkah keputusan dan pemeriksaan: `ya` atau `tidak` untuk semuanya, per langkah
        /// `5=tidak,9=ya` (langkah lain: ya), atau keduanya: `tidak,9=ya`.
        #[arg(long, default_value = "ya")]
        decide: String,
        /// Waktu mulai (waktu setempat instansi), misalnya 2026-11-23T09:00; tanpa opsi ini: sekarang.
        #[arg(long)]
        start: Option<String>,
        /// Selesaikan langkah bernomor ini 10 menit kerja setelah batas waktunya.
        #[arg(long)]
        late: Option<u32>,
        /// Berhenti saat langkah bernomor ini terbuka, dan biarkan terbuka (mis. untuk latihan: surat yang menunggu tanda tangan).
        #[arg(long)]
        stop_at: Option<u32>,
        /// Jalankan di basis data sungguhan (--data-dir atau --database-url), sekarang, oleh pegawai instansi dan versi SOP yang terbit di sana; permohonannya tetap ada. Tanpa opsi ini: basis data sementara.
        #[arg(long, conflicts_with_all = ["start", "late"])]
        in_database: bool,
        #[command(flatten)]
        source: Source,
        #[command(flatten)]
        database: Database,
    },
    /// Cetak dokumen SOP resmi (halaman identitas dan bagan alir) sebagai HTML, SVG atau PDF.
    Render {
        /// Id SOP, misalnya lumajang/vpn.
        id: String,
        /// html, svg atau pdf (A4 melintang).
        #[arg(long, short, value_enum, default_value = "html")]
        format: Format,
        /// Tulis ke berkas ini; tanpa opsi ini ditulis ke keluaran standar.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        source: Source,
    },
    /// Impor dokumen SOP yang sudah ada (.docx, .odt atau PDF berteks, format PermenPANRB 35/2012) menjadi draf definisi; nilai yang tidak pasti dicetak beserta barisnya.
    Import {
        /// Dokumen SOP: .docx, .odt atau PDF yang berteks (bukan hasil pindai).
        file: PathBuf,
        /// Tulis draf ke berkas ini; tanpa opsi ini ditulis ke keluaran standar.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Id instansi pemilik SOP (mis. lumajang): awal id draf, jabatannya dicocokkan dengan kolom pelaksana.
        #[arg(long)]
        agency: Option<String>,
        #[command(flatten)]
        source: Source,
    },
}

#[derive(clap::Args)]
pub struct Source {
    /// Direktori tambahan berisi definisi SOP (.toml) dan profil instansi (agency.toml).
    #[arg(long, env = "SOPIR_SOP_DIR")]
    dir: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Html,
    Svg,
    Pdf,
}

/// Every way a command can fail, converted to a message once, in `main`.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Load(#[from] sop::LoadError),
    #[error("definisi SOP di --dir tidak dapat dipakai:\n{0}")]
    BadDefinitions(String),
    #[error("SOP \"{0}\" tidak ditemukan; lihat `sopir sop list`")]
    UnknownSop(String),
    #[error("instansi \"{0}\" tidak ditemukan di SOP bawaan atau --dir")]
    UnknownAgency(String),
    #[error("tidak dapat membaca {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}: {source}", .path.display())]
    Import { path: PathBuf, source: sop::import::ImportError },
    #[error("tidak dapat menulis {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    /// The linter found errors; the findings are already printed.
    #[error("{0} kesalahan ditemukan")]
    LintErrors(usize),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("simulasi gagal: {0}")]
    Simulation(String),
    #[error("--decide \"{given}\": {why}")]
    BadDecision { given: String, why: String },
    /// A simulated case that would never end; its timeline so far is printed.
    #[error("{0}")]
    NeverEnds(String),
    #[error("tokio runtime tidak dapat dimulai: {0}")]
    Runtime(String),
    #[error("--stop-at {step}: {why}")]
    BadStop { step: u32, why: String },
    #[error("waktu mulai \"{0}\" tidak dikenali — tulis misalnya 2026-11-23T09:00")]
    BadStart(String),
    #[error("basis data {0} tidak ada")]
    NoDatabase(String),
    #[error("bench: {0}")]
    Bench(String),
    #[error("cadangan: {0}")]
    Backup(String),
    #[error("server: {0}")]
    Serve(String),
    #[error("direktori SOP {} tidak dapat dipakai, server tidak dijalankan; {reason}", .path.display())]
    SopDir { path: PathBuf, reason: String },
    #[error("{0}")]
    BadUser(String),
    /// Each refused field on a line of its own.
    #[error("instansi tidak disimpan:{0}")]
    BadAgency(String),
    /// The chain is broken; the report is already printed.
    #[error("rantai audit putus")]
    AuditBroken,
    #[error("titik periksa audit: {0}")]
    Checkpoints(String),
    #[error("{0}")]
    SigningTrial(String),
}

/// Each password hash takes a 19 MiB buffer. glibc raises its mmap
/// threshold after the first such buffer is freed, and from then on keeps
/// them in per-thread arenas: peak memory grew to ~500 MB under a burst of
/// logins (measured with `sopir bench`, see BENCHMARKS.md). A fixed
/// threshold returns them to the system at once.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_large_allocations_returnable() {
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_MMAP_THRESHOLD: i32 = -3;
    // SAFETY: mallopt only tunes the allocator; called once, before any thread starts.
    unsafe {
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_allocations_returnable() {}

fn main() -> ExitCode {
    keep_large_allocations_returnable();
    // The server's log (what went wrong in the background, for the
    // operator) goes to stderr; `RUST_LOG` narrows or widens it. What a
    // command says to its user is printed, not logged. sqlx's own notes
    // (a statement slower than a second under load) would only interleave
    // with a command's answer: errors only, unless asked.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut cli = Cli::parse();
    if cli.command.is_none() {
        // `cargo run --release` with no arguments starts the server.
        cli = Cli::parse_from(["sopir", "serve"]);
    }
    let result = match cli.command {
        None => unreachable!("serve is the default"),
        Some(Command::Serve {
            addr,
            data_dir,
            database_url,
            no_demo,
            secure_cookies,
            data_key,
            escalation_minutes,
            public_url,
            smtp_url,
            mail_from,
            trusted_proxies,
            checkpoints,
            checkpoint_minutes,
            sop_dir,
            sop_dir_check_seconds,
        }) => {
            let demo = !no_demo;
            let checkpoint_dir = checkpoints.or_under(&data_dir);
            let options = serve::Options {
                addr,
                data_dir,
                database_url,
                demo,
                secure_cookies,
                data_key,
                escalation_minutes,
                public_url,
                smtp_url,
                mail_from,
                trusted_proxies,
                checkpoint_dir,
                checkpoint_minutes,
                sop_dir: sop_dir.filter(|d| !d.as_os_str().is_empty()),
                sop_dir_check_seconds,
            };
            runtime().and_then(|rt| rt.block_on(serve::run(options)))
        }
        Some(Command::User(UserCommand::Add {
            agency,
            username,
            name,
            nip,
            unit,
            position,
            admin,
            installation_admin,
            database,
        })) => {
            let user = user_command::NewUser {
                agency,
                username,
                name,
                nip,
                unit,
                position,
                admin,
                installation_admin,
            };
            runtime().and_then(|rt| rt.block_on(user_command::add(&database.url(), user)))
        }
        Some(Command::User(UserCommand::Import { file, agency, apply, end_gone, database })) => {
            let url = database.url();
            runtime().and_then(|rt| rt.block_on(user_command::import(&url, &file, &agency, apply, end_gone)))
        }
        Some(Command::User(UserCommand::Token { username, name, days, database })) => {
            let url = database.url();
            runtime().and_then(|rt| rt.block_on(user_command::token(&url, &username, &name, days)))
        }
        Some(Command::Agency(command)) => runtime().and_then(|rt| {
            rt.block_on(async {
                match command {
                    AgencyCommand::List { database } => agency_command::list(&database.url()).await,
                    AgencyCommand::Show { id, database } => agency_command::show(&database.url(), &id).await,
                    AgencyCommand::Add { id, file, profile, database } => {
                        agency_command::add(&database.url(), id, file, profile).await
                    }
                    AgencyCommand::Edit { id, file, profile, database } => {
                        agency_command::edit(&database.url(), &id, file, profile).await
                    }
                }
            })
        }),
        Some(Command::Sop(command)) => sop_command::run(command),
        Some(Command::Audit(AuditCommand::Verify { database, data_key, checkpoints, more })) => {
            let url = database.url();
            let key_file = database.data_dir.join("sopir.key");
            let dir = checkpoints.or_under(&database.data_dir);
            audit_command::verify(&url, audit_command::Anchors { data_key, key_file, dir, more })
        }
        Some(Command::Retention(RetentionCommand::Purge { database })) => {
            audit_command::purge(&database.url())
        }
        Some(Command::Bench {
            large: Some(BenchCommand::Seed { cases, data_dir, database_url, samples, measure_only }),
            ..
        }) => {
            let options = large_data::Options { cases, data_dir, database_url, samples, measure_only };
            runtime().and_then(|rt| rt.block_on(large_data::run(options)))
        }
        Some(Command::Bench {
            large: Some(BenchCommand::Import { people, agency, database_url }), ..
        }) => {
            let options = roster_bench::Options { people, agency, database_url };
            runtime().and_then(|rt| rt.block_on(roster_bench::run(options)))
        }
        Some(Command::Bench { large: None, clients, cases, database_url, agencies, servers }) => {
            let options = bench::Options { clients, cases, database_url, agencies, servers };
            runtime().and_then(|rt| rt.block_on(bench::run(options)))
        }
        Some(Command::SigningService(SigningServiceCommand::Trial { addr, username, password, signers })) => {
            runtime().and_then(|rt| rt.block_on(signing_trial::serve(&addr, &username, &password, &signers)))
        }
        Some(Command::SigningService(SigningServiceCommand::Certificate { output, name, organisation })) => {
            signing_trial::certificate(&output, &name, &organisation)
        }
        Some(Command::Backup { path, database }) => {
            let url = database.url();
            runtime().and_then(|rt| rt.block_on(backup::backup(&url, &database.data_dir, &path)))
        }
        Some(Command::Restore { path, database }) => {
            let url = database.url();
            runtime().and_then(|rt| rt.block_on(backup::restore(&url, &database.data_dir, &path)))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sopir: {e}");
            ExitCode::from(1)
        }
    }
}

/// The async runtime for the commands that use the database.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(e.to_string()))
}
