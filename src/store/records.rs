//! Which record lives in which table: the data file's layout in one place.

use super::Record;
use crate::audit::AuditEntry;
use crate::auth::model::{
    Account, AccountLink, HouseholdState, Session, StaffAccount, TemporaryCredential,
};
use crate::auth::throttle::Attempts;
use crate::mail::outbox::{OutboxMail, PendingMail};
use crate::settings::{Secrets, UnionSettings};

impl Record for UnionSettings {
    const TABLE: &'static str = "settings";
}
impl Record for Secrets {
    const TABLE: &'static str = "settings";
}
impl Record for AuditEntry {
    const TABLE: &'static str = "audit";
}
impl Record for crate::audit::AuditByTarget {
    const TABLE: &'static str = "audit_by_target";
}
impl Record for crate::audit::AuditDay {
    const TABLE: &'static str = "audit_days";
}
impl Record for crate::audit::AuditCount {
    const TABLE: &'static str = "audit_counts";
}
impl Record for crate::audit::ThrottledRow {
    const TABLE: &'static str = "audit_throttled";
}
impl Record for HouseholdState {
    const TABLE: &'static str = "households";
}
impl Record for Account {
    const TABLE: &'static str = "accounts";
}
impl Record for TemporaryCredential {
    const TABLE: &'static str = "temp_credentials";
}
impl Record for StaffAccount {
    const TABLE: &'static str = "staff";
}
impl Record for Session {
    const TABLE: &'static str = "sessions";
}
impl Record for AccountLink {
    const TABLE: &'static str = "account_links";
}
/// Per client address, keyed `purpose␟address`.
impl Record for Attempts {
    const TABLE: &'static str = "throttle";
}
impl Record for OutboxMail {
    const TABLE: &'static str = "outbox";
}
impl Record for PendingMail {
    const TABLE: &'static str = "outbox_pending";
}

impl Record for crate::domain::member::Person {
    const TABLE: &'static str = "people";
}

impl Record for crate::maintenance::OneOffWindow {
    const TABLE: &'static str = "maintenance_windows";
}
impl Record for crate::claims::ClaimRecord {
    const TABLE: &'static str = "claims";
}
impl Record for crate::claims::ClaimIndex {
    const TABLE: &'static str = "claim_index";
}
impl Record for crate::claims::Batch {
    const TABLE: &'static str = "batches";
}
impl Record for crate::claims::BatchPerson {
    const TABLE: &'static str = "batch_people";
}

impl Record for crate::auth::totp::StaffChallenge {
    const TABLE: &'static str = "staff_challenges";
}
impl Record for crate::auth::credentials::CredentialIssue {
    const TABLE: &'static str = "credential_issues";
}
impl Record for crate::notices::Notice {
    const TABLE: &'static str = "notices";
}
impl Record for crate::notices::NoticeRead {
    const TABLE: &'static str = "notice_reads";
}
impl Record for crate::terms::TermsVersion {
    const TABLE: &'static str = "terms";
}
