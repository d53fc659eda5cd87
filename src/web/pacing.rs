//! A fixed minimum duration for answers whose timing could tell whether an account exists
//! (login, both recovery forms). This paces the response on the real clock: the injected
//! clock decides expiry and throttling, never how long a response takes. Pacing hides
//! differences only while the server is idle; under load what counts is that every path
//! does the same argon2 work (the use cases do, counted by `auth::hash::Hasher`).

use std::time::Duration;

use poem::Response;
use poem::http::{HeaderValue, header};
use tokio::time::Instant;

/// Longer than the work of any of those answers (at most two argon2 runs and a commit).
pub const MIN_ANSWER: Duration = Duration::from_millis(400);

/// Started when the request arrives; `finish` waits until the minimum has passed.
pub struct Pace(Instant);

impl Pace {
    pub fn start() -> Self {
        Pace(Instant::now() + MIN_ANSWER)
    }

    pub async fn finish(self, response: Response) -> Response {
        tokio::time::sleep_until(self.0).await;
        response
    }
}

/// Recovery pages carry tokens in their URL or lead to them: no Referer ever leaves them.
/// (The security stack sets its default policy only where a handler set none.)
pub fn no_referrer(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
