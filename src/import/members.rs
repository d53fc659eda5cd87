//! The member file (SPEC §6.1): one row per person, read whole and checked whole,
//! because an import is all rows or none.

use std::collections::{HashMap, HashSet};

use csv::StringRecord;

use super::encoding::decode;
use super::error::{ImportError, LineError, MAX_LINE_ERRORS};
use super::fields::{Next, Row, check_header, csv_reader, next_record};
use crate::domain::member::{
    HouseholdKey, INSURED_BRANCH, Person, Relationship, Sex, parse_postal_code,
};

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

const SYMBOL: usize = 0;
const NUMBER: usize = 1;
const BRANCH: usize = 2;
const NAME: usize = 3;
const KANA: usize = 4;
const BIRTH_DATE: usize = 5;
const SEX: usize = 6;
const RELATIONSHIP: usize = 7;
const ACQUIRED: usize = 8;
const LOST: usize = 9;
const POSTAL_CODE: usize = 10;
const ADDRESS: usize = 11;

/// Decodes (UTF-8 or Shift_JIS) and reads a member file.
pub fn read_members_bytes(bytes: &[u8]) -> Result<Vec<Person>, ImportError> {
    read_members(&decode(bytes)?)
}

/// Reads a decoded member file: every person, in file order, or every problem found
/// (up to [`MAX_LINE_ERRORS`]) with its line and column.
pub fn read_members(text: &str) -> Result<Vec<Person>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv_reader(text.as_bytes());
    check_header(&mut reader, &COLUMNS)?;

    let mut people = Vec::new();
    let mut identities = Vec::new();
    let mut errors = Vec::new();
    let mut record = StringRecord::new();
    while errors.len() < MAX_LINE_ERRORS {
        match next_record(&mut reader, &mut record, COLUMNS.len()) {
            Next::End => break,
            Next::Record(line) => {
                identities.extend(identity(&record, line));
                match read_person(&record, line) {
                    Ok(person) => people.push(person),
                    Err(mut row_errors) => errors.append(&mut row_errors),
                }
            }
            Next::Error { error, fatal } => {
                errors.push(error);
                if fatal {
                    break;
                }
            }
        }
    }
    if errors.len() < MAX_LINE_ERRORS {
        check_households(&identities, &mut errors);
    }
    if errors.is_empty() {
        return Ok(people);
    }
    errors.sort_by_key(|error| error.line);
    errors.truncate(MAX_LINE_ERRORS);
    Err(ImportError::Lines(errors))
}

/// Who a row is about, read without reporting errors (the row's own check does that),
/// so that the whole-file checks also see rows that have other mistakes.
struct Identity {
    line: u64,
    household: HouseholdKey,
    branch: String,
}

fn identity(record: &StringRecord, line: u64) -> Option<Identity> {
    let mut row = Row::new(record, line, &COLUMNS);
    Some(Identity {
        line,
        household: row.household(SYMBOL, NUMBER)?,
        branch: row.branch(BRANCH)?,
    })
}

fn read_person(record: &StringRecord, line: u64) -> Result<Person, Vec<LineError>> {
    let mut row = Row::new(record, line, &COLUMNS);
    let household = row.household(SYMBOL, NUMBER);
    let branch = row.branch(BRANCH);
    let name = row.required(NAME).map(str::to_owned);
    let kana = row.required(KANA).map(str::to_owned);
    let birth_date = row.date(BIRTH_DATE);
    let sex = read_sex(&mut row);
    let relationship = read_relationship(&mut row);
    let acquired = row.date(ACQUIRED);
    let lost = row.optional_date(LOST);
    let postal_code = read_postal_code(&mut row);
    let address = row.optional(ADDRESS).map(str::to_owned);

    check_branch_matches_relationship(&mut row, branch.as_deref(), relationship);
    check_dates(&mut row, birth_date, acquired, lost);
    if branch.as_deref() == Some(INSURED_BRANCH) {
        check_postcard_address(&mut row);
    }

    match (
        household,
        branch,
        name,
        kana,
        birth_date,
        sex,
        relationship,
        acquired,
    ) {
        (
            Some(household),
            Some(branch),
            Some(name),
            Some(kana),
            Some(birth_date),
            Some(sex),
            Some(relationship),
            Some(acquired),
        ) if !row.has_errors() => Ok(Person {
            household,
            branch,
            name,
            kana,
            birth_date,
            sex,
            relationship,
            acquired,
            lost,
            postal_code,
            address,
            hidden_from_household: false,
        }),
        _ => Err(row.into_errors()),
    }
}

fn read_sex(row: &mut Row<'_>) -> Option<Sex> {
    let text = row.required(SEX)?;
    let sex = Sex::from_code(text);
    if sex.is_none() {
        row.error(
            SEX,
            format!("性別「{text}」は 1（男）か 2（女）で入力してください"),
        );
    }
    sex
}

fn read_relationship(row: &mut Row<'_>) -> Option<Relationship> {
    let text = row.required(RELATIONSHIP)?;
    let relationship = Relationship::from_label(text);
    if relationship.is_none() {
        let labels: Vec<&str> = Relationship::ALL.iter().map(|r| r.label()).collect();
        row.error(
            RELATIONSHIP,
            format!(
                "続柄「{text}」は {} のいずれかで入力してください",
                labels.join("・")
            ),
        );
    }
    relationship
}

fn read_postal_code(row: &mut Row<'_>) -> Option<String> {
    let text = row.optional(POSTAL_CODE)?;
    let postal_code = parse_postal_code(text);
    if postal_code.is_none() {
        row.error(
            POSTAL_CODE,
            format!(
                "郵便番号「{text}」は7桁の数字で入力してください（例: 1130033 または 113-0033）"
            ),
        );
    }
    postal_code
}

fn check_branch_matches_relationship(
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

fn check_dates(
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

fn check_postcard_address(row: &mut Row<'_>) {
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
fn check_households(identities: &[Identity], errors: &mut Vec<LineError>) {
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
