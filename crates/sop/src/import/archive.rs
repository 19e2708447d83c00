//! Reading the ZIP container of an office document (docx, odt): its
//! directory of entries and, for the few entries an import needs, their
//! content — inflated with a cap, so a small archive that unpacks to
//! gigabytes (a "zip bomb") is refused instead of filling memory.

use super::ImportError;

/// Most entries a directory may list before it is refused as unreasonable.
pub const MAX_ENTRIES: usize = 10_000;

/// Most bytes one entry may unpack to.
pub const MAX_ENTRY_BYTES: usize = 32 * 1024 * 1024;

/// One entry of the central directory.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    method: u16,
    flags: u16,
    compressed: usize,
    size: usize,
    local_header: usize,
}

/// An archive whose directory has been read; entries are inflated on demand.
pub struct Archive<'a> {
    data: &'a [u8],
    pub entries: Vec<Entry>,
}

fn u16_at(data: &[u8], at: usize) -> Option<usize> {
    data.get(at..at + 2).map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<usize> {
    data.get(at..at + 4).and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())
}

impl<'a> Archive<'a> {
    /// Reads the central directory from the end record; `None` when `data`
    /// is not a readable ZIP archive (a truncated or forged one included).
    pub fn open(data: &'a [u8]) -> Option<Archive<'a>> {
        if !data.starts_with(b"PK\x03\x04") && !data.starts_with(b"PK\x05\x06") {
            return None;
        }
        // The end record is the last 22 bytes, before a comment of at most 64 KiB.
        let earliest = data.len().saturating_sub(22 + 0xFFFF);
        let end =
            (earliest..=data.len().checked_sub(22)?).rev().find(|&i| data[i..].starts_with(b"PK\x05\x06"))?;
        let count = u16_at(data, end + 10)?;
        let size = u32_at(data, end + 12)?;
        let offset = u32_at(data, end + 16)?;
        if count > MAX_ENTRIES || offset.checked_add(size)? > end {
            return None;
        }
        let mut entries = Vec::with_capacity(count);
        let mut at = offset;
        for _ in 0..count {
            if !data.get(at..)?.starts_with(b"PK\x01\x02") {
                return None;
            }
            let name_len = u16_at(data, at + 28)?;
            let extra_len = u16_at(data, at + 30)?;
            let comment_len = u16_at(data, at + 32)?;
            let name = data.get(at + 46..at + 46 + name_len)?;
            entries.push(Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                flags: u16::try_from(u16_at(data, at + 8)?).ok()?,
                method: u16::try_from(u16_at(data, at + 10)?).ok()?,
                compressed: u32_at(data, at + 20)?,
                size: u32_at(data, at + 24)?,
                local_header: u32_at(data, at + 42)?,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        Some(Archive { data, entries })
    }

    /// The names in the directory, in its order.
    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.name.clone()).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }

    /// The unpacked content of entry `name`; `Ok(None)` when there is none.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        let Some(entry) = self.entries.iter().find(|e| e.name == name) else { return Ok(None) };
        if entry.flags & 1 == 1 {
            return Err(ImportError::Encrypted);
        }
        if entry.size > MAX_ENTRY_BYTES {
            return Err(ImportError::TooLarge { limit_kb: MAX_ENTRY_BYTES / 1024 });
        }
        let damaged = || ImportError::Damaged(format!("isi \"{name}\" dalam arsip tidak terbaca"));
        let header = entry.local_header;
        if !self.data.get(header..).is_some_and(|d| d.starts_with(b"PK\x03\x04")) {
            return Err(damaged());
        }
        let name_len = u16_at(self.data, header + 26).ok_or_else(damaged)?;
        let extra_len = u16_at(self.data, header + 28).ok_or_else(damaged)?;
        let start = header + 30 + name_len + extra_len;
        let packed = self.data.get(start..start + entry.compressed).ok_or_else(damaged)?;
        match entry.method {
            0 => Ok(Some(packed.to_vec())),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(packed, MAX_ENTRY_BYTES)
                .map(Some)
                .map_err(|e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                        ImportError::TooLarge { limit_kb: MAX_ENTRY_BYTES / 1024 }
                    }
                    _ => damaged(),
                }),
            _ => Err(damaged()),
        }
    }

    /// The entry as UTF-8 text.
    pub fn text(&self, name: &str) -> Result<Option<String>, ImportError> {
        match self.read(name)? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| ImportError::Damaged(format!("\"{name}\" bukan teks UTF-8"))),
        }
    }

    /// The media type an OpenDocument file names in its leading,
    /// uncompressed `mimetype` entry.
    pub fn opendocument_type(&self) -> Option<String> {
        let data = self.data;
        let name_len = u16_at(data, 26)?;
        let extra_len = u16_at(data, 28)?;
        if data.get(30..30 + name_len)? != b"mimetype" || u16_at(data, 8)? != 0 {
            return None;
        }
        let size = u32_at(data, 18)?.min(200);
        let start = 30 + name_len + extra_len;
        Some(String::from_utf8_lossy(data.get(start..start + size)?).into_owned())
    }
}
