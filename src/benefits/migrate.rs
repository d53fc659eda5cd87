//! Data format 5: the benefit decision tables (`benefits`, `benefit_index`,
//! `benefit_months`). A format-4 kenpo would back up, purge and verify the file without
//! them (dropping or ignoring decisions), so the format changes and such a kenpo refuses
//! the file.

use crate::store::Writer;

/// The migration step from format 4. The upgrade creates every table of the data file
/// (empty) before its steps run, so the benefit tables exist once it commits; a file of
/// format 4 holds no decisions, so nothing is to be converted.
pub fn add_tables(_w: &mut Writer) -> anyhow::Result<()> {
    Ok(())
}
