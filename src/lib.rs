//! kenpo: a self-hosted member portal for Japanese health insurance unions.

pub mod domain;
pub mod import;
