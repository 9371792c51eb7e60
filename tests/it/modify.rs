//! `ModifySslVpnClientCert` (SPEC 7.1) and `DescribeRegions` (SPEC 7.5).

use aliyun_vpc_emulator::config::{Config, NameRule};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn rename_answers_exactly_and_sticks() {
    let app = spawn_default().await;
    let answer = modify(CERT1, &[("Name", "renamed")])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.status, 200);
    let rid = answer.request_id();
    assert_eq!(
        answer.body,
        json!({"RequestId": rid, "Name": "renamed", "SslVpnClientCertId": CERT1}).to_string()
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("renamed"));
    assert_eq!(cert_name(&app, CERT2).await.as_deref(), Some("cert2"));
}

#[tokio::test]
async fn special_characters_round_trip_through_both_signatures() {
    let app = spawn_default().await;
    let name = "my cert*~/é+&=()!'";
    let v1 = modify(CERT1, &[("Name", name)])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(v1.json()["Name"], name, "{}", v1.body);
    let acs3 = modify(CERT2, &[("Name", name)])
        .sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr)
        .send(&app)
        .await;
    assert_eq!(acs3.json()["Name"], name, "{}", acs3.body);
    assert_eq!(cert_name(&app, CERT2).await.as_deref(), Some(name));
}

#[tokio::test]
async fn without_a_name_nothing_changes() {
    let app = spawn_default().await;
    let answer = modify(CERT2, &[]).send(&app).await;
    assert_eq!(answer.json()["Name"], "cert2");
    assert_eq!(cert_name(&app, CERT2).await.as_deref(), Some("cert2"));
}

#[tokio::test]
async fn current_name_rule() {
    let app = spawn_default().await;
    for bad in ["", "http://x", "HTTPS://x", &"a".repeat(101)] {
        modify(CERT1, &[("Name", bad)])
            .send(&app)
            .await
            .assert_error(400, "InvalidName", "The name is not valid");
    }
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("cert1"));
    for good in ["x", "1 starts with a digit", &"证".repeat(100)] {
        assert_eq!(
            modify(CERT1, &[("Name", good)]).send(&app).await.json()["Name"],
            good
        );
    }
}

#[tokio::test]
async fn legacy_name_rule() {
    let app = spawn_with(
        Config {
            name_rule: NameRule::Legacy,
            ..test_config()
        },
        None,
    )
    .await;
    for bad in ["x", "1abc", "with space", &format!("a{}", "b".repeat(128))] {
        modify(CERT1, &[("Name", bad)])
            .send(&app)
            .await
            .assert_error(400, "InvalidName", "The name is not valid");
    }
    for good in ["ab", "证书-1.a_b", &format!("a{}", "b".repeat(127))] {
        assert_eq!(
            modify(CERT1, &[("Name", good)]).send(&app).await.json()["Name"],
            good
        );
    }
}

#[tokio::test]
async fn certificates_are_found_only_in_their_region() {
    let app = spawn_test().await;
    modify(CERT1, &[])
        .set("RegionId", "cn-shanghai")
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidSslVpnClientCertId.NotFound",
            "The specified SSL VPN client cert id does not exist.",
        );
}

#[tokio::test]
async fn rename_works_while_the_gateway_is_updating() {
    // TEST_FIXTURES puts the gateway of certs 1 and 2 in `updating`.
    let app = spawn_test().await;
    assert_eq!(
        modify(CERT1, &[("Name", "during update")])
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(
        cert_name(&app, CERT1).await.as_deref(),
        Some("during update")
    );
}

#[tokio::test]
async fn describe_regions_in_both_languages() {
    let app = spawn_default().await;
    let zh = rpc("DescribeRegions", &[]).send(&app).await.json();
    let regions = zh["Regions"]["Region"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(regions.len() >= 25, "{}", regions.len());
    let hangzhou = regions
        .iter()
        .find(|r| r["RegionId"] == "cn-hangzhou")
        .cloned();
    assert_eq!(
        hangzhou,
        Some(
            json!({"RegionId": "cn-hangzhou", "LocalName": "华东1（杭州）", "RegionEndpoint": "vpc.aliyuncs.com"})
        )
    );
    assert_eq!(regions[0]["RegionId"], "cn-qingdao");

    let en = rpc(
        "DescribeRegions",
        &[
            ("AcceptLanguage", "EN-us"),
            ("RegionId", "nowhere-1"),
            ("ProductType", "VPC"),
        ],
    )
    .send(&app)
    .await;
    assert_eq!(en.status, 200);
    let en = en.json();
    let names: Vec<&str> = en["Regions"]["Region"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["LocalName"].as_str()).collect())
        .unwrap_or_default();
    assert!(names.contains(&"China (Hangzhou)"));
    assert!(names.contains(&"Germany (Frankfurt)"));

    let xml = rpc("DescribeRegions", &[("AcceptLanguage", "en-US")])
        .set("Format", "XML")
        .send(&app)
        .await;
    assert!(xml.body.contains("<Regions><Region><RegionId>cn-qingdao</RegionId><LocalName>China (Qingdao)</LocalName><RegionEndpoint>vpc.aliyuncs.com</RegionEndpoint></Region><Region>"), "{}", xml.body);
}
