//! The directory connector: the person's account in an agency's LDAP
//! directory — the common back end of mail (Zimbra, Dovecot), VPN (RADIUS
//! over LDAP) and Wi-Fi — created with the attributes the agency maps from
//! the approved values, suspended, reactivated and revoked.
//!
//! The account is `uid=<uid>,<base_dn>`, its uid the approved name (for a
//! mailbox, its local part): never anything but what the registry holds.
//! Sopir marks each entry it creates with `sopir:entry=<registry entry>` (in
//! `description` by default) and changes or removes only entries that
//! carry its own entry's mark, so a uid someone else holds is refused, never
//! overwritten, and a retried run finds its own work.
//!
//! The initial password is random (20 characters from the operating
//! system's CSPRNG), set with the Password Modify extended operation
//! (RFC 3062) so the directory hashes it as it is configured to, and given
//! back only in [`Outcome::handover`] for the one-time link. A create that
//! is retried after the entry was made (the first run's outcome, and so its
//! password, never reached anyone) sets a new password and hands that over.
//!
//! Suspension writes the configured `attribute=value` (OpenLDAP's
//! `pwdAccountLockedTime=000001010000Z` by default) and reactivation
//! removes it (or writes the `active` value), so the person's password,
//! which Sopir never knows after the handover, works again unchanged.
//! Revocation deletes the entry, or with `revoke=lock` suspends it, sets an
//! unknown password and takes it out of the group. Each change is read back.
//! The options are described in [`config`].

mod config;
#[cfg(feature = "test-support")]
pub mod test_server;

use std::collections::HashSet;
use std::time::Duration;

use ldap3::exop::PasswordModify;
use ldap3::{
    Ldap, LdapConnAsync, LdapConnSettings, LdapError, LdapResult, Mod, Scope, SearchEntry, dn_escape,
    ldap_escape,
};

/// The option keys and defaults, for the administration form.
pub use config::{
    DEFAULT_ATTRIBUTES, DEFAULT_MARKER_ATTRIBUTE, DEFAULT_OBJECT_CLASSES, DEFAULT_SUSPEND, OPTIONS, option,
};
use config::{DirectoryConfig, RevokeMode, Source};

use crate::{Approved, ConnectorError, Handover, Operation, Outcome, Settings};

/// How long connecting, and each operation, may take.
const TIMEOUT: Duration = Duration::from_secs(5);
/// Length of an initial password: about 117 bits from the alphabet below.
const PASSWORD_LENGTH: usize = 20;
/// Letters and digits without the look-alikes (0/O, 1/l/I), to be typed
/// from a screen.
const PASSWORD_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

// LDAP result codes (RFC 4511 appendix A) this module acts on.
const NO_SUCH_ATTRIBUTE: u32 = 16;
const ATTRIBUTE_OR_VALUE_EXISTS: u32 = 20;
const NO_SUCH_OBJECT: u32 = 32;

/// What an LDAP result code means, in Indonesian, for messages.
fn meaning(rc: u32) -> &'static str {
    match rc {
        1 => "kesalahan operasi di server",
        2 => "kesalahan protokol",
        3 => "batas waktu server terlampaui",
        4 => "batas jumlah hasil terlampaui",
        7 => "metode autentikasi tidak didukung",
        8 => "server meminta autentikasi yang lebih kuat (TLS)",
        10 => "server merujuk ke server lain",
        11 => "batas administratif terlampaui",
        13 => "server mewajibkan koneksi terenkripsi",
        16 => "atribut tidak ada",
        17 => "jenis atribut tidak dikenal skema direktori",
        18 => "pencocokan tidak sesuai untuk atribut",
        19 => "melanggar batasan (mis. kebijakan sandi)",
        20 => "atribut atau nilai sudah ada",
        21 => "sintaks nilai atribut tidak sah",
        32 => "objek tidak ada",
        34 => "sintaks DN tidak sah",
        48 => "autentikasi tidak tepat",
        49 => "kredensial bind salah",
        50 => "hak akses tidak cukup",
        51 => "server sibuk",
        52 => "server tidak tersedia",
        53 => "server tidak bersedia melakukannya",
        54 => "terdeteksi perulangan",
        64 => "pelanggaran penamaan",
        65 => "pelanggaran kelas objek (atribut wajib kurang atau tidak diizinkan)",
        66 => "tidak diizinkan pada entri yang masih memiliki entri di bawahnya",
        67 => "tidak diizinkan pada RDN",
        68 => "entri sudah ada",
        69 => "kelas objek tidak dapat diubah",
        80 => "kesalahan lain di server",
        _ => "ditolak server",
    }
}

/// The server answered `result` to `what`: busy or unavailable servers
/// are tried again later, everything else needs someone to act.
fn answered(url: &str, what: &str, result: &LdapResult) -> ConnectorError {
    let mut message = format!("{url}: {what}: {} (kode LDAP {})", meaning(result.rc), result.rc);
    if !result.text.is_empty() {
        message.push_str(&format!("; pesan server: {}", result.text));
    }
    match result.rc {
        3 | 51 | 52 => ConnectorError::Unreachable(message),
        _ => ConnectorError::Refused(message),
    }
}

fn unreachable(url: &str, what: &str, e: LdapError) -> ConnectorError {
    ConnectorError::Unreachable(format!("{url}: {what}: {e}"))
}

fn settings_error(problems: Vec<(String, String)>) -> ConnectorError {
    ConnectorError::Settings(
        problems
            .into_iter()
            .map(|(field, message)| format!("{field}: {message}"))
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// The account's uid: the approved name, or for a mailbox its local part.
/// Only letters, digits, `.`, `_` and `-`, beginning with a letter or digit.
pub fn uid_of(name: &str) -> Result<String, ConnectorError> {
    let name = name.trim();
    let uid = match name.split_once('@') {
        Some((local, _domain)) => local,
        None => name,
    };
    let valid = uid.len() <= 64
        && uid.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && uid.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(ConnectorError::Refused(format!(
            "nama '{name}' tidak dapat menjadi uid direktori (hanya huruf, angka, titik, garis bawah dan \
             tanda hubung, diawali huruf atau angka, paling panjang 64)"
        )));
    }
    Ok(uid.to_string())
}

/// The mark Sopir writes on the entries it creates for `approved`.
fn mark(approved: &Approved) -> String {
    format!("sopir:entry={}", approved.entry)
}

fn entry_dn(config: &DirectoryConfig, uid: &str) -> String {
    format!("uid={},{}", dn_escape(uid), config.base_dn)
}

/// The mapped attributes' values for `approved`; a field that is empty or
/// absent is not written.
fn mapped_values(config: &DirectoryConfig, approved: &Approved, uid: &str) -> Vec<(String, String)> {
    config
        .attributes
        .iter()
        .filter_map(|mapped| {
            let value = match &mapped.source {
                Source::Name => approved.name.clone(),
                Source::Uid => uid.to_string(),
                Source::Person => approved.person.clone(),
                Source::Unit => approved.unit.clone(),
                Source::Case => approved.case_number.clone(),
                Source::Field(field) => approved.fields.get(field).cloned().unwrap_or_default(),
                Source::Text(text) => text.clone(),
            };
            let value = value.trim().to_string();
            (!value.is_empty()).then(|| (mapped.attribute.clone(), value))
        })
        .collect()
}

/// Everything the new entry is added with (not the password).
fn new_entry(config: &DirectoryConfig, approved: &Approved, uid: &str) -> Vec<(String, Vec<String>)> {
    let mut attributes: Vec<(String, Vec<String>)> =
        vec![("objectClass".into(), config.object_classes.clone()), ("uid".into(), vec![uid.to_string()])];
    for (attribute, value) in mapped_values(config, approved, uid) {
        match attributes.iter_mut().find(|(a, _)| a.eq_ignore_ascii_case(&attribute)) {
            Some((_, values)) if !values.contains(&value) => values.push(value),
            Some(_) => {}
            None => attributes.push((attribute, vec![value])),
        }
    }
    attributes.push((config.marker_attribute.clone(), vec![mark(approved)]));
    if let Some(active) = &config.active {
        attributes.push((active.attribute.clone(), vec![active.value.clone()]));
    }
    attributes
}

/// A fresh random password from the operating system's CSPRNG.
fn random_password() -> Result<String, ConnectorError> {
    // Bytes at or above the largest multiple of the alphabet's length are
    // dropped, so every character is equally likely.
    let limit = 256 - 256 % PASSWORD_ALPHABET.len();
    let mut password = String::with_capacity(PASSWORD_LENGTH);
    let mut bytes = [0u8; 64];
    while password.len() < PASSWORD_LENGTH {
        getrandom::fill(&mut bytes)
            .map_err(|e| ConnectorError::Refused(format!("pembangkit bilangan acak sistem gagal: {e}")))?;
        for byte in bytes.iter().map(|b| usize::from(*b)).filter(|b| *b < limit) {
            if password.len() == PASSWORD_LENGTH {
                break;
            }
            password.push(char::from(PASSWORD_ALPHABET[byte % PASSWORD_ALPHABET.len()]));
        }
    }
    Ok(password)
}

/// Checks an agency's settings for the administration form: each wrong
/// field with what is wrong, in Indonesian.
pub fn check_settings(settings: &Settings) -> Result<(), Vec<(String, String)>> {
    config::read(settings).map(|_| ())
}

/// What a run would send, for a dry run: the entry's DN and the attributes
/// written or changed, in LDIF's shape, without the bind password or any
/// account password.
pub fn describe(
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
) -> Result<String, ConnectorError> {
    let config = config::read(settings).map_err(settings_error)?;
    let uid = uid_of(&approved.name)?;
    let dn = entry_dn(&config, &uid);
    let mut text = format!(
        "# {} akun di {} (bind sebagai {}; hanya entri bertanda {}: {})\n",
        operation.label(),
        config.url,
        config.bind_dn,
        config.marker_attribute,
        mark(approved)
    );
    let suspend = &config.suspend;
    let leave_group = |text: &mut String| {
        if let Some(group) = &config.group_dn {
            text.push_str(&format!(
                "\n# keluar dari grup\ndn: {group}\nchangetype: modify\ndelete: <anggota>\n<anggota>: {dn}\n"
            ));
        }
    };
    match operation {
        Operation::Create => {
            text.push_str(&format!("dn: {dn}\nchangetype: add\n"));
            for (attribute, values) in new_entry(&config, approved, &uid) {
                for value in values {
                    text.push_str(&format!("{attribute}: {value}\n"));
                }
            }
            let skipped: Vec<String> = config
                .attributes
                .iter()
                .filter(|m| !mapped_values(&config, approved, &uid).iter().any(|(a, _)| *a == m.attribute))
                .map(|m| format!("{} ({})", m.attribute, m.source.written()))
                .collect();
            if !skipped.is_empty() {
                text.push_str(&format!("# kosong, tidak ditulis: {}\n", skipped.join(", ")));
            }
            text.push_str(&format!(
                "\n# sandi awal acak {PASSWORD_LENGTH} karakter, diatur lewat Password Modify (RFC 3062) dan \
                 diserahkan sekali kepada pemohon lewat tautan sekali pakai\n"
            ));
            if let Some(group) = &config.group_dn {
                text.push_str(&format!(
                    "\n# masuk ke grup\ndn: {group}\nchangetype: modify\nadd: <anggota>\n<anggota>: {dn}\n"
                ));
            }
        }
        Operation::Suspend => {
            text.push_str(&format!(
                "dn: {dn}\nchangetype: modify\nreplace: {a}\n{a}: {v}\n",
                a = suspend.attribute,
                v = suspend.value
            ));
        }
        Operation::Reactivate => match &config.active {
            Some(active) => text.push_str(&format!(
                "dn: {dn}\nchangetype: modify\nreplace: {a}\n{a}: {v}\n",
                a = active.attribute,
                v = active.value
            )),
            None => text.push_str(&format!("dn: {dn}\nchangetype: modify\ndelete: {}\n", suspend.attribute)),
        },
        Operation::Revoke => match config.revoke {
            RevokeMode::Delete => {
                leave_group(&mut text);
                text.push_str(&format!("\ndn: {dn}\nchangetype: delete\n"));
            }
            RevokeMode::Lock => {
                text.push_str(&format!(
                    "dn: {dn}\nchangetype: modify\nreplace: {a}\n{a}: {v}\n\n# sandi diganti sandi acak yang tidak disimpan\n",
                    a = suspend.attribute,
                    v = suspend.value
                ));
                leave_group(&mut text);
            }
        },
    }
    if config.group_dn.is_some() {
        text.push_str(
            "# <anggota>: member, uniqueMember, atau memberUid (berisi uid) menurut kelas objek grup\n",
        );
    }
    Ok(text)
}

/// Does `operation` for `approved` in the directory `settings` name.
pub async fn run(
    settings: &Settings,
    operation: Operation,
    approved: &Approved,
) -> Result<Outcome, ConnectorError> {
    let config = config::read(settings).map_err(settings_error)?;
    let uid = uid_of(&approved.name)?;
    let mut directory = Directory::connect(&config, &settings.secret).await?;
    let result = directory.run(operation, approved, &uid).await;
    directory.close().await;
    match &result {
        Ok(outcome) => {
            tracing::info!(operation = operation.key(), entry = %approved.entry, summary = %outcome.summary, "konektor LDAP")
        }
        Err(e) => {
            tracing::warn!(operation = operation.key(), entry = %approved.entry, error = %e, "konektor LDAP")
        }
    }
    result
}

/// How a group lists its members.
#[derive(Debug, Clone, Copy)]
enum Membership {
    /// `member` of a groupOfNames: the DN.
    Member,
    /// `uniqueMember` of a groupOfUniqueNames: the DN.
    UniqueMember,
    /// `memberUid` of a posixGroup: the uid.
    MemberUid,
}

impl Membership {
    fn attribute(self) -> &'static str {
        match self {
            Membership::Member => "member",
            Membership::UniqueMember => "uniqueMember",
            Membership::MemberUid => "memberUid",
        }
    }
}

/// Values of `attribute` on `entry`, whatever case the server names it in.
fn values<'a>(entry: &'a SearchEntry, attribute: &str) -> &'a [String] {
    entry
        .attrs
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(attribute))
        .map_or(&[][..], |(_, values)| values.as_slice())
}

/// One bound connection and the settings it was made with.
struct Directory<'a> {
    config: &'a DirectoryConfig,
    ldap: Ldap,
}

impl<'a> Directory<'a> {
    async fn connect(config: &'a DirectoryConfig, secret: &str) -> Result<Directory<'a>, ConnectorError> {
        let url = &config.url;
        let conn_settings = LdapConnSettings::new().set_conn_timeout(TIMEOUT).set_starttls(config.starttls);
        let (conn, mut ldap) = LdapConnAsync::with_settings(conn_settings, url)
            .await
            .map_err(|e| unreachable(url, "menghubungi server", e))?;
        ldap3::drive!(conn);
        let what = format!("bind sebagai {}", config.bind_dn);
        let bound = ldap
            .with_timeout(TIMEOUT)
            .simple_bind(&config.bind_dn, secret)
            .await
            .map_err(|e| unreachable(url, &what, e))?;
        if bound.rc != 0 {
            return Err(answered(url, &what, &bound));
        }
        Ok(Directory { config, ldap })
    }

    async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }

    fn url(&self) -> &str {
        &self.config.url
    }

    /// `dn` with `attributes`, `None` when there is no such entry.
    async fn read(&mut self, dn: &str, attributes: &[&str]) -> Result<Option<SearchEntry>, ConnectorError> {
        let what = format!("membaca {dn}");
        let found = self
            .ldap
            .with_timeout(TIMEOUT)
            .search(dn, Scope::Base, "(objectClass=*)", attributes.to_vec())
            .await
            .map_err(|e| unreachable(&self.config.url, &what, e))?;
        match found.1.rc {
            0 => Ok(found.0.into_iter().next().map(SearchEntry::construct)),
            NO_SUCH_OBJECT => Ok(None),
            _ => Err(answered(self.url(), &what, &found.1)),
        }
    }

    /// Applies `mods` to `dn`; result codes in `fine` count as done.
    async fn modify(
        &mut self,
        dn: &str,
        mods: Vec<Mod<String>>,
        what: &str,
        fine: &[u32],
    ) -> Result<(), ConnectorError> {
        let what = format!("{what} {dn}");
        let result = self
            .ldap
            .with_timeout(TIMEOUT)
            .modify(dn, mods)
            .await
            .map_err(|e| unreachable(&self.config.url, &what, e))?;
        if result.rc == 0 || fine.contains(&result.rc) {
            Ok(())
        } else {
            Err(answered(self.url(), &what, &result))
        }
    }

    /// The entry at `dn` if it is the one Sopir made for `approved`; a
    /// refusal if another holds the DN.
    async fn own_entry(
        &mut self,
        dn: &str,
        approved: &Approved,
    ) -> Result<Option<SearchEntry>, ConnectorError> {
        let marker = self.config.marker_attribute.clone();
        let suspend = self.config.suspend.attribute.clone();
        let Some(entry) = self.read(dn, &[marker.as_str(), suspend.as_str(), "uid"]).await? else {
            return Ok(None);
        };
        let mark = mark(approved);
        if values(&entry, &marker).contains(&mark) {
            Ok(Some(entry))
        } else {
            Err(ConnectorError::Refused(format!(
                "{}: {dn} sudah ada tetapi bukan akun yang dibuat Sopir untuk entri ini (tanpa {marker}: {mark}); \
                 Sopir tidak mengubahnya",
                self.url()
            )))
        }
    }

    /// Another entry under the base with the same uid (elsewhere in the
    /// subtree) is someone else's account.
    async fn uid_elsewhere(&mut self, dn: &str, uid: &str) -> Result<Option<String>, ConnectorError> {
        let base = self.config.base_dn.clone();
        let what = format!("mencari uid={uid} di {base}");
        let found = self
            .ldap
            .with_timeout(TIMEOUT)
            .search(&base, Scope::Subtree, &format!("(uid={})", ldap_escape(uid)), vec!["1.1"])
            .await
            .map_err(|e| unreachable(&self.config.url, &what, e))?;
        if found.1.rc != 0 {
            return Err(answered(self.url(), &what, &found.1));
        }
        Ok(found
            .0
            .into_iter()
            .map(|e| SearchEntry::construct(e).dn)
            .find(|other| !other.replace(' ', "").eq_ignore_ascii_case(&dn.replace(' ', ""))))
    }

    async fn set_password(&mut self, dn: &str, password: &str) -> Result<(), ConnectorError> {
        let what = format!("mengatur sandi {dn}");
        let changed = self
            .ldap
            .with_timeout(TIMEOUT)
            .extended(PasswordModify { user_id: Some(dn), old_pass: None, new_pass: Some(password) })
            .await
            .map_err(|e| unreachable(&self.config.url, &what, e))?;
        if changed.1.rc != 0 {
            return Err(answered(self.url(), &what, &changed.1));
        }
        Ok(())
    }

    async fn membership(&mut self, group: &str) -> Result<Membership, ConnectorError> {
        let Some(entry) = self.read(group, &["objectClass"]).await? else {
            return Err(ConnectorError::Refused(format!("{}: grup {group} tidak ada", self.url())));
        };
        let classes = values(&entry, "objectClass");
        let has = |class: &str| classes.iter().any(|c| c.eq_ignore_ascii_case(class));
        Ok(if has("groupOfUniqueNames") {
            Membership::UniqueMember
        } else if has("posixGroup") {
            Membership::MemberUid
        } else {
            Membership::Member
        })
    }

    fn member_value(membership: Membership, dn: &str, uid: &str) -> String {
        match membership {
            Membership::MemberUid => uid.to_string(),
            Membership::Member | Membership::UniqueMember => dn.to_string(),
        }
    }

    async fn join(&mut self, group: &str, dn: &str, uid: &str) -> Result<(), ConnectorError> {
        let membership = self.membership(group).await?;
        let value = Self::member_value(membership, dn, uid);
        let mods = vec![Mod::Add(membership.attribute().to_string(), HashSet::from([value]))];
        self.modify(group, mods, "menambah anggota grup", &[ATTRIBUTE_OR_VALUE_EXISTS]).await
    }

    async fn leave(&mut self, group: &str, dn: &str, uid: &str) -> Result<(), ConnectorError> {
        let membership = self.membership(group).await?;
        let value = Self::member_value(membership, dn, uid);
        let mods = vec![Mod::Delete(membership.attribute().to_string(), HashSet::from([value]))];
        self.modify(group, mods, "mengeluarkan anggota grup", &[NO_SUCH_ATTRIBUTE]).await
    }

    async fn is_member(&mut self, group: &str, dn: &str, uid: &str) -> Result<bool, ConnectorError> {
        let membership = self.membership(group).await?;
        let value = Self::member_value(membership, dn, uid);
        let what = format!("memeriksa anggota grup {group}");
        let compared = self
            .ldap
            .with_timeout(TIMEOUT)
            .compare(group, membership.attribute(), value)
            .await
            .map_err(|e| unreachable(&self.config.url, &what, e))?;
        match compared.0.rc {
            5 | NO_SUCH_ATTRIBUTE => Ok(false),
            6 => Ok(true),
            _ => Err(answered(self.url(), &what, &compared.0)),
        }
    }

    async fn run(
        &mut self,
        operation: Operation,
        approved: &Approved,
        uid: &str,
    ) -> Result<Outcome, ConnectorError> {
        match operation {
            Operation::Create => self.create(approved, uid).await,
            Operation::Suspend => self.suspend(approved, uid).await,
            Operation::Reactivate => self.reactivate(approved, uid).await,
            Operation::Revoke => match self.config.revoke {
                RevokeMode::Delete => self.delete(approved, uid).await,
                RevokeMode::Lock => self.lock(approved, uid).await,
            },
        }
    }

    async fn create(&mut self, approved: &Approved, uid: &str) -> Result<Outcome, ConnectorError> {
        let config = self.config;
        let dn = entry_dn(config, uid);
        if let Some(other) = self.uid_elsewhere(&dn, uid).await? {
            return Err(ConnectorError::Refused(format!(
                "{}: uid {uid} sudah dipakai entri lain: {other}",
                self.url()
            )));
        }
        let existed = self.own_entry(&dn, approved).await?.is_some();
        if !existed {
            let what = format!("menambah {dn}");
            let attributes: Vec<(String, HashSet<String>)> = new_entry(config, approved, uid)
                .into_iter()
                .map(|(attribute, values)| (attribute, values.into_iter().collect()))
                .collect();
            let added = self
                .ldap
                .with_timeout(TIMEOUT)
                .add(&dn, attributes)
                .await
                .map_err(|e| unreachable(&config.url, &what, e))?;
            if added.rc != 0 {
                return Err(answered(self.url(), &what, &added));
            }
        }
        let password = random_password()?;
        self.set_password(&dn, &password).await?;
        if let Some(group) = &config.group_dn {
            self.join(group, &dn, uid).await?;
        }

        if self.own_entry(&dn, approved).await?.is_none() {
            return Err(ConnectorError::Unverified(format!(
                "{}: {dn} tidak ditemukan setelah ditambahkan",
                self.url()
            )));
        }
        let mut summary = if existed {
            format!(
                "akun {uid} sudah ada di {} ({dn}) dari percobaan sebelumnya untuk entri ini; sandi awal baru diatur",
                self.url()
            )
        } else {
            format!("akun {uid} dibuat di {} ({dn})", self.url())
        };
        if let Some(group) = &config.group_dn {
            if !self.is_member(group, &dn, uid).await? {
                return Err(ConnectorError::Unverified(format!(
                    "{}: {dn} tidak terlihat sebagai anggota grup {group}",
                    self.url()
                )));
            }
            summary.push_str(&format!(", ditambahkan ke grup {group}"));
        }
        summary.push_str("; sandi awal diserahkan sekali kepada pemohon lewat tautan sekali pakai");
        let body = format!(
            "Akun direktori untuk {name}\n\
             uid: {uid}\n\
             DN: {dn}\n\
             Sandi awal: {password}\n\
             \n\
             Sandi ini hanya diberikan sekali dan tidak disimpan Sopir.\n\
             Segera ganti sandi ini setelah masuk pertama kali, dan jangan\n\
             meneruskannya lewat surel atau pesan.\n",
            name = approved.name
        );
        Ok(Outcome {
            summary,
            answer: None,
            handover: Some(Handover {
                filename: format!("akun-{uid}.txt"),
                content_type: "text/plain; charset=utf-8".into(),
                body: body.into_bytes(),
            }),
        })
    }

    /// The entry Sopir made for `approved`, refused when there is none.
    async fn existing(
        &mut self,
        dn: &str,
        approved: &Approved,
        uid: &str,
    ) -> Result<SearchEntry, ConnectorError> {
        match self.own_entry(dn, approved).await? {
            Some(entry) => Ok(entry),
            None => Err(ConnectorError::Refused(format!("{}: akun {uid} ({dn}) tidak ada", self.url()))),
        }
    }

    /// Whether the entry carries the suspension value.
    async fn suspended(&mut self, dn: &str, approved: &Approved, uid: &str) -> Result<bool, ConnectorError> {
        let suspend = &self.config.suspend;
        let entry = self.existing(dn, approved, uid).await?;
        Ok(values(&entry, &suspend.attribute).iter().any(|v| v.eq_ignore_ascii_case(&suspend.value)))
    }

    async fn write_suspension(&mut self, dn: &str) -> Result<(), ConnectorError> {
        let suspend = &self.config.suspend;
        let mods = vec![Mod::Replace(suspend.attribute.clone(), HashSet::from([suspend.value.clone()]))];
        self.modify(dn, mods, "menangguhkan", &[]).await
    }

    async fn suspend(&mut self, approved: &Approved, uid: &str) -> Result<Outcome, ConnectorError> {
        let dn = entry_dn(self.config, uid);
        self.existing(&dn, approved, uid).await?;
        self.write_suspension(&dn).await?;
        if !self.suspended(&dn, approved, uid).await? {
            return Err(ConnectorError::Unverified(format!(
                "{}: {dn} tidak menunjukkan {} setelah ditangguhkan",
                self.url(),
                self.config.suspend.attribute
            )));
        }
        let suspend = &self.config.suspend;
        Ok(Outcome {
            summary: format!(
                "akun {uid} ditangguhkan di {} ({dn}, {}: {})",
                self.url(),
                suspend.attribute,
                suspend.value
            ),
            answer: None,
            handover: None,
        })
    }

    async fn reactivate(&mut self, approved: &Approved, uid: &str) -> Result<Outcome, ConnectorError> {
        let config = self.config;
        let dn = entry_dn(config, uid);
        self.existing(&dn, approved, uid).await?;
        let mods = match &config.active {
            Some(active) => {
                vec![Mod::Replace(active.attribute.clone(), HashSet::from([active.value.clone()]))]
            }
            None => vec![Mod::Delete(config.suspend.attribute.clone(), HashSet::new())],
        };
        // Already without the suspension: a retried run, done.
        self.modify(&dn, mods, "mengaktifkan kembali", &[NO_SUCH_ATTRIBUTE]).await?;
        if self.suspended(&dn, approved, uid).await? {
            return Err(ConnectorError::Unverified(format!(
                "{}: {dn} masih menunjukkan {} setelah diaktifkan kembali",
                self.url(),
                config.suspend.attribute
            )));
        }
        Ok(Outcome {
            summary: format!("akun {uid} diaktifkan kembali di {} ({dn})", self.url()),
            answer: None,
            handover: None,
        })
    }

    async fn delete(&mut self, approved: &Approved, uid: &str) -> Result<Outcome, ConnectorError> {
        let config = self.config;
        let dn = entry_dn(config, uid);
        if self.own_entry(&dn, approved).await?.is_none() {
            // A retried run after the delete went through.
            return Ok(Outcome {
                summary: format!(
                    "akun {uid} sudah tidak ada di {} ({dn}); tidak ada yang dihapus",
                    self.url()
                ),
                answer: None,
                handover: None,
            });
        }
        let mut summary = format!("akun {uid} dihapus dari {} ({dn})", self.url());
        if let Some(group) = &config.group_dn {
            self.leave(group, &dn, uid).await?;
            summary.push_str(&format!(", dikeluarkan dari grup {group}"));
        }
        let what = format!("menghapus {dn}");
        let deleted = self
            .ldap
            .with_timeout(TIMEOUT)
            .delete(&dn)
            .await
            .map_err(|e| unreachable(&config.url, &what, e))?;
        if deleted.rc != 0 && deleted.rc != NO_SUCH_OBJECT {
            return Err(answered(self.url(), &what, &deleted));
        }
        if self.read(&dn, &["1.1"]).await?.is_some() {
            return Err(ConnectorError::Unverified(format!(
                "{}: {dn} masih ada setelah dihapus",
                self.url()
            )));
        }
        Ok(Outcome { summary, answer: None, handover: None })
    }

    async fn lock(&mut self, approved: &Approved, uid: &str) -> Result<Outcome, ConnectorError> {
        let config = self.config;
        let dn = entry_dn(config, uid);
        self.existing(&dn, approved, uid).await?;
        // Nobody knows the new one: reactivating a revoked account by hand
        // does not bring the person's old password back. Set before the
        // suspension: OpenLDAP's password policy unlocks an account whose
        // password is reset.
        self.set_password(&dn, &random_password()?).await?;
        self.write_suspension(&dn).await?;
        let mut summary = format!(
            "akun {uid} dikunci di {} ({dn}, {}: {}, sandi diganti sandi acak yang tidak disimpan)",
            self.url(),
            config.suspend.attribute,
            config.suspend.value
        );
        if let Some(group) = &config.group_dn {
            self.leave(group, &dn, uid).await?;
            if self.is_member(group, &dn, uid).await? {
                return Err(ConnectorError::Unverified(format!(
                    "{}: {dn} masih anggota grup {group} setelah dicabut",
                    self.url()
                )));
            }
            summary.push_str(&format!(", dikeluarkan dari grup {group}"));
        }
        if !self.suspended(&dn, approved, uid).await? {
            return Err(ConnectorError::Unverified(format!(
                "{}: {dn} tidak menunjukkan {} setelah dikunci",
                self.url(),
                config.suspend.attribute
            )));
        }
        Ok(Outcome { summary, answer: None, handover: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_s_uid_is_its_local_part_and_odd_names_are_refused() {
        assert_eq!(uid_of("budi@example.go.id").unwrap(), "budi");
        assert_eq!(uid_of("budi.santoso").unwrap(), "budi.santoso");
        for bad in ["", "@example.go.id", "-budi", "budi santoso", "budi,ou=admins", "budi*", "a=b"] {
            assert!(matches!(uid_of(bad), Err(ConnectorError::Refused(_))), "{bad}");
        }
    }

    #[test]
    fn initial_passwords_are_long_random_and_from_the_alphabet() {
        let a = random_password().unwrap();
        let b = random_password().unwrap();
        assert_eq!(a.len(), PASSWORD_LENGTH);
        assert!(a.len() >= 16);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| PASSWORD_ALPHABET.contains(&c)));
    }
}
