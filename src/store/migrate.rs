//! Upgrading a data file written by an older kenpo. The steps read and write the records
//! of the modules above the store, so the store does not know them: they are handed to
//! [`super::Store::open_with`] (the binary's list is `jobs::schema::MIGRATIONS`), and the
//! store runs those from the file's schema on, in the transaction that opens it.

use serde::{Deserialize, Serialize};

use super::{Record, SCHEMA_VERSION, Writer, tables};

/// One step from schema `from` to `from + 1`, run inside the opening write transaction.
pub struct Migration {
    pub from: u64,
    /// What the step changes, for the log.
    pub describe: &'static str,
    pub run: fn(&mut Writer) -> anyhow::Result<()>,
}

/// The schema number a data file records, under [`SCHEMA_KEY`] in `meta`.
#[derive(Serialize, Deserialize)]
pub struct SchemaVersion(pub u64);

impl Record for SchemaVersion {
    const TABLE: &'static str = tables::META;
}

pub const SCHEMA_KEY: &str = "schema_version";

/// Brings a file of schema `from` up to [`SCHEMA_VERSION`] with `migrations`; fails (and so
/// changes nothing) when a step is missing.
pub(super) fn upgrade(w: &mut Writer, from: u64, migrations: &[Migration]) -> anyhow::Result<()> {
    for version in from..SCHEMA_VERSION {
        let Some(step) = migrations.iter().find(|m| m.from == version) else {
            anyhow::bail!(
                "the data file was written by an older kenpo (schema {from}) and is upgraded only by the kenpo binary (kenpo serve, or any data-file command)"
            );
        };
        tracing::info!(from = version, "upgrading the data file: {}", step.describe);
        (step.run)(w)?;
    }
    Ok(())
}
