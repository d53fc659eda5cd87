//! argon2id computed in reused working memory.
//!
//! Each computation needs 19 MiB of working memory. The argon2 crate's `PasswordHasher`
//! allocates it afresh for every hash, so each hash maps, faults in page by page (about
//! 4,900 minor faults) and unmaps 19 MiB: 100 hashes cost 0.84 s of system time beside
//! 1.57 s of user time. Here the memory of a finished computation goes back to a small pool
//! (one buffer per core, as at most one hash per core runs) and the next one reuses it.
//! Memory nobody used for [`IDLE`] goes back to the allocator, so that a quiet server does
//! not hold 19 MiB per core.
//!
//! The PHC strings are byte for byte those of the crate's `PasswordHasher`, and
//! verification follows its `PasswordVerifier`: the stored algorithm, version, parameters,
//! salt and output length, and a constant-time comparison (`phc::Output`'s `PartialEq`).
//!
//! Between two computations a pooled buffer keeps the last pass of the first: not the
//! password, and testing a guess against it costs at least one full pass over 19 MiB (half
//! of a guess against the stored hash); the next computation writes every block before it
//! reads it. It stays inside this module and is never wiped between hashes (a 19 MiB write
//! each). Working memory is wiped when it leaves the pool for the allocator (idle, a full
//! pool, a stored hash with other parameters), so none of it reaches another allocation:
//! one 19 MiB write per buffer per quiet spell, not per hash.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// OWASP's minimum for argon2id: m=19456 KiB, t=2, p=1.
fn params() -> anyhow::Result<Params> {
    Params::new(19_456, 2, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))
}

/// How long spare memory stays unused before the pool lets it go.
const IDLE: Duration = Duration::from_secs(2);

/// Spare working memory of the standard size (the blocks of [`params`]).
struct Pool {
    spare: Mutex<Spare>,
    /// How many spare buffers the pool keeps at most.
    keep: usize,
    /// Buffers allocated so far (tests count them).
    allocated: AtomicU64,
}

#[derive(Default)]
struct Spare {
    buffers: Vec<Vec<Block>>,
    /// Whether a computation gave a buffer back since the reaper last looked.
    used: bool,
    /// Whether a reaper thread watches the buffers.
    reaper: bool,
}

static POOL: LazyLock<Pool> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    Pool::new(cores)
});

impl Pool {
    fn new(keep: usize) -> Self {
        Pool {
            spare: Mutex::new(Spare::default()),
            keep,
            allocated: AtomicU64::new(0),
        }
    }

    /// Runs `argon2` into `out` in a buffer of the pool, or a fresh one when none is spare.
    /// Only buffers of the standard size go back to the pool: a stored hash with other
    /// parameters gets memory of its own, freed afterwards.
    fn compute(
        &self,
        argon2: &Argon2<'_>,
        secret: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> anyhow::Result<()> {
        let count = argon2.params().block_count();
        let standard = params().map(|p| p.block_count()).ok() == Some(count);
        let spare = if standard { self.take() } else { None };
        let mut blocks = match spare {
            Some(blocks) => blocks,
            None => self.allocate(count)?,
        };
        let result = argon2
            .hash_password_into_with_memory(secret, salt, out, &mut blocks[..])
            .map_err(|e| anyhow::anyhow!("argon2: {e}"));
        if standard {
            self.give_back(blocks);
        } else {
            wipe(blocks);
        }
        result
    }

    fn take(&self) -> Option<Vec<Block>> {
        self.spare
            .lock()
            .ok()
            .and_then(|mut spare| spare.buffers.pop())
    }

    fn give_back(&self, blocks: Vec<Block>) {
        let extra = match self.spare.lock() {
            Ok(mut spare) if spare.buffers.len() < self.keep => {
                spare.used = true;
                spare.buffers.push(blocks);
                None
            }
            Ok(mut spare) => {
                spare.used = true;
                Some(blocks)
            }
            Err(_) => Some(blocks),
        };
        if let Some(blocks) = extra {
            wipe(blocks);
        }
    }

    /// Whether the caller is to start a reaper: the pool holds buffers and none watches.
    fn claim_reaper(&self) -> bool {
        let Ok(mut spare) = self.spare.lock() else {
            return false;
        };
        let claim = !spare.buffers.is_empty() && !spare.reaper;
        spare.reaper |= claim;
        claim
    }

    /// The reaper's look: drops the buffers when none went back since the last look.
    /// Returns true when the reaper is done (the pool holds nothing).
    fn release_if_idle(&self) -> bool {
        let Ok(mut spare) = self.spare.lock() else {
            return true;
        };
        if std::mem::take(&mut spare.used) {
            return false;
        }
        let gone = std::mem::take(&mut spare.buffers);
        spare.reaper = false;
        drop(spare);
        gone.into_iter().for_each(wipe);
        true
    }

    /// A fresh buffer; an error rather than an abort when the memory is not there (a
    /// stored hash may name a large `m`).
    fn allocate(&self, count: usize) -> anyhow::Result<Vec<Block>> {
        let mut blocks = Vec::new();
        blocks
            .try_reserve_exact(count)
            .map_err(|e| anyhow::anyhow!("argon2 memory: {e}"))?;
        blocks.resize(count, Block::new());
        self.allocated.fetch_add(1, Ordering::Relaxed);
        Ok(blocks)
    }

    fn hash_with_salt(&self, secret: &[u8], salt: &[u8]) -> anyhow::Result<String> {
        let params = params()?;
        let salt = Salt::new(salt).map_err(|e| anyhow::anyhow!("argon2 salt: {e}"))?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        self.compute(&argon2, secret, &salt, &mut out)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&params)
                .map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?,
            salt: Some(salt),
            hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?),
        };
        Ok(phc.to_string())
    }

    /// Whether `secret` matches the PHC string `stored`; an error for a malformed one.
    fn check(&self, secret: &[u8], stored: &str) -> anyhow::Result<bool> {
        let phc = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("PHC string: {e}"))?;
        let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
            return Ok(false);
        };
        let algorithm = Algorithm::try_from(phc.algorithm.as_str())
            .map_err(|e| anyhow::anyhow!("argon2 algorithm: {e}"))?;
        let version = match phc.version {
            Some(v) => Version::try_from(v).map_err(|e| anyhow::anyhow!("argon2 version: {e}"))?,
            None => Version::default(),
        };
        let params = Params::try_from(&phc).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
        let mut buffer = [0u8; Output::MAX_LENGTH];
        let out = buffer
            .get_mut(..expected.len())
            .ok_or_else(|| anyhow::anyhow!("argon2 output length"))?;
        self.compute(&Argon2::new(algorithm, version, params), secret, salt, out)?;
        let computed = Output::new(out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?;
        Ok(computed == *expected)
    }
}

/// Starts a thread that lets the pool's memory go once unused for [`IDLE`], unless one runs.
fn watch_spare_memory() {
    if !POOL.claim_reaper() {
        return;
    }
    let reaper = std::thread::Builder::new()
        .name("argon2-memory".into())
        .spawn(|| {
            loop {
                std::thread::sleep(IDLE);
                if POOL.release_if_idle() {
                    break;
                }
            }
        });
    if reaper.is_err() {
        // Nobody would watch: keep nothing.
        while !POOL.release_if_idle() {}
    }
}

/// Lets the pool's spare memory go at once: after the dummy hash at start, when no login
/// waits for it, so that a server that just started holds no working memory.
pub(super) fn release_spare() {
    let gone = match POOL.spare.lock() {
        Ok(mut spare) => std::mem::take(&mut spare.buffers),
        Err(_) => return,
    };
    gone.into_iter().for_each(wipe);
}

/// Zeroes working memory before it goes back to the allocator.
fn wipe(mut blocks: Vec<Block>) {
    wipe_in_place(&mut blocks);
}

fn wipe_in_place(blocks: &mut [Block]) {
    blocks.fill(Block::new());
    // The writes must happen although the memory is freed right after.
    std::hint::black_box(&*blocks);
}

/// Hashes `secret` with a fresh random salt into a PHC string.
pub(super) fn hash(secret: &[u8]) -> anyhow::Result<String> {
    let salt = argon2::password_hash::try_generate_salt()
        .map_err(|e| anyhow::anyhow!("salt from the system's random source: {e}"))?;
    let hash = POOL.hash_with_salt(secret, &salt);
    watch_spare_memory();
    hash
}

/// Whether `secret` matches the PHC string `stored`. A malformed one is a mismatch.
pub(super) fn verify(secret: &[u8], stored: &str) -> bool {
    let matches = matches!(POOL.check(secret, stored), Ok(true));
    watch_spare_memory();
    matches
}

#[cfg(test)]
mod tests;
