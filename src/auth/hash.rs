//! argon2id hashing of passwords, temporary passwords and tokens that people type.
//!
//! Hashing costs ~20 ms of CPU and 19 MiB of memory, so it never runs on the async runtime:
//! it runs on threads of its own, one per core, below the server's priority
//! (`auth/hash_threads.rs`).
//!
//! The login and recovery forms hash through a [`Hasher`], which counts its argon2 runs:
//! those forms must do the same work whatever the ID and its state, and tests prove it by
//! counting, never by timing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;

use super::{argon2id, hash_threads};

/// A hash of a well-formed secret nobody knows, verified when an account does not exist so
/// that the answer takes as long as for an account that does. Computed by [`warm_up`] when
/// the server starts: computed on first use, it would make the first unknown-ID login pay
/// a second hash, and so stand out.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

fn dummy_hash() -> &'static str {
    DUMMY_HASH
        .get_or_init(|| hash_blocking("kenpo-dummy-password-never-valid-0").unwrap_or_default())
}

/// Computes the dummy hash on a hashing thread (`server::start` awaits it before serving),
/// then lets its working memory go: the idle server holds none.
pub async fn warm_up() -> anyhow::Result<()> {
    hash_threads::run(|| {
        dummy_hash();
        argon2id::release_spare();
    })
    .await
    .context("dummy hash task failed")
}

/// Whether the dummy hash is computed already.
pub fn is_warm() -> bool {
    DUMMY_HASH.get().is_some()
}

/// Hashes on the calling thread (CLI jobs, blocking contexts): argon2id with OWASP's
/// minimum, m=19456 KiB, t=2, p=1, in reused working memory.
pub fn hash_blocking(secret: &str) -> anyhow::Result<String> {
    argon2id::hash(secret.as_bytes())
}

/// Verifies on the calling thread. A malformed stored hash counts as a mismatch.
pub fn verify_blocking(secret: &str, stored: &str) -> bool {
    argon2id::verify(secret.as_bytes(), stored)
}

/// Runs one argon2 computation on a hashing thread, one per core at most, and counts it in
/// `runs` once it has run.
async fn on_pool<T: Send + 'static>(
    runs: Option<Arc<AtomicU64>>,
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    hash_threads::run(move || {
        let out = work();
        if let Some(runs) = runs {
            runs.fetch_add(1, Ordering::Relaxed);
        }
        out
    })
    .await
    .context("hash task failed")
}

/// With `stored` absent, verifies against the dummy hash and answers false.
fn verify_or_dummy(secret: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => verify_blocking(secret, stored),
        None => {
            verify_blocking(secret, dummy_hash());
            false
        }
    }
}

/// Hashes on a hashing thread, one hash per core at most.
pub async fn hash(secret: String) -> anyhow::Result<String> {
    on_pool(None, move || hash_blocking(&secret)).await?
}

/// Verifies on a hashing thread. With `stored` absent, verifies against a dummy hash and
/// returns false, taking the same time as a real check.
pub async fn verify(secret: String, stored: Option<String>) -> bool {
    on_pool(None, move || verify_or_dummy(&secret, stored.as_deref()))
        .await
        .unwrap_or(false)
}

/// The argon2 work of the forms that must not tell whether an account exists (member and
/// staff login, both recovery forms): one per app, counting every hash and verification.
#[derive(Clone, Default)]
pub struct Hasher {
    runs: Arc<AtomicU64>,
}

impl Hasher {
    /// How many argon2 computations ran through this hasher.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// [`hash`], counted.
    pub async fn hash(&self, secret: String) -> anyhow::Result<String> {
        on_pool(Some(self.runs.clone()), move || hash_blocking(&secret)).await?
    }

    /// [`verify`], counted: exactly one argon2 run, against the dummy hash when `stored` is
    /// absent.
    pub async fn verify(&self, secret: String, stored: Option<String>) -> bool {
        let runs = Some(self.runs.clone());
        on_pool(runs, move || verify_or_dummy(&secret, stored.as_deref()))
            .await
            .unwrap_or(false)
    }
}
