//! Accounts, hashing, sessions, temporary credentials and the use cases around them.

pub mod credentials;
pub mod hash;
pub mod login;
pub mod model;
pub mod registration;
pub mod session;
pub mod staff;
pub mod staff_accounts;
pub mod tokens;
pub mod totp;
pub mod unlock;
