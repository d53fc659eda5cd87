//! Runs N argon2id hashes and one verification through `kenpo::auth::hash`, for measuring
//! page faults and CPU time from outside (`/usr/bin/time -v`, `perf stat -e page-faults`).
//! It prints no timing itself.
//!
//! `cargo run --release --example hash_faults -- 40 [seq|threads]`: `seq` hashes on one
//! thread, `threads` on a fresh thread per hash, as `kenpo credentials issue` does.

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let n = args
        .next()
        .as_deref()
        .unwrap_or("20")
        .parse::<usize>()?
        .max(1);
    let threads = args.next().as_deref() == Some("threads");
    let mut last = String::new();
    for i in 0..n {
        let secret = format!("temporary-password-{i}");
        last = if threads {
            std::thread::scope(|s| {
                s.spawn(|| kenpo::auth::hash::hash_blocking(&secret))
                    .join()
                    .map_err(|_| anyhow::anyhow!("hashing thread failed"))?
            })?
        } else {
            kenpo::auth::hash::hash_blocking(&secret)?
        };
    }
    let ok = kenpo::auth::hash::verify_blocking(&format!("temporary-password-{}", n - 1), &last);
    println!("{n} hashes, last verifies: {ok}");
    Ok(())
}
