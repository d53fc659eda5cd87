//! kenpo: a self-hosted member portal for Japanese health insurance unions.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod domain;
pub mod import;
pub mod mail;
pub mod settings;
pub mod store;
pub mod web;
