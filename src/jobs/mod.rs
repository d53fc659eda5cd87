//! The work behind the data-file subcommands. A job runs the same way whether the CLI
//! opened the data file itself or handed the job to the running server (see `control`):
//! it talks to the person only through [`JobIo`].

mod backup;
mod batch_file;
mod benefits;
mod claims;
mod members;
#[cfg(test)]
pub(crate) mod quiet;
pub mod schema;
mod setup;
#[cfg(test)]
mod stop_tests;
#[cfg(test)]
mod temp_file_tests;
pub mod verify;

use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::Actor;
use crate::store::Store;

pub use batch_file::Spool;
pub use benefits::{
    BenefitImportError, BenefitImportSummary, import_benefits, import_benefits_file,
};
pub use claims::{
    ClaimImportError, ClaimImportSummary, hold_back_less, import_claims, import_claims_file,
};
pub use members::{ImportSummary, MEMBERS_CANCELLED, import_members};
pub use setup::{ensure_secrets, init_union, seal_plain_secrets, write_private};

/// `Debug` shows the job's name only: `StaffAdd` and `StaffReset` carry a password.
#[derive(Clone, Serialize, Deserialize)]
pub enum Job {
    Init {
        union_name: String,
        insurer_number: String,
        service_name: Option<String>,
    },
    ImportMembers,
    ImportClaims {
        publish: bool,
    },
    ImportBenefits {
        publish: bool,
    },
    IssueCredentials {
        households: Vec<String>,
    },
    /// `kenpo staff add LOGIN`: a new 管理者; an existing login is refused.
    StaffAdd {
        login: String,
        password: String,
    },
    /// `kenpo staff add LOGIN --reset`: a new password for an existing account.
    StaffReset {
        login: String,
        password: String,
    },
    Backup,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Job::Init { .. } => "Init",
            Job::ImportMembers => "ImportMembers",
            Job::ImportClaims { .. } => "ImportClaims",
            Job::ImportBenefits { .. } => "ImportBenefits",
            Job::IssueCredentials { .. } => "IssueCredentials",
            Job::StaffAdd { .. } => "StaffAdd",
            Job::StaffReset { .. } => "StaffReset",
            Job::Backup => "Backup",
        };
        write!(f, "Job::{name}")
    }
}

/// How a job reads its input, shows progress and writes its output file.
pub trait JobIo {
    fn input(&mut self) -> anyhow::Result<Box<dyn Read + '_>>;
    /// The input as a file on this machine, when it is one (a large file is then read in
    /// place rather than copied first).
    fn input_path(&self) -> Option<PathBuf> {
        None
    }
    fn progress(&mut self, label: &str, done: u64, total: u64);
    /// Whether the job should stop and roll back (the server is stopping); a long import
    /// asks at each progress step, so that it does not hold the writer through a stop.
    fn cancelled(&self) -> bool {
        false
    }
    /// [`progress`](JobIo::progress), then whether the job goes on: `Break` when it is
    /// [`cancelled`](JobIo::cancelled).
    fn step(&mut self, label: &str, done: u64, total: u64) -> ControlFlow<()> {
        self.progress(label, done, total);
        if self.cancelled() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
    fn say(&mut self, line: &str);
    /// Hands over the finished output file (postcards, a backup) from a temporary path;
    /// returns once the receiver holds all of it (the command line has written and synced
    /// its file). A job stores what the file reports only after that.
    fn output_file(&mut self, path: &Path) -> anyhow::Result<()>;
}

/// A refusal the person can act on (exit 1, one line), or an unexpected failure.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub fn run(
    job: Job,
    store: &Store,
    now: DateTime<Utc>,
    io: &mut dyn JobIo,
) -> Result<(), JobError> {
    match job {
        Job::Init {
            union_name,
            insurer_number,
            service_name,
        } => {
            let settings = init_union(
                store,
                &union_name,
                &insurer_number,
                service_name.as_deref(),
                now,
            )?;
            io.say(&format!(
                "組合を設定しました: {} (保険者番号 {}, サービス名 {})",
                settings.union_name,
                settings.insurer_digits(),
                settings.service_name
            ));
            Ok(())
        }
        Job::ImportMembers => {
            let mut bytes = Vec::new();
            io.input()?
                .read_to_end(&mut bytes)
                .map_err(anyhow::Error::from)?;
            let people = crate::import::read_members_bytes(&bytes)
                .map_err(|e| JobError::User(e.to_string()))?;
            let mut stopped = false;
            let actor = Actor::Cli.to_string();
            let imported = import_members(store, people, now, &actor, &mut |d, t| {
                let step = io.step("取り込み", d, t);
                stopped = step.is_break();
                step
            });
            let summary = match imported {
                Err(_) if stopped => return Err(JobError::User(MEMBERS_CANCELLED.into())),
                other => other?,
            };
            io.say(&summary.to_string());
            Ok(())
        }
        Job::ImportClaims { publish } => claims::run(store, publish, now, io),
        Job::ImportBenefits { publish } => benefits::run(store, publish, now, io),
        Job::IssueCredentials { households } => {
            setup::issue_credentials(store, &households, now, io)
        }
        Job::StaffAdd { login, password } => setup::staff_add(store, &login, &password, now, io),
        Job::StaffReset { login, password } => {
            setup::staff_reset(store, &login, &password, now, io)
        }
        Job::Backup => backup::backup(store, io),
    }
}
