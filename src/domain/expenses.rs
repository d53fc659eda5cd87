//! Sums and periods of the medical-expense screens (SPEC §5.2, §5.3): pure functions over
//! claims that the store has already filtered to what a household may see.

use super::claim::{Claim, ClaimKind, YearMonth};
use super::yen::YenSum;

/// `1234567` → `1,234,567`.
pub fn thousands(n: impl Into<u128>) -> String {
    let mut out = String::with_capacity(56);
    push_thousands(&mut out, n.into());
    out
}

/// Appends `n` with thousands separators (no allocation of its own: the screens write
/// several amounts per row).
fn push_thousands(out: &mut String, n: u128) {
    // u128::MAX has 39 digits. An amount that fits 64 bits (every one a person pays) is
    // divided in 64-bit arithmetic: 128-bit division is a library call.
    let mut digits = [0u8; 39];
    let mut len = 0;
    let mut next = |d: u8| {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0' + d;
        }
        len += 1;
    };
    match u64::try_from(n) {
        Ok(mut small) => loop {
            next((small % 10) as u8);
            small /= 10;
            if small == 0 {
                break;
            }
        },
        Err(_) => {
            let mut big = n;
            loop {
                next((big % 10) as u8);
                big /= 10;
                if big == 0 {
                    break;
                }
            }
        }
    }
    let len = len.min(digits.len());
    out.reserve(len + len / 3);
    for i in (0..len).rev() {
        out.push(char::from(digits.get(i).copied().unwrap_or(b'0')));
        if i > 0 && i % 3 == 0 {
            out.push(',');
        }
    }
}

/// `1234567` → `1,234,567円`.
pub fn yen(n: impl Into<u128>) -> String {
    let mut out = String::with_capacity(56);
    push_thousands(&mut out, n.into());
    out.push('円');
    out
}

/// Sums of a selection of claims.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub claims: u64,
    pub days: u64,
    pub total_cost: YenSum,
    pub self_pay: YenSum,
    pub benefit: YenSum,
}

impl Totals {
    pub fn of<'a>(claims: impl IntoIterator<Item = &'a Claim>) -> Self {
        claims.into_iter().fold(Totals::default(), |mut t, c| {
            t.claims = t.claims.saturating_add(1);
            t.days = t.days.saturating_add(u64::from(c.days));
            t.total_cost += c.total_cost;
            t.self_pay += c.self_pay;
            t.benefit += c.benefit;
            t
        })
    }
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, other: Totals) {
        self.claims = self.claims.saturating_add(other.claims);
        self.days = self.days.saturating_add(other.days);
        self.total_cost += other.total_cost;
        self.self_pay += other.self_pay;
        self.benefit += other.benefit;
    }
}

/// The months a selection covers: a calendar year or a range of months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: YearMonth,
    pub to: YearMonth,
    /// January to December of one year.
    pub whole_year: bool,
}

/// Longest range of months one selection may span (the retention period is 60 months).
pub const MAX_RANGE_MONTHS: usize = 120;

impl Period {
    /// January to December of `year`; `None` outside years 1–9999.
    pub fn year(year: i32) -> Option<Self> {
        Some(Period {
            from: YearMonth::new(year, 1)?,
            to: YearMonth::new(year, 12)?,
            whole_year: true,
        })
    }

    /// A range; the ends are swapped when given the wrong way round, and a range longer
    /// than [`MAX_RANGE_MONTHS`] is cut at its start.
    pub fn months(from: YearMonth, to: YearMonth) -> Self {
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        let from = if span(from, to) > MAX_RANGE_MONTHS {
            add_months(to, -(MAX_RANGE_MONTHS as i32 - 1)).unwrap_or(from)
        } else {
            from
        };
        Period {
            from,
            to,
            whole_year: false,
        }
    }

    /// `2025年` or `2025年1月〜2025年6月`.
    pub fn label(self) -> String {
        if self.whole_year {
            format!("{}年", self.from.year())
        } else if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{}〜{}", self.from, self.to)
        }
    }
}

/// `2025-03` (an `<input type="month">` value) or `202503`.
pub fn parse_month_input(text: &str) -> Option<YearMonth> {
    let compact: String = text.trim().chars().filter(|c| *c != '-').collect();
    YearMonth::parse_yyyymm(&compact).ok()
}

/// `2025-03`: the value of an `<input type="month">`.
pub fn month_input_value(month: YearMonth) -> String {
    format!("{:04}-{:02}", month.year(), month.month())
}

/// The month `n` months after `month` (before, when negative).
pub fn add_months(month: YearMonth, n: i32) -> Option<YearMonth> {
    let index = month.year() * 12 + month.month() as i32 - 1 + n;
    YearMonth::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

fn month_index(month: YearMonth) -> i64 {
    i64::from(month.year()) * 12 + i64::from(month.month())
}

/// How many months `from..=to` holds (0 when `to` comes first), counted without a loop.
fn span(from: YearMonth, to: YearMonth) -> usize {
    usize::try_from(month_index(to) - month_index(from) + 1).unwrap_or(0)
}

/// Every month from `from` to `to`, inclusive, ascending.
pub fn months_between(from: YearMonth, to: YearMonth) -> Vec<YearMonth> {
    (0..span(from, to))
        .map_while(|n| add_months(from, i32::try_from(n).ok()?))
        .collect()
}

/// Total cost per month (rows, ascending) and person (columns, in `branches` order), from
/// sums per month and 枝番 (several for one cell add up).
pub fn monthly_totals<'a>(
    sums: impl IntoIterator<Item = (YearMonth, &'a str, YenSum)>,
    months: &[YearMonth],
    branches: &[&str],
) -> Vec<Vec<YenSum>> {
    let mut table = vec![vec![YenSum::ZERO; branches.len()]; months.len()];
    for (month, branch, total_cost) in sums {
        let row = months.iter().position(|m| *m == month);
        let col = branches.iter().position(|b| *b == branch);
        if let (Some(row), Some(col)) = (row, col)
            && let Some(cell) = table.get_mut(row).and_then(|r| r.get_mut(col))
        {
            *cell += total_cost;
        }
    }
    table
}

/// 医療費の区分 of the tax office's 医療費集計フォーム.
pub fn tax_form_category(kind: ClaimKind) -> &'static str {
    match kind {
        ClaimKind::Pharmacy => "医薬品購入",
        ClaimKind::Inpatient
        | ClaimKind::Outpatient
        | ClaimKind::Dental
        | ClaimKind::HomeNursing => "診療・治療",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(y: i32, m: u32) -> YearMonth {
        YearMonth::new(y, m).unwrap()
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0u64), "0");
        assert_eq!(thousands(999u64), "999");
        assert_eq!(thousands(1000u64), "1,000");
        assert_eq!(thousands(982340u64), "982,340");
        assert_eq!(yen(1234567u64), "1,234,567円");
        assert_eq!(
            yen(u128::MAX),
            "340,282,366,920,938,463,463,374,607,431,768,211,455円"
        );
        // Around every power of ten: the digits of `to_string`, grouped by three.
        for p in 0..39u32 {
            let ten = 10u128.pow(p);
            for n in [ten - 1, ten, ten + 1, ten.saturating_mul(7) / 3] {
                let digits = n.to_string();
                let shown = thousands(n);
                assert_eq!(shown.replace(',', ""), digits);
                assert!(shown.split(',').skip(1).all(|g| g.len() == 3), "{shown}");
                assert!(
                    shown
                        .split(',')
                        .next()
                        .is_some_and(|g| (1..=3).contains(&g.len()))
                );
            }
        }
    }

    #[test]
    fn month_arithmetic() {
        assert_eq!(add_months(ym(2025, 12), 1), Some(ym(2026, 1)));
        assert_eq!(add_months(ym(2025, 1), -1), Some(ym(2024, 12)));
        assert_eq!(months_between(ym(2024, 11), ym(2025, 2)).len(), 4);
        assert_eq!(parse_month_input("2025-03"), Some(ym(2025, 3)));
        assert_eq!(parse_month_input("202503"), Some(ym(2025, 3)));
        assert_eq!(parse_month_input("2025-13"), None);
        assert_eq!(month_input_value(ym(2025, 3)), "2025-03");
    }

    #[test]
    fn periods() {
        let year = Period::year(2025).unwrap();
        assert_eq!((year.from, year.to), (ym(2025, 1), ym(2025, 12)));
        assert_eq!(year.label(), "2025年");
        let swapped = Period::months(ym(2025, 6), ym(2025, 1));
        assert_eq!((swapped.from, swapped.to), (ym(2025, 1), ym(2025, 6)));
        assert_eq!(swapped.label(), "2025年1月〜2025年6月");
        let long = Period::months(ym(2000, 1), ym(2025, 12));
        assert_eq!(long.from, ym(2016, 1));
        let longest = Period::months(ym(1, 1), ym(9999, 12));
        assert_eq!((longest.from, longest.to), (ym(9990, 1), ym(9999, 12)));
        assert_eq!(
            months_between(longest.from, longest.to).len(),
            MAX_RANGE_MONTHS
        );
        assert!(months_between(ym(2025, 2), ym(2025, 1)).is_empty());
    }
}
