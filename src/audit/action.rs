//! What an audit row records: one variant per action, each with the one string the data
//! file keeps (unchanged from the strings written before, so old rows read the same).

use std::fmt;

/// An audited action. [`Action::as_str`] is its stored form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `account.email_change_failed`
    AccountEmailChangeFailed,
    /// `account.email_change_requested`
    AccountEmailChangeRequested,
    /// `account.email_changed`
    AccountEmailChanged,
    /// `account.locked`
    AccountLocked,
    /// `account.notify_changed`
    AccountNotifyChanged,
    /// `account.password_change_failed`
    AccountPasswordChangeFailed,
    /// `account.password_changed`
    AccountPasswordChanged,
    /// `account.unlocked`
    AccountUnlocked,
    /// `audit.exported`
    AuditExported,
    /// `audit.retention_purged`
    AuditRetentionPurged,
    /// `benefits.exported`
    BenefitsExported,
    /// `benefits.imported`
    BenefitsImported,
    /// `benefits.published`
    BenefitsPublished,
    /// `benefits.retention_purged`
    BenefitsRetentionPurged,
    /// `benefits.viewed`
    BenefitsViewed,
    /// `claims.exported`
    ClaimsExported,
    /// `claims.imported`
    ClaimsImported,
    /// `claims.published`
    ClaimsPublished,
    /// `claims.retention_purged`
    ClaimsRetentionPurged,
    /// `claims.viewed`
    ClaimsViewed,
    /// `credentials.issued`
    CredentialsIssued,
    /// `login.failed`
    LoginFailed,
    /// `login.membership_ended`
    LoginMembershipEnded,
    /// `login.succeeded`
    LoginSucceeded,
    /// `login.temporary`
    LoginTemporary,
    /// `logout`
    Logout,
    /// `members.exported`
    MembersExported,
    /// `members.imported`
    MembersImported,
    /// `notice.created`
    NoticeCreated,
    /// `notice.restored`
    NoticeRestored,
    /// `notice.updated`
    NoticeUpdated,
    /// `notice.withdrawn`
    NoticeWithdrawn,
    /// `outbox.retried`
    OutboxRetried,
    /// `passkey.change_failed`
    PasskeyChangeFailed,
    /// `passkey.deleted`
    PasskeyDeleted,
    /// `passkey.login_failed`
    PasskeyLoginFailed,
    /// `passkey.registered`
    PasskeyRegistered,
    /// `person.hidden_from_household`
    PersonHiddenFromHousehold,
    /// `person.shown_to_household`
    PersonShownToHousehold,
    /// `recovery.password_requested`
    RecoveryPasswordRequested,
    /// `recovery.used`
    RecoveryUsed,
    /// `recovery.user_id_requested`
    RecoveryUserIdRequested,
    /// `recovery.user_id_shown`
    RecoveryUserIdShown,
    /// `registration.completed`
    RegistrationCompleted,
    /// `registration.identity_failed`
    RegistrationIdentityFailed,
    /// `registration.identity_verified`
    RegistrationIdentityVerified,
    /// `sessions.ended_by_staff`
    SessionsEndedByStaff,
    /// `settings.changed`
    SettingsChanged,
    /// `settings.maintenance_rule_changed`
    SettingsMaintenanceRuleChanged,
    /// `settings.maintenance_window_added`
    SettingsMaintenanceWindowAdded,
    /// `settings.maintenance_window_cancelled`
    SettingsMaintenanceWindowCancelled,
    /// `staff.code_failed`
    StaffCodeFailed,
    /// `staff.created`
    StaffCreated,
    /// `staff.deleted`
    StaffDeleted,
    /// `staff.disabled`
    StaffDisabled,
    /// `staff.email_revealed`
    StaffEmailRevealed,
    /// `staff.enabled`
    StaffEnabled,
    /// `staff.household_viewed`
    StaffHouseholdViewed,
    /// `staff.locked`
    StaffLocked,
    /// `staff.login_failed`
    StaffLoginFailed,
    /// `staff.login_succeeded`
    StaffLoginSucceeded,
    /// `staff.login_succeeded_recovery_code`
    StaffLoginSucceededRecoveryCode,
    /// `staff.password_accepted`
    StaffPasswordAccepted,
    /// `staff.password_change_refused`
    StaffPasswordChangeRefused,
    /// `staff.password_changed`
    StaffPasswordChanged,
    /// `staff.password_reset`
    StaffPasswordReset,
    /// `staff.totp_disable_refused`
    StaffTotpDisableRefused,
    /// `staff.totp_disabled`
    StaffTotpDisabled,
    /// `staff.totp_enabled`
    StaffTotpEnabled,
    /// `temporary_id.locked`
    TemporaryIdLocked,
    /// `terms.published`
    TermsPublished,
}

impl Action {
    /// Every action, in the order of their stored names.
    pub const ALL: &[Action] = &[
        Action::AccountEmailChangeFailed,
        Action::AccountEmailChangeRequested,
        Action::AccountEmailChanged,
        Action::AccountLocked,
        Action::AccountNotifyChanged,
        Action::AccountPasswordChangeFailed,
        Action::AccountPasswordChanged,
        Action::AccountUnlocked,
        Action::AuditExported,
        Action::AuditRetentionPurged,
        Action::BenefitsExported,
        Action::BenefitsImported,
        Action::BenefitsPublished,
        Action::BenefitsRetentionPurged,
        Action::BenefitsViewed,
        Action::ClaimsExported,
        Action::ClaimsImported,
        Action::ClaimsPublished,
        Action::ClaimsRetentionPurged,
        Action::ClaimsViewed,
        Action::CredentialsIssued,
        Action::LoginFailed,
        Action::LoginMembershipEnded,
        Action::LoginSucceeded,
        Action::LoginTemporary,
        Action::Logout,
        Action::MembersExported,
        Action::MembersImported,
        Action::NoticeCreated,
        Action::NoticeRestored,
        Action::NoticeUpdated,
        Action::NoticeWithdrawn,
        Action::OutboxRetried,
        Action::PasskeyChangeFailed,
        Action::PasskeyDeleted,
        Action::PasskeyLoginFailed,
        Action::PasskeyRegistered,
        Action::PersonHiddenFromHousehold,
        Action::PersonShownToHousehold,
        Action::RecoveryPasswordRequested,
        Action::RecoveryUsed,
        Action::RecoveryUserIdRequested,
        Action::RecoveryUserIdShown,
        Action::RegistrationCompleted,
        Action::RegistrationIdentityFailed,
        Action::RegistrationIdentityVerified,
        Action::SessionsEndedByStaff,
        Action::SettingsChanged,
        Action::SettingsMaintenanceRuleChanged,
        Action::SettingsMaintenanceWindowAdded,
        Action::SettingsMaintenanceWindowCancelled,
        Action::StaffCodeFailed,
        Action::StaffCreated,
        Action::StaffDeleted,
        Action::StaffDisabled,
        Action::StaffEmailRevealed,
        Action::StaffEnabled,
        Action::StaffHouseholdViewed,
        Action::StaffLocked,
        Action::StaffLoginFailed,
        Action::StaffLoginSucceeded,
        Action::StaffLoginSucceededRecoveryCode,
        Action::StaffPasswordAccepted,
        Action::StaffPasswordChangeRefused,
        Action::StaffPasswordChanged,
        Action::StaffPasswordReset,
        Action::StaffTotpDisableRefused,
        Action::StaffTotpDisabled,
        Action::StaffTotpEnabled,
        Action::TemporaryIdLocked,
        Action::TermsPublished,
    ];

    /// The name the data file keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::AccountEmailChangeFailed => "account.email_change_failed",
            Action::AccountEmailChangeRequested => "account.email_change_requested",
            Action::AccountEmailChanged => "account.email_changed",
            Action::AccountLocked => "account.locked",
            Action::AccountNotifyChanged => "account.notify_changed",
            Action::AccountPasswordChangeFailed => "account.password_change_failed",
            Action::AccountPasswordChanged => "account.password_changed",
            Action::AccountUnlocked => "account.unlocked",
            Action::AuditExported => "audit.exported",
            Action::AuditRetentionPurged => "audit.retention_purged",
            Action::BenefitsExported => "benefits.exported",
            Action::BenefitsImported => "benefits.imported",
            Action::BenefitsPublished => "benefits.published",
            Action::BenefitsRetentionPurged => "benefits.retention_purged",
            Action::BenefitsViewed => "benefits.viewed",
            Action::ClaimsExported => "claims.exported",
            Action::ClaimsImported => "claims.imported",
            Action::ClaimsPublished => "claims.published",
            Action::ClaimsRetentionPurged => "claims.retention_purged",
            Action::ClaimsViewed => "claims.viewed",
            Action::CredentialsIssued => "credentials.issued",
            Action::LoginFailed => "login.failed",
            Action::LoginMembershipEnded => "login.membership_ended",
            Action::LoginSucceeded => "login.succeeded",
            Action::LoginTemporary => "login.temporary",
            Action::Logout => "logout",
            Action::MembersExported => "members.exported",
            Action::MembersImported => "members.imported",
            Action::NoticeCreated => "notice.created",
            Action::NoticeRestored => "notice.restored",
            Action::NoticeUpdated => "notice.updated",
            Action::NoticeWithdrawn => "notice.withdrawn",
            Action::OutboxRetried => "outbox.retried",
            Action::PasskeyChangeFailed => "passkey.change_failed",
            Action::PasskeyDeleted => "passkey.deleted",
            Action::PasskeyLoginFailed => "passkey.login_failed",
            Action::PasskeyRegistered => "passkey.registered",
            Action::PersonHiddenFromHousehold => "person.hidden_from_household",
            Action::PersonShownToHousehold => "person.shown_to_household",
            Action::RecoveryPasswordRequested => "recovery.password_requested",
            Action::RecoveryUsed => "recovery.used",
            Action::RecoveryUserIdRequested => "recovery.user_id_requested",
            Action::RecoveryUserIdShown => "recovery.user_id_shown",
            Action::RegistrationCompleted => "registration.completed",
            Action::RegistrationIdentityFailed => "registration.identity_failed",
            Action::RegistrationIdentityVerified => "registration.identity_verified",
            Action::SessionsEndedByStaff => "sessions.ended_by_staff",
            Action::SettingsChanged => "settings.changed",
            Action::SettingsMaintenanceRuleChanged => "settings.maintenance_rule_changed",
            Action::SettingsMaintenanceWindowAdded => "settings.maintenance_window_added",
            Action::SettingsMaintenanceWindowCancelled => "settings.maintenance_window_cancelled",
            Action::StaffCodeFailed => "staff.code_failed",
            Action::StaffCreated => "staff.created",
            Action::StaffDeleted => "staff.deleted",
            Action::StaffDisabled => "staff.disabled",
            Action::StaffEmailRevealed => "staff.email_revealed",
            Action::StaffEnabled => "staff.enabled",
            Action::StaffHouseholdViewed => "staff.household_viewed",
            Action::StaffLocked => "staff.locked",
            Action::StaffLoginFailed => "staff.login_failed",
            Action::StaffLoginSucceeded => "staff.login_succeeded",
            Action::StaffLoginSucceededRecoveryCode => "staff.login_succeeded_recovery_code",
            Action::StaffPasswordAccepted => "staff.password_accepted",
            Action::StaffPasswordChangeRefused => "staff.password_change_refused",
            Action::StaffPasswordChanged => "staff.password_changed",
            Action::StaffPasswordReset => "staff.password_reset",
            Action::StaffTotpDisableRefused => "staff.totp_disable_refused",
            Action::StaffTotpDisabled => "staff.totp_disabled",
            Action::StaffTotpEnabled => "staff.totp_enabled",
            Action::TemporaryIdLocked => "temporary_id.locked",
            Action::TermsPublished => "terms.published",
        }
    }

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
