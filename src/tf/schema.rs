//! The one converter from the schema tables of `crate::schema` to the
//! plugin's `Schema`, and the plan rules a resource's table declares (a
//! default filled in, a change that replaces the resource) applied to its
//! state through a small map from attribute names to state fields.

use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, NestedBlock, Schema,
};
use tf_provider::value::Value;
use tf_provider::AttributePath;

use crate::schema::{self as table, DefaultValue, Kind, Nesting, Presence};

/// The plugin's schema of `block`.
pub fn schema(block: &table::Block) -> Schema {
    Schema {
        version: 0,
        block: convert(block),
    }
}

fn convert(block: &table::Block) -> Block {
    Block {
        version: 0,
        description: Description::markdown(&block.description),
        attributes: block
            .attributes
            .iter()
            .map(|e| (e.name.to_string(), attribute(e)))
            .collect(),
        blocks: block
            .blocks
            .iter()
            .map(|n| {
                let inner = convert(&n.block);
                let nested = match n.nesting {
                    Nesting::Optional => NestedBlock::Optional(inner),
                    Nesting::Set => NestedBlock::Set(inner),
                };
                (n.name.to_string(), nested)
            })
            .collect(),
        deprecated: false,
    }
}

fn attribute(e: &table::Entry) -> Attribute {
    Attribute {
        attr_type: attr_type(e.kind),
        description: Description::markdown(e.description()),
        constraint: match e.presence {
            Presence::Required => AttributeConstraint::Required,
            Presence::Optional => AttributeConstraint::Optional,
            Presence::Computed => AttributeConstraint::Computed,
            Presence::OptionalComputed => AttributeConstraint::OptionalComputed,
        },
        sensitive: e.sensitive,
        deprecated: false,
        // No argument of ours is write-only: none takes a secret from the user
        // (secrets come from Genesys and go to Vault, or reach the provider block).
        write_only: false,
    }
}

fn attr_type(kind: Kind) -> AttributeType {
    let string = || Box::new(AttributeType::String);
    match kind {
        Kind::Str => AttributeType::String,
        Kind::Number => AttributeType::Number,
        Kind::Bool => AttributeType::Bool,
        Kind::StringSet => AttributeType::Set(string()),
        Kind::StringMap => AttributeType::Map(string()),
        Kind::ObjectSet(fields) => AttributeType::Set(Box::new(AttributeType::Object(
            fields
                .iter()
                .map(|f| (f.to_string(), AttributeType::String))
                .collect(),
        ))),
    }
}

/// Where a state `S` keeps one attribute's value.
pub enum Field<S> {
    /// A string.
    Text(fn(&mut S) -> &mut Value<String>),
    /// A number.
    Number(fn(&mut S) -> &mut Value<i64>),
    /// A boolean.
    Bool(fn(&mut S) -> &mut Value<bool>),
}

impl<S> Field<S> {
    /// Sets `value` into `planned` when `config` leaves the field null; a
    /// value of another kind than the field's sets nothing.
    fn fill(&self, planned: &mut S, config: &mut S, value: &DefaultValue) {
        fn set<S, T: Clone>(f: fn(&mut S) -> &mut Value<T>, p: &mut S, c: &mut S, v: &T) {
            if f(c).is_null() {
                *f(p) = Value::Value(v.clone());
            }
        }
        match (self, value) {
            (Field::Text(f), DefaultValue::Text(v)) => set(*f, planned, config, v),
            (Field::Number(f), DefaultValue::Number(v)) => set(*f, planned, config, v),
            (Field::Bool(f), DefaultValue::Bool(v)) => set(*f, planned, config, v),
            _ => {}
        }
    }

    /// Whether the field's value differs between `a` and `b`.
    fn differs(&self, a: &mut S, b: &mut S) -> bool {
        match self {
            Field::Text(f) => f(a) != f(b),
            Field::Number(f) => f(a) != f(b),
            Field::Bool(f) => f(a) != f(b),
        }
    }
}

/// A resource's schema table with its plan rules, over its state `S`.
pub struct Attrs<S> {
    block: table::Block,
    field: fn(&str) -> Option<Field<S>>,
}

impl<S: Clone> Attrs<S> {
    /// The rules of `block`, applied to the fields `field` names.
    pub fn new(block: table::Block, field: fn(&str) -> Option<Field<S>>) -> Attrs<S> {
        Attrs { block, field }
    }

    /// The plugin's schema.
    pub fn schema(&self) -> Schema {
        schema(&self.block)
    }

    /// Fills the defaults of the values the configuration leaves out (also
    /// when they are removed from it later).
    pub fn apply_defaults(&self, planned: &mut S, config: &S) {
        let mut config = config.clone();
        for e in &self.block.attributes {
            if let (Some(value), Some(field)) = (&e.default, (self.field)(e.name)) {
                field.fill(planned, &mut config, value);
            }
        }
    }

    /// The attributes whose change replaces the resource, among those that
    /// differ between `prior` and `planned`.
    pub fn replacements(&self, prior: &S, planned: &S) -> Vec<AttributePath> {
        let (mut prior, mut planned) = (prior.clone(), planned.clone());
        self.block
            .attributes
            .iter()
            .filter(|e| e.replaces)
            .filter(|e| (self.field)(e.name).is_some_and(|f| f.differs(&mut prior, &mut planned)))
            .map(|e| AttributePath::new(e.name))
            .collect()
    }
}

/// Whether `value` is of `field`'s kind.
#[cfg(test)]
fn holds<S>(field: &Field<S>, value: &DefaultValue) -> bool {
    matches!(
        (field, value),
        (Field::Text(_), DefaultValue::Text(_))
            | (Field::Number(_), DefaultValue::Number(_))
            | (Field::Bool(_), DefaultValue::Bool(_))
    )
}

/// The attributes of `attrs` whose rules find no field of their kind.
#[cfg(test)]
pub(crate) fn unmatched<S: Clone>(attrs: &Attrs<S>) -> Vec<&'static str> {
    attrs
        .block
        .attributes
        .iter()
        .filter(|e| {
            let field = (attrs.field)(e.name);
            let default_lost = e
                .default
                .as_ref()
                .is_some_and(|v| !field.as_ref().is_some_and(|f| holds(f, v)));
            default_lost || (e.replaces && field.is_none())
        })
        .map(|e| e.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Entry, Kind, Presence};

    #[derive(Clone, Default)]
    struct State {
        place: Value<String>,
        flag: Value<bool>,
        count: Value<i64>,
    }

    fn field(name: &str) -> Option<Field<State>> {
        Some(match name {
            "place" => Field::Text(|s| &mut s.place),
            "flag" => Field::Bool(|s| &mut s.flag),
            "count" => Field::Number(|s| &mut s.count),
            _ => return None,
        })
    }

    fn attrs() -> Attrs<State> {
        Attrs::new(
            table::Block::new(
                "A thing.",
                vec![
                    Entry::new("place", Kind::Str, Presence::Required, "Where.").replaces(),
                    Entry::new("flag", Kind::Bool, Presence::OptionalComputed, "Whether.")
                        .default(true),
                    Entry::new(
                        "count",
                        Kind::Number,
                        Presence::OptionalComputed,
                        "How many.",
                    )
                    .default(2),
                    Entry::new("note", Kind::Str, Presence::Optional, "Free text.").sensitive(),
                ],
            )
            .nest("part", Nesting::Set, table::Block::new("A part.", vec![])),
            field,
        )
    }

    #[test]
    fn the_table_becomes_the_schema() {
        let block = attrs().schema().block;
        let place = &block.attributes["place"];
        assert_eq!(
            place.description,
            Description::markdown("Where. Changing it replaces the resource.")
        );
        assert!(matches!(place.constraint, AttributeConstraint::Required));
        assert!(matches!(place.attr_type, AttributeType::String));
        assert!(block.attributes["note"].sensitive);
        assert!(!place.sensitive);
        assert!(matches!(
            block.attributes["flag"].constraint,
            AttributeConstraint::OptionalComputed
        ));
        assert!(matches!(block.blocks["part"], NestedBlock::Set(_)));
        assert_eq!(block.description, Description::markdown("A thing."));
    }

    #[test]
    fn kinds_become_types() {
        assert!(matches!(attr_type(Kind::Bool), AttributeType::Bool));
        assert!(matches!(attr_type(Kind::Number), AttributeType::Number));
        assert!(matches!(attr_type(Kind::StringMap), AttributeType::Map(_)));
        let AttributeType::Set(inner) = attr_type(Kind::ObjectSet(&["a", "b"])) else {
            panic!("not a set");
        };
        let AttributeType::Object(fields) = *inner else {
            panic!("not an object");
        };
        assert_eq!(fields.len(), 2);
        assert!(matches!(fields["b"], AttributeType::String));
    }

    #[test]
    fn rules_drive_the_plan() {
        let attrs = attrs();
        let prior = State {
            place: Value::Value("a".into()),
            flag: Value::Value(false),
            count: Value::Value(5),
        };
        let mut planned = State {
            place: Value::Value("b".into()),
            ..State::default()
        };
        attrs.apply_defaults(&mut planned, &State::default());
        assert_eq!(planned.flag, Value::Value(true));
        assert_eq!(planned.count, Value::Value(2));
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
        assert!(unmatched(&attrs).is_empty());
    }

    #[test]
    fn a_rule_without_its_field_is_found() {
        let attrs = Attrs::new(
            table::Block::new(
                "A thing.",
                vec![
                    Entry::new("flag", Kind::Str, Presence::OptionalComputed, "Whether.")
                        .default("yes"),
                    Entry::new("gone", Kind::Str, Presence::Required, "Lost.").replaces(),
                ],
            ),
            field,
        );
        assert_eq!(unmatched(&attrs), ["flag", "gone"]);
    }
}
