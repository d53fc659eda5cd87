//! Freshly issued postcards, held in memory only (never in the data file) for the one
//! postcards.csv download and the one print view of that issue; gone after 30 minutes.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::auth::credentials::Postcard;
use crate::auth::tokens::random_token;

const KEEP_MINUTES: i64 = 30;

struct Issued {
    owner: String,
    created_at: DateTime<Utc>,
    cards: Vec<Postcard>,
    csv_taken: bool,
    print_taken: bool,
}

static DROPS: LazyLock<Mutex<HashMap<String, Issued>>> = LazyLock::new(Default::default);

fn with<T>(now: DateTime<Utc>, f: impl FnOnce(&mut HashMap<String, Issued>) -> T) -> T {
    let mut map = DROPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    map.retain(|_, i| {
        now - i.created_at < Duration::minutes(KEEP_MINUTES) && !(i.csv_taken && i.print_taken)
    });
    f(&mut map)
}

/// Keeps the cards of an issue for `owner` (the staff login); returns the token for the links.
pub fn keep(owner: &str, cards: Vec<Postcard>, now: DateTime<Utc>) -> String {
    let token = random_token();
    let issued = Issued {
        owner: owner.to_string(),
        created_at: now,
        cards,
        csv_taken: false,
        print_taken: false,
    };
    with(now, |m| m.insert(token.clone(), issued));
    token
}

pub enum Part {
    Csv,
    Print,
}

/// The cards, once per part, for their owner only.
pub fn take(token: &str, owner: &str, part: Part, now: DateTime<Utc>) -> Option<Vec<Postcard>> {
    with(now, |m| {
        let issued = m.get_mut(token).filter(|i| i.owner == owner)?;
        let taken = match part {
            Part::Csv => &mut issued.csv_taken,
            Part::Print => &mut issued.print_taken,
        };
        if *taken {
            return None;
        }
        *taken = true;
        Some(issued.cards.clone())
    })
}
