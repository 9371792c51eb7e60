//! VPCs, vSwitches, route tables, the VPN gateway lifecycle and tags (SPEC section 12): the
//! whole chain an infrastructure run builds and tears down, and every error path.

use serde_json::{Value, json};

use crate::helpers::*;

const REGION: &str = "cn-hangzhou";
const DEFAULT_VPC: &str = "vpc-bp1emulator0000000001";
const DEFAULT_VSW: &str = "vsw-bp1emulator0000000001";
const DEFAULT_GW: &str = "vpn-bp1emulator0000000001";

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
    let body = answer.json();
    assert!(body.get("Code").is_none(), "{body}");
    body
}

fn id_of(body: &Value, key: &str) -> String {
    body[key].as_str().unwrap_or_default().to_owned()
}

/// The default fixtures plus a second account with its own VPC, a RAM user limited to one VPC,
/// a prepaid gateway, and a gateway in a VPC without a vSwitch.
fn fixtures() -> String {
    let mut doc: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    doc["Accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(json!({
        "AccountId": "2000000000000002",
        "AccessKeys": [{"AccessKeyId": "LTAIother", "AccessKeySecret": "OtherSecret"}]}));
    doc["Accounts"][0]["Users"]
        .as_array_mut()
        .expect("users")
        .push(json!({"UserName": "vpconly", "Allow": ["vpc:*"], "Resources": [DEFAULT_VPC],
                     "AccessKeys": [{"AccessKeyId": "LTAIvpconly", "AccessKeySecret": "VpcOnlySecret"}]}));
    doc["Vpcs"].as_array_mut().expect("vpcs").extend([
        json!({"VpcId": "vpc-theirs", "RegionId": REGION, "AccountId": "2000000000000002"}),
        json!({"VpcId": "vpc-lonely", "RegionId": REGION, "CidrBlock": "10.0.0.0/8",
               "CreationTime": "2026-01-01T00:00:00Z"}),
    ]);
    doc["VpnGateways"]
        .as_array_mut()
        .expect("gateways")
        .extend([
            json!({"VpnGatewayId": "vpn-prepaid", "RegionId": REGION, "ChargeType": "Prepay"}),
            json!({"VpnGatewayId": "vpn-lonely", "RegionId": REGION, "VpcId": "vpc-lonely"}),
        ]);
    doc.to_string()
}

async fn spawn_vpcs(busy_ms: u32) -> TestApp {
    spawn_with(
        aliyun_vpc_emulator::config::Config {
            gateway_busy_ms: busy_ms,
            ..test_config()
        },
        Some(&fixtures()),
    )
    .await
}

/// The chain of SPEC 12 through the API: a VPC, a vSwitch, a gateway, its server and 10
/// certificates; tagged, listed, renamed, then deleted in reverse, each answer as the service's.
#[tokio::test]
async fn a_chain_is_built_tagged_listed_renamed_and_torn_down() {
    let app = spawn_with(test_config(), None).await;
    let made = ok(
        &app,
        call(
            "CreateVpc",
            &[
                ("CidrBlock", "10.0.0.0/16"),
                ("VpcName", "chain"),
                ("Description", "built by a test"),
                ("ResourceGroupId", "rg-chain"),
                ("UserCidr", "172.16.0.0/24,172.16.1.0/24"),
                ("EnableDnsHostname", "true"),
                ("Tag.1.Key", "team"),
                ("Tag.1.Value", "vpn"),
                ("ClientToken", "vpc-1"),
            ],
        ),
    )
    .await;
    let keys: Vec<&String> = made.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "RequestId",
            "VpcId",
            "VRouterId",
            "RouteTableId",
            "ResourceGroupId"
        ]
    );
    let vpc = id_of(&made, "VpcId");
    for (key, prefix) in [
        ("VpcId", "vpc-"),
        ("VRouterId", "vrt-"),
        ("RouteTableId", "vtb-"),
    ] {
        let id = id_of(&made, key);
        assert!(
            id.starts_with(prefix) && id.len() == prefix.len() + 21,
            "{id}"
        );
    }
    assert_eq!(made["ResourceGroupId"], "rg-chain");
    // A replay answers the same VPC.
    let replay = ok(
        &app,
        call(
            "CreateVpc",
            &[
                ("CidrBlock", "10.0.0.0/16"),
                ("VpcName", "chain"),
                ("Description", "built by a test"),
                ("ResourceGroupId", "rg-chain"),
                ("UserCidr", "172.16.0.0/24,172.16.1.0/24"),
                ("EnableDnsHostname", "true"),
                ("Tag.1.Key", "team"),
                ("Tag.1.Value", "vpn"),
                ("ClientToken", "vpc-1"),
            ],
        ),
    )
    .await;
    assert_eq!(replay["VpcId"], json!(vpc));

    let attribute = ok(&app, call("DescribeVpcAttribute", &[("VpcId", &vpc)])).await;
    let created = attribute["CreationTime"]
        .as_str()
        .expect("ISO string")
        .to_owned();
    assert!(
        created.len() == 20 && created.ends_with('Z') && created.as_bytes()[10] == b'T',
        "{created}"
    );
    assert_eq!(
        attribute,
        json!({
            "RequestId": attribute["RequestId"], "VpcId": vpc, "RegionId": REGION,
            "Status": "Available", "VpcName": "chain", "CreationTime": created,
            "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlock": "", "VRouterId": made["VRouterId"],
            "Description": "built by a test", "IsDefault": false, "ClassicLinkEnabled": false,
            "DhcpOptionsSetId": "", "DhcpOptionsSetStatus": "", "ResourceGroupId": "rg-chain",
            "OwnerId": 1_000_000_000_000_001_u64, "EnabledIpv6": false,
            "DnsHostnameStatus": "ENABLED", "SupportIpv4Gateway": false, "Ipv4GatewayId": "",
            "VSwitchIds": {"VSwitchId": []},
            "UserCidrs": {"UserCidr": ["172.16.0.0/24", "172.16.1.0/24"]},
            "SecondaryCidrBlocks": {"SecondaryCidrBlock": []},
            "Ipv6CidrBlocks": {"Ipv6CidrBlock": []},
            "AssociatedCens": {"AssociatedCen": []},
            "CloudResources": {"CloudResourceSetType": []},
            "Tags": {"Tag": [{"Key": "team", "Value": "vpn"}]}
        })
    );

    let vsw = id_of(
        &ok(
            &app,
            call(
                "CreateVSwitch",
                &[
                    ("VpcId", &vpc),
                    ("ZoneId", "cn-hangzhou-b"),
                    ("CidrBlock", "10.0.1.0/24"),
                    ("VSwitchName", "chain-a"),
                    ("ClientToken", "vsw-1"),
                ],
            ),
        )
        .await,
        "VSwitchId",
    );
    assert!(vsw.starts_with("vsw-") && vsw.len() == 25, "{vsw}");
    let switch = ok(
        &app,
        call("DescribeVSwitchAttributes", &[("VSwitchId", &vsw)]),
    )
    .await;
    assert_eq!(
        switch["RouteTable"],
        json!({"RouteTableId": made["RouteTableId"], "RouteTableType": "System"})
    );
    assert_eq!(switch["Status"], "Available");
    assert_eq!(switch["AvailableIpAddressCount"], 252);
    assert_eq!(switch["ResourceGroupId"], "rg-chain");

    let gw_made = ok(
        &app,
        call(
            "CreateVpnGateway",
            &[
                ("VpcId", &vpc),
                ("Bandwidth", "10"),
                ("EnableSsl", "true"),
                ("SslConnections", "20"),
                ("InstanceChargeType", "POSTPAY"),
                ("AutoPay", "true"),
                ("Name", "chain-gw"),
                ("ClientToken", "gw-1"),
            ],
        ),
    )
    .await;
    let keys: Vec<&String> = gw_made.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["RequestId", "VpnGatewayId", "Name", "OrderId"]);
    let order = gw_made["OrderId"].as_u64().expect("OrderId is a number");
    assert!((100_000_000_000_000..1_000_000_000_000_000).contains(&order));
    let gw = id_of(&gw_made, "VpnGatewayId");
    let gateway = ok(&app, call("DescribeVpnGateway", &[("VpnGatewayId", &gw)])).await;
    for (field, value) in [
        ("VpcId", json!(vpc)),
        ("VSwitchId", json!(vsw)),
        ("Name", json!("chain-gw")),
        ("Spec", json!("10M")),
        ("ChargeType", json!("PostpayByFlow")),
        ("SslVpn", json!("enable")),
        ("IpsecVpn", json!("enable")),
        ("SslMaxConnections", json!(20)),
        ("Status", json!("active")),
        ("EndTime", json!(4_102_444_800_000_i64)),
    ] {
        assert_eq!(gateway[field], value, "{field}");
    }
    let ip = gateway["InternetIp"].as_str().unwrap_or_default();
    assert!(ip.starts_with("192.0.2."), "{ip}");

    let server = id_of(
        &ok(
            &app,
            call(
                "CreateSslVpnServer",
                &[
                    ("VpnGatewayId", &gw),
                    ("ClientIpPool", "192.168.100.0/24"),
                    ("LocalSubnet", "10.0.0.0/16"),
                ],
            ),
        )
        .await,
        "SslVpnServerId",
    );
    for n in 0..10 {
        ok(
            &app,
            call(
                "CreateSslVpnClientCert",
                &[("SslVpnServerId", &server), ("Name", &format!("cert-{n}"))],
            ),
        )
        .await;
    }

    // Tag the three, list them, rename parts.
    for (kind, id) in [("VPC", &vpc), ("VSWITCH", &vsw), ("VpnGateWay", &gw)] {
        for _ in 0..2 {
            ok(
                &app,
                call(
                    "TagResources",
                    &[
                        ("ResourceType", kind),
                        ("ResourceId.1", id),
                        ("Tag.1.Key", "env"),
                        ("Tag.1.Value", "test"),
                    ],
                ),
            )
            .await;
        }
    }
    let tags = ok(
        &app,
        call(
            "ListTagResources",
            &[("ResourceType", "vpc"), ("ResourceId.1", &vpc)],
        ),
    )
    .await;
    assert_eq!(
        tags,
        json!({"RequestId": tags["RequestId"], "NextToken": "", "TagResources": {"TagResource": [
            {"ResourceId": vpc, "ResourceType": "VPC", "TagKey": "team", "TagValue": "vpn"},
            {"ResourceId": vpc, "ResourceType": "VPC", "TagKey": "env", "TagValue": "test"}]}})
    );
    let listed = ok(
        &app,
        call(
            "DescribeVpcs",
            &[("Tag.1.Key", "env"), ("Tag.1.Value", "test")],
        ),
    )
    .await;
    assert_eq!(listed["TotalCount"], 1);
    let item = &listed["Vpcs"]["Vpc"][0];
    assert_eq!(item["VSwitchIds"], json!({"VSwitchId": [vsw]}));
    assert_eq!(
        item["RouterTableIds"],
        json!({"RouterTableIds": [made["RouteTableId"]]})
    );
    assert_eq!(item["NatGatewayIds"], json!({"NatGatewayIds": []}));
    let switches = ok(&app, call("DescribeVSwitches", &[("VpcId", &vpc)])).await;
    assert_eq!(
        switches["VSwitches"]["VSwitch"][0]["Tags"],
        json!({"Tag": [{"Key": "env", "Value": "test"}]})
    );
    let tables = ok(&app, call("DescribeRouteTableList", &[("VpcId", &vpc)])).await;
    let table = &tables["RouterTableList"]["RouterTableListType"][0];
    assert_eq!(table["RouteTableType"], "System");
    assert_eq!(table["VpcId"], json!(vpc));
    assert_eq!(table["RouterId"], made["VRouterId"]);
    assert_eq!(table["VSwitchIds"], json!({"VSwitchId": [vsw]}));
    ok(
        &app,
        call(
            "ModifyVpcAttribute",
            &[
                ("VpcId", &vpc),
                ("VpcName", "renamed"),
                ("Description", "d2"),
            ],
        ),
    )
    .await;
    ok(
        &app,
        call(
            "ModifyVSwitchAttribute",
            &[("VSwitchId", &vsw), ("VSwitchName", "renamed-a")],
        ),
    )
    .await;
    let gw_modified = ok(
        &app,
        call(
            "ModifyVpnGatewayAttribute",
            &[
                ("VpnGatewayId", &gw),
                ("Name", "renamed-gw"),
                ("Description", "gw"),
                ("AutoPropagate", "false"),
            ],
        ),
    )
    .await;
    let keys: Vec<&String> = gw_modified.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "RequestId",
            "VpnGatewayId",
            "VpcId",
            "VSwitchId",
            "InternetIp",
            "IntranetIp",
            "DisasterRecoveryInternetIp",
            "DisasterRecoveryVSwitchId",
            "SslVpnInternetIp",
            "Name",
            "Description",
            "Spec",
            "Status",
            "BusinessStatus",
            "ResourceGroupId",
            "CreateTime",
            "EndTime",
            "EnableBgp",
            "AutoPropagate"
        ]
    );
    assert_eq!(gw_modified["Name"], "renamed-gw");
    assert_eq!(gw_modified["AutoPropagate"], false);
    assert_eq!(
        ok(&app, call("DescribeVpcAttribute", &[("VpcId", &vpc)])).await["VpcName"],
        "renamed"
    );

    // Tear down in reverse: certificates, server, gateway, vSwitch, VPC.
    let certs = ok(
        &app,
        call(
            "DescribeSslVpnClientCerts",
            &[("SslVpnServerId", &server), ("PageSize", "50")],
        ),
    )
    .await;
    for cert in certs["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
        .as_array()
        .expect("certs")
    {
        let id = cert["SslVpnClientCertId"].as_str().unwrap_or_default();
        ok(
            &app,
            call("DeleteSslVpnClientCert", &[("SslVpnClientCertId", id)]),
        )
        .await;
    }
    ok(
        &app,
        call("DeleteSslVpnServer", &[("SslVpnServerId", &server)]),
    )
    .await;
    ok(&app, call("DeleteVpnGateway", &[("VpnGatewayId", &gw)])).await;
    ok(&app, call("DeleteVSwitch", &[("VSwitchId", &vsw)])).await;
    ok(
        &app,
        call("DeleteVpc", &[("VpcId", &vpc), ("ClientToken", "del-vpc")]),
    )
    .await;
    call("DescribeVpcAttribute", &[("VpcId", &vpc)])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpcId.NotFound",
            "Specified VPC does not exist.",
        );
    // Only the default chain is left.
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(state["Vpcs"].as_array().map(Vec::len), Some(1));
    assert_eq!(state["VSwitches"].as_array().map(Vec::len), Some(1));
    assert_eq!(state["VpnGateways"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn vpc_values_and_dependencies() {
    let app = spawn_vpcs(0).await;
    let malformed = "Specified CIDR block is not valid.";
    for block in [
        "11.0.0.0/8",
        "10.0.0.0/29",
        "10.0.0.1/16",
        "192.168.0.0/15",
        "10.0.0.0",
        "0.0.0.0/0",
    ] {
        call("CreateVpc", &[("CidrBlock", block)])
            .send(&app)
            .await
            .assert_error(400, "InvalidCidrBlock.Malformed", malformed);
    }
    // The default block.
    let made = ok(&app, call("CreateVpc", &[])).await;
    let vpc = id_of(&made, "VpcId");
    let attribute = ok(&app, call("DescribeVpcAttribute", &[("VpcId", &vpc)])).await;
    assert_eq!(attribute["CidrBlock"], "172.16.0.0/12");
    assert_eq!(attribute["VpcName"], "");
    for (params, code, message) in [
        (
            vec![("VpcName", "")],
            "InvalidVpcName.Malformed",
            "Specified VPC name is not valid.",
        ),
        (
            vec![("VpcName", "http://x")],
            "InvalidVpcName.Malformed",
            "Specified VPC name is not valid.",
        ),
        (
            vec![("Description", "")],
            "InvalidVpcDiscription.Malformed",
            "Specified VPC description is not valid.",
        ),
    ] {
        call("CreateVpc", &params)
            .send(&app)
            .await
            .assert_error(400, code, message);
    }
    // SPEC 12 gives descriptions a length rule only: one that starts with a URL is taken.
    let url = ok(
        &app,
        call("CreateVpc", &[("Description", "https://wiki.example/vpc")]),
    )
    .await;
    let url_vpc = id_of(&url, "VpcId");
    let described = ok(&app, call("DescribeVpcAttribute", &[("VpcId", &url_vpc)])).await;
    assert_eq!(described["Description"], "https://wiki.example/vpc");
    ok(&app, call("DeleteVpc", &[("VpcId", &url_vpc)])).await;
    let long_name = "n".repeat(129);
    call("CreateVpc", &[("VpcName", &long_name)])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidVpcName.Malformed",
            "Specified VPC name is not valid.",
        );
    let long_description = "d".repeat(257);
    call("CreateVpc", &[("Description", &long_description)])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidVpcDiscription.Malformed",
            "Specified VPC description is not valid.",
        );
    for (name, value, param) in [
        (
            "UserCidr",
            "10.0.0.0/8,10.1.0.0/16,10.2.0.0/16,10.3.0.0/16",
            "UserCidr",
        ),
        ("UserCidr", "100.64.0.0/16", "UserCidr"),
        ("UserCidr", "10.0.0.1/8", "UserCidr"),
        ("EnableDnsHostname", "yes", "EnableDnsHostname"),
        ("Tag.1.Key", "aliyun-x", "Tag.1.Key"),
        ("Tag.1.Key", "acs:x", "Tag.1.Key"),
        ("Tag.2.Value", "v", "Tag.2.Key"),
        ("Tag.21.Key", "k", "Tag.21.Key"),
        ("Tag.0.Key", "k", "Tag.0.Key"),
    ] {
        call("CreateVpc", &[(name, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
    }
    let long_key = "k".repeat(129);
    call("CreateVpc", &[("Tag.1.Key", &long_key)])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("Tag.1.Key"));
    call(
        "CreateVpc",
        &[("Tag.1.Key", "k"), ("Tag.1.Value", "https://v")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidParameter", &invalid("Tag.1.Value"));

    // Unknown, another account's: 404; a VPC with vSwitches or a gateway stays.
    for id in ["vpc-unknown", "vpc-theirs"] {
        for action in ["DescribeVpcAttribute", "ModifyVpcAttribute", "DeleteVpc"] {
            call(action, &[("VpcId", id)])
                .send(&app)
                .await
                .assert_error(
                    404,
                    "InvalidVpcId.NotFound",
                    "Specified VPC does not exist.",
                );
        }
    }
    let dependent = "Specified object has dependent resources.";
    call("DeleteVpc", &[("VpcId", DEFAULT_VPC)])
        .send(&app)
        .await
        .assert_error(400, "DependencyViolation.VSwitch", dependent);
    call("DeleteVpc", &[("VpcId", "vpc-lonely")])
        .send(&app)
        .await
        .assert_error(400, "DependencyViolation.Instance", dependent);
    // A new block must still hold the VPC's vSwitches.
    call(
        "ModifyVpcAttribute",
        &[("VpcId", DEFAULT_VPC), ("CidrBlock", "192.168.128.0/17")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidCidrBlock.Malformed", malformed);
    ok(
        &app,
        call(
            "ModifyVpcAttribute",
            &[("VpcId", DEFAULT_VPC), ("CidrBlock", "192.168.0.0/20")],
        ),
    )
    .await;
    ok(&app, call("DeleteVpc", &[("VpcId", &vpc)])).await;
    call("DeleteVpc", &[("VpcId", &vpc)])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpcId.NotFound",
            "Specified VPC does not exist.",
        );
    for action in ["DescribeVpcAttribute", "ModifyVpcAttribute", "DeleteVpc"] {
        call(action, &[]).send(&app).await.assert_error(
            400,
            "MissingVpcId",
            "VpcId is mandatory for this action.",
        );
    }
}

#[tokio::test]
async fn vpc_lists_filter_and_page_in_creation_order() {
    let app = spawn_vpcs(0).await;
    let a = id_of(
        &ok(
            &app,
            call(
                "CreateVpc",
                &[("VpcName", "a"), ("ResourceGroupId", "rg-a")],
            ),
        )
        .await,
        "VpcId",
    );
    let all = ok(&app, call("DescribeVpcs", &[])).await;
    let ids: Vec<&str> = all["Vpcs"]["Vpc"]
        .as_array()
        .expect("vpcs")
        .iter()
        .filter_map(|v| v["VpcId"].as_str())
        .collect();
    // The default VPC (2025), vpc-lonely (2026-01-01), then the new one; not the other account's.
    assert_eq!(ids, [DEFAULT_VPC, "vpc-lonely", a.as_str()]);
    let two = ok(
        &app,
        call("DescribeVpcs", &[("VpcId", &format!("{a},{DEFAULT_VPC}"))]),
    )
    .await;
    assert_eq!(two["TotalCount"], 2);
    assert_eq!(
        ok(&app, call("DescribeVpcs", &[("VpcName", "a")])).await["TotalCount"],
        1
    );
    assert_eq!(
        ok(&app, call("DescribeVpcs", &[("ResourceGroupId", "rg-a")])).await["TotalCount"],
        1
    );
    assert_eq!(
        ok(&app, call("DescribeVpcs", &[("IsDefault", "true")])).await["TotalCount"],
        0
    );
    assert_eq!(
        ok(&app, call("DescribeVpcs", &[("IsDefault", "false")])).await["TotalCount"],
        3
    );
    let page = ok(
        &app,
        call("DescribeVpcs", &[("PageSize", "1"), ("PageNumber", "3")]),
    )
    .await;
    assert_eq!(page["Vpcs"]["Vpc"][0]["VpcId"], json!(a));
    let many: Vec<String> = (0..21).map(|i| format!("vpc-{i}")).collect();
    call("DescribeVpcs", &[("VpcId", &many.join(","))])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("VpcId"));
    let mine = ok(&app, call("DescribeRouteTableList", &[])).await;
    assert_eq!(mine["TotalCount"], 3);
    let by_router = ok(
        &app,
        call(
            "DescribeRouteTableList",
            &[("RouterId", "vrt-bp1emulator0000000001")],
        ),
    )
    .await;
    assert_eq!(
        by_router["RouterTableList"]["RouterTableListType"][0]["RouteTableId"],
        "vtb-bp1emulator0000000001"
    );
    assert_eq!(
        ok(
            &app,
            call("DescribeRouteTableList", &[("RouteTableType", "Custom")])
        )
        .await["TotalCount"],
        0
    );
}

#[tokio::test]
async fn vswitch_rules_in_spec_order() {
    let app = spawn_vpcs(0).await;
    let malformed = "Specified CIDR block is not valid.";
    for block in ["192.168.2.0/30", "192.168.0.0/15", "192.168.2.1/24", "x"] {
        call(
            "CreateVSwitch",
            &[
                ("VpcId", "vpc-unknown"),
                ("ZoneId", "cn-hangzhou-b"),
                ("CidrBlock", block),
            ],
        )
        .send(&app)
        .await
        .assert_error(400, "InvalidCidrBlock.Malformed", malformed);
    }
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut p = vec![
            ("VpcId", DEFAULT_VPC),
            ("ZoneId", "cn-hangzhou-b"),
            ("CidrBlock", "192.168.2.0/24"),
        ];
        for (k, v) in extra {
            p.retain(|(name, _)| name != k);
            p.push((k, v));
        }
        call("CreateVSwitch", &p)
    };
    base(&[("VSwitchName", "https://x")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidVSwitchName.Malformed",
            "Specified virtual switch name is not valid.",
        );
    base(&[("Description", "")]).send(&app).await.assert_error(
        400,
        "InvalidVSwitchDiscription.Malformed",
        "Specified virtual switch description is not valid.",
    );
    base(&[("VpcId", "vpc-unknown"), ("ZoneId", "mars-1a")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpcId.NotFound",
            "Specified VPC does not exist.",
        );
    base(&[("ZoneId", "cn-hangzhou-z")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidZoneId.NotFound",
            "Specified zone does not exist.",
        );
    base(&[("CidrBlock", "10.0.0.0/24")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidParameter",
            "Specified CIDR block is not valid in VPC.",
        );
    base(&[("CidrBlock", "192.168.1.128/25")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidCidrBlock.Overlapped",
            "Specified CIDR block overlapped with other subnets.",
        );
    base(&[("CidrBlock", "192.168.0.0/16")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidCidrBlock.Overlapped",
            "Specified CIDR block overlapped with other subnets.",
        );
    for missing in ["VpcId", "ZoneId", "CidrBlock"] {
        base(&[]).without(missing).send(&app).await.assert_error(
            400,
            &format!("Missing{missing}"),
            &format!("{missing} is mandatory for this action."),
        );
    }
    // RAM: the target of CreateVSwitch is the VPC; the user's Resources hold only the default one.
    let sub = "User not authorized to operate on the specified resource as your account is created by another user.";
    call(
        "CreateVSwitch",
        &[
            ("VpcId", "vpc-lonely"),
            ("ZoneId", "cn-hangzhou-b"),
            ("CidrBlock", "10.9.0.0/24"),
        ],
    )
    .sign_v1("LTAIvpconly", "VpcOnlySecret")
    .send(&app)
    .await
    .assert_denied(403, "Forbbiden.SubUser", sub, "CreateVSwitch", "vpconly");
    let made = base(&[("Tag.1.Key", "k")])
        .sign_v1("LTAIvpconly", "VpcOnlySecret")
        .send(&app)
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let vsw = id_of(&made.json(), "VSwitchId");
    // Its own ID is not in the user's Resources.
    call("DeleteVSwitch", &[("VSwitchId", &vsw)])
        .sign_v1("LTAIvpconly", "VpcOnlySecret")
        .send(&app)
        .await
        .assert_denied(403, "Forbbiden.SubUser", sub, "DeleteVSwitch", "vpconly");

    let listed = ok(&app, call("DescribeVSwitches", &[("VpcId", DEFAULT_VPC)])).await;
    let ids: Vec<&str> = listed["VSwitches"]["VSwitch"]
        .as_array()
        .expect("vswitches")
        .iter()
        .filter_map(|s| s["VSwitchId"].as_str())
        .collect();
    assert_eq!(ids, [DEFAULT_VSW, vsw.as_str()]);
    for (filter, value, count) in [
        ("ZoneId", "cn-hangzhou-h", 1),
        ("VSwitchName", "default-vswitch", 1),
        ("VSwitchId", vsw.as_str(), 1),
        ("RouteTableId", "vtb-bp1emulator0000000001", 2),
        ("ResourceGroupId", "rg-acfmemulator01", 2),
        ("Tag.1.Key", "k", 1),
        ("IsDefault", "true", 0),
    ] {
        let found = ok(&app, call("DescribeVSwitches", &[(filter, value)])).await;
        assert_eq!(found["TotalCount"], count, "{filter}={value}");
    }
    ok(
        &app,
        call(
            "ModifyVSwitchAttribute",
            &[("VSwitchId", &vsw), ("Description", "https://new")],
        ),
    )
    .await;
    assert_eq!(
        ok(
            &app,
            call("DescribeVSwitchAttributes", &[("VSwitchId", &vsw)])
        )
        .await["Description"],
        "https://new"
    );
    for action in [
        "DescribeVSwitchAttributes",
        "ModifyVSwitchAttribute",
        "DeleteVSwitch",
    ] {
        call(action, &[("VSwitchId", "vsw-unknown")])
            .send(&app)
            .await
            .assert_error(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.");
    }
    call("DeleteVSwitch", &[("VSwitchId", DEFAULT_VSW)])
        .send(&app)
        .await
        .assert_error(
            400,
            "DependencyViolation",
            "Specified object has dependent resources.",
        );
    ok(&app, call("DeleteVSwitch", &[("VSwitchId", &vsw)])).await;
}

#[tokio::test]
async fn gateway_create_values_state_and_the_provisioning_window() {
    let app = spawn_vpcs(30_000).await;
    let base = |extra: &[(&'static str, &'static str)]| {
        let mut p = vec![("VpcId", DEFAULT_VPC), ("Bandwidth", "5")];
        for (k, v) in extra {
            p.retain(|(name, _)| name != k);
            p.push((k, v));
        }
        call("CreateVpnGateway", &p)
    };
    for (extra, param) in [
        (vec![("Bandwidth", "7")], "Bandwidth"),
        (vec![("Bandwidth", "5.0")], "Bandwidth"),
        (vec![("InstanceChargeType", "prepay")], "InstanceChargeType"),
        (
            vec![("InstanceChargeType", "PREPAY"), ("Period", "10")],
            "Period",
        ),
        (vec![("AutoPay", "maybe")], "AutoPay"),
        (vec![("EnableSsl", "1")], "EnableSsl"),
        (vec![("SslConnections", "7")], "SslConnections"),
        (vec![("NetworkType", "Public")], "NetworkType"),
        (vec![("VpnType", "normal")], "VpnType"),
    ] {
        base(&extra)
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
    }
    base(&[("InstanceChargeType", "PREPAY")])
        .send(&app)
        .await
        .assert_error(400, "MissingPeriod", "Period is mandatory for this action.");
    base(&[("Name", "https://gw")])
        .send(&app)
        .await
        .assert_error(400, "InvalidName", "The name is not valid");
    base(&[("VpcId", "vpc-theirs")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpcId.NotFound",
            "Specified VPC does not exist.",
        );
    // No vSwitch in the VPC, or one of another VPC.
    base(&[("VpcId", "vpc-lonely")])
        .send(&app)
        .await
        .assert_error(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.");
    base(&[("VpcId", "vpc-lonely"), ("VSwitchId", DEFAULT_VSW)])
        .send(&app)
        .await
        .assert_error(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.");

    let made = ok(
        &app,
        base(&[
            ("InstanceChargeType", "PREPAY"),
            ("Period", "12"),
            ("EnableIpsec", "false"),
        ]),
    )
    .await;
    let gw = id_of(&made, "VpnGatewayId");
    assert_eq!(made["Name"], json!(gw));
    let g = ok(&app, call("DescribeVpnGateway", &[("VpnGatewayId", &gw)])).await;
    assert_eq!(g["Status"], "provisioning");
    assert_eq!(g["ChargeType"], "Prepay");
    assert_eq!(g["IpsecVpn"], "disable");
    assert_eq!(g["SslVpn"], "disable");
    assert_eq!(g["VSwitchId"], DEFAULT_VSW);
    let create = g["CreateTime"].as_i64().unwrap_or_default();
    let end = g["EndTime"].as_i64().unwrap_or_default();
    assert!(
        (365 * 86_400_000..=366 * 86_400_000).contains(&(end - create)),
        "{create} {end}"
    );
    let listed = ok(
        &app,
        call("DescribeVpnGateways", &[("Status", "provisioning")]),
    )
    .await;
    assert_eq!(listed["TotalCount"], 1);
    // A second gateway gets another public address.
    let second = id_of(&ok(&app, base(&[])).await, "VpnGatewayId");
    let ip2 = ok(
        &app,
        call("DescribeVpnGateway", &[("VpnGatewayId", &second)]),
    )
    .await["InternetIp"]
        .clone();
    assert_ne!(ip2, g["InternetIp"]);
    // Deleting: a prepaid gateway is ForbiddenRelease; one still provisioning is configuring.
    call("DeleteVpnGateway", &[("VpnGatewayId", &gw)])
        .send(&app)
        .await
        .assert_error(
            403,
            "ForbiddenRelease",
            "Forbidden to release a prepaid instance within validity period",
        );
    call("DeleteVpnGateway", &[("VpnGatewayId", &second)])
        .send(&app)
        .await
        .assert_error(
            400,
            "VpnGateway.Configuring",
            "The specified service is configuring.",
        );
    // The window ends with the clock; the vSwitch then still cannot go.
    admin("POST", "clock", r#"{"AdvanceSeconds": 31}"#)
        .send(&app)
        .await;
    assert_eq!(
        ok(
            &app,
            call("DescribeVpnGateway", &[("VpnGatewayId", &second)])
        )
        .await["Status"],
        "active"
    );
    ok(
        &app,
        call(
            "DeleteVpnGateway",
            &[("VpnGatewayId", &second), ("ClientToken", "del-gw")],
        ),
    )
    .await;
    let replay = call(
        "DeleteVpnGateway",
        &[("VpnGatewayId", &second), ("ClientToken", "del-gw")],
    )
    .send(&app)
    .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    call("DeleteVpnGateway", &[("VpnGatewayId", &second)])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpnGatewayInstanceId.NotFound",
            "The specified vpn gateway instance id does not exist.",
        );
    // Modify: the description rule, the name rule.
    let long = "d".repeat(101);
    call(
        "ModifyVpnGatewayAttribute",
        &[("VpnGatewayId", &gw), ("Description", &long)],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidDescription", "The description is not valid");
    call(
        "ModifyVpnGatewayAttribute",
        &[("VpnGatewayId", &gw), ("Name", "")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidName", "The name is not valid");
    call(
        "ModifyVpnGatewayAttribute",
        &[("VpnGatewayId", "vpn-unknown"), ("Name", "x")],
    )
    .send(&app)
    .await
    .assert_error(
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
        "The specified vpn gateway instance id does not exist.",
    );
}

/// SPEC 12 (turn 3): a gateway that still has its SSL-VPN server is refused, changing nothing;
/// once the server is deleted (its certificates with it), the gateway, its vSwitch and its VPC
/// can go.
#[tokio::test]
async fn deleting_a_gateway_with_a_server_is_refused_until_the_server_is_gone() {
    let app = spawn_vpcs(0).await;
    ok(&app, create(&[])).await;
    let before = admin("GET", "state", "").send(&app).await.json();
    call(
        "DeleteVpnGateway",
        &[("VpnGatewayId", DEFAULT_GW), ("ClientToken", "del-1")],
    )
    .send(&app)
    .await
    .assert_error(
        400,
        "DependencyViolation.SslVpnServer",
        "There is SSL VPN server on specified vpn gateway not deleted.",
    );
    assert_eq!(admin("GET", "state", "").send(&app).await.json(), before);
    assert_eq!(
        ok(&app, call("DescribeSslVpnServers", &[])).await["TotalCount"],
        1
    );
    ok(&app, describe(CERT1)).await;
    // A refusal is not remembered: the same token succeeds once the server is gone.
    ok(
        &app,
        call("DeleteSslVpnServer", &[("SslVpnServerId", SERVER)]),
    )
    .await;
    assert_eq!(ok(&app, list(&[])).await["TotalCount"], 0);
    ok(
        &app,
        call(
            "DeleteVpnGateway",
            &[("VpnGatewayId", DEFAULT_GW), ("ClientToken", "del-1")],
        ),
    )
    .await;
    ok(&app, call("DeleteVSwitch", &[("VSwitchId", DEFAULT_VSW)])).await;
    ok(&app, call("DeleteVpc", &[("VpcId", DEFAULT_VPC)])).await;
}

#[tokio::test]
async fn tags_rules_ram_and_paging() {
    let app = spawn_vpcs(0).await;
    let tag = |kind: &'static str, id: &'static str, extra: &[(&'static str, &'static str)]| {
        let mut p = vec![("ResourceType", kind), ("ResourceId.1", id)];
        p.extend_from_slice(extra);
        call("TagResources", &p)
    };
    tag("Vpc", DEFAULT_VPC, &[]).send(&app).await.assert_error(
        400,
        "MissingTag.1.Key",
        "Tag.1.Key is mandatory for this action.",
    );
    tag("NatGateway", DEFAULT_VPC, &[("Tag.1.Key", "k")])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("ResourceType"));
    for (kind, code, message) in [
        (
            "VPC",
            "InvalidVpcId.NotFound",
            "Specified VPC does not exist.",
        ),
        ("VSWITCH", "InvalidVSwitchId.NotFound", "VSwitch not exist."),
        (
            "VPNGATEWAY",
            "InvalidVpnGatewayInstanceId.NotFound",
            "The specified vpn gateway instance id does not exist.",
        ),
    ] {
        tag(kind, "x-unknown", &[("Tag.1.Key", "k")])
            .send(&app)
            .await
            .assert_error(404, code, message);
    }
    // Twenty tags fit; a 21st key is refused naming its parameter, and nothing changes.
    let names: Vec<(String, String)> = (1..=20)
        .map(|n| (format!("Tag.{n}.Key"), format!("key{n}")))
        .collect();
    let mut params: Vec<(&str, &str)> =
        vec![("ResourceType", "vpc"), ("ResourceId.1", DEFAULT_VPC)];
    params.extend(names.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    ok(&app, call("TagResources", &params)).await;
    ok(&app, call("TagResources", &params)).await;
    tag("vpc", DEFAULT_VPC, &[("Tag.1.Key", "one-more")])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("Tag.1.Key"));
    // A replaced value is no new key.
    ok(
        &app,
        tag(
            "vpc",
            DEFAULT_VPC,
            &[("Tag.1.Key", "key1"), ("Tag.1.Value", "v")],
        ),
    )
    .await;
    // Two resources in one call: both are checked before either changes.
    call(
        "TagResources",
        &[
            ("ResourceType", "vswitch"),
            ("ResourceId.1", DEFAULT_VSW),
            ("ResourceId.2", "vsw-unknown"),
            ("Tag.1.Key", "k"),
        ],
    )
    .send(&app)
    .await
    .assert_error(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.");
    assert_eq!(
        ok(
            &app,
            call("DescribeVSwitchAttributes", &[("VSwitchId", DEFAULT_VSW)])
        )
        .await["Tags"],
        json!({"Tag": []})
    );
    // RAM: each resource in order.
    let sub = "User not authorized to operate on the specified resource as your account is created by another user.";
    call(
        "TagResources",
        &[
            ("ResourceType", "vpc"),
            ("ResourceId.1", DEFAULT_VPC),
            ("ResourceId.2", "vpc-lonely"),
            ("Tag.1.Key", "k"),
        ],
    )
    .sign_v1("LTAIvpconly", "VpcOnlySecret")
    .send(&app)
    .await
    .assert_denied(403, "Forbbiden.SubUser", sub, "TagResources", "vpconly");
    // Paging: 20 entries, 8 a page.
    let first = ok(
        &app,
        call(
            "ListTagResources",
            &[("ResourceType", "VPC"), ("MaxResults", "8")],
        ),
    )
    .await;
    assert_eq!(
        first["TagResources"]["TagResource"]
            .as_array()
            .map(Vec::len),
        Some(8)
    );
    assert_eq!(first["NextToken"], "8");
    let third = ok(
        &app,
        call(
            "ListTagResources",
            &[
                ("ResourceType", "VPC"),
                ("MaxResults", "8"),
                ("NextToken", "16"),
            ],
        ),
    )
    .await;
    assert_eq!(
        third["TagResources"]["TagResource"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    assert_eq!(third["NextToken"], "");
    assert_eq!(third["TagResources"]["TagResource"][3]["TagKey"], "key20");
    for (name, value) in [("MaxResults", "51"), ("NextToken", "x")] {
        call(
            "ListTagResources",
            &[("ResourceType", "VPC"), (name, value)],
        )
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid(name));
    }
    // UnTag: named keys, then nothing without keys or All, then All.
    ok(
        &app,
        call(
            "UnTagResources",
            &[
                ("ResourceType", "VPC"),
                ("ResourceId.1", DEFAULT_VPC),
                ("TagKey.1", "key1"),
                ("TagKey.2", "key2"),
            ],
        ),
    )
    .await;
    ok(
        &app,
        call(
            "UnTagResources",
            &[("ResourceType", "VPC"), ("ResourceId.1", DEFAULT_VPC)],
        ),
    )
    .await;
    let left = ok(
        &app,
        call("DescribeVpcAttribute", &[("VpcId", DEFAULT_VPC)]),
    )
    .await;
    assert_eq!(left["Tags"]["Tag"].as_array().map(Vec::len), Some(18));
    ok(
        &app,
        call(
            "UnTagResources",
            &[
                ("ResourceType", "VPC"),
                ("ResourceId.1", DEFAULT_VPC),
                ("All", "true"),
            ],
        ),
    )
    .await;
    let none = ok(
        &app,
        call("DescribeVpcAttribute", &[("VpcId", DEFAULT_VPC)]),
    )
    .await;
    assert_eq!(none["Tags"], json!({"Tag": []}));
    // Gateways: a tag filter in DescribeVpnGateways sees tags set through TagResources.
    ok(
        &app,
        tag(
            "VpnGateWay",
            DEFAULT_GW,
            &[("Tag.1.Key", "tf"), ("Tag.1.Value", "yes")],
        ),
    )
    .await;
    let gws = ok(&app, call("DescribeVpnGateways", &[("Tag.1.Key", "tf")])).await;
    assert_eq!(gws["TotalCount"], 1);
}

/// Every new resource goes through the state file: after `kill -9` the restart shows the chain.
#[tokio::test]
async fn the_chain_survives_kill_9() {
    use crate::persistence::{Scratch, exported, kill9, send, with_state_file};
    let scratch = Scratch::new("vpcs-kill9");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    let body = |a: Answer| {
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()
    };
    let vpc = id_of(
        &body(
            send(
                addr,
                call(
                    "CreateVpc",
                    &[("CidrBlock", "10.0.0.0/16"), ("Tag.1.Key", "k")],
                ),
            )
            .await,
        ),
        "VpcId",
    );
    let vsw = id_of(
        &body(
            send(
                addr,
                call(
                    "CreateVSwitch",
                    &[
                        ("VpcId", &vpc),
                        ("ZoneId", "cn-hangzhou-b"),
                        ("CidrBlock", "10.0.1.0/24"),
                    ],
                ),
            )
            .await,
        ),
        "VSwitchId",
    );
    let gw = id_of(
        &body(
            send(
                addr,
                call(
                    "CreateVpnGateway",
                    &[("VpcId", &vpc), ("Bandwidth", "5"), ("EnableSsl", "true")],
                ),
            )
            .await,
        ),
        "VpnGatewayId",
    );
    body(
        send(
            addr,
            call(
                "TagResources",
                &[
                    ("ResourceType", "VSWITCH"),
                    ("ResourceId.1", &vsw),
                    ("Tag.1.Key", "a"),
                ],
            ),
        )
        .await,
    );
    body(
        send(
            addr,
            call(
                "ModifyVpnGatewayAttribute",
                &[("VpnGatewayId", &gw), ("Description", "kept")],
            ),
        )
        .await,
    );
    body(
        send(
            addr,
            call("DeleteSslVpnServer", &[("SslVpnServerId", SERVER)]),
        )
        .await,
    );
    body(
        send(
            addr,
            call("DeleteVpnGateway", &[("VpnGatewayId", DEFAULT_GW)]),
        )
        .await,
    );
    let before = exported(addr).await;
    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(exported(addr).await, before);
    assert_eq!(before["VpnGateways"].as_array().map(Vec::len), Some(1));
    assert_eq!(before["SslVpnServers"].as_array().map(Vec::len), Some(0));
    let g = body(send(addr, call("DescribeVpnGateway", &[("VpnGatewayId", &gw)])).await);
    assert_eq!(g["Description"], "kept");
    kill9(&mut child);
}

#[tokio::test]
async fn the_state_format_refuses_broken_references() {
    let base: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    let app = spawn_with(test_config(), None).await;
    for (path, value, expected) in [
        (
            "/VSwitches/0/ZoneId",
            json!("cn-hangzhou-z"),
            "VSwitches[0].ZoneId: not a zone of the VPC's region (cn-hangzhou-z)",
        ),
        (
            "/VSwitches/0/VpcId",
            json!("vpc-x"),
            "VSwitches[0].VpcId: no such VPC (vpc-x)",
        ),
        (
            "/VSwitches/0/CidrBlock",
            json!("192.168.1.1/24"),
            "VSwitches[0].CidrBlock: CidrBlock must be a network address in CIDR notation (192.168.1.1/24)",
        ),
        (
            "/Vpcs/0/CreationTime",
            json!("yesterday"),
            "Vpcs[0].CreationTime: CreationTime must be RFC 3339, e.g. 2026-12-01T08:00:00Z (yesterday)",
        ),
        (
            "/VpnGateways/0/VSwitchId",
            json!("vsw-x"),
            "VpnGateways[0].VSwitchId: no such vSwitch in the gateway's VPC (vsw-x)",
        ),
        (
            "/VpnGateways/0/VpcId",
            json!("vpc-x"),
            "VpnGateways[0].VpcId: no such VPC in the gateway's account and region (vpc-x)",
        ),
    ] {
        let mut doc = base.clone();
        *doc.pointer_mut(path).expect("path") = value;
        let refused = admin("PUT", "state", &doc.to_string()).send(&app).await;
        assert_eq!(refused.status, 400, "{path}");
        assert_eq!(refused.json()["error"], expected, "{path}");
    }
    // Zones given in a file are the region's; without them, -a to -k.
    let mut doc = base.clone();
    doc["Regions"][0]["Zones"] = json!(["cn-qingdao-b", "cn-qingdao-c"]);
    assert_eq!(
        admin("PUT", "state", &doc.to_string())
            .send(&app)
            .await
            .status,
        200
    );
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(
        state["Regions"][0]["Zones"],
        json!(["cn-qingdao-b", "cn-qingdao-c"])
    );
    let hangzhou = state["Regions"]
        .as_array()
        .expect("regions")
        .iter()
        .find(|r| r["RegionId"] == REGION)
        .cloned()
        .expect("hangzhou");
    assert_eq!(hangzhou["Zones"].as_array().map(Vec::len), Some(11));
    assert_eq!(hangzhou["Zones"][0], "cn-hangzhou-a");
}
