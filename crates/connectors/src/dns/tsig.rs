//! TSIG (RFC 8945): signing an update with the agency's shared key and
//! checking that the answer was signed by the server holding the same key.

use std::fmt;

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};

use super::message::{self, CLASS_ANY, Name, Rcode, TYPE_TSIG, TsigRecord};

/// How far apart Sopir's and the server's clocks may be (RFC 8945 §10
/// recommends 300 seconds).
pub const FUDGE: u16 = 300;

/// The HMAC algorithms offered; hmac-sha256 is what `tsig-keygen` makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    HmacSha256,
    HmacSha512,
}

impl Algorithm {
    pub const ALL: [Algorithm; 2] = [Algorithm::HmacSha256, Algorithm::HmacSha512];

    /// As in a BIND key file, and the algorithm's name on the wire.
    pub const fn key(self) -> &'static str {
        match self {
            Algorithm::HmacSha256 => "hmac-sha256",
            Algorithm::HmacSha512 => "hmac-sha512",
        }
    }

    pub fn parse(key: &str) -> Option<Algorithm> {
        let key = key.trim();
        let key = key.strip_suffix('.').unwrap_or(key);
        Algorithm::ALL.into_iter().find(|a| a.key().eq_ignore_ascii_case(key))
    }

    fn mac(self, secret: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Algorithm::HmacSha256 => keyed::<Hmac<Sha256>>(secret, parts).finalize().into_bytes().to_vec(),
            Algorithm::HmacSha512 => keyed::<Hmac<Sha512>>(secret, parts).finalize().into_bytes().to_vec(),
        }
    }

    /// Compared in constant time: the MAC is what a forger would guess.
    fn check(self, secret: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
        match self {
            Algorithm::HmacSha256 => keyed::<Hmac<Sha256>>(secret, parts).verify_slice(tag).is_ok(),
            Algorithm::HmacSha512 => keyed::<Hmac<Sha512>>(secret, parts).verify_slice(tag).is_ok(),
        }
    }
}

fn keyed<M: Mac + KeyInit>(secret: &[u8], parts: &[&[u8]]) -> M {
    let mut mac = <M as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac
}

/// The agency's TSIG key. Its secret is never shown (Debug hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct Key {
    pub name: Name,
    pub algorithm: Algorithm,
    pub secret: Vec<u8>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("name", &self.name)
            .field("algorithm", &self.algorithm)
            .field("secret", &"[disembunyikan]")
            .finish()
    }
}

/// The TSIG variables of RFC 8945 §4.3.3 that follow the message in the
/// digest.
fn variables(key: &Key, time_signed: u64, fudge: u16, error: Rcode, other: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    key.name.write(&mut out);
    out.extend_from_slice(&CLASS_ANY.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    algorithm_name(key.algorithm).write(&mut out);
    out.extend_from_slice(&time_signed.to_be_bytes()[2..]);
    out.extend_from_slice(&fudge.to_be_bytes());
    out.extend_from_slice(&error.0.to_be_bytes());
    out.extend_from_slice(&(other.len() as u16).to_be_bytes());
    out.extend_from_slice(other);
    out
}

fn algorithm_name(algorithm: Algorithm) -> Name {
    Name::parse(algorithm.key()).expect("the algorithm names are valid domain names")
}

/// Appends the TSIG record to a request and answers its MAC, which the
/// response's signature covers.
pub fn sign(message: &mut Vec<u8>, key: &Key, time_signed: u64) -> Vec<u8> {
    let id = u16::from_be_bytes([message[0], message[1]]);
    let mac =
        key.algorithm.mac(&key.secret, &[message, &variables(key, time_signed, FUDGE, Rcode::NOERROR, &[])]);
    key.name.write(message);
    message.extend_from_slice(&TYPE_TSIG.to_be_bytes());
    message.extend_from_slice(&CLASS_ANY.to_be_bytes());
    message.extend_from_slice(&0u32.to_be_bytes());
    let mut rdata = Vec::with_capacity(64);
    algorithm_name(key.algorithm).write(&mut rdata);
    rdata.extend_from_slice(&time_signed.to_be_bytes()[2..]);
    rdata.extend_from_slice(&FUDGE.to_be_bytes());
    rdata.extend_from_slice(&(mac.len() as u16).to_be_bytes());
    rdata.extend_from_slice(&mac);
    rdata.extend_from_slice(&id.to_be_bytes());
    rdata.extend_from_slice(&0u16.to_be_bytes());
    rdata.extend_from_slice(&0u16.to_be_bytes());
    message.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    message.extend_from_slice(&rdata);
    message::count_additional(message, 1);
    mac
}

/// Checks a response's signature (RFC 8945 §5.3): the request's MAC, the
/// response without its TSIG record and with its original id, then the
/// variables. The error (Indonesian) says what did not hold.
pub fn verify(
    response: &[u8],
    tsig: &TsigRecord,
    key: &Key,
    request_mac: &[u8],
    now: u64,
) -> Result<(), String> {
    if !tsig.key_name.eq_ignore_ascii_case(key.name.as_str()) {
        return Err(format!("jawaban ditandatangani dengan kunci lain ('{}')", tsig.key_name));
    }
    if Algorithm::parse(&tsig.algorithm) != Some(key.algorithm) {
        return Err(format!("jawaban ditandatangani dengan algoritma lain ('{}')", tsig.algorithm));
    }
    if tsig.mac.is_empty() {
        return Err("jawaban server tidak bertanda tangan".into());
    }
    let mut unsigned = response[..tsig.offset].to_vec();
    unsigned[..2].copy_from_slice(&tsig.original_id.to_be_bytes());
    message::count_additional(&mut unsigned, -1);
    let mut prefix = (request_mac.len() as u16).to_be_bytes().to_vec();
    prefix.extend_from_slice(request_mac);
    let parts: [&[u8]; 3] =
        [&prefix, &unsigned, &variables(key, tsig.time_signed, tsig.fudge, tsig.error, &tsig.other)];
    if !key.algorithm.check(&key.secret, &parts, &tsig.mac) {
        return Err("tanda tangan TSIG jawaban server tidak sah".into());
    }
    if now.abs_diff(tsig.time_signed) > u64::from(tsig.fudge) {
        return Err(format!(
            "waktu tanda tangan jawaban server berbeda {} detik dari jam Sopir",
            now.abs_diff(tsig.time_signed)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key { name: Name::parse("sopir-key").unwrap(), algorithm: Algorithm::HmacSha256, secret: vec![7; 32] }
    }

    #[test]
    fn algorithms_parse_as_in_bind_key_files() {
        assert_eq!(Algorithm::parse("hmac-sha256"), Some(Algorithm::HmacSha256));
        assert_eq!(Algorithm::parse("HMAC-SHA512."), Some(Algorithm::HmacSha512));
        assert_eq!(Algorithm::parse("hmac-md5"), None);
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let shown = format!("{:?}", key());
        assert!(shown.contains("sopir-key") && shown.contains("disembunyikan"));
        assert!(!shown.contains("[7, 7"));
    }

    #[test]
    fn a_signed_request_carries_a_tsig_record_that_verifies_as_a_response_would() {
        let zone = Name::parse("example.go.id").unwrap();
        let mut request = message::query(0x4242, &zone, message::RecordType::A);
        let unsigned_len = request.len();
        let mac = sign(&mut request, &key(), 1_700_000_000);
        assert_eq!(mac.len(), 32);
        assert_eq!(&request[10..12], &[0, 1]);
        // Play the server: sign a "response" with the request MAC prefixed.
        let mut response = request[..unsigned_len].to_vec();
        message::count_additional(&mut response, -1);
        response[2] |= 0x80;
        let tsig_variables = variables(&key(), 1_700_000_001, FUDGE, Rcode::NOERROR, &[]);
        let mut prefix = (mac.len() as u16).to_be_bytes().to_vec();
        prefix.extend_from_slice(&mac);
        let response_mac = key().algorithm.mac(&key().secret, &[&prefix, &response, &tsig_variables]);
        let record = TsigRecord {
            offset: response.len(),
            key_name: "sopir-key".into(),
            algorithm: "hmac-sha256".into(),
            time_signed: 1_700_000_001,
            fudge: FUDGE,
            mac: response_mac.clone(),
            original_id: 0x4242,
            error: Rcode::NOERROR,
            other: vec![],
        };
        // Appending the record the way sign() does and parsing it back.
        let mut wire = response.clone();
        let response_key = key();
        let _ = sign(&mut wire, &response_key, 0);
        let parsed = message::parse(&wire).unwrap().tsig.unwrap();
        assert_eq!(parsed.offset, response.len());
        assert_eq!(parsed.original_id, 0x4242);
        assert_eq!(parsed.algorithm, "hmac-sha256");

        let mut signed = response.clone();
        signed.extend_from_slice(&[0; 4]); // stands for the TSIG record, never digested
        message::count_additional(&mut signed, 1);
        assert_eq!(verify(&signed, &record, &key(), &mac, 1_700_000_010), Ok(()));
        let mut forged = record.clone();
        forged.mac[0] ^= 1;
        assert!(verify(&signed, &forged, &key(), &mac, 1_700_000_010).unwrap_err().contains("tidak sah"));
        assert!(verify(&signed, &record, &key(), &[0; 32], 1_700_000_010).is_err());
        assert!(verify(&signed, &record, &key(), &mac, 1_700_001_000).unwrap_err().contains("detik"));
        let other_key = Key { secret: vec![8; 32], ..key() };
        assert!(verify(&signed, &record, &other_key, &mac, 1_700_000_010).is_err());
    }
}
