//! The keys of the union's people: a household (記号・番号) and one person in it (枝番),
//! and the normalisation of the codes they are written with.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Identifies a household (one insured person): 記号 + 番号 as printed on the card.
///
/// Both parts are trimmed and full-width digits and letters become half-width; leading
/// zeros are kept as written (`"007"` and `"7"` are different households).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HouseholdKey {
    pub symbol: String,
    pub number: String,
}

/// Why a 記号 or 番号 was refused. The message is shown to union staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HouseholdKeyError {
    #[error("記号が入力されていません")]
    EmptySymbol,
    #[error("番号が入力されていません")]
    EmptyNumber,
    #[error("記号「{0}」に使えない文字があります（数字・文字のみ、20文字まで）")]
    InvalidSymbol(String),
    #[error("番号「{0}」に使えない文字があります（数字・文字のみ、20文字まで）")]
    InvalidNumber(String),
    #[error("「{0}」は「記号-番号」の形ではありません（例: 1201-105）")]
    InvalidDisplay(String),
}

const MAX_KEY_PART_CHARS: usize = 20;

impl HouseholdKey {
    /// Normalises and checks 記号 and 番号 as they come from a file or a form.
    pub fn new(symbol: &str, number: &str) -> Result<Self, HouseholdKeyError> {
        let symbol = normalize_code(symbol);
        let number = normalize_code(number);
        if symbol.is_empty() {
            return Err(HouseholdKeyError::EmptySymbol);
        }
        if number.is_empty() {
            return Err(HouseholdKeyError::EmptyNumber);
        }
        if !is_key_part(&symbol) {
            return Err(HouseholdKeyError::InvalidSymbol(symbol));
        }
        if !is_key_part(&number) {
            return Err(HouseholdKeyError::InvalidNumber(number));
        }
        Ok(Self { symbol, number })
    }

    /// Parses the `Display` form `記号-番号` (e.g. `1201-105`); a full-width `－` is accepted.
    pub fn parse_display(text: &str) -> Result<Self, HouseholdKeyError> {
        let normalized = trim_spaces(text).replace('－', "-");
        match normalized.split_once('-') {
            Some((symbol, number)) if !number.contains('-') => Self::new(symbol, number),
            _ => Err(HouseholdKeyError::InvalidDisplay(text.to_owned())),
        }
    }
}

fn is_key_part(part: &str) -> bool {
    part.chars().count() <= MAX_KEY_PART_CHARS && part.chars().all(char::is_alphanumeric)
}

impl HouseholdKey {
    /// One person of the household, by 枝番.
    pub fn person(&self, branch: &str) -> PersonKey {
        PersonKey {
            household: self.clone(),
            branch: branch.to_string(),
        }
    }

    /// The insured person (被保険者, 枝番 `00`) of the household.
    pub fn insured(&self) -> PersonKey {
        self.person(INSURED_BRANCH)
    }
}

/// 枝番 of the insured person; dependants have any other two-digit branch.
pub const INSURED_BRANCH: &str = "00";

/// Identifies one person: the household and the 枝番 (`00` the insured person).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonKey {
    pub household: HouseholdKey,
    pub branch: String,
}

impl fmt::Display for HouseholdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.symbol, self.number)
    }
}

/// Trims ASCII whitespace and full-width spaces (U+3000) at both ends.
pub fn trim_spaces(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{3000}')
}

/// Trims like [`trim_spaces`] and turns full-width digits and Latin letters into
/// half-width ones: the form in which codes, dates and amounts are compared.
pub fn normalize_code(text: &str) -> String {
    let text = trim_spaces(text);
    if text.is_ascii() {
        // Nothing to map (the common case of a claim file's codes).
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}
