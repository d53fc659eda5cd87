//! Figures for `scripts/faults`: with `KENPO_FAULTS_REPORT` set, a test appends
//! `<name> <value>` lines to that file; the script reads them into its table.

use std::io::Write as _;

pub fn report(name: &str, value: u64) {
    let Some(path) = std::env::var_os("KENPO_FAULTS_REPORT") else {
        return;
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("open the faults report");
    writeln!(file, "{name} {value}").expect("write the faults report");
}
