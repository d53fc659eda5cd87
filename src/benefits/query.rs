//! What a household may see of its benefit decisions: those of published batches only
//! (through [`Published`]), for its visible people only (SPEC §5.8).

use crate::claims::query::Published;
use crate::domain::benefit::BenefitDecision;
use crate::domain::member::{HouseholdKey, Person};
use crate::store::{Reader, household_prefix};

use super::model::{BenefitIndex, BenefitRecord};

/// The household's visible decisions, newest 決定日 first (then 決定番号, descending).
/// A household's decisions are few: all of them are read.
pub fn visible_decisions(
    r: &Reader,
    household: &HouseholdKey,
    people: &[Person],
) -> anyhow::Result<Vec<BenefitDecision>> {
    let mut published = Published::new(r);
    let mut found = Vec::new();
    for (_, record) in r.scan::<BenefitRecord>(&household_prefix(household))? {
        if visible(&record, household, people, &mut published)? {
            found.push(record.decision);
        }
    }
    found.sort_by(|a, b| (b.decided_on, &b.number).cmp(&(a.decided_on, &a.number)));
    Ok(found)
}

/// One decision by 決定番号; `None` for an unknown number, another household's decision,
/// one of an unpublished batch or of a person hidden from the household.
pub fn visible_decision(
    r: &Reader,
    household: &HouseholdKey,
    people: &[Person],
    number: &str,
) -> anyhow::Result<Option<BenefitDecision>> {
    let Some(index) = r.get::<BenefitIndex>(number)? else {
        return Ok(None);
    };
    let Some(record) = r.get::<BenefitRecord>(&index.key)? else {
        return Ok(None);
    };
    let mut published = Published::new(r);
    let shown =
        record.decision.number == number && visible(&record, household, people, &mut published)?;
    Ok(shown.then_some(record.decision))
}

fn visible(
    record: &BenefitRecord,
    household: &HouseholdKey,
    people: &[Person],
    published: &mut Published<'_>,
) -> anyhow::Result<bool> {
    let d = &record.decision;
    Ok(d.household == *household
        && people.iter().any(|p| p.branch == d.branch)
        && published.contains(&record.batch)?)
}

#[cfg(test)]
mod tests;
