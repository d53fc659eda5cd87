//! The rules of people, households, accounts, credentials, staff and sessions.

use super::Check;
use crate::auth::credentials::CredentialIssue;
use crate::auth::model::{
    Account, AccountLink, HouseholdState, Session, SessionKind, StaffAccount, TemporaryCredential,
};
use crate::auth::throttle::Attempts;
use crate::auth::totp::StaffChallenge;
use crate::domain::member::{INSURED_BRANCH, Person};
use crate::settings::{Secrets, UnionSettings};
use crate::store::Record;
use crate::store::StoreKey as _;

pub(super) fn check(c: &mut Check<'_>) -> anyhow::Result<()> {
    settings(c);
    c.each::<Person>(|c, k, p| {
        if k != p.household.person(&p.branch).store_key() {
            c.fail(
                Person::TABLE,
                k,
                "the key does not match the person's 記号・番号・枝番",
            );
        }
    });
    households(c);
    accounts(c);
    c.each::<TemporaryCredential>(|c, k, t| {
        let state = c.get::<HouseholdState>(&t.household.store_key());
        if state.and_then(|s| s.temporary_id).as_deref() != Some(k) {
            c.fail(
                TemporaryCredential::TABLE,
                k,
                "its household does not name this temporary ID",
            );
        }
    });
    c.each::<StaffAccount>(|c, k, s| {
        if k != s.login.to_ascii_lowercase() {
            c.fail(
                StaffAccount::TABLE,
                k,
                "the key is not the lower-case login",
            );
        }
    });
    sessions(c);
    c.each::<AccountLink>(|c, k, link| {
        if !c.has::<Account>(&link.account) {
            c.fail(
                AccountLink::TABLE,
                k,
                "points at an account that does not exist",
            );
        }
    });
    c.each::<StaffChallenge>(|_, _, _| {});
    c.each::<Attempts>(|_, _, _| {});
    c.each::<CredentialIssue>(|_, _, _| {});
    Ok(())
}

fn settings(c: &mut Check<'_>) {
    // The settings table holds two records of different types under fixed keys.
    let mut known = 0;
    for (key, decodes) in [
        (
            "union",
            c.r.get::<UnionSettings>("union").map(|s| s.is_some()),
        ),
        (
            "secrets",
            c.r.get::<Secrets>("secrets").map(|s| s.is_some()),
        ),
    ] {
        match decodes {
            Ok(present) => known += u64::from(present),
            Err(e) => c.fail(UnionSettings::TABLE, key, format!("{e:#}")),
        }
    }
    match c.r.count::<UnionSettings>() {
        Ok(rows) if rows > known => c.fail_table(
            UnionSettings::TABLE,
            format!(
                "{} rows that are not settings this kenpo knows",
                rows - known
            ),
        ),
        Ok(_) => {}
        Err(e) => c.fail_table(UnionSettings::TABLE, format!("{e:#}")),
    }
}

fn households(c: &mut Check<'_>) {
    c.each::<HouseholdState>(|c, k, state| {
        if !c.has::<Person>(&format!("{k}{}{INSURED_BRANCH}", crate::store::KEY_SEP)) {
            c.fail(
                HouseholdState::TABLE,
                k,
                "the household has no insured person",
            );
        }
        if let Some(account) = &state.account {
            match c.get::<Account>(account) {
                Some(a) if a.household.store_key() == k => {}
                Some(_) => c.fail(
                    HouseholdState::TABLE,
                    k,
                    "its account belongs to another household",
                ),
                None => c.fail(
                    HouseholdState::TABLE,
                    k,
                    "points at an account that does not exist",
                ),
            }
        }
        if let Some(temporary) = &state.temporary_id {
            match c.get::<TemporaryCredential>(temporary) {
                Some(t) if t.household.store_key() == k => {}
                Some(_) => c.fail(
                    HouseholdState::TABLE,
                    k,
                    "its temporary ID belongs to another household",
                ),
                None => c.fail(
                    HouseholdState::TABLE,
                    k,
                    "points at a temporary ID that does not exist",
                ),
            }
        }
    });
}

fn accounts(c: &mut Check<'_>) {
    c.each::<Account>(|c, k, account| {
        if k != account.user_id.to_ascii_lowercase() {
            c.fail(Account::TABLE, k, "the key is not the lower-case user ID");
        }
        let hkey = account.household.store_key();
        let state = c.get::<HouseholdState>(&hkey);
        if state.and_then(|s| s.account).as_deref() != Some(k) {
            c.fail(
                Account::TABLE,
                k,
                "its household does not name this account",
            );
        }
        if !c.has::<Person>(&account.household.insured().store_key()) {
            c.fail(Account::TABLE, k, "its household has no insured person");
        }
    });
}

fn sessions(c: &mut Check<'_>) {
    c.each::<Session>(|c, k, session| match &session.kind {
        SessionKind::Member { user_id, .. } if !c.has::<Account>(user_id) => {
            c.fail(
                Session::TABLE,
                k,
                "a member session of an account that does not exist",
            );
        }
        SessionKind::Staff { login, .. } if !c.has::<StaffAccount>(&login.to_ascii_lowercase()) => {
            c.fail(
                Session::TABLE,
                k,
                "a staff session of an account that does not exist",
            );
        }
        _ => {}
    });
}
