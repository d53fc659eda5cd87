//! The HTTP connections: how long a client may take, and how many may be open at once.

use std::time::Duration;

/// Limits on each connection, so that slow or idle clients cannot hold the server.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// A request's header must be complete this long after the server starts waiting for it.
    pub header_timeout: Duration,
    /// The longest pause while a request body is being read.
    pub body_timeout: Duration,
    /// An idle connection (no request in progress) is closed after this long.
    pub keep_alive: Duration,
    /// Connections served at once; one more is answered 503 and closed.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            keep_alive: Duration::from_secs(5),
            max_connections: 512,
        }
    }
}
