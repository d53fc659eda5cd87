//! 給付金のお知らせ, the 支給決定通知書 and the tax page's 補填 on the plan's hand-checked
//! decisions (plan §8), written straight into the data file (the import is another lane):
//! totals and filters, the same 404 for everything the household may not see, an audit
//! row per view, and the tax CSV's 「左のうち補填される金額」 row by row.

mod data;

pub use data::DECEMBER;

use kenpo::domain::member::HouseholdKey;
use reqwest::StatusCode;

use crate::app::{parse_csv, t0};
use data::*;

#[tokio::test]
async fn the_list_shows_newest_first_with_totals_per_year_and_filters() {
    let app = member_with_decisions().await;
    let menu = app.get("/menu").await.body;
    let (tax, benefits) = (
        menu.find("医療費のお知らせ (医療費控除用)")
            .expect("tax item"),
        menu.find("給付金のお知らせ (支給決定通知)")
            .expect("benefits item"),
    );
    assert!(tax < benefits, "the item follows 医療費のお知らせ");

    let all = app.get("/menu/benefits").await.body;
    let numbers: Vec<String> = rows(&all, "tbody").iter().map(|r| r[1].clone()).collect();
    assert_eq!(
        numbers,
        [
            "高額療養費",
            "家族療養費付加金",
            "家族出産育児一時金",
            "一部負担還元金",
            "傷病手当金"
        ],
        "newest 決定日 first"
    );
    assert_eq!(
        rows(&all, "tbody")[0],
        [
            "2026年3月10日",
            "高額療養費",
            "山田　太郎",
            "2025年12月",
            "9,000円",
            "2026年4月19日",
            "通知書"
        ]
    );
    assert_eq!(
        rows(&all, "tfoot"),
        [
            ["2026年の合計（1件）", "9,000円"],
            ["2025年の合計（4件）", "624,000円"]
        ]
    );
    for other in [
        "K-0005",
        "K-0006",
        "K-0007",
        "K-0099",
        "214,602円",
        "30,000円",
    ] {
        assert!(!all.contains(other), "{other}");
    }

    let filtered = app.get("/menu/benefits?year=2025&person=01").await.body;
    assert_eq!(
        rows(&filtered, "tfoot"),
        [["2025年の合計（1件）", "500,000円"]]
    );
    assert!(filtered.contains("href=\"/menu/benefits/K-0003\""));

    let fragment = app
        .client
        .get(format!("{}/menu/benefits?year=2026", app.url))
        .header("HX-Request", "true")
        .header("HX-Target", "benefits-results")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("body");
    assert!(!fragment.contains("<form") && !fragment.contains("<html"));
    assert_eq!(
        rows(&fragment, "tfoot"),
        [["2026年の合計（1件）", "9,000円"]]
    );
    let bad = app.get("/menu/benefits?year=abc").await.body;
    assert!(bad.contains("すべての年を表示しています"));
    assert_eq!(rows(&bad, "tfoot").len(), 2);
}

#[tokio::test]
async fn the_notice_is_a_printable_letter_without_symbol_or_insurer_number() {
    let app = member_with_decisions().await;
    let page = app.get("/menu/benefits/K-0001").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    for text in [
        "支給決定通知書",
        crate::app::UNION,
        "山田　太郎 様",
        "下記のとおり支給を決定しましたので通知します。",
        "一部負担還元金について",
        "当組合が独自にお返しするものです",
        "「保険金などで補填される金額」にあたります",
        "2,000円",
        "2025年3月",
        "一覧へ戻る",
    ] {
        assert!(body.contains(text), "{text}");
    }
    assert!(
        !body.contains(crate::app::INSURER) && !body.contains("1201") && !body.contains("記号")
    );
    assert!(!body.contains("style="), "no inline styles under the CSP");
    let allowance = app.get("/menu/benefits/K-0004").await.body;
    assert!(allowance.contains("「保険金などで補填される金額」にはあたりません"));
}

#[tokio::test]
async fn everything_the_household_may_not_see_is_the_same_404() {
    let app = member_with_decisions().await;
    let unknown = app.get("/menu/benefits/K-9999").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let before = views(&app).await.len();
    for path in [
        "/menu/benefits/K-0005",
        "/menu/benefits/K-0007",
        "/menu/benefits/K-0099",
        "/menu/benefits/%1F",
        "/menu/benefits?household=1201-106",
        "/menu/benefits?person=99",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            without_request_id(&page.body),
            without_request_id(&unknown.body),
            "{path}: the same answer as an unknown number"
        );
    }
    app.store()
        .write(|w| {
            let household = HouseholdKey::parse_display("1201-105")?;
            kenpo::console::households::set_hidden(w, &household, "01", true, "staff:test", t0())
        })
        .await
        .expect("hidden");
    let hidden = app.get("/menu/benefits/K-0003").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        without_request_id(&hidden.body),
        without_request_id(&unknown.body)
    );
    assert_eq!(
        app.get("/menu/benefits?person=01").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(views(&app).await.len(), before, "nothing audited for a 404");
    let list = app.get("/menu/benefits").await.body;
    assert!(!list.contains("家族出産育児一時金") && !list.contains("山田　花子"));
    assert!(list.contains("2025年の合計（3件）"), "totals without her");
    let anonymous = crate::app::client();
    for path in ["/menu/benefits", "/menu/benefits/K-0001"] {
        let resp = anonymous
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .expect("GET");
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}: to the login");
    }
}

#[tokio::test]
async fn every_view_is_audited_before_it_is_shown() {
    let app = member_with_decisions().await;
    let before = views(&app).await.len();
    app.get("/menu/benefits?year=2025&person=00").await;
    app.get("/menu/benefits/K-0008").await;
    let rows = views(&app).await;
    assert_eq!(rows.len(), before + 2);
    let details: Vec<&str> = rows[before..]
        .iter()
        .filter_map(|e| e.detail.as_deref())
        .collect();
    assert_eq!(
        details,
        ["benefits 2025年 person=00", "benefit-notice K-0008"]
    );
    assert!(rows.iter().all(|e| e.target.as_deref() == Some("1201-105")));

    let writer = &app.running.as_ref().expect("running").state.audit;
    writer.fail_commits(Some(libc::ENOSPC));
    for path in ["/menu/benefits", "/menu/benefits/K-0008"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            !page.body.contains("K-0008") && !page.body.contains("9,000円"),
            "{path}"
        );
    }
    writer.fail_commits(None);
    assert_eq!(
        views(&app).await.len(),
        before + 2,
        "no row of a failed commit"
    );
}

#[tokio::test]
async fn the_tax_page_and_csv_subtract_what_the_decisions_pay_back() {
    let app = member_with_decisions().await;
    let resp = app
        .client
        .get(format!("{}/menu/tax-notice.csv?year=2025", app.url))
        .send()
        .await
        .expect("GET");
    let rows = parse_csv(&resp.bytes().await.expect("body"));
    let offsets: Vec<[&str; 4]> = rows[1..]
        .iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[3].as_str(), r[4].as_str()])
        .collect();
    // Hand-computed (plan §8): K-0001's 2,000 over 2,538 and 963 by largest remainder;
    // K-0002 capped at the claim's 1,224; K-0003 (出産) and K-0004 (傷病手当金) touch no
    // claim; K-0008, decided in 2026, pays back 9,000 of December 2025.
    assert_eq!(
        offsets,
        [
            ["山田　太郎", "本郷内科クリニック", "2538", "1450"],
            ["山田　太郎", "本郷さくら薬局", "963", "550"],
            ["山田　健", "文京こどもクリニック", "1224", "1224"],
            ["山田　花子", "ほんごう歯科医院", "4767", "0"],
            ["山田　太郎", "年末内科クリニック", "90000", "9000"],
        ]
    );

    let page = app.get("/menu/tax-notice?year=2025").await.body;
    for text in [
        "左のうち補填される金額",
        "給付金（保険金などで補填される金額）",
        "2025年3月の医療費2件に、自己負担額の割合で按分しました（1円未満は端数の大きい順）。",
        "2025年4月 文京こどもクリニックの医療費から差し引きます。",
        "776円は対象の医療費を超えるため、ほかの医療費からは差し引きません。",
        "出産費用など、このお知らせに載っていない費用から差し引いてください",
        "医療費控除では差し引きません。",
        "2026年に決定した給付金ですが、対象の医療費と同じ2025年分として差し引きます。",
        "12,224円",
        "見込額",
    ] {
        assert!(page.contains(text), "{text}");
    }
    assert!(!page.contains("30,000円") && !page.contains("214,602円"));
}
