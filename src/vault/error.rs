//! Vault errors. None carries a token or a value written or read.

/// What went wrong talking to Vault.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// 403: the token's policy lacks a capability (or the token is invalid).
    #[error("{operation}: permission denied by Vault: the token's policy must grant \"{capability}\" on {api_path} (or the token is expired or invalid)")]
    PermissionDenied {
        /// What the provider was doing.
        operation: String,
        /// The capability needed.
        capability: &'static str,
        /// The API path, e.g. `secret/data/genesys/oauth/ci`.
        api_path: String,
    },
    /// 503: sealed, or a standby that cannot serve.
    /// The mount does not exist, or the token may do nothing under it.
    #[error("Vault shows this token no KV mount {mount:?} (sys/internal/ui/mounts/{mount} was refused): no mount has this name (a typo?), or permission denied: the token's policy must grant capabilities under {mount}/. `vault secrets list` shows the mounts.")]
    MountUnknown {
        /// The mount as configured.
        mount: String,
    },
    /// The name given as a mount is a path inside another mount.
    #[error("{mount:?} is not a Vault mount but a path inside the mount {found:?}: set mount = \"{found}\" and put the rest in path.")]
    NotAMount {
        /// The mount as configured.
        mount: String,
        /// The mount that holds it.
        found: String,
    },
    /// The mount exists but is not a KV secrets engine.
    #[error("Vault mount {mount:?} is a {kind:?} secrets engine, not KV: the sink writes to KV v1 or v2 mounts only.")]
    NotKv {
        /// The mount.
        mount: String,
        /// Its engine type.
        kind: String,
    },
    #[error("{operation}: Vault is sealed or in standby (HTTP 503){}", attempts_note(*.attempts))]
    Unavailable {
        /// What the provider was doing.
        operation: String,
        /// Attempts made.
        attempts: u32,
    },
    /// The token's policy lacks capabilities a write needs (found by asking
    /// Vault before anything was changed).
    #[error("{operation}: the Vault token's policy does not allow it: {}", missing_text(.missing))]
    MissingCapabilities {
        /// What the provider was about to do.
        operation: String,
        /// Each missing capability and its API path.
        missing: Vec<MissingCapability>,
    },
    /// The entry's version is not the one the write expected.
    #[error("{operation}: check-and-set failed: the entry changed (expected version {expected}); nothing was overwritten")]
    CasMismatch {
        /// What the provider was doing.
        operation: String,
        /// The version the write expected (0 = absent).
        expected: u64,
    },
    /// Any other error answer.
    #[error("{operation}: Vault answered HTTP {status}: {messages}{}", attempts_note(*.attempts))]
    Http {
        /// What the provider was doing.
        operation: String,
        /// HTTP status.
        status: u16,
        /// Vault's `errors`, joined.
        messages: String,
        /// Attempts made.
        attempts: u32,
    },
    /// No answer (connection refused, timeout).
    #[error("{operation}: could not reach Vault at {address}: {detail}{}", attempts_note(*.attempts))]
    Transport {
        /// What the provider was doing.
        operation: String,
        /// The address tried (without any `user:password@`).
        address: String,
        /// The transport error, without URL.
        detail: String,
        /// Attempts made.
        attempts: u32,
    },
    /// A write was sent but its answer was lost: it may or may not have
    /// been stored. Not retried (a repeat could not tell the two apart).
    #[error("{operation}: the write was sent but Vault's answer was lost ({detail}); it may or may not have been stored")]
    Ambiguous {
        /// What the provider was doing.
        operation: String,
        /// The transport error.
        detail: String,
    },
    /// A request body could not be encoded as JSON.
    #[error("{operation}: could not encode the request as JSON")]
    Encode {
        /// What the provider was doing.
        operation: String,
    },
    /// The answer was not the JSON expected.
    #[error("{operation}: unexpected answer from Vault: {detail}")]
    Decode {
        /// What the provider was doing.
        operation: String,
        /// What was wrong (never the body).
        detail: String,
    },
    /// The provider could not authenticate to Vault.
    #[error("Vault authentication with {method} failed: {problem}. {fix}")]
    Auth {
        /// The method and its mount, e.g. `auth_login_jwt (mount "jwt", role "ci")`.
        method: String,
        /// What Vault said or what went wrong.
        problem: String,
        /// What to check or change.
        fix: String,
    },
    /// The client could not be set up (bad CA file, …).
    #[error("cannot set up the Vault client: {0}")]
    Setup(String),
}

/// A capability a token lacks on an API path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCapability {
    /// The API path, e.g. `secret/data/genesys/oauth/ci`.
    pub api_path: String,
    /// The capability, e.g. `update`.
    pub capability: &'static str,
}

fn missing_text(missing: &[MissingCapability]) -> String {
    let lacks: Vec<String> = missing
        .iter()
        .map(|m| format!("\"{}\" on {}", m.capability, m.api_path))
        .collect();
    let lines: Vec<String> = missing
        .iter()
        .map(|m| {
            format!(
                "path \"{}\" {{ capabilities = [\"{}\"] }}",
                m.api_path, m.capability
            )
        })
        .collect();
    format!(
        "it lacks {}. Add to one of the token's policies (or a policy of its own): {}. Nothing was changed.",
        lacks.join(" and "),
        lines.join(" ")
    )
}

fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}
