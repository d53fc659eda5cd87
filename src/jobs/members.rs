//! Applying an imported member file: all rows or none, never deleting anyone.

use std::fmt;
use std::ops::ControlFlow;

use chrono::{DateTime, Utc};

use crate::audit::{Action, AuditEntry};
use crate::domain::member::Person;
use crate::store::{Store, StoreKey as _};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "取り込みました: 追加 {} 人 / 更新 {} 人 / 変更なし {} 人 / エラー 0 件",
            self.added, self.updated, self.unchanged
        )
    }
}

/// The words for an import stopped before its end: the file's rows were rolled back.
pub const MEMBERS_CANCELLED: &str = "kenpo serve が停止するか、コマンドが中断されたため、\
     取り込みを中止しました。このファイルの内容は1件も取り込まれていません。もう一度実行してください。";

/// Adds or updates every person in one transaction (re-import updates by 記号+番号+枝番).
/// A `progress` that answers `Break` rolls the whole file back ([`MEMBERS_CANCELLED`]).
pub fn import_members(
    store: &Store,
    people: Vec<Person>,
    now: DateTime<Utc>,
    actor: &str,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> anyhow::Result<ImportSummary> {
    let total = people.len() as u64;
    store.write_blocking(|w| {
        let mut summary = ImportSummary::default();
        for (i, person) in people.iter().enumerate() {
            let k = person.key().store_key();
            match w.get::<Person>(&k)? {
                Some(existing) => {
                    // The file knows nothing of the privacy flag staff set: keep it.
                    let mut person = person.clone();
                    person.hidden_from_household = existing.hidden_from_household;
                    if existing == person {
                        summary.unchanged += 1;
                    } else {
                        summary.updated += 1;
                        w.put(&k, &person)?;
                    }
                }
                None => {
                    summary.added += 1;
                    w.put(&k, person)?;
                }
            }
            if progress(i as u64 + 1, total).is_break() {
                anyhow::bail!(MEMBERS_CANCELLED);
            }
        }
        AuditEntry::new(now, actor, Action::MembersImported)
            .detail(format!(
                "added={} updated={} unchanged={}",
                summary.added, summary.updated, summary.unchanged
            ))
            .record(w)?;
        Ok(summary)
    })
}
