//! HMAC-SHA256 request signing with an access key (Identity and other key-authenticated APIs).
//!
//! The pure pieces are plain functions, usable by a client to sign and by a server (such as an
//! emulator) to verify:
//!
//! ```text
//! content_hash   = base64(sha256(body))                       // of the empty body when none
//! string_to_sign = VERB + "\n" + path_and_query + "\n" + x_ms_date + ";" + host + ";" + content_hash
//! signature      = base64(hmac_sha256(base64_decode(key), string_to_sign))
//! Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<signature>
//! ```
//!
//! [`HmacAuthPolicy`] applies them to each try of a request in an `azure_core` pipeline.

use crate::error::{credential_error, invalid_argument};
use crate::security::ensure_credential_safe_url;
use azure_core::credentials::Secret;
use azure_core::error::{Error, ErrorKind};
use azure_core::http::headers::{HeaderName, AUTHORIZATION, MS_DATE};
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{Body, Context, Request, Url};
use azure_core::time::OffsetDateTime;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// The headers covered by the signature, in order.
pub const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";

/// The `x-ms-content-sha256` header.
pub const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-ms-content-sha256");

const AUTHORIZATION_PREFIX: &str = "HMAC-SHA256 SignedHeaders=";
const SIGNATURE_SEPARATOR: &str = "&Signature=";

/// An ACS access key: base64 text, as found in the Azure portal and in connection strings.
///
/// The text is kept exactly as given (including base64 padding); it is checked to be valid,
/// non-empty base64 when created. `Debug` never shows it.
///
/// # Example
///
/// ```
/// use acs_common::hmac::AccessKey;
///
/// let key = AccessKey::new("pw==")?;
/// assert_eq!(format!("{key:?}"), "AccessKey(<redacted>)");
/// assert!(AccessKey::new("not base64!").is_err());
/// # Ok::<(), azure_core::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct AccessKey(Secret);

impl AccessKey {
    /// Wraps a base64 access key.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Credential`] when the key is empty or not valid base64 (the message does not
    /// contain the key).
    pub fn new(key: impl Into<String>) -> azure_core::Result<Self> {
        let key = key.into();
        match azure_core::base64::decode(key.trim()) {
            Ok(bytes) if !bytes.is_empty() => Ok(Self(Secret::new(key.trim().to_owned()))),
            Ok(_) => Err(credential_error("the access key is empty")),
            Err(_) => Err(credential_error("the access key is not valid base64")),
        }
    }

    /// The key's base64 text. Handle with care.
    pub fn secret(&self) -> &str {
        self.0.secret()
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessKey(<redacted>)")
    }
}

/// The base64 SHA-256 of a request body (`x-ms-content-sha256`). Pass `b""` when there is no body.
///
/// ```
/// assert_eq!(
///     acs_common::hmac::content_hash(b""),
///     "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
/// );
/// ```
pub fn content_hash(body: &[u8]) -> String {
    azure_core::base64::encode(Sha256::digest(body))
}

/// The string to sign: `VERB\npath-and-query\nx-ms-date;host;content-hash`.
///
/// `method` is upper-cased; `path_and_query` must be exactly what is on the wire (see
/// [`path_and_query`]), `date` the `x-ms-date` value (RFC 1123, see [`format_date`]) and `host`
/// the host with a non-default port (see [`host`]).
///
/// ```
/// use acs_common::hmac::string_to_sign;
///
/// let text = string_to_sign("get", "/identities?api-version=2023-10-01",
///     "Wed, 13 Apr 2022 18:09:12 GMT", "contoso.communication.azure.com", "47DEQ...");
/// assert_eq!(text, "GET\n/identities?api-version=2023-10-01\n\
///     Wed, 13 Apr 2022 18:09:12 GMT;contoso.communication.azure.com;47DEQ...");
/// ```
pub fn string_to_sign(method: &str, path_and_query: &str, date: &str, host: &str, content_hash: &str) -> String {
    format!("{}\n{path_and_query}\n{date};{host};{content_hash}", method.to_ascii_uppercase())
}

/// The base64 HMAC-SHA256 of `string_to_sign` with the (base64-decoded) key.
///
/// ```
/// use acs_common::hmac::{compute_signature, AccessKey};
///
/// let key = AccessKey::new("pw==")?;
/// assert_eq!(compute_signature(&key, "banana")?, "88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8=");
/// # Ok::<(), azure_core::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Credential`] if the HMAC cannot be computed (not expected for a valid key).
pub fn compute_signature(key: &AccessKey, string_to_sign: &str) -> azure_core::Result<String> {
    azure_core::hmac::hmac_sha256(string_to_sign, &key.0)
        .map_err(|_| credential_error("failed to compute the HMAC-SHA256 request signature"))
}

/// The `Authorization` header value for a signature.
///
/// ```
/// assert_eq!(
///     acs_common::hmac::authorization_value("abc="),
///     "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc="
/// );
/// ```
pub fn authorization_value(signature: &str) -> String {
    format!("{AUTHORIZATION_PREFIX}{SIGNED_HEADERS}{SIGNATURE_SEPARATOR}{signature}")
}

/// The `x-ms-date` value for a time: RFC 1123 in GMT, for example `Wed, 13 Apr 2022 18:09:12 GMT`.
///
/// ```
/// use azure_core::time::OffsetDateTime;
///
/// let date = OffsetDateTime::from_unix_timestamp(1_649_873_352)?;
/// assert_eq!(acs_common::hmac::format_date(date), "Wed, 13 Apr 2022 18:09:12 GMT");
/// # Ok::<(), azure_core::time::ComponentRange>(())
/// ```
pub fn format_date(date: OffsetDateTime) -> String {
    azure_core::time::to_rfc7231(&date.to_offset(time::UtcOffset::UTC))
}

/// The path and query of a URL exactly as sent on the wire (percent-encoded as in the URL).
///
/// ```
/// use azure_core::http::Url;
///
/// let url = Url::parse("https://h.com:8443/chat/threads/19%3Aa%40thread.v2?api-version=2024-03-07")?;
/// assert_eq!(acs_common::hmac::path_and_query(&url),
///     "/chat/threads/19%3Aa%40thread.v2?api-version=2024-03-07");
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn path_and_query(url: &Url) -> &str {
    &url[url::Position::BeforePath..url::Position::AfterQuery]
}

/// The host to sign: the URL's host, with `:port` when the port is not the scheme's default.
///
/// ```
/// use azure_core::http::Url;
/// use acs_common::hmac::host;
///
/// assert_eq!(host(&Url::parse("https://h.com:443/")?).as_deref(), Some("h.com"));
/// assert_eq!(host(&Url::parse("https://h.com:8443/")?).as_deref(), Some("h.com:8443"));
/// assert_eq!(host(&Url::parse("http://[::1]:9000/")?).as_deref(), Some("[::1]:9000"));
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn host(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// The signature carried by an HMAC `Authorization` header value, when the value has the
/// expected scheme and signed headers.
///
/// ```
/// use acs_common::hmac::{authorization_value, parse_authorization};
///
/// assert_eq!(parse_authorization(&authorization_value("c2ln")), Some("c2ln"));
/// assert_eq!(parse_authorization("Bearer abc"), None);
/// ```
pub fn parse_authorization(value: &str) -> Option<&str> {
    let rest = value.trim().strip_prefix(AUTHORIZATION_PREFIX)?;
    let (signed_headers, signature) = rest.split_once(SIGNATURE_SEPARATOR)?;
    (signed_headers.eq_ignore_ascii_case(SIGNED_HEADERS) && !signature.is_empty()).then_some(signature)
}

/// Server side: checks an `Authorization` header value against the string to sign the server
/// rebuilt from the request it received (with [`string_to_sign`], [`content_hash`] of the body
/// and the received `x-ms-date` and `Host`). The comparison takes constant time.
///
/// A server should also check that `x-ms-content-sha256` equals the hash of the body it received
/// and that `x-ms-date` is recent.
///
/// ```
/// use acs_common::hmac::*;
///
/// let key = AccessKey::new("pw==")?;
/// let to_sign = string_to_sign("GET", "/", "Wed, 13 Apr 2022 18:09:12 GMT",
///     "contoso.communicationservices.azure.com", &content_hash(b""));
/// let header = authorization_value(&compute_signature(&key, &to_sign)?);
/// assert!(verify_authorization(&key, &to_sign, &header).is_ok());
/// assert!(verify_authorization(&key, "GET\n/other\n...", &header).is_err());
/// # Ok::<(), azure_core::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Credential`] when the header is malformed or the signature does not match.
pub fn verify_authorization(key: &AccessKey, string_to_sign: &str, authorization: &str) -> azure_core::Result<()> {
    let received = parse_authorization(authorization).ok_or_else(|| {
        credential_error(format!(
            "the Authorization header is not `{AUTHORIZATION_PREFIX}{SIGNED_HEADERS}{SIGNATURE_SEPARATOR}<signature>`"
        ))
    })?;
    let expected = compute_signature(key, string_to_sign)?;
    // `Secret` compares in constant time.
    if Secret::new(expected) == Secret::new(received.to_owned()) {
        Ok(())
    } else {
        Err(credential_error("the HMAC signature does not match"))
    }
}

/// Signs a request in place for the given date: sets `x-ms-date`, `x-ms-content-sha256` and
/// `Authorization`, computed from the request's final URL and exact body bytes.
///
/// [`HmacAuthPolicy`] calls this with the current time on every try.
///
/// ```
/// use acs_common::hmac::{sign_request, AccessKey};
/// use azure_core::http::{Method, Request, Url};
/// use azure_core::time::OffsetDateTime;
///
/// let mut request = Request::new(Url::parse("https://contoso.communicationservices.azure.com/")?, Method::Get);
/// sign_request(&mut request, &AccessKey::new("pw==")?, OffsetDateTime::from_unix_timestamp(1_649_873_352)?)?;
/// assert_eq!(
///     request.headers().get_optional_str(&"authorization".into()),
///     Some("HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=88MDmJhUR3m5QhFxb8ztShsSwlGrg7g/6XPnWf7QEO4=")
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Other`] when the URL has no host or the body is a stream (its exact bytes are
/// not known before sending).
pub fn sign_request(request: &mut Request, key: &AccessKey, date: OffsetDateTime) -> azure_core::Result<()> {
    let host =
        host(request.url()).ok_or_else(|| invalid_argument("request", "cannot sign a request URL without a host"))?;
    let hash = match request.body() {
        Body::Bytes(bytes) => content_hash(bytes),
        #[allow(unreachable_patterns)]
        _ => {
            return Err(Error::with_message(
                ErrorKind::Other,
                "cannot HMAC-sign a streaming request body: its exact bytes must be known",
            ))
        }
    };
    let date = format_date(date);
    let to_sign = string_to_sign(request.method().as_ref(), path_and_query(request.url()), &date, &host, &hash);
    let signature = compute_signature(key, &to_sign)?;
    request.insert_header(MS_DATE, date);
    request.insert_header(CONTENT_SHA256, hash);
    request.insert_header(AUTHORIZATION, authorization_value(&signature));
    Ok(())
}

/// An `azure_core` policy that HMAC-signs every try of a request with an [`AccessKey`].
///
/// Add it to the per-try policies of a pipeline, so each retry gets a fresh `x-ms-date`. Before
/// signing it checks the URL with
/// [`ensure_credential_safe_url`]: a request to a
/// plain-`http` non-loopback URL fails without being sent.
///
/// # Example
///
/// ```
/// use acs_common::{connection_string::ConnectionString, hmac::HmacAuthPolicy};
/// use azure_core::http::{policies::Policy, ClientOptions, Pipeline};
/// use std::sync::Arc;
///
/// let cs = ConnectionString::parse("endpoint=https://contoso.communication.azure.com/;accesskey=pw==")?;
/// let (endpoint, key) = cs.into_parts();
/// let auth: Arc<dyn Policy> = Arc::new(HmacAuthPolicy::new(key));
/// let pipeline = Pipeline::new(Some("acs_identity"), Some("0.1.0"), ClientOptions::default(),
///     Vec::new(), vec![auth], None);
/// # let _ = (endpoint, pipeline);
/// # Ok::<(), azure_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct HmacAuthPolicy {
    key: AccessKey,
}

impl HmacAuthPolicy {
    /// A policy signing with `key`.
    pub fn new(key: AccessKey) -> Self {
        Self { key }
    }
}

#[async_trait::async_trait]
impl Policy for HmacAuthPolicy {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        ensure_credential_safe_url(request.url())?;
        let Some((first, rest)) = next.split_first() else {
            return Err(Error::with_message(
                ErrorKind::Other,
                "HmacAuthPolicy must not be the last policy of a pipeline",
            ));
        };
        sign_request(request, &self.key, OffsetDateTime::now_utc())?;
        first.send(ctx, request, rest).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Wed, 13 Apr 2022 18:09:12 GMT";
    const HOST: &str = "contoso.communicationservices.azure.com";

    fn sign(path: &str) -> String {
        let key = AccessKey::new("pw==").unwrap();
        let to_sign = string_to_sign("GET", path, DATE, HOST, &content_hash(b""));
        compute_signature(&key, &to_sign).unwrap()
    }

    #[test]
    fn published_vectors() {
        assert_eq!(sign("/"), "88MDmJhUR3m5QhFxb8ztShsSwlGrg7g/6XPnWf7QEO4=");
        assert_eq!(sign("/testPath"), "RoCrHjw7fb9fpHSbqvRUY2xa8RBS0YvI1cxI1x8AS38=");
        assert_eq!(sign("/testPath?testQuery=yes"), "il99+rd6V5O136roX/zVePCNle78HmvC4B7tu9zRH3I=");
        let key = AccessKey::new("pw==").unwrap();
        assert_eq!(compute_signature(&key, "😀").unwrap(), "1rudJKjn2Zi+3hRrBG29wIF6pD6YyAeQR1ZcFtXoKAU=");
    }

    #[test]
    fn date_round_trips_published_vector() {
        let date = azure_core::time::parse_rfc7231(DATE).unwrap();
        assert_eq!(format_date(date), DATE);
        let offset = date.to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap());
        assert_eq!(format_date(offset), DATE);
    }

    #[test]
    fn date_is_zero_padded_gmt() {
        let date = OffsetDateTime::from_unix_timestamp(1_648_962_245).unwrap(); // 2022-04-03 05:04:05 UTC
        assert_eq!(format_date(date), "Sun, 03 Apr 2022 05:04:05 GMT");
    }

    #[test]
    fn parse_authorization_rejects_other_shapes() {
        for value in [
            "",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host&Signature=abc",
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=",
            "HMAC-SHA256 Signature=abc",
        ] {
            assert_eq!(parse_authorization(value), None, "{value}");
        }
    }

    #[test]
    fn access_key_validation() {
        assert!(AccessKey::new("").is_err());
        assert!(AccessKey::new("====").is_err());
        assert!(AccessKey::new("pw").is_ok());
        let error = AccessKey::new("c2VjcmV0!").unwrap_err();
        assert!(!error.to_string().contains("c2VjcmV0"));
    }
}
