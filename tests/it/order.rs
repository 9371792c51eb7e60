//! SPEC 14, order is stable (issue 24, item 2): lists order by creation time in milliseconds,
//! then ID, live and after a restart, a `PUT state` or a rollback; `GET state` after a reload is
//! byte-identical.

use std::net::SocketAddr;

use serde_json::{Value, json};

use crate::cli::terminate;
use crate::helpers::*;
use crate::persistence::{Scratch, kill9, send, with_state_file};

const REGION: &str = "cn-hangzhou";

fn call(action: &str, params: &[(&str, &str)]) -> Req {
    let mut all = vec![("RegionId", REGION)];
    all.extend_from_slice(params);
    rpc(action, &all)
}

pub async fn ok(addr: SocketAddr, req: Req) -> Value {
    let answer = send(addr, req).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

/// Sets the emulator clock to the start of a whole second a day ahead, so that what is created
/// next shares one second of `CreationTime`.
pub async fn at_a_whole_second(addr: SocketAddr) {
    let second = (aliyun_vpc_emulator::clock::real_now_ms() + 86_400_000) / 1000 * 1000 + 1000;
    let body = json!({ "Now": second }).to_string();
    ok(addr, admin("POST", "clock", &body)).await;
}

/// `n` VPCs with two vSwitches each, made in one second; their IDs in creation order.
pub async fn make_vpcs(addr: SocketAddr, n: usize) -> (Vec<String>, Vec<String>) {
    let (mut vpcs, mut vswitches) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let made = ok(addr, call("CreateVpc", &[("CidrBlock", "10.0.0.0/16")])).await;
        let vpc = made["VpcId"].as_str().unwrap_or_default().to_owned();
        for j in 0..2 {
            let block = format!("10.0.{j}.0/24");
            let params = [
                ("VpcId", vpc.as_str()),
                ("ZoneId", "cn-hangzhou-h"),
                ("CidrBlock", &block),
            ];
            let made = ok(addr, call("CreateVSwitch", &params)).await;
            vswitches.push(made["VSwitchId"].as_str().unwrap_or_default().to_owned());
        }
        // Tagged, so that the tag list (`lists()[4]`) has them to keep in order.
        ok(
            addr,
            call(
                "TagResources",
                &[
                    ("ResourceType", "VPC"),
                    ("ResourceId.1", vpc.as_str()),
                    ("Tag.1.Key", "order"),
                    ("Tag.1.Value", "kept"),
                ],
            ),
        )
        .await;
        vpcs.push(vpc);
    }
    (vpcs, vswitches)
}

/// What the three lists show, in their order (one page of 50 each).
pub async fn lists(addr: SocketAddr) -> Vec<Vec<String>> {
    let page = [("PageSize", "50")];
    let ids = |body: &Value, list: &str, item: &str, key: &str| -> Vec<String> {
        body[list][item]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x[key].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let vpcs = ok(addr, call("DescribeVpcs", &page)).await;
    let vswitches = ok(addr, call("DescribeVSwitches", &page)).await;
    let tables = ok(addr, call("DescribeRouteTableList", &page)).await;
    // A later page, which the order index finds without walking the ones before (issue 26).
    let second = ok(
        addr,
        call("DescribeVpcs", &[("PageSize", "3"), ("PageNumber", "2")]),
    )
    .await;
    let tagged = ok(addr, call("ListTagResources", &[("ResourceType", "VPC")])).await;
    vec![
        ids(&vpcs, "Vpcs", "Vpc", "VpcId"),
        ids(&vswitches, "VSwitches", "VSwitch", "VSwitchId"),
        ids(&tables, "RouterTableList", "RouterTableListType", "VpcId"),
        ids(&second, "Vpcs", "Vpc", "VpcId"),
        ids(&tagged, "TagResources", "TagResource", "ResourceId"),
    ]
}

async fn state_text(addr: SocketAddr) -> String {
    let answer = send(addr, admin("GET", "state", "")).await;
    assert_eq!(answer.status, 200);
    answer.body
}

/// Epoch ms of an RFC 3339 time.
fn ms(text: &str) -> i64 {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or_default()
}

/// The IDs of a state's `kind` sorted by (CreationTime in ms, ID): the order the lists owe.
fn by_creation(state: &Value, kind: &str, id: &str) -> Vec<String> {
    let mut rows: Vec<(i64, String)> = state[kind]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    let created = x["CreationTime"].as_str().unwrap_or_default();
                    (ms(created), x[id].as_str().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort();
    rows.into_iter().map(|(_, id)| id).collect()
}

/// Made in one second, listed by creation time in ms, then ID: while running, after `kill -9`
/// (the log replayed), after a clean restart (the snapshot), and after `PUT state` of the
/// export; and the export itself is byte-identical each time.
#[tokio::test]
async fn lists_keep_creation_order_across_restarts_and_put_state() {
    let scratch = Scratch::new("order");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    at_a_whole_second(addr).await;
    let (vpcs, vswitches) = make_vpcs(addr, 8).await;
    let live = lists(addr).await;
    let exported = state_text(addr).await;
    assert_eq!(live[0].len(), vpcs.len() + 1);
    assert_eq!(live[1].len(), vswitches.len() + 1);
    assert!(
        vpcs.iter().all(|v| live[4].contains(v)),
        "every VPC made is in the tag list: {:?}",
        live[4]
    );

    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(lists(addr).await, live, "after kill -9 (the log replayed)");
    assert_eq!(state_text(addr).await, exported, "GET state after kill -9");
    assert_eq!(terminate(&mut child), Some(0));
    // The state keeps what the order is made of.
    let state: Value = serde_json::from_str(&exported).expect("JSON");
    let created = by_creation(&state, "Vpcs", "VpcId");
    assert_eq!(live[0], created, "DescribeVpcs");
    assert_eq!(
        live[1],
        by_creation(&state, "VSwitches", "VSwitchId"),
        "DescribeVSwitches"
    );
    assert_eq!(live[2], created, "DescribeRouteTableList");
    // The second page of 3 is the 4th to 6th of the whole list, not only the same each time.
    assert_eq!(live[3], created[3..6], "DescribeVpcs page 2 of 3");
    // The order is worth checking only if the creation times differ within the second.
    let mut millis: Vec<i64> = state["Vpcs"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| ms(v["CreationTime"].as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    millis.dedup();
    assert!(
        millis.len() > 2,
        "the VPCs share their milliseconds: {millis:?}"
    );

    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        lists(addr).await,
        live,
        "after a clean restart (the snapshot)"
    );
    assert_eq!(
        state_text(addr).await,
        exported,
        "GET state after a restart"
    );

    ok(addr, admin("PUT", "state", &exported)).await;
    assert_eq!(lists(addr).await, live, "after PUT state");
    assert_eq!(
        state_text(addr).await,
        exported,
        "GET state after PUT state"
    );
    assert_eq!(terminate(&mut child), Some(0));
}
