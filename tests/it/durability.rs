//! The fault-injection tier of `--state-file` (SPEC sections 9 and 13): a disk that fills up
//! (a real 2 MiB tmpfs), damaged and mismatched files, log lines that parse but do not fit, a
//! stalled writer (the test-only hook of `persist::STALL_HOOK_ENV`), and a second process.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use serde_json::{Value, json};

use crate::cli::{start, terminate};
use crate::helpers::*;
use crate::persistence::{
    Scratch, cert_ids, exported, kill9, refused_run, refused_to_start, send, with_state_file,
};

const NOT_DURABLE: &str =
    "The request processing has failed due to some unknown error, exception or failure.";

pub fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A small tmpfs of its own, unmounted at the end.
pub struct Tmpfs(pub PathBuf);

impl Tmpfs {
    pub fn mount(name: &str, size: &str) -> Tmpfs {
        let dir = std::env::temp_dir().join(format!("vpc-emulator-{name}-{}", std::process::id()));
        let _ = Command::new("umount").arg(&dir).status();
        std::fs::create_dir_all(&dir).expect("mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .expect("mount");
        assert!(
            mounted.success(),
            "mount -t tmpfs failed (the test runs as root)"
        );
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fills the file system of `dir` to the last byte; returns the filler file.
pub fn fill(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    for chunk in [1 << 16, 512, 1] {
        let bytes = vec![0u8; chunk];
        while file.write(&bytes).is_ok_and(|n| n > 0) {}
    }
    let _ = file.sync_all();
    filler
}

fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    names.sort();
    names
}

/// SPEC 9, a write that fails: on a disk that fills up, no rename, create or `PUT state` is
/// acknowledged or stays visible; once there is room again later changes succeed, and after
/// `kill -9` the file loads with exactly the acknowledged changes.
#[tokio::test]
async fn a_full_disk_acknowledges_nothing_it_did_not_write_and_the_file_still_loads() {
    if !running_as_root() {
        eprintln!("SKIPPED: mounting a tmpfs needs root");
        return;
    }
    let disk = Tmpfs::mount("full-disk", "2m");
    let file = disk.0.join("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "before")]))
            .await
            .status,
        200
    );
    let filler = fill(&disk.0);

    // Renames fit in the room the log made ahead of its records (256 KiB of zeros), then in
    // its last page for a while; then one does not. None that failed is visible, and every one
    // that answered 200 is.
    let mut acknowledged = "before".to_owned();
    let mut failures = 0;
    for n in 0..4000 {
        let name = format!("full-{n:04}-{}", "x".repeat(60));
        let answer = send(addr, modify(CERT1, &[("Name", &name)])).await;
        match answer.status {
            200 => acknowledged = name,
            500 => {
                answer.assert_error(500, "InternalError", NOT_DURABLE);
                failures += 1;
                let state = exported(addr).await;
                assert_eq!(cert_name_in(&state, CERT1), Some(acknowledged.clone()));
                if failures == 3 {
                    break;
                }
            }
            other => panic!("rename answered {other}: {:?}", answer.body),
        }
    }
    assert_eq!(failures, 3, "the disk never filled up");
    // What a failed write had put down is cut off again: the log ends with a whole record.
    let log = crate::persistence::log_text(&disk.0.join("state.json.wal"));
    assert!(log.ends_with(b"\n"), "a torn line was left behind");
    for line in log.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        serde_json::from_slice::<Value>(line).expect("every line is whole");
    }

    // A create with a ClientToken (a certificate and its token record) fails whole.
    let before = cert_ids(&exported(addr).await);
    let created = send(addr, create(&[("ClientToken", "on-full-disk")])).await;
    created.assert_error(500, "InternalError", NOT_DURABLE);
    assert_eq!(cert_ids(&exported(addr).await), before);

    // A whole new state is refused with the old one kept, and no temporary file is left.
    let mut doc = exported(addr).await;
    doc["SslVpnClientCerts"][0]["Name"] = json!("imported");
    let put = admin("PUT", "state", &doc.to_string());
    let refused = send(addr, put).await;
    assert_eq!(refused.status, 500, "{:?}", refused.body);
    assert_eq!(
        refused.json()["error"],
        "the state file could not be written; the state is unchanged"
    );
    assert_eq!(
        cert_name_in(&exported(addr).await, CERT1),
        Some(acknowledged.clone())
    );
    assert_eq!(leftovers(&disk.0), Vec::<String>::new());

    // Room again: changes succeed, the token that failed was never remembered.
    std::fs::remove_file(&filler).expect("free the disk");
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "after")])).await.status,
        200
    );
    let created = send(addr, create(&[("ClientToken", "on-full-disk")])).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let new_id = created.json()["SslVpnClientCertId"].clone();
    kill9(&mut child);

    let (mut child, addr) = with_state_file(&file, &[]);
    let state = exported(addr).await;
    assert_eq!(cert_name_in(&state, CERT1).as_deref(), Some("after"));
    let mut expected = before.clone();
    expected.insert(new_id.as_str().unwrap_or_default().to_owned());
    assert_eq!(cert_ids(&state), expected);
    let replay = send(addr, create(&[("ClientToken", "on-full-disk")])).await;
    assert_eq!(replay.json()["SslVpnClientCertId"], new_id);
    assert_eq!(terminate(&mut child), Some(0));
}

/// A file system that is full when the emulator starts: it refuses to start (it cannot make
/// anything durable) and leaves the files as they were.
#[tokio::test]
async fn a_start_on_a_full_disk_refuses_and_leaves_the_files() {
    if !running_as_root() {
        eprintln!("SKIPPED: mounting a tmpfs needs root");
        return;
    }
    let disk = Tmpfs::mount("full-start", "1m");
    let file = disk.0.join("state.json");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "kept")])).await.status,
        200
    );
    kill9(&mut child);
    let (snapshot, wal) = (
        std::fs::read(&file).expect("snapshot"),
        std::fs::read(disk.0.join("state.json.wal")).expect("wal"),
    );
    let filler = fill(&disk.0);
    let message = refused_to_start(&file);
    assert!(
        message.contains("cannot write state file") && message.contains("No space left"),
        "{message}"
    );
    assert_eq!(std::fs::read(&file).expect("snapshot"), snapshot);
    assert_eq!(
        std::fs::read(disk.0.join("state.json.wal")).expect("wal"),
        wal
    );
    assert_eq!(leftovers(&disk.0), Vec::<String>::new());
    std::fs::remove_file(filler).expect("free");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(
        cert_name_in(&exported(addr).await, CERT1).as_deref(),
        Some("kept")
    );
    assert_eq!(terminate(&mut child), Some(0));
}

fn start_stalled(file: &Path, gate: &Path) -> (Child, SocketAddr) {
    let (child, port) = start(
        &[
            "--port",
            "0",
            "--state-file",
            file.to_str().unwrap_or_default(),
        ],
        &[(
            "VPC_EMULATOR_TEST_STALL_WRITER",
            gate.to_str().unwrap_or_default(),
        )],
    );
    (child, SocketAddr::from(([127, 0, 0, 1], port)))
}

/// Waits (bounded) until the stalled writer holds a batch.
async fn until_held(gate: &Path) {
    let held = PathBuf::from(format!("{}.held", gate.display()));
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    for _ in 0..10_000 {
        if held.exists() {
            return;
        }
        tick.tick().await;
    }
    panic!("the writer never took the batch");
}

/// SPEC 9, a replay is durable too: while the first request of a ClientToken waits for its
/// sync, a retry with the same token waits as well; `kill -9` then loses both, and neither was
/// answered 200. Once the sync is done both answer the same certificate.
#[tokio::test]
async fn a_replay_is_answered_only_once_the_first_request_is_durable() {
    let scratch = Scratch::new("stalled");
    let (file, gate) = (scratch.file("state.json"), scratch.file("gate"));
    let (mut child, addr) = start_stalled(&file, &gate);
    let before = cert_ids(&exported(addr).await);

    std::fs::write(&gate, b"").expect("gate");
    let first = create(&[("ClientToken", "stalled")]).to_bytes(addr);
    let first = tokio::spawn(async move { try_send_raw(addr, &first).await });
    until_held(&gate).await;
    let retry = create(&[("ClientToken", "stalled")]).to_bytes(addr);
    let mut retry = tokio::spawn(async move { try_send_raw(addr, &retry).await });
    // Bounded wait for something that must not happen: an answer before the first is durable.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut retry)
            .await
            .is_err(),
        "the retry was answered while the first request was not on disk"
    );
    kill9(&mut child);
    for request in [first, retry] {
        let answer = request.await.expect("task");
        assert!(
            answer.as_ref().map_or(true, |a| a.status != 200),
            "a change that was never durable was acknowledged: {answer:?}"
        );
    }

    let (mut child, addr) = start_stalled(&file, &gate);
    assert_eq!(cert_ids(&exported(addr).await), before);
    let _ = std::fs::remove_file(format!("{}.held", gate.display()));
    std::fs::write(&gate, b"").expect("gate");
    let first = create(&[("ClientToken", "stalled")]).to_bytes(addr);
    let first = tokio::spawn(async move { send_raw(addr, &first).await });
    until_held(&gate).await;
    let retry = create(&[("ClientToken", "stalled")]).to_bytes(addr);
    let retry = tokio::spawn(async move { send_raw(addr, &retry).await });
    std::fs::remove_file(&gate).expect("open the gate");
    let (first, retry) = (first.await.expect("first"), retry.await.expect("retry"));
    assert_eq!(first.status, 200);
    assert_eq!(retry.status, 200);
    assert_eq!(
        first.json()["SslVpnClientCertId"],
        retry.json()["SslVpnClientCertId"]
    );
    assert_eq!(cert_ids(&exported(addr).await).len(), before.len() + 1);
    assert_eq!(terminate(&mut child), Some(0));
}

/// A state file and a log of two records (the two default certificates deleted), left by
/// `kill -9`.
async fn two_records(scratch: &Scratch) -> (PathBuf, PathBuf, Vec<u8>, Vec<u8>) {
    let (file, wal) = (scratch.file("state.json"), scratch.file("state.json.wal"));
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(send(addr, delete(CERT1, &[])).await.status, 200);
    assert_eq!(send(addr, delete(CERT2, &[])).await.status, 200);
    kill9(&mut child);
    let (snapshot, log) = (
        std::fs::read(&file).expect("snapshot"),
        crate::persistence::log_text(&wal),
    );
    // The log as its text alone, the zeros made ahead cut off: the files are then exactly
    // what the tests compare them with.
    std::fs::write(&wal, &log).expect("the log's text");
    assert_eq!(
        log.iter().filter(|b| **b == b'\n').count(),
        3,
        "header and two records"
    );
    (file, wal, snapshot, log)
}

fn assert_untouched(file: &Path, wal: &Path, snapshot: Option<&[u8]>, log: &[u8]) {
    assert_eq!(std::fs::read(file).ok().as_deref(), snapshot);
    assert_eq!(std::fs::read(wal).expect("wal"), log);
}

/// SPEC 9, nothing dropped silently: a snapshot changed by one byte (an editor's final
/// newline), a deleted snapshot, and a damaged byte in each region of the log's header each
/// refuse to start and touch neither file.
#[tokio::test]
async fn a_mismatched_or_damaged_pair_refuses_to_start_and_is_left_alone() {
    let scratch = Scratch::new("mismatch");
    let (file, wal, snapshot, log) = two_records(&scratch).await;

    let mut edited = snapshot.clone();
    edited.push(b'\n');
    std::fs::write(&file, &edited).expect("edit");
    let message = refused_to_start(&file);
    assert!(
        message.contains("continues another snapshot") && message.contains("remove the log"),
        "{message}"
    );
    assert_untouched(&file, &wal, Some(&edited), &log);

    std::fs::remove_file(&file).expect("delete the snapshot");
    let message = refused_to_start(&file);
    assert!(message.contains("is missing but its log"), "{message}");
    assert_untouched(&file, &wal, None, &log);
    std::fs::write(&file, &snapshot).expect("restore");

    // `{"Snapshot":"<64 hex>"}\n`: the brace, the key, its quotes, the colon, the first,
    // a middle and the last hex digit, the closing brace and the newline.
    let header_len = log.iter().position(|b| *b == b'\n').expect("header") + 1;
    assert_eq!(header_len, 80);
    for at in [0, 1, 2, 10, 11, 12, 13, 45, 76, 77, 78, 79] {
        let mut damaged = log.clone();
        damaged[at] = if damaged[at] == b'0' { b'1' } else { b'0' };
        std::fs::write(&wal, &damaged).expect("damage");
        let message = refused_to_start(&file);
        assert!(
            message.contains("state.json.wal") && !message.contains("panicked"),
            "byte {at}: {message}"
        );
        assert_untouched(&file, &wal, Some(&snapshot), &damaged);
    }
    // Cut inside the header: damaged too.
    for len in [0, 1, header_len - 1] {
        std::fs::write(&wal, &log[..len]).expect("cut");
        refused_to_start(&file);
        assert_untouched(&file, &wal, Some(&snapshot), &log[..len]);
    }
}

/// A log cut at every byte of its records (a torn last write) loads with exactly the records
/// that are whole: a torn record was never acknowledged.
#[tokio::test]
async fn a_log_torn_at_any_byte_loads_the_whole_records_before_it() {
    let scratch = Scratch::new("torn-everywhere");
    let (file, wal, snapshot, log) = two_records(&scratch).await;
    let header_len = log.iter().position(|b| *b == b'\n').expect("header") + 1;
    let first_end = header_len
        + log[header_len..]
            .iter()
            .position(|b| *b == b'\n')
            .expect("record")
        + 1;
    for len in header_len..=log.len() {
        std::fs::write(&file, &snapshot).expect("snapshot");
        std::fs::write(&wal, &log[..len]).expect("cut");
        let (mut child, addr) = with_state_file(&file, &[]);
        let present = cert_ids(&exported(addr).await);
        let expected: &[&str] = if len < first_end {
            &[CERT1, CERT2]
        } else if len < log.len() {
            &[CERT2]
        } else {
            &[]
        };
        let expected = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(present, expected, "log cut at byte {len}");
        kill9(&mut child);
    }
}

/// SPEC 9: a log line that is well formed but not a valid change of the state it follows
/// refuses to start, naming the file, the line and the reason; nothing is rewritten.
#[tokio::test]
async fn a_log_line_that_does_not_fit_its_state_refuses_to_start() {
    let scratch = Scratch::new("unfit");
    let (file, wal, snapshot, log) = two_records(&scratch).await;
    let cert = |fields: Value| {
        let mut c = json!({"SslVpnClientCertId": "vsc-new", "RegionId": "cn-hangzhou",
            "AccountId": "1000000000000001", "SslVpnServerId": SERVER, "Name": "n",
            "CreateTime": 1_764_547_200_000_i64, "EndTime": 1_859_155_200_000_i64});
        if let (Some(c), Some(f)) = (c.as_object_mut(), fields.as_object()) {
            c.extend(f.clone());
        }
        json!([{ "PutCert": c }]).to_string()
    };
    let cases = [
        (
            cert(json!({"SslVpnServerId": "vss-gone"})),
            "no such SSL-VPN server in the certificate's account and region (vss-gone)",
        ),
        (
            cert(json!({"RegionId": "mars-1"})),
            "unknown region (mars-1)",
        ),
        (
            cert(json!({"EndTime": 1_764_547_200_000_i64})),
            "EndTime must be after CreateTime (1764547200000)",
        ),
        (cert(json!({"AccountId": "999"})), "unknown account (999)"),
        (
            json!([{"DeleteCert": "vsc-never"}]).to_string(),
            "deletes certificate vsc-never, which does not exist",
        ),
        (
            r#"[{"DeleteCert": "x"}] trailing"#.to_owned(),
            "not a record of changes: $: trailing characters",
        ),
        (r#"{"Nonsense": 1}"#.to_owned(), "not a record of changes"),
    ];
    for (line, reason) in cases {
        let mut bad = log.clone();
        bad.extend_from_slice(line.as_bytes());
        bad.push(b'\n');
        std::fs::write(&wal, &bad).expect("write");
        let message = refused_to_start(&file);
        assert!(
            message.contains(&format!("{} at line 4: ", wal.display())) && message.contains(reason),
            "{line}: {message}"
        );
        assert_untouched(&file, &wal, Some(&snapshot), &bad);
    }
}

/// SPEC 9, one change is one record: a create with a ClientToken writes the certificate and
/// its token on one line; torn anywhere inside it, the restart has neither, and a retry makes
/// exactly one certificate.
#[tokio::test]
async fn a_change_and_its_client_token_are_one_record() {
    let scratch = Scratch::new("one-record");
    let (file, wal) = (scratch.file("state.json"), scratch.file("state.json.wal"));
    let (mut child, addr) = with_state_file(&file, &[]);
    let before = cert_ids(&exported(addr).await);
    let created = send(addr, create(&[("ClientToken", "one-record")])).await;
    assert_eq!(created.status, 200);
    kill9(&mut child);
    let log = crate::persistence::log_text(&wal);
    let lines: Vec<&[u8]> = log.split_inclusive(|b| *b == b'\n').collect();
    assert_eq!(lines.len(), 2, "the header and one record");
    let record: Value = serde_json::from_slice(lines[1]).expect("record");
    assert!(
        record[0]["PutCert"].is_object() && record[1]["Token"].is_object(),
        "{record}"
    );

    let torn_at = lines[0].len() + lines[1].len() / 2;
    std::fs::write(&wal, &log[..torn_at]).expect("tear");
    let (mut child, addr) = with_state_file(&file, &[]);
    assert_eq!(cert_ids(&exported(addr).await), before);
    let retried = send(addr, create(&[("ClientToken", "one-record")])).await;
    assert_eq!(retried.status, 200);
    let again = send(addr, create(&[("ClientToken", "one-record")])).await;
    assert_eq!(
        again.json()["SslVpnClientCertId"],
        retried.json()["SslVpnClientCertId"]
    );
    assert_eq!(cert_ids(&exported(addr).await).len(), before.len() + 1);
    assert_eq!(terminate(&mut child), Some(0));
}

/// SPEC 9, one writer: a second process on the same state file refuses to start, naming the
/// file and the lock; the first keeps serving, and once it stops the file can be opened again.
#[tokio::test]
async fn a_second_process_on_the_same_state_file_refuses_to_start() {
    let scratch = Scratch::new("two-writers");
    let file = scratch.file("state.json");
    let (mut first, addr) = with_state_file(&file, &[]);
    let message = refused_to_start(&file);
    assert_eq!(
        message,
        format!(
            "aliyun-vpc-emulator: state file {} is in use by another process (it holds the lock on {}.lock)",
            file.display(),
            file.display()
        )
    );
    assert_eq!(
        send(addr, modify(CERT1, &[("Name", "first")])).await.status,
        200
    );
    assert_eq!(terminate(&mut first), Some(0));
    let (mut second, addr) = with_state_file(&file, &[]);
    assert_eq!(
        cert_name_in(&exported(addr).await, CERT1).as_deref(),
        Some("first")
    );
    assert_eq!(terminate(&mut second), Some(0));
}

/// SPEC 9, one JSON value per document: trailing text after a fixtures file or a snapshot
/// refuses to start with its position.
#[test]
fn a_document_with_anything_after_its_json_value_is_refused() {
    let scratch = Scratch::new("trailing");
    let fixtures = scratch.file("fixtures.json");
    let text = format!(
        "{}]]] garbage",
        aliyun_vpc_emulator::app::DEFAULT_FIXTURES.trim_end()
    );
    std::fs::write(&fixtures, &text).expect("fixtures");
    let message = refused_run(&[
        "--port",
        "0",
        "--fixtures",
        fixtures.to_str().unwrap_or_default(),
    ]);
    assert!(
        message.contains("invalid fixtures file")
            && message.contains("$: trailing characters at line"),
        "{message}"
    );
    let file = scratch.file("state.json");
    std::fs::write(
        &file,
        format!("{}\n{{}}", aliyun_vpc_emulator::app::DEFAULT_FIXTURES),
    )
    .expect("state");
    let message = refused_to_start(&file);
    assert!(
        message.contains("$: trailing characters at line"),
        "{message}"
    );
}

/// SPEC 9 and 14 (issue 24, item 3): `GET /_emulator/view` waits as the API's reads do: a
/// gateway create or a cascade delete held at the sync is not shown (the view answers only once
/// it is durable), and after `kill -9` the state is what the view showed.
#[tokio::test]
async fn the_console_view_shows_nothing_that_is_not_durable() {
    let scratch = Scratch::new("view-durable");
    let (file, gate) = (scratch.file("state.json"), scratch.file("gate"));
    let held = PathBuf::from(format!("{}.held", gate.display()));
    let view = |addr: SocketAddr| async move {
        let request = admin("GET", "view", "").to_bytes(addr);
        let mut answer = tokio::spawn(async move { try_send_raw(addr, &request).await });
        // Bounded wait for something that must not happen: an answer showing what is not on
        // disk. An answer that waits for the sync is right.
        match tokio::time::timeout(Duration::from_millis(300), &mut answer).await {
            Ok(answer) => Some(answer.expect("task").expect("an answer").json()),
            Err(_) => None,
        }
    };

    // A gateway create held at the sync.
    let (mut child, addr) = start_stalled(&file, &gate);
    std::fs::write(&gate, b"").expect("gate");
    let create = rpc(
        "CreateVpnGateway",
        &[
            ("RegionId", "cn-hangzhou"),
            ("VpcId", "vpc-bp1emulator0000000001"),
            ("Bandwidth", "5"),
        ],
    )
    .to_bytes(addr);
    let created = tokio::spawn(async move { try_send_raw(addr, &create).await });
    until_held(&gate).await;
    if let Some(shown) = view(addr).await {
        let gateways = shown["Gateways"].as_object().map(|g| g.len());
        assert_eq!(
            gateways,
            Some(1),
            "the view showed a gateway not yet on disk: {shown}"
        );
    }
    kill9(&mut child);
    assert!(
        created
            .await
            .expect("task")
            .map_or(true, |a| a.status != 200)
    );
    let _ = std::fs::remove_file(&held);

    // A cascade delete (a server and its two certificates) held at the sync.
    let (mut child, addr) = start_stalled(&file, &gate);
    let before = send(addr, admin("GET", "view", "")).await.json();
    assert_eq!(
        before["Gateways"].as_object().map(|g| g.len()),
        Some(1),
        "{before}"
    );
    assert_eq!(
        before["Certs"].as_object().map(|c| c.len()),
        Some(2),
        "{before}"
    );
    std::fs::write(&gate, b"").expect("gate");
    let delete = rpc(
        "DeleteSslVpnServer",
        &[("RegionId", "cn-hangzhou"), ("SslVpnServerId", SERVER)],
    )
    .to_bytes(addr);
    let deleted = tokio::spawn(async move { try_send_raw(addr, &delete).await });
    until_held(&gate).await;
    if let Some(shown) = view(addr).await {
        assert_eq!(
            shown["Certs"], before["Certs"],
            "the view showed a delete not yet on disk"
        );
    }
    kill9(&mut child);
    assert!(
        deleted
            .await
            .expect("task")
            .map_or(true, |a| a.status != 200)
    );
    let _ = std::fs::remove_file(&held);
    let _ = std::fs::remove_file(&gate);
    let (mut child, addr) = with_state_file(&file, &[]);
    let after = send(addr, admin("GET", "view", "")).await.json();
    assert_eq!(after["Gateways"], before["Gateways"]);
    assert_eq!(after["Certs"], before["Certs"]);
    assert_eq!(terminate(&mut child), Some(0));
}
