//! The local control socket: while `kenpo serve` owns the data file, a subcommand hands its
//! job to the server through a Unix socket beside the file (mode 0600, owner only) and shows
//! the same progress, messages and exit status as when it runs the job itself.
//!
//! Protocol (one connection per job): the client sends one JSON line `Request` and then
//! `input_len` raw bytes; the server answers with JSON lines `Event`, where `Output`
//! is followed by `len` raw bytes, which the client answers with one JSON line `Held`
//! once it has written them (the job stores nothing it reports in that file before: a
//! credential issue whose postcards never reached their file issues nothing).

mod client;
mod frame;
mod input;
mod server;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::jobs::Job;

pub use client::run_remote;
pub use server::{ControlServer, listen};

#[derive(Debug, Serialize, Deserialize)]
struct Request {
    job: Job,
    input_len: u64,
    /// The client answers each `Output` with `Held` (a command line older than this field
    /// does not, and the server then does not wait for it).
    #[serde(default)]
    answers_output: bool,
}

/// The client's answer to an `Output`: it holds the file's `len` bytes.
#[derive(Debug, Serialize, Deserialize)]
struct Held {
    len: u64,
}

#[derive(Debug, Serialize, Deserialize)]
enum Event {
    Progress {
        label: String,
        done: u64,
        total: u64,
    },
    Say(String),
    Output {
        len: u64,
    },
    Done {
        ok: bool,
        message: Option<String>,
    },
}

/// `kenpo.redb` → `kenpo.redb.sock`.
pub fn socket_path(data: &Path) -> PathBuf {
    let mut name = data.as_os_str().to_owned();
    name.push(".sock");
    PathBuf::from(name)
}

#[cfg(test)]
mod fuzz;
