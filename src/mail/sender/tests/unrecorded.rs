//! A mail the server accepted but whose record could not be written (a full disk): the
//! server has it, so it must not be sent again while the disk stays full; it is recorded
//! as sent once the disk takes writes again.

use super::*;
use crate::mail::sender::record::REFUSED_FOR_TEST;

fn refuse_records(store: &Store, refused: bool) {
    let mut files = REFUSED_FOR_TEST.lock().expect("test hook");
    files.retain(|f| f != store.path());
    if refused {
        files.push(store.path().to_path_buf());
    }
}

#[tokio::test]
async fn a_mail_accepted_but_not_recorded_is_not_sent_again_and_is_recorded_later() {
    let h = Harness::new();
    let server = start(Script::default()).await;
    let id = h.enqueue("taro@example.jp").await;
    let sender = h.sender(Some(loopback(server.port)));

    refuse_records(&h.store, true);
    assert!(sender.process_due().await.is_err(), "the record failed");
    assert_eq!(server.messages().len(), 1);
    // The disk stays full for the next rounds (the sender's loop runs them every 30 s).
    for _ in 0..2 {
        let _ = sender.process_due().await;
    }
    assert_eq!(
        server.messages().len(),
        1,
        "a mail the server had accepted was sent again because its record failed"
    );

    refuse_records(&h.store, false);
    sender.process_due().await.expect("round");
    assert_eq!(server.messages().len(), 1);
    let (mail, pending) = h.mail(&id).await;
    assert_eq!(
        (mail.state, mail.attempts, pending),
        (MailState::Sent, 1, false)
    );
}
