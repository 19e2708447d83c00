//! WireGuard VPN peers: the requester's key pair, the address allocated
//! from the agency's VPN range, the requester's one-time client
//! configuration (as a file and a QR code), and the gateway's peer list in
//! the format `wg syncconf` reads.
//!
//! Everything here is pure: the store keeps the peers (public key, address,
//! registry name) and answers the gateway's token-protected pull, the worker
//! runs the configured apply command; this module only computes what they
//! hand on. The private key is generated here, goes into the client
//! configuration of [`handover`] and nowhere else: Sopir never stores it.
//!
//! How the gateway applies the list: `wg setconf` and `wg syncconf` treat a
//! file without `PrivateKey`/`ListenPort` as setting them to nothing, so the
//! gateway keeps its own `[Interface]` section (with its private key, which
//! Sopir never sees) and applies both together, which also removes revoked
//! and suspended peers without dropping live sessions of the others:
//!
//! ```text
//! wg syncconf wg0 <(cat /etc/wireguard/wg0-interface.conf peers.conf)
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use qrcode::{Color, EcLevel, QrCode};
use rand_core::{OsRng, RngCore};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroize;

use crate::{ConnectorError, Handover, Operation, Settings};

/// A WireGuard key pair, both halves base64 exactly as `wg genkey` and
/// `wg pubkey` print them (44 characters, `=`-padded).
///
/// The private half is wiped from memory when the pair is dropped and never
/// printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPair {
    private: String,
    public: String,
}

impl KeyPair {
    /// A fresh pair from the operating system's CSPRNG, the private key
    /// clamped as `wg genkey` does so that the file looks exactly like one
    /// the requester could have made themselves.
    pub fn generate() -> KeyPair {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        bytes[0] &= 248;
        bytes[31] = (bytes[31] & 127) | 64;
        let pair = KeyPair::from_bytes(bytes);
        bytes.zeroize();
        pair
    }

    /// The pair of an existing private key (base64, as `wg genkey` prints).
    pub fn from_private(private_b64: &str) -> Result<KeyPair, ConnectorError> {
        let mut bytes = decode_key(private_b64).ok_or_else(|| {
            ConnectorError::Refused(
                "kunci privat WireGuard harus 44 karakter base64 (32 bita), seperti keluaran wg genkey"
                    .into(),
            )
        })?;
        let pair = KeyPair::from_bytes(bytes);
        bytes.zeroize();
        Ok(pair)
    }

    fn from_bytes(bytes: [u8; 32]) -> KeyPair {
        let secret = StaticSecret::from(bytes);
        let public = PublicKey::from(&secret);
        KeyPair { private: BASE64.encode(secret.to_bytes()), public: BASE64.encode(public.as_bytes()) }
    }

    /// The public key, base64: what the gateway's peer list holds.
    pub fn public(&self) -> &str {
        &self.public
    }

    /// The private key, base64: only ever written into the requester's
    /// client configuration.
    pub fn private(&self) -> &str {
        &self.private
    }
}

impl Drop for KeyPair {
    fn drop(&mut self) {
        self.private.zeroize();
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair").field("private", &"[disembunyikan]").field("public", &self.public).finish()
    }
}

/// The public key of a private key, both base64 — what `wg pubkey` prints.
pub fn public_key_of(private_b64: &str) -> Result<String, ConnectorError> {
    KeyPair::from_private(private_b64).map(|pair| pair.public.clone())
}

/// A key as `wg` accepts it: 44 base64 characters decoding to 32 bytes
/// (the standard engine refuses non-canonical trailing bits, as `wg` does).
fn decode_key(b64: &str) -> Option<[u8; 32]> {
    if b64.len() != 44 {
        return None;
    }
    let mut decoded = BASE64.decode(b64).ok()?;
    let key = <[u8; 32]>::try_from(decoded.as_slice()).ok();
    decoded.zeroize();
    key
}

/// An address range in CIDR notation, its host bits zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub network: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    fn bits(self) -> u8 {
        match self.network {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        }
    }

    fn base(self) -> u128 {
        match self.network {
            IpAddr::V4(a) => u32::from(a).into(),
            IpAddr::V6(a) => u128::from(a),
        }
    }

    fn host_bits(self) -> u8 {
        self.bits() - self.prefix
    }

    /// The address `offset` hosts into the range (0 is the network).
    fn at(self, offset: u128) -> IpAddr {
        match self.network {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::from((self.base() + offset) as u32)),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::from(self.base() + offset)),
        }
    }

    /// How far `address` is into the range, if it is in it.
    fn offset_of(self, address: IpAddr) -> Option<u128> {
        let value = match (self.network, address) {
            (IpAddr::V4(_), IpAddr::V4(a)) => u128::from(u32::from(a)),
            (IpAddr::V6(_), IpAddr::V6(a)) => u128::from(a),
            _ => return None,
        };
        let offset = value.checked_sub(self.base())?;
        (self.host_bits() == 128 || offset >> self.host_bits() == 0).then_some(offset)
    }

    /// The last offset in the range (the broadcast address for IPv4).
    fn last_offset(self) -> u128 {
        if self.host_bits() == 128 { u128::MAX } else { (1u128 << self.host_bits()) - 1 }
    }

    fn parse(text: &str) -> Result<Cidr, String> {
        let shape = || format!("«{text}» bukan rentang CIDR (alamat/panjang awalan), misalnya 10.8.0.0/24");
        let (address, prefix) = text.split_once('/').ok_or_else(shape)?;
        let network: IpAddr = address.parse().map_err(|_| shape())?;
        let prefix: u8 = prefix.parse().map_err(|_| shape())?;
        let cidr = Cidr { network, prefix };
        if prefix > cidr.bits() {
            return Err(format!("awalan /{prefix} terlalu panjang untuk {address}"));
        }
        let host_mask = if cidr.host_bits() == 128 { u128::MAX } else { (1u128 << cidr.host_bits()) - 1 };
        if cidr.base() & host_mask != 0 {
            let fixed = match network {
                IpAddr::V4(a) => IpAddr::V4(Ipv4Addr::from(u32::from(a) & !(host_mask as u32))),
                IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & !host_mask)),
            };
            return Err(format!("{text} bukan alamat jaringan; maksudnya {fixed}/{prefix}?"));
        }
        Ok(cidr)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// An agency's WireGuard gateway, from its [`Settings`] options.
///
/// `Settings::address` is not used: the gateway pulls its peer list, Sopir
/// never connects to it. `Settings::secret` is the token the gateway pulls
/// with ([`PULL_TOKEN_MIN_CHARS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySettings {
    /// Option `range`: the IPv4 range peers get their address from.
    pub range: Cidr,
    /// Option `range`, after a comma: an IPv6 range; each peer then also
    /// gets the address at the same host number in it, so the IPv6 address
    /// needs no allocation of its own and cannot collide either.
    pub range6: Option<Cidr>,
    /// Option `gateway_address`: the gateway's own IPv4 address in the
    /// range, never allocated (default: the first host).
    pub gateway_address: Ipv4Addr,
    /// Option `endpoint`: `host:port` clients connect to.
    pub endpoint: String,
    /// Option `gateway_public_key`: base64, as `wg pubkey` prints it.
    pub gateway_public_key: String,
    /// Option `allowed_ips`: what clients route through the tunnel
    /// (default: the range or ranges).
    pub allowed_ips: Vec<Cidr>,
    /// Option `dns`: resolvers clients use while connected.
    pub dns: Vec<IpAddr>,
    /// Option `persistent_keepalive`: seconds, so peers behind NAT stay
    /// reachable; `0` or absent is off.
    pub persistent_keepalive: Option<u16>,
}

/// Shortest token the gateway pulls its peer list with (the connector's
/// secret).
pub const PULL_TOKEN_MIN_CHARS: usize = 24;

/// The option keys, as the admin form names its fields.
pub mod option {
    pub const RANGE: &str = "range";
    pub const GATEWAY_ADDRESS: &str = "gateway_address";
    pub const ENDPOINT: &str = "endpoint";
    pub const GATEWAY_PUBLIC_KEY: &str = "gateway_public_key";
    pub const ALLOWED_IPS: &str = "allowed_ips";
    pub const DNS: &str = "dns";
    pub const PERSISTENT_KEEPALIVE: &str = "persistent_keepalive";
    /// The request's field holding an address the administrator already
    /// gave (e.g. `alamat_ip_vpn`): that address is used, exactly, instead
    /// of allocating one.
    pub const ADDRESS_FIELD: &str = "address_field";
}

/// At most this many routes and resolvers, so the client configuration
/// always fits one QR code.
const MAX_LIST: usize = 16;

impl GatewaySettings {
    /// The gateway of an agency's settings; the first problem found as a
    /// [`ConnectorError::Settings`] (the admin form shows them all through
    /// [`check_settings`]).
    pub fn from_settings(settings: &Settings) -> Result<GatewaySettings, ConnectorError> {
        parse_settings(settings).map_err(|problems| {
            let (field, message) = &problems[0];
            ConnectorError::Settings(format!("{field}: {message}"))
        })
    }

    /// The gateway's IPv6 address, when the range has an IPv6 part.
    pub fn gateway_address6(&self) -> Option<Ipv6Addr> {
        let offset = self.range.offset_of(IpAddr::V4(self.gateway_address))?;
        self.address6_at(offset)
    }

    /// A peer's IPv6 address beside its IPv4 `address`: the same host number
    /// in the IPv6 range.
    pub fn address6_of(&self, address: IpAddr) -> Option<Ipv6Addr> {
        self.address6_at(self.range.offset_of(address)?)
    }

    fn address6_at(&self, offset: u128) -> Option<Ipv6Addr> {
        match self.range6?.at(offset) {
            IpAddr::V6(a) => Some(a),
            IpAddr::V4(_) => None,
        }
    }

    /// The IPv4 host number an address of either range stands for.
    fn offset_of(&self, address: IpAddr) -> Option<u128> {
        match address {
            IpAddr::V4(_) => self.range.offset_of(address),
            IpAddr::V6(_) => self.range6?.offset_of(address),
        }
    }

    fn ranges(&self) -> String {
        match self.range6 {
            Some(v6) => format!("{}, {v6}", self.range),
            None => self.range.to_string(),
        }
    }
}

/// The problems of an agency's WireGuard settings, each as (option key,
/// message in Indonesian) for the admin form; `Ok` when it can be saved.
pub fn check_settings(settings: &Settings) -> Result<(), Vec<(String, String)>> {
    parse_settings(settings).map(|_| ())
}

fn parse_settings(settings: &Settings) -> Result<GatewaySettings, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut problem = |field: &str, message: String| problems.push((field.to_string(), message));
    let value = |key: &str| settings.options.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());

    let mut range = None;
    let mut range6 = None;
    match value(option::RANGE) {
        None => problem(option::RANGE, "Rentang alamat VPN wajib diisi, misalnya 10.8.0.0/24.".into()),
        Some(text) => match parse_ranges(text) {
            Ok((v4, v6)) => (range, range6) = (Some(v4), v6),
            Err(message) => problem(option::RANGE, message),
        },
    }

    let gateway_address = match (range, value(option::GATEWAY_ADDRESS)) {
        (Some(range), None) => Some(Ipv4Addr::from(range.base() as u32 + 1)),
        (range, Some(text)) => match text.parse::<Ipv4Addr>() {
            Err(_) => {
                problem(option::GATEWAY_ADDRESS, format!("«{text}» bukan alamat IPv4, misalnya 10.8.0.1."));
                None
            }
            Ok(address) => match range {
                Some(range) => match range.offset_of(IpAddr::V4(address)) {
                    Some(offset) if offset != 0 && offset != range.last_offset() => Some(address),
                    _ => {
                        problem(
                            option::GATEWAY_ADDRESS,
                            format!(
                                "Alamat gateway {address} harus di dalam rentang {range} dan bukan alamat jaringan atau broadcast-nya."
                            ),
                        );
                        None
                    }
                },
                None => None,
            },
        },
        (None, None) => None,
    };

    let endpoint = match value(option::ENDPOINT) {
        None => {
            problem(
                option::ENDPOINT,
                "Alamat sambung gateway wajib diisi sebagai host:port, misalnya vpn.lumajangkab.go.id:51820."
                    .into(),
            );
            None
        }
        Some(text) => match check_endpoint(text) {
            Ok(()) => Some(text.to_string()),
            Err(message) => {
                problem(option::ENDPOINT, message);
                None
            }
        },
    };

    let gateway_public_key = match value(option::GATEWAY_PUBLIC_KEY) {
        None => {
            problem(
                option::GATEWAY_PUBLIC_KEY,
                "Kunci publik gateway wajib diisi (keluaran wg pubkey di gateway).".into(),
            );
            None
        }
        Some(text) if decode_key(text).is_none() => {
            problem(
                option::GATEWAY_PUBLIC_KEY,
                "Kunci publik gateway harus 44 karakter base64 (32 bita), seperti keluaran wg pubkey.".into(),
            );
            None
        }
        Some(text) => Some(text.to_string()),
    };

    let allowed_ips = match value(option::ALLOWED_IPS) {
        None => range.map(|v4| std::iter::once(v4).chain(range6).collect()),
        Some(text) => {
            let items: Vec<&str> = list(text);
            let parsed: Result<Vec<Cidr>, String> = items.iter().map(|item| Cidr::parse(item)).collect();
            match parsed {
                Err(message) => {
                    problem(option::ALLOWED_IPS, format!("{message}."));
                    None
                }
                Ok(cidrs) if cidrs.len() > MAX_LIST => {
                    problem(
                        option::ALLOWED_IPS,
                        format!(
                            "Paling banyak {MAX_LIST} rentang, agar konfigurasi muat dalam satu kode QR."
                        ),
                    );
                    None
                }
                Ok(cidrs) => Some(cidrs),
            }
        }
    };

    let dns = match value(option::DNS) {
        None => Some(Vec::new()),
        Some(text) => {
            let parsed: Result<Vec<IpAddr>, String> = list(text)
                .into_iter()
                .map(|item| {
                    item.parse()
                        .map_err(|_| format!("«{item}» bukan alamat IP server DNS, misalnya 10.8.0.1."))
                })
                .collect();
            match parsed {
                Err(message) => {
                    problem(option::DNS, message);
                    None
                }
                Ok(servers) if servers.len() > MAX_LIST => {
                    problem(option::DNS, format!("Paling banyak {MAX_LIST} server DNS."));
                    None
                }
                Ok(servers) => Some(servers),
            }
        }
    };

    let persistent_keepalive = match value(option::PERSISTENT_KEEPALIVE) {
        None => Some(None),
        Some(text) => match text.parse::<u16>() {
            Ok(0) => Some(None),
            Ok(seconds) => Some(Some(seconds)),
            Err(_) => {
                problem(
                    option::PERSISTENT_KEEPALIVE,
                    format!("«{text}» bukan jumlah detik 0–65535 (0 = mati); yang lazim 25."),
                );
                None
            }
        },
    };

    match (range, gateway_address, endpoint, gateway_public_key, allowed_ips, dns, persistent_keepalive) {
        (
            Some(range),
            Some(gateway_address),
            Some(endpoint),
            Some(gateway_public_key),
            Some(allowed_ips),
            Some(dns),
            Some(persistent_keepalive),
        ) if problems.is_empty() => Ok(GatewaySettings {
            range,
            range6,
            gateway_address,
            endpoint,
            gateway_public_key,
            allowed_ips,
            dns,
            persistent_keepalive,
        }),
        _ => Err(problems),
    }
}

fn list(text: &str) -> Vec<&str> {
    text.split(',').map(str::trim).filter(|item| !item.is_empty()).collect()
}

/// The `range` option: one IPv4 range, optionally one IPv6 range after a
/// comma.
fn parse_ranges(text: &str) -> Result<(Cidr, Option<Cidr>), String> {
    let mut v4 = None;
    let mut v6 = None;
    for item in list(text) {
        let cidr = Cidr::parse(item).map_err(|message| format!("{message}."))?;
        let slot = if cidr.network.is_ipv4() { &mut v4 } else { &mut v6 };
        if slot.replace(cidr).is_some() {
            return Err("Isi satu rentang IPv4 dan, bila perlu, satu rentang IPv6 dipisah koma.".into());
        }
    }
    let v4 = v4.ok_or(
        "Rentang IPv4 wajib ada, misalnya 10.8.0.0/24; rentang IPv6 boleh ditambahkan setelah koma.",
    )?;
    // A /31 or /32 leaves no address for a peer beside the gateway; wider
    // than a /8 is a typing slip for an agency's VPN.
    if !(8..=30).contains(&v4.prefix) {
        return Err(format!("Rentang IPv4 {v4} harus berawalan antara /8 dan /30."));
    }
    if let Some(v6) = v6.filter(|v6| v6.host_bits() < v4.host_bits()) {
        return Err(format!(
            "Rentang IPv6 {v6} lebih kecil dari rentang IPv4 {v4}: tiap peer mendapat nomor host yang sama di keduanya, jadi awalan IPv6 paling panjang /{}.",
            128 - v4.host_bits()
        ));
    }
    Ok((v4, v6))
}

/// `host:port`, the host a DNS name, an IPv4 address or a bracketed IPv6
/// address, as wg's `Endpoint` takes it.
fn check_endpoint(text: &str) -> Result<(), String> {
    let shape = || {
        format!("«{text}» bukan host:port, misalnya vpn.lumajangkab.go.id:51820 atau [2001:db8::1]:51820.")
    };
    let (host, port) = text.rsplit_once(':').ok_or_else(shape)?;
    match port.parse::<u16>() {
        Ok(port) if port > 0 => {}
        _ => return Err(format!("Port «{port}» pada alamat sambung harus 1–65535.")),
    }
    let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        inner.parse::<Ipv6Addr>().is_ok()
    } else {
        host.parse::<Ipv4Addr>().is_ok() || is_hostname(host)
    };
    if host_ok { Ok(()) } else { Err(shape()) }
}

fn is_hostname(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The lowest free IPv4 host address of the gateway's range: never the
/// network or broadcast address, never the gateway's own, never one in
/// `taken` (addresses of the IPv6 range count for the host number they
/// stand for; addresses outside the ranges are ignored).
pub fn allocate(gateway: &GatewaySettings, taken: &[IpAddr]) -> Result<IpAddr, ConnectorError> {
    let range = gateway.range;
    let mut used: BTreeSet<u128> = taken.iter().filter_map(|address| gateway.offset_of(*address)).collect();
    used.extend(gateway.range.offset_of(IpAddr::V4(gateway.gateway_address)));
    // Walking the used numbers in order finds the first gap in O(taken).
    let mut candidate = 1u128;
    for offset in used.range(1..) {
        if *offset != candidate {
            break;
        }
        candidate += 1;
    }
    if candidate >= range.last_offset() {
        return Err(ConnectorError::Refused(format!(
            "rentang alamat VPN {range} penuh: semua {} alamat host sudah dipakai; perluas rentang di pengaturan konektor atau cabut peer yang tidak dipakai",
            range.last_offset() - 1
        )));
    }
    Ok(range.at(candidate))
}

/// The address of a new peer for `approved`: the one the administrator
/// gave in the request's `address_field` when the agency names one and it
/// is filled (it must lie in the range, be a host address other than the
/// gateway's, and be free — the network gets exactly what was approved),
/// else the lowest free one ([`allocate`]).
pub fn address_for(
    gateway: &GatewaySettings,
    settings: &Settings,
    approved: &crate::Approved,
    taken: &[IpAddr],
) -> Result<IpAddr, ConnectorError> {
    let field = settings.options.get(option::ADDRESS_FIELD).map(|f| f.trim()).filter(|f| !f.is_empty());
    let Some(given) = field.and_then(|f| approved.fields.get(f)).map(|v| v.trim()).filter(|v| !v.is_empty())
    else {
        return allocate(gateway, taken);
    };
    let address: IpAddr = given.parse().map_err(|_| {
        ConnectorError::Refused(format!("alamat VPN «{given}» yang disetujui bukan alamat IP"))
    })?;
    let host = gateway.range.offset_of(address).filter(|o| *o != 0 && *o != gateway.range.last_offset());
    if host.is_none() || address == IpAddr::V4(gateway.gateway_address) {
        return Err(ConnectorError::Refused(format!(
            "alamat VPN {address} yang disetujui tidak dapat dipakai: harus alamat host di rentang {} selain alamat gateway {}",
            gateway.range, gateway.gateway_address
        )));
    }
    if taken.contains(&address) {
        return Err(ConnectorError::Refused(format!(
            "alamat VPN {address} yang disetujui sudah dipakai peer lain"
        )));
    }
    Ok(address)
}

/// A peer of the gateway, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// The registry name, written as a comment above the peer.
    pub name: String,
    /// Base64, as `wg pubkey` prints it.
    pub public_key: String,
    /// The IPv4 address [`allocate`] gave it.
    pub address: IpAddr,
    /// Its IPv6 address, when the range has an IPv6 part
    /// ([`GatewaySettings::address6_of`]).
    pub address6: Option<Ipv6Addr>,
}

/// The addresses of a peer as wg writes them: each a single host.
fn host_routes(address: IpAddr, address6: Option<Ipv6Addr>) -> String {
    let mut routes = vec![host_route(address)];
    routes.extend(address6.map(|a| host_route(IpAddr::V6(a))));
    routes.join(", ")
}

fn host_route(address: IpAddr) -> String {
    match address {
        IpAddr::V4(a) => format!("{a}/32"),
        IpAddr::V6(a) => format!("{a}/128"),
    }
}

fn joined<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(", ")
}

/// The requester's wg-quick configuration: their private key and address,
/// and the gateway as their one peer.
pub fn client_config(gateway: &GatewaySettings, keypair: &KeyPair, address: IpAddr) -> String {
    let mut config = String::from("[Interface]\n");
    config.push_str(&format!("PrivateKey = {}\n", keypair.private()));
    config.push_str(&format!("Address = {}\n", host_routes(address, gateway.address6_of(address))));
    if !gateway.dns.is_empty() {
        config.push_str(&format!("DNS = {}\n", joined(&gateway.dns)));
    }
    config.push_str("\n[Peer]\n");
    config.push_str(&format!("PublicKey = {}\n", gateway.gateway_public_key));
    config.push_str(&format!("Endpoint = {}\n", gateway.endpoint));
    config.push_str(&format!("AllowedIPs = {}\n", joined(&gateway.allowed_ips)));
    if let Some(seconds) = gateway.persistent_keepalive {
        config.push_str(&format!("PersistentKeepalive = {seconds}\n"));
    }
    config
}

/// The gateway's peer list: only `[Peer]` sections, each under a `# name`
/// comment, ordered by address so that the same peers always give the same
/// file (the gateway can skip applying an unchanged one). See the module
/// documentation for how the gateway applies it.
///
/// A peer whose public key is not a WireGuard key is left out (and logged):
/// wg would refuse the whole file for it, cutting every other peer off.
pub fn gateway_peers(peers: &[Peer]) -> String {
    let mut sorted: Vec<&Peer> = peers.iter().collect();
    sorted.sort_by(|a, b| (a.address, &a.public_key).cmp(&(b.address, &b.public_key)));
    let mut file = String::from(
        "# Daftar peer WireGuard gateway, dibuat oleh Sopir; perubahan tangan akan tertimpa.\n\
         # Terapkan bersama bagian [Interface] gateway: wg syncconf wg0 <(cat wg0-interface.conf berkas-ini)\n",
    );
    for peer in sorted {
        if decode_key(&peer.public_key).is_none() {
            tracing::warn!(peer = %peer.name, address = %peer.address, "kunci publik peer WireGuard tidak sah; peer dilewati");
            continue;
        }
        file.push_str(&format!(
            "\n[Peer]\n# {}\nPublicKey = {}\nAllowedIPs = {}\n",
            comment_safe(&peer.name),
            peer.public_key,
            host_routes(peer.address, peer.address6)
        ));
    }
    file
}

/// A name on one comment line: a line break in a registry name must not
/// start a configuration line of its own.
fn comment_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A QR code of `text` as an SVG image, for a phone's WireGuard app to scan
/// the client configuration from the handover page. A text too long for any
/// QR code gives an image saying so instead.
pub fn qr_svg(text: &str) -> String {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L));
    let Ok(code) = code else {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 20\" role=\"img\">\
                <text x=\"0\" y=\"15\">Terlalu panjang untuk kode QR</text></svg>"
            .to_string();
    };
    let width = code.width();
    let quiet = 4;
    let side = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % width + quiet, i / width + quiet));
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" \
         role=\"img\" aria-label=\"Kode QR konfigurasi WireGuard\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

/// The name of the configuration file: the tunnel takes it from the file
/// name, and wg-quick and the apps accept only `[a-zA-Z0-9_=+.-]{1,15}`,
/// so a mailbox becomes its local part and anything else a `-`.
fn tunnel_name(name: &str) -> String {
    let local = name.split('@').next().unwrap_or(name);
    let stem: String = local
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_=+.-".contains(c) { c } else { '-' })
        .take(15)
        .collect();
    if stem.is_empty() { "sopir-vpn".into() } else { stem }
}

/// The requester's one-time handover: the client configuration as
/// `<name>.conf`. It is the only way the private key leaves this module.
pub fn handover(gateway: &GatewaySettings, keypair: &KeyPair, address: IpAddr, name: &str) -> Handover {
    Handover {
        filename: format!("{}.conf", tunnel_name(name)),
        content_type: "text/plain".into(),
        body: client_config(gateway, keypair, address).into_bytes(),
    }
}

/// What `operation` would do, for a dry run: in Indonesian, without keys.
pub fn describe(gateway: &GatewaySettings, operation: Operation, name: &str, address: IpAddr) -> String {
    let name = comment_safe(name);
    let addresses = match gateway.address6_of(address) {
        Some(v6) => format!("{address} dan {v6}"),
        None => address.to_string(),
    };
    match operation {
        Operation::Create => format!(
            "peer WireGuard «{name}» dibuat dengan alamat {addresses} dari rentang {}: pasangan kunci dibuat untuk pemohon, konfigurasinya diserahkan sekali lewat tautan lalu kunci privatnya dibuang, dan gateway {} mendapat peer ini di daftarnya",
            gateway.ranges(),
            gateway.endpoint
        ),
        Operation::Suspend => format!(
            "peer WireGuard «{name}» ({addresses}) dikeluarkan dari daftar peer gateway {}; alamatnya tetap dicadangkan",
            gateway.endpoint
        ),
        Operation::Reactivate => format!(
            "peer WireGuard «{name}» ({addresses}) dimasukkan kembali ke daftar peer gateway {} dengan kunci dan alamat yang sama",
            gateway.endpoint
        ),
        Operation::Revoke => format!(
            "peer WireGuard «{name}» dihapus dari daftar peer gateway {} dan alamat {addresses} dilepas",
            gateway.endpoint
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const GATEWAY_KEY: &str = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";

    fn settings(options: &[(&str, &str)]) -> Settings {
        Settings {
            address: String::new(),
            secret: String::new(),
            options: options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
        }
    }

    fn gateway_with(range: &str, extra: &[(&str, &str)]) -> GatewaySettings {
        let mut options = vec![
            ("range", range),
            ("endpoint", "vpn.lumajangkab.go.id:51820"),
            ("gateway_public_key", GATEWAY_KEY),
        ];
        options.extend_from_slice(extra);
        GatewaySettings::from_settings(&settings(&options)).expect("valid settings")
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn allocation_takes_the_lowest_free_host_after_the_gateway() {
        let gateway = gateway_with("10.8.0.0/24", &[]);
        assert_eq!(gateway.gateway_address, Ipv4Addr::new(10, 8, 0, 1));
        assert_eq!(allocate(&gateway, &[]).unwrap(), ip("10.8.0.2"));
        assert_eq!(
            allocate(&gateway, &[ip("10.8.0.2"), ip("10.8.0.3"), ip("10.8.0.5")]).unwrap(),
            ip("10.8.0.4")
        );
        // Out-of-range and unordered entries change nothing.
        assert_eq!(
            allocate(&gateway, &[ip("10.8.0.3"), ip("192.168.1.2"), ip("10.8.0.2")]).unwrap(),
            ip("10.8.0.4")
        );
    }

    #[test]
    fn allocation_skips_a_gateway_placed_elsewhere_in_the_range() {
        let gateway = gateway_with("10.8.0.0/24", &[("gateway_address", "10.8.0.2")]);
        assert_eq!(allocate(&gateway, &[]).unwrap(), ip("10.8.0.1"));
        assert_eq!(allocate(&gateway, &[ip("10.8.0.1")]).unwrap(), ip("10.8.0.3"));
    }

    #[test]
    fn a_full_range_is_refused_never_the_network_or_broadcast_address() {
        // A /30 has hosts .1 and .2 only: .0 is the network, .3 broadcast.
        let gateway = gateway_with("10.8.0.0/30", &[]);
        assert_eq!(allocate(&gateway, &[]).unwrap(), ip("10.8.0.2"));
        let full = allocate(&gateway, &[ip("10.8.0.2")]).unwrap_err();
        assert!(
            matches!(&full, ConnectorError::Refused(m) if m.contains("rentang alamat VPN 10.8.0.0/30 penuh")),
            "{full:?}"
        );
        assert!(!full.retryable());
        // Taken network/broadcast entries do not make room either.
        assert!(allocate(&gateway, &[ip("10.8.0.0"), ip("10.8.0.3"), ip("10.8.0.2")]).is_err());
    }

    #[test]
    fn an_ipv6_range_gives_each_peer_the_same_host_number_there() {
        let gateway = gateway_with("10.8.0.0/24, fd00:8::/64", &[]);
        assert_eq!(gateway.range6.map(|r| r.to_string()), Some("fd00:8::/64".into()));
        assert_eq!(gateway.gateway_address6(), Some("fd00:8::1".parse().unwrap()));
        // An IPv6 address already taken blocks its IPv4 twin.
        assert_eq!(allocate(&gateway, &[ip("fd00:8::2")]).unwrap(), ip("10.8.0.3"));
        assert_eq!(gateway.address6_of(ip("10.8.0.3")), Some("fd00:8::3".parse().unwrap()));
        let keypair = KeyPair::generate();
        let config = client_config(&gateway, &keypair, ip("10.8.0.3"));
        assert!(config.contains("Address = 10.8.0.3/32, fd00:8::3/128\n"), "{config}");
        assert!(config.contains("AllowedIPs = 10.8.0.0/24, fd00:8::/64\n"), "{config}");
        // Without an IPv6 part, IPv4 only.
        let v4 = gateway_with("10.8.0.0/24", &[]);
        assert_eq!(v4.address6_of(ip("10.8.0.3")), None);
        assert!(client_config(&v4, &keypair, ip("10.8.0.3")).contains("Address = 10.8.0.3/32\n"));
    }

    #[test]
    fn settings_problems_name_their_field_in_indonesian() {
        let problems = check_settings(&settings(&[])).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["range", "endpoint", "gateway_public_key"]);
        assert!(problems[0].1.contains("wajib diisi"));

        let bad = |key: &str, value: &str| -> String {
            let mut options = vec![
                ("range", "10.8.0.0/24"),
                ("endpoint", "vpn.lumajangkab.go.id:51820"),
                ("gateway_public_key", GATEWAY_KEY),
            ];
            options.retain(|(k, _)| *k != key);
            options.push((key, value));
            let problems = check_settings(&settings(&options)).unwrap_err();
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].0, key);
            problems[0].1.clone()
        };
        assert!(bad("range", "10.8.0.1/24").contains("maksudnya 10.8.0.0/24"));
        assert!(bad("range", "10.8.0.0").contains("bukan rentang CIDR"));
        assert!(bad("range", "10.8.0.0/31").contains("antara /8 dan /30"));
        assert!(bad("range", "fd00::/64").contains("Rentang IPv4 wajib ada"));
        assert!(bad("range", "10.8.0.0/24, 10.9.0.0/24").contains("satu rentang IPv4"));
        assert!(bad("range", "10.8.0.0/16, fd00::/120").contains("paling panjang /112"));
        assert!(bad("gateway_address", "10.8.0.255").contains("bukan alamat jaringan atau broadcast"));
        assert!(bad("gateway_address", "10.9.0.1").contains("di dalam rentang 10.8.0.0/24"));
        assert!(bad("gateway_address", "gerbang").contains("bukan alamat IPv4"));
        assert!(bad("endpoint", "vpn.lumajangkab.go.id").contains("bukan host:port"));
        assert!(bad("endpoint", "vpn.lumajangkab.go.id:0").contains("1–65535"));
        assert!(bad("endpoint", "2001:db8::1:51820").contains("bukan host:port"));
        assert!(bad("gateway_public_key", "abc").contains("44 karakter base64"));
        assert!(bad("allowed_ips", "0.0.0.0/0, 10.0.0.1/8").contains("maksudnya 10.0.0.0/8"));
        assert!(bad("dns", "10.8.0.1, dns.lokal").contains("«dns.lokal» bukan alamat IP"));
        assert!(bad("persistent_keepalive", "70000").contains("0–65535"));

        let full = GatewaySettings::from_settings(&settings(&[
            ("range", "10.8.0.0/24"),
            ("endpoint", "[2001:db8::1]:51820"),
            ("gateway_public_key", GATEWAY_KEY),
            ("allowed_ips", "0.0.0.0/0, ::/0"),
            ("dns", "10.8.0.1, 1.1.1.1"),
            ("persistent_keepalive", "25"),
        ]))
        .unwrap();
        assert_eq!(joined(&full.allowed_ips), "0.0.0.0/0, ::/0");
        assert_eq!(joined(&full.dns), "10.8.0.1, 1.1.1.1");
        assert_eq!(full.persistent_keepalive, Some(25));
        let off = gateway_with("10.8.0.0/24", &[("persistent_keepalive", "0")]);
        assert_eq!(off.persistent_keepalive, None);

        let err = GatewaySettings::from_settings(&settings(&[("range", "x")])).unwrap_err();
        assert!(matches!(&err, ConnectorError::Settings(m) if m.starts_with("range: ")), "{err:?}");
    }

    #[test]
    fn debug_never_prints_the_private_key() {
        let keypair = KeyPair::generate();
        let shown = format!("{keypair:?}");
        assert!(!shown.contains(keypair.private()), "{shown}");
        assert!(shown.contains("[disembunyikan]") && shown.contains(keypair.public()), "{shown}");
        let gateway = gateway_with("10.8.0.0/24", &[]);
        let handover = handover(&gateway, &keypair, ip("10.8.0.2"), "budi");
        assert!(!format!("{handover:?}").contains(keypair.private()));
        for operation in Operation::ALL {
            assert!(!describe(&gateway, operation, "budi", ip("10.8.0.2")).contains(keypair.private()));
        }
    }

    #[test]
    fn generated_keys_are_clamped_like_wg_genkey() {
        for _ in 0..32 {
            let keypair = KeyPair::generate();
            let bytes = decode_key(keypair.private()).unwrap();
            assert_eq!(bytes[0] & 7, 0);
            assert_eq!(bytes[31] & 0xc0, 0x40);
            assert_eq!(keypair.private().len(), 44);
            assert_eq!(public_key_of(keypair.private()).unwrap(), keypair.public());
        }
        assert!(matches!(public_key_of("bukan kunci"), Err(ConnectorError::Refused(_))));
        // 44 characters but non-canonical trailing bits, refused as wg does.
        assert!(public_key_of("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykx=").is_err());
    }

    #[test]
    fn the_peer_list_is_ordered_and_a_name_cannot_add_a_line() {
        let a = KeyPair::generate();
        let b = KeyPair::generate();
        let peers = [
            Peer {
                name: "siti".into(),
                public_key: b.public().into(),
                address: ip("10.8.0.10"),
                address6: None,
            },
            Peer {
                name: "budi\n[Peer]\nPublicKey = x".into(),
                public_key: a.public().into(),
                address: ip("10.8.0.2"),
                address6: Some("fd00:8::2".parse().unwrap()),
            },
            Peer { name: "rusak".into(), public_key: "xyz".into(), address: ip("10.8.0.3"), address6: None },
        ];
        let file = gateway_peers(&peers);
        let expected_tail = format!(
            "\n[Peer]\n# budi [Peer] PublicKey = x\nPublicKey = {}\nAllowedIPs = 10.8.0.2/32, fd00:8::2/128\n\
             \n[Peer]\n# siti\nPublicKey = {}\nAllowedIPs = 10.8.0.10/32\n",
            a.public(),
            b.public()
        );
        assert!(file.ends_with(&expected_tail), "{file}");
        assert!(!file.contains("rusak"));
        let mut reversed = peers.clone();
        reversed.reverse();
        assert_eq!(gateway_peers(&reversed), file);
        assert!(!file.contains("PrivateKey"));
    }

    #[test]
    fn the_handover_file_is_named_for_wg_quick() {
        let gateway = gateway_with("10.8.0.0/24", &[("dns", "10.8.0.1"), ("persistent_keepalive", "25")]);
        let keypair = KeyPair::generate();
        let handover = handover(&gateway, &keypair, ip("10.8.0.2"), "budi.santoso@lumajangkab.go.id");
        assert_eq!(handover.filename, "budi.santoso.conf");
        assert_eq!(handover.content_type, "text/plain");
        let expected = format!(
            "[Interface]\nPrivateKey = {}\nAddress = 10.8.0.2/32\nDNS = 10.8.0.1\n\n[Peer]\nPublicKey = {GATEWAY_KEY}\n\
             Endpoint = vpn.lumajangkab.go.id:51820\nAllowedIPs = 10.8.0.0/24\nPersistentKeepalive = 25\n",
            keypair.private()
        );
        assert_eq!(String::from_utf8(handover.body).unwrap(), expected);
        assert_eq!(tunnel_name("kepala bidang aptika"), "kepala-bidang-a");
        assert_eq!(tunnel_name("@x"), "sopir-vpn");
    }

    #[test]
    fn the_qr_code_is_an_svg_of_the_whole_code() {
        let gateway =
            gateway_with("10.8.0.0/24, fd00:8::/64", &[("dns", "10.8.0.1"), ("persistent_keepalive", "25")]);
        let config = client_config(&gateway, &KeyPair::generate(), ip("10.8.0.2"));
        let svg = qr_svg(&config);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let code = QrCode::with_error_correction_level(config.as_bytes(), EcLevel::M).unwrap();
        let side = code.width() + 8;
        assert_eq!(doc.root_element().attribute("viewBox"), Some(format!("0 0 {side} {side}").as_str()));
        let path = doc.descendants().find(|n| n.has_tag_name("path")).unwrap().attribute("d").unwrap();
        let dark = code.to_colors().iter().filter(|c| **c == Color::Dark).count();
        assert_eq!(path.matches('M').count(), dark);
        assert!(qr_svg(&"x".repeat(4000)).contains("Terlalu panjang"));
    }

    #[test]
    fn describe_says_what_each_operation_does() {
        let gateway = gateway_with("10.8.0.0/24", &[]);
        let create = describe(&gateway, Operation::Create, "budi", ip("10.8.0.2"));
        assert!(
            create.contains("«budi»") && create.contains("10.8.0.2") && create.contains("10.8.0.0/24"),
            "{create}"
        );
        assert!(describe(&gateway, Operation::Revoke, "budi", ip("10.8.0.2")).contains("dihapus"));
        assert!(describe(&gateway, Operation::Suspend, "budi", ip("10.8.0.2")).contains("dikeluarkan"));
        assert!(
            describe(&gateway, Operation::Reactivate, "budi", ip("10.8.0.2")).contains("dimasukkan kembali")
        );
    }
}
