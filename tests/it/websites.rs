//! SPEC 14, the admin API is not reachable from other websites (issue 24, item 1): `Host` must
//! be a loopback name or address, a `--host` address or a `--tls-name`; an `Origin` must be the
//! emulator's own; a body that changes state must be `application/json`.

use aliyun_vpc_emulator::config::Config;
use serde_json::{Value, json};

use crate::helpers::*;

/// One admin request with exactly these headers (the helpers' `Req` always sends its own
/// `Host`).
async fn raw(
    app: &TestApp,
    method: &str,
    call: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut head = format!("{method} /_emulator/{call} HTTP/1.1\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    send_raw(app.addr, head.as_bytes()).await
}

fn assert_forbidden(answer: &Answer, what: &str) {
    let shown: String = answer.body.chars().take(160).collect();
    assert_eq!(answer.status, 403, "{what}: {shown}");
    let error = answer.json()["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!error.is_empty(), "{what}: {}", answer.body);
}

async fn clock(app: &TestApp) -> i64 {
    admin("GET", "clock", "").send(app).await.json()["Now"]
        .as_i64()
        .unwrap_or_default()
}

async fn faults(app: &TestApp) -> Value {
    admin("GET", "faults", "").send(app).await.json()
}

/// DNS rebinding: a name that resolves to the emulator but is not one of its own names reads
/// nothing (the secrets in `GET state` least of all) and changes nothing.
#[tokio::test]
async fn a_foreign_host_name_is_refused_on_every_admin_call() {
    let app = spawn_default().await;
    let port = app.addr.port();
    let foreign = format!("rebind.attacker.example:{port}");
    for call in [
        "state",
        "requests",
        "clock",
        "faults",
        "view",
        "health",
        "ui",
        "catalogue",
    ] {
        let answer = raw(&app, "GET", call, &[("host", &foreign)], "").await;
        assert_forbidden(&answer, call);
        assert!(!answer.body.contains("EmulatorRootSecret"), "{call}");
    }
    let moved = raw(
        &app,
        "POST",
        "clock",
        &[("host", &foreign), ("content-type", "application/json")],
        r#"{"AdvanceSeconds": 86400}"#,
    )
    .await;
    assert_forbidden(&moved, "POST clock");
    assert!(clock(&app).await < aliyun_vpc_emulator::clock::real_now_ms() + 3_600_000);
    // An IP address that is not the emulator's is no better than a name.
    let other_ip = format!("192.0.2.1:{port}");
    assert_forbidden(
        &raw(&app, "GET", "state", &[("host", &other_ip)], "").await,
        "192.0.2.1",
    );

    // Its own names: loopback names and addresses, any port, any case.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".to_owned(),
        format!("console.localhost:{port}"),
        format!("127.0.0.2:{port}"),
        format!("[::1]:{port}"),
        "localhost.".to_owned(),
    ] {
        let answer = raw(&app, "GET", "state", &[("host", &host)], "").await;
        assert_eq!(answer.status, 200, "{host}: {}", answer.body);
    }
}

/// `--host` and `--tls-name` name the emulator too; a wildcard `--host` takes any IP address
/// (a rebinding page always sends a name), never a foreign name.
#[tokio::test]
async fn the_host_flag_and_tls_names_are_the_emulators_own() {
    let app = spawn_with(
        Config {
            host: "10.1.2.3".into(),
            tls_names: vec!["Emulator.Test".into(), "198.51.100.7".into()],
            ..test_config()
        },
        None,
    )
    .await;
    let port = app.addr.port();
    for host in [
        format!("10.1.2.3:{port}"),
        format!("emulator.test:{port}"),
        format!("198.51.100.7:{port}"),
        format!("127.0.0.1:{port}"),
    ] {
        let answer = raw(&app, "GET", "clock", &[("host", &host)], "").await;
        assert_eq!(answer.status, 200, "{host}: {}", answer.body);
    }
    for host in [format!("10.1.2.4:{port}"), format!("other.test:{port}")] {
        assert_forbidden(
            &raw(&app, "GET", "clock", &[("host", &host)], "").await,
            &host,
        );
    }

    let wildcard = spawn_with(
        Config {
            host: "0.0.0.0".into(),
            ..test_config()
        },
        None,
    )
    .await;
    let port = wildcard.addr.port();
    let by_ip = raw(
        &wildcard,
        "GET",
        "clock",
        &[("host", &format!("192.0.2.9:{port}"))],
        "",
    )
    .await;
    assert_eq!(by_ip.status, 200, "{}", by_ip.body);
    let by_name = raw(
        &wildcard,
        "GET",
        "clock",
        &[("host", &format!("emulator:{port}"))],
        "",
    )
    .await;
    assert_forbidden(&by_name, "a name with --host 0.0.0.0");
}

/// A page of another origin (another port counts) changes nothing: no fault rule, no clock
/// move, no reset, no new state; the emulator's own origin (the console) is served.
#[tokio::test]
async fn another_origin_is_refused_and_the_emulators_own_is_served() {
    let app = spawn_default().await;
    let port = app.addr.port();
    let host = format!("127.0.0.1:{port}");
    let json_type = ("content-type", "application/json");
    let before_clock = clock(&app).await;
    let before_state = admin("GET", "state", "").send(&app).await.body;
    for origin in [
        "http://evil.example".to_owned(),
        format!("http://127.0.0.1:{}", port + 1),
        format!("http://localhost:{port}"),
        "null".to_owned(),
    ] {
        let headers = [
            ("host", host.as_str()),
            ("origin", origin.as_str()),
            json_type,
        ];
        let rule = r#"{"Action": "*", "Code": "Throttling"}"#;
        assert_forbidden(&raw(&app, "POST", "faults", &headers, rule).await, &origin);
        let advance = r#"{"AdvanceSeconds": 86400}"#;
        assert_forbidden(
            &raw(&app, "POST", "clock", &headers, advance).await,
            &origin,
        );
        assert_forbidden(&raw(&app, "POST", "reset", &headers, "").await, &origin);
        assert_forbidden(
            &raw(&app, "DELETE", "requests", &headers, "").await,
            &origin,
        );
        assert_forbidden(
            &raw(&app, "PUT", "state", &headers, &before_state).await,
            &origin,
        );
        assert_forbidden(&raw(&app, "GET", "state", &headers, "").await, &origin);
    }
    assert_eq!(faults(&app).await, json!([]));
    assert!(clock(&app).await < before_clock + 3_600_000);

    // The console's own calls: same origin, JSON bodies.
    for origin in [format!("http://{host}"), format!("https://{host}")] {
        let headers = [
            ("host", host.as_str()),
            ("origin", origin.as_str()),
            json_type,
        ];
        let added = raw(
            &app,
            "POST",
            "faults",
            &headers,
            r#"{"Action": "*", "Code": "Throttling"}"#,
        )
        .await;
        assert_eq!(added.status, 200, "{origin}: {}", added.body);
    }
    assert_eq!(faults(&app).await.as_array().map(Vec::len), Some(2));
}

/// A state-changing body must be `application/json`: the `text/plain` of a `no-cors` POST (which
/// a browser sends without asking) is 415 and changes nothing, whatever the body holds.
#[tokio::test]
async fn a_body_that_is_not_declared_json_is_415() {
    let app = spawn_default().await;
    let host = app.addr.to_string();
    let before_clock = clock(&app).await;
    let before_state = admin("GET", "state", "").send(&app).await.body;
    for content_type in [
        Some("text/plain;charset=UTF-8"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        None,
    ] {
        let mut headers = vec![("host", host.as_str())];
        if let Some(t) = content_type {
            headers.push(("content-type", t));
        }
        let what = format!("{content_type:?}");
        for (method, call, body) in [
            ("POST", "faults", r#"{"Action": "*", "Code": "Throttling"}"#),
            ("POST", "clock", r#"{"AdvanceSeconds": 86400}"#),
            ("PUT", "state", before_state.as_str()),
            ("POST", "reset", "{}"),
        ] {
            let answer = raw(&app, method, call, &headers, body).await;
            assert_eq!(answer.status, 415, "{what} {call}: {}", answer.body);
            assert!(answer.json()["error"].is_string(), "{}", answer.body);
        }
    }
    // A text/plain POST without a body is still a simple request a page could send.
    let empty = raw(
        &app,
        "POST",
        "reset",
        &[("host", &host), ("content-type", "text/plain")],
        "",
    )
    .await;
    assert_eq!(empty.status, 415, "{}", empty.body);
    assert_eq!(faults(&app).await, json!([]));
    assert!(clock(&app).await < before_clock + 3_600_000);

    // JSON, with or without parameters, is served; so is a POST without any body.
    for content_type in ["application/json", "Application/JSON; charset=utf-8"] {
        let headers = [("host", host.as_str()), ("content-type", content_type)];
        let moved = raw(&app, "POST", "clock", &headers, r#"{"AdvanceSeconds": 1}"#).await;
        assert_eq!(moved.status, 200, "{content_type}: {}", moved.body);
    }
    let reset = raw(&app, "POST", "reset", &[("host", &host)], "").await;
    assert_eq!(reset.status, 200, "{}", reset.body);
}
