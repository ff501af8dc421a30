//! The plugin binary: started by Terraform, speaks protocol 6 over gRPC.

use std::process::ExitCode;

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!(
            "terraform-provider-genesyscloud {}",
            terraform_provider_genesyscloud::VERSION
        );
        return ExitCode::SUCCESS;
    }
    std::panic::set_hook(Box::new(report_panic));
    // tf-provider attaches a captured backtrace to every diagnostic when
    // RUST_BACKTRACE is set in the user's shell; diagnostics are for people.
    // This runs before any thread exists, so changing the environment is sound.
    std::env::remove_var("RUST_BACKTRACE");
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    // tf-provider installs its own global subscriber when PLUGIN_LOG_FILE is
    // set, which would clash with ours: honour the variable here instead.
    let log_file = std::env::var_os("PLUGIN_LOG_FILE");
    std::env::remove_var("PLUGIN_LOG_FILE");
    terraform_provider_genesyscloud::logging::init(log_file);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let provider = terraform_provider_genesyscloud::tf::GenesysProvider::default();
    let at_exit = provider.at_exit();
    let served = runtime.block_on(tf_provider::serve("genesyscloud", provider));
    runtime.block_on(at_exit);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "provider server stopped");
            ExitCode::FAILURE
        }
    }
}

/// Release builds abort on panic (see Cargo.toml): say what happened in one
/// line on stderr, which Terraform prints under "Stack trace from the
/// plugin". No backtrace, and nothing but the panic's own message, which
/// never holds a secret (secrets format as `***`).
fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    let place = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    eprintln!(
        "terraform-provider-genesyscloud {}: internal error{place}: {message}. This is a bug; please report it with the Terraform command that led to it.",
        terraform_provider_genesyscloud::VERSION
    );
}
