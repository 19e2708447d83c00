//! Sign-in settings per agency: kept, checked field by field, the LDAP
//! service password sealed, and a directory entry's NIP or e-mail mapped
//! to the one login of that agency's person.

mod common;

use sqlx::Row;
use store::StoreError;
use store::sign_in::{Identity, LdapBind, PendingOidc, SignInForm, SignInSettings};

fn search_form() -> SignInForm {
    SignInForm {
        local_passwords: false,
        ldap_url: "ldap://127.0.0.1:3890".into(),
        ldap_starttls: true,
        ldap_mode: "search".into(),
        ldap_service_dn: "cn=sopir,dc=lumajang,dc=go,dc=id".into(),
        ldap_service_password: "rahasia-layanan".into(),
        ldap_base: "ou=people,dc=lumajang,dc=go,dc=id".into(),
        ldap_filter: "(uid={username})".into(),
        ldap_attribute: "employeeNumber".into(),
        ldap_maps_to: "nip".into(),
        ..SignInForm::default()
    }
}

#[tokio::test]
async fn settings_are_kept_per_agency_with_the_service_password_sealed() {
    for db in common::backends().await {
        let s = &db.store;
        assert_eq!(s.sign_in_settings("lumajang").await.unwrap(), SignInSettings::default(), "{}", db.label);
        s.set_sign_in_settings("lumajang", &search_form(), "lmj-kasi", 1).await.unwrap();
        // In the audit chain, without the service password.
        let payloads: Vec<String> = sqlx::query_scalar(
            "SELECT payload FROM events WHERE case_id = '' AND kind = 'sign-in-settings-set'",
        )
        .fetch_all(s.pool())
        .await
        .unwrap();
        assert_eq!(payloads.len(), 1, "{}: audit-logged", db.label);
        assert!(!payloads[0].contains(&search_form().ldap_service_password), "{}", db.label);
        let saved = s.sign_in_settings("lumajang").await.unwrap();
        assert!(!saved.local_passwords);
        let ldap = saved.ldap.expect("LDAP configured");
        assert!(ldap.starttls);
        assert_eq!(ldap.maps_to, Identity::Nip);
        assert_eq!(
            ldap.bind,
            LdapBind::Search {
                service_dn: "cn=sopir,dc=lumajang,dc=go,dc=id".into(),
                service_password: "rahasia-layanan".into(),
                base: "ou=people,dc=lumajang,dc=go,dc=id".into(),
                filter: "(uid={username})".into(),
            }
        );
        let stored: String =
            sqlx::query("SELECT ldap_service_password FROM sign_in_settings WHERE agency_id = 'lumajang'")
                .fetch_one(s.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert!(!stored.contains("rahasia-layanan"), "sealed at rest: {stored}");
        // An empty password keeps the saved one.
        let again = SignInForm { ldap_service_password: String::new(), ..search_form() };
        s.set_sign_in_settings("lumajang", &again, "lmj-kasi", 2).await.unwrap();
        let kept = s.sign_in_settings("lumajang").await.unwrap().ldap.unwrap().bind;
        assert!(
            matches!(kept, LdapBind::Search { service_password, .. } if service_password == "rahasia-layanan")
        );
        assert_eq!(s.ldap_agencies().await.unwrap(), ["lumajang"]);
        assert_eq!(
            s.sign_in_settings("trenggalek").await.unwrap(),
            SignInSettings::default(),
            "the other agency untouched"
        );
        // LDAP off again.
        s.set_sign_in_settings(
            "lumajang",
            &SignInForm { local_passwords: true, ..SignInForm::default() },
            "lmj-kasi",
            3,
        )
        .await
        .unwrap();
        assert_eq!(s.sign_in_settings("lumajang").await.unwrap(), SignInSettings::default());
        assert!(s.ldap_agencies().await.unwrap().is_empty());
    }
}

/// Every wrong field is named at once, in the form's order, as the page
/// shows them beside their fields.
#[tokio::test]
async fn every_wrong_field_is_named_at_once() {
    for db in common::backends().await {
        let form = SignInForm {
            ldap_url: "http://ldap.example".into(),
            ldap_filter: "(uid=budi)".into(),
            ldap_attribute: String::new(),
            oidc_issuer: "https://sso.example".into(),
            oidc_name: "SSO".into(),
            oidc_client_id: "sopir".into(),
            oidc_claim: "nip".into(),
            oidc_scopes: "email".into(),
            oidc_maps_to: "nip".into(),
            ..search_form()
        };
        match db.store.set_sign_in_settings("lumajang", &form, "lmj-kasi", 1).await {
            Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(
                    fields,
                    ["ldap_url", "ldap_filter", "ldap_attribute", "oidc_scopes"],
                    "{}",
                    db.label
                );
            }
            other => panic!("{}: {other:?}", db.label),
        }
        assert_eq!(db.store.sign_in_settings("lumajang").await.unwrap(), SignInSettings::default());
    }
}

#[tokio::test]
async fn a_bad_field_is_refused_beside_it_and_nothing_changes() {
    for db in common::backends().await {
        let s = &db.store;
        let cases = [
            ("ldap_url", SignInForm { ldap_url: "http://ldap.example".into(), ..search_form() }),
            ("ldap_starttls", SignInForm { ldap_url: "ldaps://ldap.example".into(), ..search_form() }),
            // Plain ldap:// would carry every password in clear; only on this machine.
            (
                "ldap_url",
                SignInForm {
                    ldap_url: "ldap://ldap.example:389".into(),
                    ldap_starttls: false,
                    ..search_form()
                },
            ),
            // Nothing saved yet, so an empty password leaves the search without one.
            ("ldap_service_password", SignInForm { ldap_service_password: String::new(), ..search_form() }),
            ("ldap_filter", SignInForm { ldap_filter: "(uid=budi)".into(), ..search_form() }),
            ("ldap_service_dn", SignInForm { ldap_service_dn: " ".into(), ..search_form() }),
            (
                "ldap_bind_dn",
                SignInForm {
                    ldap_mode: "template".into(),
                    ldap_bind_dn: "ou=people".into(),
                    ..search_form()
                },
            ),
            ("ldap_attribute", SignInForm { ldap_attribute: "mail)(x".into(), ..search_form() }),
            ("ldap_maps_to", SignInForm { ldap_maps_to: "nik".into(), ..search_form() }),
            ("ldap_mode", SignInForm { ldap_mode: "anonim".into(), ..search_form() }),
            ("ldap_ca", SignInForm { ldap_ca_certificate: "ca.crt".into(), ..search_form() }),
            (
                "ldap_ca",
                SignInForm {
                    ldap_starttls: false,
                    ldap_ca_certificate: include_str!("fixtures/ca.pem").into(),
                    ..search_form()
                },
            ),
        ];
        for (field, form) in cases {
            match s.set_sign_in_settings("lumajang", &form, "lmj-kasi", 1).await {
                Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
                    assert_eq!(errors[0].field, field, "{}: {errors:?}", db.label)
                }
                other => panic!("{field}: {other:?}"),
            }
        }
        assert_eq!(s.sign_in_settings("lumajang").await.unwrap(), SignInSettings::default());
    }
}

#[tokio::test]
async fn a_directory_entry_maps_to_the_one_login_of_its_person_in_that_agency() {
    for db in common::backends().await {
        let s = &db.store;
        store::demo::install_accounts(s, 1).await.unwrap();
        let by_nip = s.account_by_identity("lumajang", Identity::Nip, "197703152001122002").await.unwrap();
        assert_eq!(by_nip.map(|a| a.username), Some("lmj-sekdin".to_string()), "{}", db.label);
        assert!(
            s.account_by_identity("trenggalek", Identity::Nip, "197703152001122002").await.unwrap().is_none()
        );
        assert!(s.account_by_identity("lumajang", Identity::Nip, "").await.unwrap().is_none());
        s.set_person_email("lumajang", "lmj-kabid", "agus@lumajang.go.id", None).await.unwrap();
        let by_mail =
            s.account_by_identity("lumajang", Identity::Email, "Agus@Lumajang.go.id").await.unwrap();
        assert_eq!(by_mail.map(|a| a.username), Some("lmj-kabid".to_string()));
        // Two people with one address: nobody is chosen.
        s.set_person_email("lumajang", "lmj-kadis", "agus@lumajang.go.id", None).await.unwrap();
        assert!(
            s.account_by_identity("lumajang", Identity::Email, "agus@lumajang.go.id")
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn an_openid_provider_is_kept_with_its_secret_sealed_and_an_http_issuer_only_on_loopback() {
    for db in common::backends().await {
        let s = &db.store;
        let form = SignInForm {
            local_passwords: true,
            oidc_name: "SSO Jatim".into(),
            oidc_issuer: "https://sso.jatimprov.go.id/realms/pemprov/".into(),
            oidc_client_id: "sopir".into(),
            oidc_client_secret: "rahasia-klien".into(),
            oidc_scopes: "openid email".into(),
            oidc_claim: "email".into(),
            oidc_maps_to: "email".into(),
            ..SignInForm::default()
        };
        s.set_sign_in_settings("lumajang", &form, "lmj-kasi", 1).await.unwrap();
        let oidc = s.sign_in_settings("lumajang").await.unwrap().oidc.expect("kept");
        assert_eq!(oidc.issuer, "https://sso.jatimprov.go.id/realms/pemprov", "{}", db.label);
        assert_eq!(oidc.client_secret, "rahasia-klien");
        let stored: String =
            sqlx::query("SELECT oidc_client_secret FROM sign_in_settings WHERE agency_id = 'lumajang'")
                .fetch_one(s.pool())
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert!(!stored.contains("rahasia-klien"), "sealed at rest");
        assert_eq!(s.oidc_agencies().await.unwrap(), [("lumajang".to_string(), "SSO Jatim".to_string())]);
        let cases = [
            ("oidc_issuer", SignInForm { oidc_issuer: "http://sso.example.go.id".into(), ..form.clone() }),
            ("oidc_scopes", SignInForm { oidc_scopes: "email".into(), ..form.clone() }),
            ("oidc_client_id", SignInForm { oidc_client_id: "".into(), ..form.clone() }),
            ("oidc_maps_to", SignInForm { oidc_maps_to: "nik".into(), ..form.clone() }),
        ];
        for (field, bad) in cases {
            match s.set_sign_in_settings("lumajang", &bad, "lmj-kasi", 2).await {
                Err(StoreError::Engine(engine::EngineError::Invalid(errors))) => {
                    assert_eq!(errors[0].field, field)
                }
                other => panic!("{field}: {other:?}"),
            }
        }
        let loopback =
            SignInForm { oidc_issuer: "http://127.0.0.1:9000".into(), oidc_client_secret: "".into(), ..form };
        s.set_sign_in_settings("lumajang", &loopback, "lmj-kasi", 3).await.unwrap();
        let kept = s.sign_in_settings("lumajang").await.unwrap().oidc.unwrap();
        assert_eq!(kept.client_secret, "rahasia-klien", "an empty secret keeps the saved one");
    }
}

#[tokio::test]
async fn a_sign_in_under_way_is_taken_once_and_not_after_it_expired() {
    for db in common::backends().await {
        let s = &db.store;
        let pending = PendingOidc {
            agency: "lumajang".into(),
            nonce: "n".into(),
            verifier: "v".into(),
            back: Some("/tugas".into()),
        };
        s.begin_oidc("state-1", &pending, 1_000).await.unwrap();
        s.begin_oidc("state-2", &pending, 1_000).await.unwrap();
        let stored: i64 = sqlx::query("SELECT COUNT(*) FROM oidc_sign_ins WHERE state_hash = 'state-1'")
            .fetch_one(s.pool())
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(stored, 0, "{}: only the hash of the state is kept", db.label);
        assert_eq!(s.take_oidc("state-1", 999).await.unwrap(), Some(pending.clone()));
        assert_eq!(s.take_oidc("state-1", 999).await.unwrap(), None, "once");
        assert_eq!(s.take_oidc("state-2", 1_000).await.unwrap(), None, "expired");
        assert_eq!(s.take_oidc("tidak-ada", 1).await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_directory_ca_certificate_is_kept_and_its_fingerprint_recorded() {
    let pem = include_str!("fixtures/ca.pem");
    for db in common::backends().await {
        let s = &db.store;
        let form = SignInForm { ldap_ca_certificate: format!("\n{pem}\n"), ..search_form() };
        s.set_sign_in_settings("lumajang", &form, "lmj-kasi", 1).await.unwrap();
        let ldap = s.sign_in_settings("lumajang").await.unwrap().ldap.unwrap();
        assert_eq!(ldap.ca_certificate.as_deref(), Some(pem.trim()), "{}", db.label);
        let read = store::ca_certificate::read_pem(pem, 1).unwrap();
        let (_, recorded) = s.record_events("lumajang", 1).await.unwrap().remove(0);
        assert_eq!(recorded.by.as_deref(), Some("lmj-kasi"));
        match recorded.change {
            store::record_event::Change::SignInSettingsSet { ldap_starttls, ldap_ca_sha256, .. } => {
                assert!(ldap_starttls, "{}", db.label);
                assert_eq!(ldap_ca_sha256, [read[0].sha256.clone()]);
            }
            other => panic!("{}: {other:?}", db.label),
        }
        // Once expired it is refused, with its date.
        let in_2200 = 7_258_118_400_000;
        let refused = s.set_sign_in_settings("lumajang", &form, "lmj-kasi", in_2200).await.unwrap_err();
        assert!(refused.to_string().contains("kedaluwarsa"), "{}: {refused}", db.label);
        // Unticking StartTLS on ldap:// would make the CA pointless: refused.
        let plain = SignInForm { ldap_starttls: false, ..form };
        assert!(s.set_sign_in_settings("lumajang", &plain, "lmj-kasi", 2).await.is_err());
        assert!(s.sign_in_settings("lumajang").await.unwrap().ldap.unwrap().starttls, "unchanged");
        assert!(s.verify_audit().await.unwrap().first_break.is_none(), "{}", db.label);
    }
}

/// An agency's administrators set its people's addresses and choose its
/// directory: neither a mailed link nor the directory may open the
/// installation administrator's login, which belongs to an agency too.
#[tokio::test]
async fn neither_a_mailed_link_nor_a_directory_opens_the_installation_administrators_login() {
    for db in common::backends().await {
        let s = &db.store;
        store::demo::install_accounts(s, 1).await.unwrap();
        let installer = s.account("admin-instalasi").await.unwrap().unwrap();
        assert!(installer.installation_admin, "{}", db.label);
        let agency = installer.agency_id.clone();
        // The agency's administrator gives that person an address they own.
        s.set_person_email(&agency, &installer.person_id, "penyusup@contoh.go.id", Some("lmj-kasi"))
            .await
            .unwrap();
        let base = "https://sopir.example/sandi/";
        assert_eq!(s.request_password_reset("admin-instalasi", base, 2).await.unwrap(), 0, "{}", db.label);
        assert_eq!(s.request_password_reset("penyusup@contoh.go.id", base, 2).await.unwrap(), 0);
        let by_mail = s.account_by_identity(&agency, Identity::Email, "penyusup@contoh.go.id").await.unwrap();
        assert!(by_mail.is_none(), "{}: the directory cannot vouch for it", db.label);
        let nip =
            s.organisation(&agency).await.unwrap().person(&installer.person_id).unwrap().nip.clone().unwrap();
        assert!(s.account_by_identity(&agency, Identity::Nip, &nip).await.unwrap().is_none());
        // Anyone else's link is still mailed.
        s.set_person_email(&agency, "lmj-pemohon", "siti@lumajangkab.go.id", Some("lmj-kasi")).await.unwrap();
        assert_eq!(s.request_password_reset("lmj-pemohon", base, 2).await.unwrap(), 1, "{}", db.label);
    }
}
