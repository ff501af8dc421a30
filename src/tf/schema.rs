//! Small builders for tf-provider schema values.

use tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Description};

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
