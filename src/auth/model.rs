//! What the data file keeps about accounts, temporary credentials, staff and sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::throttle::Attempts;
use crate::domain::member::HouseholdKey;

/// Registration state of a household, keyed by the household key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HouseholdState {
    /// Normalised user ID of the household's account, once registered.
    pub account: Option<String>,
    /// The household's current temporary ID, if one is issued and not yet used.
    pub temporary_id: Option<String>,
}

/// A registered household account, keyed by the normalised (lower-case) user ID.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub user_id: String,
    pub household: HouseholdKey,
    pub email: String,
    pub notify: bool,
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub terms_version: u32,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the last of `failed_logins` happened: the throttle ladder counts from it.
    #[serde(default)]
    pub last_failed_login_at: Option<DateTime<Utc>>,
    /// A temporary password mailed by password recovery, not used yet.
    #[serde(default)]
    pub recovery: Option<RecoveryPassword>,
    /// The password in use is a recovery temporary password: it must be changed at once,
    /// and it stops working at `password_expires_at`.
    #[serde(default)]
    pub must_change_password: bool,
    #[serde(default)]
    pub password_expires_at: Option<DateTime<Utc>>,
    /// Recovery requests that matched this account (mails sent), for their throttle.
    #[serde(default)]
    pub recovery_requests: Attempts,
}

/// A recovery temporary password: only its argon2id hash is kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecoveryPassword {
    pub hash: String,
    pub expires_at: DateTime<Utc>,
}

/// What a single-use link in a mail does when it is opened.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum LinkPurpose {
    /// IDを忘れた方: show the account's user ID.
    ShowUserId,
    /// 個人情報管理: make `new_email` the account's address.
    ConfirmEmail { new_email: String },
}

/// A single-use link mailed to a member, keyed by the SHA-256 of its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountLink {
    pub purpose: LinkPurpose,
    /// Normalised user ID of the account.
    pub account: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The pair printed on a postcard, keyed by the temporary ID. Only the hash of the password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemporaryCredential {
    pub household: HouseholdKey,
    pub password_hash: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Failed identity checks (本人確認) since the last success, across locks.
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Locks of a temporary ID after which it stays locked until staff unlock or re-issue it:
/// with the default five tries a lock, 25 guesses of the birth date in all.
pub const TEMPORARY_ID_LOCKS: u32 = 5;

impl TemporaryCredential {
    /// Where the temporary ID's lock stands at `now`, for `per_lock` failures a lock.
    pub fn lock(&self, per_lock: u32, now: DateTime<Utc>) -> super::failures::Lock {
        use super::failures::Lock;
        if self.failures >= per_lock.max(1).saturating_mul(TEMPORARY_ID_LOCKS) {
            return Lock::ForGood;
        }
        match self.locked_until {
            Some(until) if until > now => Lock::Until(until),
            _ => Lock::Open,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub enum StaffRole {
    /// 管理者
    Admin,
    /// 担当者
    Clerk,
}

/// A union staff account, keyed by the lower-case login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StaffAccount {
    pub login: String,
    pub password_hash: String,
    pub role: StaffRole,
    pub created_at: DateTime<Utc>,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    /// When the last counted failure happened: the per-account delay ladder starts there.
    #[serde(default)]
    pub last_failed_login_at: Option<DateTime<Utc>>,
    /// A disabled account cannot log in (kept for the audit trail).
    #[serde(default)]
    pub disabled: bool,
    /// The second factor, once enrolled.
    #[serde(default)]
    pub totp: Option<TotpEnrolment>,
    /// A secret shown at enrolment, waiting for its first code.
    #[serde(default)]
    pub totp_pending: Option<String>,
}

/// RFC 6238 second factor of a staff account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// Base32 secret (the data file is the server's own secret store, like the CSRF key).
    pub secret: String,
    pub enrolled_at: DateTime<Utc>,
    /// SHA-256 digests of the unused recovery codes.
    pub recovery_digests: Vec<String>,
    /// The last time step accepted, so a code works only once.
    pub last_step: Option<u64>,
}

/// What the registration wizard has collected, kept server-side between its screens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegistrationDraft {
    pub user_id: String,
    pub email: String,
    pub notify: bool,
    /// argon2id hash of the chosen password: the plain password is never stored.
    pub password_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SessionKind {
    /// Logged in with a postcard's temporary ID: only the registration wizard is open.
    Registration {
        temporary_id: String,
        household: HouseholdKey,
        verified: bool,
        draft: Option<RegistrationDraft>,
    },
    /// The registration wizard finished in this session; the next request rotates it into a
    /// member session (so a double click or a second tab ends on 完了, never on an error).
    Completed {
        user_id: String,
        household: HouseholdKey,
    },
    /// A registered household.
    Member {
        user_id: String,
        household: HouseholdKey,
        must_change_password: bool,
    },
    /// Union staff.
    Staff { login: String, role: StaffRole },
}

/// A server-side session, keyed by the SHA-256 of its cookie token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub kind: SessionKind,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}
