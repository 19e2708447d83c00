//! A certified OpenID provider (npm `oidc-provider`, run by node from
//! tests/fixtures/oidc after `npm ci` there) on a random loopback port,
//! started by the test and stopped with it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub const CLIENT_ID: &str = "sopir";
pub const CLIENT_SECRET: &str = "rahasia-klien-sopir-yang-cukup-panjang";

pub struct Provider {
    pub issuer: String,
    child: Child,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider for Sopir at `sopir_base`; `emails` maps each login
/// typed at the provider's form to the e-mail address it vouches for.
pub fn start(sopir_base: &str, emails: &[(&str, &str)]) -> Provider {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oidc");
    assert!(dir.join("node_modules/oidc-provider").exists(), "run `npm ci` in {}", dir.display());
    let port = super::slapd::free_port();
    let emails: serde_json::Map<String, serde_json::Value> =
        emails.iter().map(|(login, mail)| (login.to_string(), (*mail).into())).collect();
    let child = Command::new("node")
        .arg("provider.js")
        .current_dir(&dir)
        .env("PORT", port.to_string())
        .env("CLIENT_ID", CLIENT_ID)
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("REDIRECT_URI", format!("{sopir_base}/login/oidc/kembali"))
        .env("EMAILS", serde_json::Value::Object(emails).to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node is installed");
    let provider = Provider { issuer: format!("http://127.0.0.1:{port}"), child };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return provider;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the OpenID provider did not listen on {port}");
}
