//! Writing decisions into a batch inside one write transaction: the import job (and the
//! demo) go through [`DecisionWriter`], the benefits' twin of `claims::BatchWriter`.

use chrono::{DateTime, Utc};

use super::model::{BenefitIndex, BenefitMonth, BenefitRecord, benefit_key, benefit_month_key};
use crate::claims::ingest::BatchState;
use crate::claims::{Batch, BatchKind, Outcome};
use crate::domain::benefit::BenefitDecision;
use crate::store::{WriteTx, Writer, tables};

/// Collects one batch's decisions. Create it, [`DecisionWriter::put`] each decision, then
/// [`DecisionWriter::finish`] writes the batch record (of kind [`BatchKind::Benefits`]).
pub struct DecisionWriter {
    state: BatchState,
}

impl DecisionWriter {
    /// Starts a new batch with the next batch id (claims and decisions share the ids).
    pub fn start(
        w: &mut Writer,
        now: DateTime<Utc>,
        actor: &str,
        publishing: bool,
    ) -> anyhow::Result<Self> {
        let state = BatchState::start(w, BatchKind::Benefits, now, actor, publishing)?;
        Ok(Self { state })
    }

    pub fn id(&self) -> &str {
        &self.state.batch.id
    }

    /// The tables [`DecisionWriter::put`] uses, for [`Writer::with_tables`].
    pub const TABLES: &'static [&'static str] = &[
        tables::BENEFITS,
        tables::BENEFIT_INDEX,
        tables::BENEFIT_MONTHS,
        tables::BATCH_PEOPLE,
        tables::BATCHES,
    ];

    /// Stores one decision (replacing an earlier decision of the same 決定番号).
    pub fn put(
        &mut self,
        w: &mut impl WriteTx,
        decision: BenefitDecision,
    ) -> anyhow::Result<Outcome> {
        let outcome = self.store(w, decision)?;
        self.state.count(outcome);
        Ok(outcome)
    }

    fn store(
        &mut self,
        w: &mut impl WriteTx,
        decision: BenefitDecision,
    ) -> anyhow::Result<Outcome> {
        self.state.row(decision.from, decision.to);
        let number = decision.number.clone();
        let index = BenefitIndex {
            key: benefit_key(&decision),
            batch: self.state.batch.id.clone(),
        };
        // As for claims: the index entry is written at once and the one it replaced
        // examined; it is put back when nothing is to change.
        let outcome = match w.replace(&number, &index)? {
            Some(old) if old.batch == self.state.batch.id => {
                w.put(&number, &old)?;
                return Ok(Outcome::Duplicate);
            }
            Some(old) => match w.get::<BenefitRecord>(&old.key)? {
                Some(same) if same.decision == decision => {
                    if self.state.keeps(w, &same.batch)? {
                        w.put(&number, &old)?;
                        return Ok(Outcome::Unchanged);
                    }
                    Outcome::Unchanged
                }
                _ => {
                    w.delete::<BenefitRecord>(&old.key)?;
                    Outcome::Replaced
                }
            },
            None => Outcome::Added,
        };
        self.state
            .mark_person(w, &decision.household, &decision.branch)?;
        // A mark may outlive its decision (a replaced one that moved to another month):
        // retention then finds nothing under it and removes it.
        w.put(&benefit_month_key(&decision), &BenefitMonth)?;
        let record = BenefitRecord {
            batch: self.state.batch.id.clone(),
            decision,
        };
        w.put(&index.key, &record)?;
        Ok(outcome)
    }

    /// Writes the batch record; returns it.
    pub fn finish(self, w: &mut Writer) -> anyhow::Result<Batch> {
        self.state.finish(w)
    }
}

#[cfg(test)]
mod tests;
