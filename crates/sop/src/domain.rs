//! Internet names an agency hands out: domain names (RFC 1035 labels as
//! DNS uses them today: letters, digits and hyphens) and the local part of
//! e-mail addresses. Messages are in Indonesian, for the administrator who
//! typed the name.

/// Names no unit may take: they belong to the agency's own services.
pub const RESERVED_LABELS: [&str; 16] = [
    "www",
    "mail",
    "vpn",
    "ns",
    "ns1",
    "ns2",
    "ftp",
    "smtp",
    "imap",
    "pop",
    "pop3",
    "webmail",
    "mx",
    "autodiscover",
    "localhost",
    "admin",
];

/// Mailbox names every mail domain keeps for itself (RFC 2142 and common practice).
pub const RESERVED_MAILBOXES: [&str; 10] = [
    "postmaster",
    "abuse",
    "hostmaster",
    "webmaster",
    "admin",
    "root",
    "noreply",
    "no-reply",
    "security",
    "mailer-daemon",
];

/// Checks one label of a domain name.
fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() {
        return Err("ada bagian nama yang kosong (dua titik berurutan, atau titik di awal/akhir)".into());
    }
    if label.len() > 63 {
        return Err(format!("bagian \"{label}\" {} karakter; paling banyak 63", label.len()));
    }
    if let Some(bad) = label.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Err(format!(
            "bagian \"{label}\" memuat \"{bad}\"; hanya huruf kecil a-z, angka dan tanda hubung yang boleh"
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!("bagian \"{label}\" tidak boleh diawali atau diakhiri tanda hubung"));
    }
    Ok(())
}

/// Checks a whole domain name such as `lumajangkab.go.id`.
pub fn check_domain(name: &str) -> Result<(), String> {
    if name.len() > 253 {
        return Err(format!("nama domain {} karakter; paling banyak 253", name.len()));
    }
    if name.split('.').count() < 2 {
        return Err(format!("\"{name}\" bukan nama domain lengkap (misalnya sipd.lumajangkab.go.id)"));
    }
    name.split('.').try_for_each(check_label)
}

/// Checks `fqdn` as a new subdomain directly under `parent` (when the agency
/// has one configured): lower case, valid labels, not a reserved name.
pub fn check_subdomain(fqdn: &str, parent: &str) -> Result<(), String> {
    check_domain(fqdn)?;
    if parent.is_empty() {
        return Ok(());
    }
    let Some(label) = fqdn.strip_suffix(parent).and_then(|rest| rest.strip_suffix('.')) else {
        return Err(format!("harus berada di bawah domain instansi {parent}, misalnya sipd.{parent}"));
    };
    if label.contains('.') {
        return Err(format!("hanya satu tingkat di bawah {parent}: \"{label}\" memuat titik"));
    }
    if RESERVED_LABELS.contains(&label) {
        return Err(format!("\"{label}\" dicadangkan untuk layanan instansi sendiri"));
    }
    Ok(())
}

/// Checks an e-mail address to be created under `mail_domain` (when set):
/// the local part 1–64 characters of a-z, 0-9, `.`, `_`, `-`, no dot at
/// either end nor two in a row, and not a reserved mailbox.
pub fn check_mailbox(address: &str, mail_domain: &str) -> Result<(), String> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err("bukan alamat e-mail (tidak ada @)".into());
    };
    if !mail_domain.is_empty() && domain != mail_domain {
        return Err(format!("harus beralamat @{mail_domain}"));
    }
    check_domain(domain)?;
    if local.is_empty() || local.len() > 64 {
        return Err(format!("nama sebelum @ {} karakter; harus 1 sampai 64", local.len()));
    }
    if let Some(bad) = local
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "nama sebelum @ memuat \"{bad}\"; hanya huruf kecil, angka, titik, garis bawah dan tanda hubung"
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("nama sebelum @ tidak boleh diawali, diakhiri, atau memuat dua titik berurutan".into());
    }
    if RESERVED_MAILBOXES.contains(&local) {
        return Err(format!("\"{local}\" dicadangkan untuk pengelola server e-mail"));
    }
    Ok(())
}

/// Checks a DNS record's value against its type: an IPv4 address for `A`,
/// an IPv6 address for `AAAA`, a domain name for `CNAME`, a text of at most
/// [`TXT_MAX_BYTES`] without control characters for `TXT` (a site
/// verification, an SPF policy).
/// Longest TXT record value accepted (the DNS connector splits it into
/// strings of 255 bytes).
pub const TXT_MAX_BYTES: usize = 2000;

pub fn check_record(record_type: &str, value: &str) -> Result<(), String> {
    match record_type {
        "A" if value.parse::<std::net::Ipv4Addr>().is_err() => {
            Err(format!("\"{value}\" bukan alamat IPv4 untuk record A (misalnya 10.10.1.7)"))
        }
        "AAAA" if value.parse::<std::net::Ipv6Addr>().is_err() => {
            Err(format!("\"{value}\" bukan alamat IPv6 untuk record AAAA (misalnya 2001:db8::7)"))
        }
        "CNAME" => {
            check_domain(value.trim_end_matches('.')).map_err(|e| format!("tujuan CNAME tidak sah: {e}"))
        }
        "TXT" if value.is_empty() || value.len() > TXT_MAX_BYTES || value.chars().any(char::is_control) => {
            Err(format!(
                "isi record TXT: 1 sampai {TXT_MAX_BYTES} byte, tanpa baris baru atau karakter kendali"
            ))
        }
        "A" | "AAAA" | "TXT" => Ok(()),
        other => Err(format!("jenis record \"{other}\" tidak dikenal; pilih A, AAAA, CNAME atau TXT")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_follow_the_label_rules_and_stay_under_the_agency() {
        let parent = "lumajangkab.go.id";
        assert_eq!(check_subdomain("sipd.lumajangkab.go.id", parent), Ok(()));
        let refused = [
            (
                "Sipd.lumajangkab.go.id",
                "bagian \"Sipd\" memuat \"S\"; hanya huruf kecil a-z, angka dan tanda hubung yang boleh",
            ),
            ("-sipd.lumajangkab.go.id", "bagian \"-sipd\" tidak boleh diawali atau diakhiri tanda hubung"),
            (
                "si_pd.lumajangkab.go.id",
                "bagian \"si_pd\" memuat \"_\"; hanya huruf kecil a-z, angka dan tanda hubung yang boleh",
            ),
            (
                "sipd..lumajangkab.go.id",
                "ada bagian nama yang kosong (dua titik berurutan, atau titik di awal/akhir)",
            ),
            (
                "sipd.trenggalekkab.go.id",
                "harus berada di bawah domain instansi lumajangkab.go.id, misalnya sipd.lumajangkab.go.id",
            ),
            ("a.b.lumajangkab.go.id", "hanya satu tingkat di bawah lumajangkab.go.id: \"a.b\" memuat titik"),
            ("www.lumajangkab.go.id", "\"www\" dicadangkan untuk layanan instansi sendiri"),
            ("sipd", "\"sipd\" bukan nama domain lengkap (misalnya sipd.lumajangkab.go.id)"),
        ];
        for (name, message) in refused {
            assert_eq!(check_subdomain(name, parent), Err(message.to_string()), "{name}");
        }
        let long = format!("{}.lumajangkab.go.id", "a".repeat(64));
        assert_eq!(
            check_subdomain(&long, parent),
            Err(format!("bagian \"{}\" 64 karakter; paling banyak 63", "a".repeat(64)))
        );
        let huge = format!("{}.go.id", vec!["a".repeat(60); 5].join("."));
        assert_eq!(check_domain(&huge), Err("nama domain 310 karakter; paling banyak 253".into()));
    }

    #[test]
    fn record_values_match_their_type() {
        assert_eq!(check_record("A", "10.10.1.7"), Ok(()));
        assert_eq!(check_record("AAAA", "2001:db8::7"), Ok(()));
        assert_eq!(check_record("CNAME", "hosting.lumajangkab.go.id."), Ok(()));
        assert_eq!(check_record("TXT", "google-site-verification=abc123"), Ok(()));
        let refused = [
            ("A", "10.10.1.300", "\"10.10.1.300\" bukan alamat IPv4 untuk record A (misalnya 10.10.1.7)"),
            ("AAAA", "10.10.1.7", "\"10.10.1.7\" bukan alamat IPv6 untuk record AAAA (misalnya 2001:db8::7)"),
            (
                "CNAME",
                "hosting",
                "tujuan CNAME tidak sah: \"hosting\" bukan nama domain lengkap (misalnya sipd.lumajangkab.go.id)",
            ),
            (
                "MX",
                "mail.lumajangkab.go.id",
                "jenis record \"MX\" tidak dikenal; pilih A, AAAA, CNAME atau TXT",
            ),
            ("TXT", "", "isi record TXT: 1 sampai 2000 byte, tanpa baris baru atau karakter kendali"),
            (
                "TXT",
                "v=spf1\n-all",
                "isi record TXT: 1 sampai 2000 byte, tanpa baris baru atau karakter kendali",
            ),
        ];
        for (kind, value, message) in refused {
            assert_eq!(check_record(kind, value), Err(message.to_string()), "{kind} {value}");
        }
    }

    #[test]
    fn mailboxes_follow_the_local_part_rules() {
        let domain = "lumajangkab.go.id";
        assert_eq!(check_mailbox("bappeda.umum@lumajangkab.go.id", domain), Ok(()));
        let refused = [
            ("bappeda", "bukan alamat e-mail (tidak ada @)"),
            ("bappeda@gmail.com", "harus beralamat @lumajangkab.go.id"),
            (
                "Bappeda@lumajangkab.go.id",
                "nama sebelum @ memuat \"B\"; hanya huruf kecil, angka, titik, garis bawah dan tanda hubung",
            ),
            (
                ".bappeda@lumajangkab.go.id",
                "nama sebelum @ tidak boleh diawali, diakhiri, atau memuat dua titik berurutan",
            ),
            (
                "bap..peda@lumajangkab.go.id",
                "nama sebelum @ tidak boleh diawali, diakhiri, atau memuat dua titik berurutan",
            ),
            ("postmaster@lumajangkab.go.id", "\"postmaster\" dicadangkan untuk pengelola server e-mail"),
            ("@lumajangkab.go.id", "nama sebelum @ 0 karakter; harus 1 sampai 64"),
        ];
        for (address, message) in refused {
            assert_eq!(check_mailbox(address, domain), Err(message.to_string()), "{address}");
        }
        let long = format!("{}@lumajangkab.go.id", "a".repeat(65));
        assert_eq!(check_mailbox(&long, domain), Err("nama sebelum @ 65 karakter; harus 1 sampai 64".into()));
    }
}
