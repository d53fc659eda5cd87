//! A household's passkeys, from its own 個人情報管理: registering one and deleting one both
//! need the current password (a session alone must not be enough), mail the household
//! (the passkey's name only) and are audited. Staff may delete them from the household's
//! page. Password recovery never touches them.

use chrono::{DateTime, Utc};
use webauthn_rs::prelude::{RegisterPublicKeyCredential, Webauthn};

pub use super::registration::PasskeyError;
use super::{MAX_PER_OWNER, Owner, StoredPasskey, of_owner};
use crate::audit::{Action, Actor, AuditEntry};
use crate::auth::model::{Account, HouseholdState};
use crate::auth::reauth::{self, Reauth};
use crate::clock::format_jst;
use crate::domain::member::HouseholdKey;
use crate::mail::{outbox, templates};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Store, Writer};

/// The logged-in household.
#[derive(Clone)]
pub struct Member {
    /// The account's normalised user ID.
    pub user_key: String,
    pub household: HouseholdKey,
}

/// What the household's mails are signed with, and the time as they print it.
fn names_and_time(w: &Writer, now: DateTime<Utc>) -> anyhow::Result<(UnionSettings, String)> {
    let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    Ok((settings, format_jst(now)))
}

async fn confirm_password(
    store: &Store,
    member: &Member,
    password: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<(), PasskeyError> {
    let attempt = reauth::Attempt {
        user_key: member.user_key.clone(),
        now,
        client,
        failed_action: Action::PasskeyChangeFailed,
    };
    match reauth::check(store, password, attempt).await? {
        Reauth::Confirmed { .. } => Ok(()),
        Reauth::Wrong => Err(PasskeyError::WrongPassword),
        Reauth::Locked => Err(PasskeyError::Locked),
    }
}

/// 「パスキーを登録する」: checks the name, the count and the current password, then starts
/// the ceremony. Returns the token and the options for `navigator.credentials.create`.
pub async fn start_registration(
    store: &Store,
    rp: Webauthn,
    member: Member,
    raw_name: &str,
    password: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<(String, serde_json::Value), PasskeyError> {
    let name = super::parse_name(raw_name).map_err(PasskeyError::Name)?;
    let owner = Owner::Household(member.household.clone());
    let lookup = owner.clone();
    let count = store
        .read(move |r| anyhow::Ok(of_owner(r, &lookup)?.len()))
        .await?;
    if count >= MAX_PER_OWNER {
        return Err(PasskeyError::TooMany);
    }
    confirm_password(store, &member, password, now, client).await?;
    let user_name = member.user_key.clone();
    store
        .write(move |w| super::registration::start_in(w, &rp, owner, &user_name, name, now))
        .await?
}

/// The browser's answer to [`start_registration`]: verified by the library, stored, mailed
/// to the household and audited.
pub async fn finish_registration(
    store: &Store,
    rp: Webauthn,
    member: Member,
    token: String,
    credential: RegisterPublicKeyCredential,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<String, PasskeyError> {
    store
        .write(move |w| -> anyhow::Result<Result<String, PasskeyError>> {
            let owner = Owner::Household(member.household.clone());
            let stored =
                match super::registration::finish_in(w, &rp, &owner, &token, &credential, now)? {
                    Ok(stored) => stored,
                    Err(e) => return Ok(Err(e)),
                };
            AuditEntry::new(
                now,
                Actor::Member(member.user_key.clone()),
                Action::PasskeyRegistered,
            )
            .target(member.household.to_string())
            .client(client)
            .detail(stored.name.clone())
            .record(w)?;
            let account = reauth::account(w, &member.user_key)?;
            let (settings, at) = names_and_time(w, now)?;
            let names = templates::MailNames::of(&settings);
            let mail = templates::passkey_registered(&account.email, names, &stored.name, &at);
            outbox::enqueue(w, mail, now)?;
            Ok(Ok(stored.name))
        })
        .await?
}

/// 削除: the current password, then the passkey goes; the household is mailed.
pub async fn delete(
    store: &Store,
    member: Member,
    id: String,
    password: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> Result<String, PasskeyError> {
    confirm_password(store, &member, password, now, client.clone()).await?;
    store
        .write(move |w| -> anyhow::Result<Result<String, PasskeyError>> {
            let owner = Owner::Household(member.household.clone());
            let Some(gone) = super::remove(w, &owner, &id)? else {
                return Ok(Err(PasskeyError::NotFound));
            };
            AuditEntry::new(
                now,
                Actor::Member(member.user_key.clone()),
                Action::PasskeyDeleted,
            )
            .target(member.household.to_string())
            .client(client)
            .detail(gone.name.clone())
            .record(w)?;
            let account = reauth::account(w, &member.user_key)?;
            mail_deletion(w, &account, std::slice::from_ref(&gone.name), now)?;
            Ok(Ok(gone.name))
        })
        .await?
}

fn mail_deletion(
    w: &mut Writer,
    account: &Account,
    names_deleted: &[String],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let (settings, at) = names_and_time(w, now)?;
    let names = templates::MailNames::of(&settings);
    let mail = templates::passkeys_deleted(&account.email, names, names_deleted, &at);
    outbox::enqueue(w, mail, now)?;
    Ok(())
}

/// The household's passkeys, for its 個人情報管理 and for the staff's household page.
pub async fn list(store: &Store, household: HouseholdKey) -> anyhow::Result<Vec<StoredPasskey>> {
    store
        .read(move |r| of_owner(r, &Owner::Household(household)))
        .await
}

/// Staff delete every passkey of a household (a lost phone, a family that left): audited
/// with the staff member as actor, and mailed to the household. The household's sessions
/// end too: one may be open on the lost phone. Returns how many passkeys went and how many
/// sessions ended.
pub async fn delete_all_by_staff(
    store: &Store,
    household: HouseholdKey,
    actor: String,
    now: DateTime<Utc>,
    client: Option<String>,
) -> anyhow::Result<(usize, u64)> {
    store
        .write(move |w| {
            let owner = Owner::Household(household.clone());
            let gone = super::remove_all(w, &owner)?;
            if gone.is_empty() {
                return Ok((0, 0));
            }
            let ended = crate::auth::session::end_household(w, &household, None)?;
            AuditEntry::new(now, actor, Action::PasskeyDeleted)
                .target(household.to_string())
                .client(client)
                .detail(gone.join("、"))
                .record(w)?;
            let state = w.get::<HouseholdState>(&crate::store::StoreKey::store_key(&household))?;
            if let Some(user_key) = state.and_then(|s| s.account)
                && let Some(account) = w.get::<Account>(&user_key)?
            {
                mail_deletion(w, &account, &gone, now)?;
            }
            Ok((gone.len(), ended))
        })
        .await
}
