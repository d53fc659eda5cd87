//! Who may see a page: the member guards (a logged-in member, the registration wizard) and
//! the staff guards (any staff session, a 管理者 only). A guard returns what the handler
//! needs, or the answer to give instead (a redirect, or a 403 page).

pub mod member;
pub mod staff;

/// Unwraps a guard in a handler: `let user = guard!(staff_user(ctx));` returns
/// `Ok(answer)` from a `poem::Result<Response>` handler, and `guard!(plain wizard(ctx))`
/// returns the bare answer from a handler that returns `Response`.
macro_rules! guard {
    (plain $e:expr) => {
        match $e {
            Ok(value) => value,
            Err(response) => return response,
        }
    };
    ($e:expr) => {
        match $e {
            Ok(value) => value,
            Err(response) => return Ok(response),
        }
    };
}
pub(crate) use guard;
