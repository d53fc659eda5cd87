//! `--cache-mib` / `KENPO_CACHE_MIB` (issue #13 item 4): redb's page cache of the commands
//! that open the data file. A bad value is a usage error (exit 2) that names the setting and
//! touches no file; a good one opens the file as usual.

use std::path::Path;
use std::process::{Command, Output};

fn kenpo(data: &Path, args: &[&str], env: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kenpo"));
    cmd.arg("--data").arg(data).args(args);
    cmd.env_remove("KENPO_CACHE_MIB");
    if let Some(value) = env {
        cmd.env("KENPO_CACHE_MIB", value);
    }
    cmd.output().expect("run kenpo")
}

const INIT: &[&str] = &[
    "init",
    "--union-name",
    crate::app::UNION,
    "--insurer-number",
    crate::app::INSURER,
];

#[test]
fn a_bad_cache_size_is_a_usage_error_that_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let flag = |v: &'static str| [&[v][..], INIT].concat();
    let tries = [
        ("flag 0", kenpo(&data, &flag("--cache-mib=0"), None)),
        ("flag -1", kenpo(&data, &flag("--cache-mib=-1"), None)),
        ("flag 65537", kenpo(&data, &flag("--cache-mib=65537"), None)),
        ("flag 64MiB", kenpo(&data, &flag("--cache-mib=64MiB"), None)),
        ("env lots", kenpo(&data, INIT, Some("lots"))),
        ("env empty", kenpo(&data, INIT, Some(""))),
    ];
    for (what, out) in tries {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains("--cache-mib"), "{what}: {stderr}");
    }
    assert!(!data.exists(), "a refused command created the data file");
}

#[test]
fn a_good_cache_size_opens_the_data_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let by_flag = kenpo(&data, &[&["--cache-mib", "8"][..], INIT].concat(), None);
    assert!(by_flag.status.success(), "{by_flag:?}");
    let by_env = kenpo(
        &data,
        &["verify", data.to_str().expect("utf-8")],
        Some("16"),
    );
    assert!(by_env.status.success(), "{by_env:?}");
}
