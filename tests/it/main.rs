//! The one integration-test binary: every test module is a `mod` line here.

mod account;
mod app;
mod browser_account;
mod browser_claims;
mod browser_journey;
mod browser_staff;
mod claims;
mod claims_screens;
mod faults;
mod former_member;
mod foundation;
mod harness;
mod harness_selftest;
mod maintenance;
mod registration;
mod restore;
mod staff;
mod upgrade;
