//! Registering a passkey, for a household or a staff member alike: the ceremony's start
//! (a discoverable credential is asked for) and its verified answer, stored.

use chrono::{DateTime, Utc};
use serde_json::Value;
use webauthn_rs::prelude::{Passkey, RegisterPublicKeyCredential, Webauthn};

use super::ceremony::{self, Purpose};
use super::{MAX_PER_OWNER, Owner, StoredPasskey, of_owner};
use crate::store::Writer;

#[derive(Debug, thiserror::Error)]
pub enum PasskeyError {
    /// The name is refused; the message goes beside the name field.
    #[error("{0}")]
    Name(&'static str),
    #[error("現在のパスワードが正しくありません。")]
    WrongPassword,
    /// A wrong current password locked the account and ended the household's sessions.
    #[error("ロックされました")]
    Locked,
    #[error(
        "パスキーは1つのアカウントにつき10個まで登録できます。使っていないパスキーを削除してから登録してください。"
    )]
    TooMany,
    /// The browser's answer did not verify, came too late or came twice.
    #[error("パスキーを確認できませんでした。お手数ですが、もう一度お試しください。")]
    Refused,
    #[error("そのパスキーは見つかりませんでした。")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl PasskeyError {
    /// The form field the message belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            PasskeyError::Name(_) | PasskeyError::TooMany => "passkey_name",
            PasskeyError::WrongPassword | PasskeyError::Locked => "passkey_password",
            _ => "passkey",
        }
    }
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
pub fn start_in(
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
pub fn finish_in(
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
