//! The `sopir` binary as an operator uses it: real process, real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sopir(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sopir"))
        .args(args)
        .env_remove("SOPIR_SOP_DIR")
        .output()
        .expect("sopir runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Who may read `path`: the permission bits.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

fn fixture() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sop/tests/fixtures/clean.toml");
    std::fs::read_to_string(path).unwrap()
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn help_lists_the_commands() {
    let out = sopir(&["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for command in ["serve", "sop", "audit", "user"] {
        assert!(text.contains(command), "{command} in --help");
    }
}

#[test]
fn list_shows_id_number_name_agency_and_steps() {
    let out = sopir(&["sop", "list"]);
    assert!(out.status.success());
    let line = stdout(&out).lines().find(|l| l.starts_with("lumajang/vpn ")).unwrap().to_string();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&words[..4], ["lumajang/vpn", "427.53/4/2.09/2021", "12", "lumajang"]);
    assert!(line.ends_with("SOP Pengajuan Akses VPN"));
}

#[test]
fn lint_of_the_built_ins_reports_warnings_and_succeeds() {
    let out = sopir(&["sop", "lint"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(
        "sops/lumajang/vpn.toml:247:10: peringatan [other-service]: output langkah 8 \"Informasi akun email baru\""
    ));
    assert!(text.ends_with("7 SOP diperiksa, 2 profil instansi: 0 kesalahan, 22 peringatan\n"), "{text}");
}

#[test]
fn lint_of_a_broken_file_names_the_place_and_exits_1() {
    let dir = scratch("lint-broken");
    std::fs::write(dir.join("hosting.toml"), fixture().replace("lane = \"kabid\"", "lane = \"kabidd\""))
        .unwrap();
    let out = sopir(&["sop", "lint", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let file = dir.join("hosting.toml");
    assert!(
        text.contains(&format!(
            "{}:56:8: kesalahan [unknown-lane]: pelaksana \"kabidd\" pada langkah 2 tidak dikenal",
            file.display()
        )),
        "{text}"
    );
    assert!(stderr(&out).contains("1 kesalahan ditemukan"));
}

#[test]
fn lint_of_a_missing_path_says_so() {
    let out = sopir(&["sop", "lint", "/tidak/ada/sop"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "sopir: tidak dapat membaca /tidak/ada/sop: berkas atau direktori tidak ada\n");
}

#[test]
fn render_writes_svg_and_html_documents() {
    let dir = scratch("render");
    let svg = dir.join("vpn.svg");
    let out = sopir(&["sop", "render", "lumajang/vpn", "--format", "svg", "--output", svg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(text.contains("data-step=\"13\""));

    let out = sopir(&["sop", "render", "trenggalek/ruang-server"]);
    assert!(out.status.success());
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("060/016/406.020/2023"));
}

#[test]
fn render_help_names_every_format() {
    let help = stdout(&sopir(&["sop", "render", "--help"]));
    assert!(help.contains("HTML, SVG atau PDF"), "{help}");
    assert!(help.contains("[possible values: html, svg, pdf]"), "{help}");
}

#[test]
fn render_of_an_unknown_sop_is_refused() {
    let out = sopir(&["sop", "render", "lumajang/vpnn"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "sopir: SOP \"lumajang/vpnn\" tidak ditemukan; lihat `sopir sop list`\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_directory_of_own_definitions_joins_the_built_ins() {
    let dir = scratch("own-sops");
    std::fs::write(dir.join("hosting.toml"), fixture()).unwrap();
    std::fs::write(
        dir.join("agency.toml"),
        "id = \"contoh\"\ngovernment = \"Pemerintah Kabupaten Contoh\"\nname = \"Dinas Kominfo\"\naddress = \"Jl. Contoh 1\"\nletterhead = [\"PEMERINTAH KABUPATEN CONTOH\"]\n",
    )
    .unwrap();
    let out = sopir(&["sop", "list", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("contoh/hosting"));
    assert!(text.contains("lumajang/vpn"));

    let out = sopir(&["sop", "show", "contoh/hosting", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("2. [kabid] Putuskan (decide, 1 hari) Ya → langkah 3, Tidak → ditolak"));

    // A broken file in --dir stops the command with its location.
    std::fs::write(dir.join("rusak.toml"), "id = \"contoh/rusak\"\nversion = \n").unwrap();
    let out = sopir(&["sop", "list", "--dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("rusak.toml:2:"), "{}", stderr(&out));
}

#[test]
fn simulate_prints_the_full_vpn_timeline() {
    let out = sopir(&["sop", "simulate", "lumajang/vpn", "--start", "2026-11-27T15:50"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<&str> =
        text.lines().filter(|l| l.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit())).collect();
    let steps: Vec<&str> = rows.iter().map(|r| r.split_whitespace().next().unwrap()).collect();
    assert_eq!(steps, ["1", "2", "3", "5", "6", "7", "8", "9", "10", "11", "12", "13"]);
    // The Secretary, not the Head, sends the letter; the signature step runs
    // over the weekend in working time.
    assert!(rows[10].contains("Sri Wahyuni, S.Sos."), "{}", rows[10]);
    assert!(rows[9].contains("Jum 27-11 16:28 Sen 30-11 07:38"), "{}", rows[9]);
    assert!(
        text.contains("Hasil: selesai setelah 12 langkah; 0 pelanggaran waktu; rantai audit utuh."),
        "{text}"
    );
}

#[test]
fn simulate_follows_the_tidak_branch_and_shows_a_late_step() {
    let out = sopir(&[
        "sop",
        "simulate",
        "lumajang/ruang-server",
        "--decide",
        "tidak",
        "--start",
        "2026-11-23T09:00",
        "--late",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Hasil: ditolak setelah 4 langkah; 1 pelanggaran waktu"), "{text}");
    let late = text.lines().find(|l| l.trim_start().starts_with("2 ")).unwrap();
    assert!(late.ends_with("10 menit"), "{late}");
}

#[test]
fn simulate_stops_a_return_loop_and_says_which_decision_ends_it() {
    let out = sopir(&["sop", "simulate", "lumajang/vpn", "--decide", "tidak", "--start", "2026-11-23T09:00"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let drafts = text.lines().filter(|l| l.trim_start().starts_with("9 ")).count();
    assert_eq!(drafts, 4, "three rounds of draft and review, the fourth draft left open:\n{text}");
    assert!(text.contains("Hasil: sedang berjalan"), "{text}");
    let why = stderr(&out);
    assert!(why.contains("simulasi dihentikan: langkah 9 (Buat konsep surat) sudah 3 kali"), "{why}");
    assert!(why.contains("--decide tidak,10=ya"), "{why}");

    let out =
        sopir(&["sop", "simulate", "lumajang/vpn", "--decide", "tidak,10=ya", "--start", "2026-11-23T09:00"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Keputusan: tidak, langkah 10: ya."), "{}", stdout(&out));
    assert!(stdout(&out).contains("Hasil: selesai setelah 12 langkah"), "{}", stdout(&out));
}

#[test]
fn simulate_refuses_a_decision_for_a_step_that_does_not_decide() {
    for (given, why) in [
        ("3=tidak", "langkah 3 (Disposisikan) tidak memutuskan Ya/Tidak; yang memutuskan: 10"),
        ("10=mungkin", "\"mungkin\" bukan ya atau tidak"),
        ("99=ya", "lumajang/vpn tidak punya langkah 99"),
        ("x=ya", "\"x\" bukan nomor langkah"),
    ] {
        let out = sopir(&["sop", "simulate", "lumajang/vpn", "--decide", given]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stderr(&out), format!("sopir: --decide \"{given}\": {why}\n"));
    }
}

#[test]
fn simulate_runs_an_sop_of_a_new_agency_with_one_position_in_two_lanes() {
    let dir = scratch("simulate-new-agency");
    let definition =
        fixture().replace("positions = [\"administrator-server\"]", "positions = [\"kabid-aptika\"]");
    std::fs::write(dir.join("hosting.toml"), definition).unwrap();
    let dir = dir.display().to_string();
    for (decide, ending) in
        [("ya", "Hasil: selesai setelah 4 langkah"), ("2=tidak", "Hasil: ditolak setelah 2 langkah")]
    {
        let out = sopir(&["sop", "simulate", "contoh/hosting", "--dir", &dir, "--decide", decide]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains(ending), "{}", stdout(&out));
    }
}

#[test]
fn simulate_fills_an_agencys_sop_with_its_own_domain_and_signs_with_a_demo_certificate() {
    // Lumajang's subdomain SOP as another agency's, with its own domain: the
    // FQDN is checked against that domain, and its made-up Head signs.
    let dir = scratch("simulate-own-domain");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sops/lumajang");
    let sop = std::fs::read_to_string(root.join("subdomain.toml"))
        .unwrap()
        .replace("id = \"lumajang/subdomain\"", "id = \"contoh/subdomain\"")
        .replace("agency = \"lumajang\"", "agency = \"contoh\"");
    let agency = std::fs::read_to_string(root.join("agency.toml"))
        .unwrap()
        .replace("id = \"lumajang\"", "id = \"contoh\"")
        .replace("lumajangkab.go.id", "contohkab.go.id")
        // Unit ids are unique across an installation (Lumajang's are there).
        .replace("\"lmj-", "\"ctx-");
    std::fs::write(dir.join("subdomain.toml"), sop).unwrap();
    std::fs::write(dir.join("agency.toml"), agency).unwrap();
    let out = sopir(&["sop", "simulate", "contoh/subdomain", "--dir", &dir.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Hasil: selesai setelah 12 langkah"), "{}", stdout(&out));
}

#[test]
fn simulate_runs_parallel_work_a_bounded_loop_an_outcome_and_a_routine() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../sop/tests/fixtures/shapes");
    let run = |id: &str, decide: &str| {
        let out =
            sopir(&["sop", "simulate", id, "--dir", dir, "--decide", decide, "--start", "2026-11-23T09:00"]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    // Both branches run side by side (started together, done in the order
    // they fall due), then the check, three rounds at most.
    let parallel = run("contoh/instalasi-jaringan", "tidak");
    let rows: Vec<&str> = parallel.lines().filter(|l| l.contains("Sel 24-11 09:00 ")).collect();
    assert_eq!(rows.len(), 3, "steps 3 and 4 start when step 2 ends:\n{parallel}");
    assert!(parallel.contains(" 5 (3x)  kasi"), "{parallel}");
    assert!(parallel.contains("Hasil: ditolak setelah 9 langkah"), "{parallel}");
    // A refused request still gets its reply, and ends ditolak.
    let refused = run("contoh/informasi-publik", "tidak");
    assert!(refused.contains("Batas waktu seluruh prosedur: Sen 07-12 09:00; terpenuhi."), "{refused}");
    assert!(refused.contains("Hasil: ditolak setelah 6 langkah"), "{refused}");
    // A routine starts with its first step open: no one submits it.
    let routine = run("contoh/laporan-harian", "ya");
    assert!(routine.contains("Hasil: selesai setelah 2 langkah"), "{routine}");
}

#[test]
fn simulate_refuses_a_start_it_cannot_read() {
    let out = sopir(&["sop", "simulate", "lumajang/vpn", "--start", "besok pagi"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "sopir: waktu mulai \"besok pagi\" tidak dikenali — tulis misalnya 2026-11-23T09:00\n"
    );
}

/// A database with some history, made through the store as the server would.
fn database_with_history(name: &str) -> String {
    let dir = scratch(name);
    let url = format!("sqlite://{}", dir.join("sopir.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = store::Store::open(&url).await.unwrap();
        store::demo::install(&s, &sop::Catalog::builtin(), 1_764_000_000_000).await.unwrap();
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        s.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, 1_764_000_000_000))
            .await
            .unwrap();
        s.close().await;
    });
    url
}

/// What `sql` counts in the database at `url`.
fn count(url: &str, sql: &str) -> i64 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (s, _) = store::Store::open_read_only(url).await.unwrap();
        let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(s.pool()).await.unwrap();
        s.close().await;
        n
    })
}

/// Every event stored: the demo installation's records, then the case's events.
fn events_stored(url: &str) -> i64 {
    count(url, "SELECT COUNT(*) FROM events")
}

/// The length of Lumajang's chain (the case's four events are its last).
fn lumajang_length(url: &str) -> i64 {
    count(url, "SELECT MAX(chain_seq) FROM events WHERE agency_id = 'lumajang'")
}

/// The installation chain's length: the anchors of the agency chains.
fn installation_length(url: &str) -> i64 {
    count(url, "SELECT seq FROM audit_head")
}

/// What `audit verify` says of an intact chain of `n` events.
fn intact(n: i64) -> String {
    format!(
        "Rantai audit utuh: {n} event diperiksa ({} di antaranya perubahan di luar permohonan), di rantai instalasi dan 2 rantai instansi.",
        n - 4
    )
}

fn tamper(url: &str, sql: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(url).await.unwrap();
        for statement in
            ["DROP TRIGGER events_append_only_update", "DROP TRIGGER events_append_only_delete", sql]
        {
            sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&pool).await.unwrap();
        }
        pool.close().await;
    });
}

#[test]
fn audit_verify_passes_an_intact_chain_and_names_an_edited_event() {
    let url = database_with_history("audit-edit");
    let n = events_stored(&url);
    let dir = Path::new(url.trim_start_matches("sqlite://")).parent().unwrap().to_path_buf();
    let out = sopir(&["audit", "verify", "--database-url", &url, "--data-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "{}\n\
             Peringatan: tidak ada titik periksa (dicari di {}); rantai hanya diperiksa terhadap dirinya sendiri, jadi rantai yang ditulis ulang seluruhnya tidak akan terlihat.\n",
            intact(n),
            dir.join("audit-checkpoints").display()
        )
    );

    // The case's second event (its four are Lumajang's chain's last, and
    // Lumajang's chain is walked first).
    let l = lumajang_length(&url);
    tamper(
        &url,
        &format!("UPDATE events SET at = at + 1 WHERE agency_id = 'lumajang' AND chain_seq = {}", l - 2),
    );
    let out = sopir(&["audit", "verify", "--database-url", &url]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!(
            "Rantai audit PUTUS setelah {} event yang utuh: rantai instansi lumajang: event #{} (task-created, permohonan ",
            l - 3,
            l - 2
        )),
        "{text}"
    );
    assert!(
        text.lines().next().unwrap().ends_with("telah diubah: isinya tidak cocok dengan hash-nya"),
        "{text}"
    );
}

#[test]
fn audit_verify_names_a_deleted_event() {
    let url = database_with_history("audit-delete");
    let l = lumajang_length(&url);
    tamper(&url, &format!("DELETE FROM events WHERE agency_id = 'lumajang' AND chain_seq = {}", l - 1));
    let out = sopir(&["audit", "verify", "--database-url", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out).lines().next().unwrap(),
        format!(
            "Rantai audit PUTUS setelah {} event yang utuh: rantai instansi lumajang: event #{} telah dihapus: nomor urut itu hilang dari rantai",
            l - 2,
            l - 1
        )
    );
}

/// Another VPN request in the database at `url`.
fn another_request(url: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = store::Store::open(url).await.unwrap();
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        s.submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, 1_764_100_000_000))
            .await
            .unwrap();
        s.close().await;
    });
}

/// Runs `sopir serve` on `dir` until it has started, then stops it as a
/// service manager would (SIGTERM); returns what it said on stderr.
fn serve_once(dir: &Path, url: &str) -> String {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopir"))
        .args(["serve", "--addr", "127.0.0.1:0", "--no-demo", "--data-dir", dir.to_str().unwrap()])
        .args(["--database-url", url])
        .env_remove("SOPIR_SOP_DIR")
        .env_remove("SOPIR_DATA_KEY")
        .env_remove("SOPIR_AUDIT_CHECKPOINT_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("Hentikan dengan Ctrl+C") {
        line.clear();
        assert!(said.read_line(&mut line).unwrap() > 0, "the server stopped before it started");
    }
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut said, &mut rest).unwrap();
    assert!(rest.ends_with("Sopir berhenti.\n"), "{rest}");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

/// Rewrites the chains as someone with write access to the database would
/// (see `store::forgery`): Lumajang's event at `position` changed, and the
/// installation's newest `cut` anchors cut.
fn rewrite(url: &str, position: i64, cut: usize) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = store::Store::open(url).await.unwrap();
        store::forgery::rewrite(&s, "lumajang", position, |payload| format!("{payload} "), 0).await.unwrap();
        let end = s.audit_head(jiff::Timestamp::now()).await.unwrap().seq;
        store::forgery::rewrite(&s, store::audit::INSTALLATION, end - cut as i64, |p| p.to_string(), cut)
            .await
            .unwrap();
        s.close().await;
    });
}

#[test]
fn the_server_anchors_the_chain_and_verify_catches_it_rewritten_and_cut() {
    let url = database_with_history("anchored");
    let dir = Path::new(url.trim_start_matches("sqlite://")).parent().unwrap().to_path_buf();
    std::fs::write(dir.join("sopir.key"), "cd".repeat(32)).unwrap();
    let data_dir = dir.to_str().unwrap();
    // The server writes a checkpoint when it starts (and when it stops, if
    // the chain grew meanwhile); here one per run.
    serve_once(&dir, &url);
    let first = installation_length(&url);
    let first_request = lumajang_length(&url) - 1;
    another_request(&url);
    serve_once(&dir, &url);
    let second = installation_length(&url);
    assert_eq!(second, first + 1, "one anchor of the chains that moved");
    let logs: Vec<PathBuf> =
        std::fs::read_dir(dir.join("audit-checkpoints")).unwrap().map(|e| e.unwrap().path()).collect();
    let [log] = &logs[..] else { panic!("{logs:?}") };
    assert_eq!(std::fs::read_to_string(log).unwrap().lines().count(), 2);

    let out = sopir(&["audit", "verify", "--database-url", &url, "--data-dir", data_dir]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(&format!(
            "Titik periksa cocok: 2 titik periksa; yang terbaru: event #{second} pada "
        ))
    );
    assert!(lines[1].ends_with(&format!("({} baris 2).", log.display())), "{text}");

    // The intrusion: triggers dropped, an event of the first request
    // changed, every hash and anchor after it recomputed, the newest
    // anchor cut off.
    rewrite(&url, first_request, 1);
    let out = sopir(&["audit", "verify", "--database-url", &url, "--data-dir", data_dir]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(stderr(&out), "sopir: rantai audit putus\n");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with(&format!("Rantai audit utuh: {} event diperiksa", events_stored(&url))),
        "{text}"
    );
    assert_eq!(
        lines[1],
        "Titik periksa TIDAK COCOK: 2 dari 2 titik periksa; rantai di basis data telah ditulis ulang atau dipotong:"
    );
    assert!(lines[2].starts_with(&format!("  - {} baris 1: titik periksa ", log.display())), "{text}");
    assert!(
        lines[2].ends_with(&format!("event sampai #{first} telah diubah dan hash-nya dihitung ulang")),
        "{text}"
    );
    assert!(
        lines[3].ends_with(&format!(
            "mencatat event #{second}, tetapi rantai di basis data hanya sampai event #{first}: ujung rantai telah dipotong"
        )),
        "{text}"
    );

    // Without the key the checkpoints prove nothing, and verify says so.
    std::fs::remove_file(dir.join("sopir.key")).unwrap();
    let out = sopir(&["audit", "verify", "--database-url", &url, "--data-dir", data_dir]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "sopir: titik periksa audit: ada titik periksa, tetapi kunci data untuk memeriksa tanda tangannya tidak ditemukan ({} tidak ada; berikan --data-key atau SOPIR_DATA_KEY)\n",
            dir.join("sopir.key").display()
        )
    );
    let out = sopir(&[
        "audit",
        "verify",
        "--database-url",
        &url,
        "--data-dir",
        data_dir,
        "--data-key",
        &"cd".repeat(32),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().nth(1).unwrap(), lines[1]);

    // A server started on the rewritten database says so at once.
    std::fs::write(dir.join("sopir.key"), "cd".repeat(32)).unwrap();
    let said = serve_once(&dir, &url);
    assert!(
        said.contains("PERINGATAN: rantai audit di basis data tidak cocok dengan 2 titik periksa di"),
        "{said}"
    );
}

/// Runs `sopir` as a user without write permission anywhere here: as
/// `nobody` when the tests run as root (whom permissions do not stop).
fn sopir_unprivileged(args: &[&str]) -> Output {
    let uid = Command::new("id").arg("-u").output().unwrap();
    let mut command = if stdout(&uid).trim() == "0" {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_sopir")]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_sopir"))
    };
    command.args(args).env_remove("SOPIR_SOP_DIR").env_remove("DATABASE_URL").output().expect("sopir runs")
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn audit_verify_reads_a_copy_it_may_not_write_made_by_an_older_sopir() {
    let url = database_with_history("read-only");
    let n = events_stored(&url);
    let dir = scratch("read-only-copy");
    let copy = dir.join("sopir.db");
    let copy_url = format!("sqlite://{}", copy.display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (newest, older) = rt.block_on(async {
        let s = store::Store::open(&url).await.unwrap();
        s.backup_into(&copy).await.unwrap();
        s.close().await;
        // A copy made before this Sopir's newest migration, kept in WAL mode.
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&copy_url).await.unwrap();
        let newest: i64 =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = $1")
            .bind(newest)
            .execute(&pool)
            .await
            .unwrap();
        let older: i64 =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&pool).await.unwrap();
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await.unwrap();
        pool.close().await;
        (newest, older)
    });
    let files = || {
        let mut names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    };
    assert_eq!(files(), ["sopir.db"]);
    set_mode(&copy, 0o444);
    set_mode(&dir, 0o555);
    let out = sopir_unprivileged(&[
        "audit",
        "verify",
        "--database-url",
        &copy_url,
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    set_mode(&dir, 0o755);
    set_mode(&copy, 0o644);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Catatan: skema basis data ini versi {older}, lebih lama dari versi {newest} program ini; basis data hanya dibaca, tidak dimigrasikan, dan rantai auditnya tetap dapat diperiksa.\n\
             Catatan: direktori basis data tidak dapat ditulisi, jadi berkasnya dibaca sebagai berkas yang tidak berubah.\n\
             {}\n\
             Peringatan: tidak ada titik periksa (dicari di {}); rantai hanya diperiksa terhadap dirinya sendiri, jadi rantai yang ditulis ulang seluruhnya tidak akan terlihat.\n",
            intact(n),
            dir.join("audit-checkpoints").display()
        )
    );
    assert_eq!(files(), ["sopir.db"], "nothing written beside the copy");
}

#[test]
fn audit_verify_of_a_missing_database_says_so() {
    let out = sopir(&["audit", "verify", "--database-url", "sqlite:///tidak/ada/sopir.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "sopir: basis data /tidak/ada/sopir.db tidak ada\n");
}

#[test]
fn user_add_creates_an_administrator_with_the_password_from_stdin() {
    use std::io::Write;
    let dir = scratch("user-add");
    let url = format!("sqlite://{}", dir.join("data").join("sopir.db").display());
    let run = |args: &[&str], password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sopir"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let args = [
        "user",
        "add",
        "--agency",
        "lumajang",
        "--username",
        "admin.lmj",
        "--name",
        "Admin Diskominfo",
        "--nip",
        "19800101 200501 1 001",
        "--position",
        "kasi-ppi-spbe",
        "--admin",
        "--database-url",
        &url,
    ];
    let short = run(&args, "pendek\n");
    assert_eq!(short.status.code(), Some(1));
    assert_eq!(stderr(&short).lines().last().unwrap(), "sopir: kata sandi paling sedikit 10 karakter");

    let made = run(&args, "kata-sandi-kuat-123\n");
    assert!(made.status.success(), "{}", stderr(&made));
    assert_eq!(stdout(&made), "Akun admin.lmj untuk Admin Diskominfo dibuat (administrator instansi).\n");
    // The data directory and database it made are the owner's alone.
    assert_eq!((mode(&dir.join("data")), mode(&dir.join("data").join("sopir.db"))), (0o700, 0o600));
    // An operator's token lasts as long as asked, at most a year.
    let too_long = sopir(&["user", "token", "admin.lmj", "--days", "366", "--database-url", &url]);
    assert_eq!(too_long.status.code(), Some(1));
    assert!(
        stderr(&too_long).contains("Masa berlaku (hari): isi jumlah hari dari 1 sampai 365"),
        "{}",
        stderr(&too_long)
    );
    let token = sopir(&["user", "token", "admin.lmj", "--days", "7", "--database-url", &url]);
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(stdout(&token).starts_with("sopir_"));
    let again = run(&args, "kata-sandi-kuat-123\n");
    assert_eq!(stderr(&again).lines().last().unwrap(), "sopir: nama pengguna \"admin.lmj\" sudah dipakai");

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = store::Store::open(&url).await.unwrap();
        let account = s.account("admin.lmj").await.unwrap().unwrap();
        assert!(account.is_admin);
        let tokens = s.api_tokens("admin.lmj").await.unwrap();
        assert_eq!(tokens.len(), 1);
        assert_eq!((tokens[0].expires_at - tokens[0].created_at) / 86_400_000, 7);
        assert!(store::verify_password("kata-sandi-kuat-123", &account.password_hash));
        let org = s.organisation("lumajang").await.unwrap();
        assert_eq!(org.person(&account.person_id).unwrap().nip.as_deref(), Some("198001012005011001"));
        assert!(org.holdings.iter().any(|h| h.person == account.person_id && h.position == "kasi-ppi-spbe"));
        s.close().await;
    });
    let unknown = run(
        &["user", "add", "--agency", "bantul", "--username", "x", "--name", "X", "--database-url", &url],
        "kata-sandi-kuat-123\n",
    );
    assert_eq!(stderr(&unknown).lines().last().unwrap(), "sopir: instansi \"bantul\" tidak dikenal");
}

#[test]
fn a_backup_of_a_live_database_restores_with_an_intact_chain() {
    let url = database_with_history("backup");
    let n = events_stored(&url);
    let dir = Path::new(url.trim_start_matches("sqlite://")).parent().unwrap().to_path_buf();
    std::fs::write(dir.join("sopir.key"), "ab".repeat(32)).unwrap();
    // A key left readable by others (as an operator might have copied it).
    let readable = <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644);
    std::fs::set_permissions(dir.join("sopir.key"), readable).unwrap();
    let copy = dir.join("cadangan.db");
    // The server's --data-dir alone names its database, as for `serve`.
    let out = sopir(&["backup", copy.to_str().unwrap(), "--data-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("cadangan.db.key").exists(), "the key goes with the backup");
    // Both readable by their owner only, however the key was.
    assert_eq!((mode(&copy), mode(&dir.join("cadangan.db.key"))), (0o600, 0o600));
    let again = sopir(&[
        "backup",
        copy.to_str().unwrap(),
        "--data-dir",
        dir.to_str().unwrap(),
        "--database-url",
        &url,
    ]);
    assert_eq!(again.status.code(), Some(1), "an existing file is not overwritten");

    let restored_dir = scratch("restored");
    let restored_url = format!("sqlite://{}", restored_dir.join("sopir.db").display());
    let out = sopir(&["restore", copy.to_str().unwrap(), "--data-dir", restored_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Dipulihkan ke {}: rantai audit utuh ({n} event).\n",
            restored_dir.join("sopir.db").display()
        )
    );
    assert_eq!(std::fs::read_to_string(restored_dir.join("sopir.key")).unwrap(), "ab".repeat(32));
    assert_eq!((mode(&restored_dir.join("sopir.db")), mode(&restored_dir.join("sopir.key"))), (0o600, 0o600));
    let intact = intact(n);
    let verify = sopir(&["audit", "verify", "--database-url", &restored_url]);
    assert_eq!(stdout(&verify).lines().next().unwrap(), intact);
    let verify = sopir(&["audit", "verify", "--data-dir", restored_dir.to_str().unwrap()]);
    assert_eq!(stdout(&verify).lines().next().unwrap(), intact, "{}", stderr(&verify));
    // Restoring over an existing database is refused.
    let twice = sopir(&[
        "restore",
        copy.to_str().unwrap(),
        "--data-dir",
        restored_dir.to_str().unwrap(),
        "--database-url",
        &restored_url,
    ]);
    assert_eq!(twice.status.code(), Some(1));
}

#[test]
fn bench_drives_complete_cases_and_reports_its_figures() {
    // What is measured is not asserted (speed lives in BENCHMARKS.md); that
    // the command works end to end, is.
    let out = sopir(&["bench", "--clients", "2", "--cases", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("sopir bench: 2 clients, 3 complete VPN cases in "), "{text}");
    assert!(text.contains("  errors            0\n"), "{text}");
    for kind in [
        "GET case",
        "GET tasks",
        "POST act",
        "POST case",
        "transitions/s",
        "server peak RSS",
        "server CPU ",
        "bare fsynced SQLite commits/s",
    ] {
        assert!(text.contains(kind), "{kind} in {text}");
    }
    assert!(text.contains("POST act     n=30 "), "ten actions per case: {text}");
    assert!(text.contains("POST sign    n=3 "), "and the one that signs the letter: {text}");
    assert!(text.lines().next().unwrap().ends_with(" s (1 agency, 1 server)"), "{text}");
    // Several servers share a database only on PostgreSQL, and it says so.
    let out = sopir(&["bench", "--servers", "2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--servers lebih dari 1 perlu --database-url PostgreSQL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bench_seed_fills_a_database_and_measures_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("besar");
    let data = data.to_str().unwrap();
    let out = sopir(&["bench", "seed", "--cases", "40", "--data-dir", data, "--samples", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("seed: 40 cases added, 40 in all ("), "{text}");
    assert!(text.contains("failures: 0"), "{text}");
    for kind in ["inbox", "case", "registry search", "report (year)", "server peak RSS"] {
        assert!(text.contains(&format!("  {kind}")), "{kind} in {text}");
    }
    // Measured again, nothing added.
    let again = sopir(&["bench", "seed", "--measure-only", "--data-dir", data, "--samples", "2"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!stdout(&again).contains("seed:"));
    // A larger target continues the history that is there (which the
    // measuring server's demo data may have grown by a case).
    let more = sopir(&["bench", "seed", "--cases", "50", "--data-dir", data, "--samples", "1"]);
    assert!(more.status.success(), "{}", stderr(&more));
    let text = stdout(&more);
    assert!(text.starts_with("seed: ") && text.contains(" cases added, 50 in all ("), "{text}");
}

#[test]
fn retention_purge_reports_what_it_erased_and_refuses_a_missing_database() {
    let url = database_with_history("retention");
    let out = sopir(&["retention", "purge", "--database-url", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Data pribadi 0 permohonan yang lewat masa retensi dihapus; catatan anonimnya tetap.\n"
    );
    let out = sopir(&["retention", "purge", "--database-url", "sqlite:///tidak/ada/sopir.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "sopir: basis data /tidak/ada/sopir.db tidak ada\n");
}

#[test]
fn serve_refuses_a_trusted_proxy_it_cannot_read() {
    let dir = scratch("bad-proxies");
    let out =
        sopir(&["serve", "--trusted-proxies", "10.0.0.1, proxy.lokal", "--data-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "sopir: server: --trusted-proxies: \"proxy.lokal\" bukan alamat IP atau jaringan CIDR (contoh: 10.0.0.5 atau 10.0.0.0/8)\n"
    );
    assert!(!dir.join("sopir.db").exists(), "refused before anything is made");
}

#[test]
fn agency_add_show_edit_and_list_keep_agencies_from_flags_or_a_file() {
    use std::io::Write;
    let dir = scratch("agency");
    let url = format!("sqlite://{}", dir.join("data").join("sopir.db").display());
    let db = ["--database-url", url.as_str()];
    let with_db = |args: &[&str]| sopir(&[args, &db[..]].concat());

    // Flags: every refused field on its own line, nothing made.
    let bad = with_db(&[
        "agency",
        "add",
        "--id",
        "Kediri",
        "--name",
        "Dinas Kominfo",
        "--timezone",
        "Asia/Singapore",
        "--number",
        "{klasifikasi}/{tahun}",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let text = stderr(&bad);
    for line in [
        "sopir: instansi tidak disimpan:",
        "  Kode instansi (id): id instansi \"Kediri\" tidak sah",
        "  Pemerintah daerah (government): wajib diisi",
        "  Zona waktu (timezone): zona waktu \"Asia/Singapore\" tidak dikenal",
        "  Kop surat (letterhead): tulis paling sedikit satu baris",
        "  Templat nomor surat (letters.number): templat nomor harus memuat {urut}",
    ] {
        assert!(text.lines().any(|l| l.starts_with(line)), "{line} in:\n{text}");
    }
    let made = with_db(&[
        "agency",
        "add",
        "--id",
        "kediri",
        "--government",
        "Pemerintah Kabupaten Kediri",
        "--name",
        "Dinas Komunikasi dan Informatika",
        "--letterhead",
        "PEMERINTAH KABUPATEN KEDIRI",
        "--letterhead",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "--domain",
        "kedirikab.go.id",
    ]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert_eq!(
        stdout(&made),
        "Instansi kediri (Dinas Komunikasi dan Informatika) dibuat: 0 unit, 0 jabatan.\n"
    );

    // A file with its structure: a wrong superior is named at its table.
    let file = dir.join("agency.toml");
    let blitar = r#"id = "blitar"
government = "Pemerintah Kabupaten Blitar"
name = "Dinas Komunikasi, Informatika dan Statistik"
letterhead = ["PEMERINTAH KABUPATEN BLITAR"]

[[units]]
id = "blt-kominfo"
name = "Dinas Komunikasi, Informatika dan Statistik"

[[positions]]
id = "kadis"
name = "Kepala Dinas"
unit = "blt-kominfo"
rights = ["heads-agency", "signs-letters", "reads-reports"]

[[positions]]
id = "teknisi"
name = "Teknisi Jaringan"
unit = "blt-kominfo"
reports_to = "kadis"
"#;
    std::fs::write(&file, blitar.replace("reports_to = \"kadis\"", "reports_to = \"kasi\"")).unwrap();
    let wrong = with_db(&["agency", "add", "--file", file.to_str().unwrap()]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains(&format!(
            "{}:16:1: kesalahan [bad-position]: Atasan: jabatan \"kasi\" tidak ada di instansi ini",
            file.display()
        )),
        "{}",
        stderr(&wrong)
    );
    std::fs::write(&file, blitar).unwrap();
    let made = with_db(&["agency", "add", "--file", file.to_str().unwrap()]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stdout(&made).ends_with("dibuat: 1 unit, 2 jabatan.\n"));

    let edited = with_db(&["agency", "edit", "blitar", "--address", "Jl. Semeru No. 1, Blitar"]);
    assert!(edited.status.success(), "{}", stderr(&edited));
    let shown = with_db(&["agency", "show", "blitar"]);
    let back = sop::agency::parse_agency("shown.toml", &stdout(&shown)).unwrap();
    assert_eq!(back.address, "Jl. Semeru No. 1, Blitar");
    assert_eq!(back.positions[1].reports_to.as_deref(), Some("kadis"));
    let list = stdout(&with_db(&["agency", "list"]));
    assert!(list.lines().any(|l| l.starts_with("blitar ") && l.contains("2   jabatan")), "{list}");
    assert!(list.lines().any(|l| l.starts_with("kediri ")), "{list}");
    let missing = with_db(&["agency", "show", "bantul"]);
    assert_eq!(stderr(&missing).trim(), "sopir: instansi tidak disimpan: instansi bantul tidak ada");

    // People of the new agency hold its positions, and only those.
    let add_user = |position: &str, username: &str, extra: &[&str]| {
        let args = [
            &[
                "user",
                "add",
                "--agency",
                "blitar",
                "--username",
                username,
                "--name",
                "Rina",
                "--unit",
                "blt-kominfo",
            ],
            &["--position", position][..],
            extra,
            &db[..],
        ]
        .concat();
        let mut child = Command::new(env!("CARGO_BIN_EXE_sopir"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"kata-sandi-kuat-123\n").unwrap();
        child.wait_with_output().unwrap()
    };
    let typo = add_user("teknsi", "rina", &[]);
    assert_eq!(typo.status.code(), Some(1));
    assert!(stderr(&typo).contains("jabatan \"teknsi\" tidak ada dalam daftar jabatan instansi blitar"));
    let made = add_user("teknisi", "rina", &["--installation-admin"]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert_eq!(stdout(&made), "Akun rina untuk Rina dibuat (administrator instalasi).\n");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = store::Store::open(&url).await.unwrap();
        assert!(s.account("rina").await.unwrap().unwrap().installation_admin);
        let org = s.organisation("blitar").await.unwrap();
        assert_eq!(org.people.len(), 1, "the refused attempt wrote nobody");
        assert!(org.holdings.iter().any(|h| h.person == "blitar-rina" && h.position == "teknisi"));
        s.close().await;
    });
}

#[test]
fn user_import_prints_the_preview_and_applies_only_with_apply() {
    let dir = scratch("user-import");
    let url = format!("sqlite://{}", dir.join("data").join("sopir.db").display());
    let agency = dir.join("kediri.toml");
    std::fs::write(
        &agency,
        "id = \"kediri\"\ngovernment = \"Pemerintah Kabupaten Kediri\"\nname = \"Dinas Kominfo\"\n\
         timezone = \"Asia/Jakarta\"\ndomain = \"kedirikab.go.id\"\nletterhead = [\"PEMERINTAH KABUPATEN KEDIRI\"]\n\
         [letters]\nnumber = \"{klasifikasi}/{urut:3}/{tahun}\"\nplace = \"Kediri\"\n\
         [[units]]\nid = \"kdr-kominfo\"\nname = \"Dinas Kominfo\"\n\
         [[positions]]\nid = \"kadis\"\nname = \"Kepala Dinas\"\nunit = \"kdr-kominfo\"\n",
    )
    .unwrap();
    let made = sopir(&["agency", "add", "--file", agency.to_str().unwrap(), "--database-url", &url]);
    assert!(made.status.success(), "{}", stderr(&made));
    let file = dir.join("pegawai.csv");
    std::fs::write(
        &file,
        "NIP;Nama;Jabatan;Unit Kerja\n197809101998021001;Andi Wijaya;Kepala Dinas;Dinas Kominfo\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();

    let preview = sopir(&["user", "import", file, "--agency", "kediri", "--database-url", &url]);
    assert!(preview.status.success(), "{}", stderr(&preview));
    let text = stdout(&preview);
    assert!(
        text.contains("1 baru, 0 berubah, 0 tidak ada di berkas, 0 tidak berubah; 1 akun masuk baru"),
        "{text}"
    );
    assert!(text.contains("baru     197809101998021001 Andi Wijaya — Kepala Dinas, Dinas Kominfo"), "{text}");
    assert!(text.contains("Belum ada yang disimpan"));

    let applied = sopir(&["user", "import", file, "--agency", "kediri", "--apply", "--database-url", &url]);
    assert!(applied.status.success(), "{}", stderr(&applied));
    assert!(stdout(&applied).ends_with("Diterapkan.\n"));
    let again = sopir(&["user", "import", file, "--agency", "kediri", "--database-url", &url]);
    assert!(
        stdout(&again).contains("0 baru, 0 berubah, 0 tidak ada di berkas, 1 tidak berubah"),
        "{}",
        stdout(&again)
    );

    std::fs::write(
        dir.join("salah.csv"),
        "NIP;Nama;Jabatan;Unit Kerja\n197813101998021001;Budi;Direktur;Dinas Kominfo\n",
    )
    .unwrap();
    let bad = dir.join("salah.csv");
    let refused = sopir(&[
        "user",
        "import",
        bad.to_str().unwrap(),
        "--agency",
        "kediri",
        "--apply",
        "--database-url",
        &url,
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let out = stdout(&refused);
    assert!(out.contains("baris 2, NIP: tanggal lahir 1978-13-10"), "{out}");
    assert!(
        out.contains("baris 2, Jabatan: \"Direktur\" tidak ada dalam daftar jabatan instansi ini"),
        "{out}"
    );
    assert_eq!(stderr(&refused).lines().last().unwrap(), "sopir: 2 kesalahan; tidak ada yang disimpan");
}

/// `--in-database` leaves a case in a server's database, open at the step
/// asked for, done by that agency's own people; nothing is made up for it
/// (no demo certificate for the signer in a real database).
#[test]
fn simulate_in_a_database_leaves_the_case_open_at_the_step_asked_for() {
    let dir = scratch("simulate-in-database");
    let url = format!("sqlite://{}", dir.join("sopir.db").display());
    let data_dir = dir.display().to_string();
    let args = |stop: &str| {
        ["sop", "simulate", "lumajang/vpn", "--in-database", "--data-dir", &data_dir, "--stop-at", stop]
            .map(str::to_string)
    };
    let run = |stop: &str| {
        let args = args(stop);
        sopir(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let without_key = run("11");
    assert_eq!(without_key.status.code(), Some(1));
    assert!(stderr(&without_key).contains("sopir.key tidak ada"), "{}", stderr(&without_key));

    let key = store::DataKey::random();
    std::fs::write(dir.join("sopir.key"), key.to_hex()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let s = store::Store::open(&url).await.unwrap().with_key(key);
        store::demo::install(&s, &sop::Catalog::builtin(), 1_764_000_000_000).await.unwrap();
        // An SOP of the agency's own, published there and in no catalog.
        let own = include_str!("../../../sops/lumajang/vpn.toml")
            .replacen("id = \"lumajang/vpn\"", "id = \"lumajang/latihan\"", 1)
            .replacen("service = \"vpn\"", "service = \"latihan\"", 1);
        s.publish_sop("lumajang/latihan.toml", &own, 1_764_000_000_000).await.unwrap();
        s.close().await;
    });
    let own = sopir(&[
        "sop",
        "simulate",
        "lumajang/latihan",
        "--in-database",
        "--data-dir",
        &data_dir,
        "--stop-at",
        "3",
    ]);
    assert!(own.status.success(), "{}", stderr(&own));
    assert!(stdout(&own).contains("Simulasi lumajang/latihan"), "{}", stdout(&own));
    let certificates = count(&url, "SELECT COUNT(*) FROM signing_certificates");

    let out = run("11");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let id = text.lines().find_map(|l| l.strip_prefix("Id permohonan: ")).expect("the case's id").to_string();
    assert!(text.contains("sedang berjalan setelah 10 langkah"), "{text}");
    let open = format!("SELECT COUNT(*) FROM tasks WHERE case_id = '{id}' AND status = 'open' AND step = 11");
    assert_eq!(count(&url, &open), 1, "the signing step waits");
    let status = format!("SELECT COUNT(*) FROM cases WHERE id = '{id}' AND status = 'open'");
    assert_eq!(count(&url, &status), 1);
    assert_eq!(count(&url, "SELECT COUNT(*) FROM signing_certificates"), certificates, "none made up");

    let never = run("4");
    assert_eq!(never.status.code(), Some(1));
    assert_eq!(stderr(&never), "sopir: --stop-at 4: lumajang/vpn tidak punya langkah 4\n");
}
