//! Registry kinds as data: each kind's key, its label, and the rule its
//! entries' names follow. The four kinds every agency has are built in
//! (`registry_kinds.toml`); an SOP declares any other in its `[registry]`.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::agency::Agency;
use crate::definition::Sop;
use crate::diagnostic::{Diagnostic, Location};

/// The rule an entry's name follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NameRule {
    /// A label directly under the agency's domain (a subdomain).
    DomainLabel,
    /// A mailbox at the agency's mail domain.
    Mailbox,
    /// An IPv4 or IPv6 address.
    Ip,
    /// Any non-empty text (an account name, a card number).
    Free,
}

impl NameRule {
    pub const ALL: [NameRule; 4] = [NameRule::DomainLabel, NameRule::Mailbox, NameRule::Ip, NameRule::Free];

    /// The word used for it in definitions.
    pub fn key(self) -> &'static str {
        match self {
            NameRule::DomainLabel => "domain-label",
            NameRule::Mailbox => "mailbox",
            NameRule::Ip => "ip",
            NameRule::Free => "free",
        }
    }

    pub fn parse(key: &str) -> Option<NameRule> {
        NameRule::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// A kind of registry: the key used in definitions, URLs and the database,
/// the label people read, and the rule its entries' names follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryKind {
    key: String,
    label: String,
    name_rule: NameRule,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinKinds {
    kind: Vec<RegistryKind>,
}

static BUILTIN: LazyLock<Vec<RegistryKind>> = LazyLock::new(|| {
    let kinds: BuiltinKinds =
        toml::from_str(include_str!("registry_kinds.toml")).expect("the built-in registry kinds parse");
    kinds.kind
});

/// Longest key a declared kind may have: it is part of the registry's address.
pub const KEY_MAX_CHARS: usize = 40;

impl RegistryKind {
    pub fn new(key: &str, label: &str, name_rule: NameRule) -> RegistryKind {
        RegistryKind { key: key.to_string(), label: label.to_string(), name_rule }
    }

    /// The kinds every agency has, in the order registries are listed.
    pub fn builtin() -> &'static [RegistryKind] {
        &BUILTIN
    }

    /// The built-in kind with this key.
    pub fn builtin_kind(key: &str) -> Option<&'static RegistryKind> {
        BUILTIN.iter().find(|k| k.key == key)
    }

    /// A kind whose entries outlived every definition declaring it: shown
    /// under its key, its names taken as they are.
    pub fn undeclared(key: &str) -> RegistryKind {
        RegistryKind::new(key, key, NameRule::Free)
    }

    /// The key used in definitions, URLs and the database.
    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn name_rule(&self) -> NameRule {
        self.name_rule
    }

    /// Whether `key` may name a kind: lower-case letters and digits in
    /// words joined by single hyphens, as it stands in the registry's address.
    pub fn is_key(key: &str) -> bool {
        !key.is_empty()
            && key.chars().count() <= KEY_MAX_CHARS
            && key
                .split('-')
                .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    }

    /// The name as it is registered in `agency`, or why it cannot be.
    pub fn check_name(&self, value: &str, agency: &Agency) -> Result<String, String> {
        let name = value.trim().to_string();
        if name.is_empty() {
            return Err("wajib diisi".into());
        }
        match self.name_rule {
            NameRule::DomainLabel => crate::domain::check_subdomain(&name, &agency.domain)?,
            NameRule::Mailbox => crate::domain::check_mailbox(&name, &agency.mail_domain)?,
            // Written one way only, so the same address is never held twice.
            NameRule::Ip => return check_ip(&name),
            NameRule::Free => {}
        }
        Ok(name)
    }

    /// The name a request asked for, written as it would be registered: a
    /// label under the agency's domain, a mailbox's local part at its mail
    /// domain; anything else as it is.
    pub fn as_registered(&self, requested: &str, agency: &Agency) -> String {
        let requested = requested.trim();
        match self.name_rule {
            NameRule::DomainLabel if !requested.contains('.') && !agency.domain.is_empty() => {
                format!("{requested}.{}", agency.domain)
            }
            NameRule::Mailbox if !requested.contains('@') && !agency.mail_domain.is_empty() => {
                format!("{requested}@{}", agency.mail_domain)
            }
            _ => requested.to_string(),
        }
    }
}

/// The registry kinds `sop` fills or reviews, each with where it is written.
pub fn named_by(sop: &Sop) -> impl Iterator<Item = (&RegistryKind, Location)> {
    let filled = sop.registry.iter().map(|r| (&r.kind, r.kind_at));
    filled.chain(sop.review.iter().map(|r| (&r.kind, r.kind_at)))
}

/// The kinds `sop` declares otherwise than another SOP of its agency among
/// `others` does: a kind is one registry throughout the agency, so its label
/// and name rule are the same wherever it is declared. Versions of `sop`
/// itself may change its declaration.
pub fn conflicts<'a>(sop: &Sop, others: impl IntoIterator<Item = &'a Sop>) -> Vec<Diagnostic> {
    let others: Vec<&Sop> = others.into_iter().filter(|o| o.agency == sop.agency && o.id != sop.id).collect();
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (kind, at) in named_by(sop) {
        if seen.contains(&kind.key()) {
            continue;
        }
        seen.push(kind.key());
        let differing = others.iter().find_map(|o| {
            named_by(o).find(|(k, _)| k.key() == kind.key() && *k != kind).map(|(k, _)| (o, k))
        });
        if let Some((other, theirs)) = differing {
            found.push(Diagnostic::error(
                &sop.file,
                at,
                "registry-kind-conflict",
                format!(
                    "jenis registri \"{}\" sudah dinyatakan SOP {} dengan label \"{}\" dan name_rule \"{}\"; satu jenis registri sama di seluruh instansi — samakan label dan name_rule-nya",
                    kind.key(),
                    other.id,
                    theirs.label(),
                    theirs.name_rule().key()
                ),
            ));
        }
    }
    found
}

/// An IPv4 or IPv6 address, in its canonical form.
fn check_ip(name: &str) -> Result<String, String> {
    name.parse::<std::net::IpAddr>().map(|ip| ip.to_string()).map_err(|_| {
        format!("\"{name}\" bukan alamat IP yang sah; tulis alamat IPv4 seperti 10.20.30.40 atau IPv6 seperti 2001:db8::1")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_kinds_are_todays_four_with_their_keys_labels_and_rules() {
        let kinds: Vec<(&str, &str, NameRule)> =
            RegistryKind::builtin().iter().map(|k| (k.key(), k.label(), k.name_rule())).collect();
        assert_eq!(
            kinds,
            [
                ("vpn", "Akun VPN", NameRule::Free),
                ("subdomain", "Subdomain", NameRule::DomainLabel),
                ("email", "Akun e-mail", NameRule::Mailbox),
                ("akses-ruang-server", "Daftar akses ruang server", NameRule::Free),
            ]
        );
    }

    #[test]
    fn an_ip_name_is_an_address_written_canonically() {
        let agency = crate::Catalog::builtin().agency("lumajang").unwrap().clone();
        let ip = RegistryKind::new("alamat-ip", "Alokasi alamat IP", NameRule::Ip);
        assert_eq!(ip.check_name(" 10.20.30.40 ", &agency), Ok("10.20.30.40".to_string()));
        assert_eq!(ip.check_name("2001:DB8:0::1", &agency), Ok("2001:db8::1".to_string()));
        for bad in ["10.20.30", "10.20.30.256", "010.1.1.1", "host.lumajangkab.go.id"] {
            let message = ip.check_name(bad, &agency).expect_err(bad);
            assert!(message.contains("bukan alamat IP yang sah"), "{bad}: {message}");
        }
        assert_eq!(ip.check_name("  ", &agency), Err("wajib diisi".to_string()));
    }

    #[test]
    fn a_key_is_hyphenated_lower_case_words() {
        for good in ["vpn", "alamat-ip", "izin-2026"] {
            assert!(RegistryKind::is_key(good), "{good}");
        }
        for bad in ["", "Alamat", "alamat ip", "-ip", "ip-", "a--b", "a/b", &"x".repeat(41)] {
            assert!(!RegistryKind::is_key(bad), "{bad}");
        }
    }
}
