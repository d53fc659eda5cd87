//! A member looking at medical data: every look is written durably to the audit log (who,
//! what, when, from where) before the household's visible data is handed to the screen.

use chrono::{DateTime, Utc};

use super::pages::{MonthSum, page_claims, pages, total, visible_sums, years_with_claims};
use super::query::{DataStatus, data_status, visible_claims, visible_people};
use crate::audit::{Action, AuditEntry, GroupCommit};
use crate::domain::claim::{Claim, YearMonth};
use crate::domain::expenses::Totals;
use crate::domain::member::{HouseholdKey, Person};
use crate::store::Store;

/// Who looks, at what, from where.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// `member:<user id>`.
    pub actor: String,
    pub household: HouseholdKey,
    pub client: Option<String>,
    pub now: DateTime<Utc>,
}

/// What one screen of medical data shows.
#[derive(Debug, Clone)]
pub struct HouseholdData {
    /// People the household may see, by 枝番.
    pub people: Vec<Person>,
    /// Their published claims of the requested months, newest first.
    pub claims: Vec<Claim>,
    pub status: Option<DataStatus>,
}

/// The household's people and how far published data reaches (no medical data, no audit).
pub async fn overview(
    store: &Store,
    household: HouseholdKey,
) -> anyhow::Result<(Vec<Person>, Option<DataStatus>)> {
    store
        .read(move |r| Ok((visible_people(r, &household)?, data_status(r)?)))
        .await
}

/// Records the view in the audit log and reads the claims of `from..=to`: the data is read
/// while the row commits (with the rows of other views, see [`GroupCommit`]) and handed
/// back only once the row is durable; if its commit fails, nothing is.
/// `what` names the screen and its filter, e.g. `expenses 2025年 person=all`.
pub async fn claims(
    store: &Store,
    audit: &GroupCommit,
    viewer: Viewer,
    what: String,
    from: YearMonth,
    to: YearMonth,
) -> anyhow::Result<HouseholdData> {
    let household = viewer.household.clone();
    let entry = AuditEntry::new(viewer.now, viewer.actor, Action::ClaimsViewed)
        .target(viewer.household.to_string())
        .client(viewer.client)
        .detail(what);
    let recorded = audit.submit(entry);
    let read = store.read(move |r| {
        let people = visible_people(r, &household)?;
        let claims = visible_claims(r, &household, &people, from, to)?;
        Ok(HouseholdData {
            people,
            claims,
            status: data_status(r)?,
        })
    });
    let (recorded, data) = tokio::join!(recorded.wait(), read);
    recorded?;
    data
}

/// Which part of the medical-expense screen to read: the months, whose claims (a 枝番, or
/// every visible person), and which page of rows (`None`: the sums only, for the chart).
#[derive(Debug, Clone)]
pub struct Selected {
    pub from: YearMonth,
    pub to: YearMonth,
    pub branch: Option<String>,
    /// Page number (from 1) and rows per page.
    pub page: Option<(usize, usize)>,
    /// The first and last year to look through for years that have claims of these people
    /// (`None`: don't look).
    pub years: Option<(i32, i32)>,
}

/// What the medical-expense screens show: sums from `claim_totals`, and one page of rows.
#[derive(Debug, Clone)]
pub struct ExpensePage {
    /// People the household may see, by 枝番.
    pub people: Vec<Person>,
    /// Sums per month and person of the selection, months ascending.
    pub sums: Vec<MonthSum>,
    /// Their total.
    pub totals: Totals,
    /// The page shown (within `1..=pages`) and how many there are.
    pub page: usize,
    pub pages: usize,
    /// The page's claims, newest month first.
    pub claims: Vec<Claim>,
    pub status: Option<DataStatus>,
    /// The years of [`Selected::years`] with claims of the people shown, newest first.
    pub years: Vec<i32>,
}

/// What a medical-expense screen asks for, once it knows the household's people and how
/// far published data reaches: the claims to read, the audit row's `what`, and anything
/// of its own to keep for rendering.
pub struct Ask<T> {
    pub selected: Selected,
    pub what: String,
    pub keep: T,
}

/// [`claims`] for the medical-expense screens, in one read transaction: `choose` sees the
/// people and the data's reach and says what to read (`None`: nothing, e.g. an unknown
/// person; then nothing is read or audited). The sums come from `claim_totals` and only the
/// claims of the page shown are read. The audit row then commits (with the rows of other
/// views, see [`GroupCommit`]) and the data is handed back only once the row is durable;
/// if its commit fails, nothing is.
///
/// `render` turns the data into what the screen sends; it runs while the row commits, and
/// its result is handed back only once the row is durable.
pub async fn expenses<T, F, R, O>(
    store: &Store,
    audit: &GroupCommit,
    viewer: Viewer,
    choose: F,
    render: R,
) -> anyhow::Result<Option<O>>
where
    F: FnOnce(&[Person], Option<DataStatus>) -> Option<Ask<T>> + Send + 'static,
    T: Send + 'static,
    R: FnOnce(ExpensePage, T) -> O,
{
    let household = viewer.household.clone();
    let read = store
        .read(move |r| {
            let people = visible_people(r, &household)?;
            let status = data_status(r)?;
            let Some(ask) = choose(&people, status) else {
                return Ok(None);
            };
            let selected = ask.selected;
            let shown: Vec<Person> = people
                .iter()
                .filter(|p| selected.branch.as_ref().is_none_or(|b| *b == p.branch))
                .cloned()
                .collect();
            let (from, to) = (selected.from, selected.to);
            let sums = visible_sums(r, &household, &shown, from, to)?;
            let totals = total(&sums);
            let (page, pages, claims) = match selected.page {
                Some((page, size)) => {
                    let pages = pages(totals.claims, size);
                    let page = page.clamp(1, pages);
                    let claims = page_claims(r, &household, &shown, &sums, size, page)?;
                    (page, pages, claims)
                }
                None => (1, 1, Vec::new()),
            };
            let years = match selected.years {
                Some((first, last)) => years_with_claims(r, &household, &shown, first, last)?,
                None => Vec::new(),
            };
            let data = ExpensePage {
                people,
                sums,
                totals,
                page,
                pages,
                claims,
                status,
                years,
            };
            Ok::<_, anyhow::Error>(Some((data, ask.what, ask.keep)))
        })
        .await?;
    let Some((data, what, keep)) = read else {
        return Ok(None);
    };
    let entry = AuditEntry::new(viewer.now, viewer.actor, Action::ClaimsViewed)
        .target(viewer.household.to_string())
        .client(viewer.client)
        .detail(what);
    let recorded = audit.submit(entry);
    let shown = render(data, keep);
    recorded.wait().await?;
    Ok(Some(shown))
}
