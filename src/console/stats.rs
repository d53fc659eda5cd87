//! 統計: households, the registered share, registrations per month, logins per day, mail,
//! and benefit decisions per month.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, Utc};

use crate::audit::Action;
use crate::auth::model::{Account, HouseholdState};
use crate::benefits::BenefitRecord;
use crate::clock::today_jst;
use crate::domain::member::Person;
use crate::domain::yen::YenSum;
use crate::mail::outbox::{MailState, OutboxMail};
use crate::store::Reader;

pub const MONTHS: u32 = 12;
pub const DAYS: i64 = 30;

pub struct Stats {
    pub households: u64,
    pub registered: u64,
    /// (`YYYY-MM`, registrations), oldest first, the last [`MONTHS`] months.
    pub registrations: Vec<(String, u64)>,
    /// (`MM/DD`, successful member logins), oldest first, the last [`DAYS`] days.
    pub logins: Vec<(String, u64)>,
    pub mails_sent: u64,
    pub mails_failed: u64,
    pub mails_pending: u64,
    /// (`YYYY-MM` of 決定日, decisions, 支給額 in all), oldest first, the last [`MONTHS`]
    /// months: every imported decision, published or not.
    pub benefits: Vec<(String, u64, YenSum)>,
}

impl Stats {
    /// Registered households per 1,000 (for a percentage with one decimal).
    pub fn registered_permille(&self) -> u64 {
        (self.registered * 1000)
            .checked_div(self.households)
            .unwrap_or(0)
    }
}

fn month_start(d: NaiveDate, back: u32) -> NaiveDate {
    let index = d.year() * 12 + d.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

pub fn compute(r: &Reader, now: DateTime<Utc>) -> anyhow::Result<Stats> {
    let today = today_jst(now);
    let households = r
        .scan::<Person>("")?
        .iter()
        .filter(|(_, p)| p.is_insured())
        .count() as u64;
    let registered = r
        .scan::<HouseholdState>("")?
        .iter()
        .filter(|(_, s)| s.account.is_some())
        .count() as u64;
    let mut months: BTreeMap<String, u64> = (0..MONTHS)
        .rev()
        .map(|b| (month_start(today, b).format("%Y-%m").to_string(), 0))
        .collect();
    for (_, a) in r.scan::<Account>("")? {
        let label = today_jst(a.created_at).format("%Y-%m").to_string();
        if let Some(n) = months.get_mut(&label) {
            *n += 1;
        }
    }
    // Counted with the audit rows, per day in Japan: 30 counters, not the whole log.
    let first_day = today - Duration::days(DAYS - 1);
    let days: Vec<NaiveDate> = (0..DAYS).map(|i| first_day + Duration::days(i)).collect();
    let logins = crate::audit::per_day(r, Action::LoginSucceeded, &days)?;
    let (mut sent, mut failed, mut pending) = (0, 0, 0);
    for (_, m) in r.scan::<OutboxMail>("")? {
        match m.state {
            MailState::Sent => sent += 1,
            MailState::Failed => failed += 1,
            MailState::Pending => pending += 1,
        }
    }
    let mut benefits: BTreeMap<String, (u64, YenSum)> = months
        .keys()
        .map(|m| (m.clone(), (0, YenSum::default())))
        .collect();
    for (_, BenefitRecord { decision: d, .. }) in r.scan::<BenefitRecord>("")? {
        if let Some((n, sum)) = benefits.get_mut(&d.decided_on.format("%Y-%m").to_string()) {
            *n += 1;
            *sum += d.amount;
        }
    }
    Ok(Stats {
        households,
        registered,
        registrations: months.into_iter().collect(),
        logins: days
            .iter()
            .zip(logins)
            .map(|(d, n)| (d.format("%m/%d").to_string(), n))
            .collect(),
        mails_sent: sent,
        mails_failed: failed,
        mails_pending: pending,
        benefits: benefits
            .into_iter()
            .map(|(m, (n, sum))| (m, n, sum))
            .collect(),
    })
}
