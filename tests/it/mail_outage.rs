//! Mail outage (issue #11 item 2): a publication notifies households while the SMTP server
//! (real aiosmtpd) is down; retries back off on the injected clock, the staff outbox page
//! says what waits and why, and once the server is back every mail arrives exactly once.
//! A recipient the server refuses permanently (550) is not retried.

use std::collections::HashMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use kenpo::clock::Clock as _;
use kenpo::jobs::Job;
use kenpo::mail::outbox::{MailState, OutboxMail};

use crate::app::{AppOptions, TestApp, remote, spawn_app_with};
use crate::claims::{csv, import, put_account};
use crate::harness::smtp::SmtpServer;
use crate::staff::admin;

const HOUSEHOLDS: u32 = 12;
const WAIT: StdDuration = StdDuration::from_secs(30);

/// `HOUSEHOLDS` households 1300-1… with an account each (notification on), and one claim
/// file that concerns them all, imported and published: one mail per household.
async fn publish_to_households(app: &TestApp, rejected: Option<&str>) {
    publish_to(app, HOUSEHOLDS, rejected).await;
}

/// `households` households 1300-1… with an account each (user `user<i>`, the first one
/// `first_user` if given; notification on), and one claim file that concerns them all,
/// imported and published: one mail per household, to `<user>@example.jp`.
pub(crate) async fn publish_to(app: &TestApp, households: u32, first_user: Option<&str>) {
    let mut members = String::from(
        "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所\n",
    );
    let mut claims = String::new();
    for i in 1..=households {
        members.push_str(&format!(
            "1300,{i},00,試験　太郎,シケン　タロウ,19700101,1,本人,19920401,,1000001,東京都千代田区1-{i}\n"
        ));
        claims.push_str(&format!(
            "M{i:09},1300,{i},00,202507,外来,障害試験医院,1,1000,300,0\n"
        ));
    }
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(&data, Job::ImportMembers, Some(members.into_bytes()))
    })
    .await
    .expect("join");
    for i in 1..=households {
        let user = match first_user {
            Some(user) if i == 1 => user.to_string(),
            _ => format!("user{i}"),
        };
        put_account(app, &format!("1300-{i}"), &user, true).await;
    }
    import(app, csv(&claims), true).await;
}

pub(crate) async fn outbox(app: &TestApp) -> Vec<(String, OutboxMail)> {
    app.store()
        .read(|r| r.scan::<OutboxMail>(""))
        .await
        .expect("outbox")
}

/// Wakes the sender and polls the outbox until `done` holds (real time; the sender's own
/// times come from the injected clock).
pub(crate) async fn wake_until(
    app: &TestApp,
    what: &str,
    done: impl Fn(&[(String, OutboxMail)]) -> bool,
) {
    let give_up = Instant::now() + WAIT;
    loop {
        app.running
            .as_ref()
            .expect("running")
            .state
            .mail_wake
            .notify_one();
        let mails = outbox(app).await;
        if done(&mails) {
            return;
        }
        assert!(Instant::now() < give_up, "{what}: {mails:#?}");
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
}

fn first(mails: &[(String, OutboxMail)]) -> &OutboxMail {
    &mails.first().expect("a queued mail").1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_while_the_server_is_down_backs_off_and_arrives_once_when_it_is_back() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    publish_to_households(&app, None).await;
    assert_eq!(outbox(&app).await.len(), HOUSEHOLDS as usize);

    // The first mail is tried and the server found down; its next attempts back off.
    let mut planned = Vec::new();
    for attempt in 1..=4u32 {
        wake_until(&app, "the attempt is recorded", |m| {
            first(m).attempts == attempt
        })
        .await;
        let mail = first(&outbox(&app).await).clone();
        assert!(
            mail.last_error
                .as_deref()
                .is_some_and(|e| e.contains("refused")),
            "{mail:?}"
        );
        planned.push(mail.next_attempt_at - app.clock.now());
        app.clock.advance(mail.next_attempt_at - app.clock.now());
    }
    assert_eq!(
        planned,
        [30, 60, 120, 240].map(Duration::seconds),
        "each wait doubles"
    );
    let all = outbox(&app).await;
    assert!(all.iter().all(|(_, m)| m.state == MailState::Pending));
    assert_eq!(
        all.iter().map(|(_, m)| m.attempts).sum::<u32>(),
        4,
        "while the server is down only one mail is tried per round"
    );

    // The staff outbox page says what waits and why.
    admin(&app).await;
    let page = app.get("/staff/outbox?state=pending").await.body;
    assert!(
        page.contains(&format!("送信待ち（{HOUSEHOLDS}）")),
        "{page}"
    );
    assert!(page.contains("connection was refused"), "{page}");
    assert!(page.contains("次回の送信"), "{page}");

    smtp.restart();
    app.clock.advance(Duration::minutes(10));
    wake_until(&app, "every mail is sent", |m| {
        m.iter().all(|(_, m)| m.state == MailState::Sent)
    })
    .await;
    let mut received: HashMap<String, usize> = HashMap::new();
    for mail in smtp.mails() {
        for to in mail.to {
            *received.entry(to).or_default() += 1;
        }
    }
    assert_eq!(received.len(), HOUSEHOLDS as usize, "{received:?}");
    assert!(
        received.values().all(|&n| n == 1),
        "each exactly once: {received:?}"
    );
    crate::faults::report("mail_outage_households", u64::from(HOUSEHOLDS));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_refusal_stops_retrying_and_keeps_the_servers_reason() {
    let refused = "gone@example.jp";
    let smtp = SmtpServer::start_rejecting(&[refused]);
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    publish_to_households(&app, Some("gone")).await;

    wake_until(&app, "every mail is settled", |m| {
        m.iter().all(|(_, m)| m.state != MailState::Pending)
    })
    .await;
    let mails = outbox(&app).await;
    let (failed, sent): (Vec<_>, Vec<_>) =
        mails.iter().map(|(_, m)| m).partition(|m| m.to == refused);
    let failed = failed.first().expect("the refused mail");
    assert_eq!(failed.state, MailState::Failed);
    assert_eq!(failed.attempts, 1, "a permanent refusal is not tried again");
    assert!(
        failed
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("550 5.1.1") && e.contains("Recipient address rejected")),
        "{failed:?}"
    );
    assert!(sent.iter().all(|m| m.state == MailState::Sent));
    assert_eq!(smtp.mails().len(), HOUSEHOLDS as usize - 1);
}
