//! The member file (SPEC §6.1): one row per person, read whole and checked whole,
//! because an import is all rows or none.

use csv::StringRecord;

use super::encoding::decode;
use super::error::{ImportError, LineError, MAX_LINE_ERRORS};
use super::fields::Row;
use super::member_rules::{
    Identity, check_branch_matches_relationship, check_dates, check_households,
    check_postcard_address,
};
use super::records::{Next, check_header, csv_reader, next_record};
use crate::domain::member::{INSURED_BRANCH, Person, Relationship, Sex, parse_postal_code};

pub use super::member_rules::COLUMNS;
use super::member_rules::{
    ACQUIRED, ADDRESS, BIRTH_DATE, BRANCH, KANA, LOST, NAME, NUMBER, POSTAL_CODE, RELATIONSHIP,
    SEX, SYMBOL,
};

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
