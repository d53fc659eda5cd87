//! kenpo: a self-hosted member portal for Japanese health insurance unions.

pub mod audit;
pub mod auth;
pub mod claims;
pub mod cli;
pub mod clock;
pub mod console;
pub mod control;
pub mod demo;
pub mod domain;
#[cfg(test)]
pub(crate) mod fuzzing;
pub mod import;
pub mod jobs;
pub mod mail;
pub mod maintenance;
pub mod notices;
pub mod server;
pub mod settings;
pub mod store;
pub mod telemetry;
pub mod terms;
pub mod web;
