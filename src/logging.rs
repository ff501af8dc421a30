//! Logging: `tracing` to stderr, which Terraform shows under `TF_LOG` /
//! `TF_LOG_PROVIDER`. Never stdout: it carries the plugin handshake.

use std::ffi::OsString;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Maps Terraform's log level names to a filter for this crate; other crates
/// (HTTP, gRPC) only show warnings unless `GENESYSCLOUD_LOG` (a full
/// `tracing` filter) says otherwise.
pub fn filter_from(
    tf_log_provider: Option<&str>,
    tf_log: Option<&str>,
    custom: Option<&str>,
) -> String {
    if let Some(custom) = custom.filter(|c| !c.trim().is_empty()) {
        return custom.to_string();
    }
    let level = match tf_log_provider
        .or(tf_log)
        .map(|s| s.trim().to_ascii_lowercase())
    {
        Some(l) if l == "trace" || l == "json" => "trace",
        Some(l) if l == "debug" => "debug",
        Some(l) if l == "info" => "info",
        Some(l) if l == "error" => "error",
        _ => "warn",
    };
    format!("warn,terraform_provider_genesyscloud={level}")
}

/// Installs the global subscriber. `log_file` (from `PLUGIN_LOG_FILE`)
/// redirects the output to a file.
pub fn init(log_file: Option<OsString>) {
    let env = |k: &str| std::env::var(k).ok();
    let filter = filter_from(
        env("TF_LOG_PROVIDER").as_deref(),
        env("TF_LOG").as_deref(),
        env("GENESYSCLOUD_LOG").as_deref(),
    );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_ansi(false)
        .with_target(true);
    let file = log_file.and_then(|path| std::fs::File::create(path).ok());
    let _ = match file {
        Some(file) => builder.with_writer(Mutex::new(file)).try_init(),
        None => builder.with_writer(std::io::stderr).try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_levels_map_to_filters() {
        assert_eq!(
            filter_from(None, None, None),
            "warn,terraform_provider_genesyscloud=warn"
        );
        assert_eq!(
            filter_from(None, Some("TRACE"), None),
            "warn,terraform_provider_genesyscloud=trace"
        );
        assert_eq!(
            filter_from(Some("debug"), Some("trace"), None),
            "warn,terraform_provider_genesyscloud=debug"
        );
        assert_eq!(
            filter_from(None, Some("trace"), Some("h2=trace")),
            "h2=trace"
        );
    }
}
