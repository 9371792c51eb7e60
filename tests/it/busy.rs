//! SPEC 14, busy windows are facts of the state (issue 24, items 4 and 5): a window's end is an
//! absolute emulator-clock time that survives a rollback after a failed write, and moving the
//! clock back never lengthens a window past `--gateway-busy-ms`.

use std::net::SocketAddr;

use aliyun_vpc_emulator::config::Config;
use serde_json::{Value, json};

use crate::cli::terminate;
use crate::durability::{Tmpfs, fill, running_as_root};
use crate::helpers::*;
use crate::order::{at_a_whole_second, lists, make_vpcs};
use crate::persistence::{exported, send, with_state_file};

const GATEWAY: &str = "vpn-bp1emulator0000000001";

fn describe_gateway(id: &str) -> Req {
    rpc(
        "DescribeVpnGateway",
        &[("RegionId", "cn-hangzhou"), ("VpnGatewayId", id)],
    )
}

async fn status(app: &TestApp, id: &str) -> String {
    let answer = describe_gateway(id).send(app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["Status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn move_clock(app: &TestApp, seconds: i64) -> i64 {
    let body = json!({ "AdvanceSeconds": seconds }).to_string();
    let moved = admin("POST", "clock", &body).send(app).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    moved.json()["Now"].as_i64().unwrap_or_default()
}

/// Clock a day ahead, a certificate made (the gateway `updating` for 5 s). The clock 3 s on and
/// 2 s back, inside the window: it keeps its end, never lengthened.
/// The clock a day back, before the window began: the change has "not happened yet" on the
/// clock and the gateway is `active` (docs/decisions.md, busy windows).
#[tokio::test]
async fn moving_the_clock_back_never_lengthens_a_window() {
    let app = spawn_with(
        Config {
            gateway_busy_ms: 5_000,
            ..test_config()
        },
        None,
    )
    .await;
    move_clock(&app, 86_400).await;
    let made = create(&[("Name", "late")]).send(&app).await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert_eq!(status(&app, GATEWAY).await, "updating");

    let busy_until = |view: &Value| {
        view["Gateways"][GATEWAY]["BusyUntil"]
            .as_i64()
            .unwrap_or_else(|| panic!("the gateway is not busy: {view}"))
    };
    move_clock(&app, 3).await;
    let end = busy_until(&admin("GET", "view", "").send(&app).await.json());
    let now = move_clock(&app, -2).await;
    let view = admin("GET", "view", "").send(&app).await.json();
    assert_eq!(
        busy_until(&view),
        end,
        "the window's end moved with the clock"
    );
    assert!(
        end > now && end - now <= 5_000,
        "after the clock went back 2 s the window lasts {} ms more",
        end - now
    );
    assert_eq!(status(&app, GATEWAY).await, "updating");

    move_clock(&app, -86_400).await;
    assert_eq!(status(&app, GATEWAY).await, "active");
    let view = admin("GET", "view", "").send(&app).await.json();
    assert_eq!(
        view["Gateways"][GATEWAY],
        json!({"Status": "active", "BusyUntil": null})
    );
}

fn gateway_of(state: &Value, id: &str) -> Value {
    state["VpnGateways"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["VpnGatewayId"] == id))
        .cloned()
        .unwrap_or(Value::Null)
}

async fn status_at(addr: SocketAddr, id: &str) -> String {
    let answer = send(addr, describe_gateway(id)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["Status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A failed write (a full disk) rolls back only what it carried: a new gateway stays
/// `provisioning`, an unrelated gateway stays `updating`, and the lists keep their order
/// (item 2 after a rollback).
#[tokio::test]
async fn a_rollback_keeps_every_acknowledged_window_and_the_order() {
    if !running_as_root() {
        eprintln!("SKIPPED: mounting a tmpfs needs root");
        return;
    }
    let disk = Tmpfs::mount("busy-rollback", "2m");
    let file = disk.0.join("state.json");
    let (mut child, addr) = with_state_file(&file, &["--gateway-busy-ms", "600000"]);
    at_a_whole_second(addr).await;
    make_vpcs(addr, 6).await;
    let order = lists(addr).await;
    // An unrelated gateway busy after a certificate create, a new one provisioning.
    let made = send(addr, create(&[("Name", "busy-maker")])).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let new_gateway = send(
        addr,
        rpc(
            "CreateVpnGateway",
            &[
                ("RegionId", "cn-hangzhou"),
                ("VpcId", "vpc-bp1emulator0000000001"),
                ("Bandwidth", "5"),
            ],
        ),
    )
    .await;
    assert_eq!(new_gateway.status, 200, "{}", new_gateway.body);
    let new_gateway = new_gateway.json()["VpnGatewayId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(status_at(addr, GATEWAY).await, "updating");
    assert_eq!(status_at(addr, &new_gateway).await, "provisioning");

    // Renames until one cannot be written (past the room the log made ahead of its records):
    // it is rolled back.
    let filler = fill(&disk.0);
    let mut failed = false;
    for n in 0..4000 {
        let name = format!("full-{n:04}-{}", "x".repeat(60));
        let answer = send(addr, modify(CERT1, &[("Name", &name)])).await;
        if answer.status == 500 {
            failed = true;
            break;
        }
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    assert!(failed, "the disk never filled up");
    assert_eq!(
        status_at(addr, GATEWAY).await,
        "updating",
        "after the rollback"
    );
    assert_eq!(
        status_at(addr, &new_gateway).await,
        "provisioning",
        "after the rollback"
    );
    assert_eq!(lists(addr).await, order, "the lists after the rollback");
    assert!(gateway_of(&exported(addr).await, &new_gateway).is_object());
    std::fs::remove_file(filler).expect("free the disk");
    assert_eq!(terminate(&mut child), Some(0));
}
