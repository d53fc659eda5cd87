//! kenpo: a self-hosted member portal for Japanese health insurance unions.
//!
//! Layers, lowest first (a module imports only from its own layer or below):
//!
//! domain < (clock, telemetry) < store < (settings, audit, mail, import)
//!   < (auth, claims, notices, terms, maintenance) < benefits < (console, jobs) < control < web
//!   < server < cli
//!
//! `domain` is pure rules; `clock` (injected time) and `telemetry` (log setup) are leaves
//! that need nothing of the crate; only `store` names redb and only `mail` names mail-send.
//! Within a layer, modules may use each other while no two files (and no two modules)
//! import each other in a cycle. `tests/it/architecture` reads every `use` and keeps it so.

pub mod audit;
pub mod auth;
pub mod benefits;
pub mod claims;
pub mod cli;
pub mod clock;
pub mod console;
pub mod control;
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
