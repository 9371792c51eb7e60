//! What the journal says of each call (SPEC 14): the action asked for, known or not, with its
//! product and version, the method, the scheme, how it was signed and the client's
//! User-Agent; an action of the API that the emulator lacks is named in a `501`.

use serde_json::Value;

use crate::helpers::*;

async fn last_entry(app: &TestApp) -> Value {
    let entries = admin("GET", "requests?limit=1", "").send(app).await.json();
    entries[0].clone()
}

const NOT_EMULATED: &str = "The action DescribeVpnConnectionLogs of VPC 2016-04-28 is not emulated by aliyun-vpc-emulator 0.1.0; the emulated actions are listed at GET /_emulator/coverage.";

#[tokio::test]
async fn an_action_that_is_not_emulated_is_named_however_it_is_sent() {
    let app = spawn_default().await;
    let call = || rpc("DescribeVpnConnectionLogs", &[("RegionId", "cn-hangzhou")]);

    // ACS3: the action travels in a header.
    call()
        .sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr)
        .header(
            "user-agent",
            "AlibabaCloud (linux; x64) Node.js/v20 Core/1.0 TeaDSL/2",
        )
        .send(&app)
        .await
        .assert_error(501, "NotImplemented", NOT_EMULATED);
    let acs3 = last_entry(&app).await;
    assert_eq!(
        (
            &acs3["Action"],
            &acs3["Product"],
            &acs3["Version"],
            &acs3["Signature"],
            &acs3["Scheme"],
            &acs3["Code"],
            &acs3["HttpStatus"]
        ),
        (
            &Value::from("DescribeVpnConnectionLogs"),
            &Value::from("Vpc"),
            &Value::from("2016-04-28"),
            &Value::from("ACS3"),
            &Value::from("http"),
            &Value::from("NotImplemented"),
            &Value::from(501)
        ),
        "{acs3}"
    );
    assert_eq!(acs3["Method"], "GET");
    assert_eq!(
        acs3["UserAgent"],
        "AlibabaCloud (linux; x64) Node.js/v20 Core/1.0 TeaDSL/2"
    );

    // V1, in the query of a POST.
    call()
        .method("POST")
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await
        .assert_error(501, "NotImplemented", NOT_EMULATED);
    let v1 = last_entry(&app).await;
    assert_eq!(
        (&v1["Action"], &v1["Signature"], &v1["Method"]),
        (
            &Value::from("DescribeVpnConnectionLogs"),
            &Value::from("V1"),
            &Value::from("POST")
        )
    );
    assert_eq!(v1["UserAgent"], Value::Null);

    // Unsigned, a plain GET.
    call()
        .send(&app)
        .await
        .assert_error(501, "NotImplemented", NOT_EMULATED);
    let plain = last_entry(&app).await;
    assert_eq!(
        (&plain["Action"], &plain["Signature"], &plain["Method"]),
        (
            &Value::from("DescribeVpnConnectionLogs"),
            &Value::from("none"),
            &Value::from("GET")
        )
    );
    // The journal can be searched for it.
    let found = admin("GET", "requests?action=DescribeVpnConnectionLogs", "")
        .send(&app)
        .await
        .json();
    assert_eq!(found.as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn a_name_the_api_lacks_and_a_foreign_version_are_journaled_as_asked() {
    let app = spawn_default().await;
    rpc("Frobnicate", &[]).send(&app).await.assert_error(
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    );
    let entry = last_entry(&app).await;
    assert_eq!(
        (&entry["Action"], &entry["Product"], &entry["Version"]),
        (
            &Value::from("Frobnicate"),
            &Value::from("Vpc"),
            &Value::from("2016-04-28")
        )
    );
    rpc("DescribeRegions", &[])
        .set("Version", "2099-01-01")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    let entry = last_entry(&app).await;
    assert_eq!(
        (&entry["Action"], &entry["Product"], &entry["Version"]),
        (
            &Value::from("DescribeRegions"),
            &Value::Null,
            &Value::from("2099-01-01")
        )
    );
    // A name too long to be one is kept cut.
    let long = "A".repeat(10_000);
    rpc(&long, &[]).send(&app).await;
    let entry = last_entry(&app).await;
    assert!(
        entry["Action"]
            .as_str()
            .is_some_and(|a| a.len() < 600 && a.ends_with("...[cut]")),
        "{entry}"
    );
}

#[tokio::test]
async fn coverage_lists_every_action_of_the_api() {
    let app = spawn_default().await;
    let coverage = admin("GET", "coverage", "").send(&app).await.json();
    let actions = coverage["Actions"].as_array().expect("Actions");
    assert_eq!(actions.len(), 406, "404 of VPC and ECS's two zone reads");
    assert_eq!(coverage["Total"], 406);
    let emulated: Vec<&Value> = actions.iter().filter(|a| a["Emulated"] == true).collect();
    assert_eq!(coverage["Emulated"], emulated.len());
    assert_eq!(emulated.len(), 47);
    let modify = actions
        .iter()
        .find(|a| a["Action"] == "ModifySslVpnClientCert")
        .expect("the seed action");
    assert_eq!(modify["Product"], "Vpc");
    assert_eq!(modify["Version"], "2016-04-28");
    let by: Vec<&str> = modify["ExercisedBy"]
        .as_array()
        .expect("ExercisedBy")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for suite in ["python", "node", "go", "java", "cli-replay"] {
        assert!(by.contains(&suite), "{by:?}");
    }
    let missing = actions
        .iter()
        .find(|a| a["Action"] == "CreateVpnAttachment")
        .expect("an IPsec action");
    assert_eq!(missing["Emulated"], false);
    assert!(missing.get("ExercisedBy").is_none(), "{missing}");
}

/// SPEC 8: the journal's `Params` hold no secrets. A customer gateway's `AuthKey` is left out,
/// and so is the pre-shared key inside an `IkeConfig`, whose other settings stay as sent.
#[tokio::test]
async fn the_journal_holds_no_auth_key_and_no_pre_shared_key() {
    let app = spawn_default().await;
    rpc(
        "CreateCustomerGateway",
        &[
            ("RegionId", "cn-hangzhou"),
            ("IpAddress", "203.0.113.9"),
            ("AuthKey", "bgp-secret-1"),
        ],
    )
    .send(&app)
    .await;
    let entry = last_entry(&app).await;
    assert_eq!(entry["Action"], "CreateCustomerGateway");
    assert_eq!(entry["Params"]["IpAddress"], "203.0.113.9");
    assert!(entry["Params"].get("AuthKey").is_none(), "{entry}");
    assert!(!entry.to_string().contains("bgp-secret-1"), "{entry}");

    for (ike_config, shown) in [
        (
            r#"{"Psk":"psk-secret-2","IkeVersion":"ikev2","IkeLifetime":3600}"#,
            r#"{"IkeLifetime":3600,"IkeVersion":"ikev2"}"#,
        ),
        (r#"{"IkeVersion":"ikev1"}"#, r#"{"IkeVersion":"ikev1"}"#),
        (r#"psk-secret-2"#, "(not a JSON object; not shown)"),
    ] {
        rpc(
            "CreateVpnConnection",
            &[
                ("RegionId", "cn-hangzhou"),
                ("VpnGatewayId", "vpn-bp1emulator0000000001"),
                ("CustomerGatewayId", "cgw-missing"),
                ("LocalSubnet", "10.0.0.0/24"),
                ("RemoteSubnet", "192.168.0.0/24"),
                ("IkeConfig", ike_config),
            ],
        )
        .send(&app)
        .await;
        let entry = last_entry(&app).await;
        assert_eq!(entry["Action"], "CreateVpnConnection");
        let shown_now = entry["Params"]["IkeConfig"].as_str().unwrap_or_default();
        // Compared as JSON where it is JSON: the order of the settings is not the point.
        let as_json = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::from(text));
        let (got, want) = (as_json(shown_now), as_json(shown));
        assert_eq!(got, want, "{entry}");
        assert!(!entry.to_string().contains("psk-secret-2"), "{entry}");
    }
}
