//! Connections (SPEC 14): an idle keep-alive connection stays open for `--idle-timeout` (75 s
//! by default), a request's head must arrive within 10 s of its first byte, and a request
//! refused before its body was read is answered so that a client still writing it reads the
//! answer.
//!
//! These tests wait for the idle times themselves: the waiting is what they check. They run
//! beside the rest of the binary, so the longest (70 s) sets their share of the run.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::*;

/// Sends one call on `stream` (kept open) and reads its answer.
async fn call_on(stream: &mut TcpStream, app: &TestApp, buf: &mut Vec<u8>) -> Answer {
    let req = rpc("DescribeRegions", &[]);
    stream
        .write_all(&req.to_bytes_keep_alive(app.addr))
        .await
        .expect("the connection is still open for writing");
    read_answer(stream, buf)
        .await
        .expect("an answer on the kept connection")
}

/// Waits until the peer closes `stream` (reading and dropping anything it sends), up to
/// `limit`; how long that took.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut sink = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut sink))
        .await
        .ok()
        .map(|_| started.elapsed())
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_served_after_15_s_and_after_70_s() {
    let app = spawn_default().await;
    let idle_for = |seconds: u64| {
        let app = &app;
        async move {
            let mut stream = TcpStream::connect(app.addr).await.expect("connect");
            let mut buf = Vec::new();
            assert_eq!(call_on(&mut stream, app, &mut buf).await.status, 200);
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            let again = call_on(&mut stream, app, &mut buf).await;
            assert_eq!(again.status, 200, "after {seconds} s idle: {}", again.body);
        }
    };
    tokio::join!(idle_for(15), idle_for(70));
}

#[tokio::test]
async fn a_connection_idle_past_the_idle_timeout_is_closed() {
    let mut config = test_config();
    config.idle_timeout = 1;
    let app = spawn_with(config, None).await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let mut buf = Vec::new();
    assert_eq!(call_on(&mut stream, &app, &mut buf).await.status, 200);
    let closed = closed_within(&mut stream, Duration::from_secs(30)).await;
    let took = closed.expect("the idle connection was closed");
    assert!(took >= Duration::from_millis(900), "closed after {took:?}");
}

#[tokio::test]
async fn half_a_request_head_is_closed_at_10_s_even_on_a_connection_idle_before() {
    let app = spawn_default().await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let mut buf = Vec::new();
    assert_eq!(call_on(&mut stream, &app, &mut buf).await.status, 200);
    // Idle longer than a head may take: that alone closes nothing.
    tokio::time::sleep(Duration::from_secs(12)).await;
    stream
        .write_all(b"GET /?Action=DescribeRegions HTTP/1.1\r\nhost: x\r\n")
        .await
        .expect("the idle connection is still open");
    let took = closed_within(&mut stream, Duration::from_secs(30))
        .await
        .expect("a stalled head is closed");
    assert!(
        took >= Duration::from_millis(9_500) && took < Duration::from_secs(15),
        "closed {took:?} after the head started"
    );
}

/// A 2 MiB body declared by `Content-Length`, written whole before the answer is read (as
/// Python's `http.client` does): the 413 arrives, readable, and the connection goes on.
#[tokio::test]
async fn a_body_over_the_limit_is_answered_413_to_a_client_still_writing_it() {
    let app = spawn_default().await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let body = vec![b'a'; 2 * 1024 * 1024];
    let head = format!(
        "POST /?Action=DescribeRegions&Version=2016-04-28 HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n",
        app.addr,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&body)
        .await
        .expect("the whole body is taken, not refused with a reset");
    let mut buf = Vec::new();
    let answer = read_answer(&mut stream, &mut buf).await.expect("the 413");
    answer.assert_error(
        413,
        "RequestEntityTooLarge",
        "The request body is larger than 1048576 bytes.",
    );
    // The body was read to its end, so the connection is still good.
    assert_eq!(call_on(&mut stream, &app, &mut buf).await.status, 200);
}

/// The same for a refusal by path, and for a body sent in chunks past the limit.
#[tokio::test]
async fn other_early_refusals_are_answered_to_a_client_still_writing() {
    let app = spawn_default().await;
    for (target, framing, code) in [
        (
            "/other",
            "content-length: 2097152\r\n",
            "InvalidAction.NotFound",
        ),
        (
            "/?Action=DescribeRegions&Version=2016-04-28",
            "transfer-encoding: chunked\r\n",
            "RequestEntityTooLarge",
        ),
    ] {
        let mut stream = TcpStream::connect(app.addr).await.expect("connect");
        let head = format!(
            "POST {target} HTTP/1.1\r\nhost: {}\r\n{framing}\r\n",
            app.addr
        );
        stream.write_all(head.as_bytes()).await.expect("head");
        let piece = vec![b'a'; 64 * 1024];
        for _ in 0..32 {
            if framing.starts_with("transfer") {
                stream
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await
                    .expect("chunk size");
                stream.write_all(&piece).await.expect("chunk");
                stream.write_all(b"\r\n").await.expect("chunk end");
            } else {
                stream.write_all(&piece).await.expect("body");
            }
        }
        if framing.starts_with("transfer") {
            stream.write_all(b"0\r\n\r\n").await.expect("last chunk");
        }
        let mut buf = Vec::new();
        let answer = read_answer(&mut stream, &mut buf).await.expect("an answer");
        let status = if code == "RequestEntityTooLarge" {
            413
        } else {
            404
        };
        assert_eq!(
            (answer.status, answer.json()["Code"].as_str()),
            (status, Some(code)),
            "{target}: {}",
            answer.body
        );
        // The refused body was read to its end: the same connection serves the next call.
        assert_eq!(
            call_on(&mut stream, &app, &mut buf).await.status,
            200,
            "{target}"
        );
    }
}

/// A client that asks `Expect: 100-continue` before a body over the limit gets the 413 at once,
/// not an invitation to send a body that will be refused.
#[tokio::test]
async fn a_client_that_expects_100_continue_gets_the_413_without_sending_the_body() {
    let app = spawn_default().await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let head = format!(
        "POST /?Action=DescribeRegions&Version=2016-04-28 HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 2097152\r\nexpect: 100-continue\r\n\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    let mut buf = Vec::new();
    let answer = read_answer(&mut stream, &mut buf).await.expect("an answer");
    answer.assert_error(
        413,
        "RequestEntityTooLarge",
        "The request body is larger than 1048576 bytes.",
    );
}

/// An admin body that stops arriving is refused after the body time (30 s), not kept open.
#[tokio::test]
async fn an_admin_body_that_stalls_is_refused() {
    let app = spawn_default().await;
    let mut stream = TcpStream::connect(app.addr).await.expect("connect");
    let head = format!(
        "PUT /_emulator/state HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"Regions\"",
        app.addr
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("part of a body");
    let started = Instant::now();
    let mut buf = Vec::new();
    let answer = tokio::time::timeout(Duration::from_secs(60), read_answer(&mut stream, &mut buf))
        .await
        .expect("answered within a minute")
        .expect("an answer");
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(
        answer.json()["error"],
        "cannot read the body: it did not arrive within 30 s",
        "{}",
        answer.body
    );
    assert!(
        started.elapsed() >= Duration::from_secs(29),
        "{:?}",
        started.elapsed()
    );
}
