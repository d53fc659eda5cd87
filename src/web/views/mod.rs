//! maud views: the layout, shared components, and one module per screen.

pub mod components;
pub mod error;
pub mod layout;
pub mod login;
pub mod maintenance;
pub mod menu;
pub mod notices;
pub mod registration;
pub mod rich_text;
pub mod staff;
