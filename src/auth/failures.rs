//! Counted login failures and the locks they lead to.

/// Counted failures since the last successful login after which an account stays locked
/// until a password recovery completes or staff unlock it (NIST SP 800-63B-4: at most 100).
pub const MAX_FAILURES: u32 = 100;
