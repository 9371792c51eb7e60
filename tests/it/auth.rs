//! Authentication (SPEC section 4), lenient and strict, both schemes, over HTTP.

use aliyun_vpc_emulator::config::{AuthMode, Config};

use crate::helpers::*;

const INACTIVE: (&str, &str) = ("LTAIinactive", "x");

async fn strict() -> TestApp {
    spawn_with(
        Config {
            auth: AuthMode::Strict,
            ..test_config()
        },
        Some(TEST_FIXTURES),
    )
    .await
}

#[tokio::test]
async fn lenient_serves_unsigned_and_unknown_keys_as_the_first_account() {
    let app = spawn_test().await;
    assert_eq!(modify(CERT1, &[]).send(&app).await.status, 200);
    assert_eq!(
        modify(CERT1, &[])
            .sign_v1("LTAIunknown", "whatever")
            .send(&app)
            .await
            .status,
        200
    );
    let unknown_acs3 = modify(CERT1, &[])
        .sign_acs3("LTAIunknown", "whatever", app.addr)
        .send(&app)
        .await;
    assert_eq!(unknown_acs3.status, 200, "{}", unknown_acs3.body);
}

#[tokio::test]
async fn lenient_verifies_known_keys() {
    let app = spawn_test().await;
    assert_eq!(
        modify(CERT1, &[])
            .sign_v1(ROOT_KEY, ROOT_SECRET)
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(
        modify(CERT1, &[])
            .sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr)
            .send(&app)
            .await
            .status,
        200
    );
    let method_changed = modify(CERT1, &[])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .into_form_post()
        .send(&app)
        .await;
    assert_eq!(
        method_changed.status, 400,
        "the signature covers the method"
    );
    assert_eq!(
        method_changed.json()["Code"],
        "SignatureDoesNotMatch",
        "{}",
        method_changed.body
    );

    modify(CERT1, &[])
        .sign_v1(INACTIVE.0, INACTIVE.1)
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidAccessKeyId.Inactive",
            "Specified access key is disabled.",
        );
    modify(CERT1, &[("AccessKeyId", ROOT_KEY)])
        .send(&app)
        .await
        .assert_error(
            400,
            "IncompleteSignature",
            "The request signature does not conform to Aliyun standards.",
        );
    modify(CERT1, &[])
        .header("Authorization", "ACS3-HMAC-SHA256 garbage")
        .send(&app)
        .await
        .assert_error(
            400,
            "IncompleteSignature",
            "The request signature does not conform to Aliyun standards.",
        );
}

#[tokio::test]
async fn a_wrong_v1_signature_answers_our_exact_string_to_sign() {
    let app = spawn_test().await;
    let req = modify(CERT1, &[]).sign_v1(ROOT_KEY, "not-the-secret");
    let answer = req.send(&app).await;
    let mut params = req.query.clone();
    params.retain(|(k, _)| k != "Signature");
    params.sort();
    let sts = aliyun_vpc_emulator::auth::v1::string_to_sign(
        "GET",
        params.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    assert!(sts.starts_with(
        "GET&%2F&AccessKeyId%3DLTAI5tEmulatorRootKey%26Action%3DModifySslVpnClientCert"
    ));
    answer.assert_error(400, "SignatureDoesNotMatch", &format!("Specified signature is not matched with our calculation. server string to sign is:{sts}"));
}

#[tokio::test]
async fn a_wrong_acs3_signature_is_refused() {
    let app = spawn_test().await;
    let answer = modify(CERT1, &[])
        .sign_acs3(ROOT_KEY, "nope", app.addr)
        .send(&app)
        .await;
    assert_eq!(answer.status, 400);
    let message = answer.json()["Message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.starts_with("Specified signature is not matched with our calculation. server string to sign is:ACS3-HMAC-SHA256\n"), "{message}");
    // A signed body that was changed on the way.
    let mut tampered = modify(CERT1, &[])
        .method("POST")
        .header("content-type", "application/x-www-form-urlencoded");
    tampered.body = b"Name=signed".to_vec();
    let mut tampered = tampered.sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr);
    tampered.body = b"Name=evil!!".to_vec();
    assert_eq!(
        tampered.send(&app).await.json()["Code"],
        "SignatureDoesNotMatch"
    );
}

#[tokio::test]
async fn strict_checks_in_order() {
    let app = strict().await;
    let incomplete = "The request signature does not conform to Aliyun standards.";
    modify(CERT1, &[])
        .send(&app)
        .await
        .assert_error(400, "IncompleteSignature", incomplete);
    modify(CERT1, &[("AccessKeyId", ROOT_KEY)])
        .send(&app)
        .await
        .assert_error(400, "IncompleteSignature", incomplete);
    modify(CERT1, &[])
        .sign_v1("LTAIunknown", "x")
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        );
    modify(CERT1, &[])
        .sign_acs3("LTAIunknown", "x", app.addr)
        .send(&app)
        .await
        .assert_error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        );
    modify(CERT1, &[])
        .sign_v1(INACTIVE.0, INACTIVE.1)
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidAccessKeyId.Inactive",
            "Specified access key is disabled.",
        );

    let with_stamp = |stamp: &str| {
        let mut req = modify(CERT1, &[]).sign_v1(ROOT_KEY, ROOT_SECRET);
        for (k, v) in req.query.iter_mut() {
            if k == "Timestamp" {
                *v = stamp.to_owned();
            }
        }
        req
    };
    with_stamp("yesterday").send(&app).await.assert_error(
        400,
        "InvalidTimeStamp.Format",
        "Specified time stamp or date value is not well formatted.",
    );
    with_stamp("").send(&app).await.assert_error(
        400,
        "InvalidTimeStamp.Format",
        "Specified time stamp or date value is not well formatted.",
    );
    with_stamp("2020-01-01T00:00:00Z")
        .send(&app)
        .await
        .assert_error(
            400,
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        );
    // A valid time stamp but a signature over another one.
    let answer = with_stamp(
        &time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    )
    .send(&app)
    .await;
    assert_eq!(answer.json()["Code"], "SignatureDoesNotMatch");

    assert_eq!(
        modify(CERT1, &[])
            .sign_v1(ROOT_KEY, ROOT_SECRET)
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(
        modify(CERT1, &[])
            .sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr)
            .send(&app)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn strict_refuses_a_reused_nonce_but_only_records_verified_ones() {
    let app = strict().await;
    let signed = modify(CERT1, &[]).sign_v1(ROOT_KEY, ROOT_SECRET);
    let nonce = signed
        .query
        .iter()
        .find(|(k, _)| k == "SignatureNonce")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();

    // The same nonce under a bad signature first: refused for the signature, not recorded.
    let mut forged = modify(CERT1, &[]).sign_v1(ROOT_KEY, "wrong");
    for (k, v) in forged.query.iter_mut() {
        if k == "SignatureNonce" {
            *v = nonce.clone();
        }
    }
    assert_eq!(
        forged.send(&app).await.json()["Code"],
        "SignatureDoesNotMatch"
    );
    assert_eq!(signed.send(&app).await.status, 200);
    signed.send(&app).await.assert_error(
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    );

    // ACS3 nonces too.
    let acs3 = modify(CERT1, &[]).sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr);
    assert_eq!(acs3.send(&app).await.status, 200);
    acs3.send(&app).await.assert_error(
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    );
}

#[tokio::test]
async fn strict_mode_still_lets_describe_regions_through_with_a_signature() {
    let app = strict().await;
    let answer = rpc("DescribeRegions", &[])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
