//! The union, accounts and sessions the form fuzz posts as, and reading forms off pages.
//!
//! Test code only (`#[cfg(test)] mod form_fuzz`): an `expect` here fails the test's own set-up.

use chrono::Utc;

use super::Form;
use super::Who;
use crate::auth::model::{Account, HouseholdState, SessionKind, StaffAccount, StaffRole};
use crate::jobs::quiet::Quiet;
use crate::jobs::{self, Job};
use crate::store::Store;

const MEMBERS: &[u8] = include_bytes!("../../../tests/data/members.utf8.csv");

/// A union with members, a staff 管理者 and a registered household.
pub(super) fn populate(store: &Store, now: chrono::DateTime<Utc>) {
    let init = Job::Init {
        union_name: "テスト健康保険組合".into(),
        insurer_number: "06131114".into(),
        service_name: None,
    };
    let staff = Job::StaffAdd {
        login: "admin".into(),
        password: "a-long-staff-passphrase".into(),
    };
    for (job, input) in [
        (init, vec![]),
        (Job::ImportMembers, MEMBERS.to_vec()),
        (staff, vec![]),
    ] {
        jobs::run(job, store, now, &mut Quiet(input)).expect("job");
    }
    store
        .write_blocking(|w| {
            let hash = w
                .get::<StaffAccount>("admin")?
                .map(|s| s.password_hash)
                .unwrap_or_default();
            let account: Account = serde_json::from_value(serde_json::json!({
                "user_id": "yamada01", "household": {"symbol": "1201", "number": "105"},
                "email": "yamada@example.jp", "notify": true, "password_hash": hash,
                "password_changed_at": now, "created_at": now, "terms_version": 1,
                "failed_logins": 0, "locked_until": null, "last_login_at": null,
            }))?;
            w.put("yamada01", &account)?;
            // The staff session is made directly, without a second factor: the console's
            // forms are the target here, not the enrolment gate.
            let mut settings = w
                .get::<crate::settings::UnionSettings>("union")?
                .unwrap_or_default();
            settings.staff_totp_required = false;
            w.put("union", &settings)?;
            let state = HouseholdState {
                account: Some("yamada01".into()),
                temporary_id: None,
            };
            w.put(&crate::store::key(&["1201", "105"]), &state)
        })
        .expect("account");
}

/// Fresh member and staff sessions; returns their cookie tokens.
pub(super) fn sessions(store: &Store, now: chrono::DateTime<Utc>) -> (String, String) {
    store
        .write_blocking(|w| {
            let member = SessionKind::Member {
                user_id: "yamada01".into(),
                household: crate::domain::member::HouseholdKey {
                    symbol: "1201".into(),
                    number: "105".into(),
                },
                must_change_password: false,
            };
            let staff = SessionKind::Staff {
                login: "admin".into(),
                role: StaffRole::Admin,
            };
            Ok::<_, anyhow::Error>((
                crate::auth::session::start(w, member, now)?,
                crate::auth::session::start(w, staff, now)?,
            ))
        })
        .expect("sessions")
}

pub(super) fn forms_of(html: &str, who: Who, page: &str) -> Vec<Form> {
    let doc = scraper::Html::parse_document(html);
    let form_sel = scraper::Selector::parse("form").expect("selector");
    let field_sel =
        scraper::Selector::parse("input[name], select[name], textarea[name]").expect("selector");
    doc.select(&form_sel)
        .filter(|f| {
            f.value()
                .attr("method")
                .is_some_and(|m| m.eq_ignore_ascii_case("post"))
        })
        .map(|f| Form {
            who,
            action: f.value().attr("action").unwrap_or(page).to_string(),
            fields: f
                .select(&field_sel)
                .filter_map(|e| e.value().attr("name"))
                .filter(|n| *n != "csrf")
                .map(str::to_string)
                .collect(),
        })
        .filter(|f| !f.action.contains("logout") && !f.action.starts_with("/staff/import"))
        .collect()
}

pub(super) fn csrf_of(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"input[name="csrf"]"#).ok()?;
    doc.select(&sel)
        .next()?
        .value()
        .attr("value")
        .map(str::to_string)
}
