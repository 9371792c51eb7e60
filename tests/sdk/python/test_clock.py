"""The emulator clock (SPEC 7.3 Status, section 8 clock): moved with plain HTTP, seen through the
Python clients; the SDKs stamp real time and still authenticate, in strict mode too (SPEC 4)."""
from __future__ import annotations

import pytest

from admin import advance_clock, clock, journal, ok, set_clock
from sdk import CERT1, CERT_VALIDITY_MS, CLIENT_KINDS, SERVER_ID, make_client

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)

DAY_S = 86400
DAY_MS = DAY_S * 1000
STABLE = ("SslVpnClientCertId", "SslVpnServerId", "Name", "CaCert", "ClientCert", "ClientKey", "ClientConfig",
          "CreateTime", "EndTime", "ResourceGroupId")


def expected_status(end_ms: int, now_ms: int) -> str:
    if now_ms >= end_ms:
        return "expired"
    return "expiring-soon" if end_ms - now_ms <= 7 * DAY_MS else "normal"


def listed(c) -> dict:
    items = c.describe_certs(page_size=50).body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    return {i["SslVpnClientCertId"]: i for i in items}


def status_of(c, cert_id: str) -> str:
    """Status through DescribeSslVpnClientCert, which must agree with the list."""
    one = c.describe_cert(cert_id).body["Status"]
    assert listed(c)[cert_id]["Status"] == one
    return one


@pytest.mark.parametrize("auth", ["lenient", "strict"])
def test_advancing_the_clock_ages_a_new_cert(start_emu, kind, auth):
    emu = start_emu("--auth", auth)
    c = make_client(kind, emu)  # the well-known root key: signed, real-time stamps
    cert_id = c.create(SERVER_ID, name="clock-cert").body["SslVpnClientCertId"]
    first = c.describe_cert(cert_id).body
    assert first["Status"] == "normal"
    assert first["EndTime"] - first["CreateTime"] == CERT_VALIDITY_MS

    now = advance_clock(emu, 1095 * DAY_S - 3 * DAY_S)
    assert first["EndTime"] - 3 * DAY_MS <= now < first["EndTime"], (now, first)
    soon = c.describe_cert(cert_id).body
    assert soon["Status"] == "expiring-soon"
    assert {k: soon[k] for k in STABLE} == {k: first[k] for k in STABLE}
    # The fixture certificates follow the same clock in the list.
    items = listed(c)
    assert items[cert_id]["Status"] == "expiring-soon"
    now = clock(emu)
    for item in items.values():
        assert item["Status"] == expected_status(item["EndTime"], now), (item, now)

    # The mode is really in force: an unknown key is refused in strict mode, served as root otherwise.
    stranger = make_client(kind, emu, ak="LTAI5tNotAKnownKey0001", secret="whatever")
    if auth == "strict":
        err = stranger.error(lambda: stranger.describe_cert(cert_id))
        assert (err.status, err.code) == (404, "InvalidAccessKeyId.NotFound"), err
        stranger_call = (err.request_id, 404, "InvalidAccessKeyId.NotFound")
    else:
        body = stranger.describe_cert(cert_id).body
        assert body["Status"] == "expiring-soon"
        stranger_call = (body["RequestId"], 200, None)

    now = advance_clock(emu, 3 * DAY_S)
    assert now >= first["EndTime"]
    assert status_of(c, cert_id) == "expired"
    assert status_of(c, CERT1) == "expired"

    # New resources are stamped with the emulator clock, and start out normal.
    t0 = clock(emu)
    new_id = c.create(SERVER_ID, name="born-in-the-future").body["SslVpnClientCertId"]
    t1 = clock(emu)
    new = c.describe_cert(new_id).body
    assert t0 <= new["CreateTime"] <= t1, (t0, new["CreateTime"], t1)
    assert new["EndTime"] - new["CreateTime"] == CERT_VALIDITY_MS
    assert new["Status"] == "normal"

    # Every SDK call above but the stranger's authenticated as root and succeeded.
    entries = journal(emu)
    assert [(e["RequestId"], e["HttpStatus"], e["Code"]) for e in entries if e["Principal"] != "root"] == \
        [stranger_call], entries
    assert all((e["HttpStatus"], e["Code"]) == (200, None) for e in entries if e["Principal"] == "root"), entries
