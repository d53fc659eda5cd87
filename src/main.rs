use clap::Parser as _;

fn main() {
    kenpo::telemetry::init();
    let cli = kenpo::cli::Cli::parse();
    std::process::exit(kenpo::cli::main(cli));
}
