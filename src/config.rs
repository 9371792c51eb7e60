//! Flags and environment variables (SPEC section 2). Doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "aliyun-vpc-emulator",
    version,
    about = "Local emulator of the Alibaba Cloud VPC API (SSL-VPN client certificates)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Exit 0 if GET /_emulator/health on 127.0.0.1 answers 200 within 2 s, else 1.
    Healthcheck {
        /// Port of the running emulator.
        #[arg(long, env = "VPC_EMULATOR_PORT", default_value_t = 8080)]
        port: u16,
    },
    /// Print the CA of a running emulator's HTTPS (`--tls`), from GET /_emulator/ca.pem on
    /// 127.0.0.1, for a client's trust store.
    Ca {
        /// Port of the running emulator.
        #[arg(long, env = "VPC_EMULATOR_PORT", default_value_t = 8080)]
        port: u16,
    },
}

/// How signatures are checked (SPEC section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum AuthMode {
    /// No or unknown credentials act as the first account's root; known keys are verified.
    #[default]
    Lenient,
    /// Every request must be signed by a known, active key, with a fresh timestamp and nonce.
    Strict,
}

/// Which `Name` rule Create and Modify enforce (SPEC section 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum NameRule {
    /// 1 to 100 characters, not starting with http:// or https://.
    #[default]
    Current,
    /// 2 to 128 characters, a letter or Chinese character first, then letters, Chinese
    /// characters, digits, '.', '_', '-'.
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Bind address.
    #[arg(long, env = "VPC_EMULATOR_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port; 0 picks a free one.
    #[arg(long, env = "VPC_EMULATOR_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Seed state (JSON, SPEC section 6); the embedded default when absent.
    #[arg(long, env = "VPC_EMULATOR_FIXTURES")]
    pub fixtures: Option<PathBuf>,
    /// Persistence file (SPEC section 9); memory only when absent.
    #[arg(long, env = "VPC_EMULATOR_STATE_FILE")]
    pub state_file: Option<PathBuf>,
    /// Signature checking mode.
    #[arg(long, env = "VPC_EMULATOR_AUTH", value_enum, default_value_t = AuthMode::Lenient)]
    pub auth: AuthMode,
    /// Certificate name rule.
    #[arg(long, env = "VPC_EMULATOR_NAME_RULE", value_enum, default_value_t = NameRule::Current)]
    pub name_rule: NameRule,
    /// Bearer token that protects /_emulator/* (but health).
    #[arg(long, env = "VPC_EMULATOR_ADMIN_TOKEN")]
    pub admin_token: Option<String>,
    /// Makes generated IDs and RequestIds reproducible.
    #[arg(long, env = "VPC_EMULATOR_SEED")]
    pub seed: Option<u64>,
    /// How long ClientTokens are remembered, in seconds of real time.
    #[arg(long, env = "VPC_EMULATOR_IDEMPOTENCY_TTL", default_value_t = 86_400)]
    pub idempotency_ttl: u64,
    /// Larger request bodies are answered 413 (at most 1 GiB, so that a request's parameters
    /// always fit the 32-bit offsets they are kept by).
    #[arg(long, env = "VPC_EMULATOR_MAX_BODY_BYTES", default_value_t = 1_048_576, value_parser = body_limit)]
    pub max_body_bytes: usize,
    /// How long an idle keep-alive connection stays open, in seconds (SPEC 14): clients that
    /// keep pooled connections and retry with back-off reuse them.
    #[arg(long, env = "VPC_EMULATOR_IDLE_TIMEOUT", default_value_t = 75, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout: u64,
    /// Log line format (stderr, one line per API call).
    #[arg(long, env = "VPC_EMULATOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// How long a VPN gateway stays `updating` after a change, in milliseconds of the emulator
    /// clock (SPEC section 11; 0: no window).
    #[arg(long, env = "VPC_EMULATOR_GATEWAY_BUSY_MS", default_value_t = 0)]
    pub gateway_busy_ms: u32,

    /// Serve HTTPS as well as HTTP on the same port, with a certificate of the emulator's CA
    /// (GET /_emulator/ca.pem) unless --tls-cert and --tls-key are given.
    #[arg(long, env = "VPC_EMULATOR_TLS", default_value_t = false, value_parser = clap::builder::BoolishValueParser::new())]
    pub tls: bool,

    /// Another name (or IP address) for the server certificate; repeatable.
    #[arg(
        long = "tls-name",
        env = "VPC_EMULATOR_TLS_NAMES",
        value_delimiter = ','
    )]
    pub tls_names: Vec<String>,

    /// Your own server certificate (PEM, chain included) for --tls.
    #[arg(long, env = "VPC_EMULATOR_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The key of --tls-cert (PEM).
    #[arg(long, env = "VPC_EMULATOR_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 8080,
            fixtures: None,
            state_file: None,
            auth: AuthMode::Lenient,
            name_rule: NameRule::Current,
            admin_token: None,
            seed: None,
            idempotency_ttl: 86_400,
            max_body_bytes: 1_048_576,
            idle_timeout: 75,
            log_format: LogFormat::Text,
            gateway_busy_ms: 0,
            tls: false,
            tls_names: Vec::new(),
            tls_cert: None,
            tls_key: None,
        }
    }
}

/// The largest `--max-body-bytes`: a request's decoded query and body together stay far
/// below the 4 GiB its parameters' `u32` offsets can address.
pub const MAX_BODY_LIMIT: usize = 1 << 30;

fn body_limit(value: &str) -> Result<usize, String> {
    let n: usize = value
        .parse()
        .map_err(|_| format!("not a whole number of bytes ({value})"))?;
    if n > MAX_BODY_LIMIT {
        return Err(format!("at most {MAX_BODY_LIMIT} bytes (1 GiB)"));
    }
    Ok(n)
}
