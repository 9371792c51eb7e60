//! Persistence with `--state-file` (SPEC section 9): a snapshot in the state format plus a
//! write-ahead log, with group commit, that holds under faults and not only under `kill -9`.
//!
//! Files, for `--state-file PATH`:
//! - `PATH`: a snapshot, section 6's format plus `ClientTokens` and `SignatureNonces`; it always
//!   loads on its own.
//! - `PATH.wal`: the changes made since that snapshot, after a header line naming the SHA-256 of
//!   the snapshot it continues. One line is one **record**: a JSON array of every change one
//!   request made (a certificate and its ClientToken record together), so that a torn write keeps
//!   all of it or none. The file is extended with zeros ahead of its records
//!   ([`PREALLOCATE_BYTES`] at a time), so that most `fdatasync`s write no new file size: the
//!   log ends at its first zero byte (no JSON text holds one).
//! - `PATH.lock`: held with an OS lock (`flock`) for as long as the process runs, so that a
//!   second process on the same file refuses to start.
//!
//! Rules:
//! - A change is applied in memory and queued under the world's write lock (so the log's order
//!   is the order of the changes); one writer thread appends what has queued up, `fdatasync`s
//!   once for all of it, and only then are the waiting requests answered. An answer also waits
//!   for every change it could have seen ([`Persister::world_seq`]), so that a ClientToken
//!   replay is never answered before the change it replays is durable.
//! - A write that fails is never acknowledged: the log is cut back to its last durable byte and
//!   the world is reloaded from the files, which rolls back every change that was not durable
//!   (the busy windows of the acknowledged ones are carried over);
//!   the requests that carried them are answered `InternalError`. If the log cannot even be cut
//!   back, the persister is *broken*: every later change is refused, until restart.
//! - A new snapshot (compaction, `PUT state`, `reset`) is written as `PATH.tmp` and
//!   `PATH.wal.tmp` (a new log that names it), both synced before either is renamed into place:
//!   a crash between the two renames leaves a complete `PATH.wal.tmp` naming `PATH`, which the
//!   next start recognises. A failed attempt removes its temporary files.
//! - At start, anything that does not match (a damaged header, a log naming another snapshot, a
//!   log without its snapshot, a complete line that is not a record) refuses to start and
//!   touches nothing. A torn last line was never acknowledged and is dropped.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::auth::NonceCache;
use crate::json;
use crate::state::{Change, StateDoc, StateError, World};

/// The log is folded into a new snapshot once it is this large.
pub const COMPACT_AT_BYTES: u64 = 32 * 1024 * 1024;

/// The log file is extended by this many zero bytes whenever a write would pass its end: an
/// `fdatasync` that must also write a new file size took 153-212 µs on the development machine,
/// one within the file's length 98-133 µs (issue 26).
pub const PREALLOCATE_BYTES: u64 = 256 * 1024;

/// How far past the log's first zero byte a crash can leave other bytes: the pieces of the one
/// batch that was being written when it struck (a batch is far smaller than this).
pub const MAX_TORN_BYTES: usize = 1024 * 1024;

/// The log's text: everything before its first zero byte (the zeros are room made ahead).
/// Bytes after a zero can only be the pieces of the last write, torn by a crash; anything
/// further on means the log is damaged (a zeroed block inside it), and the changes after the
/// hole would be lost: `Err` with the hole's offset.
fn log_text(log: &[u8]) -> Result<&[u8], usize> {
    let Some(end) = memchr::memchr(0, log) else {
        return Ok(log);
    };
    let last = log.iter().rposition(|b| *b != 0).unwrap_or(0);
    if last > end && last - end > MAX_TORN_BYTES {
        return Err(end);
    }
    Ok(&log[..end])
}

/// Test hook: while the file this variable names exists, the writer holds its next batch
/// (and says so by creating the same name with `.held` appended). Nothing else reads it.
pub const STALL_HOOK_ENV: &str = "VPC_EMULATOR_TEST_STALL_WRITER";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct WalHeader {
    snapshot: String,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `PATH.wal`, the write-ahead log of `PATH`.
pub fn wal_path(path: &Path) -> PathBuf {
    with_suffix(path, ".wal")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Takes the OS lock on `PATH.lock`; the file returned holds it until it is dropped.
pub fn lock(path: &Path) -> Result<File, String> {
    let lock_path = with_suffix(path, ".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(format!(
            "state file {} is in use by another process (it holds the lock on {})",
            path.display(),
            lock_path.display()
        )),
        Err(fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", lock_path.display())),
    }
}

/// What a start-up read of the state file found.
#[derive(Debug)]
pub struct Loaded {
    /// The snapshot's text.
    pub snapshot: String,
    /// The records of the log, in order, each with its line number.
    pub records: Vec<(usize, Vec<Change>)>,
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// The header of a log, if its first line is a whole, well-formed header.
fn header_of(log: &[u8]) -> Result<WalHeader, String> {
    let Some(end) = log.iter().position(|b| *b == b'\n') else {
        return Err("its header line is incomplete".into());
    };
    json::from_slice::<WalHeader>(&log[..end]).map_err(|e| format!("its header is damaged: {e}"))
}

/// One line of the log: a record (an array of changes), or a single change as logs written
/// before records existed hold them.
fn parse_record(line: &[u8]) -> Result<Vec<Change>, String> {
    let first = line.iter().find(|b| !b.is_ascii_whitespace());
    let parsed = if first == Some(&b'[') {
        json::from_slice::<Vec<Change>>(line)
    } else {
        json::from_slice::<Change>(line).map(|c| vec![c])
    };
    parsed.map_err(|e| format!("not a record of changes: {e}"))
}

/// Reads `PATH` and `PATH.wal`. `Ok(None)` if there is neither. Every mismatch is an error
/// that names the file and what to do; nothing is written.
pub fn read(path: &Path) -> Result<Option<Loaded>, String> {
    let wal = wal_path(path);
    let snapshot = read_optional(path)?;
    let log = read_optional(&wal)?;
    let (snapshot, log) = match (snapshot, log) {
        (None, None) => return Ok(None),
        (None, Some(_)) => {
            return Err(format!(
                "state file {} is missing but its log {} exists: refusing to start so that the logged changes are not lost (restore the state file, or remove the log to discard them)",
                path.display(),
                wal.display()
            ));
        }
        (Some(snapshot), log) => (snapshot, log),
    };
    let snapshot = String::from_utf8(snapshot)
        .map_err(|e| format!("invalid state file {}: not UTF-8: {e}", path.display()))?;
    let mut records = Vec::new();
    // A snapshot alone (written by hand, or left by a clean stop) holds everything.
    let Some(log) = log else {
        return Ok(Some(Loaded { snapshot, records }));
    };
    let log = log_text(&log).map_err(|hole| {
        format!(
            "invalid log {}: zero bytes from byte {hole} with records after them: the log is damaged; refusing to start so that the changes after the hole are not lost (restore it, or cut it at byte {hole} to keep only what comes before)",
            wal.display()
        )
    })?;
    let header = header_of(log).map_err(|e| {
        format!(
            "invalid log {}: {e}; refusing to start (restore it, or remove it to discard the changes it holds)",
            wal.display()
        )
    })?;
    let hash = sha256_hex(snapshot.as_bytes());
    if header.snapshot != hash {
        // A crash between the two renames of a compaction: the new snapshot is in place and
        // `PATH.wal.tmp`, complete and synced, names it. The old log is all in the snapshot.
        let finished = read_optional(&with_suffix(&wal, ".tmp"))?
            .is_some_and(|tmp| header_of(&tmp).is_ok_and(|h| h.snapshot == hash));
        if finished {
            return Ok(Some(Loaded { snapshot, records }));
        }
        return Err(format!(
            "log {} continues another snapshot than {} (SHA-256 {} expected, {hash} found): the state file was changed or replaced after the log was written; refusing to start so that the logged changes are not lost (restore the state file, or remove the log to discard them)",
            wal.display(),
            path.display(),
            header.snapshot
        ));
    }
    for (n, line) in log.split_inclusive(|b| *b == b'\n').enumerate().skip(1) {
        if !line.ends_with(b"\n") {
            // A torn last write: never acknowledged.
            break;
        }
        let record = parse_record(line)
            .map_err(|e| format!("corrupt {} at line {}: {e}", wal.display(), n + 1))?;
        records.push((n + 1, record));
    }
    Ok(Some(Loaded { snapshot, records }))
}

/// Writes `bytes` to `tmp` and syncs it; removes it again if that fails.
fn write_synced(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let written = File::create(tmp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    if written.is_err() {
        let _ = fs::remove_file(tmp);
    }
    written
}

fn sync_dir(path: &Path) -> io::Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => File::open(dir)?.sync_all(),
        None => File::open(".")?.sync_all(),
    }
}

/// A new snapshot that could not be put in place.
#[derive(Debug)]
struct CompactError {
    error: io::Error,
    /// The new snapshot was renamed into place (or its log was): the old pair is gone, and the
    /// files are only consistent for a start-up (which finishes the compaction), not for
    /// appending to the old log.
    replaced: bool,
}

impl From<CompactError> for io::Error {
    fn from(e: CompactError) -> io::Error {
        e.error
    }
}

/// Writes `doc` as the snapshot with a new empty log naming it; returns the log, open to
/// append. Until the first rename the old snapshot and log are as they were.
fn compact(path: &Path, doc: &StateDoc) -> Result<File, CompactError> {
    let untouched = |error: io::Error| CompactError {
        error,
        replaced: false,
    };
    let bytes = serde_json::to_vec_pretty(doc)
        .map_err(io::Error::other)
        .map_err(untouched)?;
    let mut header = serde_json::to_vec(&WalHeader {
        snapshot: sha256_hex(&bytes),
    })
    .map_err(io::Error::other)
    .map_err(untouched)?;
    header.push(b'\n');
    let wal = wal_path(path);
    let (snapshot_tmp, wal_tmp) = (with_suffix(path, ".tmp"), with_suffix(&wal, ".tmp"));
    write_synced(&snapshot_tmp, &bytes).map_err(untouched)?;
    if let Err(e) = write_synced(&wal_tmp, &header) {
        let _ = fs::remove_file(&snapshot_tmp);
        return Err(untouched(e));
    }
    if let Err(e) = fs::rename(&snapshot_tmp, path) {
        let _ = fs::remove_file(&snapshot_tmp);
        let _ = fs::remove_file(&wal_tmp);
        return Err(untouched(e));
    }
    let replaced = |error: io::Error| CompactError {
        error,
        replaced: true,
    };
    fs::rename(&wal_tmp, &wal).map_err(replaced)?;
    // Not `append`: records are written at the log's end, which is not the file's.
    let file = OpenOptions::new()
        .write(true)
        .open(&wal)
        .map_err(replaced)?;
    sync_dir(path).map_err(replaced)?;
    Ok(file)
}

/// A change could not be made durable (the disk failed); the answer is `InternalError`.
#[derive(Debug, thiserror::Error)]
#[error("the state file could not be written")]
pub struct PersistError;

enum Msg {
    Changes { seq: u64, lines: Vec<u8> },
    Snapshot { seq: u64, doc: Box<StateDoc> },
    Stop,
}

impl Msg {
    fn seq(&self) -> Option<u64> {
        match self {
            Msg::Changes { seq, .. } | Msg::Snapshot { seq, .. } => Some(*seq),
            Msg::Stop => None,
        }
    }
}

/// What the writer has settled: every sequence number up to `done` is durable unless it lies
/// in one of the `failed` ranges.
#[derive(Debug, Clone, Default)]
struct Durable {
    done: u64,
    failed: Vec<(u64, u64)>,
}

impl Durable {
    fn failed(&self, seq: u64) -> bool {
        self.failed.iter().any(|&(a, b)| (a..=b).contains(&seq))
    }

    fn fail(&mut self, from: u64, to: u64) {
        if from > to {
            return;
        }
        match self.failed.last_mut() {
            Some(last) if last.1.saturating_add(1) >= from => last.1 = last.1.max(to),
            _ => self.failed.push((from, to)),
        }
    }
}

/// Rebuilds the world from a snapshot document (for the roll-back after a failed write).
pub type Rebuild = dyn Fn(StateDoc) -> Result<World, StateError> + Send + Sync;

/// What the request threads and the writer thread share.
struct Shared {
    path: PathBuf,
    world: Arc<RwLock<World>>,
    nonces: Arc<NonceCache>,
    rebuild: Box<Rebuild>,
    /// The sequence number of the newest change the world holds; read under a world lock.
    world_seq: AtomicU64,
    broken: AtomicBool,
    durable: watch::Sender<Durable>,
    stall_hook: Option<PathBuf>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("path", &self.path).finish()
    }
}

impl Shared {
    /// The resources, the ClientTokens and the live nonces, as the snapshot holds them.
    fn snapshot_doc(&self, world: &World) -> StateDoc {
        let mut doc = world.to_persisted_doc();
        doc.signature_nonces = Some(self.nonces.export(crate::clock::real_now_ms()));
        doc
    }
}

#[derive(Debug)]
struct Queue {
    next_seq: u64,
    tx: mpsc::Sender<Msg>,
}

#[derive(Debug)]
pub struct Persister {
    shared: Arc<Shared>,
    queue: Mutex<Queue>,
    durable: watch::Receiver<Durable>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// Holds the OS lock of `PATH.lock` while the process runs.
    _lock: File,
}

impl Persister {
    /// Writes the world as the snapshot with an empty log, then starts the writer thread.
    pub fn start(
        path: &Path,
        lock: File,
        world: Arc<RwLock<World>>,
        nonces: Arc<NonceCache>,
        rebuild: Box<Rebuild>,
    ) -> io::Result<Persister> {
        let (durable_tx, durable) = watch::channel(Durable::default());
        let shared = Arc::new(Shared {
            path: path.to_owned(),
            world,
            nonces,
            rebuild,
            world_seq: AtomicU64::new(0),
            broken: AtomicBool::new(false),
            durable: durable_tx,
            stall_hook: std::env::var_os(STALL_HOOK_ENV).map(PathBuf::from),
        });
        let wal = {
            let guard = shared.world.read().unwrap_or_else(PoisonError::into_inner);
            compact(path, &shared.snapshot_doc(&guard))?
        };
        // Where the first record goes: a log whose length cannot be read is not written to.
        let wal_len = wal.metadata()?.len();
        let (tx, rx) = mpsc::channel();
        let writer = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("state-writer".into())
                .spawn(move || {
                    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        Writer::new(&shared, wal, wal_len).run(&rx);
                    }));
                    if ran.is_err() {
                        // Nothing more can be made durable: every wait, now and later, fails.
                        shared.broken.store(true, Ordering::Release);
                        shared.durable.send_modify(|d| {
                            d.fail(d.done + 1, u64::MAX);
                            d.done = u64::MAX;
                        });
                    }
                })?
        };
        Ok(Persister {
            shared,
            queue: Mutex::new(Queue { next_seq: 0, tx }),
            durable,
            writer: Mutex::new(Some(writer)),
            _lock: lock,
        })
    }

    fn send(&self, make: impl FnOnce(u64) -> Msg) -> u64 {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.next_seq += 1;
        let seq = queue.next_seq;
        let _ = queue.tx.send(make(seq));
        seq
    }

    /// Refuses a change once the log could not be cut back after a failed write.
    pub fn writable(&self) -> Result<(), PersistError> {
        if self.shared.broken.load(Ordering::Acquire) {
            Err(PersistError)
        } else {
            Ok(())
        }
    }

    /// The newest change the world holds: an answer that read the world waits for it. Read it
    /// while holding a world lock.
    pub fn world_seq(&self) -> u64 {
        self.shared.world_seq.load(Ordering::Acquire)
    }

    /// Queues the world's changes as one record; call it while holding the world's write lock.
    /// Returns the sequence number to wait for, or 0 if there was nothing to write.
    pub fn enqueue(&self, world: &mut World) -> u64 {
        let changes = world.take_changes();
        if changes.is_empty() {
            world.stamp_windows(0);
            return 0;
        }
        let mut lines = Vec::with_capacity(256 * changes.len());
        if serde_json::to_writer(&mut lines, &changes).is_err() {
            return 0;
        }
        lines.push(b'\n');
        let seq = self.send(|seq| Msg::Changes { seq, lines });
        world.stamp_windows(seq);
        self.shared.world_seq.store(seq, Ordering::Release);
        seq
    }

    /// Queues a strict-mode nonce, so that a replay stays refused after a restart.
    pub fn enqueue_nonce(&self, change: &Change) -> u64 {
        let mut lines = Vec::with_capacity(128);
        if serde_json::to_writer(&mut lines, std::slice::from_ref(change)).is_err() {
            return 0;
        }
        lines.push(b'\n');
        self.send(|seq| Msg::Changes { seq, lines })
    }

    /// Queues a whole new state (`PUT state`, `reset`): `doc` is the state that was just put in
    /// place, made before the write lock was taken; call this under it. The writer adds the live
    /// nonces when it writes the snapshot.
    pub fn enqueue_snapshot(&self, world: &mut World, doc: StateDoc) -> u64 {
        world.take_changes();
        let doc = Box::new(doc);
        let seq = self.send(|seq| Msg::Snapshot { seq, doc });
        self.shared.world_seq.store(seq, Ordering::Release);
        seq
    }

    /// Waits until everything up to `seq` is on disk; `Err` if its write failed.
    pub async fn wait(&self, seq: u64) -> Result<(), PersistError> {
        if seq == 0 {
            return Ok(());
        }
        let mut rx = self.durable.clone();
        let settled = rx
            .wait_for(|d| d.done >= seq)
            .await
            .map_err(|_| PersistError)?;
        if settled.failed(seq) {
            Err(PersistError)
        } else {
            Ok(())
        }
    }

    /// Stops the writer after what is queued, folds the log into the snapshot and removes the
    /// log (a clean stop leaves the snapshot alone, which holds everything).
    pub fn close(&self) -> io::Result<()> {
        let _ = self
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .tx
            .send(Msg::Stop);
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        if self.shared.broken.load(Ordering::Acquire) {
            return Err(io::Error::other(
                "the log could not be cut back after a failed write; the files hold every acknowledged change",
            ));
        }
        let guard = self
            .shared
            .world
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        drop(compact(
            &self.shared.path,
            &self.shared.snapshot_doc(&guard),
        )?);
        fs::remove_file(wal_path(&self.shared.path))?;
        sync_dir(&self.shared.path)
    }
}

/// The writer thread's own state.
struct Writer<'a> {
    shared: &'a Shared,
    wal: File,
    /// The log's length up to its last durable record.
    durable_len: u64,
    /// The file's length: past `durable_len`, zeros made ahead (or a failed write's remains).
    file_len: u64,
    /// The newest sequence number that is durable.
    durable_seq: u64,
    /// The log length at which the next compaction is tried.
    compact_at: u64,
    stop: bool,
    /// What the writer did, said once when it stops (how a durable write waits, issue 26):
    /// requests' records written, and the `fdatasync`s of the appends that carried them.
    records: u64,
    syncs: u64,
    /// Time spent in `fdatasync`, and in the writes before it.
    sync_time: Duration,
    write_time: Duration,
    started: std::time::Instant,
}

impl<'a> Writer<'a> {
    fn new(shared: &'a Shared, wal: File, durable_len: u64) -> Self {
        Writer {
            shared,
            wal,
            durable_len,
            file_len: durable_len,
            durable_seq: 0,
            compact_at: COMPACT_AT_BYTES,
            stop: false,
            records: 0,
            syncs: 0,
            sync_time: Duration::ZERO,
            write_time: Duration::ZERO,
            started: std::time::Instant::now(),
        }
    }

    fn run(mut self, rx: &mpsc::Receiver<Msg>) {
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            batch.extend(rx.try_iter());
            self.hold_while_stalled();
            let last = batch.iter().filter_map(Msg::seq).max();
            let written = self.write_batch(batch);
            if let Some(last) = last {
                match written {
                    Ok(()) => self.settle(last),
                    Err(e) => self.roll_back(&e, last, rx),
                }
            }
            if !self.stop && self.durable_len >= self.compact_at {
                self.compact_live(rx);
            }
            if self.stop {
                break;
            }
        }
        let seconds = self.started.elapsed().as_secs_f64();
        tracing::info!(
            records = self.records,
            fsyncs = self.syncs,
            records_per_fsync = format!("{:.1}", self.records as f64 / self.syncs.max(1) as f64),
            fsyncs_per_second = format!("{:.0}", self.syncs as f64 / seconds.max(1e-9)),
            fsync_us_mean = format!(
                "{:.0}",
                self.sync_time.as_secs_f64() * 1e6 / self.syncs.max(1) as f64
            ),
            write_us_mean = format!(
                "{:.0}",
                self.write_time.as_secs_f64() * 1e6 / self.syncs.max(1) as f64
            ),
            seconds = format!("{seconds:.1}"),
            "state file writer stopped"
        );
    }

    /// The test hook of [`STALL_HOOK_ENV`].
    fn hold_while_stalled(&self) {
        let Some(gate) = &self.shared.stall_hook else {
            return;
        };
        if !gate.exists() {
            return;
        }
        let held = with_suffix(gate, ".held");
        let _ = fs::write(&held, b"");
        while gate.exists() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = fs::remove_file(held);
    }

    /// Writes a batch in order: records are appended, a snapshot replaces everything before it.
    fn write_batch(&mut self, batch: Vec<Msg>) -> io::Result<()> {
        if batch.iter().any(|m| matches!(m, Msg::Stop)) {
            self.stop = true;
        }
        let mut buffer = Vec::new();
        for msg in batch {
            match msg {
                Msg::Changes { lines, .. } => {
                    buffer.extend_from_slice(&lines);
                    self.records += 1;
                }
                Msg::Snapshot { mut doc, .. } => {
                    // Everything queued before it is part of the new state; the nonces are
                    // taken now, so that every nonce queued before it is in the snapshot.
                    buffer.clear();
                    doc.signature_nonces =
                        Some(self.shared.nonces.export(crate::clock::real_now_ms()));
                    self.wal = self.compact(&doc)?;
                }
                Msg::Stop => {}
            }
        }
        self.append(&buffer)
    }

    /// [`compact`], and the writer's view of the new log. A failure after the first rename
    /// leaves no log this writer may append to: the persister is broken (until restart, which
    /// finishes the compaction).
    fn compact(&mut self, doc: &StateDoc) -> io::Result<File> {
        match compact(&self.shared.path, doc) {
            Ok(wal) => match wal.metadata() {
                Ok(metadata) => {
                    self.durable_len = metadata.len();
                    self.file_len = self.durable_len;
                    self.compact_at = COMPACT_AT_BYTES;
                    Ok(wal)
                }
                Err(e) => {
                    // The new files are in place, but where to write in the new log is not
                    // known; the old log is gone.
                    tracing::error!(error = %e, "cannot read the new log's length: no further change is accepted until restart");
                    self.shared.broken.store(true, Ordering::Release);
                    Err(e)
                }
            },
            Err(e) => {
                if e.replaced {
                    tracing::error!(error = %e.error, "a new snapshot is half in place: no further change is accepted until restart");
                    self.shared.broken.store(true, Ordering::Release);
                }
                Err(e.error)
            }
        }
    }

    fn append(&mut self, buffer: &[u8]) -> io::Result<()> {
        if buffer.is_empty() {
            return Ok(());
        }
        if self.shared.broken.load(Ordering::Acquire) {
            return Err(io::Error::other("the log is broken"));
        }
        let began = std::time::Instant::now();
        let end = self.durable_len + buffer.len() as u64;
        if end > self.file_len {
            self.make_room(end);
        }
        self.wal.seek(SeekFrom::Start(self.durable_len))?;
        self.wal.write_all(buffer)?;
        self.file_len = self.file_len.max(end);
        let written = std::time::Instant::now();
        self.wal.sync_data()?;
        self.write_time += written - began;
        self.sync_time += written.elapsed();
        self.syncs += 1;
        self.durable_len += buffer.len() as u64;
        Ok(())
    }

    /// Extends the file with zeros to at least `end` plus [`PREALLOCATE_BYTES`]; the `fdatasync`
    /// after the write makes them durable with it. Room is only a speed-up: if it cannot be
    /// made (a full disk), what was added is cut off and the record is written as it is.
    fn make_room(&mut self, end: u64) {
        static ZEROS: [u8; 64 * 1024] = [0; 64 * 1024];
        let target = end + PREALLOCATE_BYTES;
        let mut at = self.file_len;
        let mut extended = Ok(());
        while at < target && extended.is_ok() {
            let n = (target - at).min(ZEROS.len() as u64) as usize;
            extended = self
                .wal
                .seek(SeekFrom::Start(at))
                .and_then(|_| self.wal.write_all(&ZEROS[..n]));
            at += n as u64;
        }
        match extended {
            Ok(()) => self.file_len = target,
            Err(e) => {
                tracing::debug!(error = %e, "no room made ahead in the log");
                if self.wal.set_len(self.durable_len).is_ok() {
                    self.file_len = self.durable_len;
                }
            }
        }
    }

    fn settle(&mut self, seq: u64) {
        self.durable_seq = self.durable_seq.max(seq);
        self.shared
            .durable
            .send_modify(|d| d.done = d.done.max(seq));
    }

    /// After a failed write: under the world's write lock, takes every queued change (their
    /// requests fail too), cuts the log back to its last durable record and reloads the world
    /// from the files, which holds exactly what was acknowledged.
    fn roll_back(&mut self, error: &io::Error, last: u64, rx: &mpsc::Receiver<Msg>) {
        tracing::error!(error = %error, file = %self.shared.path.display(), "cannot write the state file; the changes it carried are rolled back");
        let mut world = self
            .shared
            .world
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut failed_to = last;
        for msg in rx.try_iter() {
            match msg.seq() {
                Some(seq) => failed_to = failed_to.max(seq),
                None => self.stop = true,
            }
        }
        // Cut back to the last durable record, the room made ahead with it.
        let cut = self
            .wal
            .set_len(self.durable_len)
            .and_then(|()| self.wal.sync_data());
        self.file_len = self.durable_len;
        if let Err(e) = cut {
            tracing::error!(error = %e, "cannot cut the log back after a failed write: no further change is accepted until restart");
            self.shared.broken.store(true, Ordering::Release);
        }
        match reload(self.shared) {
            Ok(mut durable) => {
                durable.set_recording(true);
                // Busy windows are facts of the acknowledged changes (SPEC 14), not of the files.
                world.carry_windows_into(&mut durable, self.durable_seq);
                *world = durable;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot reload the state file after a failed write: no further change is accepted until restart");
                self.shared.broken.store(true, Ordering::Release);
            }
        }
        self.shared
            .world_seq
            .store(self.durable_seq, Ordering::Release);
        drop(world);
        let from = self.durable_seq + 1;
        self.shared.durable.send_modify(|d| {
            d.fail(from, failed_to);
            d.done = d.done.max(failed_to);
        });
    }

    /// Folds a long log into a new snapshot. What is queued is taken under the world's read
    /// lock, so the snapshot holds it; if the snapshot cannot be written, the taken records are
    /// appended to the old log instead, and nothing is lost.
    fn compact_live(&mut self, rx: &mpsc::Receiver<Msg>) {
        let guard = self
            .shared
            .world
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let drained: Vec<Msg> = rx.try_iter().collect();
        let doc = self.shared.snapshot_doc(&guard);
        drop(guard);
        let last = drained.iter().filter_map(Msg::seq).max();
        match self.compact(&doc) {
            Ok(wal) => {
                self.wal = wal;
                if drained.iter().any(|m| matches!(m, Msg::Stop)) {
                    self.stop = true;
                }
                if let Some(last) = last {
                    self.settle(last);
                }
            }
            Err(e) if self.shared.broken.load(Ordering::Acquire) => {
                if let Some(last) = last {
                    self.roll_back(&e, last, rx);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, file = %self.shared.path.display(), "cannot compact the state file; the log goes on");
                self.compact_at = self.durable_len + COMPACT_AT_BYTES;
                let written = self.write_batch(drained);
                if let Some(last) = last {
                    match written {
                        Ok(()) => self.settle(last),
                        Err(e) => self.roll_back(&e, last, rx),
                    }
                }
            }
        }
    }
}

/// The world as the files hold it.
fn reload(shared: &Shared) -> Result<World, String> {
    let loaded = read(&shared.path)?.ok_or_else(|| format!("{} is gone", shared.path.display()))?;
    let doc = crate::state::parse_doc(&loaded.snapshot).map_err(|e| e.to_string())?;
    let mut world = (shared.rebuild)(doc).map_err(|e| e.to_string())?;
    for (line, record) in loaded.records {
        for (j, change) in record.into_iter().enumerate() {
            world
                .apply(change, crate::clock::real_now_ms())
                .map_err(|e| format!("line {line}: [{j}].{e}"))?;
        }
    }
    world.take_changes();
    Ok(world)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_ranges_merge_and_answer() {
        let mut d = Durable::default();
        d.fail(3, 5);
        d.fail(6, 8);
        d.fail(11, 11);
        assert_eq!(d.failed, [(3, 8), (11, 11)]);
        assert!(d.failed(4) && d.failed(8) && d.failed(11));
        assert!(!d.failed(2) && !d.failed(9) && !d.failed(12));
        d.fail(5, 4);
        assert_eq!(d.failed.len(), 2);
    }

    #[test]
    fn a_record_line_is_an_array_and_a_legacy_line_one_change() {
        let record = parse_record(br#"[{"DeleteCert":"vsc-1"},{"DeleteCert":"vsc-2"}]"#).unwrap();
        assert_eq!(record.len(), 2);
        let legacy = parse_record(br#"{"DeleteCert":"vsc-1"}"#).unwrap();
        assert_eq!(legacy, [Change::DeleteCert("vsc-1".into())]);
        assert!(parse_record(br#"{"DeleteCert":"vsc-1"} {"DeleteCert":"vsc-2"}"#).is_err());
        assert!(parse_record(br#"{"Nonsense":1}"#).is_err());
    }
}
