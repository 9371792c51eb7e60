//! In-process cost of the request pipeline, without sockets: a signed
//! `ModifySslVpnClientCert` through [`handle`], many times, in µs per request. Used to profile
//! (`perf record ./target/release/examples/handler`) what `scripts/bench` measures end to end.
//!
//! Usage: `cargo run --release --example handler [REQUESTS]`

use std::time::{SystemTime, UNIX_EPOCH};

use aliyun_vpc_emulator::auth::{percent_encode, v1};
use aliyun_vpc_emulator::config::Config;
use aliyun_vpc_emulator::{AppState, handle};
use axum::body::Body;
use axum::http::Request;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn signed_path() -> String {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let nonce = format!("{stamp:x}");
    let mut params = vec![
        ("AccessKeyId", "LTAI5tEmulatorRootKey"),
        ("Action", "ModifySslVpnClientCert"),
        ("Format", "JSON"),
        ("Name", "bench"),
        ("RegionId", "cn-hangzhou"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", &nonce),
        ("SignatureVersion", "1.0"),
        ("SslVpnClientCertId", "vsc-bp1emulator0000000001"),
        ("Timestamp", "2026-11-29T03:01:35Z"),
        ("Version", "2016-04-28"),
    ];
    params.sort();
    let sts = v1::string_to_sign("GET", params.iter().copied());
    let signature = v1::sign("EmulatorRootSecret", &sts);
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!(
        "/?{}&Signature={}",
        query.join("&"),
        percent_encode(&signature)
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let requests: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let app = AppState::new(Config::default())?;
    let path = signed_path();
    let once = |app| {
        let path = path.clone();
        async move {
            let response = handle(app, Request::get(&path).body(Body::empty())?).await;
            assert_eq!(response.status(), 200);
            axum::body::to_bytes(response.into_body(), usize::MAX).await?;
            Ok::<(), Box<dyn std::error::Error>>(())
        }
    };
    for _ in 0..1000 {
        once(app.clone()).await?;
    }
    let started = std::time::Instant::now();
    for _ in 0..requests {
        once(app.clone()).await?;
    }
    let micros = started.elapsed().as_secs_f64() * 1e6 / f64::from(requests);
    println!(
        "{micros:.2} µs per signed ModifySslVpnClientCert (in process, no sockets, no log subscriber)"
    );
    Ok(())
}
