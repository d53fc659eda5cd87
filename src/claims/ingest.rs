//! Writing claims into a batch inside one write transaction: the import job and the demo
//! both go through [`BatchWriter`].

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::model::{
    Batch, BatchKind, BatchPerson, ClaimIndex, ClaimMonth, ClaimRecord, claim_key, claim_month_key,
};
use super::totals::Changes;
use crate::domain::claim::{Claim, YearMonth};
use crate::domain::member::HouseholdKey;
use crate::store::{Deferral, OpenTables, Repeat, WriteTx, Writer, key_into, tables};

/// What storing one claim did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    /// The receipt number existed with other contents: the old claim is gone.
    Replaced,
    Unchanged,
    /// The receipt number already came earlier in this batch: nothing was stored.
    Duplicate,
}

/// Collects one batch's claims. Create it, [`BatchWriter::put`] each claim, then
/// [`BatchWriter::finish`] writes the batch record.
pub struct BatchWriter {
    state: BatchState,
    /// The `claim_months` key written last.
    last_mark: String,
    /// Changes to `claim_totals` not yet written.
    totals: Changes,
}

impl BatchWriter {
    /// Starts a new batch with the next batch id.
    pub fn start(
        w: &mut Writer,
        now: DateTime<Utc>,
        actor: &str,
        publishing: bool,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            state: BatchState::start(w, BatchKind::Claims, now, actor, publishing)?,
            last_mark: String::new(),
            totals: Changes::default(),
        })
    }

    pub fn id(&self) -> &str {
        &self.state.batch.id
    }

    /// The tables [`BatchWriter::put`] uses, for [`Writer::with_tables`].
    pub const TABLES: &'static [&'static str] = &[
        tables::CLAIMS,
        tables::CLAIM_INDEX,
        tables::CLAIM_MONTHS,
        tables::CLAIM_TOTALS,
        tables::BATCH_PEOPLE,
        tables::BATCHES,
    ];

    /// Holds back the writes of the claim tables until [`OpenTables::apply_deferred`] (a
    /// bulk import: they are then written in key order, see `store::bulk`). A receipt
    /// number twice in the batch is then found by [`BatchWriter::repeated`], not by
    /// [`BatchWriter::put`]. Label each claim's writes with its line ([`OpenTables::label`]).
    pub fn defer_writes(t: &mut OpenTables<'_>) -> anyhow::Result<()> {
        t.defer(tables::CLAIMS, Deferral::Rows)?;
        t.defer(tables::CLAIM_INDEX, Deferral::Labelled)?;
        t.defer(tables::CLAIM_MONTHS, Deferral::Marks)?;
        t.defer(tables::BATCH_PEOPLE, Deferral::Marks)
    }

    /// With [deferred writes](BatchWriter::defer_writes): the receipt numbers stored twice
    /// so far, each with the label (line) of its second row.
    pub fn repeated(t: &mut OpenTables<'_>) -> Vec<Repeat> {
        t.repeats(tables::CLAIM_INDEX)
    }

    /// Stores one claim (replacing an earlier claim of the same receipt number).
    pub fn put(&mut self, w: &mut impl WriteTx, claim: Claim) -> anyhow::Result<Outcome> {
        let outcome = self.store(w, claim)?;
        self.state.count(outcome);
        if self.totals.due() {
            self.totals.apply(w)?;
        }
        Ok(outcome)
    }

    fn store(&mut self, w: &mut impl WriteTx, claim: Claim) -> anyhow::Result<Outcome> {
        self.state.row(claim.month, claim.month);
        let receipt = claim.receipt_number.as_str();
        let index = ClaimIndex {
            key: claim_key(&claim),
            batch: self.state.batch.id.clone(),
        };
        // The claim the number had, if any: its sums go when this one is stored. Through
        // deferred tables (the import) the lookup sees the data file before this batch, and
        // a number twice in the file is found when the writes are applied.
        let mut stored = None;
        let outcome = match w.get::<ClaimIndex>(receipt)? {
            Some(old) if old.batch == self.state.batch.id => return Ok(Outcome::Duplicate),
            Some(old) => {
                stored = w.get::<ClaimRecord>(&old.key)?;
                match &stored {
                    Some(same) if same.claim == claim => {
                        if self.state.keeps(w, &same.batch)? {
                            // Written again as it is, so that a deferred index sees the
                            // number come twice.
                            w.put(receipt, &old)?;
                            return Ok(Outcome::Unchanged);
                        }
                        Outcome::Unchanged
                    }
                    _ => {
                        w.delete::<ClaimRecord>(&old.key)?;
                        Outcome::Replaced
                    }
                }
            }
            None => Outcome::Added,
        };
        w.put(receipt, &index)?;
        self.state.mark_person(w, &claim.household, &claim.branch)?;
        // Rows of one household and month often follow each other: one mark for them.
        let mark = claim_month_key(&claim);
        if mark != self.last_mark {
            w.put(&mark, &ClaimMonth)?;
            self.last_mark = mark;
        }
        let record = ClaimRecord {
            batch: self.state.batch.id.clone(),
            claim,
        };
        self.totals.replaced(stored.as_ref(), &record);
        w.put(&index.key, &record)?;
        Ok(outcome)
    }

    /// Writes the batch record; returns it.
    pub fn finish(mut self, w: &mut Writer) -> anyhow::Result<Batch> {
        self.totals.apply(w)?;
        self.state.finish(w)
    }
}

/// What every kind of batch (claims, benefit decisions) keeps while its rows are stored:
/// the batch record and its counts, the people already marked in `batch_people`, and
/// which earlier batches are published.
pub struct BatchState {
    pub batch: Batch,
    /// Whether the batch will be published with its import: an unchanged row still
    /// waiting in an unpublished batch then moves into this one (SPEC §6.2: `--publish`
    /// publishes every row of the file, changed or not).
    publishing: bool,
    people: HashSet<String>,
    published: HashMap<String, bool>,
    /// A buffer for keys.
    scratch: String,
}

impl BatchState {
    /// A new batch of `kind` with the next batch id (claims and decisions share the ids).
    pub fn start(
        w: &mut Writer,
        kind: BatchKind,
        now: DateTime<Utc>,
        actor: &str,
        publishing: bool,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            batch: Batch {
                id: w.next_id("batches")?,
                kind,
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
            scratch: String::new(),
        })
    }

    /// A row of the file, about the months `from..=to`.
    pub fn row(&mut self, from: YearMonth, to: YearMonth) {
        self.batch.rows += 1;
        let (from, to) = (Some(from), Some(to));
        self.batch.first_month = self.batch.first_month.min(from).or(from);
        self.batch.last_month = self.batch.last_month.max(to);
    }

    /// Counts what storing a row did.
    pub fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Added => self.batch.added += 1,
            Outcome::Replaced => self.batch.replaced += 1,
            Outcome::Unchanged => self.batch.unchanged += 1,
            Outcome::Duplicate => {}
        }
    }

    /// Marks the person in `batch_people` (once per batch): who to tell on publication.
    pub fn mark_person(
        &mut self,
        w: &mut impl WriteTx,
        household: &HouseholdKey,
        branch: &str,
    ) -> anyhow::Result<()> {
        // Built in a kept buffer: most rows name a person already marked.
        let mut person = std::mem::take(&mut self.scratch);
        key_into(
            &mut person,
            &[&self.batch.id, &household.symbol, &household.number, branch],
        );
        if !self.people.contains(&person) {
            w.put(&person, &BatchPerson)?;
            self.people.insert(person.clone());
        }
        self.scratch = person;
        Ok(())
    }

    /// Whether an unchanged row stored in `batch` stays there: always, unless this batch is
    /// published with its import and `batch` is not published yet.
    pub fn keeps(&mut self, w: &impl WriteTx, batch: &str) -> anyhow::Result<bool> {
        if !self.publishing {
            return Ok(true);
        }
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
