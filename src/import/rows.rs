//! A streamed CSV file of one row per record (the claim and benefits files): the header
//! checked, then each data line read into a value by its [`RowFormat`], or into the
//! problems of that line, one at a time so that a file of a million rows never sits in
//! memory.

use std::collections::VecDeque;
use std::io::{Chain, Read};

use csv::StringRecord;

use super::encoding::open_reader;
use super::error::{ImportError, LineError, MAX_LINE_ERRORS};
use super::records::{Next, check_header, csv_reader, next_record};

/// What one kind of file's rows are: its header, and how a line becomes a value.
pub trait RowFormat {
    type Item;

    /// The header, in order.
    fn columns(&self) -> &'static [&'static str];

    /// A data line (starting on physical line `line`) as a value, or every problem of it.
    fn read(&self, record: &StringRecord, line: u64) -> Result<Self::Item, Vec<LineError>>;
}

/// Reads the rows of a file one by one.
pub struct RowReader<F: RowFormat> {
    reader: csv::Reader<Chain<Box<dyn Read>, &'static [u8]>>,
    record: StringRecord,
    pending: VecDeque<LineError>,
    finished: bool,
    format: F,
}

impl<F: RowFormat> RowReader<F> {
    /// Starts reading UTF-8 text (as returned by [`open_reader`]); checks the header.
    pub fn with_format(utf8: Box<dyn Read>, format: F) -> Result<Self, ImportError> {
        let mut reader = csv_reader(utf8);
        check_header(&mut reader, format.columns())?;
        Ok(Self {
            reader,
            record: StringRecord::new(),
            pending: VecDeque::new(),
            finished: false,
            format,
        })
    }

    /// Starts reading raw bytes in UTF-8 or Shift_JIS (detected); checks the header.
    pub fn open_with(raw: impl Read + 'static, format: F) -> Result<Self, ImportError> {
        Self::with_format(open_reader(raw)?, format)
    }

    /// The next value with the line it starts on, or one problem of a line. A line with
    /// several problems gives several errors in a row. `None` at the end of the file, and
    /// after an error that makes the rest unreadable.
    pub fn next_row(&mut self) -> Option<Result<(u64, F::Item), LineError>> {
        if let Some(error) = self.pending.pop_front() {
            return Some(Err(error));
        }
        if self.finished {
            return None;
        }
        let columns = self.format.columns().len();
        match next_record(&mut self.reader, &mut self.record, columns) {
            Next::End => {
                self.finished = true;
                None
            }
            Next::Record(line) => match self.format.read(&self.record, line) {
                Ok(item) => Some(Ok((line, item))),
                Err(errors) => {
                    self.pending.extend(errors);
                    self.pending.pop_front().map(Err)
                }
            },
            Next::Error { error, fatal } => {
                self.finished = fatal;
                Some(Err(error))
            }
        }
    }
}

impl<F: RowFormat> Iterator for RowReader<F> {
    type Item = Result<(u64, F::Item), LineError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

/// Reads a whole file into memory: for small files and tests. Collects up to
/// [`MAX_LINE_ERRORS`] problems.
pub fn read_all<F: RowFormat>(
    raw: impl Read + 'static,
    format: F,
) -> Result<Vec<F::Item>, ImportError> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for item in RowReader::open_with(raw, format)? {
        match item {
            Ok((_, item)) => items.push(item),
            Err(error) => errors.push(error),
        }
        if errors.len() >= MAX_LINE_ERRORS {
            break;
        }
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(ImportError::Lines(errors))
    }
}
