"""RAM authorization (SPEC section 5) as each Python client sees it."""
from __future__ import annotations

import pytest

from fixtures import OPS_AK, OPS_SECRET, ram_fixtures
from sdk import (CERT1, CERT2, CLIENT_KINDS, MSG, RO_AK, RO_SECRET, UNKNOWN_CERT, access_denied_detail,
                 assert_error_envelope, make_client)

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)


def check_denied(err, code, user, kind):
    assert_error_envelope(err, 403, code, MSG[code])
    expected = access_denied_detail("ModifySslVpnClientCert", user)
    if kind == "legacy":
        # aliyun-python-sdk-core reads only Code/Message/RequestId: AccessDeniedDetail is not exposed.
        assert err.access_denied_detail is None and err.body is None
    else:
        assert err.body["AccessDeniedDetail"] == expected
        assert err.access_denied_detail == expected
        assert err.raw.accessDeniedDetail == expected


def test_readonly_user_cannot_rename(emu, kind):
    c = make_client(kind, emu, ak=RO_AK, secret=RO_SECRET)
    for cert in (CERT1, CERT2):
        check_denied(c.error(lambda: c.modify(cert, name="nope")), "Forbidden", "readonly", kind)
    # The action check comes before existence: an unknown cert is Forbidden too.
    check_denied(c.error(lambda: c.modify(UNKNOWN_CERT, name="nope")), "Forbidden", "readonly", kind)
    # nothing changed (seen by root)
    root = make_client(kind, emu)
    assert [root.modify(cert).body["Name"] for cert in (CERT1, CERT2)] == ["cert1", "cert2"]


def test_readonly_user_can_list(emu, kind):
    c = make_client(kind, emu, ak=RO_AK, secret=RO_SECRET)
    items = c.describe_certs().body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert sorted((i["SslVpnClientCertId"], i["Name"]) for i in items) == [(CERT1, "cert1"), (CERT2, "cert2")]


def test_readonly_user_with_custom_fixtures(start_emu, kind):
    emu = start_emu(fixtures=ram_fixtures())
    c = make_client(kind, emu, ak=RO_AK, secret=RO_SECRET)
    check_denied(c.error(lambda: c.modify(CERT1, name="nope")), "Forbidden", "readonly", kind)


def test_resource_scoped_user(start_emu, kind):
    emu = start_emu(fixtures=ram_fixtures())
    ops = make_client(kind, emu, ak=OPS_AK, secret=OPS_SECRET)

    # Allowed action on a resource outside its Resources list.
    check_denied(ops.error(lambda: ops.modify(CERT2, name="nope")), "Forbbiden.SubUser", "ops", kind)

    # A target that does not exist is NotFound, as for anyone.
    err = ops.error(lambda: ops.modify(UNKNOWN_CERT, name="nope"))
    assert_error_envelope(err, 404, "InvalidSslVpnClientCertId.NotFound", MSG["InvalidSslVpnClientCertId.NotFound"])

    # Its own resource works.
    body = ops.modify(CERT1, name="ops-renamed").body
    assert (body["Name"], body["SslVpnClientCertId"]) == ("ops-renamed", CERT1)

    # DescribeRegions needs no permission.
    regions = ops.describe_regions().body["Regions"]["Region"]
    assert [r["RegionId"] for r in regions] == ["cn-hangzhou", "cn-shanghai"]

    # Seen by root: CERT1 renamed by ops, CERT2 unchanged.
    root = make_client(kind, emu)
    assert [root.modify(cert).body["Name"] for cert in (CERT1, CERT2)] == ["ops-renamed", "cert2"]


def test_resource_scoped_user_cannot_list(start_emu, kind):
    emu = start_emu(fixtures=ram_fixtures())
    ops = make_client(kind, emu, ak=OPS_AK, secret=OPS_SECRET)
    # ops has no Describe* permission: listing is Forbidden (list actions check only the action).
    err = ops.error(lambda: ops.describe_certs())
    assert_error_envelope(err, 403, "Forbidden", MSG["Forbidden"])
    if kind != "legacy":
        assert err.body["AccessDeniedDetail"] == access_denied_detail("DescribeSslVpnClientCerts", "ops")
