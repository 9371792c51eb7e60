//! A mixed load: every action from 32 keep-alive connections for `VPC_EMULATOR_LOAD_SECONDS`
//! (5 by default; `scripts/test` runs 30), then the state is checked for consistency: every
//! acknowledged change is there, no ID twice, list counts equal to the certificates, and no
//! answer was a 5xx.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::helpers::*;

const SERVERS: usize = 20;

fn fixtures() -> String {
    let servers: Vec<Value> = (0..SERVERS)
        .map(|i| json!({"SslVpnServerId": format!("vss-{i:02}"), "RegionId": "cn-hangzhou", "VpnGatewayId": "vpn-1"}))
        .collect();
    json!({
        "Regions": [{"RegionId": "cn-hangzhou"}, {"RegionId": "cn-beijing"}],
        "Accounts": [{"AccountId": "1", "AccessKeys": [{"AccessKeyId": "LTAIload", "AccessKeySecret": "LoadSecret"}]}],
        "VpnGateways": [{"VpnGatewayId": "vpn-1", "RegionId": "cn-hangzhou"}],
        "SslVpnServers": servers,
    })
    .to_string()
}

/// One keep-alive connection.
struct Connection {
    addr: SocketAddr,
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr).await.expect("connect");
        Connection {
            addr,
            stream,
            buf: Vec::new(),
        }
    }

    async fn send(&mut self, req: &Req) -> (u16, Value) {
        let bytes = req.to_bytes_keep_alive(self.addr);
        self.stream.write_all(&bytes).await.expect("write");
        let answer = read_answer(&mut self.stream, &mut self.buf)
            .await
            .expect("the server closed a keep-alive connection");
        let body = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
        (answer.status, body)
    }
}

#[derive(Default)]
struct Ledger {
    created: HashSet<String>,
    deleted: HashSet<String>,
    requests: usize,
    statuses: HashMap<u16, usize>,
}

fn sign(req: Req, rng: &mut StdRng, addr: SocketAddr) -> Req {
    match rng.random_range(0..3) {
        0 => req,
        1 => req.sign_v1("LTAIload", "LoadSecret"),
        _ => req.sign_acs3("LTAIload", "LoadSecret", addr),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_keeps_the_state_consistent() {
    let seconds: u64 = std::env::var("VPC_EMULATOR_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let app = spawn_with(test_config(), Some(&fixtures())).await;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let known: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut clients = Vec::new();
    for client in 0..32u64 {
        let (ledger, known, addr) = (ledger.clone(), known.clone(), app.addr);
        clients.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(client);
            let mut conn = Connection::open(addr).await;
            while Instant::now() < deadline {
                let target = {
                    let known = known.lock().unwrap_or_else(|e| e.into_inner());
                    (!known.is_empty()).then(|| known[rng.random_range(0..known.len())].clone())
                };
                let op = rng.random_range(0..10);
                let region = if rng.random_bool(0.05) {
                    "cn-beijing"
                } else {
                    "cn-hangzhou"
                };
                let req = match (op, &target) {
                    (0..=2, _) | (_, None) => {
                        let k = rng.random_range(0..4);
                        let server = format!("vss-{:02}", (client as usize * 3 + k) % SERVERS);
                        let mut params =
                            vec![("RegionId", region), ("SslVpnServerId", server.as_str())];
                        let token = format!("tok-{client}-{k}");
                        if rng.random_bool(0.3) {
                            params.push(("ClientToken", &token));
                        }
                        rpc("CreateSslVpnClientCert", &params)
                    }
                    (3 | 4, Some(id)) => {
                        modify(id, &[("Name", &format!("n-{}", rng.random::<u32>()))])
                    }
                    (5, Some(id)) => rpc(
                        "DescribeSslVpnClientCert",
                        &[("RegionId", region), ("SslVpnClientCertId", id)],
                    ),
                    (6 | 7, _) => {
                        let page = rng.random_range(1..5).to_string();
                        rpc(
                            "DescribeSslVpnClientCerts",
                            &[
                                ("RegionId", region),
                                ("PageSize", "50"),
                                ("PageNumber", &page),
                            ],
                        )
                    }
                    (8, Some(id)) => rpc(
                        "DeleteSslVpnClientCert",
                        &[("RegionId", region), ("SslVpnClientCertId", id)],
                    ),
                    _ => rpc("DescribeRegions", &[]),
                };
                let action = req
                    .query
                    .iter()
                    .find(|(k, _)| k == "Action")
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                let req = sign(req, &mut rng, addr);
                let (status, body) = conn.send(&req).await;
                let mut ledger = ledger.lock().unwrap_or_else(|e| e.into_inner());
                ledger.requests += 1;
                *ledger.statuses.entry(status).or_default() += 1;
                if status != 200 {
                    continue;
                }
                match action.as_str() {
                    "CreateSslVpnClientCert" => {
                        let id = body["SslVpnClientCertId"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned();
                        ledger.created.insert(id.clone());
                        known.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                    }
                    "DeleteSslVpnClientCert" => {
                        if let Some(id) = &target {
                            ledger.deleted.insert(id.clone());
                        }
                    }
                    _ => {}
                }
            }
        }));
    }
    for client in clients {
        client.await.expect("client");
    }

    let ledger = std::mem::take(&mut *ledger.lock().unwrap_or_else(|e| e.into_inner()));
    let fives: usize = ledger
        .statuses
        .iter()
        .filter(|(s, _)| **s >= 500)
        .map(|(_, n)| n)
        .sum();
    assert_eq!(fives, 0, "5xx answers: {:?}", ledger.statuses);
    // The state checks below mean something only if changes were acknowledged.
    assert!(
        !ledger.created.is_empty() && !ledger.deleted.is_empty(),
        "no acknowledged creates or deletes: {:?}",
        ledger.statuses
    );
    let state = Req::get(Vec::new())
        .path("/_emulator/state")
        .send(&app)
        .await
        .json();
    let certs = state["SslVpnClientCerts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<String> = certs
        .iter()
        .filter_map(|c| c["SslVpnClientCertId"].as_str().map(str::to_owned))
        .collect();
    let present: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(present.len(), ids.len(), "an ID twice");
    for id in ledger.created.difference(&ledger.deleted) {
        assert!(present.contains(id), "acknowledged create {id} missing");
    }
    for id in &ledger.deleted {
        assert!(!present.contains(id), "acknowledged delete {id} undone");
    }
    let mut per_server: HashMap<&str, usize> = HashMap::new();
    for cert in &certs {
        *per_server
            .entry(cert["SslVpnServerId"].as_str().unwrap_or_default())
            .or_default() += 1;
    }
    assert!(per_server.values().all(|n| *n <= 50), "{per_server:?}");
    let listed = rpc(
        "DescribeSslVpnClientCerts",
        &[("RegionId", "cn-hangzhou"), ("PageSize", "1")],
    )
    .send(&app)
    .await
    .json();
    assert_eq!(listed["TotalCount"].as_u64(), Some(certs.len() as u64));
    println!(
        "load: {} requests in {seconds} s ({:.0}/s) from 32 connections, statuses {:?}, {} certificates",
        ledger.requests,
        ledger.requests as f64 / seconds as f64,
        ledger.statuses,
        certs.len()
    );
}
