//! People of the union: the household key (記号・番号), the person's row of the member
//! file (SPEC §6.1), and the codes used in it (性別, 続柄).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use super::household::{
    HouseholdKey, HouseholdKeyError, INSURED_BRANCH, PersonKey, normalize_code, trim_spaces,
};

/// 性別 as coded in the member file: `1` male, `2` female.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// The file code (`"1"` or `"2"`).
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "1",
            Sex::Female => "2",
        }
    }

    /// Reads the file code; full-width digits and surrounding spaces are accepted.
    pub fn from_code(code: &str) -> Option<Self> {
        match normalize_code(code).as_str() {
            "1" => Some(Sex::Male),
            "2" => Some(Sex::Female),
            _ => None,
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// 続柄: the person's relationship to the insured person of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relationship {
    /// 本人: the insured person (被保険者) themself.
    Insured,
    /// 配偶者
    Spouse,
    /// 子
    Child,
    /// 父
    Father,
    /// 母
    Mother,
    /// その他
    Other,
}

impl Relationship {
    pub const ALL: [Relationship; 6] = [
        Relationship::Insured,
        Relationship::Spouse,
        Relationship::Child,
        Relationship::Father,
        Relationship::Mother,
        Relationship::Other,
    ];

    /// The Japanese word used in the member file and on screen.
    pub fn label(self) -> &'static str {
        match self {
            Relationship::Insured => "本人",
            Relationship::Spouse => "配偶者",
            Relationship::Child => "子",
            Relationship::Father => "父",
            Relationship::Mother => "母",
            Relationship::Other => "その他",
        }
    }

    /// Reads the word of the member file; surrounding spaces are ignored.
    pub fn from_label(label: &str) -> Option<Self> {
        let label = trim_spaces(label);
        Self::ALL.into_iter().find(|r| r.label() == label)
    }
}

/// One person of a household, as in one row of the member file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub household: HouseholdKey,
    /// 枝番: two digits, `"00"` is the insured person.
    pub branch: String,
    /// 氏名, display-ready: inner full-width spaces kept, ends trimmed.
    pub name: String,
    /// 氏名カナ, same rule as `name`.
    pub kana: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub relationship: Relationship,
    /// 資格取得日
    pub acquired: NaiveDate,
    /// 資格喪失日; `None` while insured.
    pub lost: Option<NaiveDate>,
    /// 郵便番号: seven digits without hyphen.
    pub postal_code: Option<String>,
    /// 住所
    pub address: Option<String>,
    /// A dependant who asked not to be shown to the household (SPEC §5.8); set by staff.
    #[serde(default)]
    pub hidden_from_household: bool,
}

impl Person {
    /// True for the insured person (被保険者) of the household, 枝番 `00`.
    pub fn is_insured(&self) -> bool {
        self.branch == INSURED_BRANCH
    }

    /// 記号, 番号 and 枝番: where the person is stored.
    pub fn key(&self) -> PersonKey {
        self.household.person(&self.branch)
    }

    /// For an insured person who lost eligibility: the last day the household's login
    /// works, `months` after the loss (SPEC §6.1: former members still need last year's
    /// notice for their tax return). `None` while insured.
    pub fn login_ends(&self, months: u32) -> Option<NaiveDate> {
        let lost = self.lost?;
        Some(
            lost.checked_add_months(chrono::Months::new(months))
                .unwrap_or(NaiveDate::MAX),
        )
    }
}

/// Reads a 枝番: one or two digits (full-width accepted), zero-padded to two.
pub fn parse_branch(text: &str) -> Option<String> {
    let text = normalize_code(text);
    let digits_only = text.chars().all(|c| c.is_ascii_digit());
    match text.len() {
        1 if digits_only => Some(format!("0{text}")),
        2 if digits_only => Some(text),
        _ => None,
    }
}

/// Reads a 郵便番号: seven digits, optionally `〒` first and a hyphen after the third
/// digit (`113-0033`); full-width digits accepted. Returns the seven digits.
pub fn parse_postal_code(text: &str) -> Option<String> {
    let text = normalize_code(text);
    let text = text.strip_prefix('〒').unwrap_or(&text);
    let chars: Vec<char> = text.chars().collect();
    let digits: String = match chars.len() {
        7 => chars.iter().collect(),
        8 if is_hyphen(chars[3]) => chars[..3].iter().chain(&chars[4..]).collect(),
        _ => return None,
    };
    digits.chars().all(|c| c.is_ascii_digit()).then_some(digits)
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '－' | '‐' | '−' | 'ー' | '―')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn household_key_normalises_full_width_and_keeps_leading_zeros() {
        let key = HouseholdKey::new(" １２０１\u{3000}", "００７").unwrap();
        assert_eq!(key.symbol, "1201");
        assert_eq!(key.number, "007");
        assert_eq!(key.to_string(), "1201-007");
        assert_ne!(key, HouseholdKey::new("1201", "7").unwrap());
    }

    #[test]
    fn household_key_display_round_trips() {
        let key = HouseholdKey::parse_display("1201-105").unwrap();
        assert_eq!(key, HouseholdKey::new("1201", "105").unwrap());
        assert_eq!(HouseholdKey::parse_display(&key.to_string()), Ok(key));
        assert!(HouseholdKey::parse_display("１２０１－１０５").is_ok());
    }

    #[test]
    fn household_key_refusals() {
        assert_eq!(
            HouseholdKey::new("", "1"),
            Err(HouseholdKeyError::EmptySymbol)
        );
        assert_eq!(
            HouseholdKey::new("1", "　"),
            Err(HouseholdKeyError::EmptyNumber)
        );
        assert!(HouseholdKey::new("12 01", "1").is_err());
        assert!(HouseholdKey::new("12-01", "1").is_err());
        assert!(HouseholdKey::parse_display("1201").is_err());
        assert!(HouseholdKey::parse_display("1-2-3").is_err());
    }

    #[test]
    fn sex_codes() {
        assert_eq!(Sex::from_code("1"), Some(Sex::Male));
        assert_eq!(Sex::from_code("２"), Some(Sex::Female));
        assert_eq!(Sex::from_code("3"), None);
        assert_eq!(Sex::Female.code(), "2");
    }

    #[test]
    fn relationship_labels_round_trip() {
        for r in Relationship::ALL {
            assert_eq!(Relationship::from_label(r.label()), Some(r));
        }
        assert_eq!(
            Relationship::from_label(" 本人　"),
            Some(Relationship::Insured)
        );
        assert_eq!(Relationship::from_label("妻"), None);
    }

    #[test]
    fn branch_is_zero_padded() {
        assert_eq!(parse_branch("0").as_deref(), Some("00"));
        assert_eq!(parse_branch("1").as_deref(), Some("01"));
        assert_eq!(parse_branch("０２").as_deref(), Some("02"));
        assert_eq!(parse_branch("100"), None);
        assert_eq!(parse_branch("a"), None);
        assert_eq!(parse_branch(""), None);
    }

    #[test]
    fn postal_code_forms() {
        assert_eq!(parse_postal_code("1130033").as_deref(), Some("1130033"));
        assert_eq!(parse_postal_code("113-0033").as_deref(), Some("1130033"));
        assert_eq!(
            parse_postal_code("〒１１３－００３３").as_deref(),
            Some("1130033")
        );
        assert_eq!(parse_postal_code("113003"), None);
        assert_eq!(parse_postal_code("1130-033"), None);
        assert_eq!(parse_postal_code("11300a3"), None);
    }

    #[test]
    fn insured_person_is_branch_00() {
        let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let mut person = Person {
            household: HouseholdKey::new("1", "2").unwrap(),
            branch: "00".into(),
            name: "山田　太郎".into(),
            kana: "ヤマダ　タロウ".into(),
            birth_date: date,
            sex: Sex::Male,
            relationship: Relationship::Insured,
            acquired: date,
            lost: None,
            postal_code: None,
            address: None,
            hidden_from_household: false,
        };
        assert!(person.is_insured());
        person.branch = "01".into();
        assert!(!person.is_insured());
    }

    #[test]
    fn trim_keeps_inner_full_width_space() {
        assert_eq!(trim_spaces("\u{3000} 山田　太郎 \u{3000}"), "山田　太郎");
    }
}
