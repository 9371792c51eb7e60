//! Property tests (proptest) over the request parser, both signature verifiers and the raw HTTP
//! surface: nothing panics, signing then verifying always agrees, any other secret never does.
//! `PROPTEST_CASES` sets the number of cases (256 by default; more by hand, e.g. 100000).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use aliyun_vpc_emulator::auth::{Authenticator, KeyRecord, NonceCache, acs3, percent_encode, v1};
use aliyun_vpc_emulator::config::AuthMode;
use aliyun_vpc_emulator::error::ApiError;
use aliyun_vpc_emulator::protocol::params::decode_request;
use axum::http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;

use crate::helpers::{TestApp, spawn_default};

fn key(secret: &str) -> KeyRecord {
    KeyRecord::new(secret, true, "1", None)
}

fn authenticate(
    method: Method,
    query: &str,
    headers: HeaderMap,
    body: Vec<u8>,
    secret: &str,
) -> Result<(), ApiError> {
    let decoded = decode_request(method, query, headers, body.into());
    let nonces = NonceCache::default();
    let key = key(secret);
    Authenticator {
        mode: AuthMode::Lenient,
        lookup_key: |ak: &str| (ak == "AK").then_some(&key),
        default_account: "1",
        nonces: &nonces,
        real_now_ms: 0,
    }
    .authenticate(&decoded.request)
    .map(|_| ())
}

fn encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Parameter names as the API uses them; values anything.
fn params() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::btree_map("[A-Z][A-Za-z0-9.]{0,12}", any::<String>(), 0..8).prop_map(
        |m| {
            m.into_iter()
                .filter(|(k, _)| k != "Signature" && k != "AccessKeyId")
                .collect()
        },
    )
}

proptest! {
    #[test]
    fn decoding_never_panics(query in any::<String>(), body in proptest::collection::vec(any::<u8>(), 0..256), form in any::<bool>()) {
        let mut headers = HeaderMap::new();
        if form {
            headers.insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded"));
        }
        let decoded = decode_request(Method::POST, &query, headers, body.into());
        prop_assert!(decoded.request.params.iter().all(|(k, _)| !k.is_empty()));
    }

    #[test]
    fn v1_signing_then_verifying_agrees(params in params(), secret in "[ -~]{1,40}", other in "[ -~]{1,40}", post in any::<bool>()) {
        let method = if post { "POST" } else { "GET" };
        let mut all = params.clone();
        all.push(("AccessKeyId".into(), "AK".into()));
        all.sort();
        let sts = v1::string_to_sign(method, all.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut wire = all.clone();
        wire.push(("Signature".into(), v1::sign(&secret, &sts)));
        let query = encode(&wire);
        let method: Method = method.parse().unwrap_or(Method::GET);
        prop_assert_eq!(authenticate(method.clone(), &query, HeaderMap::new(), Vec::new(), &secret), Ok(()));
        if other != secret {
            let refused = authenticate(method, &query, HeaderMap::new(), Vec::new(), &other);
            prop_assert!(matches!(refused, Err(ApiError::SignatureDoesNotMatch { .. })), "{:?}", refused);
        }
    }

    #[test]
    fn acs3_signing_then_verifying_agrees(query in params(), form in params(), secret in "[ -~]{1,40}", other in "[ -~]{1,40}") {
        let body = encode(&form).into_bytes();
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("127.0.0.1:8080"));
        headers.insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded"));
        headers.insert("x-acs-action", HeaderValue::from_static("ModifySslVpnClientCert"));
        headers.insert("x-acs-date", HeaderValue::from_static("2026-11-29T03:01:34Z"));
        let signed: Vec<String> = ["content-type", "host", "x-acs-action", "x-acs-date"].iter().map(|s| s.to_string()).collect();
        let sts = acs3::string_to_sign("POST", &query, &headers, &signed, &body);
        let auth = format!("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders={},Signature={}", signed.join(";"), acs3::sign(&secret, &sts));
        headers.insert("authorization", HeaderValue::from_str(&auth).map_err(|e| TestCaseError::fail(e.to_string()))?);
        let wire = encode(&query);
        prop_assert_eq!(authenticate(Method::POST, &wire, headers.clone(), body.clone(), &secret), Ok(()));
        if other != secret {
            let refused = authenticate(Method::POST, &wire, headers, body, &other);
            prop_assert!(matches!(refused, Err(ApiError::SignatureDoesNotMatch { .. })), "{:?}", refused);
        }
    }

    #[test]
    fn arbitrary_credentials_never_panic(authorization in "[ -~]{0,120}", signature in any::<String>(), query in any::<String>()) {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(&authorization) {
            headers.insert("authorization", value);
        }
        let query = format!("{query}&AccessKeyId=AK&Signature={}", percent_encode(&signature));
        let _ = authenticate(Method::GET, &query, headers, Vec::new(), "s");
    }
}

/// One server for the raw-bytes property, on its own runtime.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let app: TestApp = spawn_default().await;
                let _ = tx.send(app.addr);
                std::future::pending::<()>().await;
            });
        });
        rx.recv().expect("server address")
    })
}

/// Sends bytes and reads until the server closes. `half_close` ends our side first, so that
/// the server stops waiting for the rest of an incomplete request (and answers nothing).
fn exchange(addr: SocketAddr, bytes: &[u8], half_close: bool) -> Vec<u8> {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return Vec::new();
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.write_all(bytes);
    if half_close {
        let _ = stream.shutdown(std::net::Shutdown::Write);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

/// Request-shaped noise: a request line and headers built from arbitrary pieces.
fn noisy_request() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        Just("GET".to_string()),
        Just("POST".to_string()),
        Just("PUT".to_string()),
        "[A-Z]{1,8}"
    ];
    let target = prop_oneof![
        any::<String>().prop_map(|q| format!("/?{q}")),
        "/[ -~]{0,40}",
        Just("/".to_string())
    ];
    let headers = proptest::collection::vec(("[a-zA-Z-]{1,20}", "[ -~]{0,60}"), 0..6);
    let body = proptest::collection::vec(any::<u8>(), 0..200);
    (method, target, headers, body, any::<bool>()).prop_map(|(m, t, hs, body, chunked)| {
        let mut out = format!(
            "{m} {} HTTP/1.1\r\nhost: x\r\n",
            t.replace(['\r', '\n', ' '], "%20")
        )
        .into_bytes();
        for (k, v) in hs {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        if chunked {
            out.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
            out.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
            out.extend_from_slice(&body);
            out.extend_from_slice(b"\r\n0\r\n\r\n");
        } else {
            out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(&body);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.min(128), ..ProptestConfig::default() })]

    /// Whatever arrives, the answer (if any) is never a 5xx, and the server keeps serving.
    #[test]
    fn the_server_survives_noise(bytes in prop_oneof![noisy_request(), proptest::collection::vec(any::<u8>(), 0..512)]) {
        let addr = server();
        let answer = exchange(addr, &bytes, true);
        let status = String::from_utf8_lossy(&answer).split(' ').nth(1).and_then(|s| s.parse::<u16>().ok());
        prop_assert!(status.is_none_or(|s| s < 500), "{:?}", String::from_utf8_lossy(&answer));
        let health = exchange(addr, b"GET /_emulator/health HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n", false);
        prop_assert!(health.starts_with(b"HTTP/1.1 200"), "{:?}", String::from_utf8_lossy(&health));
    }
}

// The indexes that page a list without walking the pages before (issue 26), pinned to a
// reference: the VPCs kept aside by the test, sorted and walked.

use aliyun_vpc_emulator::idempotency::TokenStore;
use aliyun_vpc_emulator::state::doc::{Tag, Vpc};
use aliyun_vpc_emulator::state::{StateDoc, TagKind, World, parse_doc, state_time};

const SCOPES: [(&str, &str); 3] = [
    ("1", "cn-hangzhou"),
    ("1", "cn-beijing"),
    ("2", "cn-hangzhou"),
];
const KEYS: [&str; 3] = ["env", "team", "cost"];
const VALUES: [&str; 2] = ["a", "b"];

fn empty_world() -> (StateDoc, World) {
    let doc = parse_doc(
        r#"{"Regions": [{"RegionId": "cn-hangzhou"}, {"RegionId": "cn-beijing"}],
            "Accounts": [{"AccountId": "1"}, {"AccountId": "2"}]}"#,
    )
    .expect("doc");
    let world = World::from_doc(doc.clone(), 0, 0, TokenStore::new(60, 10)).expect("world");
    (doc, world)
}

fn vpc(n: u8, scope: usize, time: i64, tags: &[(usize, usize)]) -> Vpc {
    let (account, region) = SCOPES[scope];
    let mut tags: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag {
            key: KEYS[*k].into(),
            value: VALUES[*v].into(),
        })
        .collect();
    // One value per key, as the API keeps them.
    tags.dedup_by(|a, b| a.key == b.key);
    let created_ms = 1_764_547_200_000 + time;
    Vpc {
        vpc_id: format!("vpc-{n:03}"),
        region_id: region.into(),
        account_id: account.into(),
        cidr_block: "10.0.0.0/8".into(),
        vpc_name: String::new(),
        description: String::new(),
        vrouter_id: format!("vrt-{n:03}"),
        route_table_id: format!("vtb-{n:03}"),
        resource_group_id: String::new(),
        creation_time: state_time(created_ms),
        tags,
        user_cidrs: Vec::new(),
        dns_hostname_status: "DISABLED".into(),
        created_ms,
    }
}

#[derive(Debug, Clone)]
enum Op {
    Put {
        n: u8,
        scope: usize,
        time: i64,
        tags: Vec<(usize, usize)>,
    },
    Delete(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..40, 0usize..3, 0i64..6, proptest::collection::vec((0usize..3, 0usize..2), 0..4))
            .prop_map(|(n, scope, time, tags)| Op::Put { n, scope, time, tags }),
        1 => (0u8..40).prop_map(Op::Delete),
    ]
}

/// The reference: the scope's VPCs in list order, by a sort of everything kept aside.
fn reference(model: &std::collections::HashMap<String, Vpc>, scope: usize) -> Vec<&Vpc> {
    let (account, region) = SCOPES[scope];
    let mut rows: Vec<&Vpc> = model
        .values()
        .filter(|v| v.account_id == account && v.region_id == region)
        .collect();
    rows.sort_by(|a, b| (a.created_ms, &a.vpc_id).cmp(&(b.created_ms, &b.vpc_id)));
    rows
}

/// Every page the indexes give equals the reference's: VPCs by position, and tag entries
/// (all, by key, by key and value) by entry number.
fn pages_agree(
    world: &World,
    model: &std::collections::HashMap<String, Vpc>,
) -> Result<(), TestCaseError> {
    for (scope, &(account, region)) in SCOPES.iter().enumerate() {
        let rows = reference(model, scope);
        prop_assert_eq!(world.vpc_count_in(account, region), rows.len());
        for skip in 0..=rows.len() + 1 {
            let got: Vec<&str> = world
                .vpcs_in_from(account, region, skip)
                .take(3)
                .map(|v| v.vpc_id.as_str())
                .collect();
            let want: Vec<&str> = rows
                .iter()
                .skip(skip)
                .take(3)
                .map(|v| v.vpc_id.as_str())
                .collect();
            prop_assert_eq!(got, want, "scope {} skip {}", scope, skip);
        }
        let mut filters: Vec<Option<(&str, Option<&str>)>> = vec![None];
        for key in KEYS {
            filters.push(Some((key, None)));
            for value in VALUES {
                filters.push(Some((key, Some(value))));
            }
        }
        for filter in filters {
            let entries: Vec<(&str, &Tag)> = rows
                .iter()
                .filter(|v| {
                    filter.is_none_or(|(k, value)| {
                        v.tags
                            .iter()
                            .any(|t| t.key == k && value.is_none_or(|x| x == t.value))
                    })
                })
                .flat_map(|v| v.tags.iter().map(move |t| (v.vpc_id.as_str(), t)))
                .collect();
            if let Some(pair) = filter {
                let resources = rows
                    .iter()
                    .filter(|v| {
                        v.tags
                            .iter()
                            .any(|t| t.key == pair.0 && pair.1.is_none_or(|x| x == t.value))
                    })
                    .count();
                prop_assert_eq!(
                    world.tagged_count(TagKind::Vpc, account, region, pair),
                    resources
                );
            }
            for start in 0..=entries.len() + 1 {
                let found =
                    world.tag_entries_from(TagKind::Vpc, account, region, filter, start as u64);
                prop_assert_eq!(found.total, entries.len() as u64);
                let got: Vec<(&str, &Tag)> = found
                    .resources
                    .flat_map(|(id, tags)| tags.iter().map(move |t| (id, t)))
                    .skip(found.within as usize)
                    .take(4)
                    .collect();
                let want: Vec<(&str, &Tag)> = entries.iter().skip(start).take(4).copied().collect();
                prop_assert_eq!(
                    got,
                    want,
                    "scope {} filter {:?} start {}",
                    scope,
                    filter,
                    start
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.min(64), ..ProptestConfig::default() })]

    /// Random creates, re-tags (a put of the same ID) and deletes: the indexed pages equal the
    /// reference's; so do those of the world rebuilt from its state (a restart, or a PUT of the
    /// state) and of the world the write-ahead log's replay rebuilds (a rollback reloads so).
    #[test]
    fn indexed_pages_match_the_reference(ops in proptest::collection::vec(op(), 0..80), cut in 0usize..80) {
        let (doc, mut world) = empty_world();
        let mut model = std::collections::HashMap::new();
        // The changes up to `cut` are acknowledged (durable); a rollback drops the rest.
        let cut = cut.min(ops.len());
        let mut acknowledged = None;
        for (i, op) in ops.into_iter().enumerate() {
            if i == cut {
                acknowledged = Some((model.clone(), world.take_changes()));
            }
            match op {
                Op::Put { n, scope, time, tags } => {
                    let id = format!("vpc-{n:03}");
                    // A VPC keeps its scope and CreationTime: a put of a known ID re-tags it.
                    let v = match model.get(&id) {
                        Some(old) => Vpc { tags: vpc(n, scope, time, &tags).tags, ..Clone::clone(old) },
                        None => vpc(n, scope, time, &tags),
                    };
                    world.put_vpc(v.clone());
                    model.insert(id, v);
                }
                Op::Delete(n) => {
                    let id = format!("vpc-{n:03}");
                    if model.remove(&id).is_some() {
                        world.delete_vpc(&id);
                    }
                }
            }
        }
        let (durable_model, durable_changes) =
            acknowledged.unwrap_or_else(|| (model.clone(), world.take_changes()));
        pages_agree(&world, &model)?;
        // A rollback: the world rebuilt from the snapshot and the acknowledged records only.
        let mut rolled_back = World::from_doc(doc.clone(), 0, 0, TokenStore::new(60, 10)).expect("world");
        for change in durable_changes.iter().cloned() {
            rolled_back.apply(change, 0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        pages_agree(&rolled_back, &durable_model)?;
        let reloaded = World::from_doc(world.to_doc(), 0, 0, TokenStore::new(60, 10)).expect("reload");
        pages_agree(&reloaded, &model)?;
        let mut replayed = World::from_doc(doc, 0, 0, TokenStore::new(60, 10)).expect("world");
        for change in durable_changes.into_iter().chain(world.take_changes()) {
            replayed.apply(change, 0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        pages_agree(&replayed, &model)?;
    }
}
