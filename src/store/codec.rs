//! How a record is written in its table: JSON, named by its table when it cannot be read.

use anyhow::Context as _;

use super::Record;

pub(super) fn decode<R: Record>(key: &str, bytes: &[u8]) -> anyhow::Result<R> {
    serde_json::from_slice(bytes).with_context(|| format!("corrupt record {}/{key}", R::TABLE))
}

pub(super) fn encode<R: Record>(record: &R) -> anyhow::Result<Vec<u8>> {
    serde_json::to_vec(record).with_context(|| format!("cannot encode a record of {}", R::TABLE))
}
