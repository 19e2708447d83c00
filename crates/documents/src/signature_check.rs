//! Checking the signature of a PDF signed elsewhere (SRIKANDI, a
//! certificate authority's signing service, a desktop reader): whether the
//! newest signature still covers the bytes it signed, and who signed it.

use der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use der::{Decode, Encode, Header, SliceReader, Tag, TagNumber, Tagged};
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::DocumentError;

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const ID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const ID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const ID_SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const ID_SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ID_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const ID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// Who signed a PDF, as its newest signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfSignature {
    /// The common name (CN) of the signer's certificate, or its whole
    /// subject when it has none.
    pub signer: String,
    /// The whole distinguished name of the certificate's issuer.
    pub issuer: String,
    /// When the signer says it signed: the CMS signing-time attribute
    /// (bound by the signature) or else the signature dictionary's `/M`,
    /// as RFC 3339 when it reads as a date, otherwise as written.
    pub signed_at: Option<String>,
    /// Whether the signature covers the file up to its last byte; `false`
    /// when something (e.g. a later incremental update) was appended after
    /// signing — the signed part itself is still intact.
    pub covers_whole_file: bool,
}

/// Checks the newest (last) signature of `pdf`: that the byte ranges it
/// names still hash to the `messageDigest` it signed, and that the signature
/// over its signed attributes is made by the key of the certificate it
/// carries. Gives the signer and issuer of that certificate.
///
/// It checks integrity and who signed, not whom to trust: the certificate
/// chain up to a CA, its validity period and its revocation (OCSP/CRL) are
/// not checked here — that trust is for the reader (pdfsig, Adobe) that
/// knows the CA. Only RSA keys with PKCS#1 v1.5 signatures and SHA-256,
/// SHA-384 or SHA-512 are supported; an ECDSA key is refused with
/// "jenis kunci ECDSA belum didukung", RSASSA-PSS likewise.
///
/// Earlier signatures of a file signed more than once are not checked, and
/// whatever was appended after the newest one is only reported through
/// [`PdfSignature::covers_whole_file`]: the caller decides whether to
/// accept it. The signature dictionary must be written plainly (not inside
/// a compressed object stream) and its CMS in DER (BER with indefinite
/// lengths reads as unreadable), as signing services do.
///
/// Every refusal is [`DocumentError::Signature`] with a message in Bahasa
/// Indonesia: no signature at all ("berkas PDF tidak bertanda tangan
/// elektronik"), an unreadable one ("tanda tangan di dalam PDF tidak
/// terbaca: …"), a digest mismatch ("isi PDF berubah setelah
/// ditandatangani") or a signature the certificate's key did not make
/// ("tanda tangan tidak cocok dengan sertifikatnya").
pub fn verify_pdf(pdf: &[u8]) -> Result<PdfSignature, DocumentError> {
    let slot = SignedSlot::find(pdf)?;
    let cms = slot.cms()?;
    let (signed_data, info, raw_attrs) = parse_cms(cms)?;
    let cert = signer_certificate(&signed_data, &info)?;
    let digest = DigestKind::of(&info.digest_alg.oid)?;

    let attrs = info.signed_attrs.as_ref().ok_or_else(|| unreadable("atribut bertanda tangan tidak ada"))?;
    let message_digest = attrs
        .iter()
        .find(|a| a.oid == ID_MESSAGE_DIGEST)
        .and_then(|a| a.values.get(0))
        .ok_or_else(|| unreadable("atribut messageDigest tidak ada"))?
        .decode_as::<OctetStringRef>()
        .map_err(|e| unreadable(&format!("atribut messageDigest: {e}")))?;
    let content = [&pdf[..slot.gap.0], &pdf[slot.gap.1..slot.end]];
    if digest.hash(&content) != message_digest.as_bytes() {
        return Err(DocumentError::Verification("isi PDF berubah setelah ditandatangani".into()));
    }

    // The key's type before the algorithm's, so that an ECDSA signature is
    // refused for its key rather than by an algorithm number.
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = match spki.algorithm.oid {
        ID_RSA_ENCRYPTION => spki
            .to_der()
            .ok()
            .and_then(|der| RsaPublicKey::from_public_key_der(&der).ok())
            .ok_or_else(|| unreadable("kunci publik RSA sertifikat rusak"))?,
        ID_EC_PUBLIC_KEY => return Err(unsupported("jenis kunci ECDSA belum didukung")),
        other => return Err(unsupported(&format!("jenis kunci {other} belum didukung"))),
    };
    let scheme_digest = match info.signature_algorithm.oid {
        ID_RSA_ENCRYPTION => digest,
        ID_SHA256_WITH_RSA => DigestKind::Sha256,
        ID_SHA384_WITH_RSA => DigestKind::Sha384,
        ID_SHA512_WITH_RSA => DigestKind::Sha512,
        ID_RSASSA_PSS => return Err(unsupported("algoritma tanda tangan RSASSA-PSS belum didukung")),
        other => return Err(unsupported(&format!("algoritma tanda tangan {other} belum didukung"))),
    };
    key.verify(scheme_digest.pkcs1v15(), &scheme_digest.hash(&[&raw_attrs]), info.signature.as_bytes())
        .map_err(|_| DocumentError::Verification("tanda tangan tidak cocok dengan sertifikatnya".into()))?;

    let signing_time = attrs
        .iter()
        .find(|a| a.oid == ID_SIGNING_TIME)
        .and_then(|a| a.values.get(0))
        .and_then(|v| Time::from_der(&v.to_der().ok()?).ok())
        .map(|t| t.to_string());
    let tbs = &cert.tbs_certificate;
    Ok(PdfSignature {
        signer: common_name(&tbs.subject).unwrap_or_else(|| tbs.subject.to_string()),
        issuer: tbs.issuer.to_string(),
        signed_at: signing_time.or_else(|| slot.date()),
        covers_whole_file: slot.end == pdf.len(),
    })
}

fn unreadable(why: &str) -> DocumentError {
    DocumentError::Verification(format!("tanda tangan di dalam PDF tidak terbaca: {why}"))
}

fn unsupported(what: &str) -> DocumentError {
    DocumentError::Verification(what.into())
}

fn unsigned() -> DocumentError {
    DocumentError::Verification("berkas PDF tidak bertanda tangan elektronik".into())
}

/// Where the newest signature sits: the `/ByteRange [0 b c d]` names the
/// signed bytes `[0, b)` and `[c, c + d)`; the gap `[b, c)` between them is
/// the `<hex>` of `/Contents`.
struct SignedSlot<'a> {
    gap: (usize, usize),
    end: usize,
    /// The bytes of the signature dictionary's object, for its `/M`.
    dictionary: &'a [u8],
    hex: &'a [u8],
}

impl<'a> SignedSlot<'a> {
    fn find(pdf: &'a [u8]) -> Result<SignedSlot<'a>, DocumentError> {
        let key = b"/ByteRange";
        let at = rfind_name(pdf, key).ok_or_else(unsigned)?;
        let numbers = byte_range(&pdf[at + key.len()..])?;
        // Sopir's own slot before signing: `[0` followed by blanks.
        if numbers == [0] {
            return Err(unsigned());
        }
        let &[a, b, c, d] = numbers.as_slice() else {
            return Err(unreadable("/ByteRange tidak berisi empat bilangan"));
        };
        if a != 0 {
            return Err(unreadable("/ByteRange tidak dimulai dari awal berkas"));
        }
        let end = c.checked_add(d).filter(|&end| b < c && end <= pdf.len());
        let Some(end) = end else {
            return Err(unreadable("/ByteRange melewati ujung berkas (berkas terpotong?)"));
        };
        if c - b < 2 || pdf[b] != b'<' || pdf[c - 1] != b'>' {
            return Err(unreadable("celah /ByteRange bukan isi /Contents <…>"));
        }
        let hex = &pdf[b + 1..c - 1];
        if !hex.iter().all(|x| x.is_ascii_hexdigit() || is_white(*x)) {
            return Err(unreadable("isi /Contents bukan heksadesimal"));
        }
        let before = trim_end_white(&pdf[..b]);
        if !before.ends_with(b"/Contents") {
            return Err(unreadable("celah /ByteRange bukan isi /Contents <…>"));
        }
        // The /ByteRange and the /Contents must be of one dictionary, in
        // whichever order the producer wrote them.
        let (from, to) = (at.min(b), (at + key.len()).max(c));
        if find(&pdf[from..to], b"endobj").is_some() {
            return Err(unreadable("/ByteRange dan /Contents tidak dalam satu kamus tanda tangan"));
        }
        let start = rfind(&pdf[..from], b"endobj").map_or(0, |i| i + b"endobj".len());
        let stop = find(&pdf[to..], b"endobj").map_or(pdf.len(), |i| to + i);
        Ok(SignedSlot { gap: (b, c), end, dictionary: &pdf[start..stop], hex })
    }

    /// The DER of the CMS ContentInfo, without the zeros padding the slot.
    fn cms(&self) -> Result<Vec<u8>, DocumentError> {
        let digits: Vec<u8> = self.hex.iter().copied().filter(|x| !is_white(*x)).collect();
        if digits.iter().all(|&x| x == b'0') {
            return Err(unsigned());
        }
        let mut bytes: Vec<u8> = digits
            .chunks(2)
            .map(|pair| {
                // An odd last digit counts as followed by 0 (ISO 32000-1 §7.3.4.3).
                let hi = hex_value(pair[0]);
                let lo = pair.get(1).map_or(0, |&x| hex_value(x));
                hi << 4 | lo
            })
            .collect();
        let mut reader = SliceReader::new(&bytes).map_err(|e| unreadable(&e.to_string()))?;
        let header = Header::decode(&mut reader).map_err(|e| unreadable(&format!("bukan CMS: {e}")))?;
        let length = (header.encoded_len().and_then(|h| h + header.length))
            .ok()
            .and_then(|l| usize::try_from(l).ok())
            .filter(|&l| l <= bytes.len())
            .ok_or_else(|| unreadable("CMS terpotong"))?;
        if bytes[length..].iter().any(|&x| x != 0) {
            return Err(unreadable("ada data lain setelah CMS"));
        }
        bytes.truncate(length);
        Ok(bytes)
    }

    /// The `/M` of the signature dictionary, if it has one.
    fn date(&self) -> Option<String> {
        let at = find_name(self.dictionary, b"/M")?;
        let raw = pdf_string(trim_start_white(&self.dictionary[at + 2..]))?;
        Some(pdf_date(&raw).unwrap_or(raw))
    }
}

/// Parses `[a b c d]` (any whitespace, none needed after `[`).
fn byte_range(after_key: &[u8]) -> Result<Vec<usize>, DocumentError> {
    let rest = trim_start_white(after_key);
    let rest = rest.strip_prefix(b"[").ok_or_else(|| unreadable("/ByteRange bukan larik"))?;
    let close = rest
        .iter()
        .take(256)
        .position(|&x| x == b']')
        .ok_or_else(|| unreadable("/ByteRange tidak ditutup"))?;
    rest[..close]
        .split(|&x| is_white(x))
        .filter(|t| !t.is_empty())
        .map(|t| {
            std::str::from_utf8(t)
                .ok()
                .filter(|t| t.bytes().all(|x| x.is_ascii_digit()))
                .and_then(|t| t.parse().ok())
                .ok_or_else(|| unreadable("/ByteRange berisi bukan bilangan"))
        })
        .collect()
}

/// The SignedData, its first SignerInfo, and that signer's signed
/// attributes exactly as they were signed: their DER with the SET OF tag.
/// Taken from the original bytes because decoding sorts a SET OF, and a
/// producer that did not sort them signed them unsorted.
fn parse_cms(cms: Vec<u8>) -> Result<(SignedData, SignerInfo, Vec<u8>), DocumentError> {
    let broken = |e: der::Error| unreadable(&format!("CMS rusak atau terpotong ({e})"));
    let content = ContentInfo::from_der(&cms).map_err(broken)?;
    if content.content_type != ID_SIGNED_DATA {
        return Err(unreadable("CMS bukan SignedData"));
    }
    let signed_data: SignedData = content.content.decode_as().map_err(broken)?;
    if signed_data.encap_content_info.econtent.is_some() {
        return Err(unsupported("tanda tangan yang memuat isinya sendiri (adbe.pkcs7.sha1) belum didukung"));
    }
    let info =
        signed_data.signer_infos.0.get(0).cloned().ok_or_else(|| unreadable("tidak ada SignerInfo"))?;
    let raw_attrs =
        raw_signed_attributes(&cms).ok_or_else(|| unreadable("atribut bertanda tangan tidak ada"))?;
    Ok((signed_data, info, raw_attrs))
}

/// Walks ContentInfo → [0] → SignedData → signerInfos (its last field) →
/// the first SignerInfo → its `[0] IMPLICIT` signed attributes, which
/// follow version, sid and digestAlgorithm.
fn raw_signed_attributes(cms: &[u8]) -> Option<Vec<u8>> {
    let content_info = AnyRef::from_der(cms).ok()?;
    let explicit = *elements(content_info.value())?.get(1)?;
    let signed_data = *elements(explicit.value())?.first()?;
    let signer_infos = *elements(signed_data.value())?.last()?;
    let first = *elements(signer_infos.value())?.first()?;
    let attrs = *elements(first.value())?.get(3)?;
    let implicit_zero = Tag::ContextSpecific { constructed: true, number: TagNumber::N0 };
    if attrs.tag() != implicit_zero {
        return None;
    }
    let mut out = Header::new(Tag::Set, attrs.value().len()).ok()?.to_der().ok()?;
    out.extend_from_slice(attrs.value());
    Some(out)
}

fn elements(value: &[u8]) -> Option<Vec<AnyRef<'_>>> {
    let mut reader = SliceReader::new(value).ok()?;
    let mut out = Vec::new();
    while !der::Reader::is_finished(&reader) {
        out.push(AnyRef::decode(&mut reader).ok()?);
    }
    Some(out)
}

/// The certificate the SignerInfo names, among those SignedData carries.
fn signer_certificate<'c>(data: &'c SignedData, info: &SignerInfo) -> Result<&'c Certificate, DocumentError> {
    let mut certs = data.certificates.iter().flat_map(|set| set.0.iter()).filter_map(|c| match c {
        CertificateChoices::Certificate(cert) => Some(cert),
        CertificateChoices::Other(_) => None,
    });
    let found = match &info.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certs.find(|c| {
            c.tbs_certificate.issuer == id.issuer && c.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(id) => {
            certs.find(|c| subject_key_identifier(c).as_ref() == Some(id))
        }
    };
    found.ok_or_else(|| unreadable("sertifikat penanda tangan tidak disertakan"))
}

fn subject_key_identifier(cert: &Certificate) -> Option<SubjectKeyIdentifier> {
    let ext =
        cert.tbs_certificate.extensions.as_ref()?.iter().find(|e| e.extn_id == ID_SUBJECT_KEY_IDENTIFIER)?;
    SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes()).ok()
}

fn common_name(name: &Name) -> Option<String> {
    let value =
        name.0.iter().flat_map(|rdn| rdn.0.iter()).find(|atv| atv.oid == ID_COMMON_NAME)?.value.clone();
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString | Tag::VisibleString => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        Tag::BmpString => {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum DigestKind {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestKind {
    fn of(oid: &ObjectIdentifier) -> Result<DigestKind, DocumentError> {
        match *oid {
            ID_SHA256 => Ok(DigestKind::Sha256),
            ID_SHA384 => Ok(DigestKind::Sha384),
            ID_SHA512 => Ok(DigestKind::Sha512),
            other => Err(unsupported(&format!(
                "algoritma ringkasan {other} belum didukung (hanya SHA-256, SHA-384, SHA-512)"
            ))),
        }
    }

    fn hash(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            DigestKind::Sha256 => run::<Sha256>(parts),
            DigestKind::Sha384 => run::<Sha384>(parts),
            DigestKind::Sha512 => run::<Sha512>(parts),
        }
    }

    fn pkcs1v15(self) -> Pkcs1v15Sign {
        match self {
            DigestKind::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
            DigestKind::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
            DigestKind::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
        }
    }
}

/// A PDF literal `( … )` or hex `< … >` string at the start of `bytes`, as
/// text (UTF-16BE when it starts with the byte-order mark).
fn pdf_string(bytes: &[u8]) -> Option<String> {
    let raw: Vec<u8> = match bytes.first()? {
        b'(' => {
            let mut out = Vec::new();
            let mut escaped = false;
            for &x in &bytes[1..] {
                match (escaped, x) {
                    (false, b'\\') => escaped = true,
                    (false, b')') => break,
                    (_, x) => {
                        escaped = false;
                        out.push(x);
                    }
                }
            }
            out
        }
        b'<' => {
            let close = bytes.iter().position(|&x| x == b'>')?;
            let digits: Vec<u8> = bytes[1..close].iter().copied().filter(u8::is_ascii_hexdigit).collect();
            digits.chunks(2).map(|p| hex_value(p[0]) << 4 | p.get(1).map_or(0, |&x| hex_value(x))).collect()
        }
        _ => return None,
    };
    if let Some(utf16) = raw.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
        return Some(String::from_utf16_lossy(&units));
    }
    Some(String::from_utf8_lossy(&raw).into_owned())
}

/// `D:YYYYMMDDHHmmSS+07'00'` (ISO 32000-1 §7.9.4) as RFC 3339; `None` when
/// it is not a full date and time.
fn pdf_date(s: &str) -> Option<String> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits = s.get(..14).filter(|d| d.bytes().all(|x| x.is_ascii_digit()))?;
    let (y, mo, d, h, mi, se) =
        (&digits[..4], &digits[4..6], &digits[6..8], &digits[8..10], &digits[10..12], &digits[12..14]);
    let zone = match &s.as_bytes()[14..] {
        [] | [b'Z', ..] => "Z".to_string(),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let rest: Vec<u8> = rest.iter().copied().filter(u8::is_ascii_digit).collect();
            let hh = std::str::from_utf8(rest.get(..2)?).ok()?;
            let mm = rest.get(2..4).and_then(|m| std::str::from_utf8(m).ok()).unwrap_or("00");
            format!("{}{hh}:{mm}", char::from(*sign))
        }
        _ => return None,
    };
    Some(format!("{y}-{mo}-{d}T{h}:{mi}:{se}{zone}"))
}

fn hex_value(x: u8) -> u8 {
    match x {
        b'0'..=b'9' => x - b'0',
        b'a'..=b'f' => x - b'a' + 10,
        b'A'..=b'F' => x - b'A' + 10,
        _ => 0,
    }
}

/// PDF whitespace (ISO 32000-1 §7.2.2).
fn is_white(x: u8) -> bool {
    matches!(x, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(x: u8) -> bool {
    is_white(x) || matches!(x, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn trim_start_white(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|&&x| is_white(x)).count();
    &bytes[skip..]
}

fn trim_end_white(bytes: &[u8]) -> &[u8] {
    let keep = bytes.len() - bytes.iter().rev().take_while(|&&x| is_white(x)).count();
    &bytes[..keep]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The last `name` that is a whole PDF name (not the start of a longer one).
fn rfind_name(haystack: &[u8], name: &[u8]) -> Option<usize> {
    let mut end = haystack.len();
    while let Some(at) = rfind(&haystack[..end], name) {
        if haystack.get(at + name.len()).is_none_or(|&x| is_delimiter(x)) {
            return Some(at);
        }
        end = at + name.len() - 1;
    }
    None
}

/// The first `name` that is a whole PDF name.
fn find_name(haystack: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = find(&haystack[from..], name).map(|i| from + i) {
        if haystack.get(at + name.len()).is_none_or(|&x| is_delimiter(x)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::signature::{UnlockedKey, self_signed_pkcs12, self_signed_pkcs12_of_size};
    use crate::{Letter, Letterhead, Pkcs12Signer, SignatureSlot};

    const SUBJECT: &str = "CN=Contoh Pejabat,O=Diskominfo Kabupaten Lumajang,C=ID";

    fn key() -> UnlockedKey {
        // Key generation and the PKCS#12 key derivation are slow: once per run.
        static P12: OnceLock<Vec<u8>> = OnceLock::new();
        let p12 = P12.get_or_init(|| {
            self_signed_pkcs12("Contoh Pejabat", "Diskominfo Kabupaten Lumajang", "rahasia-uji").unwrap()
        });
        Pkcs12Signer::new(p12.clone()).unlock("rahasia-uji").unwrap()
    }

    fn letter() -> Letter {
        Letter {
            letterhead: Letterhead {
                lines: vec!["PEMERINTAH KABUPATEN LUMAJANG".into()],
                address: "Jalan Contoh Nomor 1, Lumajang".into(),
                logo: None,
            },
            place: "Lumajang".into(),
            date: "26 November 2026".into(),
            number: "060/016/427.53/2026".into(),
            nature: "Biasa".into(),
            enclosures: "-".into(),
            subject: "Pemberitahuan".into(),
            recipient: vec!["Kepala Bappeda".into()],
            body: "Bersama ini kami sampaikan pemberitahuan.".into(),
            signer_title: "Kepala Dinas".into(),
            signer_name: "Contoh Pejabat".into(),
            signer_nip: "197001011995031001".into(),
            copies: vec![],
            verification: None,
            draft: false,
            attached: Vec::new(),
        }
    }

    fn slot() -> SignatureSlot {
        SignatureSlot {
            signer_name: "Contoh Pejabat".into(),
            reason: "Surat pemberitahuan".into(),
            location: "Lumajang".into(),
            date: "D:20261126101500+07'00'".into(),
        }
    }

    /// A letter signed by Sopir's own signer.
    fn signed() -> Vec<u8> {
        static PDF: OnceLock<Vec<u8>> = OnceLock::new();
        PDF.get_or_init(|| key().sign(letter().to_pdf(Some(&slot()))).unwrap()).clone()
    }

    /// Where the hex of the signature starts and ends (the `<` and `>`).
    fn gap(pdf: &[u8]) -> (usize, usize) {
        let slot = SignedSlot::find(pdf).unwrap();
        slot.gap
    }

    fn refusal(pdf: &[u8]) -> String {
        match verify_pdf(pdf) {
            Err(DocumentError::Verification(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    /// A file as other producers write it: no spaces in the ByteRange,
    /// `/Contents` before `/ByteRange`, the hex in lower case, signed by
    /// `key` over the tight byte ranges.
    fn signed_by_another_producer(key: UnlockedKey) -> Vec<u8> {
        let head = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/AcroForm<</Fields[2 0 R]/SigFlags 3>>>>\nendobj\n\
                     2 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached\
                     /Prop_Build<</App<</Name/Contoh>>>>/M<443A32303236313132363130313530305A>/Contents"
            .to_vec();
        let capacity = 8192;
        let (b, c) = (head.len(), head.len() + 2 * capacity + 2);
        let tail =
            |d: usize| format!("/ByteRange[0 {b}\n{c} {d}]>>\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF\n");
        let mut d = tail(0).len();
        while tail(d).len() != d {
            d = tail(d).len();
        }
        let tail = tail(d);
        let digest = Sha256::new().chain_update(&head).chain_update(tail.as_bytes()).finalize();
        let cms = key.sign_digest(&digest).unwrap();
        let mut hex: String = cms.iter().map(|x| format!("{x:02x}")).collect();
        hex.push_str(&"0".repeat(2 * capacity - hex.len()));
        let mut pdf = head;
        pdf.extend_from_slice(format!("<{hex}>").as_bytes());
        pdf.extend_from_slice(tail.as_bytes());
        pdf
    }

    #[test]
    fn a_letter_signed_by_sopir_verifies_and_names_its_signer() {
        let pdf = signed();
        let signature = verify_pdf(&pdf).unwrap();
        assert_eq!(
            signature,
            PdfSignature {
                signer: "Contoh Pejabat".into(),
                // Self-signed: the issuer is the signer itself.
                issuer: SUBJECT.into(),
                signed_at: Some("2026-11-26T10:15:00+07:00".into()),
                covers_whole_file: true,
            }
        );
    }

    #[test]
    fn a_key_ring_refuses_still_signs_and_both_kinds_verify() {
        for (bits, through_ring) in [(2048, true), (1024, false)] {
            let p12 =
                self_signed_pkcs12_of_size("Contoh Pejabat", "Diskominfo", "rahasia-uji", bits).unwrap();
            let key = Pkcs12Signer::new(p12).unlock("rahasia-uji").unwrap();
            assert_eq!(key.signs_through_ring(), through_ring, "{bits}-bit key");
            let signature = verify_pdf(&key.sign(letter().to_pdf(Some(&slot()))).unwrap()).unwrap();
            assert_eq!(signature.signer, "Contoh Pejabat", "{bits}-bit key");
            assert!(signature.covers_whole_file, "{bits}-bit key");
        }
    }

    #[test]
    fn another_producers_layout_verifies() {
        let pdf = signed_by_another_producer(key());
        let signature = verify_pdf(&pdf).unwrap();
        assert_eq!(signature.signer, "Contoh Pejabat");
        assert_eq!(signature.issuer, SUBJECT);
        // `/M` written as a hex string, in UTC.
        assert_eq!(signature.signed_at.as_deref(), Some("2026-11-26T10:15:00Z"));
        assert!(signature.covers_whole_file);
    }

    #[test]
    fn an_update_appended_after_signing_leaves_the_signature_intact_but_not_covering_the_file() {
        let mut pdf = signed();
        pdf.extend_from_slice(b"3 0 obj\n<</Type/Annot/Subtype/Text/Contents(catatan)>>\nendobj\n%%EOF\n");
        let signature = verify_pdf(&pdf).unwrap();
        assert_eq!(signature.signer, "Contoh Pejabat");
        assert!(!signature.covers_whole_file);
    }

    #[test]
    fn one_byte_changed_in_either_signed_range_is_caught() {
        let original = signed();
        let (b, c) = gap(&original);
        for at in [b / 2, c + (original.len() - c) / 2] {
            let mut pdf = original.clone();
            pdf[at] ^= 0x01;
            assert_eq!(refusal(&pdf), "isi PDF berubah setelah ditandatangani", "byte {at} changed");
        }
    }

    #[test]
    fn a_signature_value_the_key_did_not_make_is_refused() {
        let mut pdf = signed();
        let (b, _) = gap(&pdf);
        let cms = SignedSlot::find(&pdf).unwrap().cms().unwrap();
        // The RSA signature value is the last field of the only SignerInfo.
        let digit = b + 1 + 2 * (cms.len() - 10);
        pdf[digit] = if pdf[digit] == b'0' { b'1' } else { b'0' };
        assert_eq!(refusal(&pdf), "tanda tangan tidak cocok dengan sertifikatnya");
    }

    #[test]
    fn a_pdf_without_a_signature_is_refused_as_unsigned() {
        let plain = letter().to_pdf(None);
        assert_eq!(refusal(&plain), "berkas PDF tidak bertanda tangan elektronik");
        // Sopir's slot written but never filled.
        let blank_slot = letter().to_pdf(Some(&slot()));
        assert_eq!(refusal(&blank_slot), "berkas PDF tidak bertanda tangan elektronik");
    }

    #[test]
    fn garbage_in_the_contents_is_refused_as_unreadable() {
        let mut pdf = signed();
        let (b, c) = gap(&pdf);
        let garbage: Vec<u8> = b"DEADBEEF".iter().copied().cycle().take(c - b - 2).collect();
        pdf[b + 1..c - 1].copy_from_slice(&garbage);
        let why = refusal(&pdf);
        assert!(why.starts_with("tanda tangan di dalam PDF tidak terbaca: "), "{why}");

        let mut pdf = signed();
        pdf[b + 1] = b'x';
        assert_eq!(
            refusal(&pdf),
            "tanda tangan di dalam PDF tidak terbaca: isi /Contents bukan heksadesimal"
        );
    }

    #[test]
    fn a_signature_cut_short_is_refused_as_unreadable() {
        // The CMS loses its second half (zeros, as if the signer ran out of room).
        let mut pdf = signed();
        let (b, _) = gap(&pdf);
        let cms = SignedSlot::find(&pdf).unwrap().cms().unwrap();
        let half = b + 1 + cms.len();
        pdf[half..b + 1 + 2 * cms.len()].fill(b'0');
        let why = refusal(&pdf);
        assert!(
            why.starts_with("tanda tangan di dalam PDF tidak terbaca: CMS rusak atau terpotong"),
            "{why}"
        );

        // The file loses its end (an interrupted upload).
        let whole = signed();
        let why = refusal(&whole[..whole.len() - 40]);
        assert_eq!(
            why,
            "tanda tangan di dalam PDF tidak terbaca: /ByteRange melewati ujung berkas (berkas terpotong?)"
        );
    }

    #[test]
    fn a_byte_range_not_starting_at_zero_or_not_framing_the_contents_is_refused() {
        let pdf = signed_by_another_producer(key());
        let text = String::from_utf8(pdf.clone()).unwrap();
        let moved = text.replacen("/ByteRange[0 ", "/ByteRange[1 ", 1);
        assert_eq!(
            refusal(moved.as_bytes()),
            "tanda tangan di dalam PDF tidak terbaca: /ByteRange tidak dimulai dari awal berkas"
        );
        let (b, _) = gap(&pdf);
        let shifted = text.replacen(&format!("[0 {b}\n"), &format!("[0 {}\n", b - 1), 1);
        assert_eq!(
            refusal(shifted.as_bytes()),
            "tanda tangan di dalam PDF tidak terbaca: celah /ByteRange bukan isi /Contents <…>"
        );
    }

    #[test]
    fn pdf_dates_read_as_rfc_3339() {
        assert_eq!(pdf_date("D:20261126101500+07'00'").as_deref(), Some("2026-11-26T10:15:00+07:00"));
        assert_eq!(pdf_date("D:20261126101500Z").as_deref(), Some("2026-11-26T10:15:00Z"));
        assert_eq!(pdf_date("D:20261126101500-0530").as_deref(), Some("2026-11-26T10:15:00-05:30"));
        assert_eq!(pdf_date("D:2026"), None);
    }
}
