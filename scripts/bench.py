"""The benchmark run of scripts/bench: prints figures, asserts nothing.

Besides signed Modify beside a no-work floor: the SPEC 11 reads (DescribeSslVpnServers,
DescribeVpnGateways) beside them, a 2,000-gateway / 2,000-server / 100,000-certificate fixture's
load time and memory, filtered and unfiltered lists at 100 and at 100,000 certificates (first
and last page), ListTagResources of 10,000 VPCs x 20 tags (first and last page, unfiltered and
by tag) beside DescribeVpcs pages of the same data, and durable writes with the batch the
--state-file writer reaches (requests per fdatasync) and its fdatasyncs per second.

BENCH_BASELINE=/path/to/an/older/aliyun-vpc-emulator adds that build's --state-file write
throughput beside this one's.

Every figure is measured in this one run on this one machine, so the ratios between the
emulator and the floor (and with and without --state-file) are fair even on a shared machine.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import ssl
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

EMULATOR = "target/release/aliyun-vpc-emulator"
FLOOR = "target/release/examples/floor"
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
ROOT_KEY, ROOT_SECRET = "LTAI5tEmulatorRootKey", "EmulatorRootSecret"
CERT1 = "vsc-bp1emulator0000000001"


def start(argv):
    """Starts a server; returns (process, port, ms from exec to its listening line)."""
    began = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    elapsed_ms = (time.perf_counter() - began) * 1000
    match = re.search(r"listening on http://[^:]+:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"no listening line from {argv}: {line!r}")
    return proc, int(match.group(1)), elapsed_ms


def stop(proc):
    proc.terminate()
    proc.wait(timeout=10)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def enc(s):
    return urllib.parse.quote(s, safe="-_.~")


def signed_v1_path(params, method="GET"):
    """A V1-signed query for the root key (lenient mode verifies it on every request)."""
    params = dict(params)
    params.update(
        AccessKeyId=ROOT_KEY,
        Format="JSON",
        Version="2016-04-28",
        SignatureMethod="HMAC-SHA1",
        SignatureVersion="1.0",
        SignatureNonce=uuid.uuid4().hex,
        Timestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&%2F&{enc(canonical)}"
    digest = hmac.new(f"{ROOT_SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return f"/?{canonical}&Signature={enc(base64.b64encode(digest).decode())}"


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, path="/", script=None, connections=16, scheme="http"):
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    if script:
        argv += ["-s", script]
    out = subprocess.run(argv + [f"{scheme}://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(*re.search(r"50%\s+([\d.]+)(us|ms|s)", out).groups())
    p99 = to_ms(*re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if non2xx or errors:
        print(f"  wrk saw {non2xx.group(0) if non2xx else ''} {errors.group(0) if errors else ''}")
    return rps, p50, p99


def median_runs(runs):
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def fixture_file(servers, certs_per_server, directory):
    """One gateway per server (as the API allows), each with `certs_per_server` certificates."""
    doc = {
        "Regions": [{"RegionId": "cn-hangzhou"}],
        "Accounts": [{"AccountId": "1"}],
        "VpnGateways": [
            {"VpnGatewayId": f"vpn-{s:05}", "RegionId": "cn-hangzhou", "CreateTime": 1764547200000 + s}
            for s in range(servers)
        ],
        "SslVpnServers": [
            {"SslVpnServerId": f"vss-{s:05}", "RegionId": "cn-hangzhou", "VpnGatewayId": f"vpn-{s:05}",
             "CreateTime": 1764547200000 + s}
            for s in range(servers)
        ],
        "SslVpnClientCerts": [
            {
                "SslVpnClientCertId": f"vsc-{s:05}{c:02}",
                "RegionId": "cn-hangzhou",
                "SslVpnServerId": f"vss-{s:05}",
                "Name": f"cert-{s}-{c}",
                "CreateTime": 1764547200000 + s * 100 + c,
            }
            for s in range(servers)
            for c in range(certs_per_server)
        ],
    }
    path = os.path.join(directory, f"fixtures-{servers}x{certs_per_server}.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def vpc_tag_fixture(vpcs, tags, directory):
    """`vpcs` VPCs of one account and region, each with `tags` tags (k0..; values v0..v9)."""
    doc = {
        "Regions": [{"RegionId": "cn-hangzhou"}],
        "Accounts": [{"AccountId": "1"}],
        "Vpcs": [
            {"VpcId": f"vpc-{n:06}", "RegionId": "cn-hangzhou",
             "Tags": [{"Key": f"k{t}", "Value": f"v{(n + t) % 10}"} for t in range(tags)]}
            for n in range(vpcs)
        ],
    }
    path = os.path.join(directory, f"fixtures-vpcs-{vpcs}x{tags}.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def tag_lists(directory, vpcs=10_000, tags=20):
    """ListTagResources of `vpcs` VPCs x `tags` tags, one page (50 entries): unfiltered (first and
    last page) and by tag, beside a DescribeVpcs page of the same data (issue 26)."""
    fixture = vpc_tag_fixture(vpcs, tags, directory)
    base = "/?Version=2016-04-28&RegionId=cn-hangzhou"
    last_vpc_page = (vpcs + 49) // 50
    paths = {
        "DescribeVpcs, first page (PageSize 50)": f"{base}&Action=DescribeVpcs&PageSize=50",
        "DescribeVpcs, last page (PageSize 50)": f"{base}&Action=DescribeVpcs&PageSize=50&PageNumber={last_vpc_page}",
        "ListTagResources, first page": f"{base}&Action=ListTagResources&ResourceType=VPC",
        "ListTagResources, last page": f"{base}&Action=ListTagResources&ResourceType=VPC&NextToken={vpcs * tags - 50}",
        "ListTagResources by tag key, first page": f"{base}&Action=ListTagResources&ResourceType=VPC&Tag.1.Key=k3",
        "ListTagResources by tag key, last page":
            f"{base}&Action=ListTagResources&ResourceType=VPC&Tag.1.Key=k3&NextToken={vpcs * tags - 50}",
        "ListTagResources by tag key and value, first page":
            f"{base}&Action=ListTagResources&ResourceType=VPC&Tag.1.Key=k3&Tag.1.Value=v5",
    }
    proc, port, ms = start([EMULATOR, "--port", "0", "--fixtures", fixture])
    print(f"\n{vpcs:,} VPCs x {tags} tags (load {ms:.0f} ms, RSS {rss_mb(proc.pid):.1f} MB), unsigned, 16 connections:")
    for name, path in paths.items():
        probe = http.client.HTTPConnection("127.0.0.1", port)
        began = time.perf_counter()
        probe.request("GET", path)
        answer = probe.getresponse()
        body = json.loads(answer.read())
        one_ms = (time.perf_counter() - began) * 1000
        probe.close()
        assert answer.status == 200, body
        items = body.get("TagResources", body.get("Vpcs", {}))
        count = len(next(iter(items.values()), [])) if isinstance(items, dict) else 0
        line(f"{name} ({count} items, one call {one_ms:.1f} ms)", median_runs([wrk(port, path) for _ in range(ROUNDS)]))
    stop(proc)


def writer_figures(stderr_path):
    """The --state-file writer's own line at exit: records per fdatasync and fdatasyncs/s."""
    with open(stderr_path, errors="replace") as f:
        for row in f:
            if "state file writer stopped" in row:
                figures = {k: v.strip('"') for k, v in re.findall(r"(\w+)=(\S+)", row)}
                return (f"{figures.get('records_per_fsync', '?')} requests per fdatasync, "
                        f"{figures.get('fsyncs_per_second', '?')} fdatasyncs/s over the server's life, "
                        f"each {figures.get('fsync_us_mean', '?')} µs (the write before it "
                        f"{figures.get('write_us_mean', '?')} µs)")
    return "no writer line (an older build?)"


def line(name, figures):
    rps, p50, p99 = figures
    print(f"  {name:<54} {rps:>9.0f} req/s   p50 {p50:.3f} ms   p99 {p99:.3f} ms")


def chain_run(port, connections, seconds):
    """Builds and tears down VPC, vSwitch, gateway, server and 10 certificates in a loop on
    `connections` threads (one keep-alive connection each); (chains, requests) done."""
    import threading

    deadline = time.perf_counter() + seconds
    done = [0, 0]
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)

        def call(action, **params):
            query = urllib.parse.urlencode({"Action": action, "Version": "2016-04-28", "RegionId": "cn-hangzhou", **params})
            conn.request("GET", "/?" + query)
            answer = conn.getresponse()
            body = json.loads(answer.read())
            if answer.status != 200:
                raise SystemExit(f"{action}: {answer.status} {body}")
            return body

        chains = requests = 0
        while time.perf_counter() < deadline:
            vpc = call("CreateVpc", CidrBlock="10.0.0.0/16")["VpcId"]
            vsw = call("CreateVSwitch", VpcId=vpc, ZoneId="cn-hangzhou-b", CidrBlock="10.0.1.0/24")["VSwitchId"]
            gw = call("CreateVpnGateway", VpcId=vpc, Bandwidth="5", EnableSsl="true")["VpnGatewayId"]
            server = call("CreateSslVpnServer", VpnGatewayId=gw, ClientIpPool="192.168.0.0/16", LocalSubnet="10.0.0.0/16")["SslVpnServerId"]
            certs = [call("CreateSslVpnClientCert", SslVpnServerId=server)["SslVpnClientCertId"] for _ in range(10)]
            for cert in reversed(certs):
                call("DeleteSslVpnClientCert", SslVpnClientCertId=cert)
            call("DeleteSslVpnServer", SslVpnServerId=server)
            call("DeleteVpnGateway", VpnGatewayId=gw)
            call("DeleteVSwitch", VSwitchId=vsw)
            call("DeleteVpc", VpcId=vpc)
            chains += 1
            requests += 30
        conn.close()
        with lock:
            done[0] += chains
            done[1] += requests

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], done[1]


def durable_run(state, script, binary=EMULATOR):
    """wrk's renames against a --state-file server whose stderr (log lines, and the writer's
    figures at exit) goes to STATE.stderr."""
    with open(state + ".stderr", "w") as err:
        proc = subprocess.Popen([binary, "--port", "0", "--state-file", state],
                                stdout=subprocess.PIPE, stderr=err, text=True)
        match = re.search(r"listening on http://[^:]+:(\d+)", proc.stdout.readline())
        if not match:
            proc.kill()
            raise SystemExit(f"no listening line from {binary} --state-file")
        figures = wrk(int(match.group(1)), script=script)
        stop(proc)
    return figures


def main():
    print(f"aliyun-vpc-emulator benchmark: {os.cpu_count()} cores, wrk -t2 -c16 -d{SECONDS}s, {ROUNDS} rounds, medians\n")

    # Start-up and idle memory.
    startups, idle = [], []
    for _ in range(20):
        proc, _, ms = start([EMULATOR, "--port", "0"])
        startups.append(ms)
        idle.append(rss_mb(proc.pid))
        stop(proc)
    print(f"start-up (exec to listening line): median {statistics.median(startups):.1f} ms, max {max(startups):.1f} ms (20 runs)")
    # The console's page (issue 16): one GET of /_emulator/ui, new connection each time.
    proc, port, _ = start([EMULATOR, "--port", "0"])
    loads = []
    for _ in range(50):
        began = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/_emulator/ui")
        page = conn.getresponse().read()
        conn.close()
        loads.append((time.perf_counter() - began) * 1000)
    stop(proc)
    print(f"console page /_emulator/ui ({len(page) / 1024:.1f} KiB): median {statistics.median(loads):.2f} ms, max {max(loads):.2f} ms (50 loads)")
    print(f"idle RSS: {statistics.median(idle):.1f} MB")

    # Signed ModifySslVpnClientCert beside the floor, alternating.
    emulator, emulator_port, _ = start([EMULATOR, "--port", "0"])
    floor, floor_port, _ = start([FLOOR, "0"])
    path = signed_v1_path({"Action": "ModifySslVpnClientCert", "RegionId": "cn-hangzhou", "SslVpnClientCertId": CERT1})
    check = http.client.HTTPConnection("127.0.0.1", emulator_port)
    check.request("GET", path)
    answer = check.getresponse()
    assert answer.status == 200, answer.read()
    answer.read()
    check.close()
    # BENCH_BASELINE (an older build) answers the same signed call, alternating with the two.
    baseline_bin = os.environ.get("BENCH_BASELINE")
    baseline_proc = baseline_port = None
    if baseline_bin:
        baseline_proc, baseline_port, _ = start([baseline_bin, "--port", "0"])
    emulator_runs, floor_runs, baseline_signed = [], [], []
    for _ in range(ROUNDS):
        emulator_runs.append(wrk(emulator_port, path))
        floor_runs.append(wrk(floor_port, path))
        if baseline_proc:
            baseline_signed.append(wrk(baseline_port, path))
    e, f = median_runs(emulator_runs), median_runs(floor_runs)
    # Each emulator run against the floor run right after it: a machine that slows down or
    # speeds up during the benchmark moves both.
    paired = sorted(100 * er[0] / fr[0] for er, fr in zip(emulator_runs, floor_runs))
    print("\nsigned ModifySslVpnClientCert (V1, signature verified), 16 connections:")
    print(f"  emulator: {e[0]:>9.0f} req/s   p50 {e[1]:.3f} ms   p99 {e[2]:.3f} ms")
    print(f"  floor:    {f[0]:>9.0f} req/s   p50 {f[1]:.3f} ms   p99 {f[2]:.3f} ms")
    print(
        f"  emulator / floor throughput: {statistics.median(paired):.0f}% "
        f"(median of {len(paired)} back-to-back pairs, {paired[0]:.0f}-{paired[-1]:.0f}%; "
        f"medians' ratio {100 * e[0] / f[0]:.0f}%)"
    )
    if baseline_proc:
        b = median_runs(baseline_signed)
        stop(baseline_proc)
        vs = sorted(100 * er[0] / br[0] for er, br in zip(emulator_runs, baseline_signed))
        print(f"  baseline: {b[0]:>9.0f} req/s   p50 {b[1]:.3f} ms   p99 {b[2]:.3f} ms   ({baseline_bin})")
        print(f"  this build / baseline throughput: {statistics.median(vs):.0f}% (pairs {vs[0]:.0f}-{vs[-1]:.0f}%)")
    print(f"RSS after load: {rss_mb(emulator.pid):.1f} MB")

    # The read actions of SPEC 11 beside the same signed Modify and the floor, alternating.
    reads = {
        "DescribeSslVpnServers": signed_v1_path({"Action": "DescribeSslVpnServers", "RegionId": "cn-hangzhou"}),
        "DescribeVpnGateways": signed_v1_path({"Action": "DescribeVpnGateways", "RegionId": "cn-hangzhou"}),
        "ModifySslVpnClientCert": path,
    }
    runs = {name: [] for name in reads}
    runs["floor"] = []
    for _ in range(ROUNDS):
        for name, read in reads.items():
            runs[name].append(wrk(emulator_port, read))
        runs["floor"].append(wrk(floor_port, path))
    print("\nsigned reads (V1, signature verified) beside signed Modify and the floor, 16 connections:")
    for name, figures in runs.items():
        line(name, median_runs(figures))

    # Latency below saturation: each of the 16 connections waits 1 ms between its requests, so
    # neither the server nor wrk runs out of CPU. At saturation on two shared cores, p99 mostly
    # measures how long wrk's own threads wait to be scheduled (the floor's p99 is the highest
    # of all there), so this is the latency a test suite calling the emulator sees.
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as paced:
        paced.write("function delay()\n  return 1\nend\n")
    emulator_paced, floor_paced = [], []
    for _ in range(ROUNDS):
        emulator_paced.append(wrk(emulator_port, path, script=paced.name))
        floor_paced.append(wrk(floor_port, path, script=paced.name))
    os.unlink(paced.name)
    e, f = median_runs(emulator_paced), median_runs(floor_paced)
    print("\nsame call, 16 connections each pausing 1 ms between requests (below saturation):")
    print(f"  emulator: {e[0]:>9.0f} req/s   p50 {e[1]:.3f} ms   p99 {e[2]:.3f} ms")
    print(f"  floor:    {f[0]:>9.0f} req/s   p50 {f[1]:.3f} ms   p99 {f[2]:.3f} ms")
    stop(floor)
    stop(emulator)

    # HTTPS (--tls, issue 17): signed Modify over TLS with keep-alive beside plain HTTP on the
    # same server, and the handshake's cost with a new connection per request.
    tls_dir = tempfile.mkdtemp()
    emulator, port, _ = start([EMULATOR, "--port", "0", "--tls", "--state-file", os.path.join(tls_dir, "state.json")])
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/ca.pem") as answer:
        ca_file = os.path.join(tls_dir, "ca.pem")
        with open(ca_file, "wb") as f:
            f.write(answer.read())
    http_runs, https_runs = [], []
    for _ in range(ROUNDS):
        http_runs.append(wrk(port, path))
        https_runs.append(wrk(port, path, scheme="https"))
    h, t = median_runs(http_runs), median_runs(https_runs)
    print("\nsigned ModifySslVpnClientCert on one --tls server, 16 keep-alive connections:")
    print(f"  HTTP:      {h[0]:>9.0f} req/s   p50 {h[1]:.3f} ms   p99 {h[2]:.3f} ms")
    print(f"  HTTPS:     {t[0]:>9.0f} req/s   p50 {t[1]:.3f} ms   p99 {t[2]:.3f} ms   ({100 * t[0] / h[0]:.0f}% of HTTP)")
    context = ssl.create_default_context(cafile=ca_file)
    for scheme in ("http", "https"):
        began = time.perf_counter()
        for _ in range(300):
            conn = (http.client.HTTPSConnection("127.0.0.1", port, context=context) if scheme == "https"
                    else http.client.HTTPConnection("127.0.0.1", port))
            conn.request("GET", "/_emulator/health")
            conn.getresponse().read()
            conn.close()
        per = (time.perf_counter() - began) * 1000 / 300
        print(f"  new connection per request, {scheme:<5}: {per:.3f} ms per request (300 sequential, Python client)")
    stop(emulator)

    with tempfile.TemporaryDirectory() as tmp:
        # A 2,000-gateway, 2,000-server, 100,000-certificate fixture.
        big = fixture_file(2000, 50, tmp)
        loads, rss = [], []
        for _ in range(3):
            proc, port, ms = start([EMULATOR, "--port", "0", "--fixtures", big])
            loads.append(ms)
            rss.append(rss_mb(proc.pid))
            stop(proc)
        print(f"\n2,000 gateways, 2,000 servers (each CA made at load), 100,000 certificates "
              f"({os.path.getsize(big) / 1e6:.1f} MB): load {statistics.median(loads):.0f} ms, "
              f"RSS {statistics.median(rss):.1f} MB")

        # Filtered lists at 100 and at 100,000 certificates: an index, so the same cost; and
        # the unfiltered first and last pages at 100,000.
        small = fixture_file(2, 50, tmp)
        lists = {
            "one server's certificates (PageSize 50)":
                "/?Action=DescribeSslVpnClientCerts&Version=2016-04-28&RegionId=cn-hangzhou&SslVpnServerId=vss-00001&PageSize=50",
            "one gateway's server":
                "/?Action=DescribeSslVpnServers&Version=2016-04-28&RegionId=cn-hangzhou&VpnGatewayId=vpn-00001",
            "one gateway":
                "/?Action=DescribeVpnGateways&Version=2016-04-28&RegionId=cn-hangzhou&VpnGatewayId=vpn-00001",
            "all certificates, first page (PageSize 50)":
                "/?Action=DescribeSslVpnClientCerts&Version=2016-04-28&RegionId=cn-hangzhou&PageSize=50",
            "all certificates, last page (PageSize 50)":
                "/?Action=DescribeSslVpnClientCerts&Version=2016-04-28&RegionId=cn-hangzhou&PageSize=50&PageNumber={last}",
        }
        sized = {}
        for label, fixture, count in (("100", small, 100), ("100,000", big, 100_000)):
            proc, port, _ = start([EMULATOR, "--port", "0", "--fixtures", fixture])
            for name, list_path in lists.items():
                list_path = list_path.replace("{last}", str(count // 50))
                probe = http.client.HTTPConnection("127.0.0.1", port)
                probe.request("GET", list_path)
                answer = probe.getresponse()
                body = json.loads(answer.read())
                probe.close()
                assert answer.status == 200, body
                sized.setdefault(name, []).append((label, wrk(port, list_path)))
            stop(proc)
        print("\nlists, unsigned, 16 connections, at 100 and at 100,000 certificates:")
        for name, by_size in sized.items():
            for label, figures in by_size:
                line(f"{name} @ {label}", figures)

        tag_lists(tmp)

        # The chain an infrastructure run builds (SPEC 12), over and over on 4 connections.
        proc, port, _ = start([EMULATOR, "--port", "0"])
        chains, requests = chain_run(port, connections=4, seconds=10)
        stop(proc)
        print(f"\nthe whole chain (VPC, vSwitch, gateway, server, 10 certificates, then deleted in reverse; "
              f"30 calls), 4 connections for 10 s: {chains / 10:.1f} chains/s ({requests / 10:.0f} req/s)")

        # 1,000 creates, one after the other on one keep-alive connection.
        twenty = fixture_file(20, 0, tmp)
        proc, port, _ = start([EMULATOR, "--port", "0", "--fixtures", twenty])
        conn = http.client.HTTPConnection("127.0.0.1", port)
        began = time.perf_counter()
        for n in range(1000):
            conn.request("GET", f"/?Action=CreateSslVpnClientCert&Version=2016-04-28&RegionId=cn-hangzhou&SslVpnServerId=vss-{n % 20:05}")
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200
        created_ms = (time.perf_counter() - began) * 1000
        conn.close()
        stop(proc)
        print(f"1,000 CreateSslVpnClientCert, sequential on one connection: {created_ms:.0f} ms ({created_ms / 1000:.3f} ms per request)")

        # Writes with and without --state-file, alternating.
        script = os.path.join(tmp, "rename.lua")
        with open(script, "w") as f:
            f.write(
                "counter = 0\n"
                "request = function()\n"
                "  counter = counter + 1\n"
                f'  return wrk.format("GET", "/?Action=ModifySslVpnClientCert&Version=2016-04-28&RegionId=cn-hangzhou&SslVpnClientCertId={CERT1}&Name=n" .. counter)\n'
                "end\n"
            )
        # BENCH_BASELINE names another build (an earlier commit's binary) whose --state-file
        # writes run alternating with this one's, so that a durability change shows its cost.
        baseline = os.environ.get("BENCH_BASELINE")
        memory_runs, file_runs, baseline_runs, writers = [], [], [], []
        for round_ in range(ROUNDS):
            proc, port, _ = start([EMULATOR, "--port", "0"])
            memory_runs.append(wrk(port, script=script))
            stop(proc)
            state = os.path.join(tmp, f"state-{round_}.json")
            file_runs.append(durable_run(state, script))
            writers.append(writer_figures(state + ".stderr"))
            if baseline:
                state = os.path.join(tmp, f"baseline-{round_}.json")
                proc, port, _ = start([baseline, "--port", "0", "--state-file", state])
                baseline_runs.append(wrk(port, script=script))
                stop(proc)
        m, s = median_runs(memory_runs), median_runs(file_runs)
        print("\nwrites (ModifySslVpnClientCert renames), 16 connections:")
        print(f"  memory only:    {m[0]:>9.0f} req/s   p50 {m[1]:.3f} ms   p99 {m[2]:.3f} ms")
        print(f"  --state-file:   {s[0]:>9.0f} req/s   p50 {s[1]:.3f} ms   p99 {s[2]:.3f} ms   (each answer after fdatasync, group commit)")
        for round_, figures in enumerate(writers):
            print(f"    writer, run {round_ + 1}: {figures}")
        if baseline:
            b = median_runs(baseline_runs)
            print(f"  baseline:       {b[0]:>9.0f} req/s   p50 {b[1]:.3f} ms   p99 {b[2]:.3f} ms   ({baseline}, --state-file)")
            print(f"  --state-file / baseline throughput: {100 * s[0] / b[0]:.0f}%")


if __name__ == "__main__":
    main()
    # The same request's cost in instructions, which a busy machine does not move (issue 26):
    # valgrind's callgrind, this build beside the floor and BENCH_BASELINE.
    if subprocess.run(["which", "valgrind"], capture_output=True).returncode == 0:
        import instructions
        instructions.report(EMULATOR, FLOOR, os.environ.get("BENCH_BASELINE"))
    else:
        print("\ninstructions per request: valgrind is not installed (apt-get install valgrind)")
