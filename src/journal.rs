//! The request journal of the admin API (SPEC section 8): every API call, refused ones too,
//! in a bounded ring, without signature fields or secrets.
//!
//! Readers share the entries rather than copying them (issue 24): each entry is behind an
//! `Arc`, a reader takes a few at a time ([`Journal::chunk`]) by their place in the ring, and
//! the admin API writes them out as it sends them, so two readers of a full journal (64 MiB)
//! hold a chunk each, not a journal each. A reader can ask for what came after a call it has
//! (`after`), and leave the answers' bodies out.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use serde::{Serialize, Serializer};

use crate::protocol::{Params, SECRET_IN_IKE_CONFIG, SECRET_PARAMS, SIGNING_PARAMS};

/// How many calls the journal keeps; past it the oldest go first.
pub const CAPACITY: usize = 10_000;

/// How much memory the journal's entries may hold in all; past it the oldest go first
/// (SPEC section 13).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// A refused call's parameter values are kept up to this many bytes each, then [`CUT_MARK`].
pub const MAX_REFUSED_VALUE_BYTES: usize = 4 * 1024;
pub const CUT_MARK: &str = "...[cut]";

/// A `User-Agent`, and an action name or version the emulator does not know, are kept up to
/// this many bytes.
pub const MAX_USER_AGENT_BYTES: usize = 512;

/// `value` cut to at most [`MAX_REFUSED_VALUE_BYTES`] (at a character boundary), marked.
fn cut(value: &str) -> std::borrow::Cow<'_, str> {
    cut_to(value, MAX_REFUSED_VALUE_BYTES)
}

/// `value` cut to at most `max` bytes (at a character boundary), marked.
pub fn cut_to(value: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if value.len() <= max {
        return value.into();
    }
    let mut end = max;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{CUT_MARK}", &value[..end]).into()
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Entry {
    /// Real time, epoch milliseconds.
    pub time: i64,
    pub request_id: String,
    /// The action asked for (`Action`, or `x-acs-action` for ACS3), emulated or not; null
    /// only when the call named none (SPEC 14).
    pub action: Option<Cow<'static, str>>,
    /// `Vpc` or `Ecs`, from `Version`; null for a version of neither.
    pub product: Option<&'static str>,
    /// The `Version` asked for, as given.
    pub version: Option<Cow<'static, str>>,
    /// The HTTP method, e.g. `POST`.
    pub method: Cow<'static, str>,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `V1`, `ACS3` or `none`: how the call was signed.
    pub signature: &'static str,
    /// The client's `User-Agent`, cut to [`MAX_USER_AGENT_BYTES`].
    pub user_agent: Option<String>,
    pub account_id: Option<String>,
    /// `root`, `user:{UserName}` or `anonymous`; null when refused before authentication.
    pub principal: Option<Cow<'static, str>>,
    /// As the call gave them; the signing parameters are left out when shown.
    #[serde(serialize_with = "without_signing_params")]
    pub params: Params,
    pub http_status: u16,
    pub code: Option<String>,
    /// How long the call took, from its arrival to its answer, microseconds.
    #[serde(rename = "DurationUs")]
    pub duration_us: u64,
    /// The answer's body as sent (shared with the answer, not copied; SPEC 13's byte bound
    /// counts it). Left out where a reader asked for no bodies ([`write_entry`]).
    #[serde(serialize_with = "as_text", skip_serializing_if = "bodies_left_out")]
    pub response: Bytes,
}

thread_local! {
    /// Set by [`write_entry`] while it writes an entry without its body: a flag rather than a
    /// second hand-written shape of [`Entry`], so that every field added to it is shown.
    static WITHOUT_BODIES: Cell<bool> = const { Cell::new(false) };
}

fn bodies_left_out(_: &Bytes) -> bool {
    WITHOUT_BODIES.with(Cell::get)
}

/// Appends an entry as JSON to `out`, with or without its `Response`.
pub fn write_entry(out: &mut Vec<u8>, entry: &Entry, with_response: bool) {
    WITHOUT_BODIES.with(|flag| flag.set(!with_response));
    // Writing JSON into a Vec fails only for a map key that is not a string, which no entry has.
    let written = serde_json::to_writer(&mut *out, entry);
    WITHOUT_BODIES.with(|flag| flag.set(false));
    debug_assert!(written.is_ok());
}

fn as_text<S: Serializer>(body: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&String::from_utf8_lossy(body))
}

/// Shows the parameters without what must not be journaled: signing fields and secrets
/// ([`SECRET_PARAMS`], and the `Psk` of an `IkeConfig`). They are filtered here rather than
/// when the call is recorded, to keep that off every call's path.
fn without_signing_params<S: Serializer>(
    params: &Params,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(
        params
            .iter()
            .filter(|(name, _)| !SIGNING_PARAMS.contains(name) && !SECRET_PARAMS.contains(name))
            .map(|(name, value)| match name {
                "IkeConfig" => (name, without_psk(value)),
                _ => (name, std::borrow::Cow::Borrowed(value)),
            }),
    )
}

/// An `IkeConfig` value without its pre-shared key. A value that is not a JSON object (the call
/// was refused for it) is shown as a placeholder: it could hold the key in any form.
fn without_psk(ike_config: &str) -> std::borrow::Cow<'_, str> {
    match serde_json::from_str::<serde_json::Value>(ike_config) {
        Ok(serde_json::Value::Object(mut settings)) => {
            if settings.remove(SECRET_IN_IKE_CONFIG).is_none() {
                return std::borrow::Cow::Borrowed(ike_config);
            }
            std::borrow::Cow::Owned(serde_json::Value::Object(settings).to_string())
        }
        _ => std::borrow::Cow::Borrowed("(not a JSON object; not shown)"),
    }
}

fn matches(entry: &Entry, action: Option<&str>) -> bool {
    action.is_none_or(|a| entry.action.as_deref() == Some(a))
}

impl Entry {
    /// About how much memory the entry holds.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Entry>()
            + self.request_id.capacity()
            + self.params.heap_bytes()
            + self.account_id.as_ref().map_or(0, String::capacity)
            + self.code.as_ref().map_or(0, String::capacity)
            + self.response.len()
            + self.user_agent.as_ref().map_or(0, String::capacity)
            + [&self.principal, &self.action, &self.version]
                .into_iter()
                .map(|text| match text {
                    Some(Cow::Owned(t)) => t.capacity(),
                    _ => 0,
                })
                .sum::<usize>()
    }
}

/// One kept call: the entry, its size as the bound counts it, and its place in the order of
/// all calls (consecutive in the ring, never reused, so readers can find where they were).
#[derive(Debug)]
struct Slot {
    entry: Arc<Entry>,
    size: usize,
    seq: u64,
}

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<Slot>,
    bytes: usize,
    next_seq: u64,
}

impl Ring {
    /// The slots from place `seq` on.
    fn from(&self, seq: u64) -> impl Iterator<Item = &Slot> {
        let first = self.entries.front().map_or(seq, |s| s.seq);
        let skip = usize::try_from(seq.saturating_sub(first)).unwrap_or(usize::MAX);
        self.entries.iter().skip(skip)
    }
}

/// `after` names a call the journal no longer holds (cleared, or rotated out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone;

/// The most entries one [`Journal::chunk`] looks at under the lock.
const CHUNK_SCAN: usize = 4096;

#[derive(Debug, Default)]
pub struct Journal {
    ring: Mutex<Ring>,
}

impl Journal {
    /// Records a call. A refused call's long values are cut (it may carry a whole body of
    /// junk); the journal stays within [`CAPACITY`] entries and [`MAX_BYTES`].
    pub fn push(&self, mut entry: Entry) {
        if entry.code.is_some()
            && entry
                .params
                .iter()
                .any(|(_, v)| v.len() > MAX_REFUSED_VALUE_BYTES)
        {
            entry.params = entry.params.iter().map(|(n, v)| (n, cut(v))).collect();
        }
        let size = entry.bytes();
        let entry = Arc::new(entry);
        let evicted = {
            let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
            let mut evicted = Vec::new();
            while !ring.entries.is_empty()
                && (ring.entries.len() >= CAPACITY || ring.bytes + size > MAX_BYTES)
            {
                if let Some(old) = ring.entries.pop_front() {
                    ring.bytes -= old.size;
                    evicted.push(old);
                }
            }
            ring.bytes += size;
            let seq = ring.next_seq;
            ring.next_seq += 1;
            ring.entries.push_back(Slot { entry, size, seq });
            evicted
        };
        // Freed after the lock is released: the oldest entry's memory is cold, and the other
        // threads should not wait while it is touched.
        drop(evicted);
    }

    /// Where a reading starts and ends (places in the order of calls, the end excluded): the
    /// calls after the one `after` names (all without it), of which `limit` keeps the newest N
    /// that match `action`. Calls made later are not part of it.
    pub fn window(
        &self,
        action: Option<&str>,
        limit: Option<usize>,
        after: Option<&str>,
    ) -> Result<(u64, u64), Gone> {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        let end = ring.next_seq;
        let mut start = match after {
            None => 0,
            Some(id) => {
                let slot = ring.entries.iter().rev().find(|s| s.entry.request_id == id);
                slot.ok_or(Gone)?.seq + 1
            }
        };
        if let Some(n) = limit {
            let newest = ring
                .entries
                .iter()
                .rev()
                .take_while(|s| s.seq >= start)
                .filter(|s| matches(&s.entry, action))
                .take(n)
                .last();
            start = match newest {
                Some(slot) if n > 0 => slot.seq,
                _ if n == 0 => end,
                _ => start,
            };
        }
        Ok((start, end))
    }

    /// The next entries from place `from` (before `end`) that match `action`, oldest first: at
    /// least one, and no more than about `max_bytes`; and the place to go on from (`end` once
    /// there is nothing left). Calls that rotated out meanwhile are skipped.
    pub fn chunk(
        &self,
        action: Option<&str>,
        from: u64,
        end: u64,
        max_bytes: usize,
    ) -> (Vec<Arc<Entry>>, u64) {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        let mut taken = Vec::new();
        let (mut bytes, mut next) = (0, end);
        for slot in ring.from(from).take(CHUNK_SCAN) {
            if slot.seq >= end || (bytes >= max_bytes && !taken.is_empty()) {
                next = slot.seq.min(end);
                break;
            }
            next = slot.seq + 1;
            if matches(&slot.entry, action) {
                bytes += slot.size;
                taken.push(slot.entry.clone());
            }
        }
        (taken, next.max(from))
    }

    /// The call with this RequestId, if the journal still holds it.
    pub fn get(&self, request_id: &str) -> Option<Arc<Entry>> {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        ring.entries
            .iter()
            .rev()
            .find(|s| s.entry.request_id == request_id)
            .map(|s| s.entry.clone())
    }

    /// Oldest first; `action` filters, `limit` keeps the newest N (every entry taken at once:
    /// for tests and small journals; the admin API reads by [`Journal::chunk`]).
    pub fn list(&self, action: Option<&str>, limit: Option<usize>) -> Vec<Arc<Entry>> {
        let Ok((mut from, end)) = self.window(action, limit, None) else {
            return Vec::new();
        };
        let mut all = Vec::new();
        while from < end {
            let (entries, next) = self.chunk(action, from, end, usize::MAX);
            all.extend(entries);
            from = next;
        }
        all
    }

    /// Forgets every call; places go on from where they were, so a reader's `after` finds
    /// nothing ([`Gone`]).
    pub fn clear(&self) {
        let old = {
            let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
            ring.bytes = 0;
            std::mem::take(&mut ring.entries)
        };
        drop(old);
    }

    /// The memory the entries hold, as the bound counts it.
    pub fn bytes(&self) -> usize {
        self.ring
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize, action: &'static str) -> Entry {
        Entry {
            time: n as i64,
            request_id: n.to_string(),
            action: Some(Cow::Borrowed(action)),
            product: Some("Vpc"),
            version: Some(Cow::Borrowed("2016-04-28")),
            method: Cow::Borrowed("GET"),
            scheme: "http",
            signature: "none",
            user_agent: None,
            account_id: None,
            principal: None,
            params: Params::default(),
            http_status: 200,
            code: None,
            duration_us: 1,
            response: Bytes::from_static(b"{}"),
        }
    }

    #[test]
    fn the_ring_is_bounded_and_filters() {
        let journal = Journal::default();
        for n in 0..CAPACITY + 5 {
            journal.push(entry(n, if n % 2 == 0 { "A" } else { "B" }));
        }
        let all = journal.list(None, None);
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].request_id, "5");
        let last_b = journal.list(Some("B"), Some(2));
        assert_eq!(
            last_b
                .iter()
                .map(|e| e.request_id.as_str())
                .collect::<Vec<_>>(),
            ["10001", "10003"]
        );
    }

    #[test]
    fn the_journal_is_bounded_in_bytes_and_refused_values_are_cut() {
        let journal = Journal::default();
        let big = "é".repeat(300 * 1024);
        for n in 0..200 {
            let mut e = entry(n, "A");
            e.params = [("Name", big.as_str()), ("RegionId", "r")]
                .into_iter()
                .collect();
            e.code = Some("IncompleteSignature".into());
            journal.push(e);
        }
        let all = journal.list(None, None);
        assert_eq!(all.len(), 200, "cut entries are small enough to keep");
        let shown = all[0].params.get("Name").unwrap();
        assert!(
            shown.ends_with(CUT_MARK) && shown.len() <= MAX_REFUSED_VALUE_BYTES + CUT_MARK.len()
        );
        assert!(journal.bytes() < 2 * 1024 * 1024, "{}", journal.bytes());
        // Accepted calls are kept whole, and the byte bound evicts the oldest.
        for n in 0..200 {
            let mut e = entry(1000 + n, "B");
            e.params = [("Name", big.as_str())].into_iter().collect();
            journal.push(e);
        }
        assert!(journal.bytes() <= MAX_BYTES);
        let kept = journal.list(None, None);
        assert!(kept.len() < 200 + 200);
        assert_eq!(kept.last().unwrap().request_id, "1199");
        assert_eq!(kept.last().unwrap().params.get("Name"), Some(big.as_str()));
    }

    #[test]
    fn readers_go_on_from_a_call_a_few_at_a_time_and_learn_when_it_is_gone() {
        let journal = Journal::default();
        for n in 0..10 {
            journal.push(entry(n, if n % 3 == 0 { "A" } else { "B" }));
        }
        assert_eq!(journal.window(None, None, Some("3")), Ok((4, 10)));
        assert_eq!(journal.window(Some("A"), Some(2), None), Ok((6, 10)));
        assert_eq!(journal.window(None, Some(0), None), Ok((10, 10)));
        let (first, next) = journal.chunk(None, 4, 10, 1);
        assert_eq!(
            (first.len(), first[0].request_id.as_str(), next),
            (1, "4", 5)
        );
        let (rest, next) = journal.chunk(Some("A"), 5, 10, usize::MAX);
        let ids: Vec<&str> = rest.iter().map(|e| e.request_id.as_str()).collect();
        assert_eq!((ids, next), (vec!["6", "9"], 10));
        // A call made after the reading began is not part of it.
        journal.push(entry(10, "A"));
        assert_eq!(journal.chunk(None, 9, 10, usize::MAX).0.len(), 1);
        journal.clear();
        assert_eq!(journal.window(None, None, Some("9")), Err(Gone));
        let (none, next) = journal.chunk(None, 4, 10, usize::MAX);
        assert!(none.is_empty() && next == 10);
        journal.push(entry(11, "A"));
        assert_eq!(journal.window(None, None, None), Ok((0, 12)));
        assert_eq!(journal.list(None, None)[0].request_id, "11");
    }

    #[test]
    fn an_entry_is_written_with_or_without_its_body() {
        let mut with = Vec::new();
        write_entry(&mut with, &entry(1, "A"), true);
        let mut without = Vec::new();
        write_entry(&mut without, &entry(1, "A"), false);
        let (with, without): (serde_json::Value, serde_json::Value) = (
            serde_json::from_slice(&with).unwrap(),
            serde_json::from_slice(&without).unwrap(),
        );
        assert_eq!(with["Response"], "{}");
        assert!(without.get("Response").is_none());
        assert_eq!(without["RequestId"], "1");
        // The flag does not outlive the call.
        assert_eq!(
            serde_json::to_value(entry(2, "A")).unwrap()["Response"],
            "{}"
        );
    }

    #[test]
    fn signing_parameters_are_left_out() {
        let params: Params = [
            ("Name", "x"),
            ("Signature", "s"),
            ("AccessKeyId", "ak"),
            ("Timestamp", "t"),
        ]
        .into_iter()
        .collect();
        let mut shown = entry(1, "A");
        shown.params = params;
        let json = serde_json::to_value(&shown).unwrap();
        assert_eq!(json["Params"], serde_json::json!({"Name": "x"}));
    }
}
