//! The IPsec half (SPEC 14, `reference/api-reference-ipsec.md`): customer gateways, IPsec
//! connections and destination routes through the API, every success and error path in SPEC
//! 3.3's order, what they do to the VPN gateway (the busy window, `DeleteVpnGateway`), RAM,
//! ClientTokens, tags, the state format and its load checks, and persistence under `kill -9`.

use serde_json::{Value, json};

use crate::helpers::*;

const REGION: &str = "cn-hangzhou";
/// The default fixtures' gateway (InternetIp 127.0.0.1, with an SSL-VPN server).
const GW: &str = "vpn-bp1emulator0000000001";
/// A second gateway of account 1, in resource group `rg-free`.
const FREE_GW: &str = "vpn-free0000000000000001";
const NOIPSEC_GW: &str = "vpn-noipsec0000000000001";
const SM_GW: &str = "vpn-sm000000000000000001";
const OTHER_GW: &str = "vpn-other000000000000001";
const OTHER_CGW: &str = "cgw-other000000000000001";

const CONFIGURING: &str = "The specified service is configuring.";
const CGW_NOT_FOUND: &str = "The specified customer gateway instance id does not exist.";
const VCO_NOT_FOUND: &str = "The specified vpn connection instance id does not exist.";
const GW_NOT_FOUND: &str = "The specified vpn gateway instance id does not exist.";
const ROUTE_NOT_FOUND: &str = "Route entry not exists.";
const IN_USE: &str = "There are vpn connections on specified customer gateway not deleted.";

fn invalid(p: &str) -> String {
    format!("The specified parameter \"{p}\" is not valid.")
}

fn call(action: &str, params: &[(&str, &str)]) -> Req {
    let mut all = vec![("RegionId", REGION)];
    all.extend_from_slice(params);
    rpc(action, &all)
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

/// The answer without its RequestId, the order of the other fields kept.
fn without_request_id(mut body: Value) -> Value {
    body.as_object_mut().map(|o| o.shift_remove("RequestId"));
    body
}

/// The default fixtures plus gateways for each state rule, another account's gateway and
/// customer gateway, and RAM users limited to one resource.
fn fixtures() -> String {
    let mut doc: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    doc["VpnGateways"]
        .as_array_mut()
        .expect("gateways")
        .extend([
            json!({"VpnGatewayId": FREE_GW, "RegionId": REGION, "ResourceGroupId": "rg-free",
                   "InternetIp": "203.0.113.7", "CreateTime": 1_764_547_200_000_i64}),
            json!({"VpnGatewayId": NOIPSEC_GW, "RegionId": REGION, "IpsecVpn": "disable",
                   "InternetIp": "203.0.113.8"}),
            json!({"VpnGatewayId": SM_GW, "RegionId": REGION, "VpnType": "NationalStandard",
                   "InternetIp": "203.0.113.9"}),
            json!({"VpnGatewayId": OTHER_GW, "RegionId": REGION, "AccountId": "2000000000000002"}),
        ]);
    doc["CustomerGateways"] = json!([
        {"CustomerGatewayId": OTHER_CGW, "RegionId": REGION, "AccountId": "2000000000000002",
         "IpAddress": "198.51.100.200"}
    ]);
    doc["Accounts"]
        .as_array_mut()
        .expect("accounts")
        .push(json!({
        "AccountId": "2000000000000002",
        "AccessKeys": [{"AccessKeyId": "LTAIother", "AccessKeySecret": "OtherSecret"}]}));
    doc["Accounts"][0]["Users"]
        .as_array_mut()
        .expect("users")
        .extend([
            json!({"UserName": "freeonly", "Allow": ["vpc:*"], "Resources": [FREE_GW],
                   "AccessKeys": [{"AccessKeyId": "LTAIfreeonly", "AccessKeySecret": "FreeOnlySecret"}]}),
            json!({"UserName": "nobody",
                   "AccessKeys": [{"AccessKeyId": "LTAInobody", "AccessKeySecret": "NobodySecret"}]}),
        ]);
    doc.to_string()
}

async fn spawn_ipsec(busy_ms: u32) -> TestApp {
    spawn_with(
        aliyun_vpc_emulator::config::Config {
            gateway_busy_ms: busy_ms,
            ..test_config()
        },
        Some(&fixtures()),
    )
    .await
}

async fn new_cgw(app: &TestApp, ip: &str, extra: &[(&str, &str)]) -> String {
    let mut params = vec![("IpAddress", ip)];
    params.extend_from_slice(extra);
    id_of(
        &ok(app, call("CreateCustomerGateway", &params)).await,
        "CustomerGatewayId",
    )
}

fn create_vco(gateway: &str, cgw: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![
        ("VpnGatewayId", gateway),
        ("CustomerGatewayId", cgw),
        ("LocalSubnet", "172.16.0.0/24"),
        ("RemoteSubnet", "10.0.0.0/24"),
    ];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        params.push((k, v));
    }
    call("CreateVpnConnection", &params)
}

async fn new_vco(app: &TestApp, gateway: &str, cgw: &str, extra: &[(&str, &str)]) -> String {
    id_of(
        &ok(app, create_vco(gateway, cgw, extra)).await,
        "VpnConnectionId",
    )
}

fn describe_vco(id: &str) -> Req {
    call("DescribeVpnConnection", &[("VpnConnectionId", id)])
}

fn route(action: &str, gateway: &str, dest: &str, hop: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![
        ("VpnGatewayId", gateway),
        ("RouteDest", dest),
        ("NextHop", hop),
    ];
    params.extend_from_slice(extra);
    call(action, &params)
}

fn create_route(gateway: &str, dest: &str, hop: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("Weight", "100"), ("PublishVpc", "true")];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        params.push((k, v));
    }
    route("CreateVpnRouteEntry", gateway, dest, hop, &params)
}

fn routes_of(gateway: &str) -> Req {
    call("DescribeVpnRouteEntries", &[("VpnGatewayId", gateway)])
}

async fn gateway_status(app: &TestApp, id: &str) -> Value {
    ok(app, call("DescribeVpnGateway", &[("VpnGatewayId", id)])).await["Status"].clone()
}

async fn advance(app: &TestApp, seconds: i64) {
    let moved = admin(
        "POST",
        "clock",
        &format!(r#"{{"AdvanceSeconds": {seconds}}}"#),
    )
    .send(app)
    .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
}

fn is_id(id: &str, prefix: &str) -> bool {
    id.len() == prefix.len() + 21
        && id.starts_with(prefix)
        && id[prefix.len()..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

// ------------------------------------------------------------------ customer gateways

#[tokio::test]
async fn a_customer_gateway_is_created_read_listed_changed_and_deleted() {
    let app = spawn_ipsec(0).await;
    let now = admin("GET", "clock", "").send(&app).await.json()["Now"]
        .as_i64()
        .unwrap_or_default();
    let made = ok(
        &app,
        call(
            "CreateCustomerGateway",
            &[
                ("IpAddress", "203.0.113.50"),
                ("Name", "office"),
                ("Description", "the office router"),
                ("Asn", "1.2"),
                ("AuthKey", "Bgp-Key1"),
                ("ResourceGroupId", "rg-1"),
                ("Tags.1.Key", "team"),
                ("Tags.1.Value", "net"),
                ("ClientToken", "cgw-1"),
            ],
        ),
    )
    .await;
    let id = id_of(&made, "CustomerGatewayId");
    assert!(is_id(&id, "cgw-"), "{id}");
    let created = made["CreateTime"].as_i64().expect("CreateTime is a number");
    assert!(created >= now);
    // The answer: exactly these fields, in this order.
    assert_eq!(
        serde_json::to_string(&without_request_id(made.clone())).unwrap_or_default(),
        json!({"CustomerGatewayId": id, "IpAddress": "203.0.113.50", "Name": "office",
               "Description": "the office router", "CreateTime": created})
        .to_string()
    );
    // A ClientToken replay answers the same and makes nothing new.
    let replay = ok(
        &app,
        call(
            "CreateCustomerGateway",
            &[
                ("IpAddress", "203.0.113.50"),
                ("Name", "office"),
                ("Description", "the office router"),
                ("Asn", "1.2"),
                ("AuthKey", "Bgp-Key1"),
                ("ResourceGroupId", "rg-1"),
                ("Tags.1.Key", "team"),
                ("Tags.1.Value", "net"),
                ("ClientToken", "cgw-1"),
            ],
        ),
    )
    .await;
    assert_eq!(replay["CustomerGatewayId"], json!(id));
    let described = ok(
        &app,
        call("DescribeCustomerGateway", &[("CustomerGatewayId", &id)]),
    )
    .await;
    let expected = json!({"CustomerGatewayId": id, "Name": "office",
        "Description": "the office router", "IpAddress": "203.0.113.50", "Asn": 65538,
        "AuthKey": "Bgp-Key1", "CreateTime": created, "ResourceGroupId": "rg-1",
        "Tags": {"Tag": [{"Key": "team", "Value": "net"}]}});
    assert_eq!(
        serde_json::to_string(&without_request_id(described)).unwrap_or_default(),
        expected.to_string()
    );
    // One made without the optional values (a second later): the ID as its name, no Asn.
    advance(&app, 1).await;
    let bare = new_cgw(&app, "198.51.100.1", &[]).await;
    let described = ok(
        &app,
        call("DescribeCustomerGateway", &[("CustomerGatewayId", &bare)]),
    )
    .await;
    assert_eq!(described["Name"], json!(bare));
    assert_eq!(described["Description"], "");
    assert!(described.get("Asn").is_none(), "{described}");
    assert_eq!(described["Tags"], json!({"Tag": []}));

    let list = ok(&app, call("DescribeCustomerGateways", &[])).await;
    assert_eq!(list["TotalCount"], 2);
    assert_eq!(
        (list["PageNumber"].clone(), list["PageSize"].clone()),
        (json!(1), json!(10))
    );
    let items = list["CustomerGateways"]["CustomerGateway"]
        .as_array()
        .expect("items");
    assert_eq!(items[0], expected, "oldest first, Describe's fields");
    for (filter, value, count) in [
        ("CustomerGatewayId", bare.as_str(), 1),
        ("CustomerGatewayId", "cgw-unknown", 0),
        ("ResourceGroupId", "rg-1", 1),
        ("Tag.1.Key", "team", 1),
        ("Tag.1.Key", "nope", 0),
    ] {
        let list = ok(&app, call("DescribeCustomerGateways", &[(filter, value)])).await;
        assert_eq!(list["TotalCount"], count, "{filter}={value}");
    }
    let page = ok(
        &app,
        call(
            "DescribeCustomerGateways",
            &[("PageSize", "1"), ("PageNumber", "2")],
        ),
    )
    .await;
    assert_eq!(
        page["CustomerGateways"]["CustomerGateway"][0]["CustomerGatewayId"],
        json!(bare)
    );

    let modified = ok(
        &app,
        call(
            "ModifyCustomerGatewayAttribute",
            &[
                ("CustomerGatewayId", &id),
                ("Name", "renamed"),
                ("Description", "d2"),
                ("AuthKey", "key2"),
                ("ClientToken", "mod-1"),
            ],
        ),
    )
    .await;
    assert_eq!(
        serde_json::to_string(&without_request_id(modified)).unwrap_or_default(),
        json!({"CustomerGatewayId": id, "IpAddress": "203.0.113.50", "Name": "renamed",
               "Description": "d2", "CreateTime": created, "ResourceGroupId": "rg-1"})
        .to_string()
    );
    let described = ok(
        &app,
        call("DescribeCustomerGateway", &[("CustomerGatewayId", &id)]),
    )
    .await;
    assert_eq!(described["AuthKey"], "key2");
    assert_eq!(described["Asn"], 65538);

    let deleted = ok(
        &app,
        call(
            "DeleteCustomerGateway",
            &[("CustomerGatewayId", &id), ("ClientToken", "del-1")],
        ),
    )
    .await;
    assert_eq!(without_request_id(deleted), json!({}));
    // A replay of the delete answers as the first; a new delete finds nothing.
    ok(
        &app,
        call(
            "DeleteCustomerGateway",
            &[("CustomerGatewayId", &id), ("ClientToken", "del-1")],
        ),
    )
    .await;
    for action in [
        "DescribeCustomerGateway",
        "DeleteCustomerGateway",
        "ModifyCustomerGatewayAttribute",
    ] {
        call(action, &[("CustomerGatewayId", &id)])
            .send(&app)
            .await
            .assert_error(
                404,
                "InvalidCustomerGatewayInstanceId.NotFound",
                CGW_NOT_FOUND,
            );
    }
    // The address is free again.
    new_cgw(&app, "203.0.113.50", &[]).await;
}

#[tokio::test]
async fn customer_gateway_refusals_in_order() {
    let app = spawn_ipsec(0).await;
    let create = |params: &[(&str, &str)]| call("CreateCustomerGateway", params);
    create(&[]).send(&app).await.assert_error(
        400,
        "MissingIpAddress",
        "IpAddress is mandatory for this action.",
    );
    for bad in ["203.0.113", "203.0.113.050", "::1", "host", "203.0.113.5 "] {
        create(&[("IpAddress", bad)]).send(&app).await.assert_error(
            400,
            "InvalidIpAddress.WrongFormat",
            "Specified IpAddress is invalid.",
        );
    }
    let ip = ("IpAddress", "203.0.113.60");
    for (param, value, code, message) in [
        (
            "Name",
            "",
            "InvalidName",
            "The name is not valid".to_owned(),
        ),
        (
            "Name",
            "https://x",
            "InvalidName",
            "The name is not valid".to_owned(),
        ),
        (
            "Description",
            "",
            "InvalidDescription",
            "The description is not valid".to_owned(),
        ),
        (
            "Description",
            "http://x",
            "InvalidDescription",
            "The description is not valid".to_owned(),
        ),
        ("Asn", "45104", "InvalidParameter", invalid("Asn")),
        ("Asn", "0", "InvalidParameter", invalid("Asn")),
        ("Asn", "4294967296", "InvalidParameter", invalid("Asn")),
        ("Asn", "1.65536", "InvalidParameter", invalid("Asn")),
        (
            "AuthKey",
            "has space",
            "InvalidParameter",
            invalid("AuthKey"),
        ),
        ("AuthKey", "what?", "InvalidParameter", invalid("AuthKey")),
        (
            "Tags.1.Key",
            "aliyun-x",
            "InvalidParameter",
            invalid("Tags.1.Key"),
        ),
        (
            "Tags.1.Key",
            &"k".repeat(65),
            "InvalidParameter",
            invalid("Tags.1.Key"),
        ),
        (
            "Tags.21.Key",
            "k",
            "InvalidParameter",
            invalid("Tags.21.Key"),
        ),
        (
            "ClientToken",
            "",
            "InvalidClientToken.Malformed",
            "The specified parameter \"ClientToken\" is not valid.".to_owned(),
        ),
    ] {
        create(&[ip, (param, value)])
            .send(&app)
            .await
            .assert_error(400, code, &message);
    }
    // A 64-character tag key is fine.
    let long = "k".repeat(64);
    new_cgw(&app, "203.0.113.60", &[("Tags.1.Key", &long)]).await;
    create(&[ip]).send(&app).await.assert_error(
        400,
        "InvalidIpAddress.AlreadyExist",
        "Specified IpAddress is already exist.",
    );
    // Another account may use the same address; a foreign customer gateway is not found.
    let theirs = create(&[ip])
        .sign_v1("LTAIother", "OtherSecret")
        .send(&app)
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    call(
        "DescribeCustomerGateway",
        &[("CustomerGatewayId", OTHER_CGW)],
    )
    .send(&app)
    .await
    .assert_error(
        404,
        "InvalidCustomerGatewayInstanceId.NotFound",
        CGW_NOT_FOUND,
    );
    // 100 per account and region.
    for n in 1..=99 {
        new_cgw(&app, &format!("10.1.{}.{}", n / 200, n % 200 + 1), &[]).await;
    }
    create(&[("IpAddress", "10.2.0.1")])
        .send(&app)
        .await
        .assert_error(400, "Resource.QuotaFull", "The quota of resource is full");
    // Other regions count on their own.
    let elsewhere = rpc(
        "CreateCustomerGateway",
        &[("RegionId", "cn-shanghai"), ("IpAddress", "10.2.0.1")],
    )
    .send(&app)
    .await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.body);
    // Modify checks its values before the gateway exists.
    call(
        "ModifyCustomerGatewayAttribute",
        &[("CustomerGatewayId", "cgw-unknown"), ("Name", "")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidName", "The name is not valid");
    call(
        "ModifyCustomerGatewayAttribute",
        &[("CustomerGatewayId", "cgw-unknown"), ("AuthKey", "a b")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidParameter", &invalid("AuthKey"));
    call("ModifyCustomerGatewayAttribute", &[])
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingCustomerGatewayId",
            "CustomerGatewayId is mandatory for this action.",
        );
}

#[tokio::test]
async fn a_customer_gateway_in_use_cannot_be_deleted() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.70", &[]).await;
    let vco = new_vco(&app, GW, &cgw, &[]).await;
    let before = admin("GET", "state", "").send(&app).await.json();
    call("DeleteCustomerGateway", &[("CustomerGatewayId", &cgw)])
        .send(&app)
        .await
        .assert_error(400, "DependencyViolation.VpnConnection", IN_USE);
    assert_eq!(admin("GET", "state", "").send(&app).await.json(), before);
    ok(
        &app,
        call("DeleteVpnConnection", &[("VpnConnectionId", &vco)]),
    )
    .await;
    ok(
        &app,
        call("DeleteCustomerGateway", &[("CustomerGatewayId", &cgw)]),
    )
    .await;
}

// ------------------------------------------------------------------ connections

#[tokio::test]
async fn a_connection_with_defaults_reads_back_every_field_with_its_type() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    let made = ok(&app, create_vco(GW, &cgw, &[("ClientToken", "vco-1")])).await;
    let id = id_of(&made, "VpnConnectionId");
    assert!(is_id(&id, "vco-"), "{id}");
    let created = made["CreateTime"].as_i64().expect("CreateTime");
    assert_eq!(
        serde_json::to_string(&without_request_id(made)).unwrap_or_default(),
        json!({"VpnConnectionId": id, "Name": id, "CreateTime": created}).to_string()
    );
    let described = ok(&app, describe_vco(&id)).await;
    let psk = described["IkeConfig"]["Psk"]
        .as_str()
        .expect("Psk")
        .to_owned();
    assert!(
        psk.len() == 16 && psk.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{psk}"
    );
    let expected = json!({
        "VpnConnectionId": id, "VpnGatewayId": GW, "CustomerGatewayId": cgw, "Name": id,
        "LocalSubnet": "172.16.0.0/24", "RemoteSubnet": "10.0.0.0/24", "CreateTime": created,
        "EffectImmediately": false, "Status": "ike_sa_not_established", "State": "active",
        "EnableDpd": true, "EnableNatTraversal": true, "EnableTunnelsBgp": false,
        "CrossAccountAuthorized": false, "InternetIp": "127.0.0.1", "NetworkType": "public",
        "AttachType": "VPNGW", "AttachInstanceId": "", "TransitRouterId": "",
        "TransitRouterName": "", "Spec": "", "TunnelBandwidth": "", "ZoneNo": "",
        "RemoteCaCertificate": "", "ResourceGroupId": "",
        "IkeConfig": {"IkeAuthAlg": "md5", "IkeEncAlg": "aes", "IkeLifetime": 86400,
            "IkeMode": "main", "IkePfs": "group2", "IkeVersion": "ikev1",
            "LocalId": "127.0.0.1", "Psk": psk, "RemoteId": "203.0.113.50"},
        "IpsecConfig": {"IpsecAuthAlg": "md5", "IpsecEncAlg": "aes", "IpsecLifetime": 86400,
            "IpsecPfs": "group2"},
        "VcoHealthCheck": {"Enable": "false", "Dip": "", "Sip": "", "Interval": 0, "Retry": 0,
            "Status": "", "Policy": ""},
        "VpnBgpConfig": {"EnableBgp": "false", "LocalAsn": 45104, "TunnelCidr": "",
            "LocalBgpIp": "", "PeerBgpIp": "", "Status": "", "AuthKey": ""},
        "Tags": {"Tag": []}
    });
    assert_eq!(
        serde_json::to_string(&without_request_id(described)).unwrap_or_default(),
        expected.to_string(),
        "every field, in order"
    );
    // The list item: the same but no ZoneNo, and the tag wrapper named `Tag`.
    let list = ok(&app, call("DescribeVpnConnections", &[])).await;
    assert_eq!(list["TotalCount"], 1);
    let mut item = expected.clone();
    let object = item.as_object_mut().expect("object");
    object.shift_remove("ZoneNo");
    let tags = object.shift_remove("Tags").expect("Tags");
    object.insert("Tag".into(), tags);
    item["VpnBgpConfig"]
        .as_object_mut()
        .expect("BGP")
        .shift_remove("EnableBgp");
    assert_eq!(
        serde_json::to_string(&list["VpnConnections"]["VpnConnection"][0]).unwrap_or_default(),
        item.to_string()
    );
    // The configuration as the customer gateway's side sees it.
    let config = ok(
        &app,
        call("DownloadVpnConnectionConfig", &[("VpnConnectionId", &id)]),
    )
    .await;
    assert_eq!(
        serde_json::to_string(&without_request_id(config)).unwrap_or_default(),
        json!({"VpnConnectionConfig": {
            "LocalSubnet": "10.0.0.0/24", "RemoteSubnet": "172.16.0.0/24",
            "Local": "203.0.113.50", "Remote": "127.0.0.1",
            "IkeConfig": {"IkeAuthAlg": "md5", "IkeEncAlg": "aes", "IkeLifetime": 86400,
                "IkeMode": "main", "IkePfs": "group2", "IkeVersion": "ikev1",
                "LocalId": "203.0.113.50", "Psk": psk, "RemoteId": "127.0.0.1"},
            "IpsecConfig": {"IpsecAuthAlg": "md5", "IpsecEncAlg": "aes",
                "IpsecLifetime": 86400, "IpsecPfs": "group2"}}})
        .to_string()
    );
    // XML: nested objects as elements, the string booleans as text.
    let xml = describe_vco(&id).set("Format", "XML").send(&app).await.body;
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeVpnConnectionResponse>"
        ),
        "{xml}"
    );
    for part in [
        "<IkeConfig><IkeAuthAlg>md5</IkeAuthAlg>",
        "<VcoHealthCheck><Enable>false</Enable>",
        "<EnableDpd>true</EnableDpd>",
        "<Tags></Tags>",
    ] {
        assert!(xml.contains(part), "{part} in {xml}");
    }
    // A ClientToken replay answers the first result.
    let replay = ok(&app, create_vco(GW, &cgw, &[("ClientToken", "vco-1")])).await;
    assert_eq!(replay["VpnConnectionId"], json!(id));
    assert_eq!(
        ok(&app, call("DescribeVpnConnections", &[])).await["TotalCount"],
        1
    );
}

#[tokio::test]
async fn a_connection_takes_every_setting_as_the_clients_send_them() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(
        &app,
        "203.0.113.50",
        &[("Asn", "65001"), ("AuthKey", "peer-key")],
    )
    .await;
    // What Terraform sends: sorted keys, zero lifetimes for unset block fields, booleans and
    // numbers as JSON values, the health check's keys in lower case.
    let id = new_vco(
        &app,
        FREE_GW,
        &cgw,
        &[
            ("Name", "site-a"),
            ("LocalSubnet", "172.16.0.0/24,172.16.1.0/24"),
            ("RemoteSubnet", "0.0.0.0/0"),
            ("EffectImmediately", "true"),
            ("EnableDpd", "false"),
            ("EnableNatTraversal", "False"),
            ("AutoConfigRoute", "false"),
            ("EnableTunnelsBgp", "false"),
            (
                "IkeConfig",
                r#"{"IkeAuthAlg":"sha1","IkeEncAlg":"aes256","IkeLifetime":0,"IkeMode":"aggressive","IkePfs":"group14","IkeVersion":"ikev2","LocalId":"me.example","Psk":"tf-testvpn1","RemoteId":"them","Unknown":1}"#,
            ),
            (
                "IpsecConfig",
                r#"{"IpsecAuthAlg":"sha256","IpsecEncAlg":"3des","IpsecLifetime":"3600","IpsecPfs":"disabled"}"#,
            ),
            (
                "HealthCheckConfig",
                r#"{"dip":"10.0.0.1","enable":true,"sip":"172.16.0.1"}"#,
            ),
            (
                "BgpConfig",
                r#"{"EnableBgp":"true","LocalAsn":"1.1","LocalBgpIp":"169.254.10.2","TunnelCidr":"169.254.10.0/30"}"#,
            ),
            ("Tags.1.Key", "Created"),
            ("Tags.1.Value", "TF"),
        ],
    )
    .await;
    let c = ok(&app, describe_vco(&id)).await;
    assert_eq!(c["Name"], "site-a");
    assert_eq!(c["LocalSubnet"], "172.16.0.0/24,172.16.1.0/24");
    assert_eq!(c["RemoteSubnet"], "0.0.0.0/0");
    assert_eq!(
        (
            c["EffectImmediately"].clone(),
            c["EnableDpd"].clone(),
            c["EnableNatTraversal"].clone()
        ),
        (json!(true), json!(false), json!(false))
    );
    assert_eq!(c["InternetIp"], "203.0.113.7");
    assert_eq!(c["ResourceGroupId"], "rg-free", "the gateway's group");
    assert_eq!(
        c["IkeConfig"],
        json!({"IkeAuthAlg": "sha1", "IkeEncAlg": "aes256", "IkeLifetime": 86400,
               "IkeMode": "aggressive", "IkePfs": "group14", "IkeVersion": "ikev2",
               "LocalId": "me.example", "Psk": "tf-testvpn1", "RemoteId": "them"})
    );
    assert_eq!(
        c["IpsecConfig"],
        json!({"IpsecAuthAlg": "sha256", "IpsecEncAlg": "3des", "IpsecLifetime": 3600,
               "IpsecPfs": "disabled"})
    );
    assert_eq!(
        c["VcoHealthCheck"],
        json!({"Enable": "true", "Dip": "10.0.0.1", "Sip": "172.16.0.1", "Interval": 3,
               "Retry": 3, "Status": "failed", "Policy": "revoke_route"})
    );
    assert_eq!(
        c["VpnBgpConfig"],
        json!({"EnableBgp": "true", "LocalAsn": 65537, "TunnelCidr": "169.254.10.0/30",
               "LocalBgpIp": "169.254.10.2", "PeerBgpIp": "169.254.10.1", "PeerAsn": 65001,
               "Status": "failed", "AuthKey": "peer-key"})
    );
    assert_eq!(
        c["Tags"],
        json!({"Tag": [{"Key": "Created", "Value": "TF"}]})
    );

    // Modify: the provider's update writes the health check capitalised; the answer is the
    // Modify shape (a Description, no state, tags or transit-router fields).
    let modified = ok(
        &app,
        call(
            "ModifyVpnConnectionAttribute",
            &[
                ("VpnConnectionId", &id),
                (
                    "HealthCheckConfig",
                    r#"{"Enable":false,"Interval":5,"Retry":4}"#,
                ),
                ("IkeConfig", r#"{"ikelifetime":"600","psk":"new-psk"}"#),
                ("ClientToken", "mod-1"),
            ],
        ),
    )
    .await;
    let keys: Vec<&str> = modified
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "RequestId",
            "VpnConnectionId",
            "VpnGatewayId",
            "CustomerGatewayId",
            "Name",
            "Description",
            "LocalSubnet",
            "RemoteSubnet",
            "CreateTime",
            "EffectImmediately",
            "EnableDpd",
            "EnableNatTraversal",
            "EnableTunnelsBgp",
            "ResourceGroupId",
            "IkeConfig",
            "IpsecConfig",
            "VcoHealthCheck",
            "VpnBgpConfig"
        ]
    );
    assert_eq!(modified["Description"], "");
    assert_eq!(
        modified["VcoHealthCheck"],
        json!({"Enable": "false", "Dip": "10.0.0.1", "Sip": "172.16.0.1", "Interval": 5,
               "Retry": 4})
    );
    assert!(modified["VpnBgpConfig"].get("AuthKey").is_none());
    assert_eq!(modified["IkeConfig"]["IkeLifetime"], 600);
    assert_eq!(modified["IkeConfig"]["Psk"], "new-psk");
    assert_eq!(modified["IkeConfig"]["IkeVersion"], "ikev2", "kept");

    // SM algorithms on a NationalStandard gateway only.
    let sm = ("IkeConfig", r#"{"IkeEncAlg":"sm4","IkeAuthAlg":"sm3"}"#);
    create_vco(FREE_GW, &new_cgw(&app, "203.0.113.51", &[]).await, &[sm])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("IkeConfig"));
    let on_sm = new_vco(&app, SM_GW, &cgw, &[sm]).await;
    assert_eq!(
        ok(&app, describe_vco(&on_sm)).await["IkeConfig"]["IkeEncAlg"],
        "sm4"
    );
}

#[tokio::test]
async fn connection_values_are_checked_before_anything_else() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    call(
        "CreateVpnConnection",
        &[
            ("VpnGatewayId", GW),
            ("LocalSubnet", "10.0.0.0/8"),
            ("RemoteSubnet", "10.0.0.0/8"),
        ],
    )
    .send(&app)
    .await
    .assert_error(
        400,
        "MissingCustomerGatewayId",
        "CustomerGatewayId is mandatory for this action.",
    );
    create_vco(GW, &cgw, &[("LocalSubnet", "")])
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingLocalSubnet",
            "LocalSubnet is mandatory for this action.",
        );
    let six = "1.0.0.0/8,2.0.0.0/8,3.0.0.0/8,4.0.0.0/8,5.0.0.0/8,6.0.0.0/8";
    for (param, value, code, offending) in [
        (
            "LocalSubnet",
            "10.0.0.1/24",
            "IllegalParam.LocalSubnet",
            "10.0.0.1/24",
        ),
        (
            "LocalSubnet",
            "10.0.0.0/24,10.0.1.0",
            "IllegalParam.LocalSubnet",
            "10.0.1.0",
        ),
        (
            "LocalSubnet",
            "10.0.0.0/24, 10.0.1.0/24",
            "IllegalParam.LocalSubnet",
            " 10.0.1.0/24",
        ),
        ("LocalSubnet", six, "IllegalParam.LocalSubnet", six),
        (
            "RemoteSubnet",
            "192.168.0.0/33",
            "IllegalParam.RemoteSubnet",
            "192.168.0.0/33",
        ),
    ] {
        // The gateway is unknown: values come first.
        create_vco("vpn-unknown", &cgw, &[(param, value)])
            .send(&app)
            .await
            .assert_error(
                400,
                code,
                &format!("The specified \"{param}\" ({offending}) is invalid."),
            );
    }
    for (param, value) in [
        ("IkeConfig", "not json"),
        ("IkeConfig", "[1]"),
        ("IkeConfig", r#"{"Psk":"a b"}"#),
        ("IkeConfig", r#"{"IkeVersion":"ikev3"}"#),
        ("IkeConfig", r#"{"IkeLifetime":86401}"#),
        ("IkeConfig", r#"{"IkeLifetime":-1}"#),
        ("IkeConfig", r#"{"IkeMode":true}"#),
        ("IkeConfig", r#"{"LocalId":"a b"}"#),
        ("IkeConfig", r#"{"Psk":"x"} trailing"#),
        ("IpsecConfig", r#"{"IpsecPfs":"group3"}"#),
        ("IpsecConfig", r#"{"IpsecEncAlg":"AES"}"#),
        ("HealthCheckConfig", r#"{"enable":"yes"}"#),
        ("HealthCheckConfig", r#"{"dip":"10.0.0"}"#),
        ("HealthCheckConfig", r#"{"interval":3601}"#),
        ("BgpConfig", r#"{"LocalAsn":"0"}"#),
        ("BgpConfig", r#"{"TunnelCidr":"169.254.1.0/30"}"#),
        ("BgpConfig", r#"{"TunnelCidr":"169.254.10.0/29"}"#),
        ("BgpConfig", r#"{"LocalBgpIp":"x"}"#),
        ("EffectImmediately", "yes"),
        ("EnableDpd", "1"),
        ("EnableNatTraversal", "on"),
        ("AutoConfigRoute", "no"),
        ("EnableTunnelsBgp", "true"),
        ("TunnelOptionsSpecification.1.CustomerGatewayId", "cgw-1"),
        ("Tags.1.Key", "acs:x"),
    ] {
        let name = if param.starts_with("TunnelOptions") {
            "TunnelOptionsSpecification"
        } else {
            param
        };
        create_vco("vpn-unknown", &cgw, &[(param, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(name));
    }
    create_vco("vpn-unknown", &cgw, &[("Name", "")])
        .send(&app)
        .await
        .assert_error(400, "InvalidName", "The name is not valid");
    // Settings that only make sense together are checked once merged (the state stage).
    for (param, value) in [
        ("HealthCheckConfig", r#"{"enable":true,"dip":"10.0.0.1"}"#),
        ("BgpConfig", r#"{"EnableBgp":true}"#),
        (
            "BgpConfig",
            r#"{"TunnelCidr":"169.254.10.0/30","LocalBgpIp":"169.254.10.3"}"#,
        ),
    ] {
        create_vco(GW, &cgw, &[(param, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
    }
    // Existence: the gateway, then the customer gateway (another account's is not found).
    create_vco("vpn-unknown", "cgw-unknown", &[])
        .send(&app)
        .await
        .assert_error(404, "InvalidVpnGatewayInstanceId.NotFound", GW_NOT_FOUND);
    create_vco(OTHER_GW, &cgw, &[])
        .send(&app)
        .await
        .assert_error(404, "InvalidVpnGatewayInstanceId.NotFound", GW_NOT_FOUND);
    create_vco(GW, OTHER_CGW, &[])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidCustomerGatewayInstanceId.NotFound",
            CGW_NOT_FOUND,
        );
    // State: IPsec enabled, one connection per pair of gateways, 10 per gateway.
    create_vco(NOIPSEC_GW, &cgw, &[])
        .send(&app)
        .await
        .assert_error(
            400,
            "VpnGateway.IpsecVpnDisabled",
            "The VPN gateway has not enabled IPsec VPN.",
        );
    new_vco(
        &app,
        GW,
        &cgw,
        &[(
            "BgpConfig",
            r#"{"EnableBgp":true,"TunnelCidr":"169.254.10.0/30","LocalBgpIp":"169.254.10.1"}"#,
        )],
    )
    .await;
    create_vco(GW, &cgw, &[]).send(&app).await.assert_error(
        400,
        "InvalidVpnConnection.AlreadyExists",
        "Vpn connection already exists.",
    );
    // A tunnel block is the gateway's: a second connection may not use it.
    let second = new_cgw(&app, "203.0.113.52", &[]).await;
    create_vco(
        GW,
        &second,
        &[(
            "BgpConfig",
            r#"{"EnableBgp":true,"TunnelCidr":"169.254.10.0/30","LocalBgpIp":"169.254.10.2"}"#,
        )],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidParameter", &invalid("BgpConfig"));
    for n in 2..=10 {
        let other = new_cgw(&app, &format!("198.51.100.{n}"), &[]).await;
        new_vco(&app, GW, &other, &[]).await;
    }
    create_vco(GW, &second, &[]).send(&app).await.assert_error(
        400,
        "Resource.QuotaFull",
        "The quota of resource is full",
    );
    assert_eq!(
        ok(
            &app,
            call("DescribeVpnConnections", &[("VpnGatewayId", GW)])
        )
        .await["TotalCount"],
        10
    );
}

#[tokio::test]
async fn modify_download_and_delete_of_unknown_connections() {
    let app = spawn_ipsec(0).await;
    for action in [
        "DescribeVpnConnection",
        "ModifyVpnConnectionAttribute",
        "DeleteVpnConnection",
        "DownloadVpnConnectionConfig",
    ] {
        call(action, &[("VpnConnectionId", "vco-unknown")])
            .send(&app)
            .await
            .assert_error(
                404,
                "InvalidVpnConnectionInstanceId.NotFound",
                VCO_NOT_FOUND,
            );
        call(action, &[]).send(&app).await.assert_error(
            400,
            "MissingVpnConnectionId",
            "VpnConnectionId is mandatory for this action.",
        );
    }
    // Modify checks values before existence.
    call(
        "ModifyVpnConnectionAttribute",
        &[
            ("VpnConnectionId", "vco-unknown"),
            ("RemoteSubnet", "1.2.3.4/8"),
        ],
    )
    .send(&app)
    .await
    .assert_error(
        400,
        "IllegalParam.RemoteSubnet",
        "The specified \"RemoteSubnet\" (1.2.3.4/8) is invalid.",
    );
}

#[tokio::test]
async fn lists_filter_page_and_order() {
    let app = spawn_ipsec(0).await;
    let a = new_cgw(&app, "203.0.113.50", &[]).await;
    let b = new_cgw(&app, "203.0.113.51", &[]).await;
    // A second apart, so that the order by CreateTime is certain.
    let one = new_vco(&app, GW, &a, &[("Tags.1.Key", "k"), ("Tags.1.Value", "v")]).await;
    advance(&app, 1).await;
    let two = new_vco(&app, FREE_GW, &a, &[]).await;
    advance(&app, 1).await;
    let three = new_vco(&app, FREE_GW, &b, &[]).await;
    let ids = |list: &Value| -> Vec<String> {
        list["VpnConnections"]["VpnConnection"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| id_of(c, "VpnConnectionId"))
            .collect()
    };
    let all = ok(&app, call("DescribeVpnConnections", &[])).await;
    assert_eq!(ids(&all), [one.clone(), two.clone(), three.clone()]);
    for (filters, expected) in [
        (
            vec![("VpnGatewayId", FREE_GW)],
            vec![two.clone(), three.clone()],
        ),
        (
            vec![("CustomerGatewayId", a.as_str())],
            vec![one.clone(), two.clone()],
        ),
        (
            vec![("VpnGatewayId", FREE_GW), ("CustomerGatewayId", a.as_str())],
            vec![two.clone()],
        ),
        (
            vec![("VpnConnectionId", three.as_str())],
            vec![three.clone()],
        ),
        (vec![("VpnConnectionId", "vco-unknown")], vec![]),
        (
            vec![("ResourceGroupId", "rg-free")],
            vec![two.clone(), three.clone()],
        ),
        (
            vec![("Tag.1.Key", "k"), ("Tag.1.Value", "v")],
            vec![one.clone()],
        ),
        (vec![("Tag.1.Key", "k"), ("Tag.1.Value", "w")], vec![]),
        (
            vec![("VpnGatewayId", "")],
            vec![one.clone(), two.clone(), three.clone()],
        ),
    ] {
        let list = ok(&app, call("DescribeVpnConnections", &filters)).await;
        assert_eq!(ids(&list), expected, "{filters:?}");
        assert_eq!(list["TotalCount"], expected.len());
    }
    let page = ok(
        &app,
        call(
            "DescribeVpnConnections",
            &[("PageSize", "2"), ("PageNumber", "2")],
        ),
    )
    .await;
    assert_eq!(ids(&page), vec![three.clone()]);
    assert_eq!(page["TotalCount"], 3);
    for (param, value) in [("PageSize", "51"), ("PageSize", "0"), ("PageNumber", "x")] {
        call("DescribeVpnConnections", &[(param, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
        call("DescribeCustomerGateways", &[(param, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
        call(
            "DescribeVpnRouteEntries",
            &[("VpnGatewayId", GW), (param, value)],
        )
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid(param));
    }
    // Another account sees none of them.
    let theirs = call("DescribeVpnConnections", &[])
        .sign_v1("LTAIother", "OtherSecret")
        .send(&app)
        .await
        .json();
    assert_eq!(theirs["TotalCount"], 0);
}

// ------------------------------------------------------------------ the gateway

#[tokio::test]
async fn the_six_calls_make_the_gateway_busy_and_need_it_active() {
    let app = spawn_ipsec(60_000).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    // Customer gateways never look at a VPN gateway.
    ok(
        &app,
        call(
            "ModifyCustomerGatewayAttribute",
            &[("CustomerGatewayId", &cgw), ("Name", "n")],
        ),
    )
    .await;
    assert_eq!(gateway_status(&app, GW).await, "active");
    let vco = new_vco(&app, GW, &cgw, &[("ClientToken", "busy-1")]).await;
    assert_eq!(gateway_status(&app, GW).await, "updating");
    let listed = ok(&app, call("DescribeVpnGateways", &[("Status", "updating")])).await;
    assert_eq!(listed["TotalCount"], 1);
    // During the window: the writes that need the gateway answer Configuring ...
    let other = new_cgw(&app, "203.0.113.51", &[]).await;
    let refused = [
        create_vco(GW, &other, &[]),
        call(
            "ModifyVpnConnectionAttribute",
            &[("VpnConnectionId", &vco), ("LocalSubnet", "172.16.9.0/24")],
        ),
        call("DeleteVpnConnection", &[("VpnConnectionId", &vco)]),
        create_route(GW, "10.9.0.0/16", &vco, &[]),
    ];
    for req in refused {
        req.send(&app)
            .await
            .assert_error(400, "VpnGateway.Configuring", CONFIGURING);
    }
    // ... while reads, renames, a Modify that changes nothing, a ClientToken replay and other
    // gateways go on.
    ok(&app, describe_vco(&vco)).await;
    ok(
        &app,
        call("DownloadVpnConnectionConfig", &[("VpnConnectionId", &vco)]),
    )
    .await;
    ok(
        &app,
        call(
            "ModifyVpnConnectionAttribute",
            &[("VpnConnectionId", &vco), ("Name", "renamed")],
        ),
    )
    .await;
    ok(
        &app,
        call(
            "ModifyVpnConnectionAttribute",
            &[("VpnConnectionId", &vco), ("LocalSubnet", "172.16.0.0/24")],
        ),
    )
    .await;
    ok(&app, create_vco(GW, &cgw, &[("ClientToken", "busy-1")])).await;
    new_vco(&app, FREE_GW, &other, &[]).await;
    advance(&app, 61).await;
    assert_eq!(gateway_status(&app, GW).await, "active");
    // Each of the six starts a window of its own.
    let mut steps: Vec<Req> = vec![
        call(
            "ModifyVpnConnectionAttribute",
            &[("VpnConnectionId", &vco), ("EnableDpd", "false")],
        ),
        create_route(GW, "10.9.0.0/16", &vco, &[]),
        route(
            "ModifyVpnRouteEntryWeight",
            GW,
            "10.9.0.0/16",
            &vco,
            &[("Weight", "100"), ("NewWeight", "0")],
        ),
        route(
            "DeleteVpnRouteEntry",
            GW,
            "10.9.0.0/16",
            &vco,
            &[("Weight", "0")],
        ),
        call("DeleteVpnConnection", &[("VpnConnectionId", &vco)]),
    ];
    for (i, step) in steps.drain(..).enumerate() {
        ok(&app, step).await;
        assert_eq!(gateway_status(&app, GW).await, "updating", "step {i}");
        advance(&app, 61).await;
    }
    // PublishVpnRouteEntry needs the gateway active but starts no window.
    let vco = new_vco(&app, GW, &cgw, &[]).await;
    advance(&app, 61).await;
    ok(&app, create_route(GW, "10.9.0.0/16", &vco, &[])).await;
    let publish = |on: &'static str| {
        route(
            "PublishVpnRouteEntry",
            GW,
            "10.9.0.0/16",
            &vco,
            &[("RouteType", "dbr"), ("PublishVpc", on)],
        )
    };
    publish("false")
        .send(&app)
        .await
        .assert_error(400, "VpnGateway.Configuring", CONFIGURING);
    // Publishing what is published already changes nothing and needs nothing.
    ok(&app, publish("true")).await;
    advance(&app, 61).await;
    ok(&app, publish("false")).await;
    assert_eq!(gateway_status(&app, GW).await, "active");
    // DeleteVpnGateway meets the connection first, then (once it is gone) the window.
    call("DeleteVpnGateway", &[("VpnGatewayId", FREE_GW)])
        .send(&app)
        .await
        .assert_error(400, "DependencyViolation.VpnConnection", IN_USE);
}

#[tokio::test]
async fn delete_vpn_gateway_refuses_while_it_has_connections_and_frees_after() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    let vco = new_vco(&app, FREE_GW, &cgw, &[]).await;
    ok(&app, create_route(FREE_GW, "10.9.0.0/16", &vco, &[])).await;
    let before = admin("GET", "state", "").send(&app).await.json();
    call("DeleteVpnGateway", &[("VpnGatewayId", FREE_GW)])
        .send(&app)
        .await
        .assert_error(400, "DependencyViolation.VpnConnection", IN_USE);
    assert_eq!(admin("GET", "state", "").send(&app).await.json(), before);
    // Deleting the connection takes its routes, in one change.
    ok(
        &app,
        call(
            "DeleteVpnConnection",
            &[("VpnConnectionId", &vco), ("ClientToken", "d")],
        ),
    )
    .await;
    let routes = ok(&app, routes_of(FREE_GW)).await;
    assert_eq!(routes["TotalCount"], 0);
    let replay = ok(
        &app,
        call(
            "DeleteVpnConnection",
            &[("VpnConnectionId", &vco), ("ClientToken", "d")],
        ),
    )
    .await;
    assert_eq!(without_request_id(replay), json!({}));
    ok(&app, call("DeleteVpnGateway", &[("VpnGatewayId", FREE_GW)])).await;
    ok(
        &app,
        call("DeleteCustomerGateway", &[("CustomerGatewayId", &cgw)]),
    )
    .await;
    // The default gateway still has its SSL-VPN server.
    call("DeleteVpnGateway", &[("VpnGatewayId", GW)])
        .send(&app)
        .await
        .assert_error(
            400,
            "DependencyViolation.SslVpnServer",
            "There is SSL VPN server on specified vpn gateway not deleted.",
        );
}

// ------------------------------------------------------------------ routes

#[tokio::test]
async fn routes_are_created_listed_weighted_published_and_deleted() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    let vco = new_vco(&app, GW, &cgw, &[]).await;
    let made = ok(
        &app,
        create_route(
            GW,
            "10.0.0.0/24",
            &vco,
            &[
                ("Description", "to the office"),
                ("OverlayMode", "Ipsec"),
                ("ClientToken", "r1"),
            ],
        ),
    )
    .await;
    let created = made["CreateTime"].as_i64().expect("CreateTime");
    assert_eq!(
        serde_json::to_string(&without_request_id(made)).unwrap_or_default(),
        json!({"VpnInstanceId": GW, "RouteDest": "10.0.0.0/24", "NextHop": vco,
               "OverlayMode": "Ipsec", "Weight": 100, "State": "published",
               "Description": "to the office", "CreateTime": created})
        .to_string()
    );
    let replay = ok(
        &app,
        create_route(
            GW,
            "10.0.0.0/24",
            &vco,
            &[
                ("Description", "to the office"),
                ("OverlayMode", "Ipsec"),
                ("ClientToken", "r1"),
            ],
        ),
    )
    .await;
    assert_eq!(replay["CreateTime"], json!(created));
    // The same token with other parameters is refused, on every IPsec write that takes one.
    let mismatch = "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.";
    create_route(GW, "10.0.9.0/24", &vco, &[("ClientToken", "r1")])
        .send(&app)
        .await
        .assert_error(400, "IdempotentParameterMismatch", mismatch);
    call(
        "CreateCustomerGateway",
        &[("IpAddress", "198.51.100.77"), ("ClientToken", "r1")],
    )
    .send(&app)
    .await;
    call(
        "CreateCustomerGateway",
        &[("IpAddress", "198.51.100.78"), ("ClientToken", "r1")],
    )
    .send(&app)
    .await
    .assert_error(400, "IdempotentParameterMismatch", mismatch);
    let standby = ok(
        &app,
        create_route(
            GW,
            "10.0.1.0/24",
            &vco,
            &[("Weight", "0"), ("PublishVpc", "false")],
        ),
    )
    .await;
    assert_eq!(
        (standby["Weight"].clone(), standby["State"].clone()),
        (json!(0), json!("normal"))
    );
    create_route(GW, "10.0.0.0/24", &vco, &[])
        .send(&app)
        .await
        .assert_error(
            400,
            "VpnRouteEntry.AlreadyExists",
            "The specified route entry already exists.",
        );
    let list = ok(&app, routes_of(GW)).await;
    assert_eq!(
        serde_json::to_string(&without_request_id(list)).unwrap_or_default(),
        json!({"TotalCount": 2, "PageNumber": 1, "PageSize": 10,
            "VpnRouteEntries": {"VpnRouteEntry": [
                {"VpnInstanceId": GW, "RouteDest": "10.0.0.0/24", "NextHop": vco, "Weight": 100,
                 "State": "published", "RouteEntryType": "custom", "CreateTime": created,
                 "NextHopTunnelId": "", "Source": "", "AsPath": "", "Community": ""},
                {"VpnInstanceId": GW, "RouteDest": "10.0.1.0/24", "NextHop": vco, "Weight": 0,
                 "State": "normal", "RouteEntryType": "custom",
                 "CreateTime": standby["CreateTime"].clone(), "NextHopTunnelId": "", "Source": "",
                 "AsPath": "", "Community": ""}]},
            "VpnRouteCounts": {"VpnRouteCount": [
                {"RouteEntryType": "custom", "Source": "", "RouteCount": 2}]}})
        .to_string()
    );
    let bgp = ok(
        &app,
        call(
            "DescribeVpnRouteEntries",
            &[("VpnGatewayId", GW), ("RouteEntryType", "bgp")],
        ),
    )
    .await;
    assert_eq!(bgp["TotalCount"], 0);
    assert_eq!(
        bgp["VpnRouteCounts"]["VpnRouteCount"][0]["RouteEntryType"],
        "bgp"
    );
    let page = ok(
        &app,
        call(
            "DescribeVpnRouteEntries",
            &[("VpnGatewayId", GW), ("PageSize", "1"), ("PageNumber", "2")],
        ),
    )
    .await;
    assert_eq!(
        page["VpnRouteEntries"]["VpnRouteEntry"][0]["RouteDest"],
        "10.0.1.0/24"
    );

    // Weight: the current one must be named; the same weight again changes nothing.
    let weight = |from: &'static str, to: &'static str| {
        route(
            "ModifyVpnRouteEntryWeight",
            GW,
            "10.0.1.0/24",
            &vco,
            &[("Weight", from), ("NewWeight", to)],
        )
    };
    weight("100", "0").send(&app).await.assert_error(
        400,
        "InvalidRouteEntry.NotFound",
        ROUTE_NOT_FOUND,
    );
    weight("0", "50")
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("NewWeight"));
    assert_eq!(
        without_request_id(ok(&app, weight("0", "0")).await),
        json!({})
    );
    ok(&app, weight("0", "100")).await;
    let publish = |on: &'static str, kind: &'static str| {
        route(
            "PublishVpnRouteEntry",
            GW,
            "10.0.1.0/24",
            &vco,
            &[("RouteType", kind), ("PublishVpc", on)],
        )
    };
    assert_eq!(
        without_request_id(ok(&app, publish("true", "dbr")).await),
        json!({})
    );
    publish("true", "pbr").send(&app).await.assert_error(
        400,
        "InvalidParameter",
        &invalid("RouteType"),
    );
    publish("maybe", "dbr").send(&app).await.assert_error(
        400,
        "InvalidParameter",
        &invalid("PublishVpc"),
    );
    let list = ok(&app, routes_of(GW)).await;
    assert_eq!(
        list["VpnRouteEntries"]["VpnRouteEntry"][1],
        json!({"VpnInstanceId": GW, "RouteDest": "10.0.1.0/24", "NextHop": vco, "Weight": 100,
               "State": "published", "RouteEntryType": "custom",
               "CreateTime": standby["CreateTime"].clone(), "NextHopTunnelId": "", "Source": "",
               "AsPath": "", "Community": ""})
    );
    // Delete: the weight must match.
    route(
        "DeleteVpnRouteEntry",
        GW,
        "10.0.1.0/24",
        &vco,
        &[("Weight", "0")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidRouteEntry.NotFound", ROUTE_NOT_FOUND);
    let deleted = ok(
        &app,
        route(
            "DeleteVpnRouteEntry",
            GW,
            "10.0.1.0/24",
            &vco,
            &[("Weight", "100"), ("ClientToken", "del-r")],
        ),
    )
    .await;
    assert_eq!(without_request_id(deleted), json!({}));
    ok(
        &app,
        route(
            "DeleteVpnRouteEntry",
            GW,
            "10.0.1.0/24",
            &vco,
            &[("Weight", "100"), ("ClientToken", "del-r")],
        ),
    )
    .await;
    for req in [
        route(
            "DeleteVpnRouteEntry",
            GW,
            "10.0.1.0/24",
            &vco,
            &[("Weight", "100")],
        ),
        weight("100", "0"),
        publish("false", "dbr"),
    ] {
        req.send(&app)
            .await
            .assert_error(400, "InvalidRouteEntry.NotFound", ROUTE_NOT_FOUND);
    }
    assert_eq!(ok(&app, routes_of(GW)).await["TotalCount"], 1);
}

#[tokio::test]
async fn route_refusals_in_order() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    let vco = new_vco(&app, GW, &cgw, &[]).await;
    let on_free = new_vco(&app, FREE_GW, &cgw, &[]).await;
    for missing in [
        "VpnGatewayId",
        "RouteDest",
        "NextHop",
        "Weight",
        "PublishVpc",
    ] {
        create_route(GW, "10.0.0.0/24", &vco, &[])
            .without(missing)
            .send(&app)
            .await
            .assert_error(
                400,
                &format!("Missing{missing}"),
                &format!("{missing} is mandatory for this action."),
            );
    }
    for (param, value) in [
        ("RouteDest", "0.0.0.0/0"),
        ("RouteDest", "100.64.0.0/10"),
        ("RouteDest", "100.100.0.0/16"),
        ("RouteDest", "64.0.0.0/2"),
        ("RouteDest", "10.0.0.1/24"),
        ("RouteDest", "10.0.0.0"),
        ("Weight", "50"),
        ("Weight", "0100"),
        ("PublishVpc", "yes"),
        ("OverlayMode", "Gre"),
        ("DryRun", "perhaps"),
    ] {
        create_route("vpn-unknown", "10.0.0.0/24", &vco, &[(param, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
    }
    create_route(
        "vpn-unknown",
        "10.0.0.0/24",
        &vco,
        &[("Description", "http://x")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidDescription", "The description is not valid");
    create_route("vpn-unknown", "10.0.0.0/24", &vco, &[])
        .send(&app)
        .await
        .assert_error(404, "InvalidVpnGatewayInstanceId.NotFound", GW_NOT_FOUND);
    create_route(OTHER_GW, "10.0.0.0/24", &vco, &[])
        .send(&app)
        .await
        .assert_error(404, "InvalidVpnGatewayInstanceId.NotFound", GW_NOT_FOUND);
    // The next hop must be a connection of this gateway.
    for hop in ["vco-unknown", on_free.as_str()] {
        create_route(GW, "10.0.0.0/24", hop, &[])
            .send(&app)
            .await
            .assert_error(
                404,
                "InvalidVpnConnectionInstanceId.NotFound",
                VCO_NOT_FOUND,
            );
    }
    for n in 0..20 {
        ok(&app, create_route(GW, &format!("10.{n}.0.0/16"), &vco, &[])).await;
    }
    create_route(GW, "10.20.0.0/16", &vco, &[])
        .send(&app)
        .await
        .assert_error(400, "Resource.QuotaFull", "The quota of resource is full");
    routes_of("vpn-unknown").send(&app).await.assert_error(
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
        GW_NOT_FOUND,
    );
    call(
        "DescribeVpnRouteEntries",
        &[("VpnGatewayId", GW), ("RouteEntryType", "pbr")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidParameter", &invalid("RouteEntryType"));
    // Order by CreateTime, then destination and next hop (the same millisecond ties).
    let list = ok(
        &app,
        call(
            "DescribeVpnRouteEntries",
            &[("VpnGatewayId", GW), ("PageSize", "50")],
        ),
    )
    .await;
    assert_eq!(list["TotalCount"], 20);
    for (action, extra) in [
        ("DeleteVpnRouteEntry", vec![("Weight", "100")]),
        (
            "ModifyVpnRouteEntryWeight",
            vec![("Weight", "100"), ("NewWeight", "0")],
        ),
        (
            "PublishVpnRouteEntry",
            vec![("RouteType", "dbr"), ("PublishVpc", "false")],
        ),
    ] {
        route(action, "vpn-unknown", "10.0.0.0/16", &vco, &extra)
            .send(&app)
            .await
            .assert_error(404, "InvalidVpnGatewayInstanceId.NotFound", GW_NOT_FOUND);
        route(action, GW, "10.0.0.0/0", &vco, &extra)
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid("RouteDest"));
        route(action, GW, "10.99.0.0/16", &vco, &extra)
            .send(&app)
            .await
            .assert_error(400, "InvalidRouteEntry.NotFound", ROUTE_NOT_FOUND);
    }
}

// ------------------------------------------------------------------ tags and RAM

#[tokio::test]
async fn tags_on_customer_gateways_and_connections() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(
        &app,
        "203.0.113.50",
        &[("Tags.1.Key", "a"), ("Tags.1.Value", "1")],
    )
    .await;
    let vco = new_vco(
        &app,
        GW,
        &cgw,
        &[("Tags.1.Key", "Created"), ("Tags.1.Value", "TF")],
    )
    .await;
    for (kind, id) in [
        ("CUSTOMERGATEWAY", cgw.as_str()),
        ("VpnConnection", vco.as_str()),
    ] {
        // The provider sends the create's tags again: one effect.
        for _ in 0..2 {
            ok(
                &app,
                call(
                    "TagResources",
                    &[
                        ("ResourceType", kind),
                        ("ResourceId.1", id),
                        ("Tag.1.Key", "Created"),
                        ("Tag.1.Value", "TF"),
                        ("Tag.2.Key", "env"),
                        ("Tag.2.Value", "test"),
                    ],
                ),
            )
            .await;
        }
    }
    let listed = ok(
        &app,
        call(
            "ListTagResources",
            &[("ResourceType", "customergateway"), ("ResourceId.1", &cgw)],
        ),
    )
    .await;
    assert_eq!(
        listed["TagResources"]["TagResource"],
        json!([
            {"ResourceId": cgw, "ResourceType": "CUSTOMERGATEWAY", "TagKey": "a", "TagValue": "1"},
            {"ResourceId": cgw, "ResourceType": "CUSTOMERGATEWAY", "TagKey": "Created", "TagValue": "TF"},
            {"ResourceId": cgw, "ResourceType": "CUSTOMERGATEWAY", "TagKey": "env", "TagValue": "test"}
        ])
    );
    let all = ok(
        &app,
        call("ListTagResources", &[("ResourceType", "VPNCONNECTION")]),
    )
    .await;
    assert_eq!(
        all["TagResources"]["TagResource"],
        json!([
            {"ResourceId": vco, "ResourceType": "VPNCONNECTION", "TagKey": "Created", "TagValue": "TF"},
            {"ResourceId": vco, "ResourceType": "VPNCONNECTION", "TagKey": "env", "TagValue": "test"}
        ])
    );
    ok(
        &app,
        call(
            "UnTagResources",
            &[
                ("ResourceType", "VPNCONNECTION"),
                ("ResourceId.1", &vco),
                ("TagKey.1", "env"),
            ],
        ),
    )
    .await;
    assert_eq!(
        ok(&app, describe_vco(&vco)).await["Tags"],
        json!({"Tag": [{"Key": "Created", "Value": "TF"}]})
    );
    let items = ok(
        &app,
        call("DescribeVpnConnections", &[("Tag.1.Key", "Created")]),
    )
    .await;
    assert_eq!(
        items["VpnConnections"]["VpnConnection"][0]["Tag"],
        json!({"Tag": [{"Key": "Created", "Value": "TF"}]})
    );
    ok(
        &app,
        call(
            "UnTagResources",
            &[
                ("ResourceType", "CustomerGateway"),
                ("ResourceId.1", &cgw),
                ("All", "true"),
            ],
        ),
    )
    .await;
    assert_eq!(
        ok(
            &app,
            call("DescribeCustomerGateway", &[("CustomerGatewayId", &cgw)])
        )
        .await["Tags"],
        json!({"Tag": []})
    );
    for (kind, code, message) in [
        (
            "CUSTOMERGATEWAY",
            "InvalidCustomerGatewayInstanceId.NotFound",
            CGW_NOT_FOUND,
        ),
        (
            "VPNCONNECTION",
            "InvalidVpnConnectionInstanceId.NotFound",
            VCO_NOT_FOUND,
        ),
    ] {
        call(
            "TagResources",
            &[
                ("ResourceType", kind),
                ("ResourceId.1", "x-unknown"),
                ("Tag.1.Key", "k"),
            ],
        )
        .send(&app)
        .await
        .assert_error(404, code, message);
    }
    call(
        "TagResources",
        &[
            ("ResourceType", "CUSTOMERGATEWAY"),
            ("ResourceId.1", OTHER_CGW),
            ("Tag.1.Key", "k"),
        ],
    )
    .send(&app)
    .await
    .assert_error(
        404,
        "InvalidCustomerGatewayInstanceId.NotFound",
        CGW_NOT_FOUND,
    );
}

#[tokio::test]
async fn ram_targets() {
    let app = spawn_ipsec(0).await;
    let cgw = new_cgw(&app, "203.0.113.50", &[]).await;
    let vco = new_vco(&app, GW, &cgw, &[]).await;
    let free_vco = new_vco(&app, FREE_GW, &cgw, &[]).await;
    ok(&app, create_route(FREE_GW, "10.0.0.0/24", &free_vco, &[])).await;
    let denied = "User not authorized to operate on the specified resource as your account is created by another user.";
    let forbidden = "User not authorized to operate on the specified resource.";
    // `nobody` may call nothing: every action is Forbidden before anything else.
    for (action, params) in [
        ("CreateCustomerGateway", vec![("IpAddress", "203.0.113.9")]),
        ("DescribeCustomerGateways", vec![]),
        ("DescribeVpnConnections", vec![]),
        (
            "DescribeVpnRouteEntries",
            vec![("VpnGatewayId", "vpn-unknown")],
        ),
        (
            "DescribeVpnConnection",
            vec![("VpnConnectionId", "vco-unknown")],
        ),
    ] {
        call(action, &params)
            .sign_v1("LTAInobody", "NobodySecret")
            .send(&app)
            .await
            .assert_denied(403, "Forbidden", forbidden, action, "nobody");
    }
    // `freeonly` (vpc:* on FREE_GW): the gateway is the target of connection Create and of the
    // route actions; the customer gateway and the connection of their own actions; the lists
    // and CreateCustomerGateway check only the action.
    let user = |req: Req| req.sign_v1("LTAIfreeonly", "FreeOnlySecret");
    let sub_user = [
        ("CreateVpnConnection", create_vco(GW, &cgw, &[])),
        ("DescribeVpnConnection", describe_vco(&free_vco)),
        (
            "ModifyVpnConnectionAttribute",
            call(
                "ModifyVpnConnectionAttribute",
                &[("VpnConnectionId", &vco), ("Name", "x")],
            ),
        ),
        (
            "DeleteVpnConnection",
            call("DeleteVpnConnection", &[("VpnConnectionId", &vco)]),
        ),
        (
            "DownloadVpnConnectionConfig",
            call("DownloadVpnConnectionConfig", &[("VpnConnectionId", &vco)]),
        ),
        (
            "DescribeCustomerGateway",
            call("DescribeCustomerGateway", &[("CustomerGatewayId", &cgw)]),
        ),
        (
            "ModifyCustomerGatewayAttribute",
            call(
                "ModifyCustomerGatewayAttribute",
                &[("CustomerGatewayId", &cgw), ("Name", "x")],
            ),
        ),
        (
            "DeleteCustomerGateway",
            call("DeleteCustomerGateway", &[("CustomerGatewayId", &cgw)]),
        ),
        (
            "CreateVpnRouteEntry",
            create_route(GW, "10.0.0.0/24", &vco, &[]),
        ),
        (
            "DeleteVpnRouteEntry",
            route(
                "DeleteVpnRouteEntry",
                GW,
                "10.0.0.0/24",
                &vco,
                &[("Weight", "100")],
            ),
        ),
        (
            "ModifyVpnRouteEntryWeight",
            route(
                "ModifyVpnRouteEntryWeight",
                GW,
                "10.0.0.0/24",
                &vco,
                &[("Weight", "100"), ("NewWeight", "0")],
            ),
        ),
        (
            "PublishVpnRouteEntry",
            route(
                "PublishVpnRouteEntry",
                GW,
                "10.0.0.0/24",
                &vco,
                &[("RouteType", "dbr"), ("PublishVpc", "true")],
            ),
        ),
    ];
    for (action, req) in sub_user {
        user(req).send(&app).await.assert_denied(
            403,
            "Forbbiden.SubUser",
            denied,
            action,
            "freeonly",
        );
    }
    // Not found comes before the resource check.
    user(describe_vco("vco-unknown"))
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpnConnectionInstanceId.NotFound",
            VCO_NOT_FOUND,
        );
    // Allowed: on its gateway, and the lists.
    let made = user(create_route(FREE_GW, "10.0.1.0/24", &free_vco, &[]))
        .send(&app)
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    for req in [
        call("DescribeCustomerGateways", &[]),
        call("DescribeVpnConnections", &[]),
        routes_of(FREE_GW),
        routes_of(GW),
        call("CreateCustomerGateway", &[("IpAddress", "203.0.113.99")]),
    ] {
        let answer = user(req).send(&app).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
}

#[tokio::test]
async fn the_new_codes_are_in_the_catalogue_for_fault_rules() {
    let app = spawn_ipsec(0).await;
    for (code, status, message) in [
        (
            "VpnGateway.FinancialLocked",
            400,
            "The specified service is financial locked.",
        ),
        ("InvalidRouteEntry.NotFound", 400, ROUTE_NOT_FOUND),
        (
            "InvalidCustomerGatewayInstanceId.NotFound",
            404,
            CGW_NOT_FOUND,
        ),
        (
            "DependencyViolation.SslVpnServer",
            400,
            "There is SSL VPN server on specified vpn gateway not deleted.",
        ),
    ] {
        let rule = admin(
            "POST",
            "faults",
            &json!({"Action": "CreateCustomerGateway", "Code": code}).to_string(),
        )
        .header("content-type", "application/json")
        .send(&app)
        .await;
        assert_eq!(rule.status, 200, "{}", rule.body);
        call("CreateCustomerGateway", &[("IpAddress", "203.0.113.1")])
            .send(&app)
            .await
            .assert_error(status, code, message);
    }
}

// ------------------------------------------------------------------ the state format

/// A fixtures file with the IPsec half: defaults filled in (names, a pre-shared key derived
/// from the ID, IKE identities from the two gateways' addresses), the same after a reload, and
/// `GET state` → `PUT state` → `GET state` is a round trip.
#[tokio::test]
async fn the_state_format_round_trips_and_fills_in_defaults() {
    let mut doc: Value = serde_json::from_str(&fixtures()).expect("fixtures");
    doc["CustomerGateways"]
        .as_array_mut()
        .expect("cgws")
        .extend([
            json!({"CustomerGatewayId": "cgw-a", "RegionId": REGION, "IpAddress": "203.0.113.50",
               "Asn": 65001, "Tags": [{"Key": "k", "Value": ""}]}),
        ]);
    doc["VpnConnections"] = json!([
        {"VpnConnectionId": "vco-a", "RegionId": REGION, "VpnGatewayId": FREE_GW,
         "CustomerGatewayId": "cgw-a", "LocalSubnet": "10.0.0.0/8", "RemoteSubnet": "0.0.0.0/0",
         "CreateTime": 1_764_547_200_000_i64,
         "IpsecConfig": {"IpsecPfs": "group5"},
         "HealthCheckConfig": {"Enable": true, "Dip": "10.0.0.1", "Sip": "172.16.0.1"},
         "BgpConfig": {"EnableBgp": true, "TunnelCidr": "169.254.20.0/30", "LocalBgpIp": "169.254.20.1"}}
    ]);
    doc["VpnRouteEntries"] = json!([
        {"VpnGatewayId": FREE_GW, "RouteDest": "192.168.0.0/16", "NextHop": "vco-a",
         "State": "published", "CreateTime": 1_764_547_200_000_i64}
    ]);
    let text = doc.to_string();
    let app = spawn_with(test_config(), Some(&text)).await;
    let c = ok(&app, describe_vco("vco-a")).await;
    assert_eq!(c["Name"], "vco-a");
    assert_eq!(c["IkeConfig"]["LocalId"], "203.0.113.7");
    assert_eq!(c["IkeConfig"]["RemoteId"], "203.0.113.50");
    assert_eq!(c["IpsecConfig"]["IpsecPfs"], "group5");
    assert_eq!(c["VpnBgpConfig"]["PeerAsn"], 65001);
    assert_eq!(
        (
            c["VcoHealthCheck"]["Interval"].clone(),
            c["VcoHealthCheck"]["Retry"].clone()
        ),
        (json!(3), json!(3))
    );
    let psk = c["IkeConfig"]["Psk"].clone();
    assert_eq!(psk.as_str().map(str::len), Some(16));
    let cgw = ok(
        &app,
        call("DescribeCustomerGateway", &[("CustomerGatewayId", "cgw-a")]),
    )
    .await;
    assert_eq!(cgw["Name"], "cgw-a");
    assert_eq!(cgw["Asn"], 65001);
    let r = ok(&app, routes_of(FREE_GW)).await;
    assert_eq!(r["VpnRouteEntries"]["VpnRouteEntry"][0]["Weight"], 100);
    // A second load of the same file derives the same key.
    let again = spawn_with(test_config(), Some(&text)).await;
    assert_eq!(
        ok(&again, describe_vco("vco-a")).await["IkeConfig"]["Psk"],
        psk
    );

    // Round trip, with API-made resources too.
    let made_cgw = new_cgw(&app, "198.51.100.7", &[]).await;
    let made = new_vco(&app, GW, &made_cgw, &[]).await;
    ok(&app, create_route(GW, "10.1.0.0/16", &made, &[])).await;
    let exported = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(exported["VpnConnections"].as_array().map(Vec::len), Some(2));
    assert_eq!(exported["VpnConnections"][0]["IkeConfig"]["Psk"], psk);
    let made_doc = exported["CustomerGateways"]
        .as_array()
        .expect("cgws")
        .iter()
        .find(|c| c["CustomerGatewayId"] == json!(made_cgw))
        .expect("the made one");
    assert!(made_doc.get("Asn").is_none(), "no Asn when none was given");
    let put = admin("PUT", "state", &exported.to_string())
        .header("content-type", "application/json")
        .send(&app)
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let counts = put.json();
    assert_eq!(
        (
            counts["CustomerGateways"].clone(),
            counts["VpnConnections"].clone(),
            counts["VpnRouteEntries"].clone()
        ),
        (json!(3), json!(2), json!(2))
    );
    let text_before = admin("GET", "state", "").send(&app).await.body;
    assert_eq!(
        serde_json::from_str::<Value>(&text_before).expect("JSON"),
        exported
    );
    let reloaded = spawn_with(test_config(), Some(&text_before)).await;
    assert_eq!(
        admin("GET", "state", "").send(&reloaded).await.body,
        text_before
    );
}

#[tokio::test]
async fn the_state_format_refuses_what_the_api_refuses() {
    let mut base: Value = serde_json::from_str(&fixtures()).expect("fixtures");
    base["CustomerGateways"].as_array_mut().expect("cgws").push(
        json!({"CustomerGatewayId": "cgw-a", "RegionId": REGION, "IpAddress": "203.0.113.50"}),
    );
    base["VpnConnections"] = json!([
        {"VpnConnectionId": "vco-a", "RegionId": REGION, "VpnGatewayId": GW,
         "CustomerGatewayId": "cgw-a", "LocalSubnet": "10.0.0.0/8", "RemoteSubnet": "10.1.0.0/16"}
    ]);
    base["VpnRouteEntries"] = json!([
        {"VpnGatewayId": GW, "RouteDest": "192.168.0.0/16", "NextHop": "vco-a"}
    ]);
    let app = spawn_default().await;
    let put = |doc: &Value| {
        admin("PUT", "state", &doc.to_string()).header("content-type", "application/json")
    };
    assert_eq!(put(&base).send(&app).await.status, 200);
    for (path, value, expected) in [
        (
            "/CustomerGateways/1/IpAddress",
            json!("203.0.113"),
            "CustomerGateways[1].IpAddress: not an IPv4 address (203.0.113)",
        ),
        (
            "/CustomerGateways/1/Asn",
            json!(45104),
            "CustomerGateways[1].Asn: must be 1-4294967295 and not 45104 (45104)",
        ),
        (
            "/CustomerGateways/1/AuthKey",
            json!("a b"),
            "CustomerGateways[1].AuthKey: 1-64 printable ASCII characters without spaces or ? (a b)",
        ),
        (
            "/CustomerGateways/1/Tags",
            json!([{"Key": "acs:x", "Value": ""}]),
            "CustomerGateways[1].Tags[0].Key: a tag key is 1-128 characters, not starting with aliyun or acs: and without http:// or https:// (acs:x)",
        ),
        (
            "/VpnConnections/0/VpnGatewayId",
            json!(OTHER_GW),
            "VpnConnections[0].VpnGatewayId: no such VPN gateway in the connection's account and region (vpn-other000000000000001)",
        ),
        (
            "/VpnConnections/0/CustomerGatewayId",
            json!(OTHER_CGW),
            "VpnConnections[0].CustomerGatewayId: no such customer gateway in the connection's account and region (cgw-other000000000000001)",
        ),
        (
            "/VpnConnections/0/LocalSubnet",
            json!("10.0.0.1/8"),
            "VpnConnections[0].LocalSubnet: 1 to 5 comma-separated network addresses in CIDR notation (10.0.0.1/8)",
        ),
        (
            "/VpnConnections/0/IkeConfig",
            json!({"IkeVersion": "ikev9"}),
            "VpnConnections[0].IkeConfig.IkeVersion: not one of the API's values (ikev9)",
        ),
        (
            "/VpnConnections/0/IkeConfig",
            json!({"Psk": "a b"}),
            "VpnConnections[0].IkeConfig.Psk: 1-100 letters, digits and the API's punctuation (a b)",
        ),
        (
            "/VpnConnections/0/IpsecConfig",
            json!({"IpsecLifetime": 90000}),
            "VpnConnections[0].IpsecConfig.IpsecLifetime: seconds, at most 86400 (90000)",
        ),
        (
            "/VpnConnections/0/HealthCheckConfig",
            json!({"Dip": "x"}),
            "VpnConnections[0].HealthCheckConfig.Dip: not an IPv4 address (x)",
        ),
        (
            "/VpnConnections/0/BgpConfig",
            json!({"EnableBgp": true}),
            "VpnConnections[0].BgpConfig.TunnelCidr: a /30 of 169.254.0.0/16 but 169.254.0.0/30-169.254.6.0/30 and 169.254.169.252/30 ()",
        ),
        (
            "/VpnRouteEntries/0/NextHop",
            json!("vco-x"),
            "VpnRouteEntries[0].NextHop: no such IPsec connection of the route's VPN gateway (vco-x)",
        ),
        (
            "/VpnRouteEntries/0/VpnGatewayId",
            json!(FREE_GW),
            "VpnRouteEntries[0].NextHop: no such IPsec connection of the route's VPN gateway (vco-a)",
        ),
        (
            "/VpnRouteEntries/0/RouteDest",
            json!("0.0.0.0/0"),
            "VpnRouteEntries[0].RouteDest: a network address in CIDR notation, not 0.0.0.0/0 nor in 100.64.0.0/10 (0.0.0.0/0)",
        ),
        (
            "/VpnRouteEntries/0/Weight",
            json!(50),
            "VpnRouteEntries[0].Weight: 0 or 100 (50)",
        ),
        (
            "/VpnRouteEntries/0/State",
            json!("active"),
            "VpnRouteEntries[0].State: not one of the API's values (active)",
        ),
    ] {
        let mut doc = base.clone();
        let (parent, key) = path.rsplit_once('/').expect("a path");
        doc.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap_or_else(|| panic!("{path}"))
            .insert(key.to_owned(), value);
        let refused = put(&doc).send(&app).await;
        assert_eq!(refused.status, 400, "{path}: {}", refused.body);
        assert_eq!(refused.json()["error"], expected, "{path}");
    }
    // Duplicates: a second customer gateway with the same address in the account, a second
    // connection between the same gateways, a second route with the same key.
    let mut doc = base.clone();
    doc["CustomerGateways"].as_array_mut().expect("cgws").push(
        json!({"CustomerGatewayId": "cgw-b", "RegionId": REGION, "IpAddress": "203.0.113.50"}),
    );
    assert_eq!(
        put(&doc).send(&app).await.json()["error"],
        "CustomerGateways[2].IpAddress: another customer gateway of the account and region has this address (203.0.113.50)"
    );
    let mut doc = base.clone();
    doc["VpnConnections"].as_array_mut().expect("vcos").push(
        json!({"VpnConnectionId": "vco-b", "RegionId": REGION, "VpnGatewayId": GW,
               "CustomerGatewayId": "cgw-a", "LocalSubnet": "10.0.0.0/8", "RemoteSubnet": "10.1.0.0/16"}),
    );
    assert_eq!(
        put(&doc).send(&app).await.json()["error"],
        "VpnConnections[1].CustomerGatewayId: the VPN gateway has another connection to this customer gateway (cgw-a)"
    );
    let mut doc = base.clone();
    doc["VpnRouteEntries"].as_array_mut().expect("routes").push(
        json!({"VpnGatewayId": GW, "RouteDest": "192.168.0.0/16", "NextHop": "vco-a", "Weight": 0}),
    );
    assert_eq!(
        put(&doc).send(&app).await.json()["error"],
        "VpnRouteEntries[1].RouteDest: the gateway has this route already (same RouteDest and NextHop) (192.168.0.0/16)"
    );
    let mut doc = base.clone();
    doc["VpnConnections"][0]["Typo"] = json!(1);
    let typo = put(&doc).send(&app).await.json();
    assert!(
        typo["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("VpnConnections[0].Typo: unknown field `Typo`")),
        "{typo}"
    );
    // Nothing of a refused document was loaded.
    let state = admin("GET", "state", "").send(&app).await.json();
    assert_eq!(state["VpnConnections"].as_array().map(Vec::len), Some(1));
}

// ------------------------------------------------------------------ persistence

/// The whole site-to-site chain goes through the state file: after `kill -9` the restart shows
/// exactly what was acknowledged, and after the teardown, nothing of it.
#[tokio::test]
async fn the_site_to_site_chain_survives_kill_9() {
    use crate::persistence::{Scratch, exported, kill9, send, with_state_file};
    let scratch = Scratch::new("ipsec-kill9");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    let body = |a: Answer| {
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()
    };
    let cgw = id_of(
        &body(
            send(
                addr,
                call(
                    "CreateCustomerGateway",
                    &[("IpAddress", "203.0.113.50"), ("ClientToken", "c1")],
                ),
            )
            .await,
        ),
        "CustomerGatewayId",
    );
    let vco = id_of(
        &body(send(addr, create_vco(GW, &cgw, &[("ClientToken", "v1")])).await),
        "VpnConnectionId",
    );
    body(send(addr, create_route(GW, "10.0.0.0/24", &vco, &[])).await);
    body(
        send(
            addr,
            call(
                "TagResources",
                &[
                    ("ResourceType", "VPNCONNECTION"),
                    ("ResourceId.1", &vco),
                    ("Tag.1.Key", "k"),
                ],
            ),
        )
        .await,
    );
    body(
        send(
            addr,
            call(
                "ModifyVpnConnectionAttribute",
                &[
                    ("VpnConnectionId", &vco),
                    ("IkeConfig", r#"{"Psk":"kept-psk"}"#),
                ],
            ),
        )
        .await,
    );
    let before = exported(addr).await;
    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(exported(addr).await, before);
    let c = body(send(addr, describe_vco(&vco)).await);
    assert_eq!(c["IkeConfig"]["Psk"], "kept-psk");
    // Tokens survive too.
    let replay = body(send(addr, create_vco(GW, &cgw, &[("ClientToken", "v1")])).await);
    assert_eq!(replay["VpnConnectionId"], json!(vco));
    // Teardown, killed again: nothing of the chain is left.
    body(
        send(
            addr,
            route(
                "DeleteVpnRouteEntry",
                GW,
                "10.0.0.0/24",
                &vco,
                &[("Weight", "100")],
            ),
        )
        .await,
    );
    body(
        send(
            addr,
            call("DeleteVpnConnection", &[("VpnConnectionId", &vco)]),
        )
        .await,
    );
    body(
        send(
            addr,
            call("DeleteCustomerGateway", &[("CustomerGatewayId", &cgw)]),
        )
        .await,
    );
    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    let after = exported(addr).await;
    assert_eq!(after["CustomerGateways"], json!([]));
    assert_eq!(after["VpnConnections"], json!([]));
    assert_eq!(after["VpnRouteEntries"], json!([]));
    kill9(&mut child);
}

/// `kill -9` while clients create and delete customer gateways, connections and routes: after
/// a restart every acknowledged create is there (unless its delete was sent), every
/// acknowledged delete stays done, and the file loads.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_ipsec_changes_loses_no_acknowledged_change() {
    use std::collections::HashSet;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use crate::cli::terminate;
    use crate::persistence::{Scratch, exported, kill9, with_state_file};

    #[derive(Default)]
    struct Acked {
        made: HashSet<String>,
        delete_sent: HashSet<String>,
        deleted: HashSet<String>,
    }
    for (round, kill_after) in [3usize, 25, 90].into_iter().enumerate() {
        let scratch = Scratch::new(&format!("ipsec-crash-{round}"));
        let file = scratch.file("state.json");
        let (mut child, addr) = with_state_file(&file, &[]);
        let acked = Arc::new(tokio::sync::Mutex::new(Acked::default()));
        let count = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::new();
        for w in 0..4u32 {
            let (acked, count, stop) = (acked.clone(), count.clone(), stop.clone());
            workers.push(tokio::spawn(async move {
                // Each worker's own customer gateways, each with a connection and a route on
                // the default gateway... which allows 10 connections: workers use their own
                // address space and delete what they made every other time.
                for n in 0..10_000u32 {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let ip = format!("10.{w}.{}.{}", n / 250, n % 250 + 1);
                    let send =
                        |req: Req| async move { try_send_raw(addr, &req.to_bytes(addr)).await };
                    let Ok(made) = send(call("CreateCustomerGateway", &[("IpAddress", &ip)])).await
                    else {
                        break;
                    };
                    if made.status != 200 {
                        continue;
                    }
                    let cgw = id_of(&made.json(), "CustomerGatewayId");
                    acked.lock().await.made.insert(cgw.clone());
                    count.fetch_add(1, Ordering::SeqCst);
                    let Ok(conn) = send(create_vco(GW, &cgw, &[])).await else {
                        break;
                    };
                    if conn.status == 200 {
                        let vco = id_of(&conn.json(), "VpnConnectionId");
                        acked.lock().await.made.insert(vco.clone());
                        count.fetch_add(1, Ordering::SeqCst);
                        let dest = format!("10.{}.{}.0/24", 100 + w, n % 250);
                        if let Ok(r) = send(create_route(GW, &dest, &vco, &[])).await
                            && r.status == 200
                        {
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        // Deleting the connection takes its route.
                        acked.lock().await.delete_sent.insert(vco.clone());
                        let Ok(gone) =
                            send(call("DeleteVpnConnection", &[("VpnConnectionId", &vco)])).await
                        else {
                            break;
                        };
                        if gone.status == 200 {
                            acked.lock().await.deleted.insert(vco);
                            count.fetch_add(1, Ordering::SeqCst);
                        } else {
                            continue;
                        }
                    }
                    if n % 2 == 0 {
                        acked.lock().await.delete_sent.insert(cgw.clone());
                        let Ok(gone) = send(call(
                            "DeleteCustomerGateway",
                            &[("CustomerGatewayId", &cgw)],
                        ))
                        .await
                        else {
                            break;
                        };
                        if gone.status == 200 {
                            acked.lock().await.deleted.insert(cgw);
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                }
            }));
        }
        let mut ticker = tokio::time::interval(std::time::Duration::from_millis(1));
        while count.load(Ordering::SeqCst) < kill_after {
            ticker.tick().await;
        }
        kill9(&mut child);
        stop.store(true, Ordering::SeqCst);
        for w in workers {
            let _ = w.await;
        }
        let (mut child, addr) = with_state_file(&file, &[]);
        let state = exported(addr).await;
        let present: HashSet<String> = state["CustomerGateways"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["CustomerGatewayId"].as_str().map(str::to_owned))
            .chain(
                state["VpnConnections"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c["VpnConnectionId"].as_str().map(str::to_owned)),
            )
            .collect();
        let acked = acked.lock().await;
        for id in &acked.made {
            assert!(
                present.contains(id) || acked.delete_sent.contains(id),
                "round {round}: acknowledged create {id} lost"
            );
        }
        for id in &acked.deleted {
            assert!(
                !present.contains(id),
                "round {round}: acknowledged delete {id} undone"
            );
        }
        // Every route left has its connection.
        for r in state["VpnRouteEntries"].as_array().into_iter().flatten() {
            assert!(
                present.contains(r["NextHop"].as_str().unwrap_or_default()),
                "{r}"
            );
        }
        assert_eq!(terminate(&mut child), Some(0));
    }
}

/// SPEC 12 changed: DeleteVpnGateway no longer takes the server with it. A log written while it
/// did (its `DeleteGateway` record, the gateway's server and certificates deleted with it) still
/// replays; the new record refuses to replay over a gateway that still has a server; the old
/// one over a gateway with IPsec connections; and a route whose connection is gone.
#[tokio::test]
async fn logs_of_the_old_cascade_still_replay_and_the_new_records_are_checked() {
    use crate::persistence::{Scratch, exported, kill9, refused_to_start, with_state_file};
    let scratch = Scratch::new("ipsec-old-cascade");
    let file = scratch.file("state.json");
    let wal = scratch.file("state.json.wal");
    let (mut child, addr) = with_state_file(&file, &[]);
    kill9(&mut child);
    let _ = addr;
    let log = String::from_utf8(crate::persistence::log_text(&wal)).expect("log");
    let append = |lines: &[&str]| {
        let mut text = log.clone();
        for line in lines {
            text.push_str(line);
            text.push('\n');
        }
        std::fs::write(&wal, text).expect("write log");
    };
    // The new record on the default gateway, which has a server: refused, files untouched.
    append(&[r#"[{"DeleteVpnGateway":"vpn-bp1emulator0000000001"}]"#]);
    let message = refused_to_start(&file);
    assert!(
        message.contains("deletes VPN gateway vpn-bp1emulator0000000001, which still has an SSL-VPN server or IPsec connections"),
        "{message}"
    );
    // The old record: the gateway goes, its server and certificates with it.
    append(&[r#"[{"DeleteGateway":"vpn-bp1emulator0000000001"}]"#]);
    let (mut child, addr) = with_state_file(&file, &[]);
    let state = exported(addr).await;
    assert_eq!(state["VpnGateways"], json!([]));
    assert_eq!(state["SslVpnServers"], json!([]));
    assert_eq!(state["SslVpnClientCerts"], json!([]));
    kill9(&mut child);

    // With a connection on the gateway, the old record does not fit.
    std::fs::remove_file(&file).expect("rm");
    std::fs::remove_file(&wal).expect("rm");
    let (mut child, addr) = with_state_file(&file, &[]);
    let cgw = id_of(
        &crate::persistence::send(
            addr,
            call("CreateCustomerGateway", &[("IpAddress", "203.0.113.5")]),
        )
        .await
        .json(),
        "CustomerGatewayId",
    );
    let made = crate::persistence::send(addr, create_vco(GW, &cgw, &[])).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let vco = id_of(&made.json(), "VpnConnectionId");
    kill9(&mut child);
    let log = String::from_utf8(crate::persistence::log_text(&wal)).expect("log");
    let with = |line: String| {
        std::fs::write(&wal, format!("{log}{line}\n")).expect("write log");
    };
    for (line, reason) in [
        (
            r#"[{"DeleteGateway":"vpn-bp1emulator0000000001"}]"#.to_owned(),
            "deletes VPN gateway vpn-bp1emulator0000000001, which still has IPsec connections",
        ),
        (
            format!(r#"[{{"DeleteCustomerGateway":"{cgw}"}}]"#),
            "which IPsec connections use",
        ),
        (
            format!(
                r#"[{{"PutVpnRouteEntry":{{"VpnGatewayId":"{FREE_GW}","RouteDest":"10.0.0.0/8","NextHop":"{vco}","CreateTime":1}}}}]"#
            ),
            "no such VPN gateway",
        ),
        (
            format!(
                r#"[{{"PutVpnRouteEntry":{{"VpnGatewayId":"{GW}","RouteDest":"0.0.0.0/0","NextHop":"{vco}","CreateTime":1}}}}]"#
            ),
            "RouteDest: a network address in CIDR notation",
        ),
        (
            r#"[{"DeleteVpnRouteEntry":{"VpnGatewayId":"vpn-bp1emulator0000000001","RouteDest":"10.0.0.0/8","NextHop":"vco-x"}}]"#.to_owned(),
            "which does not exist",
        ),
        (
            r#"[{"DeleteVpnConnection":"vco-x"}]"#.to_owned(),
            "deletes IPsec connection vco-x, which does not exist",
        ),
    ] {
        with(line);
        let message = refused_to_start(&file);
        assert!(message.contains(reason), "{reason}: {message}");
    }
    // Valid again, it starts.
    std::fs::write(&wal, &log).expect("restore log");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        exported(addr).await["VpnConnections"][0]["VpnConnectionId"],
        json!(vco)
    );
    kill9(&mut child);
}
