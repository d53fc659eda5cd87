//! Passkeys (WebAuthn, through the kanidm project's `webauthn-rs`): what the data file keeps,
//! the relying party, and the ceremonies waiting for a browser's answer.
//!
//! A passkey is an addition to the password, never a replacement: members may register up
//! to [`MAX_PER_OWNER`] per household account and log in with one (a discoverable
//! credential, no ID typed); staff use one as their second factor, or alone when the
//! union's 管理者 allows it. The relying party ID is the host of `--base-url`. Each
//! ceremony's state (the challenge) is kept here in the data file, used once and for
//! [`CEREMONY_MINUTES`] at most; the counters and backup flags each passkey reports are
//! checked by the library and stored after every use (`Passkey::update_credential`).

pub mod ceremony;
pub mod login;
pub mod member;
pub mod registration;
pub mod second_factor;
pub mod staff;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{Passkey, Url, Uuid, Webauthn, WebauthnBuilder};

use crate::domain::member::HouseholdKey;
use crate::store::{ReadTx, Record, Writer, key, tables};

pub use ceremony::CEREMONY_MINUTES;

/// Passkeys per household account (the family shares it) and per staff account.
pub const MAX_PER_OWNER: usize = 10;
/// Longest name a passkey may be given (「母のiPhone」).
pub const NAME_MAX_CHARS: usize = 30;

/// Whose passkey it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Owner {
    Household(HouseholdKey),
    /// A staff account, by its lower-case login.
    Staff(String),
}

impl Owner {
    /// The prefix of this owner's rows in `passkeys` (and its row in `passkey_links`).
    pub fn prefix(&self) -> String {
        match self {
            Owner::Household(h) => format!("{}{}", key(&["h", &h.symbol, &h.number]), KEY_END),
            Owner::Staff(login) => format!("{}{}", key(&["s", login]), KEY_END),
        }
    }
}

const KEY_END: char = crate::store::KEY_SEP;

/// One registered passkey. No `Debug`: it holds the credential's public key and counters.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredPasskey {
    pub owner: Owner,
    /// The name its owner typed.
    pub name: String,
    /// The library's credential: public key, counter, backup-eligible and backup-state flags.
    pub passkey: Passkey,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Record for StoredPasskey {
    const TABLE: &'static str = tables::PASSKEYS;
}

impl StoredPasskey {
    /// The credential ID, base64url: the last part of the row's key, and the form's value.
    pub fn id(&self) -> String {
        credential_id(self.passkey.cred_id().as_ref())
    }
}

/// A credential ID as the keys and forms carry it.
pub fn credential_id(raw: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// `c␟credential` and `u␟user handle` name an owner; `o␟owner` names its user handle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasskeyLink {
    pub owner: Owner,
    /// The WebAuthn user handle (a random UUID, never a name or an ID).
    pub handle: String,
}

impl Record for PasskeyLink {
    const TABLE: &'static str = tables::PASSKEY_LINKS;
}

fn credential_link(id: &str) -> String {
    key(&["c", id])
}

fn handle_link(handle: &Uuid) -> String {
    key(&["u", &handle.to_string()])
}

fn owner_link(owner: &Owner) -> String {
    format!("o{KEY_END}{}", owner.prefix())
}

/// The data-format step from 5: the upgrade creates the (empty) passkey tables itself.
pub fn add_tables(_w: &mut Writer) -> anyhow::Result<()> {
    Ok(())
}

/// The relying party of `base_url` (`--base-url`): its host is the RP ID, its origin the
/// only origin accepted. `None` when passkeys cannot work there: a browser refuses an IP
/// address as RP ID, so a portal served as `http://127.0.0.1:8080` shows no passkey button.
pub fn relying_party(base_url: &str, service_name: &str) -> Option<Webauthn> {
    let url = Url::parse(base_url).ok()?;
    let host = match url.host()? {
        url::Host::Domain(d) => d.to_string(),
        _ => return None,
    };
    let origin = Url::parse(&url.origin().ascii_serialization()).ok()?;
    let name = if service_name.is_empty() {
        crate::settings::DEFAULT_SERVICE_NAME
    } else {
        service_name
    };
    WebauthnBuilder::new(&host, &origin)
        .ok()?
        .rp_name(name)
        .build()
        .ok()
}

/// Whether the staff account has a second factor: TOTP or at least one passkey.
pub fn has_second_factor(
    r: &impl ReadTx,
    account: &crate::auth::model::StaffAccount,
) -> anyhow::Result<bool> {
    Ok(account.totp.is_some() || has_passkeys(r, &account.login)?)
}

/// Whether `login` has a passkey.
pub fn has_passkeys(r: &impl ReadTx, login: &str) -> anyhow::Result<bool> {
    Ok(!of_owner(r, &Owner::Staff(login.to_ascii_lowercase()))?.is_empty())
}

/// The owner's passkeys, oldest first.
pub fn of_owner(r: &impl ReadTx, owner: &Owner) -> anyhow::Result<Vec<StoredPasskey>> {
    let mut found: Vec<StoredPasskey> = r
        .scan::<StoredPasskey>(&owner.prefix())?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    found.sort_by_key(|p| p.created_at);
    Ok(found)
}

/// The owner's user handle, made (and linked both ways) on first use.
pub fn user_handle(w: &mut Writer, owner: &Owner) -> anyhow::Result<Uuid> {
    if let Some(link) = w.get::<PasskeyLink>(&owner_link(owner))? {
        return Ok(Uuid::parse_str(&link.handle)?);
    }
    let handle = Uuid::new_v4();
    let link = PasskeyLink {
        owner: owner.clone(),
        handle: handle.to_string(),
    };
    w.put(&owner_link(owner), &link)?;
    w.put(&handle_link(&handle), &link)?;
    Ok(handle)
}

/// Removes the owner's user handle (both links); a later owner of the same name gets a new one.
pub fn forget_handle(w: &mut Writer, owner: &Owner) -> anyhow::Result<()> {
    if let Some(link) = w.get::<PasskeyLink>(&owner_link(owner))? {
        w.delete::<PasskeyLink>(&owner_link(owner))?;
        if let Ok(handle) = Uuid::parse_str(&link.handle) {
            w.delete::<PasskeyLink>(&handle_link(&handle))?;
        }
    }
    Ok(())
}

/// Who a user handle belongs to.
pub fn owner_of_handle(r: &impl ReadTx, handle: &Uuid) -> anyhow::Result<Option<Owner>> {
    Ok(r.get::<PasskeyLink>(&handle_link(handle))?.map(|l| l.owner))
}

/// Whether a credential ID is registered to anyone (the library asks that none be twice).
pub fn is_registered(r: &impl ReadTx, id: &str) -> anyhow::Result<bool> {
    Ok(r.get::<PasskeyLink>(&credential_link(id))?.is_some())
}

/// Stores a new passkey and its credential link.
pub fn insert(w: &mut Writer, stored: &StoredPasskey) -> anyhow::Result<()> {
    let id = stored.id();
    w.put(&format!("{}{id}", stored.owner.prefix()), stored)?;
    let link = PasskeyLink {
        owner: stored.owner.clone(),
        handle: String::new(),
    };
    w.put(&credential_link(&id), &link)
}

/// Writes back a passkey after use (counter, backup state, last use).
pub fn update(w: &mut Writer, stored: &StoredPasskey) -> anyhow::Result<()> {
    w.put(&format!("{}{}", stored.owner.prefix(), stored.id()), stored)
}

/// Deletes one passkey of `owner`; returns it if it was there.
pub fn remove(w: &mut Writer, owner: &Owner, id: &str) -> anyhow::Result<Option<StoredPasskey>> {
    let row = format!("{}{id}", owner.prefix());
    let Some(found) = w.get::<StoredPasskey>(&row)? else {
        return Ok(None);
    };
    w.delete::<StoredPasskey>(&row)?;
    w.delete::<PasskeyLink>(&credential_link(id))?;
    Ok(Some(found))
}

/// Deletes every passkey of `owner`; returns their names.
pub fn remove_all(w: &mut Writer, owner: &Owner) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for stored in of_owner(w, owner)? {
        remove(w, owner, &stored.id())?;
        names.push(stored.name);
    }
    Ok(names)
}

/// A passkey's name as typed: trimmed, 1 to [`NAME_MAX_CHARS`] characters, no control
/// characters. The message is shown beside the field.
pub fn parse_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("パスキーの名前を入力してください（例：母のiPhone）。");
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err("パスキーの名前は30文字以内で入力してください。");
    }
    if name.chars().any(char::is_control) {
        return Err("パスキーの名前に使えない文字が含まれています。");
    }
    Ok(name.to_string())
}

/// Last use and registration dates, as the lists show them (Japan time).
pub struct PasskeyRow {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<StoredPasskey> for PasskeyRow {
    fn from(p: StoredPasskey) -> PasskeyRow {
        PasskeyRow {
            id: p.id(),
            name: p.name,
            created_at: p.created_at,
            last_used_at: p.last_used_at,
        }
    }
}

#[cfg(test)]
mod tests;
