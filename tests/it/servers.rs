//! SSL-VPN servers as API resources (SPEC section 11): CreateSslVpnServer,
//! DescribeSslVpnServers, ModifySslVpnServer and DeleteSslVpnServer, every error path in SPEC
//! 3.3's order, the gateway busy window they start, RAM, the journal, faults and persistence.

use serde_json::{Value, json};

use crate::helpers::*;

const REGION: &str = "cn-hangzhou";
/// The default fixtures' gateway, which has a server already.
const BUSY_GW: &str = "vpn-bp1emulator0000000001";
/// A gateway with no server.
const FREE_GW: &str = "vpn-free0000000000000001";
const NOSSL_GW: &str = "vpn-nossl000000000000001";
const INIT_GW: &str = "vpn-init0000000000000001";
const OTHER_GW: &str = "vpn-other000000000000001";

/// The default fixtures plus gateways for each state rule, a second account's gateway, and RAM
/// users limited to one gateway or one server.
fn fixtures() -> String {
    let mut doc: Value =
        serde_json::from_str(aliyun_vpc_emulator::app::DEFAULT_FIXTURES).expect("fixtures");
    let gateways = doc["VpnGateways"].as_array_mut().expect("gateways");
    gateways.push(
        json!({"VpnGatewayId": FREE_GW, "RegionId": REGION, "ResourceGroupId": "rg-free",
        "SslMaxConnections": 10, "InternetIp": "203.0.113.7", "CreateTime": 1_764_547_200_000_i64}),
    );
    gateways.push(json!({"VpnGatewayId": NOSSL_GW, "RegionId": REGION, "SslVpn": "disable"}));
    gateways.push(json!({"VpnGatewayId": INIT_GW, "RegionId": REGION, "Status": "init"}));
    gateways.push(
        json!({"VpnGatewayId": OTHER_GW, "RegionId": REGION, "AccountId": "2000000000000002"}),
    );
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
            json!({"UserName": "gwonly", "Allow": ["vpc:*"], "Resources": [FREE_GW],
                   "AccessKeys": [{"AccessKeyId": "LTAIgwonly", "AccessKeySecret": "GwOnlySecret"}]}),
            json!({"UserName": "nobody",
                   "AccessKeys": [{"AccessKeyId": "LTAInobody", "AccessKeySecret": "NobodySecret"}]}),
        ]);
    doc.to_string()
}

async fn spawn_servers(busy_ms: u32) -> TestApp {
    spawn_with(
        aliyun_vpc_emulator::config::Config {
            gateway_busy_ms: busy_ms,
            ..test_config()
        },
        Some(&fixtures()),
    )
    .await
}

fn create_server(gateway: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![
        ("RegionId", REGION),
        ("VpnGatewayId", gateway),
        ("ClientIpPool", "10.8.0.0/16"),
        ("LocalSubnet", "172.16.0.0/16"),
    ];
    for (k, v) in extra {
        params.retain(|(name, _)| name != k);
        params.push((k, v));
    }
    rpc("CreateSslVpnServer", &params)
}

fn list_servers(extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", REGION)];
    params.extend_from_slice(extra);
    rpc("DescribeSslVpnServers", &params)
}

fn modify_server(id: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", REGION), ("SslVpnServerId", id)];
    params.extend_from_slice(extra);
    rpc("ModifySslVpnServer", &params)
}

fn delete_server(id: &str, extra: &[(&str, &str)]) -> Req {
    let mut params = vec![("RegionId", REGION), ("SslVpnServerId", id)];
    params.extend_from_slice(extra);
    rpc("DeleteSslVpnServer", &params)
}

/// A certificate on this server.
fn create_cert(server: &str) -> Req {
    rpc(
        "CreateSslVpnClientCert",
        &[("RegionId", REGION), ("SslVpnServerId", server)],
    )
}

fn gateway_status(id: &str) -> Req {
    rpc(
        "DescribeVpnGateway",
        &[("RegionId", REGION), ("VpnGatewayId", id)],
    )
}

fn invalid(p: &str) -> String {
    format!("The specified parameter \"{p}\" is not valid.")
}

const CONFIGURING: &str = "The specified service is configuring.";

/// Creates a server on the free gateway; its ID.
async fn new_server(app: &TestApp, extra: &[(&str, &str)]) -> String {
    let answer = create_server(FREE_GW, extra).send(app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["SslVpnServerId"]
        .as_str()
        .expect("SslVpnServerId")
        .to_owned()
}

fn only_server(list: &Value) -> Value {
    assert_eq!(list["TotalCount"], 1, "{list}");
    list["SslVpnServers"]["SslVpnServer"][0].clone()
}

#[tokio::test]
async fn create_answers_the_id_and_the_server_is_listed_with_every_field_and_type() {
    let app = spawn_servers(0).await;
    let now = admin("GET", "clock", "").send(&app).await.json()["Now"].clone();
    let answer = create_server(FREE_GW, &[]).send(&app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    let id = body["SslVpnServerId"].as_str().expect("id").to_owned();
    assert!(
        id.len() == 25
            && id.starts_with("vss-")
            && id[4..]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
        "{id}"
    );
    // The name defaults to the ID; the answer has exactly three fields.
    assert_eq!(
        body,
        json!({"RequestId": answer.request_id(), "SslVpnServerId": id, "Name": id})
    );

    let list = list_servers(&[("SslVpnServerId", &id)])
        .send(&app)
        .await
        .json();
    let item = only_server(&list);
    let created = item["CreateTime"].as_i64().expect("CreateTime is a number");
    assert!(created >= now.as_i64().unwrap_or_default());
    assert_eq!(
        item,
        json!({
            "RegionId": REGION, "SslVpnServerId": id, "VpnGatewayId": FREE_GW, "Name": id,
            "ClientIpPool": "10.8.0.0/16", "LocalSubnet": "172.16.0.0/16", "Proto": "TCP",
            "Port": 1194, "Cipher": "AES-128-CBC", "Compress": false, "CreateTime": created,
            "Connections": 0, "MaxConnections": 10, "InternetIp": "203.0.113.7",
            "EnableMultiFactorAuth": false, "ResourceGroupId": "rg-free"
        })
    );
    assert_eq!(list["PageNumber"], 1);
    assert_eq!(list["PageSize"], 10);

    // A certificate can be made on it, with real material signed by the new server's CA.
    let cert = create_cert(&id).send(&app).await;
    assert_eq!(cert.status, 200, "{}", cert.body);
    let cert_id = cert.json()["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let described = describe(&cert_id).send(&app).await.json();
    assert!(
        described["CaCert"]
            .as_str()
            .is_some_and(|pem| pem.starts_with("-----BEGIN CERTIFICATE-----")),
        "{described}"
    );
}

#[tokio::test]
async fn create_takes_every_setting_and_xml_answers_the_same() {
    let app = spawn_servers(0).await;
    let answer = create_server(
        FREE_GW,
        &[
            ("Name", "office"),
            (
                "LocalSubnet",
                "10.0.0.0/8,192.168.10.0/24,172.16.0.0/12,10.255.255.255/32,203.0.113.0/24",
            ),
            ("ClientIpPool", "192.168.200.0/29"),
            ("Proto", "UDP"),
            ("Cipher", "none"),
            ("Port", "65535"),
            ("Compress", "TRUE"),
            ("EnableMultiFactorAuth", "True"),
            ("IDaaSInstanceId", "idaas-cn-hangzhou-p1"),
            ("IDaaSRegionId", "cn-hangzhou"),
            ("IDaaSApplicationId", "app_1"),
            ("DnsServers", "10.0.0.53"),
            ("OwnerId", "1"),
        ],
    )
    .set("Format", "XML")
    .send(&app)
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.contains("<Name>office</Name>")
            && answer.body.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CreateSslVpnServerResponse><RequestId>"
            ),
        "{}",
        answer.body
    );
    let item = only_server(
        &list_servers(&[("VpnGatewayId", FREE_GW)])
            .send(&app)
            .await
            .json(),
    );
    for (field, value) in [
        ("Name", json!("office")),
        ("ClientIpPool", json!("192.168.200.0/29")),
        ("Proto", json!("UDP")),
        ("Cipher", json!("none")),
        ("Port", json!(65535)),
        ("Compress", json!(true)),
        ("EnableMultiFactorAuth", json!(true)),
        ("IDaaSInstanceId", json!("idaas-cn-hangzhou-p1")),
        ("IDaaSRegionId", json!("cn-hangzhou")),
        ("IDaaSApplicationId", json!("app_1")),
    ] {
        assert_eq!(item[field], value, "{field}");
    }
    let xml = list_servers(&[]).set("Format", "XML").send(&app).await.body;
    assert!(
        xml.contains("<SslVpnServers><SslVpnServer><RegionId>cn-hangzhou</RegionId>")
            && xml.contains("<Compress>true</Compress>")
            && xml.contains("<Port>65535</Port>"),
        "{xml}"
    );
}

/// Every value check of SPEC 11, each answered `InvalidParameter` naming its parameter (or
/// `InvalidName`), before the gateway is even looked up (the unknown gateway would be a 404).
#[tokio::test]
async fn each_bad_value_is_refused_naming_its_parameter() {
    let app = spawn_servers(0).await;
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("ClientIpPool", "10.8.0.1/16")], "ClientIpPool"),
        (&[("ClientIpPool", "10.8.0.0/15")], "ClientIpPool"),
        (&[("ClientIpPool", "10.8.0.0/30")], "ClientIpPool"),
        (&[("ClientIpPool", "10.8.0.0")], "ClientIpPool"),
        (&[("ClientIpPool", "010.8.0.0/16")], "ClientIpPool"),
        (
            &[("ClientIpPool", "10.8.0.0/16,10.9.0.0/16")],
            "ClientIpPool",
        ),
        (&[("ClientIpPool", "127.0.0.0/16")], "ClientIpPool"),
        (&[("ClientIpPool", "169.254.0.0/16")], "ClientIpPool"),
        (&[("ClientIpPool", "224.1.0.0/16")], "ClientIpPool"),
        (&[("ClientIpPool", "255.255.0.0/16")], "ClientIpPool"),
        (&[("ClientIpPool", "100.64.0.0/16")], "ClientIpPool"),
        (&[("ClientIpPool", "100.127.255.0/24")], "ClientIpPool"),
        (&[("LocalSubnet", "10.0.0.0/7")], "LocalSubnet"),
        (&[("LocalSubnet", "10.0.0.1/8")], "LocalSubnet"),
        (&[("LocalSubnet", "10.0.0.0/33")], "LocalSubnet"),
        (&[("LocalSubnet", "172.16.0.0/16,")], "LocalSubnet"),
        (
            &[("LocalSubnet", "172.16.0.0/16, 172.17.0.0/16")],
            "LocalSubnet",
        ),
        (&[("LocalSubnet", "127.0.0.0/8")], "LocalSubnet"),
        (
            &[("LocalSubnet", "172.16.0.0/16,169.254.169.254/32")],
            "LocalSubnet",
        ),
        (&[("LocalSubnet", "239.0.0.0/8")], "LocalSubnet"),
        (
            &[(
                "LocalSubnet",
                "172.16.0.0/16,172.17.0.0/16,172.18.0.0/16,172.19.0.0/16,172.20.0.0/16,172.21.0.0/16",
            )],
            "LocalSubnet",
        ),
        // The pool inside a local subnet, and a local subnet inside the pool: ClientIpPool.
        (&[("LocalSubnet", "10.0.0.0/8")], "ClientIpPool"),
        (
            &[("LocalSubnet", "172.16.0.0/16,10.8.3.0/24")],
            "ClientIpPool",
        ),
        (&[("Port", "0")], "Port"),
        (&[("Port", "65536")], "Port"),
        (&[("Port", "-1")], "Port"),
        (&[("Port", "+1194")], "Port"),
        (&[("Port", "1194.0")], "Port"),
        (&[("Port", "abc")], "Port"),
        (&[("Proto", "tcp")], "Proto"),
        (&[("Proto", "ICMP")], "Proto"),
        (&[("Cipher", "aes-128-cbc")], "Cipher"),
        (&[("Cipher", "AES-512-CBC")], "Cipher"),
        (&[("Compress", "yes")], "Compress"),
        (&[("EnableMultiFactorAuth", "1")], "EnableMultiFactorAuth"),
        (&[("EnableMultiFactorAuth", "true")], "IDaaSInstanceId"),
        (
            &[
                ("EnableMultiFactorAuth", "true"),
                ("IDaaSInstanceId", "i"),
                ("IDaaSApplicationId", "a"),
            ],
            "IDaaSRegionId",
        ),
        (
            &[
                ("EnableMultiFactorAuth", "true"),
                ("IDaaSInstanceId", "i"),
                ("IDaaSRegionId", "r"),
            ],
            "IDaaSApplicationId",
        ),
        // SPEC 11's order: the pool before the subnet, the overlap before the port, the port
        // before Proto, Proto before Cipher, Cipher before the booleans.
        (
            &[("ClientIpPool", "10.8.0.1/16"), ("LocalSubnet", "x")],
            "ClientIpPool",
        ),
        (
            &[("LocalSubnet", "10.0.0.0/8"), ("Port", "22")],
            "ClientIpPool",
        ),
        (&[("Port", "0"), ("Proto", "x")], "Port"),
        (&[("Proto", "x"), ("Cipher", "x")], "Proto"),
        (&[("Cipher", "x"), ("Compress", "x")], "Cipher"),
        (
            &[("Compress", "x"), ("EnableMultiFactorAuth", "x")],
            "Compress",
        ),
    ];
    for (extra, param) in cases {
        create_server("vpn-unknown", extra)
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(param));
    }
    for port in [
        22, 53, 68, 80, 123, 443, 500, 2222, 4500, 4510, 4560, 7505, 9000, 9001, 9002, 22222,
    ] {
        create_server("vpn-unknown", &[("Port", &port.to_string())])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid("Port"));
    }
    // The name rule of SPEC 7.1, before the other values.
    create_server(
        "vpn-unknown",
        &[("Name", "https://x"), ("ClientIpPool", "bad")],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidName", "The name is not valid");
    // Then the ClientToken, then the gateway.
    create_server("vpn-unknown", &[("ClientToken", "é")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidClientToken.Malformed",
            "The specified parameter \"ClientToken\" is not valid.",
        );
    create_server("vpn-unknown", &[])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidVpnGatewayInstanceId.NotFound",
            "The specified vpn gateway instance id does not exist.",
        );
    // Nothing was made by any of them.
    assert_eq!(list_servers(&[]).send(&app).await.json()["TotalCount"], 1);
}

#[tokio::test]
async fn required_parameters_and_the_region_come_first() {
    let app = spawn_servers(0).await;
    for (missing, code) in [
        ("RegionId", "MissingRegionId"),
        ("VpnGatewayId", "MissingVpnGatewayId"),
        ("ClientIpPool", "MissingClientIpPool"),
        ("LocalSubnet", "MissingLocalSubnet"),
    ] {
        let p = code.trim_start_matches("Missing");
        create_server(FREE_GW, &[("Port", "0")])
            .without(missing)
            .send(&app)
            .await
            .assert_error(400, code, &format!("{p} is mandatory for this action."));
        // Empty counts as missing.
        create_server(FREE_GW, &[(missing, "")])
            .send(&app)
            .await
            .assert_error(400, code, &format!("{p} is mandatory for this action."));
    }
    create_server(FREE_GW, &[("RegionId", "mars-1")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidRegionId.NotFound",
            "The specified region is not found during access authentication.",
        );
    for (action, params, missing) in [
        (
            "ModifySslVpnServer",
            &[("RegionId", REGION)][..],
            "SslVpnServerId",
        ),
        (
            "DeleteSslVpnServer",
            &[("RegionId", REGION)][..],
            "SslVpnServerId",
        ),
        ("DescribeSslVpnServers", &[][..], "RegionId"),
    ] {
        rpc(action, params).send(&app).await.assert_error(
            400,
            &format!("Missing{missing}"),
            &format!("{missing} is mandatory for this action."),
        );
    }
}

#[tokio::test]
async fn the_gateway_must_allow_ssl_have_no_server_and_be_active() {
    let app = spawn_servers(0).await;
    create_server(NOSSL_GW, &[]).send(&app).await.assert_error(
        400,
        "VpnGateway.SslVpnDisabled",
        "The VPN gateway has not enabled SSL VPN.",
    );
    create_server(BUSY_GW, &[]).send(&app).await.assert_error(
        400,
        "Resource.QuotaFull",
        "The quota of resource is full",
    );
    create_server(INIT_GW, &[]).send(&app).await.assert_error(
        400,
        "VpnGateway.Configuring",
        CONFIGURING,
    );
    // Another account's gateway does not exist for this one.
    create_server(OTHER_GW, &[]).send(&app).await.assert_error(
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
        "The specified vpn gateway instance id does not exist.",
    );
    let theirs = create_server(OTHER_GW, &[])
        .sign_v1("LTAIother", "OtherSecret")
        .send(&app)
        .await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    // One per gateway: the second is refused, and the first stays as it was.
    let id = new_server(&app, &[]).await;
    create_server(FREE_GW, &[("ClientIpPool", "10.9.0.0/16")])
        .send(&app)
        .await
        .assert_error(400, "Resource.QuotaFull", "The quota of resource is full");
    let list = list_servers(&[("VpnGatewayId", FREE_GW)])
        .send(&app)
        .await
        .json();
    assert_eq!(only_server(&list)["SslVpnServerId"], json!(id));
    // The other account's server is not listed here, nor ours there.
    assert_eq!(list_servers(&[]).send(&app).await.json()["TotalCount"], 2);
    let theirs = list_servers(&[])
        .sign_v1("LTAIother", "OtherSecret")
        .send(&app)
        .await
        .json();
    assert_eq!(theirs["TotalCount"], 1);
}

#[tokio::test]
async fn ram_checks_the_action_then_the_named_resource() {
    let app = spawn_servers(0).await;
    let denied = create_server(FREE_GW, &[])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    denied.assert_denied(
        403,
        "Forbidden",
        "User not authorized to operate on the specified resource.",
        "CreateSslVpnServer",
        "readonly",
    );
    // Reading is a Describe*.
    let read = list_servers(&[])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    list_servers(&[])
        .sign_v1("LTAInobody", "NobodySecret")
        .send(&app)
        .await
        .assert_denied(
            403,
            "Forbidden",
            "User not authorized to operate on the specified resource.",
            "DescribeSslVpnServers",
            "nobody",
        );
    // `gwonly` may act on FREE_GW only: the target of Create is the gateway.
    let sub = "User not authorized to operate on the specified resource as your account is created by another user.";
    create_server(NOSSL_GW, &[])
        .sign_v1("LTAIgwonly", "GwOnlySecret")
        .send(&app)
        .await
        .assert_denied(
            403,
            "Forbbiden.SubUser",
            sub,
            "CreateSslVpnServer",
            "gwonly",
        );
    let made = create_server(FREE_GW, &[])
        .sign_v1("LTAIgwonly", "GwOnlySecret")
        .send(&app)
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    // Modify and Delete target the server, which is not in the user's Resources.
    let id = made.json()["SslVpnServerId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for (req, action) in [
        (modify_server(&id, &[("Name", "x")]), "ModifySslVpnServer"),
        (delete_server(&id, &[]), "DeleteSslVpnServer"),
    ] {
        let answer = req.sign_v1("LTAIgwonly", "GwOnlySecret").send(&app).await;
        answer.assert_denied(403, "Forbbiden.SubUser", sub, action, "gwonly");
    }
    // An unknown server is a 404 before the resource check.
    delete_server("vss-nope", &[])
        .sign_v1("LTAIgwonly", "GwOnlySecret")
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidSslVpnServerId.NotFound",
            "The specified SSL VPN server id does not exist.",
        );
}

#[tokio::test]
async fn servers_are_listed_in_order_filtered_and_paged() {
    let app = spawn_servers(0).await;
    let mine = new_server(&app, &[("Name", "second")]).await;
    let default_server = SERVER;
    let all = list_servers(&[]).send(&app).await.json();
    let ids: Vec<&str> = all["SslVpnServers"]["SslVpnServer"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["SslVpnServerId"].as_str())
        .collect();
    // The fixture server was made at load, before the new one.
    assert_eq!(ids, [default_server, mine.as_str()]);
    for (filter, value, expected) in [
        ("SslVpnServerId", mine.as_str(), vec![mine.as_str()]),
        ("SslVpnServerId", "vss-unknown", vec![]),
        ("VpnGatewayId", FREE_GW, vec![mine.as_str()]),
        ("VpnGatewayId", BUSY_GW, vec![default_server]),
        ("VpnGatewayId", "vpn-unknown", vec![]),
        ("Name", "second", vec![mine.as_str()]),
        ("Name", "default-server", vec![default_server]),
        ("ResourceGroupId", "rg-free", vec![mine.as_str()]),
        ("ResourceGroupId", "rg-acfmemulator01", vec![default_server]),
        ("ResourceGroupId", "", vec![default_server, mine.as_str()]),
    ] {
        let list = list_servers(&[(filter, value)]).send(&app).await.json();
        let got: Vec<&str> = list["SslVpnServers"]["SslVpnServer"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["SslVpnServerId"].as_str())
            .collect();
        assert_eq!(got, expected, "{filter}={value}");
        assert_eq!(list["TotalCount"], json!(expected.len()));
    }
    // Every filter must match.
    let both = list_servers(&[("VpnGatewayId", FREE_GW), ("Name", "default-server")])
        .send(&app)
        .await
        .json();
    assert_eq!(both["TotalCount"], 0);
    let page = list_servers(&[("PageSize", "1"), ("PageNumber", "2")])
        .send(&app)
        .await
        .json();
    assert_eq!(page["TotalCount"], 2);
    assert_eq!(page["PageNumber"], 2);
    assert_eq!(page["PageSize"], 1);
    assert_eq!(
        page["SslVpnServers"]["SslVpnServer"][0]["SslVpnServerId"],
        json!(mine)
    );
    let past = list_servers(&[("PageNumber", "3"), ("PageSize", "1")])
        .send(&app)
        .await
        .json();
    assert_eq!(past["SslVpnServers"], json!({"SslVpnServer": []}));
    for (name, value) in [("PageSize", "51"), ("PageSize", "0"), ("PageNumber", "x")] {
        list_servers(&[(name, value)])
            .send(&app)
            .await
            .assert_error(400, "InvalidParameter", &invalid(name));
    }
}

#[tokio::test]
async fn modify_changes_what_is_given_and_answers_the_whole_server() {
    let app = spawn_servers(0).await;
    let id = new_server(&app, &[]).await;
    let answer = modify_server(
        &id,
        &[
            ("Name", "renamed"),
            ("ClientIpPool", "10.20.0.0/24"),
            ("LocalSubnet", "10.8.0.0/16"),
            ("Proto", "UDP"),
            ("Cipher", "AES-256-CBC"),
            ("Port", "1195"),
            ("Compress", "true"),
        ],
    )
    .send(&app)
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    let created = body["CreateTime"].as_i64().expect("CreateTime");
    assert_eq!(
        body,
        json!({
            "RequestId": answer.request_id(), "RegionId": REGION, "SslVpnServerId": id,
            "VpnGatewayId": FREE_GW, "Name": "renamed", "ClientIpPool": "10.20.0.0/24",
            "LocalSubnet": "10.8.0.0/16", "Proto": "UDP", "Port": 1195, "Cipher": "AES-256-CBC",
            "Compress": true, "CreateTime": created, "Connections": 0, "MaxConnections": 10,
            "InternetIp": "203.0.113.7", "EnableMultiFactorAuth": false,
            "ResourceGroupId": "rg-free"
        })
    );
    let mut listed = only_server(
        &list_servers(&[("SslVpnServerId", &id)])
            .send(&app)
            .await
            .json(),
    );
    let mut expected = body.clone();
    expected.as_object_mut().map(|o| o.remove("RequestId"));
    listed.as_object_mut().map(|o| o.remove("RequestId"));
    assert_eq!(listed, expected);

    // Multi-factor on: the three values are needed, from this call or the server.
    modify_server(&id, &[("EnableMultiFactorAuth", "true")])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("IDaaSInstanceId"));
    let on = modify_server(
        &id,
        &[
            ("EnableMultiFactorAuth", "true"),
            ("IDaaSInstanceId", "idaas-1"),
            ("IDaaSRegionId", "cn-hangzhou"),
            ("IDaaSApplicationId", "app-1"),
        ],
    )
    .send(&app)
    .await
    .json();
    assert_eq!(on["EnableMultiFactorAuth"], true);
    assert_eq!(on["IDaaSInstanceId"], "idaas-1");
    assert_eq!(on["IDaaSApplicationId"], "app-1");
    // The Modify answer has no IDaaSRegionId; the list has it.
    assert!(on.get("IDaaSRegionId").is_none(), "{on}");
    let listed = only_server(
        &list_servers(&[("SslVpnServerId", &id)])
            .send(&app)
            .await
            .json(),
    );
    assert_eq!(listed["IDaaSRegionId"], "cn-hangzhou");
    let off = modify_server(&id, &[("EnableMultiFactorAuth", "false")])
        .send(&app)
        .await
        .json();
    assert!(off.get("IDaaSInstanceId").is_none(), "{off}");
}

#[tokio::test]
async fn modify_checks_values_then_existence_then_the_resulting_overlap() {
    let app = spawn_servers(0).await;
    let id = new_server(&app, &[]).await; // pool 10.8.0.0/16, subnet 172.16.0.0/16
    // A bad value is refused before the server is looked up.
    modify_server("vss-unknown", &[("Port", "443")])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("Port"));
    modify_server("vss-unknown", &[("Name", "")])
        .send(&app)
        .await
        .assert_error(400, "InvalidName", "The name is not valid");
    modify_server("vss-unknown", &[("Name", "x")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidSslVpnServerId.NotFound",
            "The specified SSL VPN server id does not exist.",
        );
    // The overlap is with what would result: a given pool is named...
    modify_server(&id, &[("ClientIpPool", "172.16.8.0/24")])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("ClientIpPool"));
    // ... also when both are given, and only after existence.
    modify_server(
        "vss-unknown",
        &[
            ("ClientIpPool", "10.9.0.0/16"),
            ("LocalSubnet", "10.9.1.0/24"),
        ],
    )
    .send(&app)
    .await
    .assert_error(
        404,
        "InvalidSslVpnServerId.NotFound",
        "The specified SSL VPN server id does not exist.",
    );
    modify_server(
        &id,
        &[
            ("ClientIpPool", "10.9.0.0/16"),
            ("LocalSubnet", "10.9.1.0/24"),
        ],
    )
    .send(&app)
    .await
    .assert_error(400, "InvalidParameter", &invalid("ClientIpPool"));
    // ... and a subnet alone that meets the current pool names LocalSubnet.
    modify_server(&id, &[("LocalSubnet", "192.168.0.0/16,10.8.128.0/17")])
        .send(&app)
        .await
        .assert_error(400, "InvalidParameter", &invalid("LocalSubnet"));
    // Nothing of the refused calls was applied.
    let listed = only_server(
        &list_servers(&[("SslVpnServerId", &id)])
            .send(&app)
            .await
            .json(),
    );
    assert_eq!(listed["ClientIpPool"], "10.8.0.0/16");
    assert_eq!(listed["LocalSubnet"], "172.16.0.0/16");
    assert_eq!(listed["Name"], json!(id));
}

/// SPEC 11: Create, Delete and a Modify of more than the name keep the gateway `updating` for
/// the window; a rename, a Modify that changes nothing and a replay need no `active` gateway
/// and start no window; moving the clock ends it.
#[tokio::test]
async fn server_changes_keep_the_gateway_busy_for_their_window() {
    let app = spawn_servers(60_000).await;
    let made = create_server(FREE_GW, &[("ClientToken", "make-1")])
        .send(&app)
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.json()["SslVpnServerId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        gateway_status(FREE_GW).send(&app).await.json()["Status"],
        "updating"
    );
    // Other gateways are not busy.
    assert_eq!(
        gateway_status(BUSY_GW).send(&app).await.json()["Status"],
        "active"
    );
    let replay = create_server(FREE_GW, &[("ClientToken", "make-1")])
        .send(&app)
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.json()["SslVpnServerId"], json!(id));
    for req in [
        modify_server(&id, &[("Port", "1195")]),
        delete_server(&id, &[]),
        create_cert(&id),
    ] {
        req.send(&app)
            .await
            .assert_error(400, "VpnGateway.Configuring", CONFIGURING);
    }
    // Terraform re-sends the pool and subnet with every rename: equal values are no change.
    let renamed = modify_server(
        &id,
        &[
            ("Name", "during"),
            ("ClientIpPool", "10.8.0.0/16"),
            ("LocalSubnet", "172.16.0.0/16"),
            ("Port", "1194"),
        ],
    )
    .send(&app)
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["Name"], "during");
    let same = modify_server(&id, &[("Proto", "TCP")]).send(&app).await;
    assert_eq!(same.status, 200, "{}", same.body);

    admin("POST", "clock", r#"{"AdvanceSeconds": 61}"#)
        .send(&app)
        .await;
    assert_eq!(
        gateway_status(FREE_GW).send(&app).await.json()["Status"],
        "active"
    );
    // A rename starts no window; a real change does.
    modify_server(&id, &[("Name", "after")]).send(&app).await;
    assert_eq!(
        gateway_status(FREE_GW).send(&app).await.json()["Status"],
        "active"
    );
    let changed = modify_server(&id, &[("Port", "1195")]).send(&app).await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        gateway_status(FREE_GW).send(&app).await.json()["Status"],
        "updating"
    );
    admin("POST", "clock", r#"{"AdvanceSeconds": 61}"#)
        .send(&app)
        .await;
    let deleted = delete_server(&id, &[]).send(&app).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        gateway_status(FREE_GW).send(&app).await.json()["Status"],
        "updating"
    );
    // While it is busy, the gateway cannot take a new server.
    create_server(FREE_GW, &[]).send(&app).await.assert_error(
        400,
        "VpnGateway.Configuring",
        CONFIGURING,
    );
}

#[tokio::test]
async fn delete_takes_the_certificates_in_one_change_and_a_replay_answers_as_the_first() {
    let app = spawn_servers(0).await;
    let id = new_server(&app, &[]).await;
    let mut certs = Vec::new();
    for _ in 0..3 {
        let made = create_cert(&id).send(&app).await.json();
        certs.push(
            made["SslVpnClientCertId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    admin("DELETE", "requests", "").send(&app).await;
    let first = delete_server(&id, &[("ClientToken", "del-1")])
        .send(&app)
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.json(), json!({"RequestId": first.request_id()}));
    for cert in &certs {
        describe(cert).send(&app).await.assert_error(
            404,
            "InvalidSslVpnClientCertId.NotFound",
            "The specified SSL VPN client cert id does not exist.",
        );
    }
    let left = list(&[("SslVpnServerId", &id)]).send(&app).await.json();
    assert_eq!(left["TotalCount"], 0);
    // The default server's certificates are untouched.
    assert_eq!(list(&[]).send(&app).await.json()["TotalCount"], 2);
    let journal = admin("GET", "requests?action=DeleteSslVpnServer", "")
        .send(&app)
        .await
        .json();
    assert_eq!(journal.as_array().map(Vec::len), Some(1), "{journal}");
    // A replay answers as the first (200, though the server is gone); without a token, 404.
    let replay = delete_server(&id, &[("ClientToken", "del-1")])
        .send(&app)
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    delete_server(&id, &[]).send(&app).await.assert_error(
        404,
        "InvalidSslVpnServerId.NotFound",
        "The specified SSL VPN server id does not exist.",
    );
    // The same token with other parameters is a mismatch.
    delete_server(SERVER, &[("ClientToken", "del-1")])
        .send(&app)
        .await
        .assert_error(
            400,
            "IdempotentParameterMismatch",
            "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.",
        );
    // The gateway may take a new server now.
    new_server(&app, &[]).await;
}

#[tokio::test]
async fn faults_the_journal_and_the_state_cover_servers() {
    let app = spawn_servers(0).await;
    let rule = admin(
        "POST",
        "faults",
        r#"{"Action": "CreateSslVpnServer", "Code": "VpnGateway.Configuring"}"#,
    )
    .send(&app)
    .await;
    assert_eq!(rule.status, 200, "{}", rule.body);
    create_server(FREE_GW, &[]).send(&app).await.assert_error(
        400,
        "VpnGateway.Configuring",
        CONFIGURING,
    );
    let id = new_server(&app, &[("Name", "faulted-then-made")]).await;
    let journal = admin("GET", "requests?action=CreateSslVpnServer", "")
        .send(&app)
        .await
        .json();
    let codes: Vec<&Value> = journal
        .as_array()
        .expect("journal")
        .iter()
        .map(|e| &e["Code"])
        .collect();
    assert_eq!(codes, [&json!("VpnGateway.Configuring"), &Value::Null]);
    assert_eq!(journal[1]["Params"]["ClientIpPool"], "10.8.0.0/16");

    // The state carries the new server with its settings and CA; PUT state takes it back.
    let state = admin("GET", "state", "").send(&app).await.json();
    let server = state["SslVpnServers"]
        .as_array()
        .expect("servers")
        .iter()
        .find(|s| s["SslVpnServerId"] == json!(id))
        .expect("the new server is exported")
        .clone();
    for key in [
        "Proto",
        "Compress",
        "EnableMultiFactorAuth",
        "IDaaSInstanceId",
        "CreateTime",
        "CaCert",
        "CaKey",
    ] {
        assert!(server.get(key).is_some(), "{key} in {server}");
    }
    let put = admin("PUT", "state", &state.to_string()).send(&app).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let again = only_server(
        &list_servers(&[("SslVpnServerId", &id)])
            .send(&app)
            .await
            .json(),
    );
    assert_eq!(again["Name"], "faulted-then-made");
    assert_eq!(again["CreateTime"], server["CreateTime"]);
    // A state with a bad server field is refused whole.
    let mut bad = state.clone();
    bad["SslVpnServers"][0]["IDaaSInstanceID"] = json!("typo");
    let refused = admin("PUT", "state", &bad.to_string()).send(&app).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body.contains("SslVpnServers[0].IDaaSInstanceID"),
        "{}",
        refused.body
    );
}

/// Server changes go through the write-ahead log like certificate changes: after `kill -9`
/// the restart shows every acknowledged change, the server's CA included.
#[tokio::test]
async fn server_changes_survive_kill_9() {
    use crate::persistence::{Scratch, exported, kill9, send, with_state_file};
    let scratch = Scratch::new("servers-kill9");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    let deleted = send(addr, delete_server(SERVER, &[("ClientToken", "d")])).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    // One log record for the whole delete: the server (its two certificates go with it) and
    // the token, nothing per certificate.
    let log = String::from_utf8(crate::persistence::log_text(
        &scratch.file("state.json.wal"),
    ))
    .expect("the log");
    let records: Vec<Value> = log
        .lines()
        .skip(1)
        .map(|line| serde_json::from_str(line).expect("a JSON record"))
        .collect();
    assert_eq!(records.len(), 1, "{log}");
    let kinds: Vec<&str> = records[0]
        .as_array()
        .expect("a record is an array of changes")
        .iter()
        .filter_map(|change| change.as_object()?.keys().next().map(String::as_str))
        .collect();
    assert_eq!(kinds, ["DeleteServer", "Token"], "{log}");
    let made = send(addr, create_server(BUSY_GW, &[("Name", "kept")])).await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.json()["SslVpnServerId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let modified = send(addr, modify_server(&id, &[("Port", "1195")])).await;
    assert_eq!(modified.status, 200, "{}", modified.body);
    let cert = send(addr, create_cert(&id)).await.json();
    let cert_id = cert["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let material = send(addr, describe(&cert_id)).await.json();
    let before = exported(addr).await;
    assert_eq!(before["SslVpnServers"].as_array().map(Vec::len), Some(1));
    kill9(&mut child);

    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(exported(addr).await, before);
    let again = send(addr, describe(&cert_id)).await.json();
    assert_eq!(again["CaCert"], material["CaCert"]);
    assert_eq!(again["ClientCert"], material["ClientCert"]);
    // The old server's certificates stayed deleted; the token is remembered.
    assert_eq!(send(addr, list(&[])).await.json()["TotalCount"], 1);
    let replay = send(addr, delete_server(SERVER, &[("ClientToken", "d")])).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    kill9(&mut child);
}

/// A state file and log written by main of 2026-12-01 (before servers were API resources, with
/// no server CreateTime or settings) still load: defaults are filled in, the log is replayed,
/// and the server can then be changed through the API.
#[tokio::test]
async fn a_state_file_written_by_the_previous_main_still_loads() {
    use crate::persistence::{Scratch, exported, kill9, send, with_state_file};
    let scratch = Scratch::new("servers-old-file");
    let file = scratch.file("state.json");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/state-2026-12-01");
    std::fs::copy(format!("{data}/state.json"), &file).expect("copy the snapshot");
    std::fs::copy(
        format!("{data}/state.json.wal"),
        scratch.file("state.json.wal"),
    )
    .expect("copy the log");
    let (mut child, addr) = with_state_file(&file, &[]);
    let state = exported(addr).await;
    let names: Vec<(&str, &str)> = state["SslVpnClientCerts"]
        .as_array()
        .expect("certs")
        .iter()
        .map(|c| {
            (
                c["SslVpnClientCertId"].as_str().unwrap_or_default(),
                c["Name"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // The log's three changes: cert 1 renamed, cert 2 deleted, one certificate made.
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], (CERT1, "renamed-old"));
    assert_eq!(names[1].1, "old-made");
    let server = only_server(&send(addr, list_servers(&[])).await.json());
    assert_eq!(server["Proto"], "UDP");
    assert_eq!(server["Compress"], false);
    assert!(server["CreateTime"].as_i64().is_some(), "{server}");
    let modified = send(addr, modify_server(SERVER, &[("Cipher", "AES-256-CBC")])).await;
    assert_eq!(modified.status, 200, "{}", modified.body);
    kill9(&mut child);
}
