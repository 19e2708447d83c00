//! The CA certificates an agency trusts for its directory's TLS (most
//! Diskominfo directories carry a certificate of their own, internal CA),
//! pasted by an administrator as PEM: read, checked and described.

use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use crate::StoreError;
use crate::record_event::sha256;

/// The form's field the certificates are typed in.
pub const FIELD: &str = "ldap_ca";
/// Its label, in refusals.
pub const LABEL: &str = "Sertifikat CA direktori (PEM)";
/// How much PEM is read, at most (a chain of a few certificates).
const MAX_CHARS: usize = 64 * 1024;
const MAX_CERTIFICATES: usize = 10;
const BEGIN: &str = "-----BEGIN ";

/// One certificate read from the PEM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCertificate {
    /// As the TLS client takes it.
    pub der: Vec<u8>,
    /// RFC 4514, e.g. `CN=CA Diskominfo,O=Pemkab Lumajang`.
    pub subject: String,
    /// The last instant it is valid, in milliseconds.
    pub not_after: i64,
    /// The SHA-256 of `der`, in hexadecimal: its fingerprint.
    pub sha256: String,
}

fn refused(message: impl Into<String>) -> StoreError {
    StoreError::invalid(FIELD, LABEL, message)
}

/// Every certificate of `pem`, refused with the reason (for the form's
/// [`FIELD`]) when it is not PEM certificates, holds a private key, or a
/// certificate expired before `now` (milliseconds).
pub fn read_pem(pem: &str, now: i64) -> Result<Vec<CaCertificate>, StoreError> {
    if pem.chars().count() > MAX_CHARS {
        return Err(refused(format!("terlalu panjang (paling banyak {MAX_CHARS} karakter)")));
    }
    if pem.contains("PRIVATE KEY") {
        return Err(refused(
            "ini memuat kunci privat; tempel sertifikat CA saja (-----BEGIN CERTIFICATE-----), dan ganti kunci yang sudah tersebar",
        ));
    }
    let mut certificates = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find(BEGIN) {
        let n = certificates.len() + 1;
        let block = &rest[start..];
        let label = block[BEGIN.len()..].split("-----").next().unwrap_or_default();
        if label != "CERTIFICATE" {
            return Err(refused(format!("blok ke-{n} berlabel \"{label}\", bukan CERTIFICATE")));
        }
        let end = "-----END CERTIFICATE-----";
        let Some(length) = block.find(end) else {
            return Err(refused(format!("sertifikat ke-{n} tidak diakhiri {end}")));
        };
        let block = &block[..length + end.len()];
        let certificate = Certificate::from_pem(block.as_bytes())
            .map_err(|e| refused(format!("sertifikat ke-{n} tidak dapat dibaca ({e})")))?;
        let tbs = &certificate.tbs_certificate;
        let not_after =
            i64::try_from(tbs.validity.not_after.to_unix_duration().as_millis()).unwrap_or(i64::MAX);
        let subject = tbs.subject.to_string();
        if not_after < now {
            let day =
                jiff::Timestamp::from_millisecond(not_after).map(|t| t.strftime("%Y-%m-%d").to_string());
            return Err(refused(format!(
                "sertifikat ke-{n} ({subject}) sudah kedaluwarsa pada {}",
                day.unwrap_or_default()
            )));
        }
        let der = certificate.to_der().map_err(|e| refused(format!("sertifikat ke-{n}: {e}")))?;
        certificates.push(CaCertificate { sha256: sha256(&der), der, subject, not_after });
        if certificates.len() > MAX_CERTIFICATES {
            return Err(refused(format!("paling banyak {MAX_CERTIFICATES} sertifikat")));
        }
        rest = &rest[start + block.len()..];
    }
    if certificates.is_empty() {
        return Err(refused(
            "tempel sertifikat CA dalam format PEM, diawali -----BEGIN CERTIFICATE----- (misalnya isi berkas ca.crt)",
        ));
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(pem: &str) -> String {
        read_pem(pem, 0).unwrap_err().to_string()
    }

    #[test]
    fn what_is_not_a_pem_certificate_is_refused_saying_why() {
        assert!(refusal("bukan sertifikat").contains("format PEM"), "{}", refusal("x"));
        assert!(
            refusal("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----").contains("kunci privat")
        );
        assert!(refusal("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").contains("PUBLIC KEY"));
        assert!(refusal("-----BEGIN CERTIFICATE-----\nAAAA\n").contains("tidak diakhiri"));
        assert!(
            refusal("-----BEGIN CERTIFICATE-----\nbWFzaWggYnVrYW4=\n-----END CERTIFICATE-----")
                .contains("sertifikat ke-1 tidak dapat dibaca")
        );
    }

    #[test]
    fn a_certificate_is_read_and_refused_once_expired() {
        let pem = include_str!("../tests/fixtures/ca.pem");
        let read = read_pem(&format!("subject=…\n{pem}\n{pem}"), 0).unwrap();
        assert_eq!(read.len(), 2);
        assert!(read[0].subject.contains("CN=CA Uji Diskominfo"), "{}", read[0].subject);
        assert_eq!(read[0].sha256.len(), 64);
        let in_2200 = 7_258_118_400_000;
        let expired = read_pem(pem, in_2200).unwrap_err().to_string();
        assert!(expired.contains("sudah kedaluwarsa pada 21"), "{expired}");
    }
}
