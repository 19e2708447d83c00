//! Registry kinds are data: the four of today are built in, an SOP declares
//! a new one in its `[registry]` (its label and the rule its names follow),
//! and every kind that is neither, or that contradicts one, is refused at
//! the line and column where it is written.

use sop::definition::{NameRule, RegistryKind};
use sop::{Catalog, Severity, parse_sop};

const CLEAN: &str = include_str!("fixtures/clean.toml");

/// The clean fixture whose step 3 records an address and its responsible
/// person, kept in the registry `registry` describes.
fn with_registry(registry: &str) -> String {
    let fields = "output = \"Hosting aplikasi aktif\"\n\n[[steps.fields]]\nname = \"alamat_ip\"\nlabel = \"Alamat IP\"\ntype = \"text\"\nrequired = true\n\n[[steps.fields]]\nname = \"penanggung_jawab\"\nlabel = \"Penanggung jawab\"\ntype = \"text\"\nrequired = true\n";
    let text = CLEAN.replacen("output = \"Hosting aplikasi aktif\"\n", fields, 1);
    format!("{text}\n[registry]\n{registry}step = 3\nkey = \"alamat_ip\"\nperson = \"penanggung_jawab\"\n")
}

const DECLARED: &str = "kind = \"alamat-ip\"\nlabel = \"Alokasi alamat IP\"\nname_rule = \"ip\"\n";

/// Line and column (1-based, in characters) of the one place `needle` is
/// written in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    assert_eq!(text.matches(needle).count(), 1, "{needle:?} must be written once");
    let before = &text[..text.find(needle).unwrap()];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// The one error `text` is refused with: its place, code and message.
fn only_error(text: &str) -> ((usize, usize), &'static str, String) {
    let errors = parse_sop("contoh.toml", text).expect_err("definition must be refused");
    assert_eq!(errors.len(), 1, "expected exactly one error, got {errors:#?}");
    let e = &errors[0];
    assert_eq!(e.severity, Severity::Error);
    ((e.at.line, e.at.column), e.code, e.message.clone())
}

#[test]
fn an_sop_declares_a_new_kind_with_its_label_and_name_rule() {
    let sop = parse_sop("contoh.toml", &with_registry(DECLARED)).expect("declared kind parses");
    let registry = sop.registry.expect("registry");
    assert_eq!(registry.kind, RegistryKind::new("alamat-ip", "Alokasi alamat IP", NameRule::Ip));
    assert_eq!(registry.kind.label(), "Alokasi alamat IP");
    assert!(RegistryKind::builtin_kind("alamat-ip").is_none(), "declaring adds no built-in kind");
}

#[test]
fn a_builtin_kind_needs_no_declaration_and_may_be_restated_as_it_is() {
    for registry in [
        "kind = \"subdomain\"\n",
        "kind = \"subdomain\"\nlabel = \"Subdomain\"\nname_rule = \"domain-label\"\n",
    ] {
        let sop = parse_sop("contoh.toml", &with_registry(registry)).expect(registry);
        assert_eq!(&sop.registry.unwrap().kind, RegistryKind::builtin_kind("subdomain").unwrap());
    }
}

#[test]
fn a_kind_neither_builtin_nor_declared_is_refused_at_its_kind() {
    let text = with_registry("kind = \"izin-reklame\"\n");
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"izin-reklame\""),
            "unknown-registry",
            "jenis registri \"izin-reklame\" tidak dikenal; pilih vpn, subdomain, email, akses-ruang-server, atau nyatakan jenis baru dengan label dan name_rule (domain-label, mailbox, ip, free)"
                .to_string()
        )
    );
}

#[test]
fn a_declaration_lacking_its_label_or_its_rule_is_refused() {
    let text = with_registry("kind = \"alamat-ip\"\nname_rule = \"ip\"\n");
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"alamat-ip\""),
            "missing-key",
            "jenis registri baru \"alamat-ip\" memerlukan label: nama registri yang dibaca orang".to_string()
        )
    );
    let text = with_registry("kind = \"alamat-ip\"\nlabel = \"Alokasi alamat IP\"\n");
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"alamat-ip\""),
            "missing-key",
            "jenis registri baru \"alamat-ip\" memerlukan name_rule, aturan nama entrinya: domain-label, mailbox, ip, free"
                .to_string()
        )
    );
}

#[test]
fn an_unknown_name_rule_is_refused_at_the_rule() {
    let text = with_registry(&DECLARED.replace("\"ip\"", "\"ipv4\""));
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"ipv4\""),
            "unknown-name-rule",
            "name_rule \"ipv4\" tidak dikenal; pilih domain-label, mailbox, ip, free".to_string()
        )
    );
}

#[test]
fn a_declaration_contradicting_a_builtin_kind_is_refused() {
    let text = with_registry("kind = \"vpn\"\nlabel = \"Alamat IP VPN\"\n");
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"Alamat IP VPN\""),
            "registry-kind-conflict",
            "jenis registri bawaan \"vpn\" berlabel \"Akun VPN\"; hapus label ini, atau pakai kind lain untuk jenis baru"
                .to_string()
        )
    );
    let text = with_registry("kind = \"email\"\nname_rule = \"free\"\n");
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"free\""),
            "registry-kind-conflict",
            "jenis registri bawaan \"email\" memakai name_rule \"mailbox\", bukan \"free\"; hapus name_rule ini, atau pakai kind lain untuk jenis baru"
                .to_string()
        )
    );
}

#[test]
fn a_new_kind_is_hyphenated_lower_case_words() {
    let text = with_registry(&DECLARED.replace("\"alamat-ip\"", "\"Alamat_IP\""));
    let (at, code, message) = only_error(&text);
    assert_eq!((at, code), (position(&text, "\"Alamat_IP\""), "bad-registry-kind"));
    assert!(message.starts_with("kind \"Alamat_IP\" tidak dapat menjadi jenis registri"), "{message}");
}

#[test]
fn a_review_names_a_builtin_kind_its_own_registry_s_or_one_it_declares() {
    let review = |table: &str| format!("{}\n[review]\n{table}step = 2\n", with_registry(DECLARED));
    // This SOP's own registry kind, by its key alone.
    let sop = parse_sop("contoh.toml", &review("kind = \"alamat-ip\"\n")).expect("own kind");
    assert_eq!(sop.review.unwrap().kind.name_rule(), NameRule::Ip);
    // A kind declared elsewhere is written out with its label and rule.
    let sop = parse_sop("contoh.toml", &review("kind = \"izin\"\nlabel = \"Izin\"\nname_rule = \"free\"\n"))
        .unwrap();
    assert_eq!(sop.review.unwrap().kind, RegistryKind::new("izin", "Izin", NameRule::Free));
    let text = review("kind = \"izin\"\n");
    let (at, code, _) = only_error(&text);
    assert_eq!((at, code), (position(&text, "\"izin\""), "unknown-registry"));
    // Restating this SOP's own kind otherwise is a contradiction.
    let text = review("kind = \"alamat-ip\"\nlabel = \"Alamat\"\nname_rule = \"ip\"\n");
    assert_eq!(
        only_error(&text),
        (
            position(&text, "\"Alamat\""),
            "registry-kind-conflict",
            "jenis registri yang dinyatakan di [registry] \"alamat-ip\" berlabel \"Alokasi alamat IP\"; hapus label ini, atau pakai kind lain untuk jenis baru"
                .to_string()
        )
    );
}

#[test]
fn two_sops_of_one_agency_declaring_one_kind_otherwise_are_refused() {
    let first = with_registry(DECLARED);
    let second = with_registry(&DECLARED.replace("\"ip\"", "\"free\"")).replacen(
        "id = \"contoh/hosting\"",
        "id = \"contoh/alamat\"",
        1,
    );
    let (_, findings) =
        Catalog::from_sources(vec![("a.toml".into(), first.clone()), ("b.toml".into(), second.clone())]);
    let conflicts: Vec<_> = findings.iter().filter(|d| d.code == "registry-kind-conflict").collect();
    assert_eq!(conflicts.len(), 2, "{findings:#?}");
    let on_b = conflicts.iter().find(|d| d.file == "b.toml").expect("b.toml is told");
    assert_eq!((on_b.at.line, on_b.at.column), position(&second, "\"alamat-ip\""));
    assert_eq!(on_b.severity, Severity::Error);
    assert!(
        on_b.message.contains(
            "sudah dinyatakan SOP contoh/hosting dengan label \"Alokasi alamat IP\" dan name_rule \"ip\""
        ),
        "{}",
        on_b.message
    );
    // Declared alike, the kind is one registry.
    let same = with_registry(DECLARED).replacen("id = \"contoh/hosting\"", "id = \"contoh/alamat\"", 1);
    let (_, findings) = Catalog::from_sources(vec![("a.toml".into(), first), ("b.toml".into(), same)]);
    assert!(findings.iter().all(|d| d.code != "registry-kind-conflict"), "{findings:#?}");
}
