//! `kenpo serve`: the flags and environment turned into the server's options.

use std::path::PathBuf;
use std::sync::Arc;

use super::ServeArgs;
use crate::clock::{Clock, SystemClock};
use crate::jobs::JobError;
use crate::store::OpenError;

pub fn serve_options(
    data: PathBuf,
    args: &ServeArgs,
    clock: Arc<dyn Clock>,
    cache_mib: u64,
) -> Result<crate::server::ServeOptions, JobError> {
    let smtp = match &args.smtp {
        Some(url) => {
            let from = args.mail_from.clone().ok_or_else(|| {
                JobError::User("--mail-from (KENPO_MAIL_FROM) is needed with --smtp".into())
            })?;
            let mut config = crate::mail::smtp::SmtpConfig::parse(url, &from)
                .map_err(|e| JobError::User(e.to_string()))?;
            config.connections = usize::try_from(args.smtp_connections)
                .unwrap_or(crate::mail::smtp::DEFAULT_CONNECTIONS);
            Some(config)
        }
        None => None,
    };
    Ok(crate::server::ServeOptions {
        data,
        listen: args.listen.clone(),
        base_url: args.base_url.clone(),
        smtp,
        clock,
        trusted_proxies: parse_proxies(args.trusted_proxies.as_deref())?,
        limits: args.limits.limits(),
        cache_mib,
    })
}

/// `10.0.0.1,10.0.0.2` → addresses; a bad entry is a usage refusal.
fn parse_proxies(list: Option<&str>) -> Result<Vec<std::net::IpAddr>, JobError> {
    list.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| JobError::User(format!("--trusted-proxies: {s} is not an IP address")))
        })
        .collect()
}

pub(super) async fn serve(data: PathBuf, args: ServeArgs, cache_mib: u64) -> Result<(), JobError> {
    let opts = serve_options(data, &args, Arc::new(SystemClock), cache_mib)?;
    crate::server::run(opts).await.map_err(open_error_message)
}

/// Turns "the file is open elsewhere" and "newer schema" into one-line refusals.
pub fn open_error_message(e: anyhow::Error) -> JobError {
    match e.downcast::<OpenError>() {
        Ok(open) => JobError::User(open.to_string()),
        Err(other) => JobError::Unexpected(other),
    }
}
