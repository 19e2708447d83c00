//! The linter's findings: exactly the real defects of the seed SOPs, none
//! on a clean definition, and each structural check on a definition made
//! to fail it.

use sop::lint::lint;
use sop::{Catalog, Severity, parse_sop};

const CLEAN: &str = include_str!("fixtures/clean.toml");

/// (line, code, message) of every finding for one built-in SOP.
fn findings(id: &str) -> Vec<(usize, &'static str, String)> {
    let catalog = Catalog::builtin();
    let sop = catalog.sop(id).unwrap();
    lint(sop)
        .into_iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Warning);
            assert_eq!(d.file, format!("sops/{id}.toml"));
            (d.at.line, d.code, d.message)
        })
        .collect()
}

fn codes(found: &[(usize, &'static str, String)]) -> Vec<&'static str> {
    found.iter().map(|(_, c, _)| *c).collect()
}

fn no_time(step: u32, lane: &str) -> String {
    format!(
        "langkah {step} dikerjakan pelaksana internal \"{lane}\" tetapi tidak punya waktu baku, sehingga tidak bisa diukur"
    )
}

#[test]
fn vpn_findings_are_the_seed_defects() {
    let found = findings("lumajang/vpn");
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "pencatatan \"Pencatatan Kondisi Perangkat Data Center\" menyebut \"data center\", padahal SOP ini tentang layanan vpn — tersalin dari SOP lain?",
            &no_time(2, "kadis"),
            &no_time(3, "kabid-aptika"),
            "nomor langkah melompat dari 3 ke 5 (langkah 4 tidak ada)",
            &no_time(5, "kasi-ppi-spbe"),
            "output langkah 7 \"Laporan hasil pembuatan email baru\" menyebut \"email\", padahal SOP ini tentang layanan vpn — tersalin dari SOP lain?",
            "output langkah 8 \"Informasi akun email baru\" menyebut \"email\", padahal SOP ini tentang layanan vpn — tersalin dari SOP lain?",
            &no_time(12, "kadis"),
        ]
    );
    // Locations point at the offending lines of sops/lumajang/vpn.toml.
    let text = sop::catalog::BUILTIN.iter().find(|(n, _)| *n == "sops/lumajang/vpn.toml").unwrap().1;
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_eq!(found[0].0, line_of("\"Pencatatan Kondisi Perangkat Data Center\""));
    assert_eq!(found[3].0, line_of("no = 5"));
    assert_eq!(found[5].0, line_of("output = \"Laporan hasil pembuatan email baru\""));
}

#[test]
fn subdomain_findings() {
    let found = findings("lumajang/subdomain");
    assert_eq!(
        codes(&found),
        ["no-standard-time", "no-standard-time", "numbering-gap", "no-standard-time", "no-standard-time"]
    );
}

#[test]
fn email_findings_include_the_blank_approver() {
    let found = findings("lumajang/email");
    assert_eq!(
        codes(&found),
        [
            "no-approver",
            "no-standard-time",
            "no-standard-time",
            "numbering-gap",
            "no-standard-time",
            "no-standard-time"
        ]
    );
    assert_eq!(found[0].2, "\"Disahkan oleh\" kosong — SOP belum menyebut pejabat yang mengesahkan");
}

#[test]
fn lumajang_server_room_has_only_the_numbering_gap() {
    let found = findings("lumajang/ruang-server");
    assert_eq!(codes(&found), ["numbering-gap"]);
    assert_eq!(found[0].2, "nomor langkah melompat dari 3 ke 5 (langkah 4 tidak ada)");
}

#[test]
fn trenggalek_is_clean() {
    assert_eq!(findings("trenggalek/ruang-server"), []);
}

#[test]
fn a_clean_definition_yields_no_finding() {
    let sop = parse_sop("contoh.toml", CLEAN).unwrap();
    assert_eq!(lint(&sop), []);
}

fn lint_text(text: &str) -> Vec<(usize, &'static str, String)> {
    let sop = parse_sop("contoh.toml", text).expect("parses");
    lint(&sop).into_iter().map(|d| (d.at.line, d.code, d.message)).collect()
}

#[test]
fn an_unreachable_step_is_found() {
    // Step 3 jumps over step 4 to the end; step 4 can no longer be reached,
    // and the requester's lane keeps its first step so it is not idle.
    let text = CLEAN.replace(
        "output = \"Hosting aplikasi aktif\"",
        "output = \"Hosting aplikasi aktif\"\nnext = \"selesai\"",
    );
    assert_eq!(
        lint_text(&text),
        [(73, "unreachable-step", "langkah 4 tidak dapat dicapai dari langkah awal 1".to_string())]
    );
}

#[test]
fn a_lane_without_step_is_found() {
    let text = CLEAN.replace(
        "[[steps]]\nno = 1",
        "[[lanes]]\nid = \"kadis\"\nname = \"Kepala Dinas\"\npositions = [\"kepala-dinas\"]\n\n[[steps]]\nno = 1",
    );
    assert_eq!(
        lint_text(&text),
        [(40, "lane-without-step", "pelaksana \"kadis\" tidak punya langkah".to_string())]
    );
}

#[test]
fn an_internal_step_without_time_is_found_but_a_requester_step_is_not() {
    let text = CLEAN.replace("time = \"2 jam\"\n", "");
    assert_eq!(lint_text(&text), [(64, "no-standard-time", no_time(3, "admin"))]);
}

#[test]
fn text_naming_another_service_is_found() {
    let text = CLEAN.replace("output = \"Hosting aplikasi aktif\"", "output = \"Akun email baru\"");
    let found = lint_text(&text);
    // The fixture's service ("hosting") is not in the vocabulary: nothing to compare.
    assert_eq!(found, []);
    let text = text.replace("service = \"hosting\"", "service = \"subdomain\"");
    assert_eq!(
        lint_text(&text),
        [(69, "other-service", "output langkah 3 \"Akun email baru\" menyebut \"email\", padahal SOP ini tentang layanan subdomain — tersalin dari SOP lain?".to_string())]
    );
}

#[test]
fn steps_out_of_order_are_found() {
    let text = CLEAN.replace("no = 4", "no = 0").replace("no = 3", "no = 4").replace("no = 0", "no = 3");
    let text = text.replace("ya = 3", "ya = 4");
    let found = lint_text(&text);
    assert_eq!(codes(&found), ["numbering-gap", "numbering-order"]);
}

#[test]
fn the_documented_example_is_the_clean_fixture() {
    let doc = include_str!("../../../docs/sop-format.md");
    let body = CLEAN.split_once('\n').unwrap().1;
    assert!(
        doc.contains(&format!("```toml\n{body}```")),
        "docs/sop-format.md must show tests/fixtures/clean.toml"
    );
}
