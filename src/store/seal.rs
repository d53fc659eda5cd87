//! Sealing: the secrets the data file has to keep (queued mail bodies with temporary
//! passwords and single-use links, staff TOTP secrets, the CSRF key) are encrypted with
//! AES-256-GCM under a key kept in its own owner-only file beside the data file
//! (`kenpo.redb.key`). A copy of the data file alone — a backup, a disk image — opens none
//! of them.
//!
//! A sealed value is a string `sealed:v1:<base64url(nonce ‖ ciphertext)>`; the context (for
//! example `outbox:00000000000000000042`) is authenticated with it, so a sealed value moved
//! to another record does not open. Values without the prefix were written before sealing
//! existed and are read as they are.

use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead as _, Payload};
use aes_gcm::{Aes256Gcm, KeyInit as _, Nonce};
use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng as _;
use sha2::Sha256;

const PREFIX: &str = "sealed:v1:";
const NONCE_BYTES: usize = 12;

/// Whether a stored value is sealed (as opposed to written by an older kenpo).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// The key file of a data file: `<data file>.key`.
pub fn key_path(data: &Path) -> PathBuf {
    let mut name = data.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// The 256-bit sealing key. No `Debug`: it never prints.
pub struct SealKey {
    bytes: [u8; 32],
}

impl SealKey {
    fn generate() -> SealKey {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        SealKey { bytes }
    }

    /// A key of no file, for reading records without opening what they keep sealed
    /// (`kenpo verify` on a backup whose key file is kept apart).
    pub(crate) fn ephemeral() -> SealKey {
        SealKey::generate()
    }

    fn cipher(&self) -> anyhow::Result<Aes256Gcm> {
        Aes256Gcm::new_from_slice(&self.bytes).map_err(|_| anyhow::anyhow!("bad key length"))
    }

    /// Names the key without revealing it; the data file records it, so that a key file
    /// of another data file is refused instead of failing to open each secret later.
    pub fn check_value(&self) -> anyhow::Result<String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.bytes)
            .map_err(|_| anyhow::anyhow!("bad key length"))?;
        mac.update(b"kenpo sealing key check v1");
        Ok(hex::encode(&mac.finalize().into_bytes()[..16]))
    }

    pub fn seal(&self, context: &str, plain: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: context.as_bytes(),
        };
        let sealed = self
            .cipher()?
            .encrypt(Nonce::from_slice(&nonce), payload)
            .map_err(|_| anyhow::anyhow!("cannot seal a value of {context}"))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The plain text of a stored value: opened when sealed, as it is when not.
    pub fn open(&self, context: &str, stored: &str) -> anyhow::Result<String> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .with_context(|| format!("a sealed value of {context} is damaged"))?;
        if bytes.len() < NONCE_BYTES {
            anyhow::bail!("a sealed value of {context} is damaged");
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: sealed,
            aad: context.as_bytes(),
        };
        let plain = self
            .cipher()?
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| anyhow::anyhow!("a sealed value of {context} does not open"))?;
        String::from_utf8(plain).with_context(|| format!("a sealed value of {context} is damaged"))
    }
}

/// Reads the key file; `None` when there is none.
pub fn load(path: &Path) -> anyhow::Result<Option<SealKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(anyhow::anyhow!(
                "cannot read the key file {}: {e}",
                path.display()
            ));
        }
    };
    let bytes = hex::decode(text.trim()).ok();
    let bytes: [u8; 32] = bytes
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("the key file {} is not a kenpo key", path.display()))?;
    Ok(Some(SealKey { bytes }))
}

/// Creates a new key file (owner-only, 64 hex digits); refuses to replace one.
pub fn create(path: &Path) -> anyhow::Result<SealKey> {
    let key = SealKey::generate();
    let text = format!("{}\n", hex::encode(key.bytes));
    super::files::write_private(path, text.as_bytes())
        .with_context(|| format!("cannot create the key file {}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_context() {
        let key = SealKey::generate();
        let sealed = key
            .seal("outbox:1", "仮パスワード：Ab3xyz")
            .expect("sealed");
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("Ab3xyz"));
        assert_eq!(
            key.open("outbox:1", &sealed).expect("opens"),
            "仮パスワード：Ab3xyz"
        );
        assert!(key.open("outbox:2", &sealed).is_err(), "another record");
        assert!(SealKey::generate().open("outbox:1", &sealed).is_err());
        assert_ne!(
            key.seal("outbox:1", "x").ok(),
            key.seal("outbox:1", "x").ok()
        );
    }

    #[test]
    fn a_value_written_before_sealing_reads_as_it_is() {
        let key = SealKey::generate();
        assert_eq!(key.open("outbox:1", "本文").expect("plain"), "本文");
    }

    #[test]
    fn the_key_file_is_owner_only_and_reads_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = key_path(&dir.path().join("kenpo.redb"));
        assert!(load(&path).expect("no error").is_none());
        let key = create(&path).expect("created");
        assert_eq!(super::super::files::mode(&path).expect("mode"), 0o600);
        let again = load(&path).expect("read").expect("a key");
        assert_eq!(again.check_value().ok(), key.check_value().ok());
        assert!(create(&path).is_err(), "never replaced");
        std::fs::write(&path, "not a key").expect("write");
        assert!(load(&path).is_err());
    }
}
