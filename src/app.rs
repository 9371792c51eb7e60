//! The application's state and its bootstrap: everything a request reaches ([`AppState`]),
//! built from the fixtures and the state file at start (SPEC sections 2, 6 and 9), and the
//! whole-state replacement of `PUT state` and `reset`. The admin API ([`crate::admin`]) and
//! the RPC pipeline ([`crate::server`]) both depend on it; the admin API no longer reaches into
//! the server (only [`crate::server::handle`] routes to it), so no two modules import each other.

use std::sync::{Arc, PoisonError, RwLock};

use crate::auth::NonceCache;
use crate::clock::Clock;
use crate::config::Config;
use crate::faults::Faults;
use crate::idempotency::{TOKEN_CAPACITY, TokenStore};
use crate::ids::Ids;
use crate::journal::Journal;
use crate::persist::{self, Persister};
use crate::state::{self, StateDoc, World};

/// The fixtures compiled into the binary (SPEC section 6).
pub const DEFAULT_FIXTURES: &str = include_str!("../fixtures/default.json");

/// Everything a request handler reaches, behind one `Arc`.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    /// Shared with the persistence writer, which snapshots it.
    pub world: Arc<RwLock<World>>,
    /// The startup fixtures as loaded (key material included), for `POST /_emulator/reset`.
    pub startup: StateDoc,
    pub clock: Clock,
    pub ids: Ids,
    /// Shared with the persistence writer, which snapshots the live ones.
    pub nonces: Arc<NonceCache>,
    pub journal: Journal,
    pub faults: Faults,
    /// Present with `--state-file`.
    pub persister: Option<Persister>,
    /// The CA of `--tls` (PEM), for `GET /_emulator/ca.pem`; set once TLS is set up.
    pub tls_ca: std::sync::OnceLock<String>,
}

/// Why `PUT state` or `reset` did not replace the state.
#[derive(Debug, thiserror::Error)]
pub enum ReplaceError {
    /// The document is not a valid state: 400.
    #[error(transparent)]
    Invalid(#[from] state::StateError),
    /// The state file could not be written: 500, and the old state stays.
    #[error("the state file could not be written; the state is unchanged")]
    NotDurable,
}

/// A start-up failure: one line for stderr, then exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

/// Parses and validates a state document for this configuration.
fn build_world(config: &Config, clock: &Clock, doc: StateDoc) -> Result<World, state::StateError> {
    let tokens = TokenStore::new(config.idempotency_ttl, TOKEN_CAPACITY);
    let real_now = crate::clock::real_now_ms();
    let mut world = World::from_doc(doc, clock.at(real_now), real_now, tokens)?;
    world.set_recording(config.state_file.is_some());
    Ok(world)
}

/// Refuses `ClientTokens` and `SignatureNonces` outside a state file.
fn without_tokens(doc: StateDoc) -> Result<StateDoc, state::StateError> {
    for (present, key) in [
        (doc.client_tokens.is_some(), "ClientTokens"),
        (doc.signature_nonces.is_some(), "SignatureNonces"),
    ] {
        if present {
            return Err(state::StateError {
                path: key.into(),
                reason: format!("only the persistence file holds {key}"),
                value: None,
            });
        }
    }
    Ok(doc)
}

/// The world a state file and its log hold, every log record checked as the API would have
/// made it (SPEC section 9); the error names the file, the line and the reason.
fn load_persisted(
    config: &Config,
    clock: &Clock,
    path: &std::path::Path,
    loaded: persist::Loaded,
    nonces: &NonceCache,
) -> Result<World, StartupError> {
    let shown = path.display();
    let corrupt = |e: state::StateError| StartupError(format!("invalid state file {shown}: {e}"));
    let mut doc = state::parse_doc(&loaded.snapshot).map_err(corrupt)?;
    let real_now = crate::clock::real_now_ms();
    for nonce in doc.signature_nonces.take().unwrap_or_default() {
        nonces.restore(nonce, real_now);
    }
    let mut world = build_world(config, clock, doc).map_err(corrupt)?;
    let wal = persist::wal_path(path);
    for (line, record) in loaded.records {
        for (j, change) in record.into_iter().enumerate() {
            if let state::Change::Nonce(nonce) = &change {
                nonces.restore(nonce.clone(), real_now);
            }
            // The JSON path inside the line: the record is an array of changes.
            world.apply(change, real_now).map_err(|e| {
                StartupError(format!(
                    "invalid log {} at line {line}: [{j}].{e}; refusing to start (nothing was changed)",
                    wal.display()
                ))
            })?;
        }
    }
    Ok(world)
}

impl AppState {
    /// Loads and validates the fixtures the configuration names (or the embedded default),
    /// and the state file if there is one.
    pub fn new(config: Config) -> Result<Arc<AppState>, StartupError> {
        match &config.fixtures {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    StartupError(format!("cannot read fixtures file {}: {e}", path.display()))
                })?;
                let source = path.display().to_string();
                Self::with_fixtures(config, &source, &text)
            }
            None => Self::with_fixtures(config, "embedded fixtures/default.json", DEFAULT_FIXTURES),
        }
    }

    /// Builds the state from fixtures text; `source` names it in errors.
    pub fn with_fixtures(
        config: Config,
        source: &str,
        text: &str,
    ) -> Result<Arc<AppState>, StartupError> {
        let invalid =
            |e: state::StateError| StartupError(format!("invalid fixtures file {source}: {e}"));
        let clock = Clock::default();
        let doc = state::parse_doc(text)
            .and_then(without_tokens)
            .map_err(invalid)?;
        let fixture_world = build_world(&config, &clock, doc).map_err(invalid)?;
        let startup = fixture_world.to_doc();

        let mut world = fixture_world;
        let nonces = Arc::new(NonceCache::default());
        let mut persisted = None;
        if let Some(path) = &config.state_file {
            // Locked before anything is read: a second process refuses before it looks.
            let lock = persist::lock(path).map_err(StartupError)?;
            if let Some(loaded) = persist::read(path).map_err(StartupError)? {
                world = load_persisted(&config, &clock, path, loaded, &nonces)?;
            }
            persisted = Some((path.clone(), lock));
        }
        world.take_changes();
        let world = Arc::new(RwLock::new(world));
        let persister = match persisted {
            Some((path, lock)) => {
                let (rebuild_config, rebuild_clock) = (config.clone(), Clock::default());
                let rebuild = Box::new(move |doc: StateDoc| {
                    build_world(&rebuild_config, &rebuild_clock, doc)
                });
                Some(
                    Persister::start(&path, lock, world.clone(), nonces.clone(), rebuild).map_err(
                        |e| {
                            StartupError(format!("cannot write state file {}: {e}", path.display()))
                        },
                    )?,
                )
            }
            None => None,
        };
        Ok(Arc::new(AppState {
            ids: Ids::new(config.seed),
            config,
            world,
            startup,
            clock,
            nonces,
            journal: Journal::default(),
            faults: Faults::default(),
            persister,
            tls_ca: std::sync::OnceLock::new(),
        }))
    }

    pub fn read_world(&self) -> std::sync::RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// What `f` makes of the world, once everything it saw is durable (`None` if that failed).
    pub async fn read_durable<T>(&self, f: impl FnOnce(&World) -> T) -> Option<T> {
        let (value, seq) = {
            let world = self.read_world();
            (
                f(&world),
                self.persister.as_ref().map_or(0, Persister::world_seq),
            )
        };
        match &self.persister {
            Some(p) => p.wait(seq).await.ok().map(|()| value),
            None => Some(value),
        }
    }

    /// Replaces the whole state (`PUT state`, `reset`), durably; ClientTokens are cleared.
    pub async fn replace_world(&self, doc: StateDoc) -> Result<(), ReplaceError> {
        let new_world = build_world(&self.config, &self.clock, without_tokens(doc)?)?;
        // Serialized outside the world's lock: a large state takes a while.
        let snapshot = self
            .persister
            .as_ref()
            .map(|_| new_world.to_persisted_doc());
        let seq = {
            let mut world = self.world.write().unwrap_or_else(PoisonError::into_inner);
            if let Some(p) = &self.persister {
                p.writable().map_err(|_| ReplaceError::NotDurable)?;
            }
            *world = new_world;
            match (&self.persister, snapshot) {
                (Some(p), Some(doc)) => p.enqueue_snapshot(&mut world, doc),
                _ => 0,
            }
        };
        match &self.persister {
            // On failure the writer has put the old state back.
            Some(p) => p.wait(seq).await.map_err(|_| ReplaceError::NotDurable),
            None => Ok(()),
        }
    }

    /// Stops persistence after a last snapshot (at a clean stop).
    pub fn close(&self) -> std::io::Result<()> {
        match &self.persister {
            Some(p) => p.close(),
            None => Ok(()),
        }
    }
}
