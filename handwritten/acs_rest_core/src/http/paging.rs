//! Lists: an `azure_core` [`Pager`] over `nextLink` pages that stays on the endpoint and always ends.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use azure_core::error::ErrorKind;
use azure_core::http::pager::{Page, PagerContinuation, PagerOptions, PagerResult, PagerState};
use azure_core::http::{Method, Pager, Request, Response};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::client::ClientCore;
use super::errors::{Failure, FailureKind};
use super::limits::Limits;
use super::operation::Operation;
use super::url::service_link;

/// Where a page model keeps its items and its link to the next page (`x-ms-pageable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSpec {
    /// The property holding the items (`itemName`, default `value`).
    pub items: &'static str,
    /// The property holding the next page's link (`nextLinkName`); `None`: there is one page.
    pub next_link: Option<&'static str>,
    /// Whether next pages carry the client's api-version (when the operation takes one).
    pub api_version: bool,
}

/// What the pager tracks across pages to make sure the list ends.
#[derive(Default)]
struct Progress {
    seen: HashSet<String>,
    pages: usize,
    empty_in_a_row: usize,
}

impl Progress {
    fn loop_error(operation: &'static str, message: String) -> azure_core::Error {
        Failure::new(FailureKind::PagingLoop, operation, message).into_error(ErrorKind::DataConversion)
    }

    /// Records a page fetched from `url` with `items` items; fails when the list does not end.
    fn record(
        &mut self,
        operation: &'static str,
        url: &str,
        items: usize,
        has_next: bool,
        limits: &Limits,
    ) -> azure_core::Result<()> {
        if !self.seen.insert(url.to_string()) {
            return Err(Self::loop_error(
                operation,
                "the service's next link points to a page already fetched; the list would never end".into(),
            ));
        }
        self.pages += 1;
        if self.pages > limits.max_pages {
            return Err(Self::loop_error(
                operation,
                format!("the list passed {} pages (Limits::max_pages)", limits.max_pages),
            ));
        }
        if items == 0 && has_next {
            self.empty_in_a_row += 1;
            if self.empty_in_a_row > limits.max_empty_pages {
                return Err(Self::loop_error(
                    operation,
                    format!("the service sent more than {} empty pages in a row that each point to another (Limits::max_empty_pages)", limits.max_empty_pages),
                ));
            }
        } else {
            self.empty_in_a_row = 0;
        }
        Ok(())
    }
}

impl ClientCore {
    /// A pager over the pages of a list operation. `first` is the first page's request; next pages are
    /// GETs of the service's next link, resolved on the endpoint's origin (see
    /// [`url::service_link`](crate::url::service_link)). Each page is a call under the client's limits;
    /// the list fails (rather than loop) when a next link repeats, after [`Limits::max_pages`] pages,
    /// or after [`Limits::max_empty_pages`] empty pages in a row.
    pub fn pager<P>(
        &self,
        first: Request,
        operation: Operation,
        spec: PageSpec,
        options: PagerOptions<'static>,
    ) -> Pager<P>
    where
        P: Page + DeserializeOwned + Send + 'static,
    {
        let core = self.clone();
        let progress = Arc::new(Mutex::new(Progress::default()));
        Pager::new(
            move |state: PagerState, pager_options: PagerOptions<'static>| {
                let core = core.clone();
                let progress = progress.clone();
                let first = first.clone();
                Box::pin(async move {
                    let api_version = spec.api_version.then(|| core.api_version().to_string());
                    let mut request = match state {
                        PagerState::Initial => first,
                        PagerState::More(continuation) => {
                            let url = service_link(
                                core.endpoint(),
                                continuation.as_ref(),
                                api_version.as_deref(),
                                operation.name,
                            )?;
                            let mut next = Request::new(url, Method::Get);
                            for (name, value) in first.headers().iter() {
                                if !matches!(name.as_str(), "content-type" | "content-length") {
                                    next.insert_header(name.clone(), value.clone());
                                }
                            }
                            next
                        }
                    };
                    let url = request.url().to_string();
                    let response = core.send(&pager_options.context, &mut request, &operation).await?;
                    let shape = page_shape(response.body(), spec).map_err(|e| {
                        azure_core::Error::with_error(
                            ErrorKind::DataConversion,
                            e,
                            format!(
                                "{} failed: the service sent a page that is not a valid JSON object",
                                operation.name
                            ),
                        )
                    })?;
                    let next = shape.next_link.filter(|link| !link.is_empty());
                    let limits = Limits::for_call(&pager_options.context, core.limits()).clone();
                    progress
                        .lock()
                        .map_err(|_| {
                            azure_core::Error::with_message(ErrorKind::Other, "the pager's state is poisoned")
                        })?
                        .record(operation.name, &url, shape.items, next.is_some(), &limits)?;
                    let response: Response<P> = response.into();
                    Ok(match next {
                        Some(link) => {
                            let url = service_link(core.endpoint(), &link, api_version.as_deref(), operation.name)?;
                            PagerResult::More { response, continuation: PagerContinuation::Link(url) }
                        }
                        None => PagerResult::Done { response },
                    })
                })
            },
            Some(options),
        )
    }
}

/// The parts of a page the pager needs: the next link and how many items there are.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct PageShape {
    pub(crate) next_link: Option<String>,
    pub(crate) items: usize,
}

/// Reads the next link and the item count of a page without building the page.
pub(crate) fn page_shape(body: &[u8], spec: PageSpec) -> serde_json::Result<PageShape> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let shape = ShapeSeed(spec).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(shape)
}

struct ShapeSeed(PageSpec);

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = PageShape;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<PageShape, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = PageShape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageShape, A::Error> {
        let mut shape = PageShape::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if Some(key.as_ref()) == self.0.next_link {
                shape.next_link = map.next_value::<Option<String>>()?;
            } else if key == self.0.items {
                shape.items = map.next_value::<Option<ItemCount>>()?.map_or(0, |c| c.0);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(shape)
    }
}

/// The length of a JSON array, counted without keeping its items.
struct ItemCount(usize);

impl<'de> serde::Deserialize<'de> for ItemCount {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl<'de> Visitor<'de> for CountVisitor {
            type Value = ItemCount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ItemCount, A::Error> {
                let mut count = 0;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(ItemCount(count))
            }
        }
        deserializer.deserialize_seq(CountVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: PageSpec = PageSpec { items: "value", next_link: Some("nextLink"), api_version: true };

    #[test]
    fn shape_of_a_page() {
        let body = br#"{"value":[{"a":1},{"b":[2]}],"other":{"x":1},"nextLink":"https://h/next"}"#;
        assert_eq!(page_shape(body, SPEC).unwrap(), PageShape { next_link: Some("https://h/next".into()), items: 2 });
        assert_eq!(page_shape(br#"{"value":null,"nextLink":null}"#, SPEC).unwrap(), PageShape::default());
        assert!(page_shape(b"[1]", SPEC).is_err());
        assert!(page_shape(br#"{"value":[]} trailing"#, SPEC).is_err());
    }

    #[test]
    fn progress_refuses_loops() {
        let limits = Limits { max_pages: 3, max_empty_pages: 1, ..Limits::default() };
        let mut progress = Progress::default();
        progress.record("Op", "a", 1, true, &limits).unwrap();
        assert!(progress.record("Op", "a", 1, true, &limits).is_err());
        let mut progress = Progress::default();
        progress.record("Op", "a", 0, true, &limits).unwrap();
        assert!(progress.record("Op", "b", 0, true, &limits).is_err());
        let mut progress = Progress::default();
        for url in ["a", "b", "c"] {
            progress.record("Op", url, 1, true, &limits).unwrap();
        }
        assert!(progress.record("Op", "d", 1, true, &limits).is_err());
    }
}
