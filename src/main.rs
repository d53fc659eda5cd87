use clap::Parser as _;

/// mimalloc instead of glibc's malloc: a medical page allocates and frees a few thousand
/// small strings, and glibc's consolidation of its free lists was a quarter of the
/// server's CPU on the tax notice (`perf`, BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    kenpo::telemetry::init();
    let cli = kenpo::cli::Cli::parse();
    std::process::exit(kenpo::cli::main(cli));
}
