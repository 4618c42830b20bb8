//! Event examples as test cases: each event of a file is matched to the model of its event type and
//! checked against it. A model is found by the convention of Event Grid specs: the model documented
//! as "… for a `{event type}` event", else the one named `…{last segment of the type}EventData`. An
//! event that contradicts its model is still tested, as a contradiction, so the generated tests say
//! which upstream examples predate the spec (and fail once upstream fixes them, prompting a regen).

use std::collections::BTreeSet;

use serde_json::Value;

use super::conform::{conforms, Strictness};
use crate::emit::{EventCheck, ExampleCase};
use crate::error::SourceLoc;
use crate::ir::{self, Service, TypeDef, TypeRef};
use crate::load::EventExampleFile;

/// The cases of the event example files, with a warning for each event that is not tested as valid.
pub(super) fn event_cases(
    service: &Service,
    files: &[EventExampleFile],
    names: &mut BTreeSet<String>,
) -> (Vec<ExampleCase>, Vec<ir::Warning>) {
    let mut cases = Vec::new();
    let mut warnings = Vec::new();
    for example in files {
        let events: Vec<(String, &Value)> = match &example.content {
            Value::Array(items) => items.iter().enumerate().map(|(i, e)| (format!("/{i}"), e)).collect(),
            event => vec![(String::new(), event)],
        };
        let mut checks = Vec::new();
        for (pointer, event) in events {
            let event_loc = SourceLoc::new(&example.file, &pointer);
            let event_type = ["eventType", "type"].iter().find_map(|k| event.get(*k).and_then(Value::as_str));
            let (Some(event_type), Some(data)) = (event_type, event.get("data")) else {
                warnings.push(ir::Warning {
                    location: event_loc,
                    message: "event example skipped: it has no `eventType`/`type` and `data`".into(),
                });
                continue;
            };
            let model = model_of(service, event_type);
            if model.is_none() {
                warnings.push(ir::Warning {
                    location: event_loc.clone(),
                    message: format!(
                        "event example not checked: no model of the spec is documented for `{event_type}`"
                    ),
                });
            }
            let contradiction = model.as_ref().and_then(|model| {
                conforms(data, &TypeRef::Named(model.clone()), &service.types, Strictness::Response).err()
            });
            if let Some(why) = &contradiction {
                warnings.push(ir::Warning {
                    location: event_loc.join("data"),
                    message: format!("event example tested as contradicting the spec ({why})"),
                });
            }
            checks.push(EventCheck {
                pointer: format!("{pointer}/data"),
                event_type: event_type.to_string(),
                model,
                contradiction,
            });
        }
        if checks.is_empty() {
            continue;
        }
        let mut segments = example.file.rsplit('/');
        let stem = segments.next().unwrap_or_default().trim_end_matches(".json");
        let folder = segments.next().unwrap_or_default();
        let test_name = super::test_name(&format!("{folder}_{stem}"), names);
        cases.push(ExampleCase {
            file: example.file.clone(),
            test_name,
            request: None,
            responses: Vec::new(),
            events: checks,
        });
    }
    (cases, warnings)
}

/// The model of `event_type`: documented as its data, else named after it (and unique).
fn model_of(service: &Service, event_type: &str) -> Option<String> {
    let structs = || {
        service.types.values().filter_map(|def| match def {
            TypeDef::Struct(s) => Some(s),
            _ => None,
        })
    };
    let documented =
        structs().find(|s| documented_event_type(&s.doc).is_some_and(|t| t.eq_ignore_ascii_case(event_type)));
    if let Some(s) = documented {
        return Some(s.name.clone());
    }
    let segment = event_type.rsplit('.').next()?;
    let suffix = format!("{segment}EventData");
    let mut named = structs().filter(|s| {
        s.name
            .strip_suffix(&suffix)
            .is_some_and(|prefix| prefix.is_empty() || prefix.ends_with(|c: char| c.is_ascii_alphanumeric()))
    });
    match (named.next(), named.next()) {
        (Some(s), None) => Some(s.name.clone()),
        _ => None,
    }
}

/// The event type in a model's description "… for a `Type.Name` event", if it says so.
fn documented_event_type(doc: &str) -> Option<&str> {
    let words: Vec<&str> = doc.split_whitespace().collect();
    words.windows(4).find_map(|w| {
        let is_article = w[1].eq_ignore_ascii_case("a") || w[1].eq_ignore_ascii_case("an");
        let event = w[3].trim_end_matches(['.', ',', ';']);
        (w[0].eq_ignore_ascii_case("for") && is_article && event.eq_ignore_ascii_case("event") && w[2].contains('.'))
            .then(|| w[2].trim_matches('`'))
    })
}

#[cfg(test)]
mod tests {
    use super::documented_event_type;

    #[test]
    fn reads_the_event_type_of_a_description() {
        assert_eq!(
            documented_event_type("Schema of the Data property of an EventGridEvent for a Microsoft.Communication.ChatMessageEdited event."),
            Some("Microsoft.Communication.ChatMessageEdited")
        );
        assert_eq!(documented_event_type("Schema of common properties of all chat thread events"), None);
        assert_eq!(documented_event_type("for an `X.Y` event"), Some("X.Y"));
    }
}
