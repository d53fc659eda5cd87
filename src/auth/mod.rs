//! Accounts, hashing, sessions and temporary credentials.

pub mod hash;
pub mod model;
pub mod tokens;
