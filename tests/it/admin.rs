//! The admin API (SPEC section 8): state export and import, reset, the journal, faults and the
//! clock, and the admin token.

use std::time::Instant;

use aliyun_vpc_emulator::clock::real_now_ms;
use aliyun_vpc_emulator::config::{AuthMode, Config};
use serde_json::{Value, json};

use crate::helpers::*;

async fn state(app: &TestApp) -> Value {
    admin("GET", "state", "").send(app).await.json()
}

fn assert_refusal(answer: &Answer, status: u16, error: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.json(), json!({ "error": error }));
}

#[tokio::test]
async fn health_needs_no_token_the_rest_does() {
    let app = spawn_with(
        Config {
            admin_token: Some("s3cret".into()),
            ..test_config()
        },
        None,
    )
    .await;
    let health = admin("GET", "health", "").send(&app).await;
    assert_eq!(
        health.json(),
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")})
    );
    let needs = "this call needs Authorization: Bearer <admin token>";
    assert_refusal(&admin("GET", "state", "").send(&app).await, 401, needs);
    assert_refusal(
        &admin("GET", "state", "")
            .header("Authorization", "Bearer wrong")
            .send(&app)
            .await,
        401,
        needs,
    );
    assert_eq!(
        admin("GET", "state", "")
            .header("Authorization", "Bearer s3cret")
            .send(&app)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn unknown_calls_and_wrong_methods() {
    let app = spawn_default().await;
    assert_refusal(
        &admin("GET", "", "").send(&app).await,
        404,
        "no admin call /_emulator/",
    );
    assert_refusal(
        &admin("GET", "nope", "").send(&app).await,
        404,
        "no admin call /_emulator/nope",
    );
    assert_refusal(
        &admin("DELETE", "state", "").send(&app).await,
        405,
        "/_emulator/state takes GET or PUT",
    );
    assert_refusal(
        &admin("POST", "health", "").send(&app).await,
        405,
        "/_emulator/health takes GET",
    );
    assert_refusal(
        &admin("GET", "reset", "").send(&app).await,
        405,
        "/_emulator/reset takes POST",
    );
}

#[tokio::test]
async fn state_exports_in_the_fixtures_format() {
    let app = spawn_default().await;
    let doc = state(&app).await;
    assert!(doc.get("ClientTokens").is_none());
    assert_eq!(doc["Accounts"][0]["AccountId"], "1000000000000001");
    assert_eq!(doc["SslVpnClientCerts"].as_array().map(Vec::len), Some(2));
    assert!(
        doc["SslVpnServers"][0]["CaCert"]
            .as_str()
            .unwrap_or_default()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    // What GET gives, PUT takes back unchanged.
    let put = admin("PUT", "state", &doc.to_string()).send(&app).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.json()["SslVpnClientCerts"], 2);
    assert_eq!(state(&app).await, doc);
}

#[tokio::test]
async fn put_state_replaces_everything_and_clears_tokens() {
    let app = spawn_default().await;
    assert_eq!(
        modify(CERT1, &[("Name", "A"), ("ClientToken", "t")])
            .send(&app)
            .await
            .status,
        200
    );
    let mut doc = state(&app).await;
    if let Some(certs) = doc["SslVpnClientCerts"].as_array_mut() {
        certs.truncate(1);
    }
    doc["SslVpnClientCerts"][0]["Name"] = json!("imported");
    assert_eq!(
        admin("PUT", "state", &doc.to_string())
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("imported"));
    assert_eq!(cert_name(&app, CERT2).await, None);
    // The token is forgotten: the same token with other parameters is a new request.
    let again = modify(CERT1, &[("Name", "B"), ("ClientToken", "t")])
        .send(&app)
        .await;
    assert_eq!(again.json()["Name"], "B");
}

#[tokio::test]
async fn a_refused_import_changes_nothing() {
    let app = spawn_default().await;
    let before = state(&app).await;
    let mut doc = before.clone();
    doc["SslVpnClientCerts"][1]["SslVpnServerId"] = json!("vss-missing");
    assert_refusal(
        &admin("PUT", "state", &doc.to_string()).send(&app).await,
        400,
        "SslVpnClientCerts[1].SslVpnServerId: no such SSL-VPN server in the certificate's account and region (vss-missing)",
    );
    let mut typo = before.clone();
    typo["VpnGateways"][0]["Stauts"] = json!("active");
    let answer = admin("PUT", "state", &typo.to_string()).send(&app).await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.json()["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("VpnGateways[0].Stauts: unknown field `Stauts`"),
        "{}",
        answer.body
    );
    let mut tokens = before.clone();
    tokens["ClientTokens"] = json!([]);
    assert_refusal(
        &admin("PUT", "state", &tokens.to_string()).send(&app).await,
        400,
        "ClientTokens: only the persistence file holds ClientTokens",
    );
    assert_eq!(
        admin("PUT", "state", "{not json").send(&app).await.status,
        400
    );
    assert_eq!(state(&app).await, before);
}

#[tokio::test]
async fn reset_goes_back_to_the_startup_fixtures() {
    let app = spawn_default().await;
    let startup = state(&app).await;
    assert_eq!(
        modify(CERT1, &[("Name", "changed")])
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(create(&[]).send(&app).await.status, 200);
    assert_eq!(
        admin(
            "POST",
            "faults",
            r#"{"Action": "*", "Code": "Throttling", "Count": 5}"#
        )
        .send(&app)
        .await
        .status,
        200
    );
    assert_eq!(
        admin("POST", "clock", r#"{"AdvanceSeconds": 3600}"#)
            .send(&app)
            .await
            .status,
        200
    );
    let reset = admin("POST", "reset", "").send(&app).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(state(&app).await, startup);
    assert_eq!(
        admin("GET", "faults", "").send(&app).await.json(),
        json!([])
    );
    assert_eq!(
        admin("GET", "requests", "").send(&app).await.json(),
        json!([])
    );
    let before = real_now_ms();
    let now = admin("GET", "clock", "").send(&app).await.json()["Now"]
        .as_i64()
        .unwrap_or_default();
    assert!(
        (before..=real_now_ms() + 1000).contains(&now),
        "the clock is back to real time: {now}"
    );
}

#[tokio::test]
async fn the_journal_records_every_call_without_secrets() {
    let app = spawn_test().await;
    modify(CERT1, &[("Name", "x")])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    modify("vsc-nope", &[])
        .sign_acs3(READONLY_KEY, READONLY_SECRET, app.addr)
        .send(&app)
        .await;
    rpc("Frobnicate", &[]).send(&app).await;
    modify(CERT1, &[]).method("PUT").send(&app).await;
    let entries = admin("GET", "requests", "").send(&app).await.json();
    let entries = entries.as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 4);
    let first = &entries[0];
    assert_eq!(first["Action"], "ModifySslVpnClientCert");
    assert_eq!(first["AccountId"], "1000000000000001");
    assert_eq!(first["Principal"], "root");
    assert_eq!(first["HttpStatus"], 200);
    assert_eq!(first["Code"], Value::Null);
    assert_eq!(
        first["Params"],
        json!({"Action": "ModifySslVpnClientCert", "Format": "JSON", "Name": "x", "RegionId": "cn-hangzhou", "SslVpnClientCertId": CERT1, "Version": "2016-04-28"})
    );
    let keys: Vec<&str> = first
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "Time",
            "RequestId",
            "Action",
            "Product",
            "Version",
            "Method",
            "Scheme",
            "Signature",
            "UserAgent",
            "AccountId",
            "Principal",
            "Params",
            "HttpStatus",
            "Code",
            "DurationUs",
            "Response"
        ]
    );
    // The answer's body as sent: the same RequestId, the same envelope.
    let answer: Value = serde_json::from_str(first["Response"].as_str().unwrap_or_default())
        .expect("the journaled answer is the JSON that was sent");
    assert_eq!(answer["RequestId"], first["RequestId"]);
    assert!(first["DurationUs"].as_u64().is_some(), "{first}");
    assert_eq!(entries[1]["Principal"], "user:readonly");
    assert_eq!(entries[1]["Code"], "Forbidden");
    // An action the emulator does not know is named as asked (SPEC 14).
    assert_eq!(entries[2]["Action"], "Frobnicate");
    assert_eq!(entries[2]["Code"], "InvalidAction.NotFound");
    assert_eq!(entries[3]["Principal"], Value::Null);
    assert_eq!(entries[3]["HttpStatus"], 403);
    let text = entries.iter().map(Value::to_string).collect::<String>();
    assert!(!text.contains(ROOT_SECRET) && !text.contains("AccessKeyId"));
    // No signing parameter is kept; `Signature` names only how a call was signed.
    for entry in &entries {
        let params = entry["Params"].as_object().expect("Params");
        assert!(
            params.keys().all(|k| !k.starts_with("Signature")),
            "{entry}"
        );
        assert!(["V1", "ACS3", "none"].contains(&entry["Signature"].as_str().unwrap_or_default()));
    }
    assert_eq!(
        (&entries[0]["Signature"], &entries[1]["Signature"]),
        (&Value::from("V1"), &Value::from("ACS3"))
    );

    let filtered = admin("GET", "requests?action=ModifySslVpnClientCert&limit=1", "")
        .send(&app)
        .await
        .json();
    assert_eq!(filtered.as_array().map(Vec::len), Some(1));
    assert_eq!(filtered[0]["Code"], "Forbidden");
    assert_refusal(
        &admin("GET", "requests?limit=many", "").send(&app).await,
        400,
        "limit: not a whole number (many)",
    );
    // A known action refused before the action itself is checked is still journaled under it.
    modify(CERT1, &[])
        .set("Version", "2017-01-01")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    let refused = admin("GET", "requests?action=ModifySslVpnClientCert&limit=1", "")
        .send(&app)
        .await
        .json();
    assert_eq!(refused[0]["Code"], "InvalidVersion", "{refused}");
    assert_eq!(refused[0]["Action"], "ModifySslVpnClientCert");
    assert_eq!(admin("DELETE", "requests", "").send(&app).await.status, 200);
    assert_eq!(
        admin("GET", "requests", "").send(&app).await.json(),
        json!([])
    );
}

#[tokio::test]
async fn faults_answer_catalogue_errors_after_authentication() {
    let app = spawn_default().await;
    let rule = admin(
        "POST",
        "faults",
        r#"{"Action": "ModifySslVpnClientCert", "Code": "Forbbiden.SubUser", "Count": 2}"#,
    )
    .send(&app)
    .await;
    assert_eq!(
        rule.json(),
        json!({"Action": "ModifySslVpnClientCert", "Code": "Forbbiden.SubUser", "Count": 2})
    );
    // A request that fails authentication does not use the rule up.
    let bad = modify(CERT1, &[("Name", "x")])
        .sign_v1(ROOT_KEY, "wrong")
        .send(&app)
        .await;
    assert_eq!(bad.json()["Code"], "SignatureDoesNotMatch");
    for _ in 0..2 {
        modify(CERT1, &[("Name", "x")]).send(&app).await.assert_error(
            403,
            "Forbbiden.SubUser",
            "User not authorized to operate on the specified resource as your account is created by another user.",
        );
    }
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("cert1"));
    assert_eq!(modify(CERT1, &[("Name", "x")]).send(&app).await.status, 200);

    admin(
        "POST",
        "faults",
        r#"{"Action": "*", "Code": "ServiceUnavailable"}"#,
    )
    .send(&app)
    .await;
    rpc("DescribeRegions", &[]).send(&app).await.assert_error(
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
    );
    admin(
        "POST",
        "faults",
        r#"{"Action": "*", "Code": "MissingRegionId"}"#,
    )
    .send(&app)
    .await;
    rpc("DescribeRegions", &[]).send(&app).await.assert_error(
        400,
        "MissingRegionId",
        "RegionId is mandatory for this action.",
    );
    admin("POST", "faults", r#"{"Action": "*", "Code": "Throttling.User", "HttpStatus": 429, "Message": "Request was denied due to user flow control."}"#).send(&app).await;
    rpc("DescribeRegions", &[]).send(&app).await.assert_error(
        429,
        "Throttling.User",
        "Request was denied due to user flow control.",
    );
}

#[tokio::test]
async fn fault_rules_are_checked() {
    let app = spawn_default().await;
    assert_refusal(
        &admin("POST", "faults", r#"{"Action": "*", "Code": "Made.Up"}"#)
            .send(&app)
            .await,
        400,
        "Code: not in the catalogue, so HttpStatus and Message must be given (Made.Up)",
    );
    assert_refusal(
        &admin(
            "POST",
            "faults",
            r#"{"Action": "Frobnicate", "Code": "Throttling"}"#,
        )
        .send(&app)
        .await,
        400,
        "Action: not an action of the emulator or \"*\" (Frobnicate)",
    );
    assert_refusal(
        &admin("POST", "faults", r#"{"Action": "*"}"#)
            .send(&app)
            .await,
        400,
        "a rule needs a Code, a DelayMs or both",
    );
    let typo = admin("POST", "faults", r#"{"Action": "*", "Cdoe": "Throttling"}"#)
        .send(&app)
        .await;
    assert_eq!(typo.status, 400);
    assert!(
        typo.json()["error"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Cdoe: unknown field"),
        "{}",
        typo.body
    );
    assert_eq!(
        admin("GET", "faults", "").send(&app).await.json(),
        json!([])
    );
}

#[tokio::test]
async fn a_delay_rule_delays_and_then_serves() {
    let app = spawn_default().await;
    admin(
        "POST",
        "faults",
        r#"{"Action": "DescribeRegions", "DelayMs": 200}"#,
    )
    .send(&app)
    .await;
    let started = Instant::now();
    let answer = rpc("DescribeRegions", &[]).send(&app).await;
    assert!(started.elapsed().as_millis() >= 200);
    assert_eq!(answer.status, 200);
    assert_eq!(
        admin("GET", "faults", "").send(&app).await.json(),
        json!([])
    );
}

async fn status(app: &TestApp, id: &str) -> String {
    let req = describe(id).sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr);
    req.send(app).await.json()["Status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_clock_drives_status_and_new_timestamps_not_signatures() {
    let app = spawn_with(
        Config {
            auth: AuthMode::Strict,
            ..test_config()
        },
        None,
    )
    .await;
    let created = create(&[])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await
        .json();
    let id = created["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(status(&app, &id).await, "normal");
    let moved = admin(
        "POST",
        "clock",
        &format!(r#"{{"AdvanceSeconds": {}}}"#, 1092 * 86_400),
    )
    .send(&app)
    .await
    .json();
    assert!(moved["Now"].as_i64().unwrap_or_default() >= real_now_ms() + 1092 * 86_400_000 - 5_000);
    assert_eq!(status(&app, &id).await, "expiring-soon");
    admin(
        "POST",
        "clock",
        &format!(r#"{{"AdvanceSeconds": {}}}"#, 4 * 86_400),
    )
    .send(&app)
    .await;
    assert_eq!(status(&app, &id).await, "expired");

    // New resources take the emulator's time.
    let now = admin("GET", "clock", "").send(&app).await.json()["Now"]
        .as_i64()
        .unwrap_or_default();
    let later = create(&[])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await
        .json();
    let later_id = later["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let described = describe(&later_id)
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await
        .json();
    assert!(described["CreateTime"].as_i64().unwrap_or_default() >= now);

    // Setting it, and never before real time.
    let set = admin("POST", "clock", r#"{"Now": 0}"#)
        .send(&app)
        .await
        .json();
    assert!((set["Now"].as_i64().unwrap_or_default() - real_now_ms()).abs() < 5_000);
    assert_eq!(status(&app, &id).await, "normal");
    let back = admin("POST", "clock", r#"{"AdvanceSeconds": -100000}"#)
        .send(&app)
        .await
        .json();
    assert!((back["Now"].as_i64().unwrap_or_default() - real_now_ms()).abs() < 5_000);
    assert_refusal(
        &admin("POST", "clock", r#"{"AdvanceSeconds": 1, "Now": 5}"#)
            .send(&app)
            .await,
        400,
        "give exactly one of AdvanceSeconds and Now",
    );
    assert_refusal(
        &admin("POST", "clock", r#"{}"#).send(&app).await,
        400,
        "give exactly one of AdvanceSeconds and Now",
    );
}

/// The web console's page needs no token (it holds no data and asks for one); the calls it
/// makes do.
#[tokio::test]
async fn the_console_page_is_open_and_its_calls_need_the_token() {
    let app = spawn_with(
        aliyun_vpc_emulator::config::Config {
            admin_token: Some("t0k".into()),
            ..test_config()
        },
        None,
    )
    .await;
    let page = admin("GET", "ui", "").send(&app).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html;charset=utf-8"));
    assert!(
        page.body
            .contains("<title>aliyun-vpc-emulator console</title>")
    );
    for call in ["view", "catalogue", "requests"] {
        assert_eq!(
            admin("GET", call, "").send(&app).await.status,
            401,
            "{call}"
        );
    }
    let authorized = |call: &str| admin("GET", call, "").header("Authorization", "Bearer t0k");
    let view = authorized("view").send(&app).await.json();
    assert!(view["Now"].as_i64().is_some());
    assert_eq!(
        view["Gateways"]["vpn-bp1emulator0000000001"],
        json!({"Status": "active", "BusyUntil": null})
    );
    assert_eq!(view["Certs"][CERT1], "normal");
    let catalogue = authorized("catalogue").send(&app).await.json();
    let codes: Vec<&str> = catalogue["Codes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c["Code"].as_str())
        .collect();
    assert!(
        codes.contains(&"VpnGateway.Configuring") && codes.contains(&"DependencyViolation.VSwitch")
    );
    assert_eq!(
        codes.iter().filter(|c| **c == "InvalidParameter").count(),
        1
    );
    // The code that is named after a parameter shows where the parameter goes.
    assert!(codes.contains(&"Missing{P}"), "{codes:?}");
    assert!(!codes.contains(&"MissingP"), "{codes:?}");
    let invalid = catalogue["Codes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["Code"] == "InvalidParameter"))
        .expect("InvalidParameter");
    assert_eq!(
        invalid["Message"],
        "The specified parameter \"{P}\" is not valid."
    );
    assert_eq!(
        catalogue["Actions"].as_array().map(Vec::len),
        Some(aliyun_vpc_emulator::actions::OPERATIONS.len())
    );
}
