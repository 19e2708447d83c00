//! PDFs signed outside Sopir, as SRIKANDI or a certificate authority's
//! service would hand them back: their CMS is made by OpenSSL, an
//! independent producer, in the compact layout other producers write
//! (`fixtures/signed_elsewhere.py` made them; pdfsig calls the RSA and
//! ECDSA ones valid). Sopir must name their signer, and refuse them once a
//! byte is changed.

use documents::{DocumentError, PdfSignature, verify_pdf};

const RSA_SHA384: &[u8] = include_bytes!("fixtures/rsa-sha384.pdf");
const RSA_KEY_ID: &[u8] = include_bytes!("fixtures/rsa-keyid.pdf");
const ECDSA: &[u8] = include_bytes!("fixtures/ecdsa.pdf");

fn refusal(pdf: &[u8]) -> String {
    match verify_pdf(pdf) {
        Err(DocumentError::Verification(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_pdf_signed_elsewhere_names_its_signer_and_the_ca_that_issued_the_certificate() {
    let signature = verify_pdf(RSA_SHA384).unwrap();
    assert_eq!(
        signature,
        PdfSignature {
            signer: "Pejabat Uji Srikandi".into(),
            issuer: "CN=CA Uji Sopir,O=Otoritas Uji,C=ID".into(),
            // OpenSSL's signing-time attribute, bound by the signature, before the dictionary's /M.
            signed_at: Some("2026-11-29T18:23:33Z".into()),
            covers_whole_file: true,
        }
    );
}

#[test]
fn a_signer_named_by_subject_key_identifier_with_sha_512_verifies() {
    let signature = verify_pdf(RSA_KEY_ID).unwrap();
    assert_eq!(signature.signer, "Pejabat Uji Srikandi");
    assert_eq!(signature.issuer, "CN=CA Uji Sopir,O=Otoritas Uji,C=ID");
}

#[test]
fn a_pdf_signed_elsewhere_and_changed_afterwards_is_refused() {
    for original in [RSA_SHA384, RSA_KEY_ID] {
        let mut pdf = original.to_vec();
        // "/Type/Catalog" near the start, inside the first signed range.
        pdf[20] ^= 0x20;
        assert_eq!(refusal(&pdf), "isi PDF berubah setelah ditandatangani");
    }
}

#[test]
fn an_ecdsa_signature_is_refused_as_not_yet_supported() {
    assert_eq!(refusal(ECDSA), "jenis kunci ECDSA belum didukung");
}
