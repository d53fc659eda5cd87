//! The one integration-test binary: every test module is a `mod` line here.

mod app;
mod browser_journey;
mod browser_staff;
mod foundation;
mod harness;
mod harness_selftest;
mod maintenance;
mod registration;
mod staff;
