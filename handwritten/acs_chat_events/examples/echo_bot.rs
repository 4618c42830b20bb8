//! An echo bot: it receives chat events on a webhook and answers every user message with an echo,
//! through `ChatThreadClient`.
//!
//! ```sh
//! # On a laptop: an emulator in this process delivers events to the bot's webhook; a user
//! # says three things in a thread and the bot answers each.
//! cargo run -p acs_chat_events --example echo_bot
//!
//! # Against Azure: the bot listens on ECHO_BOT_LISTEN (default 127.0.0.1:8080), at the path
//! # /events; create an Event Grid subscription of your ACS resource to the public URL printed,
//! # with the chat events, and add the bot's user (printed) to a thread.
//! ACS_CONNECTION_STRING="endpoint=https://<resource>.communication.azure.com/;accesskey=<key>" \
//! ECHO_BOT_PUBLIC_URL="https://<your tunnel or host>" \
//!     cargo run -p acs_chat_events --example echo_bot
//! ```
//!
//! The webhook URL carries a shared secret (`?key=…`, from ECHO_BOT_KEY or generated) that the
//! handler checks. Event Grid delivers at least once, so the bot remembers the events it answered.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acs_chat::{
    ChatClient, ChatParticipant, CommunicationTokenCredential, CreateChatThreadOptions, SendMessageOptions,
};
use acs_chat_events::{router, ChatEvent, EventEnvelope, Webhook, WebhookOptions};
use acs_common::ConnectionString;
use acs_identity::{CommunicationIdentityClient, CommunicationTokenScope};
use tokio::sync::mpsc;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How many answered event ids the bot remembers (Event Grid redelivers within minutes).
const REMEMBERED: usize = 10_000;

struct Bot {
    chat: ChatClient,
    /// The bot's own user, whose messages (its echoes) it ignores.
    me: String,
    answered: Mutex<(HashSet<String>, VecDeque<String>)>,
    /// Each echo sent (for the local demo, which stops after its messages are answered).
    echoed: mpsc::UnboundedSender<String>,
}

impl Bot {
    async fn on_events(&self, events: Vec<EventEnvelope>) -> Result<(), BoxError> {
        for envelope in events {
            let ChatEvent::MessageReceivedInThread(message) = &envelope.event else {
                println!("bot: event {} (ignored)", envelope.event_type);
                continue;
            };
            if message.sender.as_ref().is_some_and(|sender| sender.raw_id() == self.me) {
                continue;
            }
            if self.answered.lock().unwrap_or_else(|e| e.into_inner()).0.contains(&envelope.id) {
                println!("bot: event {} delivered again; already answered", envelope.id);
                continue;
            }
            let text = message.body.as_deref().unwrap_or_default();
            let who = message.sender_display_name.as_deref().unwrap_or("someone");
            println!("bot: {who} said {text:?} in {}", message.thread_id);
            let options = SendMessageOptions {
                sender_display_name: Some("Echo bot".into()),
                // Safe to repeat should the send's outcome be unknown.
                client_message_id: Some(envelope.id.clone()),
                ..Default::default()
            };
            let thread = self.chat.chat_thread_client(&message.thread_id)?;
            let echo = format!("echo: {text}");
            // An error here answers 500, and Event Grid delivers the event again later.
            let sent = thread.send_message(&echo, Some(options)).await?;
            println!("bot: answered {echo:?} (message {})", sent.id);
            self.remember(envelope.id);
            let _ = self.echoed.send(echo);
        }
        Ok(())
    }

    fn remember(&self, event_id: String) {
        let mut answered = self.answered.lock().unwrap_or_else(|e| e.into_inner());
        let (set, order) = &mut *answered;
        if set.insert(event_id.clone()) {
            order.push_back(event_id);
        }
        while order.len() > REMEMBERED {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
    }
}

fn random_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let azure = std::env::var("ACS_CONNECTION_STRING").ok().filter(|c| !c.trim().is_empty());
    let key = std::env::var("ECHO_BOT_KEY").ok().filter(|k| !k.is_empty()).unwrap_or_else(random_key);
    let listen = match (&azure, std::env::var("ECHO_BOT_LISTEN")) {
        (_, Ok(address)) => address,
        (Some(_), Err(_)) => "127.0.0.1:8080".to_owned(),
        (None, Err(_)) => "127.0.0.1:0".to_owned(),
    };
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let local = listener.local_addr()?;

    // Azure when a connection string is given, otherwise an emulator in this process.
    let (connection_string, emulator) = match &azure {
        Some(connection_string) => (connection_string.clone(), None),
        None => {
            let emulator = acs_emulator::Emulator::start().await?;
            println!("ACS_CONNECTION_STRING is not set: started a local emulator at {}", emulator.endpoint());
            (emulator.connection_string().to_owned(), Some(emulator))
        }
    };
    let endpoint = ConnectionString::parse(&connection_string)?.endpoint().to_string();
    let identity = Arc::new(CommunicationIdentityClient::from_connection_string(&connection_string, None)?);

    // The bot's own user, with a credential that fetches a new token before the old one expires.
    let me = identity.create_user(None).await?;
    let refresher = {
        let (identity, me) = (Arc::clone(&identity), me.clone());
        move || {
            let (identity, me) = (Arc::clone(&identity), me.clone());
            async move { identity.get_token(&me, [CommunicationTokenScope::Chat], None).await }
        }
    };
    let credential = CommunicationTokenCredential::with_refresher(
        refresher,
        acs_common::credential::RefreshOptions { proactive_refresh: true, ..Default::default() },
    )?;
    let chat = ChatClient::new(&endpoint, credential, None)?;
    println!("bot: I am {}", me.raw_id());

    let (echoed, mut echoes) = mpsc::unbounded_channel();
    let bot = Arc::new(Bot { chat, me: me.raw_id().to_owned(), answered: Mutex::default(), echoed });
    let webhook = Webhook::new(WebhookOptions { secret: Some(key.clone()), ..Default::default() });
    let app = router("/events", webhook, move |events| {
        let bot = Arc::clone(&bot);
        async move { bot.on_events(events).await }
    });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let Some(emulator) = emulator else {
        let public = std::env::var("ECHO_BOT_PUBLIC_URL").unwrap_or_else(|_| format!("http://{local}"));
        println!(
            "bot: listening on {local}; subscribe Event Grid to {}/events?key=<ECHO_BOT_KEY>",
            public.trim_end_matches('/')
        );
        println!("bot: add {} to a thread and say something; Ctrl-C stops", me.raw_id());
        tokio::signal::ctrl_c().await?;
        return Ok(());
    };

    // The local demo: the emulator delivers to the bot's webhook, a user talks to it.
    let url = format!("http://{local}/events?key={key}");
    let subscription = acs_emulator::EventSubscription::new(url, acs_emulator::EventSchema::EventGrid)
        .with_event_types(["Microsoft.Communication.ChatMessageReceivedInThread"]);
    emulator.subscribe_events(subscription)?;
    println!("bot: the emulator delivers chat events to http://{local}/events");

    let user = identity.create_user_and_token([CommunicationTokenScope::Chat], None).await?;
    let user_chat =
        ChatClient::new(&endpoint, CommunicationTokenCredential::from_access_token(user.access_token), None)?;
    let participants = vec![
        ChatParticipant::new(user.user.clone()).with_display_name("Ada"),
        ChatParticipant::new(me.clone()).with_display_name("Echo bot"),
    ];
    let created = user_chat
        .create_chat_thread(
            "Talk to the echo bot",
            Some(CreateChatThreadOptions { participants, ..Default::default() }),
        )
        .await?;
    let thread = user_chat.chat_thread_client(&created.thread.id)?;
    let lines = ["Hello, bot", "Are you listening?", "Goodbye"];
    for line in lines {
        let options = SendMessageOptions { sender_display_name: Some("Ada".into()), ..Default::default() };
        thread.send_message(line, Some(options)).await?;
        println!("Ada: {line:?}");
    }
    for _ in lines {
        match tokio::time::timeout(Duration::from_secs(30), echoes.recv()).await {
            Ok(Some(_)) => {}
            _ => return Err("the bot did not answer within 30 s".into()),
        }
    }
    println!("bot: answered all {} messages; stopping", lines.len());
    server.abort();
    emulator.shutdown().await;
    Ok(())
}
