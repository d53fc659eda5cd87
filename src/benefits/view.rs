//! A member looking at benefit decisions: like [`crate::claims::view`], every look is
//! written durably to the audit log (`benefits.viewed`) before the household's visible
//! decisions are handed to the screen. A request for something the household may not see
//! reads nothing more and writes no row.

use crate::audit::{Action, AuditEntry, GroupCommit};
use crate::claims::query::visible_people;
use crate::claims::view::Viewer;
use crate::domain::benefit::BenefitDecision;
use crate::domain::member::Person;
use crate::store::Store;

use super::query::{visible_decision, visible_decisions};

/// What 給付金のお知らせ shows: the visible people and their visible decisions, newest
/// first (every year: the screen filters, and offers the years found).
#[derive(Debug, Clone)]
pub struct BenefitList {
    pub people: Vec<Person>,
    pub decisions: Vec<BenefitDecision>,
}

/// One 支給決定通知書: the decision and the household's visible people (for the names).
#[derive(Debug, Clone)]
pub struct BenefitNotice {
    pub people: Vec<Person>,
    pub decision: BenefitDecision,
}

/// Reads the list in one read transaction: `choose` sees the visible people and gives the
/// audit row's `what` (`None`: an unknown person; nothing is read or audited). The data is
/// handed back only once the row is durable; if its commit fails, nothing is.
pub async fn list<F>(
    store: &Store,
    audit: &GroupCommit,
    viewer: Viewer,
    choose: F,
) -> anyhow::Result<Option<BenefitList>>
where
    F: FnOnce(&[Person]) -> Option<String> + Send + 'static,
{
    let household = viewer.household.clone();
    let read = store
        .read(move |r| {
            let people = visible_people(r, &household)?;
            let Some(what) = choose(&people) else {
                return Ok(None);
            };
            let decisions = visible_decisions(r, &household, &people)?;
            Ok::<_, anyhow::Error>(Some((BenefitList { people, decisions }, what)))
        })
        .await?;
    let Some((data, what)) = read else {
        return Ok(None);
    };
    record(audit, viewer, what).await?;
    Ok(Some(data))
}

/// Reads one decision by 決定番号 (audited as `benefit-notice <決定番号>`); `None` when the
/// household may not see it, with no row written.
pub async fn notice(
    store: &Store,
    audit: &GroupCommit,
    viewer: Viewer,
    number: String,
) -> anyhow::Result<Option<BenefitNotice>> {
    let household = viewer.household.clone();
    let wanted = number.clone();
    let read = store
        .read(move |r| {
            let people = visible_people(r, &household)?;
            let found = visible_decision(r, &household, &people, &wanted)?;
            Ok::<_, anyhow::Error>(found.map(|decision| BenefitNotice { people, decision }))
        })
        .await?;
    let Some(data) = read else {
        return Ok(None);
    };
    record(audit, viewer, format!("benefit-notice {number}")).await?;
    Ok(Some(data))
}

async fn record(audit: &GroupCommit, viewer: Viewer, what: String) -> anyhow::Result<()> {
    let entry = AuditEntry::new(viewer.now, viewer.actor, Action::BenefitsViewed)
        .target(viewer.household.to_string())
        .client(viewer.client)
        .detail(what);
    audit.record(entry).await
}
