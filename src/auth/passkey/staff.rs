//! Staff passkeys: registered and deleted by each staff member on their own 二要素認証
//! page (with the current password), used as the second factor wherever a TOTP code is
//! accepted, and counted as one by 「職員の二要素認証を必須にする」.

use chrono::{DateTime, Utc};
use serde_json::Value;
use webauthn_rs::prelude::{RegisterPublicKeyCredential, Webauthn};

use super::registration::PasskeyError;
use super::{Owner, StoredPasskey, of_owner};
use crate::audit::{Action, Actor, AuditEntry};
use crate::auth::failures::count_failure;
use crate::auth::hash;
use crate::auth::model::StaffAccount;
use crate::store::{Store, Writer};

/// Checks a staff member's current password; a wrong one counts like a wrong login.
async fn confirm_password(
    store: &Store,
    key: &str,
    password: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<(), PasskeyError> {
    let lookup = key.to_string();
    let account = store
        .read(move |r| r.get::<StaffAccount>(&lookup))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the session's staff account is gone"))?;
    let waits = crate::auth::staff_login::account_waits(&account, now);
    let right = hash::verify(password, Some(account.password_hash.clone())).await;
    if right && !waits {
        return Ok(());
    }
    let key = key.to_string();
    store
        .write(move |w| -> anyhow::Result<()> {
            AuditEntry::new(now, Actor::staff(&key), Action::PasskeyChangeFailed)
                .target(Actor::staff(&key).to_string())
                .client(client.clone())
                .record(w)?;
            if let (false, Some(mut account)) = (waits, w.get::<StaffAccount>(&key)?) {
                count_failure(w, &key, &mut account, client, now)?;
            }
            Ok(())
        })
        .await?;
    Err(PasskeyError::WrongPassword)
}

/// A staff member starts registering a passkey of their own.
pub async fn start_registration(
    store: &Store,
    rp: Webauthn,
    login: &str,
    raw_name: &str,
    password: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<(String, Value), PasskeyError> {
    let name = super::parse_name(raw_name).map_err(PasskeyError::Name)?;
    let key = login.to_ascii_lowercase();
    confirm_password(store, &key, password, now, client).await?;
    store
        .write(move |w| {
            super::registration::start_in(w, &rp, Owner::Staff(key.clone()), &key, name, now)
        })
        .await?
}

/// The answer to [`start_registration`]; audited.
pub async fn finish_registration(
    store: &Store,
    rp: Webauthn,
    login: &str,
    token: String,
    credential: RegisterPublicKeyCredential,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<String, PasskeyError> {
    let key = login.to_ascii_lowercase();
    store
        .write(move |w| -> anyhow::Result<Result<String, PasskeyError>> {
            let owner = Owner::Staff(key.clone());
            let stored =
                match super::registration::finish_in(w, &rp, &owner, &token, &credential, now)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
            AuditEntry::new(now, Actor::staff(&key), Action::PasskeyRegistered)
                .target(Actor::staff(&key).to_string())
                .client(client)
                .detail(stored.name.clone())
                .record(w)?;
            Ok(Ok(stored.name))
        })
        .await?
}

/// A staff member deletes one of their passkeys (current password first).
pub async fn delete(
    store: &Store,
    login: &str,
    id: String,
    password: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<String, PasskeyError> {
    let key = login.to_ascii_lowercase();
    confirm_password(store, &key, password, now, client.clone()).await?;
    store
        .write(move |w| -> anyhow::Result<Result<String, PasskeyError>> {
            let Some(gone) = super::remove(w, &Owner::Staff(key.clone()), &id)? else {
                return Ok(Err(PasskeyError::NotFound));
            };
            AuditEntry::new(now, Actor::staff(&key), Action::PasskeyDeleted)
                .target(Actor::staff(&key).to_string())
                .client(client)
                .detail(gone.name.clone())
                .record(w)?;
            Ok(Ok(gone.name))
        })
        .await?
}

/// A 管理者 removes a staff member's passkeys with their TOTP (a lost phone); audited.
pub fn remove_all_by_admin(
    w: &mut Writer,
    login: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let key = login.to_ascii_lowercase();
    let gone = super::remove_all(w, &Owner::Staff(key.clone()))?;
    if !gone.is_empty() {
        AuditEntry::new(now, actor, Action::PasskeyDeleted)
            .target(Actor::staff(&key).to_string())
            .detail(gone.join("、"))
            .record(w)?;
    }
    Ok(())
}

/// A deleted staff account: its passkeys (audited) and its user handle go.
pub fn forget(w: &mut Writer, login: &str, actor: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    remove_all_by_admin(w, login, actor, now)?;
    super::forget_handle(w, &Owner::Staff(login.to_ascii_lowercase()))
}

/// A staff member's passkeys, for their 二要素認証 page.
pub async fn list(store: &Store, login: &str) -> anyhow::Result<Vec<StoredPasskey>> {
    let owner = Owner::Staff(login.to_ascii_lowercase());
    store.read(move |r| of_owner(r, &owner)).await
}
