//! `--tls` (issue 17): HTTPS and HTTP on one port, the emulator CA (kept beside the state file,
//! given by `GET /_emulator/ca.pem` and the `ca` subcommand), an untrusting client failing with
//! a TLS error rather than a hang.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cli::{BIN, start, terminate};
use crate::helpers::*;
use crate::persistence::{Scratch, send};

fn connector(ca_pem: Option<&str>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = ca_pem {
        for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            roots.add(cert.expect("a PEM certificate")).expect("a CA");
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// One HTTPS request for `name`, on a new connection; the whole answer as text.
async fn https(
    addr: SocketAddr,
    ca_pem: Option<&str>,
    name: &str,
    req: &[u8],
) -> std::io::Result<String> {
    let tcp = TcpStream::connect(addr).await?;
    let server = ServerName::try_from(name.to_owned()).expect("a server name");
    let mut tls = connector(ca_pem).connect(server, tcp).await?;
    tls.write_all(req).await?;
    let mut out = Vec::new();
    tls.read_to_end(&mut out).await?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Host is a loopback name, whatever name the TLS client asks for: the admin API answers only
/// its own names (SPEC 14).
const HEALTH: &[u8] =
    b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

async fn ca_of(addr: SocketAddr) -> String {
    let answer = send(addr, Req::get(Vec::new()).path("/_emulator/ca.pem")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.header("content-type"),
        Some("application/x-pem-file")
    );
    answer.body
}

#[tokio::test]
async fn https_and_http_share_the_port_and_the_ca_is_given_and_kept() {
    let scratch = Scratch::new("tls");
    let file = scratch.file("state.json");
    let state = file.to_str().unwrap_or_default();
    let (mut child, port) = start(
        &[
            "--port",
            "0",
            "--tls",
            "--tls-name",
            "emulator.test",
            "--state-file",
            state,
        ],
        &[],
    );
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let ca = ca_of(addr).await;
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{ca}");

    for name in [
        "localhost",
        "127.0.0.1",
        "vpc.aliyuncs.com",
        "vpc.cn-hangzhou.aliyuncs.com",
        "emulator.test",
    ] {
        let answer = https(addr, Some(&ca), name, HEALTH)
            .await
            .expect("HTTPS with the CA");
        assert!(answer.starts_with("HTTP/1.1 200"), "{name}: {answer}");
    }
    // An API call over HTTPS answers as over HTTP.
    let call = rpc("DescribeRegions", &[]).to_bytes(addr);
    let answer = https(addr, Some(&ca), "127.0.0.1", &call)
        .await
        .expect("an API call");
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("\"Regions\""),
        "{answer}"
    );
    let journal = send(addr, admin("GET", "requests?limit=1", ""))
        .await
        .json();
    assert_eq!(journal[0]["Scheme"], "https", "{journal}");
    // Plain HTTP on the same port still works, the admin API and the API both.
    assert_eq!(send(addr, admin("GET", "health", "")).await.status, 200);
    assert_eq!(send(addr, rpc("DescribeRegions", &[])).await.status, 200);
    let journal = send(addr, admin("GET", "requests?limit=1", ""))
        .await
        .json();
    assert_eq!(journal[0]["Scheme"], "http", "{journal}");
    // A client that does not trust the CA fails the handshake at once, with a TLS error.
    let refused = tokio::time::timeout(
        Duration::from_secs(5),
        https(addr, None, "localhost", HEALTH),
    )
    .await
    .expect("an answer, not a hang");
    let error = refused.expect_err("an untrusted certificate");
    assert!(error.to_string().contains("certificate"), "{error}");
    // A name the certificate does not hold is refused too.
    assert!(https(addr, Some(&ca), "other.test", HEALTH).await.is_err());

    // The `ca` subcommand prints the same CA.
    let printed = Command::new(BIN)
        .args(["ca", "--port", &port.to_string()])
        .output()
        .expect("ca");
    assert!(printed.status.success());
    assert_eq!(String::from_utf8_lossy(&printed.stdout), ca);
    assert_eq!(terminate(&mut child), Some(0));

    // The CA is kept beside the state file: a restart serves a certificate of the same CA.
    assert!(
        scratch.file("state.json.tls-ca.pem").exists()
            && scratch.file("state.json.tls-ca.key").exists()
    );
    let (mut child, port) = start(&["--port", "0", "--tls", "--state-file", state], &[]);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    assert_eq!(ca_of(addr).await, ca);
    let answer = https(addr, Some(&ca), "localhost", HEALTH)
        .await
        .expect("the kept CA");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(terminate(&mut child), Some(0));
}

#[tokio::test]
async fn without_tls_there_is_no_ca_and_with_a_token_the_ca_needs_none() {
    let (mut child, port) = start(&["--port", "0", "--admin-token", "t"], &[]);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let answer = send(addr, Req::get(Vec::new()).path("/_emulator/ca.pem")).await;
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.json()["error"],
        "no emulator CA: TLS is off (start with --tls)"
    );
    let printed = Command::new(BIN)
        .args(["ca", "--port", &port.to_string()])
        .output()
        .expect("ca");
    assert_eq!(printed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&printed.stderr).contains("has no CA to give"));
    assert_eq!(terminate(&mut child), Some(0));

    let (mut child, port) = start(&["--port", "0", "--tls", "--admin-token", "t"], &[]);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    ca_of(addr).await;
    assert_eq!(terminate(&mut child), Some(0));
}

/// `--tls-cert`/`--tls-key`: the user's own certificate is served; a broken one refuses to start.
#[tokio::test]
async fn the_users_own_certificate() {
    let scratch = Scratch::new("tls-own");
    let key = rcgen::KeyPair::generate().expect("key");
    let cert = rcgen::CertificateParams::new(vec!["own.test".to_owned()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    std::fs::write(scratch.file("cert.pem"), cert.pem()).expect("write");
    std::fs::write(scratch.file("key.pem"), key.serialize_pem()).expect("write");
    let (cert_path, key_path) = (scratch.file("cert.pem"), scratch.file("key.pem"));
    let (c, k) = (
        cert_path.to_str().unwrap_or_default(),
        key_path.to_str().unwrap_or_default(),
    );
    let (mut child, port) = start(
        &["--port", "0", "--tls", "--tls-cert", c, "--tls-key", k],
        &[],
    );
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let answer = https(addr, Some(&cert.pem()), "own.test", HEALTH)
        .await
        .expect("the own certificate");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let no_ca = send(addr, Req::get(Vec::new()).path("/_emulator/ca.pem")).await;
    assert_eq!(no_ca.status, 404);
    assert_eq!(terminate(&mut child), Some(0));

    std::fs::write(scratch.file("key.pem"), "not a key").expect("write");
    let refused =
        crate::persistence::refused_run(&["--port", "0", "--tls", "--tls-cert", c, "--tls-key", k]);
    assert!(refused.contains("cannot set up TLS: key PEM"), "{refused}");
}

/// SPEC 13 for the TLS CA (issue 24, item 8): a `PATH.tls-ca.pem` that is not the certificate of
/// `PATH.tls-ca.key` (another emulator's CA put in its place) refuses the start, naming both
/// files, as a server's `CaCert` and `CaKey` that do not pair refuse the state; both files are
/// left as they were. Started anyway, clients trusting `/_emulator/ca.pem` would fail.
#[test]
fn a_tls_ca_that_does_not_pair_with_its_key_refuses_the_start() {
    let scratch = Scratch::new("tls-ca-pair");
    let make = |name: &str| {
        let file = scratch.file(name);
        let state = file.to_str().unwrap_or_default().to_owned();
        let (mut child, _) = start(&["--port", "0", "--tls", "--state-file", &state], &[]);
        assert_eq!(terminate(&mut child), Some(0));
        file
    };
    let (mine, other) = (make("mine.json"), make("other.json"));
    let with = |file: &std::path::Path, suffix: &str| {
        std::path::PathBuf::from(format!("{}{suffix}", file.display()))
    };
    let (cert, key) = (with(&mine, ".tls-ca.pem"), with(&mine, ".tls-ca.key"));
    std::fs::copy(with(&other, ".tls-ca.pem"), &cert).expect("replace the CA");
    let (cert_text, key_text) = (
        std::fs::read(&cert).expect("cert"),
        std::fs::read(&key).expect("key"),
    );
    let refused = crate::persistence::refused_run(&[
        "--port",
        "0",
        "--tls",
        "--state-file",
        mine.to_str().unwrap_or_default(),
    ]);
    assert!(
        refused.contains(&cert.display().to_string())
            && refused.contains(&key.display().to_string())
            && refused.contains("do not pair"),
        "{refused}"
    );
    assert_eq!(std::fs::read(&cert).expect("cert"), cert_text);
    assert_eq!(std::fs::read(&key).expect("key"), key_text);

    // A key that is not a key at all is refused the same way.
    std::fs::write(&key, "not a key").expect("write");
    let refused = crate::persistence::refused_run(&[
        "--port",
        "0",
        "--tls",
        "--state-file",
        mine.to_str().unwrap_or_default(),
    ]);
    assert!(refused.contains(&key.display().to_string()), "{refused}");
}

/// The idle time of a connection counts from when it is served: the wait for its first byte
/// and a TLS handshake are not part of it, so a client that connects, waits, shakes hands and
/// then sends its first request within the idle time is served.
#[tokio::test]
async fn idle_time_starts_once_the_handshake_is_done() {
    let (mut child, port) = start(&["--port", "0", "--tls", "--idle-timeout", "2"], &[]);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let ca = ca_of(addr).await;
    let tcp = TcpStream::connect(addr).await.expect("connect");
    // 1.5 s before the first byte, then the handshake, then 1 s more: 2.5 s since the accept,
    // 1 s of idle HTTP connection.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let server = ServerName::try_from("localhost").expect("a server name");
    let mut tls = connector(Some(&ca))
        .connect(server, tcp)
        .await
        .expect("the handshake");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    tls.write_all(HEALTH).await.expect("the request");
    let mut out = Vec::new();
    tls.read_to_end(&mut out).await.expect("the answer");
    let answer = String::from_utf8_lossy(&out);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(terminate(&mut child), Some(0));
}
