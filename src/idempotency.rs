//! ClientToken idempotency (SPEC section 7.6): the first successful result of a token is
//! remembered and replayed; the same token with other parameters is a mismatch.
//!
//! The store lives inside [`crate::state::World`], so checking a token, changing state and
//! recording the result happen in one critical section.

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::protocol::{Params, Reply, SIGNING_PARAMS};

/// Parameters that are not part of a request's fingerprint besides the signing ones: a retry
/// may change its format and how it names the action.
const NOT_FINGERPRINTED: &[&str] = &["ClientToken", "Format", "Version", "Action"];

/// How many tokens are kept (SPEC 7.6 asks for at least 100,000); past it the oldest go first.
pub const TOKEN_CAPACITY: usize = 100_000;

/// The parameters that make two requests "the same": a JSON array of `[name, value]` pairs in
/// name order. JSON escaping makes it unambiguous (SPEC section 13): two different parameter sets
/// never share one, whatever characters their names and values hold.
pub fn fingerprint(params: &Params) -> String {
    let pairs: Vec<(&str, &str)> = fingerprinted(params).collect();
    serde_json::to_string(&pairs).unwrap_or_default()
}

fn fingerprinted(params: &Params) -> impl Iterator<Item = (&str, &str)> {
    params
        .iter()
        .filter(|(name, _)| !NOT_FINGERPRINTED.contains(name) && !SIGNING_PARAMS.contains(name))
}

/// Whether a request matches a remembered fingerprint. Records written before fingerprints were
/// JSON (sorted `name=value` lines, which a newline in a value made ambiguous) are compared in
/// their own form, and never match a request whose parameters hold a newline or `=` in a name.
fn same_request(stored: &str, fingerprint: &str, params: &Params) -> bool {
    if stored.starts_with('[') || stored.is_empty() {
        return stored == fingerprint;
    }
    let mut legacy = String::new();
    for (name, value) in fingerprinted(params) {
        if name.contains(['\n', '=']) || value.contains('\n') {
            return false;
        }
        legacy.push_str(name);
        legacy.push('=');
        legacy.push_str(value);
        legacy.push('\n');
    }
    stored == legacy
}

/// A ClientToken is 1 to 64 characters of printable ASCII.
pub fn validate_token(token: &str) -> Result<(), ApiError> {
    if token.is_empty() || token.len() > 64 || !token.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(ApiError::InvalidClientTokenMalformed);
    }
    Ok(())
}

/// Scope of a token: account + action + token.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    pub account_id: String,
    pub action: String,
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub fingerprint: String,
    pub result: Reply,
    /// Real time, epoch milliseconds.
    pub created_ms: i64,
}

/// A token record as the persistence file holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct TokenDoc {
    pub account_id: String,
    pub action: String,
    pub client_token: String,
    pub fingerprint: String,
    pub result: Reply,
    /// Real time of the first success, epoch milliseconds.
    pub created_ms: i64,
}

impl TokenDoc {
    pub fn new(key: &TokenKey, record: &TokenRecord) -> Self {
        TokenDoc {
            account_id: key.account_id.clone(),
            action: key.action.clone(),
            client_token: key.token.clone(),
            fingerprint: record.fingerprint.clone(),
            result: record.result.clone(),
            created_ms: record.created_ms,
        }
    }

    fn split(self) -> (TokenKey, TokenRecord) {
        (
            TokenKey {
                account_id: self.account_id,
                action: self.action,
                token: self.client_token,
            },
            TokenRecord {
                fingerprint: self.fingerprint,
                result: self.result,
                created_ms: self.created_ms,
            },
        )
    }
}

#[derive(Debug)]
pub struct TokenStore {
    records: HashMap<TokenKey, TokenRecord>,
    /// Insertion order, for expiry and the size bound.
    order: VecDeque<(TokenKey, i64)>,
    ttl_ms: i64,
    capacity: usize,
}

impl TokenStore {
    pub fn new(ttl_seconds: u64, capacity: usize) -> Self {
        TokenStore {
            records: HashMap::new(),
            order: VecDeque::new(),
            ttl_ms: i64::try_from(ttl_seconds.saturating_mul(1000)).unwrap_or(i64::MAX),
            capacity,
        }
    }

    /// The remembered result for a replay, a mismatch error, or `None` for a new token.
    pub fn check(
        &self,
        key: &TokenKey,
        fingerprint: &str,
        params: &Params,
        real_now_ms: i64,
    ) -> Result<Option<Reply>, ApiError> {
        match self.records.get(key) {
            Some(r) if real_now_ms - r.created_ms < self.ttl_ms => {
                if same_request(&r.fingerprint, fingerprint, params) {
                    Ok(Some(r.result.clone()))
                } else {
                    Err(ApiError::IdempotentParameterMismatch)
                }
            }
            _ => Ok(None),
        }
    }

    /// Remembers a successful result.
    pub fn record(&mut self, key: TokenKey, fingerprint: String, result: Reply, real_now_ms: i64) {
        self.order.push_back((key.clone(), real_now_ms));
        self.records.insert(
            key,
            TokenRecord {
                fingerprint,
                result,
                created_ms: real_now_ms,
            },
        );
        self.prune(real_now_ms);
    }

    /// Drops expired records and, past the bound, the oldest.
    fn prune(&mut self, real_now_ms: i64) {
        while let Some((key, created)) = self.order.front() {
            let expired = real_now_ms - *created >= self.ttl_ms;
            if !expired && self.records.len() <= self.capacity {
                break;
            }
            // A record replaced since (after expiry) keeps its newer entry.
            if self
                .records
                .get(key)
                .is_some_and(|r| r.created_ms == *created)
            {
                self.records.remove(key);
            }
            self.order.pop_front();
        }
    }

    /// Every live record, oldest first.
    pub fn export(&self) -> Vec<TokenDoc> {
        self.order
            .iter()
            .filter_map(|(key, created)| {
                let record = self.records.get(key)?;
                (record.created_ms == *created).then(|| TokenDoc::new(key, record))
            })
            .collect()
    }

    /// Puts back a record from the persistence file (expired ones are dropped).
    pub fn restore(&mut self, doc: TokenDoc, real_now_ms: i64) {
        let (key, record) = doc.split();
        let created = record.created_ms;
        self.order.push_back((key.clone(), created));
        self.records.insert(key, record);
        self.prune(real_now_ms);
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(token: &str) -> TokenKey {
        TokenKey {
            account_id: "1".into(),
            action: "ModifySslVpnClientCert".into(),
            token: token.into(),
        }
    }

    fn reply(name: &str) -> Reply {
        json!({ "Name": name })
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn tokens_are_validated() {
        assert!(validate_token("tok-1").is_ok());
        assert!(validate_token(&"a".repeat(64)).is_ok());
        assert!(validate_token(&"a".repeat(65)).is_err());
        assert!(validate_token("").is_err());
        assert!(validate_token("é").is_err());
        assert!(validate_token("tab\there").is_err());
    }

    #[test]
    fn fingerprint_ignores_signing_fields_only() {
        let a: Params = [
            ("Name", "x"),
            ("Signature", "s1"),
            ("Timestamp", "t1"),
            ("RegionId", "r"),
        ]
        .into_iter()
        .collect();
        let b: Params = [("Name", "x"), ("Signature", "s2"), ("RegionId", "r")]
            .into_iter()
            .collect();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), r#"[["Name","x"],["RegionId","r"]]"#);
    }

    #[test]
    fn the_fingerprint_is_unambiguous() {
        let folded: Params = [("Name", "x\nO=1")].into_iter().collect();
        let split: Params = [("Name", "x"), ("O", "1")].into_iter().collect();
        assert_ne!(fingerprint(&folded), fingerprint(&split));
        let quoted: Params = [("Name", "a\",\"b")].into_iter().collect();
        let two: Params = [("Name", "a"), ("b", "")].into_iter().collect();
        assert_ne!(fingerprint(&quoted), fingerprint(&two));
        // A record of the older form still matches its own request, and never an ambiguous one.
        assert!(same_request("Name=x\nO=1\n", &fingerprint(&split), &split));
        assert!(!same_request(
            "Name=x\nO=1\n",
            &fingerprint(&folded),
            &folded
        ));
    }

    #[test]
    fn replay_mismatch_expiry_and_bound() {
        let mut store = TokenStore::new(10, 2);
        let p = Params::default();
        assert_eq!(store.check(&key("t"), "[f]", &p, 0), Ok(None));
        store.record(key("t"), "[f]".into(), reply("a"), 0);
        assert_eq!(store.check(&key("t"), "[f]", &p, 1), Ok(Some(reply("a"))));
        assert_eq!(
            store.check(&key("t"), "[g]", &p, 1),
            Err(ApiError::IdempotentParameterMismatch)
        );
        // Expired after 10 s of real time.
        assert_eq!(store.check(&key("t"), "[g]", &p, 10_000), Ok(None));
        // The bound drops the oldest first.
        store.record(key("u"), "[f]".into(), reply("b"), 1);
        store.record(key("v"), "[f]".into(), reply("c"), 2);
        assert_eq!(store.len(), 2);
        assert_eq!(store.check(&key("t"), "[g]", &p, 3), Ok(None));
        assert_eq!(store.check(&key("v"), "[f]", &p, 3), Ok(Some(reply("c"))));
    }
}
