//! The spec's examples as test cases for the models crate: the `x-ms-examples` of its operations
//! here, its event examples in `events`. Each example is first checked
//! against the spec here: a body that contradicts its own spec (a missing required property, a
//! string where an object is declared, a body on a response that declares none) is upstream's
//! mistake, not ours, so that part of the example is left out of the tests with a warning that
//! says where and why, and the rest is still tested.

mod conform;
mod events;

use conform::{conforms, Strictness};

use crate::emit::{ExampleCase, ExpectedBody};
use crate::error::{Error, Result, SourceLoc};
use crate::ir::{self, BodyKind, ResponseBody, Service, StatusMatch};
use crate::SpecExamples;

/// What each example file must satisfy, from the operation it belongs to (or, for event examples,
/// the model of its event type), with a warning for each part of an example that contradicts the
/// spec and is therefore not tested as valid.
pub fn example_cases(service: &Service, examples: &SpecExamples) -> Result<(Vec<ExampleCase>, Vec<ir::Warning>)> {
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for example in &examples.operations {
        let loc = SourceLoc::new(&example.file, "");
        let mut skip = |location: SourceLoc, message: String| warnings.push(ir::Warning { location, message });
        let operation = service
            .groups
            .iter()
            .flat_map(|g| &g.operations)
            .find(|o| o.operation_id == example.operation_id)
            .ok_or_else(|| Error::at(&loc, format!("example of unknown operation `{}`", example.operation_id)))?;
        let stem = example.file.rsplit('/').next().unwrap_or(&example.file).trim_end_matches(".json");
        let test_name = test_name(stem, &mut names);
        let request = operation.body.as_ref().and_then(|body| {
            let BodyKind::Json(ty) = &body.kind else { return None };
            let value = example.content.get("parameters").and_then(|p| p.get(&body.wire_name));
            match value {
                None if !body.required => None,
                None => {
                    skip(
                        loc.join("parameters"),
                        format!("example request skipped: it has no `{}` body parameter", body.wire_name),
                    );
                    None
                }
                Some(value) => match conforms(value, ty, &service.types, Strictness::Request) {
                    Ok(()) => Some((body.wire_name.clone(), ty.clone())),
                    Err(why) => {
                        skip(
                            loc.join("parameters").join(&body.wire_name),
                            format!("example request skipped: it contradicts the spec ({why})"),
                        );
                        None
                    }
                },
            }
        });
        let empty = serde_json::Map::new();
        let responses = match example.content.get("responses").and_then(|r| r.as_object()) {
            Some(responses) => responses,
            None => {
                skip(loc.join("responses"), "example responses skipped: the example has no `responses` object".into());
                &empty
            }
        };
        let mut checks = Vec::new();
        for (code, response) in responses {
            let response_loc = loc.join("responses").join(code);
            // `default` stands for the error responses.
            let numeric: u16 = match code.parse() {
                Ok(numeric) => numeric,
                Err(_) if code == "default" => 0,
                Err(_) => {
                    skip(response_loc, format!("example response skipped: `{code}` is not a status code"));
                    continue;
                }
            };
            let declared = operation
                .responses
                .iter()
                .find(|r| r.status == StatusMatch::Code(numeric))
                .or_else(|| operation.responses.iter().find(|r| r.status == StatusMatch::Class(numeric / 100)));
            let expected = match declared {
                Some(response) => match &response.body {
                    ResponseBody::Json(ty) => ExpectedBody::Json(ty.clone()),
                    ResponseBody::None => ExpectedBody::None,
                    ResponseBody::Binary | ResponseBody::Text => ExpectedBody::Opaque,
                },
                None if (200..300).contains(&numeric) => {
                    skip(
                        response_loc,
                        format!("example response skipped: `{}` declares no {code} response", operation.operation_id),
                    );
                    continue;
                }
                None => match &operation.error {
                    Some(ty) => ExpectedBody::Json(ty.clone()),
                    None => ExpectedBody::Opaque,
                },
            };
            let body = response.get("body").filter(|b| !b.is_null());
            let verdict = match (&expected, body) {
                (ExpectedBody::Json(_), None) => Err("it has no body, but the spec declares one".to_string()),
                (ExpectedBody::Json(ty), Some(body)) => conforms(body, ty, &service.types, Strictness::Response),
                (ExpectedBody::None, Some(_)) => Err("it has a body, but the spec declares none".to_string()),
                _ => Ok(()),
            };
            match verdict {
                Ok(()) => checks.push((code.clone(), expected)),
                Err(why) => skip(response_loc, format!("example response skipped: it contradicts the spec ({why})")),
            }
        }
        if request.is_some() || !checks.is_empty() {
            cases.push(ExampleCase {
                file: example.file.clone(),
                test_name,
                request,
                responses: checks,
                events: Vec::new(),
            });
        }
    }
    let (event_cases, event_warnings) = events::event_cases(service, &examples.events, &mut names);
    cases.extend(event_cases);
    warnings.extend(event_warnings);
    Ok((cases, warnings))
}

/// A test name from a file's name, unique among `taken`.
fn test_name(stem: &str, taken: &mut std::collections::BTreeSet<String>) -> String {
    let mut name = crate::names::value_name(stem);
    if name.starts_with("r#") || name.ends_with('_') {
        name = format!("example_{}", crate::names::bare(&name).trim_end_matches('_'));
    }
    while !taken.insert(name.clone()) {
        name.push_str("_again");
    }
    name
}
