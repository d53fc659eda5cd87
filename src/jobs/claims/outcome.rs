//! What a claim import ends with: a summary, or why nothing of the file was imported.

use std::fmt;

use super::super::JobError;
use crate::claims::{Batch, PublishSummary};
use crate::import::ImportError;

#[derive(Debug, Clone)]
pub struct ClaimImportSummary {
    pub batch: Batch,
    pub published: Option<PublishSummary>,
}

impl fmt::Display for ClaimImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.batch;
        write!(
            f,
            "取り込みました（取り込み番号 {}）: {} 件 / 新規 {} 件 / 差し替え {} 件 / 変更なし {} 件 / エラー 0 件",
            b.number(),
            b.rows,
            b.added,
            b.replaced,
            b.unchanged
        )?;
        match &self.published {
            Some(p) => write!(
                f,
                "\n公開しました: 対象 {} 世帯 / お知らせメール {} 通",
                p.households, p.mails
            ),
            None => write!(
                f,
                "\nまだ公開していません（加入者には見えません）。公開は管理画面から、または --publish を付けて取り込みます。"
            ),
        }
    }
}

/// Why a claim file was not imported: the file (nothing of it imported, with the lines to
/// fix), a refusal, or an unexpected failure.
#[derive(Debug, thiserror::Error)]
pub enum ClaimImportError {
    #[error("{0}")]
    File(ImportError),
    #[error("{0}")]
    Refused(String),
    /// Stopped on request before it was committed: nothing of it is stored.
    #[error("{CANCELLED}")]
    Cancelled,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// What the person who started an import hears when the server stops in the middle of it.
pub const CANCELLED: &str = "kenpo serve が停止するため、取り込みを中止しました。\
     このファイルの内容は1件も取り込まれていません。サーバーの起動後に、もう一度実行してください。";

impl From<ClaimImportError> for JobError {
    fn from(e: ClaimImportError) -> Self {
        match e {
            ClaimImportError::File(e) => JobError::User(e.to_string()),
            ClaimImportError::Refused(e) => JobError::User(e),
            ClaimImportError::Cancelled => JobError::User(CANCELLED.to_string()),
            ClaimImportError::Unexpected(e) => JobError::Unexpected(e),
        }
    }
}
