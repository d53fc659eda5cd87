//! TOTP secrets are sealed in the data file (see `store::seal`): a copy of the file does
//! not carry the staff's second factor along.

use crate::auth::model::StaffAccount;
use crate::store::seal::is_sealed;
use crate::store::{ReadTx, Writer};

/// A sealed secret opens only as the secret of this staff account (its record key).
fn context(key: &str) -> String {
    format!("staff-totp:{key}")
}

pub(crate) fn seal_secret(w: &Writer, key: &str, plain: &str) -> anyhow::Result<String> {
    w.seal(&context(key), plain)
}

pub(crate) fn open_secret(r: &impl ReadTx, key: &str, stored: &str) -> anyhow::Result<String> {
    r.unseal(&context(key), stored)
}

/// The secret of an enrolment waiting for its first code, opened for the enrolment page.
pub fn pending_secret(r: &impl ReadTx, login: &str) -> anyhow::Result<Option<String>> {
    let key = login.to_ascii_lowercase();
    let Some(account) = r.get::<StaffAccount>(&key)? else {
        return Ok(None);
    };
    account
        .totp_pending
        .map(|stored| open_secret(r, &key, &stored))
        .transpose()
}

/// Seals the secrets an older kenpo stored in plain text; returns how many accounts changed.
pub fn seal_plain_secrets(w: &mut Writer) -> anyhow::Result<u64> {
    let mut changed = 0;
    for (key, mut account) in w.scan::<StaffAccount>("")? {
        let mut dirty = false;
        if let Some(t) = account.totp.as_mut().filter(|t| !is_sealed(&t.secret)) {
            t.secret = seal_secret(w, &key, &t.secret)?;
            dirty = true;
        }
        if let Some(p) = account.totp_pending.as_mut().filter(|p| !is_sealed(p)) {
            *p = seal_secret(w, &key, p)?;
            dirty = true;
        }
        if dirty {
            w.put(&key, &account)?;
            changed += 1;
        }
    }
    Ok(changed)
}
