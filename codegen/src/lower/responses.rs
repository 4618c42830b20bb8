//! Responses: which statuses are success (codes and `2XX`-style classes), each one's body (JSON model,
//! binary, text or none) and declared headers, and the error model.

use openapiv3::{Operation as OaOperation, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;

use super::operations::{is_json, is_text};
use super::schemas::is_binary;
use super::Lowerer;
use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;
use crate::names::value_name;

impl<'a> Lowerer<'a> {
    pub(crate) fn responses(
        &mut self,
        operation: &'a OaOperation,
        method: Method,
        context: &str,
        loc: &SourceLoc,
    ) -> Result<(Vec<SuccessResponse>, Option<TypeRef>)> {
        let mut successes = Vec::new();
        let mut error: Option<TypeRef> = None;
        let listed = operation.responses.responses.iter().map(|(code, r)| (Some(code), r));
        for (code, response) in listed.chain(operation.responses.default.iter().map(|r| (None, r))) {
            let code_text = code.map_or("default".to_string(), |c| c.to_string());
            let response_loc = loc.join("responses").join(&code_text);
            let ReferenceOr::Item(response) = response else {
                return Err(Error::at(&response_loc, "unexpected response $ref after bundling"));
            };
            let status = match code {
                Some(StatusCode::Code(n)) => Some(StatusMatch::Code(*n)),
                Some(StatusCode::Range(class)) => Some(StatusMatch::Class(*class)),
                None => None,
            };
            let declared_error = response.extensions.get("x-ms-error-response").and_then(Value::as_bool);
            let is_error = match (declared_error, status) {
                (Some(flag), _) => flag,
                (None, None) => true,
                (None, Some(StatusMatch::Code(n))) => n >= 400,
                (None, Some(StatusMatch::Class(c))) => c >= 4,
            };
            if is_error {
                let json = response.content.iter().find(|(m, _)| is_json(m)).and_then(|(_, m)| m.schema.as_ref());
                if let Some(schema) = json {
                    let ty = self.type_ref(schema.into(), &format!("{context}Error"), &response_loc)?;
                    match &error {
                        Some(existing) if *existing != ty => {
                            self.warn(
                                &response_loc,
                                "error responses with different models: only the first is documented",
                            );
                        }
                        Some(_) => {}
                        None => error = Some(ty),
                    }
                }
                continue;
            }
            let Some(status) = status else { continue };
            let body = if method == Method::Head {
                ResponseBody::None
            } else {
                self.response_body(response, context, &response_loc)?
            };
            let mut headers = Vec::new();
            for (name, header) in &response.headers {
                let header_loc = response_loc.join("headers").join(name);
                let ReferenceOr::Item(header) = header else {
                    return Err(Error::at(&header_loc, "unexpected header $ref after bundling"));
                };
                let ParameterSchemaOrContent::Schema(schema) = &header.format else {
                    return Err(Error::at(&header_loc, "unsupported construct: a header with `content`"));
                };
                let wire_name = name.to_ascii_lowercase();
                let ty = self.header_type(
                    schema,
                    &format!("{context}{}", crate::names::name_part(&wire_name)),
                    &header_loc,
                )?;
                let prefix = super::extension_str(&header.extensions, "x-ms-header-collection-prefix")
                    .map(str::to_ascii_lowercase);
                headers.push(ResponseHeader {
                    name: header_accessor(&wire_name),
                    wire_name,
                    doc: header.description.clone().unwrap_or_default(),
                    ty: if prefix.is_some() { TypeRef::Map(Box::new(TypeRef::String)) } else { ty },
                    prefix,
                });
            }
            successes.push(SuccessResponse { status, body, headers });
        }
        if successes.is_empty() {
            return Err(Error::at(&loc.join("responses"), "the operation has no success (2xx) response"));
        }
        successes.sort_by_key(|r| r.status);
        Ok((successes, error))
    }

    fn response_body(
        &mut self,
        response: &'a openapiv3::Response,
        context: &str,
        loc: &SourceLoc,
    ) -> Result<ResponseBody> {
        let Some((media_type, media)) = response.content.iter().find(|(_, m)| m.schema.is_some()) else {
            return Ok(ResponseBody::None);
        };
        let schema = media.schema.as_ref().expect("found with a schema");
        let binary = match schema {
            ReferenceOr::Item(s) => is_binary(s),
            ReferenceOr::Reference { reference } => {
                reference.strip_prefix(super::SCHEMA_PREFIX).is_some_and(|name| self.is_binary_component(name))
            }
        };
        // `format: byte` answered as an image or other non-JSON media is the raw bytes, not base64 JSON.
        let bytes = matches!(schema, ReferenceOr::Item(s) if matches!(&s.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::String(t)) if matches!(t.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Byte))));
        if binary || (bytes && response.content.keys().any(|m| !is_json(m))) {
            return Ok(ResponseBody::Binary);
        }
        if let Some((_, json)) = response.content.iter().find(|(m, _)| is_json(m)) {
            if let Some(schema) = &json.schema {
                return Ok(ResponseBody::Json(self.type_ref(schema.into(), &format!("{context}Response"), loc)?));
            }
        }
        let string = matches!(schema, ReferenceOr::Item(s) if super::schemas::is_plain_string(s));
        if string && is_text(media_type) {
            return Ok(ResponseBody::Text);
        }
        if !response.content.keys().all(|m| {
            m.starts_with("image/") || m.starts_with("audio/") || m.starts_with("video/") || m.contains("octet-stream")
        }) {
            self.warn(
                loc,
                format!("a response body of media type `{media_type}` with a schema is returned as raw bytes (it is not parsed)"),
            );
        }
        Ok(ResponseBody::Binary)
    }
}

/// The accessor name of a response header: snake case, without the `x-ms-` prefix.
fn header_accessor(wire_name: &str) -> String {
    let short = wire_name.strip_prefix("x-ms-").filter(|s| !s.is_empty()).unwrap_or(wire_name);
    value_name(short)
}
