//! How a record is written in its table ([`Record::encode`]: JSON unless the type says
//! otherwise), named by its table and key when it cannot be read.

use anyhow::Context as _;

use super::Record;

pub(super) fn decode<R: Record>(key: &str, bytes: &[u8]) -> anyhow::Result<R> {
    R::decode(key, bytes).with_context(|| format!("corrupt record {}/{key}", R::TABLE))
}

pub(super) fn encode<R: Record>(key: &str, record: &R) -> anyhow::Result<Vec<u8>> {
    record
        .encode(key)
        .with_context(|| format!("cannot encode a record of {}/{key}", R::TABLE))
}
