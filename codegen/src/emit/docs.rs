//! Doc comments from spec text: made safe for rustdoc (no bare URLs, no stray HTML or link brackets,
//! no accidental doc tests) and turned into `#[doc = …]` attributes.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` lines for `text`, or for `fallback` when the spec says nothing.
pub fn doc_attrs(text: &str, fallback: &str) -> TokenStream {
    let text = if text.trim().is_empty() { fallback } else { text };
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// Rustdoc-safe markdown lines, each prefixed with a space the way `///` comments are.
pub fn sanitize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    // The column a list item's text starts at, while in one.
    let mut list_item: Option<usize> = None;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // A fence without a language would become a doc test: make it plain text.
            if !in_fence && trimmed.trim() == "```" {
                out.push(format!(" {}```text", &line[..line.len() - trimmed.len()]));
            } else {
                out.push(format!(" {line}"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(format!(" {line}"));
            continue;
        }
        // A line that goes on with a list item is indented under it, as markdown wants (rustdoc
        // would otherwise read it as a lazy continuation, which clippy refuses).
        let indent = line.len() - trimmed.len();
        match list_marker_width(trimmed) {
            Some(width) => list_item = Some(indent + width),
            None if trimmed.is_empty() => list_item = None,
            None => {}
        }
        let line = match list_item {
            Some(width) if list_marker_width(trimmed).is_none() && indent < width => {
                format!("{}{trimmed}", " ".repeat(width))
            }
            _ => line.to_string(),
        };
        out.push(format!(" {}", escape_line(line.trim_end())));
    }
    if in_fence {
        out.push(" ```".to_string());
    }
    out
}

/// The width of the list marker `line` starts with (`- `, `+ `, `1. `, `2) `), if it starts with one.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") "))).then_some(digits + 2)
}

/// Escapes markdown that rustdoc would misread, outside inline code spans.
pub(crate) fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(len) = url_len(rest) {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                rest = &rest[len..];
                continue;
            }
            if matches!(c, '[' | ']' | '<' | '>' | '*' | '_' | '#' | '|') {
                out.push('\\');
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of the URL that `text` starts with, if it starts with one.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let len = text
        .find(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | '(' | '[' | ']' | '{' | '}' | '|')
        })
        .unwrap_or(text.len());
    // A sentence's full stop or comma is not part of the URL.
    let url = text[..len].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_rustdoc_would_misread() {
        assert_eq!(
            sanitize("See https://aka.ms/x. Range [60,1440] <p>"),
            vec![" See <https://aka.ms/x>. Range \\[60,1440\\] \\<p\\>"]
        );
        assert_eq!(sanitize("Format `yyyy_MM` and a_b"), vec![" Format `yyyy_MM` and a\\_b"]);
        assert_eq!(sanitize("```\nlet x = 1;\n```"), vec![" ```text", " let x = 1;", " ```"]);
    }

    #[test]
    fn lines_that_go_on_with_a_list_item_are_indented_under_it() {
        assert_eq!(
            sanitize("Allowed:\n- 'min',\n'max' - for latency\n1. first\nmore\n\nAfter."),
            vec![" Allowed:", " - 'min',", "   'max' - for latency", " 1. first", "    more", " ", " After."]
        );
    }
}
