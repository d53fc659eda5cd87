//! The staff console's use cases (管理画面): queries and changes behind its screens.
//! Each function runs inside the caller's transaction and audits what it changes.

pub mod audit_log;
pub mod benefit_kinds;
pub mod claim_imports;
pub mod export;
pub mod households;
pub mod outbox;
pub mod postcards;
pub mod settings;
pub mod stats;
