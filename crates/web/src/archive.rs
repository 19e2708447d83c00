//! What kind of ZIP-based file an upload is — a plain archive or an office
//! document (docx, xlsx, odt, ods) — told from the archive's own directory
//! of entries and, for OpenDocument, its leading `mimetype` entry. Entries
//! are listed, never extracted.

/// The kinds of ZIP-based file told apart, with their media types.
pub const ZIP: (&str, &str) = ("zip", "application/zip");
pub const DOCX: (&str, &str) =
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
pub const XLSX: (&str, &str) = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
pub const ODT: (&str, &str) = ("odt", "application/vnd.oasis.opendocument.text");
pub const ODS: (&str, &str) = ("ods", "application/vnd.oasis.opendocument.spreadsheet");

/// The kind of a ZIP-based file, or `None` when `data` is not a readable
/// ZIP archive (a truncated or forged one included).
pub fn kind(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if !data.starts_with(b"PK\x03\x04") && !data.starts_with(b"PK\x05\x06") {
        return None;
    }
    let names = entries(data)?;
    let has = |name: &str| names.iter().any(|n| n == name);
    if let Some(media) = opendocument_type(data) {
        return match media {
            m if m == ODT.1 => Some(ODT),
            m if m == ODS.1 => Some(ODS),
            _ => Some(ZIP),
        };
    }
    if has("[Content_Types].xml") && has("word/document.xml") {
        Some(DOCX)
    } else if has("[Content_Types].xml") && has("xl/workbook.xml") {
        Some(XLSX)
    } else {
        Some(ZIP)
    }
}

/// The names in the archive's central directory (read by the SOP
/// importer's reader, which documents are also imported with).
pub fn entries(data: &[u8]) -> Option<Vec<String>> {
    sop::import::archive::Archive::open(data).map(|a| a.names())
}

/// An OpenDocument file begins with an uncompressed entry `mimetype`
/// holding its media type.
fn opendocument_type(data: &[u8]) -> Option<String> {
    sop::import::archive::Archive::open(data)?.opendocument_type()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ZIP archive of `files` as office programs write theirs (the
    /// importer's fixture writer).
    pub use sop::import::fixture::zip;

    pub fn docx() -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
    }

    pub fn xlsx() -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    }

    pub fn odt() -> Vec<u8> {
        zip(&[("mimetype", ODT.1.as_bytes()), ("content.xml", b"<office:document-content/>")])
    }

    #[test]
    fn office_documents_are_told_by_their_entries() {
        assert_eq!(kind(&docx()), Some(DOCX));
        assert_eq!(kind(&xlsx()), Some(XLSX));
        assert_eq!(kind(&odt()), Some(ODT));
        assert_eq!(kind(&zip(&[("mimetype", ODS.1.as_bytes())])), Some(ODS));
        assert_eq!(kind(&zip(&[("laporan.csv", b"a,b\n1,2\n")])), Some(ZIP));
        assert_eq!(entries(&docx()).unwrap(), ["[Content_Types].xml", "word/document.xml"]);
    }

    #[test]
    fn what_is_not_a_readable_archive_is_nothing() {
        let mut cut = docx();
        cut.truncate(cut.len() - 30);
        assert_eq!(kind(&cut), None, "a truncated archive");
        assert_eq!(kind(b"PK\x03\x04 but nothing after"), None);
        assert_eq!(kind(b"%PDF-1.7"), None);
        // A directory pointing past the end record.
        let mut forged = docx();
        let n = forged.len();
        forged[n - 6..n - 2].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(kind(&forged), None);
    }
}
