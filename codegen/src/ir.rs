//! The intermediate model: what the emitters see, and all they see. Names here are already Rust
//! names; wire names are kept beside them. Everything is in a deterministic order.

use std::collections::BTreeMap;

use crate::error::SourceLoc;

/// One service (one spec) lowered for emission.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// The spec's title.
    pub title: String,
    /// The spec's description.
    pub description: String,
    /// The api-version the spec describes (its `info.version`).
    pub api_version: String,
    /// The client-level parameter that holds the service endpoint, when the spec has a parameterized host.
    pub endpoint: Option<EndpointParam>,
    /// Named types, sorted by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Operation groups, sorted by name.
    pub groups: Vec<OperationGroup>,
    /// Parameters given once to the client (`x-ms-parameter-location: client`), other than the endpoint
    /// and api-version, sorted by name; operations refer to them by wire name.
    pub client_params: Vec<Param>,
}

/// The endpoint of a parameterized host such as `{endpoint}`.
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointParam {
    /// Its wire name, e.g. `endpoint`.
    pub wire_name: String,
    /// Its description.
    pub doc: String,
    /// The host template; `{name}` is replaced by the value.
    pub template: String,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum.
    Enum(EnumDef),
    /// A union of structs, told apart by a discriminator property.
    Union(UnionDef),
    /// Another name for a type.
    Alias(AliasDef),
}

impl TypeDef {
    /// The type's Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::Alias(a) => &a.name,
        }
    }
}

/// A model struct.
#[derive(Clone, Debug, PartialEq)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// Fields, in spec order.
    pub fields: Vec<Field>,
    /// Type of the values of unlisted properties (`additionalProperties`), when allowed.
    pub additional_properties: Option<TypeRef>,
    /// Where the schema came from.
    pub source: SourceLoc,
}

/// A struct field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust name (snake case, keywords escaped with `r#`).
    pub name: String,
    /// JSON property name.
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// The field's type (without the `Option` an optional field gets).
    pub ty: TypeRef,
    /// Whether the property is required.
    pub required: bool,
    /// Whether the property is only sent by the service.
    pub read_only: bool,
    /// Whether the field must be boxed because the type contains itself.
    pub boxed: bool,
}

/// A reference to a type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `time::OffsetDateTime`, RFC 3339 on the wire.
    DateTime,
    /// Any JSON value.
    Any,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `HashMap<String, T>`.
    Map(Box<TypeRef>),
    /// A named type of this service.
    Named(String),
}

/// A string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// The known values.
    pub values: Vec<EnumValue>,
    /// Whether unknown values are kept (`UnknownValue(String)`) rather than rejected.
    pub extensible: bool,
    /// Where the schema came from.
    pub source: SourceLoc,
}

/// One value of a string enum.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// Rust variant name.
    pub variant: String,
    /// The value on the wire.
    pub wire: String,
    /// Doc comment text.
    pub doc: String,
}

/// A discriminated union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionDef {
    /// Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// The discriminator's property name on the wire.
    pub discriminator: String,
    /// The known kinds, sorted by wire value.
    pub variants: Vec<UnionVariant>,
    /// Where the schema came from.
    pub source: SourceLoc,
}

/// One kind of a discriminated union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub variant: String,
    /// The discriminator value on the wire.
    pub wire: String,
    /// The struct that holds this kind's other properties.
    pub model: String,
    /// Doc comment text.
    pub doc: String,
}

/// `type Name = Target;`
#[derive(Clone, Debug, PartialEq)]
pub struct AliasDef {
    /// Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// The aliased type.
    pub target: TypeRef,
}

/// Operations sharing the prefix of their `Group_Operation` ids.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationGroup {
    /// The group's name as in the operation ids, e.g. `ChatThread`.
    pub name: String,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
}

/// One operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Rust method name (snake case).
    pub name: String,
    /// The spec's operationId.
    pub operation_id: String,
    /// Doc comment text (summary and description).
    pub doc: String,
    /// HTTP method.
    pub method: Method,
    /// Path template, e.g. `/chat/threads/{chatThreadId}`.
    pub path: String,
    /// Parameters other than the body and api-version, in spec order.
    pub params: Vec<Param>,
    /// Whether the operation sends the client's api-version as a query parameter.
    pub api_version: bool,
    /// The request body.
    pub body: Option<Body>,
    /// Success status codes, ascending.
    pub success_codes: Vec<u16>,
    /// The model of successful responses, if they have a body.
    pub response: Option<TypeRef>,
    /// The model of error responses, if the spec gives one.
    pub error: Option<TypeRef>,
    /// Paging, when the operation is pageable.
    pub paging: Option<Paging>,
    /// Whether the operation is kept out of the public API (per the manifest).
    pub internal: bool,
    /// Where the operation came from.
    pub source: SourceLoc,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
    /// A header.
    Header,
}

/// A path, query or header parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Rust name.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// `x-ms-parameter-location: client`: given once to the client.
    pub client: bool,
    /// `x-ms-skip-url-encoding`: inserted into the path as is.
    pub skip_url_encoding: bool,
    /// For array query parameters: one `name=value` pair per item instead of a comma-separated list.
    pub explode: bool,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Rust name of the parameter.
    pub name: String,
    /// The body parameter's name in the spec (examples use it).
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// The body's model.
    pub ty: TypeRef,
    /// Whether it must be given.
    pub required: bool,
    /// Its media type, e.g. `application/json` or `application/merge-patch+json`.
    pub media_type: String,
}

/// `x-ms-pageable`: how to get the items and the next page.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    /// The page model's property that holds the items (wire name).
    pub item_field: String,
    /// Rust name of that field.
    pub item_field_rust: String,
    /// Whether that field is required (else it is an `Option`).
    pub item_field_required: bool,
    /// The items' type.
    pub item_type: TypeRef,
    /// The page model's property that holds the next link (wire name), if any.
    pub next_link_field: Option<String>,
}
