//! How the domain's keys are written in the data file: parts joined by [`KEY_SEP`], so that
//! a household's people (and their claims) sort together.

use crate::domain::member::{HouseholdKey, PersonKey};

/// Separator inside composite keys: the ASCII unit separator never appears in user data.
pub const KEY_SEP: char = '\u{1f}';

/// Joins key parts with [`KEY_SEP`].
pub fn key(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    key_into(&mut out, parts);
    out
}

/// [`key`], written into `out` (cleared first) so that a loop can reuse one buffer.
pub fn key_into(out: &mut String, parts: &[&str]) {
    out.clear();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(KEY_SEP);
        }
        out.push_str(part);
    }
}

/// A value with a key of its own in the data file.
pub trait StoreKey {
    /// The key as stored.
    fn store_key(&self) -> String;
}

/// `symbol␟number` (`households`, `accounts`' household, the audit target).
impl StoreKey for HouseholdKey {
    fn store_key(&self) -> String {
        key(&[&self.symbol, &self.number])
    }
}

/// `symbol␟number␟branch` (`people`).
impl StoreKey for PersonKey {
    fn store_key(&self) -> String {
        key(&[&self.household.symbol, &self.household.number, &self.branch])
    }
}

/// The key prefix of everything stored under a household: `symbol␟number␟`.
pub fn household_prefix(household: &HouseholdKey) -> String {
    format!("{}{KEY_SEP}", household.store_key())
}
