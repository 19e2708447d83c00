//! Sopir's documents: the notification letter and the disposition sheet
//! laid out as A4 PDF with embedded fonts and a QR code, and the signing of
//! those PDFs and the checking of PDFs signed elsewhere. Pure: data in,
//! bytes out; nothing here knows of HTTP or SQL.

pub mod disposition_sheet;
pub mod font;
pub mod font_subset;
pub mod image;
pub mod letter;
pub mod letterhead;
pub mod monitoring_form;
pub mod pdf;
pub mod qr;
pub mod signature;
pub mod signature_check;
pub mod sop_document;
pub mod typeset;

pub use disposition_sheet::{DispositionSheet, Hop};
pub use image::Image;
pub use letter::{Letter, Verification};
pub use letterhead::Letterhead;
pub use monitoring_form::{MonitoringForm, MonitoringLine};
pub use pdf::{EmbeddedFile, SignatureSlot};
pub use signature::{Credentials, KnownCertificates, Pkcs12Signer, Signer, UnlockedKey};
pub use signature_check::{PdfSignature, verify_pdf};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("gambar tidak dapat dipakai: {0}")]
    Image(String),
    #[error("kata sandi sertifikat salah, atau berkas bukan PKCS#12")]
    Passphrase,
    #[error("sertifikat tidak dapat dipakai: {0}")]
    Certificate(String),
    #[error("penandatanganan gagal: {0}")]
    Signature(String),
    /// A signed PDF from elsewhere whose signature does not hold.
    #[error("{0}")]
    Verification(String),
}
