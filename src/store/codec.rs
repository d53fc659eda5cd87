//! How a record is written in its table ([`Record::encode`]: JSON unless the type says
//! otherwise), named by its table when it cannot be read. Never by its key: a key is a
//! household's 記号・番号, a member's user ID or a temporary ID, and the error reaches the
//! log (SECURITY.md, "Logs and mails carry no secrets"); `kenpo verify` names what it
//! finds to the operator.

use anyhow::Context as _;

use super::Record;

pub(super) fn decode<R: Record>(key: &str, bytes: &[u8]) -> anyhow::Result<R> {
    R::decode(key, bytes).with_context(|| format!("corrupt record {}/…", R::TABLE))
}

pub(super) fn encode<R: Record>(key: &str, record: &R) -> anyhow::Result<Vec<u8>> {
    record
        .encode(key)
        .with_context(|| format!("cannot encode a record of {}/…", R::TABLE))
}
