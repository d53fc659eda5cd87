//! 組合の設定 「給付種別（組合独自の付加給付）」 (管理者 only): add or remove the union's own
//! 給付種別 names for the benefits file.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form};
use poem::{Response, handler};
use serde::Deserialize;

use crate::auth::model::StaffUser;
use crate::console::benefit_kinds::{self as uc, KindInput};
use crate::domain::benefit::CustomBenefitKind;
use crate::web::guard::{guard, staff::staff_admin};
use crate::web::respond::{internal, staff_page_with_status};
use crate::web::views::staff::benefit_kinds as view;
use crate::web::{AppState, Ctx};

fn render(
    ctx: &Ctx,
    user: &StaffUser,
    kinds: &[CustomBenefitKind],
    form: &KindInput,
    errors: &[(&'static str, String)],
    flash: Option<&str>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    staff_page_with_status(
        ctx,
        user,
        status,
        "給付種別の設定",
        view::page(ctx, kinds, form, errors, flash),
    )
}

#[handler]
pub async fn show(Data(ctx): Data<&Ctx>) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let kinds = &ctx.settings.benefit_kinds;
    Ok(render(ctx, &user, kinds, &KindInput::default(), &[], None))
}

#[handler]
pub async fn add(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<KindInput>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, input) = (user.actor(), ctx.now, f.clone());
    let result = state
        .store
        .write(move |w| uc::add(w, &input, &actor, now))
        .await
        .map_err(internal)?;
    Ok(match result {
        Ok(saved) => {
            let flash = format!("給付種別「{}」を追加しました。", f.name.trim());
            let kinds = &saved.benefit_kinds;
            render(ctx, &user, kinds, &KindInput::default(), &[], Some(&flash))
        }
        Err(errors) => render(ctx, &user, &ctx.settings.benefit_kinds, &f, &errors, None),
    })
}

#[derive(Deserialize)]
pub struct RemoveFields {
    #[serde(default)]
    name: String,
}

#[handler]
pub async fn remove(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<RemoveFields>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, name) = (user.actor(), ctx.now, f.name.clone());
    let result = state
        .store
        .write(move |w| uc::remove(w, &name, &actor, now))
        .await
        .map_err(internal)?;
    let empty = KindInput::default();
    Ok(match result {
        Ok(saved) => {
            let flash = format!("給付種別「{}」を削除しました。", f.name.trim());
            render(ctx, &user, &saved.benefit_kinds, &empty, &[], Some(&flash))
        }
        Err(e) => {
            let errors = [("remove", e.message(f.name.trim()))];
            render(
                ctx,
                &user,
                &ctx.settings.benefit_kinds,
                &empty,
                &errors,
                None,
            )
        }
    })
}
