//! A real OpenLDAP `slapd` on a random loopback port, with a few people of
//! Lumajang and a service account, run by the test and stopped with it;
//! with TLS also on `ldaps://` (and StartTLS on `ldap://`) under a server
//! certificate of a CA made by the test.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::tls::TestCa;

pub const SUFFIX: &str = "dc=lumajang,dc=go,dc=id";
pub const PEOPLE: &str = "ou=people,dc=lumajang,dc=go,dc=id";
pub const SERVICE_DN: &str = "uid=sopir-layanan,ou=people,dc=lumajang,dc=go,dc=id";
pub const SERVICE_PASSWORD: &str = "sandi-layanan-sopir";
/// `sri` is lmj-sekdin (by NIP), `agus` is lmj-kabid (by e-mail); `tamu`
/// is in the directory but is nobody in Sopir.
pub const SRI_PASSWORD: &str = "sandi-direktori-sri";
pub const AGUS_PASSWORD: &str = "sandi-direktori-agus";
pub const TAMU_PASSWORD: &str = "sandi-direktori-tamu";

pub struct Slapd {
    pub url: String,
    /// `ldaps://…` when started with TLS.
    pub ldaps_url: Option<String>,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn entries() -> String {
    let person = |uid: &str, password: &str, nip: &str, mail: &str| {
        format!(
            "dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\nsn: {uid}\n\
             userPassword: {password}\nemployeeNumber: {nip}\nmail: {mail}\n\n"
        )
    };
    format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: lumajang\no: Pemkab Lumajang\n\n\
         dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n{}{}{}{}",
        person("sopir-layanan", SERVICE_PASSWORD, "0", "sopir@lumajang.go.id"),
        person("sri", SRI_PASSWORD, "197703152001122002", "sri@lumajang.go.id"),
        person("agus", AGUS_PASSWORD, "000000000000000000", "agus@lumajang.go.id"),
        person("tamu", TAMU_PASSWORD, "111111111111111111", "tamu@example.org"),
    )
}

/// slapd.conf; `tls` adds the global TLS directives (before any database).
fn config(dir: &Path, tls: bool) -> String {
    let tls = if tls {
        let dir = dir.display();
        format!(
            "TLSCACertificateFile {dir}/ca.pem\nTLSCertificateFile {dir}/server.pem\nTLSCertificateKeyFile {dir}/server.key\n"
        )
    } else {
        String::new()
    };
    let dir = dir.display();
    format!(
        "include /etc/ldap/schema/core.schema\n\
         include /etc/ldap/schema/cosine.schema\n\
         include /etc/ldap/schema/inetorgperson.schema\n\
         {tls}\
         pidfile {dir}/slapd.pid\n\
         modulepath /usr/lib/ldap\n\
         moduleload back_mdb\n\
         database mdb\n\
         maxsize 10485760\n\
         suffix \"{SUFFIX}\"\n\
         rootdn \"cn=admin,{SUFFIX}\"\n\
         directory {dir}/db\n\
         access to attrs=userPassword by anonymous auth by self read by * none\n\
         access to * by users read by * none\n"
    )
}

/// A free loopback port (closed again: slapd binds it next).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts slapd with the people above; panics if it cannot.
pub fn start() -> Slapd {
    start_with(None)
}

/// As [`start`], with TLS under a certificate `ca` issues: StartTLS on
/// `url`, and `ldaps_url` too.
pub fn start_tls(ca: &TestCa) -> Slapd {
    start_with(Some(ca))
}

fn start_with(ca: Option<&TestCa>) -> Slapd {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("db")).unwrap();
    if let Some(ca) = ca {
        let server = ca.server();
        std::fs::write(dir.path().join("ca.pem"), &ca.pem).unwrap();
        std::fs::write(dir.path().join("server.pem"), server.certificate).unwrap();
        std::fs::write(dir.path().join("server.key"), server.key).unwrap();
    }
    let conf = dir.path().join("slapd.conf");
    std::fs::write(&conf, config(dir.path(), ca.is_some())).unwrap();
    let ldif = dir.path().join("people.ldif");
    std::fs::write(&ldif, entries()).unwrap();
    let added = Command::new("/usr/sbin/slapadd").arg("-f").arg(&conf).arg("-l").arg(&ldif).output().unwrap();
    assert!(added.status.success(), "slapadd: {}", String::from_utf8_lossy(&added.stderr));
    let port = free_port();
    let url = format!("ldap://127.0.0.1:{port}");
    let tls_port = ca.map(|_| free_port());
    let ldaps_url = tls_port.map(|p| format!("ldaps://127.0.0.1:{p}"));
    let listen = match &ldaps_url {
        Some(ldaps) => format!("{url}/ {ldaps}/"),
        None => format!("{url}/"),
    };
    let child = Command::new("/usr/sbin/slapd")
        .arg("-h")
        .arg(listen)
        .arg("-f")
        .arg(&conf)
        .arg("-d")
        .arg("0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("slapd is installed (apt-get install slapd)");
    let slapd = Slapd { url, ldaps_url, child, _dir: dir };
    let listening = |port: u16| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    for _ in 0..100 {
        if listening(port) && tls_port.is_none_or(listening) {
            return slapd;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("slapd did not listen on {port} (TLS: {tls_port:?})");
}
