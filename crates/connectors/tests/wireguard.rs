//! The WireGuard files checked by the real wireguard-tools: `wg pubkey`
//! derives our public keys, and `wg setconf`/`wg syncconf` (after
//! `wg-quick strip` for the client) parse our files into exactly the
//! device settings we mean.
//!
//! This machine's kernel has no WireGuard module (`ip link add … type
//! wireguard` is refused) and no userspace implementation is installed, so
//! the interface `wg` talks to is the cross-platform userspace API socket
//! (`/var/run/wireguard/<name>.sock`, as wireguard-go serves it), answered
//! here: what wg sends on it is what a real device would be told. Needs
//! root (the socket directory) and wireguard-tools:
//! `cargo test -p connectors --test wireguard -- --include-ignored`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::IpAddr;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use connectors::Settings;
use connectors::wireguard::{self, GatewaySettings, KeyPair, Peer};

/// Runs `program args` with `input` on stdin; its stdout, or a panic with
/// its stderr.
fn run(program: &str, args: &[&str], input: &str) -> (String, String) {
    let mut child = Command::new(program)
        .args(args)
        .env("WG_ENDPOINT_RESOLUTION_RETRIES", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} could not be started (wireguard-tools installed?): {e}"));
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{program} {args:?} failed: {stderr}");
    (stdout, stderr)
}

fn hex(key_b64: &str) -> String {
    BASE64.decode(key_b64).unwrap().iter().map(|b| format!("{b:02x}")).collect()
}

/// The userspace API socket of one interface, recording each `set` wg sends
/// and answering `get` with the state those sets left.
struct Device {
    name: String,
    path: PathBuf,
    sets: Arc<Mutex<Vec<Vec<String>>>>,
    state: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Device {
    /// A device already holding `state` (lines as a `get` answers them).
    fn new(state: Vec<String>) -> Device {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let name = format!("swg{}{}", std::process::id() % 100_000, COUNT.fetch_add(1, Ordering::SeqCst));
        let dir = PathBuf::from("/var/run/wireguard");
        std::fs::create_dir_all(&dir).expect("creating /var/run/wireguard (run as root)");
        let path = dir.join(format!("{name}.sock"));
        let _ = std::fs::remove_file(&path);
        let listener = UnixListener::bind(&path).expect("binding the userspace API socket");
        listener.set_nonblocking(true).unwrap();
        let sets = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (sets, state, stop) = (sets.clone(), state.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let stream = match listener.accept() {
                        Ok((stream, _)) => stream,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(5));
                            continue;
                        }
                        Err(e) => panic!("accept: {e}"),
                    };
                    stream.set_nonblocking(false).unwrap();
                    // A wg that never finishes its request fails the test
                    // instead of hanging it.
                    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                    let mut writer = stream.try_clone().unwrap();
                    let mut lines = Vec::new();
                    for line in BufReader::new(stream).lines() {
                        let line = line.unwrap();
                        if line.is_empty() {
                            break;
                        }
                        lines.push(line);
                    }
                    // wg first connects once only to see the socket is live.
                    match lines.first().map(String::as_str) {
                        None => {}
                        Some("get=1") => {
                            let mut answer = state.lock().unwrap().join("\n");
                            if !answer.is_empty() {
                                answer.push('\n');
                            }
                            answer.push_str("errno=0\n\n");
                            writer.write_all(answer.as_bytes()).unwrap();
                        }
                        Some("set=1") => {
                            let mut state = state.lock().unwrap();
                            *state = apply(&state, &lines[1..]);
                            sets.lock().unwrap().push(lines);
                            writer.write_all(b"errno=0\n\n").unwrap();
                        }
                        Some(other) => panic!("unexpected request {other}"),
                    }
                }
            })
        };
        Device { name, path, sets, state, stop, thread: Some(thread) }
    }

    fn sets(&self) -> Vec<Vec<String>> {
        self.sets.lock().unwrap().clone()
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The state after a `set`, in the shape a `get` answers (per peer its
/// key, endpoint, keepalive and allowed IPs), enough for `wg syncconf` and
/// `wg show` to read back.
fn apply(before: &[String], set: &[String]) -> Vec<String> {
    let mut device: BTreeMap<String, String> = BTreeMap::new();
    let mut peers: Vec<(String, Vec<String>)> = Vec::new();
    let mut current: Option<usize> = None;
    for line in before {
        let (key, value) = line.split_once('=').unwrap();
        if key == "public_key" {
            peers.push((value.to_string(), Vec::new()));
            current = Some(peers.len() - 1);
        } else if let Some(i) = current {
            peers[i].1.push(line.clone());
        } else {
            device.insert(key.to_string(), value.to_string());
        }
    }
    current = None;
    for line in set {
        let (key, value) = line.split_once('=').unwrap();
        match (key, current) {
            ("replace_peers", _) => peers.clear(),
            ("public_key", _) => {
                current = Some(peers.iter().position(|(k, _)| k == value).unwrap_or_else(|| {
                    peers.push((value.to_string(), Vec::new()));
                    peers.len() - 1
                }))
            }
            ("remove", Some(i)) => {
                peers.remove(i);
                current = None;
            }
            ("replace_allowed_ips", Some(i)) => peers[i].1.retain(|l| !l.starts_with("allowed_ip=")),
            (_, Some(i)) => {
                peers[i].1.retain(|l| l.starts_with("allowed_ip=") || !l.starts_with(&format!("{key}=")));
                peers[i].1.push(line.clone());
            }
            (_, None) => {
                device.insert(key.to_string(), value.to_string());
            }
        }
    }
    let mut state: Vec<String> = device.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    for (key, lines) in peers {
        state.push(format!("public_key={key}"));
        state.extend(lines);
    }
    state
}

fn settings(options: &[(&str, &str)]) -> Settings {
    Settings {
        address: String::new(),
        secret: String::new(),
        options: options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

/// The gateway's own `[Interface]` section, kept on the gateway.
fn interface_section(private: &str) -> String {
    format!("[Interface]\nPrivateKey = {private}\nListenPort = 51820\n")
}

#[test]
#[ignore = "needs wireguard-tools"]
fn wg_pubkey_derives_our_public_keys_and_we_derive_its() {
    for _ in 0..8 {
        let pair = KeyPair::generate();
        let (public, _) = run("wg", &["pubkey"], &format!("{}\n", pair.private()));
        assert_eq!(public.trim_end(), pair.public());
    }
    for _ in 0..4 {
        let (private, _) = run("wg", &["genkey"], "");
        let (public, _) = run("wg", &["pubkey"], &private);
        assert_eq!(wireguard::public_key_of(private.trim_end()).unwrap(), public.trim_end());
    }
}

#[test]
#[ignore = "needs wireguard-tools"]
fn wg_setconf_reads_the_gateway_peer_list_as_meant() {
    let gateway = GatewaySettings::from_settings(&settings(&[
        ("range", "10.8.0.0/24, fd00:8::/64"),
        ("endpoint", "vpn.lumajangkab.go.id:51820"),
        ("gateway_public_key", KeyPair::generate().public()),
    ]))
    .unwrap();
    let gateway_key = KeyPair::generate();
    let people = ["budi.santoso", "siti@lumajangkab.go.id", "nama\nPublicKey = sisipan"];
    let mut taken = Vec::new();
    let mut peers = Vec::new();
    for name in people {
        let address = wireguard::allocate(&gateway, &taken).unwrap();
        taken.push(address);
        let pair = KeyPair::generate();
        peers.push(Peer {
            name: name.into(),
            public_key: pair.public().into(),
            address,
            address6: gateway.address6_of(address),
        });
    }
    let file = format!("{}{}", interface_section(gateway_key.private()), wireguard::gateway_peers(&peers));
    let device = Device::new(Vec::new());
    let path = std::env::temp_dir().join(format!("{}.conf", device.name));
    std::fs::write(&path, &file).unwrap();

    let (_, warnings) = run("wg", &["setconf", &device.name, path.to_str().unwrap()], "");
    std::fs::remove_file(&path).unwrap();
    assert_eq!(warnings, "", "wg warned about {file}");

    let mut expected: Vec<String> = [
        "set=1".to_string(),
        format!("private_key={}", hex(gateway_key.private())),
        "listen_port=51820".into(),
        "fwmark=0".into(),
        "replace_peers=true".into(),
    ]
    .into();
    for (i, peer) in peers.iter().enumerate() {
        expected.push(format!("public_key={}", hex(&peer.public_key)));
        expected.push("replace_allowed_ips=true".into());
        expected.push(format!("allowed_ip=10.8.0.{}/32", i + 2));
        expected.push(format!("allowed_ip=fd00:8::{}/128", i + 2));
    }
    assert_eq!(device.sets(), [expected], "{file}");
}

#[test]
#[ignore = "needs wireguard-tools"]
fn wg_syncconf_removes_a_revoked_peer_and_keeps_the_others() {
    let gateway = GatewaySettings::from_settings(&settings(&[
        ("range", "10.8.0.0/24"),
        ("endpoint", "vpn.lumajangkab.go.id:51820"),
        ("gateway_public_key", KeyPair::generate().public()),
    ]))
    .unwrap();
    let gateway_key = KeyPair::generate();
    let pairs: Vec<KeyPair> = (0..3).map(|_| KeyPair::generate()).collect();
    let mut peers: Vec<Peer> = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        let taken: Vec<IpAddr> = peers.iter().map(|p| p.address).collect();
        let address = wireguard::allocate(&gateway, &taken).unwrap();
        peers.push(Peer {
            name: format!("pegawai-{i}"),
            public_key: pair.public().into(),
            address,
            address6: None,
        });
    }
    let device = Device::new(Vec::new());
    let path = std::env::temp_dir().join(format!("{}.conf", device.name));
    let apply = |peers: &[Peer]| {
        let file = format!("{}{}", interface_section(gateway_key.private()), wireguard::gateway_peers(peers));
        std::fs::write(&path, file).unwrap();
        run("wg", &["syncconf", &device.name, path.to_str().unwrap()], "");
    };
    apply(&peers);
    // The second peer revoked: the list without it.
    let remaining = [peers[0].clone(), peers[2].clone()];
    apply(&remaining);
    std::fs::remove_file(&path).unwrap();

    let sets = device.sets();
    assert_eq!(sets.len(), 2);
    let second = &sets[1];
    assert!(!second.contains(&"replace_peers=true".to_string()), "{second:?}");
    let revoked = second.iter().position(|l| *l == format!("public_key={}", hex(pairs[1].public()))).unwrap();
    assert_eq!(second[revoked + 1], "remove=true", "{second:?}");
    let state = device.state.lock().unwrap().clone();
    let keys: Vec<&String> = state.iter().filter(|l| l.starts_with("public_key=")).collect();
    assert_eq!(
        keys,
        [format!("public_key={}", hex(pairs[0].public())), format!("public_key={}", hex(pairs[2].public()))]
            .iter()
            .collect::<Vec<_>>()
    );
    assert!(state.contains(&"allowed_ip=10.8.0.4/32".to_string()), "{state:?}");
    assert!(!state.contains(&"allowed_ip=10.8.0.3/32".to_string()), "{state:?}");
}

#[test]
#[ignore = "needs wireguard-tools"]
fn wg_quick_strip_and_wg_setconf_read_the_client_configuration_as_meant() {
    for (endpoint, uapi_endpoint) in
        [("192.0.2.1:51820", "192.0.2.1:51820"), ("[2001:db8::1]:51820", "[2001:db8::1]:51820")]
    {
        let gateway_pair = KeyPair::generate();
        let gateway = GatewaySettings::from_settings(&settings(&[
            ("range", "10.8.0.0/24, fd00:8::/64"),
            ("endpoint", endpoint),
            ("gateway_public_key", gateway_pair.public()),
            ("allowed_ips", "10.8.0.0/24, 192.168.10.0/24, fd00:8::/64"),
            ("dns", "10.8.0.1, fd00:8::1"),
            ("persistent_keepalive", "25"),
        ]))
        .unwrap();
        let address = wireguard::allocate(&gateway, &[]).unwrap();
        let pair = KeyPair::generate();
        let handover = wireguard::handover(&gateway, &pair, address, "budi.santoso@lumajangkab.go.id");
        // wg-quick takes the interface name from the file name.
        let dir = std::env::temp_dir().join(format!("sopir-wg-{}-{}", std::process::id(), endpoint.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(&handover.filename);
        std::fs::write(&path, &handover.body).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();

        let (stripped, warnings) = run("wg-quick", &["strip", path.to_str().unwrap()], "");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(warnings, "");
        assert!(!stripped.contains("Address") && !stripped.contains("DNS"), "{stripped}");

        let device = Device::new(Vec::new());
        let (_, warnings) = run("wg", &["setconf", &device.name, "/dev/stdin"], &stripped);
        assert_eq!(warnings, "");
        let expected = [
            "set=1".to_string(),
            format!("private_key={}", hex(pair.private())),
            "listen_port=0".into(),
            "fwmark=0".into(),
            "replace_peers=true".into(),
            format!("public_key={}", hex(gateway_pair.public())),
            format!("endpoint={uapi_endpoint}"),
            "persistent_keepalive_interval=25".into(),
            "replace_allowed_ips=true".into(),
            "allowed_ip=10.8.0.0/24".into(),
            "allowed_ip=192.168.10.0/24".into(),
            "allowed_ip=fd00:8::/64".into(),
        ];
        assert_eq!(device.sets(), [expected]);
        let body = String::from_utf8(handover.body.clone()).unwrap();
        assert!(body.contains("Address = 10.8.0.2/32, fd00:8::2/128\n"), "{body}");
    }
}
