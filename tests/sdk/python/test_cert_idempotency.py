"""ClientToken idempotency of Create and Delete (SPEC 7.6) through the Python clients, including
16 clients racing one token."""
from __future__ import annotations

import threading

import pytest

from fixtures import cert_fixtures
from sdk import (CERT1, CERT2, CERT_ID_RE, CLIENT_KINDS, MSG, REQUEST_ID_RE, SERVER_ID, SdkError,
                 assert_error_envelope, make_client)

MISMATCH = ("IdempotentParameterMismatch", MSG["IdempotentParameterMismatch"])


def count(c) -> int:
    return c.describe_certs(ssl_vpn_server_id=SERVER_ID).body["TotalCount"]


def outcome(c, call):
    """The body of a successful call, or the SdkError the adapter makes of its exception."""
    try:
        return call().body
    except Exception as e:  # noqa: BLE001 - handed to the adapter, which checks its class
        caught = e

    def reraise():
        raise caught
    return c.error(reraise)


def race(clients, call_for) -> list:
    """All clients start `call_for(i)` together (one thread each); returns their outcomes."""
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def worker(i):
        barrier.wait()
        results[i] = outcome(clients[i], lambda: call_for(i))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_create_replay_returns_the_same_cert(emu, kind):
    c = make_client(kind, emu)
    token = f"create-{kind}-0001"
    first = c.create(SERVER_ID, name="idem-create", token=token)
    cert_id = first.body["SslVpnClientCertId"]
    assert CERT_ID_RE.match(cert_id)
    assert count(c) == 3

    replay = c.create(SERVER_ID, name="idem-create", token=token)
    assert list(replay.wire) == ["RequestId", "Name", "SslVpnClientCertId"]
    assert (replay.body["Name"], replay.body["SslVpnClientCertId"]) == ("idem-create", cert_id)
    assert replay.body["RequestId"] != first.body["RequestId"]
    assert count(c) == 3

    # The remembered result survives a rename and even a delete of the certificate.
    c.modify(cert_id, name="renamed")
    assert c.create(SERVER_ID, name="idem-create", token=token).body["Name"] == "idem-create"
    assert c.describe_cert(cert_id).body["Name"] == "renamed"
    c.delete(cert_id)
    gone = c.create(SERVER_ID, name="idem-create", token=token).body
    assert (gone["Name"], gone["SslVpnClientCertId"]) == ("idem-create", cert_id)
    assert count(c) == 2
    assert_error_envelope(c.error(lambda: c.describe_cert(cert_id)), 404, "InvalidSslVpnClientCertId.NotFound",
                          MSG["InvalidSslVpnClientCertId.NotFound"])


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_create_replay_without_name(emu, kind):
    c = make_client(kind, emu)
    token = f"create-{kind}-noname"
    first = c.create(SERVER_ID, token=token).body
    assert first["Name"] == first["SslVpnClientCertId"]
    assert c.create(SERVER_ID, token=token).body["SslVpnClientCertId"] == first["SslVpnClientCertId"]
    assert count(c) == 3
    # Name given now where it was absent: another fingerprint.
    assert_error_envelope(c.error(lambda: c.create(SERVER_ID, name=first["Name"], token=token)), 400, *MISMATCH)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_create_mismatch(start_emu, kind):
    emu = start_emu(fixtures=cert_fixtures())
    c = make_client(kind, emu)
    token = f"create-{kind}-0002"
    cert_id = c.create(SERVER_ID, name="idem-a", token=token).body["SslVpnClientCertId"]
    assert_error_envelope(c.error(lambda: c.create(SERVER_ID, name="idem-b", token=token)), 400, *MISMATCH)
    assert_error_envelope(c.error(lambda: c.create("vss-bp1emulator0000000002", name="idem-a", token=token)),
                          400, *MISMATCH)
    assert count(c) == 4
    items = c.describe_certs(name="idem-a").body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert [i["SslVpnClientCertId"] for i in items] == [cert_id]
    assert c.describe_certs(name="idem-b").body["TotalCount"] == 0
    # The scope is the action: the same token on Modify and Delete is a fresh token there.
    assert c.modify(CERT1, name="other-action", token=token).body["Name"] == "other-action"
    assert REQUEST_ID_RE.match(c.delete(CERT2, token=token).body["RequestId"])


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_failed_create_is_not_remembered(emu, kind):
    c = make_client(kind, emu)
    token = f"create-{kind}-0003"
    assert_error_envelope(c.error(lambda: c.create(SERVER_ID, name="http://bad", token=token)), 400,
                          "InvalidName", MSG["InvalidName"])
    assert_error_envelope(c.error(lambda: c.create("vss-bp1doesnotexist000001", name="good", token=token)), 404,
                          "InvalidSslVpnServerId.NotFound", MSG["InvalidSslVpnServerId.NotFound"])
    assert CERT_ID_RE.match(c.create(SERVER_ID, name="good", token=token).body["SslVpnClientCertId"])
    assert count(c) == 3


@pytest.mark.parametrize("first_kind,retry_kind", [("tea-acs3", "legacy"), ("legacy", "tea-v1"),
                                                   ("tea-v1", "tea-acs3")])
def test_create_retry_with_another_client_replays(emu, first_kind, retry_kind):
    token = f"create-cross-{first_kind}-{retry_kind}"
    first = make_client(first_kind, emu).create(SERVER_ID, name="cross", token=token).body
    replay = make_client(retry_kind, emu).create(SERVER_ID, name="cross", token=token).body
    assert replay["SslVpnClientCertId"] == first["SslVpnClientCertId"]
    assert count(make_client(retry_kind, emu)) == 3


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_delete_replay(emu, kind):
    c = make_client(kind, emu)
    token = f"delete-{kind}-0001"
    first = c.delete(CERT1, token=token)
    assert list(first.wire) == ["RequestId"]
    assert count(c) == 1
    replay = c.delete(CERT1, token=token)
    assert list(replay.wire) == ["RequestId"]
    assert REQUEST_ID_RE.match(replay.body["RequestId"])
    assert replay.body["RequestId"] != first.body["RequestId"]
    assert count(c) == 1
    # Without the token, or with another one, the certificate is simply gone.
    for other in (None, f"delete-{kind}-0002"):
        assert_error_envelope(c.error(lambda: c.delete(CERT1, token=other)), 404,
                              "InvalidSslVpnClientCertId.NotFound", MSG["InvalidSslVpnClientCertId.NotFound"])
    # Same token, another certificate: mismatch, and CERT2 survives.
    assert_error_envelope(c.error(lambda: c.delete(CERT2, token=token)), 400, *MISMATCH)
    assert c.describe_cert(CERT2).body["Name"] == "cert2"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_concurrent_creates_with_one_token(emu, kind):
    n = 16
    clients = [make_client(kind, emu) for _ in range(n)]
    results = race(clients, lambda i: clients[i].create(SERVER_ID, name="racing", token=f"race-{kind}"))
    errors = [(i, r) for i, r in enumerate(results) if not isinstance(r, dict)]
    assert not errors, errors
    ids = {r["SslVpnClientCertId"] for r in results}
    assert len(ids) == 1, ids
    assert CERT_ID_RE.match(ids.pop())
    assert {r["Name"] for r in results} == {"racing"}
    assert len({r["RequestId"] for r in results}) == n
    c = make_client(kind, emu)
    assert count(c) == 3
    assert c.describe_certs(name="racing").body["TotalCount"] == 1


def test_concurrent_creates_with_one_token_and_two_names(emu):
    """Two fingerprints race one token: exactly one certificate; every answer is that result or
    the mismatch error."""
    n = 16
    clients = [make_client(CLIENT_KINDS[i % len(CLIENT_KINDS)], emu) for i in range(n)]
    results = race(clients, lambda i: clients[i].create(SERVER_ID, name=f"name-{i % 2}", token="race-two-names"))
    ok = [r for r in results if isinstance(r, dict)]
    failed = [r for r in results if isinstance(r, SdkError)]
    assert len(ok) + len(failed) == n, results
    assert ok, results
    assert len({(r["Name"], r["SslVpnClientCertId"]) for r in ok}) == 1, ok
    for err in failed:
        assert_error_envelope(err, 400, *MISMATCH)
    c = make_client("tea-acs3", emu)
    assert count(c) == 3
    winner = ok[0]["Name"]
    assert c.describe_certs(name=winner).body["TotalCount"] == 1
    assert c.describe_certs(name="name-1" if winner == "name-0" else "name-0").body["TotalCount"] == 0
