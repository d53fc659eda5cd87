//! The data file's upgrade steps. They need the records above the store (the audit log's
//! counters), so they are listed here, and every data file the binary opens goes through
//! [`open_store`].

use std::path::Path;

use crate::store::{Migration, OpenError, SCHEMA_VERSION, Schema, Store};

/// The steps of this release, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        from: 1,
        // The log of an older file is counted once from its rows (one pass over them).
        describe: "count the audit log per day and action",
        run: crate::audit::backfill_counts,
    },
    Migration {
        from: 2,
        describe: "store claims in their compact form and index them by month",
        run: crate::claims::migrate::claims_to_compact,
    },
    Migration {
        from: 3,
        // The sums are built once from the stored claims (one pass over them).
        describe: "sum the claims per household, month and person",
        run: crate::claims::totals::build,
    },
    Migration {
        from: 4,
        describe: "add the benefit decision tables",
        run: crate::benefits::migrate::add_tables,
    },
    Migration {
        from: 5,
        describe: "add the passkey tables",
        run: crate::auth::passkey::add_tables,
    },
];

/// This binary's schema and the steps that lead to it.
pub const CURRENT: Schema<'static> = Schema {
    version: SCHEMA_VERSION,
    migrations: MIGRATIONS,
};

/// Opens (or creates) the data file, bringing one of an older kenpo up to date.
pub fn open_store(path: &Path) -> Result<Store, OpenError> {
    Store::open_with(path, &CURRENT)
}

/// [`open_store`] with a page cache of `cache_bytes` (`--cache-mib`).
pub fn open_store_with_cache(path: &Path, cache_bytes: usize) -> Result<Store, OpenError> {
    Store::open_with_cache(path, &CURRENT, cache_bytes)
}

#[cfg(test)]
mod claims_upgrade;
#[cfg(test)]
mod tests;
