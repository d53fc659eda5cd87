//! The filter of the medical-expense screens, read from the query string: which months,
//! which person, which page. An id of another household or an unknown person is a 404.

use chrono::{DateTime, Utc};
use poem::http::StatusCode;
use serde::Deserialize;

use crate::claims::query::DataStatus;
use crate::clock::today_jst;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::{Period, add_months, parse_month_input};
use crate::domain::member::{HouseholdKey, Person};

/// The query string of /menu/expenses, /menu/expenses/chart and /menu/tax-notice.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExpenseQuery {
    /// `2025`, or `range` to use `from`/`to`.
    pub year: String,
    /// `2025-01` (or `202501`).
    pub from: String,
    pub to: String,
    /// 枝番 of one person; empty for everyone.
    pub person: String,
    pub page: String,
    /// Ignored when it is the member's own household; any other household is a 404.
    pub household: String,
}

pub fn not_found() -> poem::Error {
    poem::Error::from_status(StatusCode::NOT_FOUND)
}

/// 404 unless `household` is empty or names the member's own household.
pub fn check_household(query: &ExpenseQuery, own: &HouseholdKey) -> poem::Result<()> {
    if query.household.trim().is_empty() {
        return Ok(());
    }
    match HouseholdKey::parse_display(&query.household) {
        Ok(h) if h == *own => Ok(()),
        _ => Err(not_found()),
    }
}

/// The chosen person among those the household may see; 404 for anyone else.
pub fn person<'a>(query: &ExpenseQuery, people: &'a [Person]) -> poem::Result<Option<&'a Person>> {
    let branch = query.person.trim();
    if branch.is_empty() {
        return Ok(None);
    }
    people
        .iter()
        .find(|p| p.branch == branch)
        .map(Some)
        .ok_or_else(not_found)
}

/// The selected months, and a message when the query could not be read as given.
pub struct Selection {
    pub period: Period,
    pub range_mode: bool,
    pub problem: Option<&'static str>,
}

/// The newest month with published data, else the current month.
pub fn latest_month(now: DateTime<Utc>, status: Option<DataStatus>) -> YearMonth {
    status.map(|s| s.through).unwrap_or_else(|| {
        let today = today_jst(now);
        use chrono::Datelike as _;
        YearMonth::new(today.year(), today.month()).unwrap_or(YearMonth::MIN)
    })
}

/// Years offered in the filter: the newest with data and the five before it.
pub fn years(latest: YearMonth) -> Vec<i32> {
    (0..6).map(|back| latest.year() - back).collect()
}

pub fn selection(query: &ExpenseQuery, latest: YearMonth) -> Selection {
    let default_year = Period::year(latest.year());
    let fallback = |problem| Selection {
        period: default_year.unwrap_or_else(|| Period::months(latest, latest)),
        range_mode: false,
        problem,
    };
    match query.year.trim() {
        "" => fallback(None),
        "range" => {
            let to = parse_month_input(&query.to).unwrap_or(latest);
            let from = match query.from.trim() {
                "" => add_months(to, -11).unwrap_or(to),
                text => match parse_month_input(text) {
                    Some(from) => from,
                    None => return fallback(Some(BAD_MONTH)),
                },
            };
            if !query.to.trim().is_empty() && parse_month_input(&query.to).is_none() {
                return fallback(Some(BAD_MONTH));
            }
            Selection {
                period: Period::months(from, to),
                range_mode: true,
                problem: None,
            }
        }
        text => match text.parse::<i32>().ok().and_then(Period::year) {
            Some(period) => Selection {
                period,
                range_mode: false,
                problem: None,
            },
            None => fallback(Some(BAD_YEAR)),
        },
    }
}

const BAD_YEAR: &str = "指定された年を読み取れなかったため、最新の年を表示しています。";
const BAD_MONTH: &str = "指定された期間を読み取れなかったため、最新の年を表示しています。";

/// Page number, from 1.
pub fn page(query: &ExpenseQuery) -> usize {
    query.page.trim().parse::<usize>().unwrap_or(1).max(1)
}

/// The query string that shows `selection` again (for links, paging and bookmarks).
pub fn query_string(selection: &Selection, person: Option<&Person>, page: usize) -> String {
    let mut parts = Vec::new();
    if selection.range_mode {
        parts.push("year=range".to_string());
        parts.push(format!(
            "from={}",
            crate::domain::expenses::month_input_value(selection.period.from)
        ));
        parts.push(format!(
            "to={}",
            crate::domain::expenses::month_input_value(selection.period.to)
        ));
    } else {
        parts.push(format!("year={}", selection.period.from.year()));
    }
    if let Some(p) = person {
        parts.push(format!("person={}", p.branch));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    parts.join("&")
}
