//! Japan time: the union's calendar, and how instants are shown to people.

use chrono::{DateTime, FixedOffset, Utc};

/// Japan Standard Time: UTC+9, no daylight saving time.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"), // evaluated at compile time
};

/// Formats an instant for people: Japan time, `2026年11月24日 17:26`.
pub fn format_jst(at: DateTime<Utc>) -> String {
    at.with_timezone(&JST)
        .format("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

/// Formats a date for people: `2026年11月24日`.
pub fn format_jst_date(at: DateTime<Utc>) -> String {
    at.with_timezone(&JST).format("%Y年%-m月%-d日").to_string()
}

/// Today's date in Japan.
pub fn today_jst(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&JST).date_naive()
}
