//! Logging, and a memory setting for glibc.

/// Logs to stderr, filtered by `RUST_LOG` (default `info`); in colour only on a terminal
/// and without `NO_COLOR`, so that a log file or journald gets plain text.
pub fn init() {
    use std::io::IsTerminal as _;
    limit_glibc_arenas();
    // NO_COLOR (no-color.org) still turns colour off on a terminal.
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .try_init();
}

/// glibc keeps the 19 MiB buffers of concurrent argon2 hashes for good; serving large
/// blocks with mmap gives them back (STACK-NOTES pitfall 3). musl needs nothing.
fn limit_glibc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator threshold; called once at start.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
