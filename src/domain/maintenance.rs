//! The maintenance window (SPEC §5.6): by default the 25th of every month, 21:00–24:00 Japan
//! time; when that day is a Saturday, Sunday or national holiday the window moves earlier
//! ("繰り上げ") to the nearest preceding day that is none of these. Staff can change the
//! rule, switch it off, and add one-off windows. Windows are instants in UTC.

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, TimeZone as _, Utc};
use serde::{Deserialize, Serialize};

use super::holidays::is_day_off;
use super::japan_time::JST;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaintenanceRule {
    pub enabled: bool,
    /// Day of the month (1–31; a day past the month's end means its last day).
    pub day: u32,
    /// Start hour in Japan time (0–23).
    pub start_hour: u32,
    /// End hour in Japan time, after the start (up to 30: a window may cross midnight).
    pub end_hour: u32,
}

impl Default for MaintenanceRule {
    fn default() -> Self {
        Self {
            enabled: true,
            day: 25,
            start_hour: 21,
            end_hour: 24,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    #[error("日は1から31の数字で入力してください。")]
    Day,
    #[error("開始時刻は0から23の数字で入力してください。")]
    Start,
    #[error("終了時刻は開始時刻より後（翌朝6時まで）にしてください。")]
    End,
}

impl MaintenanceRule {
    pub fn parse(enabled: bool, day: &str, start: &str, end: &str) -> Result<Self, RuleError> {
        let day: u32 = day
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=31).contains(d))
            .ok_or(RuleError::Day)?;
        let start_hour: u32 = start
            .trim()
            .parse()
            .ok()
            .filter(|h| *h <= 23)
            .ok_or(RuleError::Start)?;
        let end_hour: u32 = end
            .trim()
            .parse()
            .ok()
            .filter(|h| *h > start_hour && *h <= 30)
            .ok_or(RuleError::End)?;
        Ok(Self {
            enabled,
            day,
            start_hour,
            end_hour,
        })
    }
}

/// A stretch of time during which members get the maintenance page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Window {
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<u32> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some(first_next.pred_opt()?.day())
}

/// The day of the month's window: the rule's day, moved back past days off.
pub fn window_day(rule: &MaintenanceRule, year: i32, month: u32) -> Option<NaiveDate> {
    let day = rule.day.min(last_day_of_month(year, month)?);
    let mut date = NaiveDate::from_ymd_opt(year, month, day)?;
    while is_day_off(date) {
        date = date.pred_opt()?;
    }
    Some(date)
}

/// The rule's window in a given month, if the rule is on.
pub fn monthly_window(rule: &MaintenanceRule, year: i32, month: u32) -> Option<Window> {
    if !rule.enabled {
        return None;
    }
    let date = window_day(rule, year, month)?;
    let midnight = JST
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .single()?;
    let start = midnight + Duration::hours(i64::from(rule.start_hour));
    let end = midnight + Duration::hours(i64::from(rule.end_hour));
    Some(Window {
        start: start.with_timezone(&Utc),
        end: end.with_timezone(&Utc),
    })
}

/// The rule's windows of the month of `at` (Japan time) and its neighbours, in order.
fn rule_windows_around(rule: &MaintenanceRule, at: DateTime<Utc>) -> Vec<Window> {
    let local = at.with_timezone(&JST);
    let (y, m) = (local.year(), local.month());
    let months = [
        if m == 1 { (y - 1, 12) } else { (y, m - 1) },
        (y, m),
        if m == 12 { (y + 1, 1) } else { (y, m + 1) },
        if m >= 11 { (y + 1, m - 10) } else { (y, m + 2) },
    ];
    months
        .iter()
        .filter_map(|(y, m)| monthly_window(rule, *y, *m))
        .collect()
}

/// The window in force at `at`, if any (the rule's or a one-off).
pub fn current_window(
    rule: &MaintenanceRule,
    one_offs: &[Window],
    at: DateTime<Utc>,
) -> Option<Window> {
    rule_windows_around(rule, at)
        .into_iter()
        .chain(one_offs.iter().copied())
        .filter(|w| w.contains(at))
        .max_by_key(|w| w.end)
}

/// The next window that starts after `at`.
pub fn next_window(
    rule: &MaintenanceRule,
    one_offs: &[Window],
    at: DateTime<Utc>,
) -> Option<Window> {
    rule_windows_around(rule, at)
        .into_iter()
        .chain(one_offs.iter().copied())
        .filter(|w| w.start > at)
        .min_by_key(|w| w.start)
}

#[cfg(test)]
mod tests;
