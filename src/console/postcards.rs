//! はがき発行's rule: an insured person whose household has no account yet is waiting for a
//! postcard (the web screen counts them; the demo issues three).

use crate::auth::model::HouseholdState;
use crate::domain::member::Person;
use crate::store::{Reader, StoreKey as _};

/// Calls `f` with each insured person whose household has no account, in key order, until
/// it returns `false`.
fn each_unregistered(r: &Reader, mut f: impl FnMut(Person) -> bool) -> anyhow::Result<()> {
    for (_, p) in r.scan::<Person>("")? {
        if !p.is_insured() {
            continue;
        }
        let registered = r
            .get::<HouseholdState>(&p.household.store_key())?
            .is_some_and(|s| s.account.is_some());
        if !registered && !f(p) {
            break;
        }
    }
    Ok(())
}

/// How many households have no account yet.
pub fn count_unregistered(r: &Reader) -> anyhow::Result<usize> {
    let mut n = 0;
    each_unregistered(r, |_| {
        n += 1;
        true
    })?;
    Ok(n)
}

/// The insured people of the first `limit` households that have no account yet.
pub fn unregistered(r: &Reader, limit: usize) -> anyhow::Result<Vec<Person>> {
    let mut out = Vec::new();
    if limit > 0 {
        each_unregistered(r, |p| {
            out.push(p);
            out.len() < limit
        })?;
    }
    Ok(out)
}
