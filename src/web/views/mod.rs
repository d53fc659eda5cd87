//! maud views: the layout, shared components, and one module per screen.

pub mod benefit_notice;
pub mod benefits;
pub mod chart;
pub mod components;
pub mod error;
pub mod expenses;
pub mod layout;
pub mod login;
pub mod menu;
pub mod notices;
pub mod passkeys;
pub mod print;
pub mod profile;
pub mod recovery;
pub mod registration;
pub mod rich_text;
pub mod staff;
pub mod tax_notice;
pub mod tax_offsets;
