//! `genesys-emulator`: the emulator as a process, for the demo.
//!
//! Prints one line, `listening on http://127.0.0.1:PORT`, to stdout, writes
//! the base URL to `--port-file` if given, logs `METHOD path -> status` of
//! every request to stderr, and runs until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use genesys_emulator::{DivisionEcho, Emulator, EmulatorConfig};

const USAGE: &str = "usage: genesys-emulator [--listen ADDR] [--admin-client-id ID] [--admin-client-secret SECRET] \
[--token-lifetime-secs N] [--delete-linger-secs N] [--consistency-window-ms N] \
[--division-echo home-filled-in|as-sent|omitted|null] [--omit-fields F,F…] \
[--credential-client-id-hidden] [--port-file PATH]

  --consistency-window-ms N  for N ms after a create, the client answers 404 and is not listed,
                             and after a create or a regenerate the new secret is refused (default 0)
  --division-echo MODE       how roles' divisions are answered: as sent with the home division
                             filled in (home-filled-in, the default), as sent (as-sent), never
                             (omitted), or as null (null)
  --omit-fields F,F…         leave these top-level fields out of every client answer
                             (description, state, …)
  --credential-client-id-hidden
                             the GET of one integration credential leaves clientId out of its
                             credentialFields (the secret is never shown)";

fn parse(args: Vec<String>) -> Result<(EmulatorConfig, SocketAddr, Option<String>), String> {
    let mut config = EmulatorConfig {
        log_requests: true,
        ..EmulatorConfig::default()
    };
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut port_file = None;
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--listen" => listen = value()?.parse().map_err(|e| format!("--listen: {e}"))?,
            "--admin-client-id" => config.admin_client_id = value()?,
            "--admin-client-secret" => config.admin_client_secret = value()?,
            "--token-lifetime-secs" => {
                config.token_lifetime = Duration::from_secs(
                    value()?
                        .parse()
                        .map_err(|e| format!("--token-lifetime-secs: {e}"))?,
                )
            }
            "--delete-linger-secs" => {
                config.delete_linger = Duration::from_secs(
                    value()?
                        .parse()
                        .map_err(|e| format!("--delete-linger-secs: {e}"))?,
                )
            }
            "--consistency-window-ms" => {
                config.consistency_window = Duration::from_millis(
                    value()?
                        .parse()
                        .map_err(|e| format!("--consistency-window-ms: {e}"))?,
                )
            }
            "--division-echo" => {
                config.division_echo = match value()?.as_str() {
                    "home-filled-in" => DivisionEcho::HomeFilledIn,
                    "as-sent" => DivisionEcho::AsSent,
                    "omitted" => DivisionEcho::Omitted,
                    "null" => DivisionEcho::Null,
                    other => {
                        return Err(format!("--division-echo: unknown mode {other:?}\n{USAGE}"))
                    }
                }
            }
            "--omit-fields" => {
                config.omitted_fields = value()?
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect()
            }
            "--credential-client-id-hidden" => config.credential_client_id_hidden = true,
            "--port-file" => port_file = Some(value()?),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok((config, listen, port_file))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (config, listen, port_file) = match parse(std::env::args().skip(1).collect()) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start_on(config, listen).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("genesys-emulator: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", emulator.base_url());
    if let Some(path) = port_file {
        if let Err(e) = std::fs::write(&path, emulator.base_url()) {
            eprintln!("genesys-emulator: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("genesys-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    drop(emulator);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn realism_flags_default_to_the_plain_behaviour_and_parse() {
        let (config, _, _) = parse(vec![]).expect("no flags");
        assert_eq!(config.consistency_window, Duration::ZERO);
        assert_eq!(config.division_echo, DivisionEcho::HomeFilledIn);
        let (config, _, _) = parse(args(&[
            "--consistency-window-ms",
            "750",
            "--division-echo",
            "null",
        ]))
        .expect("flags");
        assert_eq!(config.consistency_window, Duration::from_millis(750));
        assert_eq!(config.division_echo, DivisionEcho::Null);
        let (config, _, _) = parse(args(&["--division-echo", "omitted"])).expect("omitted");
        assert_eq!(config.division_echo, DivisionEcho::Omitted);
        let (config, _, _) = parse(args(&["--division-echo", "as-sent"])).expect("as sent");
        assert_eq!(config.division_echo, DivisionEcho::AsSent);
        assert!(parse(args(&["--division-echo", "home"])).is_err());
        assert!(parse(args(&["--consistency-window-ms", "soon"])).is_err());
        assert!(config.omitted_fields.is_empty());
        let (config, _, _) = parse(args(&["--omit-fields", "description, state,"])).expect("omit");
        assert_eq!(
            config.omitted_fields,
            vec!["description".to_string(), "state".into()]
        );
        assert!(!config.credential_client_id_hidden);
        let (config, _, _) = parse(args(&["--credential-client-id-hidden"])).expect("hidden");
        assert!(config.credential_client_id_hidden);
    }
}
