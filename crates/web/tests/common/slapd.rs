//! A real OpenLDAP `slapd` on a random loopback port, with a few people of
//! Lumajang and a service account, run by the test and stopped with it.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

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

fn config(dir: &Path) -> String {
    let dir = dir.display();
    format!(
        "include /etc/ldap/schema/core.schema\n\
         include /etc/ldap/schema/cosine.schema\n\
         include /etc/ldap/schema/inetorgperson.schema\n\
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
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("db")).unwrap();
    let conf = dir.path().join("slapd.conf");
    std::fs::write(&conf, config(dir.path())).unwrap();
    let ldif = dir.path().join("people.ldif");
    std::fs::write(&ldif, entries()).unwrap();
    let added = Command::new("/usr/sbin/slapadd").arg("-f").arg(&conf).arg("-l").arg(&ldif).output().unwrap();
    assert!(added.status.success(), "slapadd: {}", String::from_utf8_lossy(&added.stderr));
    let port = free_port();
    let url = format!("ldap://127.0.0.1:{port}");
    let child = Command::new("/usr/sbin/slapd")
        .arg("-h")
        .arg(format!("{url}/"))
        .arg("-f")
        .arg(&conf)
        .arg("-d")
        .arg("0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("slapd is installed (apt-get install slapd)");
    let slapd = Slapd { url, child, _dir: dir };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return slapd;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("slapd did not listen on {port}");
}
