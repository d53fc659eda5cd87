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
