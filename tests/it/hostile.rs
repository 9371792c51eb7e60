//! Hostile input and limits (SPEC section 13): times that would overflow, memory a refused
//! flood could take, a stderr nobody reads, a CA that is not a pair, an ambiguous ClientToken
//! fingerprint, strict-mode replays, half-closed clients, control characters and HEAD.

use std::io::Read;
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use aliyun_vpc_emulator::clock::{MAX_NOW_MS, MAX_TIME_MS};
use aliyun_vpc_emulator::config::{AuthMode, Config};
use aliyun_vpc_emulator::material;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cli::{BIN, start, terminate};
use crate::helpers::*;
use crate::persistence::{Scratch, exported, kill9, refused_run, send, with_state_file};

fn x509_validity(pem: &str) -> (i64, i64) {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).expect("PEM");
    let cert = pem.parse_x509().expect("X.509");
    let v = cert.validity();
    (v.not_before.timestamp(), v.not_after.timestamp())
}

/// SPEC 13: a clock move past what can be computed is refused and changes nothing; at the
/// latest clock a certificate still ends by 9999-12-31, its material is made, its CA outlives
/// it, and the state file it lands in loads again.
#[tokio::test]
async fn the_clock_refuses_to_overflow_and_the_latest_state_still_loads() {
    let scratch = Scratch::new("clock-limit");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    let now = send(addr, admin("GET", "clock", "")).await.json()["Now"].clone();
    for body in [
        json!({"Now": i64::MAX}),
        json!({"Now": MAX_NOW_MS + 1}),
        json!({"AdvanceSeconds": i64::MAX}),
    ] {
        let refused = send(addr, admin("POST", "clock", &body.to_string())).await;
        assert_eq!(refused.status, 400, "{body}: {}", refused.body);
        assert!(
            refused.json()["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("the clock may not pass 9996-12-31T23:59:59Z")),
            "{}",
            refused.body
        );
    }
    let after = send(addr, admin("GET", "clock", "")).await.json()["Now"].clone();
    assert!(after.as_i64() < Some(now.as_i64().unwrap_or_default() + 60_000));

    // Year 2100: the client certificate ends inside its CA's validity.
    let year_2100 = 4_102_444_800_000_i64;
    let moved = send(
        addr,
        admin("POST", "clock", &json!({"Now": year_2100}).to_string()),
    )
    .await;
    assert_eq!(moved.status, 200);
    let id = send(addr, create(&[])).await.json()["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let described = send(addr, describe(&id)).await;
    assert_eq!(described.status, 200, "{}", described.body);
    let d = described.json();
    let (_, ca_end) = x509_validity(d["CaCert"].as_str().unwrap_or_default());
    let (client_from, client_end) = x509_validity(d["ClientCert"].as_str().unwrap_or_default());
    assert_eq!(ca_end, MAX_TIME_MS / 1000);
    assert!(client_end <= ca_end);
    assert_eq!(client_from, year_2100 / 1000);

    // The latest clock there is.
    let moved = send(
        addr,
        admin("POST", "clock", &json!({"Now": MAX_NOW_MS}).to_string()),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let late = send(addr, create(&[])).await.json()["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let described = send(addr, describe(&late)).await;
    assert_eq!(described.status, 200, "{}", described.body);
    let d = described.json();
    assert!(
        d["EndTime"].as_i64().is_some_and(|t| t <= MAX_TIME_MS),
        "{d}"
    );
    assert_eq!(d["Status"], "normal");
    assert_eq!(
        x509_validity(d["ClientCert"].as_str().unwrap_or_default()).1,
        MAX_TIME_MS / 1000
    );
    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    let state = exported(addr).await;
    assert!(
        state["SslVpnClientCerts"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["SslVpnClientCertId"] == late.as_str()))
    );
    assert_eq!(terminate(&mut child), Some(0));
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// SPEC 13: 200 refused 1 MB POSTs (strict mode, unsigned) keep the process small: each
/// journal entry keeps 4 KiB of a value, marked as cut. (Before the bound, the process grew by
/// about 587 MB.)
#[tokio::test]
async fn a_flood_of_refused_large_requests_keeps_the_journal_small() {
    let (mut child, port) = start(&["--port", "0", "--auth", "strict"], &[]);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let before = rss_kib(child.id());
    let value = "v".repeat(1_000_000);
    for _ in 0..200 {
        let req = rpc("ModifySslVpnClientCert", &[("Name", &value)]).into_form_post();
        let answer = send(addr, req).await;
        assert_eq!(answer.status, 400);
        assert_eq!(answer.json()["Code"], "IncompleteSignature");
    }
    let grown_mib = rss_kib(child.id()).saturating_sub(before) / 1024;
    assert!(grown_mib < 96, "the process grew by {grown_mib} MiB");
    let journal = send(addr, admin("GET", "requests", "")).await.json();
    let shown = journal[199]["Params"]["Name"].as_str().unwrap_or_default();
    assert_eq!(shown.len(), 4096 + "...[cut]".len());
    assert!(shown.ends_with("...[cut]"));
    assert_eq!(terminate(&mut child), Some(0));
}

/// SPEC 13: a harness that pipes stderr and never reads it still gets every answer (health
/// included); the lines that could not be written are counted, and the count is logged once
/// stderr drains.
#[tokio::test]
async fn an_undrained_stderr_never_blocks_an_answer() {
    let mut child = Command::new(BIN)
        .args(["--port", "0"])
        .env_remove("VPC_EMULATOR_PORT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).is_ok_and(|n| n == 1) && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let port: u16 = String::from_utf8_lossy(&line)
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("listening line");
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    // About 170 bytes of log per call: far past the 64 KiB pipe and the 1 MiB buffer.
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut buf = Vec::new();
    let request = rpc("DescribeRegions", &[]).to_bytes_keep_alive(addr);
    // A blocked server never answers: each answer gets a bound, so that shows as a failure.
    let bound = std::time::Duration::from_secs(10);
    for n in 0..10_000 {
        stream.write_all(&request).await.expect("send");
        let answer = tokio::time::timeout(bound, read_answer(&mut stream, &mut buf)).await;
        if !answer
            .as_ref()
            .is_ok_and(|a| a.as_ref().is_ok_and(|a| a.status == 200))
        {
            let _ = child.kill();
            panic!("call {n} was not answered: {answer:?}");
        }
    }
    let health = tokio::time::timeout(
        bound,
        send(addr, Req::get(Vec::new()).path("/_emulator/health")),
    )
    .await
    .expect("health answered");
    assert_eq!(health.status, 200);

    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    // Once stderr drains, the count is written; the process then stops cleanly.
    let mut check = TcpStream::connect(addr).await.expect("connect");
    check.write_all(&request).await.expect("send");
    assert!(read_answer(&mut check, &mut buf).await.is_ok());
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert_eq!(child.wait().expect("wait").code(), Some(0));
    let text = reader.join().expect("reader");
    let notice = text
        .lines()
        .find(|l| l.contains("log lines dropped while stderr could not take more dropped="))
        .unwrap_or_else(|| panic!("no count of dropped lines in {} bytes of log", text.len()));
    let dropped: u64 = notice
        .rsplit('=')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("count");
    assert!(dropped > 0);
    let written = text.lines().filter(|l| l.contains("api call")).count() as u64;
    assert!(
        written + dropped >= 10_000,
        "{written} written, {dropped} dropped"
    );
}

/// SPEC 13: a `CaCert` and a `CaKey` that are not a pair are refused, naming the server, in
/// fixtures and in `PUT state`.
#[tokio::test]
async fn a_ca_whose_key_is_not_its_own_is_refused() {
    let (a, b) = (
        material::new_ca("vss-a").expect("ca"),
        material::new_ca("vss-b").expect("ca"),
    );
    let mut doc: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    doc["SslVpnServers"][0]["CaCert"] = json!(a.cert);
    doc["SslVpnServers"][0]["CaKey"] = json!(b.key);
    let expected = "SslVpnServers[0].CaKey: CaCert and CaKey do not make a usable CA: CaKey is not the private key of CaCert";

    let scratch = Scratch::new("ca-pair");
    let fixtures = scratch.file("fixtures.json");
    std::fs::write(&fixtures, doc.to_string()).expect("write");
    assert_eq!(
        refused_run(&[
            "--port",
            "0",
            "--fixtures",
            fixtures.to_str().unwrap_or_default()
        ]),
        format!(
            "aliyun-vpc-emulator: invalid fixtures file {}: {expected}",
            fixtures.display()
        )
    );

    let app = spawn_default().await;
    let refused = admin("PUT", "state", &doc.to_string()).send(&app).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["error"], expected);
    // The pair as made stays accepted.
    doc["SslVpnServers"][0]["CaKey"] = json!(a.key);
    assert_eq!(
        admin("PUT", "state", &doc.to_string())
            .send(&app)
            .await
            .status,
        200
    );
}

/// SPEC 13: the ClientToken fingerprint is unambiguous. `Foo=Bar=1` was one fingerprint line
/// for both `Foo%3DBar=1` and `Foo=Bar%3D1`, so the second was answered the first's result.
/// The issue's own example now stops earlier: a newline in `Name` is `InvalidParameter`.
#[tokio::test]
async fn two_different_requests_never_share_a_fingerprint() {
    let app = spawn_default().await;
    let first = create(&[("ClientToken", "fp"), ("Foo=Bar", "1")])
        .send(&app)
        .await;
    assert_eq!(first.status, 200);
    create(&[("ClientToken", "fp"), ("Foo", "Bar=1")])
        .send(&app)
        .await
        .assert_error(
            400,
            "IdempotentParameterMismatch",
            "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.",
        );
    modify(CERT1, &[("ClientToken", "nl"), ("Name", "x\nO=1")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidParameter",
            "The specified parameter \"Name\" is not valid.",
        );
}

/// SPEC 13, strict mode: an ACS3 request must sign its date, nonce, action and version
/// headers; otherwise the nonce could be swapped for a fresh unsigned one.
#[tokio::test]
async fn strict_acs3_must_sign_the_nonce_date_action_and_version() {
    let app = spawn_with(
        Config {
            auth: AuthMode::Strict,
            ..test_config()
        },
        None,
    )
    .await;
    let signed = modify(CERT1, &[("Name", "strict")]).sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr);
    assert_eq!(signed.send(&app).await.status, 200);
    for left_out in [
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-action",
        "x-acs-version",
    ] {
        modify(CERT1, &[("Name", "strict")])
            .sign_acs3_leaving_out(ROOT_KEY, ROOT_SECRET, app.addr, &[left_out])
            .send(&app)
            .await
            .assert_error(
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
            );
    }
}

/// SPEC 13, strict mode with `--state-file`: a nonce used before `kill -9` is still used after
/// the restart.
#[tokio::test]
async fn strict_nonces_survive_a_restart() {
    let scratch = Scratch::new("nonces");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &["--auth", "strict"]);
    let bytes = modify(CERT1, &[("Name", "once")])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .to_bytes(addr);
    assert_eq!(send_raw(addr, &bytes).await.status, 200);
    let used = |answer: Answer| {
        answer.assert_error(
            400,
            "SignatureNonceUsed",
            "Specified signature nonce was used already.",
        )
    };
    used(send_raw(addr, &bytes).await);
    kill9(&mut child);
    // After kill -9 from the log, then after a clean stop from the snapshot alone.
    let (mut child, addr) = with_state_file(&file, &["--auth", "strict"]);
    used(send_raw(addr, &bytes).await);
    assert_eq!(terminate(&mut child), Some(0));
    let (mut child, addr) = with_state_file(&file, &["--auth", "strict"]);
    used(send_raw(addr, &bytes).await);
    assert_eq!(terminate(&mut child), Some(0));
}

/// SPEC 13: a client that half-closes its side after sending a pipelined batch gets every
/// answer, the last one included.
#[tokio::test]
async fn a_half_closed_client_gets_every_answer() {
    let app = spawn_default().await;
    // The last call of each batch takes a while, so that the end of the client's side arrives
    // while the server is still working on it.
    let slow = admin(
        "POST",
        "faults",
        r#"{"Action": "DescribeRegions", "DelayMs": 20, "Count": 1000}"#,
    );
    assert_eq!(slow.send(&app).await.status, 200);
    for _ in 0..20 {
        let mut stream = TcpStream::connect(app.addr).await.expect("connect");
        let mut batch = Vec::new();
        batch.extend(modify(CERT1, &[("Name", "half")]).to_bytes_keep_alive(app.addr));
        batch.extend(list(&[]).to_bytes_keep_alive(app.addr));
        batch.extend(rpc("DescribeRegions", &[]).to_bytes_keep_alive(app.addr));
        stream.write_all(&batch).await.expect("send");
        stream.shutdown().await.expect("half-close");
        let mut buf = Vec::new();
        for n in 0..3 {
            let answer = read_answer(&mut stream, &mut buf).await;
            assert!(
                answer.as_ref().is_ok_and(|a| a.status == 200),
                "answer {n}: {answer:?}"
            );
        }
    }
}

fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return,
            Ok(_) => {}
            Err(e) => panic!("ill-formed XML ({e}): {xml:?}"),
        }
    }
}

/// SPEC 13: a value with a control character is `InvalidParameter` for it, and an XML answer
/// is well-formed even when it repeats a parameter's name that holds one.
#[tokio::test]
async fn control_characters_are_refused_and_xml_stays_well_formed() {
    let app = spawn_default().await;
    for bad in ["a\u{1}b", "tab\tand\u{0}nul", "del\u{7f}", "cr\rlf"] {
        let answer = modify(CERT1, &[("Name", bad)])
            .set("Format", "XML")
            .send(&app)
            .await;
        assert_eq!(answer.status, 400, "{bad:?}");
        assert_well_formed(&answer.body);
        assert!(
            answer.body.contains("<Code>InvalidParameter</Code>"),
            "{}",
            answer.body
        );
        assert!(
            answer
                .body
                .contains("parameter &quot;Name&quot; is not valid."),
            "{}",
            answer.body
        );
    }
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("cert1"));
    // A tab alone is text.
    assert_eq!(
        modify(CERT1, &[("Name", "with\ttab")])
            .send(&app)
            .await
            .status,
        200
    );
    // A parameter name with a control character, given twice, named in an XML error.
    let twice = modify(CERT1, &[("x\u{1b}y", "1"), ("x\u{1b}y", "2")])
        .set("Format", "XML")
        .send(&app)
        .await;
    assert_eq!(twice.status, 400);
    assert_well_formed(&twice.body);
}

/// SPEC 13: `HEAD` on an admin call answers as `GET`, without a body.
#[tokio::test]
async fn head_on_admin_calls_answers_as_get_without_a_body() {
    let app = spawn_default().await;
    for call in ["health", "state", "clock", "requests", "faults"] {
        let mut stream = TcpStream::connect(app.addr).await.expect("connect");
        let request = format!(
            "HEAD /_emulator/{call} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\r\n",
            app.addr
        );
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a head");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{call}: {head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/json"),
            "{head}"
        );
        assert_eq!(body, "", "{call}");
    }
}

/// SPEC 9: an admin request body is one JSON value followed only by whitespace.
#[tokio::test]
async fn admin_bodies_with_anything_after_their_json_are_refused() {
    let app = spawn_default().await;
    let state = format!(
        "{}]]] garbage",
        Req::get(Vec::new())
            .path("/_emulator/state")
            .send(&app)
            .await
            .body
    );
    for (method, call, body) in [
        ("PUT", "state", state.as_str()),
        ("POST", "clock", r#"{"AdvanceSeconds": 1} {"Now": 5}"#),
        (
            "POST",
            "faults",
            r#"{"Action": "*", "Code": "Throttling"}x"#,
        ),
    ] {
        let refused = admin(method, call, body).send(&app).await;
        assert_eq!(refused.status, 400, "{call}: {}", refused.body);
        let error = refused.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            error.starts_with("$: trailing characters at line 1 column"),
            "{call}: {error}"
        );
    }
    assert_eq!(
        Req::get(Vec::new())
            .path("/_emulator/faults")
            .send(&app)
            .await
            .json(),
        json!([])
    );
}
