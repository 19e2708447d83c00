//! The directory connector against a real OpenLDAP slapd on loopback, and
//! the mailbox case end to end: a Dovecot authenticating from that
//! directory accepts the new account and refuses it once suspended or
//! revoked. The settings checks and the dry run need no server.

use std::collections::BTreeMap;

use connectors::ldap::test_server::{Dovecot, Slapd};
use connectors::ldap::{check_settings, describe, run};
use connectors::{Approved, ConnectorError, Operation, Outcome, Settings};

fn approved(name: &str, entry: &str) -> Approved {
    Approved {
        entry: entry.into(),
        case_number: "SRL-2026-0007".into(),
        kind: "email".into(),
        name: name.into(),
        record: None,
        person: "Budi Santoso".into(),
        unit: "Dinas Komunikasi dan Informatika".into(),
        fields: BTreeMap::from([("nip".to_string(), "198501012010011001".to_string())]),
    }
}

/// The initial password in the handover file.
fn handed_over(outcome: &Outcome) -> String {
    let handover = outcome.handover.as_ref().expect("a create hands the password over");
    let body = String::from_utf8(handover.body.clone()).unwrap();
    body.lines()
        .find_map(|line| line.strip_prefix("Sandi awal: "))
        .expect("the handover names the initial password")
        .to_string()
}

/// Nothing the run says in the open carries `secrets`.
fn says_no_secret(outcome: &Outcome, secrets: &[&str]) {
    for secret in secrets {
        assert!(!outcome.summary.contains(secret), "summary carries a secret: {}", outcome.summary);
        assert!(!outcome.answer.clone().unwrap_or_default().contains(secret));
        assert!(!format!("{outcome:?}").contains(secret), "Debug carries a secret");
    }
}

fn settings_with(slapd: &Slapd, extra: &[(&str, &str)]) -> Settings {
    let mut settings = slapd.settings();
    for (key, value) in extra {
        settings.options.insert(key.to_string(), value.to_string());
    }
    settings
}

#[tokio::test]
#[ignore = "needs slapd and dovecot"]
async fn a_mailbox_is_created_suspended_reactivated_and_revoked_as_dovecot_sees_it() {
    let slapd = Slapd::start();
    let dovecot = Dovecot::start(&slapd);
    let settings = slapd.settings();
    let budi = approved("budi@example.go.id", "entri-1");
    let dn = format!("uid=budi,{}", slapd.base_dn);

    let created = run(&settings, Operation::Create, &budi).await.unwrap();
    let password = handed_over(&created);
    assert!(password.len() >= 16);
    says_no_secret(&created, &[&password, &slapd.password]);
    assert!(
        created.summary.contains(&format!("akun budi dibuat di {} ({dn})", slapd.url)),
        "{}",
        created.summary
    );
    assert!(
        created.summary.contains(&format!("ditambahkan ke grup {}", slapd.group_dn)),
        "{}",
        created.summary
    );
    let handover = created.handover.as_ref().unwrap();
    assert_eq!(handover.filename, "akun-budi.txt");
    assert!(!format!("{handover:?}").contains(&password));

    let entry = slapd.read(&dn, &["*"]).expect("the entry was added");
    for line in [
        "uid: budi",
        "mail: budi@example.go.id",
        "cn: Budi Santoso",
        "sn: Budi Santoso",
        "ou: Dinas Komunikasi dan Informatika",
        "employeeNumber: 198501012010011001",
        "description: sopir:entry=entri-1",
    ] {
        assert!(entry.lines().any(|l| l == line), "{line} missing in\n{entry}");
    }
    // The directory hashed it (Password Modify), Sopir did not send it in clear.
    assert!(entry.contains("userPassword:: "), "{entry}");
    assert!(!entry.contains(&password));
    let group = slapd.read(&slapd.group_dn, &["member"]).unwrap();
    assert!(group.lines().any(|l| l == format!("member: {dn}")), "{group}");
    assert!(dovecot.accepts("budi", &password), "Dovecot accepts the new account");
    assert!(!dovecot.accepts("budi", "bukan-sandinya"));

    let suspended = run(&settings, Operation::Suspend, &budi).await.unwrap();
    assert!(suspended.summary.contains("akun budi ditangguhkan"), "{}", suspended.summary);
    assert!(suspended.handover.is_none());
    let entry = slapd.read(&dn, &["pwdAccountLockedTime"]).unwrap();
    assert!(entry.contains("pwdAccountLockedTime: 000001010000Z"), "{entry}");
    assert!(!dovecot.accepts("budi", &password), "Dovecot refuses a suspended account");

    let reactivated = run(&settings, Operation::Reactivate, &budi).await.unwrap();
    assert!(reactivated.summary.contains("akun budi diaktifkan kembali"), "{}", reactivated.summary);
    assert!(dovecot.accepts("budi", &password), "the same password works again after reactivation");
    // A retried reactivation finds nothing to undo and is done.
    run(&settings, Operation::Reactivate, &budi).await.unwrap();

    let revoked = run(&settings, Operation::Revoke, &budi).await.unwrap();
    assert!(revoked.summary.contains("akun budi dihapus"), "{}", revoked.summary);
    assert!(revoked.summary.contains("dikeluarkan dari grup"), "{}", revoked.summary);
    assert!(slapd.read(&dn, &["1.1"]).is_none(), "the entry is gone");
    let group = slapd.read(&slapd.group_dn, &["member"]).unwrap();
    assert!(!group.contains(&dn), "{group}");
    assert!(!dovecot.accepts("budi", &password), "Dovecot refuses a revoked account");

    // Retried after it went through: done, nothing to delete.
    let again = run(&settings, Operation::Revoke, &budi).await.unwrap();
    assert!(again.summary.contains("sudah tidak ada"), "{}", again.summary);
}

#[tokio::test]
#[ignore = "needs slapd and dovecot"]
async fn revoking_with_lock_keeps_the_entry_locked_with_an_unknown_password_out_of_the_group() {
    let slapd = Slapd::start();
    let dovecot = Dovecot::start(&slapd);
    let settings = settings_with(&slapd, &[("revoke", "lock")]);
    let siti = approved("siti", "entri-2");
    let dn = format!("uid=siti,{}", slapd.base_dn);

    let password = handed_over(&run(&settings, Operation::Create, &siti).await.unwrap());
    assert!(dovecot.accepts("siti", &password));
    let revoked = run(&settings, Operation::Revoke, &siti).await.unwrap();
    assert!(revoked.summary.contains("akun siti dikunci"), "{}", revoked.summary);
    assert!(!dovecot.accepts("siti", &password));
    let entry = slapd.read(&dn, &["pwdAccountLockedTime"]).expect("a locked entry stays");
    assert!(entry.contains("pwdAccountLockedTime: 000001010000Z"), "{entry}");
    assert!(!slapd.read(&slapd.group_dn, &["member"]).unwrap().contains(&dn));

    // Unlocked by hand, the old password still does not work: it was replaced.
    slapd.modify(&format!("dn: {dn}\nchangetype: modify\ndelete: pwdAccountLockedTime\n"));
    assert!(!slapd.binds(&dn, &password));
    assert!(!dovecot.accepts("siti", &password));
}

#[tokio::test]
#[ignore = "needs slapd"]
async fn a_retried_create_finds_its_own_entry_and_hands_over_a_new_password() {
    let slapd = Slapd::start();
    let settings = slapd.settings();
    let budi = approved("budi@example.go.id", "entri-1");
    let dn = format!("uid=budi,{}", slapd.base_dn);

    let first = handed_over(&run(&settings, Operation::Create, &budi).await.unwrap());
    let retried = run(&settings, Operation::Create, &budi).await.unwrap();
    let second = handed_over(&retried);
    assert!(retried.summary.contains("sudah ada"), "{}", retried.summary);
    assert!(retried.summary.contains("sandi awal baru"), "{}", retried.summary);
    assert_ne!(first, second);
    assert!(!slapd.binds(&dn, &first), "the first password, never delivered, no longer works");
    assert!(slapd.binds(&dn, &second));
}

#[tokio::test]
#[ignore = "needs slapd"]
async fn a_server_that_is_down_is_unreachable_and_once_back_the_account_is_created_once() {
    let mut slapd = Slapd::start();
    let settings = slapd.settings();
    let budi = approved("budi@example.go.id", "entri-1");

    slapd.stop();
    let error = run(&settings, Operation::Create, &budi).await.unwrap_err();
    assert!(matches!(error, ConnectorError::Unreachable(_)), "{error:?}");
    assert!(error.retryable());
    assert!(!error.to_string().contains(&slapd.password));

    slapd.restart();
    let created = run(&settings, Operation::Create, &budi).await.unwrap();
    assert!(created.summary.contains("dibuat"), "{}", created.summary);
    let group = slapd.read(&slapd.group_dn, &["member"]).unwrap();
    assert_eq!(group.matches(&format!("uid=budi,{}", slapd.base_dn)).count(), 1, "{group}");
}

#[tokio::test]
#[ignore = "needs slapd"]
async fn a_wrong_bind_password_is_refused_and_not_retried() {
    let slapd = Slapd::start();
    let mut settings = slapd.settings();
    settings.secret = "sandi-bind-yang-salah".into();
    let error = run(&settings, Operation::Create, &approved("budi", "entri-1")).await.unwrap_err();
    assert!(matches!(error, ConnectorError::Refused(_)), "{error:?}");
    assert!(!error.retryable());
    let message = error.to_string();
    assert!(message.contains("kredensial bind salah (kode LDAP 49)"), "{message}");
    assert!(!message.contains("sandi-bind-yang-salah"));
    assert!(slapd.read(&format!("uid=budi,{}", slapd.base_dn), &["1.1"]).is_none());
}

#[tokio::test]
#[ignore = "needs slapd"]
async fn a_uid_another_person_holds_is_refused_and_left_untouched() {
    let slapd = Slapd::start();
    let settings = slapd.settings();
    let dn = format!("uid=budi,{}", slapd.base_dn);
    slapd.add(&format!(
        "dn: {dn}\nobjectClass: inetOrgPerson\nuid: budi\ncn: Budi Lain\nsn: Lain\nuserPassword: sandi-budi-lain\n"
    ));
    let budi = approved("budi@example.go.id", "entri-1");
    for operation in [Operation::Create, Operation::Suspend, Operation::Revoke] {
        let error = run(&settings, operation, &budi).await.unwrap_err();
        assert!(matches!(error, ConnectorError::Refused(_)), "{operation:?}: {error:?}");
        assert!(error.to_string().contains("bukan akun yang dibuat Sopir"), "{error}");
    }
    let entry = slapd.read(&dn, &["*", "pwdAccountLockedTime"]).expect("still there");
    assert!(
        entry.contains("cn: Budi Lain") && !entry.contains("sopir:") && !entry.contains("pwdAccountLocked"),
        "{entry}"
    );
    assert!(slapd.binds(&dn, "sandi-budi-lain"), "its password unchanged");
    assert!(!slapd.read(&slapd.group_dn, &["member"]).unwrap().contains(&dn));

    // The same uid elsewhere under the base is someone else's too.
    slapd.add(&format!(
        "dn: ou=lama,{base}\nobjectClass: organizationalUnit\nou: lama\n\n\
         dn: uid=siti,ou=lama,{base}\nobjectClass: inetOrgPerson\nuid: siti\ncn: Siti\nsn: Siti\n",
        base = slapd.base_dn
    ));
    let error = run(&settings, Operation::Create, &approved("siti", "entri-3")).await.unwrap_err();
    assert!(matches!(error, ConnectorError::Refused(_)), "{error:?}");
    assert!(error.to_string().contains("uid siti sudah dipakai entri lain: uid=siti,ou=lama"), "{error}");
    assert!(slapd.read(&format!("uid=siti,{}", slapd.base_dn), &["1.1"]).is_none());
}

#[tokio::test]
#[ignore = "needs slapd and dovecot"]
async fn an_account_status_attribute_the_passdb_filter_excludes_suspends_and_reactivates() {
    let slapd = Slapd::start();
    // employeeType stands for a status attribute (zimbraAccountStatus,
    // a passdb filter's), here in the inetOrgPerson schema.
    let settings =
        settings_with(&slapd, &[("suspend", "employeeType=nonaktif"), ("active", "employeeType=aktif")]);
    let dovecot = Dovecot::start_with_filter(&slapd, "(&(uid=%u)(!(employeeType=nonaktif)))");
    let budi = approved("budi", "entri-1");
    let dn = format!("uid=budi,{}", slapd.base_dn);
    let password = handed_over(&run(&settings, Operation::Create, &budi).await.unwrap());
    assert!(slapd.read(&dn, &["employeeType"]).unwrap().contains("employeeType: aktif"));
    assert!(dovecot.accepts("budi", &password), "Dovecot checks the directory's hash");
    run(&settings, Operation::Suspend, &budi).await.unwrap();
    let entry = slapd.read(&dn, &["employeeType"]).unwrap();
    assert!(entry.contains("employeeType: nonaktif") && !entry.contains("employeeType: aktif"), "{entry}");
    assert!(!dovecot.accepts("budi", &password), "the filter excludes a suspended account");
    run(&settings, Operation::Reactivate, &budi).await.unwrap();
    let entry = slapd.read(&dn, &["employeeType"]).unwrap();
    assert!(entry.contains("employeeType: aktif") && !entry.contains("nonaktif"), "{entry}");
    assert!(dovecot.accepts("budi", &password));
}

#[tokio::test]
#[ignore = "needs slapd"]
async fn a_suspension_of_an_account_that_does_not_exist_is_refused() {
    let slapd = Slapd::start();
    let error = run(&slapd.settings(), Operation::Suspend, &approved("budi", "entri-1")).await.unwrap_err();
    assert!(matches!(error, ConnectorError::Refused(_)), "{error:?}");
    assert!(error.to_string().contains("tidak ada"), "{error}");
}

fn offline_settings() -> Settings {
    Settings {
        address: "ldaps://ldap.example.go.id".into(),
        secret: "rahasia-bind-sopir".into(),
        options: BTreeMap::from(
            [
                ("bind_dn", "cn=sopir,ou=services,dc=example,dc=go,dc=id"),
                ("base_dn", "ou=people,dc=example,dc=go,dc=id"),
                ("group_dn", "cn=surel,ou=groups,dc=example,dc=go,dc=id"),
                ("attributes", "mail=name\ncn=person, sn=person, employeeNumber=field:nip, title=field:jabatan, o=text:Pemkab Contoh"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        ),
    }
}

#[test]
fn the_dry_run_shows_the_entry_and_its_attributes_without_secrets() {
    let settings = offline_settings();
    let budi = approved("budi@example.go.id", "entri-1");
    let text = describe(&settings, Operation::Create, &budi).unwrap();
    for line in [
        "dn: uid=budi,ou=people,dc=example,dc=go,dc=id",
        "objectClass: inetOrgPerson",
        "uid: budi",
        "mail: budi@example.go.id",
        "cn: Budi Santoso",
        "employeeNumber: 198501012010011001",
        "o: Pemkab Contoh",
        "description: sopir:entry=entri-1",
        "dn: cn=surel,ou=groups,dc=example,dc=go,dc=id",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
    }
    assert!(text.contains("kosong, tidak ditulis: title (field:jabatan)"), "{text}");
    assert!(text.contains("sandi awal acak"), "{text}");
    assert!(!text.contains("rahasia-bind-sopir"));
    assert!(!text.to_lowercase().contains("userpassword"), "{text}");

    let suspend = describe(&settings, Operation::Suspend, &budi).unwrap();
    assert!(
        suspend.contains("replace: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z"),
        "{suspend}"
    );
    let reactivate = describe(&settings, Operation::Reactivate, &budi).unwrap();
    assert!(reactivate.contains("delete: pwdAccountLockedTime"), "{reactivate}");
    let revoke = describe(&settings, Operation::Revoke, &budi).unwrap();
    assert!(revoke.contains("changetype: delete") && revoke.contains("delete: <anggota>"), "{revoke}");
    for text in [suspend, reactivate, revoke] {
        assert!(!text.contains("rahasia-bind-sopir"));
    }
    assert!(matches!(
        describe(&settings, Operation::Create, &approved("budi santoso", "entri-1")),
        Err(ConnectorError::Refused(_))
    ));
}

/// The fields `check_settings` finds wrong after `change`.
fn problems(change: impl FnOnce(&mut Settings)) -> Vec<String> {
    let mut settings = offline_settings();
    change(&mut settings);
    match check_settings(&settings) {
        Ok(()) => Vec::new(),
        Err(problems) => {
            for (field, message) in &problems {
                assert!(!message.is_empty(), "{field} without a message");
                assert!(!message.contains("rahasia-bind-sopir"));
            }
            problems.into_iter().map(|(field, _)| field).collect()
        }
    }
}

#[test]
fn the_settings_check_names_each_wrong_field() {
    assert_eq!(problems(|_| {}), Vec::<String>::new());
    let set = |key: &'static str, value: &'static str| {
        move |s: &mut Settings| {
            s.options.insert(key.into(), value.into());
        }
    };
    assert_eq!(problems(|s| s.address = "http://ldap.example.go.id".into()), ["address"]);
    assert_eq!(
        problems(|s| s.address = "ldap://ldap.example.go.id".into()),
        ["address"],
        "no TLS to another host"
    );
    assert_eq!(problems(|s| s.address = "ldap://127.0.0.1:3890".into()), Vec::<String>::new());
    assert_eq!(problems(|s| s.address = "ldaps://ldap.example.go.id:99999".into()), ["address"]);
    assert_eq!(problems(|s| s.address = "ldap://ldap.example.go.id".into()).len(), 1);
    let starttls = |s: &mut Settings| {
        s.address = "ldap://ldap.example.go.id".into();
        s.options.insert("starttls".into(), "ya".into());
    };
    assert_eq!(problems(starttls), Vec::<String>::new());
    assert_eq!(problems(set("starttls", "mungkin")), ["starttls"]);
    assert_eq!(problems(|s| s.secret.clear()), ["secret"]);
    assert_eq!(problems(|s| drop(s.options.remove("bind_dn"))), ["bind_dn"]);
    assert_eq!(problems(|s| drop(s.options.remove("base_dn"))), ["base_dn"]);
    assert_eq!(problems(set("base_dn", "people")), ["base_dn"]);
    assert_eq!(problems(set("bind_dn", "cn=sopir,,dc=id")), ["bind_dn"]);
    assert_eq!(problems(set("group_dn", "grup surel")), ["group_dn"]);
    assert_eq!(problems(set("object_classes", "inetOrgPerson, bukan kelas!")), ["object_classes"]);
    assert_eq!(problems(set("attributes", "mail")), ["attributes"]);
    assert_eq!(problems(set("attributes", "mail=alamat, cn=person, sn=person")), ["attributes"]);
    assert_eq!(problems(set("attributes", "cn=person, sn=person, employeeNumber=field:")), ["attributes"]);
    assert_eq!(problems(set("attributes", "cn=person, sn=person, userPassword=text:x")), ["attributes"]);
    assert_eq!(problems(set("attributes", "cn=person, sn=person, description=unit")), ["attributes"]);
    assert_eq!(
        problems(set("attributes", "cn=person, sn=person, pwdAccountLockedTime=unit")),
        ["attributes"]
    );
    assert_eq!(problems(set("attributes", "mail=name, cn=person")), ["attributes"], "inetOrgPerson needs sn");
    assert_eq!(problems(set("attributes", "surel ku=name, cn=person, sn=person")), ["attributes"]);
    assert_eq!(problems(set("suspend", "nonaktif")), ["suspend"]);
    assert_eq!(problems(set("suspend", "description=x")), ["suspend"]);
    assert_eq!(problems(set("active", "employeeType=aktif")), ["active"], "not the suspension's attribute");
    assert_eq!(problems(set("revoke", "hapus")), ["revoke"]);
    assert_eq!(problems(set("marker_attribute", "userPassword")), ["marker_attribute"]);
    assert_eq!(problems(set("zona", "example.go.id")), ["zona"]);
    let two = |s: &mut Settings| {
        s.address = "ftp://x".into();
        s.options.insert("revoke".into(), "hapus".into());
    };
    assert_eq!(problems(two), ["address", "revoke"], "every wrong field at once");
}
