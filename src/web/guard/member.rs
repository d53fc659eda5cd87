//! The member side's guards: a logged-in member (a due password change first), and the
//! registration wizard's session. Any other session goes where it belongs ([`home_of`]).

use poem::Response;

use crate::auth::model::{RegistrationDraft, SessionKind};
use crate::domain::member::HouseholdKey;
use crate::web::Ctx;
use crate::web::respond::see_other;

/// The password change a member must make before anything else.
pub const PASSWORD_PATH: &str = "/menu/password";

/// Where a live member-side session belongs.
pub fn home_of(kind: &SessionKind) -> &'static str {
    match kind {
        SessionKind::Registration {
            verified: false, ..
        } => "/register/identity",
        SessionKind::Registration { draft: Some(d), .. } if !d.password_hash.is_empty() => {
            "/register/confirm"
        }
        SessionKind::Registration { .. } => "/register/profile",
        SessionKind::Completed { .. } => "/register/done",
        SessionKind::Member {
            must_change_password: true,
            ..
        } => PASSWORD_PATH,
        SessionKind::Member { .. } | SessionKind::Staff { .. } => "/menu",
    }
}

/// A logged-in member's session.
pub struct MemberSession {
    /// Normalised user ID of the account.
    pub user_key: String,
    pub household: HouseholdKey,
    pub must_change_password: bool,
}

/// Where a request without the session it needs goes: its home, or the login page.
fn elsewhere(ctx: &Ctx) -> Response {
    match ctx.member_session.as_ref() {
        Some((_, s)) => see_other(home_of(&s.kind)),
        None if ctx.member_session_expired => see_other("/?expired=1"),
        None => see_other("/"),
    }
}

/// The member's session whether or not a password change is due (the change screen and
/// logout), or where to send the browser instead.
pub fn member_session(ctx: &Ctx) -> Result<MemberSession, Response> {
    match ctx.member_session.as_ref().map(|(_, s)| &s.kind) {
        Some(SessionKind::Member {
            user_id,
            household,
            must_change_password,
        }) => Ok(MemberSession {
            user_key: user_id.clone(),
            household: household.clone(),
            must_change_password: *must_change_password,
        }),
        _ => Err(elsewhere(ctx)),
    }
}

/// A logged-in member, or where to send the browser instead: every member page but the
/// password change goes through here, so a due change comes first.
pub fn member(ctx: &Ctx) -> Result<MemberSession, Response> {
    let member = member_session(ctx)?;
    if member.must_change_password {
        return Err(see_other(PASSWORD_PATH));
    }
    Ok(member)
}

/// The registration wizard's session.
pub struct Wizard {
    pub key: String,
    pub temporary_id: String,
    pub household: HouseholdKey,
    pub verified: bool,
    pub draft: Option<RegistrationDraft>,
}

/// The wizard's session at any step, or where to send the browser instead.
pub fn wizard(ctx: &Ctx) -> Result<Wizard, Response> {
    match ctx.member_session.as_ref().map(|(k, s)| (k, &s.kind)) {
        Some((
            key,
            SessionKind::Registration {
                temporary_id,
                household,
                verified,
                draft,
            },
        )) => Ok(Wizard {
            key: key.clone(),
            temporary_id: temporary_id.clone(),
            household: household.clone(),
            verified: *verified,
            draft: draft.clone(),
        }),
        _ => Err(elsewhere(ctx)),
    }
}

/// The wizard's session once the identity check has passed.
pub fn verified(ctx: &Ctx) -> Result<Wizard, Response> {
    let w = wizard(ctx)?;
    if !w.verified {
        return Err(see_other("/register/identity"));
    }
    Ok(w)
}
