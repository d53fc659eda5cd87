//! kenpo: a self-hosted member portal for Japanese health insurance unions.

pub mod domain;
pub mod import;
pub mod clock;
pub mod store;
pub mod audit;
pub mod auth;
pub mod mail;
pub mod settings;
