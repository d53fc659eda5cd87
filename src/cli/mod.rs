//! The command line (SPEC §2). Exit status: 0 success, 1 a refusal with a one-line message,
//! 2 a usage error (clap).

pub mod demo;
mod limits;
mod ops;
mod serve;
mod terminal;

use ops::{healthcheck, read_password, send_test_mail, with_output};

pub use limits::ConnectionArgs;
pub use serve::{open_error_message, serve_options};
pub use terminal::{TerminalIo, run_job};

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::jobs::{Job, JobError};

#[derive(Parser)]
#[command(
    name = "kenpo",
    version,
    about = "健康保険組合の加入者向けポータル (self-hosted member portal)"
)]
pub struct Cli {
    /// The data file.
    #[arg(long, env = "KENPO_DATA", global = true)]
    pub data: Option<PathBuf>,
    /// redb's page cache in MiB, for the commands that open the data file (default: 24 for
    /// serve and demo, 256 for the others; README "Memory and CPU").
    #[arg(long, env = "KENPO_CACHE_MIB", global = true, value_name = "MIB",
          value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub cache_mib: Option<u64>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Clone)]
pub struct ServeArgs {
    #[arg(long, env = "KENPO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Public URL of the portal, used in mail links (https:// marks cookies Secure).
    #[arg(long, env = "KENPO_BASE_URL")]
    pub base_url: Option<String>,
    /// smtp://[user:pass@]host:port[?tls=starttls|implicit|none]
    // The help text shows the doc comment as written: the brackets are not links.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(long, env = "KENPO_SMTP_URL")]
    pub smtp: Option<String>,
    #[arg(long, env = "KENPO_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// SMTP connections used at once to send queued mail (each carries many mails).
    #[arg(long, env = "KENPO_SMTP_CONNECTIONS",
          default_value_t = crate::mail::smtp::DEFAULT_CONNECTIONS as u64,
          value_parser = clap::value_parser!(u64).range(1..=32))]
    pub smtp_connections: u64,
    /// Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed.
    #[arg(long, env = "KENPO_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    #[command(flatten)]
    pub limits: ConnectionArgs,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create the data file if needed and set the union's name, 保険者番号 and service name.
    Init {
        #[arg(long)]
        union_name: String,
        #[arg(long)]
        insurer_number: String,
        #[arg(long)]
        service_name: Option<String>,
    },
    /// Run the portal.
    Serve(ServeArgs),
    /// Run the whole product on a fictional union (creates or reuses kenpo-demo.redb).
    Demo(ServeArgs),
    /// Import a member or claim file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Temporary credentials for the postcards.
    Credentials {
        #[command(subcommand)]
        what: CredentialsWhat,
    },
    /// Staff accounts.
    Staff {
        #[command(subcommand)]
        what: StaffWhat,
    },
    /// Write a consistent copy of the data file (also while the server runs).
    Backup { file: PathBuf },
    /// Check a data file (a backup) read-only: every table and index, rows per table.
    Verify { file: PathBuf },
    /// Exit 0 when the server answers /healthz (for Docker's HEALTHCHECK).
    Healthcheck {
        #[arg(long, env = "KENPO_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
    },
    /// Send one mail through the configured SMTP server and explain any failure.
    SendTestMail {
        address: String,
        #[arg(long, env = "KENPO_SMTP_URL")]
        smtp: String,
        #[arg(long, env = "KENPO_MAIL_FROM")]
        mail_from: String,
    },
}

#[derive(Subcommand)]
pub enum ImportWhat {
    Members {
        file: PathBuf,
    },
    Claims {
        file: PathBuf,
        #[arg(long)]
        publish: bool,
    },
    /// The union's benefit decisions (benefits.csv, SPEC §6.4).
    Benefits {
        file: PathBuf,
        #[arg(long)]
        publish: bool,
    },
}

#[derive(Subcommand)]
pub enum CredentialsWhat {
    Issue {
        #[arg(long)]
        out: PathBuf,
        /// 記号-番号 of a household (repeatable); default: every unregistered household.
        #[arg(long = "household")]
        households: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum StaffWhat {
    /// Create a 管理者 (an existing login is refused); with --reset, set a new password for
    /// an existing account instead (its role and second factor stay, its sessions end).
    Add {
        login: String,
        #[arg(long)]
        reset: bool,
    },
}

fn data_path(cli_data: &Option<PathBuf>) -> PathBuf {
    cli_data
        .clone()
        .unwrap_or_else(|| PathBuf::from("./kenpo.redb"))
}

/// Runs the command line; returns the exit status.
pub fn main(cli: Cli) -> i32 {
    restrict_umask();
    let data = data_path(&cli.data);
    let cache = crate::store::cache_bytes(cli.cache_mib.unwrap_or(crate::store::JOB_CACHE_MIB));
    let serve_cache = cli.cache_mib.unwrap_or(crate::store::SERVE_CACHE_MIB);
    let claim_import_cache = crate::store::cache_bytes(
        cli.cache_mib
            .unwrap_or(crate::store::CLAIM_IMPORT_CACHE_MIB),
    );
    let result = match cli.command {
        Command::Init {
            union_name,
            insurer_number,
            service_name,
        } => run_job(
            &data,
            Job::Init {
                union_name,
                insurer_number,
                service_name,
            },
            None,
            None,
            cache,
        ),
        Command::Import {
            what: ImportWhat::Members { file },
        } => run_job(&data, Job::ImportMembers, Some(&file), None, cache),
        Command::Import {
            what: ImportWhat::Claims { file, publish },
        } => run_job(
            &data,
            Job::ImportClaims { publish },
            Some(&file),
            None,
            claim_import_cache,
        ),
        Command::Import {
            what: ImportWhat::Benefits { file, publish },
        } => run_job(
            &data,
            Job::ImportBenefits { publish },
            Some(&file),
            None,
            cache,
        ),
        Command::Credentials {
            what: CredentialsWhat::Issue { out, households },
        } => with_output(&out, |out| {
            run_job(
                &data,
                Job::IssueCredentials { households },
                None,
                Some(out),
                cache,
            )
        }),
        Command::Staff {
            what: StaffWhat::Add { login, reset },
        } => match read_password() {
            Ok(password) if reset => run_job(
                &data,
                Job::StaffReset { login, password },
                None,
                None,
                cache,
            ),
            Ok(password) => run_job(&data, Job::StaffAdd { login, password }, None, None, cache),
            Err(e) => Err(JobError::User(e)),
        },
        Command::Backup { file } => with_output(&file, |out| {
            run_job(&data, Job::Backup, None, Some(out), cache)
        }),
        Command::Serve(args) => block_on(serve::serve(data, args, serve_cache)),
        Command::Demo(args) => {
            let data = cli
                .data
                .clone()
                .unwrap_or_else(|| PathBuf::from("./kenpo-demo.redb"));
            block_on(demo::run(data, args, serve_cache))
        }
        Command::Verify { file } => ops::verify(&file),
        Command::Healthcheck { listen } => healthcheck(&listen),
        Command::SendTestMail {
            address,
            smtp,
            mail_from,
        } => block_on(send_test_mail(address, smtp, mail_from)),
    };
    match result {
        Ok(()) => 0,
        Err(JobError::User(message)) => {
            eprintln!("kenpo: {message}");
            1
        }
        Err(JobError::Unexpected(e)) => {
            eprintln!("kenpo: {e:#}");
            1
        }
    }
}

/// Every file this process creates is owner-only, also those made by libraries (the
/// data file, the control socket between its bind and its chmod); the files kenpo writes
/// itself set 0600 explicitly as well.
fn restrict_umask() {
    // SAFETY: umask only changes the process's file-creation mask; called once at start.
    unsafe {
        libc::umask(0o077);
    }
}

fn block_on(f: impl std::future::Future<Output = Result<(), JobError>>) -> Result<(), JobError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| JobError::Unexpected(e.into()))?
        .block_on(f)
}
