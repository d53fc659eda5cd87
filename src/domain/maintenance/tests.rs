use super::*;

fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    JST.with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn day(rule: &MaintenanceRule, y: i32, m: u32) -> u32 {
    window_day(rule, y, m).unwrap().day()
}

/// Checked by hand against the Cabinet Office's published holiday list.
#[test]
fn the_25th_moves_earlier_past_weekends_and_holidays() {
    let rule = MaintenanceRule::default();
    let cases = [
        // (year, month, day of the window, why)
        (2024, 1, 25, "Thursday"),
        (
            2024,
            2,
            22,
            "25th Sunday, 24th Saturday, 23rd 天皇誕生日 → Thursday 22nd",
        ),
        (2024, 5, 24, "25th Saturday → Friday"),
        (2024, 8, 23, "25th Sunday → Friday 23rd"),
        (2024, 12, 25, "Wednesday"),
        (2025, 1, 24, "25th Saturday"),
        (2025, 5, 23, "25th Sunday"),
        (2025, 10, 24, "25th Saturday"),
        (2026, 1, 23, "25th Sunday"),
        (2026, 4, 24, "25th Saturday"),
        (2026, 11, 25, "Wednesday"),
        (2027, 7, 23, "25th Sunday"),
        (2027, 9, 24, "25th Saturday"),
        (2027, 12, 24, "25th Saturday"),
    ];
    for (y, m, expected, why) in cases {
        assert_eq!(day(&rule, y, m), expected, "{y}-{m}: {why}");
    }
}

#[test]
fn a_step_back_crosses_a_holiday_and_a_substitute_holiday() {
    // 2026-05-06 is a substitute holiday (振替休日), 05-05 こどもの日, 05-04 みどりの日, 05-03 Sunday.
    let rule = MaintenanceRule {
        day: 6,
        ..MaintenanceRule::default()
    };
    assert_eq!(
        window_day(&rule, 2026, 5),
        NaiveDate::from_ymd_opt(2026, 5, 1)
    );
    // 2026-09-22 is a citizens' holiday (国民の休日) between 敬老の日 and 秋分の日.
    let rule = MaintenanceRule {
        day: 23,
        ..MaintenanceRule::default()
    };
    assert_eq!(
        window_day(&rule, 2026, 9),
        NaiveDate::from_ymd_opt(2026, 9, 18)
    );
}

#[test]
fn a_day_past_the_end_of_the_month_means_its_last_day() {
    let rule = MaintenanceRule {
        day: 31,
        ..MaintenanceRule::default()
    };
    assert_eq!(
        window_day(&rule, 2026, 2),
        NaiveDate::from_ymd_opt(2026, 2, 27),
        "28th is a Saturday"
    );
}

#[test]
fn instants_before_at_inside_and_after_the_window() {
    let rule = MaintenanceRule::default();
    let w = monthly_window(&rule, 2024, 2).unwrap();
    assert_eq!(w.start, jst(2024, 2, 22, 21, 0));
    assert_eq!(w.end, jst(2024, 2, 23, 0, 0), "24:00 is the next midnight");
    assert_eq!(current_window(&rule, &[], jst(2024, 2, 22, 20, 59)), None);
    assert_eq!(current_window(&rule, &[], jst(2024, 2, 22, 21, 0)), Some(w));
    assert_eq!(
        current_window(&rule, &[], jst(2024, 2, 22, 23, 59)),
        Some(w)
    );
    assert_eq!(current_window(&rule, &[], jst(2024, 2, 23, 0, 0)), None);
    assert_eq!(next_window(&rule, &[], jst(2024, 2, 22, 20, 59)), Some(w));
    let after = next_window(&rule, &[], jst(2024, 2, 23, 0, 0)).unwrap();
    assert_eq!(after.start, jst(2024, 3, 25, 21, 0));
}

#[test]
fn windows_crossing_midnight_japan_time_are_kept_in_utc() {
    let rule = MaintenanceRule {
        day: 25,
        start_hour: 22,
        end_hour: 26,
        enabled: true,
    };
    let w = monthly_window(&rule, 2026, 11).unwrap();
    assert_eq!(w.start.to_rfc3339(), "2026-11-25T13:00:00+00:00");
    assert_eq!(
        w.end.to_rfc3339(),
        "2026-11-25T17:00:00+00:00",
        "02:00 on the 26th in Japan"
    );
    assert!(current_window(&rule, &[], jst(2026, 11, 26, 1, 30)).is_some());
    assert!(current_window(&rule, &[], jst(2026, 11, 26, 2, 0)).is_none());
}

#[test]
fn a_window_at_the_turn_of_the_year_is_found_from_either_side() {
    let rule = MaintenanceRule {
        day: 31,
        start_hour: 21,
        end_hour: 27,
        enabled: true,
    };
    // 2026-12-31 is a Thursday and no national holiday.
    let w = monthly_window(&rule, 2026, 12).unwrap();
    assert_eq!(current_window(&rule, &[], jst(2027, 1, 1, 2, 0)), Some(w));
}

#[test]
fn one_off_windows_and_a_switched_off_rule() {
    let off = MaintenanceRule {
        enabled: false,
        ..MaintenanceRule::default()
    };
    assert_eq!(current_window(&off, &[], jst(2026, 11, 25, 22, 0)), None);
    let upgrade = Window {
        start: jst(2026, 12, 1, 9, 0),
        end: jst(2026, 12, 1, 10, 0),
    };
    assert_eq!(
        next_window(&off, &[upgrade], jst(2026, 11, 30, 0, 0)),
        Some(upgrade)
    );
    assert_eq!(
        current_window(&off, &[upgrade], jst(2026, 12, 1, 9, 30)),
        Some(upgrade)
    );
    assert_eq!(
        current_window(&off, &[upgrade], jst(2026, 12, 1, 10, 0)),
        None
    );
}

#[test]
fn the_rule_form_is_parsed_with_clear_refusals() {
    assert_eq!(
        MaintenanceRule::parse(true, "25", "21", "24"),
        Ok(MaintenanceRule::default())
    );
    assert_eq!(
        MaintenanceRule::parse(true, "0", "21", "24"),
        Err(RuleError::Day)
    );
    assert_eq!(
        MaintenanceRule::parse(true, "25", "24", "25"),
        Err(RuleError::Start)
    );
    assert_eq!(
        MaintenanceRule::parse(true, "25", "21", "21"),
        Err(RuleError::End)
    );
    assert_eq!(
        MaintenanceRule::parse(true, "25", "21", "31"),
        Err(RuleError::End)
    );
}
