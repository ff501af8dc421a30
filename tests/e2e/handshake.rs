//! The binary started the way Terraform starts it: the handshake still
//! reaches stdout intact, and the gRPC listener got `TCP_NODELAY` first
//! (`src/handshake.rs`; the unit tests there show accepted connections
//! inherit it).

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the provider however the test ends.
struct Provider(Child);

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn handshake_passes_through_after_nodelay_is_set() {
    let mut provider = Provider(
        Command::new(env!("CARGO_BIN_EXE_terraform-provider-genesyscloud"))
            .env(
                "TF_PLUGIN_MAGIC_COOKIE",
                "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872f2",
            )
            .env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env("TF_LOG_PROVIDER", "debug")
            .env_remove("GENESYSCLOUD_LOG")
            .env_remove("PLUGIN_LOG_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the provider"),
    );
    let stdout = provider.0.stdout.take().expect("stdout");
    let mut stderr = provider.0.stderr.take().expect("stderr");

    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Like Terraform, keep reading stdout until the plugin exits: a
        // closed pipe would make the plugin's later output fail.
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the handshake line within a minute");
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields.len(), 6, "handshake: {line:?}");
    assert_eq!(&fields[..3], ["1", "6", "tcp"], "handshake: {line:?}");
    assert_eq!(fields[4], "grpc", "handshake: {line:?}");
    let address: SocketAddr = fields[3].parse().expect("handshake address");
    TcpStream::connect(address).expect("the provider listens at the handshake's address");

    drop(provider);
    let mut log = String::new();
    stderr.read_to_string(&mut log).expect("read stderr");
    assert!(
        log.contains("TCP_NODELAY set on the gRPC listener"),
        "stderr: {log}"
    );
    assert!(!log.contains("WARN"), "stderr: {log}");
}
