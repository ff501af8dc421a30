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

    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Display, not Debug: the chain of causes without a backtrace.
            tracing::error!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Everything after the process-wide set-up in `main`, which must come first
/// (RUST_LIB_BACKTRACE=0 before any error exists, so none captures a
/// backtrace).
fn run() -> anyhow::Result<()> {
    use anyhow::Context;

    if let Err(e) = terraform_provider_genesyscloud::handshake::pass_through()
        .context("cannot pass the plugin handshake through; RPCs may wait for delayed ACKs")
    {
        tracing::warn!("{e:#}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let provider = terraform_provider_genesyscloud::provider::GenesysProvider::default();
    // What the provider must do once Terraform is done with it (revoke the
    // Vault login token it obtained), whether serving ended well or not.
    let at_exit = provider.at_exit();
    let served = runtime.block_on(tf_provider::serve("genesyscloud", provider));
    runtime.block_on(at_exit);
    served.context("provider server stopped")
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
