//! Cells of the CSV files people open in a spreadsheet (the audit export, the tax-notice
//! form): a cell that a spreadsheet would read as a formula is written as text instead.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"):
/// `= + - @`, and tab and carriage return, which some spreadsheets skip before them.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as text: prefixed with a single quote when it would start a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formula_starts_are_quoted_and_everything_else_is_left_alone() {
        for cell in ["=1+2", "+81", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "山田　太郎", "1201-105", "3000", "staff:admin", "a=b"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
