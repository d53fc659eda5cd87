//! How the domain's keys are written in the data file: parts joined by [`KEY_SEP`], so that
//! a household's people (and their claims) sort together.

use super::{KEY_SEP, key};
use crate::domain::member::{HouseholdKey, PersonKey};

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
