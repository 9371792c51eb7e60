//! Persistence with `--state-file` (SPEC section 9): a snapshot in the state format plus a
//! write-ahead log, with group commit.
//!
//! - `PATH` is a snapshot: section 6's format plus `ClientTokens`; it always loads on its own.
//! - `PATH.wal` holds the changes made since that snapshot, one JSON line each, after a header
//!   line naming the SHA-256 of the snapshot it continues. A log whose header names another
//!   snapshot is stale (a crash between writing a new snapshot and a new log) and is ignored.
//! - Every change is appended to the log under the world's write lock (so the log's order is
//!   the order of the changes); one writer thread writes what has queued up, `fdatasync`s once
//!   for all of it, and only then are the waiting requests answered. `kill -9` at any moment
//!   therefore loses no acknowledged change: a torn last line was never acknowledged.
//! - When the log grows past [`COMPACT_AT_BYTES`], and at start and at a clean stop, the world
//!   is written as a new snapshot (temporary file, fsync, rename) and a new empty log.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::state::{Change, StateDoc, World};

/// The log is folded into a new snapshot once it is this large.
pub const COMPACT_AT_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct WalHeader {
    snapshot: String,
}

fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".wal");
    PathBuf::from(name)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a file so that a crash leaves either the old or the new content.
fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// What a start-up read of the state file found.
pub struct Loaded {
    /// The snapshot's text.
    pub snapshot: String,
    /// The changes of a current log, in order.
    pub changes: Vec<Change>,
}

/// Reads `PATH` and, if it continues that snapshot, `PATH.wal`. `Ok(None)` if there is no
/// state file yet. A log line that is complete but not a change is corruption.
pub fn read(path: &Path) -> Result<Option<Loaded>, String> {
    let snapshot = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read state file {}: {e}", path.display())),
    };
    let wal = wal_path(path);
    let log = match fs::read(&wal) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", wal.display())),
    };
    let mut changes = Vec::new();
    let mut lines = log.split_inclusive(|b| *b == b'\n');
    let current = lines
        .next()
        .filter(|l| l.ends_with(b"\n"))
        .and_then(|l| serde_json::from_slice::<WalHeader>(l).ok())
        .is_some_and(|h| h.snapshot == sha256_hex(snapshot.as_bytes()));
    if current {
        for (n, line) in lines.enumerate() {
            if !line.ends_with(b"\n") {
                // A torn last write: never acknowledged.
                break;
            }
            let change = serde_json::from_slice(line)
                .map_err(|e| format!("corrupt {} at line {}: {e}", wal.display(), n + 2))?;
            changes.push(change);
        }
    }
    Ok(Some(Loaded { snapshot, changes }))
}

enum Msg {
    Changes { seq: u64, lines: Vec<u8> },
    Snapshot { seq: u64, bytes: Vec<u8> },
    Stop,
}

#[derive(Debug, Clone, Copy, Default)]
struct Durable {
    seq: u64,
    failed: bool,
}

/// A change could not be made durable (the disk failed); the answer is `InternalError`.
#[derive(Debug, thiserror::Error)]
#[error("the state file could not be written")]
pub struct PersistError;

#[derive(Debug)]
pub struct Persister {
    path: PathBuf,
    tx: mpsc::Sender<Msg>,
    next_seq: AtomicU64,
    durable: watch::Receiver<Durable>,
    writer: Mutex<Option<JoinHandle<()>>>,
    world: Arc<RwLock<World>>,
}

impl Persister {
    /// Writes the world as the snapshot with an empty log, then starts the writer thread.
    pub fn start(path: &Path, world: Arc<RwLock<World>>) -> io::Result<Persister> {
        let wal = {
            let guard = world.read().unwrap_or_else(PoisonError::into_inner);
            compact(path, &guard.to_persisted_doc())?
        };
        let (tx, rx) = mpsc::channel();
        let (durable_tx, durable) = watch::channel(Durable::default());
        let writer = {
            let (path, world) = (path.to_owned(), world.clone());
            std::thread::Builder::new()
                .name("state-writer".into())
                .spawn(move || run_writer(&path, wal, &rx, &world, &durable_tx))?
        };
        Ok(Persister {
            path: path.to_owned(),
            tx,
            next_seq: AtomicU64::new(0),
            durable,
            writer: Mutex::new(Some(writer)),
            world,
        })
    }

    /// Queues the world's changes for the log; call it while holding the world's write lock.
    /// Returns the sequence number to wait for, or 0 if there was nothing to write.
    pub fn enqueue(&self, world: &mut World) -> u64 {
        let changes = world.take_changes();
        if changes.is_empty() {
            return 0;
        }
        let mut lines = Vec::with_capacity(256 * changes.len());
        for change in &changes {
            if serde_json::to_writer(&mut lines, change).is_ok() {
                lines.push(b'\n');
            }
        }
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.tx.send(Msg::Changes { seq, lines });
        seq
    }

    /// Queues a whole new state (`PUT state`, `reset`); call it under the write lock.
    pub fn enqueue_snapshot(&self, world: &mut World) -> u64 {
        world.take_changes();
        let bytes = serde_json::to_vec(&world.to_persisted_doc()).unwrap_or_default();
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.tx.send(Msg::Snapshot { seq, bytes });
        seq
    }

    /// Waits until everything up to `seq` is on disk.
    pub async fn wait(&self, seq: u64) -> Result<(), PersistError> {
        if seq == 0 {
            return Ok(());
        }
        let mut rx = self.durable.clone();
        let state = *rx
            .wait_for(|d| d.seq >= seq || d.failed)
            .await
            .map_err(|_| PersistError)?;
        if state.seq >= seq {
            Ok(())
        } else {
            Err(PersistError)
        }
    }

    /// Stops the writer after what is queued, then folds the log into the snapshot.
    pub fn close(&self) -> io::Result<()> {
        let _ = self.tx.send(Msg::Stop);
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        let guard = self.world.read().unwrap_or_else(PoisonError::into_inner);
        compact(&self.path, &guard.to_persisted_doc()).map(|_| ())
    }
}

/// Writes `doc` as the snapshot and starts a new log for it; returns the log, open to append.
fn compact(path: &Path, doc: &StateDoc) -> io::Result<File> {
    let bytes = serde_json::to_vec_pretty(doc).map_err(io::Error::other)?;
    replace_file(path, &bytes)?;
    let mut header = serde_json::to_vec(&WalHeader {
        snapshot: sha256_hex(&bytes),
    })
    .map_err(io::Error::other)?;
    header.push(b'\n');
    let wal = wal_path(path);
    replace_file(&wal, &header)?;
    OpenOptions::new().append(true).open(&wal)
}

fn run_writer(
    path: &Path,
    mut wal: File,
    rx: &mpsc::Receiver<Msg>,
    world: &RwLock<World>,
    durable: &watch::Sender<Durable>,
) {
    let mut wal_bytes = 0u64;
    let mut failed = false;
    let publish = |seq: u64, failed: bool| {
        durable.send_modify(|d| {
            d.seq = d.seq.max(seq);
            d.failed |= failed;
        });
    };
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        batch.extend(rx.try_iter());
        let mut buffer = Vec::new();
        let mut last_seq = 0;
        let mut stop = false;
        let mut result: io::Result<()> = Ok(());
        for msg in batch {
            match msg {
                Msg::Changes { seq, lines } => {
                    buffer.extend_from_slice(&lines);
                    last_seq = seq;
                }
                Msg::Snapshot { seq, bytes } => {
                    // Everything queued before is part of the new state.
                    buffer.clear();
                    last_seq = seq;
                    result = result.and_then(|()| {
                        let doc: StateDoc =
                            serde_json::from_slice(&bytes).map_err(io::Error::other)?;
                        wal = compact(path, &doc)?;
                        wal_bytes = 0;
                        Ok(())
                    });
                }
                Msg::Stop => stop = true,
            }
        }
        if !buffer.is_empty() {
            result = result.and_then(|()| {
                wal.write_all(&buffer)?;
                wal.sync_data()?;
                wal_bytes += buffer.len() as u64;
                Ok(())
            });
        }
        if let Err(e) = &result {
            tracing::error!(error = %e, file = %path.display(), "cannot write the state file");
            failed = true;
        }
        publish(last_seq, failed);
        if !failed && wal_bytes >= COMPACT_AT_BYTES {
            // Holding the read lock keeps changes out; what they queued before is in the world.
            let guard = world.read().unwrap_or_else(PoisonError::into_inner);
            let drained: Vec<Msg> = rx.try_iter().collect();
            let doc = guard.to_persisted_doc();
            drop(guard);
            let mut seq = last_seq;
            for msg in drained {
                match msg {
                    Msg::Changes { seq: s, .. } | Msg::Snapshot { seq: s, .. } => seq = s,
                    Msg::Stop => stop = true,
                }
            }
            match compact(path, &doc) {
                Ok(file) => {
                    wal = file;
                    wal_bytes = 0;
                    publish(seq, false);
                }
                Err(e) => {
                    tracing::error!(error = %e, file = %path.display(), "cannot compact the state file");
                    publish(seq, true);
                    failed = true;
                }
            }
        }
        if stop {
            break;
        }
    }
}
