//! 「パスキーでログイン」: a discoverable credential names its owner (the user handle), so
//! nothing is typed. Members land where a password login would (forced password changes
//! included); staff only while the 管理者 allows passkey-only logins. Every refusal is the
//! same `LoginError::Invalid`.

use chrono::{DateTime, Utc};
use serde_json::Value;
use webauthn_rs::prelude::{AuthenticationResult, DiscoverableKey, PublicKeyCredential, Webauthn};

use super::ceremony::{self, Purpose};
use super::{Owner, of_owner};
use crate::audit::{Action, Actor, AuditEntry};
use crate::auth::login_outcome::{LoggedIn, LoginError};
pub use crate::auth::member_login::Attempt;
use crate::auth::member_login::succeed;
use crate::auth::model::{Account, HouseholdState, StaffAccount};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Store, Writer};

/// Starts a discoverable login; returns the token and the options for
/// `navigator.credentials.get` (a plain modal request: the button asks for it).
pub async fn start(
    store: &Store,
    rp: Webauthn,
    staff: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<(String, Value)> {
    store
        .write(move |w| {
            let (rcr, state) = rp
                .start_discoverable_authentication()
                .map_err(|e| anyhow::anyhow!("cannot start a passkey login: {e:?}"))?;
            let mut options = serde_json::to_value(&rcr)?;
            if let Some(o) = options.as_object_mut() {
                o.remove("mediation");
            }
            let token = ceremony::start(w, Purpose::Login { staff, state }, now)?;
            Ok((token, options))
        })
        .await
}

/// Writes back the counter and backup state the library checked, and the last use.
pub(super) fn record_use(
    w: &mut Writer,
    owner: &Owner,
    result: &AuthenticationResult,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let id = super::credential_id(result.cred_id().as_ref());
    let row = format!("{}{id}", owner.prefix());
    if let Some(mut stored) = w.get::<super::StoredPasskey>(&row)? {
        stored.passkey.update_credential(result);
        stored.last_used_at = Some(now);
        super::update(w, &stored)?;
    }
    Ok(())
}

/// The ceremony's answer checked against the passkeys of the owner it names: the owner,
/// or `None` (with the reason, for the audit row) when it does not verify.
fn verify(
    w: &mut Writer,
    rp: &Webauthn,
    token: &str,
    staff: bool,
    credential: &PublicKeyCredential,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<Owner, &'static str>> {
    let Some(Purpose::Login {
        staff: for_staff,
        state,
    }) = ceremony::take(w, token, now)?
    else {
        return Ok(Err("no such ceremony, used or expired"));
    };
    if for_staff != staff {
        return Ok(Err("ceremony of the other login"));
    }
    let Ok((handle, _)) = rp.identify_discoverable_authentication(credential) else {
        return Ok(Err("no user handle"));
    };
    let Some(owner) = super::owner_of_handle(w, &handle)? else {
        return Ok(Err("unknown user handle"));
    };
    let keys: Vec<DiscoverableKey> = of_owner(w, &owner)?
        .iter()
        .map(|p| DiscoverableKey::from(&p.passkey))
        .collect();
    let result = match rp.finish_discoverable_authentication(credential, state, &keys) {
        Ok(r) => r,
        Err(e) => {
            tracing::info!("refused a passkey login: {e:?}");
            return Ok(Err("verification failed"));
        }
    };
    record_use(w, &owner, &result, now)?;
    Ok(Ok(owner))
}

fn refuse(
    w: &mut Writer,
    why: &str,
    actor: String,
    client: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<LoggedIn, LoginError>> {
    AuditEntry::new(now, actor, Action::PasskeyLoginFailed)
        .client(client)
        .detail(why)
        .record(w)?;
    Ok(Err(LoginError::Invalid))
}

/// A member's answer: a session, as after a right password.
pub async fn finish_member(
    store: &Store,
    rp: Webauthn,
    token: String,
    credential: PublicKeyCredential,
    attempt: Attempt,
) -> Result<LoggedIn, LoginError> {
    store
        .write(move |w| -> anyhow::Result<Result<LoggedIn, LoginError>> {
            let now = attempt.now;
            let client = attempt.client.clone();
            let unknown = Actor::UnknownMember.to_string();
            let household = match verify(w, &rp, &token, false, &credential, now)? {
                Ok(Owner::Household(h)) => h,
                Ok(Owner::Staff(_)) => return refuse(w, "a staff passkey", unknown, client, now),
                Err(why) => return refuse(w, why, unknown, client, now),
            };
            let user_key = w
                .get::<HouseholdState>(&crate::store::StoreKey::store_key(&household))?
                .and_then(|s| s.account);
            let account = match &user_key {
                Some(k) => w.get::<Account>(k)?,
                None => None,
            };
            let (Some(key), Some(account)) = (user_key, account) else {
                return refuse(w, "no account", unknown, client, now);
            };
            let actor = Actor::member(Some(&key)).to_string();
            if account.lock(now).is_locked() {
                return refuse(w, "locked", actor, client, now);
            }
            let attempt = Attempt { key, ..attempt };
            succeed(w, &attempt, account, "passkey")
        })
        .await?
}

/// A staff member's answer, taken only while the union allows passkey-only staff logins.
pub async fn finish_staff(
    store: &Store,
    rp: Webauthn,
    token: String,
    credential: PublicKeyCredential,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<LoggedIn, LoginError> {
    store
        .write(move |w| -> anyhow::Result<Result<LoggedIn, LoginError>> {
            let unknown = Actor::UnknownStaff.to_string();
            let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            if !settings.staff_passkey_login {
                return refuse(w, "passkey-only staff login is off", unknown, client, now);
            }
            let login = match verify(w, &rp, &token, true, &credential, now)? {
                Ok(Owner::Staff(login)) => login,
                Ok(Owner::Household(_)) => {
                    return refuse(w, "a member's passkey", unknown, client, now);
                }
                Err(why) => return refuse(w, why, unknown, client, now),
            };
            let actor = Actor::staff(&login).to_string();
            let account = w.get::<StaffAccount>(&login)?;
            let Some(account) = account.filter(|a| !a.disabled && !a.lock(now).is_locked()) else {
                return refuse(w, "disabled or locked", actor, client, now);
            };
            let entry = AuditEntry::new(now, actor, Action::StaffLoginSucceeded)
                .client(client)
                .detail("passkey only");
            Ok(Ok(LoggedIn::staff(w, &login, account, entry, now)?))
        })
        .await?
}
