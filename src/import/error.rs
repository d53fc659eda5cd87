//! Errors of the importers, worded for the union clerk who prepared the file.

use std::fmt;

/// Errors are collected up to this many; then reading stops.
pub const MAX_LINE_ERRORS: usize = 100;

/// A problem with one line (and usually one column) of an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based physical line of the file; the header is line 1. A record holding a
    /// quoted line break is reported on the line where it starts.
    pub line: u64,
    /// The Japanese column name as in the header, e.g. `生年月日`.
    pub column: Option<String>,
    /// What is wrong and how to fix it, in Japanese.
    pub message: String,
}

impl LineError {
    pub fn new(line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "{}行目 「{}」: {}", self.line, column, self.message),
            None => write!(f, "{}行目: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for LineError {}

/// Why a file was not imported. Nothing of a refused file is imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// The bytes are neither UTF-8 nor Shift_JIS (CP932).
    Encoding(String),
    /// The first line is not the column list of the SPEC; both are comma-joined.
    Header { expected: String, found: String },
    /// Problems in data lines, in file order; at most [`MAX_LINE_ERRORS`].
    Lines(Vec<LineError>),
    /// The file could not be read.
    Io(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Encoding(message) => write!(f, "文字コードの誤り: {message}"),
            ImportError::Header { expected, found } if found.is_empty() => write!(
                f,
                "1行目に見出しがありません（ファイルが空です）。1行目は次の見出しにしてください: {expected}"
            ),
            ImportError::Header { expected, found } => write!(
                f,
                "1行目の見出しが決められた列と違います。列の名前と順番を次のとおりにしてください。\n\
                 正しい見出し: {expected}\nファイルの見出し: {found}"
            ),
            ImportError::Lines(errors) => {
                write!(f, "ファイルに誤りが {} 件あります", errors.len())?;
                if errors.len() >= MAX_LINE_ERRORS {
                    write!(f, "（{MAX_LINE_ERRORS} 件で確認を打ち切りました）")?;
                }
                write!(f, "。どの行も取り込んでいません。")?;
                for error in errors {
                    write!(f, "\n{error}")?;
                }
                Ok(())
            }
            ImportError::Io(message) => write!(f, "ファイルを読み込めませんでした: {message}"),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<std::io::Error> for ImportError {
    fn from(error: std::io::Error) -> Self {
        ImportError::Io(error.to_string())
    }
}
