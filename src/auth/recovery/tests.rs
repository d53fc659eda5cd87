use chrono::{NaiveDate, TimeZone as _};

use super::*;
use crate::auth::throttle::Attempts;
use crate::domain::member::HouseholdKey;

const ADDRESS: &str = "192.0.2.1";

fn account(i: u32, now: DateTime<Utc>) -> Account {
    Account {
        user_id: format!("member.{i}"),
        household: HouseholdKey {
            symbol: "1201".into(),
            number: i.to_string(),
        },
        email: format!("m{i}@example.jp"),
        notify: true,
        password_hash: String::new(),
        password_changed_at: now,
        created_at: now,
        terms_version: 1,
        failed_logins: 0,
        locked_until: None,
        last_login_at: None,
        last_failed_login_at: None,
        recovery: None,
        must_change_password: false,
        password_expires_at: None,
        recovery_requests: Attempts::default(),
    }
}

/// Accounts read by one search for the request's candidates.
async fn decoded(store: &Store, now: DateTime<Utc>) -> u64 {
    let email = Email::parse("nobody@example.jp").expect("valid");
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    let birth = BirthDate::parse("19760418", today).expect("valid");
    store
        .read(move |r| {
            candidates(r, &email, &birth, Some(ADDRESS), now)?;
            Ok::<_, anyhow::Error>(r.decoded::<Account>())
        })
        .await
        .expect("read")
}

#[tokio::test]
async fn a_throttled_address_costs_no_pass_over_the_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("k.redb")).expect("open");
    let now = Utc
        .with_ymd_and_hms(2026, 11, 2, 1, 0, 0)
        .single()
        .expect("time");
    store
        .write(move |w| {
            for i in 0..50 {
                w.put(&format!("member.{i}"), &account(i, now))?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .await
        .expect("accounts");
    assert_eq!(decoded(&store, now).await, 50, "a free address is searched");

    store
        .write(move |w| {
            for _ in 0..20 {
                throttle::address_count(w, Purpose::Recovery, Some(ADDRESS), now)?;
            }
            Ok::<_, anyhow::Error>(())
        })
        .await
        .expect("throttle");
    assert_eq!(
        decoded(&store, now).await,
        0,
        "a throttled address reads no account"
    );
}
