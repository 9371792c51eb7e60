"""Instructions per request, counted by valgrind's callgrind: a figure that does not move with
the machine's load, unlike requests per second.

Each server runs under callgrind twice, answering LOW and then HIGH identical requests on one
kept-alive connection; (instructions of the HIGH run - those of the LOW run) / (HIGH - LOW) is
what one request costs, start-up and shut-down cancelled out. Run by scripts/bench; alone:

    python3 scripts/instructions.py EMULATOR FLOOR [BASELINE]

With --profile DIR it also keeps the HIGH run's callgrind file of the emulator in DIR and
prints its largest inclusive costs (callgrind_annotate), for naming where a request's time goes.
"""

import http.client
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench import CERT1, signed_v1_path  # noqa: E402

LOW, HIGH = 200, 1200


def count(argv, path, requests, out_file):
    """Total instructions of `argv` serving `requests` GETs of `path`, start to exit."""
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", "--"] + argv,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    match = re.search(r"listening on http://[^:]+:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"no listening line from {argv} under valgrind: {line!r}")
    conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=120)
    for _ in range(requests):
        conn.request("GET", path)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"{argv[0]} answered {answer.status}")
    conn.close()
    proc.terminate()
    proc.wait(timeout=120)
    with open(out_file) as f:
        for row in f:
            if row.startswith("totals:") or row.startswith("summary:"):
                return int(row.split()[1])
    raise SystemExit(f"no totals in {out_file}")


def per_request(argv, path, directory, name):
    low = count(argv, path, LOW, os.path.join(directory, f"{name}-low.out"))
    high_file = os.path.join(directory, f"{name}-high.out")
    high = count(argv, path, HIGH, high_file)
    return (high - low) / (HIGH - LOW), high_file


def report(emulator, floor, baseline=None, profile_dir=None):
    path = signed_v1_path({"Action": "ModifySslVpnClientCert", "RegionId": "cn-hangzhou",
                           "SslVpnClientCertId": CERT1})
    with tempfile.TemporaryDirectory() as tmp:
        directory = profile_dir or tmp
        e, profile = per_request([emulator, "--port", "0"], path, directory, "emulator")
        f, _ = per_request([floor, "0"], path, directory, "floor")
        print(f"\ninstructions per request (callgrind, {HIGH - LOW} requests on one connection):")
        print(f"  signed ModifySslVpnClientCert: {e:>10,.0f}")
        print(f"  floor:                         {f:>10,.0f}   emulator / floor {e / f:.2f}x")
        if baseline:
            b, _ = per_request([baseline, "--port", "0"], path, directory, "baseline")
            print(f"  baseline ({baseline}): {b:>10,.0f}   this build / baseline {e / b:.2f}x")
        if profile_dir:
            shown = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=99", profile],
                                   capture_output=True, text=True).stdout
            print("\n".join(shown.splitlines()[:60]))


if __name__ == "__main__":
    args = sys.argv[1:]
    profile_dir = None
    if "--profile" in args:
        at = args.index("--profile")
        profile_dir = args[at + 1]
        del args[at:at + 2]
    report(*args[:3], profile_dir=profile_dir)
