//! The intermediate model: what the emitters see, and all they see. Names here are already Rust
//! names; wire names are kept beside them. Everything is in a deterministic order.

mod defaults;

use std::collections::BTreeMap;

use crate::error::SourceLoc;

pub use defaults::{default_kinds, DefaultKind};

/// One service (one spec) lowered for emission.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    /// The spec's title.
    pub title: String,
    /// The spec's description.
    pub description: String,
    /// The api-version the spec describes (its `info.version`).
    pub api_version: String,
    /// Where requests go: the host template and its parameters.
    pub host: Host,
    /// Named types, sorted by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Operation groups, sorted by name.
    pub groups: Vec<OperationGroup>,
    /// Parameters given once to the client (`x-ms-parameter-location: client`), other than the host's
    /// and api-version, sorted by name; operations refer to them by wire name.
    pub client_params: Vec<Param>,
    /// Things in the spec that were ignored, each with where and why (printed by the regen).
    pub warnings: Vec<Warning>,
}

/// A spec construct that was ignored rather than refused (a misused JSON-schema keyword, …).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where it is.
    pub location: SourceLoc,
    /// What was ignored, and why.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// The service's host: a URL template such as `{endpoint}` or `https://{account}.{region}.example.com/v2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// The template; `{wire_name}` is replaced by each parameter's value.
    pub template: String,
    /// The template's parameters, in template order.
    pub params: Vec<HostParam>,
}

/// A parameter of the host template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostParam {
    /// Rust name.
    pub name: String,
    /// Name in the template.
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// The value used when the caller gives none, when the spec has one.
    pub default: Option<String>,
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
    /// A union told apart by shape (`oneOf`/`anyOf` without a discriminator).
    Untagged(UntaggedDef),
    /// Another name for a type.
    Alias(AliasDef),
    /// A type defined once in a shared models crate and re-exported here.
    External(ExternalDef),
}

impl TypeDef {
    /// The type's Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(s) => &s.name,
            TypeDef::Enum(e) => &e.name,
            TypeDef::Union(u) => &u.name,
            TypeDef::Untagged(u) => &u.name,
            TypeDef::Alias(a) => &a.name,
            TypeDef::External(e) => &e.name,
        }
    }

    /// Where the type is used.
    pub fn usage(&self) -> Usage {
        match self {
            TypeDef::Struct(s) => s.usage,
            TypeDef::Enum(e) => e.usage,
            TypeDef::Union(u) => u.usage,
            TypeDef::Untagged(u) => u.usage,
            TypeDef::Alias(_) | TypeDef::External(_) => Usage::default(),
        }
    }
}

/// Whether a type is sent (input), received (output), or both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Usage {
    /// Reachable from a request body or parameter.
    pub input: bool,
    /// Reachable from a response body.
    pub output: bool,
    /// Reachable from a JSON merge-patch request body (RFC 7396), where `null` removes: its maps
    /// take `null` values.
    pub patch: bool,
}

impl Usage {
    /// Only ever received: callers never build it, so it can be `#[non_exhaustive]`.
    pub fn output_only(self) -> bool {
        self.output && !self.input
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
    /// Where it is used.
    pub usage: Usage,
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
    /// Whether the property may be `null` (`x-nullable`).
    pub nullable: bool,
    /// Whether the field must be boxed because the type contains itself.
    pub boxed: bool,
}

/// How a date-time is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateTimeFormat {
    /// RFC 3339 (`date-time`).
    Rfc3339,
    /// The HTTP date (`date-time-rfc1123`, `date-time-rfc7231`).
    Rfc7231,
    /// Unix seconds (`unixtime`).
    Unix,
}

/// How bytes are written in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BytesFormat {
    /// Standard base64 (`byte`).
    Base64,
    /// URL-safe base64 (`base64url`).
    Base64Url,
}

/// A reference to a type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    /// `time::OffsetDateTime`, in the given format on the wire.
    DateTime(DateTimeFormat),
    /// `time::Date` (`date`).
    Date,
    /// `time::Duration` (`duration`, ISO 8601).
    Duration,
    /// `Vec<u8>`, base64 in JSON.
    Bytes(BytesFormat),
    /// `uuid::Uuid` (`uuid`).
    Uuid,
    /// Any JSON value.
    Any,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `HashMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: an array item or map value that may be `null`.
    Nullable(Box<TypeRef>),
    /// A named type of this service.
    Named(String),
}

impl TypeRef {
    /// The type with `null` items and values dropped from arrays and maps: a parameter or header
    /// has no way to send a `null`.
    pub fn without_nullable(self) -> TypeRef {
        match self {
            TypeRef::Nullable(inner) => inner.without_nullable(),
            TypeRef::Array(inner) => TypeRef::Array(Box::new(inner.without_nullable())),
            TypeRef::Map(inner) => TypeRef::Map(Box::new(inner.without_nullable())),
            other => other,
        }
    }

    /// Whether the value has a wire format other than serde's default, here or inside.
    pub fn has_format(&self) -> bool {
        match self {
            TypeRef::DateTime(_) | TypeRef::Date | TypeRef::Duration | TypeRef::Bytes(_) => true,
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.has_format(),
            _ => false,
        }
    }

    /// Whether `uuid::Uuid` appears in it.
    pub fn uses_uuid(&self) -> bool {
        match self {
            TypeRef::Uuid => true,
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => inner.uses_uuid(),
            _ => false,
        }
    }
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
    /// Where it is used.
    pub usage: Usage,
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
    /// Where it is used.
    pub usage: Usage,
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

/// A union told apart by shape: the first variant whose type accepts the JSON wins.
#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedDef {
    /// Rust name.
    pub name: String,
    /// Doc comment text.
    pub doc: String,
    /// The alternatives, in spec order.
    pub variants: Vec<UntaggedVariant>,
    /// Where it is used.
    pub usage: Usage,
    /// Where the schema came from.
    pub source: SourceLoc,
}

/// One alternative of an untagged union.
#[derive(Clone, Debug, PartialEq)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub variant: String,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it must be boxed because the type contains itself.
    pub boxed: bool,
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

/// A type re-exported from a shared models crate (`pub use krate::Name;`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExternalDef {
    /// Rust name (the same in both crates).
    pub name: String,
    /// The crate that defines it.
    pub krate: String,
    /// Whether it implements `Default` there.
    pub has_default: bool,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

impl Method {
    /// The method as written in HTTP.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
        }
    }
}

/// One piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as is.
    Literal(String),
    /// A path parameter, by wire name.
    Param(String),
}

/// A path template, parsed once: `/chat/threads/{chatThreadId}` is a literal, a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as the spec writes it (without any `x-ms-paths` query).
    pub text: String,
    /// Its pieces, in order.
    pub parts: Vec<PathPart>,
    /// Fixed query pairs (`x-ms-paths` keys such as `/things?op=list`), sent as is.
    pub fixed_query: String,
}

impl PathTemplate {
    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
    }
}

/// Whether an operation may be sent again after it may have reached the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// Idempotent by method, or carries a repeatability id.
    Safe,
    /// A write the service cannot de-duplicate.
    AtMostOnce,
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
    /// Path template.
    pub path: PathTemplate,
    /// Parameters other than the body and api-version, in spec order.
    pub params: Vec<Param>,
    /// Whether the operation sends the client's api-version as a query parameter.
    pub api_version: bool,
    /// The request body.
    pub body: Option<Body>,
    /// The success responses, by status.
    pub responses: Vec<SuccessResponse>,
    /// The model of error responses, if the spec gives one.
    pub error: Option<TypeRef>,
    /// Paging, when the operation is pageable.
    pub paging: Option<Paging>,
    /// Long-running behaviour, when the operation is one.
    pub lro: Option<Lro>,
    /// Whether it may be retried after reaching the service.
    pub retry: RetryClass,
    /// The `accept` header: the media types of the success responses.
    pub accept: Option<String>,
    /// The `content-type` sent when a POST, PUT or PATCH goes without a body (the operation consumes
    /// JSON), as the official SDKs send it.
    pub empty_body_content_type: Option<String>,
    /// Whether the operation is kept out of the public API (per the manifest).
    pub internal: bool,
    /// Where the operation came from.
    pub source: SourceLoc,
}

impl Operation {
    /// The one body type of every success response, when they agree (`None` inside: no body).
    pub fn single_body(&self) -> Option<&ResponseBody> {
        let first = &self.responses.first()?.body;
        self.responses.iter().all(|r| r.body == *first).then_some(first)
    }

    /// The JSON model of the success responses, when they all have the same one.
    pub fn json_response(&self) -> Option<&TypeRef> {
        match self.single_body()? {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        }
    }

    /// The success statuses, as the runtime's `Success` values describe them.
    pub fn success_statuses(&self) -> Vec<StatusMatch> {
        self.responses.iter().map(|r| r.status).collect()
    }
}

/// Which statuses a response covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class such as `2XX` (the hundreds digit).
    Class(u16),
}

/// A success response.
#[derive(Clone, Debug, PartialEq)]
pub struct SuccessResponse {
    /// The status (or class) it is for.
    pub status: StatusMatch,
    /// Its body.
    pub body: ResponseBody,
    /// The headers the spec declares on it.
    pub headers: Vec<ResponseHeader>,
}

/// The body of a response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResponseBody {
    /// No body.
    None,
    /// A JSON model.
    Json(TypeRef),
    /// Raw bytes (an image, a file).
    Binary,
    /// Text.
    Text,
}

/// A response header the spec declares.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseHeader {
    /// Rust accessor name.
    pub name: String,
    /// Header name, lowercase.
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// Its type.
    pub ty: TypeRef,
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

/// How an array parameter is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    /// One value joined by a separator (`csv` `,`, `ssv` space, `tsv` tab, `pipes` `|`).
    Joined(&'static str),
    /// One `name=value` pair per item (`multi`).
    Multi,
}

/// A repeatability header the client fills itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeatability {
    /// `Repeatability-Request-ID`.
    RequestId,
    /// `Repeatability-First-Sent`.
    FirstSent,
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
    /// For arrays: how the items are written.
    pub collection: Collection,
    /// A repeatability header, filled automatically when the caller gives none.
    pub repeatability: Option<Repeatability>,
    /// The one value a required single-value enum parameter can have: sent always, never asked for.
    pub constant: Option<String>,
}

/// What a request body is.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyKind {
    /// A JSON model.
    Json(TypeRef),
    /// Raw bytes.
    Binary,
    /// Text.
    Text,
    /// A form (Swagger `formData` parameters): its fields.
    Form(Vec<FormField>),
}

/// One field of a form body.
#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    /// Rust name.
    pub name: String,
    /// Name in the form.
    pub wire_name: String,
    /// Doc comment text.
    pub doc: String,
    /// `None` for a file; else the value's type.
    pub ty: Option<TypeRef>,
    /// Whether it must be given.
    pub required: bool,
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
    /// What it is.
    pub kind: BodyKind,
    /// Whether it must be given.
    pub required: bool,
    /// The media types the operation accepts; the first is sent unless the caller chooses (binary
    /// and text bodies with several take a `content_type` argument).
    pub media_types: Vec<String>,
}

/// `x-ms-pageable`: how to get the items and the next page.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    /// The page model.
    pub page: String,
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

/// `final-state-via`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinalStateVia {
    /// `azure-async-operation`
    AzureAsyncOperation,
    /// `location`
    Location,
    /// `operation-location`
    OperationLocation,
    /// `original-uri`
    OriginalUri,
}

/// A long-running operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Lro {
    /// Where the final result is.
    pub final_state_via: Option<FinalStateVia>,
    /// The status monitor: a model of the spec with a `status` property, or `None` for the runtime's
    /// generic `OperationStatus`.
    pub monitor: Option<String>,
    /// The final result's type (`None`: no result body).
    pub output: Option<TypeRef>,
}
