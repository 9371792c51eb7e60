//! SPEC 14, values the API refuses are refused at load (issue 24, item 7): a fixtures file,
//! `PUT state` and a log line are checked with the API's rules (CIDRs, ports, tag count and
//! prefixes, `EndTime` > `CreateTime`, a vSwitch inside its VPC), naming the JSON path (for the
//! log, the line too), and nothing is changed: the files are left as they were.

use serde_json::{Value, json};

use crate::cli::terminate;
use crate::helpers::*;
use crate::persistence::{
    Scratch, exported, kill9, refused_run, refused_to_start, send, with_state_file,
};

/// One value the API would refuse: how to put it in a state document, and in a log line.
struct Case {
    what: &'static str,
    /// Changes the default state so that it holds the value.
    edit: fn(&mut Value),
    /// The JSON path a state document's refusal names.
    path: &'static str,
    /// The log line's change (from the exported state) and the path inside it.
    change: fn(&Value) -> Value,
    log_path: &'static str,
}

fn twenty_one_tags() -> Value {
    Value::Array(
        (0..21)
            .map(|i| json!({"Key": format!("k{i}"), "Value": ""}))
            .collect(),
    )
}

fn first(state: &Value, kind: &str) -> Value {
    state[kind][0].clone()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            what: "a gateway whose EndTime is before its CreateTime",
            edit: |d| {
                d["VpnGateways"][0]["CreateTime"] = json!(1_764_547_200_000_i64);
                d["VpnGateways"][0]["EndTime"] = json!(1_764_547_100_000_i64);
            },
            path: "VpnGateways[0].EndTime",
            change: |s| {
                let mut g = first(s, "VpnGateways");
                g["EndTime"] = json!(g["CreateTime"].as_i64().unwrap_or_default() - 1);
                json!({ "PutGateway": g })
            },
            log_path: "[0].PutGateway.EndTime",
        },
        Case {
            what: "a vSwitch outside its VPC's block",
            edit: |d| d["VSwitches"][0]["CidrBlock"] = json!("10.9.0.0/24"),
            path: "VSwitches[0].CidrBlock",
            change: |s| {
                let mut v = first(s, "VSwitches");
                v["VSwitchId"] = json!("vsw-outside000000000000001");
                v["CidrBlock"] = json!("10.9.0.0/24");
                json!({ "PutVSwitch": v })
            },
            log_path: "[0].PutVSwitch.CidrBlock",
        },
        Case {
            what: "a vSwitch overlapping another of its VPC",
            edit: |d| {
                let mut twin = d["VSwitches"][0].clone();
                twin["VSwitchId"] = json!("vsw-twin0000000000000001");
                twin["CidrBlock"] = json!("192.168.1.128/25");
                d["VSwitches"].as_array_mut().expect("vswitches").push(twin);
            },
            path: "VSwitches[1].CidrBlock",
            change: |s| {
                let mut v = first(s, "VSwitches");
                v["VSwitchId"] = json!("vsw-twin0000000000000001");
                v["CidrBlock"] = json!("192.168.1.0/25");
                json!({ "PutVSwitch": v })
            },
            log_path: "[0].PutVSwitch.CidrBlock",
        },
        Case {
            what: "21 tags on a VPC",
            edit: |d| d["Vpcs"][0]["Tags"] = twenty_one_tags(),
            path: "Vpcs[0].Tags[20]",
            change: |s| {
                let mut v = first(s, "Vpcs");
                v["Tags"] = twenty_one_tags();
                json!({ "PutVpc": v })
            },
            log_path: "[0].PutVpc.Tags[20]",
        },
        Case {
            what: "a tag key with the aliyun prefix",
            edit: |d| d["VpnGateways"][0]["Tags"] = json!([{"Key": "aliyun:owner", "Value": "x"}]),
            path: "VpnGateways[0].Tags[0].Key",
            change: |s| {
                let mut g = first(s, "VpnGateways");
                g["Tags"] = json!([{"Key": "aliyun:owner", "Value": "x"}]);
                json!({ "PutGateway": g })
            },
            log_path: "[0].PutGateway.Tags[0].Key",
        },
        Case {
            what: "a VPC of 0.0.0.0/0",
            edit: |d| d["Vpcs"][0]["CidrBlock"] = json!("0.0.0.0/0"),
            path: "Vpcs[0].CidrBlock",
            change: |s| {
                let mut v = first(s, "Vpcs");
                v["VpcId"] = json!("vpc-everything0000000001");
                v["CidrBlock"] = json!("0.0.0.0/0");
                json!({ "PutVpc": v })
            },
            log_path: "[0].PutVpc.CidrBlock",
        },
        Case {
            what: "a server on port 0",
            edit: |d| d["SslVpnServers"][0]["Port"] = json!(0),
            path: "SslVpnServers[0].Port",
            change: |s| {
                let mut v = first(s, "SslVpnServers");
                v["Port"] = json!(0);
                json!({ "PutServer": v })
            },
            log_path: "[0].PutServer.Port",
        },
        Case {
            what: "a server whose ClientIpPool is not a network",
            edit: |d| d["SslVpnServers"][0]["ClientIpPool"] = json!("not-a-cidr"),
            path: "SslVpnServers[0].ClientIpPool",
            change: |s| {
                let mut v = first(s, "SslVpnServers");
                v["ClientIpPool"] = json!("not-a-cidr");
                json!({ "PutServer": v })
            },
            log_path: "[0].PutServer.ClientIpPool",
        },
    ]
}

fn default_state() -> Value {
    serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures")
}

/// The fixtures file: refused to start, naming the file and the path.
#[test]
fn fixtures_with_values_the_api_refuses_do_not_start() {
    let scratch = Scratch::new("load-rules-fixtures");
    for case in cases() {
        let mut doc = default_state();
        (case.edit)(&mut doc);
        let file = scratch.file("fixtures.json");
        let text = serde_json::to_string_pretty(&doc).expect("JSON");
        std::fs::write(&file, &text).expect("write");
        let message = refused_run(&[
            "--port",
            "0",
            "--fixtures",
            file.to_str().unwrap_or_default(),
        ]);
        assert!(
            message.contains(&format!(
                "invalid fixtures file {}: {}: ",
                file.display(),
                case.path
            )),
            "{}: {message}",
            case.what
        );
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            text,
            "{}",
            case.what
        );
    }
}

/// `PUT state`: 400 naming the path, and the state unchanged.
#[tokio::test]
async fn put_state_with_values_the_api_refuses_changes_nothing() {
    let app = spawn_default().await;
    let before = admin("GET", "state", "").send(&app).await.body;
    for case in cases() {
        let mut doc: Value = serde_json::from_str(&before).expect("JSON");
        (case.edit)(&mut doc);
        let refused = admin("PUT", "state", &doc.to_string()).send(&app).await;
        assert_eq!(refused.status, 400, "{}: {}", case.what, refused.body);
        let error = refused.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            error.starts_with(&format!("{}: ", case.path)),
            "{}: {error}",
            case.what
        );
        assert_eq!(
            admin("GET", "state", "").send(&app).await.body,
            before,
            "{}",
            case.what
        );
    }
}

/// A log line holding the value: refused to start, naming the log, the line and the path inside
/// it; neither file touched.
#[tokio::test]
async fn a_log_line_with_values_the_api_refuses_does_not_start() {
    let scratch = Scratch::new("load-rules-log");
    let (file, wal) = (scratch.file("state.json"), scratch.file("state.json.wal"));
    let (mut child, addr) = with_state_file(&file, &[]);
    let state = exported(addr).await;
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "logged")]))
            .await
            .status,
        200
    );
    kill9(&mut child);
    let (snapshot, log) = (
        std::fs::read(&file).expect("snapshot"),
        crate::persistence::log_text(&wal),
    );
    let line = log.iter().filter(|b| **b == b'\n').count() + 1;
    for case in cases() {
        let mut bad = log.clone();
        bad.extend_from_slice(json!([(case.change)(&state)]).to_string().as_bytes());
        bad.push(b'\n');
        std::fs::write(&wal, &bad).expect("write");
        let message = refused_to_start(&file);
        let expected = format!(
            "invalid log {} at line {line}: {}: ",
            wal.display(),
            case.log_path
        );
        assert!(
            message.contains(&expected),
            "{}: {message}\nexpected: {expected}",
            case.what
        );
        assert_eq!(
            std::fs::read(&file).expect("snapshot"),
            snapshot,
            "{}",
            case.what
        );
        assert_eq!(std::fs::read(&wal).expect("wal"), bad, "{}", case.what);
    }
    std::fs::write(&wal, &log).expect("restore");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        cert_name_in(&exported(addr).await, CERT1).as_deref(),
        Some("logged")
    );
    assert_eq!(terminate(&mut child), Some(0));
}
