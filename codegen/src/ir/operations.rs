//! The operations of a service: paths, parameters, bodies, responses, paging, long-running operations.

use super::*;

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
    /// `x-ms-header-collection-prefix` (lowercase): every header with this prefix, read as a map.
    pub prefix: Option<String>,
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
    /// `x-ms-header-collection-prefix` (lowercase): a map sent as one header `prefix + key` per entry.
    pub header_prefix: Option<String>,
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
