//! The DNS wire format the DNS connector speaks (RFC 1035, RFC 2136): the
//! names and records it may touch, the update and query messages it sends,
//! and the answers it reads back.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

pub const CLASS_IN: u16 = 1;
/// RFC 2136 §2.5.4: "delete an RR from an RRset" uses class NONE.
pub const CLASS_NONE: u16 = 254;
pub const CLASS_ANY: u16 = 255;
pub const TYPE_SOA: u16 = 6;
pub const TYPE_TSIG: u16 = 250;

const OPCODE_QUERY: u16 = 0;
const OPCODE_UPDATE: u16 = 5;
const FLAG_QR: u16 = 0x8000;
const FLAG_AA: u16 = 0x0400;
const FLAG_TC: u16 = 0x0200;

/// The largest TXT value accepted: a 4096-bit DKIM key fits, and the whole
/// update stays far below the 64 KiB a message can carry.
pub const TXT_MAX: usize = 2000;

/// The record types a subdomain entry may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordType {
    A,
    Aaaa,
    Cname,
    Txt,
}

impl RecordType {
    pub const ALL: [RecordType; 4] = [RecordType::A, RecordType::Aaaa, RecordType::Cname, RecordType::Txt];

    /// As written in zone files and in the registry.
    pub const fn key(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Cname => "CNAME",
            RecordType::Txt => "TXT",
        }
    }

    pub const fn code(self) -> u16 {
        match self {
            RecordType::A => 1,
            RecordType::Aaaa => 28,
            RecordType::Cname => 5,
            RecordType::Txt => 16,
        }
    }

    pub fn parse(key: &str) -> Option<RecordType> {
        RecordType::ALL.into_iter().find(|t| t.key().eq_ignore_ascii_case(key.trim()))
    }

    fn from_code(code: u16) -> Option<RecordType> {
        RecordType::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// An absolute domain name as a host name: lowercase, without the trailing
/// dot, labels of letters, digits, hyphens (not at either end) and
/// underscores (`_dmarc`, `_acme-challenge`). Wildcards and the root are
/// never a registry entry's name, so they are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    /// Reads a name as typed; the error says why in Indonesian.
    pub fn parse(text: &str) -> Result<Name, String> {
        let text = text.trim();
        let bare = text.strip_suffix('.').unwrap_or(text);
        if bare.is_empty() {
            return Err("nama domain kosong".into());
        }
        if bare.len() > 253 {
            return Err(format!("nama domain lebih dari 253 karakter ({})", bare.len()));
        }
        for label in bare.split('.') {
            if label.is_empty() {
                return Err(format!("'{text}' memuat label kosong (dua titik berurutan)"));
            }
            if label.len() > 63 {
                return Err(format!("label '{label}' lebih dari 63 karakter"));
            }
            if let Some(c) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
                return Err(format!(
                    "label '{label}' memuat karakter '{c}' (hanya huruf, angka, '-' dan '_' yang diizinkan)"
                ));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(format!("label '{label}' tidak boleh diawali atau diakhiri '-'"));
            }
        }
        Ok(Name(bare.to_ascii_lowercase()))
    }

    /// Without the trailing dot, as shown to people.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this name lies strictly below `zone` (the apex itself is
    /// not a subdomain).
    pub fn is_below(&self, zone: &Name) -> bool {
        self.0.len() > zone.0.len()
            && self.0.ends_with(&zone.0)
            && self.0.as_bytes()[self.0.len() - zone.0.len() - 1] == b'.'
    }

    /// Uncompressed and lowercase: also the canonical form TSIG digests.
    pub fn write(&self, out: &mut Vec<u8>) {
        for label in self.0.split('.') {
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
        out.push(0);
    }
}

/// With the trailing dot, as in zone files and `dig`.
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.", self.0)
    }
}

/// A record's data, checked against its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(Name),
    /// The text itself; split into 255-byte strings on the wire and joined
    /// again when read back.
    Txt(Vec<u8>),
}

impl RData {
    /// The approved value read for its type; the error says why.
    pub fn parse(rtype: RecordType, value: &str) -> Result<RData, String> {
        match rtype {
            RecordType::A => value
                .trim()
                .parse()
                .map(RData::A)
                .map_err(|_| format!("nilai rekaman A '{value}' bukan alamat IPv4")),
            RecordType::Aaaa => value
                .trim()
                .parse()
                .map(RData::Aaaa)
                .map_err(|_| format!("nilai rekaman AAAA '{value}' bukan alamat IPv6")),
            RecordType::Cname => Name::parse(value)
                .map(RData::Cname)
                .map_err(|why| format!("nilai rekaman CNAME '{value}' bukan nama domain: {why}")),
            RecordType::Txt => {
                if value.is_empty() {
                    Err("nilai rekaman TXT kosong".into())
                } else if value.len() > TXT_MAX {
                    Err(format!("nilai rekaman TXT lebih dari {TXT_MAX} byte ({})", value.len()))
                } else if value.chars().any(char::is_control) {
                    Err("nilai rekaman TXT memuat karakter kendali (baris baru, tab)".into())
                } else {
                    Ok(RData::Txt(value.as_bytes().to_vec()))
                }
            }
        }
    }

    pub fn rtype(&self) -> RecordType {
        match self {
            RData::A(_) => RecordType::A,
            RData::Aaaa(_) => RecordType::Aaaa,
            RData::Cname(_) => RecordType::Cname,
            RData::Txt(_) => RecordType::Txt,
        }
    }

    /// RDLENGTH and RDATA.
    fn write(&self, out: &mut Vec<u8>) {
        let mut data = Vec::new();
        match self {
            RData::A(ip) => data.extend_from_slice(&ip.octets()),
            RData::Aaaa(ip) => data.extend_from_slice(&ip.octets()),
            RData::Cname(name) => name.write(&mut data),
            RData::Txt(text) => {
                for chunk in text.chunks(255) {
                    data.push(chunk.len() as u8);
                    data.extend_from_slice(chunk);
                }
            }
        }
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(&data);
    }
}

/// As in a zone file: TXT quoted.
impl fmt::Display for RData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RData::A(ip) => write!(f, "{ip}"),
            RData::Aaaa(ip) => write!(f, "{ip}"),
            RData::Cname(name) => write!(f, "{name}"),
            RData::Txt(text) => {
                f.write_str("\"")?;
                for c in String::from_utf8_lossy(text).chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
        }
    }
}

/// What an update does with the one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// RFC 2136 §2.5.1: adding an RR already present changes nothing, so a
    /// retried run is harmless.
    Add { ttl: u32 },
    /// RFC 2136 §2.5.4: only this RR, never the rest of the name's RRset.
    Delete,
}

fn header(out: &mut Vec<u8>, id: u16, flags: u16, counts: [u16; 4]) {
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&flags.to_be_bytes());
    for count in counts {
        out.extend_from_slice(&count.to_be_bytes());
    }
}

/// An UPDATE for `zone` with one change and no prerequisites, unsigned
/// (TSIG is appended by the caller).
pub fn update(id: u16, zone: &Name, owner: &Name, rdata: &RData, change: Change) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    header(&mut out, id, OPCODE_UPDATE << 11, [1, 0, 1, 0]);
    zone.write(&mut out);
    out.extend_from_slice(&TYPE_SOA.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    owner.write(&mut out);
    out.extend_from_slice(&rdata.rtype().code().to_be_bytes());
    let (class, ttl) = match change {
        Change::Add { ttl } => (CLASS_IN, ttl),
        Change::Delete => (CLASS_NONE, 0),
    };
    out.extend_from_slice(&class.to_be_bytes());
    out.extend_from_slice(&ttl.to_be_bytes());
    rdata.write(&mut out);
    out
}

/// A non-recursive query (RD clear): only the authoritative server's own
/// data counts as the check.
pub fn query(id: u16, name: &Name, rtype: RecordType) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    header(&mut out, id, OPCODE_QUERY << 11, [1, 0, 0, 0]);
    name.write(&mut out);
    out.extend_from_slice(&rtype.code().to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    out
}

/// Adds one to ARCOUNT (after a TSIG record was appended).
pub fn count_additional(message: &mut [u8], delta: i16) {
    let count = u16::from_be_bytes([message[10], message[11]]).wrapping_add_signed(delta);
    message[10..12].copy_from_slice(&count.to_be_bytes());
}

/// A response's RCODE, named as in RFC 1035/2136/8945.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rcode(pub u16);

impl Rcode {
    pub const NOERROR: Rcode = Rcode(0);
    pub const NXDOMAIN: Rcode = Rcode(3);

    pub fn name(self) -> String {
        match self.0 {
            0 => "NOERROR".into(),
            1 => "FORMERR".into(),
            2 => "SERVFAIL".into(),
            3 => "NXDOMAIN".into(),
            4 => "NOTIMP".into(),
            5 => "REFUSED".into(),
            6 => "YXDOMAIN".into(),
            7 => "YXRRSET".into(),
            8 => "NXRRSET".into(),
            9 => "NOTAUTH".into(),
            10 => "NOTZONE".into(),
            16 => "BADSIG".into(),
            17 => "BADKEY".into(),
            18 => "BADTIME".into(),
            19 => "BADMODE".into(),
            20 => "BADNAME".into(),
            21 => "BADALG".into(),
            22 => "BADTRUNC".into(),
            other => format!("RCODE {other}"),
        }
    }
}

/// A record of an answer, its data decoded when it is one of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Lowercase, without the trailing dot.
    pub owner: String,
    pub rtype: u16,
    pub rdata: Option<RData>,
}

/// The TSIG record of a response (RFC 8945 §4.2) and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsigRecord {
    pub offset: usize,
    pub key_name: String,
    pub algorithm: String,
    pub time_signed: u64,
    pub fudge: u16,
    pub mac: Vec<u8>,
    pub original_id: u16,
    pub error: Rcode,
    pub other: Vec<u8>,
}

/// What the connector needs of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub id: u16,
    pub rcode: Rcode,
    pub authoritative: bool,
    pub truncated: bool,
    pub answers: Vec<Answer>,
    pub tsig: Option<TsigRecord>,
}

/// Only the header: to match a datagram to the request and see truncation
/// before anything else is trusted.
pub fn peek_header(message: &[u8]) -> Option<(u16, bool, bool)> {
    if message.len() < 12 {
        return None;
    }
    let flags = u16::from_be_bytes([message[2], message[3]]);
    Some((u16::from_be_bytes([message[0], message[1]]), flags & FLAG_QR != 0, flags & FLAG_TC != 0))
}

struct Reader<'a> {
    message: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|end| *end <= self.message.len());
        let end = end.ok_or_else(|| "jawaban server terpotong".to_string())?;
        let bytes = &self.message[self.at..end];
        self.at = end;
        Ok(bytes)
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A possibly compressed name, lowercase and without the trailing dot.
    fn name(&mut self) -> Result<String, String> {
        let (name, next) = read_name(self.message, self.at)?;
        self.at = next;
        Ok(name)
    }
}

/// Follows compression pointers (at most as many as the message has bytes,
/// so a loop cannot hang); answers the name and where the reader goes on.
fn read_name(message: &[u8], start: usize) -> Result<(String, usize), String> {
    let bad = || "nama dalam jawaban server rusak".to_string();
    let mut labels: Vec<String> = Vec::new();
    let mut at = start;
    let mut next = None;
    let mut jumps = 0;
    loop {
        let len = *message.get(at).ok_or_else(bad)? as usize;
        match len & 0xC0 {
            0x00 if len == 0 => {
                let name = labels.join(".");
                return Ok((name, next.unwrap_or(at + 1)));
            }
            0x00 => {
                let label = message.get(at + 1..at + 1 + len).ok_or_else(bad)?;
                labels.push(String::from_utf8_lossy(label).to_ascii_lowercase());
                at += 1 + len;
            }
            0xC0 => {
                let low = *message.get(at + 1).ok_or_else(bad)? as usize;
                next.get_or_insert(at + 2);
                at = ((len & 0x3F) << 8) | low;
                jumps += 1;
                if jumps > message.len() {
                    return Err(bad());
                }
            }
            _ => return Err(bad()),
        }
    }
}

fn decode_rdata(message: &[u8], rtype: u16, start: usize, data: &[u8]) -> Result<Option<RData>, String> {
    let Some(rtype) = RecordType::from_code(rtype) else {
        return Ok(None);
    };
    let bad = || format!("data rekaman {} dalam jawaban server rusak", rtype.key());
    Ok(Some(match rtype {
        RecordType::A => RData::A(<[u8; 4]>::try_from(data).map_err(|_| bad())?.into()),
        RecordType::Aaaa => RData::Aaaa(<[u8; 16]>::try_from(data).map_err(|_| bad())?.into()),
        RecordType::Cname => RData::Cname(Name(read_name(message, start)?.0)),
        RecordType::Txt => {
            let mut text = Vec::new();
            let mut rest = data;
            while let Some((&len, tail)) = rest.split_first() {
                let chunk = tail.get(..len as usize).ok_or_else(bad)?;
                text.extend_from_slice(chunk);
                rest = &tail[len as usize..];
            }
            RData::Txt(text)
        }
    }))
}

/// Reads a response; the error (Indonesian) says what was malformed.
pub fn parse(message: &[u8]) -> Result<Response, String> {
    let mut reader = Reader { message, at: 0 };
    let id = reader.u16()?;
    let flags = reader.u16()?;
    let qdcount = reader.u16()?;
    let ancount = reader.u16()?;
    let nscount = reader.u16()?;
    let arcount = reader.u16()?;
    for _ in 0..qdcount {
        reader.name()?;
        reader.take(4)?;
    }
    let mut answers = Vec::new();
    let mut tsig = None;
    let total = ancount as usize + nscount as usize + arcount as usize;
    for index in 0..total {
        let offset = reader.at;
        let owner = reader.name()?;
        let rtype = reader.u16()?;
        let _class = reader.u16()?;
        let _ttl = reader.u32()?;
        let length = reader.u16()? as usize;
        let start = reader.at;
        let data = reader.take(length)?;
        if rtype == TYPE_TSIG {
            // RFC 8945 §5.2: TSIG must be the last record.
            if index + 1 != total {
                return Err("rekaman TSIG dalam jawaban server bukan yang terakhir".into());
            }
            tsig = Some(parse_tsig(message, offset, owner, start, length)?);
        } else if index < ancount as usize {
            answers.push(Answer { owner, rtype, rdata: decode_rdata(message, rtype, start, data)? });
        }
    }
    Ok(Response {
        id,
        rcode: Rcode(flags & 0x000F),
        authoritative: flags & FLAG_AA != 0,
        truncated: flags & FLAG_TC != 0,
        answers,
        tsig,
    })
}

fn parse_tsig(
    message: &[u8],
    offset: usize,
    key_name: String,
    start: usize,
    length: usize,
) -> Result<TsigRecord, String> {
    let mut reader = Reader { message: &message[..start + length], at: start };
    let algorithm = reader.name()?;
    let time = reader.take(6)?;
    let time_signed = time.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let fudge = reader.u16()?;
    let mac_len = reader.u16()? as usize;
    let mac = reader.take(mac_len)?.to_vec();
    let original_id = reader.u16()?;
    let error = Rcode(reader.u16()?);
    let other_len = reader.u16()? as usize;
    let other = reader.take(other_len)?.to_vec();
    Ok(TsigRecord { offset, key_name, algorithm, time_signed, fudge, mac, original_id, error, other })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_lowercased() {
        assert_eq!(Name::parse("Layanan.Example.go.id.").unwrap().as_str(), "layanan.example.go.id");
        assert_eq!(Name::parse("_dmarc.example.go.id").unwrap().to_string(), "_dmarc.example.go.id.");
        assert!(Name::parse("").is_err());
        assert!(Name::parse(".").is_err());
        assert!(Name::parse("a..b").unwrap_err().contains("label kosong"));
        assert!(Name::parse("*.example.go.id").unwrap_err().contains("'*'"));
        assert!(Name::parse("-a.example.go.id").unwrap_err().contains("'-'"));
        assert!(Name::parse(&format!("{}.id", "a".repeat(64))).unwrap_err().contains("63"));
        assert!(Name::parse("a b.id").is_err());
    }

    #[test]
    fn below_means_strictly_below_at_a_label_boundary() {
        let zone = Name::parse("example.go.id").unwrap();
        assert!(Name::parse("layanan.example.go.id").unwrap().is_below(&zone));
        assert!(Name::parse("a.b.example.go.id").unwrap().is_below(&zone));
        assert!(!Name::parse("example.go.id").unwrap().is_below(&zone));
        assert!(!Name::parse("badexample.go.id").unwrap().is_below(&zone));
        assert!(!Name::parse("example.go.id.evil.id").unwrap().is_below(&zone));
    }

    #[test]
    fn values_are_checked_against_their_type() {
        assert_eq!(RData::parse(RecordType::A, "10.1.2.3").unwrap(), RData::A(Ipv4Addr::new(10, 1, 2, 3)));
        assert!(RData::parse(RecordType::A, "10.1.2").unwrap_err().contains("IPv4"));
        assert!(RData::parse(RecordType::A, "::1").is_err());
        assert!(RData::parse(RecordType::Aaaa, "2001:db8::1").is_ok());
        assert!(RData::parse(RecordType::Aaaa, "10.0.0.1").unwrap_err().contains("IPv6"));
        assert!(RData::parse(RecordType::Cname, "web.example.go.id.").is_ok());
        assert!(RData::parse(RecordType::Cname, "not a name").unwrap_err().contains("CNAME"));
        assert!(RData::parse(RecordType::Txt, "").is_err());
        assert!(RData::parse(RecordType::Txt, "a\nb").unwrap_err().contains("kendali"));
        assert!(RData::parse(RecordType::Txt, &"x".repeat(TXT_MAX + 1)).is_err());
        assert_eq!(RData::parse(RecordType::Txt, "say \"hi\"").unwrap().to_string(), r#""say \"hi\"""#);
        assert_eq!(RecordType::parse("aaaa"), Some(RecordType::Aaaa));
        assert_eq!(RecordType::parse("MX"), None);
    }

    #[test]
    fn an_update_adds_or_deletes_exactly_one_rr() {
        let zone = Name::parse("example.go.id").unwrap();
        let owner = Name::parse("www.example.go.id").unwrap();
        let rdata = RData::A(Ipv4Addr::new(10, 0, 0, 1));
        let add = update(0x1234, &zone, &owner, &rdata, Change::Add { ttl: 3600 });
        // id, opcode UPDATE, one zone, no prerequisite, one update, no additional
        assert_eq!(&add[..12], &[0x12, 0x34, 0x28, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
        let zone_end = 12 + 15 + 4;
        assert_eq!(&add[zone_end - 4..zone_end], &[0, 6, 0, 1]);
        let rr = &add[zone_end + 19..];
        assert_eq!(rr, &[0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 10, 0, 0, 1]);
        let delete = update(1, &zone, &owner, &rdata, Change::Delete);
        let rr = &delete[zone_end + 19..];
        assert_eq!(rr, &[0, 1, 0, 254, 0, 0, 0, 0, 0, 4, 10, 0, 0, 1]);
    }

    #[test]
    fn long_txt_is_split_into_strings_and_joined_when_read() {
        let name = Name::parse("t.example.go.id").unwrap();
        let text = "k".repeat(600);
        let rdata = RData::parse(RecordType::Txt, &text).unwrap();
        // A response answering the record with a compressed owner name.
        let mut message = query(7, &name, RecordType::Txt);
        message[2] = 0x84; // QR, AA
        message[7] = 1; // ANCOUNT
        message.extend_from_slice(&[0xC0, 12, 0, 16, 0, 1, 0, 0, 0, 60]);
        rdata.write(&mut message);
        assert_eq!(
            u16::from_be_bytes([message[message.len() - 603 - 2], message[message.len() - 603 - 1]]),
            603
        );
        let response = parse(&message).unwrap();
        assert!(response.authoritative);
        assert_eq!(response.answers.len(), 1);
        assert_eq!(response.answers[0].owner, "t.example.go.id");
        assert_eq!(response.answers[0].rdata, Some(rdata));
    }

    #[test]
    fn malformed_answers_are_errors_not_panics() {
        assert!(parse(&[0; 5]).is_err());
        // A name pointing at itself.
        let mut message = vec![0, 1, 0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        message.extend_from_slice(&[0xC0, 12, 0, 1, 0, 1]);
        assert!(parse(&message).is_err());
        // A record longer than the message.
        let mut message = vec![0, 1, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        message.extend_from_slice(&[0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 9, 1]);
        assert!(parse(&message).is_err());
    }

    #[test]
    fn rcodes_are_named() {
        assert_eq!(Rcode(9).name(), "NOTAUTH");
        assert_eq!(Rcode(16).name(), "BADSIG");
        assert_eq!(Rcode(42).name(), "RCODE 42");
    }
}
