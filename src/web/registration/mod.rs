//! The registration wizard (SPEC §3): 本人確認 → 個人情報入力 → 入力確認 → 完了.
//! `mod.rs` holds what every step shares: the wizard's session and its refusals.

mod finish;
mod identity;
mod profile;

use poem::Response;
use poem::http::StatusCode;

use super::Ctx;
use super::login::home_of;
use super::respond::{page, page_with_status, see_other};
use super::views::registration as view;
use crate::auth::model::{RegistrationDraft, SessionKind};
use crate::domain::member::HouseholdKey;

pub use finish::{back, confirm_page, done, execute};
pub use identity::{identity_page, identity_submit};
pub use profile::{profile_page, profile_submit, user_id_check};

/// The wizard's session, or where to send the browser instead.
pub(super) struct Wizard {
    pub(super) key: String,
    pub(super) temporary_id: String,
    pub(super) household: HouseholdKey,
    pub(super) verified: bool,
    pub(super) draft: Option<RegistrationDraft>,
}

pub(super) fn wizard(ctx: &Ctx) -> Result<Wizard, Response> {
    match &ctx.member_session {
        Some((key, s)) => match &s.kind {
            SessionKind::Registration {
                temporary_id,
                household,
                verified,
                draft,
            } => Ok(Wizard {
                key: key.clone(),
                temporary_id: temporary_id.clone(),
                household: household.clone(),
                verified: *verified,
                draft: draft.clone(),
            }),
            other => Err(see_other(home_of(other))),
        },
        None if ctx.member_session_expired => Err(see_other("/?expired=1")),
        None => Err(see_other("/")),
    }
}

pub(super) fn verified(ctx: &Ctx) -> Result<Wizard, Response> {
    let w = wizard(ctx)?;
    if !w.verified {
        return Err(see_other("/register/identity"));
    }
    Ok(w)
}

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

pub(super) fn locked(ctx: &Ctx, until: chrono::DateTime<chrono::Utc>) -> Response {
    let text = format!(
        "本人確認に{}回続けて失敗したため、この仮IDは一時的にロックされました。{}以降に、もう一度ログインしてお試しください。",
        ctx.settings.temp_id_max_failures,
        crate::clock::format_jst(until)
    );
    page_with_status(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        "本人確認画面",
        view::message("本人確認画面", &text, ("/", "ログイン画面へ")),
    )
}

/// Turns an unexpected failure into the generic error page of this request.
pub(super) trait IntoResponsePage {
    fn into_response_page(self, ctx: &Ctx) -> Response;
}

impl IntoResponsePage for poem::Error {
    fn into_response_page(self, ctx: &Ctx) -> Response {
        super::views::error::page(StatusCode::INTERNAL_SERVER_ERROR, &ctx.request_id)
    }
}
