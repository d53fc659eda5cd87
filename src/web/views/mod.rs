//! maud views: the layout, shared components, and one module per screen.

pub mod components;
pub mod error;
pub mod layout;
pub mod login;
pub mod maintenance;
pub mod menu;
pub mod profile;
pub mod recovery;
pub mod registration;
pub mod staff;
