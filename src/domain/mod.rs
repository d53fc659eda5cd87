//! Pure rules of the domain: no I/O, no HTTP, no redb.
//! Each value type parses once; a value that has its type is valid.

pub mod benefit;
pub mod birth_date;
pub mod claim;
pub mod client_address;
pub mod csv_cell;
pub mod email;
pub mod expenses;
pub mod holidays;
pub mod household;
pub mod insurer_number;
pub mod japan_time;
pub mod maintenance;
pub mod member;
pub mod offsets;
pub mod password;
pub mod phone;
pub mod search_text;
pub mod user_id;
pub mod whole_number;
pub mod yen;
