//! Where a KV entry lives: a mount and a path inside it. The rules of a
//! well-formed mount or path, the text form (`<mount>/<path>`) and its
//! parsing (import ids) are here and nowhere else.

use std::fmt;

use crate::attribute_error::AttributeError;

/// A checked KV mount and path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KvPath {
    mount: String,
    path: String,
}

impl KvPath {
    /// Checks one mount or path: no empty, `.` or `..` segments, no leading
    /// or trailing `/`, no control characters. The error is on `attribute`.
    pub fn check(attribute: &'static str, value: &str) -> Result<(), AttributeError> {
        let problem = if value.is_empty() {
            "must not be empty"
        } else if value.starts_with('/') || value.ends_with('/') {
            "must not start or end with '/'"
        } else if value.split('/').any(|s| s.is_empty()) {
            "must not contain empty segments ('//')"
        } else if value.split('/').any(|s| s == "." || s == "..") {
            "must not contain '.' or '..' segments"
        } else if value.chars().any(|c| c.is_control()) {
            "must not contain control characters"
        } else {
            return Ok(());
        };
        Err(AttributeError::new(
            attribute,
            format!("Invalid {attribute} {value:?}"),
            format!("{attribute} {problem}, e.g. mount = \"secret\", path = \"genesys/oauth/ci\"."),
        ))
    }

    /// A mount and path, each checked; errors are on `attributes` (the
    /// mount's, then the path's).
    pub fn checked(
        mount: &str,
        path: &str,
        attributes: [&'static str; 2],
    ) -> Result<KvPath, Vec<AttributeError>> {
        let errors: Vec<_> = [(attributes[0], mount), (attributes[1], path)]
            .into_iter()
            .filter_map(|(attribute, value)| Self::check(attribute, value).err())
            .collect();
        if errors.is_empty() {
            Ok(KvPath {
                mount: mount.into(),
                path: path.into(),
            })
        } else {
            Err(errors)
        }
    }

    /// Parses `<mount>/<path>` (the mount is the first segment) or
    /// `<mount>:<path>` (for a mount whose name holds a `/`).
    pub fn parse(text: &str) -> Option<KvPath> {
        let (mount, path) = text.split_once(':').or_else(|| text.split_once('/'))?;
        Self::checked(mount, path, ["mount", "path"]).ok()
    }

    /// The mount.
    pub fn mount(&self) -> &str {
        &self.mount
    }

    /// The path inside the mount.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// `<mount>/<path>`, as shown to people and kept as a sink's id.
impl fmt::Display for KvPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.mount, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_mounts_and_paths_are_refused_on_their_attribute() {
        assert!(KvPath::check("path", "genesys/oauth/ci").is_ok());
        for bad in [
            "", "/a", "a/", "a//b", "a/../b", "./a", "a\nb", "a/./b", "a\u{7}b",
        ] {
            assert_eq!(
                KvPath::check("path", bad).map_err(|e| e.attribute),
                Err("path"),
                "{bad:?}"
            );
        }
        let errors = KvPath::checked("", "ok/path", ["m", "p"]).expect_err("empty mount");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].attribute, "m");
        let p = KvPath::checked("secret", "genesys/oauth/ci", ["m", "p"]).expect("valid");
        assert_eq!(p.to_string(), "secret/genesys/oauth/ci");
    }

    #[test]
    fn the_text_form_parses_back() {
        let p = KvPath::parse("secret/genesys/ci").expect("valid");
        assert_eq!((p.mount(), p.path()), ("secret", "genesys/ci"));
        let p = KvPath::parse("team/kv:genesys/ci").expect("valid");
        assert_eq!((p.mount(), p.path()), ("team/kv", "genesys/ci"));
        assert_eq!(KvPath::parse("secret"), None);
        assert_eq!(KvPath::parse("secret/"), None);
    }
}
