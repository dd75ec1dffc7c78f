use std::process::ExitCode;

fn main() -> ExitCode {
    statedist::cli::main()
}
