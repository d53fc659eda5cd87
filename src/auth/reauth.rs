//! The current password, asked of a logged-in member before a change that recovery
//! depends on (the password, the e-mail address): a session alone must not make it. A
//! wrong one counts like a failed login (the lock rule of `failures`, with its mail); a
//! lock ends the household's sessions, so a stolen session cannot guess its way on.

use chrono::{DateTime, Utc};

use super::hash;
use super::lockout::{self, Failure};
use super::model::Account;
use super::session;
use crate::audit::{Action, Actor, AuditEntry};
use crate::store::{Store, Writer};

pub enum Reauth {
    /// Right. The change commits only if the account still has this hash.
    Confirmed {
        password_hash: String,
    },
    Wrong,
    /// Wrong, once too often: the account locked and the household's sessions ended.
    Locked,
}

/// What is being changed, for the audit row of a wrong password.
pub struct Attempt {
    pub user_key: String,
    pub now: DateTime<Utc>,
    pub client: Option<String>,
    /// e.g. `account.password_change_failed`.
    pub failed_action: Action,
}

/// Checks `password` against the account's (argon2 on a hashing thread, no transaction
/// held meanwhile); a wrong one is counted in a write of its own.
pub async fn check(store: &Store, password: String, attempt: Attempt) -> anyhow::Result<Reauth> {
    let user_key = attempt.user_key.clone();
    let stored = store
        .read(move |r| {
            r.get::<Account>(&user_key)?
                .ok_or_else(|| anyhow::anyhow!("the session's account is gone"))
        })
        .await?;
    if hash::verify(password, Some(stored.password_hash.clone())).await {
        return Ok(Reauth::Confirmed {
            password_hash: stored.password_hash,
        });
    }
    store.write(move |w| wrong(w, &attempt)).await
}

/// The account a session names (it must still be there). The error names no user ID: it
/// reaches the log.
pub(crate) fn account(w: &Writer, user_key: &str) -> anyhow::Result<Account> {
    w.get::<Account>(user_key)?
        .ok_or_else(|| anyhow::anyhow!("the session's account is gone"))
}

fn wrong(w: &mut Writer, attempt: &Attempt) -> anyhow::Result<Reauth> {
    let mut account = w
        .get::<Account>(&attempt.user_key)?
        .ok_or_else(|| anyhow::anyhow!("the session's account is gone"))?;
    let actor = Actor::Member(attempt.user_key.to_string()).to_string();
    AuditEntry::new(attempt.now, actor.clone(), attempt.failed_action)
        .target(account.household.to_string())
        .client(attempt.client.clone())
        .record(w)?;
    let failure = Failure {
        key: &attempt.user_key,
        actor: &actor,
        client: &attempt.client,
        now: attempt.now,
        what: "failed logins or wrong current passwords",
    };
    if lockout::count_failure(w, &mut account, failure)?.is_none() {
        return Ok(Reauth::Wrong);
    }
    session::end_household(w, &account.household, None)?;
    Ok(Reauth::Locked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_session_whose_account_is_gone_is_reported_without_its_user_id() {
        let dir = tempfile::tempdir().expect("temp");
        let store = Store::open(&dir.path().join("k.redb")).expect("open");
        let found =
            store.write_blocking(|w| Ok::<_, anyhow::Error>(account(w, "yamada.hanako").err()));
        let text = format!("{:#}", found.expect("write").expect("an error"));
        assert!(text.contains("account is gone"), "{text}");
        assert!(!text.contains("yamada"), "{text}");
    }
}
