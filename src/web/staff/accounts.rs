//! 職員アカウント (管理者 only): list, create, reset password, disable, delete.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Response, handler};
use serde::Deserialize;

use crate::audit::Actor;
use crate::auth::model::{StaffAccount, StaffUser};
use crate::auth::staff::StaffAddError;
use crate::auth::staff_accounts::{self as uc, StaffAdminError};
use crate::web::guard::{guard, staff::staff_admin};
use crate::web::respond::{internal, see_other, staff_page, staff_page_with_status};
use crate::web::views::staff::accounts::{self as view, NewStaffForm, parse_role};
use crate::web::views::staff::nav::{Confirm, confirm};
use crate::web::{AppState, Ctx};

async fn accounts(state: &AppState) -> poem::Result<Vec<StaffAccount>> {
    state.store.read(uc::list).await.map_err(internal)
}

#[handler]
pub async fn list(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let all = accounts(state).await?;
    Ok(staff_page(
        ctx,
        &user,
        "職員アカウント",
        view::list(ctx, &all, &NewStaffForm::default()),
    ))
}

#[derive(Deserialize)]
pub struct NewStaff {
    #[serde(default)]
    login: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

#[handler]
pub async fn create(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<NewStaff>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let login = f.login.trim().to_string();
    let added = uc::add(
        &state.store,
        &login,
        f.password,
        parse_role(&f.role),
        user.actor(),
        ctx.now,
    )
    .await;
    let result = match added {
        Ok(()) => Ok(()),
        Err(StaffAdminError::Unexpected(e)) => return Err(internal(e)),
        Err(StaffAdminError::Invalid(StaffAddError::WeakPassword)) => {
            Err(("password", StaffAddError::WeakPassword.to_string()))
        }
        Err(e) => Err(("login", e.to_string())),
    };
    match result {
        Ok(()) => Ok(see_other("/staff/accounts")),
        Err(error) => {
            let form = NewStaffForm {
                login,
                role: f.role,
                errors: vec![error],
            };
            let all = accounts(state).await?;
            Ok(staff_page_with_status(
                ctx,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                "職員アカウント",
                view::list(ctx, &all, &form),
            ))
        }
    }
}

async fn detail_page(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    login: &str,
    error: Option<&str>,
    flash: Option<&str>,
) -> poem::Result<Response> {
    let key = login.to_ascii_lowercase();
    let (account, passkeys) = state
        .store
        .read(move |r| {
            let passkeys = crate::auth::passkey::has_passkeys(r, &key)?;
            anyhow::Ok((r.get::<StaffAccount>(&key)?, passkeys))
        })
        .await
        .map_err(internal)?;
    let account = account.ok_or_else(|| poem::Error::from_status(StatusCode::NOT_FOUND))?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(staff_page_with_status(
        ctx,
        user,
        status,
        "職員アカウント",
        view::detail(ctx, &account, passkeys, user, error, flash),
    ))
}

#[handler]
pub async fn detail(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(login): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    detail_page(ctx, state, &user, &login, None, None).await
}

#[derive(Deserialize)]
pub struct NewPassword {
    #[serde(default)]
    password: String,
}

#[handler]
pub async fn reset_password(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(login): Path<String>,
    Form(f): Form<NewPassword>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let done = uc::reset(&state.store, &login, f.password, user.actor(), ctx.now).await;
    finish(
        ctx,
        state,
        &user,
        &login,
        done,
        "パスワードを再設定しました。",
    )
    .await
}

async fn finish(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    login: &str,
    done: Result<(), StaffAdminError>,
    flash: &str,
) -> poem::Result<Response> {
    match done {
        Ok(()) => detail_page(ctx, state, user, login, None, Some(flash)).await,
        Err(StaffAdminError::Unexpected(e)) => Err(internal(e)),
        Err(StaffAdminError::NotFound) => Err(poem::Error::from_status(StatusCode::NOT_FOUND)),
        Err(e) => detail_page(ctx, state, user, login, Some(&e.to_string()), None).await,
    }
}

async fn set_disabled(
    ctx: &Ctx,
    state: &AppState,
    login: String,
    disabled: bool,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, l) = (user.actor(), ctx.now, login.clone());
    let done = state
        .store
        .write(move |w| uc::set_disabled(w, &l, disabled, &actor, now))
        .await;
    let flash = if disabled {
        "利用を停止しました。"
    } else {
        "利用を再開しました。"
    };
    finish(ctx, state, &user, &login, done, flash).await
}

#[handler]
pub async fn disable(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(login): Path<String>,
) -> poem::Result<Response> {
    set_disabled(ctx, state, login, true).await
}

#[handler]
pub async fn enable(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(login): Path<String>,
) -> poem::Result<Response> {
    set_disabled(ctx, state, login, false).await
}

#[handler]
pub async fn totp_reset(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(login): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, l) = (user.actor(), ctx.now, login.clone());
    let done = state
        .store
        .write(move |w| {
            // The admin route asks for no re-authentication: not for one's own account.
            if actor == Actor::staff(&l).to_string() {
                return Err(StaffAdminError::OwnSecondFactor);
            }
            crate::auth::totp::disable(w, &l, &actor, now).map_err(StaffAdminError::from)?;
            // A lost phone may hold the staff member's passkeys too: they go with it.
            crate::auth::passkey::staff::remove_all_by_admin(w, &l, &actor, now)
                .map_err(StaffAdminError::from)
        })
        .await;
    finish(
        ctx,
        state,
        &user,
        &login,
        done,
        "二要素認証を解除しました。",
    )
    .await
}

#[handler]
pub fn delete_confirm(Data(ctx): Data<&Ctx>, Path(login): Path<String>) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let c = Confirm {
        title: "職員アカウントの削除",
        message: "削除すると元に戻せません。この職員はログインできなくなります（監査ログは残ります）。",
        details: vec![("ログインID", login.clone())],
        action: format!("/staff/accounts/{login}/delete"),
        hidden: vec![],
        button: "削除する",
        cancel: format!("/staff/accounts/{login}"),
    };
    Ok(staff_page(
        ctx,
        &user,
        "職員アカウントの削除",
        confirm(ctx, &c),
    ))
}

#[handler]
pub async fn delete(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(login): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_admin(ctx));
    let (actor, now, l) = (user.actor(), ctx.now, login.clone());
    match state
        .store
        .write(move |w| uc::delete(w, &l, &actor, now))
        .await
    {
        Ok(()) => Ok(see_other("/staff/accounts")),
        Err(e) => finish(ctx, state, &user, &login, Err(e), "").await,
    }
}
