//! `sopir serve --sop-dir` as an operator runs it: the conformance corpus
//! (real SOPs of agencies that are not built in) served by a real server
//! process, its people added with `sopir user add`, and each SOP driven
//! through the JSON API by the people whose tasks they are, with every
//! decision as `corpus/check` simulates it, to the same end as the
//! simulation. Then the directory edited while the server runs — read
//! again on SIGHUP and on a changed file, a running case keeping its
//! version, a changed text under a published version refused — and a
//! directory with errors refused at start, naming file:line:column.

mod common;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{PDF, Server, free_port};
use serde_json::{Value, json};

const PASSWORD: &str = "kata-sandi-uji-1";

/// The corpus's agency whose leave SOP the re-reading tests change.
const MALILI: &str = "luwu-timur-pkm-malili";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus").canonicalize().unwrap()
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn sopir(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopir"))
        .args(args)
        .env_remove("SOPIR_SOP_DIR")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

/// `sopir serve --no-demo --sop-dir DIR`, its output kept in `log`.
fn serve_command(data: &Path, sop_dir: &Path, port: u16, check_seconds: u32, log: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sopir"));
    command
        .args(["serve", "--no-demo", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data)
        .arg("--sop-dir")
        .arg(sop_dir)
        .args(["--sop-dir-check-seconds", &check_seconds.to_string()])
        .env_remove("DATABASE_URL")
        .env_remove("SOPIR_SOP_DIR")
        .stdout(Stdio::from(std::fs::File::create(log.with_extension("out")).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(log).unwrap()));
    command
}

async fn start(data: &Path, sop_dir: &Path, check_seconds: u32) -> (Server, String, PathBuf) {
    let port = free_port();
    let log = data.join("server.log");
    let child = serve_command(data, sop_dir, port, check_seconds, &log).spawn().unwrap();
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..400 {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return (server, base, log);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up: {}", std::fs::read_to_string(&log).unwrap_or_default());
}

/// A person holding `position` in `agency`, added as an operator does,
/// with an API token.
fn person(data: &Path, agency: &str, position: &str) -> String {
    let username = format!("{agency}-{position}");
    let data = data.to_str().unwrap();
    let name = format!("Uji {position}");
    let args = [
        "user",
        "add",
        "--agency",
        agency,
        "--username",
        &username,
        "--name",
        &name,
        "--unit",
        "Puskesmas",
        "--position",
        position,
        "--data-dir",
        data,
    ];
    let added = sopir(&args, Some(&format!("{PASSWORD}\n")));
    assert!(added.status.success(), "user add: {}", String::from_utf8_lossy(&added.stderr));
    let token = sopir(&["user", "token", &username, "--data-dir", data], None);
    assert!(token.status.success(), "user token: {}", String::from_utf8_lossy(&token.stderr));
    String::from_utf8(token.stdout).unwrap().trim().to_string()
}

/// An API caller with one person's token.
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.client.get(format!("{}/api/v1{path}", self.base))).await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let request = self
            .client
            .post(format!("{}/api/v1{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        self.send(request).await
    }
}

fn files(step: &sop::Step) -> Vec<Value> {
    let file = |name: &str| json!({ "name": name, "filename": format!("{name}.pdf"), "content_base64": STANDARD.encode(PDF) });
    step.attachments.iter().map(|a| file(&a.name)).collect()
}

/// What a diligent person sends at `step` with `verdict`.
fn action(sop: &sop::Sop, step: &sop::Step, verdict: engine::Verdict) -> Value {
    let input = store::demo::sample_input(step, verdict);
    let mut action = json!({ "note": input.note, "fields": input.fields, "attachments": files(step) });
    if let Some(v) = input.verdict {
        action["verdict"] = json!(if v == engine::Verdict::Ya { "ya" } else { "tidak" });
    }
    if step.action == sop::ActionKind::Sign && sop.letter.is_some() {
        action["signing"] = json!({ "passphrase": store::demo::CERTIFICATE_PASSPHRASE });
    }
    action
}

/// The decisions `corpus/check` simulates: all "ya", then each deciding
/// step answered "tidak".
fn decisions(sop: &sop::Sop) -> Vec<(String, BTreeMap<u32, engine::Verdict>)> {
    let mut runs = vec![("ya".to_string(), BTreeMap::new())];
    for step in sop.steps.iter().filter(|s| s.action.takes_verdict()) {
        runs.push((format!("{}=tidak", step.no), BTreeMap::from([(step.no, engine::Verdict::Tidak)])));
    }
    runs
}

/// A step is run at most this many times in one simulated case (as
/// `simulate::MAX_VISITS`): a return loop whose answer never changes stops.
const MAX_VISITS: usize = 3;

/// "selesai setelah 5 langkah" from `sopir sop simulate` (or "sedang
/// berjalan setelah …" when it stopped a return loop).
fn simulated_end(id: &str, decide: &str) -> String {
    let dir = corpus();
    let out = sopir(&["sop", "simulate", id, "--dir", dir.to_str().unwrap(), "--decide", decide], None);
    let text = String::from_utf8(out.stdout).unwrap();
    let looped = String::from_utf8_lossy(&out.stderr).contains("simulasi dihentikan");
    assert!(out.status.success() || looped, "simulate {id} --decide {decide}: {text}");
    let result = text.lines().find_map(|l| l.strip_prefix("Hasil: ")).unwrap();
    result.split(';').next().unwrap().to_string()
}

/// Submits a case of `sop` as its first lane and completes every task as
/// whoever finds it in their task list; the case's end as
/// `simulate` words it.
async fn run_live(
    sop: &sop::Sop,
    people: &BTreeMap<String, Api>,
    verdicts: &BTreeMap<u32, engine::Verdict>,
) -> String {
    let first = sop.first_step();
    let lane = sop.lane(&first.lane).unwrap();
    let submitter = &people[&lane.positions[0]];
    let verdict = |no: u32| verdicts.get(&no).copied().unwrap_or(engine::Verdict::Ya);
    let input = store::demo::sample_input(first, verdict(first.no));
    let request = json!({ "sop": sop.id, "fields": input.fields, "attachments": files(first) });
    let (status, mut case) = submitter.post("/cases", &request).await;
    assert_eq!(status, 201, "{}: {case}", sop.id);
    assert_eq!(case["sop_version"], sop.version);
    let id = case["id"].as_str().unwrap().to_string();
    for _ in 0..(sop.steps.len() * 4) {
        if case["status"] != "open" {
            break;
        }
        let tasks = case["tasks"].as_array().unwrap();
        let task = tasks.iter().find(|t| t["status"] == "open").unwrap().clone();
        if tasks.iter().filter(|t| t["step"] == task["step"]).count() > MAX_VISITS {
            // Round and round: stopped here, as simulate stops.
            break;
        }
        let mut actor = None;
        for api in people.values() {
            let (_, mine) = api.get("/tasks?limit=100").await;
            if mine["items"].as_array().unwrap().iter().any(|t| t["task"] == task["id"]) {
                actor = Some(api);
                break;
            }
        }
        let actor = actor.unwrap_or_else(|| panic!("{}: nobody holds task {task}", sop.id));
        let step = sop.step(u32::try_from(task["step"].as_u64().unwrap()).unwrap()).unwrap();
        let path = format!("/cases/{id}/tasks/{}", task["id"].as_str().unwrap());
        let (status, done) = actor.post(&path, &action(sop, step, verdict(step.no))).await;
        assert_eq!(status, 200, "{} step {}: {done}", sop.id, step.no);
        case = done;
    }
    let status = engine::CaseStatus::from_key(case["status"].as_str().unwrap()).unwrap();
    format!("{} setelah {} langkah", status.label(), case["tasks"].as_array().unwrap().len())
}

#[tokio::test]
async fn serve_sop_dir_runs_each_corpus_sop_to_its_end_through_the_api() {
    let data = scratch("sop-dir-corpus");
    let (_server, base, log) = start(&data, &corpus(), 0).await;
    let out = std::fs::read_to_string(log.with_extension("out")).unwrap();
    let (catalog, _) = sop::Catalog::load_paths(&[corpus()]).unwrap();
    let count = format!("Direktori SOP {}: {} SOP", corpus().display(), catalog.sops.len());
    assert!(out.contains(&count), "{out}");
    assert!(out.contains("numbering-gap"), "the corpus's warnings are printed: {out}");

    assert!(!catalog.sops.is_empty());
    let mut runs = 0;
    for agency in &catalog.agencies {
        let sops: Vec<&sop::Sop> = catalog.sops.iter().filter(|s| s.agency == agency.id).collect();
        let mut people = BTreeMap::new();
        for sop in &sops {
            for position in sop.lanes.iter().flat_map(|l| &l.positions) {
                if !people.contains_key(position) {
                    let token = person(&data, &agency.id, position);
                    people.insert(
                        position.clone(),
                        Api { client: reqwest::Client::new(), base: base.clone(), token },
                    );
                }
            }
        }
        for sop in sops {
            // The API serves it from the directory, as written there.
            let any = people.values().next().unwrap();
            let (status, live) = any.get(&format!("/sops/{}", sop.id)).await;
            assert_eq!(status, 200, "{}: {live}", sop.id);
            assert_eq!(live["version"], sop.version);
            assert_eq!(live["steps"].as_array().unwrap().len(), sop.steps.len());
            assert!(live.get("published_by").is_none(), "published by the installation: {live}");
            for (decide, verdicts) in decisions(sop) {
                let live = run_live(sop, &people, &verdicts).await;
                assert_eq!(live, simulated_end(&sop.id, &decide), "{} --decide {decide}", sop.id);
                runs += 1;
            }
        }
    }
    assert!(runs >= catalog.sops.len());
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

async fn live_version(api: &Api, id: &str) -> u64 {
    api.get(&format!("/sops/{id}")).await.1["version"].as_u64().unwrap()
}

/// Waits until `check` holds (a server reads its directory in the background).
async fn eventually<F: AsyncFn() -> bool>(what: &str, check: F) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what}");
}

const LEAVE: &str = "luwu-timur-pkm-malili/permohonan-cuti-tahunan";

#[tokio::test]
async fn the_directory_is_read_again_on_sighup_running_cases_keep_their_version() {
    let data = scratch("sop-dir-hup");
    let dir = data.join("sops");
    copy_dir(&corpus().join(MALILI), &dir.join(MALILI));
    let (server, base, log) = start(&data, &dir, 0).await;
    let clerk = |token| Api { client: reqwest::Client::new(), base: base.clone(), token };
    let agency = "luwu-timur-pkm-malili";
    let head = clerk(person(&data, agency, "kepala-tata-usaha"));
    // Whom the second step goes to.
    person(&data, agency, "staf-tata-usaha");
    let (catalog, _) = sop::Catalog::load_paths(std::slice::from_ref(&dir)).unwrap();
    let v1 = catalog.sop(LEAVE).unwrap();
    let input = store::demo::sample_input(v1.first_step(), engine::Verdict::Ya);
    let (status, running) = head
        .post(
            "/cases",
            &json!({ "sop": LEAVE, "fields": input.fields, "attachments": files(v1.first_step()) }),
        )
        .await;
    assert_eq!(status, 201, "{running}");

    // Version 2 in the file: live after SIGHUP, for new cases only.
    let file = dir.join("luwu-timur-pkm-malili/permohonan-cuti-tahunan.toml");
    replace_in(&file, "version = 1", "version = 2");
    replace_in(&file, "time = \"5 menit\"", "time = \"10 menit\"");
    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    eventually("version 2 goes live after SIGHUP", async || live_version(&head, LEAVE).await == 2).await;
    let out = std::fs::read_to_string(log.with_extension("out")).unwrap();
    assert!(
        out.contains(&format!("dibaca ulang: 1 SOP, 1 peringatan; diterbitkan: {LEAVE} versi 2")),
        "{out}"
    );
    let (_, case) = head.get(&format!("/cases/{}", running["id"].as_str().unwrap())).await;
    assert_eq!(case["sop_version"], 1, "the running case keeps its version");
    let (status, new) = head
        .post(
            "/cases",
            &json!({ "sop": LEAVE, "fields": input.fields, "attachments": files(v1.first_step()) }),
        )
        .await;
    assert_eq!((status, new["sop_version"].as_u64()), (201, Some(2)), "{new}");

    // Another text under version 2: refused with where and why; v2 stays.
    replace_in(&file, "time = \"10 menit\"", "time = \"15 menit\"");
    assert!(Command::new("kill").args(["-HUP", &pid]).status().unwrap().success());
    let line = std::fs::read_to_string(&file).unwrap().lines().position(|l| l == "version = 2").unwrap() + 1;
    let refused = format!("{}:{line}:11: kesalahan [version-conflict]", file.display());
    eventually("the refusal is logged", async || std::fs::read_to_string(&log).unwrap().contains(&refused))
        .await;
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("tidak ada yang diterbitkan; yang berlaku tetap"), "{said}");
    assert!(said.contains("tulis version = 3"), "{said}");
    assert_eq!(live_version(&head, LEAVE).await, 2);
    assert!(reqwest::get(format!("{base}/healthz")).await.unwrap().status().is_success(), "still serving");
}

#[tokio::test]
async fn a_changed_file_goes_live_without_a_signal() {
    let data = scratch("sop-dir-watch");
    let dir = data.join("sops");
    copy_dir(&corpus().join(MALILI), &dir.join(MALILI));
    let (_server, base, log) = start(&data, &dir, 1).await;
    let head = Api {
        client: reqwest::Client::new(),
        base,
        token: person(&data, "luwu-timur-pkm-malili", "kepala-tata-usaha"),
    };
    assert_eq!(live_version(&head, LEAVE).await, 1);
    let file = dir.join("luwu-timur-pkm-malili/permohonan-cuti-tahunan.toml");
    replace_in(&file, "version = 1", "version = 2");
    eventually("a changed file is published by itself", async || live_version(&head, LEAVE).await == 2).await;

    // A refused change is said once, not at every look.
    replace_in(&file, "time = \"5 menit\"", "time = \"15 menit\"");
    let refusals = || std::fs::read_to_string(&log).unwrap().matches("[version-conflict]").count();
    eventually("the refusal is logged", async || refusals() == 1).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(refusals(), 1);
    assert_eq!(live_version(&head, LEAVE).await, 2);
}

#[test]
fn serve_refuses_an_sop_dir_with_errors_naming_file_line_and_column() {
    let data = scratch("sop-dir-broken");
    let dir = data.join("sops");
    copy_dir(&corpus(), &dir);
    let file = dir.join("luwu-timur-pkm-malili/permohonan-cuti-tahunan.toml");
    replace_in(&file, "lane = \"staf-tu\"\naction = \"draft\"", "lane = \"staf-tuu\"\naction = \"draft\"");
    let stray = dir.join("lain/sop.toml");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(&file).unwrap().replace("luwu-timur-pkm-malili", "tidak-ada");
    std::fs::write(&stray, text.replace("staf-tuu", "staf-tu")).unwrap();

    let log = data.join("server.log");
    let status = serve_command(&data, &dir, free_port(), 0, &log).status().unwrap();
    assert_eq!(status.code(), Some(1));
    let said = std::fs::read_to_string(&log).unwrap();
    let line =
        std::fs::read_to_string(&file).unwrap().lines().position(|l| l == "lane = \"staf-tuu\"").unwrap() + 1;
    assert!(said.contains("server tidak dijalankan"), "{said}");
    assert!(said.contains(&format!("{}:{line}:8: kesalahan [unknown-lane]", file.display())), "{said}");
    let line =
        std::fs::read_to_string(&stray).unwrap().lines().position(|l| l.starts_with("agency = ")).unwrap()
            + 1;
    assert!(said.contains(&format!("{}:{line}:10: kesalahan [unknown-agency]", stray.display())), "{said}");
}
