//! Who an audit row names: one variant per kind of actor, each with the one string the data
//! file keeps. Only a key that names a stored account or postcard reaches the log: people
//! type passwords into the ID field, so text that matched nothing is never recorded.

use std::fmt;

/// An actor of the audit log. `Display` is its stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// `member:<normalised user ID>`
    Member(String),
    /// `member:unknown`: an attempt whose ID matched no account.
    UnknownMember,
    /// `temporary:<temporary ID>`
    Temporary(String),
    /// `temporary:unknown`: an attempt whose temporary ID matched no postcard.
    UnknownTemporary,
    /// `staff:<lower-case login>` (made by [`Actor::staff`]).
    Staff(String),
    /// `staff:unknown`: a staff login attempt whose login matched no account.
    UnknownStaff,
    /// `anonymous`: a recovery form, before anything is known of who asks.
    Anonymous,
    /// `cli`: a command run on the data file.
    Cli,
    /// `system`: the server's own daily jobs.
    System,
    /// `demo`: the demo's fictional data.
    Demo,
}

impl Actor {
    /// `member:<key>` for a stored account, [`Actor::UnknownMember`] otherwise.
    pub fn member(known_key: Option<&str>) -> Actor {
        known_key.map_or(Actor::UnknownMember, |k| Actor::Member(k.to_string()))
    }

    /// `temporary:<id>` for an issued temporary ID, [`Actor::UnknownTemporary`] otherwise.
    pub fn temporary(known_id: Option<&str>) -> Actor {
        known_id.map_or(Actor::UnknownTemporary, |k| Actor::Temporary(k.to_string()))
    }

    /// `staff:<login>`, the login lower-cased as staff accounts are keyed.
    pub fn staff(login: &str) -> Actor {
        Actor::Staff(login.to_ascii_lowercase())
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Member(key) => write!(f, "member:{key}"),
            Actor::UnknownMember => f.write_str("member:unknown"),
            Actor::Temporary(id) => write!(f, "temporary:{id}"),
            Actor::UnknownTemporary => f.write_str("temporary:unknown"),
            Actor::Staff(login) => write!(f, "staff:{login}"),
            Actor::UnknownStaff => f.write_str("staff:unknown"),
            Actor::Anonymous => f.write_str("anonymous"),
            Actor::Cli => f.write_str("cli"),
            Actor::System => f.write_str("system"),
            Actor::Demo => f.write_str("demo"),
        }
    }
}

impl From<Actor> for String {
    fn from(actor: Actor) -> String {
        actor.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Actor;

    #[test]
    fn each_actor_has_its_stored_form_and_nothing_typed_reaches_an_unknown_one() {
        assert_eq!(Actor::member(None).to_string(), "member:unknown");
        assert_eq!(
            Actor::member(Some("yamada.taro")).to_string(),
            "member:yamada.taro"
        );
        assert_eq!(Actor::temporary(None).to_string(), "temporary:unknown");
        assert_eq!(
            Actor::temporary(Some("1234567890")).to_string(),
            "temporary:1234567890"
        );
        assert_eq!(Actor::staff("Admin").to_string(), "staff:admin");
        assert_eq!(Actor::UnknownStaff.to_string(), "staff:unknown");
        assert_eq!(Actor::Cli.to_string(), "cli");
        assert_eq!(Actor::System.to_string(), "system");
        assert_eq!(Actor::Demo.to_string(), "demo");
        assert_eq!(Actor::Anonymous.to_string(), "anonymous");
    }
}
