//! A staff passkey as the second factor of a login whose password was right: the code
//! step's 「パスキーで確認」 starts a ceremony limited to that staff member's passkeys; its
//! answer ends the code step like a right TOTP code.

use chrono::{DateTime, Utc};
use serde_json::Value;
use webauthn_rs::prelude::{Passkey, PublicKeyCredential, Webauthn};

use super::ceremony::{self, Purpose};
use super::{Owner, of_owner};
use crate::audit::{Action, Actor, AuditEntry};
use crate::auth::failures::count_failure;
use crate::auth::login_outcome::LoggedIn;
use crate::auth::model::StaffAccount;
use crate::auth::tokens::token_digest;
use crate::auth::totp::{CHALLENGE_MINUTES, CodeError, StaffChallenge};
use crate::store::{Store, Writer};

/// The live code step of `challenge_token`, if any: its digest and login.
fn live_challenge(
    w: &Writer,
    challenge_digest: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<StaffChallenge>> {
    let found = w.get::<StaffChallenge>(challenge_digest)?;
    Ok(found.filter(|c| now - c.created_at <= chrono::Duration::minutes(CHALLENGE_MINUTES)))
}

/// The code step's 「パスキーで確認」: a ceremony limited to this staff member's passkeys.
pub async fn start(
    store: &Store,
    rp: Webauthn,
    challenge_token: &str,
    now: DateTime<Utc>,
) -> Result<(String, Value), CodeError> {
    let challenge = token_digest(challenge_token);
    store
        .write(
            move |w| -> anyhow::Result<Result<(String, Value), CodeError>> {
                let Some(live) = live_challenge(w, &challenge, now)? else {
                    return Ok(Err(CodeError::Gone));
                };
                let keys: Vec<Passkey> = of_owner(w, &Owner::Staff(live.login.clone()))?
                    .into_iter()
                    .map(|p| p.passkey)
                    .collect();
                if keys.is_empty() {
                    return Ok(Err(CodeError::Gone));
                }
                let (rcr, state) = rp
                    .start_passkey_authentication(&keys)
                    .map_err(|e| anyhow::anyhow!("cannot start a passkey check: {e:?}"))?;
                let options = serde_json::to_value(&rcr)?;
                let purpose = Purpose::SecondFactor {
                    login: live.login,
                    challenge,
                    state,
                };
                Ok(Ok((ceremony::start(w, purpose, now)?, options)))
            },
        )
        .await?
}

/// The answer to [`start`]: a session, like a right TOTP code.
pub async fn finish(
    store: &Store,
    rp: Webauthn,
    token: String,
    credential: PublicKeyCredential,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<LoggedIn, CodeError> {
    store
        .write(move |w| -> anyhow::Result<Result<LoggedIn, CodeError>> {
            let Some(Purpose::SecondFactor {
                login,
                challenge,
                state,
            }) = ceremony::take(w, &token, now)?
            else {
                return Ok(Err(CodeError::Gone));
            };
            let Some(_) = live_challenge(w, &challenge, now)? else {
                return Ok(Err(CodeError::Gone));
            };
            let account = w.get::<StaffAccount>(&login)?;
            let Some(mut account) = account.filter(|a| !a.disabled && !a.lock(now).is_locked())
            else {
                w.delete::<StaffChallenge>(&challenge)?;
                return Ok(Err(CodeError::Gone));
            };
            let actor = Actor::staff(&login).to_string();
            let result = match rp.finish_passkey_authentication(&credential, &state) {
                Ok(result) => result,
                Err(e) => {
                    tracing::info!("refused a staff passkey: {e:?}");
                    AuditEntry::new(now, actor, Action::StaffCodeFailed)
                        .client(client.clone())
                        .detail("passkey")
                        .record(w)?;
                    count_failure(w, &login, &mut account, client, now)?;
                    return Ok(Err(CodeError::Wrong));
                }
            };
            super::login::record_use(w, &Owner::Staff(login.clone()), &result, now)?;
            w.delete::<StaffChallenge>(&challenge)?;
            let entry = AuditEntry::new(now, actor, Action::StaffLoginSucceeded)
                .client(client)
                .detail("passkey as second factor");
            Ok(Ok(LoggedIn::staff(w, &login, account, entry, now)?))
        })
        .await?
}
