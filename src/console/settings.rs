//! 組合の設定 edited by a 管理者: names, 保険者番号, limits and retention.

use chrono::{DateTime, Utc};

use crate::audit::{Action, AuditEntry};
use crate::domain::insurer_number::InsurerNumber;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::Writer;

pub mod sender;

/// The form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    pub union_name: String,
    pub insurer_number: String,
    pub service_name: String,
    pub credential_validity_days: String,
    pub temp_id_max_failures: String,
    pub temp_id_lock_minutes: String,
    pub session_idle_minutes: String,
    pub session_absolute_hours: String,
    pub password_max_age_days: String,
    pub retention_months: String,
    pub account_lock_minutes: String,
    pub former_member_login_months: String,
    /// The checkbox 「職員の二要素認証を必須にする」: `on` when ticked, absent when not.
    pub staff_totp_required: String,
    /// A hidden `1` beside the checkbox: a form without it (an older page) keeps the
    /// stored value rather than switching the second factor off by omission.
    pub staff_totp_field: String,
    /// The checkbox 「職員のパスキーだけでのログインを認める」 (same rule: kept when the
    /// hidden `staff_totp_field` is absent).
    pub staff_passkey_login: String,
    pub audit_retention_months: String,
    /// 差出人 (the sender on postcards and letters); a hidden `sender_fields` marks a form
    /// that has them, so that an older page's form keeps the stored sender.
    pub sender_postal_code: String,
    pub sender_address: String,
    pub sender_phone: String,
    pub sender_fields: String,
}

impl SettingsInput {
    fn sender(&self) -> sender::SenderInput<'_> {
        sender::SenderInput {
            postal_code: &self.sender_postal_code,
            address: &self.sender_address,
            phone: &self.sender_phone,
        }
    }

    pub fn from_settings(s: &UnionSettings) -> Self {
        Self {
            union_name: s.union_name.clone(),
            insurer_number: s.insurer_digits().to_string(),
            service_name: s.service_name.clone(),
            credential_validity_days: s.credential_validity_days.to_string(),
            temp_id_max_failures: s.temp_id_max_failures.to_string(),
            temp_id_lock_minutes: s.temp_id_lock_minutes.to_string(),
            session_idle_minutes: s.session_idle_minutes.to_string(),
            session_absolute_hours: s.session_absolute_hours.to_string(),
            password_max_age_days: s.password_max_age_days.to_string(),
            retention_months: s.retention_months.to_string(),
            account_lock_minutes: s.account_lock_minutes.to_string(),
            former_member_login_months: s.former_member_login_months.to_string(),
            staff_totp_required: if s.staff_totp_required { "on" } else { "" }.to_string(),
            staff_totp_field: "1".to_string(),
            staff_passkey_login: if s.staff_passkey_login { "on" } else { "" }.to_string(),
            audit_retention_months: s.audit_retention_months.to_string(),
            sender_postal_code: sender::postal_for_form(&s.sender_postal_code),
            sender_address: s.sender_address.clone(),
            sender_phone: s.sender_phone.clone(),
            sender_fields: "1".to_string(),
        }
    }
}

/// The audit log is kept at least a year and at most twenty (default seven).
pub const AUDIT_RETENTION_MONTHS: std::ops::RangeInclusive<i64> = 12..=240;

pub type FieldErrors = Vec<(&'static str, String)>;

fn number(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<i64>,
) -> i64 {
    let folded = crate::domain::insurer_number::fold_full_width_digits(text.trim());
    match folded.parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.push((
                field,
                format!(
                    "{}から{}までの半角数字で入力してください。",
                    range.start(),
                    range.end()
                ),
            ));
            0
        }
    }
}

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, label: &str) -> String {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 100 {
        errors.push((field, format!("{label}を100文字以内で入力してください。")));
    }
    value.to_string()
}

/// Checks the form against the current settings; the new settings or every field's message.
pub fn parse(input: &SettingsInput, current: &UnionSettings) -> Result<UnionSettings, FieldErrors> {
    let mut e = FieldErrors::new();
    let mut s = current.clone();
    s.union_name = text(&mut e, "union_name", &input.union_name, "組合名");
    s.service_name = text(&mut e, "service_name", &input.service_name, "サービス名");
    match InsurerNumber::parse(&input.insurer_number) {
        Ok(n) => s.insurer_number = Some(n),
        Err(err) => e.push(("insurer_number", err.message().to_string())),
    }
    s.credential_validity_days = number(
        &mut e,
        "credential_validity_days",
        &input.credential_validity_days,
        1..=365,
    );
    s.temp_id_max_failures = number(
        &mut e,
        "temp_id_max_failures",
        &input.temp_id_max_failures,
        1..=20,
    ) as u32;
    s.temp_id_lock_minutes = number(
        &mut e,
        "temp_id_lock_minutes",
        &input.temp_id_lock_minutes,
        1..=1440,
    );
    s.session_idle_minutes = number(
        &mut e,
        "session_idle_minutes",
        &input.session_idle_minutes,
        5..=240,
    );
    s.session_absolute_hours = number(
        &mut e,
        "session_absolute_hours",
        &input.session_absolute_hours,
        1..=72,
    );
    s.password_max_age_days = number(
        &mut e,
        "password_max_age_days",
        &input.password_max_age_days,
        30..=3650,
    );
    s.retention_months = number(
        &mut e,
        "retention_months",
        &input.retention_months,
        12..=240,
    ) as u32;
    // Fields a form of an older page may lack keep their stored value.
    if !input.account_lock_minutes.trim().is_empty() {
        s.account_lock_minutes = number(
            &mut e,
            "account_lock_minutes",
            &input.account_lock_minutes,
            1..=1440,
        );
    }
    if !input.former_member_login_months.trim().is_empty() {
        s.former_member_login_months = number(
            &mut e,
            "former_member_login_months",
            &input.former_member_login_months,
            0..=120,
        ) as u32;
    }
    if !input.staff_totp_field.is_empty() {
        s.staff_totp_required = input.staff_totp_required == "on";
        s.staff_passkey_login = input.staff_passkey_login == "on";
    }
    if !input.audit_retention_months.trim().is_empty() {
        s.audit_retention_months = number(
            &mut e,
            "audit_retention_months",
            &input.audit_retention_months,
            AUDIT_RETENTION_MONTHS,
        ) as u32;
    }
    // A form of an older page (without the hidden `sender_fields`) keeps the stored sender.
    if !input.sender_fields.is_empty() {
        sender::parse(&mut e, &input.sender(), &mut s);
    }
    if e.is_empty() { Ok(s) } else { Err(e) }
}

/// Checks the form and saves it over the settings as they are stored now, inside this
/// transaction: what the form does not hold (the maintenance rule, the public URL, limits
/// set elsewhere) stays as stored, even if it changed after the request began. Audits which
/// fields changed. The inner error holds every field's message; nothing is written then.
pub fn save(
    w: &mut Writer,
    input: &SettingsInput,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<UnionSettings, FieldErrors>> {
    let current = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    let new = match parse(input, &current) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let before = SettingsInput::from_settings(&current);
    let after = SettingsInput::from_settings(&new);
    w.put(SETTINGS, &new)?;
    let mut changed: Vec<&str> = [
        ("union_name", before.union_name != after.union_name),
        (
            "insurer_number",
            before.insurer_number != after.insurer_number,
        ),
        ("service_name", before.service_name != after.service_name),
        (
            "credential_validity_days",
            before.credential_validity_days != after.credential_validity_days,
        ),
        (
            "temp_id_max_failures",
            before.temp_id_max_failures != after.temp_id_max_failures,
        ),
        (
            "temp_id_lock_minutes",
            before.temp_id_lock_minutes != after.temp_id_lock_minutes,
        ),
        (
            "session_idle_minutes",
            before.session_idle_minutes != after.session_idle_minutes,
        ),
        (
            "session_absolute_hours",
            before.session_absolute_hours != after.session_absolute_hours,
        ),
        (
            "password_max_age_days",
            before.password_max_age_days != after.password_max_age_days,
        ),
        (
            "retention_months",
            before.retention_months != after.retention_months,
        ),
        (
            "account_lock_minutes",
            before.account_lock_minutes != after.account_lock_minutes,
        ),
        (
            "former_member_login_months",
            before.former_member_login_months != after.former_member_login_months,
        ),
        (
            "staff_totp_required",
            before.staff_totp_required != after.staff_totp_required,
        ),
        (
            "staff_passkey_login",
            before.staff_passkey_login != after.staff_passkey_login,
        ),
        (
            "audit_retention_months",
            before.audit_retention_months != after.audit_retention_months,
        ),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect();
    changed.extend(sender::changed(&before.sender(), &after.sender()));
    AuditEntry::new(now, actor, Action::SettingsChanged)
        .detail(changed.join(","))
        .record(w)?;
    Ok(Ok(new))
}
