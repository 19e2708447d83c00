//! Real servers for tests of the directory connector, on loopback in a
//! temporary directory and stopped with the test: an OpenLDAP `slapd` with
//! the password policy overlay (so `pwdAccountLockedTime` locks an
//! account), a service account allowed to write under the people branch,
//! and a mail group; and a Dovecot whose only passdb is that directory —
//! binding as the person, or looking the entry up through a filter — asked
//! through `doveadm auth test`, as a mail server authenticates.
//!
//! Needs `/usr/sbin/slapd`, `slapadd`, `ldapadd`/`ldapsearch` (slapd,
//! ldap-utils) and `/usr/sbin/dovecot`, `doveadm` with its LDAP module
//! (dovecot-core, dovecot-ldap); Dovecot is run as root, as in CI.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use super::option;
use crate::Settings;

pub const SUFFIX: &str = "dc=example,dc=go,dc=id";
pub const PEOPLE: &str = "ou=people,dc=example,dc=go,dc=id";
pub const GROUP: &str = "cn=surel,ou=groups,dc=example,dc=go,dc=id";
pub const SERVICE_DN: &str = "cn=sopir,ou=services,dc=example,dc=go,dc=id";
pub const SERVICE_PASSWORD: &str = "sandi-layanan-sopir-uji";
/// The directory's own administrator, for the tests' checks and setup.
pub const ADMIN_DN: &str = "cn=admin,dc=example,dc=go,dc=id";
pub const ADMIN_PASSWORD: &str = "sandi-admin-uji";
const POLICY: &str = "cn=default,ou=policies,dc=example,dc=go,dc=id";

/// A free loopback port (closed again: the server binds it next).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a loopback port").local_addr().expect("its address").port()
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

fn base_entries() -> String {
    format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Pemerintah Contoh\n\n\
         dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n\n\
         dn: ou=services,{SUFFIX}\nobjectClass: organizationalUnit\nou: services\n\n\
         dn: ou=policies,{SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n\n\
         dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: sopir\n\
         userPassword: {SERVICE_PASSWORD}\n\n\
         dn: {POLICY}\nobjectClass: organizationalRole\nobjectClass: pwdPolicy\ncn: default\n\
         pwdAttribute: userPassword\npwdLockout: TRUE\n\n\
         dn: {GROUP}\nobjectClass: groupOfNames\ncn: surel\nmember: {ADMIN_DN}\n\n"
    )
}

fn slapd_config(dir: &Path) -> String {
    let dir = dir.display();
    format!(
        "include /etc/ldap/schema/core.schema\n\
         include /etc/ldap/schema/cosine.schema\n\
         include /etc/ldap/schema/inetorgperson.schema\n\
         pidfile {dir}/slapd.pid\n\
         modulepath /usr/lib/ldap\n\
         moduleload back_mdb\n\
         moduleload ppolicy\n\
         database mdb\n\
         maxsize 10485760\n\
         suffix \"{SUFFIX}\"\n\
         rootdn \"{ADMIN_DN}\"\n\
         rootpw {ADMIN_PASSWORD}\n\
         directory {dir}/db\n\
         overlay ppolicy\n\
         ppolicy_default \"{POLICY}\"\n\
         access to attrs=userPassword by dn.exact=\"{SERVICE_DN}\" write by anonymous auth by self write by * none\n\
         access to * by dn.exact=\"{SERVICE_DN}\" write by users read by * none\n"
    )
}

/// A running (or stopped) slapd; killed when dropped.
pub struct Slapd {
    /// `ldap://127.0.0.1:<port>`, the same across restarts.
    pub url: String,
    pub port: u16,
    /// The service account the connector binds as, and its password.
    pub bind_dn: String,
    pub password: String,
    /// Where accounts are created.
    pub base_dn: String,
    /// A groupOfNames accounts can be put in.
    pub group_dn: String,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl Slapd {
    /// Starts slapd with an empty people branch; panics if it cannot.
    pub fn start() -> Slapd {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(dir.path().join("db")).expect("the database directory");
        let conf = dir.path().join("slapd.conf");
        std::fs::write(&conf, slapd_config(dir.path())).expect("slapd.conf written");
        let ldif = dir.path().join("base.ldif");
        std::fs::write(&ldif, base_entries()).expect("base.ldif written");
        let added = Command::new("/usr/sbin/slapadd")
            .arg("-f")
            .arg(&conf)
            .arg("-l")
            .arg(&ldif)
            .output()
            .expect("slapadd is installed (apt-get install slapd)");
        assert!(added.status.success(), "slapadd: {}", String::from_utf8_lossy(&added.stderr));
        let port = free_port();
        let mut slapd = Slapd {
            url: format!("ldap://127.0.0.1:{port}"),
            port,
            bind_dn: SERVICE_DN.into(),
            password: SERVICE_PASSWORD.into(),
            base_dn: PEOPLE.into(),
            group_dn: GROUP.into(),
            child: None,
            dir,
        };
        slapd.restart();
        slapd
    }

    /// Stops the server (the database stays for [`Slapd::restart`]).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for _ in 0..100 {
            if !listening(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("slapd still listens on {} after being stopped", self.port);
    }

    /// Starts it again on the same port with the same entries.
    pub fn restart(&mut self) {
        self.stop();
        let child = Command::new("/usr/sbin/slapd")
            .arg("-h")
            .arg(format!("{}/", self.url))
            .arg("-f")
            .arg(self.dir.path().join("slapd.conf"))
            .arg("-d")
            .arg("0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd is installed (apt-get install slapd)");
        self.child = Some(child);
        for _ in 0..200 {
            if listening(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("slapd did not listen on {}", self.port);
    }

    /// The connector's settings for this server: the service account,
    /// the people branch, the group, and a mapping of mail, names, unit and
    /// NIP (`field:nip`).
    pub fn settings(&self) -> Settings {
        let options = [
            (option::BIND_DN, self.bind_dn.as_str()),
            (option::BASE_DN, self.base_dn.as_str()),
            (option::GROUP_DN, self.group_dn.as_str()),
            (option::ATTRIBUTES, "mail=name, cn=person, sn=person, ou=unit, employeeNumber=field:nip"),
        ];
        Settings {
            address: self.url.clone(),
            secret: self.password.clone(),
            options: options
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn tool(&self, program: &str, args: &[&str], input: Option<&str>) -> Output {
        let mut command = Command::new(program);
        command.args(["-x", "-H", &self.url, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD]).args(args);
        let Some(input) = input else {
            return command.output().unwrap_or_else(|e| panic!("{program} (ldap-utils): {e}"));
        };
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{program} (ldap-utils): {e}"));
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("LDIF written");
        child.wait_with_output().expect("ldap-utils ran")
    }

    /// Adds entries (LDIF) as the directory's administrator; panics if the
    /// directory refuses.
    pub fn add(&self, ldif: &str) {
        let out = self.tool("ldapadd", &[], Some(ldif));
        assert!(out.status.success(), "ldapadd: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Changes entries (LDIF with changetype) as the administrator.
    pub fn modify(&self, ldif: &str) {
        let out = self.tool("ldapmodify", &[], Some(ldif));
        assert!(out.status.success(), "ldapmodify: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// The entry at `dn` with `attributes` (operational ones by name), as
    /// ldapsearch prints it, read as the administrator; `None` when there is
    /// no such entry.
    pub fn read(&self, dn: &str, attributes: &[&str]) -> Option<String> {
        let mut args = vec!["-LLL", "-o", "ldif-wrap=no", "-s", "base", "-b", dn, "(objectClass=*)"];
        args.extend_from_slice(attributes);
        let out = self.tool("ldapsearch", &args, None);
        match out.status.code() {
            Some(0) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
            Some(32) => None,
            _ => panic!("ldapsearch {dn}: {}", String::from_utf8_lossy(&out.stderr)),
        }
    }

    /// Whether `dn` binds with `password` (as the person, as Dovecot does).
    pub fn binds(&self, dn: &str, password: &str) -> bool {
        Command::new("ldapwhoami")
            .args(["-x", "-H", &self.url, "-D", dn, "-w", password])
            .output()
            .expect("ldapwhoami (ldap-utils)")
            .status
            .success()
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A Dovecot authenticating against a [`Slapd`], with no mail listeners:
/// only its auth service, asked through `doveadm auth test`.
pub struct Dovecot {
    config: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Dovecot {
    /// Binds as `uid=<user>,<base_dn>` with the password given (Dovecot's
    /// `auth_bind`), as mail servers commonly authenticate against LDAP:
    /// the directory (and its password policy) decides.
    pub fn start(slapd: &Slapd) -> Dovecot {
        let passdb = format!(
            "uris = {}\nauth_bind = yes\nauth_bind_userdn = uid=%u,{base}\nbase = {base}\n",
            slapd.url,
            base = slapd.base_dn
        );
        Dovecot::with_passdb(slapd, passdb)
    }

    /// Looks the person's entry up as the service account with `filter`
    /// (`%u` the user name) and checks the password against its hashed
    /// `userPassword` itself: the other common set-up, where an account
    /// status is excluded by the filter (`(!(employeeType=nonaktif))`).
    pub fn start_with_filter(slapd: &Slapd, filter: &str) -> Dovecot {
        let passdb = format!(
            "uris = {}\ndn = {}\ndnpass = {}\nauth_bind = no\nbase = {}\nscope = subtree\n\
             pass_filter = {filter}\npass_attrs = uid=user, userPassword=password\n",
            slapd.url, slapd.bind_dn, slapd.password, slapd.base_dn
        );
        Dovecot::with_passdb(slapd, passdb)
    }

    fn with_passdb(slapd: &Slapd, passdb: String) -> Dovecot {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().to_path_buf();
        let root = root.as_path();
        // The auth process runs as the dovecot user and reads the LDAP file.
        let open = |path: &Path| {
            let status = Command::new("chmod").arg("755").arg(path).status().expect("chmod");
            assert!(status.success(), "chmod {}", path.display());
        };
        open(root);
        for sub in ["run", "state"] {
            std::fs::create_dir(root.join(sub)).expect("a Dovecot directory");
            open(&root.join(sub));
        }
        let ldap = root.join("dovecot-ldap.conf.ext");
        std::fs::write(&ldap, passdb).expect("the LDAP passdb file written");
        let config = root.join("dovecot.conf");
        let r = root.display();
        std::fs::write(
            &config,
            format!(
                "base_dir = {r}/run\n\
                 state_dir = {r}/state\n\
                 instance_name = sopir-uji-{port}\n\
                 protocols = none\n\
                 listen = 127.0.0.1\n\
                 log_path = {r}/dovecot.log\n\
                 ssl = no\n\
                 auth_mechanisms = plain\n\
                 disable_plaintext_auth = no\n\
                 auth_cache_size = 0\n\
                 auth_failure_delay = 0\n\
                 passdb {{\n  driver = ldap\n  args = {ldap}\n}}\n\
                 userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={r}/home/%u\n}}\n",
                port = slapd.port,
                ldap = ldap.display()
            ),
        )
        .expect("dovecot.conf written");
        let child = Command::new("/usr/sbin/dovecot")
            .arg("-F")
            .arg("-c")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot is installed (apt-get install dovecot-core dovecot-ldap)");
        let dovecot = Dovecot { config, child, _dir: dir };
        let socket = root.join("run").join("auth-client");
        for _ in 0..200 {
            if socket.exists() {
                return dovecot;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let log = std::fs::read_to_string(root.join("dovecot.log")).unwrap_or_default();
        panic!("Dovecot did not start (no {}): {log}", socket.display());
    }

    /// Whether Dovecot accepts `user` with `password` (`doveadm auth test`).
    pub fn accepts(&self, user: &str, password: &str) -> bool {
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(&self.config)
            .args(["auth", "test", user, password])
            .output()
            .expect("doveadm (dovecot-core)");
        match out.status.code() {
            Some(0) => true,
            // 77: "auth failed" (EX_NOPERM); anything else is the harness's fault.
            Some(77) => false,
            _ => panic!(
                "doveadm auth test: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its auth and log processes.
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}
