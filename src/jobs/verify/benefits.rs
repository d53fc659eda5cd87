//! The rules of benefit decisions (issue #14): every decision under the key built from it,
//! at a person and at a batch of decisions, indexed by its 決定番号 and marked by its last
//! covered month; every index entry pointing at its decision. Claims' batches are batches
//! of claims.

use super::Check;
use crate::benefits::model::{benefit_key, benefit_month_key};
use crate::benefits::{BenefitIndex, BenefitMonth, BenefitRecord};
use crate::claims::{Batch, BatchKind, ClaimRecord};
use crate::domain::member::Person;
use crate::store::Record as _;
use crate::store::StoreKey as _;

pub(super) fn check(c: &mut Check<'_>) {
    let mut decisions = 0u64;
    c.each::<BenefitRecord>(|c, k, record| {
        decisions += 1;
        let d = &record.decision;
        let table = BenefitRecord::TABLE;
        if k != benefit_key(d) {
            c.fail(table, k, "the key does not match the decision");
        }
        if d.from > d.to {
            c.fail(table, k, "its covered months end before they begin");
        }
        if !c.has::<Person>(&d.household.person(&d.branch).store_key()) {
            c.fail(table, k, "a decision for a person who does not exist");
        }
        match c.get::<Batch>(&record.batch) {
            Some(b) if b.kind == BatchKind::Benefits => {}
            Some(_) => c.fail(table, k, "a decision in a batch of claims"),
            None => c.fail(table, k, "a decision of a batch that does not exist"),
        }
        if !c.has::<BenefitMonth>(&benefit_month_key(d)) {
            c.fail(table, k, "its last covered month is not in benefit_months");
        }
        match c.get::<BenefitIndex>(&d.number) {
            Some(index) if index.key == k && index.batch == record.batch => {}
            Some(_) => c.fail(
                table,
                k,
                "its 決定番号's index points at another decision or batch",
            ),
            None => c.fail(table, k, "its 決定番号 is not indexed"),
        }
    });
    // A mark may outlive its decisions (a re-import moved them): only its form is checked.
    c.each::<BenefitMonth>(|_, _, _| {});
    let mut indexed = 0u64;
    c.each::<BenefitIndex>(|c, k, index| {
        indexed += 1;
        let found = c.get::<BenefitRecord>(&index.key);
        if found.is_none_or(|r| r.decision.number != k) {
            c.fail(
                BenefitIndex::TABLE,
                k,
                "points at a decision that does not exist or has another 決定番号",
            );
        }
    });
    if decisions != indexed {
        c.fail_table(
            BenefitIndex::TABLE,
            format!("{indexed} entries for {decisions} decisions"),
        );
    }
}

/// A claim must belong to a batch of claims (called from the claims' rules).
pub(super) fn claim_batch_kind(c: &mut Check<'_>, key: &str, record: &ClaimRecord) {
    if c.get::<Batch>(&record.batch)
        .is_some_and(|b| b.kind != BatchKind::Claims)
    {
        c.fail(
            ClaimRecord::TABLE,
            key,
            "a claim in a batch of benefit decisions",
        );
    }
}

#[cfg(test)]
mod tests;
