//! The union's settings: names shown in pages and mails, limits, and the server's secret key.

use serde::{Deserialize, Serialize};

use crate::domain::benefit::CustomBenefitKind;
use crate::domain::insurer_number::InsurerNumber;
use crate::domain::maintenance::MaintenanceRule;

use crate::store::{Record, tables};

/// The key the union's settings are stored under (in the `settings` table).
pub const SETTINGS: &str = "union";

pub const DEFAULT_SERVICE_NAME: &str = "けんぽWeb";

/// Seven years: how long the audit log is kept unless the union sets otherwise.
pub const DEFAULT_AUDIT_RETENTION_MONTHS: u32 = 84;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct UnionSettings {
    pub union_name: String,
    /// 8-digit 保険者番号 with a valid check digit; `None` until `kenpo init` (stored as
    /// the digits, or an empty string).
    #[serde(with = "insurer_field")]
    pub insurer_number: Option<InsurerNumber>,
    pub service_name: String,
    /// How long a postcard's temporary credentials stay valid.
    pub credential_validity_days: i64,
    /// Failed identity checks in the registration wizard before the temporary ID locks.
    pub temp_id_max_failures: u32,
    pub temp_id_lock_minutes: i64,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub password_max_age_days: i64,
    /// Months a household keeps its login after its insured person lost eligibility.
    pub former_member_login_months: u32,
    /// Claims older than this many months (counting the current month, Japan time) are
    /// deleted by the daily job.
    pub retention_months: u32,
    /// The monthly maintenance window (SPEC §5.6).
    pub maintenance: MaintenanceRule,
    /// How long ten consecutive failed logins lock an account.
    pub account_lock_minutes: i64,
    /// 「職員の二要素認証を必須にする」: while on, a staff member without TOTP reaches only
    /// the enrolment page after the password. On by default, also for data files written
    /// before the setting existed (a missing field takes the default).
    pub staff_totp_required: bool,
    /// 「職員のパスキーだけでのログインを認める」: while on, a staff member may log in with a
    /// passkey alone (「パスキーでログイン」 on the staff login). Off by default.
    pub staff_passkey_login: bool,
    /// The portal's public URL for links in mails. `kenpo serve` records its base URL here
    /// when it starts, so that jobs run from the command line (which know no URL) can link
    /// to the login page; empty until the server has run once.
    pub public_url: String,
    /// Audit rows older than this many months (counting the current month, Japan time)
    /// are deleted by the daily job.
    pub audit_retention_months: u32,
    /// The union's own 付加給付 names for the benefits file (SPEC §6.4), beside the built-in
    /// ones (`domain::benefit::BUILTIN`).
    pub benefit_kinds: Vec<CustomBenefitKind>,
    /// The sender (差出人) printed on postcards and letters beside the union's name: its
    /// 郵便番号 (seven digits), 住所 and 電話番号. Empty until a 管理者 sets them (also in
    /// data files written before they existed).
    #[serde(default)]
    pub sender_postal_code: String,
    #[serde(default)]
    pub sender_address: String,
    #[serde(default)]
    pub sender_phone: String,
}

impl Record for UnionSettings {
    const TABLE: &'static str = tables::SETTINGS;
}

impl Default for UnionSettings {
    fn default() -> Self {
        Self {
            union_name: String::new(),
            insurer_number: None,
            service_name: DEFAULT_SERVICE_NAME.to_string(),
            credential_validity_days: 90,
            temp_id_max_failures: 5,
            temp_id_lock_minutes: 30,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            password_max_age_days: 5 * 365,
            retention_months: 60,
            former_member_login_months: 24,
            maintenance: MaintenanceRule::default(),
            account_lock_minutes: 30,
            staff_totp_required: true,
            staff_passkey_login: false,
            public_url: String::new(),
            audit_retention_months: DEFAULT_AUDIT_RETENTION_MONTHS,
            benefit_kinds: Vec::new(),
            sender_postal_code: String::new(),
            sender_address: String::new(),
            sender_phone: String::new(),
        }
    }
}

/// The insurer number as data files keep it: its digits, or `""` before `kenpo init`.
mod insurer_field {
    use serde::{Deserialize as _, Deserializer, Serializer, de};

    use crate::domain::insurer_number::InsurerNumber;

    pub fn serialize<S: Serializer>(v: &Option<InsurerNumber>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_ref().map_or("", |n| n.as_str()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<InsurerNumber>, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Ok(None);
        }
        InsurerNumber::parse(&text)
            .map(Some)
            .map_err(de::Error::custom)
    }
}

impl UnionSettings {
    /// The insurer number's digits, empty before `kenpo init`.
    pub fn insurer_digits(&self) -> &str {
        self.insurer_number.as_ref().map_or("", |n| n.as_str())
    }

    /// Whether any of the sender's postal code, address or phone is set.
    pub fn has_sender_address(&self) -> bool {
        !(self.sender_postal_code.is_empty()
            && self.sender_address.is_empty()
            && self.sender_phone.is_empty())
    }

    /// Whether `kenpo init` has run.
    pub fn is_initialised(&self) -> bool {
        !self.union_name.is_empty() && self.insurer_number.is_some()
    }
}

/// The server's secrets, created once with the data file.
#[derive(Clone, Serialize, Deserialize)]
pub struct Secrets {
    /// Key of the CSRF token MAC (hex, 256 bits).
    pub csrf_key: String,
}

impl Record for Secrets {
    const TABLE: &'static str = tables::SETTINGS;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_stored_before_staff_mfa_existed_require_it() {
        let old = r#"{"union_name":"テスト健康保険組合","insurer_number":"06131114","account_lock_minutes":45}"#;
        let settings: UnionSettings = serde_json::from_str(old).expect("old settings parse");
        assert!(settings.staff_totp_required);
        assert_eq!(settings.account_lock_minutes, 45);
        assert!(UnionSettings::default().staff_totp_required);
        assert_eq!(settings.sender_postal_code, "");
        assert_eq!(settings.sender_address, "");
        assert_eq!(settings.sender_phone, "");
        assert!(!settings.has_sender_address());
    }

    #[test]
    fn the_insurer_number_is_stored_as_its_digits_and_read_back_typed() {
        let old = r#"{"union_name":"テスト健康保険組合","insurer_number":"06131114"}"#;
        let settings: UnionSettings = serde_json::from_str(old).expect("old settings parse");
        assert_eq!(settings.insurer_digits(), "06131114");
        let json = serde_json::to_value(&settings).expect("json");
        assert_eq!(json["insurer_number"], "06131114");
        let fresh = serde_json::to_value(UnionSettings::default()).expect("json");
        assert_eq!(fresh["insurer_number"], "");
        let back: UnionSettings = serde_json::from_value(fresh).expect("parse");
        assert!(back.insurer_number.is_none() && !back.is_initialised());
    }
}
