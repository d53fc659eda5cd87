//! Real parts for integration tests: an SMTP server on loopback that stores what
//! it receives ([`smtp::SmtpServer`]) and headless Chromium driven through
//! chromedriver ([`browser::Browser`]). Both fail loudly when missing.

pub mod authenticator;
pub mod browser;
pub mod page;
pub mod pdf;
pub mod smtp;

use std::net::{Ipv4Addr, TcpListener};

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0 to find a free port")
        .port()
}
