//! The request journal of the admin API (SPEC section 8): every API call, refused ones too,
//! in a bounded ring, without signature fields or secrets.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use axum::body::Bytes;
use serde::{Serialize, Serializer};

use crate::protocol::{Params, SIGNING_PARAMS};

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
    /// counts it).
    #[serde(serialize_with = "as_text")]
    pub response: Bytes,
}

fn as_text<S: Serializer>(body: &Bytes, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&String::from_utf8_lossy(body))
}

/// Shows the parameters without what must not be journaled. They are filtered here rather than
/// when the call is recorded, to keep that off every call's path.
fn without_signing_params<S: Serializer>(
    params: &Params,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(
        params
            .iter()
            .filter(|(name, _)| !SIGNING_PARAMS.contains(name)),
    )
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

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<(Entry, usize)>,
    bytes: usize,
}

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
        let evicted = {
            let mut ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
            let mut evicted = Vec::new();
            while !ring.entries.is_empty()
                && (ring.entries.len() >= CAPACITY || ring.bytes + size > MAX_BYTES)
            {
                if let Some((old, old_size)) = ring.entries.pop_front() {
                    ring.bytes -= old_size;
                    evicted.push(old);
                }
            }
            ring.bytes += size;
            ring.entries.push_back((entry, size));
            evicted
        };
        // Freed after the lock is released: the oldest entry's memory is cold, and the other
        // threads should not wait while it is touched.
        drop(evicted);
    }

    /// Oldest first; `action` filters, `limit` keeps the newest N.
    pub fn list(&self, action: Option<&str>, limit: Option<usize>) -> Vec<Entry> {
        let ring = self.ring.lock().unwrap_or_else(PoisonError::into_inner);
        let matching: Vec<&Entry> = ring
            .entries
            .iter()
            .map(|(e, _)| e)
            .filter(|e| action.is_none_or(|a| e.action.as_deref() == Some(a)))
            .collect();
        let skip = limit.map_or(0, |n| matching.len().saturating_sub(n));
        matching.into_iter().skip(skip).cloned().collect()
    }

    pub fn clear(&self) {
        let old = std::mem::take(&mut *self.ring.lock().unwrap_or_else(PoisonError::into_inner));
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
