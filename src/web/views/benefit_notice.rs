//! 支給決定通知書: one decision as a union mails it on paper, printable on one A4 sheet.
//! Like the tax notice, it carries no 記号・番号 and no 保険者番号.

use maud::{Markup, html};

use super::benefits::{day, span};
use super::expenses::name_of;
use super::print::print_button;
use crate::clock::format_jst_date;
use crate::domain::benefit::{
    BenefitDecision, BenefitKinds, CUSTOM_EXPLANATION, CustomBenefitKind, OffsetClass,
};
use crate::domain::expenses::yen;
use crate::domain::member::{INSURED_BRANCH, Person};

pub struct NoticeView<'a> {
    pub union_name: &'a str,
    /// The union's own 給付種別, for their explanations.
    pub kinds: &'a [CustomBenefitKind],
    pub people: &'a [Person],
    pub decision: &'a BenefitDecision,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// What the 医療費控除 makes of the benefit, by the class stored with the decision.
pub fn tax_line(class: OffsetClass) -> &'static str {
    match class {
        OffsetClass::Receipt => {
            "この給付金は、医療費控除の計算では「保険金などで補填される金額」にあたります。対象期間の医療費から差し引いてください（当組合の「医療費のお知らせ」では差し引く額をお示ししています）。"
        }
        OffsetClass::Outside => {
            "この給付金は、医療費控除の計算では「保険金などで補填される金額」にあたります。出産費用など、給付の対象となった費用から差し引いてください（差し引くのはその費用の額までです）。"
        }
        OffsetClass::None => {
            "この給付金は、医療費控除の計算では「保険金などで補填される金額」にはあたりません。"
        }
    }
}

pub fn page(v: &NoticeView<'_>) -> Markup {
    let d = v.decision;
    let insured = name_of(v.people, INSURED_BRANCH);
    let explanation = BenefitKinds::new(v.kinds)
        .find(&d.kind)
        .map(|k| k.explanation)
        .unwrap_or_else(|| CUSTOM_EXPLANATION.to_string());
    html! {
        div.no-print {
            p.links-inline { a href="/menu/benefits" { "一覧へ戻る" } }
            (print_button())
        }
        article.benefit-notice aria-labelledby="notice-title" {
            p.benefit-notice__union { (v.union_name) }
            p.benefit-notice__to { (insured) " 様" }
            h1 #notice-title { "支給決定通知書" }
            p { "下記のとおり支給を決定しましたので通知します。" }
            table.data.benefit-notice__table {
                tbody {
                    tr { th scope="row" { "決定番号" } td { (d.number) } }
                    tr { th scope="row" { "給付種別" } td { (d.kind) } }
                    tr { th scope="row" { "対象者" } td { (name_of(v.people, &d.branch)) } }
                    tr { th scope="row" { "対象期間" } td { (span(d.from, d.to)) } }
                    tr { th scope="row" { "決定日" } td { (day(d.decided_on)) } }
                    tr { th scope="row" { "支給額" } td { (yen(d.amount)) } }
                    tr { th scope="row" { "支払予定日" } td { (day(d.pay_on)) } }
                }
            }
            h2 { (d.kind) "について" }
            p { (explanation) }
            p { (tax_line(d.class)) }
            p.benefit-notice__date { "作成日 " (format_jst_date(v.now)) }
        }
    }
}
