//! Authentication (SPEC section 4): who is calling, checked with either signature scheme.
//!
//! The lookup of keys is a closure over the current state, so this module holds no state but the
//! nonce cache of strict mode.

pub mod acs3;
pub mod v1;

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::header;
use dashmap::DashMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::AuthMode;
use crate::error::ApiError;
use crate::protocol::RpcRequest;

/// RFC 3986: everything but `A-Z a-z 0-9 - _ . ~` is escaped, with upper-case hex.
pub(crate) const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encoding as both signature schemes use it.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// How far a strict-mode timestamp may be from real time, and how long a nonce is remembered.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// What a RAM user may do (SPEC section 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserGrant {
    pub name: String,
    pub allow: Vec<String>,
    pub resources: Vec<String>,
}

/// An AccessKey as the state knows it.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub active: bool,
    pub account_id: String,
    /// `None` for an account's own (root) key.
    pub user: Option<UserGrant>,
    /// The HMACs of both schemes keyed with the key's secret, prepared once rather than on
    /// every request. The secret itself is not kept.
    v1_mac: v1::PreparedMac,
    acs3_mac: acs3::PreparedMac,
}

impl KeyRecord {
    pub fn new(secret: &str, active: bool, account_id: &str, user: Option<UserGrant>) -> Self {
        KeyRecord {
            active,
            account_id: account_id.to_owned(),
            user,
            v1_mac: v1::PreparedMac::new(secret),
            acs3_mac: acs3::PreparedMac::new(secret),
        }
    }
}

/// Who the caller acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The account's own key: allowed everything on its resources.
    Root,
    /// Lenient mode without (known) credentials: acts as the root of the first account.
    Anonymous,
    User(UserGrant),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: String,
    pub identity: Identity,
}

impl Principal {
    /// The journal's name for the caller: `root`, `user:{UserName}` or `anonymous`.
    pub fn label(&self) -> Cow<'static, str> {
        match &self.identity {
            Identity::Root => Cow::Borrowed("root"),
            Identity::Anonymous => Cow::Borrowed("anonymous"),
            Identity::User(u) => Cow::Owned(format!("user:{}", u.name)),
        }
    }
}

/// The credentials a request presents.
enum Presented<'r> {
    None,
    V1 {
        access_key_id: &'r str,
        signature: Option<&'r str>,
    },
    Acs3(acs3::Authorization),
    /// An `Authorization` we cannot read, or a `Signature` without an `AccessKeyId`.
    Unreadable,
}

fn presented(req: &RpcRequest) -> Presented<'_> {
    if let Some(value) = req.headers.get(header::AUTHORIZATION) {
        return value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix(acs3::ALGORITHM))
            .filter(|rest| rest.starts_with(' '))
            .and_then(acs3::parse_authorization)
            .map_or(Presented::Unreadable, Presented::Acs3);
    }
    let signature = req.params.get("Signature").filter(|s| !s.is_empty());
    match req.params.get("AccessKeyId").filter(|s| !s.is_empty()) {
        Some(access_key_id) => Presented::V1 {
            access_key_id,
            signature,
        },
        None if signature.is_some() => Presented::Unreadable,
        None => Presented::None,
    }
}

impl Presented<'_> {
    fn access_key_id(&self) -> Option<&str> {
        match self {
            Presented::V1 { access_key_id, .. } => Some(access_key_id),
            Presented::Acs3(a) => Some(&a.access_key_id),
            Presented::None | Presented::Unreadable => None,
        }
    }
}

/// Checks the signature; `Err` carries our string to sign.
fn check_signature(
    req: &RpcRequest,
    presented: &Presented,
    key: &KeyRecord,
) -> Result<(), ApiError> {
    let method = req.method.as_str();
    match presented {
        Presented::V1 {
            signature: Some(signature),
            ..
        } => {
            let sts = v1::string_to_sign(method, req.params.iter());
            if key.v1_mac.verify(&sts, signature) {
                return Ok(());
            }
            Err(ApiError::SignatureDoesNotMatch {
                string_to_sign: sts,
            })
        }
        Presented::Acs3(auth) => {
            let sts = acs3::string_to_sign(
                method,
                &req.query,
                &req.headers,
                &auth.signed_headers,
                &req.body,
            );
            if key.acs3_mac.verify(&sts, &auth.signature) {
                return Ok(());
            }
            Err(ApiError::SignatureDoesNotMatch {
                string_to_sign: sts,
            })
        }
        _ => Err(ApiError::IncompleteSignature),
    }
}

fn header_or_param<'a>(
    req: &'a RpcRequest,
    acs3: bool,
    header: &str,
    param: &str,
) -> Option<&'a str> {
    if acs3 {
        req.headers.get(header).and_then(|v| v.to_str().ok())
    } else {
        req.params.get(param)
    }
    .filter(|v| !v.is_empty())
}

/// A strict-mode nonce as the persistence file holds it, so that a replay stays refused after
/// a restart (SPEC section 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct NonceDoc {
    pub access_key_id: String,
    pub nonce: String,
    /// Real time it was first used, epoch milliseconds.
    pub time: i64,
}

/// The headers a strict-mode ACS3 request must sign, so that its nonce and date cannot be
/// swapped for fresh unsigned ones (SPEC section 13).
pub const STRICT_SIGNED_HEADERS: [&str; 4] = [
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-action",
    "x-acs-version",
];

/// Nonces seen in strict mode, per AccessKeyId, for [`WINDOW_MS`] of real time.
#[derive(Debug, Default)]
pub struct NonceCache {
    seen: DashMap<(String, String), i64>,
    inserts: AtomicU64,
}

impl NonceCache {
    /// Records the nonce; `false` if the same key used it within the window.
    pub fn record(&self, access_key_id: &str, nonce: &str, real_now_ms: i64) -> bool {
        use dashmap::mapref::entry::Entry;
        let fresh = match self
            .seen
            .entry((access_key_id.to_owned(), nonce.to_owned()))
        {
            Entry::Occupied(mut e) => {
                if real_now_ms - *e.get() < WINDOW_MS {
                    false
                } else {
                    e.insert(real_now_ms);
                    true
                }
            }
            Entry::Vacant(e) => {
                e.insert(real_now_ms);
                true
            }
        };
        // Forget old nonces now and then, so memory follows the request rate of one window.
        if fresh && self.inserts.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.seen.retain(|_, t| real_now_ms - *t < WINDOW_MS);
        }
        fresh
    }

    /// The nonces still inside the window, for the snapshot.
    pub fn export(&self, real_now_ms: i64) -> Vec<NonceDoc> {
        let mut docs: Vec<NonceDoc> = self
            .seen
            .iter()
            .filter(|e| real_now_ms - *e.value() < WINDOW_MS)
            .map(|e| NonceDoc {
                access_key_id: e.key().0.clone(),
                nonce: e.key().1.clone(),
                time: *e.value(),
            })
            .collect();
        docs.sort_by(|a, b| {
            (a.time, &a.access_key_id, &a.nonce).cmp(&(b.time, &b.access_key_id, &b.nonce))
        });
        docs
    }

    /// Puts back a nonce from the persistence file (one outside the window is dropped).
    pub fn restore(&self, doc: NonceDoc, real_now_ms: i64) {
        if real_now_ms - doc.time < WINDOW_MS {
            self.seen
                .entry((doc.access_key_id, doc.nonce))
                .and_modify(|t| *t = (*t).max(doc.time))
                .or_insert(doc.time);
        }
    }
}

/// The AccessKeyId and nonce a request presents (what strict mode records once it passes).
pub fn presented_nonce(req: &RpcRequest) -> Option<NonceDoc> {
    let presented = presented(req);
    let is_acs3 = matches!(presented, Presented::Acs3(_));
    let nonce = header_or_param(req, is_acs3, "x-acs-signature-nonce", "SignatureNonce")?;
    Some(NonceDoc {
        access_key_id: presented.access_key_id()?.to_owned(),
        nonce: nonce.to_owned(),
        time: 0,
    })
}

/// Everything authentication needs besides the request.
pub struct Authenticator<'a, 'k, F: Fn(&str) -> Option<&'k KeyRecord>> {
    pub mode: AuthMode,
    pub lookup_key: F,
    /// The first account of the state, which anonymous callers act as.
    pub default_account: &'a str,
    pub nonces: &'a NonceCache,
    /// Real time, never the emulator clock: the SDKs stamp real time.
    pub real_now_ms: i64,
}

impl<'k, F: Fn(&str) -> Option<&'k KeyRecord>> Authenticator<'_, 'k, F> {
    /// Who the request acts as, checked in the order of SPEC section 4.
    pub fn authenticate(&self, req: &RpcRequest) -> Result<Principal, ApiError> {
        let presented = presented(req);
        let known = presented
            .access_key_id()
            .and_then(|ak| (self.lookup_key)(ak));
        let principal = |key: &KeyRecord| Principal {
            account_id: key.account_id.clone(),
            identity: key.user.clone().map_or(Identity::Root, Identity::User),
        };
        match self.mode {
            AuthMode::Lenient => {
                if matches!(presented, Presented::Unreadable) {
                    return Err(ApiError::IncompleteSignature);
                }
                let Some(key) = known else {
                    return Ok(Principal {
                        account_id: self.default_account.to_owned(),
                        identity: Identity::Anonymous,
                    });
                };
                if !key.active {
                    return Err(ApiError::InvalidAccessKeyIdInactive);
                }
                check_signature(req, &presented, key)?;
                Ok(principal(key))
            }
            AuthMode::Strict => {
                let is_acs3 = matches!(presented, Presented::Acs3(_));
                let nonce =
                    header_or_param(req, is_acs3, "x-acs-signature-nonce", "SignatureNonce");
                let signed = match &presented {
                    Presented::V1 { signature, .. } => signature.is_some(),
                    Presented::Acs3(auth) => STRICT_SIGNED_HEADERS.iter().all(|needed| {
                        auth.signed_headers
                            .iter()
                            .any(|h| h.eq_ignore_ascii_case(needed))
                    }),
                    Presented::None | Presented::Unreadable => false,
                };
                let (Some(access_key_id), true, Some(nonce)) =
                    (presented.access_key_id(), signed, nonce)
                else {
                    return Err(ApiError::IncompleteSignature);
                };
                let Some(key) = known else {
                    return Err(ApiError::InvalidAccessKeyIdNotFound);
                };
                if !key.active {
                    return Err(ApiError::InvalidAccessKeyIdInactive);
                }
                let stamp = header_or_param(req, is_acs3, "x-acs-date", "Timestamp")
                    .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
                    .ok_or(ApiError::InvalidTimeStampFormat)?;
                let stamp_ms = (stamp.unix_timestamp_nanos() / 1_000_000) as i64;
                if (self.real_now_ms - stamp_ms).abs() > WINDOW_MS {
                    return Err(ApiError::InvalidTimeStampExpired);
                }
                check_signature(req, &presented, key)?;
                if !self.nonces.record(access_key_id, nonce, self.real_now_ms) {
                    return Err(ApiError::SignatureNonceUsed);
                }
                Ok(principal(key))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_encoding_matches_the_sdks() {
        assert_eq!(
            percent_encode("my cert*~/é+&=()!'"),
            "my%20cert%2A~%2F%C3%A9%2B%26%3D%28%29%21%27"
        );
    }

    #[test]
    fn a_nonce_is_refused_within_the_window_and_accepted_after() {
        let cache = NonceCache::default();
        assert!(cache.record("AK", "n1", 0));
        assert!(!cache.record("AK", "n1", WINDOW_MS - 1));
        assert!(cache.record("OTHER", "n1", 1));
        assert!(cache.record("AK", "n1", WINDOW_MS + 1));
    }
}
