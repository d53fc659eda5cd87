use chrono::TimeZone as _;

use super::*;
use crate::clock::ManualClock;
use crate::mail::outbox::{NewMail, enqueue};
use crate::mail::smtp::TlsMode;
use crate::mail::smtp::fake_server::{Script, start};

struct Harness {
    _dir: tempfile::TempDir,
    store: Store,
    clock: ManualClock,
}

impl Harness {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("kenpo.redb")).expect("open store");
        let start = Utc
            .with_ymd_and_hms(2026, 4, 1, 0, 0, 0)
            .single()
            .expect("valid time");
        Harness {
            _dir: dir,
            store,
            clock: ManualClock::new(start),
        }
    }

    fn sender(&self, smtp: Option<SmtpConfig>) -> Sender {
        Sender::new(
            self.store.clone(),
            Arc::new(self.clock.clone()),
            smtp,
            Arc::new(Notify::new()),
        )
    }

    async fn enqueue(&self, to: &str) -> String {
        self.enqueue_with(to, false).await
    }

    async fn enqueue_with(&self, to: &str, secret: bool) -> String {
        let mail = NewMail {
            to: to.into(),
            subject: "けんぽWebへようこそ".into(),
            body: "本文".into(),
        };
        let now = self.clock.now();
        self.store
            .write(move |w| {
                if secret {
                    crate::mail::outbox::enqueue_secret(w, mail, now)
                } else {
                    enqueue(w, mail, now)
                }
            })
            .await
            .expect("enqueue")
    }

    async fn mail(&self, id: &str) -> (OutboxMail, bool) {
        let id = id.to_string();
        self.store
            .read(move |r| {
                let mut mail = r.get::<OutboxMail>(&id)?.expect("mail exists");
                mail.body = crate::mail::outbox::open_body(r, &id, &mail)?;
                Ok::<_, anyhow::Error>((mail, r.get::<PendingMail>(&id)?.is_some()))
            })
            .await
            .expect("read")
    }
}

fn loopback(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: TlsMode::None,
        credentials: None,
        from: "kenpo@example.jp".into(),
        connections: 4,
    }
}

fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

#[test]
fn backoff_doubles_from_30_seconds_up_to_an_hour() {
    let waits: Vec<i64> = (1..=12).map(|n| backoff(n).num_seconds()).collect();
    assert_eq!(
        waits,
        [
            30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600, 3600
        ]
    );
    assert_eq!(backoff(0).num_seconds(), 30);
    assert_eq!(backoff(u32::MAX).num_seconds(), 3600);
}

#[tokio::test]
async fn sends_a_due_mail_and_marks_it_sent() {
    let h = Harness::new();
    let server = start(Script::default()).await;
    let id = h.enqueue("taro@example.jp").await;
    let sender = h.sender(Some(loopback(server.port)));

    assert_eq!(sender.process_due().await.expect("round"), 1);

    let (mail, pending) = h.mail(&id).await;
    assert_eq!(mail.state, MailState::Sent);
    assert_eq!(
        (mail.attempts, mail.sent_at, mail.last_error),
        (1, Some(h.clock.now()), None)
    );
    assert!(!pending);
    assert_eq!(server.messages().len(), 1);
    assert_eq!(
        sender.process_due().await.expect("round"),
        0,
        "sent only once"
    );
}

#[tokio::test]
async fn without_smtp_the_mail_stays_pending() {
    let h = Harness::new();
    let id = h.enqueue("taro@example.jp").await;
    assert_eq!(h.sender(None).process_due().await.expect("round"), 0);
    let (mail, pending) = h.mail(&id).await;
    assert_eq!((mail.state, mail.attempts), (MailState::Pending, 0));
    assert!(pending);
}

#[tokio::test]
async fn failures_back_off_then_give_up_and_staff_can_retry() {
    let h = Harness::new();
    let id = h.enqueue("taro@example.jp").await;
    let sender = h.sender(Some(loopback(refused_port())));

    assert_eq!(sender.process_due().await.expect("round"), 0);
    let (mail, pending) = h.mail(&id).await;
    assert_eq!((mail.state, mail.attempts), (MailState::Pending, 1));
    assert_eq!(mail.next_attempt_at, h.clock.now() + Duration::seconds(30));
    assert!(
        mail.last_error
            .as_deref()
            .is_some_and(|e| e.contains("refused")),
        "{mail:?}"
    );
    assert!(pending);

    sender.process_due().await.expect("round");
    assert_eq!(h.mail(&id).await.0.attempts, 1, "not due yet");

    for attempt in 2..=MAX_ATTEMPTS {
        h.clock.advance(backoff(attempt - 1));
        sender.process_due().await.expect("round");
        assert_eq!(h.mail(&id).await.0.attempts, attempt);
    }
    let (mail, pending) = h.mail(&id).await;
    assert_eq!(mail.state, MailState::Failed);
    assert!(!pending);

    let now = h.clock.now();
    let again = id.clone();
    let retried = h
        .store
        .write(move |w| retry_failed(w, &again, now))
        .await
        .expect("retry");
    assert!(retried);
    let (mail, pending) = h.mail(&id).await;
    assert_eq!(
        (mail.state, mail.attempts, mail.next_attempt_at),
        (MailState::Pending, 0, now)
    );
    assert!(pending);
    let again = id.clone();
    let twice = h
        .store
        .write(move |w| retry_failed(w, &again, now))
        .await
        .expect("retry");
    assert!(!twice, "only a failed mail can be retried");
}

#[tokio::test]
async fn a_secret_mail_given_up_keeps_no_body_and_cannot_be_retried() {
    let h = Harness::new();
    let id = h.enqueue_with("taro@example.jp", true).await;
    let sender = h.sender(Some(loopback(refused_port())));
    sender.process_due().await.expect("round");
    assert_eq!(
        h.mail(&id).await.0.body,
        "本文",
        "kept while it may still be sent"
    );
    for attempt in 2..=MAX_ATTEMPTS {
        h.clock.advance(backoff(attempt - 1));
        sender.process_due().await.expect("round");
    }
    let (mail, _) = h.mail(&id).await;
    assert_eq!(mail.state, MailState::Failed);
    assert_eq!(mail.body, crate::mail::outbox::BODY_REMOVED);
    let now = h.clock.now();
    let retried = h
        .store
        .write(move |w| retry_failed(w, &id, now))
        .await
        .expect("retry");
    assert!(!retried);
}

#[tokio::test]
async fn an_unreachable_server_pauses_the_rest_of_the_round() {
    let h = Harness::new();
    let first = h.enqueue("taro@example.jp").await;
    let second = h.enqueue("hanako@example.jp").await;
    let sender = h.sender(Some(loopback(refused_port())));

    sender.process_due().await.expect("round");

    assert_eq!(h.mail(&first).await.0.attempts, 1);
    assert_eq!(h.mail(&second).await.0.attempts, 0);
}

#[tokio::test]
async fn a_refused_recipient_does_not_hold_back_the_others() {
    let h = Harness::new();
    let script = Script {
        rcpt_reply: "550 5.1.1 User unknown",
        ..Script::default()
    };
    let server = start(script).await;
    let first = h.enqueue("nobody@example.jp").await;
    let second = h.enqueue("hanako@example.jp").await;

    h.sender(Some(loopback(server.port)))
        .process_due()
        .await
        .expect("round");

    let (mail, _) = h.mail(&first).await;
    assert!(
        mail.last_error
            .as_deref()
            .is_some_and(|e| e.contains("550 5.1.1 User unknown"))
    );
    assert_eq!(h.mail(&second).await.0.attempts, 1);
}

#[tokio::test]
async fn run_sends_when_woken_and_stops_on_shutdown() {
    let h = Harness::new();
    let server = start(Script::default()).await;
    let wake = Arc::new(Notify::new());
    let sender = Sender::new(
        h.store.clone(),
        Arc::new(h.clock.clone()),
        Some(loopback(server.port)),
        wake.clone(),
    );
    let (stop, shutdown) = watch::channel(false);
    let task = tokio::spawn(sender.run(shutdown));

    let id = h.enqueue("taro@example.jp").await;
    wake.notify_one();
    let mut state = MailState::Pending;
    for _ in 0..100 {
        state = h.mail(&id).await.0.state;
        if state == MailState::Sent {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    assert_eq!(state, MailState::Sent);

    stop.send(true).expect("sender alive");
    tokio::time::timeout(StdDuration::from_secs(5), task)
        .await
        .expect("stops")
        .expect("no panic");
}

mod mask;
mod pool;
mod unrecorded;
