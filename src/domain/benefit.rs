//! Benefit decisions (支給決定) of the benefits file (SPEC §5.7, §6.4): what the union
//! decided to pay a person, for which months, and how the 医療費控除 treats that money.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::claim::YearMonth;
use super::member::{HouseholdKey, trim_spaces};
use super::yen::Yen;

/// How the 医療費控除 treats a benefit (National Tax Agency No.1120: money that insurance
/// pays back for medical costs is 「保険金などで補填される金額」, income support is not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetClass {
    /// Pays back costs of the person's claims in the covered months (高額療養費, 付加金):
    /// subtracted from those claims.
    Receipt,
    /// Pays back a cost that is in no claim (出産費用, 療養費 paid in full at the window):
    /// subtracted from that cost, which the member adds themselves.
    Outside,
    /// Not subtracted (傷病手当金, 出産手当金, 埋葬料: income support or not a medical cost).
    None,
}

impl OffsetClass {
    pub const ALL: [OffsetClass; 3] = [
        OffsetClass::Receipt,
        OffsetClass::Outside,
        OffsetClass::None,
    ];

    /// The wording of 組合の設定.
    pub fn label(self) -> &'static str {
        match self {
            OffsetClass::Receipt => "医療費から差し引く（レセプトに対応）",
            OffsetClass::Outside => "医療費から差し引く（レセプト外の費用）",
            OffsetClass::None => "差し引かない（所得の補償など）",
        }
    }

    /// A short code for forms (`receipt`, `outside`, `none`).
    pub fn code(self) -> &'static str {
        match self {
            OffsetClass::Receipt => "receipt",
            OffsetClass::Outside => "outside",
            OffsetClass::None => "none",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A 給付種別: its name as the file writes it, whether law fixes it (法定給付) or the union
/// adds it (付加給付), its 医療費控除 class and a plain-Japanese explanation for the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitKind {
    pub name: String,
    pub statutory: bool,
    pub class: OffsetClass,
    pub explanation: String,
}

/// The built-in 給付種別 (the README lists them): name, 法定給付, class, explanation.
pub const BUILTIN: &[(&str, bool, OffsetClass, &str)] = &[
    (
        "高額療養費",
        true,
        OffsetClass::Receipt,
        "1か月に医療機関の窓口で支払った自己負担額が、所得に応じた上限額を超えたときに、超えた分をお返しするものです。",
    ),
    (
        "療養費",
        true,
        OffsetClass::Outside,
        "やむを得ず保険証を使わずに受診したときや、補装具を作ったときなどに、いったん全額を支払った費用のうち保険で負担する分をお返しするものです。",
    ),
    (
        "傷病手当金",
        true,
        OffsetClass::None,
        "病気やけがで仕事を休み、給与が受けられないときに、生活を支えるために支給するものです。",
    ),
    (
        "出産手当金",
        true,
        OffsetClass::None,
        "出産のために仕事を休み、給与が受けられないときに、生活を支えるために支給するものです。",
    ),
    (
        "出産育児一時金",
        true,
        OffsetClass::Outside,
        "被保険者が出産したときに、出産にかかる費用の負担を軽くするために支給するものです。",
    ),
    (
        "家族出産育児一時金",
        true,
        OffsetClass::Outside,
        "被扶養者が出産したときに、出産にかかる費用の負担を軽くするために支給するものです。",
    ),
    (
        "埋葬料",
        true,
        OffsetClass::None,
        "被保険者が亡くなったときに、埋葬を行ったご家族に支給するものです。",
    ),
    (
        "家族埋葬料",
        true,
        OffsetClass::None,
        "被扶養者が亡くなったときに、被保険者に支給するものです。",
    ),
    (
        "高額介護合算療養費",
        true,
        OffsetClass::Receipt,
        "1年間の医療保険と介護保険の自己負担額の合計が上限額を超えたときに、超えた分をお返しするものです。",
    ),
    (
        "一部負担還元金",
        false,
        OffsetClass::Receipt,
        "1か月の自己負担額が当組合の定める額を超えたときに、超えた分を当組合が独自にお返しするものです（付加給付）。",
    ),
    (
        "家族療養費付加金",
        false,
        OffsetClass::Receipt,
        "ご家族の1か月の自己負担額が当組合の定める額を超えたときに、超えた分を当組合が独自にお返しするものです（付加給付）。",
    ),
    (
        "合算高額療養費付加金",
        false,
        OffsetClass::Receipt,
        "世帯で合算した自己負担額が当組合の定める額を超えたときに、超えた分を当組合が独自にお返しするものです（付加給付）。",
    ),
    (
        "傷病手当金付加金",
        false,
        OffsetClass::None,
        "傷病手当金に上乗せして当組合が独自に支給するものです（付加給付）。",
    ),
    (
        "出産手当金付加金",
        false,
        OffsetClass::None,
        "出産手当金に上乗せして当組合が独自に支給するものです（付加給付）。",
    ),
    (
        "出産育児一時金付加金",
        false,
        OffsetClass::Outside,
        "出産育児一時金に上乗せして当組合が独自に支給するものです（付加給付）。",
    ),
    (
        "家族出産育児一時金付加金",
        false,
        OffsetClass::Outside,
        "家族出産育児一時金に上乗せして当組合が独自に支給するものです（付加給付）。",
    ),
    (
        "埋葬料付加金",
        false,
        OffsetClass::None,
        "埋葬料に上乗せして当組合が独自に支給するものです（付加給付）。",
    ),
];

/// The explanation of a union's own kind when its settings give none.
pub const CUSTOM_EXPLANATION: &str = "当組合が独自に行う給付（付加給付）です。";

/// A 付加給付 name a union added in 組合の設定 (kept in `UnionSettings::benefit_kinds`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomBenefitKind {
    pub name: String,
    pub class: OffsetClass,
    /// Shown on the notice; empty: [`CUSTOM_EXPLANATION`].
    #[serde(default)]
    pub explanation: String,
}

/// The 給付種別 a union accepts: the built-in ones and its own.
#[derive(Debug, Clone, Default)]
pub struct BenefitKinds {
    custom: Vec<CustomBenefitKind>,
}

impl BenefitKinds {
    pub fn new(custom: &[CustomBenefitKind]) -> Self {
        Self {
            custom: custom.to_vec(),
        }
    }

    /// The kind of a name as the file writes it (surrounding spaces ignored).
    pub fn find(&self, name: &str) -> Option<BenefitKind> {
        let name = trim_spaces(name);
        if let Some((n, statutory, class, text)) = BUILTIN.iter().find(|(n, ..)| *n == name) {
            return Some(BenefitKind {
                name: (*n).to_string(),
                statutory: *statutory,
                class: *class,
                explanation: (*text).to_string(),
            });
        }
        let folded = fold_dashes(name);
        self.custom
            .iter()
            .find(|c| fold_dashes(&c.name) == folded)
            .map(|c| BenefitKind {
                name: c.name.clone(),
                statutory: false,
                class: c.class,
                explanation: if c.explanation.trim().is_empty() {
                    CUSTOM_EXPLANATION.to_string()
                } else {
                    c.explanation.clone()
                },
            })
    }

    /// Every accepted name, built-in first, for messages (「次のいずれかで…」).
    pub fn names(&self) -> Vec<&str> {
        BUILTIN
            .iter()
            .map(|(n, ..)| *n)
            .chain(self.custom.iter().map(|c| c.name.as_str()))
            .collect()
    }

    /// Whether `name` is a built-in kind (a union cannot add it again).
    pub fn is_builtin(name: &str) -> bool {
        BUILTIN.iter().any(|(n, ..)| *n == trim_spaces(name))
    }
}

/// A name as compared: the wave dash 〜 (U+301C) and the full-width tilde ～ (U+FF5E) are
/// one character (Shift_JIS files decode the same byte as the latter), and so are the
/// minus signs a keyboard or an old file may give (−, －).
pub fn fold_dashes(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '\u{301C}' => '\u{FF5E}',
            '\u{2212}' => '\u{FF0D}',
            other => other,
        })
        .collect()
}

/// One decision (one row of benefits.csv).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitDecision {
    /// 決定番号: unique per decision; a re-imported number replaces the earlier row.
    pub number: String,
    pub household: HouseholdKey,
    /// 枝番 of the person the benefit is for.
    pub branch: String,
    /// 給付種別, as named in the file.
    pub kind: String,
    /// The kind's class when imported: a later settings change never rewrites past tax
    /// figures.
    pub class: OffsetClass,
    /// 対象開始年月 ..= 対象終了年月.
    pub from: YearMonth,
    pub to: YearMonth,
    /// 決定日
    pub decided_on: NaiveDate,
    /// 支給額
    pub amount: Yen,
    /// 支払予定日
    pub pay_on: NaiveDate,
}

#[cfg(test)]
mod tests;
