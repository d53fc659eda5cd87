//! `kenpo demo`: the whole product on a fictional union, with embedded defaults.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use rand::Rng as _;

use crate::audit::Actor;
use crate::auth::credentials;
use crate::auth::model::StaffRole;
use crate::cli::ServeArgs;
use crate::clock::{Clock, SystemClock};
use crate::domain::member::HouseholdKey;
use crate::jobs::{self, JobError};
use crate::settings::SETTINGS;
use crate::store::Store;

mod members;
#[cfg(test)]
mod tests;

pub use members::synthetic_members;

pub const UNION_NAME: &str = "さくら見本健康保険組合";
/// Fictional; its check digit is right (0·6·1·3·8·8·0 → 4).
pub const INSURER_NUMBER: &str = "06138804";
pub const STAFF_LOGIN: &str = "admin";
pub const HOUSEHOLDS: u32 = 300;

/// A fresh staff password (16 characters that cannot be mistaken for one another): a
/// published fixed one would open every demo left running on a reachable address.
fn staff_password() -> String {
    use crate::auth::tokens::TEMP_PASSWORD_ALPHABET as ALPHABET;
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// What the demo prints: postcards of three households, whether the file is new, and the
/// staff password.
struct Prepared {
    cards: Vec<(credentials::Postcard, NaiveDate)>,
    fresh: bool,
    staff_password: String,
}

fn prepare(data: &std::path::Path) -> Result<Prepared, JobError> {
    let store = jobs::schema::open_store(data).map_err(|e| JobError::User(e.to_string()))?;
    let now = SystemClock.now();
    let settings = store.read_blocking(|r| r.get::<crate::settings::UnionSettings>(SETTINGS))?;
    let fresh = !settings.as_ref().is_some_and(|s| s.is_initialised());
    if let Some(s) = settings.filter(|s| s.is_initialised() && s.union_name != UNION_NAME) {
        return Err(JobError::User(format!(
            "{} is not a demo data file (its union is {}): kenpo demo resets the staff password of its own fictional union only; choose another --data",
            data.display(),
            s.union_name
        )));
    }
    if fresh {
        jobs::init_union(&store, UNION_NAME, INSURER_NUMBER, None, now)?;
        allow_staff_without_totp(&store)?;
        let people = synthetic_members(HOUSEHOLDS);
        jobs::import_members(
            &store,
            people.clone(),
            now,
            &Actor::Demo.to_string(),
            &mut |_, _| std::ops::ControlFlow::Continue(()),
        )?;
        let started = std::time::Instant::now();
        let claims = crate::claims::demo::generate(&store, &people, now)?;
        // Decisions for the households whose postcards are printed below (the same three:
        // none registers in between), so that their members see the whole flow.
        let printed: Vec<HouseholdKey> = store
            .read_blocking(|r| crate::console::postcards::unregistered(r, 3))?
            .into_iter()
            .map(|p| p.household)
            .collect();
        crate::benefits::demo::generate(&store, &people, &printed, now)?;
        println!(
            "demo: {claims} claims within the last {} months, published monthly, written in {:.1} s",
            crate::claims::demo::MONTHS,
            started.elapsed().as_secs_f64()
        );
    }
    // A new staff password at every start, printed: the one printed last time is not
    // stored anywhere (only its hash is).
    let staff_password = staff_password();
    let hash = crate::auth::hash::hash_blocking(&staff_password)?;
    store
        .write_blocking(|w| crate::auth::staff::put(w, STAFF_LOGIN, hash, StaffRole::Admin, now))?;
    // Three unregistered households get fresh postcards at every start (plain passwords are
    // never stored, so they cannot be shown again).
    let chosen: Vec<(HouseholdKey, NaiveDate)> = store
        .read_blocking(|r| crate::console::postcards::unregistered(r, 3))?
        .into_iter()
        .map(|p| (p.household, p.birth_date))
        .collect();
    let keys: Vec<HouseholdKey> = chosen.iter().map(|(k, _)| k.clone()).collect();
    let cards = credentials::issue(&store, &keys, now, &Actor::Demo.to_string(), &mut |_, _| {
        std::ops::ControlFlow::Continue(())
    })
    .map_err(|e| JobError::User(e.to_string()))?;
    let cards = cards
        .into_iter()
        .zip(chosen.into_iter().map(|(_, b)| b))
        .collect();
    Ok(Prepared {
        cards,
        fresh,
        staff_password,
    })
}

/// A newcomer tries every staff screen at once, without an authenticator app: a new demo
/// union does not require staff MFA (a real one does, by default). The setting is shown,
/// and can be switched on, under 組合の設定.
fn allow_staff_without_totp(store: &Store) -> anyhow::Result<()> {
    store.write_blocking(|w| {
        let mut settings = w
            .get::<crate::settings::UnionSettings>(SETTINGS)?
            .unwrap_or_default();
        settings.staff_totp_required = false;
        w.put(SETTINGS, &settings)
    })
}

async fn staff_mfa_line(store: &Store) -> &'static str {
    let settings = store
        .read(|r| r.get::<crate::settings::UnionSettings>(SETTINGS))
        .await;
    if settings
        .ok()
        .flatten()
        .is_none_or(|s| s.staff_totp_required)
    {
        "required (組合の設定): the first staff login asks for TOTP enrolment"
    } else {
        "not required in the demo (組合の設定; a real union requires it by default)"
    }
}

pub async fn run(data: PathBuf, args: ServeArgs, cache_mib: u64) -> Result<(), JobError> {
    let path = data.clone();
    let Prepared {
        cards,
        fresh,
        staff_password,
    } = tokio::task::spawn_blocking(move || prepare(&path))
        .await
        .map_err(|e| JobError::Unexpected(e.into()))??;
    let opts = crate::cli::serve_options(data.clone(), &args, Arc::new(SystemClock), cache_mib)?;
    let stop = crate::server::termination();
    let running = crate::server::start(opts)
        .await
        .map_err(crate::cli::open_error_message)?;
    let url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", running.addr));
    println!();
    println!("kenpo demo — {UNION_NAME}（架空の組合）");
    println!(
        "  data file : {}{}",
        data.display(),
        if fresh { " (new)" } else { " (reused)" }
    );
    println!("  open      : {url}/");
    println!("  staff     : {url}/staff/login  login {STAFF_LOGIN} / password {staff_password}");
    println!("              (a new staff password at every start of the demo)");
    println!("  保険者番号 : {INSURER_NUMBER}");
    println!("  postcards (仮ID / 仮パスワード / 被保険者の生年月日):");
    for (card, birth) in &cards {
        println!(
            "    {}  {} / {} / {}  ({})",
            card.household,
            card.temporary_id,
            card.temporary_password,
            birth.format("%Y%m%d"),
            card.name
        );
    }
    println!(
        "  mail      : {}",
        if args.smtp.is_some() {
            "sent through --smtp"
        } else {
            "kept in the outbox (no --smtp)"
        }
    );
    println!(
        "  staff MFA : {}",
        staff_mfa_line(&running.state.store).await
    );
    println!("Press Ctrl-C to stop.");
    stop.await;
    running.stop().await.map_err(JobError::Unexpected)
}
