//! The connection pool against the scripted server: how many connections a round opens,
//! and what becomes of a connection after a refusal. Counting, no timing.

use super::*;
use crate::mail::sender::pool::MAX_MAILS_PER_CONNECTION;

fn pooled(port: u16, connections: usize) -> SmtpConfig {
    SmtpConfig {
        connections,
        ..loopback(port)
    }
}

async fn enqueue_many(h: &Harness, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(h.enqueue(&format!("member{i}@example.jp")).await);
    }
    ids
}

#[tokio::test]
async fn a_batch_is_sent_once_each_over_at_most_the_configured_connections() {
    let h = Harness::new();
    let server = start(Script::default()).await;
    let ids = enqueue_many(&h, 12).await;

    let sent = h
        .sender(Some(pooled(server.port, 3)))
        .process_due()
        .await
        .expect("round");

    assert_eq!(sent, 12);
    assert_eq!(server.messages().len(), 12);
    assert!(
        server.connections() <= 3,
        "{} connections",
        server.connections()
    );
    for id in &ids {
        let (mail, pending) = h.mail(id).await;
        assert_eq!(
            (mail.state, mail.attempts, pending),
            (MailState::Sent, 1, false)
        );
    }
}

#[tokio::test]
async fn a_refused_recipient_ends_its_transaction_and_the_connection_carries_on() {
    let h = Harness::new();
    let script = Script {
        rcpt_reply: "550 5.1.1 User unknown",
        ..Script::default()
    };
    let server = start(script).await;
    let ids = enqueue_many(&h, 3).await;

    h.sender(Some(pooled(server.port, 1)))
        .process_due()
        .await
        .expect("round");

    for id in &ids {
        assert_eq!(h.mail(id).await.0.state, MailState::Failed);
    }
    assert_eq!(
        server.connections(),
        1,
        "RSET, then the next mail on the same connection"
    );
}

#[tokio::test]
async fn a_connection_is_renewed_after_its_share_of_mails() {
    let h = Harness::new();
    let server = start(Script::default()).await;
    enqueue_many(&h, MAX_MAILS_PER_CONNECTION + 1).await;

    let sent = h
        .sender(Some(pooled(server.port, 1)))
        .process_due()
        .await
        .expect("round");

    assert_eq!(sent, MAX_MAILS_PER_CONNECTION + 1);
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_round_takes_no_new_mail_once_kenpo_stops() {
    let h = Harness::new();
    let server = start(Script::default()).await;
    let ids = enqueue_many(&h, 3).await;
    let (stop, shutdown) = watch::channel(false);
    let mut sender = h.sender(Some(pooled(server.port, 2)));
    sender.shutdown = Some(shutdown);
    stop.send(true).expect("receiver alive");

    assert_eq!(sender.process_due().await.expect("round"), 0);

    assert_eq!((server.messages().len(), server.connections()), (0, 0));
    for id in &ids {
        let (mail, pending) = h.mail(id).await;
        assert_eq!(
            (mail.state, mail.attempts, pending),
            (MailState::Pending, 0, true)
        );
    }
}

/// A mail server that accepts connections and never says a word (a relay behind a firewall
/// that lets the handshake through, a hung server): each accepted connection is handed to
/// the test, which holds it open.
async fn silent_server() -> (
    u16,
    tokio::sync::mpsc::UnboundedReceiver<tokio::net::TcpStream>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the silent server");
    let port = listener.local_addr().expect("local address").port();
    let (held, accepted) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if held.send(stream).is_err() {
                return;
            }
        }
    });
    (port, accepted)
}

/// A stop must not wait out the connection timeouts (90 s, past Docker's stop timeout) for
/// a server that never greets: no mail is in hand while a connection opens.
#[tokio::test]
async fn a_stop_does_not_wait_for_a_server_that_never_greets_and_charges_no_mail() {
    let h = Harness::new();
    let (port, mut accepted) = silent_server().await;
    let id = h.enqueue("taro@example.jp").await;
    let (stop, shutdown) = watch::channel(false);
    let mut sender = h.sender(Some(pooled(port, 2)));
    sender.shutdown = Some(shutdown);
    let round = tokio::spawn(async move { sender.process_due().await });
    // The round's first connection is open and waits for the greeting.
    let held = accepted.recv().await.expect("the round connects");
    stop.send(true).expect("receiver alive");

    let sent = round.await.expect("round task").expect("round");
    drop(held);

    assert_eq!(sent, 0);
    assert_eq!(
        accepted_before_marker(&mut accepted, port).await,
        0,
        "after the stop the round went on with the silent server (waited out its timeout and probed it)"
    );
    let (mail, pending) = h.mail(&id).await;
    assert_eq!(
        (mail.state, mail.attempts, mail.last_error, pending),
        (MailState::Pending, 0, None, true),
        "a stop charged the mail with the silent server's failure"
    );
}

/// How many more connections the silent server accepted before one the test opens now
/// (a listener accepts in order).
async fn accepted_before_marker(
    accepted: &mut tokio::sync::mpsc::UnboundedReceiver<tokio::net::TcpStream>,
    port: u16,
) -> usize {
    let marker = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("marker connection");
    let mine = marker.local_addr().expect("marker address");
    let mut before = 0;
    loop {
        let stream = accepted.recv().await.expect("accepted connection");
        if stream.peer_addr().ok() == Some(mine) {
            return before;
        }
        before += 1;
    }
}

/// A server that refuses the session at its greeting (RFC 5321 §3.1: `554`, no SMTP service
/// here; some servers say so when a client has too many connections) refused no mail: the
/// round pauses like for `421`, and no mail is given up, nor a recovery mail's body removed.
#[tokio::test]
async fn a_session_refused_at_the_greeting_pauses_the_round_and_fails_no_mail() {
    let script = Script {
        greeting: "554 5.3.2 No SMTP service here",
        ..Script::default()
    };
    assert_a_refused_session_pauses_and_gives_up_nothing(script, 2).await;
}

/// Two mails queued (one a recovery mail with a secret), two rounds a moment apart against
/// a server that refuses every mail alike: both still wait, and the second round waited
/// for the pause instead of connecting again.
async fn assert_a_refused_session_pauses_and_gives_up_nothing(script: Script, connections: usize) {
    let h = Harness::new();
    let server = start(script).await;
    let recovery = h.enqueue_with("taro@example.jp", true).await;
    let other = h.enqueue("hanako@example.jp").await;
    let sender = h.sender(Some(pooled(server.port, connections)));

    for _ in 0..2 {
        assert_eq!(sender.process_due().await.expect("round"), 0);
    }

    assert_none_given_up(&h, [recovery, other]).await;
    assert_eq!(
        server.connections(),
        1,
        "the second round waits for the pause"
    );
}

/// Every mail of `ids` still waits to be sent, with its body (read as stored: a given-up
/// secret mail has none to open).
async fn assert_none_given_up(h: &Harness, ids: [String; 2]) {
    for id in ids {
        let key = id.clone();
        let (mail, pending) = h
            .store
            .read(move |r| {
                let mail = r.get::<OutboxMail>(&key)?.expect("mail exists");
                Ok::<_, anyhow::Error>((mail, r.get::<PendingMail>(&key)?.is_some()))
            })
            .await
            .expect("read");
        assert_eq!(
            (mail.state, pending),
            (MailState::Pending, true),
            "mail {id} was given up for a refusal that was no mail's: {:?}",
            mail.last_error
        );
        assert_ne!(mail.body, crate::mail::outbox::BODY_REMOVED);
    }
}

/// A refused sender address (a careless `--smtp-from`: `553 5.7.1 Sender address
/// rejected`) refuses every mail alike, not one: the round pauses, and no mail is given up.
#[tokio::test]
async fn a_refused_sender_address_pauses_the_round_and_fails_no_mail() {
    let script = Script {
        mail_reply: "553 5.7.1 <kenpo@example.jp>: Sender address rejected: not owned by user",
        ..Script::default()
    };
    assert_a_refused_session_pauses_and_gives_up_nothing(script, 1).await;
}
