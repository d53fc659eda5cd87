//! Time is a parameter: everything that expires, locks or schedules asks a `Clock`.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: tests set it instead of sleeping.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now = to;
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

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
