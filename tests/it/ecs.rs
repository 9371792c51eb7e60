//! The ECS zone reads of SPEC 14 (Version 2014-05-26, same port), with exact payloads.

use serde_json::json;

use crate::helpers::*;

const FIXTURES: &str = r#"{
  "Regions": [{"RegionId": "cn-shanghai", "LocalNames": {"zh-CN": "华东2（上海）", "en-US": "China (Shanghai)"},
               "Zones": ["cn-shanghai-b", "cn-shanghai-e"]}],
  "Accounts": [{"AccountId": "1000000000000001",
                "AccessKeys": [{"AccessKeyId": "LTAI5tEmulatorRootKey", "AccessKeySecret": "EmulatorRootSecret"}]}]
}"#;

fn ecs(action: &str, params: &[(&str, &str)]) -> Req {
    rpc(action, params).set("Version", "2014-05-26")
}

fn without_request_id(mut body: serde_json::Value) -> serde_json::Value {
    body.as_object_mut().expect("an object").remove("RequestId");
    body
}

#[tokio::test]
async fn describe_zones_answers_each_zone_of_the_region_with_the_fixed_catalogue() {
    let app = spawn_with(test_config(), Some(FIXTURES)).await;
    let answer = ecs(
        "DescribeZones",
        &[("RegionId", "cn-shanghai"), ("AcceptLanguage", "en-US")],
    )
    .sign_v1(ROOT_KEY, ROOT_SECRET)
    .send(&app)
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let zone = |id: &str, letter: &str| {
        json!({
            "ZoneId": id,
            "LocalName": format!("China (Shanghai) Zone {letter}"),
            "ZoneType": "AvailabilityZone",
            "AvailableResourceCreation": {"ResourceTypes": ["VSwitch", "IoOptimized", "Instance", "Disk"]},
            "AvailableInstanceTypes": {"InstanceTypes": ["ecs.c6.large", "ecs.c6.xlarge", "ecs.g6.large",
                                                        "ecs.g6.xlarge", "ecs.r6.large", "ecs.t6-c1m1.large"]},
            "AvailableDiskCategories": {"DiskCategories": ["cloud_efficiency", "cloud_ssd", "cloud_essd"]},
            "AvailableVolumeCategories": {"VolumeCategories": ["cloud_efficiency", "cloud_ssd", "cloud_essd"]},
            "AvailableDedicatedHostTypes": {"DedicatedHostType": []},
        })
    };
    assert_eq!(
        without_request_id(answer.json()),
        json!({"Zones": {"Zone": [zone("cn-shanghai-b", "B"), zone("cn-shanghai-e", "E")]}})
    );
    // Chinese names by default; the journal names the action.
    let zh = ecs("DescribeZones", &[("RegionId", "cn-shanghai")])
        .send(&app)
        .await
        .json();
    assert_eq!(
        zh["Zones"]["Zone"][1]["LocalName"],
        "华东2（上海） 可用区 E"
    );
    let journal = admin("GET", "requests?action=DescribeZones", "")
        .send(&app)
        .await
        .json();
    assert_eq!(journal.as_array().map(Vec::len), Some(2), "{journal}");
}

#[tokio::test]
async fn describe_available_resource_answers_each_destination() {
    let app = spawn_with(test_config(), Some(FIXTURES)).await;
    let available = |destination: &'static str, extra: &'static [(&'static str, &'static str)]| {
        let app = &app;
        async move {
            let mut params = vec![
                ("RegionId", "cn-shanghai"),
                ("DestinationResource", destination),
            ];
            params.extend_from_slice(extra);
            let answer = ecs("DescribeAvailableResource", &params).send(app).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            without_request_id(answer.json())
        }
    };
    let zone = |id: &str, kind: &str, values: &[&str]| {
        let supported: Vec<_> = values
            .iter()
            .map(|v| json!({"Value": v, "Status": "Available", "StatusCategory": "WithStock"}))
            .collect();
        json!({
            "ZoneId": id, "RegionId": "cn-shanghai", "Status": "Available", "StatusCategory": "WithStock",
            "AvailableResources": {"AvailableResource": [
                {"Type": kind, "SupportedResources": {"SupportedResource": supported}}]},
        })
    };
    assert_eq!(
        available("Zone", &[]).await,
        json!({"AvailableZones": {"AvailableZone": [
            zone("cn-shanghai-b", "Zone", &["cn-shanghai-b"]),
            zone("cn-shanghai-e", "Zone", &["cn-shanghai-e"])]}})
    );
    assert_eq!(
        available(
            "InstanceType",
            &[
                ("ZoneId", "cn-shanghai-e"),
                ("InstanceType", "ecs.g6.large")
            ]
        )
        .await,
        json!({"AvailableZones": {"AvailableZone": [
            zone("cn-shanghai-e", "InstanceType", &["ecs.g6.large"])]}})
    );
    assert_eq!(
        available("SystemDisk", &[("ZoneId", "cn-shanghai-b")]).await,
        json!({"AvailableZones": {"AvailableZone": [
            zone("cn-shanghai-b", "SystemDisk", &["cloud_efficiency", "cloud_ssd", "cloud_essd"])]}})
    );
    assert_eq!(
        available("Zone", &[("ZoneId", "cn-shanghai-z")]).await,
        json!({"AvailableZones": {"AvailableZone": []}}),
        "a zone the region lacks has no stock"
    );
}

#[tokio::test]
async fn the_zone_reads_refuse_what_the_api_refuses() {
    let app = spawn_with(test_config(), Some(FIXTURES)).await;
    ecs("DescribeAvailableResource", &[("RegionId", "cn-shanghai")])
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingDestinationResource",
            "DestinationResource is mandatory for this action.",
        );
    ecs(
        "DescribeAvailableResource",
        &[("RegionId", "cn-shanghai"), ("DestinationResource", "Moon")],
    )
    .send(&app)
    .await
    .assert_error(
        400,
        "InvalidParameter",
        "The specified parameter \"DestinationResource\" is not valid.",
    );
    ecs("DescribeZones", &[("RegionId", "cn-nowhere")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidRegionId.NotFound",
            "The specified region is not found during access authentication.",
        );
    ecs("DescribeZones", &[]).send(&app).await.assert_error(
        400,
        "MissingRegionId",
        "RegionId is mandatory for this action.",
    );
    ecs("DescribeInstances", &[("RegionId", "cn-shanghai")])
        .send(&app)
        .await
        .assert_error(
            501,
            "NotImplemented",
            "The action DescribeInstances of ECS 2014-05-26 is not emulated by aliyun-vpc-emulator 0.1.0; the emulated actions are listed at GET /_emulator/coverage.",
        );
}
