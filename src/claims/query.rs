//! What a household may see: its people minus those hidden from it (SPEC §5.8), and the
//! claims of published batches only.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::model::{Batch, ClaimRecord, household_month_start};
use crate::domain::claim::{Claim, YearMonth};
use crate::domain::member::{HouseholdKey, Person};
use crate::store::{ReadTx, Reader, Record, Writer, household_prefix, tables};

/// How far the published data reaches, union-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataStatus {
    /// The latest 診療年月 of any published batch.
    pub through: YearMonth,
    /// When the latest batch was published.
    pub published_at: DateTime<Utc>,
}

/// The household's people that the household may see, by 枝番.
pub fn visible_people(r: &Reader, household: &HouseholdKey) -> anyhow::Result<Vec<Person>> {
    Ok(r.scan::<Person>(&household_prefix(household))?
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| !p.hidden_from_household)
        .collect())
}

/// Whether batches are published, each looked up once (a page meets one or a few batches;
/// the union's whole import history is not read).
pub struct Published<'r> {
    r: &'r Reader,
    /// The batches met so far, the last one met first: a page's claims come in runs of
    /// one batch, so the look-up is usually the first comparison.
    known: Vec<(String, bool)>,
}

impl<'r> Published<'r> {
    pub fn new(r: &'r Reader) -> Self {
        Self {
            r,
            known: Vec::new(),
        }
    }

    pub fn contains(&mut self, batch: &str) -> anyhow::Result<bool> {
        if let Some(i) = self.known.iter().position(|(b, _)| b == batch) {
            let found = self.known.remove(i);
            let published = found.1;
            self.known.insert(0, found);
            return Ok(published);
        }
        let published = self
            .r
            .get::<Batch>(batch)?
            .is_some_and(|b| b.is_published());
        self.known.insert(0, (batch.to_string(), published));
        Ok(published)
    }
}

/// The published claims of the household's visible people within `from..=to`, newest
/// month first, then by 枝番 and receipt number.
pub fn visible_claims(
    r: &Reader,
    household: &HouseholdKey,
    people: &[Person],
    from: YearMonth,
    to: YearMonth,
) -> anyhow::Result<Vec<Claim>> {
    let mut published = Published::new(r);
    // The months' keys only: nothing past `to` is decoded.
    let start = household_month_start(household, from);
    let end = format!("{}{}", household_month_start(household, to), char::MAX);
    let range = (
        Bound::Included(start.as_str()),
        Bound::Excluded(end.as_str()),
    );
    let mut claims = Vec::new();
    r.walk::<ClaimRecord>(range, false, |_, record| {
        // A household has a handful of people: a look down the list beats hashing.
        let visible = people.iter().any(|p| p.branch == record.claim.branch);
        if visible && published.contains(&record.batch)? {
            claims.push(record.claim);
        }
        Ok(true)
    })?;
    claims.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then_with(|| a.branch.cmp(&b.branch))
            .then_with(|| a.receipt_number.cmp(&b.receipt_number))
    });
    Ok(claims)
}

/// How far published data reaches; `None` before the first publication. One record, kept
/// by [`note_published`] (a page view does not read the import history).
pub fn data_status(r: &impl ReadTx) -> anyhow::Result<Option<DataStatus>> {
    Ok(r.get::<PublishedReach>(REACH_KEY)?.map(|p| DataStatus {
        through: p.through,
        published_at: p.published_at,
    }))
}

/// [`DataStatus`] as stored, in `meta`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PublishedReach {
    pub through: YearMonth,
    pub published_at: DateTime<Utc>,
}

impl Record for PublishedReach {
    const TABLE: &'static str = tables::META;
}

const REACH_KEY: &str = "claims_published_reach";

/// Widens the stored reach by a batch just published (publication is never undone).
pub fn note_published(w: &mut Writer, batch: &Batch) -> anyhow::Result<()> {
    let (Some(published_at), Some(last)) = (batch.published_at, batch.last_month) else {
        return Ok(());
    };
    let reach = match w.get::<PublishedReach>(REACH_KEY)? {
        None => PublishedReach {
            through: last,
            published_at,
        },
        Some(s) => PublishedReach {
            through: s.through.max(last),
            published_at: s.published_at.max(published_at),
        },
    };
    w.put(REACH_KEY, &reach)
}

/// The reach recomputed from every batch: the migration of files written before it was
/// kept, and the tests' reference.
pub fn rebuild_reach(w: &mut Writer) -> anyhow::Result<()> {
    w.delete::<PublishedReach>(REACH_KEY)?;
    for (_, batch) in w.scan::<Batch>("")? {
        if batch.kind == super::model::BatchKind::Claims {
            note_published(w, &batch)?;
        }
    }
    Ok(())
}
