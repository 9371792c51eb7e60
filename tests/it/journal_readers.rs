//! Issue 24, item 9: journal readers do not multiply memory. The journal is served without a
//! copy per reader, and the console asks only for what is new (`after`), without the answers'
//! bodies (`response=false`), and for one call's body when it is opened (`requests/{id}`).

use std::net::SocketAddr;

use serde_json::Value;

use crate::cli::{start, terminate};
use crate::helpers::*;
use crate::persistence::send;

fn rss_mib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
        })
        .unwrap_or(0)
        / 1024
}

/// Fills the journal to its byte bound: 70 accepted calls of about 1 MB each (a parameter the
/// action ignores).
async fn fill(addr: SocketAddr) {
    let pad = "p".repeat(1_000_000);
    for _ in 0..70 {
        let req = rpc("DescribeRegions", &[("Pad", &pad)]).into_form_post();
        assert_eq!(send(addr, req).await.status, 200);
    }
}

/// The scenario of the issue: two readers of `GET requests?limit=1000` at once, two rounds,
/// with the journal at its bound (about 64 MiB). Each used to copy the journal and build its
/// whole answer in memory (the process grew by about 270 MiB here); now the answer is written
/// as it is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_readers_of_a_full_journal_do_not_multiply_memory() {
    let (mut child, port) = start(&["--port", "0"], &[]);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    fill(addr).await;
    let pid = child.id();
    let before = rss_mib(pid);
    assert!(before > 0, "the process's RSS cannot be read");
    // Sampled while the readers run: a copy freed once they finish would not show afterwards.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_mib(pid));
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            peak
        })
    };
    let mut peak = before;
    for _ in 0..2 {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                tokio::spawn(
                    async move { send(addr, admin("GET", "requests?limit=1000", "")).await },
                )
            })
            .collect();
        for reader in readers {
            let answer = reader.await.expect("reader");
            assert_eq!(answer.status, 200);
            let entries: Value = serde_json::from_str(&answer.body).expect("a JSON array");
            assert!(
                entries.as_array().is_some_and(|e| e.len() > 50),
                "{}",
                entries.as_array().map_or(0, Vec::len)
            );
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    peak = peak.max(sampler.join().expect("the sampler"));
    let grown = peak.saturating_sub(before);
    println!("RSS {before} MiB with the journal full, {peak} MiB after two readers x 2 rounds");
    assert!(grown < 64, "two readers grew the process by {grown} MiB");
    assert_eq!(terminate(&mut child), Some(0));
}

fn ids(entries: &Value) -> Vec<String> {
    entries
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["RequestId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// What the console asks: the new calls after the last it has, without bodies; one call's body
/// when it is opened; and, once the journal was cleared, that its last call is gone (410), so
/// that it starts over.
#[tokio::test]
async fn the_console_asks_only_for_what_is_new_and_one_body_at_a_time() {
    let app = spawn_default().await;
    let first = rpc("DescribeRegions", &[]).send(&app).await.request_id();
    let second = describe(CERT1).send(&app).await.request_id();

    let all = admin("GET", "requests?response=false", "").send(&app).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let all = all.json();
    assert_eq!(ids(&all), [first.clone(), second.clone()]);
    assert!(all[0].get("Response").is_none(), "{all}");
    assert_eq!(all[1]["Params"]["SslVpnClientCertId"], CERT1);
    assert_eq!(all[1]["HttpStatus"], 200);

    let third = modify(CERT1, &[("Name", "third")]).send(&app).await;
    let new = admin(
        "GET",
        &format!("requests?after={second}&response=false"),
        "",
    )
    .send(&app)
    .await
    .json();
    assert_eq!(ids(&new), [third.request_id()]);
    let none = admin("GET", &format!("requests?after={}", third.request_id()), "")
        .send(&app)
        .await
        .json();
    assert_eq!(none, serde_json::json!([]));
    // `after` with `action` and `limit`: the newest matching after it.
    let filtered = admin(
        "GET",
        &format!("requests?after={first}&action=ModifySslVpnClientCert&limit=5"),
        "",
    )
    .send(&app)
    .await
    .json();
    assert_eq!(ids(&filtered), [third.request_id()]);
    assert_eq!(filtered[0]["Response"], third.body.as_str());

    // One call, with its body as sent.
    let one = admin("GET", &format!("requests/{second}"), "")
        .send(&app)
        .await;
    assert_eq!(one.status, 200, "{}", one.body);
    let one = one.json();
    assert_eq!(one["RequestId"], second.as_str());
    let body: Value =
        serde_json::from_str(one["Response"].as_str().unwrap_or_default()).expect("the answer");
    assert_eq!(body["SslVpnClientCertId"], CERT1);
    let gone = admin("GET", "requests/NO-SUCH-CALL", "").send(&app).await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    assert!(gone.json()["error"].is_string());

    // Cleared: the console's last call is gone, and it is told so.
    assert_eq!(admin("DELETE", "requests", "").send(&app).await.status, 200);
    let cleared = admin("GET", &format!("requests?after={second}"), "")
        .send(&app)
        .await;
    assert_eq!(cleared.status, 410, "{}", cleared.body);
    assert!(
        cleared.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains(&second))
    );
    let bad = admin("GET", "requests?response=maybe", "").send(&app).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
}
