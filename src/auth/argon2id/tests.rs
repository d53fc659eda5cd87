//! The pooled argon2id against the argon2 crate's own `PasswordHasher` and
//! `PasswordVerifier` (which kenpo used before, and which wrote the hashes in existing data
//! files).

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

use super::*;

fn stock() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        params().expect("params"),
    )
}

fn spare(pool: &Pool) -> usize {
    pool.spare.lock().expect("pool").buffers.len()
}

fn allocated(pool: &Pool) -> u64 {
    pool.allocated.load(Ordering::Relaxed)
}

/// One buffer for all three: the second and third hash run in memory the first left dirty.
#[test]
fn phc_strings_are_byte_for_byte_those_of_the_crates_hasher() {
    let pool = Pool::new(1);
    for (secret, salt) in [
        (&b"Temporary-1234"[..], &b"0123456789abcdef"[..]),
        ("仮パスワード".as_bytes(), &[0xff; 16][..]),
        (&b""[..], &[0u8; 16][..]),
    ] {
        let ours = pool.hash_with_salt(secret, salt).expect("pooled hash");
        let theirs = stock()
            .hash_password_with_salt(secret, salt)
            .expect("stock hash")
            .to_string();
        assert_eq!(ours, theirs, "the PHC string differs from the crate's");
    }
    assert_eq!(allocated(&pool), 1);
}

#[test]
fn new_hashes_verify_with_the_crates_verifier() {
    let stored = hash(b"correct horse").expect("hash");
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert!(
        stock()
            .verify_password(b"correct horse", stored.as_str())
            .is_ok()
    );
    assert!(
        stock()
            .verify_password(b"correct horse!", stored.as_str())
            .is_err()
    );
}

#[test]
fn hashes_of_the_crates_hasher_verify_here() {
    let stored = stock()
        .hash_password(b"correct horse")
        .expect("stock hash")
        .to_string();
    assert!(verify(b"correct horse", &stored));
    assert!(!verify(b"correct horse!", &stored));
    assert!(!verify(b"", &stored));
}

/// Written by the C reference implementation (argon2-cffi), same parameters.
#[test]
fn a_hash_of_the_c_reference_verifies() {
    let stored = "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$\
                  mju2lMSiUuPna0I0GXMwyIfQAmMOoLOaX545mT3R/j4";
    assert!(verify(b"kenpo-existing-password", stored));
    assert!(!verify(b"kenpo-existing-passwore", stored));
}

/// A stored hash with other parameters (algorithm, version, memory, passes, output length)
/// verifies as the crate verifies it, in memory of its own that the pool does not keep.
#[test]
fn other_parameters_verify_in_memory_the_pool_does_not_keep() {
    let pool = Pool::new(2);
    let params = Params::new(1024, 1, 2, Some(24)).expect("params");
    let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x10, params);
    let stored = argon2i
        .hash_password(b"old secret")
        .expect("stock hash")
        .to_string();
    assert!(pool.check(b"old secret", &stored).expect("check"));
    assert!(!pool.check(b"old secret?", &stored).expect("check"));
    assert_eq!(allocated(&pool), 2);
    assert_eq!(spare(&pool), 0, "an odd-sized buffer stays out of the pool");
}

#[test]
fn malformed_stored_hashes_are_mismatches() {
    let good = hash(b"secret").expect("hash");
    let no_hash = good.rsplit_once('$').map(|(head, _)| head).unwrap_or("");
    let bad = [
        "",
        "garbage",
        "$argon2id$old",
        no_hash,
        &good.replace("$argon2id$", "$scrypt$"),
        &good.replace("v=19", "v=7"),
        &good.replace("t=2", "t=0"),
        &good.replace("m=19456", "m=7"),
        &format!("{good}AAAA"),
        &good[..good.len() - 1],
    ];
    for stored in bad {
        assert!(!verify(b"secret", stored), "{stored:?} verified");
    }
    assert!(verify(b"secret", &good));
}

#[test]
fn memory_is_reused_and_the_pool_keeps_one_buffer_per_core() {
    let pool = Pool::new(2);
    let stored = pool
        .hash_with_salt(b"secret", b"0123456789abcdef")
        .expect("hash");
    for _ in 0..2 {
        pool.hash_with_salt(b"other", b"fedcba9876543210")
            .expect("hash");
        assert!(pool.check(b"secret", &stored).expect("check"));
    }
    assert_eq!(
        allocated(&pool),
        1,
        "one thread after another share one buffer"
    );
    assert_eq!(spare(&pool), 1);

    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| pool.check(b"secret", &stored).expect("check"));
        }
    });
    assert!(allocated(&pool) <= 4);
    assert!(spare(&pool) <= 2, "the pool keeps at most its two buffers");
}

/// The reaper's looks, without its thread or its sleeps: memory goes once a whole look
/// passed without a computation.
#[test]
fn spare_memory_goes_after_a_look_without_computations() {
    let pool = Pool::new(2);
    assert!(!pool.claim_reaper(), "nothing to watch yet");
    let stored = pool
        .hash_with_salt(b"secret", b"0123456789abcdef")
        .expect("hash");
    assert!(pool.claim_reaper());
    assert!(!pool.claim_reaper(), "one reaper at a time");

    assert!(!pool.release_if_idle(), "used since the last look");
    assert!(pool.check(b"secret", &stored).expect("check"));
    assert!(!pool.release_if_idle(), "used again");
    assert_eq!(spare(&pool), 1);
    assert!(pool.release_if_idle(), "a quiet look ends the reaper");
    assert_eq!(spare(&pool), 0, "the memory went");

    assert!(pool.check(b"secret", &stored).expect("check"));
    assert_eq!(allocated(&pool), 2, "the next computation allocates afresh");
    assert!(pool.claim_reaper(), "and a new reaper watches");
}

/// Memory leaving the pool holds nothing of the computations that used it.
#[test]
fn working_memory_is_wiped_before_it_leaves_the_pool() {
    let pool = Pool::new(1);
    pool.hash_with_salt(b"secret", b"0123456789abcdef")
        .expect("hash");
    let mut blocks = pool.take().expect("a spare buffer");
    let dirty = |b: &[Block]| b.iter().any(|b| b.as_ref().iter().any(|w| *w != 0));
    assert!(dirty(&blocks), "the computation left its last pass");
    wipe_in_place(&mut blocks);
    assert!(
        !dirty(&blocks),
        "a wiped buffer holds no word of the computation"
    );
}
