//! Staff passkeys: registered and deleted by each staff member on their own 二要素認証
//! page (with the current password), used as the second factor wherever a TOTP code is
//! accepted, and counted as one by 「職員の二要素認証を必須にする」.

use chrono::{DateTime, Utc};
use serde_json::Value;
use webauthn_rs::prelude::{Passkey, RegisterPublicKeyCredential, Webauthn};

use super::ceremony::{self, Purpose};
use super::member::PasskeyError;
use super::{MAX_PER_OWNER, Owner, StoredPasskey, of_owner};
use crate::audit::{Action, Actor, AuditEntry};
use crate::auth::failures::count_failure;
use crate::auth::hash;
use crate::auth::model::StaffAccount;
use crate::store::{ReadTx, Store, Writer};

/// Whether the staff account has a second factor: TOTP or at least one passkey.
pub fn has_second_factor(r: &impl ReadTx, account: &StaffAccount) -> anyhow::Result<bool> {
    Ok(account.totp.is_some() || has_passkeys(r, &account.login)?)
}

/// Whether `login` has a passkey.
pub fn has_passkeys(r: &impl ReadTx, login: &str) -> anyhow::Result<bool> {
    Ok(!of_owner(r, &Owner::Staff(login.to_ascii_lowercase()))?.is_empty())
}

/// Options for `navigator.credentials.create`, asking for a discoverable credential (the
/// login screens' 「パスキーでログイン」 finds it without an ID being typed).
fn creation_options(ccr: &impl serde::Serialize) -> anyhow::Result<Value> {
    let mut options = serde_json::to_value(ccr)?;
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = Value::from("required");
        selection["requireResidentKey"] = Value::from(true);
    }
    Ok(options)
}

/// Starts a registration for `owner` inside the caller's transaction.
pub(super) fn start_registration_in(
    w: &mut Writer,
    rp: &Webauthn,
    owner: Owner,
    user_name: &str,
    name: String,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<(String, Value), PasskeyError>> {
    let existing = of_owner(w, &owner)?;
    if existing.len() >= MAX_PER_OWNER {
        return Ok(Err(PasskeyError::TooMany));
    }
    let handle = super::user_handle(w, &owner)?;
    let exclude = existing
        .iter()
        .map(|p| p.passkey.cred_id().clone())
        .collect();
    let (ccr, state) = rp
        .start_passkey_registration(handle, user_name, &name, Some(exclude))
        .map_err(|e| anyhow::anyhow!("cannot start a passkey registration: {e:?}"))?;
    let options = creation_options(&ccr)?;
    let purpose = Purpose::Register { owner, name, state };
    let token = ceremony::start(w, purpose, now)?;
    Ok(Ok((token, options)))
}

/// Verifies and stores the answer to a registration of `owner`.
pub(super) fn finish_registration_in(
    w: &mut Writer,
    rp: &Webauthn,
    owner: &Owner,
    token: &str,
    credential: &RegisterPublicKeyCredential,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<StoredPasskey, PasskeyError>> {
    let Some(Purpose::Register {
        owner: started_for,
        name,
        state,
    }) = ceremony::take(w, token, now)?
    else {
        return Ok(Err(PasskeyError::Refused));
    };
    if &started_for != owner {
        return Ok(Err(PasskeyError::Refused));
    }
    let passkey: Passkey = match rp.finish_passkey_registration(credential, &state) {
        Ok(p) => p,
        Err(e) => {
            tracing::info!("refused a passkey registration: {e:?}");
            return Ok(Err(PasskeyError::Refused));
        }
    };
    let id = super::credential_id(passkey.cred_id().as_ref());
    if super::is_registered(w, &id)? {
        return Ok(Err(PasskeyError::Refused));
    }
    if of_owner(w, owner)?.len() >= MAX_PER_OWNER {
        return Ok(Err(PasskeyError::TooMany));
    }
    let stored = StoredPasskey {
        owner: owner.clone(),
        name,
        passkey,
        created_at: now,
        last_used_at: None,
    };
    super::insert(w, &stored)?;
    Ok(Ok(stored))
}

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
        .write(move |w| start_registration_in(w, &rp, Owner::Staff(key.clone()), &key, name, now))
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
            let stored = match finish_registration_in(w, &rp, &owner, &token, &credential, now)? {
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

/// A staff member's passkeys, for their 二要素認証 page.
pub async fn list(store: &Store, login: &str) -> anyhow::Result<Vec<StoredPasskey>> {
    let owner = Owner::Staff(login.to_ascii_lowercase());
    store.read(move |r| of_owner(r, &owner)).await
}
