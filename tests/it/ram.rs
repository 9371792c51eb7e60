//! Accounts and RAM authorization (SPEC section 5).

use crate::helpers::*;

#[tokio::test]
async fn a_user_without_the_action_is_forbidden() {
    let app = spawn_test().await;
    let answer = modify(CERT1, &[("Name", "x")])
        .sign_v1(READONLY_KEY, READONLY_SECRET)
        .send(&app)
        .await;
    answer.assert_denied(
        403,
        "Forbidden",
        "User not authorized to operate on the specified resource.",
        "ModifySslVpnClientCert",
        "readonly",
    );
    let answer = modify(CERT1, &[])
        .sign_acs3("LTAInobody", "NobodySecret", app.addr)
        .send(&app)
        .await;
    answer.assert_denied(
        403,
        "Forbidden",
        "User not authorized to operate on the specified resource.",
        "ModifySslVpnClientCert",
        "nobody",
    );
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("cert1"));
}

#[tokio::test]
async fn a_user_outside_its_resources_is_forbbiden_sub_user() {
    let app = spawn_test().await;
    let ok = modify(CERT1, &[("Name", "mine")])
        .sign_v1("LTAIops", "OpsSecret")
        .send(&app)
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let answer = modify(CERT2, &[("Name", "not mine")])
        .sign_v1("LTAIops", "OpsSecret")
        .send(&app)
        .await;
    answer.assert_denied(
        403,
        "Forbbiden.SubUser",
        "User not authorized to operate on the specified resource as your account is created by another user.",
        "ModifySslVpnClientCert",
        "ops",
    );
    assert_eq!(cert_name(&app, CERT2).await.as_deref(), Some("cert2"));
}

#[tokio::test]
async fn foreign_resources_are_not_found_never_forbidden() {
    let app = spawn_test().await;
    let not_found = "The specified SSL VPN client cert id does not exist.";
    // Another account's root, on account 1's certificate.
    modify(CERT1, &[("Name", "x")])
        .sign_v1("LTAIother", "OtherSecret")
        .send(&app)
        .await
        .assert_error(404, "InvalidSslVpnClientCertId.NotFound", not_found);
    // A limited user of account 1, on account 2's certificate.
    modify("vsc-other000000000000001", &[])
        .sign_v1("LTAIops", "OpsSecret")
        .send(&app)
        .await
        .assert_error(404, "InvalidSslVpnClientCertId.NotFound", not_found);
    // Account 2 on its own certificate.
    let own = modify("vsc-other000000000000001", &[("Name", "renamed")])
        .sign_v1("LTAIother", "OtherSecret")
        .send(&app)
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    // Anonymous lenient callers act as account 1.
    modify("vsc-other000000000000001", &[])
        .send(&app)
        .await
        .assert_error(404, "InvalidSslVpnClientCertId.NotFound", not_found);
}

#[tokio::test]
async fn describe_regions_needs_no_permission() {
    let app = spawn_test().await;
    let answer = rpc("DescribeRegions", &[])
        .sign_v1("LTAInobody", "NobodySecret")
        .send(&app)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
