//! Japan's national holidays, including substitute (振替休日) and citizens' holidays (国民の休日),
//! from the table of the npm package @holiday-jp/holiday_jp (1970–2050), embedded.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{Datelike as _, NaiveDate, Weekday};

const TABLE: &str = include_str!("../../assets/holidays-jp.tsv");

static HOLIDAYS: LazyLock<HashSet<NaiveDate>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split('\t').next())
        .filter_map(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok())
        .collect()
});

/// The last year the table knows.
pub fn known_until() -> i32 {
    HOLIDAYS.iter().map(|d| d.year()).max().unwrap_or(1970)
}

pub fn is_holiday(date: NaiveDate) -> bool {
    HOLIDAYS.contains(&date)
}

/// Saturday, Sunday or a national holiday.
pub fn is_day_off(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun) || is_holiday(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn knows_the_published_holidays_including_substitute_and_citizens_days() {
        assert!(is_holiday(d(2024, 2, 23)), "天皇誕生日");
        assert!(is_holiday(d(2024, 2, 12)), "建国記念の日 振替休日");
        assert!(is_holiday(d(2026, 9, 22)), "国民の休日");
        assert!(is_holiday(d(2027, 3, 21)), "春分の日");
        assert!(!is_holiday(d(2024, 2, 22)));
        assert!(known_until() >= 2050);
    }
}
