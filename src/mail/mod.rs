//! Mail: the durable outbox, message templates and the SMTP sender (the only user of mail-send).

pub mod outbox;
pub mod sender;
pub mod smtp;
pub mod templates;
