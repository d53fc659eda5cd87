//! Every table of the data file, by name: its layout in one place. Each record type names
//! its table here (`impl Record` stands beside the type, in the module that owns it).

use super::Record;
use crate::domain::member::Person;

/// Schema version, key check and other one-off values.
pub const META: &str = "meta";
/// The union's settings and the server's secrets.
pub const SETTINGS: &str = "settings";
/// Members, `symbol␟number␟branch`.
pub const PEOPLE: &str = "people";
/// Each household's login state.
pub const HOUSEHOLDS: &str = "households";
/// Member accounts, by normalised user ID.
pub const ACCOUNTS: &str = "accounts";
/// Postcards' temporary IDs.
pub const TEMP_CREDENTIALS: &str = "temp_credentials";
/// Staff accounts, by lower-case login.
pub const STAFF: &str = "staff";
/// Sessions, by the SHA-256 of their token.
pub const SESSIONS: &str = "sessions";
/// Queued and sent mail.
pub const OUTBOX: &str = "outbox";
/// Mail still to send.
pub const OUTBOX_PENDING: &str = "outbox_pending";
/// The audit log, by sequence number.
pub const AUDIT: &str = "audit";
/// The audit log by target, `target␟id`.
pub const AUDIT_BY_TARGET: &str = "audit_by_target";
/// Audit rows per day (Japan time).
pub const AUDIT_DAYS: &str = "audit_days";
/// Audit rows per day and action.
pub const AUDIT_COUNTS: &str = "audit_counts";
/// Throttled attempts, one row per address, action and minute.
pub const AUDIT_THROTTLED: &str = "audit_throttled";
/// Sequence numbers.
pub const SEQUENCES: &str = "sequences";
/// Claims, `symbol␟number␟month␟receipt`.
pub const CLAIMS: &str = "claims";
/// Imported claim batches.
pub const BATCHES: &str = "batches";
/// One-off maintenance windows.
pub const MAINTENANCE_WINDOWS: &str = "maintenance_windows";
/// Mailed links (e-mail confirmation, recovery).
pub const ACCOUNT_LINKS: &str = "account_links";
/// Failed attempts per client address, `purpose␟address`.
pub const THROTTLE: &str = "throttle";
/// Claims by receipt number.
pub const CLAIM_INDEX: &str = "claim_index";
/// The households with claims of a month, `YYYYMM␟symbol␟number`: retention deletes a
/// month's claims through it without reading any other claim.
pub const CLAIM_MONTHS: &str = "claim_months";
/// The people each batch brought claims for.
pub const BATCH_PEOPLE: &str = "batch_people";
/// Sums of the claims per household, month, person and batch,
/// `symbol␟number␟YYYYMM␟branch␟batch` (kept with `claims`).
pub const CLAIM_TOTALS: &str = "claim_totals";
/// Staff logins waiting for their TOTP code.
pub const STAFF_CHALLENGES: &str = "staff_challenges";
/// Postcard issues, for the staff screen.
pub const CREDENTIAL_ISSUES: &str = "credential_issues";
/// The union's notices.
pub const NOTICES: &str = "notices";
/// Which household read which notice.
pub const NOTICE_READS: &str = "notice_reads";
/// Published terms of use.
pub const TERMS: &str = "terms";
/// Benefit decisions (支給決定), `symbol␟number␟YYYYMMDD(決定日)␟決定番号`.
pub const BENEFITS: &str = "benefits";
/// Benefit decisions by 決定番号 → the key in `benefits`.
pub const BENEFIT_INDEX: &str = "benefit_index";
/// The households with decisions ending in a month, `YYYYMM(対象終了)␟symbol␟number`, for
/// retention.
pub const BENEFIT_MONTHS: &str = "benefit_months";

/// Members' and staff's passkeys (WebAuthn credentials), `h␟symbol␟number␟credential` or
/// `s␟login␟credential`.
pub const PASSKEYS: &str = "passkeys";
/// Passkey look-ups: `c␟credential` and `u␟user handle` → the owner, `o␟owner` → the
/// owner's user handle.
pub const PASSKEY_LINKS: &str = "passkey_links";
/// WebAuthn ceremonies waiting for the browser's answer, by the SHA-256 of their token
/// (a few minutes each, used once).
pub const PASSKEY_CEREMONIES: &str = "passkey_ceremonies";

/// Every table, so that `open` can create them and `backup` can copy them.
pub const ALL: &[&str] = &[
    META,
    SETTINGS,
    PEOPLE,
    HOUSEHOLDS,
    ACCOUNTS,
    TEMP_CREDENTIALS,
    STAFF,
    SESSIONS,
    OUTBOX,
    OUTBOX_PENDING,
    AUDIT,
    AUDIT_BY_TARGET,
    AUDIT_DAYS,
    AUDIT_COUNTS,
    AUDIT_THROTTLED,
    SEQUENCES,
    CLAIMS,
    BATCHES,
    MAINTENANCE_WINDOWS,
    ACCOUNT_LINKS,
    THROTTLE,
    CLAIM_INDEX,
    BATCH_PEOPLE,
    STAFF_CHALLENGES,
    CREDENTIAL_ISSUES,
    NOTICES,
    NOTICE_READS,
    TERMS,
    CLAIM_MONTHS,
    CLAIM_TOTALS,
    BENEFITS,
    BENEFIT_INDEX,
    BENEFIT_MONTHS,
    PASSKEYS,
    PASSKEY_LINKS,
    PASSKEY_CEREMONIES,
];

/// The tables whose records are written in a compact binary form with a format version
/// byte (`store::bytes`), not in JSON.
pub const BINARY: &[&str] = &[CLAIMS, CLAIM_INDEX, CLAIM_MONTHS, CLAIM_TOTALS];

/// The domain's own type, stored as is (the domain knows nothing of the store).
impl Record for Person {
    const TABLE: &'static str = PEOPLE;
}
