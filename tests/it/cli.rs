//! The binary as a user starts it (SPEC section 2): the listening line, flags and environment,
//! refusals with exit code 2, the healthcheck subcommand, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_aliyun-vpc-emulator");

/// Starts the binary and waits for its listening line; returns the child and the port.
/// Where each started child's stderr goes, by pid, so that a failed stop can show it.
fn child_logs() -> &'static std::sync::Mutex<std::collections::HashMap<u32, std::path::PathBuf>> {
    static LOGS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<u32, std::path::PathBuf>>,
    > = std::sync::OnceLock::new();
    LOGS.get_or_init(Default::default)
}

pub fn start(args: &[&str], envs: &[(&str, &str)]) -> (Child, u16) {
    static STARTED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let log = std::env::temp_dir().join(format!("vpc-emulator-it-{}-{n}.log", std::process::id()));
    let stderr = std::fs::File::create(&log).expect("log file");
    let mut command = Command::new(BIN);
    // Only the variables the test gives: none inherited from the shell running the tests.
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("VPC_EMULATOR_")) {
        command.env_remove(name);
    }
    let mut child = command
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("spawn");
    child_logs()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(child.id(), log);
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("listening line");
    let port = line
        .trim_end()
        .strip_prefix("aliyun-vpc-emulator listening on http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    (child, port)
}

fn refused(args: &[&str]) -> Output {
    let output = Command::new(BIN)
        .args(args)
        .env_remove("VPC_EMULATOR_PORT")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_owned()
}

/// SIGTERM, then the exit code and what the child wrote to stderr (printed unless it exited 0).
fn terminate_with_log(child: &mut Child) -> (Option<i32>, String) {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    let status = child.wait().expect("wait");
    let log = child_logs()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&child.id());
    let text = log
        .as_ref()
        .and_then(|l| std::fs::read_to_string(l).ok())
        .unwrap_or_default();
    if let Some(log) = log {
        let _ = std::fs::remove_file(log);
    }
    if status.code() != Some(0) {
        eprintln!("emulator {} exited {status}; its log:\n{text}", child.id());
    }
    (status.code(), text)
}

/// Forgets (and deletes) the log of a child that was killed on purpose.
pub fn discard_log(child: &Child) {
    let log = child_logs()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&child.id());
    if let Some(log) = log {
        let _ = std::fs::remove_file(log);
    }
}

/// SIGTERM, then the exit code.
pub fn terminate(child: &mut Child) -> Option<i32> {
    terminate_with_log(child).0
}

fn healthcheck(port: u16) -> Option<i32> {
    Command::new(BIN)
        .args(["healthcheck", "--port", &port.to_string()])
        .status()
        .expect("healthcheck")
        .code()
}

#[test]
fn starts_on_port_0_answers_health_and_stops_cleanly_on_sigterm() {
    let (mut child, port) = start(&["--port", "0"], &[]);
    assert_ne!(port, 0);
    assert_eq!(healthcheck(port), Some(0));
    assert_eq!(terminate(&mut child), Some(0));
    assert_eq!(healthcheck(port), Some(1));
}

/// Each variable is given without its flag, and its effect is observed.
#[test]
fn every_flag_has_its_environment_variable() {
    let dir = std::env::temp_dir().join(format!("vpc-emulator-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fixtures = dir.join("fixtures.json");
    std::fs::write(
        &fixtures,
        r#"{"Regions": [{"RegionId": "env-region-1"}], "Accounts": [{"AccountId": "1"}]}"#,
    )
    .expect("fixtures");
    let state = dir.join("state.json");
    let envs = [
        ("VPC_EMULATOR_HOST", "127.0.0.1"),
        ("VPC_EMULATOR_PORT", "0"),
        (
            "VPC_EMULATOR_FIXTURES",
            fixtures.to_str().unwrap_or_default(),
        ),
        (
            "VPC_EMULATOR_STATE_FILE",
            state.to_str().unwrap_or_default(),
        ),
        ("VPC_EMULATOR_AUTH", "strict"),
        ("VPC_EMULATOR_NAME_RULE", "legacy"),
        ("VPC_EMULATOR_ADMIN_TOKEN", "env-token"),
        ("VPC_EMULATOR_SEED", "3"),
        ("VPC_EMULATOR_IDEMPOTENCY_TTL", "0"),
        ("VPC_EMULATOR_MAX_BODY_BYTES", "16"),
        ("VPC_EMULATOR_LOG_FORMAT", "json"),
    ];
    let (mut child, port) = start(&[], &envs);
    assert_ne!(port, 8080, "VPC_EMULATOR_PORT=0 picks a free port");
    assert!(
        state.exists(),
        "VPC_EMULATOR_STATE_FILE is written at start"
    );
    // Strict mode: an unsigned call is refused.
    let (status, body) = http(
        port,
        "GET",
        "/?Action=DescribeRegions&Version=2016-04-28",
        "",
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("IncompleteSignature"), "{body}");
    // The body limit.
    let (status, body) = http(
        port,
        "POST",
        "/",
        "Action=DescribeRegions&Version=2016-04-28",
    );
    assert_eq!(status, 413, "{body}");
    // The admin token, and the fixtures file.
    assert_eq!(http(port, "GET", "/_emulator/state", "").0, 401);
    let (_, exported) = http_with(port, "GET", "/_emulator/state", "", "Bearer env-token");
    assert!(exported.contains("env-region-1"), "{exported}");
    let (code, log) = terminate_with_log(&mut child);
    assert_eq!(code, Some(0));
    // JSON log lines, the refused call's among them.
    assert!(
        log.lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "{log}"
    );
    assert!(log.lines().any(|l| l.contains("\"api call\"")), "{log}");

    // The name rule, the token TTL and the seed, in lenient mode on the default fixtures.
    let lenient = [
        ("VPC_EMULATOR_PORT", "0"),
        ("VPC_EMULATOR_NAME_RULE", "legacy"),
        ("VPC_EMULATOR_IDEMPOTENCY_TTL", "0"),
        ("VPC_EMULATOR_SEED", "3"),
        ("VPC_EMULATOR_GATEWAY_BUSY_MS", "600000"),
    ];
    let modify = |name: &str| {
        format!(
            "/?Action=ModifySslVpnClientCert&Version=2016-04-28&RegionId=cn-hangzhou&SslVpnClientCertId=vsc-bp1emulator0000000001&ClientToken=t&Name={name}"
        )
    };
    let mut request_ids = Vec::new();
    for _ in 0..2 {
        let (mut child, port) = start(&[], &lenient);
        let (status, body) = http(port, "GET", &modify("1abc"), "");
        assert_eq!(status, 400, "legacy rule: {body}");
        request_ids.push(body.split('"').nth(3).unwrap_or_default().to_owned());
        assert_eq!(http(port, "GET", &modify("first"), "").0, 200);
        // A TTL of 0 remembers no token: the same token with another name is a new request.
        assert_eq!(http(port, "GET", &modify("second"), "").0, 200);
        // The gateway busy window: a certificate Create keeps the gateway `updating`.
        let create = "/?Action=CreateSslVpnClientCert&Version=2016-04-28&RegionId=cn-hangzhou&SslVpnServerId=vss-bp1emulator0000000001";
        assert_eq!(http(port, "GET", create, "").0, 200);
        let (status, body) = http(port, "GET", create, "");
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("VpnGateway.Configuring"), "{body}");
        assert_eq!(terminate(&mut child), Some(0));
    }
    assert_eq!(request_ids[0].len(), 36);
    assert_eq!(
        request_ids[0], request_ids[1],
        "the seed makes RequestIds reproducible"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_bad_flag_is_one_line_and_exit_2() {
    let out = refused(&["--port", "eighty"]);
    assert!(stderr(&out).contains("--port"), "{}", stderr(&out));
    let out = refused(&["--auth", "sloppy"]);
    assert!(stderr(&out).contains("sloppy"), "{}", stderr(&out));
    refused(&["--no-such-flag"]);
    // Past 1 GiB a request's parameters would outgrow the offsets they are kept by.
    let out = refused(&["--max-body-bytes", "1073741825"]);
    assert!(
        stderr(&out).contains("at most 1073741824 bytes (1 GiB)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_fixtures_file_names_the_file_the_path_and_the_value() {
    let dir = std::env::temp_dir().join(format!("vpc-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("bad.json");
    let mut f = std::fs::File::create(&file).expect("create");
    f.write_all(br#"{"Regions": [{"RegionId": "r"}], "Accounts": [{"AccountId": "1"}],
      "VpnGateways": [{"VpnGatewayId": "vpn-1", "RegionId": "r"}, {"VpnGatewayId": "vpn-1", "RegionId": "r"}]}"#)
        .expect("write");
    let out = refused(&[
        "--port",
        "0",
        "--fixtures",
        file.to_str().unwrap_or_default(),
    ]);
    assert_eq!(
        stderr(&out),
        format!(
            "aliyun-vpc-emulator: invalid fixtures file {}: VpnGateways[1].VpnGatewayId: duplicate VpnGatewayId (vpn-1)",
            file.display()
        )
    );
    let out = refused(&["--port", "0", "--fixtures", "/nonexistent/fixtures.json"]);
    assert!(
        stderr(&out).contains("/nonexistent/fixtures.json"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_port_in_use_names_address_and_port() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = refused(&["--port", &port]);
    assert!(
        stderr(&out).starts_with(&format!(
            "aliyun-vpc-emulator: cannot listen on 127.0.0.1:{port}: "
        )),
        "{}",
        stderr(&out)
    );
}

/// A blocking HTTP/1.1 call with `Connection: close`; returns status and body.
fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    http_with(port, method, path, body, "")
}

/// [`http`] with an `Authorization` header (none if empty).
fn http_with(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
    authorization: &str,
) -> (u16, String) {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: {}\r\n{}content-length: {}\r\n\r\n{body}",
        // The admin API takes JSON bodies only (SPEC 14); the API, forms.
        if path.starts_with("/_emulator/") { "application/json" } else { "application/x-www-form-urlencoded" },
        if authorization.is_empty() { String::new() } else { format!("authorization: {authorization}\r\n") },
        body.len()
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn sigterm_finishes_the_requests_in_flight() {
    let (mut child, port) = start(&["--port", "0"], &[]);
    let rule = r#"{"Action": "DescribeRegions", "DelayMs": 1500}"#;
    assert_eq!(http(port, "POST", "/_emulator/faults", rule).0, 200);
    let in_flight = std::thread::spawn(move || {
        http(
            port,
            "GET",
            "/?Action=DescribeRegions&Version=2016-04-28",
            "",
        )
    });
    // The rule is used up once the request is inside the delay.
    while http(port, "GET", "/_emulator/faults", "").1 != "[]" {
        std::thread::yield_now();
    }
    assert_eq!(terminate(&mut child), Some(0));
    let (status, body) = in_flight.join().expect("request thread");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("cn-hangzhou"));
}

/// The stop handlers exist before the listening line is printed: SIGTERM at once is a clean stop.
#[test]
fn a_stop_signal_right_after_the_listening_line_is_a_clean_stop() {
    for _ in 0..20 {
        let (mut child, _) = start(&["--port", "0"], &[]);
        assert_eq!(terminate(&mut child), Some(0));
    }
}

#[test]
fn one_log_line_per_api_call_on_stderr_in_either_format() {
    for format in ["text", "json"] {
        let (mut child, port) = start(&["--port", "0", "--log-format", format], &[]);
        assert_eq!(
            http(
                port,
                "GET",
                "/?Action=DescribeRegions&Version=2016-04-28",
                ""
            )
            .0,
            200
        );
        assert_eq!(
            http(port, "GET", "/?Action=Nope&Version=2016-04-28", "").0,
            404
        );
        assert_eq!(http(port, "GET", "/_emulator/health", "").0, 200);
        let (code, log) = terminate_with_log(&mut child);
        assert_eq!(code, Some(0));
        let calls: Vec<&str> = log.lines().filter(|l| l.contains("api call")).collect();
        assert_eq!(calls.len(), 2, "{log}");
        assert!(calls[1].contains("InvalidAction.NotFound"), "{log}");
        if format == "json" {
            for line in log.lines() {
                let parsed: serde_json::Value =
                    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
                assert_eq!(parsed["level"], "INFO");
            }
            let first: serde_json::Value = serde_json::from_str(calls[0]).unwrap_or_default();
            assert_eq!(first["fields"]["action"], "DescribeRegions");
            assert_eq!(first["fields"]["status"], 200);
        }
    }
}

/// A TLS handshake on a plain-HTTP emulator gets one warning line that says what to change
/// (SPEC 14), and the server goes on.
#[test]
fn a_tls_handshake_on_plain_http_is_logged_with_what_to_change() {
    use std::io::{Read, Write};
    let (mut child, port) = start(&["--port", "0"], &[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    // The start of a ClientHello: a handshake record of TLS 1.0 framing.
    stream
        .write_all(&[0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00])
        .expect("write");
    // HTTP refuses it (400), which is what the client's TLS library then reports.
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest);
    assert!(
        rest.starts_with(b"HTTP/1.1 400"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    assert_eq!(
        http(
            port,
            "GET",
            "/?Action=DescribeRegions&Version=2016-04-28",
            ""
        )
        .0,
        200
    );
    let (code, log) = terminate_with_log(&mut child);
    assert_eq!(code, Some(0));
    let warnings: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("TLS (HTTPS) handshake"))
        .collect();
    assert_eq!(warnings.len(), 1, "{log}");
    assert!(
        warnings[0].contains("WARN")
            && warnings[0].contains("--tls")
            && warnings[0].contains("protocol"),
        "{}",
        warnings[0]
    );
}

/// The log line names an action the emulator does not emulate, however it was sent (SPEC 14):
/// ACS3 (the action in a header), V1 and unsigned.
#[test]
fn the_log_names_an_action_that_is_not_emulated() {
    use crate::helpers::{ROOT_KEY, ROOT_SECRET, rpc};
    use std::io::{Read, Write};
    let (mut child, port) = start(&["--port", "0"], &[]);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let call = || rpc("DescribeVpnConnectionLogs", &[("RegionId", "cn-hangzhou")]);
    for request in [
        call().sign_acs3(ROOT_KEY, ROOT_SECRET, addr),
        call().sign_v1(ROOT_KEY, ROOT_SECRET),
        call(),
    ] {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.write_all(&request.to_bytes(addr)).expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        assert!(answer.starts_with("HTTP/1.1 501"), "{answer}");
    }
    let (code, log) = terminate_with_log(&mut child);
    assert_eq!(code, Some(0));
    let calls: Vec<&str> = log.lines().filter(|l| l.contains("api call")).collect();
    assert_eq!(calls.len(), 3, "{log}");
    for line in calls {
        assert!(
            line.contains("action=\"DescribeVpnConnectionLogs\" version=\"2016-04-28\"")
                && line.contains("status=501 code=\"NotImplemented\""),
            "{line}"
        );
    }
}
