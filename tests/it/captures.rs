//! The 51 captured requests of the official SDKs (`tests/captures/`; AccessKeyId `LTAItestkey`,
//! secret `testsecret`) as signature test vectors: 45 copied from the shared reference, and one
//! ModifySslVpnClientCert each of the Go Tea SDK (ACS3 and V1), the Go legacy SDK, Go tea-rpc,
//! the Java Tea SDK and the Java legacy SDK, recorded by `TestWriteCaptures` in `tests/sdk/go`
//! and `CaptureTest` in `tests/sdk/java`. They pin those clients' wire form without Go or Java.

use std::path::PathBuf;

use aliyun_vpc_emulator::auth::{Authenticator, KeyRecord, NonceCache};
use aliyun_vpc_emulator::config::AuthMode;
use aliyun_vpc_emulator::error::ApiError;
use aliyun_vpc_emulator::protocol::params::decode_request;
use axum::http::{HeaderMap, HeaderName, Method};

use crate::helpers::{send_raw, spawn_test};

pub struct Capture {
    pub name: String,
    /// The request bytes exactly as the SDK sent them.
    pub raw: Vec<u8>,
}

pub fn all() -> Vec<Capture> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/captures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("capture text");
            let section = text
                .split("===== RAW REQUEST")
                .nth(1)
                .and_then(|s| s.split("===== PARSED").next())
                .expect("raw section");
            let mut raw = Vec::new();
            // Skip the rest of the section's title line; a literal `\r\n` ends a protocol line,
            // a line without it is body text.
            for line in section.lines().skip(1) {
                match line.strip_suffix("\\r\\n") {
                    Some(l) => {
                        raw.extend_from_slice(l.as_bytes());
                        raw.extend_from_slice(b"\r\n");
                    }
                    None => raw.extend_from_slice(line.as_bytes()),
                }
            }
            Capture {
                name: path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                raw,
            }
        })
        .collect()
}

/// Splits raw bytes into method, target, headers and de-chunked body.
fn parse(raw: &[u8]) -> (Method, String, HeaderMap, Vec<u8>) {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
    let head = std::str::from_utf8(&raw[..end]).expect("utf-8 head");
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().expect("request line").split(' ');
    let method: Method = request_line
        .next()
        .expect("method")
        .parse()
        .expect("method");
    let target = request_line.next().expect("target").to_owned();
    let mut headers = HeaderMap::new();
    for line in lines {
        let (k, v) = line.split_once(':').expect("header");
        headers.append(
            HeaderName::from_bytes(k.trim().as_bytes()).expect("name"),
            v.trim().parse().expect("value"),
        );
    }
    let mut body = raw[end + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v == "chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("chunk size");
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).expect("hex"), 16)
                .expect("hex");
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = out;
    }
    (method, target, headers, body)
}

fn authenticate(capture: &Capture, secret: &str) -> Result<(), ApiError> {
    let (method, target, headers, body) = parse(&capture.raw);
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let decoded = decode_request(method, query, headers, body.into());
    assert_eq!(decoded.duplicate, None, "{}", capture.name);
    let nonces = NonceCache::default();
    let key = KeyRecord::new(secret, true, "1", None);
    let auth = Authenticator {
        mode: AuthMode::Lenient,
        lookup_key: |ak: &str| (ak == "LTAItestkey").then_some(&key),
        default_account: "1",
        nonces: &nonces,
        real_now_ms: 0,
    };
    auth.authenticate(&decoded.request).map(|_| ())
}

#[test]
fn every_capture_verifies_with_testsecret_and_fails_with_any_other() {
    let captures = all();
    assert_eq!(captures.len(), 51);
    for capture in &captures {
        assert_eq!(
            authenticate(capture, "testsecret"),
            Ok(()),
            "{}",
            capture.name
        );
        for wrong in ["testsecreT", "", "testsecret&"] {
            assert!(
                matches!(
                    authenticate(capture, wrong),
                    Err(ApiError::SignatureDoesNotMatch { .. })
                ),
                "{} verified with {wrong:?}",
                capture.name
            );
        }
    }
}

/// The raw bytes of the SDKs' Modify calls, replayed against the running server: the signature
/// passes, so the answer is about the (absent) certificate `vsc-test123`.
#[tokio::test]
async fn captured_modify_calls_pass_signature_checks_on_the_wire() {
    let app = spawn_test().await;
    let modify: Vec<Capture> = all()
        .into_iter()
        .filter(|c| c.name.contains("__ModifySslVpnClientCert"))
        .collect();
    assert_eq!(modify.len(), 24);
    for capture in modify {
        let answer = send_raw(app.addr, &capture.raw).await;
        assert_eq!(
            answer.json()["Code"],
            "InvalidSslVpnClientCertId.NotFound",
            "{}: {}",
            capture.name,
            answer.body
        );
    }
}
