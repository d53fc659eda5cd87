//! Finding a household and what its page shows; the privacy flag and revealing the e-mail.

use crate::auth::passkey::Owner;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::{Action, AuditEntry};
use crate::auth::failures::Lock;
use crate::auth::model::{Account, HouseholdState, Session, SessionKind, TemporaryCredential};
use crate::benefits::BenefitRecord;
use crate::claims::query::Published;
use crate::domain::benefit::BenefitDecision;
use crate::domain::member::{HouseholdKey, Person};
use crate::domain::search_text::fold;
use crate::settings::{SETTINGS, UnionSettings};
use crate::store::{KEY_SEP, Reader, StoreKey as _, Writer, key};

pub const SEARCH_LIMIT: usize = 100;

/// Where a household stands in registration.
#[derive(Debug, Clone)]
pub enum Registration {
    Unregistered,
    TemporaryIssued {
        expires_at: DateTime<Utc>,
        locked_until: Option<DateTime<Utc>>,
        /// Failed identity checks locked the temporary ID until staff unlock it.
        locked_for_good: bool,
    },
    Registered {
        user_id: String,
    },
}

impl Registration {
    pub fn label(&self, now: DateTime<Utc>) -> String {
        match self {
            Registration::Unregistered => "未登録（仮ID未発行）".into(),
            Registration::TemporaryIssued { expires_at, .. } if *expires_at <= now => format!(
                "未登録（仮IDの有効期限切れ：{}）",
                crate::clock::format_jst_date(*expires_at)
            ),
            Registration::TemporaryIssued { expires_at, .. } => format!(
                "仮ID発行済み（有効期限 {}）",
                crate::clock::format_jst_date(*expires_at)
            ),
            Registration::Registered { .. } => "登録済み".into(),
        }
    }
}

pub fn registration(r: &Reader, h: &HouseholdKey) -> anyhow::Result<Registration> {
    let state = r.get::<HouseholdState>(&h.store_key())?.unwrap_or_default();
    if let Some(user_key) = state.account {
        let user_id = r.get::<Account>(&user_key)?.map_or(user_key, |a| a.user_id);
        return Ok(Registration::Registered { user_id });
    }
    if let Some(id) = state.temporary_id
        && let Some(c) = r.get::<TemporaryCredential>(&id)?
    {
        let per_lock = r
            .get::<UnionSettings>(SETTINGS)?
            .unwrap_or_default()
            .temp_id_max_failures;
        let locked_for_good = c.lock(per_lock, c.issued_at) == Lock::ForGood;
        return Ok(Registration::TemporaryIssued {
            expires_at: c.expires_at,
            locked_until: c.locked_until,
            locked_for_good,
        });
    }
    Ok(Registration::Unregistered)
}

pub struct Hit {
    pub household: HouseholdKey,
    pub insured_name: String,
    pub matched: Vec<String>,
    pub registration: Registration,
}

/// Households whose 記号-番号, a person's name or kana contains the query (folded).
pub fn search(r: &Reader, query: &str) -> anyhow::Result<(Vec<Hit>, bool)> {
    let q = fold(query);
    if q.is_empty() {
        return Ok((Vec::new(), false));
    }
    let mut found: BTreeMap<HouseholdKey, (String, Vec<String>)> = BTreeMap::new();
    for (_, p) in r.scan::<Person>("")? {
        let code = fold(&format!("{}-{}", p.household.symbol, p.household.number));
        let hit = code.contains(&q) || fold(&p.name).contains(&q) || fold(&p.kana).contains(&q);
        let entry = found.entry(p.household.clone()).or_default();
        if p.is_insured() {
            entry.0 = p.name.clone();
        }
        if hit {
            entry.1.push(p.name.clone());
        }
    }
    let matching: Vec<_> = found
        .into_iter()
        .filter(|(_, (_, m))| !m.is_empty())
        .collect();
    let more = matching.len() > SEARCH_LIMIT;
    let mut hits = Vec::new();
    for (household, (insured_name, matched)) in matching.into_iter().take(SEARCH_LIMIT) {
        let registration = registration(r, &household)?;
        hits.push(Hit {
            household,
            insured_name,
            matched,
            registration,
        });
    }
    Ok((hits, more))
}

pub struct HouseholdView {
    pub household: HouseholdKey,
    pub people: Vec<Person>,
    pub registration: Registration,
    pub account: Option<Account>,
    pub sessions: usize,
    pub audit: Vec<AuditEntry>,
    /// The household's benefit decisions, newest 決定日 first, each with whether its batch
    /// is published (staff see unpublished ones and hidden people's too).
    pub decisions: Vec<(BenefitDecision, bool)>,
    /// The household's passkeys (staff may delete them: a lost phone).
    pub passkeys: Vec<crate::auth::passkey::PasskeyRow>,
}

/// The household's decisions for its staff page, newest first.
fn decisions_of(r: &Reader, h: &HouseholdKey) -> anyhow::Result<Vec<(BenefitDecision, bool)>> {
    let prefix = format!("{}{KEY_SEP}", key(&[&h.symbol, &h.number]));
    let mut published = Published::new(r);
    let mut out = Vec::new();
    for (_, record) in r.scan::<BenefitRecord>(&prefix)?.into_iter().rev() {
        let shown = published.contains(&record.batch)?;
        out.push((record.decision, shown));
    }
    Ok(out)
}

fn people_of(r: &Reader, h: &HouseholdKey) -> anyhow::Result<Vec<Person>> {
    let prefix = format!("{}{KEY_SEP}", key(&[&h.symbol, &h.number]));
    Ok(r.scan::<Person>(&prefix)?
        .into_iter()
        .map(|(_, p)| p)
        .collect())
}

/// The audit rows that name the household, newest first (at most `limit`).
pub fn audit_trail(r: &Reader, h: &HouseholdKey, limit: usize) -> anyhow::Result<Vec<AuditEntry>> {
    crate::audit::trail(r, &h.to_string(), limit)
}

pub fn load(r: &Reader, h: &HouseholdKey) -> anyhow::Result<Option<HouseholdView>> {
    let people = people_of(r, h)?;
    if people.is_empty() {
        return Ok(None);
    }
    let state = r.get::<HouseholdState>(&h.store_key())?.unwrap_or_default();
    let account = match &state.account {
        Some(k) => r.get::<Account>(k)?,
        None => None,
    };
    let sessions = r
        .scan::<Session>("")?
        .into_iter()
        .filter(|(_, s)| match &s.kind {
            SessionKind::Member { household, .. }
            | SessionKind::Completed { household, .. }
            | SessionKind::Registration { household, .. } => household == h,
            SessionKind::Staff { .. } => false,
        })
        .count();
    Ok(Some(HouseholdView {
        household: h.clone(),
        people,
        registration: registration(r, h)?,
        account,
        sessions,
        audit: audit_trail(r, h, 200)?,
        decisions: decisions_of(r, h)?,
        passkeys: crate::auth::passkey::of_owner(r, &Owner::Household(h.clone()))?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

/// Records that a staff member was shown the household page (SPEC §5b: data view by staff).
pub fn record_view(
    w: &mut Writer,
    h: &HouseholdKey,
    actor: &str,
    client: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    AuditEntry::new(now, actor, Action::StaffHouseholdViewed)
        .target(h.to_string())
        .client(client)
        .record(w)
}

/// The household's e-mail address in full; the reveal is audited.
pub fn reveal_email(
    w: &mut Writer,
    h: &HouseholdKey,
    actor: &str,
    client: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<String>> {
    let state = w.get::<HouseholdState>(&h.store_key())?.unwrap_or_default();
    let Some(account) = state
        .account
        .and_then(|k| w.get::<Account>(&k).ok().flatten())
    else {
        return Ok(None);
    };
    AuditEntry::new(now, actor, Action::StaffEmailRevealed)
        .target(h.to_string())
        .client(client)
        .record(w)?;
    Ok(Some(account.email))
}

/// Hides a dependant from the household's member pages (or shows them again).
pub fn set_hidden(
    w: &mut Writer,
    h: &HouseholdKey,
    branch: &str,
    hidden: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let k = key(&[&h.symbol, &h.number, branch]);
    let Some(mut person) = w.get::<Person>(&k)?.filter(|p| !p.is_insured()) else {
        return Ok(false);
    };
    person.hidden_from_household = hidden;
    w.put(&k, &person)?;
    let action = if hidden {
        Action::PersonHiddenFromHousehold
    } else {
        Action::PersonShownToHousehold
    };
    AuditEntry::new(now, actor, action)
        .target(h.to_string())
        .detail(format!("branch={branch}"))
        .record(w)?;
    Ok(true)
}

/// Ends every member-side session of the household.
pub fn end_sessions(
    w: &mut Writer,
    h: &HouseholdKey,
    actor: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let ended = crate::auth::session::end_household(w, h, None)?;
    AuditEntry::new(now, actor, Action::SessionsEndedByStaff)
        .target(h.to_string())
        .detail(format!("sessions={ended}"))
        .record(w)?;
    Ok(ended)
}
