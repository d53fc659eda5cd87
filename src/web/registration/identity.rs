//! 本人確認画面.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use super::{IntoResponsePage as _, duration_ja, gone, locked, wizard};
use crate::auth::registration::{self as uc, IdentityError, IdentityInput};
use crate::web::login::internal;
use crate::web::pages::current_terms;
use crate::web::respond::{page, page_with_status, see_other};
use crate::web::views::registration::{self as view, IdentityForm};
use crate::web::{AppState, Ctx};

#[handler]
pub async fn identity_page(Data(ctx): Data<&Ctx>, Data(state): Data<&Arc<AppState>>) -> Response {
    match wizard(ctx) {
        Ok(w) if w.verified => see_other("/register/profile"),
        Ok(_) => page(
            ctx,
            "本人確認画面",
            view::identity(ctx, &IdentityForm::default(), &current_terms(state).await),
        ),
        Err(redirect) => redirect,
    }
}

#[derive(Deserialize)]
pub struct IdentityFields {
    #[serde(default)]
    insurer_number: String,
    #[serde(default)]
    birth_date: String,
    agree: Option<String>,
}

#[handler]
pub async fn identity_submit(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(input): Form<IdentityFields>,
) -> Response {
    let w = match wizard(ctx) {
        Ok(w) => w,
        Err(redirect) => return redirect,
    };
    let kept = input.insurer_number.trim().to_string();
    let fields = IdentityInput {
        insurer_number: input.insurer_number,
        birth_date: input.birth_date,
        agree: input.agree,
    };
    match uc::verify_identity(
        &state.store,
        w.key,
        w.temporary_id,
        fields,
        ctx.now,
        ctx.client.clone(),
    )
    .await
    {
        Ok(()) => see_other("/register/profile"),
        Err(IdentityError::Refused {
            insurer,
            birth,
            agree,
            remaining,
        }) => {
            let summary = remaining.map(|(n, lock)| match lock {
                Some(lock) => format!("本人確認ができませんでした。あと{n}回続けて失敗すると、この仮IDは{}ロックされます。", duration_ja(lock)),
                None => format!("本人確認ができませんでした。あと{n}回続けて失敗すると、この仮IDはロックされ、解除には健康保険組合へのお問い合わせが必要になります。"),
            });
            let form = IdentityForm {
                insurer_number: kept,
                insurer_error: insurer,
                birth_error: birth,
                agree_error: agree,
                summary,
            };
            page_with_status(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "本人確認画面",
                view::identity(ctx, &form, &current_terms(state).await),
            )
        }
        Err(IdentityError::Locked { until }) => locked(ctx, until),
        Err(IdentityError::CredentialsGone) => gone(ctx),
        Err(IdentityError::Unexpected(e)) => internal(e).into_response_page(ctx),
    }
}
