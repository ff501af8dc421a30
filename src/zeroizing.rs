//! Buffers that carry a secret over HTTP are wiped when dropped.
//!
//! An answer that holds a secret (Genesys Cloud's create and regenerate) is
//! read into a [`Zeroizing`] buffer, and a request body that holds one (the
//! Vault write) is serialized straight into one, never through an
//! intermediate `serde_json::Value` or `String`. Neither buffer ever grows by
//! reallocation, which would free the old copy unwiped: the body is sized
//! before it is written, and the answer buffer, when it must grow, is copied
//! into a larger zeroizing buffer and the old one wiped.
//!
//! What stays out of reach: the socket buffers of the kernel, TLS and hyper,
//! and the decoded value's own copy (which lives in a `Secret`).

use std::io;

use bytes::Bytes;
use serde::Serialize;
use zeroize::{Zeroize, Zeroizing};

/// An answer larger than this is not buffered ahead of time (its
/// `Content-Length` is not trusted for the first allocation).
const MAX_PREALLOCATION: u64 = 1 << 20;

/// Reads a whole answer body into a buffer wiped on drop. The chunks hyper
/// hands over are wiped too when nothing else holds them.
pub async fn read_body(mut resp: reqwest::Response) -> Result<Zeroizing<Vec<u8>>, reqwest::Error> {
    let expected = resp.content_length().unwrap_or(0).min(MAX_PREALLOCATION);
    let mut buf = Zeroizing::new(Vec::with_capacity(usize::try_from(expected).unwrap_or(0)));
    while let Some(chunk) = resp.chunk().await? {
        append(&mut buf, &chunk);
        if let Ok(mut owned) = chunk.try_into_mut() {
            owned.as_mut().zeroize();
        }
    }
    Ok(buf)
}

/// Appends `bytes`, moving to a larger zeroizing buffer (and wiping the old
/// one) instead of letting the vector reallocate.
fn append(buf: &mut Zeroizing<Vec<u8>>, bytes: &[u8]) {
    if buf.capacity() - buf.len() < bytes.len() {
        let wanted = (buf.len() + bytes.len()).max(buf.capacity() * 2);
        let mut larger = Zeroizing::new(Vec::with_capacity(wanted));
        larger.extend_from_slice(buf);
        *buf = larger;
    }
    buf.extend_from_slice(bytes);
}

/// `value` as a JSON request body whose bytes are wiped once the last user
/// (reqwest, a retry, a redirect) lets go of them.
pub fn json_body(value: &impl Serialize) -> Result<Bytes, serde_json::Error> {
    Ok(Bytes::from_owner(encode(value)?))
}

/// `value` as JSON in a buffer of exactly its size, wiped on drop.
fn encode(value: &impl Serialize) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, value)?;
    let mut buf = Zeroizing::new(Vec::with_capacity(counter.0));
    serde_json::to_writer(&mut *buf, value)?;
    Ok(buf)
}

/// A writer that only counts.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0 += data.len();
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_servers::{Answer, Server};

    #[test]
    fn a_body_is_written_once_into_a_buffer_of_its_exact_size() {
        let value = serde_json::json!({"data": {"client_secret": "s3cr3t \"quoted\" é"}, "options": {"cas": 3}});
        let buf = encode(&value).expect("encodes");
        assert_eq!(buf.len(), buf.capacity(), "the buffer was reallocated");
        assert_eq!(buf.as_slice(), serde_json::to_vec(&value).expect("json"));
        let body = json_body(&value).expect("encodes");
        assert_eq!(body.as_ref(), buf.as_slice());
    }

    #[test]
    fn a_growing_answer_moves_to_a_larger_buffer_keeping_its_bytes() {
        let mut buf = Zeroizing::new(Vec::with_capacity(4));
        append(&mut buf, b"abc");
        append(&mut buf, b"defgh");
        append(&mut buf, b"i");
        assert_eq!(buf.as_slice(), b"abcdefghi");
        assert!(buf.capacity() >= 9);
    }

    #[tokio::test]
    async fn an_answer_is_read_whole() {
        let server = Server::plain(Answer::Json(200, r#"{"secret":"abc"}"#)).await;
        let resp = reqwest::get(format!("{}/x", server.url))
            .await
            .expect("answer");
        let body = read_body(resp).await.expect("body");
        assert_eq!(body.as_slice(), br#"{"secret":"abc"}"#);
    }
}
