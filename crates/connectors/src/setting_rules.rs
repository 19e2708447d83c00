//! Each connector's settings as data: its address, its secret and each
//! option, with the shape of value its `check_settings` takes and an
//! example — so the API can publish one exact schema per kind instead of
//! "a map of strings". Where a rule relates two settings (a gateway's
//! address inside its range, an LDAP marker not its suspension attribute),
//! no per-value shape can say it: such options are named in
//! [`SettingsRules::beyond`] and left out. The tests hold every example
//! to the shapes and to `check_settings`.

use crate::ConnectorKind;

/// What one setting's value must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Matching this regular expression, whole (the same in ECMA-262 and
    /// in the `regex` crate).
    Pattern(String),
    /// One of these words.
    OneOf(Vec<&'static str>),
    /// Any text at least this many characters long.
    AtLeast(usize),
}

/// One setting: `address`, `secret` or an option's key.
#[derive(Debug, Clone)]
pub struct SettingRule {
    pub name: &'static str,
    /// Needed to save; a secret left out keeps the one saved, so it is
    /// needed only the first time, which a kind's rules cannot know.
    pub required: bool,
    pub shape: Shape,
    pub example: &'static str,
}

/// One kind's settings.
#[derive(Debug, Clone)]
pub struct SettingsRules {
    pub address: SettingRule,
    pub secret: SettingRule,
    pub options: Vec<SettingRule>,
    /// The options a value's shape cannot describe, said in words: taken
    /// by the connector, but not part of this kind's exact schema.
    pub beyond: &'static str,
}

/// A DNS label as [`crate::dns`] reads names (letters, digits, `-`, `_`),
/// of at most 61 characters (the names take 63) so that four of them stay
/// within a name's 253.
const DNS_LABEL: &str = "[A-Za-z0-9_]([A-Za-z0-9_-]{0,59}[A-Za-z0-9_])?";
/// A host name's label as WireGuard's endpoint takes it (no `_`).
const HOST_LABEL: &str = "[A-Za-z0-9]([A-Za-z0-9-]{0,59}[A-Za-z0-9])?";
const IPV4_OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

/// A name (or an IPv4 address) of at most four `label`s.
fn domain_name(label: &str) -> String {
    format!("{label}(\\.{label}){{0,3}}")
}

fn ipv4() -> String {
    format!("{IPV4_OCTET}(\\.{IPV4_OCTET}){{3}}")
}

/// `host:port`, the host a name of `label`s or an IPv4 address.
fn host_port(label: &str) -> String {
    format!("^{}:{}$", domain_name(label), whole_number(1, 65535))
}

/// The decimal numbers `min..=max`, without leading zeros.
pub fn whole_number(min: u64, max: u64) -> String {
    let mut parts = Vec::new();
    let mut low = min;
    while low <= max {
        let top = 10u64.pow(low.to_string().len() as u32) - 1;
        let high = max.min(top);
        same_length(&low.to_string(), &high.to_string(), &mut parts);
        low = high + 1;
    }
    format!("({})", parts.join("|"))
}

/// Patterns for `low..=high`, both of the same number of digits.
fn same_length(low: &str, high: &str, out: &mut Vec<String>) {
    let class = |a: u8, b: u8| {
        if a == b { (a as char).to_string() } else { format!("[{}-{}]", a as char, b as char) }
    };
    let (l, h) = (low.as_bytes()[0], high.as_bytes()[0]);
    if low.len() == 1 {
        out.push(class(l, h));
        return;
    }
    let (low_rest, high_rest) = (&low[1..], &high[1..]);
    let n = low_rest.len();
    let prefixed = |digit: u8, from: &str, to: &str, out: &mut Vec<String>| {
        let mut inner = Vec::new();
        same_length(from, to, &mut inner);
        out.extend(inner.into_iter().map(|p| format!("{}{p}", digit as char)));
    };
    if l == h {
        prefixed(l, low_rest, high_rest, out);
        return;
    }
    let zeros = "0".repeat(n);
    let nines = "9".repeat(n);
    let mut first = l;
    if low_rest != zeros {
        prefixed(l, low_rest, &nines, out);
        first = l + 1;
    }
    let last = if high_rest != nines { h - 1 } else { h };
    if first <= last {
        out.push(format!("{}[0-9]{{{n}}}", class(first, last)));
    }
    if high_rest != nines {
        prefixed(h, &zeros, high_rest, out);
    }
}

/// An IPv4 network address with one of `prefixes`, its host bits zero.
fn ipv4_network(prefixes: std::ops::RangeInclusive<u8>) -> String {
    let forms: Vec<String> = prefixes
        .map(|prefix| {
            let whole = usize::from(prefix / 8);
            let mut parts = vec![IPV4_OCTET.to_string(); whole];
            if whole < 4 {
                let step = 1usize << (8 - prefix % 8);
                let values: Vec<String> = (0..256).step_by(step).map(|v| v.to_string()).collect();
                parts.push(if values.len() == 1 { "0".into() } else { format!("({})", values.join("|")) });
                parts.extend(std::iter::repeat_n("0".to_string(), 3 - whole));
            }
            format!("{}/{prefix}", parts.join("\\."))
        })
        .collect();
    format!("({})", forms.join("|"))
}

/// Standard base64 of at least `min_bytes` bytes, padding optional, its
/// unused last bits zero (as the base64 crate decodes it).
fn base64_of_at_least(min_bytes: usize) -> String {
    let sextet = "[A-Za-z0-9+/]";
    let group = format!("{sextet}{{4}}");
    // The last group's forms, by the bytes it holds.
    let two = format!("{sextet}{{2}}[AEIMQUYcgkosw048]=?");
    let one = format!("{sextet}[AQgw](==)?");
    // Whole groups of three bytes, then what the remainder needs at least,
    // then any more.
    let rest = match min_bytes % 3 {
        0 => format!("({group})*({two}|{one})?"),
        1 => format!("(({group})+({two}|{one})?|{two}|{one})"),
        _ => format!("(({group})+({two}|{one})?|{two})"),
    };
    format!("^({group}){{{}}}{rest}$", min_bytes / 3)
}

fn rule(name: &'static str, required: bool, shape: Shape, example: &'static str) -> SettingRule {
    SettingRule { name, required, shape, example }
}

fn pattern(p: String) -> Shape {
    Shape::Pattern(p)
}

/// The settings of `kind`.
pub fn rules(kind: ConnectorKind) -> SettingsRules {
    use crate::field::{ADDRESS, SECRET};
    match kind {
        ConnectorKind::Dns => {
            use crate::dns::option::*;
            SettingsRules {
                address: rule(ADDRESS, true, pattern(host_port(DNS_LABEL)), "10.0.0.53:53"),
                secret: rule(SECRET, false, pattern(base64_of_at_least(16)), "c29waXItY29udG9oLXRzaWctMzI="),
                options: vec![
                    rule(
                        ZONE,
                        true,
                        pattern(format!("^{}\\.?$", domain_name(DNS_LABEL))),
                        "lumajangkab.go.id",
                    ),
                    rule(KEY_NAME, true, pattern(format!("^{}\\.?$", domain_name(DNS_LABEL))), "sopir-key"),
                    rule(ALGORITHM, false, Shape::OneOf(crate::dns::algorithm_keys()), "hmac-sha256"),
                    rule(TTL, false, pattern(format!("^{}$", whole_number(60, 86400))), "3600"),
                    rule(TIMEOUT_SECONDS, false, pattern(format!("^{}$", whole_number(1, 60))), "5"),
                ],
                beyond: "",
            }
        }
        ConnectorKind::Webhook => SettingsRules {
            address: rule(
                ADDRESS,
                true,
                pattern(
                    "^(https://[^\\s/]|http://(127\\.0\\.0\\.1|localhost|\\[::1\\])([:/]|$))[^\\s]*$".into(),
                ),
                "https://panel.contoh.go.id/sopir",
            ),
            secret: rule(
                SECRET,
                false,
                Shape::AtLeast(crate::webhook::MIN_SECRET_CHARS),
                "rahasia-webhook-instansi",
            ),
            options: vec![rule(
                crate::webhook::option::TIMEOUT_SECONDS,
                false,
                pattern(format!("^{}$", whole_number(1, 120))),
                "10",
            )],
            beyond: "",
        },
        ConnectorKind::Ldap => {
            use crate::ldap::option;
            SettingsRules {
                address: rule(
                    ADDRESS,
                    true,
                    pattern(format!("^ldaps://{}(:{})?$", domain_name(HOST_LABEL), whole_number(1, 65535))),
                    "ldaps://ldap.contoh.go.id",
                ),
                secret: rule(SECRET, false, Shape::AtLeast(1), "sandi-bind"),
                options: vec![
                    rule(option::BIND_DN, true, pattern(dn()), "cn=sopir,dc=contoh,dc=go,dc=id"),
                    rule(option::BASE_DN, true, pattern(dn()), "ou=people,dc=contoh,dc=go,dc=id"),
                    rule(option::GROUP_DN, false, pattern(dn()), "cn=vpn,ou=groups,dc=contoh,dc=go,dc=id"),
                    rule(option::REVOKE, false, Shape::OneOf(vec!["delete", "lock"]), "delete"),
                    rule(option::STARTTLS, false, Shape::OneOf(vec!["ya", "tidak"]), "tidak"),
                ],
                beyond: "object_classes, attributes, suspend, active and marker_attribute relate to one another (see the connector's documentation); ldap:// is taken for this machine or with starttls = ya",
            }
        }
        ConnectorKind::Wireguard => {
            use crate::wireguard::option::*;
            let sextet = "[A-Za-z0-9+/]";
            SettingsRules {
                address: rule(ADDRESS, false, Shape::AtLeast(0), ""),
                secret: rule(
                    SECRET,
                    false,
                    Shape::AtLeast(crate::wireguard::PULL_TOKEN_MIN_CHARS),
                    "token-gateway-wireguard-instansi",
                ),
                options: vec![
                    rule(RANGE, true, pattern(format!("^{}$", ipv4_network(8..=30))), "10.8.0.0/24"),
                    rule(ENDPOINT, true, pattern(host_port(HOST_LABEL)), "vpn.contoh.go.id:51820"),
                    rule(
                        GATEWAY_PUBLIC_KEY,
                        true,
                        pattern(format!("^{sextet}{{42}}[AEIMQUYcgkosw048]=$")),
                        "ZHVtbXktZ2F0ZXdheS1wdWJsaWMta2V5LTMyYnl0ZXM=",
                    ),
                    rule(
                        ALLOWED_IPS,
                        false,
                        pattern(list_of(&ipv4_network(0..=32))),
                        "10.8.0.0/24, 10.1.0.0/16",
                    ),
                    rule(DNS, false, pattern(list_of(&ipv4())), "10.8.0.1"),
                    rule(PERSISTENT_KEEPALIVE, false, pattern(format!("^{}$", whole_number(0, 65535))), "25"),
                ],
                beyond: "gateway_address (inside the range), address_field (a field of the VPN request) and an IPv6 range after the IPv4 one",
            }
        }
    }
}

/// One to sixteen `item`s separated by commas.
fn list_of(item: &str) -> String {
    format!("^{item}(, ?{item}){{0,15}}$")
}

/// A distinguished name of `attribute=value` parts.
fn dn() -> String {
    let part = "[A-Za-z][A-Za-z0-9-]{0,30}=[A-Za-z0-9][A-Za-z0-9 ._-]{0,40}";
    format!("^{part}(,{part}){{0,7}}$")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::Settings;

    fn matches(shape: &Shape, value: &str) -> bool {
        match shape {
            Shape::Pattern(p) => regex::Regex::new(p).unwrap().is_match(value),
            Shape::OneOf(words) => words.contains(&value),
            Shape::AtLeast(n) => value.chars().count() >= *n,
        }
    }

    #[test]
    fn a_number_pattern_takes_exactly_its_range() {
        for (min, max) in [(0, 9), (1, 60), (60, 86400), (1, 120), (0, 65535), (1, 65535), (7, 1234)] {
            let re = regex::Regex::new(&format!("^{}$", whole_number(min, max))).unwrap();
            for n in 0..=max + 1000 {
                assert_eq!(re.is_match(&n.to_string()), (min..=max).contains(&n), "{n} in {min}..={max}");
            }
            assert!(!re.is_match(&format!("0{min}")), "no leading zero");
        }
    }

    #[test]
    fn a_network_pattern_takes_only_network_addresses() {
        let re = regex::Regex::new(&format!("^{}$", ipv4_network(8..=30))).unwrap();
        for ok in ["10.8.0.0/24", "10.0.0.0/8", "192.168.4.0/22", "172.16.0.4/30", "10.128.0.0/9"] {
            assert!(re.is_match(ok), "{ok}");
        }
        for refused in ["10.8.0.5/24", "10.0.0.0/7", "10.8.0.0/31", "192.168.5.0/22", "10.8.0.0"] {
            assert!(!re.is_match(refused), "{refused}");
        }
    }

    #[test]
    fn base64_of_at_least_so_many_bytes_is_what_decodes_to_that() {
        use base64::Engine;
        let engine = base64::engine::general_purpose::STANDARD;
        for least in [1, 15, 16, 17, 18] {
            let re = regex::Regex::new(&base64_of_at_least(least)).unwrap();
            for n in 1..40 {
                let text = engine.encode(vec![0xA5u8; n]);
                assert_eq!(re.is_match(&text), n >= least, "{n} bytes of at least {least}: {text}");
                assert_eq!(re.is_match(text.trim_end_matches('=')), n >= least, "{n} bytes unpadded");
            }
        }
        // Unused bits set: refused by the decoder, and here.
        assert!(
            !regex::Regex::new(&base64_of_at_least(16)).unwrap().is_match("c29waXItY29udG9oLXRzaWctMzJ=")
        );
    }

    #[test]
    fn a_host_is_a_name_the_connector_reads() {
        let dns = regex::Regex::new(&host_port(DNS_LABEL)).unwrap();
        let wireguard = regex::Regex::new(&host_port(HOST_LABEL)).unwrap();
        let long = ["a", "b", "c", "d"].map(|c| c.repeat(61)).join(".");
        for (host, by_dns, by_wireguard) in
            [("ns_1.contoh.go.id", true, false), ("vpn.contoh.go.id", true, true), ("-a.go.id", false, false)]
        {
            assert_eq!(dns.is_match(&format!("{host}:53")), by_dns, "{host}");
            assert_eq!(wireguard.is_match(&format!("{host}:51820")), by_wireguard, "{host}");
            let settings =
                Settings { address: format!("{host}:53"), secret: String::new(), options: BTreeMap::new() };
            let address_refused = crate::dns::check_settings(&settings)
                .unwrap_err()
                .iter()
                .any(|(field, _)| field == crate::field::ADDRESS);
            assert_eq!(address_refused, !by_dns, "{host}");
        }
        // Four labels of 61: the longest a pattern takes, within 253.
        assert!(dns.is_match(&format!("{long}:53")) && long.len() <= 253);
        assert!(!dns.is_match(&format!("{long}.e:53")));
    }

    /// Every kind's examples fit their shapes, and the connector saves them.
    #[test]
    fn each_kinds_examples_fit_its_rules_and_are_saved() {
        for kind in ConnectorKind::ALL {
            let rules = rules(kind);
            let all = [&rules.address, &rules.secret].into_iter().chain(&rules.options);
            for rule in all {
                assert!(matches(&rule.shape, rule.example), "{kind:?} {}: {}", rule.name, rule.example);
            }
            let options: BTreeMap<String, String> =
                rules.options.iter().map(|r| (r.name.to_string(), r.example.to_string())).collect();
            let settings = Settings {
                address: rules.address.example.into(),
                secret: rules.secret.example.into(),
                options,
            };
            assert_eq!(crate::check_settings(kind, &settings), Ok(()), "{kind:?}");
            // Only what is required, too.
            let required: BTreeMap<String, String> = rules
                .options
                .iter()
                .filter(|r| r.required)
                .map(|r| (r.name.to_string(), r.example.to_string()))
                .collect();
            let settings = Settings { options: required, ..settings };
            assert_eq!(crate::check_settings(kind, &settings), Ok(()), "{kind:?} with the required only");
        }
    }
}
