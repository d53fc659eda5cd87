//! 医療費のお知らせ (医療費控除用): a printable A4 notice with the six items the tax office
//! requires of a 医療費通知, and which months of the year it covers.

use maud::{Markup, html};

use super::expenses::name_of;
use super::print::print_button;
use super::tax_offsets;
use crate::benefits::tax::{OffsetClaim, YearDecision};
use crate::claims::query::DataStatus;
use crate::clock::format_jst_date;
use crate::domain::claim::YearMonth;
use crate::domain::expenses::yen;
use crate::domain::member::{INSURED_BRANCH, Person};
use crate::domain::yen::YenSum;

pub struct TaxNoticeView<'a> {
    pub year: i32,
    pub years: &'a [i32],
    pub problem: Option<&'a str>,
    pub union_name: &'a str,
    pub people: &'a [Person],
    /// The year's claims with their 補填, oldest month first.
    pub claims: &'a [OffsetClaim],
    /// The decisions whose covered months reach into the year.
    pub decisions: &'a [YearDecision],
    pub status: Option<DataStatus>,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Which months of the year are in the notice, which not yet: `(included, missing)` labels.
pub fn coverage(year: i32, status: Option<DataStatus>) -> (Option<String>, Option<String>) {
    let month = |m: u32| YearMonth::new(year, m);
    let through = status.map(|s| s.through);
    let last = match through {
        Some(t) if t.year() > year => 12,
        Some(t) if t.year() == year => t.month(),
        _ => 0,
    };
    let span = |a: u32, b: u32| match (month(a), month(b)) {
        (Some(x), Some(_)) if a == b => Some(x.to_string()),
        (Some(x), Some(y)) => Some(format!("{x}〜{}月", y.month())),
        _ => None,
    };
    let included = (last >= 1).then(|| span(1, last)).flatten();
    let missing = (last < 12).then(|| span(last + 1, 12)).flatten();
    (included, missing)
}

pub fn page(v: &TaxNoticeView<'_>) -> Markup {
    let insured = v
        .people
        .iter()
        .find(|p| p.branch == INSURED_BRANCH)
        .map(|p| p.name.as_str())
        .unwrap_or("");
    let sum =
        |f: fn(&OffsetClaim) -> crate::domain::yen::Yen| -> YenSum { v.claims.iter().map(f).sum() };
    let (total_cost, self_pay, offset) = (
        sum(|c| c.claim.total_cost),
        sum(|c| c.claim.self_pay),
        sum(|c| c.offset),
    );
    let (included, missing) = coverage(v.year, v.status);
    html! { div.page--wide {
        div.no-print {
            @if let Some(problem) = v.problem { p.flash.flash--warning role="status" { (problem) } }
            form.filter method="get" action="/menu/tax-notice" {
                div.filter__field {
                    label for="year" { "対象の年（1月〜12月の診療分）" }
                    select #year name="year" {
                        @for y in v.years { option value=(y) selected[*y == v.year] { (y) "年" } }
                    }
                }
                button.button.button--primary type="submit" { "表示" }
            }
            p.links-inline {
                a href=(format!("/menu/tax-notice.csv?year={}", v.year)) download { "CSVファイルをダウンロード（医療費集計フォームの形式）" }
                a href="/menu" { "メニューへ戻る" }
            }
            (print_button())
        }
        article.tax-notice aria-labelledby="notice-title" {
            h1 #notice-title { "医療費のお知らせ（医療費控除用）" }
            dl.confirm {
                dt { "保険者等の名称" } dd { (v.union_name) }
                dt { "被保険者等の氏名" } dd { (insured) }
                dt { "対象期間" } dd { (v.year) "年1月〜12月 診療分" }
                dt { "作成日" } dd { (format_jst_date(v.now)) }
            }
            p.notice #coverage {
                @match (&included, &missing) {
                    (Some(inc), None) => { (inc) "診療分をすべて掲載しています。" },
                    (Some(inc), Some(miss)) => { (inc) "診療分を掲載しています。" (miss) "診療分はまだ掲載されていません（診療からおよそ3か月後に掲載されます）。" },
                    _ => { (v.year) "年の診療分はまだ掲載されていません（診療からおよそ3か月後に掲載されます）。" },
                }
            }
            @if v.claims.is_empty() {
                p { "この年に掲載されている医療費はありません。" }
            } @else {
                div.table-scroll { table.data.cards.by-column.tax-claims {
                    thead { tr {
                        th scope="col" { "療養を受けた年月" } th scope="col" { "療養を受けた者" }
                        th scope="col" { "療養を受けた病院・診療所・薬局等の名称" } th.nowrap scope="col" { "区分" }
                        th.num.nowrap scope="col" { "日数" } th.num scope="col" { "医療費の総額" }
                        th.num scope="col" { "被保険者等が支払った医療費の額" }
                        th.num scope="col" { "左のうち補填される金額" }
                    } }
                    tbody {
                        @for oc in v.claims {
                            @let c = &oc.claim;
                            tr {
                                td { (c.month) }
                                td { (name_of(v.people, &c.branch)) }
                                td { (c.provider) }
                                td { (c.kind.label()) }
                                td { (c.days) "日" }
                                td { (yen(c.total_cost)) }
                                td { (yen(c.self_pay)) }
                                td { (yen(oc.offset)) }
                            }
                        }
                    }
                    tfoot { tr {
                        th.card-title scope="row" colspan="5" { "合計（" (v.claims.len()) "件）" }
                        td.num data-label="医療費の総額" { (yen(total_cost.get())) }
                        td.num data-label="被保険者等が支払った医療費の額" { (yen(self_pay.get())) }
                        td.num data-label="左のうち補填される金額" { (yen(offset.get())) }
                    } }
                } }
            }
            (tax_offsets::section(v.people, v.decisions, v.year, v.status.map(|s| s.through)))
            ul.notes {
                li { "「被保険者等が支払った医療費の額」は、健康保険の自己負担相当額（窓口負担相当額）です。実際に窓口で支払った額と異なる場合があります。" }
                @if offset > YenSum::ZERO {
                    li { "「左のうち補填される金額」は、当組合が支給を決定した高額療養費・付加給付などのうち、その医療費に対応する額です（合計 " (yen(offset.get())) "）。医療費控除の明細書では「保険金などで補填される金額」に記入してください。" }
                }
                li { "まだ支給が決定していない給付金がある場合は、その見込額を「保険金などで補填される金額」として差し引いてください。" }
                li { "このお知らせに載っていない医療費（まだ掲載されていない月の分、保険の対象外の分など）は、領収書をもとに医療費控除の明細書に記入してください。" }
            }
        }
    } }
}
