//! Import of existing SOP documents: a `.docx`, `.odt` or text PDF in the
//! PermenPANRB 35/2012 layout (identity page and flowchart matrix) becomes
//! a draft definition, with every value the import was unsure of listed.
//! Pure: bytes in, text out; nothing is stored or fetched.
//!
//! Word and OpenDocument files are ZIP archives of XML whose tables are read
//! cell by cell ([`docx`], [`odt`], then [`tables`]); a PDF's text and
//! drawing are read from its content streams ([`pdf_text`]) and laid out by
//! position ([`page_layout`]). All three end as a [`reading::Reading`],
//! which [`draft`] writes as a definition.

pub mod archive;
mod docx;
pub mod draft;
#[cfg(feature = "fixtures")]
pub mod fixture;
pub mod mark;
mod odt;
mod page_layout;
mod pdf_text;
pub mod reading;
mod tables;

pub use draft::{Fit, Unsure};

use crate::agency::Agency;

/// Largest document taken (the seeds' sources are a few hundred KB).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Why a document cannot be imported; nothing is made of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("berkas terlalu besar: paling besar {limit_kb} KB")]
    TooLarge { limit_kb: usize },
    #[error("berkas ini bukan dokumen .docx, .odt atau PDF (dikenali dari isinya, bukan dari namanya)")]
    UnknownFormat,
    #[error("berkas terkunci dengan kata sandi (terenkripsi); buka kuncinya lalu unggah lagi")]
    Encrypted,
    #[error(
        "PDF ini tidak mempunyai lapisan teks (hasil pindai); Sopir tidak membaca gambar — unggah berkas Word/ODT-nya atau PDF yang disimpan langsung dari pengolah kata"
    )]
    NoText,
    #[error("berkas ini tidak terbaca sebagai SOP format PermenPANRB 35/2012: {0}")]
    NotAnSop(String),
    #[error("berkas rusak atau tidak terbaca: {0}")]
    Damaged(String),
}

impl ImportError {
    /// A stable code for the API and the UI's translation.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::TooLarge { .. } => "too-large",
            ImportError::UnknownFormat => "unknown-format",
            ImportError::Encrypted => "encrypted",
            ImportError::NoText => "no-text",
            ImportError::NotAnSop(_) => "not-an-sop",
            ImportError::Damaged(_) => "damaged",
        }
    }
}

/// The kinds of document taken, told by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Docx,
    Odt,
    Pdf,
}

impl DocumentKind {
    /// As the API names it: its usual file extension.
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Docx => "docx",
            DocumentKind::Odt => "odt",
            DocumentKind::Pdf => "pdf",
        }
    }

    /// The kind `data` is, by its first bytes and (for ZIP files) the
    /// entries that make an office document one.
    pub fn sniff(data: &[u8]) -> Option<DocumentKind> {
        if data.starts_with(b"%PDF-") {
            return Some(DocumentKind::Pdf);
        }
        let archive = archive::Archive::open(data)?;
        if archive.opendocument_type().as_deref() == Some("application/vnd.oasis.opendocument.text") {
            Some(DocumentKind::Odt)
        } else if archive.has("[Content_Types].xml") && archive.has("word/document.xml") {
            Some(DocumentKind::Docx)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            DocumentKind::Docx => "docx",
            DocumentKind::Odt => "odt",
            DocumentKind::Pdf => "pdf",
        }
    }

    fn described(self) -> &'static str {
        match self {
            DocumentKind::Docx => "dokumen Word (.docx)",
            DocumentKind::Odt => "dokumen OpenDocument (.odt)",
            DocumentKind::Pdf => "PDF",
        }
    }
}

/// A Word document saved with a password is no ZIP but an OLE compound
/// file holding an `EncryptedPackage` stream.
fn is_encrypted_office(data: &[u8]) -> bool {
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    data.starts_with(&OLE) && data.windows(name.len()).any(|w| w == name.as_slice())
}

/// A definition made from a document: its text (TOML, to be checked and
/// corrected like any other) and what the import was unsure of.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: DocumentKind,
    pub toml: String,
    pub unsure: Vec<Unsure>,
}

/// Reads `data` as an SOP document. `agency`, when given, is the agency the
/// draft is for: its id starts the draft's, and its positions and
/// letterhead are matched to what the document prints.
pub fn import(data: &[u8], agency: Option<&Agency>) -> Result<Draft, ImportError> {
    if data.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError::TooLarge { limit_kb: MAX_DOCUMENT_BYTES / 1024 });
    }
    let Some(kind) = DocumentKind::sniff(data) else {
        return Err(if is_encrypted_office(data) {
            ImportError::Encrypted
        } else {
            ImportError::UnknownFormat
        });
    };
    let reading = match kind {
        DocumentKind::Docx => tables::read(&docx::blocks(data)?),
        DocumentKind::Odt => tables::read(&odt::blocks(data)?),
        DocumentKind::Pdf => page_layout::read(&pdf_text::pages(data)?),
    };
    if reading.rows.is_empty() && reading.fields.len() < 2 {
        return Err(ImportError::NotAnSop(
            "tidak ada halaman identitas (Nomor SOP, Nama SOP, …) dan tidak ada matriks kegiatan (No, Kegiatan, Pelaksana, Mutu Baku)".into(),
        ));
    }
    if reading.rows.is_empty() {
        return Err(ImportError::NotAnSop(
            "halaman identitas ada, tetapi matriks kegiatan (kolom No, Kegiatan, Pelaksana, Mutu Baku) tidak ditemukan".into(),
        ));
    }
    let (toml, unsure) = draft::write(&reading, kind.described(), Fit { agency });
    Ok(Draft { kind, toml, unsure })
}
