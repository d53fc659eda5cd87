//! IDを忘れた方 looks through every account. It must do so in a read transaction: redb has
//! one writer, and an anonymous request holding it for O(accounts) stalls every login,
//! session and mail of the portal meanwhile.

use std::cell::Cell;
use std::time::{Duration as StdDuration, Instant};

use kenpo::auth::throttle::Attempts;

use super::{EMAIL, account, forgot_id, last_mail, mails, registered, store};
use crate::registration::BIRTH;

/// Enough accounts that a scan of them takes far longer than a small write's jitter.
const ACCOUNTS: usize = 40_000;

#[tokio::test]
async fn forgot_id_does_not_hold_the_writer_while_it_looks_through_accounts() {
    let app = registered().await;
    let store = store(&app);
    let template = account(&app).await;
    for chunk in 0..ACCOUNTS / 10_000 {
        let template = template.clone();
        store
            .write(move |w| {
                for i in 0..10_000 {
                    let n = chunk * 10_000 + i;
                    let mut other = template.clone();
                    other.user_id = format!("Member.{n:06}");
                    other.email = format!("member{n}@example.jp");
                    w.put(&format!("member.{n:06}"), &other)?;
                }
                Ok::<_, anyhow::Error>(())
            })
            .await
            .expect("seed accounts");
    }
    // How long one look through every account takes here, now.
    let started = Instant::now();
    let scanned = store
        .read(|r| r.scan::<kenpo::auth::model::Account>(""))
        .await
        .expect("scan");
    let scan = started.elapsed();
    assert_eq!(scanned.len(), ACCOUNTS + 1);
    drop(scanned);

    // Small writes, one after another, for as long as the request runs.
    let done = Cell::new(false);
    let request = async {
        let page = forgot_id(&app, EMAIL, BIRTH).await;
        done.set(true);
        page
    };
    let probes = async {
        let mut longest = StdDuration::ZERO;
        let mut count = 0;
        while !done.get() {
            let started = Instant::now();
            store
                .write(|w| w.put("probe", &Attempts::default()))
                .await
                .expect("probe write");
            longest = longest.max(started.elapsed());
            count += 1;
            tokio::task::yield_now().await;
        }
        (longest, count)
    };
    let (page, (longest, count)) = tokio::join!(request, probes);
    assert_eq!(page.location.as_deref(), Some("/forgot-id/sent"));
    assert!(count > 1, "the probes ran during the request");
    assert!(
        longest < scan / 2,
        "a write waited {longest:?} while the request ran; a scan takes {scan:?}"
    );
    // And the request still found the one account among them.
    let mail = last_mail(&app, "【けんぽWeb】ユーザIDのお知らせ").await;
    assert_eq!(mail.to, EMAIL);
    assert_eq!(
        mails(&app)
            .await
            .iter()
            .filter(|m| m.subject == mail.subject)
            .count(),
        1
    );
}
