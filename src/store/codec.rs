//! How a record is written in its table ([`Record::encode`]: JSON unless the type says
//! otherwise), named by its table when it cannot be read. Never by its key: a key is a
//! household's 記号・番号, a member's user ID or a temporary ID, and the error reaches the
//! log (SECURITY.md, "Logs and mails carry no secrets"); `kenpo verify` names what it
//! finds to the operator. Nor by its value: see [`from_json`].

use anyhow::Context as _;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::Record;

pub(super) fn decode<R: Record>(key: &str, bytes: &[u8]) -> anyhow::Result<R> {
    R::decode(key, bytes).with_context(|| format!("corrupt record {}/…", R::TABLE))
}

pub(super) fn encode<R: Record>(key: &str, record: &R) -> anyhow::Result<Vec<u8>> {
    record
        .encode(key)
        .with_context(|| format!("cannot encode a record of {}/…", R::TABLE))
}

/// Reads stored JSON. serde's own message quotes what it found (`invalid type: string
/// "1980-01-01", expected …`, an unknown variant, a value a domain type refused), and
/// a stored value is a name, a birth date or a claim: the error keeps only what kind of
/// fault and where.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> anyhow::Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        let kind = match e.classify() {
            Category::Io => "could not be read",
            Category::Syntax => "is not well-formed JSON",
            Category::Data => "holds a value of the wrong shape",
            Category::Eof => "is cut short",
        };
        anyhow::anyhow!(
            "the stored JSON {kind} (line {}, column {})",
            e.line(),
            e.column()
        )
    })
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::domain::birth_date::BirthDate;

    #[derive(Debug, Serialize, Deserialize)]
    struct Probe {
        count: u64,
        #[serde(default)]
        birth: Option<BirthDate>,
    }

    impl Record for Probe {
        const TABLE: &'static str = "probe";
    }

    fn fault(stored: &str) -> String {
        match decode::<Probe>("0612␟34", stored.as_bytes()) {
            Ok(p) => panic!("decoded {p:?}"),
            Err(e) => format!("{e:#} {e:?}"),
        }
    }

    #[test]
    fn a_record_that_does_not_fit_is_reported_without_the_stored_value() {
        for (stored, secret) in [
            (r#"{"count":"山田花子"}"#, "山田花子"),
            (r#"{"count":1,"birth":"19800230"}"#, "19800230"),
            (r#"{"count":1,"birth":"1980-01-01 山田"}"#, "山田"),
            (r#"{"count":[1, "佐藤"]}"#, "佐藤"),
        ] {
            let text = fault(stored);
            assert!(text.contains("corrupt record probe/…"), "{text}");
            assert!(text.contains("wrong shape"), "{text}");
            assert!(!text.contains(secret), "{text}");
            assert!(!text.contains("0612"), "{text}");
        }
        let text = fault(r#"{"count":1"#);
        assert!(text.contains("cut short"), "{text}");
        let text = fault(r#"{"count":1}山田"#);
        assert!(
            text.contains("not well-formed") && !text.contains("山田"),
            "{text}"
        );
    }
}
