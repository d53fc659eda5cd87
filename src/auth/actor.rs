//! Who an audit row names for a member's attempt. Only a key that names a stored account
//! or postcard reaches the log: people type passwords into the ID field, so text that
//! matched nothing is never recorded, in any form.

/// The actor of an attempt whose ID matched no account.
pub const UNKNOWN_MEMBER: &str = "member:unknown";
/// The actor of an attempt whose temporary ID matched no postcard.
pub const UNKNOWN_TEMPORARY: &str = "temporary:unknown";

/// `member:<normalized id>` for a stored account, [`UNKNOWN_MEMBER`] otherwise.
pub fn member(known_key: Option<&str>) -> String {
    known_key.map_or_else(|| UNKNOWN_MEMBER.to_string(), |k| format!("member:{k}"))
}

/// `temporary:<id>` for an issued temporary ID, [`UNKNOWN_TEMPORARY`] otherwise.
pub fn temporary(known_id: Option<&str>) -> String {
    known_id.map_or_else(
        || UNKNOWN_TEMPORARY.to_string(),
        |k| format!("temporary:{k}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_typed_reaches_an_unknown_actor() {
        assert_eq!(member(None), "member:unknown");
        assert_eq!(member(Some("yamada.taro")), "member:yamada.taro");
        assert_eq!(temporary(None), "temporary:unknown");
        assert_eq!(temporary(Some("1234567890")), "temporary:1234567890");
    }
}
