//! Maintenance windows as the portal keeps them: the monthly rule in the settings and
//! one-off windows in their own table. The calendar itself is `domain::maintenance`.

use chrono::{DateTime, Datelike as _, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{Action, AuditEntry};
use crate::clock::JST;
use crate::domain::maintenance::{MaintenanceRule, Window, current_window, next_window};
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{Reader, Record, Writer, tables};

/// A window staff added by hand (an upgrade, say), keyed by a sequence id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OneOffWindow {
    pub window: Window,
    pub note: String,
    pub created_by: String,
    pub cancelled: bool,
}

impl Record for OneOffWindow {
    const TABLE: &'static str = tables::MAINTENANCE_WINDOWS;
}

/// What pages need to know: the window in force and the next one.
#[derive(Debug, Clone, Copy, Default)]
pub struct MaintenanceState {
    pub current: Option<Window>,
    pub next: Option<Window>,
}

/// One-off windows that have not ended and are not cancelled.
pub fn upcoming_one_offs(
    r: &Reader,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<(String, OneOffWindow)>> {
    Ok(r.scan::<OneOffWindow>("")?
        .into_iter()
        .filter(|(_, w)| !w.cancelled && w.window.end > now)
        .collect())
}

pub fn state(
    rule: &MaintenanceRule,
    one_offs: &[OneOffWindow],
    now: DateTime<Utc>,
) -> MaintenanceState {
    let windows: Vec<Window> = one_offs.iter().map(|w| w.window).collect();
    MaintenanceState {
        current: current_window(rule, &windows, now),
        next: next_window(rule, &windows, now),
    }
}

pub fn save_rule(
    w: &mut Writer,
    rule: MaintenanceRule,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut settings = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
    settings.maintenance = rule;
    w.put(SETTINGS, &settings)?;
    AuditEntry::new(now, actor, Action::SettingsMaintenanceRuleChanged).record(w)
}

pub fn add_one_off(
    w: &mut Writer,
    window: Window,
    note: String,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let id = w.next_id("maintenance_windows")?;
    let record = OneOffWindow {
        window,
        note,
        created_by: actor.to_string(),
        cancelled: false,
    };
    w.put(&id, &record)?;
    AuditEntry::new(now, actor, Action::SettingsMaintenanceWindowAdded)
        .target(id)
        .record(w)
}

pub fn cancel_one_off(
    w: &mut Writer,
    id: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Some(mut record) = w.get::<OneOffWindow>(id)? else {
        return Ok(false);
    };
    record.cancelled = true;
    w.put(id, &record)?;
    AuditEntry::new(now, actor, Action::SettingsMaintenanceWindowCancelled)
        .target(id)
        .record(w)?;
    Ok(true)
}

const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// `2026年11月25日(水) 21:00～24:00` (an end at the next midnight reads 24:00; a later
/// end on another day reads 翌02:00).
pub fn describe(window: &Window) -> String {
    let start = window.start.with_timezone(&JST);
    let end = window.end.with_timezone(&JST);
    let weekday = WEEKDAYS[start.weekday().num_days_from_monday() as usize];
    let days = (end.date_naive() - start.date_naive()).num_days();
    let end_text = match days {
        0 => end.format("%H:%M").to_string(),
        1 if end.format("%H:%M").to_string() == "00:00" => "24:00".to_string(),
        1 => format!("翌{}", end.format("%H:%M")),
        _ => end.format("%Y年%-m月%-d日 %H:%M").to_string(),
    };
    format!(
        "{}({weekday}) {}～{end_text}",
        start.format("%Y年%-m月%-d日"),
        start.format("%H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn windows_read_as_people_expect() {
        let rule = MaintenanceRule::default();
        let w = crate::domain::maintenance::monthly_window(&rule, 2024, 2).unwrap();
        assert_eq!(describe(&w), "2024年2月22日(木) 21:00～24:00");
        let start = JST
            .with_ymd_and_hms(2026, 11, 25, 22, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let end = JST
            .with_ymd_and_hms(2026, 11, 26, 2, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            describe(&Window { start, end }),
            "2026年11月25日(水) 22:00～翌02:00"
        );
    }
}
