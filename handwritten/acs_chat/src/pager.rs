//! Lazy lists: [`ChatPager`], a stream of items, and [`ChatPages`], a stream of whole pages.
//!
//! Both are built on the `azure_core` pager of the generated client, which follows the
//! service's `nextLink` (on the client's endpoint, with the client's api-version). Nothing is
//! requested until the stream is polled, and each page is requested only when the items of the
//! previous one are used up.

use azure_core::http::pager::{Page, PagerContinuation, PagerOptions};
use azure_core::http::{Pager, Url};
use futures::stream::{BoxStream, Stream, StreamExt};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One page of a list: its items and where the next page starts.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatPage<T> {
    /// The items of the page, in the service's order.
    pub items: Vec<T>,
    /// The continuation of the list after this page (`None` on the last page). Pass it as the
    /// `continuation` of the list's options to resume there, for example in another process.
    pub continuation: Option<String>,
}

/// A lazy stream of the pages of a list ([`futures::Stream`] of
/// `azure_core::Result<ChatPage<T>>`), from [`ChatPager::into_pages`].
#[must_use = "a list makes no request until it is polled"]
pub struct ChatPages<T> {
    inner: BoxStream<'static, azure_core::Result<ChatPage<T>>>,
    span: tracing::Span,
}

impl<T> fmt::Debug for ChatPages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatPages").finish_non_exhaustive()
    }
}

impl<T> Stream for ChatPages<T> {
    type Item = azure_core::Result<ChatPage<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let _entered = this.span.enter();
        this.inner.poll_next_unpin(cx)
    }
}

/// A lazy stream of the items of a list ([`futures::Stream`] of `azure_core::Result<T>`) that
/// requests page after page as the items are used.
///
/// Use [`futures::TryStreamExt`]: `try_next`, `try_collect`, and so on. For whole pages (and
/// their continuations), call [`into_pages`](Self::into_pages) before taking items.
///
/// An error (from the service, or an invalid option) is yielded as an `Err` item.
#[must_use = "a list makes no request until it is polled"]
pub struct ChatPager<T> {
    pages: ChatPages<T>,
    current: std::vec::IntoIter<T>,
}

impl<T> fmt::Debug for ChatPager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatPager").field("buffered", &self.current.len()).finish_non_exhaustive()
    }
}

impl<T: Send + 'static> ChatPager<T> {
    pub(crate) fn new(pages: BoxStream<'static, azure_core::Result<ChatPage<T>>>, span: tracing::Span) -> Self {
        Self { pages: ChatPages { inner: pages, span }, current: Vec::new().into_iter() }
    }

    /// A pager that yields `error` and ends (for options refused before any request).
    pub(crate) fn failed(error: azure_core::Error, span: tracing::Span) -> Self {
        Self::new(futures::stream::once(async move { Err(error) }).boxed(), span)
    }

    /// The remaining pages, whole. Items already taken from this pager's current page are not
    /// repeated: call this before taking items to get every page.
    pub fn into_pages(self) -> ChatPages<T> {
        self.pages
    }
}

impl<T: Unpin> Stream for ChatPager<T> {
    type Item = azure_core::Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(page))) => this.current = page.items.into_iter(),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// The `azure_core` pager options for a call: its context, and where to resume.
fn pager_options(
    endpoint: &Url,
    method_options: azure_core::http::ClientMethodOptions<'_>,
    continuation: Option<String>,
) -> azure_core::Result<PagerOptions<'static>> {
    let continuation = match continuation {
        None => None,
        Some(text) => {
            let url = Url::parse(&text).or_else(|_| endpoint.join(&text)).map_err(|_| {
                acs_common::error::invalid_argument("continuation", "is not a continuation of a list of this client")
            })?;
            Some(PagerContinuation::Link(url))
        }
    };
    Ok(PagerOptions { context: method_options.context.into_owned(), continuation })
}

/// A list: the generated pager that `request` makes (given the pager options: the call's
/// context, and where to resume), its pages taken apart by `split` and each item converted by
/// `convert`. An unusable continuation is yielded as the list's only item, an error.
pub(crate) fn list<C, W, T>(
    span: tracing::Span,
    endpoint: &Url,
    method_options: azure_core::http::ClientMethodOptions<'_>,
    continuation: Option<String>,
    request: impl FnOnce(PagerOptions<'static>) -> azure_core::Result<Pager<C>>,
    split: fn(C) -> (Vec<W>, Option<String>),
    convert: fn(W) -> azure_core::Result<T>,
) -> ChatPager<T>
where
    C: serde::de::DeserializeOwned + Page + Send + 'static,
    W: Send + 'static,
    T: Send + 'static,
{
    let pages = pager_options(endpoint, method_options, continuation)
        .and_then(request)
        .map(|pager| convert_pages(pager, endpoint.clone(), split, convert));
    match pages {
        Ok(pages) => ChatPager::new(pages, span),
        Err(error) => ChatPager::failed(error, span),
    }
}

/// The pages of a generated pager, converted: `split` takes a page model apart into its wire
/// items and next link, `convert` makes each wire item a user-facing one.
fn convert_pages<C, W, T>(
    pager: Pager<C>,
    endpoint: Url,
    split: fn(C) -> (Vec<W>, Option<String>),
    convert: fn(W) -> azure_core::Result<T>,
) -> BoxStream<'static, azure_core::Result<ChatPage<T>>>
where
    C: serde::de::DeserializeOwned + Page + Send + 'static,
    W: Send + 'static,
    T: Send + 'static,
{
    pager
        .into_pages()
        .map(move |response| {
            let model = response?.into_model()?;
            let (items, next_link) = split(model);
            let items = items.into_iter().map(convert).collect::<azure_core::Result<Vec<T>>>()?;
            let continuation = match next_link.filter(|link| !link.is_empty()) {
                Some(link) => Some(
                    endpoint
                        .join(&link)
                        .map_err(|_| acs_common::error::invalid_data("the service sent an invalid nextLink"))?
                        .to_string(),
                ),
                None => None,
            };
            Ok(ChatPage { items, continuation })
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_resolve_against_the_endpoint() {
        let endpoint = Url::parse("https://contoso.communication.azure.com/").unwrap();
        let absolute = pager_options(&endpoint, Default::default(), Some("https://x.example/a?b=c".into())).unwrap();
        assert_eq!(absolute.continuation.unwrap().as_ref(), "https://x.example/a?b=c");
        let relative = pager_options(&endpoint, Default::default(), Some("/chat/threads?syncState=1".into())).unwrap();
        assert_eq!(
            relative.continuation.unwrap().as_ref(),
            "https://contoso.communication.azure.com/chat/threads?syncState=1"
        );
        assert!(pager_options(&endpoint, Default::default(), None).unwrap().continuation.is_none());
    }
}
