//! メニュー.

use std::sync::Arc;

use poem::web::{Data, Path};
use poem::{Response, handler};

use super::login::internal;
use super::respond::{page, see_other};
use super::views::menu::{ITEMS, menu as menu_view, placeholder as placeholder_view};
use super::{AppState, Ctx};
use crate::auth::model::SessionKind;
use crate::domain::member::{HouseholdKey, Person};
use crate::store::key;

/// The household of a logged-in member, or where to send the browser instead.
pub fn member_household(ctx: &Ctx) -> Result<HouseholdKey, Response> {
    match ctx.member_session.as_ref().map(|(_, s)| &s.kind) {
        Some(SessionKind::Member { household, .. }) => Ok(household.clone()),
        Some(other) => Err(see_other(super::login::home_of(other))),
        None if ctx.member_session_expired => Err(see_other("/?expired=1")),
        None => Err(see_other("/")),
    }
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let household = match member_household(ctx) {
        Ok(h) => h,
        Err(redirect) => return Ok(redirect),
    };
    let prefix = format!(
        "{}{}",
        key(&[&household.symbol, &household.number]),
        crate::store::KEY_SEP
    );
    let people: Vec<Person> = state
        .store
        .read(move |r| {
            Ok::<_, anyhow::Error>(
                r.scan::<Person>(&prefix)?
                    .into_iter()
                    .map(|(_, p)| p)
                    .filter(|p| !p.hidden_from_household)
                    .collect(),
            )
        })
        .await
        .map_err(internal)?;
    Ok(page(ctx, "メニュー", menu_view(ctx, &people)))
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
