//! `--state-file` (SPEC section 9): changes survive a restart and `kill -9`; a corrupt file
//! refuses to start and is left alone.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::cli::{BIN, discard_log, start, terminate};
use crate::helpers::*;

/// A scratch folder removed at the end of the test.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vpc-emulator-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn with_state_file(state: &Path, extra: &[&str]) -> (Child, SocketAddr) {
    let mut args = vec![
        "--port",
        "0",
        "--state-file",
        state.to_str().unwrap_or_default(),
    ];
    args.extend_from_slice(extra);
    let (child, port) = start(&args, &[]);
    (child, SocketAddr::from(([127, 0, 0, 1], port)))
}

pub async fn send(addr: SocketAddr, req: Req) -> Answer {
    send_raw(addr, &req.to_bytes(addr)).await
}

pub async fn exported(addr: SocketAddr) -> Value {
    send(addr, Req::get(Vec::new()).path("/_emulator/state"))
        .await
        .json()
}

pub fn cert_ids(state: &Value) -> HashSet<String> {
    state["SslVpnClientCerts"]
        .as_array()
        .map(|certs| {
            certs
                .iter()
                .filter_map(|c| c["SslVpnClientCertId"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The text of a state file's log: everything before its first zero byte. The emulator extends
/// the file with zeros ahead of its records, and a `kill -9` leaves them there.
pub fn log_text(wal: &Path) -> Vec<u8> {
    let mut log = std::fs::read(wal).expect("the log");
    if let Some(end) = log.iter().position(|b| *b == 0) {
        log.truncate(end);
    }
    log
}

pub fn kill9(child: &mut Child) {
    Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .expect("kill");
    let _ = child.wait();
    discard_log(child);
}

#[tokio::test]
async fn changes_survive_a_restart_and_the_file_is_written_at_once() {
    let scratch = Scratch::new("restart");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert!(file.exists(), "the file is written at start");
    let created = send(addr, create(&[("ClientToken", "keep")])).await.json();
    let id = created["SslVpnClientCertId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "renamed")]))
            .await
            .status,
        200
    );
    assert_eq!(send(addr, delete(CERT2, &[])).await.status, 200);
    let material = send(addr, describe(&id)).await.json();
    let before = exported(addr).await;
    assert_eq!(terminate(&mut child), Some(0));

    // After a clean stop the snapshot alone holds everything, ClientTokens included.
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("state file")).expect("JSON");
    assert_eq!(snapshot["ClientTokens"][0]["ClientToken"], "keep");

    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(exported(addr).await, before);
    let again = send(addr, describe(&id)).await.json();
    assert_eq!(again["ClientCert"], material["ClientCert"]);
    // The token is remembered across the restart.
    let replay = send(addr, create(&[("ClientToken", "keep")])).await.json();
    assert_eq!(replay["SslVpnClientCertId"], json!(id));
    assert_eq!(terminate(&mut child), Some(0));
}

#[tokio::test]
async fn admin_imports_and_resets_are_durable() {
    let scratch = Scratch::new("admin-durable");
    let file = scratch.file("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    let mut doc = exported(addr).await;
    doc["SslVpnClientCerts"][0]["Name"] = json!("imported");
    let put = admin("PUT", "state", &doc.to_string());
    assert_eq!(send(addr, put).await.status, 200);
    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        exported(addr).await["SslVpnClientCerts"][0]["Name"],
        "imported"
    );
    assert_eq!(
        send(
            addr,
            Req::get(Vec::new()).method("POST").path("/_emulator/reset")
        )
        .await
        .status,
        200
    );
    kill9(&mut child);
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        exported(addr).await["SslVpnClientCerts"][0]["Name"],
        "cert1"
    );
    assert_eq!(terminate(&mut child), Some(0));
}

/// Fixtures with 20 servers, so that 1,000 creates fit in the per-server quota.
fn many_servers() -> String {
    let servers: Vec<Value> = (0..20)
        .map(|i| json!({"SslVpnServerId": format!("vss-{i:02}"), "RegionId": "cn-hangzhou", "VpnGatewayId": "vpn-1"}))
        .collect();
    json!({
        "Regions": [{"RegionId": "cn-hangzhou"}],
        "Accounts": [{"AccountId": "1"}],
        "VpnGateways": [{"VpnGatewayId": "vpn-1", "RegionId": "cn-hangzhou"}],
        "SslVpnServers": servers,
    })
    .to_string()
}

#[derive(Default)]
struct Acknowledged {
    created: HashSet<String>,
    /// Deletes sent: one may have taken effect without its answer arriving.
    delete_sent: HashSet<String>,
    deleted: HashSet<String>,
}

/// 8 clients create (and delete every third of what they create) until `kill_after`
/// acknowledged changes, when the emulator is killed with SIGKILL. After a restart on the same
/// file every acknowledged change is there.
async fn crash_round(kill_after: usize, round: usize) {
    let scratch = Scratch::new(&format!("crash-{round}"));
    let fixtures = scratch.file("fixtures.json");
    std::fs::write(&fixtures, many_servers()).expect("fixtures");
    let file = scratch.file("state.json");
    let fixtures_arg = fixtures.to_str().unwrap_or_default().to_owned();
    let (mut child, addr) = with_state_file(&file, &["--fixtures", &fixtures_arg]);

    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for worker in 0..8 {
        let (acked, count, stop) = (acked.clone(), count.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let server = format!("vss-{:02}", (worker * 7 + n) % 20);
                let req = rpc(
                    "CreateSslVpnClientCert",
                    &[("RegionId", "cn-hangzhou"), ("SslVpnServerId", &server)],
                );
                let Ok(answer) = try_send_raw(addr, &req.to_bytes(addr)).await else {
                    break;
                };
                if answer.status != 200 {
                    continue;
                }
                let id = answer.json()["SslVpnClientCertId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                acked.lock().await.created.insert(id.clone());
                count.fetch_add(1, Ordering::SeqCst);
                if n % 3 == 0 {
                    acked.lock().await.delete_sent.insert(id.clone());
                    let req = delete(&id, &[]);
                    let Ok(answer) = try_send_raw(addr, &req.to_bytes(addr)).await else {
                        break;
                    };
                    if answer.status == 200 {
                        acked.lock().await.deleted.insert(id);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }));
    }
    // Wait for the kill point by watching the acknowledged count.
    let mut ticker = tokio::time::interval(std::time::Duration::from_millis(1));
    while count.load(Ordering::SeqCst) < kill_after {
        ticker.tick().await;
    }
    kill9(&mut child);
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        let _ = w.await;
    }

    let (mut child, addr) = with_state_file(&file, &["--fixtures", &fixtures_arg]);
    let present = cert_ids(&exported(addr).await);
    let acked = acked.lock().await;
    for id in &acked.created {
        assert!(
            present.contains(id) || acked.delete_sent.contains(id),
            "round {round}: acknowledged create {id} lost"
        );
    }
    for id in &acked.deleted {
        assert!(
            !present.contains(id),
            "round {round}: acknowledged delete {id} undone"
        );
    }
    // Nothing but acknowledged or in-flight creates (at most one per client) appeared.
    let surely = acked.created.len() - acked.delete_sent.len();
    let at_most = acked.created.len() - acked.deleted.len() + 8;
    assert!(
        (surely..=at_most).contains(&present.len()),
        "round {round}: {} present, {surely}..={at_most} expected",
        present.len()
    );
    assert_eq!(terminate(&mut child), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_concurrent_writes_loses_no_acknowledged_change() {
    for (round, kill_after) in [1, 17, 60, 150, 400].into_iter().enumerate() {
        crash_round(kill_after, round).await;
    }
}

pub fn refused_to_start(file: &Path) -> String {
    refused_run(&[
        "--port",
        "0",
        "--state-file",
        file.to_str().unwrap_or_default(),
    ])
}

/// Runs the binary expecting it to refuse to start (exit 2, nothing on stdout); returns its
/// one-line stderr. If it starts serving instead (its listening line appears), it is killed and
/// the test fails rather than waiting for it.
pub fn refused_run(args: &[&str]) -> String {
    use std::io::Read;
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("VPC_EMULATOR_PORT")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    // One line, or the end of stdout when the process exits.
    let mut stdout = String::new();
    let _ = std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().expect("stdout")),
        &mut stdout,
    );
    if !stdout.is_empty() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("it started instead of refusing: {stdout}");
    }
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(2), "{stderr}");
    stderr.trim_end().to_owned()
}

#[test]
fn a_corrupt_file_refuses_to_start_and_is_not_overwritten() {
    let scratch = Scratch::new("corrupt");
    let file = scratch.file("state.json");
    std::fs::write(&file, b"{\"Regions\": [ garbage").expect("write");
    let message = refused_to_start(&file);
    assert!(
        message.starts_with(&format!(
            "aliyun-vpc-emulator: invalid state file {}: ",
            file.display()
        )),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&file).expect("read"),
        b"{\"Regions\": [ garbage"
    );

    // Valid JSON, invalid state: named with its path and value.
    let dangling = r#"{"Regions": [{"RegionId": "r"}], "Accounts": [{"AccountId": "1"}],
        "SslVpnServers": [{"SslVpnServerId": "vss-1", "RegionId": "r", "VpnGatewayId": "vpn-gone"}]}"#;
    std::fs::write(&file, dangling).expect("write");
    assert_eq!(
        refused_to_start(&file),
        format!(
            "aliyun-vpc-emulator: invalid state file {}: SslVpnServers[0].VpnGatewayId: no such VPN gateway in the server's account and region (vpn-gone)",
            file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), dangling);
}

#[tokio::test]
async fn a_corrupt_log_line_refuses_to_start_but_a_torn_last_line_is_dropped() {
    let scratch = Scratch::new("wal");
    let file = scratch.file("state.json");
    let wal = scratch.file("state.json.wal");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "kept")])).await.status,
        200
    );
    kill9(&mut child);

    // A torn last line (a write cut by the crash) is ignored.
    let good = crate::persistence::log_text(&wal);
    let mut torn = good.clone();
    torn.extend_from_slice(br#"{"PutCert":{"SslVpnClientCertId":"vsc-ha"#);
    std::fs::write(&wal, &torn).expect("write");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(exported(addr).await["SslVpnClientCerts"][0]["Name"], "kept");
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "kept2")])).await.status,
        200
    );
    kill9(&mut child);

    // A complete line that is not a change is corruption: refused, nothing rewritten.
    let mut corrupt = crate::persistence::log_text(&wal);
    corrupt.extend_from_slice(b"{\"Nonsense\": 1}\n");
    std::fs::write(&wal, &corrupt).expect("write");
    let snapshot = std::fs::read(&file).expect("snapshot");
    let message = refused_to_start(&file);
    assert!(
        message.contains("corrupt") && message.contains("state.json.wal at line"),
        "{message}"
    );
    assert_eq!(std::fs::read(&wal).expect("wal"), corrupt);
    assert_eq!(std::fs::read(&file).expect("snapshot"), snapshot);
}

/// The log file is extended with zeros ahead of its records, so that most syncs write no new
/// file size (issue 26): the room is there after a `kill -9`, writes land inside it without
/// growing the file, and a record torn inside it (half written, zeros after) is dropped while
/// every whole record before it loads.
#[tokio::test]
async fn the_room_made_ahead_in_the_log_holds_records_and_a_torn_one_in_it_is_dropped() {
    let scratch = Scratch::new("wal-room");
    let file = scratch.file("state.json");
    let wal = scratch.file("state.json.wal");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "first")])).await.status,
        200
    );
    let length = std::fs::metadata(&wal).expect("log").len();
    for name in ["second", "third"] {
        assert_eq!(
            send(addr, modify(CERT1, &[("Name", name)])).await.status,
            200
        );
    }
    assert_eq!(
        std::fs::metadata(&wal).expect("log").len(),
        length,
        "the records were written inside the room, the file did not grow"
    );
    kill9(&mut child);
    let snapshot = std::fs::read(&file).expect("snapshot");
    let raw = std::fs::read(&wal).expect("log");
    let text = log_text(&wal);
    assert_eq!(
        text.iter().filter(|b| **b == b'\n').count(),
        4,
        "header and three records"
    );
    assert!(raw.len() > text.len() && raw[text.len()..].iter().all(|b| *b == 0));

    // As the crash left it: every record loads.
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        exported(addr).await["SslVpnClientCerts"][0]["Name"],
        "third"
    );
    kill9(&mut child);

    // The same files with the last record torn inside the room: the whole records before it
    // load, the torn one is dropped.
    let last_start = text[..text.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .expect("a record before the last")
        + 1;
    let mut torn = text[..last_start].to_vec();
    torn.extend_from_slice(&text[last_start..last_start + (text.len() - last_start) / 2]);
    torn.extend_from_slice(&[0u8; 4096]);
    std::fs::write(&file, &snapshot).expect("snapshot back");
    std::fs::write(&wal, &torn).expect("tear");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        exported(addr).await["SslVpnClientCerts"][0]["Name"],
        "second"
    );
    kill9(&mut child);

    // A hole of zeros far before the log's last record is damage, not room: refused, files
    // untouched (what comes after the hole would otherwise be lost).
    let record = &text[last_start..];
    let mut holed = text[..last_start].to_vec();
    holed.extend_from_slice(&vec![0u8; 2 * 1024 * 1024]);
    holed.extend_from_slice(record);
    std::fs::write(&file, &snapshot).expect("snapshot back");
    std::fs::write(&wal, &holed).expect("hole");
    let message = refused_to_start(&file);
    assert!(
        message.contains(&format!(
            "invalid log {}: zero bytes from byte {last_start} with records after them",
            wal.display()
        )),
        "{message}"
    );
    assert_eq!(std::fs::read(&wal).expect("wal"), holed);
    assert_eq!(std::fs::read(&file).expect("snapshot"), snapshot);
}
