//! The foundation (issue 2) against the running app: headers, CSRF, cookies, health,
//! mail through a real SMTP server, and one owner per data file.

mod binary;
mod daily;
mod log_lines;
mod mail;
mod pages;

pub(crate) use binary::kenpo;
