//! The benefit section of 医療費のお知らせ: per person, the decisions whose covered months
//! reach into the year, what each takes from this year's claims, and how (plan §5).

use chrono::Datelike as _;
use maud::{Markup, html};

use super::benefits::span;
use crate::benefits::tax::YearDecision;
use crate::domain::benefit::OffsetClass;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::yen;
use crate::domain::member::Person;
use crate::domain::yen::Yen;

/// One sentence per fact about how a decision is set against the year's costs. `through`:
/// the latest 診療年月 of the published claims (`None`: none yet).
pub fn explanations(d: &YearDecision, year: i32, through: Option<YearMonth>) -> Vec<String> {
    let decision = &d.decision;
    let mut out = Vec::new();
    match decision.class {
        OffsetClass::None => out.push("医療費控除では差し引きません。".to_string()),
        OffsetClass::Outside => {
            out.push("出産費用など、このお知らせに載っていない費用から差し引いてください（差し引くのはその費用の額まで）。".to_string());
            if decision.from.year() != decision.to.year() {
                out.push("対象期間が2つの年にわたるため、両方の年のお知らせに載せています。費用を支払った年の分として差し引いてください。".to_string());
            }
        }
        OffsetClass::Receipt => receipt_explanations(d, through, &mut out),
    }
    if decision.class != OffsetClass::None && decision.decided_on.year() > year {
        out.push(format!(
            "{}年に決定した給付金ですが、対象の医療費と同じ{year}年分として差し引きます。",
            decision.decided_on.year()
        ));
    }
    out
}

fn receipt_explanations(d: &YearDecision, through: Option<YearMonth>, out: &mut Vec<String>) {
    // Covered months whose claims are not published yet: what is left over may be theirs,
    // and the member, adding those months from the receipts, must subtract it there.
    let pending = through.is_none_or(|t| d.decision.to > t);
    match d.claims.as_slice() {
        [] if d.other_years == Yen::ZERO && !pending => out
            .push("この年のお知らせに対象の医療費がないため、差し引く額はありません。".to_string()),
        [] => {}
        [(c, _)] => out.push(format!(
            "{} {}の医療費から差し引きます。",
            c.month, c.provider
        )),
        [(first, _), .., (last, _)] => {
            let months = span(first.month, last.month);
            let n = d.claims.len();
            if d.rest > Yen::ZERO {
                out.push(format!(
                    "{months}の医療費{n}件から、それぞれ自己負担額まで差し引きます。"
                ));
            } else {
                out.push(format!("{months}の医療費{n}件に、自己負担額の割合で按分しました（1円未満は端数の大きい順）。"));
            }
        }
    }
    if d.other_years > Yen::ZERO {
        out.push(format!(
            "うち{}は、対象期間のほかの年の医療費から差し引きます（その年のお知らせをご覧ください）。",
            yen(d.other_years)
        ));
    }
    if d.rest > Yen::ZERO && pending {
        out.push(format!(
            "{}は、対象期間のうちまだこのお知らせに載っていない月の医療費にあたります。その月の医療費を領収書をもとに記入するときに、その医療費の額まで差し引いてください。",
            yen(d.rest)
        ));
    } else if d.rest > Yen::ZERO {
        out.push(format!(
            "{}は対象の医療費を超えるため、ほかの医療費からは差し引きません。",
            yen(d.rest)
        ));
    }
}

/// 「給付金（保険金などで補填される金額）」, one table per person with decisions.
pub fn section(
    people: &[Person],
    decisions: &[YearDecision],
    year: i32,
    through: Option<YearMonth>,
) -> Markup {
    html! {
        @if !decisions.is_empty() {
            section.tax-offsets aria-labelledby="offsets-title" {
                h2 #offsets-title { "給付金（保険金などで補填される金額）" }
                @for p in people {
                    @let own: Vec<&YearDecision> = decisions.iter().filter(|d| d.decision.branch == p.branch).collect();
                    @if !own.is_empty() {
                        (person_table(p, &own, year, through))
                    }
                }
            }
        }
    }
}

fn person_table(
    p: &Person,
    own: &[&YearDecision],
    year: i32,
    through: Option<YearMonth>,
) -> Markup {
    html! {
        div.table-scroll { table.data.cards.tax-offsets__table {
            caption { (p.name) }
            thead { tr {
                th scope="col" { "給付種別" } th scope="col" { "対象期間" } th.num scope="col" { "支給額" }
                th.num scope="col" { "この年の医療費から差し引く額" } th scope="col" { "説明" }
            } }
            tbody {
                @for d in own { tr {
                    td.nowrap.card-title { (d.decision.kind) }
                    td.nowrap { (span(d.decision.from, d.decision.to)) }
                    td.num { (yen(d.decision.amount)) }
                    td.num {
                        @if d.decision.class == OffsetClass::Receipt { (yen(d.this_year)) } @else { "—" }
                    }
                    td.card-block { @for line in explanations(d, year, through) { (line) br; } }
                } }
            }
        } }
    }
}

#[cfg(test)]
mod tests;
