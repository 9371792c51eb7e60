//! `aliyun-vpc-emulator healthcheck`: the container's HEALTHCHECK, so the image needs no curl;
//! and `aliyun-vpc-emulator ca`, which prints a running emulator's TLS CA.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Whether `GET /_emulator/health` on 127.0.0.1:`port` answers 200 within 2 s.
pub async fn healthy(port: u16) -> bool {
    let probe = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(
                b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            )
            .await?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await?;
        Ok::<bool, std::io::Error>(head.starts_with(b"HTTP/1.1 200"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(2), probe).await,
        Ok(Ok(true))
    )
}

/// The body of `GET /_emulator/ca.pem` on 127.0.0.1:`port` (over plain HTTP), if it answers 200
/// within 2 s; else why not.
pub async fn ca_pem(port: u16) -> Result<String, String> {
    let fetch = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(
                b"GET /_emulator/ca.pem HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            )
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<Vec<u8>, std::io::Error>(answer)
    };
    let answer = match tokio::time::timeout(Duration::from_secs(2), fetch).await {
        Ok(Ok(answer)) => String::from_utf8_lossy(&answer).into_owned(),
        Ok(Err(e)) => return Err(format!("cannot reach the emulator on port {port}: {e}")),
        Err(_) => return Err(format!("no answer from port {port} within 2 s")),
    };
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    if head.starts_with("HTTP/1.1 200") {
        Ok(body.to_owned())
    } else {
        Err(format!(
            "the emulator on port {port} has no CA to give: {}",
            body.trim()
        ))
    }
}
