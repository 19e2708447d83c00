//! E-mail notifications through a real SMTP conversation: a small SMTP
//! sink on loopback receives what the mailer sends; a person sets their
//! address (and can turn mail off) on their account page; a mail server
//! that is down leaves the message for a retry with backoff, and never
//! holds up the action that caused it.

mod common;

use std::sync::{Arc, Mutex};

use common::{Browser, spawn};
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// An SMTP server that accepts every message and keeps it.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut message = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            kept.lock().unwrap().push(std::mem::take(&mut message));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            message.push_str(&line);
                            message.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or_default().to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250-sink\r\n250 OK\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 end with .\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn a_new_task_is_mailed_to_whoever_wants_mail_and_a_dead_server_means_a_retry_later() {
    let app = spawn().await;
    // The Kabid gives an address on the account page; a bad one is refused.
    let kabid = Browser::login(&app, "lmj-kabid").await;
    let page = kabid.get("/akun/email").await;
    assert_eq!(page.status, StatusCode::OK);
    let bad = kabid.post("/akun/email", &[("csrf", &page.csrf()), ("email", "kabid@"), ("aktif", "1")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("bukan alamat e-mail yang sah"), "{}", bad.body);
    let saved = kabid
        .post("/akun/email", &[("csrf", &page.csrf()), ("email", "kabid@lumajangkab.go.id"), ("aktif", "1")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    // The requester gives an address but turns mail off.
    let requester = Browser::login(&app, "lmj-pemohon").await;
    let token = requester.get("/akun/email").await.csrf();
    requester.post("/akun/email", &[("csrf", &token), ("email", "siti@lumajangkab.go.id")]).await;
    assert_eq!(
        app.store.mail_preference("lumajang", "lmj-pemohon").await.unwrap(),
        (Some("siti@lumajangkab.go.id".into()), false)
    );

    let sop = app.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
    let now = jiff::Timestamp::now().as_millisecond();
    let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
    let case = app
        .store
        .submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, now))
        .await
        .unwrap();
    let task = case.open_tasks().next().unwrap().clone();
    let dispose = store::demo::sample_input(sop.step(2).unwrap(), engine::Verdict::Ya);
    app.store
        .complete(store::Complete::new("lumajang", &case.id, &task.id, "lmj-kadis", dispose, now))
        .await
        .unwrap();

    // A mail server that is down: the action went through, the mail waits.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let dead =
        web::mailer::Mailer::new(&format!("smtp://127.0.0.1:{dead_port}"), "Sopir <sopir@lumajangkab.go.id>")
            .unwrap();
    assert_eq!(dead.deliver_due(&app.store, now).await.unwrap(), (0, 1));
    let waiting = &app.store.mail_to("lumajang", "lmj-kabid").await.unwrap()[0];
    assert_eq!((waiting.attempts, waiting.sent_at, waiting.next_attempt_at), (1, None, now + 60_000));
    assert!(waiting.last_error.is_some());
    assert_eq!(dead.deliver_due(&app.store, now + 1_000).await.unwrap(), (0, 0), "not due again yet");

    // A minute later the server is back.
    let (port, received) = smtp_sink().await;
    let mailer =
        web::mailer::Mailer::new(&format!("smtp://127.0.0.1:{port}"), "Sopir <sopir@lumajangkab.go.id>")
            .unwrap();
    assert_eq!(mailer.deliver_due(&app.store, now + 60_000).await.unwrap(), (1, 0));
    let messages = received.lock().unwrap().clone();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("To: kabid@lumajangkab.go.id"), "{}", messages[0]);
    assert!(
        messages[0].contains(&format!("Subject: Tugas baru: permohonan {}", case.number)),
        "{}",
        messages[0]
    );
    let sent = &app.store.mail_to("lumajang", "lmj-kabid").await.unwrap()[0];
    assert_eq!((sent.attempts, sent.sent_at), (2, Some(now + 60_000)));
    // The requester, who turned mail off, got none although the case moved.
    assert!(app.store.mail_to("lumajang", "lmj-pemohon").await.unwrap().is_empty());
}

#[test]
fn backoff_doubles_from_a_minute_up_to_six_hours() {
    let waits: Vec<i64> = (0..12).map(store::mail::backoff_ms).map(|ms| ms / 60_000).collect();
    assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
}
