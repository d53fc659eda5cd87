//! Writing decisions into a batch inside one write transaction: the import job (and the
//! demo) go through [`DecisionWriter`], the benefits' twin of `claims::BatchWriter`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::model::{BenefitIndex, BenefitMonth, BenefitRecord, benefit_key, benefit_month_key};
use crate::claims::model::batch_person_key;
use crate::claims::{Batch, BatchKind, BatchPerson, Outcome};
use crate::domain::benefit::BenefitDecision;
use crate::store::{WriteTx, Writer, tables};

/// Collects one batch's decisions. Create it, [`DecisionWriter::put`] each decision, then
/// [`DecisionWriter::finish`] writes the batch record (of kind [`BatchKind::Benefits`]).
pub struct DecisionWriter {
    batch: Batch,
    /// Whether the batch will be published with its import: an unchanged decision still
    /// waiting in an unpublished batch then moves into this one (as for claims:
    /// `--publish` publishes every row of the file, changed or not).
    publishing: bool,
    people: HashSet<String>,
    published: HashMap<String, bool>,
}

impl DecisionWriter {
    /// Starts a new batch with the next batch id (claims and decisions share the ids).
    pub fn start(
        w: &mut Writer,
        now: DateTime<Utc>,
        actor: &str,
        publishing: bool,
    ) -> anyhow::Result<Self> {
        let id = w.next_id("batches")?;
        Ok(Self {
            batch: Batch {
                id,
                kind: BatchKind::Benefits,
                imported_at: now,
                imported_by: actor.to_string(),
                rows: 0,
                added: 0,
                replaced: 0,
                unchanged: 0,
                first_month: None,
                last_month: None,
                published_at: None,
                published_by: None,
            },
            publishing,
            people: HashSet::new(),
            published: HashMap::new(),
        })
    }

    pub fn id(&self) -> &str {
        &self.batch.id
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
        match outcome {
            Outcome::Added => self.batch.added += 1,
            Outcome::Replaced => self.batch.replaced += 1,
            Outcome::Unchanged => self.batch.unchanged += 1,
            Outcome::Duplicate => {}
        }
        Ok(outcome)
    }

    fn store(
        &mut self,
        w: &mut impl WriteTx,
        decision: BenefitDecision,
    ) -> anyhow::Result<Outcome> {
        self.batch.rows += 1;
        let (from, to) = (Some(decision.from), Some(decision.to));
        self.batch.first_month = self.batch.first_month.min(from).or(from);
        self.batch.last_month = self.batch.last_month.max(to);
        let number = decision.number.clone();
        let index = BenefitIndex {
            key: benefit_key(&decision),
            batch: self.batch.id.clone(),
        };
        // As for claims: the index entry is written at once and the one it replaced
        // examined; it is put back when nothing is to change.
        let outcome = match w.replace(&number, &index)? {
            Some(old) if old.batch == self.batch.id => {
                w.put(&number, &old)?;
                return Ok(Outcome::Duplicate);
            }
            Some(old) => match w.get::<BenefitRecord>(&old.key)? {
                Some(same) if same.decision == decision => {
                    if !self.publishing || self.is_published(w, &same.batch)? {
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
        let person = batch_person_key(&self.batch.id, &decision.household, &decision.branch);
        if !self.people.contains(&person) {
            w.put(&person, &BatchPerson)?;
            self.people.insert(person);
        }
        // A mark may outlive its decision (a replaced one that moved to another month):
        // retention then finds nothing under it and removes it.
        w.put(&benefit_month_key(&decision), &BenefitMonth)?;
        let record = BenefitRecord {
            batch: self.batch.id.clone(),
            decision,
        };
        w.put(&index.key, &record)?;
        Ok(outcome)
    }

    fn is_published(&mut self, w: &impl WriteTx, batch: &str) -> anyhow::Result<bool> {
        if let Some(known) = self.published.get(batch) {
            return Ok(*known);
        }
        let published = w.get::<Batch>(batch)?.is_some_and(|b| b.is_published());
        self.published.insert(batch.to_string(), published);
        Ok(published)
    }

    /// Writes the batch record; returns it.
    pub fn finish(self, w: &mut Writer) -> anyhow::Result<Batch> {
        w.put(&self.batch.id, &self.batch)?;
        Ok(self.batch)
    }
}

#[cfg(test)]
mod tests;
