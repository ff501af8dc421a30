//! Environment lookups with one rule for every variable the provider reads:
//! unset, empty and all-blank mean the same (not set), and a value is used
//! without its surrounding whitespace; and the one warning given when the
//! provider block wins over another value in the environment.

use crate::attribute_error::AttributeError;

/// The warning for a setting the provider block gives while the environment
/// holds another: which one is used (`used`, a sentence without its full
/// stop), which is not (`unused`), the rule, and what to do when the
/// environment's is the one meant (`if_meant`). Never given a secret.
pub fn unused_from_environment(
    attribute: &'static str,
    summary: impl Into<String>,
    used: &str,
    unused: &str,
    if_meant: &str,
) -> AttributeError {
    AttributeError::new(
        attribute,
        summary,
        format!("{used}. The environment holds {unused}, which is not used: an attribute in the provider block wins over any environment variable. {if_meant}"),
    )
}

/// A view of the process environment (or a test's map of it).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    lookup: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

impl<'a> Env<'a> {
    /// Reads variables through `lookup` (e.g. `|n| std::env::var(n).ok()`).
    pub fn new(lookup: &'a (dyn Fn(&str) -> Option<String> + Sync)) -> Env<'a> {
        Env { lookup }
    }

    /// The process environment: the one place the provider reads it (a
    /// value that is not valid Unicode counts as unset).
    pub fn process() -> Env<'static> {
        fn lookup(name: &str) -> Option<String> {
            std::env::var(name).ok()
        }
        Env { lookup: &lookup }
    }

    /// The variable's trimmed value; `None` when unset or blank.
    pub fn var(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The first of `names` that is set (see [`Env::var`]).
    pub fn first(&self, names: &[&str]) -> Option<String> {
        self.first_named(names).map(|(_, value)| value)
    }

    /// The first of `names` that is set, with its name (for messages that
    /// say where a value came from).
    pub fn first_named<'n>(&self, names: &[&'n str]) -> Option<(&'n str, String)> {
        names.iter().find_map(|n| self.var(n).map(|v| (*n, v)))
    }
}

/// The variables an attribute falls back to, as its description says them:
/// ``Environment: `A`, then `B`.``
pub fn sentence(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("Environment: {}.", quoted.join(", then "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_unset_and_values_are_trimmed() {
        let lookup = |n: &str| match n {
            "EMPTY" => Some(String::new()),
            "BLANK" => Some("  \t".into()),
            "SET" => Some(" value\n".into()),
            _ => None,
        };
        let env = Env::new(&lookup);
        assert_eq!(env.var("EMPTY"), None);
        assert_eq!(env.var("BLANK"), None);
        assert_eq!(env.var("MISSING"), None);
        assert_eq!(env.var("SET").as_deref(), Some("value"));
        assert_eq!(
            env.first(&["EMPTY", "BLANK", "SET"]).as_deref(),
            Some("value")
        );
        assert_eq!(
            env.first_named(&["BLANK", "SET"]),
            Some(("SET", "value".to_string()))
        );
    }

    #[test]
    fn descriptions_name_the_variables_in_order() {
        assert_eq!(sentence(&["A"]), "Environment: `A`.");
        assert_eq!(sentence(&["A", "B"]), "Environment: `A`, then `B`.");
    }

    #[test]
    fn the_process_environment_follows_the_same_rule() {
        // PATH is set wherever the tests run; a name nobody sets is not.
        assert!(Env::process().var("PATH").is_some());
        assert_eq!(Env::process().var("GENESYSCLOUD_TEST_NEVER_SET_9F3C"), None);
    }
}
