//! `DescribeVpnGateway` (SPEC section 11) and the gateway fields of the state format: the first
//! operation added on the operation registry.

use serde_json::{Value, json};

use crate::helpers::*;

const GATEWAY: &str = "vpn-bp1emulator0000000001";

fn describe_gateway(id: &str) -> Req {
    rpc(
        "DescribeVpnGateway",
        &[("RegionId", "cn-hangzhou"), ("VpnGatewayId", id)],
    )
}

fn without_request_id(mut body: Value) -> Value {
    body.as_object_mut().map(|o| o.remove("RequestId"));
    body
}

#[tokio::test]
async fn the_default_gateway_with_every_field_and_its_json_type() {
    let app = spawn_default().await;
    let answer = describe_gateway(GATEWAY).send(&app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["RequestId"], json!(answer.request_id()));
    let created = body["CreateTime"].as_i64().expect("CreateTime is a number");
    assert_eq!(
        without_request_id(body),
        json!({
            "VpnGatewayId": GATEWAY, "VpcId": "vpc-bp1emulator0000000001",
            "VSwitchId": "vsw-bp1emulator0000000001", "InternetIp": "127.0.0.1",
            "DisasterRecoveryInternetIp": "", "DisasterRecoveryVSwitchId": "", "SslVpnInternetIp": "",
            "Name": GATEWAY, "Description": "", "Spec": "5M", "Status": "active",
            "BusinessStatus": "Normal", "ChargeType": "PostpayByFlow", "IpsecVpn": "enable",
            "SslVpn": "enable", "SslMaxConnections": 5, "NetworkType": "public",
            "GatewayType": "Traditional", "VpnType": "Normal", "AutoPropagate": false,
            "EnableBgp": false, "CreateTime": created, "EndTime": 4_102_444_800_000_i64,
            "ResourceGroupId": "", "Tag": "", "EniInstanceIds": {"EniInstanceId": []},
            "Tags": {"Tag": []}
        })
    );
    // The state shows the defaults it filled in, so a restart keeps them.
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(state["VpnGateways"][0]["CreateTime"], json!(created));
    assert_eq!(state["VpnGateways"][0]["Name"], GATEWAY);
}

#[tokio::test]
async fn gateway_fields_from_a_file_and_the_prepay_term() {
    let mut doc: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    doc["Vpcs"] = json!([{"VpcId": "vpc-1", "RegionId": "cn-hangzhou"}]);
    doc["VSwitches"] = json!([{"VSwitchId": "vsw-1", "VpcId": "vpc-1", "ZoneId": "cn-hangzhou-a",
                               "CidrBlock": "172.16.1.0/24"}]);
    doc["VpnGateways"][0] = json!({
        "VpnGatewayId": GATEWAY, "RegionId": "cn-hangzhou", "VpcId": "vpc-1", "VSwitchId": "vsw-1",
        "Name": "gw", "Description": "mine", "Status": "updating", "Spec": "10M",
        "ChargeType": "Prepay", "SslVpn": "enable", "IpsecVpn": "disable",
        "SslMaxConnections": 20, "InternetIp": "203.0.113.9", "AutoPropagate": false,
        "EnableBgp": true, "CreateTime": 1_764_547_200_000_i64, "ResourceGroupId": "rg-1",
        "Tags": [{"Key": "team", "Value": "vpn"}]
    });
    let app = spawn_with(test_config(), Some(&doc.to_string())).await;
    let body = describe_gateway(GATEWAY).send(&app).await.json();
    assert_eq!(body["Name"], "gw");
    assert_eq!(body["Status"], "updating");
    assert_eq!(body["ChargeType"], "Prepay");
    assert_eq!(body["IpsecVpn"], "disable");
    assert_eq!(body["SslMaxConnections"], 20);
    assert_eq!(body["EnableBgp"], true);
    assert_eq!(body["AutoPropagate"], false);
    assert_eq!(
        body["EndTime"],
        json!(1_764_547_200_000_i64 + 365 * 86_400_000)
    );
    assert_eq!(
        body["Tags"],
        json!({"Tag": [{"Key": "team", "Value": "vpn"}]})
    );
    // XML: the same fields, well-formed, wrappers as elements.
    let xml = describe_gateway(GATEWAY)
        .set("Format", "XML")
        .send(&app)
        .await
        .body;
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeVpnGatewayResponse>"),
        "{xml}"
    );
    assert!(
        xml.contains("<Tags><Tag><Key>team</Key><Value>vpn</Value></Tag></Tags>"),
        "{xml}"
    );
    assert!(xml.contains("<EnableBgp>true</EnableBgp>"), "{xml}");
}

#[tokio::test]
async fn unknown_foreign_and_missing_gateways() {
    let app = spawn_test().await;
    let not_found = "The specified vpn gateway instance id does not exist.";
    describe_gateway("vpn-nope").send(&app).await.assert_error(
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
        not_found,
    );
    // Another account's gateway is not found, never forbidden.
    describe_gateway("vpn-other000000000000001")
        .send(&app)
        .await
        .assert_error(404, "InvalidVpnGatewayInstanceId.NotFound", not_found);
    rpc("DescribeVpnGateway", &[("RegionId", "cn-hangzhou")])
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingVpnGatewayId",
            "VpnGatewayId is mandatory for this action.",
        );
}

#[tokio::test]
async fn ram_checks_the_action_and_the_gateway() {
    let app = spawn_test().await;
    let readonly = describe_gateway(GATEWAY)
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    assert_eq!(readonly.status, 200, "{}", readonly.body);
    describe_gateway(GATEWAY)
        .sign_v1("LTAInobody", "NobodySecret")
        .send(&app)
        .await
        .assert_denied(
            403,
            "Forbidden",
            "User not authorized to operate on the specified resource.",
            "DescribeVpnGateway",
            "nobody",
        );
    describe_gateway(GATEWAY)
        .sign_v1("LTAIlimited", "LimitedSecret")
        .send(&app)
        .await
        .assert_denied(
            403,
            "Forbbiden.SubUser",
            "User not authorized to operate on the specified resource as your account is created by another user.",
            "DescribeVpnGateway",
            "limited",
        );
}

fn list_gateways(extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", "cn-hangzhou")];
    params.extend_from_slice(extra);
    rpc("DescribeVpnGateways", &params)
}

fn listed(body: &Value) -> Vec<String> {
    body["VpnGateways"]["VpnGateway"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|g| g["VpnGatewayId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Three gateways of account 1 (made out of order) and one of account 2.
async fn three_gateways() -> TestApp {
    let mut doc: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    doc["Accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(json!({"AccountId": "2"}));
    doc["VSwitches"] = json!([]);
    doc["Vpcs"] = json!([{"VpcId": "vpc-a", "RegionId": "cn-hangzhou"},
                         {"VpcId": "vpc-b", "RegionId": "cn-hangzhou"}]);
    doc["VpnGateways"] = json!([
        {"VpnGatewayId": GATEWAY, "RegionId": "cn-hangzhou", "CreateTime": 3000, "VpcId": "vpc-a",
         "Tags": [{"Key": "env", "Value": "prod"}]},
        {"VpnGatewayId": "vpn-b", "RegionId": "cn-hangzhou", "CreateTime": 1000, "VpcId": "vpc-b",
         "Status": "updating", "Tags": [{"Key": "env", "Value": "dev"}]},
        {"VpnGatewayId": "vpn-c", "RegionId": "cn-hangzhou", "CreateTime": 2000, "VpcId": "vpc-a",
         "BusinessStatus": "FinancialLocked"},
        {"VpnGatewayId": "vpn-theirs", "RegionId": "cn-hangzhou", "AccountId": "2"}
    ]);
    spawn_with(test_config(), Some(&doc.to_string())).await
}

#[tokio::test]
async fn gateways_are_listed_in_create_time_order_filtered_and_paged() {
    let app = three_gateways().await;
    let all = list_gateways(&[]).send(&app).await.json();
    assert_eq!(listed(&all), ["vpn-b", "vpn-c", GATEWAY]);
    assert_eq!(all["TotalCount"], 3);
    assert_eq!(all["PageNumber"], 1);
    assert_eq!(all["PageSize"], 10);
    // Each item is DescribeVpnGateway's answer without its RequestId.
    let one = without_request_id(describe_gateway("vpn-b").send(&app).await.json());
    assert_eq!(all["VpnGateways"]["VpnGateway"][0], one);

    let page = list_gateways(&[("PageSize", "2"), ("PageNumber", "2")])
        .send(&app)
        .await
        .json();
    assert_eq!(listed(&page), [GATEWAY]);
    assert_eq!(page["TotalCount"], 3);
    let past = list_gateways(&[("PageNumber", "9")])
        .send(&app)
        .await
        .json();
    assert_eq!(listed(&past), Vec::<String>::new());

    for (filter, expected) in [
        (vec![("VpcId", "vpc-a")], vec!["vpn-c", GATEWAY]),
        (vec![("Status", "updating")], vec!["vpn-b"]),
        (vec![("BusinessStatus", "FinancialLocked")], vec!["vpn-c"]),
        (vec![("Tag.1.Key", "env")], vec!["vpn-b", GATEWAY]),
        (
            vec![("Tag.1.Key", "env"), ("Tag.1.Value", "prod")],
            vec![GATEWAY],
        ),
        (vec![("VpcId", "vpc-a"), ("Status", "updating")], vec![]),
        (vec![("VpnGatewayId", "vpn-theirs")], vec![]),
        (vec![("VpcId", "")], vec!["vpn-b", "vpn-c", GATEWAY]),
        (vec![("GatewayType", "Enhanced.SiteToSite")], vec![]),
    ] {
        let body = list_gateways(&filter).send(&app).await.json();
        assert_eq!(listed(&body), expected, "{filter:?}");
        assert_eq!(body["TotalCount"], json!(expected.len()));
    }
}

#[tokio::test]
async fn gateway_list_paging_and_permissions() {
    let app = spawn_test().await;
    for bad in [("PageSize", "51"), ("PageSize", "0"), ("PageNumber", "-1")] {
        list_gateways(&[bad]).send(&app).await.assert_error(
            400,
            "InvalidParameter",
            &format!("The specified parameter \"{}\" is not valid.", bad.0),
        );
    }
    let readonly = list_gateways(&[])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    assert_eq!(readonly.status, 200);
    assert_eq!(listed(&readonly.json()), [GATEWAY]);
    list_gateways(&[])
        .sign_v1("LTAInobody", "NobodySecret")
        .send(&app)
        .await
        .assert_denied(
            403,
            "Forbidden",
            "User not authorized to operate on the specified resource.",
            "DescribeVpnGateways",
            "nobody",
        );
}

/// SPEC 11, the gateway busy window: after a certificate Create or Delete the gateway reads
/// `updating` for `--gateway-busy-ms` of the emulator clock; Create and Delete are refused
/// meanwhile, a rename is not, a replay starts no window, and moving the clock ends it.
#[tokio::test]
async fn a_certificate_change_keeps_the_gateway_busy_for_its_window() {
    let app = spawn_with(
        aliyun_vpc_emulator::config::Config {
            gateway_busy_ms: 60_000,
            ..test_config()
        },
        None,
    )
    .await;
    let configuring = "The specified service is configuring.";
    let created = create(&[("ClientToken", "busy")]).send(&app).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    assert_eq!(
        describe_gateway(GATEWAY).send(&app).await.json()["Status"],
        "updating"
    );
    let updating = list_gateways(&[("Status", "updating")])
        .send(&app)
        .await
        .json();
    assert_eq!(listed(&updating), [GATEWAY]);
    create(&[])
        .send(&app)
        .await
        .assert_error(400, "VpnGateway.Configuring", configuring);
    delete(&id, &[])
        .send(&app)
        .await
        .assert_error(400, "VpnGateway.Configuring", configuring);
    // A rename never looks at the gateway; a replay answers as the first and needs no window.
    assert_eq!(
        modify(CERT1, &[("Name", "during")]).send(&app).await.status,
        200
    );
    let replay = create(&[("ClientToken", "busy")]).send(&app).await;
    assert_eq!(replay.json()["SslVpnClientCertId"], json!(id));
    // The state holds the status after the window.
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(state["VpnGateways"][0]["Status"], "active");

    // Moving the clock past the window ends it; a Delete starts the next one.
    let moved = admin("POST", "clock", r#"{"AdvanceSeconds": 61}"#)
        .send(&app)
        .await;
    assert_eq!(moved.status, 200);
    assert_eq!(
        describe_gateway(GATEWAY).send(&app).await.json()["Status"],
        "active"
    );
    assert_eq!(delete(&id, &[]).send(&app).await.status, 200);
    assert_eq!(
        describe_gateway(GATEWAY).send(&app).await.json()["Status"],
        "updating"
    );
    create(&[])
        .send(&app)
        .await
        .assert_error(400, "VpnGateway.Configuring", configuring);
}

/// Without `--gateway-busy-ms` there is no window.
#[tokio::test]
async fn no_window_by_default() {
    let app = spawn_default().await;
    assert_eq!(create(&[]).send(&app).await.status, 200);
    assert_eq!(
        describe_gateway(GATEWAY).send(&app).await.json()["Status"],
        "active"
    );
    assert_eq!(create(&[]).send(&app).await.status, 200);
}
