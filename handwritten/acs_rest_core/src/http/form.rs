//! Form bodies (Swagger `formData` parameters): `multipart/form-data` with file and text parts, or
//! `application/x-www-form-urlencoded` pairs.
//!
//! ```
//! use acs_rest_core::form::Form;
//!
//! let mut form = Form::multipart();
//! form.text("caption", "a cat");
//! form.file("image", azure_core::Bytes::from_static(b"\x89PNG"));
//! let (content_type, body) = form.finish();
//! assert!(content_type.starts_with("multipart/form-data; boundary="));
//! assert!(body.windows(7).any(|w| w == b"a cat\r\n"));
//!
//! let mut form = Form::urlencoded();
//! form.text("q", "a b&c");
//! assert_eq!(form.finish().1, "q=a+b%26c");
//! ```

use azure_core::Bytes;

enum Part {
    Text(String, String),
    File(String, Bytes),
}

/// A form body being built.
pub struct Form {
    multipart: bool,
    parts: Vec<Part>,
}

impl Form {
    /// A `multipart/form-data` body.
    pub fn multipart() -> Self {
        Self { multipart: true, parts: Vec::new() }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn urlencoded() -> Self {
        Self { multipart: false, parts: Vec::new() }
    }

    /// Adds a text field.
    pub fn text(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.parts.push(Part::Text(name.to_string(), value.into()));
        self
    }

    /// Adds a file field (sent as `application/octet-stream`, its name as the file name).
    pub fn file(&mut self, name: &str, content: impl Into<Bytes>) -> &mut Self {
        self.parts.push(Part::File(name.to_string(), content.into()));
        self
    }

    /// The body's content type and bytes.
    pub fn finish(self) -> (String, Bytes) {
        if !self.multipart {
            let mut pairs = url::form_urlencoded::Serializer::new(String::new());
            for part in &self.parts {
                match part {
                    Part::Text(name, value) => pairs.append_pair(name, value),
                    Part::File(name, bytes) => pairs.append_pair(name, &String::from_utf8_lossy(bytes)),
                };
            }
            return ("application/x-www-form-urlencoded".to_string(), Bytes::from(pairs.finish()));
        }
        let boundary = format!("acs-{}", azure_core::Uuid::new_v4().simple());
        let mut body = Vec::new();
        let quoted = |name: &str| name.replace('\\', "\\\\").replace('"', "\\\"");
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text(name, value) => {
                    body.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{}\"\r\n\r\n", quoted(name)).as_bytes(),
                    );
                    body.extend_from_slice(value.as_bytes());
                }
                Part::File(name, bytes) => {
                    let name = quoted(name);
                    body.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                            .as_bytes(),
                    );
                    body.extend_from_slice(bytes);
                }
            }
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), Bytes::from(body))
    }
}
