//! Schema builders. A resource attribute's own plan rules (changing it
//! replaces the resource; its default when the configuration leaves it out)
//! are declared once, on the attribute: the same declaration writes the
//! sentence in its description and drives the plan.

use std::collections::HashMap;

use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Description};
use tf_provider::value::Value;
use tf_provider::AttributePath;

/// An attribute with a Markdown description.
pub fn attr(
    attr_type: AttributeType,
    constraint: AttributeConstraint,
    description: &str,
) -> Attribute {
    Attribute {
        attr_type,
        description: Description::markdown(description),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

/// A sensitive attribute.
pub fn sensitive(
    attr_type: AttributeType,
    constraint: AttributeConstraint,
    description: &str,
) -> Attribute {
    Attribute {
        sensitive: true,
        ..attr(attr_type, constraint, description)
    }
}

/// `set(string)`.
pub fn string_set() -> AttributeType {
    AttributeType::Set(Box::new(AttributeType::String))
}

/// Sets a default into the planned state when the configuration's value is
/// null: `(planned, config)`.
type DefaultRule<S> = Box<dyn Fn(&mut S, &mut S) + Send + Sync>;

/// One attribute of a resource whose state is `S`, with its plan rules.
pub struct Attr<S> {
    name: &'static str,
    attr_type: AttributeType,
    constraint: AttributeConstraint,
    description: String,
    replaces: Option<fn(&S) -> &Value<String>>,
    default: Option<DefaultRule<S>>,
}

impl<S: 'static> Attr<S> {
    /// An attribute without plan rules.
    pub fn new(
        name: &'static str,
        attr_type: AttributeType,
        constraint: AttributeConstraint,
        description: &str,
    ) -> Attr<S> {
        Attr {
            name,
            attr_type,
            constraint,
            description: description.to_string(),
            replaces: None,
            default: None,
        }
    }

    /// Changing the value (read by `field`) replaces the resource.
    pub fn replaces(mut self, field: fn(&S) -> &Value<String>) -> Attr<S> {
        self.description
            .push_str(" Changing it replaces the resource.");
        self.replaces = Some(field);
        self
    }

    /// When the configuration leaves the value (at `field`) out, the plan
    /// holds `value`.
    pub fn default<T>(mut self, field: fn(&mut S) -> &mut Value<T>, value: T) -> Attr<S>
    where
        T: Clone + std::fmt::Display + Send + Sync + 'static,
    {
        self.description.push_str(&format!(" Default: `{value}`."));
        self.default = Some(Box::new(move |planned, config| {
            if field(config).is_null() {
                *field(planned) = Value::Value(value.clone());
            }
        }));
        self
    }
}

/// All attributes of a resource whose state is `S`.
pub struct Attrs<S>(Vec<Attr<S>>);

impl<S: Clone> Attrs<S> {
    /// The declared attributes.
    pub fn new(attrs: Vec<Attr<S>>) -> Attrs<S> {
        Attrs(attrs)
    }

    /// The schema's attribute map.
    pub fn schema(&self) -> HashMap<String, Attribute> {
        self.0
            .iter()
            .map(|a| {
                (
                    a.name.to_string(),
                    attr(a.attr_type.clone(), a.constraint.clone(), &a.description),
                )
            })
            .collect()
    }

    /// Fills the defaults of the values the configuration leaves out (also
    /// when they are removed from it later).
    pub fn apply_defaults(&self, planned: &mut S, config: &S) {
        let mut config = config.clone();
        for rule in self.0.iter().filter_map(|a| a.default.as_ref()) {
            rule(planned, &mut config);
        }
    }

    /// The attributes whose change replaces the resource, among those that
    /// differ between `prior` and `planned`.
    pub fn replacements(&self, prior: &S, planned: &S) -> Vec<AttributePath> {
        self.0
            .iter()
            .filter(|a| {
                a.replaces
                    .is_some_and(|field| field(prior) != field(planned))
            })
            .map(|a| AttributePath::new(a.name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tf_provider::schema::AttributeConstraint::{Optional, OptionalComputed, Required};

    #[derive(Clone, Default)]
    struct State {
        place: Value<String>,
        flag: Value<bool>,
    }

    fn attrs() -> Attrs<State> {
        Attrs::new(vec![
            Attr::new("place", AttributeType::String, Required, "Where.")
                .replaces(|s: &State| &s.place),
            Attr::new("flag", AttributeType::Bool, OptionalComputed, "Whether.")
                .default(|s: &mut State| &mut s.flag, true),
            Attr::new("note", AttributeType::String, Optional, "Free text."),
        ])
    }

    #[test]
    fn rules_write_the_description() {
        let schema = attrs().schema();
        let text = |name: &str| format!("{:?}", schema[name].description);
        assert!(text("place").contains("Where. Changing it replaces the resource."));
        assert!(text("flag").contains("Whether. Default: `true`."));
        assert!(text("note").contains("Free text."));
        assert!(!text("note").contains("Default"));
    }

    #[test]
    fn rules_drive_the_plan() {
        let attrs = attrs();
        let prior = State {
            place: Value::Value("a".into()),
            flag: Value::Value(false),
        };
        let mut planned = State {
            place: Value::Value("b".into()),
            flag: Value::Null,
        };
        attrs.apply_defaults(&mut planned, &State::default());
        assert_eq!(planned.flag, Value::Value(true));
        let set = State {
            flag: Value::Value(false),
            ..State::default()
        };
        let mut kept = set.clone();
        attrs.apply_defaults(&mut kept, &set);
        assert_eq!(kept.flag, Value::Value(false));
        assert_eq!(
            attrs.replacements(&prior, &planned),
            vec![AttributePath::new("place")]
        );
        assert!(attrs.replacements(&prior, &prior).is_empty());
    }
}
