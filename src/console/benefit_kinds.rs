//! 組合の設定 「給付種別（組合独自の付加給付）」: the union's own 給付種別 names that the
//! benefits file may use beside the built-in ones (`domain::benefit::BUILTIN`). Each name
//! carries its 医療費控除 class; a decision keeps the class it was imported with, so a
//! change here never rewrites past tax figures. A name in use cannot be removed: the
//! export would no longer import (SPEC §6.5).

use chrono::{DateTime, Utc};

use crate::audit::{Action, AuditEntry};
use crate::benefits::BenefitRecord;
use crate::domain::benefit::{BenefitKinds, CustomBenefitKind, OffsetClass, fold_dashes};
use crate::domain::csv_cell::neutralise;
use crate::domain::member::trim_spaces;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::Writer;

/// The longest name and explanation accepted.
pub const MAX_NAME_CHARS: usize = 30;
pub const MAX_EXPLANATION_CHARS: usize = 200;

/// The form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct KindInput {
    pub name: String,
    pub class: String,
    pub explanation: String,
}

pub type FieldErrors = Vec<(&'static str, String)>;

/// Checks the form against the kinds the union has now.
pub fn parse(
    input: &KindInput,
    current: &[CustomBenefitKind],
) -> Result<CustomBenefitKind, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = trim_spaces(&input.name).to_string();
    if name.is_empty() {
        errors.push(("name", "給付種別の名前を入力してください".into()));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push((
            "name",
            format!("給付種別の名前は{MAX_NAME_CHARS}文字以内で入力してください"),
        ));
    } else if name.chars().any(|c| c.is_control() || c == ',' || c == '"') {
        errors.push((
            "name",
            "給付種別の名前に改行・カンマ・引用符は使えません".into(),
        ));
    } else if neutralise(&name) != name.as_str() {
        // The export would write it as text ('=…), and the import would then refuse it.
        errors.push((
            "name",
            "給付種別の名前は = + - @ で始めることはできません（表計算ソフトが数式として扱うため）"
                .into(),
        ));
    } else if BenefitKinds::is_builtin(&name) {
        errors.push((
            "name",
            format!("「{name}」は標準の給付種別にあります。追加する必要はありません"),
        ));
    } else if current
        .iter()
        .any(|c| fold_dashes(&c.name) == fold_dashes(&name))
    {
        errors.push(("name", format!("「{name}」はすでに追加されています")));
    }
    let class = OffsetClass::from_code(input.class.trim());
    if class.is_none() {
        errors.push(("class", "医療費控除での扱いを選んでください".into()));
    }
    let explanation = input.explanation.trim().to_string();
    if explanation.chars().count() > MAX_EXPLANATION_CHARS {
        errors.push((
            "explanation",
            format!("通知書に載せる説明は{MAX_EXPLANATION_CHARS}文字以内で入力してください"),
        ));
    }
    match class {
        Some(class) if errors.is_empty() => Ok(CustomBenefitKind {
            name,
            class,
            explanation,
        }),
        _ => Err(errors),
    }
}

/// Adds a kind to the settings as stored now; audited as a settings change.
pub fn add(
    w: &mut Writer,
    input: &KindInput,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<UnionSettings, FieldErrors>> {
    let mut settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    let kind = match parse(input, &settings.benefit_kinds) {
        Ok(kind) => kind,
        Err(errors) => return Ok(Err(errors)),
    };
    settings.benefit_kinds.push(kind);
    w.put(SETTINGS, &settings)?;
    AuditEntry::new(now, actor, Action::SettingsChanged)
        .detail("benefit_kinds")
        .record(w)?;
    Ok(Ok(settings))
}

/// Why a kind was not removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveError {
    Unknown,
    /// Stored decisions use the name.
    InUse(u64),
}

impl RemoveError {
    pub fn message(&self, name: &str) -> String {
        match self {
            RemoveError::Unknown => format!("「{name}」は追加された給付種別にありません"),
            RemoveError::InUse(n) => {
                format!("「{name}」は取り込み済みの支給決定 {n} 件で使われているため削除できません")
            }
        }
    }
}

/// Removes a kind no stored decision uses; audited as a settings change.
pub fn remove(
    w: &mut Writer,
    name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<UnionSettings, RemoveError>> {
    let mut settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    let name = trim_spaces(name);
    let Some(at) = settings.benefit_kinds.iter().position(|c| c.name == name) else {
        return Ok(Err(RemoveError::Unknown));
    };
    let mut used = 0u64;
    w.walk::<BenefitRecord>(
        (std::ops::Bound::Unbounded, std::ops::Bound::Unbounded),
        false,
        |_, r| {
            used += u64::from(r.decision.kind == name);
            Ok(true)
        },
    )?;
    if used > 0 {
        return Ok(Err(RemoveError::InUse(used)));
    }
    settings.benefit_kinds.remove(at);
    w.put(SETTINGS, &settings)?;
    AuditEntry::new(now, actor, Action::SettingsChanged)
        .detail("benefit_kinds")
        .record(w)?;
    Ok(Ok(settings))
}

#[cfg(test)]
mod tests;
