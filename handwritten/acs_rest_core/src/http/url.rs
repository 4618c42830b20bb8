//! Endpoints, paths and links: the URL rules of a generated client.

use azure_core::error::ErrorKind;
use azure_core::http::Url;
use azure_core::Error;

use super::errors::{Failure, FailureKind};

/// Parses a client's endpoint: an absolute `http` or `https` URL with a host, optionally a base path,
/// and no user information, query or fragment. The error never repeats the text, which may be a
/// secret pasted by mistake (a connection string, a key).
///
/// ```
/// let url = acs_rest_core::url::parse_endpoint("https://contoso.communication.azure.com")?;
/// assert_eq!(url.as_str(), "https://contoso.communication.azure.com/");
/// assert!(acs_rest_core::url::parse_endpoint("contoso.communication.azure.com").is_err());
/// # Ok::<(), azure_core::Error>(())
/// ```
pub fn parse_endpoint(text: &str) -> azure_core::Result<Url> {
    let problem = |what: &str| Error::with_message(ErrorKind::Other, format!("invalid argument `endpoint`: {what}"));
    let url = Url::parse(text.trim())
        .map_err(|_| problem("is not an absolute URL such as https://<resource>.communication.azure.com"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(problem("must use the https scheme"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(problem("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(problem("must not contain user information"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(problem("must not have a query or fragment"));
    }
    Ok(url)
}

/// Percent-encodes a path parameter so it stays one segment: everything but unreserved characters
/// (`A–Z a–z 0–9 - . _ ~`) is encoded, so `19:a@thread.v2` becomes `19%3Aa%40thread.v2`.
pub fn encode_path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The URL of `path` (already encoded, starting with `/`, possibly with a fixed query after `?`)
/// below the endpoint's own path.
pub fn endpoint_url(endpoint: &Url, path: &str) -> Url {
    let mut url = endpoint.clone();
    let (path, query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let base = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{base}{path}"));
    url.set_query(query.filter(|q| !q.is_empty()));
    url
}

/// Joins array items for a query or header parameter: `csv` (`,`), `ssv` (space), `tsv` (tab) or
/// `pipes` (`|`).
pub fn join<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I, separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// A link the service sent (a next page, an operation status or result), made safe to follow:
/// resolved against the endpoint, kept on the endpoint's origin (scheme, host and port: credentials
/// never go elsewhere), with the client's `api-version` in place of any other.
pub fn service_link(
    endpoint: &Url,
    link: &str,
    api_version: Option<&str>,
    operation: &'static str,
) -> azure_core::Result<Url> {
    let invalid =
        |what: String| Failure::new(FailureKind::InvalidLink, operation, what).into_error(ErrorKind::DataConversion);
    if link.len() > 8 * 1024 {
        return Err(invalid(format!("the service sent a link of {} bytes, too long to follow", link.len())));
    }
    let mut url =
        endpoint.join(link).map_err(|_| invalid("the service sent a link that is not a valid URL".to_string()))?;
    if url.origin() != endpoint.origin() {
        let mut on_endpoint = endpoint.clone();
        on_endpoint.set_path(url.path());
        on_endpoint.set_query(url.query());
        url = on_endpoint;
    }
    url.set_fragment(None);
    if let Some(api_version) = api_version {
        // The link's own query is kept as the service encoded it; only its api-version is replaced.
        let encoded: String = ::url::form_urlencoded::byte_serialize(api_version.as_bytes()).collect();
        let pair = format!("api-version={encoded}");
        let query: Vec<&str> = url
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && !p.split('=').next().unwrap_or_default().eq_ignore_ascii_case("api-version"))
            .chain(std::iter::once(pair.as_str()))
            .collect();
        let query = query.join("&");
        url.set_query(Some(&query));
    }
    Ok(url)
}

/// Checks the user-agent application id, which `azure_core::http::Pipeline::new` would panic on.
pub(crate) fn check_application_id(options: &azure_core::http::ClientOptions) -> azure_core::Result<()> {
    if let Some(id) = &options.user_agent.application_id {
        let token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if id.len() > 24 || !id.chars().all(token_char) {
            return Err(Error::with_message(
                ErrorKind::Other,
                "invalid user agent application id: at most 24 characters, with no spaces or separators",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_on_the_endpoint_with_our_api_version() {
        let endpoint = Url::parse("https://contoso.example/").unwrap();
        let url =
            service_link(&endpoint, "https://evil.example/next?page=2&api-version=bogus#x", Some("2025-03-15"), "Op")
                .unwrap();
        assert_eq!(url.as_str(), "https://contoso.example/next?page=2&api-version=2025-03-15");
        let url = service_link(&endpoint, "/chat/threads?skip=5", None, "Op").unwrap();
        assert_eq!(url.as_str(), "https://contoso.example/chat/threads?skip=5");
    }

    #[test]
    fn paths_and_segments() {
        assert_eq!(encode_path_segment("19:a@thread.v2 x/y"), "19%3Aa%40thread.v2%20x%2Fy");
        let endpoint = Url::parse("https://h.example/base/").unwrap();
        assert_eq!(endpoint_url(&endpoint, "/items/1?op=x").as_str(), "https://h.example/base/items/1?op=x");
        assert_eq!(join(["a", "b"], "|"), "a|b");
    }
}
