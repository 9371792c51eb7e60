"""SSL-VPN servers and VPN gateways as API resources (SPEC section 11) through the three Python
clients' own typed requests: exact payloads (key order and JSON types off the wire, and what the
SDK sent as the journal recorded it), the error envelopes, and a client's retry on
`VpnGateway.Configuring` through the gateway busy window."""
from __future__ import annotations

import copy
import json
import pathlib
import re
import time

import pytest

from admin import advance_clock, journal, ok
from sdk import (ACCOUNT_ID, CLIENT_KINDS, GATEWAY_ID, MSG, REGION, REQUEST_ID_RE, RESOURCE_GROUP, SERVER_ID,
                 assert_error_envelope, make_client)

REPO = pathlib.Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)

FREE_GW = "vpn-bp1emulatorfree00001"
NOSSL_GW = "vpn-bp1emulatornossl0001"
SERVER_ID_RE = re.compile(r"^vss-[a-z0-9]{21}$")
SERVER_KEYS = ["RegionId", "SslVpnServerId", "VpnGatewayId", "Name", "ClientIpPool", "LocalSubnet", "Proto",
               "Port", "Cipher", "Compress", "CreateTime", "Connections", "MaxConnections", "InternetIp",
               "EnableMultiFactorAuth", "ResourceGroupId"]
IDAAS_KEYS = ["IDaaSInstanceId", "IDaaSRegionId", "IDaaSApplicationId"]
GATEWAY_KEYS = ["VpnGatewayId", "VpcId", "VSwitchId", "InternetIp", "DisasterRecoveryInternetIp",
                "DisasterRecoveryVSwitchId", "SslVpnInternetIp", "Name", "Description", "Spec", "Status",
                "BusinessStatus", "ChargeType", "IpsecVpn", "SslVpn", "SslMaxConnections", "NetworkType",
                "GatewayType", "VpnType", "AutoPropagate", "EnableBgp", "CreateTime", "EndTime",
                "ResourceGroupId", "Tag", "EniInstanceIds", "Tags"]
# What each client adds to the parameters of the call (the journal keeps no signature fields).
SDK_PARAMS = {"tea-acs3": {}, "tea-v1": {"Format": "json", "Version": "2016-04-28"},
              "legacy": {"Format": "JSON", "Version": "2016-04-28"}}


def fixtures() -> dict:
    """The embedded default plus a gateway with no server and one without SSL-VPN."""
    doc = json.loads((REPO / "fixtures" / "default.json").read_text(encoding="utf-8"))
    doc["VpnGateways"] += [
        {"VpnGatewayId": FREE_GW, "RegionId": REGION, "Name": "free", "ResourceGroupId": "rg-free",
         "SslMaxConnections": 10, "InternetIp": "203.0.113.7", "CreateTime": 1764547200000,
         "Tags": [{"Key": "team", "Value": "vpn"}]},
        {"VpnGatewayId": NOSSL_GW, "RegionId": REGION, "SslVpn": "disable", "CreateTime": 1764547300000},
    ]
    return doc


def sent(emu, kind: str, action: str) -> dict:
    """The parameters of the newest call of `action`, as the emulator received them."""
    params = dict(journal(emu, action=action, limit=1)[0]["Params"])
    if kind != "tea-acs3":
        assert params.pop("Action") == action
    return params


def expect_sent(emu, kind, action, **params):
    want = {k: str(v) for k, v in params.items()}
    want.update(SDK_PARAMS[kind])
    want.setdefault("RegionId", REGION)
    if kind != "tea-acs3":
        want["Action"] = action
    got = dict(journal(emu, action=action, limit=1)[0]["Params"])
    assert got == want, (got, want)


def only_server(reply) -> dict:
    wire = reply.wire
    assert list(wire) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "SslVpnServers"], list(wire)
    assert wire["TotalCount"] == 1, wire
    (item,) = wire["SslVpnServers"]["SslVpnServer"]
    return item


def test_server_lifecycle_with_exact_payloads(start_emu, kind):
    emu = start_emu(fixtures=fixtures())
    c = make_client(kind, emu)
    made = c.api("CreateSslVpnServer", VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.0/16",
                 LocalSubnet="172.16.0.0/16,192.168.100.0/24", Name="office", Port=1195, Proto="UDP",
                 Compress=True, ClientToken=f"create-{kind}")
    assert list(made.wire) == ["RequestId", "SslVpnServerId", "Name"], made.wire
    assert REQUEST_ID_RE.match(made.wire["RequestId"])
    server_id = made.wire["SslVpnServerId"]
    assert SERVER_ID_RE.match(server_id) and made.wire["Name"] == "office", made.wire
    # Python clients send booleans as `True`; the emulator takes any case.
    expect_sent(emu, kind, "CreateSslVpnServer", VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.0/16",
                LocalSubnet="172.16.0.0/16,192.168.100.0/24", Name="office", Port=1195, Proto="UDP",
                Compress="True", ClientToken=f"create-{kind}")

    item = only_server(c.api("DescribeSslVpnServers", SslVpnServerId=server_id))
    assert list(item) == SERVER_KEYS, list(item)
    assert type(item["CreateTime"]) is int and item["CreateTime"] > 1764547200000
    assert item == {"RegionId": REGION, "SslVpnServerId": server_id, "VpnGatewayId": FREE_GW, "Name": "office",
                    "ClientIpPool": "10.8.0.0/16", "LocalSubnet": "172.16.0.0/16,192.168.100.0/24",
                    "Proto": "UDP", "Port": 1195, "Cipher": "AES-128-CBC", "Compress": True,
                    "CreateTime": item["CreateTime"], "Connections": 0, "MaxConnections": 10,
                    "InternetIp": "203.0.113.7", "EnableMultiFactorAuth": False, "ResourceGroupId": "rg-free"}

    # Modify answers the whole server; multi-factor settings appear once it is on.
    changed = c.api("ModifySslVpnServer", SslVpnServerId=server_id, Cipher="AES-256-CBC",
                    EnableMultiFactorAuth=True, IDaaSInstanceId="idaas-cn-hangzhou-p1",
                    IDaaSRegionId="cn-hangzhou", IDaaSApplicationId="app_1")
    want = dict(item, Cipher="AES-256-CBC", EnableMultiFactorAuth=True, IDaaSInstanceId="idaas-cn-hangzhou-p1",
                IDaaSApplicationId="app_1")
    assert changed.wire == dict(want, RequestId=changed.wire["RequestId"]), changed.wire
    assert list(changed.wire) == ["RequestId"] + SERVER_KEYS[:-1] + ["IDaaSInstanceId", "IDaaSApplicationId",
                                                                     "ResourceGroupId"], list(changed.wire)
    listed = only_server(c.api("DescribeSslVpnServers", VpnGatewayId=FREE_GW))
    assert list(listed) == SERVER_KEYS[:-1] + IDAAS_KEYS + ["ResourceGroupId"], list(listed)
    assert listed["IDaaSRegionId"] == "cn-hangzhou"

    # A certificate on the new server, then the server's delete takes it along.
    cert = c.create(server_id).body["SslVpnClientCertId"]
    gone = c.api("DeleteSslVpnServer", SslVpnServerId=server_id, ClientToken=f"delete-{kind}")
    assert list(gone.wire) == ["RequestId"], gone.wire
    expect_sent(emu, kind, "DeleteSslVpnServer", SslVpnServerId=server_id, ClientToken=f"delete-{kind}")
    err = c.error(lambda: c.describe_cert(cert))
    assert_error_envelope(err, 404, "InvalidSslVpnClientCertId.NotFound", MSG["InvalidSslVpnClientCertId.NotFound"])
    empty = c.api("DescribeSslVpnServers", SslVpnServerId=server_id)
    assert empty.wire["TotalCount"] == 0 and empty.wire["SslVpnServers"] == {"SslVpnServer": []}, empty.wire
    # The replay of the delete answers as the first did.
    again = c.api("DeleteSslVpnServer", SslVpnServerId=server_id, ClientToken=f"delete-{kind}")
    assert list(again.wire) == ["RequestId"]


def test_list_filters_and_paging(start_emu, kind):
    emu = start_emu(fixtures=fixtures())
    c = make_client(kind, emu)
    mine = c.api("CreateSslVpnServer", VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.0/16",
                 LocalSubnet="172.16.0.0/16").wire["SslVpnServerId"]
    page = c.api("DescribeSslVpnServers", PageNumber=2, PageSize=1)
    expect_sent(emu, kind, "DescribeSslVpnServers", PageNumber=2, PageSize=1)
    assert (page.wire["TotalCount"], page.wire["PageNumber"], page.wire["PageSize"]) == (2, 2, 1)
    assert [s["SslVpnServerId"] for s in page.wire["SslVpnServers"]["SslVpnServer"]] == [mine]
    by_group = c.api("DescribeSslVpnServers", ResourceGroupId=RESOURCE_GROUP)
    assert [s["SslVpnServerId"] for s in by_group.wire["SslVpnServers"]["SslVpnServer"]] == [SERVER_ID]
    by_name = c.api("DescribeSslVpnServers", Name=mine)
    assert [s["SslVpnServerId"] for s in by_name.wire["SslVpnServers"]["SslVpnServer"]] == [mine]
    unknown = c.api("DescribeSslVpnServers", SslVpnServerId="vss-bp1doesnotexist000001")
    assert unknown.wire["TotalCount"] == 0


def test_gateways_with_exact_payloads(start_emu, kind):
    emu = start_emu(fixtures=fixtures())
    c = make_client(kind, emu)
    one = c.api("DescribeVpnGateway", VpnGatewayId=FREE_GW)
    assert list(one.wire) == ["RequestId"] + GATEWAY_KEYS, list(one.wire)
    assert one.wire == {
        "RequestId": one.wire["RequestId"], "VpnGatewayId": FREE_GW, "VpcId": "", "VSwitchId": "",
        "InternetIp": "203.0.113.7", "DisasterRecoveryInternetIp": "", "DisasterRecoveryVSwitchId": "",
        "SslVpnInternetIp": "", "Name": "free", "Description": "", "Spec": "5M", "Status": "active",
        "BusinessStatus": "Normal", "ChargeType": "PostpayByFlow", "IpsecVpn": "enable", "SslVpn": "enable",
        "SslMaxConnections": 10, "NetworkType": "public", "GatewayType": "Traditional", "VpnType": "Normal",
        "AutoPropagate": False, "EnableBgp": False, "CreateTime": 1764547200000, "EndTime": 4102444800000,
        "ResourceGroupId": "rg-free", "Tag": "", "EniInstanceIds": {"EniInstanceId": []},
        "Tags": {"Tag": [{"Key": "team", "Value": "vpn"}]}}
    expect_sent(emu, kind, "DescribeVpnGateway", VpnGatewayId=FREE_GW)

    listed = c.api("DescribeVpnGateways", Tag=[{"Key": "team", "Value": "vpn"}])
    assert list(listed.wire) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "VpnGateways"]
    items = listed.wire["VpnGateways"]["VpnGateway"]
    assert [g["VpnGatewayId"] for g in items] == [FREE_GW], items
    assert list(items[0]) == GATEWAY_KEYS
    expect_sent(emu, kind, "DescribeVpnGateways", **{"Tag.1.Key": "team", "Tag.1.Value": "vpn"})
    # Every gateway of the account, in CreateTime order (the default one was made at load).
    all_gw = c.api("DescribeVpnGateways", PageSize=50)
    assert [g["VpnGatewayId"] for g in all_gw.wire["VpnGateways"]["VpnGateway"]] == [FREE_GW, NOSSL_GW,
                                                                                     GATEWAY_ID]
    err = c.error(lambda: c.api("DescribeVpnGateway", VpnGatewayId="vpn-bp1doesnotexist000001"))
    assert_error_envelope(err, 404, "InvalidVpnGatewayInstanceId.NotFound",
                          MSG["InvalidVpnGatewayInstanceId.NotFound"])


def test_server_errors(start_emu, kind):
    emu = start_emu(fixtures=fixtures())
    c = make_client(kind, emu)
    base = dict(ClientIpPool="10.8.0.0/16", LocalSubnet="172.16.0.0/16")
    cases = [
        (dict(base, VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.1/16"), 400, "InvalidParameter",
         'The specified parameter "ClientIpPool" is not valid.'),
        (dict(base, VpnGatewayId=FREE_GW, LocalSubnet="10.0.0.0/8"), 400, "InvalidParameter",
         'The specified parameter "ClientIpPool" is not valid.'),
        (dict(base, VpnGatewayId=FREE_GW, Port=443), 400, "InvalidParameter",
         'The specified parameter "Port" is not valid.'),
        (dict(base, VpnGatewayId=FREE_GW, Proto="tcp"), 400, "InvalidParameter",
         'The specified parameter "Proto" is not valid.'),
        (dict(base, VpnGatewayId=FREE_GW, EnableMultiFactorAuth=True), 400, "InvalidParameter",
         'The specified parameter "IDaaSInstanceId" is not valid.'),
        (dict(base, VpnGatewayId="vpn-bp1doesnotexist000001"), 404, "InvalidVpnGatewayInstanceId.NotFound",
         MSG["InvalidVpnGatewayInstanceId.NotFound"]),
        (dict(base, VpnGatewayId=NOSSL_GW), 400, "VpnGateway.SslVpnDisabled", MSG["VpnGateway.SslVpnDisabled"]),
        (dict(base, VpnGatewayId=GATEWAY_ID), 400, "Resource.QuotaFull", MSG["Resource.QuotaFull"]),
    ]
    for params, status, code, message in cases:
        err = c.error(lambda: c.api("CreateSslVpnServer", **params))
        assert_error_envelope(err, status, code, message)
    for action in ("ModifySslVpnServer", "DeleteSslVpnServer"):
        err = c.error(lambda: c.api(action, SslVpnServerId="vss-bp1doesnotexist000001", Name="x"
                                    ) if action == "ModifySslVpnServer" else
                      c.api(action, SslVpnServerId="vss-bp1doesnotexist000001"))
        assert_error_envelope(err, 404, "InvalidSslVpnServerId.NotFound", MSG["InvalidSslVpnServerId.NotFound"])
    err = c.error(lambda: c.api("ModifySslVpnServer", SslVpnServerId=SERVER_ID, ClientIpPool="192.168.1.0/24"))
    assert_error_envelope(err, 400, "InvalidParameter", 'The specified parameter "ClientIpPool" is not valid.')
    # Nothing was made or changed by any of them.
    assert ok(emu, "GET", "state")["SslVpnServers"][0]["ClientIpPool"] == "10.0.0.0/16"
    assert len(ok(emu, "GET", "state")["SslVpnServers"]) == 1


def retrying(c, call, journal_of, attempts=200):
    """A client's retry loop as Terraform's: call again while the answer is
    `VpnGateway.Configuring`, pausing between attempts; how many were refused, and the reply."""
    refused = 0
    for _ in range(attempts):
        try:
            return refused, call()
        except Exception as e:  # noqa: BLE001 - each client has its own exception class
            if getattr(e, "code", None) != "VpnGateway.Configuring" and \
                    getattr(e, "get_error_code", lambda: None)() != "VpnGateway.Configuring":
                raise
            refused += 1
            time.sleep(0.02)
    raise AssertionError(f"still configuring after {attempts} attempts: {journal_of()}")


def test_a_retry_on_configuring_succeeds_once_the_window_ends(start_emu, kind):
    # A window of 1.5 s of the emulator clock, which follows real time.
    emu = start_emu("--gateway-busy-ms", "1500", fixtures=fixtures())
    c = make_client(kind, emu)
    made = c.api("CreateSslVpnServer", VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.0/16",
                 LocalSubnet="172.16.0.0/16")
    server_id = made.wire["SslVpnServerId"]
    status = c.api("DescribeVpnGateway", VpnGatewayId=FREE_GW).wire["Status"]
    assert status == "updating"
    refused, cert = retrying(c, lambda: c.create(server_id),
                             lambda: journal(emu, action="CreateSslVpnClientCert"))
    assert refused >= 1, "the first attempt fell inside the window"
    codes = [e["Code"] for e in journal(emu, action="CreateSslVpnClientCert")]
    assert codes == ["VpnGateway.Configuring"] * refused + [None], codes
    assert cert.body["SslVpnClientCertId"].startswith("vsc-")
    # Moving the emulator clock past a window ends it at once: no retry needed.
    advance_clock(emu, 2)
    assert c.api("DescribeVpnGateway", VpnGatewayId=FREE_GW).wire["Status"] == "active"
    c.api("ModifySslVpnServer", SslVpnServerId=server_id, Port=1195)
    err = c.error(lambda: c.api("DeleteSslVpnServer", SslVpnServerId=server_id))
    assert_error_envelope(err, 400, "VpnGateway.Configuring", MSG["VpnGateway.Configuring"])
    advance_clock(emu, 2)
    refused, _ = retrying(c, lambda: c.api("DeleteSslVpnServer", SslVpnServerId=server_id),
                          lambda: journal(emu, action="DeleteSslVpnServer"))
    assert refused == 0


def test_ram_users_and_accounts(start_emu, kind):
    doc = fixtures()
    doc["Accounts"][0]["Users"].append(
        {"UserName": "gwonly", "Allow": ["vpc:*"], "Resources": [FREE_GW],
         "AccessKeys": [{"AccessKeyId": "LTAI5tEmulatorGwOnly01", "AccessKeySecret": "EmulatorGwOnly01"}]})
    emu = start_emu(fixtures=copy.deepcopy(doc))
    ro = make_client(kind, emu, "LTAI5tEmulatorReadOnly", "EmulatorReadOnlySecret")
    assert ro.api("DescribeSslVpnServers").wire["TotalCount"] == 1
    err = ro.error(lambda: ro.api("CreateSslVpnServer", VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.0/16",
                                  LocalSubnet="172.16.0.0/16"))
    assert_error_envelope(err, 403, "Forbidden", MSG["Forbidden"])
    gw = make_client(kind, emu, "LTAI5tEmulatorGwOnly01", "EmulatorGwOnly01")
    err = gw.error(lambda: gw.api("CreateSslVpnServer", VpnGatewayId=NOSSL_GW, ClientIpPool="10.8.0.0/16",
                                  LocalSubnet="172.16.0.0/16"))
    assert_error_envelope(err, 403, "Forbbiden.SubUser", MSG["Forbbiden.SubUser"])
    made = gw.api("CreateSslVpnServer", VpnGatewayId=FREE_GW, ClientIpPool="10.8.0.0/16",
                  LocalSubnet="172.16.0.0/16")
    assert journal(emu, action="CreateSslVpnServer", limit=1)[0]["Principal"] == "user:gwonly"
    assert journal(emu, action="CreateSslVpnServer", limit=1)[0]["AccountId"] == ACCOUNT_ID
    assert SERVER_ID_RE.match(made.wire["SslVpnServerId"])
