//! The plugin handshake line passes through this module on its way to
//! Terraform, so that the gRPC listener gets `TCP_NODELAY` first.
//!
//! Why: tf-provider 0.2.2 binds its own listener and hands it to tonic as an
//! incoming stream, where tonic's `tcp_nodelay` setting does not apply; with
//! Nagle's algorithm on, each answer waits for Terraform's delayed ACK
//! (about 40 ms per RPC). tf-provider has no hook between binding and
//! serving, but it prints the handshake (`1|6|tcp|127.0.0.1:PORT|grpc|CERT`)
//! only after binding, and Terraform connects only after reading it; on
//! Linux, macOS and the BSDs an accepted socket inherits `TCP_NODELAY` from
//! its listener. So [`pass_through`] points stdout at a pipe, and a thread
//! reads the handshake from it, sets the option on the socket listening at
//! the address the line names, writes the line to the real stdout and then
//! gives fd 1 back to it. Whatever fails, the line still reaches Terraform
//! (only the delay stays). Windows keeps the delay: neither swapping its
//! standard output handle nor finding the listener among the process's
//! handles has a clean way.

/// Points stdout at a pipe read by a thread that sets `TCP_NODELAY` when the
/// handshake goes by (unix; see the module documentation). Call it once,
/// before `tf_provider::serve` and before anything is printed. On error
/// stdout is left as it was.
#[cfg(unix)]
pub fn pass_through() -> std::io::Result<()> {
    let terraform = rustix::io::dup(std::io::stdout())?;
    let (pipe_out, pipe_in) = rustix::pipe::pipe()?;
    // Spawned first: if the swap below fails, `pipe_in` closes and the
    // thread sees an empty pipe and ends without touching fd 1.
    std::thread::Builder::new()
        .name("handshake".into())
        .spawn(move || forward(pipe_out, terraform))?;
    rustix::stdio::dup2_stdout(&pipe_in)?;
    Ok(())
}

/// Windows: nothing to do, see the module documentation.
#[cfg(not(unix))]
pub fn pass_through() -> std::io::Result<()> {
    Ok(())
}

/// The thread: the handshake line, `TCP_NODELAY`, then the line and whatever
/// follows it to Terraform.
#[cfg(unix)]
fn forward(pipe_out: std::os::fd::OwnedFd, terraform: std::os::fd::OwnedFd) {
    use std::io::{BufRead, Write};

    let mut pipe = std::io::BufReader::new(std::fs::File::from(pipe_out));
    let mut line = Vec::new();
    if let Err(e) = pipe.read_until(b'\n', &mut line) {
        tracing::warn!(error = %e, "cannot read the plugin handshake");
    }
    if line.is_empty() {
        return;
    }
    const DELAYED: &str = "RPCs may wait for delayed ACKs";
    let address = listener_address(&line);
    match address.map(set_nodelay_on_listener) {
        Some(Ok(0)) => {
            tracing::warn!(
                ?address,
                "no TCP socket listens at the handshake's address; {DELAYED}"
            )
        }
        Some(Ok(sockets)) => tracing::debug!(
            sockets,
            "TCP_NODELAY set on the gRPC listener; Terraform's connection inherits it"
        ),
        Some(Err(e)) => {
            tracing::warn!(error = %e, "cannot set TCP_NODELAY on the gRPC listener; {DELAYED}")
        }
        None => tracing::warn!("no TCP address in the plugin handshake; {DELAYED}"),
    }
    let mut out = std::fs::File::from(terraform);
    if let Err(e) = out.write_all(&line) {
        tracing::warn!(error = %e, "cannot pass the plugin handshake to Terraform");
    }
    // Later output goes straight to Terraform; this also closes the pipe's
    // last write end, so the copy below drains it and ends. If fd 1 cannot
    // be given back, the copy goes on forwarding for the process's life.
    if let Err(e) = rustix::stdio::dup2_stdout(&out) {
        tracing::warn!(error = %e, "cannot give stdout back; forwarding it instead");
    }
    match std::io::copy(&mut pipe, &mut out) {
        Ok(_) => {}
        // Terraform closed its end: it is done with the plugin.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            tracing::debug!("Terraform closed the plugin's stdout")
        }
        Err(e) => tracing::warn!(error = %e, "cannot pass plugin output to Terraform"),
    }
}

/// The address in a handshake line `CORE|PROTOCOL|tcp|ADDRESS|grpc|CERT`.
#[cfg(unix)]
fn listener_address(line: &[u8]) -> Option<std::net::SocketAddr> {
    let mut fields = std::str::from_utf8(line).ok()?.trim_end().split('|');
    match (fields.nth(2), fields.next()) {
        (Some("tcp"), Some(address)) => address.parse().ok(),
        _ => None,
    }
}

/// Fds scanned for the listener: tf-provider binds it among the first files
/// the process opens, far below this (the classic `select` limit).
#[cfg(unix)]
const FD_SCAN_LIMIT: std::os::fd::RawFd = 1024;

/// Sets `TCP_NODELAY` on each TCP socket of this process bound to `address`
/// and reads it back; returns how many there were. Called before anyone
/// connects, so only the listener is bound to that address.
#[cfg(unix)]
fn set_nodelay_on_listener(address: std::net::SocketAddr) -> std::io::Result<usize> {
    use rustix::net::{sockopt, SocketType};

    let mut found = 0;
    for raw in 0..FD_SCAN_LIMIT {
        // SAFETY: this reaches, on purpose, into a socket tf-provider owns;
        // the borrow ends with this iteration. `borrow_raw` asks that `raw`
        // be open while borrowed: a number that is not open (or is reused
        // by another thread meanwhile) only makes the calls below fail or
        // read another file, and nothing is changed unless the fd is a TCP
        // socket bound to `address`.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(raw) };
        let bound_here = rustix::net::getsockname(fd)
            .ok()
            .and_then(|a| std::net::SocketAddr::try_from(a).ok())
            == Some(address);
        if !bound_here || sockopt::socket_type(fd).ok() != Some(SocketType::STREAM) {
            continue;
        }
        sockopt::set_tcp_nodelay(fd, true)?;
        if !sockopt::tcp_nodelay(fd)? {
            return Err(std::io::Error::other("TCP_NODELAY reads back off"));
        }
        found += 1;
    }
    Ok(found)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};

    #[test]
    fn reads_the_address_from_the_handshake() {
        assert_eq!(
            listener_address(b"1|6|tcp|127.0.0.1:10001|grpc|MIIB\n"),
            Some("127.0.0.1:10001".parse().expect("address"))
        );
        assert_eq!(listener_address(b"1|6|unix|/tmp/plugin|grpc|\n"), None);
        assert_eq!(listener_address(b"not a handshake\n"), None);
    }

    /// The accepted connection, not only the listener, ends up with
    /// `TCP_NODELAY`: the fd is found and the option is inherited here.
    #[test]
    fn connections_accepted_after_the_handshake_have_nodelay() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        assert_eq!(set_nodelay_on_listener(address).expect("set"), 1);

        let _client = TcpStream::connect(address).expect("connect");
        let (accepted, _) = listener.accept().expect("accept");
        assert!(accepted.nodelay().expect("read TCP_NODELAY"));
    }

    /// Also shows that the option is off by default, so the test above
    /// means something.
    #[test]
    fn only_the_named_listener_changes() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let other = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = other.local_addr().expect("address");
        assert_eq!(set_nodelay_on_listener(address).expect("set"), 1);

        let _client = TcpStream::connect(listener.local_addr().expect("address")).expect("connect");
        let (accepted, _) = listener.accept().expect("accept");
        assert!(!accepted.nodelay().expect("read TCP_NODELAY"));
    }
}
