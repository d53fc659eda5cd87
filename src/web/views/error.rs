//! Error pages: Japanese, with the request id staff can find in the log.

use maud::html;
use poem::Response;
use poem::http::StatusCode;

fn render(status: StatusCode, title: &str, message: &str, request_id: &str) -> Response {
    let body = html! {
        (maud::DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                @for sheet in crate::web::assets::STYLESHEETS { link rel="stylesheet" href=(crate::web::assets::url(sheet)); }
            }
            body {
                main #main {
                    h1 { (title) }
                    p role="alert" { (message) }
                    p.request-id { "お問い合わせ番号: " (request_id) }
                    p { a href="/" { "ログイン画面へ" } }
                }
            }
        }
    };
    Response::builder()
        .status(status)
        .content_type("text/html; charset=utf-8")
        .header(WHOLE_PAGE_MARKER, "1")
        .body(body.into_string())
}

/// Marks an answer that is a whole document: under htmx it replaces the page's body rather
/// than landing inside `<main>` (the security stack turns it into `HX-Retarget`).
pub const WHOLE_PAGE_MARKER: &str = "x-kenpo-whole-page";

pub fn page(status: StatusCode, request_id: &str) -> Response {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => render(
            status,
            "送信内容が大きすぎます",
            "送信された内容が大きすぎるため受け付けられませんでした。",
            request_id,
        ),
        StatusCode::SERVICE_UNAVAILABLE => render(
            status,
            "ただいま保存できません",
            "申し訳ありません。サーバーの記録領域に空きがないか書き込みできない状態のため、ただいまデータを保存できません。この操作は保存されていません。しばらくしてからもう一度お試しください。",
            request_id,
        ),
        StatusCode::BAD_REQUEST => render(
            status,
            "リクエストを処理できません",
            "送信された内容を読み取れませんでした。画面を開き直して、もう一度お試しください。",
            request_id,
        ),
        _ => render(
            StatusCode::INTERNAL_SERVER_ERROR,
            "エラーが発生しました",
            "申し訳ありません。処理中にエラーが発生しました。しばらくしてからもう一度お試しください。",
            request_id,
        ),
    }
}

pub fn not_found(request_id: &str) -> Response {
    render(
        StatusCode::NOT_FOUND,
        "ページが見つかりません",
        "お探しのページは見つかりませんでした。URLをご確認ください。",
        request_id,
    )
}

pub fn forbidden(request_id: &str) -> Response {
    render(
        StatusCode::FORBIDDEN,
        "この操作は受け付けられませんでした",
        "画面の有効期限が切れたか、正しくない画面からの送信です。画面を開き直して、もう一度操作してください。",
        request_id,
    )
}

/// 503 during a maintenance window, with `Retry-After` until its end.
pub fn maintenance(
    window: &crate::domain::maintenance::Window,
    now: chrono::DateTime<chrono::Utc>,
    request_id: &str,
) -> Response {
    let text = format!(
        "ただいまメンテナンス作業のため、サービスを停止しています（{}）。終了後にあらためてご利用ください。ご迷惑をおかけして申し訳ありません。",
        crate::maintenance::describe(window)
    );
    let mut resp = render(
        StatusCode::SERVICE_UNAVAILABLE,
        "メンテナンス中です",
        &text,
        request_id,
    );
    let seconds = (window.end - now).num_seconds().max(1);
    if let Ok(v) = poem::http::HeaderValue::from_str(&seconds.to_string()) {
        resp.headers_mut()
            .insert(poem::http::header::RETRY_AFTER, v);
    }
    resp
}
