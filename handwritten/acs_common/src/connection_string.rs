//! Connection strings: `endpoint=https://<resource>.communication.azure.com/;accesskey=<key>`.

use crate::error::invalid_argument;
use crate::hmac::AccessKey;
use azure_core::http::Url;
use std::fmt;
use std::str::FromStr;

const EXPECTED_FORMAT: &str = "expected `endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>`";

/// A parsed ACS connection string: the resource endpoint and its access key.
///
/// Parsing rules: parts are separated by `;` (empty parts are ignored), each part is
/// `name=value` split at the *first* `=` (so the key's base64 padding is kept), names are
/// case-insensitive and may come in any order, and surrounding whitespace is trimmed. Other names
/// are ignored. The endpoint must be an `https` URL (or `http` to a loopback host, for a local
/// emulator) without credentials, path, query or fragment; the access key must be valid base64.
///
/// Error messages never contain the key, and `Debug` redacts it.
///
/// # Example
///
/// ```
/// use acs_common::connection_string::ConnectionString;
///
/// let cs: ConnectionString =
///     "AccessKey=c2VjcmV0LWtleQ==;Endpoint=https://contoso.communication.azure.com/".parse()?;
/// assert_eq!(cs.endpoint().as_str(), "https://contoso.communication.azure.com/");
/// assert_eq!(cs.access_key().secret(), "c2VjcmV0LWtleQ==");
/// assert!(!format!("{cs:?}").contains("c2VjcmV0LWtleQ=="));
///
/// let error = ConnectionString::parse("endpoint=https://contoso.communication.azure.com/")
///     .unwrap_err();
/// assert!(error.to_string().contains("accesskey"));
/// # Ok::<(), azure_core::Error>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct ConnectionString {
    endpoint: Url,
    access_key: AccessKey,
}

impl ConnectionString {
    /// Parses a connection string.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Other`](azure_core::error::ErrorKind::Other) when a part is missing or
    /// repeated, a part has no `=`, the endpoint is not a valid `https` (or loopback `http`) URL,
    /// or the key is not valid base64.
    pub fn parse(connection_string: &str) -> azure_core::Result<Self> {
        let mut endpoint: Option<&str> = None;
        let mut access_key: Option<&str> = None;
        for (index, part) in connection_string.split(';').enumerate() {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((name, value)) = part.split_once('=') else {
                return Err(invalid_argument(
                    "connection_string",
                    format!("part {} has no `=`; {EXPECTED_FORMAT}", index + 1),
                ));
            };
            let name = name.trim();
            let slot = if name.eq_ignore_ascii_case("endpoint") {
                &mut endpoint
            } else if name.eq_ignore_ascii_case("accesskey") {
                &mut access_key
            } else {
                continue;
            };
            if slot.is_some() {
                return Err(invalid_argument(
                    "connection_string",
                    format!("`{}` appears more than once", name.to_ascii_lowercase()),
                ));
            }
            *slot = Some(value.trim());
        }
        let endpoint = endpoint
            .filter(|e| !e.is_empty())
            .ok_or_else(|| invalid_argument("connection_string", format!("it has no `endpoint`; {EXPECTED_FORMAT}")))?;
        let access_key = access_key.filter(|k| !k.is_empty()).ok_or_else(|| {
            invalid_argument("connection_string", format!("it has no `accesskey`; {EXPECTED_FORMAT}"))
        })?;
        let endpoint = crate::security::parse_endpoint("connection_string endpoint", endpoint)?;
        let access_key = AccessKey::new(access_key.to_owned())
            .map_err(|_| invalid_argument("connection_string", "its `accesskey` is not valid base64"))?;
        Ok(Self { endpoint, access_key })
    }

    /// The resource endpoint, with path `/`.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// The access key.
    pub fn access_key(&self) -> &AccessKey {
        &self.access_key
    }

    /// The endpoint and the key.
    pub fn into_parts(self) -> (Url, AccessKey) {
        (self.endpoint, self.access_key)
    }
}

impl FromStr for ConnectionString {
    type Err = azure_core::Error;

    fn from_str(s: &str) -> azure_core::Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionString")
            .field("endpoint", &self.endpoint.as_str())
            .field("access_key", &self.access_key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "c2VjcmV0LWtleS12YWx1ZQ==";

    #[test]
    fn any_order_any_case_and_padding_kept() {
        for text in [
            format!("endpoint=https://a.communication.azure.com/;accesskey={KEY}"),
            format!("ACCESSKEY={KEY};ENDPOINT=https://a.communication.azure.com"),
            format!(" Endpoint = https://a.communication.azure.com/ ; AccessKey = {KEY} ;"),
            format!(";;endpoint=https://a.communication.azure.com/;other=x=y;accesskey={KEY}"),
        ] {
            let cs = ConnectionString::parse(&text).unwrap();
            assert_eq!(cs.endpoint().as_str(), "https://a.communication.azure.com/");
            assert_eq!(cs.access_key().secret(), KEY);
        }
    }

    #[test]
    fn loopback_http_and_ports() {
        let cs = ConnectionString::parse(&format!("endpoint=http://127.0.0.1:8080;accesskey={KEY}")).unwrap();
        assert_eq!(cs.endpoint().as_str(), "http://127.0.0.1:8080/");
        let cs = ConnectionString::parse(&format!("endpoint=https://h:8443/;accesskey={KEY}")).unwrap();
        assert_eq!(cs.endpoint().port(), Some(8443));
    }

    #[test]
    fn errors_are_clear_and_do_not_echo_the_key() {
        let secret = "c2VjcmV0LWtleS12YWx1ZQ";
        let cases = [
            (format!("accesskey={secret}=="), "no `endpoint`"),
            ("endpoint=https://a.b/".to_owned(), "no `accesskey`"),
            ("endpoint=https://a.b/;accesskey=".to_owned(), "no `accesskey`"),
            (format!("endpoint=;accesskey={secret}=="), "no `endpoint`"),
            (format!("endpoint=https://a.b/;accesskey={secret}!!"), "not valid base64"),
            (format!("endpoint=https://a.b/;accesskey={secret}=;accesskey=x"), "more than once"),
            (format!("endpoint=http://a.b/;accesskey={secret}=="), "plain http"),
            (format!("endpoint=ftp://a.b/;accesskey={secret}=="), "https scheme"),
            (format!("endpoint=a.b;accesskey={secret}=="), "not an absolute URL"),
            (format!("endpoint=https://a.b/path;accesskey={secret}=="), "path"),
            (format!("endpoint=https://a.b/?q=1;accesskey={secret}=="), "query"),
            (format!("endpoint=https://u:p@a.b/;accesskey={secret}=="), "user information"),
            (format!("endpoint=https://a.b/,accesskey={secret}=="), "no `accesskey`"),
            (secret.to_owned(), "has no `=`"),
            (String::new(), "no `endpoint`"),
        ];
        for (text, expected) in cases {
            let error = ConnectionString::parse(&text).unwrap_err();
            let message = error.to_string();
            assert!(message.contains(expected), "{text}: {message}");
            assert!(!message.contains(secret), "{message}");
            assert!(!format!("{error:?}").contains(secret));
        }
    }
}
