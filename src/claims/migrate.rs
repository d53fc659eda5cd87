//! Schema 3: the claim tables go from JSON to their compact binary form (`super::codec`),
//! and `claim_months` is built from the claims. Runs inside the upgrade's one write
//! transaction (see `store::migrate`), a page of records at a time.

use anyhow::Context as _;

use super::model::{ClaimIndex, ClaimMonth, ClaimRecord, claim_month_key};
use crate::store::{Record, Writer, from_json};

/// Records rewritten per page (a page is held in memory while it is rewritten).
const PAGE: usize = 4_096;

/// Rewrites every claim and index entry written as JSON by schema 2 or earlier (and
/// leaves those already compact).
pub fn claims_to_compact(w: &mut Writer) -> anyhow::Result<()> {
    rewrite::<ClaimRecord>(w, |w, key, record| {
        w.put(&claim_month_key(&record.claim), &ClaimMonth)?;
        w.put(key, record)
    })?;
    rewrite::<ClaimIndex>(w, |w, key, index| w.put(key, index))
}

fn rewrite<R: Record>(
    w: &mut Writer,
    mut put: impl FnMut(&mut Writer, &str, &R) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut after: Option<String> = None;
    loop {
        let page = w.raw_page(R::TABLE, after.as_deref(), PAGE)?;
        let Some((last, _)) = page.last() else {
            return Ok(());
        };
        after = Some(last.clone());
        for (key, json) in &page {
            if json.first() != Some(&b'{') {
                // Already compact (a JSON record starts with `{`): the step may run again.
                continue;
            }
            let record: R =
                from_json(json).with_context(|| format!("corrupt record {}/…", R::TABLE))?;
            put(w, key, &record)?;
        }
    }
}

// Tested with the binary's upgrade steps: `jobs::schema::claims_upgrade`.
