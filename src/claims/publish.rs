//! Publishing a batch (SPEC §5.5): its claims become visible to members and every
//! household that asked for it gets one mail, all in the caller's write transaction.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::model::{Batch, BatchPerson, batch_prefix, person_key};
use crate::audit::AuditEntry;
use crate::auth::model::{Account, HouseholdState};
use crate::auth::registration::household_key;
use crate::clock::today_jst;
use crate::domain::member::{HouseholdKey, INSURED_BRANCH, Person};
use crate::mail::{outbox, templates};
use crate::settings::UnionSettings;
use crate::store::{KEY_SEP, Writer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishSummary {
    /// Households with claims in the batch.
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
    let households = households_with_visible_claims(w, batch_id)?;
    let settings = w.get::<UnionSettings>("union")?.unwrap_or_default();
    let mut summary = PublishSummary {
        households: households.len() as u64,
        ..PublishSummary::default()
    };
    for household in &households {
        if let Some(email) = notification_address(w, household, now)? {
            let mail = templates::new_information(
                &email,
                &settings.service_name,
                &settings.union_name,
                &settings.public_url,
            );
            outbox::enqueue(w, mail, now)?;
            summary.mails += 1;
        }
    }
    AuditEntry::new(now, actor, "claims.published")
        .target(format!("batch:{}", batch.number()))
        .detail(format!(
            "households={} mails={}",
            summary.households, summary.mails
        ))
        .record(w)?;
    Ok(summary)
}

/// Households of the batch's people, leaving out people hidden from their household.
fn households_with_visible_claims(
    w: &Writer,
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
            .get::<Person>(&person_key(&household, branch))?
            .is_some_and(|p| p.hidden_from_household);
        if !hidden {
            households.insert(household);
        }
    }
    Ok(households)
}

/// The address to tell, if the household registered, opted in and is still insured.
fn notification_address(
    w: &Writer,
    household: &HouseholdKey,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let insured = w.get::<Person>(&person_key(household, INSURED_BRANCH))?;
    let left = insured
        .and_then(|p| p.lost)
        .is_some_and(|lost| lost <= today_jst(now));
    if left {
        return Ok(None);
    }
    let Some(user) = w
        .get::<HouseholdState>(&household_key(household))?
        .and_then(|s| s.account)
    else {
        return Ok(None);
    };
    let account = w.get::<Account>(&user)?;
    Ok(account
        .filter(|a| a.notify && !a.email.is_empty())
        .map(|a| a.email))
}
