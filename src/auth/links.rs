//! Single-use links mailed to members: a CSPRNG token in the URL, its SHA-256 in the file.

use chrono::{DateTime, Duration, Utc};

use super::model::{AccountLink, LinkPurpose};
use super::tokens::{random_token, token_digest};
use crate::store::{ReadTx, Writer};

/// How long the link of IDを忘れた方 stays valid.
pub const SHOW_USER_ID_VALIDITY: Duration = Duration::minutes(30);
/// How long the confirmation link of a new e-mail address stays valid.
pub const CONFIRM_EMAIL_VALIDITY: Duration = Duration::hours(24);

/// Creates a link for `account`; returns the token for the URL (never stored as such).
pub fn issue(
    w: &mut Writer,
    purpose: LinkPurpose,
    account: &str,
    now: DateTime<Utc>,
    validity: Duration,
) -> anyhow::Result<String> {
    let token = random_token();
    let link = AccountLink {
        purpose,
        account: account.to_string(),
        created_at: now,
        expires_at: now + validity,
    };
    w.put(&token_digest(&token), &link)?;
    Ok(token)
}

/// Looks a link up without using it (the page a GET shows before its button): mail
/// scanners open links first, so opening one must change nothing. `None` when the link is
/// unknown or expired.
pub fn peek(
    r: &impl ReadTx,
    token: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<AccountLink>> {
    if token.is_empty() {
        return Ok(None);
    }
    let link = r.get::<AccountLink>(&token_digest(token))?;
    Ok(link.filter(|l| l.expires_at > now))
}

/// Uses a link: it is deleted whatever it was, and returned only if it was still valid.
pub fn consume(
    w: &mut Writer,
    token: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<AccountLink>> {
    if token.is_empty() {
        return Ok(None);
    }
    let digest = token_digest(token);
    let Some(link) = w.get::<AccountLink>(&digest)? else {
        return Ok(None);
    };
    w.delete::<AccountLink>(&digest)?;
    Ok((link.expires_at > now).then_some(link))
}

/// Deletes the account's links of one kind (an older e-mail confirmation, say) and every
/// expired link met on the way, so the table stays small.
pub fn revoke(
    w: &mut Writer,
    account: &str,
    same_kind: impl Fn(&LinkPurpose) -> bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for (digest, link) in w.scan::<AccountLink>("")? {
        let mine = link.account == account && same_kind(&link.purpose);
        if mine || link.expires_at <= now {
            w.delete::<AccountLink>(&digest)?;
        }
    }
    Ok(())
}

/// Deletes every expired link (called on each request that issues one).
pub fn prune_expired(w: &mut Writer, now: DateTime<Utc>) -> anyhow::Result<()> {
    revoke(w, "", |_| false, now)
}

/// The URL of a link, from the configured base URL (never from the request's Host).
pub fn url(base_url: &str, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", base_url.trim_end_matches('/'))
}
