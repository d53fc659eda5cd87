//! The rules of claims and their batches, the audit log, the outbox, notices, terms and
//! the sequences.

use std::collections::BTreeMap;

use super::Check;
use crate::audit::{AuditByTarget, AuditCount, AuditDay, AuditEntry};
use crate::claims::model::{batch_person_key, claim_key, claim_month_key};
use crate::claims::totals::{self, ClaimTotals};
use crate::claims::{Batch, BatchPerson, ClaimIndex, ClaimMonth, ClaimRecord};
use crate::clock::today_jst;
use crate::domain::member::{HouseholdKey, Person};
use crate::mail::outbox::{MailState, OutboxMail, PendingMail};
use crate::maintenance::OneOffWindow;
use crate::notices::{Notice, NoticeRead};
use crate::store::StoreKey as _;
use crate::store::{KEY_SEP, Record, key};
use crate::terms::TermsVersion;

pub(super) fn check(c: &mut Check<'_>, sequences: &BTreeMap<String, u64>) -> anyhow::Result<()> {
    claims(c);
    super::benefits::check(c);
    batches(c);
    audit(c);
    outbox(c);
    c.each::<NoticeRead>(|c, k, _| {
        let notice = k.rsplit(KEY_SEP).next().unwrap_or_default();
        if !c.has::<Notice>(notice) {
            c.fail(
                NoticeRead::TABLE,
                k,
                "a read mark of a notice that does not exist",
            );
        }
    });
    c.each::<TermsVersion>(|c, k, t| {
        if k != format!("{:06}", t.version) {
            c.fail(TermsVersion::TABLE, k, "the key is not the version number");
        }
    });
    c.each::<OneOffWindow>(|_, _, _| {});
    c.each::<crate::audit::ThrottledRow>(|_, _, _| {});
    numbered::<AuditEntry>(c, sequences, "audit");
    numbered::<OutboxMail>(c, sequences, "outbox");
    numbered::<Batch>(c, sequences, "batches");
    numbered::<Notice>(c, sequences, "notice");
    numbered::<OneOffWindow>(c, sequences, "maintenance_windows");
    numbered::<crate::auth::credentials::CredentialIssue>(c, sequences, "credential_issue");
    Ok(())
}

fn claims(c: &mut Check<'_>) {
    let mut claims = 0u64;
    let mut sums = Sums::default();
    c.each::<ClaimRecord>(|c, k, record| {
        claims += 1;
        sums.add(c, &record);
        let claim = &record.claim;
        if k != claim_key(claim) {
            c.fail(ClaimRecord::TABLE, k, "the key does not match the claim");
        }
        if !c.has::<Person>(&claim.household.person(&claim.branch).store_key()) {
            c.fail(
                ClaimRecord::TABLE,
                k,
                "a claim of a person who does not exist",
            );
        }
        if !c.has::<Batch>(&record.batch) {
            c.fail(
                ClaimRecord::TABLE,
                k,
                "a claim of a batch that does not exist",
            );
        }
        super::benefits::claim_batch_kind(c, k, &record);
        if !c.has::<ClaimMonth>(&claim_month_key(claim)) {
            c.fail(ClaimRecord::TABLE, k, "its month is not in claim_months");
        }
        match c.get::<ClaimIndex>(&claim.receipt_number) {
            Some(index) if index.key == k && index.batch == record.batch => {}
            Some(_) => c.fail(
                ClaimRecord::TABLE,
                k,
                "its receipt number's index points at another claim or batch",
            ),
            None => c.fail(ClaimRecord::TABLE, k, "its receipt number is not indexed"),
        }
    });
    // A month mark may outlive its claims (retention removes it): only its form is checked.
    c.each::<ClaimMonth>(|_, _, _| {});
    let mut indexed = 0u64;
    c.each::<ClaimIndex>(|c, k, index| {
        indexed += 1;
        let found = c.get::<ClaimRecord>(&index.key);
        if found.is_none_or(|r| r.claim.receipt_number != k) {
            c.fail(
                ClaimIndex::TABLE,
                k,
                "points at a claim that does not exist or has another receipt number",
            );
        }
    });
    if claims != indexed {
        c.fail_table(
            ClaimIndex::TABLE,
            format!("{indexed} entries for {claims} claims"),
        );
    }
    sums.flush(c);
    let mut rows = 0u64;
    c.each::<ClaimTotals>(|_, _, _| rows += 1);
    // An unreadable row ends that walk (and is named by it): the count would mislead.
    let counted_all = c.r.count::<ClaimTotals>().is_ok_and(|n| n == rows);
    if counted_all && rows != sums.matched {
        c.fail_table(
            ClaimTotals::TABLE,
            format!(
                "{rows} rows of sums, {} of them for stored claims",
                sums.matched
            ),
        );
    }
}

/// The claims' sums recounted one household and month at a time (claims come in that
/// order), each month compared with the stored rows: verify holds one month in memory.
#[derive(Default)]
struct Sums {
    month: String,
    counted: BTreeMap<String, ClaimTotals>,
    /// Stored rows found equal to their recount.
    matched: u64,
}

impl Sums {
    fn add(&mut self, c: &mut Check<'_>, record: &ClaimRecord) {
        let month = totals::month_prefix(&record.claim.household, record.claim.month);
        if month != self.month {
            self.flush(c);
            self.month = month;
        }
        totals::count_into(&mut self.counted, record);
    }

    fn flush(&mut self, c: &mut Check<'_>) {
        let mut counted = std::mem::take(&mut self.counted);
        if counted.is_empty() {
            return;
        }
        let stored = match c.r.scan::<ClaimTotals>(&self.month) {
            Ok(stored) => stored,
            Err(e) => {
                // Named once, as what it is: not as claims without sums.
                let what = format!("cannot read the sums of this household and month: {e:#}");
                c.fail(ClaimTotals::TABLE, &self.month, what);
                return;
            }
        };
        for (k, stored) in stored {
            match counted.remove(&k) {
                Some(sums) if sums == stored => self.matched += 1,
                Some(_) => c.fail(ClaimTotals::TABLE, &k, "the sums differ from the claims'"),
                None => {}
            }
        }
        for k in counted.keys() {
            c.fail(ClaimTotals::TABLE, k, "claims whose sums are missing");
        }
    }
}

fn batches(c: &mut Check<'_>) {
    c.each::<Batch>(|c, k, batch| {
        if k != batch.id {
            c.fail(Batch::TABLE, k, "the key is not the batch's id");
        }
    });
    c.each::<BatchPerson>(|c, k, _| {
        let parts: Vec<&str> = k.split(KEY_SEP).collect();
        let [batch, symbol, number, branch] = parts[..] else {
            c.fail(BatchPerson::TABLE, k, "the key is not batch␟記号␟番号␟枝番");
            return;
        };
        let household = HouseholdKey {
            symbol: symbol.to_string(),
            number: number.to_string(),
        };
        if k != batch_person_key(batch, &household, branch) || !c.has::<Batch>(batch) {
            c.fail(BatchPerson::TABLE, k, "names a batch that does not exist");
        }
    });
}

fn audit(c: &mut Check<'_>) {
    let mut targeted = 0u64;
    let mut per_day: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_action: BTreeMap<String, u64> = BTreeMap::new();
    c.each::<AuditEntry>(|c, k, entry| {
        let day = today_jst(entry.at).format("%Y-%m-%d").to_string();
        match c.get::<AuditDay>(&day) {
            Some(d) if d.first.as_str() <= k && k <= d.last.as_str() => {}
            _ => c.fail(AuditEntry::TABLE, k, "its day's counter does not cover it"),
        }
        *per_day.entry(day.clone()).or_default() += 1;
        *per_action.entry(key(&[&day, &entry.action])).or_default() += 1;
        if let Some(target) = &entry.target {
            targeted += 1;
            if !c.has::<AuditByTarget>(&key(&[target, k])) {
                c.fail(AuditEntry::TABLE, k, "missing from the index by target");
            }
        }
    });
    let mut entries = 0u64;
    c.each::<AuditByTarget>(|c, k, _| {
        entries += 1;
        let Some((target, id)) = k.rsplit_once(KEY_SEP) else {
            c.fail(AuditByTarget::TABLE, k, "the key is not target␟id");
            return;
        };
        let found = c.get::<AuditEntry>(id);
        if found.and_then(|e| e.target).as_deref() != Some(target) {
            c.fail(
                AuditByTarget::TABLE,
                k,
                "points at an audit row that does not exist or has another target",
            );
        }
    });
    // A counter never counts fewer rows than there are (the daily retention deletes a
    // day's rows before its counters, so a copy taken meanwhile may count more).
    for (day, rows) in per_day {
        let counted = c.get::<AuditDay>(&day).map_or(0, |d| d.rows);
        if counted < rows {
            c.fail(
                AuditDay::TABLE,
                &day,
                format!("counts {counted} rows, the log has {rows}"),
            );
        }
    }
    for (k, rows) in per_action {
        let counted = c.get::<AuditCount>(&k).map_or(0, |n| n.0);
        if counted < rows {
            c.fail(
                AuditCount::TABLE,
                &k,
                format!("counts {counted} rows, the log has {rows}"),
            );
        }
    }
    if targeted != entries {
        c.fail_table(
            AuditByTarget::TABLE,
            format!("{entries} entries for {targeted} audit rows with a target"),
        );
    }
}

fn outbox(c: &mut Check<'_>) {
    c.each::<OutboxMail>(|c, k, mail| {
        let marked = c.has::<PendingMail>(k);
        if (mail.state == MailState::Pending) != marked {
            c.fail(
                OutboxMail::TABLE,
                k,
                if marked {
                    "marked pending but not waiting to be sent"
                } else {
                    "waiting to be sent but not marked pending"
                },
            );
        }
    });
    c.each::<PendingMail>(|c, k, _| {
        if !c.has::<OutboxMail>(k) {
            c.fail(PendingMail::TABLE, k, "marks a mail that does not exist");
        }
    });
}

/// Records keyed by a number from a sequence: every key a 20-digit number no larger than
/// the sequence (else the next record would overwrite one).
fn numbered<R: Record>(c: &mut Check<'_>, sequences: &BTreeMap<String, u64>, sequence: &str) {
    let last = sequences.get(sequence).copied().unwrap_or(0);
    c.each::<R>(|c, k, _| {
        let n = (k.len() == 20).then(|| k.parse::<u64>().ok()).flatten();
        match n {
            Some(n) if n <= last => {}
            Some(_) => c.fail(
                R::TABLE,
                k,
                format!("numbered beyond its sequence {sequence} ({last})"),
            ),
            None => c.fail(R::TABLE, k, "the key is not a sequence number"),
        }
    });
}
