//! Asking an agency's LDAP directory (Active Directory, OpenLDAP) whether a
//! username and password are right, and reading the attribute that names
//! the person (NIP or e-mail) from the entry that matched — over TLS
//! (`ldaps://` or StartTLS) trusting the agency's own CA when it gave one.

use std::sync::Arc;
use std::time::Duration;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, dn_escape, ldap_escape};
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use store::sign_in::{LdapBind, LdapSettings};

/// How long connecting, and each operation, may take.
const TIMEOUT: Duration = Duration::from_secs(5);
/// LDAP's resultCode invalidCredentials.
const INVALID_CREDENTIALS: u32 = 49;

/// Why the directory gave no answer about the password (a wrong password
/// is an answer, not an error).
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Not reachable, TLS refused, or too slow.
    #[error("direktori tidak dapat dihubungi: {0}")]
    Unreachable(String),
    /// Reached, but it refused what Sopir was configured to do (service
    /// account's bind, the search base or filter).
    #[error("direktori menolak konfigurasi: {0}")]
    Misconfigured(String),
    /// Its TLS certificate is not one to trust: not issued by the CA set
    /// (or a system root), expired, or for another name.
    #[error("sertifikat TLS direktori tidak dipercaya: {0}")]
    Certificate(String),
    /// Saved (before such settings were refused) to reach another machine
    /// over plain `ldap://`: nothing is sent.
    #[error("pengaturan memakai ldap:// tanpa StartTLS ke mesin lain")]
    InClear,
}

/// The rustls error under `e`, if TLS is what failed.
fn tls_error(e: &LdapError) -> Option<&rustls::Error> {
    match e {
        LdapError::Rustls { source } => Some(source),
        LdapError::Io { source } => source.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()),
        _ => None,
    }
}

fn unreachable(e: LdapError) -> DirectoryError {
    match tls_error(&e) {
        Some(
            tls @ (rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType),
        ) => DirectoryError::Certificate(tls.to_string()),
        _ => DirectoryError::Unreachable(e.to_string()),
    }
}

/// The TLS client that trusts only the agency's CA certificates, when it
/// set some; `None`: ldap3's own, over the system's roots.
fn tls_config(settings: &LdapSettings, now: i64) -> Result<Option<Arc<ClientConfig>>, DirectoryError> {
    let Some(pem) = &settings.ca_certificate else { return Ok(None) };
    // Read again at each sign-in: a CA that expired since it was saved is
    // said as such, not as an unknown issuer.
    let certificates = store::ca_certificate::read_pem(pem, now)
        .map_err(|e| DirectoryError::Certificate(format!("sertifikat CA yang diatur: {e}")))?;
    let mut roots = RootCertStore::empty();
    for certificate in certificates {
        roots.add(CertificateDer::from(certificate.der)).map_err(|e| {
            DirectoryError::Certificate(format!(
                "sertifikat CA {} tidak dapat dipakai: {e}",
                certificate.subject
            ))
        })?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DirectoryError::Certificate(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(Arc::new(config)))
}

/// The value of the settings' attribute on the entry `username` with
/// `password` binds as, `None` when the directory says the password (or
/// username) is wrong or the entry has no such attribute.
pub async fn authenticate(
    settings: &LdapSettings,
    username: &str,
    password: &str,
) -> Result<Option<String>, DirectoryError> {
    // An empty password makes an unauthenticated bind, which directories
    // accept as "anonymous": it proves nothing.
    if username.is_empty() || password.is_empty() {
        return Ok(None);
    }
    if settings.sends_passwords_in_clear() {
        return Err(DirectoryError::InClear);
    }
    let mut conn_settings = LdapConnSettings::new().set_conn_timeout(TIMEOUT).set_starttls(settings.starttls);
    if let Some(config) = tls_config(settings, jiff::Timestamp::now().as_millisecond())? {
        conn_settings = conn_settings.set_config(config);
    }
    let (conn, mut ldap) =
        LdapConnAsync::with_settings(conn_settings, &settings.url).await.map_err(unreachable)?;
    ldap3::drive!(conn);
    let result = ask(&mut ldap, settings, username, password).await;
    let _ = ldap.unbind().await;
    result
}

async fn ask(
    ldap: &mut Ldap,
    settings: &LdapSettings,
    username: &str,
    password: &str,
) -> Result<Option<String>, DirectoryError> {
    let dn = match &settings.bind {
        LdapBind::Template(template) => template.replace("{username}", &dn_escape(username)),
        LdapBind::Search { service_dn, service_password, base, filter } => {
            let bound = ldap
                .with_timeout(TIMEOUT)
                .simple_bind(service_dn, service_password)
                .await
                .map_err(unreachable)?;
            if bound.rc != 0 {
                return Err(DirectoryError::Misconfigured(format!(
                    "bind akun layanan {service_dn}: {bound}"
                )));
            }
            let filter = filter.replace("{username}", &ldap_escape(username));
            let (entries, _) = ldap
                .with_timeout(TIMEOUT)
                .search(base, Scope::Subtree, &filter, vec!["1.1"])
                .await
                .map_err(unreachable)?
                .success()
                .map_err(|e| DirectoryError::Misconfigured(format!("pencarian {filter} di {base}: {e}")))?;
            // None, or several: no one person is meant.
            let mut entries = entries.into_iter();
            let (Some(entry), None) = (entries.next(), entries.next()) else { return Ok(None) };
            SearchEntry::construct(entry).dn
        }
    };
    let bound = ldap.with_timeout(TIMEOUT).simple_bind(&dn, password).await.map_err(unreachable)?;
    match bound.rc {
        0 => {}
        INVALID_CREDENTIALS => return Ok(None),
        _ => return Err(DirectoryError::Misconfigured(format!("bind {dn}: {bound}"))),
    }
    // Read as the person just bound: the entry's own attribute.
    let (entries, _) = ldap
        .with_timeout(TIMEOUT)
        .search(&dn, Scope::Base, "(objectClass=*)", vec![settings.attribute.as_str()])
        .await
        .map_err(unreachable)?
        .success()
        .map_err(|e| DirectoryError::Misconfigured(format!("membaca {dn}: {e}")))?;
    let value = entries.into_iter().next().and_then(|entry| {
        let entry = SearchEntry::construct(entry);
        entry
            .attrs
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&settings.attribute))
            .and_then(|(_, values)| values.into_iter().next())
    });
    Ok(value)
}
