"""ModifySslVpnClientCert through the three Python clients: success, names, errors, signatures."""
from __future__ import annotations

import pytest

from sdk import (CERT1, CERT2, CLIENT_KINDS, LEGACY_BAD_SECRET_MSG, MSG, REQUEST_ID_RE, ROOT_AK,
                 SIGNATURE_PREFIX, SPECIAL_NAME, UNKNOWN_CERT, UNKNOWN_REGION, assert_error_envelope,
                 make_client)

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)


def assert_modify_body(body: dict, name: str, cert_id: str):
    assert set(body) == {"RequestId", "Name", "SslVpnClientCertId"}, body
    assert REQUEST_ID_RE.match(body["RequestId"]), body
    assert body["Name"] == name
    assert body["SslVpnClientCertId"] == cert_id


def test_rename_succeeds_and_persists(emu, kind):
    c = make_client(kind, emu)
    r1 = c.modify(CERT1, name="renamed-cert")
    assert_modify_body(r1.body, "renamed-cert", CERT1)

    # Name absent: nothing changes, the answer carries the current (persisted) name.
    r2 = c.modify(CERT1)
    assert_modify_body(r2.body, "renamed-cert", CERT1)
    assert r2.body["RequestId"] != r1.body["RequestId"]

    # The other certificate is untouched.
    assert_modify_body(c.modify(CERT2).body, "cert2", CERT2)

    # A second rename works from the new state.
    assert_modify_body(c.modify(CERT1, name="renamed-again").body, "renamed-again", CERT1)
    assert_modify_body(c.modify(CERT1).body, "renamed-again", CERT1)


def test_rename_shows_in_list(emu, kind):
    c = make_client(kind, emu)
    c.modify(CERT1, name="renamed-cert")
    listed = c.describe_certs(ssl_vpn_client_cert_id=CERT1).body
    items = listed["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert [(i["SslVpnClientCertId"], i["Name"]) for i in items] == [(CERT1, "renamed-cert")]


def test_special_character_name_round_trips(emu, kind):
    c = make_client(kind, emu)
    assert_modify_body(c.modify(CERT1, name=SPECIAL_NAME).body, SPECIAL_NAME, CERT1)
    assert_modify_body(c.modify(CERT1).body, SPECIAL_NAME, CERT1)


def test_special_character_name_as_list_filter(emu, kind):
    c = make_client(kind, emu)
    c.modify(CERT1, name=SPECIAL_NAME)
    # The same value as a signed filter parameter of another action.
    items = c.describe_certs(name=SPECIAL_NAME).body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert [(i["SslVpnClientCertId"], i["Name"]) for i in items] == [(CERT1, SPECIAL_NAME)]


@pytest.mark.parametrize("name", ["x", "a" * 100, "é" * 100, "中文名称-证书", "http:/not-a-url", "my http://x"])
def test_valid_names_at_the_bounds(emu, kind, name):
    c = make_client(kind, emu)
    assert_modify_body(c.modify(CERT2, name=name).body, name, CERT2)


@pytest.mark.parametrize("name", ["http://example.com", "HTTPS://example.com", "a" * 101, "é" * 101])
def test_invalid_name(emu, kind, name):
    c = make_client(kind, emu)
    err = c.error(lambda: c.modify(CERT1, name=name))
    assert_error_envelope(err, 400, "InvalidName", MSG["InvalidName"])
    # nothing changed
    assert c.modify(CERT1).body["Name"] == "cert1"


def test_unknown_cert_is_not_found(emu, kind):
    c = make_client(kind, emu)
    err = c.error(lambda: c.modify(UNKNOWN_CERT, name="whatever"))
    assert_error_envelope(err, 404, "InvalidSslVpnClientCertId.NotFound",
                          MSG["InvalidSslVpnClientCertId.NotFound"])


def test_unknown_region_is_not_found(emu, kind):
    c = make_client(kind, emu)
    err = c.error(lambda: c.modify(CERT1, name="whatever", region=UNKNOWN_REGION))
    assert_error_envelope(err, 404, "InvalidRegionId.NotFound", MSG["InvalidRegionId.NotFound"])


def test_wrong_secret_for_known_key(emu, kind):
    c = make_client(kind, emu, ak=ROOT_AK, secret="NotTheRootSecret")
    err = c.error(lambda: c.modify(CERT1, name="never-applied"))
    if kind == "legacy":
        # The legacy SDK compares the server's string-to-sign with its own and, when they are
        # byte-for-byte equal, rewrites the error to InvalidAccessKeySecret.
        assert_error_envelope(err, 400, "InvalidAccessKeySecret", LEGACY_BAD_SECRET_MSG)
        assert err.raw.get_error_msg() == LEGACY_BAD_SECRET_MSG
    else:
        assert_error_envelope(err, 400, "SignatureDoesNotMatch")
        assert err.message.startswith(SIGNATURE_PREFIX), err.message
        sts = err.message[len(SIGNATURE_PREFIX):]
        if kind == "tea-v1":
            assert sts.startswith("POST&%2F&"), sts
            assert "AccessKeyId%3DLTAI5tEmulatorRootKey" in sts, sts
            assert "Name%3Dnever-applied" in sts, sts
        else:
            assert sts, "empty server string to sign"
    # nothing changed
    assert make_client(kind, emu).modify(CERT1).body["Name"] == "cert1"


def test_unknown_access_key_is_served_as_root_in_lenient_mode(emu, kind):
    c = make_client(kind, emu, ak="LTAIunknownKeyForTests", secret="anything")
    assert_modify_body(c.modify(CERT1, name="by-anonymous-root").body, "by-anonymous-root", CERT1)
