//! How an agency's people sign in: whether local passwords are accepted,
//! and the LDAP directory that vouches for them (its service account's
//! password sealed with the installation's data key, the CA its TLS
//! certificate must come from), and finding the person a directory entry
//! names by NIP or e-mail.

use sqlx::Row;

use crate::accounts::account_from;
use crate::ca_certificate::{self, CaCertificate};
use crate::personal_data::required;
use crate::record_event::{Change, Owner, append};
use crate::{Account, Store, StoreError};

/// What a directory attribute's value is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    Nip,
    Email,
}

impl Identity {
    pub fn code(self) -> &'static str {
        match self {
            Identity::Nip => "nip",
            Identity::Email => "email",
        }
    }

    pub fn from_code(code: &str) -> Option<Identity> {
        match code {
            "nip" => Some(Identity::Nip),
            "email" => Some(Identity::Email),
            _ => None,
        }
    }
}

/// How the settings form says to find a person in the directory: the
/// choice [`LdapBind`] is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LdapMode {
    /// Bind as a DN made from a template.
    Template,
    /// Search with a service account, then bind as the entry found.
    Search,
}

impl LdapMode {
    pub const ALL: [LdapMode; 2] = [LdapMode::Template, LdapMode::Search];

    pub fn code(self) -> &'static str {
        match self {
            LdapMode::Template => "template",
            LdapMode::Search => "search",
        }
    }

    pub fn from_code(code: &str) -> Option<LdapMode> {
        LdapMode::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// How the directory is asked whether a password is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdapBind {
    /// Bind straight as this DN, `{username}` replaced (escaped).
    Template(String),
    /// Bind as a service account, find the one entry `filter` (with
    /// `{username}`) matches under `base`, then bind as that entry.
    Search { service_dn: String, service_password: String, base: String, filter: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapSettings {
    /// `ldap://host:port` or `ldaps://host:port`.
    pub url: String,
    pub starttls: bool,
    /// The CA certificates (PEM) trusted for the directory's TLS instead
    /// of the system's roots; `None`: the system's.
    pub ca_certificate: Option<String>,
    pub bind: LdapBind,
    /// The entry's attribute that carries the NIP or e-mail.
    pub attribute: String,
    pub maps_to: Identity,
}

/// The LDAP URL field's label, as the settings page shows it and its
/// refusals name it.
pub const LDAP_URL_LABEL: &str = "URL LDAP";

impl LdapSettings {
    /// Whether a sign-in would send the person's password unencrypted:
    /// plain `ldap://` to another machine without StartTLS. Saving such
    /// settings is refused; ones saved before that rule are refused at
    /// sign-in, before anything is sent.
    pub fn sends_passwords_in_clear(&self) -> bool {
        in_clear(self.url.trim(), self.starttls)
    }
}

/// The agency's OpenID provider (Keycloak, the province's identity provider).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// Shown on the login button: "Masuk dengan <name>".
    pub name: String,
    /// `https://…` (plain `http://` only on loopback, for tests).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Space-separated, `openid` among them.
    pub scopes: String,
    /// The ID token's claim that carries the NIP or e-mail.
    pub claim: String,
    pub maps_to: Identity,
}

/// An OpenID Connect sign-in under way, taken back by its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOidc {
    pub agency: String,
    pub nonce: String,
    pub verifier: String,
    pub back: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInSettings {
    /// Whether the agency's accounts may sign in with a Sopir password
    /// (installation administrators always may, so nobody is locked out).
    pub local_passwords: bool,
    pub ldap: Option<LdapSettings>,
    pub oidc: Option<OidcSettings>,
}

impl Default for SignInSettings {
    fn default() -> SignInSettings {
        SignInSettings { local_passwords: true, ldap: None, oidc: None }
    }
}

/// The settings as an administrator typed them; an empty `ldap_url`
/// turns LDAP off, an empty service password keeps the saved one.
#[derive(Debug, Clone, Default)]
pub struct SignInForm {
    pub local_passwords: bool,
    pub ldap_url: String,
    pub ldap_starttls: bool,
    /// PEM; empty: the system's roots.
    pub ldap_ca_certificate: String,
    /// An [`LdapMode`] code: `template` or `search`.
    pub ldap_mode: String,
    pub ldap_bind_dn: String,
    pub ldap_service_dn: String,
    pub ldap_service_password: String,
    pub ldap_base: String,
    pub ldap_filter: String,
    pub ldap_attribute: String,
    pub ldap_maps_to: String,
    /// An empty issuer turns OpenID Connect off; an empty secret keeps
    /// the saved one.
    pub oidc_name: String,
    pub oidc_issuer: String,
    pub oidc_client_id: String,
    pub oidc_client_secret: String,
    pub oidc_scopes: String,
    pub oidc_claim: String,
    pub oidc_maps_to: String,
}

const USERNAME: &str = "{username}";

/// How long a sign-in at the OpenID provider may take.
pub const OIDC_PENDING_MS: i64 = 10 * 60 * 1000;

fn sha256_hex(value: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What checking the LDAP fields read, so saving does not parse them again.
#[derive(Default)]
struct CheckedLdap {
    /// The bind mode; none when no directory is set.
    mode: Option<LdapMode>,
    ca: Vec<CaCertificate>,
}

/// Checks the form at `now` (a CA certificate must not have expired):
/// every field's problem at once, as the page shows them beside their fields.
fn check_form(form: &SignInForm, now: i64) -> Result<CheckedLdap, StoreError> {
    let mut problems = Problems::default();
    let ldap = check_ldap(form, now, &mut problems);
    check_oidc(form, &mut problems);
    match problems.0.is_empty() {
        true => Ok(ldap),
        false => Err(StoreError::Engine(engine::EngineError::Invalid(problems.0))),
    }
}

/// The refused fields of one form, in the form's order.
#[derive(Default)]
struct Problems(Vec<engine::form::FieldError>);

impl Problems {
    fn add(&mut self, field: &str, label: &str, message: &str) {
        self.0.push(engine::form::FieldError::new(field, label, message));
    }

    /// Adds the CA certificate reader's refusals (each names its field;
    /// it reads no storage, so it fails no other way).
    fn take(&mut self, refused: StoreError) {
        match refused {
            StoreError::Engine(engine::EngineError::Invalid(errors)) => self.0.extend(errors),
            other => self.add(ca_certificate::FIELD, ca_certificate::LABEL, &other.to_string()),
        }
    }
}

/// Whether the directory at `url` would be sent passwords unencrypted
/// (see [`LdapSettings::sends_passwords_in_clear`]).
fn in_clear(url: &str, starttls: bool) -> bool {
    url.strip_prefix("ldap://").is_some_and(|rest| !starttls && !loopback(rest))
}

/// Whether a URL whose part after `scheme://` is `rest` points at this machine.
fn loopback(rest: &str) -> bool {
    let host = rest.split('/').next().unwrap_or_default();
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    matches!(name, "127.0.0.1" | "localhost" | "[::1]")
}

fn check_oidc(form: &SignInForm, problems: &mut Problems) {
    let issuer = form.oidc_issuer.trim().trim_end_matches('/');
    if issuer.is_empty() {
        return;
    }
    let host = issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://").filter(|rest| loopback(rest)));
    if host.is_none_or(|h| h.is_empty() || h.contains(char::is_whitespace)) {
        problems.add(
            "oidc_issuer",
            "Issuer",
            "harus diawali https://, misalnya https://sso.jatimprov.go.id/realms/pemprov",
        );
    }
    let required = [
        ("oidc_name", "Nama penyedia (pada tombol masuk)", &form.oidc_name),
        ("oidc_client_id", "Client ID", &form.oidc_client_id),
        ("oidc_claim", "Klaim ID token yang memuat NIP atau e-mail", &form.oidc_claim),
    ];
    for (field, label, value) in required {
        if value.trim().is_empty() {
            problems.add(field, label, "wajib diisi untuk OpenID Connect");
        }
    }
    if !form.oidc_scopes.split_whitespace().any(|s| s == "openid") {
        problems.add("oidc_scopes", "Scope", "harus memuat openid, misalnya \"openid email\"");
    }
    if Identity::from_code(&form.oidc_maps_to).is_none() {
        problems.add("oidc_maps_to", "Dicocokkan dengan", "pilih NIP atau e-mail");
    }
}

fn check_ldap(form: &SignInForm, now: i64, problems: &mut Problems) -> CheckedLdap {
    let url = form.ldap_url.trim();
    if url.is_empty() {
        return CheckedLdap::default();
    }
    let rest = url.strip_prefix("ldap://").or_else(|| url.strip_prefix("ldaps://"));
    let plain = url.starts_with("ldap://");
    match rest {
        Some(rest) if !rest.trim_end_matches('/').is_empty() && !rest.contains(char::is_whitespace) => {
            if in_clear(url, form.ldap_starttls) {
                // Every sign-in sends the person's password to the directory.
                problems.add(
                    "ldap_url",
                    LDAP_URL_LABEL,
                    "ldap:// tanpa StartTLS mengirim kata sandi pegawai tanpa enkripsi: pakai ldaps:// atau \
                     centang StartTLS (ldap:// polos hanya untuk server di mesin ini)",
                );
            }
        }
        _ => problems.add(
            "ldap_url",
            LDAP_URL_LABEL,
            "harus diawali ldap:// atau ldaps:// lalu nama server, misalnya ldaps://ldap.example.go.id",
        ),
    }
    if form.ldap_starttls && url.starts_with("ldaps://") {
        problems.add(
            "ldap_starttls",
            "Pakai StartTLS (untuk ldap://)",
            "StartTLS hanya untuk ldap://; ldaps:// sudah terenkripsi",
        );
    }
    let mode = LdapMode::from_code(form.ldap_mode.trim());
    match mode {
        None => problems.add("ldap_mode", "Bind", "pilih templat DN atau cari-lalu-bind"),
        Some(LdapMode::Search) => {
            let required = [
                ("ldap_service_dn", "DN akun layanan", &form.ldap_service_dn),
                ("ldap_base", "Basis pencarian", &form.ldap_base),
            ];
            for (field, label, value) in required {
                if value.trim().is_empty() {
                    problems.add(field, label, "wajib diisi untuk cari-lalu-bind");
                }
            }
            if !form.ldap_filter.contains(USERNAME) || !form.ldap_filter.trim().starts_with('(') {
                problems.add(
                    "ldap_filter",
                    "Filter",
                    "harus berupa filter LDAP yang memuat {username}, misalnya (uid={username})",
                );
            }
        }
        Some(LdapMode::Template) => {
            if !form.ldap_bind_dn.contains(USERNAME) || !form.ldap_bind_dn.contains('=') {
                problems.add(
                    "ldap_bind_dn",
                    "Templat DN",
                    "harus memuat {username}, misalnya uid={username},ou=people,dc=example,dc=go,dc=id",
                );
            }
        }
    }
    let attribute = form.ldap_attribute.trim();
    if attribute.is_empty() || !attribute.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ';') {
        problems.add(
            "ldap_attribute",
            "Atribut yang memuat NIP atau e-mail",
            "nama atribut LDAP (huruf, angka, tanda hubung), misalnya mail atau employeeNumber",
        );
    }
    if Identity::from_code(&form.ldap_maps_to).is_none() {
        problems.add("ldap_maps_to", "Dicocokkan dengan", "pilih NIP atau e-mail");
    }
    let mut ca = Vec::new();
    if form.ldap_ca_certificate.trim().is_empty() {
        // The system's CAs.
    } else if plain && !form.ldap_starttls {
        problems.add(
            ca_certificate::FIELD,
            ca_certificate::LABEL,
            "hanya dipakai dengan TLS: pakai ldaps:// atau centang StartTLS",
        );
    } else {
        match ca_certificate::read_pem(&form.ldap_ca_certificate, now) {
            Ok(read) => ca = read,
            Err(refused) => problems.take(refused),
        }
    }
    CheckedLdap { mode, ca }
}

fn non_empty(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

/// A secret of the sign-in settings that is never shown back.
#[derive(Clone, Copy)]
enum SavedSecret {
    LdapServicePassword,
    OidcClientSecret,
}

impl Store {
    /// `agency`'s sign-in settings (local passwords only, when never set).
    pub async fn sign_in_settings(&self, agency: &str) -> Result<SignInSettings, StoreError> {
        let row = sqlx::query(
            "SELECT local_passwords, ldap_url, ldap_starttls, ldap_ca_certificate, ldap_bind_dn, ldap_service_dn, ldap_service_password,
                    ldap_base, ldap_filter, ldap_attribute, ldap_maps_to, oidc_name, oidc_issuer, oidc_client_id,
                    oidc_client_secret, oidc_scopes, oidc_claim, oidc_maps_to
             FROM sign_in_settings WHERE agency_id = $1",
        )
        .bind(agency)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(SignInSettings::default()) };
        let text = |name: &str| -> Result<String, StoreError> {
            Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
        };
        let ldap = match row.try_get::<Option<String>, _>("ldap_url")? {
            None => None,
            Some(url) => {
                let bind = match row.try_get::<Option<String>, _>("ldap_bind_dn")? {
                    Some(template) => LdapBind::Template(template),
                    None => {
                        let sealed = text("ldap_service_password")?;
                        let service_password = if sealed.is_empty() {
                            sealed
                        } else {
                            required(self.key.as_ref())?.open(&sealed)?
                        };
                        LdapBind::Search {
                            service_dn: text("ldap_service_dn")?,
                            service_password,
                            base: text("ldap_base")?,
                            filter: text("ldap_filter")?,
                        }
                    }
                };
                Some(LdapSettings {
                    url,
                    starttls: row.try_get::<i64, _>("ldap_starttls")? != 0,
                    ca_certificate: row.try_get("ldap_ca_certificate")?,
                    bind,
                    attribute: text("ldap_attribute")?,
                    maps_to: Identity::from_code(&text("ldap_maps_to")?).unwrap_or(Identity::Email),
                })
            }
        };
        let oidc = match row.try_get::<Option<String>, _>("oidc_issuer")? {
            None => None,
            Some(issuer) => {
                let sealed = text("oidc_client_secret")?;
                let client_secret =
                    if sealed.is_empty() { sealed } else { required(self.key.as_ref())?.open(&sealed)? };
                Some(OidcSettings {
                    name: text("oidc_name")?,
                    issuer,
                    client_id: text("oidc_client_id")?,
                    client_secret,
                    scopes: text("oidc_scopes")?,
                    claim: text("oidc_claim")?,
                    maps_to: Identity::from_code(&text("oidc_maps_to")?).unwrap_or(Identity::Email),
                })
            }
        };
        Ok(SignInSettings { local_passwords: row.try_get::<i64, _>("local_passwords")? != 0, ldap, oidc })
    }

    /// The sealed secret `which` saved for `agency`, kept when the form
    /// leaves its field empty.
    async fn saved_secret(&self, agency: &str, which: SavedSecret) -> Result<Option<String>, StoreError> {
        let column = match which {
            SavedSecret::LdapServicePassword => "ldap_service_password",
            SavedSecret::OidcClientSecret => "oidc_client_secret",
        };
        let sql = format!("SELECT {column} FROM sign_in_settings WHERE agency_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(agency).fetch_optional(&self.pool).await?;
        Ok(row.map(|row| row.try_get::<Option<String>, _>(0)).transpose()?.flatten())
    }

    /// Saves `agency`'s sign-in settings as `by` set them, each field
    /// checked first (a refusal, beside its field, changes nothing); the
    /// change is in the audit chain.
    pub async fn set_sign_in_settings(
        &self,
        agency: &str,
        form: &SignInForm,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let CheckedLdap { mode, ca } = check_form(form, at)?;
        let ldap = non_empty(&form.ldap_url);
        let search = mode == Some(LdapMode::Search);
        let service_password = if !search {
            None
        } else if form.ldap_service_password.is_empty() {
            // Left empty: the saved password stays (it is never shown back).
            self.saved_secret(agency, SavedSecret::LdapServicePassword).await?
        } else {
            Some(required(self.key.as_ref())?.seal(&form.ldap_service_password))
        };
        if search && service_password.is_none() {
            return Err(StoreError::invalid(
                "ldap_service_password",
                "Kata sandi akun layanan",
                "wajib diisi untuk cari-lalu-bind (belum ada yang tersimpan)",
            ));
        }
        let oidc = non_empty(form.oidc_issuer.trim_end_matches('/'));
        let client_secret = if oidc.is_none() {
            None
        } else if form.oidc_client_secret.is_empty() {
            self.saved_secret(agency, SavedSecret::OidcClientSecret).await?
        } else {
            Some(required(self.key.as_ref())?.seal(&form.oidc_client_secret))
        };
        let when = |on: bool, value: &str| if on { non_empty(value) } else { None };
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
        sqlx::query("DELETE FROM sign_in_settings WHERE agency_id = $1")
            .bind(agency)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO sign_in_settings (agency_id, local_passwords, ldap_url, ldap_starttls, ldap_bind_dn,
                 ldap_service_dn, ldap_service_password, ldap_base, ldap_filter, ldap_attribute, ldap_maps_to,
                 oidc_name, oidc_issuer, oidc_client_id, oidc_client_secret, oidc_scopes, oidc_claim, oidc_maps_to,
                 updated_at, ldap_ca_certificate)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
        )
        .bind(agency)
        .bind(i64::from(form.local_passwords))
        .bind(ldap.clone())
        .bind(i64::from(ldap.is_some() && form.ldap_starttls))
        .bind(when(ldap.is_some() && !search, &form.ldap_bind_dn))
        .bind(when(search, &form.ldap_service_dn))
        .bind(service_password)
        .bind(when(search, &form.ldap_base))
        .bind(when(search, &form.ldap_filter))
        .bind(when(ldap.is_some(), &form.ldap_attribute))
        .bind(when(ldap.is_some(), &form.ldap_maps_to))
        .bind(when(oidc.is_some(), &form.oidc_name))
        .bind(oidc.clone())
        .bind(when(oidc.is_some(), &form.oidc_client_id))
        .bind(client_secret)
        .bind(when(oidc.is_some(), &form.oidc_scopes))
        .bind(when(oidc.is_some(), &form.oidc_claim))
        .bind(when(oidc.is_some(), &form.oidc_maps_to))
        .bind(at)
        .bind(when(!ca.is_empty(), &form.ldap_ca_certificate))
        .execute(&mut **tx)
        .await?;
        let change = Change::SignInSettingsSet {
            local_passwords: form.local_passwords,
            ldap_starttls: ldap.is_some() && form.ldap_starttls,
            ldap,
            oidc,
            ldap_ca_sha256: ca.into_iter().map(|c| c.sha256).collect(),
        };
        append(tx, Owner::Agency(agency), Some(by), change, at).await
        }
        .await;
        write.finish(result).await
    }

    /// The agencies whose people may sign in through an LDAP directory.
    pub async fn ldap_agencies(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT agency_id FROM sign_in_settings WHERE ldap_url IS NOT NULL ORDER BY agency_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?)
    }

    /// The agencies with an OpenID provider, with the provider's name.
    pub async fn oidc_agencies(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT agency_id, oidc_name FROM sign_in_settings WHERE oidc_issuer IS NOT NULL ORDER BY agency_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_, sqlx::Error>>()?)
    }

    /// Keeps an OpenID Connect sign-in under way until `expires_at`, by the
    /// SHA-256 of its state (the state itself is only in the browser).
    pub async fn begin_oidc(
        &self,
        state: &str,
        pending: &PendingOidc,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            // Spent attempts that were never finished go with each new one.
            sqlx::query("DELETE FROM oidc_sign_ins WHERE expires_at < $1")
                .bind(expires_at - OIDC_PENDING_MS)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO oidc_sign_ins (state_hash, agency_id, nonce, verifier, back, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(sha256_hex(state))
            .bind(&pending.agency)
            .bind(&pending.nonce)
            .bind(&pending.verifier)
            .bind(&pending.back)
            .bind(expires_at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Takes the sign-in under way whose state is `state`: once only, and
    /// none after it expired.
    pub async fn take_oidc(&self, state: &str, now: i64) -> Result<Option<PendingOidc>, StoreError> {
        let hash = sha256_hex(state);
        let mut write = self.write().await?;
        let tx = write.tx();
        let mut taken = None;
        let result = async {
            let row = sqlx::query(
                "SELECT agency_id, nonce, verifier, back, expires_at FROM oidc_sign_ins WHERE state_hash = $1",
            )
            .bind(&hash)
            .fetch_optional(&mut **tx)
            .await?;
            sqlx::query("DELETE FROM oidc_sign_ins WHERE state_hash = $1").bind(&hash).execute(&mut **tx).await?;
            if let Some(row) = row {
                if row.try_get::<i64, _>("expires_at")? > now {
                    taken = Some(PendingOidc {
                        agency: row.try_get("agency_id")?,
                        nonce: row.try_get("nonce")?,
                        verifier: row.try_get("verifier")?,
                        back: row.try_get("back")?,
                    });
                }
            }
            Ok(())
        }
        .await;
        write.finish(result).await?;
        Ok(taken)
    }

    /// The login of the one person of `agency` whose NIP or e-mail is
    /// `value`: none when nobody, or more than one person, matches, and
    /// never an installation administrator's.
    pub async fn account_by_identity(
        &self,
        agency: &str,
        identity: Identity,
        value: &str,
    ) -> Result<Option<Account>, StoreError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let query = match identity {
            Identity::Nip => "SELECT id FROM people WHERE agency_id = $1 AND nip = $2",
            Identity::Email => "SELECT id FROM people WHERE agency_id = $1 AND LOWER(email) = LOWER($2)",
        };
        let people = sqlx::query(query).bind(agency).bind(value).fetch_all(&self.pool).await?;
        let [person] = people.as_slice() else { return Ok(None) };
        let person: String = person.try_get(0)?;
        let row = sqlx::query(
            "SELECT username, person_id, agency_id, password_hash, is_admin, installation_admin, deactivated_at
             FROM accounts WHERE agency_id = $1 AND person_id = $2 ORDER BY username",
        )
        .bind(agency)
        .bind(&person)
        .fetch_all(&self.pool)
        .await?;
        let [row] = row.as_slice() else { return Ok(None) };
        let account = account_from(row)?;
        // An agency's administrators choose its directory and provider,
        // so neither may vouch for the installation's administrator, who
        // always signs in with a Sopir password.
        Ok(Some(account).filter(|a| !a.installation_admin))
    }
}
