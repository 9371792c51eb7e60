//! The benchmark floor: a minimal axum server that answers the emulator's
//! `ModifySslVpnClientCert` JSON with no work at all (no parsing, no signature, no state).
//! `scripts/bench` runs it beside the emulator to show how much the emulator's work costs.
//!
//! Usage: `floor PORT` (0 picks a free one); prints the same listening line as the emulator.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;

const BODY: &str = r#"{"RequestId":"606998F0-B94D-48FE-8316-ACA81BB230DA","Name":"cert1","SslVpnClientCertId":"vsc-bp1emulator0000000001"}"#;

async fn answer() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json;charset=utf-8"),
            (
                header::HeaderName::from_static("x-acs-request-id"),
                "606998F0-B94D-48FE-8316-ACA81BB230DA",
            ),
        ],
        BODY,
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("floor listening on http://{}", listener.local_addr()?);
    axum::serve(listener, Router::new().fallback(answer)).await
}
