//! `x-ms-pageable` (lists) and `x-ms-long-running-operation` (pollers).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::Operation as OaOperation;
use serde_json::Value;

use super::Lowerer;
use crate::error::{Error, Result, SourceLoc};
use crate::ir::*;

impl<'a> Lowerer<'a> {
    pub(crate) fn paging(
        &mut self,
        pageable: &Value,
        responses: &[SuccessResponse],
        loc: &SourceLoc,
    ) -> Result<Paging> {
        let item_name = match pageable.get("itemName") {
            None | Some(Value::Null) => "value",
            Some(Value::String(name)) => name.as_str(),
            Some(_) => return Err(Error::at(loc, "x-ms-pageable itemName must be a string")),
        };
        let next_link = match pageable.get("nextLinkName") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(name.clone()),
            Some(_) => return Err(Error::at(loc, "x-ms-pageable nextLinkName must be a string or null")),
        };
        // `operationName` names the operation AutoRest generates for next pages; here next pages are
        // always a GET of the next link, which is what that operation does.
        let model = match responses.iter().find_map(|r| match &r.body {
            ResponseBody::Json(TypeRef::Named(name)) => Some(name.clone()),
            _ => None,
        }) {
            Some(model) => model,
            None => return Err(Error::at(loc, "a pageable operation must return a model")),
        };
        let page = match self.types.get(&model) {
            Some(TypeDef::Struct(page)) => page,
            Some(TypeDef::Alias(AliasDef { target: TypeRef::Named(target), .. })) => match self.types.get(target) {
                Some(TypeDef::Struct(page)) => page,
                _ => {
                    return Err(Error::at(
                        loc,
                        format!("a pageable operation must return an object model, not `{model}`"),
                    ))
                }
            },
            _ => {
                return Err(Error::at(loc, format!("a pageable operation must return an object model, not `{model}`")))
            }
        };
        let explicit = pageable.get("itemName").is_some_and(|v| !v.is_null());
        let arrays: Vec<&Field> = page.fields.iter().filter(|f| matches!(f.ty, TypeRef::Array(_))).collect();
        let items = match page.fields.iter().find(|f| f.wire_name == item_name) {
            Some(items) => items,
            // No `itemName` and no `value`: the page's one array property holds the items.
            None if !explicit && arrays.len() == 1 => arrays[0],
            None => return Err(Error::at(loc, format!("`{model}` has no item property `{item_name}`"))),
        };
        let item_name = items.wire_name.as_str();
        let TypeRef::Array(item_type) = &items.ty else {
            return Err(Error::at(loc, format!("`{model}.{item_name}` must be an array")));
        };
        if let Some(next_link) = &next_link {
            let field = page
                .fields
                .iter()
                .find(|f| &f.wire_name == next_link)
                .ok_or_else(|| Error::at(loc, format!("`{model}` has no next-link property `{next_link}`")))?;
            if field.ty != TypeRef::String {
                return Err(Error::at(loc, format!("`{model}.{next_link}` must be a string")));
            }
        }
        Ok(Paging {
            page: page.name.clone(),
            item_field: item_name.to_string(),
            item_field_rust: items.name.clone(),
            item_field_required: items.required,
            item_type: (**item_type).clone(),
            next_link_field: next_link,
        })
    }

    pub(crate) fn lro(
        &mut self,
        operation: &'a OaOperation,
        responses: &[SuccessResponse],
        loc: &SourceLoc,
    ) -> Result<Lro> {
        let options_loc = loc.join("x-ms-long-running-operation-options");
        let final_state_via = match operation
            .extensions
            .get("x-ms-long-running-operation-options")
            .and_then(|o| o.get("final-state-via"))
        {
            None => None,
            Some(Value::String(via)) => Some(match via.to_ascii_lowercase().as_str() {
                "azure-async-operation" => FinalStateVia::AzureAsyncOperation,
                "location" => FinalStateVia::Location,
                "operation-location" => FinalStateVia::OperationLocation,
                "original-uri" => FinalStateVia::OriginalUri,
                other => {
                    return Err(Error::at(
                        &options_loc.join("final-state-via"),
                        format!("unknown final-state-via `{other}`"),
                    ));
                }
            }),
            Some(_) => return Err(Error::at(&options_loc.join("final-state-via"), "final-state-via must be a string")),
        };
        let body_of = |code: u16| {
            responses.iter().find_map(|r| match (&r.status, &r.body) {
                (StatusMatch::Code(c), ResponseBody::Json(ty)) if *c == code => Some(ty.clone()),
                _ => None,
            })
        };
        // The final result: what a finished operation answers (200/201), else what the first answer holds.
        let output = body_of(200).or_else(|| body_of(201)).or_else(|| body_of(202)).or_else(|| {
            responses.iter().find_map(|r| match &r.body {
                ResponseBody::Json(ty) => Some(ty.clone()),
                _ => None,
            })
        });
        if responses.iter().any(|r| matches!(r.body, ResponseBody::Binary | ResponseBody::Text)) {
            return Err(Error::at(loc, "unsupported construct: a long-running operation with a binary or text result"));
        }
        Ok(Lro { final_state_via, monitor: None, output })
    }
}

/// Chooses each long-running operation's status monitor: the model of its first answer when that is
/// a struct with a `status` property, and when every operation that would use it as a monitor has
/// the same final result (a type has one `StatusMonitor::Output`); otherwise the runtime's generic one.
pub(crate) fn attach_monitors(groups: &mut [OperationGroup], types: &BTreeMap<String, TypeDef>) {
    let candidate = |op: &Operation| -> Option<String> {
        let lro = op.lro.as_ref()?;
        let first = op
            .responses
            .iter()
            .find(|r| matches!(r.status, StatusMatch::Code(201 | 202)))
            .or_else(|| op.responses.first())?;
        let ResponseBody::Json(TypeRef::Named(name)) = &first.body else { return None };
        let TypeDef::Struct(model) = types.get(name)? else { return None };
        let status = model.fields.iter().find(|f| f.wire_name == "status")?;
        let status_is_text = match &status.ty {
            TypeRef::String => true,
            TypeRef::Named(e) => matches!(types.get(e), Some(TypeDef::Enum(_))),
            _ => false,
        };
        (status_is_text && lro.output.is_some()).then(|| name.clone())
    };
    let mut outputs: BTreeMap<String, BTreeSet<Option<TypeRef>>> = BTreeMap::new();
    for op in groups.iter().flat_map(|g| &g.operations) {
        if let Some(monitor) = candidate(op) {
            outputs.entry(monitor).or_default().insert(op.lro.as_ref().and_then(|l| l.output.clone()));
        }
    }
    for op in groups.iter_mut().flat_map(|g| &mut g.operations) {
        if let Some(monitor) = candidate(op) {
            if outputs.get(&monitor).is_some_and(|o| o.len() == 1) {
                if let Some(lro) = &mut op.lro {
                    lro.monitor = Some(monitor);
                }
            }
        }
    }
}
