//! The size of redb's page cache (`--cache-mib`, `KENPO_CACHE_MIB`).

/// redb's page cache, which also bounds the dirty pages a write transaction keeps in
/// memory before spilling them to the file (redb's default is 1 GiB), unless `--cache-mib`
/// says otherwise. A million-row claim import stays within roughly this much memory,
/// without getting slower. `serve` uses [`SERVE_CACHE_MIB`].
pub const JOB_CACHE_MIB: u64 = 256;

/// redb's page cache of `import claims` unless `--cache-mib` says otherwise: the import
/// holds its rows back to write them in key order (`store::bulk`, up to about 144 MiB) and
/// its changes of the sums (`claims::totals`, up to 48 MiB), then walks each table once,
/// so it reads little: the cache gives way to them and the whole stays within 256 MiB
/// (16 MiB measured as fast as 64 at a million claims, BENCHMARKS.md P3).
pub const CLAIM_IMPORT_CACHE_MIB: u64 = 16;

/// redb's page cache of `serve` and `demo` unless `--cache-mib` says otherwise: what a
/// quiet server holds once a scan has filled it (README "Memory and CPU").
pub const SERVE_CACHE_MIB: u64 = 24;

/// Bytes of `mib` MiB (saturating).
pub fn cache_bytes(mib: u64) -> usize {
    usize::try_from(mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
}
