//! Shared test helpers: `spawn_app` on port 0, a raw HTTP/1.1 client, and request signing.

use std::net::SocketAddr;
use std::sync::Arc;

use aliyun_vpc_emulator::auth::{acs3, percent_encode, v1};
use aliyun_vpc_emulator::config::Config;
use aliyun_vpc_emulator::{AppState, run};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

pub const ROOT_KEY: &str = "LTAI5tEmulatorRootKey";
pub const ROOT_SECRET: &str = "EmulatorRootSecret";
pub const READONLY_KEY: &str = "LTAI5tEmulatorReadOnly";
pub const READONLY_SECRET: &str = "EmulatorReadOnlySecret";
pub const CERT1: &str = "vsc-bp1emulator0000000001";
pub const CERT2: &str = "vsc-bp1emulator0000000002";
/// The SSL-VPN server of the default fixtures (and of [`TEST_FIXTURES`]' account 1).
pub const SERVER: &str = "vss-bp1emulator0000000001";

/// Fixtures for authorization and isolation tests: the default account plus a RAM user `ops`
/// limited to cert 1, an inactive key, the captures' key, and a second account with its own
/// certificate.
pub const TEST_FIXTURES: &str = r#"{
  "Regions": [
    {"RegionId": "cn-hangzhou", "RegionEndpoint": "vpc.aliyuncs.com", "LocalNames": {"zh-CN": "华东1（杭州）", "en-US": "China (Hangzhou)"}},
    {"RegionId": "cn-shanghai", "RegionEndpoint": "vpc.aliyuncs.com", "LocalNames": {"zh-CN": "华东2（上海）", "en-US": "China (Shanghai)"}}
  ],
  "Accounts": [
    {"AccountId": "1000000000000001",
     "AccessKeys": [{"AccessKeyId": "LTAI5tEmulatorRootKey", "AccessKeySecret": "EmulatorRootSecret"},
                    {"AccessKeyId": "LTAIinactive", "AccessKeySecret": "x", "Status": "Inactive"},
                    {"AccessKeyId": "LTAItestkey", "AccessKeySecret": "testsecret"}],
     "Users": [
       {"UserName": "readonly", "Allow": ["vpc:Describe*"], "AccessKeys": [{"AccessKeyId": "LTAI5tEmulatorReadOnly", "AccessKeySecret": "EmulatorReadOnlySecret"}]},
       {"UserName": "ops", "Allow": ["vpc:ModifySslVpnClientCert"], "Resources": ["vsc-bp1emulator0000000001"],
        "AccessKeys": [{"AccessKeyId": "LTAIops", "AccessKeySecret": "OpsSecret"}]},
       {"UserName": "nobody", "AccessKeys": [{"AccessKeyId": "LTAInobody", "AccessKeySecret": "NobodySecret"}]},
       {"UserName": "limited", "Allow": ["vpc:*"], "Resources": ["vsc-bp1emulator0000000002"],
        "AccessKeys": [{"AccessKeyId": "LTAIlimited", "AccessKeySecret": "LimitedSecret"}]}
     ]},
    {"AccountId": "2000000000000002",
     "AccessKeys": [{"AccessKeyId": "LTAIother", "AccessKeySecret": "OtherSecret"}]}
  ],
  "VpnGateways": [
    {"VpnGatewayId": "vpn-bp1emulator0000000001", "RegionId": "cn-hangzhou", "Status": "updating"},
    {"VpnGatewayId": "vpn-other000000000000001", "RegionId": "cn-hangzhou", "AccountId": "2000000000000002"}
  ],
  "SslVpnServers": [
    {"SslVpnServerId": "vss-bp1emulator0000000001", "RegionId": "cn-hangzhou", "VpnGatewayId": "vpn-bp1emulator0000000001", "ResourceGroupId": "rg-acfmemulator01"},
    {"SslVpnServerId": "vss-other000000000000001", "RegionId": "cn-hangzhou", "AccountId": "2000000000000002", "VpnGatewayId": "vpn-other000000000000001"}
  ],
  "SslVpnClientCerts": [
    {"SslVpnClientCertId": "vsc-bp1emulator0000000001", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-bp1emulator0000000001", "Name": "cert1", "CreateTime": 1764547200000, "EndTime": 1859155200000},
    {"SslVpnClientCertId": "vsc-bp1emulator0000000002", "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-bp1emulator0000000001", "Name": "cert2", "CreateTime": 1764547260000, "EndTime": 1859155260000},
    {"SslVpnClientCertId": "vsc-other000000000000001", "RegionId": "cn-hangzhou", "AccountId": "2000000000000002", "SslVpnServerId": "vss-other000000000000001", "Name": "theirs"}
  ]
}"#;

/// A server running in this process on a free port; stopped when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    #[allow(dead_code)]
    pub state: Arc<AppState>,
    _stop: oneshot::Sender<()>,
}

pub async fn spawn_with(config: Config, fixtures: Option<&str>) -> TestApp {
    let state = match fixtures {
        Some(text) => AppState::with_fixtures(config, "test fixtures", text),
        None => AppState::new(config),
    }
    .expect("fixtures load");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("local address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(run(listener, state.clone(), async move {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        state,
        _stop: stop,
    }
}

/// The embedded default fixtures.
pub async fn spawn_default() -> TestApp {
    spawn_with(test_config(), None).await
}

/// [`TEST_FIXTURES`].
pub async fn spawn_test() -> TestApp {
    spawn_with(test_config(), Some(TEST_FIXTURES)).await
}

/// [`TEST_FIXTURES`] with account 1's gateway `active` instead of `updating`.
pub async fn spawn_test_active() -> TestApp {
    let fixtures = TEST_FIXTURES.replace(r#""Status": "updating""#, r#""Status": "active""#);
    spawn_with(test_config(), Some(&fixtures)).await
}

pub fn test_config() -> Config {
    Config {
        port: 0,
        seed: Some(42),
        ..Config::default()
    }
}

/// An HTTP answer as received.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn request_id(&self) -> String {
        self.json()["RequestId"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Asserts status and the exact error envelope of SPEC 3.3 (RequestId from the answer).
    pub fn assert_error(&self, status: u16, code: &str, message: &str) {
        self.assert_envelope(status, code, message, None);
    }

    /// [`Answer::assert_error`] for a RAM denial of `action` to RAM user `user` of account
    /// 1000000000000001: the envelope with its `AccessDeniedDetail` (SPEC section 5).
    pub fn assert_denied(&self, status: u16, code: &str, message: &str, action: &str, user: &str) {
        let detail = serde_json::json!({
            "AuthAction": format!("vpc:{action}"),
            "AuthPrincipalType": "SubUser",
            "AuthPrincipalDisplayName": user,
            "AuthPrincipalOwnerId": "1000000000000001",
            "NoPermissionType": "ImplicitDeny",
            "PolicyType": "AccountLevelIdentityBasedPolicy"
        });
        self.assert_envelope(status, code, message, Some(detail));
    }

    fn assert_envelope(&self, status: u16, code: &str, message: &str, detail: Option<Value>) {
        assert_eq!(self.status, status, "body: {}", self.body);
        let rid = self.request_id();
        let mut expected = serde_json::json!({
            "RequestId": rid,
            "HostId": "vpc.aliyuncs.com",
            "Code": code,
            "Message": message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=Vpc&requestId={rid}"),
        });
        if let Some(detail) = detail {
            expected["AccessDeniedDetail"] = detail;
        }
        assert_eq!(self.body, expected.to_string());
        assert_eq!(self.header("x-acs-request-id"), Some(rid.as_str()));
        assert_eq!(
            self.header("content-type"),
            Some("application/json;charset=utf-8")
        );
    }
}

/// Sends raw bytes and reads one answer (by its Content-Length).
pub async fn send_raw(addr: SocketAddr, bytes: &[u8]) -> Answer {
    try_send_raw(addr, bytes)
        .await
        .unwrap_or_else(|e| panic!("no answer from {addr}: {e}"))
}

/// [`send_raw`] for a server that may go away: `Err` instead of a panic.
pub async fn try_send_raw(addr: SocketAddr, bytes: &[u8]) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(bytes).await?;
    let mut buf = Vec::new();
    read_answer(&mut stream, &mut buf).await
}

/// Reads one answer from `stream` (by its Content-Length), keeping in `buf` what follows it.
pub async fn read_answer(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Answer> {
    loop {
        if let Some((answer, used)) = parse_answer(buf) {
            buf.drain(..used);
            return Ok(answer);
        }
        let mut chunk = [0u8; 16384];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "closed before a full answer: {:?}",
                    String::from_utf8_lossy(buf)
                ),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// One complete answer at the start of `buf`, and how many bytes it took.
fn parse_answer(buf: &[u8]) -> Option<(Answer, usize)> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        // Decoded once it has all come (re-reading a large body at every read would be slow).
        if !buf.ends_with(b"0\r\n\r\n") {
            return None;
        }
        let (body, used) = dechunk(&buf[head_end + 4..])?;
        let body = String::from_utf8_lossy(&body).to_string();
        let answer = Answer {
            status,
            headers,
            body,
        };
        return Some((answer, head_end + 4 + used));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let end = head_end + 4 + length;
    if buf.len() < end {
        return None;
    }
    let body = String::from_utf8_lossy(&buf[head_end + 4..end]).to_string();
    Some((
        Answer {
            status,
            headers,
            body,
        },
        end,
    ))
}

/// A whole chunked body at the start of `buf` (the admin API streams the journal), and how
/// many bytes it took; `None` while it is incomplete.
fn dechunk(buf: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let line_end = at + buf[at..].windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&buf[at..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // No trailers are sent: the body ends with an empty line.
            return (buf.len() >= at + 2).then_some((body, at + 2));
        }
        if buf.len() < at + size + 2 {
            return None;
        }
        body.extend_from_slice(&buf[at..at + size]);
        at += size + 2;
    }
}

pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A request under construction.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A V1-style request: `Action`, `Version`, `Format=JSON` and the given parameters in the query.
pub fn rpc(action: &str, params: &[(&str, &str)]) -> Req {
    let mut query = pairs(&[
        ("Action", action),
        ("Version", "2016-04-28"),
        ("Format", "JSON"),
    ]);
    query.extend(pairs(params));
    Req::get(query)
}

/// A certificate rename in cn-hangzhou.
pub fn modify(id: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", "cn-hangzhou"), ("SslVpnClientCertId", id)];
    params.extend_from_slice(extra);
    rpc("ModifySslVpnClientCert", &params)
}

/// A certificate on [`SERVER`] in cn-hangzhou.
pub fn create(extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", "cn-hangzhou"), ("SslVpnServerId", SERVER)];
    params.extend_from_slice(extra);
    rpc("CreateSslVpnClientCert", &params)
}

pub fn describe(id: &str) -> Req {
    rpc(
        "DescribeSslVpnClientCert",
        &[("RegionId", "cn-hangzhou"), ("SslVpnClientCertId", id)],
    )
}

pub fn delete(id: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", "cn-hangzhou"), ("SslVpnClientCertId", id)];
    params.extend_from_slice(extra);
    rpc("DeleteSslVpnClientCert", &params)
}

pub fn list(extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", "cn-hangzhou")];
    params.extend_from_slice(extra);
    rpc("DescribeSslVpnClientCerts", &params)
}

fn now_stamp() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .expect("formats")
}

static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

pub fn fresh_nonce() -> String {
    format!(
        "nonce-{}-{}",
        std::process::id(),
        NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

impl Req {
    pub fn get(query: Vec<(String, String)>) -> Req {
        Req {
            method: "GET".into(),
            path: "/".into(),
            query,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn method(mut self, method: &str) -> Req {
        self.method = method.into();
        self
    }

    pub fn path(mut self, path: &str) -> Req {
        self.path = path.into();
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn param(mut self, name: &str, value: &str) -> Req {
        self.query.push((name.into(), value.into()));
        self
    }

    pub fn without(mut self, name: &str) -> Req {
        self.query.retain(|(k, _)| k != name);
        self
    }

    /// Gives `name` this value instead of the one it had (moved to the end of the query).
    pub fn set(self, name: &str, value: &str) -> Req {
        self.without(name).param(name, value)
    }

    /// Moves every query parameter into a form body (as pop-core's POST does).
    pub fn into_form_post(mut self) -> Req {
        self.method = "POST".into();
        self.body = encode_pairs(&self.query).into_bytes();
        self.query.clear();
        self.header("content-type", "application/x-www-form-urlencoded")
    }

    /// Signs with signature V1 (adds AccessKeyId, Timestamp, nonce and Signature).
    pub fn sign_v1(mut self, access_key_id: &str, secret: &str) -> Req {
        let stamp = now_stamp();
        let nonce = fresh_nonce();
        self.query.extend(pairs(&[
            ("AccessKeyId", access_key_id),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", &nonce),
            ("Timestamp", &stamp),
        ]));
        let mut all = self.query.clone();
        if !self.body.is_empty() {
            all.extend(
                form_urlencoded::parse(&self.body).map(|(k, v)| (k.into_owned(), v.into_owned())),
            );
        }
        all.sort();
        let sts = v1::string_to_sign(
            &self.method,
            all.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        let signature = v1::sign(secret, &sts);
        self.query.push(("Signature".into(), signature));
        self
    }

    /// Signs with ACS3-HMAC-SHA256 as the Tea SDKs do: Action and Version move to headers.
    pub fn sign_acs3(self, access_key_id: &str, secret: &str, addr: SocketAddr) -> Req {
        self.sign_acs3_leaving_out(access_key_id, secret, addr, &[])
    }

    /// [`Req::sign_acs3`], but the headers named in `unsigned` are sent without being listed
    /// in `SignedHeaders`.
    pub fn sign_acs3_leaving_out(
        mut self,
        access_key_id: &str,
        secret: &str,
        addr: SocketAddr,
        unsigned: &[&str],
    ) -> Req {
        let action = self.take("Action");
        let version = self.take("Version");
        self.take("Format");
        let body_hash = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&self.body))
        };
        let mut signed = vec![
            ("host".to_string(), addr.to_string()),
            ("x-acs-action".to_string(), action),
            ("x-acs-content-sha256".to_string(), body_hash),
            ("x-acs-date".to_string(), now_stamp()),
            ("x-acs-signature-nonce".to_string(), fresh_nonce()),
            ("x-acs-version".to_string(), version),
        ];
        signed.sort();
        let mut headers = axum::http::HeaderMap::new();
        for (k, v) in &signed {
            headers.insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                v.parse().expect("header value"),
            );
        }
        let names: Vec<String> = signed
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !unsigned.contains(&k.as_str()))
            .collect();
        let sts = acs3::string_to_sign(&self.method, &self.query, &headers, &names, &self.body);
        let signature = acs3::sign(secret, &sts);
        for (k, v) in signed.into_iter().filter(|(k, _)| k != "host") {
            self.headers.push((k, v));
        }
        let auth = format!(
            "ACS3-HMAC-SHA256 Credential={access_key_id},SignedHeaders={},Signature={signature}",
            names.join(";")
        );
        self.header("Authorization", &auth)
    }

    fn take(&mut self, name: &str) -> String {
        let value = self
            .query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        self.query.retain(|(k, _)| k != name);
        value
    }

    pub fn to_bytes(&self, addr: SocketAddr) -> Vec<u8> {
        self.encode(addr, true)
    }

    /// The request for a connection that stays open.
    pub fn to_bytes_keep_alive(&self, addr: SocketAddr) -> Vec<u8> {
        self.encode(addr, false)
    }

    fn encode(&self, addr: SocketAddr, close: bool) -> Vec<u8> {
        let query = encode_pairs(&self.query);
        let target = if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        };
        let connection = if close { "close" } else { "keep-alive" };
        let mut out = format!(
            "{} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: {connection}\r\n",
            self.method
        );
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"))
        {
            out.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    pub async fn send(&self, app: &TestApp) -> Answer {
        send_raw(app.addr, &self.to_bytes(app.addr)).await
    }
}

/// A call of the admin API (`/_emulator/{call}`) with a body, sent as `application/json` as
/// the admin API requires of a body (SPEC 14).
pub fn admin(method: &str, call: &str, body: &str) -> Req {
    let mut req = Req::get(Vec::new())
        .method(method)
        .path(&format!("/_emulator/{call}"));
    req.body = body.as_bytes().to_vec();
    if body.is_empty() {
        req
    } else {
        req.header("content-type", "application/json")
    }
}

/// A certificate's name in a state document (`GET /_emulator/state`).
pub fn cert_name_in(state: &Value, id: &str) -> Option<String> {
    state["SslVpnClientCerts"]
        .as_array()?
        .iter()
        .find(|c| c["SslVpnClientCertId"] == id)
        .and_then(|c| c["Name"].as_str())
        .map(str::to_owned)
}

/// The certificate's name as `GET /_emulator/state` shows it.
pub async fn cert_name(app: &TestApp, id: &str) -> Option<String> {
    let state = Req::get(Vec::new())
        .path("/_emulator/state")
        .send(app)
        .await
        .json();
    cert_name_in(&state, id)
}
