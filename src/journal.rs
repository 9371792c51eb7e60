//! The request journal of the admin API (SPEC section 8): every API call, refused ones too,
//! in a bounded ring, without signature fields or secrets.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::{Serialize, Serializer};

use crate::protocol::{Params, SIGNING_PARAMS};

/// How many calls the journal keeps; past it the oldest go first.
pub const CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Entry {
    /// Real time, epoch milliseconds.
    pub time: i64,
    pub request_id: String,
    pub action: Option<&'static str>,
    pub account_id: Option<String>,
    /// `root`, `user:{UserName}` or `anonymous`; null when refused before authentication.
    pub principal: Option<Cow<'static, str>>,
    /// As the call gave them; the signing parameters are left out when shown.
    #[serde(serialize_with = "without_signing_params")]
    pub params: Params,
    pub http_status: u16,
    pub code: Option<String>,
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

#[derive(Debug, Default)]
pub struct Journal {
    entries: Mutex<VecDeque<Entry>>,
}

impl Journal {
    pub fn push(&self, entry: Entry) {
        let evicted = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            let evicted = (entries.len() == CAPACITY)
                .then(|| entries.pop_front())
                .flatten();
            entries.push_back(entry);
            evicted
        };
        // Freed after the lock is released: the oldest entry's memory is cold, and the other
        // threads should not wait while it is touched.
        drop(evicted);
    }

    /// Oldest first; `action` filters, `limit` keeps the newest N.
    pub fn list(&self, action: Option<&str>, limit: Option<usize>) -> Vec<Entry> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let matching: Vec<&Entry> = entries
            .iter()
            .filter(|e| action.is_none_or(|a| e.action == Some(a)))
            .collect();
        let skip = limit.map_or(0, |n| matching.len().saturating_sub(n));
        matching.into_iter().skip(skip).cloned().collect()
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize, action: &'static str) -> Entry {
        Entry {
            time: n as i64,
            request_id: n.to_string(),
            action: Some(action),
            account_id: None,
            principal: None,
            params: Params::default(),
            http_status: 200,
            code: None,
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
