//! ClientToken idempotency (SPEC 7.6).

use std::collections::HashSet;

use serde_json::json;

use crate::helpers::*;

const MISMATCH: &str = "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.";

#[tokio::test]
async fn a_replay_answers_the_remembered_result_and_changes_nothing() {
    let app = spawn_default().await;
    let first = modify(CERT1, &[("Name", "A"), ("ClientToken", "tok-1")])
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(first.json()["Name"], "A");
    // Renamed since, without a token.
    assert_eq!(
        modify(CERT1, &[("Name", "B")]).send(&app).await.json()["Name"],
        "B"
    );
    // The retry: new signature, nonce and timestamp, and as a form POST instead of a GET.
    let replay = modify(CERT1, &[("Name", "A"), ("ClientToken", "tok-1")])
        .into_form_post()
        .sign_v1(ROOT_KEY, ROOT_SECRET)
        .send(&app)
        .await;
    assert_eq!(replay.status, 200);
    let rid = replay.request_id();
    assert_ne!(rid, first.request_id());
    assert_eq!(
        replay.body,
        json!({"RequestId": rid, "Name": "A", "SslVpnClientCertId": CERT1}).to_string()
    );
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("B"));
    // ACS3 retries match V1 ones: headers are not part of the fingerprint.
    let acs3 = modify(CERT1, &[("Name", "A"), ("ClientToken", "tok-1")])
        .sign_acs3(ROOT_KEY, ROOT_SECRET, app.addr)
        .send(&app)
        .await;
    assert_eq!(acs3.json()["Name"], "A");
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("B"));
}

#[tokio::test]
async fn the_same_token_with_other_parameters_is_a_mismatch() {
    let app = spawn_default().await;
    assert_eq!(
        modify(CERT1, &[("Name", "A"), ("ClientToken", "tok-2")])
            .send(&app)
            .await
            .status,
        200
    );
    modify(CERT1, &[("Name", "other"), ("ClientToken", "tok-2")])
        .send(&app)
        .await
        .assert_error(400, "IdempotentParameterMismatch", MISMATCH);
    modify(CERT2, &[("Name", "A"), ("ClientToken", "tok-2")])
        .send(&app)
        .await
        .assert_error(400, "IdempotentParameterMismatch", MISMATCH);
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("A"));
    assert_eq!(cert_name(&app, CERT2).await.as_deref(), Some("cert2"));
}

#[tokio::test]
async fn a_failed_request_is_not_remembered() {
    let app = spawn_default().await;
    let failed = modify("vsc-nope", &[("Name", "A"), ("ClientToken", "tok-3")])
        .send(&app)
        .await;
    assert_eq!(failed.status, 404);
    let later = modify(CERT1, &[("Name", "later"), ("ClientToken", "tok-3")])
        .send(&app)
        .await;
    assert_eq!(later.status, 200, "{}", later.body);
    assert_eq!(later.json()["Name"], "later");
}

#[tokio::test]
async fn tokens_are_scoped_per_account() {
    let app = spawn_test().await;
    assert_eq!(
        modify(CERT1, &[("Name", "A"), ("ClientToken", "shared")])
            .sign_v1(ROOT_KEY, ROOT_SECRET)
            .send(&app)
            .await
            .status,
        200
    );
    let other = modify(
        "vsc-other000000000000001",
        &[("Name", "B"), ("ClientToken", "shared")],
    )
    .sign_v1("LTAIother", "OtherSecret")
    .send(&app)
    .await;
    assert_eq!(other.status, 200, "{}", other.body);
    assert_eq!(other.json()["Name"], "B");
}

#[tokio::test]
async fn malformed_tokens_are_refused() {
    let app = spawn_default().await;
    for bad in ["", &"t".repeat(65), "tök", "tab\there"] {
        modify(CERT1, &[("Name", "A"), ("ClientToken", bad)])
            .send(&app)
            .await
            .assert_error(
                400,
                "InvalidClientToken.Malformed",
                "The specified parameter \"ClientToken\" is not valid.",
            );
    }
    assert_eq!(
        modify(CERT1, &[("ClientToken", &"t".repeat(64))])
            .send(&app)
            .await
            .status,
        200
    );
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some("cert1"));
}

/// 24 simultaneous renames with one token, half of them to another name: exactly one name wins,
/// every request that carries it gets the same answer, and the others get the mismatch.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_token_have_one_effect() {
    let app = spawn_default().await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(24));
    let mut tasks = Vec::new();
    for i in 0..24 {
        let name = if i % 2 == 0 { "even" } else { "odd" };
        let bytes = modify(CERT1, &[("Name", name), ("ClientToken", "race")]).to_bytes(app.addr);
        let (addr, barrier) = (app.addr, barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            (name, send_raw(addr, &bytes).await)
        }));
    }
    let mut winners = HashSet::new();
    let mut request_ids = HashSet::new();
    let (mut ok, mut mismatched) = (0, 0);
    for task in tasks {
        let (name, answer) = task.await.expect("task");
        request_ids.insert(answer.request_id());
        match answer.status {
            200 => {
                ok += 1;
                assert_eq!(answer.json()["Name"], name);
                winners.insert(name);
            }
            400 => {
                mismatched += 1;
                assert_eq!(answer.json()["Code"], "IdempotentParameterMismatch");
            }
            other => panic!("unexpected {other}: {}", answer.body),
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!((ok, mismatched), (12, 12));
    assert_eq!(request_ids.len(), 24);
    let winner = winners.into_iter().next().unwrap_or_default();
    assert_eq!(cert_name(&app, CERT1).await.as_deref(), Some(winner));
}
