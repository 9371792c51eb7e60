#!/usr/bin/env python3
"""The journal-readers scenario of issue 24 (item 9), measured: the emulator's resident memory
while two clients read the journal at its bound, as two console tabs would.

It starts the binary on 127.0.0.1 (port 0), fills the journal with 70 accepted calls of about
1 MB each (a DescribeRegions with a 1,000,000-character parameter it ignores; the journal keeps
the last ~63 of them, 64 MiB), notes the RSS, then runs two readers for ROUNDS rounds of 500 ms
each (bounded) and samples the RSS every 50 ms:

  full     GET /_emulator/requests?limit=1000, whole answers (what the console asked before)
  console  what the console asks now: only what is new (after=<last RequestId>) without the
           answers' bodies (response=false), and one call's body when it is opened

    scripts/journal-rss.py BINARY [full|console] [ROUNDS]

Prints the RSS before the readers, the peak and the last sample, in MiB. Linux only (reads
/proc/PID/status). Nothing but loopback traffic.
"""
import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.parse


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def call(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers=headers or {})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    return answer.status, data


def main():
    binary = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else "full"
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    proc = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline().strip()
        port = int(line.rsplit(":", 1)[1])
        pad = "p" * 1_000_000
        form = urllib.parse.urlencode({"Action": "DescribeRegions", "Version": "2016-04-28", "Pad": pad})
        for _ in range(70):
            status, _ = call(port, "POST", "/", form, {"Content-Type": "application/x-www-form-urlencoded"})
            assert status == 200, status
        status, data = call(port, "GET", "/_emulator/requests?limit=1")
        assert status == 200, (status, data[:200])
        before = rss_mib(proc.pid)
        samples = [before]
        stop = threading.Event()

        def sampler():
            while not stop.is_set():
                samples.append(rss_mib(proc.pid))
                time.sleep(0.05)

        def reader(errors):
            last = None
            for _ in range(rounds):
                started = time.monotonic()
                if mode == "full":
                    status, data = call(port, "GET", "/_emulator/requests?limit=1000")
                    entries = json.loads(data)
                else:
                    query = f"after={last}&response=false" if last else "limit=1000&response=false"
                    status, data = call(port, "GET", f"/_emulator/requests?{query}")
                    entries = json.loads(data) if status == 200 else []
                    if entries:
                        last = entries[-1]["RequestId"]
                        # The console opens one call: its body comes alone.
                        status, _ = call(port, "GET", f"/_emulator/requests/{last}")
                if status != 200:
                    errors.append(status)
                time.sleep(max(0.0, 0.5 - (time.monotonic() - started)))

        errors = []
        threads = [threading.Thread(target=sampler)] + [threading.Thread(target=reader, args=(errors,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads[1:]:
            t.join()
        stop.set()
        threads[0].join()
        print(f"journal-rss {mode}: {rounds} rounds x 2 readers; RSS before {before:.0f} MiB, "
              f"peak {max(samples):.0f} MiB, last {samples[-1]:.0f} MiB; errors {errors or 'none'}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
