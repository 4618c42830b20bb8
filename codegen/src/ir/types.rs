//! The types of a service: models, enums, unions, aliases, and references to them.

use super::*;

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
