//! Readers of the union's CSV files (SPEC §6): UTF-8 (with or without BOM) or Shift_JIS/CP932.
//!
//! The member file is read whole ([`read_members`]): it is small and its rules span rows.
//! The claim file is streamed ([`ClaimReader`]) so a million rows never sit in memory, and
//! so is the benefits file ([`BenefitReader`]).
//! Problems are reported per physical line and column, in Japanese for union staff.

pub mod benefits;
pub mod claims;
pub mod encoding;
pub mod error;
mod fields;
mod member_rules;
pub mod members;
mod records;
pub mod rows;

#[cfg(test)]
mod tests;

pub use benefits::{BenefitReader, read_benefits};
pub use claims::{ClaimReader, read_claims};
pub use encoding::{decode, open_reader};
pub use error::{ImportError, LineError, MAX_LINE_ERRORS};
pub use members::{read_members, read_members_bytes};
