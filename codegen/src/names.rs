//! Rust names for spec names: heck for the casing, plus keyword escaping.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names a generated type must not take: the type-namespace names of the prelude and keywords that
/// are capitalized. A schema with one of them gets the suffix `Model`.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "FromIterator",
];

/// A type name: `UpperCamelCase`, never starting with a digit, never a prelude or keyword name.
pub fn type_name(name: &str) -> String {
    let name = camel(name);
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// An enum variant name: `UpperCamelCase`, never starting with a digit, never `Self`.
pub fn variant_name(name: &str) -> String {
    let name = camel(name);
    if name == "Self" {
        "SelfValue".to_string()
    } else {
        name
    }
}

/// A name as part of a longer type name (`Send` in `JobsSendOptions`): `UpperCamelCase`, never
/// starting with a digit; prelude names are fine here, as the whole name is longer.
pub fn name_part(name: &str) -> String {
    camel(name)
}

fn camel(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    match camel.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("V{camel}"),
        None => "Empty".to_string(),
        _ => camel,
    }
}

/// A field, parameter or method name: `snake_case`, keywords escaped as raw identifiers.
pub fn value_name(name: &str) -> String {
    let snake = name.to_snake_case();
    let snake = match snake.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("n{snake}"),
        None => "value".to_string(),
        _ => snake,
    };
    match snake.as_str() {
        "self" | "super" | "crate" | "extern" => format!("{snake}_"),
        s if KEYWORDS.contains(&s) => format!("r#{snake}"),
        _ => snake,
    }
}

/// A name without a raw-identifier prefix, for use inside other names.
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("chat.join.limited"), "ChatJoinLimited");
        assert_eq!(type_name("threadCreationDate"), "ThreadCreationDate");
        assert_eq!(type_name("2xx"), "V2xx");
        assert_eq!(type_name("Option"), "OptionModel");
        assert_eq!(type_name("Self"), "SelfModel");
        assert_eq!(variant_name("Self"), "SelfValue");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("createdByCommunicationIdentifier"), "created_by_communication_identifier");
        assert_eq!(value_name("repeatability-request-id"), "repeatability_request_id");
        assert_eq!(value_name("api-version"), "api_version");
    }
}
