//! The DNS connector: an approved subdomain's record added to (or deleted
//! from) the agency's zone by an RFC 2136 dynamic update signed with TSIG,
//! then checked by asking the same authoritative server.
//!
//! Creating and reactivating add exactly the approved RR; suspending and
//! revoking delete exactly that RR and never the name's other records.
//! Both are idempotent on the server, so a retried run does no harm.

mod message;
#[cfg(feature = "test-support")]
pub mod test_server;
mod tsig;

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

use crate::{Approved, ConnectorError, Operation, Outcome, Settings};
use message::{Change, Name, RData, Rcode, RecordType, Response};
use tsig::{Algorithm, Key};

/// The option keys of [`Settings::options`] for this connector.
pub mod option {
    pub const ZONE: &str = "zone";
    pub const KEY_NAME: &str = "key_name";
    pub const ALGORITHM: &str = "algorithm";
    pub const TTL: &str = "ttl";
    pub const TIMEOUT_SECONDS: &str = "timeout_seconds";
}

/// The settings' fields as the admin form names them.
pub mod field {
    pub use super::option::*;
    pub use crate::field::{ADDRESS, SECRET};
}

/// The TSIG algorithms the connector signs with, as BIND names them.
pub fn algorithm_keys() -> Vec<&'static str> {
    Algorithm::ALL.into_iter().map(Algorithm::key).collect()
}

const DEFAULT_TTL: u32 = 3600;
const TTL_RANGE: std::ops::RangeInclusive<u32> = 60..=86400;
const DEFAULT_TIMEOUT: u64 = 5;
const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 1..=60;
/// RFC 8945 §6.1 wants a key at least as long as the hash's output;
/// anything under 128 bits is refused outright.
const SECRET_MIN_BYTES: usize = 16;
/// A request longer than this goes over TCP (RFC 1035 §4.2.1: UDP messages
/// without EDNS are at most 512 bytes).
const UDP_MAX: usize = 512;

/// BIND key files use padded standard base64; a pasted secret may lack
/// the padding.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The agency's DNS settings, read and checked.
#[derive(Debug)]
struct Config {
    address: String,
    zone: Name,
    key: Key,
    ttl: u32,
    timeout: Duration,
}

impl Config {
    fn read(settings: &Settings) -> Result<Config, Vec<(String, String)>> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut problem = |field: &str, message: String| problems.push((field.to_string(), message));
        let option = |key: &str| settings.options.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());

        let address = settings.address.trim().to_string();
        if let Err(why) = check_address(&address) {
            problem(field::ADDRESS, why);
        }
        let zone = match option(option::ZONE) {
            None => {
                problem(field::ZONE, "zona wajib diisi (misalnya example.go.id)".into());
                None
            }
            Some(zone) => Name::parse(zone)
                .map_err(|why| {
                    problem(field::ZONE, format!("zona '{zone}' bukan nama domain yang sah: {why}"))
                })
                .ok(),
        };
        let key_name = match option(option::KEY_NAME) {
            None => {
                problem(
                    field::KEY_NAME,
                    "nama kunci TSIG wajib diisi (seperti pada key \"...\" di server)".into(),
                );
                None
            }
            Some(name) => Name::parse(name)
                .map_err(|why| problem(field::KEY_NAME, format!("nama kunci TSIG '{name}' tidak sah: {why}")))
                .ok(),
        };
        let algorithm = match option(option::ALGORITHM) {
            None => Some(Algorithm::HmacSha256),
            Some(text) => {
                let algorithm = Algorithm::parse(text);
                if algorithm.is_none() {
                    let known: Vec<&str> = Algorithm::ALL.iter().map(|a| a.key()).collect();
                    problem(
                        field::ALGORITHM,
                        format!("algoritma '{text}' tidak dikenal (pilih salah satu: {})", known.join(", ")),
                    );
                }
                algorithm
            }
        };
        // The secret's own text never goes into a message.
        let secret = settings.secret.trim();
        let secret = if secret.is_empty() {
            problem(
                field::SECRET,
                "rahasia kunci TSIG wajib diisi (base64, seperti pada secret \"...\" di server)".into(),
            );
            None
        } else {
            match BASE64.decode(secret) {
                Err(_) => {
                    problem(field::SECRET, "rahasia kunci TSIG bukan base64 yang sah".into());
                    None
                }
                Ok(bytes) if bytes.len() < SECRET_MIN_BYTES => {
                    problem(
                        field::SECRET,
                        format!(
                            "rahasia kunci TSIG terlalu pendek ({} byte, minimal {SECRET_MIN_BYTES}); buat dengan tsig-keygen",
                            bytes.len()
                        ),
                    );
                    None
                }
                Ok(bytes) => Some(bytes),
            }
        };
        let ttl = match option(option::TTL) {
            None => Some(DEFAULT_TTL),
            Some(text) => match text.parse::<u32>() {
                Ok(ttl) if TTL_RANGE.contains(&ttl) => Some(ttl),
                _ => {
                    problem(
                        field::TTL,
                        format!(
                            "TTL '{text}' harus bilangan detik dari {} sampai {}",
                            TTL_RANGE.start(),
                            TTL_RANGE.end()
                        ),
                    );
                    None
                }
            },
        };
        let timeout = match option(option::TIMEOUT_SECONDS) {
            None => Some(DEFAULT_TIMEOUT),
            Some(text) => match text.parse::<u64>() {
                Ok(seconds) if TIMEOUT_RANGE.contains(&seconds) => Some(seconds),
                _ => {
                    problem(
                        field::TIMEOUT_SECONDS,
                        format!(
                            "batas waktu '{text}' harus bilangan detik dari {} sampai {}",
                            TIMEOUT_RANGE.start(),
                            TIMEOUT_RANGE.end()
                        ),
                    );
                    None
                }
            },
        };
        match (zone, key_name, algorithm, secret, ttl, timeout) {
            (Some(zone), Some(name), Some(algorithm), Some(secret), Some(ttl), Some(timeout))
                if problems.is_empty() =>
            {
                Ok(Config {
                    address,
                    zone,
                    key: Key { name, algorithm, secret },
                    ttl,
                    timeout: Duration::from_secs(timeout),
                })
            }
            _ => Err(problems),
        }
    }

    fn read_for_run(settings: &Settings) -> Result<Config, ConnectorError> {
        Config::read(settings).map_err(|problems| {
            ConnectorError::Settings(
                problems
                    .into_iter()
                    .map(|(field, message)| format!("{field}: {message}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
    }
}

/// `host:port` or `[v6]:port`, without resolving the host.
fn check_address(address: &str) -> Result<(), String> {
    if address.is_empty() {
        return Err("alamat server wajib diisi sebagai host:port (misalnya 10.0.0.53:53)".into());
    }
    if let Ok(socket) = address.parse::<SocketAddr>() {
        return if socket.port() == 0 {
            Err(format!("port pada alamat '{address}' bukan bilangan 1 sampai 65535"))
        } else {
            Ok(())
        };
    }
    let Some((host, port)) = address.rsplit_once(':') else {
        return Err(format!("alamat '{address}' harus berbentuk host:port (misalnya 10.0.0.53:53)"));
    };
    if !matches!(port.parse::<u16>(), Ok(p) if p > 0) {
        return Err(format!("port '{port}' pada alamat '{address}' bukan bilangan 1 sampai 65535"));
    }
    if host.contains(':') || Name::parse(host).is_err() {
        return Err(format!("host '{host}' pada alamat '{address}' bukan alamat IP atau nama host yang sah"));
    }
    Ok(())
}

/// The one RR an approved entry stands for, checked against the zone.
#[derive(Debug)]
struct Target {
    owner: Name,
    rdata: RData,
}

impl Target {
    /// Refuses (never sends) a name outside the zone, or a record missing,
    /// of an unsupported type or with a value that does not fit it.
    fn read(config: &Config, approved: &Approved) -> Result<Target, ConnectorError> {
        let owner = Name::parse(&approved.name).map_err(|why| {
            ConnectorError::Refused(format!("nama '{}' bukan nama domain yang sah: {why}", approved.name))
        })?;
        if !owner.is_below(&config.zone) {
            return Err(ConnectorError::Refused(format!(
                "nama {} tidak berada di bawah zona {} yang dikelola konektor ini; tidak ada yang dikirim",
                owner.as_str(),
                config.zone.as_str()
            )));
        }
        let record = approved.record.as_ref().ok_or_else(|| {
            ConnectorError::Refused(format!(
                "entri {} tidak membawa rekaman DNS yang disetujui",
                owner.as_str()
            ))
        })?;
        let rtype = RecordType::parse(&record.rtype).ok_or_else(|| {
            let known: Vec<&str> = RecordType::ALL.iter().map(|t| t.key()).collect();
            ConnectorError::Refused(format!(
                "jenis rekaman '{}' tidak didukung (hanya {})",
                record.rtype,
                known.join(", ")
            ))
        })?;
        let rdata = RData::parse(rtype, &record.value).map_err(ConnectorError::Refused)?;
        Ok(Target { owner, rdata })
    }

    /// "A layanan.example.go.id → 10.1.2.3"
    fn label(&self) -> String {
        format!("{} {} → {}", self.rdata.rtype().key(), self.owner.as_str(), self.rdata)
    }
}

fn change_for(operation: Operation, config: &Config) -> Change {
    match operation {
        Operation::Create | Operation::Reactivate => Change::Add { ttl: config.ttl },
        Operation::Suspend | Operation::Revoke => Change::Delete,
    }
}

/// The update line as in `nsupdate`.
fn update_line(target: &Target, change: Change) -> String {
    let rtype = target.rdata.rtype().key();
    match change {
        Change::Add { ttl } => format!("tambah {} {ttl} IN {rtype} {}", target.owner, target.rdata),
        Change::Delete => format!("hapus {} IN {rtype} {}", target.owner, target.rdata),
    }
}

/// The settings form's check: each wrong field with why, in Indonesian.
pub fn check_settings(settings: &Settings) -> Result<(), Vec<(String, String)>> {
    Config::read(settings).map(|_| ())
}

/// For a dry run: what would be sent where, signed with which key — never
/// the secret.
pub fn describe(
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
) -> Result<String, ConnectorError> {
    let config = Config::read_for_run(settings)?;
    let target = Target::read(&config, approved)?;
    let change = change_for(operation, &config);
    let check = match change {
        Change::Add { .. } => "harus dijawab",
        Change::Delete => "tidak boleh dijawab lagi",
    };
    Ok(format!(
        "pembaruan DNS (RFC 2136) ke {} untuk zona {}, ditandatangani kunci TSIG {} ({}): {}; lalu kueri {} {} ke server yang sama: nilai itu {check}",
        config.address,
        config.zone,
        config.key.name,
        config.key.algorithm.key(),
        update_line(&target, change),
        target.rdata.rtype().key(),
        target.owner,
    ))
}

/// Runs the operation: the signed update, then the check query.
pub async fn run(
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
) -> Result<Outcome, ConnectorError> {
    let config = Config::read_for_run(settings)?;
    let target = Target::read(&config, approved)?;
    let change = change_for(operation, &config);
    let server = resolve(&config).await?;

    let id = random_id();
    let mut request = message::update(id, &config.zone, &target.owner, &target.rdata, change);
    let request_mac = tsig::sign(&mut request, &config.key, unix_now());
    tracing::debug!(entry = %approved.entry, server = %server, update = %update_line(&target, change), "DNS update");
    let raw = exchange(server, &request, id, config.timeout).await?;
    let response = message::parse(&raw).map_err(ConnectorError::Refused)?;
    judge_update(&response)?;
    let tsig = response.tsig.as_ref().ok_or_else(|| {
        ConnectorError::Refused(
            "jawaban server atas pembaruan tidak bertanda tangan TSIG; hasilnya tidak dapat dipercaya".into(),
        )
    })?;
    tsig::verify(&raw, tsig, &config.key, &request_mac, unix_now())
        .map_err(|why| ConnectorError::Refused(format!("jawaban atas pembaruan: {why}")))?;

    let served = check(server, &config, &target).await?;
    let shown: Vec<String> = served.values.iter().map(ToString::to_string).collect();
    let answered = served.values.contains(&target.rdata);
    let rtype = target.rdata.rtype().key();
    let answer = format!(
        "pembaruan: {}; kueri {rtype} {}: {}",
        response.rcode.name(),
        target.owner,
        if shown.is_empty() { "tanpa jawaban".to_string() } else { shown.join(", ") }
    );
    let summary = match change {
        Change::Add { .. } if answered => {
            format!("rekaman {} ditambahkan di {} dan dijawab server", target.label(), config.address)
        }
        Change::Add { .. } => {
            // Trying again cannot help while the name is an alias.
            if let Some(alias) = served.alias {
                return Err(ConnectorError::Refused(format!(
                    "{} sudah berupa CNAME ke {alias}; server mengabaikan rekaman {rtype} di sampingnya",
                    target.owner
                )));
            }
            let hint = if target.rdata.rtype() == RecordType::Cname {
                "; nama itu mungkin sudah punya rekaman lain, dan server mengabaikan CNAME di sampingnya"
            } else {
                ""
            };
            return Err(ConnectorError::Unverified(format!(
                "server menerima pembaruan tetapi kueri {rtype} {} tidak menjawab {} ({answer}){hint}",
                target.owner, target.rdata
            )));
        }
        Change::Delete if !answered => {
            format!(
                "rekaman {} dihapus di {} dan tidak dijawab lagi oleh server",
                target.label(),
                config.address
            )
        }
        Change::Delete => {
            return Err(ConnectorError::Unverified(format!(
                "server menerima penghapusan tetapi kueri {rtype} {} masih menjawab {} ({answer})",
                target.owner, target.rdata
            )));
        }
    };
    tracing::info!(entry = %approved.entry, operation = operation.key(), server = %server, "{summary}");
    Ok(Outcome { summary, answer: Some(answer), handover: None })
}

/// The update's RCODE (with TSIG's own error, if any) as the connector's
/// error: SERVFAIL may pass, the rest needs someone to act.
fn judge_update(response: &Response) -> Result<(), ConnectorError> {
    let tsig_error = response.tsig.as_ref().map(|t| t.error).filter(|e| *e != Rcode::NOERROR);
    if response.rcode == Rcode::NOERROR && tsig_error.is_none() {
        return Ok(());
    }
    let codes = match tsig_error {
        Some(error) => format!("{}/{}", response.rcode.name(), error.name()),
        None => response.rcode.name(),
    };
    let why = match tsig_error.unwrap_or(response.rcode).0 {
        1 => "server tidak memahami permintaan",
        2 => {
            return Err(ConnectorError::Unreachable(format!(
                "server gagal memproses pembaruan ({codes}); misalnya zona belum dimuat"
            )));
        }
        4 => "server tidak mendukung pembaruan dinamis",
        5 => {
            "pembaruan zona tidak diizinkan untuk kunci ini (periksa allow-update / update-policy di server)"
        }
        6..=8 => "prasyarat pembaruan tidak terpenuhi",
        9 => "server bukan server otoritatif zona ini atau kunci TSIG tidak diterima",
        10 => "nama berada di luar zona menurut server",
        16 => "tanda tangan TSIG tidak cocok: rahasia kunci berbeda dengan yang dipasang di server",
        17 => "kunci TSIG tidak dikenal server (periksa nama kunci dan algoritmanya)",
        18 => "jam Sopir dan jam server berbeda lebih dari 5 menit",
        _ => "server menolak pembaruan",
    };
    Err(ConnectorError::Refused(format!("pembaruan ({codes}): {why}")))
}

/// What the server itself answers for the target's name and type.
struct Served {
    values: Vec<RData>,
    /// A CNAME at the name, when another type was asked: the reason a
    /// server ignores an added A, AAAA or TXT (RFC 2136 §3.4.2.2).
    alias: Option<RData>,
}

async fn check(server: SocketAddr, config: &Config, target: &Target) -> Result<Served, ConnectorError> {
    let rtype = target.rdata.rtype();
    let id = random_id();
    let raw = exchange(server, &message::query(id, &target.owner, rtype), id, config.timeout).await?;
    let response = message::parse(&raw).map_err(ConnectorError::Unverified)?;
    if response.rcode != Rcode::NOERROR && response.rcode != Rcode::NXDOMAIN {
        return Err(ConnectorError::Unverified(format!(
            "kueri pemeriksaan {} {} dijawab {}",
            rtype.key(),
            target.owner,
            response.rcode.name()
        )));
    }
    if !response.authoritative {
        return Err(ConnectorError::Unverified(format!(
            "server {} tidak menjawab secara otoritatif untuk {}",
            config.address, target.owner
        )));
    }
    let mut served = Served { values: Vec::new(), alias: None };
    for answer in response.answers.into_iter().filter(|a| a.owner == target.owner.as_str()) {
        match answer.rdata {
            Some(rdata) if answer.rtype == rtype.code() => served.values.push(rdata),
            Some(rdata @ RData::Cname(_)) => served.alias = Some(rdata),
            _ => {}
        }
    }
    Ok(served)
}

async fn resolve(config: &Config) -> Result<SocketAddr, ConnectorError> {
    let mut addresses = tokio::net::lookup_host(&config.address).await.map_err(|e| {
        ConnectorError::Unreachable(format!("alamat server {} tidak dapat diresolusi: {e}", config.address))
    })?;
    addresses.next().ok_or_else(|| {
        ConnectorError::Unreachable(format!("alamat server {} tidak dapat diresolusi", config.address))
    })
}

/// Sends a request and waits for its answer: UDP first, TCP when the
/// request is long or the answer came truncated.
async fn exchange(
    server: SocketAddr,
    request: &[u8],
    id: u16,
    timeout: Duration,
) -> Result<Vec<u8>, ConnectorError> {
    let unreachable = |e: io::Error| {
        let why = match e.kind() {
            io::ErrorKind::ConnectionRefused => {
                "koneksi ditolak, tidak ada server DNS di port itu".to_string()
            }
            io::ErrorKind::TimedOut => format!("tidak menjawab dalam {} detik", timeout.as_secs()),
            _ => e.to_string(),
        };
        ConnectorError::Unreachable(format!("{server}: {why}"))
    };
    let attempt = async {
        if request.len() <= UDP_MAX {
            let answer = exchange_udp(server, request, id).await?;
            if !matches!(message::peek_header(&answer), Some((_, _, true))) {
                return Ok(answer);
            }
        }
        exchange_tcp(server, request, id).await
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(result) => result.map_err(unreachable),
        Err(_) => Err(unreachable(io::ErrorKind::TimedOut.into())),
    }
}

async fn exchange_udp(server: SocketAddr, request: &[u8], id: u16) -> io::Result<Vec<u8>> {
    let local: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0u16; 8], 0).into() };
    let socket = UdpSocket::bind(local).await?;
    socket.connect(server).await?;
    socket.send(request).await?;
    let mut buffer = vec![0u8; 65535];
    loop {
        let len = socket.recv(&mut buffer).await?;
        // A stray or stale datagram is skipped, not taken for the answer.
        if matches!(message::peek_header(&buffer[..len]), Some((answer_id, true, _)) if answer_id == id) {
            return Ok(buffer[..len].to_vec());
        }
    }
}

async fn exchange_tcp(server: SocketAddr, request: &[u8], id: u16) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(server).await?;
    let mut framed = (request.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(request);
    stream.write_all(&framed).await?;
    loop {
        let len = stream.read_u16().await? as usize;
        let mut answer = vec![0u8; len];
        stream.read_exact(&mut answer).await?;
        if matches!(message::peek_header(&answer), Some((answer_id, true, _)) if answer_id == id) {
            return Ok(answer);
        }
    }
}

fn random_id() -> u16 {
    let mut bytes = [0u8; 2];
    // The id only makes a forged answer harder to match; should the
    // system's generator fail, the clock's nanoseconds still vary.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        bytes = (nanos as u16).to_be_bytes();
    }
    u16::from_be_bytes(bytes)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::Record;

    const SECRET: &str = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=";

    fn settings() -> Settings {
        Settings {
            address: "127.0.0.1:5353".into(),
            secret: SECRET.into(),
            options: BTreeMap::from([
                ("zone".to_string(), "example.go.id".to_string()),
                ("key_name".to_string(), "sopir-key".to_string()),
            ]),
        }
    }

    fn approved(name: &str, rtype: &str, value: &str) -> Approved {
        Approved {
            entry: "e1".into(),
            case_number: "SUB-2026-000001".into(),
            kind: "subdomain".into(),
            name: name.into(),
            record: Some(Record { rtype: rtype.into(), value: value.into() }),
            person: "Budi".into(),
            unit: "Dinas".into(),
            fields: BTreeMap::new(),
        }
    }

    fn fields(settings: &Settings) -> Vec<String> {
        check_settings(settings).unwrap_err().into_iter().map(|(field, _)| field).collect()
    }

    #[test]
    fn defaults_fill_algorithm_ttl_and_timeout() {
        let config = Config::read(&settings()).unwrap();
        assert_eq!(config.key.algorithm, Algorithm::HmacSha256);
        assert_eq!(config.ttl, 3600);
        assert_eq!(config.timeout, Duration::from_secs(5));
        assert_eq!(config.zone.as_str(), "example.go.id");
    }

    #[test]
    fn each_bad_field_is_named() {
        let with = |key: &str, value: &str| {
            let mut s = settings();
            s.options.insert(key.into(), value.into());
            s
        };
        assert_eq!(fields(&with("zone", "exa mple")), ["zone"]);
        assert_eq!(fields(&with("zone", "")), ["zone"]);
        assert_eq!(fields(&with("key_name", " ")), ["key_name"]);
        assert_eq!(fields(&with("algorithm", "hmac-md5")), ["algorithm"]);
        assert_eq!(fields(&with("ttl", "59")), ["ttl"]);
        assert_eq!(fields(&with("ttl", "86401")), ["ttl"]);
        assert_eq!(fields(&with("ttl", "satu jam")), ["ttl"]);
        assert_eq!(fields(&with("timeout_seconds", "0")), ["timeout_seconds"]);
        for address in ["", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", "ns 1:53", "::1:53"] {
            assert_eq!(fields(&Settings { address: address.into(), ..settings() }), ["address"], "{address}");
        }
        for address in ["ns1.example.go.id:53", "[::1]:5353", "10.0.0.53:53"] {
            assert!(check_settings(&Settings { address: address.into(), ..settings() }).is_ok(), "{address}");
        }
        assert_eq!(fields(&Settings { secret: "".into(), ..settings() }), ["secret"]);
        assert_eq!(fields(&Settings { secret: "not*base64".into(), ..settings() }), ["secret"]);
        assert_eq!(fields(&Settings { secret: "c2hvcnQ=".into(), ..settings() }), ["secret"]);
        assert!(
            check_settings(&Settings { secret: SECRET.trim_end_matches('=').into(), ..settings() }).is_ok()
        );
        let all = Settings { address: "x".into(), secret: "".into(), options: BTreeMap::new() };
        assert_eq!(fields(&all), ["address", "zone", "key_name", "secret"]);
    }

    #[test]
    fn messages_never_carry_the_secret() {
        let bad = Settings { secret: format!("{SECRET}*"), ..settings() };
        let (_, message) = &check_settings(&bad).unwrap_err()[0];
        assert!(!message.contains(SECRET), "{message}");
        assert!(!format!("{:?}", Config::read(&settings()).unwrap()).contains(SECRET));
    }

    #[test]
    fn describe_shows_the_update_and_not_the_secret() {
        let text =
            describe(&settings(), Operation::Create, &approved("layanan.example.go.id", "A", "10.1.2.3"))
                .unwrap();
        assert!(text.contains("tambah layanan.example.go.id. 3600 IN A 10.1.2.3"), "{text}");
        assert!(
            text.contains("zona example.go.id.")
                && text.contains("sopir-key")
                && text.contains("hmac-sha256")
        );
        assert!(!text.contains(SECRET));
        let text = describe(
            &settings(),
            Operation::Revoke,
            &approved("_dmarc.example.go.id.", "txt", "v=DMARC1; p=none"),
        )
        .unwrap();
        assert!(text.contains("hapus _dmarc.example.go.id. IN TXT \"v=DMARC1; p=none\""), "{text}");
    }

    #[test]
    fn an_entry_outside_the_zone_or_without_a_usable_record_is_refused() {
        let refused = |a: Approved| match describe(&settings(), Operation::Create, &a) {
            Err(ConnectorError::Refused(message)) => message,
            other => panic!("{other:?}"),
        };
        assert!(
            refused(approved("layanan.example.com", "A", "10.1.2.3")).contains("tidak berada di bawah zona")
        );
        assert!(refused(approved("example.go.id", "A", "10.1.2.3")).contains("tidak berada di bawah zona"));
        assert!(refused(approved("layanan.example.go.id", "MX", "10 mail")).contains("tidak didukung"));
        assert!(refused(approved("layanan.example.go.id", "A", "2001:db8::1")).contains("IPv4"));
        assert!(
            refused(Approved { record: None, ..approved("layanan.example.go.id", "A", "") })
                .contains("tidak membawa")
        );
    }

    #[test]
    fn bad_settings_stop_a_run_before_anything_is_sent() {
        let bad = Settings { secret: "".into(), ..settings() };
        let result = describe(&bad, Operation::Create, &approved("layanan.example.go.id", "A", "10.1.2.3"));
        assert!(matches!(result, Err(ConnectorError::Settings(m)) if m.starts_with("secret: ")));
    }
}
