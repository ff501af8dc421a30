//! The language the schemas of the provider, its resources and its data
//! source are written in, as plain data: one table per block of attribute
//! entries (name, kind, who sets it, sensitive, replaces the resource,
//! default, description) and the blocks nested in it. No Terraform type
//! lives here; `tf/schema.rs` is the one converter from these tables to the
//! plugin's schema, and the same table drives a resource's plan rules (a
//! default filled in, a change that replaces the resource).
//!
//! Each table lives beside the plain fields and constants it describes, so
//! a rule is said once: a range, a default, a choice list or an environment
//! variable in a description is read from the constant the check uses, and
//! the sentences "Changing it replaces the resource." and "Default: `…`."
//! are written from the entry's own `replaces` and `default`, which the plan
//! applies. The tables: `config::schema` (the provider, with the `vault`
//! block from `config::vault::AUTH_METHODS`), `oauth_client/rules.rs` (the
//! OAuth client and the data source), `vault_secret/fields.rs` (the sink).

use std::fmt;

/// What an attribute's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// `set(string)`.
    StringSet,
    /// `map(string)`.
    StringMap,
    /// A set of objects whose fields, named here, are strings.
    ObjectSet(&'static [&'static str]),
}

/// Who sets an attribute's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// The configuration must.
    Required,
    /// The configuration may.
    Optional,
    /// The provider does.
    Computed,
    /// The configuration may; else the provider does.
    OptionalComputed,
}

/// The value a resource's plan holds when the configuration leaves the
/// attribute out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(i64),
    /// A string.
    Text(String),
}

impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Bool(b) => write!(f, "{b}"),
            DefaultValue::Number(n) => write!(f, "{n}"),
            DefaultValue::Text(t) => write!(f, "{t}"),
        }
    }
}

impl From<bool> for DefaultValue {
    fn from(b: bool) -> Self {
        DefaultValue::Bool(b)
    }
}

impl From<i64> for DefaultValue {
    fn from(n: i64) -> Self {
        DefaultValue::Number(n)
    }
}

impl From<&str> for DefaultValue {
    fn from(t: &str) -> Self {
        DefaultValue::Text(t.to_string())
    }
}

/// One attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: &'static str,
    /// What its value is.
    pub kind: Kind,
    /// Who sets it.
    pub presence: Presence,
    /// Whether Terraform hides its value.
    pub sensitive: bool,
    /// Whether changing it replaces the resource.
    pub replaces: bool,
    /// The change that does not replace it, when the rule has one (said
    /// in the same sentence as the rule).
    pub replace_exception: Option<&'static str>,
    /// The value planned when the configuration leaves it out.
    pub default: Option<DefaultValue>,
    text: String,
}

impl Entry {
    /// An attribute described by `text` (Markdown), without plan rules.
    pub fn new(
        name: &'static str,
        kind: Kind,
        presence: Presence,
        text: impl Into<String>,
    ) -> Self {
        Entry {
            name,
            kind,
            presence,
            sensitive: false,
            replaces: false,
            replace_exception: None,
            default: None,
            text: text.into(),
        }
    }

    /// Its value is hidden.
    pub fn sensitive(self) -> Self {
        Entry {
            sensitive: true,
            ..self
        }
    }

    /// Changing it replaces the resource.
    pub fn replaces(self) -> Self {
        Entry {
            replaces: true,
            ..self
        }
    }

    /// Changing it replaces the resource, except the change `exception`
    /// describes ("when …"), which the plan handles in place.
    pub fn replaces_except(self, exception: &'static str) -> Self {
        Entry {
            replaces: true,
            replace_exception: Some(exception),
            ..self
        }
    }

    /// The plan holds `value` when the configuration leaves it out.
    pub fn default(self, value: impl Into<DefaultValue>) -> Self {
        Entry {
            default: Some(value.into()),
            ..self
        }
    }

    /// The Markdown description: the text, then what its rules say.
    pub fn description(&self) -> String {
        let mut text = self.text.clone();
        match (self.replaces, self.replace_exception) {
            (true, Some(exception)) => {
                text.push_str(&format!(
                    " Changing it replaces the resource, except {exception}."
                ));
            }
            (true, None) => text.push_str(" Changing it replaces the resource."),
            (false, _) => {}
        }
        if let Some(value) = &self.default {
            text.push_str(&format!(" Default: `{value}`."));
        }
        text
    }
}

/// How often a nested block may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most once.
    Optional,
    /// Any number of times, unordered.
    Set,
}

/// A block: the provider's configuration, a resource, a data source or a
/// block nested in one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Markdown description.
    pub description: String,
    /// Its attributes.
    pub attributes: Vec<Entry>,
    /// The blocks nested in it.
    pub blocks: Vec<Nested>,
}

impl Block {
    /// A block without nested blocks.
    pub fn new(description: impl Into<String>, attributes: Vec<Entry>) -> Self {
        Block {
            description: description.into(),
            attributes,
            blocks: Vec::new(),
        }
    }

    /// The block with `block` nested in it as `name`.
    pub fn nest(mut self, name: &'static str, nesting: Nesting, block: Block) -> Self {
        self.blocks.push(Nested {
            name,
            nesting,
            block,
        });
        self
    }

    /// The attribute called `name`, if any.
    #[cfg(test)]
    pub(crate) fn entry(&self, name: &str) -> Option<&Entry> {
        self.attributes.iter().find(|e| e.name == name)
    }
}

/// A block nested in another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nested {
    /// The block's name.
    pub name: &'static str,
    /// How often it may appear.
    pub nesting: Nesting,
    /// The block.
    pub block: Block,
}

/// Asserts what every table must be: each block and attribute described,
/// each name used once in its block, defaults only on attributes the
/// configuration may leave to the provider, replacements only on ones it
/// sets. Each table's tests call it with the table's name.
#[cfg(test)]
pub(crate) fn assert_well_formed(name: &str, block: &Block) {
    walk(name, block, &mut |path, b| {
        assert!(!b.description.trim().is_empty(), "{path}");
        let mut names = std::collections::BTreeSet::new();
        for e in &b.attributes {
            assert!(!e.text.trim().is_empty(), "{path}.{}", e.name);
            assert!(e.description().ends_with(['.', ')']), "{path}.{}", e.name);
            assert!(names.insert(e.name), "{path}.{} twice", e.name);
            if e.default.is_some() {
                assert_eq!(e.presence, Presence::OptionalComputed, "{path}.{}", e.name);
            }
            if e.replaces {
                assert_ne!(e.presence, Presence::Computed, "{path}.{}", e.name);
            }
            // Replacement is the rule's to say, with its exception: a text
            // saying it too would contradict the generated sentence.
            assert!(
                !e.text.contains("Changing it replaces")
                    && !e.text.contains("replaces the resource"),
                "{path}.{}: say replacement with .replaces() or .replaces_except()",
                e.name
            );
        }
        for n in &b.blocks {
            assert!(names.insert(n.name), "{path}.{} twice", n.name);
        }
    });
}

/// Calls `f` with `block` and each block nested in it, under its path.
#[cfg(test)]
fn walk(path: &str, block: &Block, f: &mut dyn FnMut(&str, &Block)) {
    f(path, block);
    for n in &block.blocks {
        walk(&format!("{path}.{}", n.name), &n.block, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_write_the_description() {
        let e = Entry::new("place", Kind::Str, Presence::Required, "Where.").replaces();
        assert_eq!(e.description(), "Where. Changing it replaces the resource.");
        let e = Entry::new("who", Kind::Str, Presence::Required, "Who.")
            .replaces_except("when it is swapped");
        assert_eq!(
            e.description(),
            "Who. Changing it replaces the resource, except when it is swapped."
        );
        let e =
            Entry::new("flag", Kind::Bool, Presence::OptionalComputed, "Whether.").default(true);
        assert_eq!(e.description(), "Whether. Default: `true`.");
        let e = Entry::new("n", Kind::Number, Presence::OptionalComputed, "How many.").default(3);
        assert_eq!(e.description(), "How many. Default: `3`.");
        let e = Entry::new("note", Kind::Str, Presence::Optional, "Free text.").sensitive();
        assert_eq!(e.description(), "Free text.");
        assert!(e.sensitive && !e.replaces && e.default.is_none());
    }

    #[test]
    #[should_panic(expected = "thing.x twice")]
    fn a_name_used_twice_is_caught() {
        let x = || Entry::new("x", Kind::Str, Presence::Optional, "An x.");
        assert_well_formed("thing", &Block::new("A thing.", vec![x(), x()]));
    }

    #[test]
    #[should_panic(expected = "thing.d")]
    fn a_default_on_a_required_attribute_is_caught() {
        let d = Entry::new("d", Kind::Bool, Presence::Required, "A d.").default(true);
        assert_well_formed("thing", &Block::new("A thing.", vec![d]));
    }
}
