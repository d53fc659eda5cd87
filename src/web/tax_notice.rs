//! 医療費のお知らせ (医療費控除用) at /menu/tax-notice?year=YYYY, and the same data as the
//! tax office's 医療費集計フォーム at /menu/tax-notice.csv?year=YYYY. Both are audited views.

use std::sync::Arc;

use poem::http::header;
use poem::web::{Data, Query};
use poem::{Response, handler};

use super::expense_filter::{ExpenseQuery, check_household, latest_month, years};
use super::respond::page;
use super::views::menu::with_logout;
use super::views::tax_notice::{TaxNoticeView, page as notice_page};
use super::{AppState, Ctx};
use crate::audit::Actor;
use crate::benefits::tax::{OffsetClaim, TaxYear, tax_year, tax_year_shown};
use crate::claims::view::Viewer;
use crate::clock::today_jst;
use crate::domain::claim::YearMonth;
use crate::domain::csv_cell::neutralise;
use crate::domain::expenses::{Period, tax_form_category};
use crate::domain::member::Person;
use crate::web::guard::member::MemberSession;
use crate::web::guard::{guard, member::member};
use crate::web::respond::internal;

const BAD_YEAR: &str = "指定された年を読み取れなかったため、前の年を表示しています。";

/// The year asked for, else last year (the year of this spring's tax return).
fn chosen_year(ctx: &Ctx, query: &ExpenseQuery) -> (Period, Option<&'static str>) {
    use chrono::Datelike as _;
    let last_year = today_jst(ctx.now).year() - 1;
    let fallback =
        Period::year(last_year).unwrap_or_else(|| Period::months(YearMonth::MIN, YearMonth::MIN));
    match query.year.trim() {
        "" => (fallback, None),
        text => match text.parse::<i32>().ok().and_then(Period::year) {
            Some(period) => (period, None),
            None => (fallback, Some(BAD_YEAR)),
        },
    }
}

fn viewer(ctx: &Ctx, m: &MemberSession) -> Viewer {
    Viewer {
        actor: Actor::Member(m.user_key.to_string()).to_string(),
        household: m.household.clone(),
        client: ctx.client.clone(),
        now: ctx.now,
    }
}

fn what(screen: &str, period: Period) -> String {
    format!("{screen} {}", period.label())
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(query): Query<ExpenseQuery>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    check_household(&query, &m.household)?;
    let (period, problem) = chosen_year(ctx, &query);
    let (now, union_name) = (ctx.now, ctx.settings.union_name.clone());
    let render = move |data: TaxYear| {
        let years = years(latest_month(now, data.status));
        let v = TaxNoticeView {
            year: period.from.year(),
            years: &years,
            problem,
            union_name: &union_name,
            people: &data.people,
            claims: &data.claims,
            decisions: &data.decisions,
            status: data.status,
            now,
        };
        notice_page(&v)
    };
    let asked = (what("tax-notice", period), period.from.year());
    let shown = tax_year_shown(&state.store, &state.audit, viewer(ctx, &m), asked, render)
        .await
        .map_err(internal)?;
    Ok(page(
        ctx,
        "医療費のお知らせ（医療費控除用）",
        with_logout(ctx, shown),
    ))
}

#[handler]
pub async fn csv(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(query): Query<ExpenseQuery>,
) -> poem::Result<Response> {
    let m = guard!(member(ctx));
    check_household(&query, &m.household)?;
    let (period, _) = chosen_year(ctx, &query);
    let what = what("tax-notice-csv", period);
    let data = tax_year(
        &state.store,
        &state.audit,
        viewer(ctx, &m),
        what,
        period.from.year(),
    )
    .await
    .map_err(internal)?;
    let body = form_csv(&data.people, &data.claims).map_err(internal)?;
    let year = period.from.year();
    let disposition = format!(
        "attachment; filename=\"iryouhi-{year}.csv\"; filename*=UTF-8''{}",
        percent_encode(&format!("医療費集計フォーム_{year}.csv"))
    );
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::CACHE_CONTROL, "no-store")
        .body(body))
}

/// The columns of the tax office's 医療費集計フォーム.
pub const FORM_COLUMNS: [&str; 6] = [
    "医療を受けた人",
    "病院・薬局などの支払先の名称",
    "医療費の区分",
    "支払った医療費の額",
    "左のうち補填される金額",
    "支払年月日",
];

/// UTF-8 with BOM, one row per claim. 支払年月日 stays empty: a claim knows its month of
/// treatment, not the day it was paid (the form accepts the column empty).
/// 「左のうち補填される金額」 is the claim's 補填 (`domain::offsets`); a benefit for a cost
/// in no claim (出産育児一時金) adds no row: kenpo does not know that cost.
fn form_csv(people: &[Person], claims: &[OffsetClaim]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(FORM_COLUMNS)?;
        for OffsetClaim { claim: c, offset } in claims {
            let name = super::views::expenses::name_of(people, &c.branch);
            let cells = [
                name,
                &c.provider,
                tax_form_category(c.kind),
                &c.self_pay.to_string(),
                &offset.to_string(),
                "",
            ];
            // Names and providers come from imported files: never as a spreadsheet formula.
            w.write_record(cells.map(|c| neutralise(c).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
