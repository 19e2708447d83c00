//! Reading a multipart form: its text fields and its files, each file
//! checked against the step's attachment rules — size, and kind by content
//! (the first bytes), never by the name's extension alone.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::http::StatusCode;
use engine::form::FieldError;
use sop::definition::Attachment;
use store::Upload;

use crate::error::WebError;
use crate::i18n::{Lang, Msg};

pub struct FormData {
    pub fields: BTreeMap<String, String>,
    pub files: Vec<Upload>,
    /// Problems with the files, by attachment name.
    pub file_errors: Vec<FieldError>,
}

impl FormData {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The values of the step's own fields (anything else sent is ignored).
    pub fn step_values(&self, fields: &[sop::definition::Field]) -> BTreeMap<String, String> {
        fields.iter().filter_map(|f| self.fields.get(&f.name).map(|v| (f.name.clone(), v.clone()))).collect()
    }
}

/// The kind of file the bytes are, by their signature.
pub fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"%PDF-") {
        Some(("pdf", "application/pdf"))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("png", "image/png"))
    } else {
        crate::archive::kind(data)
    }
}

/// The start of a base64 (standard, padded) text whose bytes [`sniff`] finds
/// to be of `kind`, with the character after it free (its bits are not part
/// of the signature); `None` for a kind told by more than its first bytes.
fn base64_signature(kind: &str) -> Option<&'static str> {
    match kind {
        "pdf" => Some("JVBERi0"),
        "jpg" | "jpeg" => Some("/9j/"),
        "png" => Some("iVBORw0KGgo"),
        _ => None,
    }
}

/// A pattern the base64 of a file accepted as `accept` matches — one of
/// the kinds' signatures, then whole base64 — for an API schema; `None`
/// when a kind accepted is not told by a signature (a zip, an office file).
pub fn content_pattern(accept: &[String]) -> Option<String> {
    const B64: &str = "[A-Za-z0-9+/]";
    let starts: Option<Vec<String>> = accept
        .iter()
        .map(|kind| {
            let signature = base64_signature(kind)?;
            // Up to the next whole group of four characters.
            let free = (4 - signature.len() % 4) % 4;
            Some(format!("{}{}", signature.replace('+', "\\+"), B64.repeat(free)))
        })
        .collect();
    let starts = starts.filter(|s| !s.is_empty())?;
    // A padded end whose last character carries only zero bits, as the
    // decoder insists.
    let end = format!("{B64}[AQgw]==|{B64}{{2}}[AEIMQUYcgkosw048]=");
    Some(format!("^(?:{})(?:{B64}{{4}})*(?:{end})?$", starts.join("|")))
}

/// Whether a file of `kind` answers an attachment accepting `accept`: the
/// same kind, a jpeg for a jpg, and any ZIP-based file (an office document
/// is one) where a zip archive is accepted.
fn accepts(accept: &[String], kind: &str) -> bool {
    let zip_based = [crate::archive::ZIP.0, "docx", "xlsx", "odt", "ods"].contains(&kind);
    accept.iter().any(|a| a == kind || (a == "jpeg" && kind == "jpg") || (a == "zip" && zip_based))
}

/// Reads the form; files are kept only for the step's declared attachments.
pub async fn read(
    multipart: Result<Multipart, MultipartRejection>,
    attachments: &[Attachment],
    lang: Lang,
) -> Result<FormData, WebError> {
    let bad = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(format!(
                "{} {} MB.",
                lang.t(Msg::FormTooLarge),
                crate::MAX_BODY_BYTES / 1024 / 1024
            ))
        } else {
            WebError::BadRequest(lang.t(Msg::BadForm).to_string())
        }
    };
    let mut multipart = multipart.map_err(|_| WebError::BadRequest(lang.t(Msg::BadForm).to_string()))?;
    let mut data = FormData { fields: BTreeMap::new(), files: Vec::new(), file_errors: Vec::new() };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(bad)?;
            if filename.is_empty() && bytes.is_empty() {
                continue;
            }
            let Some(rule) = attachments.iter().find(|a| a.name == name) else { continue };
            match check_file(rule, &filename, bytes.to_vec(), lang) {
                Ok(upload) => data.files.push(upload),
                Err(e) => data.file_errors.push(e),
            }
        } else {
            let text = field.text().await.map_err(bad)?;
            data.fields.insert(name, text);
        }
    }
    Ok(data)
}

/// A file for attachment `rule`, checked: its size and its kind by content.
pub fn check_file(
    rule: &Attachment,
    filename: &str,
    bytes: Vec<u8>,
    lang: Lang,
) -> Result<Upload, FieldError> {
    let kind = sniff(&bytes);
    let accepted = kind.is_some_and(|(k, _)| accepts(&rule.accept, k));
    let error = if bytes.len() as u64 > u64::from(rule.max_kb) * 1024 {
        Some(format!("{} {} KB", lang.t(Msg::FileTooLarge), rule.max_kb))
    } else if !accepted {
        Some(format!("{} {}", lang.t(Msg::FileWrongKind), rule.accept.join(", ").to_uppercase()))
    } else {
        None
    };
    match error {
        Some(message) => Err(FieldError::new(&rule.name, &rule.label, message)),
        None => Ok(Upload {
            name: rule.name.clone(),
            filename: safe_filename(filename),
            content_type: kind.map(|(_, ct)| ct).unwrap_or("application/octet-stream").to_string(),
            data: bytes,
        }),
    }
}

/// A stored file as a download, under its (cleaned) name.
pub fn download(file: store::Attachment) -> axum::response::Response {
    use axum::response::IntoResponse;
    let disposition = format!("attachment; filename=\"{}\"", safe_filename(&file.filename));
    (
        [
            (axum::http::header::CONTENT_TYPE, file.content_type),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        file.data,
    )
        .into_response()
}

/// A file name safe to store and to send back in a header.
pub fn safe_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' })
        .take(120)
        .collect();
    if clean.trim().is_empty() { "lampiran".into() } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(("pdf", "application/pdf")));
        // A text the API schema's pattern allows is a file of that kind.
        use base64::Engine;
        let pdf = regex::Regex::new(&content_pattern(&["pdf".into()]).unwrap()).unwrap();
        for text in ["JVBERi0xLjQ=", "JVBERi0AAAAA", "JVBERi0xLjcKJeLjz9MK"] {
            assert!(pdf.is_match(text), "{text}");
            let bytes = base64::engine::general_purpose::STANDARD.decode(text).unwrap();
            assert_eq!(sniff(&bytes).map(|k| k.0), Some("pdf"), "{text}");
        }
        for text in ["JVBERi0", "aGFsbw==", "JVBERi0xLjQ", "JVBERi0xLjR=", "JVBERi0xLjQKJH=="] {
            // Refused rightly: not base64 the decoder takes, or not a PDF.
            let bytes = base64::engine::general_purpose::STANDARD.decode(text);
            assert!(bytes.map_or(true, |b| sniff(&b).map(|k| k.0) != Some("pdf")), "{text}");
            assert!(!pdf.is_match(text), "{text}");
        }
        let images = regex::Regex::new(&content_pattern(&["jpg".into(), "png".into()]).unwrap()).unwrap();
        for (text, kind) in [("/9j/4AAQ", "jpg"), ("iVBORw0KGgoA", "png")] {
            assert!(images.is_match(text), "{text}");
            let bytes = base64::engine::general_purpose::STANDARD.decode(text).unwrap();
            assert_eq!(sniff(&bytes).map(|k| k.0), Some(kind), "{text}");
        }
        assert_eq!(content_pattern(&["zip".into()]), None);
        assert_eq!(sniff(b"MZ\x90\x00 not a pdf"), None);
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(("png", "image/png")));
    }

    #[test]
    fn office_documents_and_archives_are_known_by_their_content_and_size() {
        use crate::archive::tests::{docx, odt, xlsx, zip};
        let rule = |accept: &[&str], max_kb| Attachment {
            name: "berkas".into(),
            label: "Berkas".into(),
            required: true,
            accept: accept.iter().map(|a| a.to_string()).collect(),
            max_kb,
        };
        let office = rule(&["docx", "xlsx", "odt"], 64);
        for (bytes, kind) in [(docx(), "docx"), (xlsx(), "xlsx"), (odt(), "odt")] {
            let upload = check_file(&office, "a.bin", bytes, Lang::Id).expect(kind);
            assert_eq!(upload.content_type, crate::archive::kind(&upload.data).unwrap().1);
        }
        // A PDF renamed .docx, or a plain archive, is not a Word document.
        let pdf = check_file(&office, "surat.docx", b"%PDF-1.7 ...".to_vec(), Lang::Id).unwrap_err();
        assert!(pdf.message.contains("DOCX, XLSX, ODT"), "{}", pdf.message);
        assert!(check_file(&office, "a.docx", zip(&[("a.txt", b"x")]), Lang::Id).is_err());
        // Where an archive is asked for, any ZIP is one; the size still counts.
        let archive = rule(&["zip"], 1);
        assert!(check_file(&archive, "log.zip", xlsx(), Lang::Id).is_ok());
        let big = zip(&[("log.txt", &[b'x'; 2048])]);
        let too_big = check_file(&archive, "log.zip", big, Lang::Id).unwrap_err();
        assert!(too_big.message.contains("1 KB"), "{}", too_big.message);
    }

    #[test]
    fn file_names_lose_paths_and_odd_characters() {
        assert_eq!(safe_filename("C:\\Users\\x\\Surat Permohonan.pdf"), "Surat Permohonan.pdf");
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("a\"b;\r\n.pdf"), "a_b___.pdf");
        assert_eq!(safe_filename(""), "lampiran");
    }
}
