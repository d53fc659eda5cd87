//! Mail over a pool of reused connections (issue #13 item 6), against a real aiosmtpd that
//! counts its connections: a publication arrives once per household over at most
//! `DEFAULT_CONNECTIONS` connections; a `421` stops the round and the rest arrive later,
//! once each; a `450` for one recipient backs off only that mail. Counting, no timing.

use std::collections::HashMap;

use chrono::Duration;
use kenpo::clock::Clock as _;
use kenpo::mail::outbox::{MailState, OutboxMail};
use kenpo::mail::smtp::DEFAULT_CONNECTIONS;

use crate::app::{AppOptions, TestApp, spawn_app_with};
use crate::harness::smtp::SmtpServer;
use crate::mail_outage::{outbox, publish_to, wake_until};

fn all_sent(mails: &[(String, OutboxMail)], expected: u32) -> bool {
    mails.len() == expected as usize && mails.iter().all(|(_, m)| m.state == MailState::Sent)
}

/// Mails received per envelope recipient.
fn received(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut received = HashMap::new();
    for mail in smtp.mails() {
        for to in mail.to {
            *received.entry(to).or_default() += 1;
        }
    }
    received
}

fn assert_each_once(smtp: &SmtpServer, households: u32) {
    let received = received(smtp);
    let expected: Vec<String> = (1..=households)
        .map(|i| format!("user{i}@example.jp"))
        .collect();
    assert_eq!(received.len(), households as usize, "{received:?}");
    for to in &expected {
        assert_eq!(
            received.get(to),
            Some(&1),
            "{to} exactly once: {received:?}"
        );
    }
}

async fn app_with(smtp: &SmtpServer) -> TestApp {
    spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publication_arrives_once_each_over_at_most_the_pool_of_connections() {
    const HOUSEHOLDS: u32 = 40;
    let smtp = SmtpServer::start();
    let app = app_with(&smtp).await;

    publish_to(&app, HOUSEHOLDS, None).await;
    wake_until(&app, "every mail is sent", |m| all_sent(m, HOUSEHOLDS)).await;

    assert_each_once(&smtp, HOUSEHOLDS);
    let connections = smtp.connections();
    assert!(
        (1..=DEFAULT_CONNECTIONS).contains(&connections),
        "{HOUSEHOLDS} mails over {connections} connections"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_421_stops_the_round_and_the_rest_arrive_later_once_each() {
    const HOUSEHOLDS: u32 = 24;
    const ACCEPTED: usize = 5;
    let mut smtp = SmtpServer::start_scripted(&["421@5"]);
    let app = app_with(&smtp).await;
    let closing = |m: &OutboxMail| {
        m.last_error
            .as_deref()
            .is_some_and(|e| e.contains("421 4.3.2"))
    };

    publish_to(&app, HOUSEHOLDS, None).await;
    wake_until(&app, "five mails are sent and one meets the 421", |m| {
        m.iter().filter(|(_, m)| m.state == MailState::Sent).count() == ACCEPTED
            && m.iter().any(|(_, m)| closing(m))
    })
    .await;

    // Each connection meets the 421 at most once and takes no mail after it.
    let mails = outbox(&app).await;
    let tried: Vec<&OutboxMail> = mails
        .iter()
        .map(|(_, m)| m)
        .filter(|m| m.state == MailState::Pending && m.attempts > 0)
        .collect();
    assert!(
        (1..=DEFAULT_CONNECTIONS).contains(&tried.len()),
        "{tried:#?}"
    );
    for mail in &tried {
        assert!(closing(mail), "{mail:?}");
        assert_eq!(mail.attempts, 1);
        assert_eq!(
            mail.next_attempt_at - app.clock.now(),
            Duration::seconds(30)
        );
    }
    let waiting = mails
        .iter()
        .filter(|(_, m)| m.state == MailState::Pending && m.attempts == 0)
        .count();
    assert_eq!(ACCEPTED + tried.len() + waiting, HOUSEHOLDS as usize);
    assert_eq!(smtp.mails().len(), ACCEPTED);

    // The server is back; once the waits are over the rest arrive, each once. The clock
    // moves on at every look, so that a connection still meeting the 421 now is retried too.
    smtp.restart_scripted(&[]);
    wake_until(&app, "every mail is sent", |m| {
        app.clock.advance(Duration::seconds(30));
        all_sent(m, HOUSEHOLDS)
    })
    .await;
    assert_each_once(&smtp, HOUSEHOLDS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_refusal_of_one_recipient_backs_off_only_that_mail() {
    const HOUSEHOLDS: u32 = 12;
    let smtp = SmtpServer::start_scripted(&["busy@example.jp=450"]);
    let app = app_with(&smtp).await;

    publish_to(&app, HOUSEHOLDS, Some("busy")).await;
    wake_until(&app, "every other mail is sent", |m| {
        m.iter()
            .all(|(_, m)| m.state == MailState::Sent || m.attempts == 1)
    })
    .await;

    let mails = outbox(&app).await;
    let busy = &mails
        .iter()
        .find(|(_, m)| m.to == "busy@example.jp")
        .expect("the busy recipient's mail")
        .1;
    assert_eq!((busy.state, busy.attempts), (MailState::Pending, 1));
    assert!(
        busy.last_error
            .as_deref()
            .is_some_and(|e| e.contains("450 4.2.1")),
        "{busy:?}"
    );
    assert_eq!(
        busy.next_attempt_at - app.clock.now(),
        Duration::seconds(30)
    );
    assert_eq!(smtp.mails().len(), HOUSEHOLDS as usize - 1);
    // Its connection was closed after the refusal and a fresh one opened.
    assert!(
        smtp.connections() <= DEFAULT_CONNECTIONS + 1,
        "{}",
        smtp.connections()
    );

    app.clock.advance(Duration::seconds(30));
    wake_until(&app, "the busy mail is sent too", |m| {
        all_sent(m, HOUSEHOLDS)
    })
    .await;
    let received = received(&smtp);
    assert_eq!(received.get("busy@example.jp"), Some(&1), "{received:?}");
    assert_eq!(received.values().sum::<usize>(), HOUSEHOLDS as usize);
    assert!(received.values().all(|&n| n == 1), "{received:?}");
}
