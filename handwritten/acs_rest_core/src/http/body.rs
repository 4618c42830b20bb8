//! Response formats for bodies that are not JSON: raw bytes and text.
//!
//! A generated method returns `Response<Bytes, BinaryFormat>` for a binary body (an image, a file)
//! and `Response<String, TextFormat>` for a text body; `into_model()` gives the bytes or the text,
//! and [`BodyInfo::content_type`] the content type the service sent.

use azure_core::error::ErrorKind;
use azure_core::http::response::ResponseBody;
use azure_core::http::{DeserializeWith, Format};
use azure_core::Bytes;

/// The format of a binary body: `into_model()` gives its bytes, never parsed.
#[derive(Clone, Copy, Debug, Default)]
pub struct BinaryFormat;

impl Format for BinaryFormat {
    fn deserialize<T: serde::de::DeserializeOwned, S: AsRef<[u8]>>(_body: S) -> azure_core::Result<T> {
        Err(azure_core::Error::with_message(ErrorKind::DataConversion, "a binary body is not parsed; read it as bytes"))
    }
}

impl DeserializeWith<BinaryFormat> for Bytes {
    fn deserialize_with(body: ResponseBody) -> azure_core::Result<Self> {
        Ok(body.into())
    }
}

impl DeserializeWith<BinaryFormat> for Vec<u8> {
    fn deserialize_with(body: ResponseBody) -> azure_core::Result<Self> {
        Ok(Bytes::from(body).to_vec())
    }
}

/// The format of a text body (`text/plain` and the like): `into_model()` gives it as a `String`,
/// and fails if it is not UTF-8.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextFormat;

impl Format for TextFormat {
    fn deserialize<T: serde::de::DeserializeOwned, S: AsRef<[u8]>>(_body: S) -> azure_core::Result<T> {
        Err(azure_core::Error::with_message(
            ErrorKind::DataConversion,
            "a text body is not parsed; read it as a string",
        ))
    }
}

impl DeserializeWith<TextFormat> for String {
    fn deserialize_with(body: ResponseBody) -> azure_core::Result<Self> {
        String::from_utf8(Bytes::from(body).to_vec()).map_err(|_| {
            azure_core::Error::with_message(ErrorKind::DataConversion, "the service sent a text body that is not UTF-8")
        })
    }
}

/// What every response tells about its body, whatever the body's type.
pub trait BodyInfo {
    /// The `Content-Type` the service sent (`image/png`, `application/json; charset=utf-8`, …).
    fn content_type(&self) -> Option<String>;
    /// The `Content-Length` the service sent, if it did and it is a number.
    fn content_length(&self) -> Option<u64>;
}

impl<T, F> BodyInfo for azure_core::http::Response<T, F> {
    fn content_type(&self) -> Option<String> {
        self.headers().get_optional_string(&azure_core::http::headers::CONTENT_TYPE)
    }

    fn content_length(&self) -> Option<u64> {
        self.headers()
            .get_optional_string(&azure_core::http::headers::CONTENT_LENGTH)
            .and_then(|v| v.trim().parse().ok())
    }
}
