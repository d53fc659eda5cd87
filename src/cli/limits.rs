//! The connection limits of `serve` and `demo` (see the README's "Connections").

use std::time::Duration;

use crate::server::{
    ConnectionLimits, DEFAULT_BODY_TIMEOUT_SECS, DEFAULT_HEADER_TIMEOUT_SECS,
    DEFAULT_KEEP_ALIVE_SECS, DEFAULT_MAX_CONNECTIONS,
};

#[derive(clap::Args, Clone)]
pub struct ConnectionArgs {
    /// Seconds a client may take to send a request's header.
    #[arg(long, env = "KENPO_HEADER_TIMEOUT_SECS", default_value_t = DEFAULT_HEADER_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Longest pause, in seconds, while a request body is being sent.
    #[arg(long, env = "KENPO_BODY_TIMEOUT_SECS", default_value_t = DEFAULT_BODY_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout_secs: u64,
    /// Seconds after which a connection that moves no byte is closed.
    #[arg(long, env = "KENPO_KEEP_ALIVE_SECS", default_value_t = DEFAULT_KEEP_ALIVE_SECS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub keep_alive_secs: u64,
    /// Connections served at once; one more is answered 503 and closed.
    #[arg(long, env = "KENPO_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS as u64,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
}

impl ConnectionArgs {
    pub fn limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            body_timeout: Duration::from_secs(self.body_timeout_secs),
            keep_alive: Duration::from_secs(self.keep_alive_secs),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
        }
    }
}
