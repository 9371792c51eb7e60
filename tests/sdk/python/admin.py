"""The emulator's admin API (SPEC section 8), used next to the SDK calls.

`admin()` is a plain-HTTP call that returns any status (never through a proxy: the emulator is on
loopback); the helpers that expect 200 go through the package's `Emulator` methods.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def admin(emu, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
    """`METHOD /_emulator/{path}` with an optional JSON body -> (HTTP status, parsed JSON body)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{emu.url}/_emulator/{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with _OPENER.open(req, timeout=10) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    return status, json.loads(raw) if raw else None


def ok(emu, method: str, path: str, body: dict | None = None):
    status, doc = admin(emu, method, path, body)
    assert status == 200, (method, path, body, status, doc)
    return doc


def add_fault(emu, **rule) -> dict:
    """POST faults with `rule` (SPEC key names); returns the rule as the emulator answered it."""
    return emu.add_fault(**rule)


def faults(emu) -> list:
    return emu.faults()


def state(emu) -> dict:
    return emu.state()


def cert_in_state(emu, cert_id: str) -> dict | None:
    found = [c for c in state(emu)["SslVpnClientCerts"] if c["SslVpnClientCertId"] == cert_id]
    assert len(found) <= 1, found
    return found[0] if found else None


def journal(emu, action: str | None = None, limit: int | None = None) -> list:
    return emu.requests(action=action, limit=limit)


def clock(emu) -> int:
    return emu.clock()


def advance_clock(emu, seconds: int) -> int:
    return emu.advance_clock(seconds)


def set_clock(emu, now_ms: int) -> int:
    return emu.set_clock(now_ms)
