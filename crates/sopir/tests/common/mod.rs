//! A real `sopir serve` process for the tests that start one, and logging
//! in to it through the login form.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub async fn start(dir: &Path, port: u16, database: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sopir"));
    command.args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"]).arg(dir);
    match database {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("sopir serve starts");
    let server = Server(child);
    for _ in 0..300 {
        if reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub fn token(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    body[at..].split('"').next().unwrap().to_string()
}

pub async fn login(base: &str, username: &str) -> Option<reqwest::Client> {
    let c = client();
    let page = c.get(format!("{base}/login")).send().await.ok()?.text().await.ok()?;
    let form = [("csrf", token(&page)), ("username", username.into()), ("password", "sopir-demo".into())];
    let done = c.post(format!("{base}/login")).form(&form).send().await.ok()?;
    (done.status() == 303).then_some(c)
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
