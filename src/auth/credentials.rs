//! Temporary credentials for the postcard (SPEC §3.1, §6.3): issue and re-issue.
//! The plain temporary password exists only in the returned postcards (and so the file).

use std::collections::HashSet;
use std::ops::ControlFlow;

use chrono::{DateTime, Duration, Utc};

use super::hash;
use super::model::{HouseholdState, TemporaryCredential};
use super::tokens::{temporary_id, temporary_password};
use crate::audit::{Action, AuditEntry};
use crate::domain::member::{HouseholdKey, Person};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Reader, Record, Store, StoreKey as _, tables};

mod file;
pub use file::postcards_csv;

/// One issue of postcards, for the staff list (who, when, how many): never a password.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CredentialIssue {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub count: u64,
    pub expires_at: DateTime<Utc>,
    /// The households named, when the issue was for chosen ones (empty: every unregistered).
    pub households: Vec<String>,
}

impl Record for CredentialIssue {
    const TABLE: &'static str = tables::CREDENTIAL_ISSUES;
}

/// One row of postcards.csv.
#[derive(Clone)]
pub struct Postcard {
    pub household: HouseholdKey,
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub temporary_id: String,
    pub temporary_password: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("世帯 {0} は登録されていません（記号-番号 の形で指定してください）")]
    UnknownHousehold(String),
    #[error("世帯 {0} はすでに登録済みのため、仮IDは発行できません")]
    AlreadyRegistered(String),
    #[error("組合の設定がありません。先に kenpo init を実行してください")]
    NotInitialised,
    /// Asked to stop (the server stops, or the command line went away) before the write.
    #[error(
        "kenpo serve が停止するか、コマンドが中断されたため、仮IDの発行を中止しました。\
         仮IDは1件も発行されていません（これまでの仮IDはそのまま有効です）。もう一度実行してください。"
    )]
    Cancelled,
    /// A temporary ID drawn for this issue was taken by another issue before it was stored.
    #[error(
        "別の発行と同時に実行されたため、仮IDの発行を中止しました。\
         仮IDは1件も発行されていません（これまでの仮IDはそのまま有効です）。もう一度実行してください。"
    )]
    Raced,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The insured persons of the households to issue for.
fn targets(r: &Reader, only: &[HouseholdKey]) -> Result<Vec<Person>, IssueError> {
    let mut out = Vec::new();
    if only.is_empty() {
        for (_, person) in r.scan::<Person>("")? {
            if person.is_insured() {
                let state = r
                    .get::<HouseholdState>(&person.household.store_key())?
                    .unwrap_or_default();
                if state.account.is_none() {
                    out.push(person);
                }
            }
        }
        return Ok(out);
    }
    for h in only {
        let Some(person) = super::registration::insured_person(r, h)? else {
            return Err(IssueError::UnknownHousehold(h.to_string()));
        };
        let state = r.get::<HouseholdState>(&h.store_key())?.unwrap_or_default();
        if state.account.is_some() {
            return Err(IssueError::AlreadyRegistered(h.to_string()));
        }
        out.push(person);
    }
    Ok(out)
}

/// Issues (or re-issues) temporary credentials, replacing each household's earlier pair:
/// [`prepare`], then [`Prepared::commit`]. Runs on the calling thread; `progress` gets
/// (done, total).
pub fn issue(
    store: &Store,
    only: &[HouseholdKey],
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Vec<Postcard>, IssueError> {
    let prepared = prepare(store, only, now, progress)?;
    Ok(prepared.commit(store, now, actor)?.issued)
}

/// Temporary credentials drawn and hashed but not stored: the postcards can be handed over
/// first (the command line writes its file), so that a file lost on the way never leaves
/// households with new passwords nobody holds and their old ones gone.
pub struct Prepared {
    pub postcards: Vec<Postcard>,
    hashes: Vec<String>,
    only: Vec<HouseholdKey>,
    expires_at: DateTime<Utc>,
}

/// What [`Prepared::commit`] stored.
pub struct Committed {
    pub issued: Vec<Postcard>,
    /// Households that registered while their postcard was being made: their postcard is
    /// void (nothing was stored for it).
    pub void: Vec<HouseholdKey>,
}

/// Draws each household's temporary ID (none in use) and password, and hashes the
/// passwords. Writes nothing.
pub fn prepare(
    store: &Store,
    only: &[HouseholdKey],
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Prepared, IssueError> {
    let (postcards, settings) = store.read_blocking(|r| {
        let settings = r.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
        let expires_at = now + Duration::days(settings.credential_validity_days);
        let mut postcards = Vec::new();
        let mut ids = HashSet::new();
        for person in targets(r, only)? {
            let mut id = temporary_id();
            while r.get::<TemporaryCredential>(&id)?.is_some() || !ids.insert(id.clone()) {
                id = temporary_id();
            }
            postcards.push(Postcard {
                household: person.household.clone(),
                name: person.name.clone(),
                postal_code: person.postal_code.clone().unwrap_or_default(),
                address: person.address.clone().unwrap_or_default(),
                temporary_id: id,
                temporary_password: temporary_password(),
                expires_at,
            });
        }
        Ok::<_, IssueError>((postcards, settings))
    })?;
    if !settings.is_initialised() {
        return Err(IssueError::NotInitialised);
    }
    let hashes = hash_all(&postcards, postcards.len() as u64, progress)?;
    let expires_at = now + Duration::days(settings.credential_validity_days);
    Ok(Prepared {
        postcards,
        hashes,
        only: only.to_vec(),
        expires_at,
    })
}

impl Prepared {
    /// Stores the credentials in one transaction, each replacing its household's earlier
    /// pair. A temporary ID taken since [`prepare`] (another issue at the same moment)
    /// stores nothing: [`IssueError::Raced`].
    pub fn commit(
        self,
        store: &Store,
        now: DateTime<Utc>,
        actor: &str,
    ) -> Result<Committed, IssueError> {
        let Prepared {
            postcards,
            hashes,
            only,
            expires_at,
        } = self;
        store.write_blocking(|w| {
            let (mut issued, mut void) = (Vec::with_capacity(postcards.len()), Vec::new());
            for (card, password_hash) in postcards.into_iter().zip(hashes) {
                let hkey = card.household.store_key();
                let mut state = w.get::<HouseholdState>(&hkey)?.unwrap_or_default();
                if state.account.is_some() {
                    void.push(card.household);
                    continue;
                }
                if w.get::<TemporaryCredential>(&card.temporary_id)?.is_some() {
                    return Err(IssueError::Raced);
                }
                if let Some(old) = state.temporary_id.take() {
                    w.delete::<TemporaryCredential>(&old)?;
                }
                let credential = TemporaryCredential {
                    household: card.household.clone(),
                    password_hash,
                    issued_at: now,
                    expires_at,
                    failures: 0,
                    locked_until: None,
                };
                w.put(&card.temporary_id, &credential)?;
                state.temporary_id = Some(card.temporary_id.clone());
                w.put(&hkey, &state)?;
                AuditEntry::new(now, actor, Action::CredentialsIssued)
                    .target(card.household.to_string())
                    .record(w)?;
                issued.push(card);
            }
            if !issued.is_empty() {
                let id = w.next_id("credential_issue")?;
                let record = CredentialIssue {
                    at: now,
                    actor: actor.to_string(),
                    count: issued.len() as u64,
                    expires_at,
                    households: only.iter().map(ToString::to_string).collect(),
                };
                w.put(&id, &record)?;
            }
            Ok(Committed { issued, void })
        })
    }
}

/// Hashes the temporary passwords, one thread per core (argon2 takes ~25 ms each, so a
/// union's thousands of postcards would otherwise take minutes on one core). A `progress`
/// that answers `Break` stops it after its round ([`IssueError::Cancelled`]), before
/// anything is written.
fn hash_all(
    cards: &[Postcard],
    total: u64,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Vec<String>, IssueError> {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut hashes = Vec::with_capacity(cards.len());
    for round in cards.chunks(cores) {
        let results: Vec<anyhow::Result<String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = round
                .iter()
                .map(|c| scope.spawn(|| hash::hash_blocking(&c.temporary_password)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("a hashing thread failed")))
                })
                .collect()
        });
        for result in results {
            hashes.push(result?);
        }
        if progress(hashes.len() as u64, total).is_break() {
            return Err(IssueError::Cancelled);
        }
    }
    Ok(hashes)
}
