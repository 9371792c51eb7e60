"""Create/Describe/Delete error paths (SPEC 7.2, 7.3, 7.5) through the three Python clients."""
from __future__ import annotations

import pytest

from fixtures import BARE_CERT, SERVER2_ID, cert_fixtures, full_server_fixtures
from sdk import (CERT1, CERT2, CERT_ID_RE, CERT_QUOTA, CLIENT_KINDS, MSG, SERVER_ID, UNKNOWN_CERT,
                 UNKNOWN_REGION, UNKNOWN_SERVER, assert_error_envelope, make_client)

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)


def count(c, server_id=SERVER_ID) -> int:
    return c.describe_certs(ssl_vpn_server_id=server_id).body["TotalCount"]


def expect(c, call, status, code):
    assert_error_envelope(c.error(call), status, code, MSG[code])


def test_create_on_unknown_server(emu, kind):
    c = make_client(kind, emu)
    expect(c, lambda: c.create(UNKNOWN_SERVER, name="x"), 404, "InvalidSslVpnServerId.NotFound")
    # A server ID is not a certificate ID, nor a gateway ID.
    expect(c, lambda: c.create(CERT1, name="x"), 404, "InvalidSslVpnServerId.NotFound")
    assert c.describe_certs().body["TotalCount"] == 2


def test_create_in_another_region_than_the_server(start_emu, kind):
    fx = cert_fixtures()
    emu = start_emu(fixtures=fx)
    c = make_client(kind, emu)
    # cn-shanghai exists in these fixtures, the server lives in cn-hangzhou.
    expect(c, lambda: c.create(SERVER_ID, name="x", region="cn-shanghai"), 404, "InvalidSslVpnServerId.NotFound")
    expect(c, lambda: c.create(SERVER_ID, name="x", region=UNKNOWN_REGION), 404, "InvalidRegionId.NotFound")


def test_unknown_cert_on_describe_and_delete(emu, kind):
    c = make_client(kind, emu)
    for cert_id in (UNKNOWN_CERT, SERVER_ID):
        expect(c, lambda: c.describe_cert(cert_id), 404, "InvalidSslVpnClientCertId.NotFound")
        expect(c, lambda: c.delete(cert_id), 404, "InvalidSslVpnClientCertId.NotFound")
    # In another region the certificate does not exist either.
    expect(c, lambda: c.describe_cert(CERT1, region="cn-shanghai"), 404, "InvalidSslVpnClientCertId.NotFound")
    expect(c, lambda: c.delete(CERT1, region="cn-shanghai"), 404, "InvalidSslVpnClientCertId.NotFound")
    expect(c, lambda: c.describe_cert(CERT1, region=UNKNOWN_REGION), 404, "InvalidRegionId.NotFound")
    assert c.describe_certs().body["TotalCount"] == 2


def test_gateway_updating_blocks_create_and_delete(start_emu, kind):
    emu = start_emu(fixtures=cert_fixtures(gateway_status="updating"))
    c = make_client(kind, emu)
    expect(c, lambda: c.create(SERVER_ID, name="blocked"), 400, "VpnGateway.Configuring")
    expect(c, lambda: c.create(SERVER_ID), 400, "VpnGateway.Configuring")
    expect(c, lambda: c.delete(CERT1), 400, "VpnGateway.Configuring")
    assert count(c) == 3

    # Existence comes before state: an unknown certificate is still NotFound.
    expect(c, lambda: c.delete(UNKNOWN_CERT), 404, "InvalidSslVpnClientCertId.NotFound")
    # Describe, list and Modify do not look at the gateway.
    assert c.describe_cert(CERT1).body["Name"] == "cert1"
    assert c.modify(CERT1, name="renamed-while-updating").body["Name"] == "renamed-while-updating"
    # Another gateway's server is not blocked.
    created = c.create(SERVER2_ID, name="other-gateway").body["SslVpnClientCertId"]
    assert CERT_ID_RE.match(created)
    c.delete(created)
    expect(c, lambda: c.describe_cert(created), 404, "InvalidSslVpnClientCertId.NotFound")


@pytest.mark.parametrize("status", ["init", "provisioning", "deleting"])
def test_other_gateway_statuses_do_not_block(start_emu, kind, status):
    emu = start_emu(fixtures=cert_fixtures(gateway_status=status))
    c = make_client(kind, emu)
    created = c.create(SERVER_ID, name=f"while-{status}").body["SslVpnClientCertId"]
    c.delete(created)
    c.delete(CERT2)
    assert count(c) == 2  # CERT1 and the bare fixture cert


def test_quota_51st_create(start_emu, kind):
    emu = start_emu(fixtures=cert_fixtures())
    c = make_client(kind, emu)
    created = [c.create(SERVER2_ID, name=f"q{i}").body["SslVpnClientCertId"] for i in range(CERT_QUOTA)]
    assert len(set(created)) == CERT_QUOTA
    assert count(c, SERVER2_ID) == CERT_QUOTA
    expect(c, lambda: c.create(SERVER2_ID, name="one-too-many"), 400, "CreateSslCertsQuotaFull.QuotaFull")
    expect(c, lambda: c.create(SERVER2_ID), 400, "CreateSslCertsQuotaFull.QuotaFull")
    assert count(c, SERVER2_ID) == CERT_QUOTA
    # The quota is per server.
    assert CERT_ID_RE.match(c.create(SERVER_ID, name="other-server").body["SslVpnClientCertId"])
    # Deleting one frees a slot.
    c.delete(created[7])
    assert CERT_ID_RE.match(c.create(SERVER2_ID, name="back-in").body["SslVpnClientCertId"])
    expect(c, lambda: c.create(SERVER2_ID, name="full-again"), 400, "CreateSslCertsQuotaFull.QuotaFull")


def test_quota_counts_fixture_certs(start_emu, kind):
    emu = start_emu(fixtures=full_server_fixtures(CERT_QUOTA))
    c = make_client(kind, emu)
    assert count(c) == CERT_QUOTA
    expect(c, lambda: c.create(SERVER_ID, name="x"), 400, "CreateSslCertsQuotaFull.QuotaFull")
    # Checks run in order: an invalid name is reported before the quota (SPEC 3.3).
    expect(c, lambda: c.create(SERVER_ID, name="http://x"), 400, "InvalidName")
    c.delete(BARE_CERT)
    assert CERT_ID_RE.match(c.create(SERVER_ID, name="x").body["SslVpnClientCertId"])


def test_check_order_name_then_existence_then_gateway_then_quota(start_emu, kind):
    # SPEC 3.3: parameter values -> existence -> state (VpnGateway.Configuring, then quota).
    fx = full_server_fixtures(CERT_QUOTA)
    fx["VpnGateways"][0]["Status"] = "updating"
    emu = start_emu(fixtures=fx)
    c = make_client(kind, emu)
    expect(c, lambda: c.create(UNKNOWN_SERVER, name="http://x"), 400, "InvalidName")
    expect(c, lambda: c.create(UNKNOWN_SERVER, name="x"), 404, "InvalidSslVpnServerId.NotFound")
    expect(c, lambda: c.create(SERVER_ID, name="x"), 400, "VpnGateway.Configuring")
    assert count(c) == CERT_QUOTA
