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

/// Issues (or re-issues) temporary credentials, replacing each household's earlier pair.
/// Runs on the calling thread (a CLI job); `progress` gets (done, total).
pub fn issue(
    store: &Store,
    only: &[HouseholdKey],
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<Vec<Postcard>, IssueError> {
    let (people, settings) = store.read_blocking(|r| {
        let settings = r.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
        Ok::<_, IssueError>((targets(r, only)?, settings))
    })?;
    if !settings.is_initialised() {
        return Err(IssueError::NotInitialised);
    }
    let expires_at = now + Duration::days(settings.credential_validity_days);
    let total = people.len() as u64;
    let mut postcards = Vec::with_capacity(people.len());
    let mut ids = HashSet::new();
    for person in people {
        let mut id = temporary_id();
        while !ids.insert(id.clone()) {
            id = temporary_id();
        }
        let password = temporary_password();
        postcards.push(Postcard {
            household: person.household.clone(),
            name: person.name.clone(),
            postal_code: person.postal_code.clone().unwrap_or_default(),
            address: person.address.clone().unwrap_or_default(),
            temporary_id: id,
            temporary_password: password,
            expires_at,
        });
    }
    let hashes = hash_all(&postcards, total, progress)?;
    let postcards = store.write_blocking(|w| {
        let mut issued = Vec::with_capacity(postcards.len());
        for (mut card, password_hash) in postcards.into_iter().zip(hashes) {
            let hkey = card.household.store_key();
            let mut state = w.get::<HouseholdState>(&hkey)?.unwrap_or_default();
            if state.account.is_some() {
                // Registered while the passwords were being hashed: no postcard for it.
                continue;
            }
            while w.get::<TemporaryCredential>(&card.temporary_id)?.is_some() {
                card.temporary_id = temporary_id();
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
        let postcards = issued;
        if !postcards.is_empty() {
            let id = w.next_id("credential_issue")?;
            let record = CredentialIssue {
                at: now,
                actor: actor.to_string(),
                count: postcards.len() as u64,
                expires_at,
                households: only.iter().map(ToString::to_string).collect(),
            };
            w.put(&id, &record)?;
        }
        Ok::<_, IssueError>(postcards)
    })?;
    Ok(postcards)
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

/// postcards.csv (SPEC §6.3): UTF-8 with BOM so that Excel opens it.
pub fn postcards_csv(cards: &[Postcard]) -> anyhow::Result<Vec<u8>> {
    use crate::domain::csv_cell::neutralise;
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record([
            "記号",
            "番号",
            "氏名",
            "郵便番号",
            "住所",
            "仮ユーザID",
            "仮パスワード",
            "有効期限",
        ])?;
        for c in cards {
            let expiry = crate::clock::today_jst(c.expires_at)
                .format("%Y%m%d")
                .to_string();
            w.write_record([
                c.household.symbol.as_str(),
                c.household.number.as_str(),
                &neutralise(&c.name),
                c.postal_code.as_str(),
                &neutralise(&c.address),
                c.temporary_id.as_str(),
                c.temporary_password.as_str(),
                expiry.as_str(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}
