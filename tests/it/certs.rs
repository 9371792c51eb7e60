//! The certificate lifecycle (SPEC 7.2–7.6): Create, Describe, list and Delete, with real X.509
//! material.

use std::collections::HashSet;

use aliyun_vpc_emulator::clock::real_now_ms;
use aliyun_vpc_emulator::config::Config;
use serde_json::{Value, json};
use x509_parser::pem::parse_x509_pem;

use crate::helpers::*;

const DAY_MS: i64 = 86_400_000;

/// The IDs a list call answers; the call must succeed, so that an empty list is a real one.
async fn listed_ids(app: &TestApp, extra: &[(&str, &str)]) -> Vec<String> {
    let answer = list(extra).send(app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json()["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
        .as_array()
        .expect("a list of certificates")
        .iter()
        .map(|i| i["SslVpnClientCertId"].as_str().expect("an ID").to_owned())
        .collect()
}

#[tokio::test]
async fn create_answers_a_new_id_with_the_real_shape() {
    let app = spawn_default().await;
    let answer = create(&[("Name", "laptop")])
        .sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr)
        .send(&app)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    let id = body["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        answer.body,
        json!({"RequestId": answer.request_id(), "Name": "laptop", "SslVpnClientCertId": id})
            .to_string()
    );
    assert_eq!(id.len(), 25);
    assert!(
        id.starts_with("vsc-")
            && id[4..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "{id}"
    );

    // Without a name, the name is the ID.
    let unnamed = create(&[]).send(&app).await.json();
    assert!(unnamed["SslVpnClientCertId"].is_string(), "{unnamed}");
    assert_eq!(unnamed["Name"], unnamed["SslVpnClientCertId"]);
    assert_eq!(listed_ids(&app, &[]).await.len(), 4);
}

#[tokio::test]
async fn ids_follow_the_seed() {
    let a = spawn_default().await;
    let b = spawn_default().await;
    let other_seed = spawn_with(
        Config {
            seed: Some(43),
            ..test_config()
        },
        None,
    )
    .await;
    let first = create(&[]).send(&a).await.json()["SslVpnClientCertId"].clone();
    assert!(first.is_string(), "{first}");
    assert_eq!(
        create(&[]).send(&b).await.json()["SslVpnClientCertId"],
        first
    );
    assert_ne!(
        create(&[]).send(&other_seed).await.json()["SslVpnClientCertId"],
        first
    );
}

#[tokio::test]
async fn create_times_are_three_years_apart() {
    let app = spawn_default().await;
    let before = real_now_ms();
    let id = create(&[]).send(&app).await.json()["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let after = real_now_ms();
    let cert = describe(&id).send(&app).await.json();
    let created = cert["CreateTime"].as_i64().unwrap_or_default();
    assert!((before..=after).contains(&created), "{created}");
    assert_eq!(cert["EndTime"].as_i64(), Some(created + 1095 * DAY_MS));
    assert_eq!(cert["Status"], "normal");
}

#[tokio::test]
async fn create_refusals() {
    let app = spawn_test().await;
    let not_found = "The specified SSL VPN server id does not exist.";
    rpc("CreateSslVpnClientCert", &[("RegionId", "cn-hangzhou")])
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingSslVpnServerId",
            "SslVpnServerId is mandatory for this action.",
        );
    rpc(
        "CreateSslVpnClientCert",
        &[("RegionId", "cn-hangzhou"), ("SslVpnServerId", "vss-nope")],
    )
    .send(&app)
    .await
    .assert_error(404, "InvalidSslVpnServerId.NotFound", not_found);
    // Another account's server, and the right server in the wrong region.
    rpc(
        "CreateSslVpnClientCert",
        &[
            ("RegionId", "cn-hangzhou"),
            ("SslVpnServerId", "vss-other000000000000001"),
        ],
    )
    .send(&app)
    .await
    .assert_error(404, "InvalidSslVpnServerId.NotFound", not_found);
    rpc(
        "CreateSslVpnClientCert",
        &[("RegionId", "cn-shanghai"), ("SslVpnServerId", SERVER)],
    )
    .send(&app)
    .await
    .assert_error(404, "InvalidSslVpnServerId.NotFound", not_found);
    create(&[("Name", "https://x")])
        .send(&app)
        .await
        .assert_error(400, "InvalidName", "The name is not valid");
    // TEST_FIXTURES' gateway is updating.
    create(&[]).send(&app).await.assert_error(
        400,
        "VpnGateway.Configuring",
        "The specified service is configuring.",
    );
    assert_eq!(
        create(&[])
            .sign_v1(READONLY_KEY, READONLY_SECRET)
            .send(&app)
            .await
            .json()["Code"],
        "Forbidden"
    );
    assert_eq!(listed_ids(&app, &[]).await.len(), 2);
}

#[tokio::test]
async fn a_user_needs_the_server_in_its_resources_to_create() {
    let app = spawn_test_active().await;
    let answer = create(&[])
        .sign_v1("LTAIlimited", "LimitedSecret")
        .send(&app)
        .await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.json()["Code"], "Forbbiden.SubUser");
    assert_eq!(
        answer.json()["AccessDeniedDetail"]["AuthAction"],
        "vpc:CreateSslVpnClientCert"
    );
}

#[tokio::test]
async fn the_fifty_first_certificate_is_over_quota() {
    let app = spawn_default().await;
    for _ in 0..48 {
        assert_eq!(create(&[]).send(&app).await.status, 200);
    }
    create(&[]).send(&app).await.assert_error(
        400,
        "CreateSslCertsQuotaFull.QuotaFull",
        "Create the number of SSL certificates that exceed the quota limit.",
    );
    assert_eq!(
        list(&[("PageSize", "50")]).send(&app).await.json()["TotalCount"],
        50
    );
    // Deleting one makes room again.
    assert_eq!(delete(CERT1, &[]).send(&app).await.status, 200);
    assert_eq!(create(&[]).send(&app).await.status, 200);
}

fn pem_cert(pem: &str) -> x509_parser::pem::Pem {
    parse_x509_pem(pem.as_bytes()).expect("PEM certificate").1
}

#[tokio::test]
async fn describe_gives_real_material_that_stays_the_same() {
    let app = spawn_default().await;
    let answer = describe(CERT1)
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = answer.json();
    let keys: Vec<&str> = body
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "RequestId",
            "RegionId",
            "SslVpnClientCertId",
            "SslVpnServerId",
            "Name",
            "CaCert",
            "ClientCert",
            "ClientKey",
            "ClientConfig",
            "CreateTime",
            "EndTime",
            "Status",
            "ResourceGroupId"
        ]
    );
    assert_eq!(body["RegionId"], "cn-hangzhou");
    assert_eq!(body["SslVpnServerId"], SERVER);
    assert_eq!(body["Name"], "cert1");
    assert_eq!(body["CreateTime"], 1_764_547_200_000i64);
    assert_eq!(body["EndTime"], 1_859_155_200_000i64);
    assert_eq!(body["Status"], "normal");
    assert_eq!(body["ResourceGroupId"], "rg-acfmemulator01");

    let ca_pem = pem_cert(body["CaCert"].as_str().unwrap_or_default());
    let client_pem = pem_cert(body["ClientCert"].as_str().unwrap_or_default());
    let ca = ca_pem.parse_x509().expect("CA parses");
    let client = client_pem.parse_x509().expect("client cert parses");
    assert!(ca.is_ca());
    assert_eq!(client.issuer(), ca.subject());
    client
        .verify_signature(Some(ca.public_key()))
        .expect("signed by the CA");
    let cn = client
        .subject()
        .iter_common_name()
        .next()
        .and_then(|c| c.as_str().ok());
    assert_eq!(cn, Some(CERT1));
    assert_eq!(client.validity().not_before.timestamp(), 1_764_547_200);
    assert_eq!(client.validity().not_after.timestamp(), 1_859_155_200);
    assert!(
        body["ClientKey"]
            .as_str()
            .unwrap_or_default()
            .starts_with("-----BEGIN PRIVATE KEY-----\n")
    );

    let config = body["ClientConfig"].as_str().unwrap_or_default();
    for line in [
        "client",
        "dev tun",
        "proto udp",
        "remote 127.0.0.1 1194",
        "cipher AES-128-CBC",
    ] {
        assert!(
            config.lines().any(|l| l == line),
            "{line} missing from\n{config}"
        );
    }
    for (tag, field) in [
        ("ca", "CaCert"),
        ("cert", "ClientCert"),
        ("key", "ClientKey"),
    ] {
        let block = format!(
            "<{tag}>\n{}\n</{tag}>\n",
            body[field].as_str().unwrap_or_default().trim_end()
        );
        assert!(config.contains(&block), "<{tag}> is not {field}");
    }

    // The same material on every read, and in the exported state.
    let again = describe(CERT1).send(&app).await.json();
    for field in ["CaCert", "ClientCert", "ClientKey", "ClientConfig"] {
        assert_eq!(again[field], body[field], "{field}");
    }
    let state = Req::get(Vec::new())
        .path("/_emulator/state")
        .send(&app)
        .await
        .json();
    assert_eq!(
        state["SslVpnClientCerts"][0]["ClientCert"],
        body["ClientCert"]
    );
    assert_eq!(state["SslVpnServers"][0]["CaCert"], body["CaCert"]);
}

#[tokio::test]
async fn describe_refusals() {
    let app = spawn_test().await;
    describe("vsc-nope").send(&app).await.assert_error(
        404,
        "InvalidSslVpnClientCertId.NotFound",
        "The specified SSL VPN client cert id does not exist.",
    );
    describe("vsc-other000000000000001")
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidSslVpnClientCertId.NotFound",
            "The specified SSL VPN client cert id does not exist.",
        );
    let limited = describe(CERT1)
        .sign_v1("LTAIlimited", "LimitedSecret")
        .send(&app)
        .await;
    assert_eq!(limited.json()["Code"], "Forbbiden.SubUser");
    assert_eq!(
        describe(CERT2)
            .sign_v1("LTAIlimited", "LimitedSecret")
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(
        describe(CERT1)
            .sign_v1(READONLY_KEY, READONLY_SECRET)
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(
        describe(CERT1)
            .sign_v1("LTAIops", "OpsSecret")
            .send(&app)
            .await
            .json()["Code"],
        "Forbidden"
    );
}

fn fixtures_with_end_times(
    end_times: &[(&str, i64)],
    server_extra: &str,
    gateway_extra: &str,
) -> String {
    let certs: Vec<Value> = end_times
        .iter()
        .map(|(id, end)| json!({"SslVpnClientCertId": id, "RegionId": "cn-hangzhou", "SslVpnServerId": "vss-1", "CreateTime": 1_000, "EndTime": end}))
        .collect();
    format!(
        r#"{{"Regions": [{{"RegionId": "cn-hangzhou"}}], "Accounts": [{{"AccountId": "1"}}],
            "VpnGateways": [{{"VpnGatewayId": "vpn-1", "RegionId": "cn-hangzhou"{gateway_extra}}}],
            "SslVpnServers": [{{"SslVpnServerId": "vss-1", "RegionId": "cn-hangzhou", "VpnGatewayId": "vpn-1"{server_extra}}}],
            "SslVpnClientCerts": {}}}"#,
        Value::Array(certs)
    )
}

#[tokio::test]
async fn status_is_computed_when_read() {
    let now = real_now_ms();
    let fixtures = fixtures_with_end_times(
        &[
            ("vsc-expired", now - 1),
            ("vsc-soon", now + 3 * DAY_MS),
            ("vsc-fine", now + 8 * DAY_MS),
        ],
        "",
        "",
    );
    let app = spawn_with(test_config(), Some(&fixtures)).await;
    for (id, status) in [
        ("vsc-expired", "expired"),
        ("vsc-soon", "expiring-soon"),
        ("vsc-fine", "normal"),
    ] {
        assert_eq!(
            describe(id).send(&app).await.json()["Status"],
            status,
            "{id}"
        );
    }
    let listed = list(&[]).send(&app).await.json();
    let statuses: Vec<&str> = listed["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["Status"].as_str()).collect())
        .unwrap_or_default();
    // Equal CreateTimes: ID order (vsc-expired, vsc-fine, vsc-soon).
    assert_eq!(statuses, ["expired", "normal", "expiring-soon"]);
}

#[tokio::test]
async fn the_config_follows_the_server_and_gateway() {
    let fixtures = fixtures_with_end_times(
        &[("vsc-a", 2_000)],
        r#", "Proto": "TCP", "Port": 1443, "Cipher": "AES-256-CBC""#,
        r#", "InternetIp": "203.0.113.7""#,
    );
    let app = spawn_with(test_config(), Some(&fixtures)).await;
    let config = describe("vsc-a").send(&app).await.json()["ClientConfig"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for line in ["proto tcp", "remote 203.0.113.7 1443", "cipher AES-256-CBC"] {
        assert!(
            config.lines().any(|l| l == line),
            "{line} missing from\n{config}"
        );
    }
}

#[tokio::test]
async fn list_pages_filters_and_orders() {
    let app = spawn_default().await;
    let mut created = Vec::new();
    for name in ["b", "a", "a"] {
        created.push(
            create(&[("Name", name)]).send(&app).await.json()["SslVpnClientCertId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let all = list(&[]).send(&app).await.json();
    assert_eq!(all["TotalCount"], 5);
    assert_eq!(all["PageNumber"], 1);
    assert_eq!(all["PageSize"], 10);
    let first = &all["SslVpnClientCertKeys"]["SslVpnClientCertKey"][0];
    assert_eq!(
        first,
        &json!({"RegionId": "cn-hangzhou", "SslVpnClientCertId": CERT1, "SslVpnServerId": SERVER, "Name": "cert1",
                "CreateTime": 1_764_547_200_000i64, "EndTime": 1_859_155_200_000i64, "Status": "normal", "ResourceGroupId": "rg-acfmemulator01"})
    );
    // CreateTime order: the fixtures' two first, then the new ones.
    let ids = listed_ids(&app, &[]).await;
    assert_eq!(&ids[..2], [CERT1, CERT2]);
    assert_eq!(
        ids[2..].iter().cloned().collect::<HashSet<_>>(),
        created.iter().cloned().collect::<HashSet<_>>()
    );

    let page2 = list(&[("PageSize", "2"), ("PageNumber", "2")])
        .send(&app)
        .await
        .json();
    assert_eq!(page2["TotalCount"], 5);
    assert_eq!(page2["PageSize"], 2);
    assert_eq!(
        listed_ids(&app, &[("PageSize", "2"), ("PageNumber", "2")]).await,
        ids[2..4]
    );
    assert_eq!(
        listed_ids(&app, &[("PageSize", "2"), ("PageNumber", "3")]).await,
        ids[4..]
    );
    let past = list(&[("PageNumber", "9")]).send(&app).await.json();
    assert_eq!(
        past["SslVpnClientCertKeys"],
        json!({"SslVpnClientCertKey": []})
    );
    assert_eq!(past["TotalCount"], 5);

    assert_eq!(listed_ids(&app, &[("Name", "a")]).await.len(), 2);
    assert_eq!(listed_ids(&app, &[("Name", "A")]).await.len(), 0);
    assert_eq!(
        listed_ids(&app, &[("SslVpnClientCertId", CERT2)]).await,
        [CERT2]
    );
    assert_eq!(
        listed_ids(
            &app,
            &[
                ("SslVpnServerId", SERVER),
                ("ResourceGroupId", "rg-acfmemulator01")
            ]
        )
        .await
        .len(),
        5
    );
    assert_eq!(
        listed_ids(&app, &[("ResourceGroupId", "rg-other")])
            .await
            .len(),
        0
    );
    assert_eq!(
        listed_ids(&app, &[("Name", ""), ("SslVpnServerId", "")])
            .await
            .len(),
        5,
        "empty filters filter nothing"
    );
    assert_eq!(
        list(&[])
            .set("RegionId", "cn-shanghai")
            .send(&app)
            .await
            .json()["TotalCount"],
        0
    );
}

#[tokio::test]
async fn list_paging_values_are_checked() {
    let app = spawn_default().await;
    for (name, value) in [
        ("PageSize", "0"),
        ("PageSize", "51"),
        ("PageSize", "ten"),
        ("PageSize", ""),
        ("PageSize", "-1"),
        ("PageSize", "+5"),
        ("PageNumber", "0"),
        ("PageNumber", "1.5"),
        ("PageNumber", "99999999999999999999999"),
    ] {
        list(&[(name, value)]).send(&app).await.assert_error(
            400,
            "InvalidParameter",
            &format!("The specified parameter \"{name}\" is not valid."),
        );
    }
    assert_eq!(
        list(&[("PageSize", "50"), ("PageNumber", "007")])
            .send(&app)
            .await
            .json()["PageNumber"],
        7
    );
}

#[tokio::test]
async fn list_checks_only_the_action() {
    let app = spawn_test().await;
    assert_eq!(
        list(&[])
            .sign_v1("LTAIlimited", "LimitedSecret")
            .send(&app)
            .await
            .json()["TotalCount"],
        2
    );
    assert_eq!(
        list(&[])
            .sign_v1("LTAIops", "OpsSecret")
            .send(&app)
            .await
            .json()["Code"],
        "Forbidden"
    );
    assert_eq!(
        list(&[])
            .sign_v1("LTAIother", "OtherSecret")
            .send(&app)
            .await
            .json()["TotalCount"],
        1
    );
}

#[tokio::test]
async fn list_as_xml_has_the_wrappers() {
    let app = spawn_default().await;
    let xml = list(&[("PageSize", "1")])
        .set("Format", "XML")
        .send(&app)
        .await;
    let rid = xml
        .header("x-acs-request-id")
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        xml.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeSslVpnClientCertsResponse><RequestId>{rid}</RequestId><TotalCount>2</TotalCount><PageNumber>1</PageNumber><PageSize>1</PageSize><SslVpnClientCertKeys><SslVpnClientCertKey><RegionId>cn-hangzhou</RegionId><SslVpnClientCertId>{CERT1}</SslVpnClientCertId><SslVpnServerId>{SERVER}</SslVpnServerId><Name>cert1</Name><CreateTime>1764547200000</CreateTime><EndTime>1859155200000</EndTime><Status>normal</Status><ResourceGroupId>rg-acfmemulator01</ResourceGroupId></SslVpnClientCertKey></SslVpnClientCertKeys></DescribeSslVpnClientCertsResponse>"
        )
    );
}

#[tokio::test]
async fn delete_removes_and_replays() {
    let app = spawn_default().await;
    let answer = delete(CERT1, &[("ClientToken", "del-1")])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.body,
        json!({"RequestId": answer.request_id()}).to_string()
    );
    describe(CERT1).send(&app).await.assert_error(
        404,
        "InvalidSslVpnClientCertId.NotFound",
        "The specified SSL VPN client cert id does not exist.",
    );
    delete(CERT1, &[]).send(&app).await.assert_error(
        404,
        "InvalidSslVpnClientCertId.NotFound",
        "The specified SSL VPN client cert id does not exist.",
    );
    // The retry of the successful delete still answers its result.
    let replay = delete(CERT1, &[("ClientToken", "del-1")]).send(&app).await;
    assert_eq!(replay.status, 200);
    assert_eq!(
        replay.body,
        json!({"RequestId": replay.request_id()}).to_string()
    );
    assert_eq!(listed_ids(&app, &[]).await, [CERT2]);
}

#[tokio::test]
async fn delete_refusals() {
    let app = spawn_test().await;
    delete(CERT1, &[]).send(&app).await.assert_error(
        400,
        "VpnGateway.Configuring",
        "The specified service is configuring.",
    );
    assert_eq!(
        delete(CERT1, &[])
            .sign_v1(READONLY_KEY, READONLY_SECRET)
            .send(&app)
            .await
            .json()["Code"],
        "Forbidden"
    );
    delete("vsc-other000000000000001", &[])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidSslVpnClientCertId.NotFound",
            "The specified SSL VPN client cert id does not exist.",
        );
    assert_eq!(
        listed_ids(&app, &[]).await,
        [CERT1, CERT2],
        "nothing deleted"
    );
    let app = spawn_test_active().await;
    assert_eq!(
        delete(CERT1, &[])
            .sign_v1("LTAIlimited", "LimitedSecret")
            .send(&app)
            .await
            .json()["Code"],
        "Forbbiden.SubUser"
    );
    assert_eq!(listed_ids(&app, &[]).await, [CERT1, CERT2]);
}

#[tokio::test]
async fn create_with_a_token_is_idempotent_and_tokens_are_per_action() {
    let app = spawn_default().await;
    let first = create(&[("Name", "x"), ("ClientToken", "c-1")])
        .send(&app)
        .await
        .json();
    let again = create(&[("Name", "x"), ("ClientToken", "c-1")])
        .into_form_post()
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await
        .json();
    assert_eq!(again["SslVpnClientCertId"], first["SslVpnClientCertId"]);
    assert_eq!(listed_ids(&app, &[]).await.len(), 3);
    let mismatch = create(&[("Name", "y"), ("ClientToken", "c-1")])
        .send(&app)
        .await;
    assert_eq!(mismatch.json()["Code"], "IdempotentParameterMismatch");
    // The same token on another action is another scope.
    assert_eq!(
        delete(CERT2, &[("ClientToken", "c-1")])
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(listed_ids(&app, &[]).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_creates_with_one_token_make_one_certificate() {
    let app = spawn_default().await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(16));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let bytes = create(&[("Name", "once"), ("ClientToken", "race-create")])
            .sign_v1(ROOT_KEY, ROOT_SECRET)
            .to_bytes(app.addr);
        let (addr, barrier) = (app.addr, barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            send_raw(addr, &bytes).await
        }));
    }
    let mut ids = HashSet::new();
    for task in tasks {
        let answer = task.await.expect("task");
        assert_eq!(answer.status, 200, "{}", answer.body);
        ids.insert(
            answer.json()["SslVpnClientCertId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(ids.len(), 1);
    let listed = listed_ids(&app, &[]).await;
    assert_eq!(listed.len(), 3);
    assert!(ids.iter().all(|id| listed.contains(id)));
}
