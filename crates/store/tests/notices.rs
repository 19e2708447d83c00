//! How notices reach people: each person's choice per kind and channel
//! (e-mail at once by default, the message gateway only when asked), the
//! gateway messages in the outbox, the daily digest sent once per person
//! and day — also by two stores sharing a database — and the notifications
//! grouped by case.

mod common;

use common::{MINUTE, advance, backends, wib};
use engine::notice::NoticeKind;
use engine::{EngineError, Verdict};
use sqlx::Row;
use store::StoreError;
use store::demo::sample_input;
use store::mail::Channel;
use store::notice_delivery::{Delivery, NoticeChoicesInput};

async fn submit(s: &store::Store, at: i64) -> engine::CaseState {
    let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    s.submit(store::Submit::new(
        "lumajang",
        "lumajang/vpn",
        "lmj-pemohon",
        sample_input(sop.first_step(), Verdict::Ya),
        at,
    ))
    .await
    .unwrap()
}

#[tokio::test]
async fn choices_default_to_mail_at_once_and_bad_input_changes_nothing() {
    for db in backends().await {
        let s = &db.store;
        let choices = s.notice_choices("lumajang", "lmj-kabid").await.unwrap();
        for kind in NoticeKind::ALL {
            assert_eq!(choices.delivery(kind, Channel::Email), Delivery::AtOnce, "{}", db.label);
            assert_eq!(choices.delivery(kind, Channel::Gateway), Delivery::Off);
        }
        assert_eq!(choices.digest_time(), "07:00");
        let input = NoticeChoicesInput {
            chosen: vec![(NoticeKind::Task, Channel::Gateway, Delivery::AtOnce)],
            digest_time: "16:30".into(),
            phone: "0812-3456-7890".into(),
            chat_id: String::new(),
        };
        let bad = NoticeChoicesInput { phone: "0812".into(), ..input.clone() };
        let refused = s.save_notice_choices("lumajang", "lmj-kabid", &bad).await.unwrap_err();
        assert!(refused.to_string().contains("Nomor HP"), "{refused}");
        // Every bad field is named at once, not one per attempt.
        let all_bad = NoticeChoicesInput {
            digest_time: "7 pagi".into(),
            chat_id: "bukan chat id!".into(),
            ..bad.clone()
        };
        match s.save_notice_choices("lumajang", "lmj-kabid", &all_bad).await.unwrap_err() {
            StoreError::Engine(EngineError::Invalid(problems)) => {
                let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
                assert_eq!(fields, ["jam", "telepon", "chat_id"], "{}", db.label);
            }
            other => panic!("{other}"),
        }
        let nowhere = NoticeChoicesInput { phone: String::new(), ..input.clone() };
        let refused = s.save_notice_choices("lumajang", "lmj-kabid", &nowhere).await.unwrap_err();
        assert!(refused.to_string().contains("isi nomor HP atau chat id"), "{refused}");
        assert_eq!(s.notice_choices("lumajang", "lmj-kabid").await.unwrap(), choices, "nothing changed");
        // Someone of another agency is not found there.
        assert!(s.save_notice_choices("trenggalek", "lmj-kabid", &input).await.is_err());

        let saved = s.save_notice_choices("lumajang", "lmj-kabid", &input).await.unwrap();
        assert_eq!(saved.delivery(NoticeKind::Task, Channel::Gateway), Delivery::AtOnce);
        assert_eq!(saved.delivery(NoticeKind::Late, Channel::Gateway), Delivery::Off);
        assert_eq!((saved.digest_time().as_str(), saved.phone.as_deref()), ("16:30", Some("081234567890")));
        assert_eq!(s.notice_choices("lumajang", "lmj-kabid").await.unwrap(), saved);
    }
}

#[tokio::test]
async fn gateway_messages_wait_in_the_outbox_only_where_a_gateway_is_set_up() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        let choose = NoticeChoicesInput {
            chosen: vec![
                (NoticeKind::Task, Channel::Gateway, Delivery::AtOnce),
                (NoticeKind::Task, Channel::Email, Delivery::Off),
            ],
            digest_time: "07:00".into(),
            phone: "081234567890".into(),
            chat_id: "-100123".into(),
        };
        for person in ["lmj-kadis", "lmj-sekdin"] {
            s.save_notice_choices("lumajang", person, &choose).await.unwrap();
        }
        // No gateway yet: the task is told in Sopir only.
        submit(s, t).await;
        assert!(s.outbox_of("lumajang", Some("lmj-kadis"), Channel::Gateway, 10).await.unwrap().is_empty());

        let refused = s
            .save_message_gateway("lumajang", "ftp://gw", Some(""), "{pesan}", "lmj-kasi", t)
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("URL"), "{refused}");
        assert!(s.message_gateway("lumajang").await.unwrap().is_none(), "a refusal saves nothing");
        s.save_message_gateway(
            "lumajang",
            "https://gw.example/send",
            Some("Authorization: Bearer rahasia-123456"),
            r#"{"to":"{telepon}","chat":"{chat_id}","text":"{pesan}"}"#,
            "lmj-kasi",
            t,
        )
        .await
        .unwrap();
        // Saved again without headers: the token is kept.
        let kept = s
            .save_message_gateway(
                "lumajang",
                "https://gw.example/v2",
                None,
                r#"{"text":"{pesan}"}"#,
                "lmj-kasi",
                t,
            )
            .await
            .unwrap();
        assert_eq!(kept.headers, [("Authorization".to_string(), "Bearer rahasia-123456".to_string())]);
        // The token is sealed with the data key at rest.
        let stored: String = sqlx::query("SELECT headers FROM message_gateways WHERE agency_id = 'lumajang'")
            .fetch_one(s.pool())
            .await
            .unwrap()
            .get("headers");
        assert!(!stored.contains("rahasia"), "{stored}");
        assert_eq!(s.message_gateway("lumajang").await.unwrap(), Some(kept));
        assert!(s.message_gateway("trenggalek").await.unwrap().is_none());

        let case = submit(s, t + MINUTE).await;
        let queued = s.claim_due_messages(Channel::Gateway, t + MINUTE, 10).await.unwrap();
        assert_eq!(queued.len(), 2, "{}: the Head and the Secretary, {queued:?}", db.label);
        let m = &queued[0];
        assert_eq!(
            (m.agency.as_str(), m.to.as_str(), m.chat_id.as_deref()),
            ("lumajang", "081234567890", Some("-100123"))
        );
        assert!(
            m.body.starts_with(&format!("Anda mendapat tugas pada permohonan {}", case.number)),
            "{}",
            m.body
        );
        assert!(m.body.ends_with(&format!("{{sopir}}/permohonan/{}", case.id)), "{}", m.body);
        assert_eq!(m.link.as_deref(), Some(format!("{{sopir}}/permohonan/{}", case.id).as_str()));
        // E-mail of new tasks was turned off; the mail sender never sees gateway messages.
        assert!(s.claim_due_mail(t + MINUTE, 10).await.unwrap().iter().all(|m| !m.to.is_empty()));
        assert!(s.mail_to("lumajang", "lmj-kadis").await.unwrap().is_empty());
        // A refusal for good is given up at once, its answer kept.
        s.mail_refused(m, "HTTP 400: nomor tidak terdaftar", t + MINUTE).await.unwrap();
        let states = s.outbox_of("lumajang", None, Channel::Gateway, 10).await.unwrap();
        assert!(
            states
                .iter()
                .any(|st| st.gave_up && st.last_error.as_deref() == Some("HTTP 400: nomor tidak terdaftar"))
        );
    }
}

#[tokio::test]
async fn a_digest_goes_once_a_day_grouping_unread_notices_by_case() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        s.save_message_gateway("lumajang", "http://127.0.0.1:9/kirim", Some(""), "{pesan}", "lmj-kasi", t)
            .await
            .unwrap();
        s.save_notice_choices(
            "lumajang",
            "lmj-pemohon",
            &NoticeChoicesInput {
                chosen: vec![(NoticeKind::Progress, Channel::Gateway, Delivery::Digest)],
                digest_time: "16:00".into(),
                phone: "081299990000".into(),
                chat_id: String::new(),
            },
        )
        .await
        .unwrap();
        let first = submit(s, t).await;
        let second = submit(s, t + MINUTE).await;
        let first = advance(s, "lumajang", &first, t + 2 * MINUTE).await;
        advance(s, "lumajang", &first, t + 3 * MINUTE).await;
        let second = advance(s, "lumajang", &second, t + 4 * MINUTE).await;
        // Moved twice and once: two rows, and the counter counts cases.
        let groups = s.notification_groups("lumajang", "lmj-pemohon", 100).await.unwrap();
        let counts: Vec<(Option<&str>, i64, i64)> =
            groups.iter().map(|g| (g.number.as_deref(), g.count, g.unread)).collect();
        assert_eq!(counts, [(Some(second.number.as_str()), 1, 1), (Some(first.number.as_str()), 2, 2)]);
        assert_eq!(s.unread_notifications("lumajang", "lmj-pemohon").await.unwrap(), 2);

        assert_eq!(s.send_due_digests(wib(2026, 11, 23, 15, 59)).await.unwrap(), 0, "{}: not yet", db.label);
        let at = wib(2026, 11, 23, 16, 0);
        assert_eq!(s.send_due_digests(at).await.unwrap(), 1);
        assert_eq!(s.send_due_digests(at + MINUTE).await.unwrap(), 0, "once a day");
        // A second server on the same database sends it no second time.
        let other = store::Store::open(&db.url).await.unwrap();
        assert_eq!(other.send_due_digests(at + 2 * MINUTE).await.unwrap(), 0);
        let queued = s.claim_due_messages(Channel::Gateway, at + 2 * MINUTE, 10).await.unwrap();
        assert_eq!(queued.len(), 1);
        let lines: Vec<&str> = queued[0].body.lines().collect();
        assert_eq!(lines[0], "Ringkasan Sopir 23-11-2026: 3 pemberitahuan dari 2 permohonan.");
        assert!(lines[1].starts_with(&format!("• {} (2): Langkah 3", first.number)), "{lines:?}");
        assert!(lines[1].ends_with(&format!("{{sopir}}/permohonan/{}", first.id)), "{lines:?}");
        assert!(lines[2].starts_with(&format!("• {} (1): Langkah 2", second.number)), "{lines:?}");
        assert_eq!(lines.len(), 3);
        s.mail_sent(&queued[0].id, at + 2 * MINUTE).await.unwrap();

        // The next day, only what came since.
        advance(s, "lumajang", &second, wib(2026, 11, 24, 10, 0)).await;
        assert_eq!(s.send_due_digests(wib(2026, 11, 24, 16, 0)).await.unwrap(), 1);
        let next = s.claim_due_messages(Channel::Gateway, wib(2026, 11, 24, 16, 0), 10).await.unwrap();
        assert_eq!(next.len(), 1);
        assert!(
            next[0].body.starts_with("Ringkasan Sopir 24-11-2026: 1 pemberitahuan dari 1 permohonan."),
            "{}",
            next[0].body
        );
        // Read in Sopir: nothing is left to digest the day after.
        s.mark_notifications_read("lumajang", "lmj-pemohon", wib(2026, 11, 25, 8, 0)).await.unwrap();
        assert_eq!(s.send_due_digests(wib(2026, 11, 25, 16, 0)).await.unwrap(), 0);
        assert_eq!(s.unread_notifications("lumajang", "lmj-pemohon").await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_letter_to_sign_is_a_notice_of_its_own_kind_and_a_digest_may_go_by_mail() {
    for db in backends().await {
        let s = &db.store;
        let t = wib(2026, 11, 23, 9, 0);
        let mut case = submit(s, t).await;
        let sop = s.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let mut i = 1;
        loop {
            let task = case.open_tasks().next().cloned().expect("the VPN SOP has a letter to review or sign");
            let action = sop.step(task.step).unwrap().action;
            if matches!(action, sop::ActionKind::Review | sop::ActionKind::Sign) {
                let person = &task.candidates[0].person;
                let kinds: Vec<String> = sqlx::query(
                    "SELECT kind FROM notifications WHERE person_id = $1 AND case_id = $2 ORDER BY created_at DESC, id",
                )
                .bind(person)
                .bind(&case.id)
                .fetch_all(s.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| r.get("kind"))
                .collect();
                assert_eq!(
                    kinds.first().map(String::as_str),
                    Some("surat"),
                    "{}: {person} {kinds:?}",
                    db.label
                );
                break;
            }
            case = advance(s, "lumajang", &case, t + i * MINUTE).await;
            i += 1;
        }

        // The requester takes how their requests move by mail, once a day.
        s.set_mail_preference("lumajang", "lmj-pemohon", "siti@lumajangkab.go.id", true).await.unwrap();
        s.save_notice_choices(
            "lumajang",
            "lmj-pemohon",
            &NoticeChoicesInput {
                chosen: vec![(NoticeKind::Progress, Channel::Email, Delivery::Digest)],
                digest_time: "17:00".into(),
                ..NoticeChoicesInput::default()
            },
        )
        .await
        .unwrap();
        let before = s.mail_to("lumajang", "lmj-pemohon").await.unwrap().len();
        advance(s, "lumajang", &case, wib(2026, 11, 23, 12, 0)).await;
        assert_eq!(s.mail_to("lumajang", "lmj-pemohon").await.unwrap().len(), before, "not at once");
        assert_eq!(s.send_due_digests(wib(2026, 11, 23, 17, 0)).await.unwrap(), 1);
        let mail = &s.mail_to("lumajang", "lmj-pemohon").await.unwrap()[0];
        assert_eq!(mail.subject, "Ringkasan Sopir 23-11-2026: 1 permohonan");
        assert_eq!(mail.to, "siti@lumajangkab.go.id");
    }
}

/// The payloads of Lumajang's changes of `kind` in the audit chain, oldest first.
async fn recorded(s: &store::Store, kind: &str) -> Vec<String> {
    let mut rows = s.record_events("lumajang", 100).await.unwrap();
    rows.reverse();
    rows.into_iter().filter(|(row, _)| row.kind == kind).map(|(row, _)| row.payload).collect()
}

#[tokio::test]
async fn gateway_settings_and_an_own_address_are_in_the_audit_chain_without_secrets() {
    for db in backends().await {
        let s = &db.store;
        let token = "Bearer rahasia-token-gateway-123";
        let url = "https://user:sandi-url@api.gateway.example/bot999:TOKENBOT/send";
        s.save_message_gateway(
            "lumajang",
            url,
            Some(&format!("Authorization: {token}")),
            "{pesan}",
            "lmj-kasi",
            5,
        )
        .await
        .unwrap();
        // Saved again keeping the headers: recorded, not as replaced.
        s.save_message_gateway("lumajang", url, None, r#"{"text":"{pesan}"}"#, "lmj-kabid", 6).await.unwrap();
        let refused = s.save_message_gateway("lumajang", "ftp://x", None, "{pesan}", "lmj-kasi", 7).await;
        assert!(refused.is_err(), "{}", db.label);
        let payloads = recorded(s, "message-gateway-set").await;
        assert_eq!(payloads.len(), 2, "{}: each save, not the refusal", db.label);
        for payload in &payloads {
            for secret in ["rahasia-token", "sandi-url", "TOKENBOT"] {
                assert!(!payload.contains(secret), "{}: {payload}", db.label);
            }
        }
        let first: serde_json::Value = serde_json::from_str(&payloads[0]).unwrap();
        assert_eq!(first["origin"], "https://api.gateway.example");
        assert_eq!(first["headers"], serde_json::json!(["Authorization"]));
        assert_eq!(first["headers_replaced"], true);
        assert_eq!(first["by"], "lmj-kasi");
        let second: serde_json::Value = serde_json::from_str(&payloads[1]).unwrap();
        assert_eq!(second["headers_replaced"], false);
        assert_eq!(second["by"], "lmj-kabid");
        assert_ne!(first["template_sha256"], second["template_sha256"]);
        assert_eq!(first["url_sha256"], second["url_sha256"]);

        // A person's own address (where reset links go): recorded when it changes.
        s.set_mail_preference("lumajang", "lmj-kasi", "kasi@lumajangkab.go.id", true).await.unwrap();
        s.set_mail_preference("lumajang", "lmj-kasi", "KASI@lumajangkab.go.id ", false).await.unwrap();
        let addresses = recorded(s, "person-email-set").await;
        assert_eq!(addresses.len(), 1, "{}: only the change: {addresses:?}", db.label);
        assert!(
            addresses[0].contains(r#""by":"lmj-kasi""#) && addresses[0].contains("kasi@lumajangkab.go.id")
        );
        assert!(s.verify_audit().await.unwrap().first_break.is_none(), "{}", db.label);
    }
}
