//! A real BIND 9 `named` for tests: authoritative for one zone on
//! 127.0.0.1 at a free port, accepting updates signed with one TSIG key,
//! in its own temporary directory; `dig` asks it what it serves.
//! Tests of other crates start it through the `test-support` feature.

use std::collections::BTreeMap;
use std::net::{TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;

use crate::Settings;

/// BIND's daemon and `dig`, where Debian's bind9 and bind9-dnsutils put them.
pub const NAMED: &str = "/usr/sbin/named";
pub const DIG: &str = "dig";

/// A running `named`; killed, and its directory removed, when dropped.
pub struct Named {
    /// `127.0.0.1:PORT`
    pub address: String,
    pub port: u16,
    /// The zone it serves, without the trailing dot.
    pub zone: String,
    pub key_name: String,
    /// The TSIG secret in base64, as in the server's key statement.
    pub secret: String,
    pub algorithm: String,
    pub directory: PathBuf,
    child: Option<Child>,
}

impl Named {
    /// Serves `example.go.id` with key `sopir-test` (hmac-sha256).
    pub fn start() -> Named {
        Named::start_with("example.go.id", "hmac-sha256")
    }

    /// Serves `zone` with key `sopir-test` of `algorithm` (`hmac-sha256`,
    /// `hmac-sha512`).
    pub fn start_with(zone: &str, algorithm: &str) -> Named {
        let directory = std::env::temp_dir().join(format!("sopir-named-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&directory).expect("create named's directory");
        let mut secret = [0u8; 64];
        getrandom::fill(&mut secret).expect("random TSIG secret");
        let mut named = Named {
            address: String::new(),
            port: free_port(),
            zone: zone.to_string(),
            key_name: "sopir-test".into(),
            secret: base64::engine::general_purpose::STANDARD.encode(secret),
            algorithm: algorithm.to_string(),
            directory,
            child: None,
        };
        named.address = format!("127.0.0.1:{}", named.port);
        named.write_files();
        named.restart();
        named
    }

    /// The connector's settings for this server (defaults for the rest).
    pub fn settings(&self) -> Settings {
        Settings {
            address: self.address.clone(),
            secret: self.secret.clone(),
            options: BTreeMap::from([
                ("zone".to_string(), self.zone.clone()),
                ("key_name".to_string(), self.key_name.clone()),
                ("algorithm".to_string(), self.algorithm.clone()),
                ("timeout_seconds".to_string(), "2".to_string()),
            ]),
        }
    }

    fn write_files(&self) {
        let dir = self.directory.display();
        let zone = &self.zone;
        let conf = format!(
            r#"options {{
    directory "{dir}";
    pid-file "{dir}/named.pid";
    lock-file "{dir}/named.lock";
    session-keyfile "{dir}/session.key";
    managed-keys-directory "{dir}";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    allow-query {{ any; }};
    notify no;
}};
controls {{ }};
key "{key}" {{
    algorithm {algorithm};
    secret "{secret}";
}};
zone "{zone}" {{
    type primary;
    file "{dir}/{zone}.zone";
    allow-update {{ key "{key}"; }};
}};
"#,
            port = self.port,
            key = self.key_name,
            algorithm = self.algorithm,
            secret = self.secret,
        );
        std::fs::write(self.directory.join("named.conf"), conf).expect("write named.conf");
        let records = format!(
            "$TTL 3600\n@ IN SOA ns1.{zone}. hostmaster.{zone}. 1 3600 600 604800 300\n@ IN NS ns1.{zone}.\nns1 IN A 127.0.0.1\n"
        );
        std::fs::write(self.directory.join(format!("{zone}.zone")), records).expect("write the zone file");
    }

    /// Starts it again (after [`Named::stop`]) on the same port, with the
    /// updates it had journaled; waits until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let log = std::fs::File::create(self.directory.join("named.log")).expect("named's log");
        let child = Command::new(NAMED)
            .args(["-g", "-4", "-n", "1", "-c"])
            .arg(self.directory.join("named.conf"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("named's log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {NAMED} (Debian package bind9): {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if !self.dig(&self.zone.clone(), "SOA").is_empty() {
                return;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("named exited ({status}):\n{}", self.log());
            }
            if Instant::now() > deadline {
                panic!("named did not answer within 20 s:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills it: the port stops answering, as a server that is down.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// What `dig @127.0.0.1 -p PORT +short +norecurse NAME TYPE` prints,
    /// one line per value (TXT quoted, names with their trailing dot).
    pub fn dig(&self, name: &str, rtype: &str) -> Vec<String> {
        let output = Command::new(DIG)
            .args(["@127.0.0.1", "-p", &self.port.to_string(), "+short", "+norecurse", "+time=1", "+tries=1"])
            .args([name, rtype])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {DIG} (Debian package bind9-dnsutils): {e}"));
        let text = String::from_utf8_lossy(&output.stdout);
        // dig +short prints ";; ..." lines when nothing answers.
        text.lines().filter(|l| !l.is_empty() && !l.starts_with(';')).map(str::to_string).collect()
    }

    /// named's own log, for a failing test's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.directory.join("named.log")).unwrap_or_default()
    }
}

impl Drop for Named {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

fn unique() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{nanos}-{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A port free for both UDP and TCP on 127.0.0.1 at the time of asking.
fn free_port() -> u16 {
    for _ in 0..100 {
        let udp = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP port");
        let port = udp.local_addr().expect("its address").port();
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no port free for both UDP and TCP on 127.0.0.1")
}
