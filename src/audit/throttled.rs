//! Throttled attempts are counted, not listed: one row per client address, action and
//! minute, whose `count` grows with each attempt in the same write as the attempt. A flood
//! from one address writes one row a minute, whatever its rate. Addresses are grouped as
//! the throttle groups them (an IPv6 address with its /64), so rotating through a /64 does
//! not write a row per address either.

use std::ops::Bound;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AuditEntry;
use crate::domain::client_address::address_group;
use crate::store::{Writer, key};

/// The key of the row counting an address's throttled attempts of one action in one
/// minute: `audit_throttled`, keyed `YYYYMMDDHHMM␟action␟address group` (the minute in UTC).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThrottledRow(pub String);

/// Added once to the detail of a row whose attempts named more than one account.
pub const SEVERAL: &str = "; several accounts";

fn minute(at: DateTime<Utc>) -> String {
    at.format("%Y%m%d%H%M").to_string()
}

impl AuditEntry {
    /// Records a throttled attempt: the first of its address, action and minute is a row
    /// with a count of one, and every further one adds one to that row. The row keeps the
    /// first attempt's actor and target, and says so when later attempts named others; it
    /// names the address group (`2001:db8::/64`) when they came from other addresses of it.
    pub fn record_throttled(self, w: &mut Writer) -> anyhow::Result<()> {
        let group = self.client.as_deref().map(address_group);
        let slot = key(&[
            &minute(self.at),
            &self.action,
            group.as_deref().unwrap_or(""),
        ]);
        if let Some(ThrottledRow(id)) = w.get::<ThrottledRow>(&slot)?
            && let Some(mut row) = w.get::<AuditEntry>(&id)?
        {
            row.count = Some(row.times().saturating_add(1));
            let other = row.actor != self.actor || row.target != self.target;
            if let Some(detail) = row
                .detail
                .as_mut()
                .filter(|d| other && !d.ends_with(SEVERAL))
            {
                detail.push_str(SEVERAL);
            }
            if row.client != self.client {
                row.client = group;
            }
            return w.put(&id, &row);
        }
        let id = AuditEntry {
            count: Some(1),
            ..self
        }
        .insert(w)?;
        w.put(&slot, &ThrottledRow(id))
    }
}

/// Forgets at most `limit` slots of minutes before `now`'s (no attempt can join them any
/// more); returns how many.
pub(super) fn forget_before(
    w: &mut Writer,
    now: DateTime<Utc>,
    limit: usize,
) -> anyhow::Result<u64> {
    let current = minute(now);
    w.delete_range::<ThrottledRow>((Bound::Unbounded, Bound::Excluded(&current)), limit)
}
