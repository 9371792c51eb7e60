//! The wire protocol (SPEC section 3): methods, paths, bodies, Format, parameters, check order.

use aliyun_vpc_emulator::config::Config;

use crate::helpers::*;

#[tokio::test]
async fn methods_other_than_get_and_post_are_refused() {
    let app = spawn_default().await;
    for method in ["PUT", "DELETE", "PATCH"] {
        modify(CERT1, &[])
            .method(method)
            .send(&app)
            .await
            .assert_error(
                403,
                "UnsupportedHTTPMethod",
                "This http method not supported.",
            );
    }
}

#[tokio::test]
async fn other_paths_are_an_unknown_action() {
    let app = spawn_default().await;
    for path in ["/x", "/api/", "/_emulator"] {
        modify(CERT1, &[]).path(path).send(&app).await.assert_error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_declared_or_chunked() {
    let app = spawn_with(
        Config {
            max_body_bytes: 64,
            ..test_config()
        },
        None,
    )
    .await;
    let message = "The request body is larger than 64 bytes.";
    let big = modify(CERT1, &[("Name", &"n".repeat(100))]).into_form_post();
    big.send(&app)
        .await
        .assert_error(413, "RequestEntityTooLarge", message);

    let mut chunked = modify(CERT1, &[])
        .method("POST")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("transfer-encoding", "chunked");
    chunked.body = format!("64\r\nName={}\r\n0\r\n\r\n", "n".repeat(95)).into_bytes();
    chunked
        .send(&app)
        .await
        .assert_error(413, "RequestEntityTooLarge", message);

    // A body of exactly the limit is served.
    let mut fits = modify(CERT1, &[])
        .method("POST")
        .header("content-type", "application/x-www-form-urlencoded");
    fits.body = format!("Name={}", "n".repeat(59)).into_bytes();
    assert_eq!(fits.body.len(), 64);
    assert_eq!(fits.send(&app).await.status, 200);
}

#[tokio::test]
async fn a_chunked_form_body_is_read() {
    let app = spawn_default().await;
    let mut req = modify(CERT1, &[])
        .method("POST")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        )
        .header("transfer-encoding", "chunked");
    req.body = b"5\r\nName=\r\n8\r\nchunked!\r\n0\r\n\r\n".to_vec();
    let answer = req.send(&app).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["Name"], "chunked!");
}

#[tokio::test]
async fn bodies_of_other_content_types_are_ignored() {
    let app = spawn_default().await;
    let mut req = modify(CERT1, &[])
        .method("POST")
        .header("content-type", "application/octet-stream");
    req.body = b"Name=ignored".to_vec();
    let answer = req.send(&app).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["Name"], "cert1");
}

#[tokio::test]
async fn pop_core_style_form_post_carries_every_parameter() {
    let app = spawn_default().await;
    let answer = modify(CERT1, &[("Name", "from form")])
        .into_form_post()
        .send(&app)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["Name"], "from form");
}

#[tokio::test]
async fn format_is_case_insensitive_and_other_values_are_refused_in_json() {
    let app = spawn_default().await;
    let xml = modify(CERT1, &[]).set("Format", "xml").send(&app).await;
    assert_eq!(xml.status, 200);
    assert_eq!(xml.header("content-type"), Some("text/xml;charset=utf-8"));
    let rid = xml
        .header("x-acs-request-id")
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        xml.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ModifySslVpnClientCertResponse><RequestId>{rid}</RequestId><Name>cert1</Name><SslVpnClientCertId>{CERT1}</SslVpnClientCertId></ModifySslVpnClientCertResponse>"
        )
    );
    for json in ["json", "JSON", "None"] {
        let answer = modify(CERT1, &[]).set("Format", json).send(&app).await;
        assert_eq!(
            answer.header("content-type"),
            Some("application/json;charset=utf-8")
        );
        assert_eq!(answer.json()["Name"], "cert1");
    }
    modify(CERT1, &[])
        .set("Format", "yaml")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidParameter",
            "The specified parameter \"Format\" is not valid.",
        );
}

#[tokio::test]
async fn errors_follow_the_requested_format() {
    let app = spawn_default().await;
    let answer = modify("vsc-nope", &[])
        .set("Format", "XML")
        .send(&app)
        .await;
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.header("content-type"),
        Some("text/xml;charset=utf-8")
    );
    let rid = answer
        .header("x-acs-request-id")
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        answer.body,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>{rid}</RequestId><HostId>vpc.aliyuncs.com</HostId><Code>InvalidSslVpnClientCertId.NotFound</Code><Message>The specified SSL VPN client cert id does not exist.</Message><Recommend>https://api.aliyun.com/troubleshoot?q=InvalidSslVpnClientCertId.NotFound&amp;product=Vpc&amp;requestId={rid}</Recommend></Error>"
        )
    );
}

#[tokio::test]
async fn a_parameter_given_twice_is_invalid() {
    let app = spawn_default().await;
    modify(CERT1, &[("Name", "a"), ("Name", "b")])
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidParameter",
            "The specified parameter \"Name\" is not valid.",
        );
    // Once in the query, once in the body.
    let mut req = modify(CERT1, &[("Name", "a")])
        .method("POST")
        .header("content-type", "application/x-www-form-urlencoded");
    req.body = b"Name=b".to_vec();
    req.send(&app).await.assert_error(
        400,
        "InvalidParameter",
        "The specified parameter \"Name\" is not valid.",
    );
}

#[tokio::test]
async fn action_and_version_are_checked_in_order() {
    let app = spawn_default().await;
    let mp = |p: &str| {
        format!(
            "The input parameter \"{p}\" that is mandatory for processing this request is not supplied."
        )
    };
    modify(CERT1, &[])
        .without("Action")
        .without("Version")
        .send(&app)
        .await
        .assert_error(400, "MissingParameter", &mp("Action"));
    modify(CERT1, &[])
        .set("Action", "")
        .send(&app)
        .await
        .assert_error(400, "MissingParameter", &mp("Action"));
    modify(CERT1, &[])
        .without("Version")
        .send(&app)
        .await
        .assert_error(400, "MissingParameter", &mp("Version"));
    modify(CERT1, &[])
        .set("Version", "2017-01-01")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidVersion",
            "Specified parameter Version is not valid.",
        );
    // ECS's version is another product on the same port (SPEC 14): its two zone reads are
    // emulated, any other of its actions is not.
    modify(CERT1, &[])
        .set("Version", "2014-05-26")
        .send(&app)
        .await
        .assert_error(
            501,
            "NotImplemented",
            "The action ModifySslVpnClientCert of ECS 2014-05-26 is not emulated by aliyun-vpc-emulator 0.1.0; the emulated actions are listed at GET /_emulator/coverage.",
        );
    // An action the API has but the emulator does not emulate is named (SPEC 14); a name the
    // API does not have is unknown, as on the real gateway.
    rpc("CreateVpnAttachment", &[("RegionId", "cn-hangzhou")])
        .send(&app)
        .await
        .assert_error(
            501,
            "NotImplemented",
            "The action CreateVpnAttachment of VPC 2016-04-28 is not emulated by aliyun-vpc-emulator 0.1.0; the emulated actions are listed at GET /_emulator/coverage.",
        );
    rpc("CreateVpnAttachmentz", &[("RegionId", "cn-hangzhou")])
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    // ACS3 clients send them as headers.
    let answer = Req::get(pairs(&[
        ("RegionId", "cn-hangzhou"),
        ("SslVpnClientCertId", CERT1),
    ]))
    .method("POST")
    .header("x-acs-action", "ModifySslVpnClientCert")
    .header("x-acs-version", "2016-04-28")
    .send(&app)
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn required_parameters_and_regions() {
    let app = spawn_default().await;
    modify(CERT1, &[])
        .without("RegionId")
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingRegionId",
            "RegionId is mandatory for this action.",
        );
    modify(CERT1, &[])
        .set("RegionId", "")
        .send(&app)
        .await
        .assert_error(
            400,
            "MissingRegionId",
            "RegionId is mandatory for this action.",
        );
    modify("", &[]).send(&app).await.assert_error(
        400,
        "MissingSslVpnClientCertId",
        "SslVpnClientCertId is mandatory for this action.",
    );
    modify(CERT1, &[])
        .set("RegionId", "mars-north-1")
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidRegionId.NotFound",
            "The specified region is not found during access authentication.",
        );
}

#[tokio::test]
async fn unknown_and_owner_parameters_are_ignored() {
    let app = spawn_default().await;
    let answer = modify(
        CERT1,
        &[
            ("OwnerId", "123"),
            ("ResourceOwnerAccount", "x"),
            ("Whatever", "y"),
        ],
    )
    .send(&app)
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn every_answer_has_a_fresh_upper_case_request_id_header() {
    let app = spawn_default().await;
    let a = modify(CERT1, &[]).send(&app).await;
    let b = modify("vsc-nope", &[]).send(&app).await;
    let c = modify(CERT1, &[]).method("PUT").send(&app).await;
    let mut seen = std::collections::HashSet::new();
    for answer in [a, b, c] {
        let rid = answer.request_id();
        assert_eq!(answer.header("x-acs-request-id"), Some(rid.as_str()));
        assert_eq!(rid.len(), 36);
        assert!(
            rid.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()),
            "{rid}"
        );
        assert!(seen.insert(rid));
    }
}

#[tokio::test]
async fn checks_run_in_the_documented_order() {
    let app = spawn_test().await;
    // Format before duplicates.
    modify(CERT1, &[("Name", "a"), ("Name", "b"), ("Format", "bad")])
        .set("Format", "bad")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidParameter",
            "The specified parameter \"Format\" is not valid.",
        );
    // Duplicates before Action.
    modify(CERT1, &[("X", "1"), ("X", "2")])
        .without("Action")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidParameter",
            "The specified parameter \"X\" is not valid.",
        );
    // Signature before region.
    let answer = modify(CERT1, &[])
        .set("RegionId", "mars")
        .sign_v1(ROOT_KEY, "wrong")
        .send(&app)
        .await;
    assert_eq!(answer.json()["Code"], "SignatureDoesNotMatch");
    // Region before other required parameters.
    modify("", &[])
        .set("RegionId", "mars")
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidRegionId.NotFound",
            "The specified region is not found during access authentication.",
        );
    // Required parameters before the action's permission.
    let answer = modify("", &[("Name", "http://x")])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.json()["Code"], "MissingSslVpnClientCertId");
    // Permission before values.
    let answer = modify(CERT1, &[("Name", "http://x")])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.json()["Code"], "Forbidden");
    // Values before existence.
    let answer = modify("vsc-nope", &[("Name", "http://x")]).send(&app).await;
    assert_eq!(answer.json()["Code"], "InvalidName");
    // Name before ClientToken.
    let answer = modify(CERT1, &[("Name", ""), ("ClientToken", "")])
        .send(&app)
        .await;
    assert_eq!(answer.json()["Code"], "InvalidName");
    // Existence before the resource's permission.
    let answer = modify("vsc-nope", &[])
        .sign_v1("LTAIops", "OpsSecret")
        .send(&app)
        .await;
    assert_eq!(answer.json()["Code"], "InvalidSslVpnClientCertId.NotFound");
}

#[tokio::test]
async fn an_oversized_request_head_is_refused_by_the_http_layer() {
    let app = spawn_default().await;
    let long_query = modify(CERT1, &[("Name", &"n".repeat(70 * 1024))])
        .send(&app)
        .await;
    assert_eq!(long_query.status, 414);
    let long_header = modify(CERT1, &[])
        .header("x-padding", &"p".repeat(200 * 1024))
        .send(&app)
        .await;
    assert_eq!(long_header.status, 431);
    // The server goes on.
    assert_eq!(modify(CERT1, &[]).send(&app).await.status, 200);
}

/// A client that never finishes its request head is disconnected (after 10 s).
#[tokio::test]
async fn a_slow_client_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_default().await;
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    stream
        .write_all(b"GET /?Action=DescribeRegions HTTP/1.1\r\nhost: x\r\n")
        .await
        .expect("write");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        stream.read_to_end(&mut rest),
    )
    .await;
    assert!(
        closed.is_ok(),
        "the server kept a client that never finished its request head"
    );
    assert!(
        !String::from_utf8_lossy(&rest).contains("RequestId"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
    assert_eq!(modify(CERT1, &[]).send(&app).await.status, 200);
}
