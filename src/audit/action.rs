//! What an audit row records: one variant per action, each with the one string the data
//! file keeps (unchanged from the strings written before, so old rows read the same).

use std::fmt;

/// Declares [`Action`] from one list of `Variant => "stored.name"`, in the order of the
/// names: the enum, [`Action::ALL`] and [`Action::as_str`] cannot disagree.
macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        /// An audited action. [`Action::as_str`] is its stored form.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $(#[doc = concat!("`", $name, "`")] $variant,)*
        }

        impl Action {
            /// Every action, in the order of their stored names.
            pub const ALL: &[Action] = &[$(Action::$variant,)*];

            /// The name the data file keeps.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    AccountEmailChangeFailed => "account.email_change_failed",
    AccountEmailChangeRequested => "account.email_change_requested",
    AccountEmailChanged => "account.email_changed",
    AccountLocked => "account.locked",
    AccountNotifyChanged => "account.notify_changed",
    AccountPasswordChangeFailed => "account.password_change_failed",
    AccountPasswordChanged => "account.password_changed",
    AccountUnlocked => "account.unlocked",
    AuditExported => "audit.exported",
    AuditRetentionPurged => "audit.retention_purged",
    BenefitsExported => "benefits.exported",
    BenefitsImported => "benefits.imported",
    BenefitsPublished => "benefits.published",
    BenefitsRetentionPurged => "benefits.retention_purged",
    BenefitsViewed => "benefits.viewed",
    ClaimsExported => "claims.exported",
    ClaimsImported => "claims.imported",
    ClaimsPublished => "claims.published",
    ClaimsRetentionPurged => "claims.retention_purged",
    ClaimsViewed => "claims.viewed",
    CredentialsIssued => "credentials.issued",
    LoginFailed => "login.failed",
    LoginMembershipEnded => "login.membership_ended",
    LoginSucceeded => "login.succeeded",
    LoginTemporary => "login.temporary",
    Logout => "logout",
    MembersExported => "members.exported",
    MembersImported => "members.imported",
    NoticeCreated => "notice.created",
    NoticeRestored => "notice.restored",
    NoticeUpdated => "notice.updated",
    NoticeWithdrawn => "notice.withdrawn",
    OutboxRetried => "outbox.retried",
    PasskeyChangeFailed => "passkey.change_failed",
    PasskeyDeleted => "passkey.deleted",
    PasskeyLoginFailed => "passkey.login_failed",
    PasskeyRegistered => "passkey.registered",
    PersonHiddenFromHousehold => "person.hidden_from_household",
    PersonShownToHousehold => "person.shown_to_household",
    RecoveryPasswordRequested => "recovery.password_requested",
    RecoveryUsed => "recovery.used",
    RecoveryUserIdRequested => "recovery.user_id_requested",
    RecoveryUserIdShown => "recovery.user_id_shown",
    RegistrationCompleted => "registration.completed",
    RegistrationIdentityFailed => "registration.identity_failed",
    RegistrationIdentityVerified => "registration.identity_verified",
    SessionsEndedByStaff => "sessions.ended_by_staff",
    SettingsChanged => "settings.changed",
    SettingsMaintenanceRuleChanged => "settings.maintenance_rule_changed",
    SettingsMaintenanceWindowAdded => "settings.maintenance_window_added",
    SettingsMaintenanceWindowCancelled => "settings.maintenance_window_cancelled",
    StaffCodeFailed => "staff.code_failed",
    StaffCreated => "staff.created",
    StaffDeleted => "staff.deleted",
    StaffDisabled => "staff.disabled",
    StaffEmailRevealed => "staff.email_revealed",
    StaffEnabled => "staff.enabled",
    StaffHouseholdViewed => "staff.household_viewed",
    StaffHouseholdsSearched => "staff.households_searched",
    StaffLocked => "staff.locked",
    StaffLoginFailed => "staff.login_failed",
    StaffLoginSucceeded => "staff.login_succeeded",
    StaffLoginSucceededRecoveryCode => "staff.login_succeeded_recovery_code",
    StaffPasswordAccepted => "staff.password_accepted",
    StaffPasswordChangeRefused => "staff.password_change_refused",
    StaffPasswordChanged => "staff.password_changed",
    StaffPasswordReset => "staff.password_reset",
    StaffTotpDisableRefused => "staff.totp_disable_refused",
    StaffTotpDisabled => "staff.totp_disabled",
    StaffTotpEnabled => "staff.totp_enabled",
    TemporaryIdLocked => "temporary_id.locked",
    TermsPublished => "terms.published",
}

impl Action {
    /// The action a stored name stands for; `None` for a name this kenpo does not write.
    pub fn parse(name: &str) -> Option<Action> {
        Self::ALL.iter().copied().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
