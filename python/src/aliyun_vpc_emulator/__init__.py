"""Start the Alibaba Cloud VPC API emulator from Python and drive it in tests.

    from aliyun_vpc_emulator import Emulator

    with Emulator() as emu:                       # port 0, embedded default fixtures
        client = emu.client()                     # alibabacloud_vpc20160428, configured
        ...
        emu.requests(action="ModifySslVpnClientCert")

The binary is, in this order: the one this wheel installed (the venv's scripts folder), the
file named by ``VPC_EMULATOR_BIN``, ``aliyun-vpc-emulator`` on PATH. ``Emulator(binary=...)``
overrides all three.

Defaults (SPEC 14): the embedded default fixtures, lenient auth, plain HTTP unless ``tls=True``,
port 0 on 127.0.0.1, region ``cn-hangzhou``, the root key of the default fixtures. The admin
calls (``reset()``, ``state()``, ``requests()``...) speak plain HTTP to ``/_emulator/*``; with
TLS the same port answers both.
"""
from __future__ import annotations

import atexit
import collections
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

__all__ = [
    "Emulator",
    "EmulatorError",
    "EmulatorStartError",
    "AdminError",
    "find_binary",
    "BINARY_NAME",
    "DEFAULT_ACCESS_KEY_ID",
    "DEFAULT_ACCESS_KEY_SECRET",
    "DEFAULT_REGION",
]

BINARY_NAME = "aliyun-vpc-emulator"
#: The root key of the embedded default fixtures (docs/state.md).
DEFAULT_ACCESS_KEY_ID = "LTAI5tEmulatorRootKey"
DEFAULT_ACCESS_KEY_SECRET = "EmulatorRootSecret"
DEFAULT_REGION = "cn-hangzhou"

_READY = re.compile(r"^aliyun-vpc-emulator listening on http://(.+):(\d+)$")
# Lines of stderr kept for error messages and Emulator.stderr (the emulator logs one per call).
_STDERR_LINES = 2000
# Never through a proxy: the emulator is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

PathLike = Union[str, "os.PathLike[str]"]

# Emulators not stopped yet: stopped when the interpreter exits, so a forgotten stop() leaves no
# orphan process behind.
_LIVE: "set[Emulator]" = set()


def _stop_all() -> None:
    for emulator in list(_LIVE):
        emulator.stop()


atexit.register(_stop_all)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("aliyun-vpc-emulator")
    except Exception:  # not installed as a distribution (a source checkout)
        return "0+unknown"


__version__ = _version()


class EmulatorError(Exception):
    """Base of this package's errors."""


class EmulatorStartError(EmulatorError):
    """The emulator did not start: names the binary, its exit code and its stderr."""

    def __init__(self, binary: str, args: Sequence[str], exit_code: Optional[int], stderr: str, reason: str):
        self.binary, self.args_, self.exit_code, self.stderr, self.reason = binary, list(args), exit_code, stderr, reason
        text = stderr.strip() or "(nothing on stderr)"
        super().__init__(
            f"aliyun-vpc-emulator did not start: {reason}\n"
            f"  binary: {binary}\n  arguments: {' '.join(args)}\n  exit code: {exit_code}\n"
            f"  stderr:\n    " + text.replace("\n", "\n    "))


class AdminError(EmulatorError):
    """An admin call (``/_emulator/*``) answered something else than 200."""

    def __init__(self, method: str, path: str, status: int, body: Any):
        self.method, self.path, self.status, self.body = method, path, status, body
        super().__init__(f"{method} /_emulator/{path} answered {status}: {body!r}")


def _wheel_binary() -> Optional[pathlib.Path]:
    """The binary a wheel install put in the scripts folder of this interpreter's prefix (a venv,
    the system, or the user scheme for ``pip install --user``)."""
    exe = BINARY_NAME + (".exe" if sys.platform == "win32" else "")
    folders = [sysconfig.get_path("scripts")]
    for scheme in ("posix_user", "nt_user", "osx_framework_user"):
        try:
            folders.append(sysconfig.get_path("scripts", scheme))
        except KeyError:
            pass
    for folder in folders:
        if folder:
            candidate = pathlib.Path(folder) / exe
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
    return None


def find_binary() -> str:
    """The emulator binary: the wheel's, else ``VPC_EMULATOR_BIN``, else PATH."""
    found = _wheel_binary()
    if found:
        return str(found)
    env = os.environ.get("VPC_EMULATOR_BIN")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise EmulatorError(f"VPC_EMULATOR_BIN={env} is not an executable file")
        return env
    on_path = shutil.which(BINARY_NAME)
    if on_path:
        return on_path
    raise EmulatorError(
        f"no {BINARY_NAME} binary: install the wheel (pip install aliyun-vpc-emulator), "
        f"set VPC_EMULATOR_BIN, or put {BINARY_NAME} on PATH")


class Emulator:
    """One emulator process. ``start()`` (or ``with``) starts it; ``stop()`` ends it.

    Options (each left out means the emulator's default):
      fixtures          a fixtures file (path) or a fixtures document (dict, SPEC section 6)
      state_file        persistence file (``--state-file``)
      tls               serve HTTPS as well as HTTP on the port; ``ca_pem`` / ``ca_file`` then hold the CA
      auth              ``"lenient"`` (default) or ``"strict"``
      gateway_busy_ms   ``--gateway-busy-ms``
      seed              ``--seed`` (reproducible IDs and RequestIds)
      admin_token       ``--admin-token``; the admin calls here send it
      args              more flags, e.g. ``["--name-rule", "legacy"]``
      port, host        where to listen (port 0 picks a free one)
      binary            the binary to run (default: ``find_binary()``)
      env               extra environment variables for the process
      start_timeout     seconds to wait for the listening line
    """

    def __init__(
        self,
        *,
        fixtures: Union[PathLike, Mapping[str, Any], None] = None,
        state_file: Optional[PathLike] = None,
        tls: bool = False,
        auth: Optional[str] = None,
        gateway_busy_ms: Optional[int] = None,
        seed: Optional[int] = None,
        admin_token: Optional[str] = None,
        args: Iterable[str] = (),
        port: int = 0,
        host: str = "127.0.0.1",
        binary: Optional[PathLike] = None,
        env: Optional[Mapping[str, str]] = None,
        region: str = DEFAULT_REGION,
        access_key_id: str = DEFAULT_ACCESS_KEY_ID,
        access_key_secret: str = DEFAULT_ACCESS_KEY_SECRET,
        start_timeout: float = 30.0,
    ):
        self.fixtures = fixtures
        self.state_file = state_file
        self.tls = tls
        self.auth = auth
        self.gateway_busy_ms = gateway_busy_ms
        self.seed = seed
        self.admin_token = admin_token
        self.extra_args = [str(a) for a in args]
        self.host = host
        self.requested_port = port
        self.binary = str(binary) if binary is not None else None
        self.env = dict(env or {})
        self.region = region
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.start_timeout = start_timeout
        self.port: Optional[int] = None
        self.ca_pem: Optional[str] = None
        self._proc: Optional[subprocess.Popen] = None
        self._tmp: Optional[str] = None
        self._stderr: collections.deque = collections.deque(maxlen=_STDERR_LINES)
        self._threads: list = []

    # ------------------------------------------------------------------ lifecycle
    def command(self) -> list:
        """The command line ``start()`` runs (the binary is looked up if not given)."""
        binary = self.binary or find_binary()
        cmd = [binary, "--host", self.host, "--port", str(self.requested_port)]
        fixtures = self.fixtures
        if isinstance(fixtures, Mapping):
            path = os.path.join(self._tmpdir(), "fixtures.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(fixtures, f, ensure_ascii=False, indent=2)
            fixtures = path
        if fixtures is not None:
            cmd += ["--fixtures", os.fspath(fixtures)]
        if self.state_file is not None:
            cmd += ["--state-file", os.fspath(self.state_file)]
        if self.tls:
            cmd.append("--tls")
        if self.auth is not None:
            cmd += ["--auth", self.auth]
        if self.gateway_busy_ms is not None:
            cmd += ["--gateway-busy-ms", str(self.gateway_busy_ms)]
        if self.seed is not None:
            cmd += ["--seed", str(self.seed)]
        if self.admin_token is not None:
            cmd += ["--admin-token", self.admin_token]
        return cmd + self.extra_args

    def start(self) -> "Emulator":
        """Start the process and wait for its listening line; raises EmulatorStartError."""
        if self._proc is not None:
            raise EmulatorError("this Emulator was already started")
        cmd = self.command()
        env = dict(os.environ)
        env.update(self.env)
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env)
        except OSError as e:
            self._cleanup()
            raise EmulatorStartError(cmd[0], cmd[1:], None, "", f"cannot run the binary: {e}") from e
        self._proc = proc
        stderr_done = self._drain(proc.stderr, self._stderr.append)
        ready: "collections.deque[str]" = collections.deque()
        got_line = threading.Event()

        def read_stdout():
            line = proc.stdout.readline()
            ready.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            got_line.set()
            for _ in iter(proc.stdout.readline, b""):  # keep the pipe drained
                pass

        self._spawn(read_stdout)
        got_line.wait(self.start_timeout)
        line = ready[0] if ready else None
        match = _READY.match(line) if line else None
        if match is None:
            if line is None and proc.poll() is None:
                reason = f"no listening line on stdout within {self.start_timeout:g} s"
            elif line:
                reason = f"unexpected first line on stdout: {line!r}"
            else:
                reason = "it exited before printing its listening line"
            if proc.poll() is None:
                proc.kill()
            code = proc.wait()
            stderr_done.wait(5)
            stderr = "\n".join(self._stderr)
            self._close()
            raise EmulatorStartError(cmd[0], cmd[1:], code, stderr, reason)
        self.port = int(match.group(2))
        _LIVE.add(self)
        if self.tls:
            try:
                self.ca_pem = self._admin_raw("GET", "ca.pem").decode()
            except BaseException:
                self.stop()
                raise
        return self

    def stop(self) -> Optional[int]:
        """SIGTERM, then SIGKILL after 10 s; returns the exit code (None if never started)."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._close()
        return proc.returncode

    def __enter__(self) -> "Emulator":
        return self.start() if self._proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def stderr(self) -> str:
        """The emulator's log so far (the last 2000 lines)."""
        return "\n".join(self._stderr)

    # ------------------------------------------------------------------ where it is
    @property
    def endpoint(self) -> str:
        """``127.0.0.1:PORT``: the SDKs' endpoint setting."""
        self._need_port()
        return f"{self._connect_host()}:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (``https://`` with ``tls=True``)."""
        return f"{'https' if self.tls else 'http'}://{self.endpoint}"

    @property
    def admin_url(self) -> str:
        """``http://127.0.0.1:PORT/_emulator``, plain HTTP even with TLS."""
        return f"http://{self.endpoint}/_emulator"

    @property
    def ca_file(self) -> Optional[str]:
        """With ``tls=True``: a file holding ``ca_pem``, for clients that take a path."""
        if self.ca_pem is None:
            return None
        path = os.path.join(self._tmpdir(), "emulator-ca.pem")
        if not os.path.exists(path):
            with open(path, "w", encoding="ascii") as f:
                f.write(self.ca_pem)
        return path

    # ------------------------------------------------------------------ admin API (SPEC 8)
    def health(self) -> dict:
        return self._admin("GET", "health")

    def reset(self) -> None:
        """Back to the startup fixtures; clears tokens, journal, faults and the clock offset."""
        self._admin("POST", "reset")

    def state(self) -> dict:
        """All resources, in the fixtures format (SPEC 6)."""
        return self._admin("GET", "state")

    def put_state(self, doc: Mapping[str, Any]) -> None:
        """Replace every resource with ``doc`` (refused whole, with AdminError, if invalid)."""
        self._admin("PUT", "state", doc)

    def requests(self, action: Optional[str] = None, limit: Optional[int] = None) -> list:
        """The journal, oldest first, as ``GET /_emulator/requests`` gives it."""
        query = {k: v for k, v in (("action", action), ("limit", limit)) if v is not None}
        path = "requests" + ("?" + urllib.parse.urlencode(query) if query else "")
        return self._admin("GET", path)

    def clear_requests(self) -> None:
        self._admin("DELETE", "requests")

    def add_fault(self, action: str = "*", code: Optional[str] = None, count: Optional[int] = None, *,
                  http_status: Optional[int] = None, message: Optional[str] = None,
                  delay_ms: Optional[int] = None, **more: Any) -> dict:
        """Add a fault rule: the next ``count`` calls of ``action`` answer ``code`` (and/or wait
        ``delay_ms``). Keys in the API's own names (``HttpStatus=...``) are passed as given."""
        rule: dict = {"Action": action}
        for key, value in (("Code", code), ("Count", count), ("HttpStatus", http_status),
                           ("Message", message), ("DelayMs", delay_ms)):
            if value is not None:
                rule[key] = value
        rule.update(more)
        return self._admin("POST", "faults", rule)

    def faults(self) -> list:
        return self._admin("GET", "faults")

    def clear_faults(self) -> None:
        self._admin("DELETE", "faults")

    def clock(self) -> int:
        """The emulator clock, epoch milliseconds."""
        return self._admin("GET", "clock")["Now"]

    def advance_clock(self, seconds: int) -> int:
        """Move the clock by ``seconds`` (negative allowed, never before real time)."""
        return self._admin("POST", "clock", {"AdvanceSeconds": seconds})["Now"]

    def set_clock(self, now_ms: int) -> int:
        return self._admin("POST", "clock", {"Now": now_ms})["Now"]

    # ------------------------------------------------------------------ SDK clients
    def client(self, access_key_id: Optional[str] = None, access_key_secret: Optional[str] = None,
               **config: Any):
        """An ``alibabacloud_vpc20160428`` client for this emulator (keys default to the
        emulator's; ``config`` sets more ``Config`` fields, e.g. ``signature_algorithm="v2"``)."""
        try:
            from alibabacloud_vpc20160428.client import Client
        except ImportError as e:
            raise ImportError(
                "Emulator.client() needs the Tea SDK: pip install alibabacloud-vpc20160428") from e
        try:
            from alibabacloud_tea_openapi.utils_models import Config
        except ImportError:  # alibabacloud-tea-openapi before 0.4
            from alibabacloud_tea_openapi.models import Config
        settings = dict(access_key_id=access_key_id or self.access_key_id,
                        access_key_secret=access_key_secret or self.access_key_secret,
                        endpoint=self.endpoint, region_id=self.region,
                        protocol="https" if self.tls else "http")
        cfg = Config(**settings)
        if self.tls and hasattr(cfg, "ca"):
            cfg.ca = self.ca_file
        for key, value in config.items():
            setattr(cfg, key, value)
        return Client(cfg)

    def legacy_client(self, access_key_id: Optional[str] = None, access_key_secret: Optional[str] = None,
                      **kwargs: Any):
        """An ``aliyunsdkcore`` ``AcsClient`` whose VPC and ECS endpoint is this emulator.
        With ``tls=True`` it trusts the emulator's CA; each request still chooses its protocol
        (``request.set_protocol_type("https")``; the legacy SDK's default is HTTP)."""
        try:
            from aliyunsdkcore.client import AcsClient
        except ImportError as e:
            raise ImportError(
                "Emulator.legacy_client() needs the legacy SDK: pip install aliyun-python-sdk-core") from e
        if self.tls:
            kwargs.setdefault("verify", self.ca_file)
        client = AcsClient(access_key_id or self.access_key_id, access_key_secret or self.access_key_secret,
                           self.region, port=self.port, **kwargs)
        host = self._connect_host()
        for region in {r["RegionId"] for r in self._regions()} | {self.region}:
            for product in ("Vpc", "Ecs"):
                client.add_endpoint(region, product, host)
        return client

    # ------------------------------------------------------------------ internals
    def _regions(self) -> list:
        return self.state().get("Regions", [])

    def _connect_host(self) -> str:
        # A wildcard bind is reached on loopback; an IPv6 address needs brackets.
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        return f"[{host}]" if ":" in host else host

    def _need_port(self) -> None:
        if self.port is None:
            raise EmulatorError("the emulator is not started: call start() or use `with Emulator() as emu`")

    def _admin_raw(self, method: str, path: str, body: Any = None) -> bytes:
        self._need_port()
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.admin_url}/{path}", data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.admin_token is not None:
            req.add_header("Authorization", f"Bearer {self.admin_token}")
        try:
            with _OPENER.open(req, timeout=30) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                parsed: Any = json.loads(raw)
            except ValueError:
                parsed = raw.decode("utf-8", "replace")
            raise AdminError(method, path, e.code, parsed) from None

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        raw = self._admin_raw(method, path, body)
        return json.loads(raw) if raw else None

    def _tmpdir(self) -> str:
        if self._tmp is None:
            self._tmp = tempfile.mkdtemp(prefix="vpc-emulator-")
        return self._tmp

    def _spawn(self, target) -> None:
        thread = threading.Thread(target=target, daemon=True, name="vpc-emulator-io")
        thread.start()
        self._threads.append(thread)

    def _drain(self, stream, sink) -> threading.Event:
        done = threading.Event()

        def run():
            try:
                for raw in iter(stream.readline, b""):
                    sink(raw.decode("utf-8", "replace").rstrip("\r\n"))
            finally:
                done.set()

        self._spawn(run)
        return done

    def _close(self) -> None:
        _LIVE.discard(self)
        proc = self._proc
        deadline = time.monotonic() + 5
        for thread in self._threads:  # the pipes reach EOF once the process is gone
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []
        if proc is not None:
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __repr__(self) -> str:
        where = self.endpoint if self.port is not None else "not started"
        return f"<Emulator {where}>"
