//! The member file's rules beyond one field: a row's 枝番, 続柄 and dates agree, a postcard
//! can be addressed, and across the file each person stands once beside their insured person.

use std::collections::{HashMap, HashSet};

use super::error::LineError;
use super::fields::Row;
use crate::domain::member::{HouseholdKey, INSURED_BRANCH, Relationship};

/// The header of the member file, in order.
pub const COLUMNS: [&str; 12] = [
    "記号",
    "番号",
    "枝番",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "続柄",
    "資格取得日",
    "資格喪失日",
    "郵便番号",
    "住所",
];

pub(super) const SYMBOL: usize = 0;
pub(super) const NUMBER: usize = 1;
pub(super) const BRANCH: usize = 2;
pub(super) const NAME: usize = 3;
pub(super) const KANA: usize = 4;
pub(super) const BIRTH_DATE: usize = 5;
pub(super) const SEX: usize = 6;
pub(super) const RELATIONSHIP: usize = 7;
pub(super) const ACQUIRED: usize = 8;
pub(super) const LOST: usize = 9;
pub(super) const POSTAL_CODE: usize = 10;
pub(super) const ADDRESS: usize = 11;

/// Who a row is about, read without reporting errors (the row's own check does that),
/// so that the whole-file checks also see rows that have other mistakes.
pub(super) struct Identity {
    pub(super) line: u64,
    pub(super) household: HouseholdKey,
    pub(super) branch: String,
}

pub(super) fn check_branch_matches_relationship(
    row: &mut Row<'_>,
    branch: Option<&str>,
    relationship: Option<Relationship>,
) {
    let (Some(branch), Some(relationship)) = (branch, relationship) else {
        return;
    };
    let insured_branch = branch == INSURED_BRANCH;
    let insured_relationship = relationship == Relationship::Insured;
    if insured_branch && !insured_relationship {
        row.error(
            RELATIONSHIP,
            format!(
                "枝番 00 は被保険者本人の行です。続柄を「本人」にしてください（いまは「{}」）",
                relationship.label()
            ),
        );
    } else if insured_relationship && !insured_branch {
        row.error(
            BRANCH,
            format!("続柄が「本人」の行は枝番を 00 にしてください（いまは {branch}）"),
        );
    }
}

pub(super) fn check_dates(
    row: &mut Row<'_>,
    birth_date: Option<chrono::NaiveDate>,
    acquired: Option<chrono::NaiveDate>,
    lost: Option<chrono::NaiveDate>,
) {
    if let (Some(birth_date), Some(acquired)) = (birth_date, acquired)
        && acquired < birth_date
    {
        let message = format!(
            "資格取得日「{}」が生年月日「{}」より前になっています",
            row.text(ACQUIRED),
            row.text(BIRTH_DATE)
        );
        row.error(ACQUIRED, message);
    }
    if let (Some(acquired), Some(lost)) = (acquired, lost)
        && lost < acquired
    {
        let message = format!(
            "資格喪失日「{}」が資格取得日「{}」より前になっています",
            row.text(LOST),
            row.text(ACQUIRED)
        );
        row.error(LOST, message);
    }
}

pub(super) fn check_postcard_address(row: &mut Row<'_>) {
    if row.optional(POSTAL_CODE).is_none() {
        row.error(
            POSTAL_CODE,
            "本人（枝番 00）の行には郵便番号が必要です（仮パスワードのはがきの送り先です）",
        );
    }
    if row.optional(ADDRESS).is_none() {
        row.error(
            ADDRESS,
            "本人（枝番 00）の行には住所が必要です（仮パスワードのはがきの送り先です）",
        );
    }
}

/// Whole-file rules: each person once, and no dependants without their insured person.
pub(super) fn check_households(identities: &[Identity], errors: &mut Vec<LineError>) {
    let mut first_line: HashMap<(&HouseholdKey, &str), u64> = HashMap::new();
    for identity in identities {
        let key = (&identity.household, identity.branch.as_str());
        if let Some(first) = first_line.get(&key) {
            errors.push(LineError::new(
                identity.line,
                None,
                format!(
                    "記号 {}・番号 {}・枝番 {} の人が {first}行目 とこの行の2回書かれています（1人1行にしてください）",
                    identity.household.symbol, identity.household.number, identity.branch
                ),
            ));
        } else {
            first_line.insert(key, identity.line);
        }
    }
    let mut reported: HashSet<&HouseholdKey> = HashSet::new();
    for identity in identities {
        let household = &identity.household;
        if identity.branch == INSURED_BRANCH
            || first_line.contains_key(&(household, INSURED_BRANCH))
            || !reported.insert(household)
        {
            continue;
        }
        errors.push(LineError::new(
            identity.line,
            None,
            format!(
                "記号 {}・番号 {} の本人（枝番 00）の行がこのファイルにありません（家族だけの世帯は取り込めません）",
                household.symbol, household.number
            ),
        ));
    }
}
