//! The one integration-test binary: every test module is a `mod` line here.

mod harness;
mod harness_selftest;
