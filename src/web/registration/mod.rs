//! The registration wizard (SPEC §3): 本人確認 → 個人情報入力 → 入力確認 → 完了.
//! `mod.rs` holds what every step shares: the wizard's session and its refusals.

mod finish;
mod identity;
mod profile;

use poem::Response;
use poem::http::StatusCode;

use super::Ctx;
use super::respond::{page, page_with_status};
use super::views::registration as view;

pub use finish::{back, confirm_page, done, execute};
pub use identity::{identity_page, identity_submit};
pub use profile::{profile_page, profile_submit, user_id_check};

pub(super) fn gone(ctx: &Ctx) -> Response {
    page(
        ctx,
        "ご利用いただけません",
        view::message(
            "ご利用いただけません",
            "この仮IDは、すでに登録に使われたか、再発行または有効期限切れにより使えなくなっています。登録がお済みの場合は、登録したユーザIDでログインしてください。",
            ("/", "ログイン画面へ"),
        ),
    )
}

pub(super) fn locked(ctx: &Ctx, until: Option<chrono::DateTime<chrono::Utc>>) -> Response {
    let text = match until {
        Some(until) => format!(
            "本人確認に続けて失敗したため、この仮IDは一時的にロックされました。{}以降に、もう一度ログインしてお試しください。",
            crate::clock::format_jst(until)
        ),
        None => crate::auth::login::TEMPORARY_ID_LOCKED_FOR_GOOD.to_string(),
    };
    page_with_status(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        "本人確認画面",
        view::message("本人確認画面", &text, ("/", "ログイン画面へ")),
    )
}

/// A lock's length in words: 「30分間」, 「1時間」, 「2時間30分」, 「2日と16時間」.
pub(super) fn duration_ja(length: chrono::Duration) -> String {
    let minutes = length.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m}分間"),
        (0, h, 0) => format!("{h}時間"),
        (0, h, m) => format!("{h}時間{m}分"),
        (d, 0, 0) => format!("{d}日間"),
        (d, h, 0) => format!("{d}日と{h}時間"),
        (d, h, m) => format!("{d}日と{h}時間{m}分"),
    }
}

/// Turns an unexpected failure into the generic error page of this request.
pub(super) trait IntoResponsePage {
    fn into_response_page(self, ctx: &Ctx) -> Response;
}

impl IntoResponsePage for poem::Error {
    fn into_response_page(self, ctx: &Ctx) -> Response {
        let status = match self.status() {
            StatusCode::SERVICE_UNAVAILABLE => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        super::views::error::page(status, &ctx.request_id)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::duration_ja;

    #[test]
    fn lock_lengths_read_in_japanese() {
        assert_eq!(duration_ja(Duration::minutes(30)), "30分間");
        assert_eq!(duration_ja(Duration::hours(2)), "2時間");
        assert_eq!(duration_ja(Duration::minutes(150)), "2時間30分");
        assert_eq!(duration_ja(Duration::days(2)), "2日間");
        assert_eq!(duration_ja(Duration::hours(64)), "2日と16時間");
    }
}
