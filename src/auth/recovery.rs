//! IDを忘れた方 and パスワードを忘れた方 (SPEC §4). Both answer the same whatever matched:
//! these functions return nothing the screen could show differently, and a throttled
//! request is simply not mailed.

use chrono::{DateTime, Duration, Utc};

use super::hash::Hasher;
use super::model::{Account, LinkPurpose, RecoveryPassword};
use super::throttle::{self, Purpose, RECOVERY_PER_ACCOUNT};
use super::{actor, links, tokens};
use crate::audit::AuditEntry;
use crate::clock::format_jst;
use crate::domain::birth_date::BirthDate;
use crate::domain::email::Email;
use crate::domain::member::Person;
use crate::domain::user_id::normalize_for_lookup;
use crate::mail::{outbox, templates};
use crate::settings::UnionSettings;
use crate::store::{ReadTx, Reader, Store, Writer, key};

/// The actor of a recovery request before (or without) a matching account.
const ANONYMOUS: &str = "anonymous";

/// How long a recovery temporary password works.
pub const TEMPORARY_PASSWORD_VALIDITY: Duration = Duration::hours(24);

/// Who asks, and where links point.
pub struct Request {
    pub now: DateTime<Utc>,
    pub client: Option<String>,
    /// The configured public URL (`--base-url`), never the request's Host header.
    pub base_url: String,
}

fn same_address(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether the account's address and its insured person's birth date are the ones given.
fn matches(
    r: &impl ReadTx,
    account: &Account,
    email: &Email,
    birth: &BirthDate,
) -> anyhow::Result<bool> {
    if !same_address(&account.email, email.as_str()) {
        return Ok(false);
    }
    let h = &account.household;
    let insured = r.get::<Person>(&key(&[&h.symbol, &h.number, "00"]))?;
    Ok(insured.is_some_and(|p| p.birth_date == birth.date()))
}

/// The keys of every account registered with `email` whose insured person was born on
/// `birth`: a scan of all accounts, so it runs in a read transaction and never holds the
/// single writer.
fn matching_accounts(r: &Reader, email: &Email, birth: &BirthDate) -> anyhow::Result<Vec<String>> {
    let mut found = Vec::new();
    r.for_each_from::<Account>("", |user_key, account| {
        if matches(r, &account, email, birth)? {
            found.push(user_key.to_string());
        }
        Ok(true)
    })?;
    Ok(found)
}

/// The accounts the request may concern: none while its address must wait (the write
/// then records the throttled request), so a flood from one address costs no pass over
/// the accounts.
fn candidates(
    r: &Reader,
    email: &Email,
    birth: &BirthDate,
    client: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    if throttle::address_waits(r, Purpose::Recovery, client, now)? {
        return Ok(Vec::new());
    }
    matching_accounts(r, email, birth)
}

/// Counts the request from its address; false when the address must wait first.
fn address_allows(w: &mut Writer, req: &Request, action: &str) -> anyhow::Result<bool> {
    let client = req.client.as_deref();
    if throttle::address_waits(w, Purpose::Recovery, client, req.now)? {
        AuditEntry::new(req.now, ANONYMOUS, action)
            .client(req.client.clone())
            .detail("throttled per address")
            .record_throttled(w)?;
        return Ok(false);
    }
    throttle::address_count(w, Purpose::Recovery, client, req.now)?;
    Ok(true)
}

/// Counts a matched request on the account; false when the account must wait first.
fn account_allows(
    w: &mut Writer,
    user_key: &str,
    account: &mut Account,
    req: &Request,
    action: &str,
) -> anyhow::Result<bool> {
    let actor = actor::member(Some(user_key));
    if RECOVERY_PER_ACCOUNT
        .wait_until(&account.recovery_requests, req.now)
        .is_some()
    {
        AuditEntry::new(req.now, actor, action)
            .target(account.household.to_string())
            .client(req.client.clone())
            .detail("throttled per account")
            .record_throttled(w)?;
        return Ok(false);
    }
    RECOVERY_PER_ACCOUNT.record(&mut account.recovery_requests, req.now);
    AuditEntry::new(req.now, actor, action)
        .target(account.household.to_string())
        .client(req.client.clone())
        .detail("mailed")
        .record(w)?;
    Ok(true)
}

/// Nothing typed into a recovery form is recorded: the ID, the address and the birth date
/// that matched nothing may be anyone's (or a password), so those rows name no one.
fn no_match(w: &mut Writer, req: &Request, action: &str) -> anyhow::Result<()> {
    AuditEntry::new(req.now, ANONYMOUS, action)
        .client(req.client.clone())
        .detail("no match")
        .record(w)
}

fn names(settings: &UnionSettings) -> templates::MailNames<'_> {
    templates::MailNames {
        service: &settings.service_name,
        union: &settings.union_name,
    }
}

/// IDを忘れた方: one mail with a single-use link per account registered with `email` whose
/// insured person was born on `birth`. Returns how many mails were queued.
pub async fn request_user_id(
    store: &Store,
    email: Email,
    birth: BirthDate,
    req: Request,
) -> anyhow::Result<usize> {
    const ACTION: &str = "recovery.user_id_requested";
    let (find_email, find_birth, address) = (email.clone(), birth, req.client.clone());
    let now = req.now;
    let candidates = store
        .read(move |r| candidates(r, &find_email, &find_birth, address.as_deref(), now))
        .await?;
    // A short write: the throttle, the links and the mails of the accounts found.
    store
        .write(move |w| {
            if !address_allows(w, &req, ACTION)? {
                return Ok(0);
            }
            links::prune_expired(w, req.now)?;
            let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
            let mut mailed = 0;
            let mut matched = false;
            for user_key in candidates {
                // Found in the snapshot: it must still exist, and still match, now.
                let Some(mut account) = w.get::<Account>(&user_key)? else {
                    continue;
                };
                if !matches(w, &account, &email, &birth)? {
                    continue;
                }
                matched = true;
                if !account_allows(w, &user_key, &mut account, &req, ACTION)? {
                    continue;
                }
                w.put(&user_key, &account)?;
                let token = links::issue(
                    w,
                    LinkPurpose::ShowUserId,
                    &user_key,
                    req.now,
                    links::SHOW_USER_ID_VALIDITY,
                )?;
                let link = links::url(&req.base_url, "/forgot-id/show", &token);
                let minutes = links::SHOW_USER_ID_VALIDITY.num_minutes();
                let mail =
                    templates::user_id_link(&account.email, names(&settings), &link, minutes);
                outbox::enqueue_secret(w, mail, req.now)?;
                mailed += 1;
            }
            if !matched {
                no_match(w, &req, ACTION)?;
            }
            Ok(mailed)
        })
        .await
}

/// Whether the link of IDを忘れた方 would still show a user ID. Read only: opening the
/// link (a mail scanner may do it first) uses nothing; the button on that page does.
pub async fn user_id_link_valid(
    store: &Store,
    token: String,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    store
        .read(move |r| {
            let Some(link) = links::peek(r, &token, now)? else {
                return Ok(false);
            };
            Ok(link.purpose == LinkPurpose::ShowUserId
                && r.get::<Account>(&link.account)?.is_some())
        })
        .await
}

/// Uses the link of IDを忘れた方 (the button on its page, a POST): the user ID, once; `None`
/// for a used, expired or unknown link.
pub async fn open_user_id_link(
    store: &Store,
    token: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<Option<String>> {
    store
        .write(move |w| {
            let Some(link) = links::consume(w, &token, now)? else {
                return Ok(None);
            };
            if link.purpose != LinkPurpose::ShowUserId {
                return Ok(None);
            }
            let Some(account) = w.get::<Account>(&link.account)? else {
                return Ok(None);
            };
            AuditEntry::new(
                now,
                format!("member:{}", link.account),
                "recovery.user_id_shown",
            )
            .target(account.household.to_string())
            .client(client)
            .record(w)?;
            Ok(Some(account.user_id))
        })
        .await
}

/// パスワードを忘れた方: on a match, a temporary password valid for 24 hours is mailed; the
/// old password keeps working until it is used. Returns whether a mail was queued.
pub async fn request_temporary_password(
    store: &Store,
    hasher: &Hasher,
    user_id: &str,
    email: Email,
    birth: BirthDate,
    req: Request,
) -> anyhow::Result<bool> {
    const ACTION: &str = "recovery.password_requested";
    let user_key = normalize_for_lookup(user_id);
    // Hashed whether or not anything matches, so both answers cost the same.
    let password = tokens::temporary_password();
    let password_hash = hasher.hash(password.clone()).await?;
    store
        .write(move |w| {
            if !address_allows(w, &req, ACTION)? {
                return Ok(false);
            }
            let account = match w.get::<Account>(&user_key)? {
                Some(a) if matches(w, &a, &email, &birth)? => a,
                _ => {
                    no_match(w, &req, ACTION)?;
                    return Ok(false);
                }
            };
            let mut account = account;
            if !account_allows(w, &user_key, &mut account, &req, ACTION)? {
                w.put(&user_key, &account)?;
                return Ok(false);
            }
            let expires_at = req.now + TEMPORARY_PASSWORD_VALIDITY;
            account.recovery = Some(RecoveryPassword {
                hash: password_hash,
                expires_at,
            });
            w.put(&user_key, &account)?;
            let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
            let login_url = format!("{}/", req.base_url.trim_end_matches('/'));
            let mail = templates::temporary_password(
                &account.email,
                names(&settings),
                &account.user_id,
                &password,
                &format_jst(expires_at),
                &login_url,
            );
            outbox::enqueue_secret(w, mail, req.now)?;
            Ok(true)
        })
        .await
}

#[cfg(test)]
mod tests;
