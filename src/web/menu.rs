//! メニュー.

use std::sync::Arc;

use poem::web::{Data, Path};
use poem::{Response, handler};

use super::login::internal;
use super::respond::{page, see_other};
use super::views::menu::{ITEMS, menu as menu_view, placeholder as placeholder_view};
use super::{AppState, Ctx};
use crate::auth::model::SessionKind;
use crate::domain::member::HouseholdKey;

/// A logged-in member's session.
pub struct MemberSession {
    /// Normalised user ID of the account.
    pub user_key: String,
    pub household: HouseholdKey,
    pub must_change_password: bool,
}

/// The member's session whether or not a password change is due (the change screen and
/// logout), or where to send the browser instead.
pub fn member_session(ctx: &Ctx) -> Result<MemberSession, Response> {
    match ctx.member_session.as_ref().map(|(k, s)| (k, &s.kind)) {
        Some((
            _,
            SessionKind::Member {
                user_id,
                household,
                must_change_password,
            },
        )) => Ok(MemberSession {
            user_key: user_id.clone(),
            household: household.clone(),
            must_change_password: *must_change_password,
        }),
        Some((_, other)) => Err(see_other(super::login::home_of(other))),
        None if ctx.member_session_expired => Err(see_other("/?expired=1")),
        None => Err(see_other("/")),
    }
}

/// The household of a logged-in member, or where to send the browser instead: every member
/// page but the password change goes through here, so a due change comes first.
pub fn member_household(ctx: &Ctx) -> Result<HouseholdKey, Response> {
    let member = member_session(ctx)?;
    if member.must_change_password {
        return Err(see_other(PASSWORD_PATH));
    }
    Ok(member.household)
}

pub const PASSWORD_PATH: &str = "/menu/password";

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let household = match member_household(ctx) {
        Ok(h) => h,
        Err(redirect) => return Ok(redirect),
    };
    let (people, status) = crate::claims::view::overview(&state.store, household)
        .await
        .map_err(internal)?;
    Ok(page(ctx, "メニュー", menu_view(ctx, &people, status)))
}

#[handler]
pub fn placeholder(Data(ctx): Data<&Ctx>, Path(item): Path<String>) -> poem::Result<Response> {
    if let Err(redirect) = member_household(ctx) {
        return Ok(redirect);
    }
    let Some((_, label)) = ITEMS.iter().find(|(slug, _)| *slug == item) else {
        return Err(poem::Error::from_status(poem::http::StatusCode::NOT_FOUND));
    };
    Ok(page(ctx, label, placeholder_view(ctx, label)))
}
