//! Replays of what the real tools sent (SPEC 14), from the recordings in the shared reference:
//! the Terraform provider's apply, plans and destroy of `lab.tf`, its `data "alicloud_zones"`
//! read, and 53 calls of the aliyun CLI; and from `tests/data/terraform-ipsec/`, the provider's
//! run of the IPsec half against this emulator. Each recorded request is sent again, in order,
//! signed with signature V1 as those tools sign, with the IDs of earlier answers put in place of
//! the recorded ones; each answer must have the recorded status and code, and every field of the
//! recorded answer with the same JSON type (the provider type-asserts what it reads:
//! `CreateTime` a number, `Tags.Tag[]` strings, `AutoPropagate` a bool ...).

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::helpers::*;

/// The recordings live in the shared reference beside the project, as CI has it.
fn reference(path: &str) -> Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference")
        .join(path);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", file.display()));
    serde_json::from_str(&text).expect("a recording is JSON")
}

/// One recorded call: its journal entry.
struct Recorded<'a> {
    label: String,
    entry: &'a Value,
}

/// The keys a replayed call signs with, as the recorded caller did.
#[derive(Clone, Copy)]
struct Key {
    id: &'static str,
    secret: &'static str,
}

const ROOT: Key = Key {
    id: ROOT_KEY,
    secret: ROOT_SECRET,
};

/// Sends recorded calls in order and checks each answer against the recording.
struct Replay<'a> {
    app: &'a TestApp,
    /// Recorded ID → the ID this run got for the same resource.
    ids: HashMap<String, String>,
    busy_ms: u64,
    checked: usize,
}

impl<'a> Replay<'a> {
    fn new(app: &'a TestApp, busy_ms: u64) -> Self {
        Replay {
            app,
            ids: HashMap::new(),
            busy_ms,
            checked: 0,
        }
    }

    async fn send(&mut self, call: &Recorded<'_>, key: Key) {
        let recorded = call.entry;
        let params = recorded["Params"].as_object().expect("Params");
        let mut query: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| {
                let v = v.as_str().expect("a parameter is a string");
                (
                    k.clone(),
                    self.ids.get(v).cloned().unwrap_or_else(|| v.to_owned()),
                )
            })
            .collect();
        query.sort();
        let request = Req::get(query).method("POST");
        let mut answer = request
            .clone()
            .sign_v1(key.id, key.secret)
            .send(self.app)
            .await;
        let expected: Value =
            serde_json::from_str(recorded["Response"].as_str().expect("Response")).expect("JSON");
        // A waiter's poll that the recording saw `active` while this run is still in the busy
        // window: the emulator clock moves past the window, as the waiter's wait did.
        if expected["Status"] == "active" && answer.json()["Status"] == "updating" {
            self.advance_clock().await;
            answer = request
                .clone()
                .sign_v1(key.id, key.secret)
                .send(self.app)
                .await;
        }
        // A retry that the recording saw succeed once the window it waited out had ended.
        if recorded["HttpStatus"] == 200 && answer.json()["Code"] == "VpnGateway.Configuring" {
            self.advance_clock().await;
            answer = request.sign_v1(key.id, key.secret).send(self.app).await;
        }
        let what = format!("{} ({})", call.label, recorded["Action"]);
        assert_eq!(
            u64::from(answer.status),
            recorded["HttpStatus"].as_u64().expect("HttpStatus"),
            "{what}: status; answer {}",
            answer.body
        );
        let got = answer.json();
        assert_eq!(
            got["Code"], recorded["Code"],
            "{what}: code; answer {}",
            answer.body
        );
        same_shape(&expected, &got, &what, "");
        self.learn_ids(&expected, &got);
        self.checked += 1;
    }

    async fn advance_clock(&self) {
        let seconds = self.busy_ms.div_ceil(1000).max(1);
        let moved = admin(
            "POST",
            "clock",
            &format!(r#"{{"AdvanceSeconds": {seconds}}}"#),
        )
        .header("content-type", "application/json")
        .send(self.app)
        .await;
        assert_eq!(moved.status, 200, "{}", moved.body);
    }

    /// Pairs the IDs of the recorded answer with this run's, field by field.
    fn learn_ids(&mut self, recorded: &Value, got: &Value) {
        match (recorded, got) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, va) in a {
                    if let Some(vb) = b.get(k) {
                        if k.ends_with("Id")
                            && k != "RequestId"
                            && let (Some(sa), Some(sb)) = (va.as_str(), vb.as_str())
                            && sa != sb
                            && !sa.is_empty()
                        {
                            self.ids.insert(sa.to_owned(), sb.to_owned());
                        }
                        self.learn_ids(va, vb);
                    }
                }
            }
            (Value::Array(a), Value::Array(b)) => {
                for (va, vb) in a.iter().zip(b) {
                    self.learn_ids(va, vb);
                }
            }
            _ => {}
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of `recorded` is in `got` with the same JSON type, recursively; list items are
/// compared pairwise, and a list must be as long as recorded.
fn same_shape(recorded: &Value, got: &Value, what: &str, path: &str) {
    assert_eq!(
        kind(recorded),
        kind(got),
        "{what}: {path} is a {} in the recording and a {} now",
        kind(recorded),
        kind(got)
    );
    match (recorded, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let vb = b
                    .get(k)
                    .unwrap_or_else(|| panic!("{what}: {path}.{k} is missing from {got}"));
                same_shape(va, vb, what, &format!("{path}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(
                a.len(),
                b.len(),
                "{what}: {path} has {} items, recorded {}",
                b.len(),
                a.len()
            );
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                same_shape(va, vb, what, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_terraform_providers_apply_plans_and_destroy_replay() {
    let journal = reference("terraform/lab-apply-plan-destroy.journal.json");
    let entries = journal.as_array().expect("a list of journal entries");
    assert_eq!(entries.len(), 54);
    let app = spawn_default().await;
    let mut replay = Replay::new(&app, 0);
    for (i, entry) in entries.iter().enumerate() {
        let call = Recorded {
            label: format!("terraform call {}", i + 1),
            entry,
        };
        replay.send(&call, ROOT).await;
    }
    assert_eq!(replay.checked, 54);

    // Destroy took away everything the apply made.
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(
        state["VpnGateways"].as_array().map(|g| g.len()),
        Some(1),
        "destroy leaves only the default gateway"
    );
}

/// The provider's run of `tests/data/terraform-ipsec/main.tf` (a VPC, vSwitch, VPN gateway with
/// IPsec, customer gateway, connection with explicit IKE and IPsec settings, and a route), as
/// recorded against this emulator outside CI with OpenTofu 1.10.6 and the alicloud provider
/// v1.289.0: apply, a clean second plan, import of the three IPsec resources into a fresh state
/// and its clean plan, destroy. Every call answers as recorded, field by field and type by type.
#[tokio::test]
async fn the_terraform_providers_ipsec_apply_plan_import_and_destroy_replay() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/terraform-ipsec/apply-plan-import-destroy.journal.json");
    let text = std::fs::read_to_string(&file).expect("the recorded journal");
    let journal: Value = serde_json::from_str(&text).expect("JSON");
    let entries = journal.as_array().expect("a list of journal entries");
    assert_eq!(entries.len(), 58);
    let app = spawn_default().await;
    let mut replay = Replay::new(&app, 0);
    for (i, entry) in entries.iter().enumerate() {
        let call = Recorded {
            label: format!("terraform ipsec call {}", i + 1),
            entry,
        };
        replay.send(&call, ROOT).await;
    }
    assert_eq!(replay.checked, 58);
    // What the second plan and the import compared: the settings read back as written.
    let connection = entries
        .iter()
        .find(|e| e["Action"] == "DescribeVpnConnection" && e["HttpStatus"] == 200)
        .expect("a DescribeVpnConnection");
    let read: Value =
        serde_json::from_str(connection["Response"].as_str().expect("Response")).expect("JSON");
    assert_eq!(read["IkeConfig"]["IkeLifetime"], 28800);
    assert_eq!(read["IpsecConfig"]["IpsecPfs"], "group5");
    assert_eq!(read["VcoHealthCheck"]["Enable"], "false");
    // Destroy took away everything the apply made.
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(state["CustomerGateways"], serde_json::json!([]));
    assert_eq!(state["VpnConnections"], serde_json::json!([]));
    assert_eq!(state["VpnGateways"].as_array().map(Vec::len), Some(1));
}

/// The same configuration against an emulator started with `--gateway-busy-ms 15000`: the
/// provider met `VpnGateway.Configuring` on CreateVpnRouteEntry, DeleteVpnConnection and
/// DeleteVpnGateway and retried until the window ended; each refusal replays as a refusal, each
/// success after it once the emulator clock has moved past the window.
#[tokio::test]
async fn the_terraform_providers_ipsec_run_through_busy_windows_replays() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/terraform-ipsec/busy-gateway-15s.journal.json");
    let text = std::fs::read_to_string(&file).expect("the recorded journal");
    let journal: Value = serde_json::from_str(&text).expect("JSON");
    let entries = journal.as_array().expect("a list of journal entries");
    let refused = entries
        .iter()
        .filter(|e| e["Code"] == "VpnGateway.Configuring")
        .count();
    assert_eq!(refused, 8, "the provider's retries are in the recording");
    let mut config = test_config();
    config.gateway_busy_ms = 15_000;
    let app = spawn_with(config, None).await;
    let mut replay = Replay::new(&app, 15_000);
    for (i, entry) in entries.iter().enumerate() {
        let call = Recorded {
            label: format!("terraform busy ipsec call {}", i + 1),
            entry,
        };
        replay.send(&call, ROOT).await;
    }
    assert_eq!(replay.checked, entries.len());
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(state["VpnConnections"], serde_json::json!([]));
}

#[tokio::test]
async fn a_gateway_terraform_creates_reads_back_what_its_second_plan_expects() {
    let journal = reference("terraform/lab-apply-plan-destroy.journal.json");
    let entries = journal.as_array().expect("a list of journal entries");
    let app = spawn_default().await;
    let mut replay = Replay::new(&app, 0);
    // Up to and including the first DescribeVpnGateway after the create.
    let upto = entries
        .iter()
        .position(|e| e["Action"] == "DescribeVpnGateway")
        .expect("a DescribeVpnGateway");
    for (i, entry) in entries[..=upto + 2].iter().enumerate() {
        let call = Recorded {
            label: format!("terraform call {}", i + 1),
            entry,
        };
        replay.send(&call, ROOT).await;
    }
    let gateway_id = replay
        .ids
        .values()
        .find(|id| id.starts_with("vpn-"))
        .expect("the created gateway")
        .clone();
    let gw = rpc(
        "DescribeVpnGateway",
        &[("RegionId", "cn-shanghai"), ("VpnGatewayId", &gateway_id)],
    )
    .sign_v1(ROOT_KEY, ROOT_SECRET)
    .send(&app)
    .await
    .json();
    assert_eq!(gw["AutoPropagate"], false, "{gw}");
    assert_eq!(gw["EnableBgp"], false);
    assert!(gw["CreateTime"].is_i64() && gw["EndTime"].is_i64(), "{gw}");
    assert_eq!(gw["SslMaxConnections"], 5);
    assert_eq!(
        (
            gw["Spec"].as_str(),
            gw["SslVpn"].as_str(),
            gw["IpsecVpn"].as_str()
        ),
        (Some("5M"), Some("enable"), Some("disable"))
    );
    assert_eq!(gw["ChargeType"], "PostpayByFlow");
    let tags = gw["Tags"]["Tag"].as_array().expect("Tags.Tag[]");
    assert_eq!(tags.len(), 2);
    assert!(
        tags.iter()
            .all(|t| t["Key"].is_string() && t["Value"].is_string()),
        "{tags:?}"
    );
}

#[tokio::test]
async fn the_alicloud_zones_calls_replay_and_choose_a_vswitch_zone() {
    let journal = reference("terraform/lab-alicloud_zones.journal.json");
    let entry = &journal.as_array().expect("a list")[0];
    let app = spawn_default().await;
    // The recording is of the refusal before ECS was emulated: the same request now succeeds,
    // and the provider's second call, DescribeZones, follows as it sends it.
    let mut query: Vec<(String, String)> = entry["Params"]
        .as_object()
        .expect("Params")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
        .collect();
    query.sort();
    let answer = Req::get(query)
        .method("POST")
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let available = answer.json();
    let zones = available["AvailableZones"]["AvailableZone"]
        .as_array()
        .expect("AvailableZones.AvailableZone[]");
    assert_eq!(zones.len(), 11, "cn-shanghai-a to -k");
    for zone in zones {
        assert_eq!(zone["RegionId"], "cn-shanghai");
        assert_eq!(zone["Status"], "Available");
        assert_eq!(zone["StatusCategory"], "WithStock");
    }
    let described = rpc(
        "DescribeZones",
        &[
            ("RegionId", "cn-shanghai"),
            ("InstanceChargeType", "PostPaid"),
            ("SpotStrategy", "NoSpot"),
        ],
    )
    .set("Version", "2014-05-26")
    .method("POST")
    .sign_v1(ROOT_KEY, ROOT_SECRET)
    .send(&app)
    .await;
    assert_eq!(described.status, 200, "{}", described.body);
    // What the provider does with the two answers: a zone of both, with instance types and
    // disk categories, offering VSwitch creation.
    let body = described.json();
    let chosen: Vec<&str> = body["Zones"]["Zone"]
        .as_array()
        .expect("Zones.Zone[]")
        .iter()
        .filter(|z| zones.iter().any(|a| a["ZoneId"] == z["ZoneId"]))
        .filter(|z| {
            z["AvailableInstanceTypes"]["InstanceTypes"]
                .as_array()
                .is_some_and(|t| !t.is_empty())
                && z["AvailableDiskCategories"]["DiskCategories"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())
                && z["AvailableResourceCreation"]["ResourceTypes"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|t| t == "VSwitch"))
        })
        .filter_map(|z| z["ZoneId"].as_str())
        .collect();
    assert_eq!(chosen.first(), Some(&"cn-shanghai-a"));
    assert_eq!(chosen.len(), 11);
}

/// The CLI's calls, grouped by the emulator they were made against: each group replays on a
/// fresh emulator started as that one was.
#[tokio::test]
async fn the_aliyun_clis_calls_replay() {
    let calls = reference("aliyun-cli/calls.json");
    let calls = calls.as_array().expect("a list of calls");
    assert_eq!(calls.len(), 53);
    let mut total = 0;
    // The last call (a profile that names the endpoint itself) was made against an emulator
    // of its own, where only the first certificate had been renamed.
    let own = "54-tls-profile-endpoint";
    for (instance, busy_ms, strict) in [
        ("emulator --port 0 (HTTP), via a logging TCP tap", 0, false),
        ("emulator --port 0 --tls", 0, false),
        (
            "emulator --port 0 --auth strict --gateway-busy-ms 8000",
            8000,
            true,
        ),
        (own, 0, false),
    ] {
        let mut config = test_config();
        config.gateway_busy_ms = busy_ms as u32;
        if strict {
            config.auth = aliyun_vpc_emulator::config::AuthMode::Strict;
        }
        let app = spawn_with(config, None).await;
        let mut replay = Replay::new(&app, busy_ms);
        let of_group = |c: &&Value| {
            if c["label"] == own {
                instance == own
            } else {
                c["instance"] == instance
            }
        };
        if instance == own {
            let renamed = modify(CERT1, &[("Name", "cli-renamed")]).send(&app).await;
            assert_eq!(renamed.status, 200, "{}", renamed.body);
        }
        for call in calls.iter().filter(of_group) {
            let label = call["label"].as_str().expect("label").to_owned();
            let command = call["command"].as_str().expect("command");
            // The recording lacks the call that made the gateway busy again before this one
            // (its label 39 is missing): a certificate create, as 31 made.
            if label == "33-strict-busy-conflict" {
                let made = create(&[("Name", "cli-busy2")])
                    .sign_v1(ROOT_KEY, ROOT_SECRET)
                    .send(&app)
                    .await;
                assert_eq!(made.status, 200, "{}", made.body);
            }
            for entry in call["journal"].as_array().expect("journal") {
                let key = key_of(command);
                replay
                    .send(
                        &Recorded {
                            label: label.clone(),
                            entry,
                        },
                        key,
                    )
                    .await;
                total += 1;
            }
        }
        assert!(replay.checked > 0, "{instance}");
    }
    // 57 journal entries: three calls never reached the emulator (a TLS handshake refused
    // without the CA, an endpoint with a scheme the CLI refuses, and --dryrun), and the
    // pagers and the waiter made several.
    assert_eq!(total, 57);
}

/// The key a CLI command signed with: its `--access-key-id`/`--access-key-secret`, else the
/// profile's root key.
fn key_of(command: &str) -> Key {
    let flag = |name: &str| command.split_whitespace().skip_while(|w| *w != name).nth(1);
    match (flag("--access-key-id"), flag("--access-key-secret")) {
        (Some("LTAI5tEmulatorReadOnly"), _) => Key {
            id: READONLY_KEY,
            secret: READONLY_SECRET,
        },
        (Some(_), _) => Key {
            id: "LTAI5tNoSuchKey",
            secret: "x",
        },
        (None, Some(_)) => Key {
            id: ROOT_KEY,
            secret: "WrongSecret",
        },
        (None, None) => ROOT,
    }
}
