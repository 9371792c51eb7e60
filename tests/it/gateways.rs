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
            "VpnGatewayId": GATEWAY, "VpcId": "", "VSwitchId": "", "InternetIp": "127.0.0.1",
            "DisasterRecoveryInternetIp": "", "DisasterRecoveryVSwitchId": "", "SslVpnInternetIp": "",
            "Name": GATEWAY, "Description": "", "Spec": "5M", "Status": "active",
            "BusinessStatus": "Normal", "ChargeType": "PostpayByFlow", "IpsecVpn": "enable",
            "SslVpn": "enable", "SslMaxConnections": 5, "NetworkType": "public",
            "GatewayType": "Traditional", "VpnType": "Normal", "AutoPropagate": true,
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
