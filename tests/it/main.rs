//! The one integration-test binary: every test module is a `mod` line here.

mod account;
mod amounts;
mod app;
mod architecture;
mod audit_log;
mod browser_account;
mod browser_claims;
mod browser_journey;
mod browser_staff;
mod claims;
mod claims_screens;
mod connections;
mod demo;
mod faults;
mod files;
mod former_member;
mod foundation;
mod harness;
mod harness_selftest;
mod maintenance;
mod registration;
mod restore;
mod session_security;
mod smtp_errors;
mod staff;
mod upgrade;
