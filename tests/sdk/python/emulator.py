"""Start and stop the aliyun-vpc-emulator binary for the SDK tests.

The binary is taken from $EMULATOR_BIN, else <repo>/target/debug/aliyun-vpc-emulator.
It is started with `--port 0 --seed 42`; the test reads the one stdout line
`aliyun-vpc-emulator listening on http://127.0.0.1:PORT` to learn the port (no sleeping).
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import signal
import subprocess
import threading

REPO = pathlib.Path(__file__).resolve().parents[3]
DEFAULT_BIN = REPO / "target" / "debug" / "aliyun-vpc-emulator"
READY_RE = re.compile(r"^aliyun-vpc-emulator listening on http://127\.0\.0\.1:(\d+)$")
START_TIMEOUT_S = 15


def emulator_bin() -> pathlib.Path:
    return pathlib.Path(os.environ.get("EMULATOR_BIN") or DEFAULT_BIN)


class Emulator:
    """A running emulator process."""

    def __init__(self, proc: subprocess.Popen, port: int, log_path: pathlib.Path):
        self.proc = proc
        self.port = port
        self.log_path = log_path

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        return self.proc.returncode


def start_emulator(workdir: pathlib.Path, *extra_args: str, fixtures: dict | None = None) -> Emulator:
    """Start the emulator; `fixtures` (SPEC section 6 format) is written to a file and passed."""
    binary = emulator_bin()
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise RuntimeError(
            f"emulator binary not found or not executable: {binary} "
            "(build it first, or set EMULATOR_BIN)")
    workdir.mkdir(parents=True, exist_ok=True)
    args = [str(binary), "--port", "0", "--seed", "42"]
    if fixtures is not None:
        fx = workdir / "fixtures.json"
        fx.write_text(json.dumps(fixtures, ensure_ascii=False, indent=2), encoding="utf-8")
        args += ["--fixtures", str(fx)]
    args += list(extra_args)
    log_path = workdir / "emulator.stderr.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=log, text=True, encoding="utf-8")

    # Read the ready line in a helper thread so a hung binary cannot hang the suite.
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    line = got[0].rstrip("\r\n") if got else None
    m = READY_RE.match(line) if line else None
    if m is None:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        stderr = log_path.read_text(errors="replace") if log_path.exists() else ""
        raise RuntimeError(
            f"emulator did not print its ready line within {START_TIMEOUT_S}s; "
            f"args={args!r} first stdout line={line!r} exit={proc.returncode} stderr:\n{stderr}")
    return Emulator(proc, int(m.group(1)), log_path)
