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
fn without_arguments_it_lists_the_built_in_sops_and_the_commands() {
    let out = sopir(&[]);
    assert!(out.status.success());
    let text = stdout(&out);
    for id in [
        "lumajang/vpn",
        "lumajang/ruang-server",
        "lumajang/subdomain",
        "lumajang/email",
        "trenggalek/ruang-server",
    ] {
        assert!(text.contains(id), "{id} listed");
    }
    assert!(text.contains("sopir sop lint"));
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
        "sops/lumajang/vpn.toml:241:10: peringatan [other-service]: output langkah 8 \"Informasi akun email baru\""
    ));
    assert!(text.ends_with("5 SOP diperiksa, 2 profil instansi: 0 kesalahan, 20 peringatan\n"), "{text}");
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
