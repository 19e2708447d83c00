//! An agency's directory connector settings, read and checked: where the
//! directory is, who Sopir binds as, where accounts go, which attributes
//! they get from the approved values, and how an account is suspended and
//! revoked.
//!
//! The options (`Settings::options`), all but the first two optional:
//!
//! - `bind_dn`: the service account Sopir binds as (its password is the
//!   settings' secret).
//! - `base_dn`: where accounts are created, `uid=<uid>,<base_dn>`.
//! - `object_classes`: the new entry's classes, comma separated;
//!   `inetOrgPerson` by default.
//! - `attributes`: the mapping, items separated by commas or lines, each
//!   `attribute=source`, the source one of `name` (the approved name as is),
//!   `uid`, `person` (penanggung jawab), `unit` (OPD), `case` (nomor
//!   permohonan), `field:<field>` (a field of the request; not written when
//!   empty) or `text:<fixed text>`. Default `cn=person, sn=person`. `uid`,
//!   `objectClass`, `userPassword` and the marker and suspension attributes
//!   are Sopir's own and cannot be mapped.
//! - `group_dn`: a `groupOfNames`, `groupOfUniqueNames` or `posixGroup` the
//!   account joins on creation and leaves on revocation.
//! - `suspend`: `attribute=value` written to suspend, removed to reactivate;
//!   `pwdAccountLockedTime=000001010000Z` by default (OpenLDAP's password
//!   policy overlay with `pwdLockout: TRUE`: every bind refused until it is
//!   removed). Another directory or a passdb filter that excludes the value
//!   works the same (`nsAccountLock=true` on 389 DS, `zimbraAccountStatus=locked`).
//! - `active`: `attribute=value` (same attribute as `suspend`) written on
//!   creation and reactivation instead of removing the suspension, for
//!   directories where an account has an explicit status.
//! - `revoke`: `delete` (default) removes the entry; `lock` keeps it
//!   suspended, with an unknown password, out of the group.
//! - `marker_attribute`: where Sopir marks the entries it made,
//!   `sopir:entry=<registry entry>`; `description` by default.
//! - `starttls`: `ya` to use StartTLS on an `ldap://` address.

use std::collections::BTreeMap;

use crate::Settings;

/// The defaults the module documentation names.
pub const DEFAULT_OBJECT_CLASSES: &str = "inetOrgPerson";
pub const DEFAULT_ATTRIBUTES: &str = "cn=person, sn=person";
pub const DEFAULT_SUSPEND: &str = "pwdAccountLockedTime=000001010000Z";
pub const DEFAULT_MARKER_ATTRIBUTE: &str = "description";

/// The option keys, as the administration form names its fields.
pub mod option {
    pub const BIND_DN: &str = "bind_dn";
    pub const BASE_DN: &str = "base_dn";
    pub const OBJECT_CLASSES: &str = "object_classes";
    pub const ATTRIBUTES: &str = "attributes";
    pub const GROUP_DN: &str = "group_dn";
    pub const SUSPEND: &str = "suspend";
    pub const ACTIVE: &str = "active";
    pub const REVOKE: &str = "revoke";
    pub const MARKER_ATTRIBUTE: &str = "marker_attribute";
    pub const STARTTLS: &str = "starttls";
}

/// Every option key, in the form's order.
pub const OPTIONS: [&str; 10] = [
    option::BIND_DN,
    option::BASE_DN,
    option::OBJECT_CLASSES,
    option::ATTRIBUTES,
    option::GROUP_DN,
    option::SUSPEND,
    option::ACTIVE,
    option::REVOKE,
    option::MARKER_ATTRIBUTE,
    option::STARTTLS,
];

/// Where a mapped attribute's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Name,
    Uid,
    Person,
    Unit,
    Case,
    Field(String),
    Text(String),
}

impl Source {
    fn parse(text: &str) -> Result<Source, String> {
        let text = text.trim();
        if let Some(field) = text.strip_prefix("field:") {
            let field = field.trim();
            if field.is_empty() {
                return Err("nama isian setelah 'field:' kosong".into());
            }
            return Ok(Source::Field(field.to_string()));
        }
        if let Some(value) = text.strip_prefix("text:") {
            let value = value.trim();
            if value.is_empty() {
                return Err("teks setelah 'text:' kosong".into());
            }
            return Ok(Source::Text(value.to_string()));
        }
        match text {
            "name" => Ok(Source::Name),
            "uid" => Ok(Source::Uid),
            "person" => Ok(Source::Person),
            "unit" => Ok(Source::Unit),
            "case" => Ok(Source::Case),
            "" => Err("sumber nilai kosong".into()),
            other => Err(format!(
                "sumber '{other}' tidak dikenal (pakai name, uid, person, unit, case, field:<isian> atau text:<teks>)"
            )),
        }
    }

    /// As written in the mapping.
    pub fn written(&self) -> String {
        match self {
            Source::Name => "name".into(),
            Source::Uid => "uid".into(),
            Source::Person => "person".into(),
            Source::Unit => "unit".into(),
            Source::Case => "case".into(),
            Source::Field(field) => format!("field:{field}"),
            Source::Text(text) => format!("text:{text}"),
        }
    }
}

/// One `attribute=source` of the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub attribute: String,
    pub source: Source,
}

/// `attribute=value`, for the suspension and the active status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeValue {
    pub attribute: String,
    pub value: String,
}

/// What revoking an account does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeMode {
    Delete,
    Lock,
}

/// The settings, read and checked.
#[derive(Debug, Clone)]
pub struct DirectoryConfig {
    pub url: String,
    pub starttls: bool,
    pub bind_dn: String,
    pub base_dn: String,
    pub object_classes: Vec<String>,
    pub attributes: Vec<Mapped>,
    pub group_dn: Option<String>,
    pub suspend: AttributeValue,
    pub active: Option<AttributeValue>,
    pub revoke: RevokeMode,
    pub marker_attribute: String,
}

/// An attribute type's name (`mail`, `employeeNumber`) or OID.
pub fn attribute_name_valid(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => chars.all(|c| c.is_ascii_alphanumeric() || c == '-'),
        Some(c) if c.is_ascii_digit() => {
            name.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
        }
        _ => false,
    }
}

/// Whether `dn` reads as a distinguished name: `attr=value` parts
/// separated by unescaped commas, none empty. The directory is the judge
/// of the rest; this catches what is plainly not a DN.
pub fn dn_well_formed(dn: &str) -> bool {
    let dn = dn.trim();
    if dn.is_empty() {
        return false;
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in dn.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ',' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    if escaped {
        return false;
    }
    parts.push(current);
    parts.iter().all(|part| {
        // A multi-valued RDN joins its pairs with '+'.
        part.split('+').all(|pair| match pair.split_once('=') {
            Some((attribute, value)) => attribute_name_valid(attribute.trim()) && !value.trim().is_empty(),
            None => false,
        })
    })
}

fn parse_attribute_value(text: &str) -> Result<AttributeValue, String> {
    let Some((attribute, value)) = text.split_once('=') else {
        return Err("tulis sebagai atribut=nilai".into());
    };
    let (attribute, value) = (attribute.trim(), value.trim());
    if !attribute_name_valid(attribute) {
        return Err(format!("'{attribute}' bukan nama atribut LDAP"));
    }
    if value.is_empty() {
        return Err("nilai setelah '=' kosong".into());
    }
    Ok(AttributeValue { attribute: attribute.to_string(), value: value.to_string() })
}

/// Attributes Sopir writes itself, never through the mapping.
fn reserved(attribute: &str, marker: &str, suspend: Option<&str>) -> bool {
    ["uid", "objectClass", "userPassword", marker]
        .iter()
        .chain(suspend.iter())
        .any(|own| own.eq_ignore_ascii_case(attribute))
}

fn parse_mapping(text: &str, marker: &str, suspend: Option<&str>) -> Result<Vec<Mapped>, String> {
    let mut mapped = Vec::new();
    for item in text.split(['\n', ',']).map(str::trim).filter(|item| !item.is_empty()) {
        let Some((attribute, source)) = item.split_once('=') else {
            return Err(format!("'{item}': tulis sebagai atribut=sumber, mis. mail=name"));
        };
        let attribute = attribute.trim();
        if !attribute_name_valid(attribute) {
            return Err(format!("'{attribute}' bukan nama atribut LDAP"));
        }
        if reserved(attribute, marker, suspend) {
            return Err(format!("atribut '{attribute}' diisi Sopir sendiri dan tidak dapat dipetakan"));
        }
        let source = Source::parse(source).map_err(|e| format!("'{item}': {e}"))?;
        mapped.push(Mapped { attribute: attribute.to_string(), source });
    }
    if mapped.is_empty() {
        return Err("pemetaan atribut kosong".into());
    }
    Ok(mapped)
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The URL's scheme is `ldap` or `ldaps` with a host and maybe a port;
/// plain `ldap://` (passwords in clear on the wire) only to this machine or
/// with StartTLS.
fn check_url(url: &str, starttls: bool) -> Result<(), String> {
    let url = url.trim();
    let (tls, rest) = if let Some(rest) = url.strip_prefix("ldaps://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("ldap://") {
        (false, rest)
    } else {
        return Err("alamat harus diawali ldap:// atau ldaps://".into());
    };
    let authority = rest.split('/').next().unwrap_or_default();
    if rest.len() > authority.len() + 1 {
        return Err("alamat hanya berisi host dan port, tanpa path".into());
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => {
            if port.parse::<u16>().map_or(true, |p| p == 0) {
                return Err(format!("port '{port}' tidak sah"));
            }
            host
        }
        _ => authority,
    };
    if host.is_empty() {
        return Err("host server tidak diisi".into());
    }
    if !tls && !starttls && !is_loopback(host) {
        return Err(
            "ldap:// tanpa TLS hanya untuk server di mesin ini; pakai ldaps:// atau starttls=ya".into()
        );
    }
    Ok(())
}

fn option<'a>(options: &'a BTreeMap<String, String>, key: &str) -> Option<&'a str> {
    options.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Reads `settings`, or says each field that is wrong: (field, message).
pub fn read(settings: &Settings) -> Result<DirectoryConfig, Vec<(String, String)>> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut problem = |field: &str, message: String| problems.push((field.to_string(), message));
    let options = &settings.options;

    for key in options.keys() {
        if !OPTIONS.contains(&key.as_str()) {
            problem(key, format!("opsi '{key}' tidak dikenal konektor LDAP"));
        }
    }
    let starttls = match option(options, option::STARTTLS) {
        None | Some("tidak") => false,
        Some("ya") => true,
        Some(other) => {
            problem(option::STARTTLS, format!("isi 'ya' atau 'tidak', bukan '{other}'"));
            false
        }
    };
    if let Err(e) = check_url(&settings.address, starttls) {
        problem(crate::field::ADDRESS, e);
    }
    if settings.secret.is_empty() {
        // An empty password binds anonymously, which no directory lets write.
        problem(crate::field::SECRET, "sandi bind wajib diisi".into());
    }
    let mut dn = |key: &str, required: bool| -> Option<String> {
        match option(options, key) {
            None if required => {
                problem(key, "wajib diisi".into());
                None
            }
            None => None,
            Some(value) if !dn_well_formed(value) => {
                problem(key, format!("'{value}' bukan DN yang sah (mis. ou=people,dc=contoh,dc=go,dc=id)"));
                None
            }
            Some(value) => Some(value.to_string()),
        }
    };
    let bind_dn = dn(option::BIND_DN, true);
    let base_dn = dn(option::BASE_DN, true);
    let group_dn = dn(option::GROUP_DN, false);

    let object_classes: Vec<String> = option(options, option::OBJECT_CLASSES)
        .unwrap_or(DEFAULT_OBJECT_CLASSES)
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    if let Some(bad) = object_classes.iter().find(|c| !attribute_name_valid(c)) {
        problem(option::OBJECT_CLASSES, format!("'{bad}' bukan nama kelas objek LDAP"));
    }

    let marker_attribute =
        option(options, option::MARKER_ATTRIBUTE).unwrap_or(DEFAULT_MARKER_ATTRIBUTE).to_string();
    if !attribute_name_valid(&marker_attribute) {
        problem(option::MARKER_ATTRIBUTE, format!("'{marker_attribute}' bukan nama atribut LDAP"));
    } else if ["uid", "objectClass", "userPassword"].iter().any(|a| a.eq_ignore_ascii_case(&marker_attribute))
    {
        problem(option::MARKER_ATTRIBUTE, format!("'{marker_attribute}' tidak dapat menjadi penanda"));
    }

    let suspend = match parse_attribute_value(option(options, option::SUSPEND).unwrap_or(DEFAULT_SUSPEND)) {
        Ok(suspend) if suspend.attribute.eq_ignore_ascii_case(&marker_attribute) => {
            problem(option::SUSPEND, "atribut penangguhan tidak boleh sama dengan atribut penanda".into());
            None
        }
        Ok(suspend) => Some(suspend),
        Err(e) => {
            problem(option::SUSPEND, e);
            None
        }
    };
    let active = match option(options, option::ACTIVE).map(parse_attribute_value) {
        None => None,
        Some(Err(e)) => {
            problem(option::ACTIVE, e);
            None
        }
        Some(Ok(active)) => match &suspend {
            Some(suspend) if !suspend.attribute.eq_ignore_ascii_case(&active.attribute) => {
                problem(
                    "active",
                    format!("harus atribut yang sama dengan penangguhan ({})", suspend.attribute),
                );
                None
            }
            Some(suspend) if suspend.value == active.value => {
                problem(option::ACTIVE, "nilai aktif harus berbeda dari nilai penangguhan".into());
                None
            }
            _ => Some(active),
        },
    };

    let attributes = match parse_mapping(
        option(options, option::ATTRIBUTES).unwrap_or(DEFAULT_ATTRIBUTES),
        &marker_attribute,
        suspend.as_ref().map(|s| s.attribute.as_str()),
    ) {
        Ok(mapped) => {
            // inetOrgPerson (a person) must have both; said here rather
            // than as the directory's objectClassViolation at the first run.
            let is_person = object_classes.iter().any(|c| {
                ["person", "organizationalPerson", "inetOrgPerson"].iter().any(|p| p.eq_ignore_ascii_case(c))
            });
            let missing: Vec<&str> = ["cn", "sn"]
                .into_iter()
                .filter(|must| !mapped.iter().any(|m| m.attribute.eq_ignore_ascii_case(must)))
                .collect();
            if is_person && !missing.is_empty() {
                problem(
                    option::ATTRIBUTES,
                    format!("kelas person mewajibkan atribut {}", missing.join(" dan ")),
                );
            }
            mapped
        }
        Err(e) => {
            problem(option::ATTRIBUTES, e);
            Vec::new()
        }
    };

    let revoke = match option(options, option::REVOKE) {
        None | Some("delete") => RevokeMode::Delete,
        Some("lock") => RevokeMode::Lock,
        Some(other) => {
            problem(
                option::REVOKE,
                format!("isi 'delete' (hapus entri) atau 'lock' (kunci), bukan '{other}'"),
            );
            RevokeMode::Delete
        }
    };

    match (bind_dn, base_dn, suspend) {
        (Some(bind_dn), Some(base_dn), Some(suspend)) if problems.is_empty() => Ok(DirectoryConfig {
            url: settings.address.trim().to_string(),
            starttls,
            bind_dn,
            base_dn,
            object_classes,
            attributes,
            group_dn,
            suspend,
            active,
            revoke,
            marker_attribute,
        }),
        _ => Err(problems),
    }
}
