//! The DNS connector against a real BIND 9 `named` on loopback, checked
//! with `dig` (Debian packages bind9 and bind9-dnsutils; .ci/run installs
//! them).

use std::collections::BTreeMap;

use connectors::dns::{self, test_server::Named};
use connectors::{Approved, ConnectorError, Operation, Record};

fn approved(name: &str, rtype: &str, value: &str) -> Approved {
    Approved {
        entry: "0190a1b2-dns".into(),
        case_number: "SUB-2026-000001".into(),
        kind: "subdomain".into(),
        name: name.into(),
        record: Some(Record { rtype: rtype.into(), value: value.into() }),
        person: "Budi Santoso".into(),
        unit: "Dinas Kesehatan".into(),
        fields: BTreeMap::new(),
    }
}

async fn run(
    named: &Named,
    operation: Operation,
    entry: &Approved,
) -> Result<connectors::Outcome, ConnectorError> {
    dns::run(&named.settings(), operation, entry).await
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_created_a_record_is_served_and_said_so() {
    let named = Named::start();
    let entry = approved("layanan.example.go.id", "A", "10.1.2.3");
    let outcome = run(&named, Operation::Create, &entry).await.unwrap();
    assert_eq!(named.dig("layanan.example.go.id", "A"), ["10.1.2.3"]);
    assert_eq!(
        outcome.summary,
        format!(
            "rekaman A layanan.example.go.id → 10.1.2.3 ditambahkan di {} dan dijawab server",
            named.address
        )
    );
    assert_eq!(
        outcome.answer.as_deref(),
        Some("pembaruan: NOERROR; kueri A layanan.example.go.id.: 10.1.2.3")
    );
    assert!(outcome.handover.is_none());
    // The TTL is the default one.
    let ttl = std::process::Command::new("dig")
        .args([
            "@127.0.0.1",
            "-p",
            &named.port.to_string(),
            "+noall",
            "+answer",
            "layanan.example.go.id",
            "A",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ttl.stdout).contains("3600\tIN\tA\t10.1.2.3"));
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn txt_cname_and_aaaa_records_are_served_exactly_as_approved() {
    let named = Named::start();
    run(&named, Operation::Create, &approved("_dmarc.example.go.id.", "TXT", "v=DMARC1; p=none"))
        .await
        .unwrap();
    run(&named, Operation::Create, &approved("www.example.go.id", "CNAME", "layanan.example.go.id"))
        .await
        .unwrap();
    run(&named, Operation::Create, &approved("v6.example.go.id", "aaaa", "2001:db8::10")).await.unwrap();
    assert_eq!(named.dig("_dmarc.example.go.id", "TXT"), ["\"v=DMARC1; p=none\""]);
    assert_eq!(named.dig("www.example.go.id", "CNAME"), ["layanan.example.go.id."]);
    assert_eq!(named.dig("v6.example.go.id", "AAAA"), ["2001:db8::10"]);
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_long_txt_goes_over_tcp_and_is_checked_over_tcp() {
    // 700 bytes: the update exceeds 512 bytes (sent over TCP) and so does
    // the check's answer (truncated over UDP, asked again over TCP).
    let named = Named::start();
    let text = format!("v=DKIM1; k=rsa; p={}", "A".repeat(683));
    let entry = approved("sel._domainkey.example.go.id", "TXT", &text);
    run(&named, Operation::Create, &entry).await.unwrap();
    let served = named.dig("sel._domainkey.example.go.id", "TXT");
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].replace("\" \"", "").trim_matches('"'), text);
    run(&named, Operation::Revoke, &entry).await.unwrap();
    assert!(named.dig("sel._domainkey.example.go.id", "TXT").is_empty());
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn revoking_deletes_only_that_record_and_leaves_the_rest_of_the_name() {
    let named = Named::start();
    let first = approved("layanan.example.go.id", "A", "10.0.0.1");
    let second = approved("layanan.example.go.id", "A", "10.0.0.2");
    let text = approved("layanan.example.go.id", "TXT", "milik Dinas Kesehatan");
    for entry in [&first, &second, &text] {
        run(&named, Operation::Create, entry).await.unwrap();
    }
    let mut both = named.dig("layanan.example.go.id", "A");
    both.sort();
    assert_eq!(both, ["10.0.0.1", "10.0.0.2"]);

    let outcome = run(&named, Operation::Revoke, &first).await.unwrap();
    assert_eq!(
        outcome.summary,
        format!(
            "rekaman A layanan.example.go.id → 10.0.0.1 dihapus di {} dan tidak dijawab lagi oleh server",
            named.address
        )
    );
    assert_eq!(named.dig("layanan.example.go.id", "A"), ["10.0.0.2"]);
    assert_eq!(named.dig("layanan.example.go.id", "TXT"), ["\"milik Dinas Kesehatan\""]);
    assert_eq!(named.dig("ns1.example.go.id", "A"), ["127.0.0.1"]);
    // Revoking again (a retried run) finds nothing to delete and succeeds.
    run(&named, Operation::Revoke, &first).await.unwrap();
    assert_eq!(named.dig("layanan.example.go.id", "A"), ["10.0.0.2"]);
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn suspending_removes_the_record_and_reactivating_brings_it_back() {
    let named = Named::start();
    let entry = approved("cuti.example.go.id", "CNAME", "layanan.example.go.id.");
    run(&named, Operation::Create, &entry).await.unwrap();
    assert_eq!(named.dig("cuti.example.go.id", "CNAME"), ["layanan.example.go.id."]);
    run(&named, Operation::Suspend, &entry).await.unwrap();
    assert!(named.dig("cuti.example.go.id", "CNAME").is_empty());
    let outcome = run(&named, Operation::Reactivate, &entry).await.unwrap();
    assert!(outcome.summary.contains("ditambahkan"), "{}", outcome.summary);
    assert_eq!(named.dig("cuti.example.go.id", "CNAME"), ["layanan.example.go.id."]);
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_record_beside_a_cname_is_not_taken_and_the_run_says_why() {
    let named = Named::start();
    run(&named, Operation::Create, &approved("alias.example.go.id", "CNAME", "layanan.example.go.id"))
        .await
        .unwrap();
    // The server answers NOERROR but ignores an A beside a CNAME.
    let error =
        run(&named, Operation::Create, &approved("alias.example.go.id", "A", "10.1.1.1")).await.unwrap_err();
    assert!(
        matches!(&error, ConnectorError::Refused(m) if m.contains("sudah berupa CNAME ke layanan.example.go.id.")),
        "{error}"
    );
    assert!(!error.retryable());
    assert_eq!(named.dig("alias.example.go.id", "CNAME"), ["layanan.example.go.id."]);

    // And a CNAME beside an A: not seen, and said so.
    run(&named, Operation::Create, &approved("isi.example.go.id", "A", "10.2.2.2")).await.unwrap();
    let error =
        run(&named, Operation::Create, &approved("isi.example.go.id", "CNAME", "layanan.example.go.id"))
            .await
            .unwrap_err();
    assert!(matches!(&error, ConnectorError::Unverified(m) if m.contains("mengabaikan CNAME")), "{error}");
    assert_eq!(named.dig("isi.example.go.id", "A"), ["10.2.2.2"]);
    assert!(named.dig("isi.example.go.id", "CNAME").is_empty());
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_retried_create_leaves_one_record() {
    let named = Named::start();
    let entry = approved("ulang.example.go.id", "A", "10.9.9.9");
    for _ in 0..3 {
        run(&named, Operation::Create, &entry).await.unwrap();
    }
    assert_eq!(named.dig("ulang.example.go.id", "A"), ["10.9.9.9"]);
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_wrong_secret_or_key_is_refused_for_good_and_changes_nothing() {
    let named = Named::start();
    let entry = approved("layanan.example.go.id", "A", "10.1.2.3");

    let mut wrong_secret = named.settings();
    wrong_secret.secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    let error = dns::run(&wrong_secret, Operation::Create, &entry).await.unwrap_err();
    assert!(matches!(&error, ConnectorError::Refused(m) if m.contains("NOTAUTH/BADSIG")), "{error}");
    assert!(!error.retryable());
    assert_eq!(error.code(), "connector_refused");

    let mut unknown_key = named.settings();
    unknown_key.options.insert("key_name".into(), "kunci-lain".into());
    let error = dns::run(&unknown_key, Operation::Create, &entry).await.unwrap_err();
    assert!(matches!(&error, ConnectorError::Refused(m) if m.contains("BADKEY")), "{error}");

    assert!(named.dig("layanan.example.go.id", "A").is_empty());
    for message in [error.to_string(), format!("{error:?}"), format!("{wrong_secret:?}")] {
        assert!(!message.contains(&named.secret) && !message.contains("AAAAAAAAAAAA"), "{message}");
    }
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_zone_the_key_may_not_update_is_refused() {
    // The server is authoritative for example.go.id only.
    let named = Named::start();
    let mut other_zone = named.settings();
    other_zone.options.insert("zone".into(), "lain.go.id".into());
    let error = dns::run(&other_zone, Operation::Create, &approved("a.lain.go.id", "A", "10.1.1.1"))
        .await
        .unwrap_err();
    assert!(matches!(&error, ConnectorError::Refused(m) if m.contains("NOTAUTH")), "{error}");
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_server_down_is_unreachable_and_the_retry_succeeds_once_it_is_back() {
    let mut named = Named::start();
    let entry = approved("nanti.example.go.id", "A", "10.4.4.4");
    named.stop();
    let error = run(&named, Operation::Create, &entry).await.unwrap_err();
    assert!(matches!(error, ConnectorError::Unreachable(_)), "{error}");
    assert!(error.retryable());
    let message = error.to_string();
    assert!(message.contains(&named.address), "{message}");
    assert!(
        message.contains("koneksi ditolak") || message.contains("tidak menjawab dalam 2 detik"),
        "{message}"
    );

    named.restart();
    run(&named, Operation::Create, &entry).await.unwrap();
    assert_eq!(named.dig("nanti.example.go.id", "A"), ["10.4.4.4"]);
    // What was added survives a restart (named's journal).
    named.restart();
    assert_eq!(named.dig("nanti.example.go.id", "A"), ["10.4.4.4"]);
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn a_name_outside_the_zone_is_refused_without_sending_anything() {
    let mut named = Named::start();
    // Were anything sent, a stopped server would make it Unreachable.
    named.stop();
    for entry in [
        approved("layanan.example.com", "A", "10.1.2.3"),
        approved("example.go.id", "A", "10.1.2.3"),
        approved("evil-example.go.id", "A", "10.1.2.3"),
        approved("layanan.example.go.id", "MX", "10 mail.example.go.id"),
        Approved { record: None, ..approved("layanan.example.go.id", "A", "") },
    ] {
        let error = run(&named, Operation::Create, &entry).await.unwrap_err();
        assert!(matches!(error, ConnectorError::Refused(_)), "{}: {error}", entry.name);
    }
    named.restart();
    assert!(named.dig("layanan.example.com", "A").is_empty());
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn hmac_sha512_keys_work_too() {
    let named = Named::start_with("example.go.id", "hmac-sha512");
    run(&named, Operation::Create, &approved("kuat.example.go.id", "A", "10.5.5.5")).await.unwrap();
    assert_eq!(named.dig("kuat.example.go.id", "A"), ["10.5.5.5"]);
}

#[tokio::test]
#[ignore = "needs BIND 9 named and dig"]
async fn describe_and_check_settings_for_a_real_server_carry_no_secret() {
    let named = Named::start();
    assert_eq!(dns::check_settings(&named.settings()), Ok(()));
    let entry = approved("layanan.example.go.id", "A", "10.1.2.3");
    let text = dns::describe(&named.settings(), Operation::Create, &entry).unwrap();
    assert!(text.contains("tambah layanan.example.go.id. 3600 IN A 10.1.2.3"), "{text}");
    assert!(text.contains(&named.address) && text.contains("sopir-test"), "{text}");
    assert!(!text.contains(&named.secret));
    // A dry run sends nothing.
    assert!(named.dig("layanan.example.go.id", "A").is_empty());

    let mut bad = named.settings();
    bad.address = "127.0.0.1".into();
    bad.secret = format!("{}!", named.secret);
    bad.options.insert("ttl".into(), "10".into());
    let problems = dns::check_settings(&bad).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["address", "secret", "ttl"]);
    assert!(problems.iter().all(|(_, m)| !m.contains(&named.secret)));
}
