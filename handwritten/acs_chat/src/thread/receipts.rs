//! Read receipts and typing notifications.

use super::{idempotent_write, ChatThreadClient};
use crate::convert;
use crate::models::ChatMessageReadReceipt;
use crate::options::*;
use crate::pager::{list, ChatPager};
use acs_chat_models as wire;
use acs_chat_rest::*;
use acs_common::args::wire_count;
use tokio::time::Instant;

impl ChatThreadClient {
    /// Marks the messages up to `message_id` as read by the user.
    ///
    /// Idempotent on the service: when the outcome of the request is unknown (its answer was
    /// lost), it is sent once more.
    ///
    /// # Errors
    ///
    /// When the service refuses the request.
    #[tracing::instrument(name = "acs_chat.send_read_receipt", skip_all, fields(thread_id = %self.thread_id), err)]
    pub async fn send_read_receipt(
        &self,
        message_id: &str,
        options: Option<SendReadReceiptOptions<'_>>,
    ) -> azure_core::Result<()> {
        let options = options.unwrap_or_default();
        let request = wire::SendReadReceiptRequest { chat_message_id: message_id.to_owned() };
        idempotent_write(
            || {
                let body = request.clone().try_into();
                let method_options = options.method_options.clone();
                async move {
                    self.ops()
                        .send_chat_read_receipt(
                            &self.thread_id,
                            body?,
                            Some(ChatThreadSendChatReadReceiptOptions { method_options }),
                        )
                        .await
                        .map(|_| ())
                }
            },
            |_| None,
        )
        .await
    }

    /// The thread's read receipts, as a lazy stream that requests page after page
    /// ([`ChatPager`]).
    ///
    /// An unusable continuation is yielded as an error; the service judges the other options.
    pub fn list_read_receipts(
        &self,
        options: Option<ListReadReceiptsOptions<'_>>,
    ) -> ChatPager<ChatMessageReadReceipt> {
        let span = tracing::info_span!("acs_chat.list_read_receipts", thread_id = %self.thread_id);
        let options = options.unwrap_or_default();
        let (max_page_size, skip) = (options.max_page_size, options.skip);
        list(
            span,
            self.endpoint(),
            options.method_options,
            options.continuation,
            |method_options| {
                let max_page_size = wire_count("max_page_size", max_page_size)?;
                let skip = wire_count("skip", skip)?;
                self.ops().list_chat_read_receipts(
                    &self.thread_id,
                    Some(ChatThreadListChatReadReceiptsOptions { max_page_size, skip, method_options }),
                )
            },
            |page: wire::ChatMessageReadReceiptsCollection| (page.value, page.next_link),
            convert::read_receipt,
        )
    }

    /// Tells the other participants that the user is typing. Returns whether a notification
    /// was sent.
    ///
    /// Like the official JavaScript SDK, at most one notification per
    /// [`TYPING_NOTIFICATION_INTERVAL`](crate::TYPING_NOTIFICATION_INTERVAL) (8 s) goes to a thread from the thread clients of one
    /// [`ChatClient`](crate::ChatClient): a call sooner after the last one sent makes no request
    /// and returns `false`, unless [`ignore_throttle`](SendTypingNotificationOptions::ignore_throttle)
    /// is set. Sending a message resets the throttle. A notification that fails does not count.
    ///
    /// # Errors
    ///
    /// When the service refuses the request.
    #[tracing::instrument(
        name = "acs_chat.send_typing_notification",
        skip_all,
        fields(thread_id = %self.thread_id, sent),
        err
    )]
    pub async fn send_typing_notification(
        &self,
        options: Option<SendTypingNotificationOptions<'_>>,
    ) -> azure_core::Result<bool> {
        let options = options.unwrap_or_default();
        let now = Instant::now();
        let Some(previous) = self.typing.claim(&self.thread_id, now, options.ignore_throttle) else {
            tracing::Span::current().record("sent", false);
            return Ok(false);
        };
        let request = wire::SendTypingNotificationRequest { sender_display_name: options.sender_display_name };
        let result = match request.try_into() {
            Ok(body) => {
                self.ops()
                    .send_typing_notification(
                        &self.thread_id,
                        Some(ChatThreadSendTypingNotificationOptions {
                            send_typing_notification_request: Some(body),
                            method_options: options.method_options,
                        }),
                    )
                    .await
            }
            Err(error) => Err(error),
        };
        if let Err(error) = result {
            self.typing.release(&self.thread_id, now, previous);
            return Err(error);
        }
        tracing::Span::current().record("sent", true);
        Ok(true)
    }
}
