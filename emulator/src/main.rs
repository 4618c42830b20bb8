//! `acs_emulator`: runs the local ACS Chat + Identity emulator until Ctrl-C.

use acs_emulator::{
    Emulator, EventSchema, EventSubscription, FaultConfig, FaultScope, TeamsExchange, Timeouts, TlsMode,
};
use clap::{Parser, ValueEnum};
use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A local Azure Communication Services Chat + Identity emulator.
///
/// Prints `ACS_EMULATOR_ENDPOINT=...`, `ACS_EMULATOR_CONNECTION_STRING=...` (and with TLS
/// `ACS_EMULATOR_CA_CERT=<path of the CA PEM>`) on standard output, then serves until Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "acs_emulator", version, about, long_about)]
struct Args {
    /// Port to listen on; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Address to listen on. Keep it on loopback.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,

    /// Serve HTTPS. Without --cert/--key, a CA and a certificate for localhost/127.0.0.1/::1
    /// are made at start-up and the CA certificate is written (see --ca-out).
    #[arg(long)]
    tls: bool,

    /// PEM certificate chain for HTTPS (with --key; implies --tls).
    #[arg(long, requires = "key")]
    cert: Option<PathBuf>,

    /// PEM private key for HTTPS (with --cert; implies --tls).
    #[arg(long, requires = "cert")]
    key: Option<PathBuf>,

    /// Where to write the PEM certificate clients should trust (REQUESTS_CA_BUNDLE,
    /// SSL_CERT_FILE, NODE_EXTRA_CA_CERTS). Default: acs-emulator-<port>-ca.pem in the temp dir.
    #[arg(long)]
    ca_out: Option<PathBuf>,

    /// Access key (base64) of the connection string; random when not given.
    #[arg(long, env = "ACS_EMULATOR_ACCESS_KEY")]
    access_key: Option<String>,

    /// Resource id (a GUID) used in user ids `8:acs:<resource>_<guid>`; random when not given.
    #[arg(long)]
    resource_id: Option<uuid::Uuid>,

    /// Lifetime in seconds of tokens issued without expiresInMinutes.
    #[arg(long, default_value_t = 86_400)]
    token_lifetime_secs: u64,

    /// Share of requests answered 429 Too Many Requests (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    fault_429: f64,

    /// Share of requests answered 503 Service Unavailable (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    fault_503: f64,

    /// Share of requests whose connection is dropped without an answer, before they are
    /// applied (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    fault_drop: f64,

    /// Share of requests that are applied and then have their connection dropped without the
    /// answer (0 to 1): the caller cannot tell whether they took effect.
    #[arg(long, default_value_t = 0.0)]
    fault_drop_after: f64,

    /// Retry-After seconds sent with 429 answers (and 503 with --retry-after-on-503).
    #[arg(long, default_value_t = 1)]
    retry_after: u64,

    /// Send Retry-After with 503 answers too.
    #[arg(long)]
    retry_after_on_503: bool,

    /// Which requests faults apply to.
    #[arg(long, value_enum, default_value_t = Scope::All)]
    fault_scope: Scope,

    /// Seed of the fault draws, for reproducible runs.
    #[arg(long)]
    fault_seed: Option<u64>,

    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,

    /// Extra random latency (uniform in 0..=N milliseconds).
    #[arg(long, default_value_t = 0)]
    latency_jitter_ms: u64,

    /// Seconds a client may take to send a request's headers (also the wait for the first
    /// request of a connection).
    #[arg(long, default_value_t = 10)]
    header_timeout_secs: u64,

    /// Seconds a client may take to send a request's body.
    #[arg(long, default_value_t = 30)]
    body_timeout_secs: u64,

    /// Seconds a keep-alive connection may stay idle between requests before it is closed.
    #[arg(long, default_value_t = 60)]
    idle_timeout_secs: u64,

    /// Keep users, tokens, threads, messages and event subscriptions in this folder, so that they
    /// survive a restart (in memory when not given).
    #[arg(long, env = "ACS_EMULATOR_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,

    /// A webhook URL that receives chat events through the Event Grid emulation (repeatable).
    #[arg(long = "event-webhook")]
    event_webhooks: Vec<String>,

    /// The schema events are posted in.
    #[arg(long, value_enum, default_value_t = Schema::Eventgrid)]
    event_schema: Schema,

    /// Only these event types (comma-separated, e.g.
    /// `Microsoft.Communication.ChatMessageReceivedInThread`); all chat events when not given.
    #[arg(long, value_delimiter = ',')]
    event_types: Vec<String>,

    /// How Teams token exchanges are answered: `reject` (400 TeamsExchangeNotConfigured) or
    /// `issue` (an emulator token for the Teams identity).
    #[arg(long, value_enum, default_value_t = Teams::Reject)]
    teams_exchange: Teams,

    /// Log filter (tracing env-filter syntax), e.g. `info` or `acs_emulator=debug`.
    #[arg(long, env = "ACS_EMULATOR_LOG", default_value = "info")]
    log: String,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Scope {
    All,
    Chat,
    Identity,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Schema {
    Eventgrid,
    Cloudevents,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Teams {
    Reject,
    Issue,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&args.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("acs_emulator: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let tls = match (args.cert, args.key) {
        (Some(cert), Some(key)) => TlsMode::Files { cert, key },
        _ if args.tls => TlsMode::SelfSigned,
        _ => TlsMode::Off,
    };
    let faults = FaultConfig {
        throttle_rate: args.fault_429,
        unavailable_rate: args.fault_503,
        drop_rate: args.fault_drop,
        drop_after_rate: args.fault_drop_after,
        retry_after: Duration::from_secs(args.retry_after),
        retry_after_on_503: args.retry_after_on_503,
        latency: Duration::from_millis(args.latency_ms),
        latency_jitter: Duration::from_millis(args.latency_jitter_ms),
        scope: match args.fault_scope {
            Scope::All => FaultScope::All,
            Scope::Chat => FaultScope::Chat,
            Scope::Identity => FaultScope::Identity,
        },
        seed: args.fault_seed,
    };
    let mut builder = Emulator::builder()
        .bind(args.bind)
        .port(args.port)
        .tls(tls)
        .token_lifetime(Duration::from_secs(args.token_lifetime_secs))
        .faults(faults)
        .timeouts(Timeouts {
            header_read: Duration::from_secs(args.header_timeout_secs),
            body_read: Duration::from_secs(args.body_timeout_secs),
            idle: Duration::from_secs(args.idle_timeout_secs),
        })
        .teams_exchange(match args.teams_exchange {
            Teams::Reject => TeamsExchange::NotConfigured,
            Teams::Issue => TeamsExchange::Issue { lifetime: None },
        });
    if let Some(dir) = &args.data_dir {
        builder = builder.data_dir(dir);
    }
    for url in &args.event_webhooks {
        let schema = match args.event_schema {
            Schema::Eventgrid => EventSchema::EventGrid,
            Schema::Cloudevents => EventSchema::CloudEvents,
        };
        let mut subscription = EventSubscription::new(url.clone(), schema);
        if !args.event_types.is_empty() {
            subscription = subscription.with_event_types(args.event_types.clone());
        }
        builder = builder.event_subscription(subscription);
    }
    if let Some(key) = args.access_key {
        builder = builder.access_key(key);
    }
    if let Some(id) = args.resource_id {
        builder = builder.resource_id(id);
    }
    let emulator = builder.start().await?;

    let mut out = std::io::stdout().lock();
    writeln!(out, "ACS_EMULATOR_ENDPOINT={}", emulator.endpoint())?;
    writeln!(out, "ACS_EMULATOR_CONNECTION_STRING={}", emulator.connection_string())?;
    if let Some(pem) = emulator.ca_certificate_pem() {
        let path = args.ca_out.unwrap_or_else(|| {
            std::env::temp_dir().join(format!("acs-emulator-{}-ca.pem", emulator.local_addr().port()))
        });
        std::fs::write(&path, pem)?;
        writeln!(out, "ACS_EMULATOR_CA_CERT={}", path.display())?;
    }
    writeln!(out, "ACS_EMULATOR_READY=1")?;
    out.flush()?;
    drop(out);
    eprintln!("ACS emulator serving {} (Ctrl-C to stop)", emulator.endpoint());

    tokio::signal::ctrl_c().await?;
    eprintln!("stopping");
    emulator.shutdown().await;
    Ok(())
}
