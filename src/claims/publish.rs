//! Publishing a batch (SPEC §5.5): its claims (or benefit decisions) become visible to
//! members and every household that asked for it gets one mail, all in the caller's write
//! transaction. Claim and benefit batches go through this one path.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::model::{Batch, BatchKind, BatchPerson, batch_prefix};
use crate::audit::{Action, AuditEntry};
use crate::auth::model::{Account, HouseholdState};
use crate::clock::today_jst;
use crate::domain::member::HouseholdKey;
use crate::mail::{outbox, templates};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{KEY_SEP, ReadTx, Record, StoreKey as _, Writer, tables};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishSummary {
    /// Households with claims (or decisions) in the batch.
    pub households: u64,
    /// Mails put into the outbox.
    pub mails: u64,
    /// The batch had been published before: nothing changed, no mail.
    pub already: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("取り込み番号 {0} のデータはありません")]
    NotFound(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Marks the batch published and queues the notification mails. The caller commits and
/// then wakes the mail sender.
pub fn publish(
    w: &mut Writer,
    batch_id: &str,
    now: DateTime<Utc>,
    actor: &str,
) -> Result<PublishSummary, PublishError> {
    let Some(mut batch) = w.get::<Batch>(batch_id)? else {
        return Err(PublishError::NotFound(batch_id.to_string()));
    };
    if batch.is_published() {
        return Ok(PublishSummary {
            already: true,
            ..PublishSummary::default()
        });
    }
    batch.published_at = Some(now);
    batch.published_by = Some(actor.to_string());
    w.put(batch_id, &batch)?;
    // The reach of the menu's 「…診療分まで掲載」 is about claims only.
    let action = match batch.kind {
        BatchKind::Claims => {
            super::query::note_published(w, &batch)?;
            Action::ClaimsPublished
        }
        BatchKind::Benefits => Action::BenefitsPublished,
    };
    // Tens of thousands of lookups: the tables stay open for all of them.
    let audience = w.with_tables(AUDIENCE_TABLES, |t| audience(t, batch_id, now))?;
    let settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    let summary = PublishSummary {
        households: audience.households,
        mails: audience.addresses.len() as u64,
        ..PublishSummary::default()
    };
    for email in &audience.addresses {
        let mail = templates::new_information(
            email,
            &settings.service_name,
            &settings.union_name,
            &settings.public_url,
        );
        outbox::enqueue(w, mail, now)?;
    }
    AuditEntry::new(now, actor, action)
        .target(format!("batch:{}", batch.number()))
        .detail(format!(
            "households={} mails={}",
            summary.households, summary.mails
        ))
        .record(w)?;
    Ok(summary)
}

/// What the audience needs of a stored person (`domain::member::Person`): two fields,
/// read without building the rest (a batch concerns up to hundreds of thousands of
/// people). A view for reading only: it refuses to be written.
#[derive(serde::Serialize, serde::Deserialize)]
struct PersonFlags {
    #[serde(default)]
    hidden_from_household: bool,
    #[serde(default)]
    lost: Option<chrono::NaiveDate>,
}

impl Record for PersonFlags {
    const TABLE: &'static str = tables::PEOPLE;

    fn encode(&self, _key: &str) -> anyhow::Result<Vec<u8>> {
        anyhow::bail!("PersonFlags is a view for reading people, not a record to write")
    }
}

/// The tables [`audience`] reads.
const AUDIENCE_TABLES: &[&str] = &[
    tables::BATCH_PEOPLE,
    tables::PEOPLE,
    tables::HOUSEHOLDS,
    tables::ACCOUNTS,
];

/// Whom publishing a batch concerns: the households with claims in it, and the addresses
/// of those that get a mail. [`publish`] mails exactly these; the staff console shows the
/// counts on its confirmation step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub households: u64,
    /// One address per registered, opted-in, still insured household, in household order.
    pub addresses: Vec<String>,
}

/// Computes the [`Audience`] of a batch as of `now` (whether or not it is published yet).
pub fn audience(r: &impl ReadTx, batch_id: &str, now: DateTime<Utc>) -> anyhow::Result<Audience> {
    let households = households_with_visible_claims(r, batch_id)?;
    let mut addresses = Vec::new();
    for household in &households {
        if let Some(email) = notification_address(r, household, now)? {
            addresses.push(email);
        }
    }
    Ok(Audience {
        households: households.len() as u64,
        addresses,
    })
}

/// Households of the batch's people, leaving out people hidden from their household.
fn households_with_visible_claims(
    w: &impl ReadTx,
    batch_id: &str,
) -> anyhow::Result<BTreeSet<HouseholdKey>> {
    let mut households = BTreeSet::new();
    for (k, BatchPerson) in w.scan::<BatchPerson>(&batch_prefix(batch_id))? {
        let mut parts = k.split(KEY_SEP).skip(1);
        let (Some(symbol), Some(number), Some(branch)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let household = HouseholdKey {
            symbol: symbol.to_string(),
            number: number.to_string(),
        };
        let hidden = w
            .get::<PersonFlags>(&household.person(branch).store_key())?
            .is_some_and(|p| p.hidden_from_household);
        if !hidden {
            households.insert(household);
        }
    }
    Ok(households)
}

/// The address to tell, if the household registered, opted in and is still insured.
fn notification_address(
    w: &impl ReadTx,
    household: &HouseholdKey,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let insured = w.get::<PersonFlags>(&household.insured().store_key())?;
    let left = insured
        .and_then(|p| p.lost)
        .is_some_and(|lost| lost <= today_jst(now));
    if left {
        return Ok(None);
    }
    let Some(user) = w
        .get::<HouseholdState>(&household.store_key())?
        .and_then(|s| s.account)
    else {
        return Ok(None);
    };
    let account = w.get::<Account>(&user)?;
    Ok(account
        .filter(|a| a.notify && !a.email.is_empty())
        .map(|a| a.email))
}
