//! 医療費のお知らせ and its 医療費集計フォーム CSV on hand-checked data.

use super::*;

#[tokio::test]
async fn the_tax_notice_holds_the_six_items_for_the_chosen_year_only() {
    let app = member_with_claims().await;
    let body = app.get("/menu/tax-notice?year=2025").await.body;
    for item in [
        "被保険者等の氏名",
        "療養を受けた年月",
        "療養を受けた者",
        "療養を受けた病院・診療所・薬局等の名称",
        "被保険者等が支払った医療費の額",
        "保険者等の名称",
    ] {
        assert!(body.contains(item), "{item}");
    }
    assert!(body.contains(crate::app::UNION) && body.contains("山田　太郎"));
    assert!(
        body.contains("山田　健")
            && body.contains("文京こどもクリニック")
            && body.contains("2,538円")
    );
    assert!(body.contains("9,492円"), "the year's total paid");
    assert!(
        !body.contains("旧年クリニック") && !body.contains("2024年12月"),
        "nothing of 2024"
    );
    assert!(
        !body.contains(crate::app::INSURER) && !body.contains("記号"),
        "no 保険者番号, no 記号・番号"
    );
    assert!(
        body.contains("2025年1月〜6月診療分を掲載しています"),
        "months included"
    );
    assert!(
        body.contains("2025年7月〜12月診療分はまだ掲載されていません"),
        "months not yet available"
    );
    assert!(
        !body.contains("大阪中央総合病院"),
        "another household's claim"
    );
}

#[tokio::test]
async fn the_tax_csv_is_laid_out_like_the_tax_offices_form() {
    let app = member_with_claims().await;
    let resp = app
        .client
        .get(format!("{}/menu/tax-notice.csv?year=2025", app.url))
        .send()
        .await
        .expect("GET");
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/csv")
    );
    let bytes = resp.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let rows = parse_csv(&bytes);
    assert_eq!(
        rows[0],
        [
            "医療を受けた人",
            "病院・薬局などの支払先の名称",
            "医療費の区分",
            "支払った医療費の額",
            "左のうち補填される金額",
            "支払年月日"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "山田　太郎",
            "本郷内科クリニック",
            "診療・治療",
            "2538",
            "0",
            ""
        ]
    );
    assert_eq!(
        rows[2],
        ["山田　太郎", "本郷さくら薬局", "医薬品購入", "963", "0", ""]
    );
    assert_eq!(rows[3][..2], ["山田　健", "文京こどもクリニック"]);
    assert_eq!(
        rows[4][..4],
        ["山田　花子", "ほんごう歯科医院", "診療・治療", "4767"]
    );
    assert_eq!(rows.len(), 5, "only 2025");
}

#[tokio::test]
async fn a_provider_that_looks_like_a_formula_is_text_in_the_tax_csv() {
    let app = spawn_app().await;
    register_yamada(&app).await;
    import(
        &app,
        csv("2024120009,1201,105,00,202412,外来,=1+2クリニック,1,10000,3000,0\n"),
        true,
    )
    .await;
    let resp = app
        .client
        .get(format!("{}/menu/tax-notice.csv?year=2024", app.url))
        .send()
        .await
        .expect("GET");
    let rows = parse_csv(&resp.bytes().await.expect("body"));
    assert_eq!(
        rows[1],
        [
            "山田　太郎",
            "'=1+2クリニック",
            "診療・治療",
            "3000",
            "0",
            ""
        ]
    );
}
