//! SPEC 12 and the API reference's Tag.N ranges (issue 24, item 6): a `Tag.N` filter or a
//! `TagKey.N` outside 1-20 is refused as the API refuses it (`InvalidParameter` naming it), never
//! silently ignored; inside the range it is honoured.

use serde_json::Value;

use crate::helpers::*;

const REGION: &str = "cn-hangzhou";
const VPC: &str = "vpc-bp1emulator0000000001";

fn call(action: &str, params: &[(&str, &str)]) -> Req {
    let mut all = vec![("RegionId", REGION)];
    all.extend_from_slice(params);
    rpc(action, &all)
}

fn invalid(p: &str) -> String {
    format!("The specified parameter \"{p}\" is not valid.")
}

async fn ok(app: &TestApp, req: Req) -> Value {
    let answer = req.send(app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()
}

#[tokio::test]
async fn tag_filters_outside_1_to_20_are_refused_and_inside_honoured() {
    let app = spawn_default().await;
    ok(
        &app,
        call(
            "TagResources",
            &[
                ("ResourceType", "VPC"),
                ("ResourceId.1", VPC),
                ("Tag.1.Key", "team"),
                ("Tag.1.Value", "vpn"),
            ],
        ),
    )
    .await;
    let lists = [
        ("DescribeVpcs", vec![]),
        ("DescribeVSwitches", vec![]),
        ("DescribeVpnGateways", vec![]),
        ("ListTagResources", vec![("ResourceType", "VPC")]),
    ];
    for (action, base) in &lists {
        for n in ["0", "21", "50", "51", "1000", "01"] {
            for suffix in ["Key", "Value"] {
                let name = format!("Tag.{n}.{suffix}");
                let mut params = base.clone();
                params.push((name.as_str(), "nobody-has-this"));
                let answer = call(action, &params).send(&app).await;
                answer.assert_error(400, "InvalidParameter", &invalid(&format!("Tag.{n}.Key")));
            }
        }
    }
    // Inside the range a filter is honoured, on every list: Tag.20 filters like Tag.1. The
    // default vSwitch and gateway get the same tag as the VPC.
    for (kind, id) in [
        ("VSWITCH", "vsw-bp1emulator0000000001"),
        ("VPNGATEWAY", "vpn-bp1emulator0000000001"),
    ] {
        let tag = [
            ("ResourceType", kind),
            ("ResourceId.1", id),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "vpn"),
        ];
        ok(&app, call("TagResources", &tag)).await;
    }
    let count = |body: &Value, action: &str| match action {
        "DescribeVpcs" | "DescribeVSwitches" | "DescribeVpnGateways" => body["TotalCount"].clone(),
        _ => body["TagResources"]["TagResource"]
            .as_array()
            .map_or(Value::Null, |a| Value::from(a.len())),
    };
    for (action, base) in &lists {
        for n in ["1", "20"] {
            let key = format!("Tag.{n}.Key");
            let mut params = base.clone();
            params.push((key.as_str(), "team"));
            let found = ok(&app, call(action, &params)).await;
            assert_eq!(count(&found, action), 1, "{action} {key}: {found}");
            let mut params = base.clone();
            params.push((key.as_str(), "other"));
            let none = ok(&app, call(action, &params)).await;
            assert_eq!(count(&none, action), 0, "{action} {key}: {none}");
        }
    }
}

#[tokio::test]
async fn untag_keys_outside_1_to_20_are_refused_and_change_nothing() {
    let app = spawn_default().await;
    let tag = [
        ("ResourceType", "VPC"),
        ("ResourceId.1", VPC),
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", "vpn"),
    ];
    ok(&app, call("TagResources", &tag)).await;
    for n in ["0", "21", "50", "51", "1000", "01"] {
        let name = format!("TagKey.{n}");
        let answer = call(
            "UnTagResources",
            &[
                ("ResourceType", "VPC"),
                ("ResourceId.1", VPC),
                (&name, "team"),
            ],
        )
        .send(&app)
        .await;
        answer.assert_error(400, "InvalidParameter", &invalid(&name));
        let listed = ok(
            &app,
            call(
                "ListTagResources",
                &[("ResourceType", "VPC"), ("ResourceId.1", VPC)],
            ),
        )
        .await;
        assert_eq!(
            listed["TagResources"]["TagResource"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "{name}"
        );
    }
    ok(
        &app,
        call(
            "UnTagResources",
            &[
                ("ResourceType", "VPC"),
                ("ResourceId.1", VPC),
                ("TagKey.20", "team"),
            ],
        ),
    )
    .await;
    let listed = ok(
        &app,
        call(
            "ListTagResources",
            &[("ResourceType", "VPC"), ("ResourceId.1", VPC)],
        ),
    )
    .await;
    assert_eq!(
        listed["TagResources"]["TagResource"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}
