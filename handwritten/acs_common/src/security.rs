//! Where credentials may be sent.
//!
//! Keys and tokens go only over `https`, with one exception: plain `http` to a loopback host
//! (`localhost`, `127.0.0.0/8` or `[::1]`), so that a local emulator can be used. Both
//! authentication policies of this crate check the final request URL with
//! [`ensure_credential_safe_url`] before calling the next policy, so a refused request never
//! leaves the process. Client constructors can call it on their endpoint to fail even earlier.

use azure_core::error::{Error, ErrorKind};
use azure_core::http::Url;
use url::Host;

/// Whether the URL's host is a loopback host: `localhost`, an address in `127.0.0.0/8`, or `[::1]`.
///
/// ```
/// use acs_common::security::is_loopback;
/// use azure_core::http::Url;
///
/// assert!(is_loopback(&Url::parse("http://localhost:8080/")?));
/// assert!(is_loopback(&Url::parse("http://127.10.0.1/")?));
/// assert!(is_loopback(&Url::parse("http://[::1]:9000/")?));
/// assert!(!is_loopback(&Url::parse("http://10.0.0.1/")?));
/// assert!(!is_loopback(&Url::parse("http://localhost.example.com/")?));
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => {
            let domain = domain.strip_suffix('.').unwrap_or(domain);
            domain.eq_ignore_ascii_case("localhost")
        }
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// Checks that a credential may be sent to `url`: the scheme is `https`, or `http` with a
/// loopback host (see [`is_loopback`]).
///
/// ```
/// use acs_common::security::ensure_credential_safe_url;
/// use azure_core::http::Url;
///
/// assert!(ensure_credential_safe_url(&Url::parse("https://contoso.communication.azure.com/")?).is_ok());
/// assert!(ensure_credential_safe_url(&Url::parse("http://127.0.0.1:8080/")?).is_ok());
/// let error = ensure_credential_safe_url(&Url::parse("http://contoso.communication.azure.com/")?)
///     .unwrap_err();
/// assert!(error.to_string().contains("plain http"));
/// # Ok::<(), url::ParseError>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Other`] naming the scheme and host (never the path or query).
pub fn ensure_credential_safe_url(url: &Url) -> azure_core::Result<()> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::with_message(
            ErrorKind::Other,
            format!(
                "refusing to send credentials over plain http to host `{}`: use https \
                 (plain http is allowed only for loopback hosts: localhost, 127.0.0.0/8, [::1])",
                url.host_str().unwrap_or_default()
            ),
        )),
        "https" => {
            Err(Error::with_message(ErrorKind::Other, "refusing to send credentials to an https URL without a host"))
        }
        scheme => Err(Error::with_message(
            ErrorKind::Other,
            format!("refusing to send credentials over the `{scheme}` scheme: use https"),
        )),
    }
}

/// Parses the endpoint of a client or connection string: an absolute `https` URL (plain `http` only
/// for loopback hosts, see [`is_loopback`]) with a host and an optional port, and nothing else — no
/// user information, path, query or fragment.
///
/// `argument` names what is checked in the error, which never repeats the text: it may be a secret
/// pasted by mistake, such as a whole connection string.
///
/// ```
/// use acs_common::security::parse_endpoint;
///
/// let url = parse_endpoint("endpoint", "https://contoso.communication.azure.com")?;
/// assert_eq!(url.as_str(), "https://contoso.communication.azure.com/");
/// assert!(parse_endpoint("endpoint", "http://127.0.0.1:8080/").is_ok());
/// let error = parse_endpoint("endpoint", "http://contoso.communication.azure.com").unwrap_err();
/// assert!(error.to_string().starts_with("invalid argument `endpoint`: uses plain http"));
/// # Ok::<(), azure_core::Error>(())
/// ```
///
/// # Errors
///
/// An argument error (`ErrorKind::Other`) saying which rule the endpoint breaks.
pub fn parse_endpoint(argument: &str, text: &str) -> azure_core::Result<Url> {
    let problem = |message: &str| crate::error::invalid_argument(argument, message);
    let url = Url::parse(text.trim())
        .map_err(|_| problem("is not an absolute URL such as https://<resource>.communication.azure.com"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(problem(
                "uses plain http, which is allowed only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https",
            ))
        }
        _ => return Err(problem("must use the https scheme")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(problem("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(problem("must not contain user information"));
    }
    if url.path() != "/" {
        return Err(problem("must not have a path (give only scheme, host and port)"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(problem("must not have a query or fragment"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_rules() {
        for ok in ["https://contoso.communication.azure.com", "https://h:8443/", "http://127.0.0.1:1/", "http://[::1]/"]
        {
            assert!(parse_endpoint("endpoint", ok).is_ok(), "{ok}");
        }
        let cases = [
            ("contoso.communication.azure.com", "not an absolute URL"),
            ("", "not an absolute URL"),
            ("http://contoso.communication.azure.com", "plain http"),
            ("ftp://contoso.communication.azure.com", "https scheme"),
            ("https://u:p@contoso.communication.azure.com", "user information"),
            ("https://contoso.communication.azure.com/api", "path"),
            ("https://contoso.communication.azure.com/?x=1", "query"),
            ("https://contoso.communication.azure.com/#f", "fragment"),
        ];
        for (text, expected) in cases {
            let message = parse_endpoint("endpoint", text).unwrap_err().to_string();
            assert!(message.starts_with("invalid argument `endpoint`"), "{message}");
            assert!(message.contains(expected), "{text}: {message}");
        }
        let pasted = "endpoint=https://a.b/;accesskey=c2VjcmV0";
        assert!(!parse_endpoint("endpoint", pasted).unwrap_err().to_string().contains("c2VjcmV0"));
    }

    #[test]
    fn loopback_table() {
        let cases = [
            ("http://localhost/", true),
            ("http://LOCALHOST:1/", true),
            ("http://localhost./", true),
            ("http://127.0.0.1/", true),
            ("http://127.255.255.254/", true),
            ("http://[::1]/", true),
            ("http://[::ffff:127.0.0.1]/", false),
            ("http://128.0.0.1/", false),
            ("http://0.0.0.0/", false),
            ("http://[::]/", false),
            ("http://sub.localhost/", false),
            ("http://localhost.evil.com/", false),
            ("http://127.0.0.1.nip.io/", false),
        ];
        for (url, expected) in cases {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), expected, "{url}");
        }
    }

    #[test]
    fn schemes() {
        let ok = ["https://a.b/", "https://a.b:8443/x?y", "http://localhost:1/", "http://[::1]/"];
        for url in ok {
            assert!(ensure_credential_safe_url(&Url::parse(url).unwrap()).is_ok(), "{url}");
        }
        let refused = ["http://a.b/", "ftp://a.b/", "ws://localhost/", "http://10.1.2.3/"];
        for url in refused {
            let error = ensure_credential_safe_url(&Url::parse(url).unwrap()).unwrap_err();
            assert_eq!(*error.kind(), ErrorKind::Other, "{url}");
        }
    }

    #[test]
    fn error_does_not_echo_path_or_query() {
        let url = Url::parse("http://example.com/p/secret-path?sig=secret-query").unwrap();
        let message = ensure_credential_safe_url(&url).unwrap_err().to_string();
        assert!(message.contains("example.com"));
        assert!(!message.contains("secret"));
    }
}
