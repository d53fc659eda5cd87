//! Randomized tests of hostile input (issue #11, item 4), shared by the fuzz tests of the
//! importers, the cookie and form parsers and the control-socket protocol. `#[cfg(test)]`
//! code only: its `panic!`s are how a fuzz target fails its test.
//!
//! Each target runs `PROPTEST_CASES` × its weight cases (`PROPTEST_CASES` defaults to
//! 256, so `bash scripts/test` runs a few thousand in all; `scripts/faults` raises it past
//! a million). Failures proptest finds are kept in `proptest-regressions/` and replayed
//! first on every run; the inputs that once failed also stay as plain regression tests
//! beside each target. With `KENPO_FUZZ_REPORT` set, each target appends
//! `<name> <cases run>` to that file, for the figure `scripts/faults` prints.

use std::fmt::Debug;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// The configuration of a target: `weight` scales the case count (cheap targets 1.0,
/// targets that go through the whole web stack less).
pub fn config(source_file: &'static str, weight: f64) -> Config {
    let base = Config::default();
    let cases = ((f64::from(base.cases) * weight).ceil() as u32).max(1);
    Config {
        cases,
        source_file: Some(source_file),
        // Shrinking a failure of a cheap target takes a moment; give it room.
        max_shrink_iters: 4096,
        ..base
    }
}

/// Runs `test` on `cases` values of `strategy`; panics with the smallest failing input.
pub fn run<S>(
    name: &str,
    config: Config,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let ran = AtomicU64::new(0);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |value| {
        ran.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    match result {
        Ok(()) => report(name, ran.load(Ordering::Relaxed)),
        Err(TestError::Fail(why, input)) => {
            panic!("fuzz target {name} failed: {why}\nsmallest failing input: {input:?}")
        }
        Err(TestError::Abort(why)) => panic!("fuzz target {name} aborted: {why}"),
    }
}

fn report(name: &str, cases: u64) {
    let Some(path) = std::env::var_os("KENPO_FUZZ_REPORT") else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| writeln!(f, "{name} {cases}"));
    if let Err(e) = written {
        panic!("cannot write the fuzz report: {e}");
    }
}

/// Fails the case with `why` unless `ok`.
pub fn ensure(ok: bool, why: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if ok {
        Ok(())
    } else {
        Err(TestCaseError::fail(why()))
    }
}
