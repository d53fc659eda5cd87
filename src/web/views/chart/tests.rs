//! The chart's axis: round steps for any amount.

use super::axis_max;

#[test]
fn axis_max_is_four_round_steps_at_or_above_the_peak() {
    for (peak, axis) in [
        (1u64, 4u128),
        (4, 4),
        (5, 8),
        (9, 20),
        (21, 40),
        (33_680, 40_000),
        (40_001, 80_000),
        (1_999_999_999_980, 2_000_000_000_000),
    ] {
        assert_eq!(axis_max(peak.into()), axis, "{peak}");
    }
}

#[test]
fn axis_max_answers_for_any_amount() {
    // Today's release loops forever here (in a debug build: overflows and panics).
    assert_eq!(axis_max(u64::MAX.into()), 20_000_000_000_000_000_000);
    assert_eq!(axis_max(0), 4);
    assert_eq!(axis_max(u128::MAX), u128::MAX, "saturates, never wraps");
}

/// The smallest 4 × {1, 2, 5} × 10ⁿ at or above `max`, by trying every n in turn.
fn by_trying(max: u128) -> u128 {
    (0..38u32)
        .flat_map(|n| [1, 2, 5].map(|m| 4 * m * 10u128.pow(n)))
        .find(|axis| *axis >= max)
        .unwrap_or(u128::MAX)
}

#[test]
fn axis_max_agrees_with_trying_every_step() {
    let mut peaks: Vec<u128> = (1..=2_000).collect();
    for n in 3..37u32 {
        let p = 10u128.pow(n);
        peaks.extend([
            p - 1,
            p,
            p + 1,
            2 * p,
            2 * p + 1,
            4 * p,
            4 * p + 1,
            8 * p + 1,
        ]);
    }
    for peak in peaks {
        assert_eq!(axis_max(peak), by_trying(peak), "{peak}");
    }
}
