//! Malformed definitions are refused with the file, line, column and an
//! actionable message for each mistake. Each case starts from the clean
//! fixture and introduces one mistake.

use sop::{Location, Severity, parse_sop};

const CLEAN: &str = include_str!("fixtures/clean.toml");

/// Replaces exactly one occurrence of `from` in the clean fixture.
fn mutate(from: &str, to: &str) -> String {
    assert_eq!(CLEAN.matches(from).count(), 1, "fixture must contain {from:?} exactly once");
    CLEAN.replacen(from, to, 1)
}

/// The single error for `text`: (line, column, code, message).
fn only_error(text: &str) -> (usize, usize, &'static str, String) {
    let errors = parse_sop("contoh.toml", text).expect_err("definition must be refused");
    assert_eq!(errors.len(), 1, "expected exactly one error, got {errors:#?}");
    let e = &errors[0];
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(e.file, "contoh.toml");
    (e.at.line, e.at.column, e.code, e.message.clone())
}

#[test]
fn the_clean_fixture_parses() {
    let sop = parse_sop("contoh.toml", CLEAN).expect("clean fixture parses");
    assert_eq!(sop.steps.len(), 4);
}

#[test]
fn unknown_lane_in_a_step() {
    let text =
        mutate("lane = \"kabid\"\naction = \"decide\"", "lane = \"kabid-aptika\"\naction = \"decide\"");
    assert_eq!(
        only_error(&text),
        (
            56,
            8,
            "unknown-lane",
            "pelaksana \"kabid-aptika\" pada langkah 2 tidak dikenal; pelaksana yang ada: pemohon, kabid, admin"
                .to_string()
        )
    );
}

#[test]
fn next_pointing_to_a_missing_step() {
    let text = mutate("time = \"2 jam\"\n", "time = \"2 jam\"\nnext = 14\n");
    assert_eq!(
        only_error(&text),
        (69, 8, "unknown-step", "langkah 3 menunjuk ke langkah 14 (next) yang tidak ada".to_string())
    );
}

#[test]
fn decision_without_its_tidak_branch() {
    let text = mutate("tidak = \"ditolak\"\n", "");
    assert_eq!(
        only_error(&text),
        (
            55,
            6,
            "missing-branch",
            "langkah keputusan 2 tidak punya cabang \"Tidak\" — tambahkan tidak = <nomor langkah>, \"selesai\" atau \"ditolak\""
                .to_string()
        )
    );
}

#[test]
fn a_time_that_is_not_understood() {
    let text = mutate("time = \"2 jam\"", "time = \"5 mnt\"");
    assert_eq!(
        only_error(&text),
        (
            68,
            8,
            "bad-time",
            "langkah 3: waktu \"5 mnt\" tidak dikenali — tulis \"5 menit\", \"2 jam\" atau \"1 hari\" (atau \"-\" bila tanpa waktu baku)"
                .to_string()
        )
    );
}

#[test]
fn toml_syntax_error() {
    let text = mutate("activity = \"Menyiapkan hosting\"", "activity = \"Menyiapkan hosting");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (67, 31, "toml-syntax"));
    assert_eq!(message, "penulisan TOML tidak sah: teks belum ditutup dengan tanda kutip");
}

#[test]
fn a_misspelt_key() {
    let text =
        mutate("activity = \"Menerima informasi hosting\"", "activty = \"Menerima informasi hosting\"");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (75, 1, "unknown-key"));
    assert!(
        message.starts_with(
            "kunci \"activty\" tidak dikenal; yang dikenal di sini: no, lane, together, action, activity"
        ),
        "{message}"
    );
}

#[test]
fn a_missing_required_key() {
    let text = mutate("lane = \"admin\"\n", "");
    let (line, column, code, message) = only_error(&text);
    // Reported at the table that lacks it.
    assert_eq!((line, column, code), (63, 1, "missing-key"));
    assert_eq!(message, "kunci \"lane\" wajib ada di sini");
}

#[test]
fn an_unknown_action_kind() {
    let text = mutate("action = \"perform\"", "action = \"kerjakan\"");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (66, 10, "unknown-word"));
    assert!(
        message.starts_with("\"kerjakan\" tidak dikenal; pilih salah satu: submit, dispose, forward, decide"),
        "{message}"
    );
}

#[test]
fn a_step_number_of_the_wrong_type() {
    let text = mutate("no = 3", "no = \"tiga\"");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (64, 6, "wrong-type"));
    assert_eq!(message, "nilai teks \"tiga\" tidak cocok; di sini harus bilangan bulat");
}

#[test]
fn a_duplicate_step_number() {
    let text = mutate("no = 4", "no = 3");
    let errors = parse_sop("contoh.toml", &text).unwrap_err();
    let dup: Vec<_> = errors.iter().filter(|e| e.code == "duplicate-step").collect();
    assert_eq!(dup.len(), 1, "{errors:#?}");
    assert_eq!(dup[0].at, Location { line: 72, column: 6 });
    assert_eq!(dup[0].message, "langkah 3 ditulis dua kali (yang pertama di baris 64)");
}

#[test]
fn a_duplicate_lane() {
    let text = mutate("id = \"admin\"", "id = \"kabid\"");
    let errors = parse_sop("contoh.toml", &text).unwrap_err();
    assert_eq!(errors[0].code, "duplicate-lane");
    assert_eq!(errors[0].at, Location { line: 35, column: 6 });
    assert_eq!(errors[0].message, "pelaksana \"kabid\" ditulis dua kali");
}

#[test]
fn a_pattern_that_is_not_a_regular_expression() {
    let text = mutate("pattern = \"[a-z][a-z0-9-]{2,30}\"", "pattern = \"[a-z\"");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (52, 11, "bad-pattern"));
    assert!(message.starts_with("pola isian \"nama_aplikasi\" pada langkah 1 tidak sah: "), "{message}");
}

#[test]
fn branches_on_a_step_that_is_not_a_decision() {
    let text = mutate("output = \"Hosting aplikasi aktif\"", "output = \"Hosting aplikasi aktif\"\nya = 4");
    assert_eq!(
        only_error(&text),
        (
            70,
            6,
            "branch-on-non-decision",
            "langkah 3 bukan keputusan (aksi \"perform\") tetapi punya cabang \"ya\" — pakai action = \"decide\" atau next = …"
                .to_string()
        )
    );
}

#[test]
fn an_impossible_date() {
    let text = mutate("tanggal_pengesahan = \"2026-01-12\"", "tanggal_pengesahan = \"2026-02-30\"");
    assert_eq!(
        only_error(&text),
        (
            11,
            22,
            "bad-date",
            "tanggal_pengesahan \"2026-02-30\" bukan tanggal yang sah — tulis TTTT-BB-HH, misalnya \"2021-05-30\", atau TTTT-BB bila dokumen hanya menyebut bulan dan tahun (\"2016-03\")"
                .to_string()
        )
    );
}

#[test]
fn a_nip_that_is_not_eighteen_digits() {
    let text = mutate("nip = \"19800101 200501 1 001\"", "nip = \"19800101 200501\"");
    assert_eq!(
        only_error(&text),
        (21, 7, "bad-nip", "NIP \"19800101 200501\" harus 18 angka (spasi boleh)".to_string())
    );
}

#[test]
fn a_select_field_without_options() {
    let text =
        mutate("type = \"text\"\nrequired = true\npattern", "type = \"select\"\nrequired = true\npattern");
    assert_eq!(
        only_error(&text),
        (
            48,
            8,
            "select-without-options",
            "isian \"nama_aplikasi\" pada langkah 1 bertipe select tetapi tidak punya options".to_string()
        )
    );
}

#[test]
fn a_step_restricted_to_a_position_outside_its_lane() {
    let text = mutate("lane = \"admin\"\n", "lane = \"admin\"\npositions = [\"kepala-dinas\"]\n");
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (66, 13, "position-outside-lane"));
    assert_eq!(
        message,
        "jabatan \"kepala-dinas\" pada langkah 3 bukan jabatan pelaksana \"admin\" (administrator-server)"
    );
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let text =
        mutate("time = \"2 jam\"", "time = \"2 jem\"").replace("lane = \"kabid\"\n", "lane = \"kabidd\"\n");
    let errors = parse_sop("contoh.toml", &text).unwrap_err();
    let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["unknown-lane", "bad-time"]);
    // Rendered the way the CLI prints it.
    assert_eq!(
        errors[0].to_string(),
        "contoh.toml:56:8: kesalahan [unknown-lane]: pelaksana \"kabidd\" pada langkah 2 tidak dikenal; pelaksana yang ada: pemohon, kabid, admin"
    );
}

#[test]
fn a_letter_template_with_an_unknown_placeholder() {
    let text = format!(
        "{CLEAN}\n[letter]\nsubject = \"Pemberitahuan\"\nbody = \"Akun {{nama_akun}} untuk {{unit_pemohon}} telah dibuat.\"\n"
    );
    let lines = CLEAN.lines().count();
    let (line, column, code, message) = only_error(&text);
    assert_eq!((line, column, code), (lines + 4, 8, "unknown-placeholder"));
    assert!(message.starts_with("isian {nama_akun} tidak dikenal di templat surat"), "{message}");
}

/// One built-in definition's text.
fn builtin(file: &str) -> &'static str {
    sop::catalog::BUILTIN.iter().find(|(f, _)| f.ends_with(file)).expect("a built-in SOP").1
}

/// The single error of a built-in definition changed once: (code, message).
fn error_in(file: &str, from: &str, to: &str) -> (&'static str, String) {
    let source = builtin(file);
    assert_eq!(source.matches(from).count(), 1, "{file} must contain {from:?} exactly once");
    let (_, _, code, message) = only_error(&source.replacen(from, to, 1));
    (code, message)
}

#[test]
fn a_condition_names_another_field_of_its_step_and_a_value_it_takes() {
    let file = "trenggalek/ruang-server.toml";
    assert_eq!(
        error_in(file, "field = \"jenis_akses\"", "field = \"jenis\""),
        (
            "unknown-field",
            "required_when isian \"berlaku_sampai\": langkah 1 tidak punya isian lain \"jenis\"".to_string()
        )
    );
    assert_eq!(
        error_in(file, "value = \"Akses sementara\"", "value = \"Sementara\""),
        (
            "unknown-option",
            "required_when isian \"berlaku_sampai\": \"Sementara\" bukan pilihan isian \"jenis_akses\" (Akses tetap, Akses sementara)"
                .to_string()
        )
    );
}

#[test]
fn a_requested_name_comes_with_a_reason_field_at_the_registry_step() {
    let file = "lumajang/subdomain.toml";
    let (code, message) = error_in(file, "other_name_reason = \"alasan_nama_berbeda\"\n", "");
    assert_eq!(code, "missing-key");
    assert!(message.starts_with("registri dengan requested juga memerlukan other_name_reason"), "{message}");
    assert_eq!(
        error_in(file, "other_name_reason = \"alasan_nama_berbeda\"", "other_name_reason = \"keperluan\""),
        ("unknown-field", "langkah 6 tidak punya isian \"keperluan\"".to_string())
    );
    assert_eq!(
        error_in(file, "requested = \"subdomain\"", "requested = \"sub\""),
        ("unknown-field", "tidak ada langkah dengan isian \"sub\"".to_string())
    );
}

#[test]
fn an_id_under_another_agency() {
    let text = mutate("agency = \"contoh\"", "agency = \"lumajang\"");
    assert_eq!(
        only_error(&text),
        (
            4,
            10,
            "id-agency",
            "id \"contoh/hosting\" diawali \"contoh\", tetapi agency = \"lumajang\" — id SOP harus diawali id instansinya: \"lumajang/…\""
                .to_string()
        )
    );
}

#[test]
fn a_provisioning_connector_is_one_sopir_knows_on_a_registry_that_creates() {
    let file = "lumajang/subdomain.toml";
    let sop = parse_sop(file, builtin(file)).expect("parses");
    let registry = sop.registry.expect("subdomain registry");
    assert_eq!(registry.provision, Some(sop::ConnectorKind::Dns));
    assert_eq!(
        error_in(file, "provision = \"dns\"", "provision = \"bind\""),
        (
            "unknown-connector",
            "konektor \"bind\" tidak dikenal; pilih salah satu: \"dns\", \"ldap\", \"wireguard\", \"webhook\""
                .to_string()
        )
    );
    assert_eq!(
        error_in(file, "requested_value = \"alamat_ip_tujuan\"", "requested_value = \"alamat\""),
        ("unknown-field", "tidak ada langkah dengan isian \"alamat\"".to_string())
    );
}
