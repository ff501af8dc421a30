//! The schema model: the parts of `terraform providers schema -json` the docs
//! are made of, checked while they are parsed.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::provider_source;

/// A Terraform value type (the `type` of an attribute).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CtyType {
    /// `string`, `number`, `bool` or `dynamic`, by display name.
    Primitive(&'static str),
    /// `list`, `set` or `map` of an element type (display name of the kind).
    Collection(&'static str, Box<CtyType>),
    /// An object with named fields.
    Object(BTreeMap<String, CtyType>),
    /// A tuple.
    Tuple,
}

impl CtyType {
    /// Parses a type as the schema JSON spells it (`"string"`, `["set", "string"]`).
    pub(crate) fn parse(json: &Json) -> Result<CtyType, String> {
        match json {
            Json::String(s) => Self::primitive(s),
            Json::Array(parts) => Self::composite(parts),
            other => Err(format!("unexpected type {other}")),
        }
    }

    /// A primitive type by its JSON name.
    fn primitive(name: &str) -> Result<CtyType, String> {
        Ok(CtyType::Primitive(match name {
            "string" => "String",
            "number" => "Number",
            "bool" => "Boolean",
            "dynamic" => "Dynamic",
            other => return Err(format!("unknown primitive type {other:?}")),
        }))
    }

    /// A `[kind, argument]` type.
    fn composite(parts: &[Json]) -> Result<CtyType, String> {
        let (kind, arg) = match parts {
            [Json::String(kind), arg] => (kind.as_str(), arg),
            _ => return Err(format!("unexpected type {}", Json::from(parts.to_vec()))),
        };
        let collection = |name| Ok(CtyType::Collection(name, Box::new(CtyType::parse(arg)?)));
        match kind {
            "list" => collection("List"),
            "set" => collection("Set"),
            "map" => collection("Map"),
            "tuple" => Ok(CtyType::Tuple),
            "object" => Self::object(arg),
            other => Err(format!("unknown type kind {other:?}")),
        }
    }

    /// An object type from its `{field: type}` map.
    fn object(fields: &Json) -> Result<CtyType, String> {
        let fields = fields
            .as_object()
            .ok_or_else(|| format!("object type without fields: {fields}"))?;
        let mut out = BTreeMap::new();
        for (name, ty) in fields {
            out.insert(name.clone(), CtyType::parse(ty)?);
        }
        Ok(CtyType::Object(out))
    }

    /// The display name: `String`, `List of String`, `Set of Object`, ...
    pub(crate) fn display(&self) -> String {
        match self {
            CtyType::Primitive(name) => (*name).to_string(),
            CtyType::Collection(kind, elem) => format!("{kind} of {}", elem.display()),
            CtyType::Object(_) => "Object".into(),
            CtyType::Tuple => "Tuple".into(),
        }
    }

    /// The object fields to document in a nested section, for an object or a
    /// collection of objects.
    pub(crate) fn object_fields(&self) -> Option<&BTreeMap<String, CtyType>> {
        match self {
            CtyType::Object(fields) => Some(fields),
            CtyType::Collection(_, elem) => elem.object_fields(),
            _ => None,
        }
    }
}

/// An attribute of a block.
#[derive(Debug)]
pub(crate) struct Attr {
    /// The attribute's name in its block.
    pub(crate) name: String,
    /// Its value type.
    pub(crate) ty: CtyType,
    /// Its trimmed description (empty only when a problem was recorded).
    pub(crate) description: String,
    /// Must be set in configuration.
    pub(crate) required: bool,
    /// May be set in configuration.
    pub(crate) optional: bool,
    /// The provider may set it.
    pub(crate) computed: bool,
    /// Terraform hides its value.
    pub(crate) sensitive: bool,
    /// Marked deprecated.
    pub(crate) deprecated: bool,
}

/// A nested block type of a block.
#[derive(Debug)]
pub(crate) struct NestedBlock {
    /// The block type's name in its parent.
    pub(crate) name: String,
    /// The nesting mode: `list`, `set`, `map`, `single` or `group`.
    pub(crate) nesting: String,
    /// How many blocks must be written (0 when optional).
    pub(crate) min_items: u64,
    /// `None` when unlimited (absent, 0, or the `i64::MAX` some SDKs send).
    pub(crate) max_items: Option<u64>,
    /// The schema of each block.
    pub(crate) block: Block,
}

/// A block: provider configuration, resource, data source or nested block.
#[derive(Debug)]
pub(crate) struct Block {
    /// The trimmed description (empty only when a problem was recorded).
    pub(crate) description: String,
    /// Marked deprecated.
    pub(crate) deprecated: bool,
    /// The attributes (the listing sorts them).
    pub(crate) attributes: Vec<Attr>,
    /// The nested block types (the listing sorts them).
    pub(crate) blocks: Vec<NestedBlock>,
}

/// The parts of `terraform providers schema -json` the docs are made of.
#[derive(Debug)]
pub(crate) struct ProviderSchema {
    /// The provider configuration block.
    pub(crate) provider: Block,
    /// Resource schemas by type name.
    pub(crate) resources: BTreeMap<String, Block>,
    /// Data source schemas by type name.
    pub(crate) data_sources: BTreeMap<String, Block>,
    /// Ephemeral resource schemas by type name (none when the key is absent).
    pub(crate) ephemeral_resources: BTreeMap<String, Block>,
}

/// The trimmed description of a schema object, if it has a non-blank one.
fn description_of(json: &Json) -> Option<String> {
    json.get("description")
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

/// A boolean flag of a schema object (absent means false).
fn flag(json: &Json, key: &str) -> bool {
    json.get(key).and_then(Json::as_bool).unwrap_or(false)
}

/// The entries of the JSON object under `key` (none when it is absent).
fn members<'a>(json: &'a Json, key: &str) -> Result<Vec<(&'a String, &'a Json)>, String> {
    match json.get(key) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Object(m)) => Ok(m.iter().collect()),
        Some(other) => Err(format!("`{key}` is not an object: {other}")),
    }
}

/// Turns schema JSON into the model, collecting every problem (missing
/// descriptions, malformed parts) instead of stopping at the first.
#[derive(Default)]
pub(crate) struct Parser {
    /// Every problem found, as `owner: message` lines.
    pub(crate) problems: Vec<String>,
}

impl Parser {
    /// Records a problem of `owner` (e.g. `resource genesyscloud_x`).
    fn problem(&mut self, owner: &str, message: String) {
        self.problems.push(format!("{owner}: {message}"));
    }

    /// Parses the one provider this repository builds.
    pub(crate) fn provider_schema(&mut self, schema: &Json) -> Option<ProviderSchema> {
        let source = provider_source();
        let Some(p) = schema.get("provider_schemas").and_then(|s| s.get(&source)) else {
            self.problem("schema", format!("no provider_schemas entry for {source}"));
            return None;
        };
        let provider = self.top_block(p.get("provider"), "provider");
        let resources = self.top_blocks(p, "resource_schemas", "resource");
        let data_sources = self.top_blocks(p, "data_source_schemas", "data source");
        let ephemeral_resources =
            self.top_blocks(p, "ephemeral_resource_schemas", "ephemeral resource");
        Some(ProviderSchema {
            provider,
            resources,
            data_sources,
            ephemeral_resources,
        })
    }

    /// Every resource (data source, ephemeral resource) schema under `key`.
    fn top_blocks(&mut self, p: &Json, key: &str, kind: &str) -> BTreeMap<String, Block> {
        let entries = match members(p, key) {
            Ok(m) => m,
            Err(e) => {
                self.problem("schema", e);
                return BTreeMap::new();
            }
        };
        entries
            .into_iter()
            .map(|(name, s)| {
                (
                    name.clone(),
                    self.top_block(Some(s), &format!("{kind} {name}")),
                )
            })
            .collect()
    }

    /// The block of a `{version, block}` schema; it must have a description.
    fn top_block(&mut self, schema: Option<&Json>, owner: &str) -> Block {
        let block = schema.and_then(|s| s.get("block")).unwrap_or(&Json::Null);
        let parsed = self.block(block, owner, "");
        if parsed.description.is_empty() {
            self.problem(owner, "the schema has no description".into());
        }
        parsed
    }

    /// A block's attributes and nested blocks; `prefix` is the dotted path of
    /// the block inside its owner (`""` at the top, `"vault."` below).
    fn block(&mut self, json: &Json, owner: &str, prefix: &str) -> Block {
        let mut block = Block {
            description: description_of(json).unwrap_or_default(),
            deprecated: flag(json, "deprecated"),
            attributes: Vec::new(),
            blocks: Vec::new(),
        };
        match members(json, "attributes") {
            Ok(attrs) => {
                for (name, a) in attrs {
                    if let Some(attr) = self.attr(name, a, owner, prefix) {
                        block.attributes.push(attr);
                    }
                }
            }
            Err(e) => self.problem(owner, e),
        }
        match members(json, "block_types") {
            Ok(blocks) => {
                for (name, b) in blocks {
                    block.blocks.push(self.nested_block(name, b, owner, prefix));
                }
            }
            Err(e) => self.problem(owner, e),
        }
        block
    }

    /// One attribute, or `None` (and a problem) when it cannot be documented.
    fn attr(&mut self, name: &str, json: &Json, owner: &str, prefix: &str) -> Option<Attr> {
        let path = format!("{prefix}{name}");
        if json.get("nested_type").is_some() {
            self.problem(
                owner,
                format!("attribute `{path}` has a nested_type, which these docs do not support"),
            );
            return None;
        }
        let description = description_of(json);
        if description.is_none() {
            self.problem(owner, format!("attribute `{path}` has no description"));
        }
        let ty = match json.get("type").map(CtyType::parse) {
            Some(Ok(ty)) => ty,
            Some(Err(e)) => {
                self.problem(owner, format!("attribute `{path}`: {e}"));
                return None;
            }
            None => {
                self.problem(owner, format!("attribute `{path}` has no type"));
                return None;
            }
        };
        Some(Attr {
            name: name.to_string(),
            ty,
            description: description.unwrap_or_default(),
            required: flag(json, "required"),
            optional: flag(json, "optional"),
            computed: flag(json, "computed"),
            sensitive: flag(json, "sensitive"),
            deprecated: flag(json, "deprecated"),
        })
    }

    /// One nested block type; its block must have a description.
    fn nested_block(&mut self, name: &str, json: &Json, owner: &str, prefix: &str) -> NestedBlock {
        let path = format!("{prefix}{name}");
        let inner = json.get("block").unwrap_or(&Json::Null);
        let block = self.block(inner, owner, &format!("{path}."));
        if block.description.is_empty() {
            self.problem(owner, format!("block `{path}` has no description"));
        }
        let count = |key| json.get(key).and_then(Json::as_u64).unwrap_or(0);
        let max = count("max_items");
        NestedBlock {
            name: name.to_string(),
            nesting: json
                .get("nesting_mode")
                .and_then(Json::as_str)
                .unwrap_or("list")
                .to_string(),
            min_items: count("min_items"),
            max_items: (max > 0 && max < i64::MAX as u64).then_some(max),
            block,
        }
    }
}
