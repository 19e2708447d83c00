//! Checking what a person enters at a step against the step's declared
//! fields and attachments: every problem is named with its field and a
//! reason, and the accepted values come back normalised.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use sop::definition::{Attachment, Field, FieldKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's `name` (or `catatan`, `keputusan` for the action's own inputs).
    pub field: String,
    /// The field's label, as the user saw it.
    pub label: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, label: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_string(), label: label.to_string(), message: message.into() }
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$").unwrap()
});

/// Checks `values` against `fields`; unknown names are refused too.
pub fn check_fields(
    fields: &[Field],
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut accepted = BTreeMap::new();
    for name in values.keys().filter(|n| !fields.iter().any(|f| &f.name == *n)) {
        errors.push(FieldError::new(name, name, "isian ini tidak ada pada langkah ini"));
    }
    for field in fields {
        let raw = values.get(&field.name).map(|v| v.trim()).unwrap_or("");
        if raw.is_empty() {
            if field.required {
                errors.push(FieldError::new(&field.name, &field.label, "wajib diisi"));
            } else if let Some(when) = &field.required_when {
                let other = values.get(&when.field).map(|v| v.trim());
                if other == Some(when.value.as_str()) {
                    let label =
                        fields.iter().find(|f| f.name == when.field).map_or(&when.field, |f| &f.label);
                    let message = format!("wajib diisi bila {label} \"{}\"", when.value);
                    errors.push(FieldError::new(&field.name, &field.label, message));
                }
            }
            continue;
        }
        match check_value(field, raw) {
            Ok(value) => {
                accepted.insert(field.name.clone(), value);
            }
            Err(message) => errors.push(FieldError::new(&field.name, &field.label, message)),
        }
    }
    if errors.is_empty() { Ok(accepted) } else { Err(errors) }
}

/// Checks that every required attachment is present and none is unknown.
pub fn check_attachments(attachments: &[Attachment], given: &BTreeMap<String, String>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for name in given.keys().filter(|n| !attachments.iter().any(|a| &a.name == *n)) {
        errors.push(FieldError::new(name, name, "lampiran ini tidak diminta pada langkah ini"));
    }
    for a in
        attachments.iter().filter(|a| a.required && given.get(&a.name).is_none_or(|v| v.trim().is_empty()))
    {
        errors.push(FieldError::new(&a.name, &a.label, "lampiran wajib diunggah"));
    }
    errors
}

/// Checks an e-mail address (the same rule as the `email` field kind).
pub fn check_email(value: &str) -> Result<(), String> {
    if value.len() > 254 || !EMAIL.is_match(value) {
        return Err("bukan alamat e-mail yang sah, misalnya nama@lumajangkab.go.id".into());
    }
    Ok(())
}

/// Checks a NIP as typed (spaces allowed): 18 digits, and its parts (PP
/// 9/2003 numbering) possible — a birth date (YYYYMMDD), the month of
/// appointment (YYYYMM, not before birth), a sex digit (1 or 2) and a
/// serial not 000. Returns the digits.
pub fn check_nip(raw: &str) -> Result<String, String> {
    let nip = digits_only(raw);
    if nip.len() != 18 || !nip.chars().all(|c| c.is_ascii_digit()) {
        return Err("NIP harus 18 angka".into());
    }
    let part = |from: usize, to: usize| nip[from..to].parse::<i16>().unwrap_or(0);
    let born = jiff::civil::Date::new(part(0, 4), part(4, 6) as i8, part(6, 8) as i8);
    if born.is_err() || !(1900..=2100).contains(&part(0, 4)) {
        return Err("NIP tidak sah: tanggal lahir (angka ke-1 sampai ke-8, TTTTBBHH) tidak mungkin".into());
    }
    let (year, month) = (part(8, 12), part(12, 14));
    if !(1..=12).contains(&month) || year < part(0, 4) {
        return Err(
            "NIP tidak sah: bulan pengangkatan (angka ke-9 sampai ke-14, TTTTBB) tidak mungkin".into()
        );
    }
    if !matches!(&nip[14..15], "1" | "2") {
        return Err("NIP tidak sah: angka ke-15 (jenis kelamin) harus 1 atau 2".into());
    }
    if part(15, 18) == 0 {
        return Err("NIP tidak sah: nomor urut (tiga angka terakhir) tidak boleh 000".into());
    }
    Ok(nip)
}

/// The parts of a NIK (Permendagri on population administration): province
/// (11–94), regency and district (not 00), birth day (01–31, plus 40 for
/// women), birth month, and a serial that is not 0000.
fn check_nik_parts(nik: &str) -> Result<(), String> {
    let part = |from: usize, to: usize| nik[from..to].parse::<u32>().unwrap_or(0);
    let province = part(0, 2);
    if !(11..=94).contains(&province) {
        return Err(format!("NIK tidak sah: kode provinsi {:02} tidak ada (dua angka pertama)", province));
    }
    if part(2, 4) == 0 || part(4, 6) == 0 {
        return Err(
            "NIK tidak sah: kode kabupaten/kota dan kecamatan (angka ke-3 sampai ke-6) tidak boleh 00".into(),
        );
    }
    let day = part(6, 8);
    let day = if day > 40 { day - 40 } else { day };
    let month = part(8, 10);
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return Err("NIK tidak sah: tanggal lahir (angka ke-7 sampai ke-12, DDMMYY) tidak mungkin".into());
    }
    if part(12, 16) == 0 {
        return Err("NIK tidak sah: nomor urut (empat angka terakhir) tidak boleh 0000".into());
    }
    Ok(())
}

fn digits_only(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect()
}

fn check_value(field: &Field, raw: &str) -> Result<String, String> {
    let chars = raw.chars().count() as u32;
    if let Some(min) = field.min_length.filter(|&m| chars < m) {
        return Err(format!("paling sedikit {min} karakter (sekarang {chars})"));
    }
    if let Some(max) = field.max_length.filter(|&m| chars > m) {
        return Err(format!("paling banyak {max} karakter (sekarang {chars})"));
    }
    let value = match field.kind {
        FieldKind::Text | FieldKind::Textarea => raw.to_string(),
        FieldKind::Number => {
            let normal = raw.replace(',', ".");
            if normal.parse::<f64>().ok().filter(|n| n.is_finite()).is_none() {
                return Err("harus berupa angka".into());
            }
            normal
        }
        FieldKind::Date => {
            let date: jiff::civil::Date =
                raw.parse().map_err(|_| "bukan tanggal yang sah — tulis TTTT-BB-HH".to_string())?;
            date.to_string()
        }
        FieldKind::DateTime => {
            let at: jiff::civil::DateTime = raw
                .parse()
                .map_err(|_| "bukan tanggal dan jam yang sah — tulis TTTT-BB-HHTjj:mm".to_string())?;
            at.strftime("%Y-%m-%dT%H:%M").to_string()
        }
        FieldKind::Email => {
            check_email(raw)?;
            raw.to_lowercase()
        }
        FieldKind::Phone => {
            let digits = raw.chars().filter(char::is_ascii_digit).count();
            let allowed = raw.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
            if !allowed || !(8..=15).contains(&digits) {
                return Err("bukan nomor telepon yang sah (8–15 angka, boleh diawali +62)".into());
            }
            raw.to_string()
        }
        FieldKind::Nik => {
            let nik = digits_only(raw);
            if nik.len() != 16 || !nik.chars().all(|c| c.is_ascii_digit()) {
                return Err("NIK harus 16 angka".into());
            }
            check_nik_parts(&nik)?;
            nik
        }
        FieldKind::Nip => {
            let nip = digits_only(raw);
            if nip.len() != 18 || !nip.chars().all(|c| c.is_ascii_digit()) {
                return Err("NIP harus 18 angka".into());
            }
            nip
        }
        FieldKind::Domain => {
            let name = raw.to_lowercase().trim_end_matches('.').to_string();
            if !is_rfc1035_name(&name) {
                return Err("bukan nama domain yang sah (RFC 1035): huruf kecil, angka dan tanda hubung, tiap bagian diawali huruf, paling banyak 63 karakter".into());
            }
            name
        }
        FieldKind::Ip => {
            raw.parse::<IpAddr>().map_err(|_| "bukan alamat IP yang sah".to_string())?.to_string()
        }
        // Whether the id names a person of the agency is the workflow's
        // check: it alone has the organisation.
        FieldKind::Pegawai => raw.to_string(),
        FieldKind::Select => {
            if !field.options.iter().any(|o| o == raw) {
                return Err(format!("pilih salah satu: {}", field.options.join(", ")));
            }
            raw.to_string()
        }
    };
    if let Some(pattern) = &field.pattern {
        if !pattern.is_match(&value) {
            return Err(match &field.help {
                Some(help) => format!("bentuknya tidak sesuai: {help}"),
                None => "bentuknya tidak sesuai dengan ketentuan".to_string(),
            });
        }
    }
    Ok(value)
}

/// A host name per RFC 1035: dot-separated labels of letters, digits and
/// hyphens, each starting with a letter and not ending with a hyphen.
pub fn is_rfc1035_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label.starts_with(|c: char| c.is_ascii_lowercase())
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nip_is_checked_part_by_part() {
        assert_eq!(check_nip("19900101 201503 2 001").unwrap(), "199001012015032001");
        for (nip, why) in [
            ("12345", "18 angka"),
            ("199013012015032001", "tanggal lahir"),
            ("199001012015132001", "bulan pengangkatan"),
            ("199001011985032001", "bulan pengangkatan"),
            ("199001012015033001", "jenis kelamin"),
            ("199001012015032000", "nomor urut"),
        ] {
            let refused = check_nip(nip).unwrap_err();
            assert!(refused.contains(why), "{nip}: {refused}");
        }
    }

    fn field(name: &str, kind: FieldKind, required: bool) -> Field {
        Field {
            name: name.into(),
            label: name.to_uppercase(),
            kind,
            required,
            pattern: None,
            min_length: None,
            max_length: None,
            options: vec!["A".into(), "CNAME".into()],
            help: None,
            personal: kind == FieldKind::Nik,
            required_when: None,
            on_behalf: false,
        }
    }

    #[test]
    fn a_field_required_when_another_has_a_value() {
        let mut until = field("sampai", FieldKind::Date, false);
        until.required_when =
            Some(sop::definition::RequiredWhen { field: "rec".into(), value: "CNAME".into() });
        let fields = [field("rec", FieldKind::Select, true), until];
        let errors = check_fields(&fields, &values(&[("rec", "CNAME")])).unwrap_err();
        assert_eq!(
            (errors[0].field.as_str(), errors[0].message.as_str()),
            ("sampai", "wajib diisi bila REC \"CNAME\"")
        );
        assert!(check_fields(&fields, &values(&[("rec", "A")])).is_ok(), "otherwise optional");
        assert!(check_fields(&fields, &values(&[("rec", "CNAME"), ("sampai", "2027-01-31")])).is_ok());
    }

    #[test]
    fn an_implausible_nik_is_refused_naming_the_part() {
        let fields = [field("nik", FieldKind::Nik, true)];
        let cases = [
            ("9908014508900001", "NIK tidak sah: kode provinsi 99 tidak ada (dua angka pertama)"),
            (
                "3500014508900001",
                "NIK tidak sah: kode kabupaten/kota dan kecamatan (angka ke-3 sampai ke-6) tidak boleh 00",
            ),
            (
                "3508011234560001",
                "NIK tidak sah: tanggal lahir (angka ke-7 sampai ke-12, DDMMYY) tidak mungkin",
            ),
            (
                "3508017508900001",
                "NIK tidak sah: tanggal lahir (angka ke-7 sampai ke-12, DDMMYY) tidak mungkin",
            ),
            ("3508014508900000", "NIK tidak sah: nomor urut (empat angka terakhir) tidak boleh 0000"),
            ("350801450890", "NIK harus 16 angka"),
        ];
        for (nik, message) in cases {
            let errors = check_fields(&fields, &values(&[("nik", nik)])).unwrap_err();
            assert_eq!(errors[0].message, message, "{nik}");
        }
        // A woman's birth day carries 40: the 5th becomes 45.
        assert!(check_fields(&fields, &values(&[("nik", "3508014508900001")])).is_ok());
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn each_kind_accepts_good_values_normalised() {
        let fields = [
            field("nik", FieldKind::Nik, true),
            field("nip", FieldKind::Nip, true),
            field("mail", FieldKind::Email, true),
            field("dns", FieldKind::Domain, true),
            field("ip", FieldKind::Ip, true),
            field("tgl", FieldKind::Date, true),
            field("rec", FieldKind::Select, true),
            field("hp", FieldKind::Phone, true),
        ];
        let ok = check_fields(
            &fields,
            &values(&[
                ("nik", "3508 0145 0890 0001"),
                ("nip", "19780910 199802 1 001"),
                ("mail", "Admin@LumajangKab.go.id"),
                ("dns", "SIPD.lumajangkab.go.id."),
                ("ip", "10.0.0.7"),
                ("tgl", "2026-11-26"),
                ("rec", "CNAME"),
                ("hp", "+62 812-3456-7890"),
            ]),
        )
        .unwrap();
        assert_eq!(ok["nik"], "3508014508900001");
        assert_eq!(ok["nip"], "197809101998021001");
        assert_eq!(ok["mail"], "admin@lumajangkab.go.id");
        assert_eq!(ok["dns"], "sipd.lumajangkab.go.id");
    }

    #[test]
    fn every_bad_value_is_named_with_its_reason() {
        let fields = [
            field("nik", FieldKind::Nik, true),
            field("dns", FieldKind::Domain, true),
            field("wajib", FieldKind::Text, true),
            field("rec", FieldKind::Select, false),
        ];
        let errors = check_fields(
            &fields,
            &values(&[("nik", "12345"), ("dns", "-bad-"), ("rec", "MX"), ("lain", "x")]),
        )
        .unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(got[0], ("lain", "isian ini tidak ada pada langkah ini"));
        assert_eq!(got[1], ("nik", "NIK harus 16 angka"));
        assert_eq!(got[2].0, "dns");
        assert_eq!(got[3], ("wajib", "wajib diisi"));
        assert_eq!(got[4], ("rec", "pilih salah satu: A, CNAME"));
    }

    #[test]
    fn rfc1035_names() {
        for good in ["a", "sipd", "e-kinerja2", "sipd.lumajangkab.go.id"] {
            assert!(is_rfc1035_name(good), "{good}");
        }
        for bad in ["", "1abc", "-a", "a-", "a..b", "a_b", "Ab", &"a".repeat(64)] {
            assert!(!is_rfc1035_name(bad), "{bad}");
        }
    }
}
