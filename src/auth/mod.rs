//! Accounts, hashing, sessions, temporary credentials and the use cases around them.

mod argon2id;
pub mod credentials;
pub mod failures;
pub mod hash;
mod hash_threads;
pub mod links;
pub mod lockout;
pub mod login;
mod login_outcome;
mod member_login;
pub mod model;
pub mod password_change;
pub mod profile;
pub mod reauth;
pub mod recovery;
pub mod registration;
pub mod session;
pub mod staff;
pub mod staff_accounts;
pub mod staff_login;
pub mod staff_password;
pub mod staff_reauth;
pub mod sweep;
pub mod throttle;
pub mod tokens;
pub mod totp;
pub mod unlock;
