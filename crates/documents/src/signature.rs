//! Signing PDFs. A signer takes a PDF written with a signature slot and the
//! official's credentials and gives back the signed file. The built-in
//! [`Pkcs12Signer`] holds the official's PKCS#12 certificate and puts a CMS
//! (CAdES-detached, PAdES baseline) signature into the slot, so any PDF
//! reader shows the file as signed. A remote signer — e.g. an agency's
//! BSrE e-sign client service, which takes NIK + passphrase and returns the
//! signed PDF — implements the same trait. Passphrases are only ever
//! borrowed for the call, never kept.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use der::asn1::{OctetString, SetOfVec};
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use p12_keystore::{KeyStore, KeyStoreEntry, PrivateKeyChain};
use rand_core::{OsRng, RngCore};
use ring::rand::SystemRandom;
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use sha2::{Digest, Sha256};
use signature::Keypair;
use spki::{
    AlgorithmIdentifier, AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SignatureAlgorithmIdentifier, SubjectPublicKeyInfoOwned,
};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

use crate::DocumentError;
use crate::pdf::{BYTE_RANGE_BLANK, SIGNATURE_CAPACITY};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// What the signing official gives at the moment of signing.
pub struct Credentials<'a> {
    /// The official's NIK, for remote signers that identify by it.
    pub nik: Option<&'a str>,
    pub passphrase: &'a str,
}

pub trait Signer: Send + Sync {
    /// Signs `pdf` (written with a signature slot) and returns the signed file.
    fn sign(&self, pdf: Vec<u8>, credentials: &Credentials) -> Result<Vec<u8>, DocumentError>;
}

/// Who a certificate names, who issued it, and until when it is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    /// The issuing CA's name (the certificate's own subject when self-signed).
    pub issuer: String,
    /// RFC 3339 in UTC, e.g. `2031-11-29T17:56:01Z`.
    pub not_after: String,
}

impl CertificateInfo {
    /// The end of validity in seconds since the Unix epoch, so callers can
    /// warn before a certificate expires; `None` when `not_after` is not in
    /// the form [`UnlockedKey::info`] writes.
    pub fn not_after_unix(&self) -> Option<i64> {
        let at = der::DateTime::from_str(&self.not_after).ok()?;
        i64::try_from(at.unix_duration().as_secs()).ok()
    }
}

/// The built-in signer: the official's PKCS#12 file (key + certificate chain).
pub struct Pkcs12Signer {
    p12: Vec<u8>,
}

impl Pkcs12Signer {
    pub fn new(p12: Vec<u8>) -> Pkcs12Signer {
        Pkcs12Signer { p12 }
    }

    /// Opens the file once (the passphrase's key derivation is deliberately
    /// slow), for checking and then signing with the same opened key.
    pub fn unlock(&self, passphrase: &str) -> Result<UnlockedKey, DocumentError> {
        let (key, certs) = open(&self.p12, passphrase)?;
        Ok(UnlockedKey { key, certs })
    }
}

/// Opens a whole PKCS#12 file: checks its MAC, decrypts its certificates
/// and its private key (three key derivations, each slow on purpose).
fn open(p12: &[u8], passphrase: &str) -> Result<(PrivateKey, Arc<[Certificate]>), DocumentError> {
    let store = KeyStore::from_pkcs12(p12, passphrase).map_err(|_| DocumentError::Passphrase)?;
    let (_, chain) = store
        .private_key_chain()
        .ok_or_else(|| DocumentError::Certificate("berkas PKCS#12 tidak memuat kunci privat".into()))?;
    let key = PrivateKey::from_pkcs8(chain.key())?;
    let certs = chain
        .chain()
        .iter()
        .map(|c| Certificate::from_der(c.as_der()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| DocumentError::Certificate("sertifikat di dalamnya tidak terbaca".into()))?;
    if certs.is_empty() {
        return Err(DocumentError::Certificate("berkas PKCS#12 tidak memuat sertifikat".into()));
    }
    Ok((key, certs.into()))
}

/// The certificates of the PKCS#12 files opened lately, by the file's
/// SHA-256. Certificates are public, so keeping them gives nothing away,
/// and they spare the next opening of the same file two of its three key
/// derivations (the certificates' encryption and the MAC): only the
/// private key is decrypted, and it must match the kept certificate. When
/// that fails for any reason (a wrong passphrase, a cipher only the full
/// reading knows), the whole file is opened as the first time, so the
/// answer is always the full reading's.
#[derive(Default)]
pub struct KnownCertificates {
    chains: Mutex<HashMap<[u8; 32], Arc<[Certificate]>>>,
}

impl KnownCertificates {
    /// Files kept at most; then the memory starts afresh.
    const KEPT: usize = 1024;

    pub fn unlock(&self, p12: &[u8], passphrase: &str) -> Result<UnlockedKey, DocumentError> {
        let file: [u8; 32] = Sha256::digest(p12).into();
        let known = self.chains.lock().unwrap_or_else(|e| e.into_inner()).get(&file).cloned();
        if let Some(key) = known.and_then(|certs| key_only(p12, passphrase, certs)) {
            return Ok(key);
        }
        let (key, certs) = open(p12, passphrase)?;
        let mut chains = self.chains.lock().unwrap_or_else(|e| e.into_inner());
        if chains.len() >= Self::KEPT {
            chains.clear();
        }
        chains.insert(file, certs.clone());
        Ok(UnlockedKey { key, certs })
    }
}

const ID_PKCS8_SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");

/// The private key of `p12` decrypted alone, if the file keeps it the usual
/// way (a PBES2-encrypted key bag in unencrypted safe contents) and it
/// matches `certs`, read from the same file before.
fn key_only(p12: &[u8], passphrase: &str, certs: Arc<[Certificate]>) -> Option<UnlockedKey> {
    let pfx = pkcs12::pfx::Pfx::from_der(p12).ok()?;
    let contents = data_of(&pfx.auth_safe)?;
    let safes = Vec::<ContentInfo>::from_der(&contents).ok()?;
    let bag = safes
        .iter()
        .filter_map(data_of)
        .filter_map(|safe| Vec::<pkcs12::safe_bag::SafeBag>::from_der(&safe).ok())
        .flatten()
        .find(|b| b.bag_id == ID_PKCS8_SHROUDED_KEY_BAG)?;
    // bagValue is [0] EXPLICIT: its content is the EncryptedPrivateKeyInfo.
    let value = Any::from_der(&bag.bag_value).ok()?;
    let info = pkcs8::EncryptedPrivateKeyInfo::from_der(value.value()).ok()?;
    info.encryption_algorithm.pbes2()?;
    // The decrypted key is wiped when dropped, as the rsa crate's own key is.
    let der = zeroize::Zeroizing::new(
        info.encryption_algorithm.decrypt(passphrase.as_bytes(), info.encrypted_data).ok()?,
    );
    let key = PrivateKey::from_pkcs8(&der).ok()?;
    let leaf = &certs.first()?.tbs_certificate.subject_public_key_info.subject_public_key;
    (leaf.raw_bytes() == key.public_pkcs1()?.as_slice()).then_some(UnlockedKey { key, certs })
}

/// The bytes of a `data` ContentInfo (an OCTET STRING).
fn data_of(info: &ContentInfo) -> Option<Vec<u8>> {
    (info.content_type == ID_DATA).then_some(())?;
    Some(OctetString::from_der(&info.content.to_der().ok()?).ok()?.into_bytes())
}

/// A PKCS#12 file opened with its passphrase.
pub struct UnlockedKey {
    key: PrivateKey,
    certs: Arc<[Certificate]>,
}

/// An official's RSA private key. ring signs it where it can: its RSA is
/// several times faster than the rsa crate's pure-Rust bignums, and the
/// signature is a large part of a letter's CPU. ring refuses some keys the
/// rsa crate takes (under 2048 bits, for one), and those still sign.
enum PrivateKey {
    Ring(RingKey),
    Rsa(rsa::RsaPrivateKey),
}

impl PrivateKey {
    fn from_pkcs8(der: &[u8]) -> Result<PrivateKey, DocumentError> {
        if let Ok(key) = ring::signature::RsaKeyPair::from_pkcs8(der) {
            let public = rsa::RsaPublicKey::from_pkcs1_der(key.public().as_ref()).map_err(|e| {
                DocumentError::Certificate(format!("kunci publik dari kunci privat tidak terbaca: {e}"))
            })?;
            return Ok(PrivateKey::Ring(RingKey { key, public: VerifyingKey::new(public) }));
        }
        let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|_| {
            DocumentError::Certificate("hanya kunci RSA yang didukung oleh penanda tangan bawaan".into())
        })?;
        Ok(PrivateKey::Rsa(key))
    }

    /// The public key as PKCS#1 `RSAPublicKey` DER, as a certificate holds it.
    fn public_pkcs1(&self) -> Option<Vec<u8>> {
        match self {
            PrivateKey::Ring(key) => Some(key.key.public().as_ref().to_vec()),
            PrivateKey::Rsa(key) => Some(key.to_public_key().to_pkcs1_der().ok()?.into_vec()),
        }
    }
}

/// An RSA key signing PKCS#1 v1.5 with SHA-256 through ring, in the shape
/// the CMS builder asks of a signer.
struct RingKey {
    key: ring::signature::RsaKeyPair,
    public: VerifyingKey<Sha256>,
}

impl Keypair for RingKey {
    type VerifyingKey = VerifyingKey<Sha256>;

    fn verifying_key(&self) -> VerifyingKey<Sha256> {
        self.public.clone()
    }
}

impl SignatureAlgorithmIdentifier for RingKey {
    type Params = <SigningKey<Sha256> as SignatureAlgorithmIdentifier>::Params;

    const SIGNATURE_ALGORITHM_IDENTIFIER: AlgorithmIdentifier<Self::Params> =
        <SigningKey<Sha256> as SignatureAlgorithmIdentifier>::SIGNATURE_ALGORITHM_IDENTIFIER;
}

impl signature::Signer<rsa::pkcs1v15::Signature> for RingKey {
    fn try_sign(&self, message: &[u8]) -> Result<rsa::pkcs1v15::Signature, signature::Error> {
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(&ring::signature::RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut signature)
            .map_err(|_| signature::Error::new())?;
        rsa::pkcs1v15::Signature::try_from(signature.as_slice())
    }
}

impl UnlockedKey {
    #[cfg(test)]
    pub(crate) fn signs_through_ring(&self) -> bool {
        matches!(self.key, PrivateKey::Ring(_))
    }

    pub fn info(&self) -> CertificateInfo {
        let tbs = &self.certs[0].tbs_certificate;
        CertificateInfo {
            subject: tbs.subject.to_string(),
            issuer: tbs.issuer.to_string(),
            not_after: tbs.validity.not_after.to_string(),
        }
    }

    /// Signs `pdf` (written with a signature slot) and returns the signed file.
    pub fn sign(self, pdf: Vec<u8>) -> Result<Vec<u8>, DocumentError> {
        fill_signature(pdf, |digest| self.sign_digest(digest))
    }

    /// The detached CMS signature over `digest` (SHA-256 of the signed
    /// bytes), for PDFs laid out other than by [`crate::pdf::write`].
    pub(crate) fn sign_digest(self, digest: &[u8]) -> Result<Vec<u8>, DocumentError> {
        cms_signature(digest, self.key, &self.certs)
    }
}

impl Signer for Pkcs12Signer {
    fn sign(&self, pdf: Vec<u8>, credentials: &Credentials) -> Result<Vec<u8>, DocumentError> {
        self.unlock(credentials.passphrase)?.sign(pdf)
    }
}

/// Fills the slot of a PDF written by [`crate::pdf::write`]: sets the byte
/// range (everything but the hex signature), hashes it, and writes the
/// signature `sign` makes of that hash.
pub fn fill_signature(
    mut pdf: Vec<u8>,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, DocumentError>,
) -> Result<Vec<u8>, DocumentError> {
    let no_slot = || DocumentError::Signature("dokumen tidak memiliki tempat tanda tangan".into());
    let range_at = find_last(&pdf, b"/ByteRange [0 ").ok_or_else(no_slot)? + b"/ByteRange [0 ".len();
    let start =
        range_at + find_last(&pdf[range_at..], b"/Contents <").ok_or_else(no_slot)? + b"/Contents ".len();
    let end = start + SIGNATURE_CAPACITY * 2 + 2;
    if pdf.get(end - 1) != Some(&b'>') {
        return Err(no_slot());
    }
    let width = BYTE_RANGE_BLANK.len();
    let numbers = format!("{start:<width$} {end:<width$} {:<width$}", pdf.len() - end);
    pdf[range_at..range_at + numbers.len()].copy_from_slice(numbers.as_bytes());

    let mut hasher = Sha256::new();
    hasher.update(&pdf[..start]);
    hasher.update(&pdf[end..]);
    let digest = hasher.finalize();
    let signature = sign(&digest)?;
    if signature.len() > SIGNATURE_CAPACITY {
        return Err(DocumentError::Signature(format!(
            "tanda tangan {} bita melebihi tempat {SIGNATURE_CAPACITY} bita",
            signature.len()
        )));
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for (i, b) in signature.iter().enumerate() {
        let at = start + 1 + 2 * i;
        pdf[at] = HEX[usize::from(b >> 4)];
        pdf[at + 1] = HEX[usize::from(b & 0xf)];
    }
    Ok(pdf)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A detached CMS SignedData over `digest` (SHA-256 of the signed bytes),
/// with the signing-certificate-v2 attribute PAdES asks for.
fn cms_signature(digest: &[u8], key: PrivateKey, certs: &[Certificate]) -> Result<Vec<u8>, DocumentError> {
    match key {
        PrivateKey::Ring(key) => cms_signature_by(digest, &key, certs),
        PrivateKey::Rsa(key) => cms_signature_by(digest, &SigningKey::<Sha256>::new(key), certs),
    }
}

fn cms_signature_by<S>(digest: &[u8], signer: &S, certs: &[Certificate]) -> Result<Vec<u8>, DocumentError>
where
    S: Keypair + DynSignatureAlgorithmIdentifier + signature::Signer<rsa::pkcs1v15::Signature>,
{
    let fail = |e: &dyn std::fmt::Display| DocumentError::Signature(e.to_string());
    let leaf = &certs[0];
    let sha256 = AlgorithmIdentifierOwned { oid: ID_SHA256, parameters: None };
    let content = EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: leaf.tbs_certificate.issuer.clone(),
        serial_number: leaf.tbs_certificate.serial_number.clone(),
    });
    let mut info =
        SignerInfoBuilder::new(signer, sid, sha256.clone(), &content, Some(digest)).map_err(|e| fail(&e))?;
    let cert_hash = Sha256::digest(leaf.to_der().map_err(|e| fail(&e))?);
    // SigningCertificateV2 { certs: [ESSCertIDv2 { certHash }] }, SHA-256 being the default.
    let mut ess = vec![0x30, 0x26, 0x30, 0x24, 0x30, 0x22, 0x04, 0x20];
    ess.extend_from_slice(&cert_hash);
    let value = Any::from_der(&ess).map_err(|e| fail(&e))?;
    let values = SetOfVec::try_from(vec![value]).map_err(|e| fail(&e))?;
    info.add_signed_attribute(Attribute { oid: ID_SIGNING_CERTIFICATE_V2, values }).map_err(|e| fail(&e))?;
    let mut data = SignedDataBuilder::new(&content);
    data.add_digest_algorithm(sha256).map_err(|e| fail(&e))?;
    for cert in certs {
        data.add_certificate(CertificateChoices::Certificate(cert.clone())).map_err(|e| fail(&e))?;
    }
    data.add_signer_info::<_, rsa::pkcs1v15::Signature>(info).map_err(|e| fail(&e))?;
    data.build().map_err(|e| fail(&e))?.to_der().map_err(|e| fail(&e))
}

/// Makes a self-signed RSA certificate for `common_name` of `organisation`
/// and returns it as a PKCS#12 file protected by `passphrase`. For demo
/// data and trials: real officials bring the certificate BSrE issued them.
pub fn self_signed_pkcs12(
    common_name: &str,
    organisation: &str,
    passphrase: &str,
) -> Result<Vec<u8>, DocumentError> {
    self_signed_pkcs12_of_size(common_name, organisation, passphrase, 2048)
}

pub(crate) fn self_signed_pkcs12_of_size(
    common_name: &str,
    organisation: &str,
    passphrase: &str,
    bits: usize,
) -> Result<Vec<u8>, DocumentError> {
    let fail = |e: &dyn std::fmt::Display| DocumentError::Certificate(e.to_string());
    let key = rsa::RsaPrivateKey::new(&mut OsRng, bits).map_err(|e| fail(&e))?;
    let public = SubjectPublicKeyInfoOwned::from_der(
        key.to_public_key().to_public_key_der().map_err(|e| fail(&e))?.as_bytes(),
    )
    .map_err(|e| fail(&e))?;
    let mut serial = [0u8; 16];
    OsRng.fill_bytes(&mut serial);
    serial[0] &= 0x7f;
    let subject =
        Name::from_str(&format!("CN={},O={},C=ID", rdn_value(common_name), rdn_value(organisation)))
            .map_err(|e| fail(&e))?;
    let validity = Validity::from_now(Duration::from_secs(5 * 365 * 24 * 3600)).map_err(|e| fail(&e))?;
    let signer = SigningKey::<Sha256>::new(key.clone());
    let cert = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::new(&serial).map_err(|e| fail(&e))?,
        validity,
        subject,
        public,
        &signer,
    )
    .map_err(|e| fail(&e))?
    .build::<rsa::pkcs1v15::Signature>()
    .map_err(|e| fail(&e))?;
    let cert =
        p12_keystore::Certificate::from_der(&cert.to_der().map_err(|e| fail(&e))?).map_err(|e| fail(&e))?;
    let pkcs8 = key.to_pkcs8_der().map_err(|e| fail(&e))?;
    let mut store = KeyStore::new();
    let key_id = Sha256::digest(cert.as_der());
    store.add_entry(
        "penandatangan",
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(pkcs8.as_bytes(), &key_id[..20], [cert])),
    );
    store.writer(passphrase).write().map_err(|e| fail(&e))
}

/// A value safe inside an RFC 4514 distinguished-name string.
fn rdn_value(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, ',' | '+' | '=' | '"' | '\\' | '<' | '>' | ';' | '#')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_tells_its_issuer_and_when_it_expires() {
        let p12 =
            self_signed_pkcs12("Contoh Pejabat", "Diskominfo Kabupaten Lumajang", "rahasia-uji").unwrap();
        let before =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let info = Pkcs12Signer::new(p12).unlock("rahasia-uji").unwrap().info();
        assert_eq!(info.subject, "CN=Contoh Pejabat,O=Diskominfo Kabupaten Lumajang,C=ID");
        // Self-signed: the issuer is the subject.
        assert_eq!(info.issuer, info.subject);
        let five_years = 5 * 365 * 24 * 3600;
        let not_after = info.not_after_unix().expect("not_after reads back");
        assert!((not_after - (before + five_years)).abs() < 120, "{} is not five years on", info.not_after);
    }

    #[test]
    fn a_known_file_opens_its_key_alone_and_only_with_the_right_passphrase() {
        let p12 = self_signed_pkcs12("Contoh Pejabat", "Diskominfo", "rahasia-uji").unwrap();
        let other = self_signed_pkcs12("Pejabat Lain", "Diskominfo", "rahasia-uji").unwrap();
        let (_, certs) = open(&p12, "rahasia-uji").unwrap();
        let (_, others) = open(&other, "rahasia-uji").unwrap();

        let alone = key_only(&p12, "rahasia-uji", certs.clone()).expect("the key opens alone");
        assert_eq!(alone.info().subject, "CN=Contoh Pejabat,O=Diskominfo,C=ID");
        assert!(key_only(&p12, "salah", certs.clone()).is_none(), "a wrong passphrase opens nothing");
        assert!(key_only(&p12, "rahasia-uji", others).is_none(), "another file's certificate does not match");

        let known = KnownCertificates::default();
        for _ in 0..2 {
            assert!(matches!(known.unlock(&p12, "salah"), Err(DocumentError::Passphrase)));
            assert_eq!(known.unlock(&p12, "rahasia-uji").unwrap().info().subject, alone.info().subject);
        }
        assert_eq!(known.chains.lock().unwrap().len(), 1, "the file's certificates are kept once");
    }

    #[test]
    fn an_end_of_validity_reads_as_seconds_since_the_epoch() {
        let info = CertificateInfo {
            subject: "CN=A".into(),
            issuer: "CN=B".into(),
            not_after: "2030-01-01T00:00:00Z".into(),
        };
        assert_eq!(info.not_after_unix(), Some(1_893_456_000));
        let unreadable = CertificateInfo { not_after: "kapan-kapan".into(), ..info };
        assert_eq!(unreadable.not_after_unix(), None);
    }
}
