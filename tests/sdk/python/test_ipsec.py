"""The IPsec half (SPEC 14: customer gateways, IPsec connections, destination routes) through the
three Python clients' own typed requests: the whole site-to-site chain (VPC, vSwitch, VPN gateway,
customer gateway, connection, route) built, read, tagged, changed and torn down, with exact
payloads (key order and JSON types off the wire, and what each SDK sent as the journal recorded
it), and the errors a teardown meets."""
from __future__ import annotations

import json
import re

import pytest

from admin import journal, ok
from sdk import CLIENT_KINDS, GATEWAY_ID, REGION, assert_error_envelope, make_client

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)

CGW_RE = re.compile(r"^cgw-[a-z0-9]{21}$")
VCO_RE = re.compile(r"^vco-[a-z0-9]{21}$")
SDK_PARAMS = {"tea-acs3": {}, "tea-v1": {"Format": "json", "Version": "2016-04-28"},
              "legacy": {"Format": "JSON", "Version": "2016-04-28"}}
CONNECTION_KEYS = ["VpnConnectionId", "VpnGatewayId", "CustomerGatewayId", "Name", "LocalSubnet", "RemoteSubnet",
                   "CreateTime", "EffectImmediately", "Status", "State", "EnableDpd", "EnableNatTraversal",
                   "EnableTunnelsBgp", "CrossAccountAuthorized", "InternetIp", "NetworkType", "AttachType",
                   "AttachInstanceId", "TransitRouterId", "TransitRouterName", "Spec", "TunnelBandwidth", "ZoneNo",
                   "RemoteCaCertificate", "ResourceGroupId", "IkeConfig", "IpsecConfig", "VcoHealthCheck",
                   "VpnBgpConfig", "Tags"]
MODIFY_KEYS = ["RequestId", "VpnConnectionId", "VpnGatewayId", "CustomerGatewayId", "Name", "Description",
               "LocalSubnet", "RemoteSubnet", "CreateTime", "EffectImmediately", "EnableDpd", "EnableNatTraversal",
               "EnableTunnelsBgp", "ResourceGroupId", "IkeConfig", "IpsecConfig", "VcoHealthCheck", "VpnBgpConfig"]
IKE = {"IkeAuthAlg": "sha1", "IkeEncAlg": "aes256", "IkeLifetime": 0, "IkeMode": "main", "IkePfs": "group14",
       "IkeVersion": "ikev2", "Psk": "tf-testvpn1"}
IPSEC = {"IpsecAuthAlg": "sha256", "IpsecEncAlg": "aes", "IpsecLifetime": 3600, "IpsecPfs": "group5"}
HEALTH = {"dip": "10.0.0.1", "enable": True, "interval": 5, "retry": 2, "sip": "172.16.0.1"}


def expect_sent(emu, kind, action, **params):
    """The last `action` call reached the emulator with exactly these parameters."""
    want = {k: str(v) for k, v in params.items()}
    want.update(SDK_PARAMS[kind])
    want.setdefault("RegionId", REGION)
    if kind != "tea-acs3":
        want["Action"] = action
    got = dict(journal(emu, action=action, limit=1)[0]["Params"])
    assert got == want, (got, want)


def test_the_site_to_site_chain(emu, kind):
    c = make_client(kind, emu)
    vpc = c.api("CreateVpc", CidrBlock="10.0.0.0/16", VpcName="site").wire["VpcId"]
    vsw = c.api("CreateVSwitch", VpcId=vpc, ZoneId="cn-hangzhou-b", CidrBlock="10.0.1.0/24").wire["VSwitchId"]
    gw_made = c.api("CreateVpnGateway", VpcId=vpc, Bandwidth=10, EnableIpsec=True, Name="site-gw")
    gw = gw_made.wire["VpnGatewayId"]
    gateway_ip = c.api("DescribeVpnGateway", VpnGatewayId=gw).wire["InternetIp"]

    # The customer gateway: `Tags.N` on create, `Asn` a string in, a number out.
    made = c.api("CreateCustomerGateway", IpAddress="203.0.113.50", Name="office", Description="the router",
                 Asn="65001", AuthKey="bgp-key", Tags=[{"Key": "team", "Value": "net"}], ClientToken=f"cgw-{kind}")
    assert list(made.wire) == ["RequestId", "CustomerGatewayId", "IpAddress", "Name", "Description", "CreateTime"]
    cgw = made.wire["CustomerGatewayId"]
    assert CGW_RE.match(cgw) and type(made.wire["CreateTime"]) is int
    expect_sent(emu, kind, "CreateCustomerGateway", IpAddress="203.0.113.50", Name="office",
                Description="the router", Asn="65001", ClientToken=f"cgw-{kind}",
                **{"Tags.1.Key": "team", "Tags.1.Value": "net"})  # AuthKey, a secret, is not journaled
    described = c.api("DescribeCustomerGateway", CustomerGatewayId=cgw).wire
    assert described == {"RequestId": described["RequestId"], "CustomerGatewayId": cgw, "Name": "office",
                         "Description": "the router", "IpAddress": "203.0.113.50", "Asn": 65001,
                         "AuthKey": "bgp-key", "CreateTime": made.wire["CreateTime"], "ResourceGroupId": "",
                         "Tags": {"Tag": [{"Key": "team", "Value": "net"}]}}
    assert list(described) == ["RequestId", "CustomerGatewayId", "Name", "Description", "IpAddress", "Asn",
                               "AuthKey", "CreateTime", "ResourceGroupId", "Tags"]
    listed = c.api("DescribeCustomerGateways", Tag=[{"Key": "team", "Value": "net"}], PageSize=50).wire
    assert list(listed) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "CustomerGateways"]
    assert (listed["TotalCount"], listed["PageSize"]) == (1, 50)
    (item,) = listed["CustomerGateways"]["CustomerGateway"]
    assert item == {k: v for k, v in described.items() if k != "RequestId"}
    modified = c.api("ModifyCustomerGatewayAttribute", CustomerGatewayId=cgw, Description="renamed router").wire
    assert list(modified) == ["RequestId", "CustomerGatewayId", "IpAddress", "Name", "Description", "CreateTime",
                              "ResourceGroupId"]
    assert modified["Description"] == "renamed router"

    # The connection: the settings as JSON strings in, objects out.
    conn = c.api("CreateVpnConnection", VpnGatewayId=gw, CustomerGatewayId=cgw, Name="site-a",
                 LocalSubnet="10.0.0.0/16,10.1.0.0/16", RemoteSubnet="192.168.0.0/16", EffectImmediately=True,
                 EnableDpd=True, EnableNatTraversal=False, IkeConfig=json.dumps(IKE, separators=(",", ":")),
                 IpsecConfig=json.dumps(IPSEC), HealthCheckConfig=json.dumps(HEALTH),
                 Tags=[{"Key": "Created", "Value": "sdk"}], ClientToken=f"vco-{kind}")
    assert list(conn.wire) == ["RequestId", "VpnConnectionId", "Name", "CreateTime"]
    vco = conn.wire["VpnConnectionId"]
    assert VCO_RE.match(vco) and conn.wire["Name"] == "site-a"
    expect_sent(emu, kind, "CreateVpnConnection", VpnGatewayId=gw, CustomerGatewayId=cgw, Name="site-a",
                LocalSubnet="10.0.0.0/16,10.1.0.0/16", RemoteSubnet="192.168.0.0/16", EffectImmediately="True",
                EnableDpd="True", EnableNatTraversal="False",
                # The journal leaves the pre-shared key out of IkeConfig (a secret).
                IkeConfig=json.dumps({k: v for k, v in IKE.items() if k != "Psk"}, separators=(",", ":")),
                IpsecConfig=json.dumps(IPSEC), HealthCheckConfig=json.dumps(HEALTH), ClientToken=f"vco-{kind}",
                **{"Tags.1.Key": "Created", "Tags.1.Value": "sdk"})
    d = c.api("DescribeVpnConnection", VpnConnectionId=vco).wire
    assert list(d) == ["RequestId"] + CONNECTION_KEYS, list(d)
    assert {k: d[k] for k in CONNECTION_KEYS if k not in ("IkeConfig", "IpsecConfig", "VcoHealthCheck",
                                                          "VpnBgpConfig")} == {
        "VpnConnectionId": vco, "VpnGatewayId": gw, "CustomerGatewayId": cgw, "Name": "site-a",
        "LocalSubnet": "10.0.0.0/16,10.1.0.0/16", "RemoteSubnet": "192.168.0.0/16",
        "CreateTime": conn.wire["CreateTime"], "EffectImmediately": True, "Status": "ike_sa_not_established",
        "State": "active", "EnableDpd": True, "EnableNatTraversal": False, "EnableTunnelsBgp": False,
        "CrossAccountAuthorized": False, "InternetIp": gateway_ip, "NetworkType": "public", "AttachType": "VPNGW",
        "AttachInstanceId": "", "TransitRouterId": "", "TransitRouterName": "", "Spec": "", "TunnelBandwidth": "",
        "ZoneNo": "", "RemoteCaCertificate": "", "ResourceGroupId": "",
        "Tags": {"Tag": [{"Key": "Created", "Value": "sdk"}]}}
    assert d["IkeConfig"] == {"IkeAuthAlg": "sha1", "IkeEncAlg": "aes256", "IkeLifetime": 86400, "IkeMode": "main",
                              "IkePfs": "group14", "IkeVersion": "ikev2", "LocalId": gateway_ip,
                              "Psk": "tf-testvpn1", "RemoteId": "203.0.113.50"}
    assert d["IpsecConfig"] == {"IpsecAuthAlg": "sha256", "IpsecEncAlg": "aes", "IpsecLifetime": 3600,
                                "IpsecPfs": "group5"}
    assert d["VcoHealthCheck"] == {"Enable": "true", "Dip": "10.0.0.1", "Sip": "172.16.0.1", "Interval": 5,
                                   "Retry": 2, "Status": "failed", "Policy": "revoke_route"}
    assert d["VpnBgpConfig"] == {"EnableBgp": "false", "LocalAsn": 45104, "TunnelCidr": "", "LocalBgpIp": "",
                                 "PeerBgpIp": "", "Status": "", "AuthKey": "bgp-key"}
    # The list item: no ZoneNo, the tag wrapper named `Tag`.
    items = c.api("DescribeVpnConnections", VpnGatewayId=gw, CustomerGatewayId=cgw).wire
    assert list(items) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "VpnConnections"]
    (item,) = items["VpnConnections"]["VpnConnection"]
    assert list(item) == [k for k in CONNECTION_KEYS if k not in ("ZoneNo", "Tags")] + ["Tag"]
    assert item["Tag"] == d["Tags"] and item["IkeConfig"] == d["IkeConfig"]
    changed = c.api("ModifyVpnConnectionAttribute", VpnConnectionId=vco, RemoteSubnet="192.168.0.0/16,10.9.0.0/16",
                    HealthCheckConfig=json.dumps({"Enable": False}), ClientToken=f"mod-{kind}").wire
    assert list(changed) == MODIFY_KEYS, list(changed)
    assert changed["VcoHealthCheck"] == {"Enable": "false", "Dip": "10.0.0.1", "Sip": "172.16.0.1",
                                         "Interval": 5, "Retry": 2}
    assert changed["RemoteSubnet"] == "192.168.0.0/16,10.9.0.0/16" and changed["Description"] == ""
    config = c.api("DownloadVpnConnectionConfig", VpnConnectionId=vco).wire
    assert config["VpnConnectionConfig"] == {
        "LocalSubnet": "192.168.0.0/16,10.9.0.0/16", "RemoteSubnet": "10.0.0.0/16,10.1.0.0/16",
        "Local": "203.0.113.50", "Remote": gateway_ip,
        "IkeConfig": {**d["IkeConfig"], "LocalId": "203.0.113.50", "RemoteId": gateway_ip},
        "IpsecConfig": d["IpsecConfig"]}

    # Tags through the tag actions, as the provider re-sends them after a create.
    for resource_type, rid in (("CUSTOMERGATEWAY", cgw), ("VPNCONNECTION", vco)):
        for _ in range(2):
            tagged = c.api("TagResources", ResourceType=resource_type, ResourceId=[rid],
                           Tag=[{"Key": "env", "Value": "test"}])
            assert list(tagged.wire) == ["RequestId"]
    expect_sent(emu, kind, "TagResources", ResourceType="VPNCONNECTION",
                **{"ResourceId.1": vco, "Tag.1.Key": "env", "Tag.1.Value": "test"})
    tags = c.api("ListTagResources", ResourceType="VPNCONNECTION", ResourceId=[vco]).wire
    assert tags["TagResources"]["TagResource"] == [
        {"ResourceId": vco, "ResourceType": "VPNCONNECTION", "TagKey": "Created", "TagValue": "sdk"},
        {"ResourceId": vco, "ResourceType": "VPNCONNECTION", "TagKey": "env", "TagValue": "test"}]
    c.api("UnTagResources", ResourceType="CUSTOMERGATEWAY", ResourceId=[cgw], TagKey=["team"])
    assert c.api("DescribeCustomerGateway", CustomerGatewayId=cgw).wire["Tags"] == {
        "Tag": [{"Key": "env", "Value": "test"}]}

    # The route: created, listed, weighted, published.
    r = c.api("CreateVpnRouteEntry", VpnGatewayId=gw, RouteDest="192.168.10.0/24", NextHop=vco, Weight=100,
              PublishVpc=False, Description="office", ClientToken=f"route-{kind}").wire
    assert r == {"RequestId": r["RequestId"], "VpnInstanceId": gw, "RouteDest": "192.168.10.0/24", "NextHop": vco,
                 "OverlayMode": "Ipsec", "Weight": 100, "State": "normal", "Description": "office",
                 "CreateTime": r["CreateTime"]}
    assert list(r) == ["RequestId", "VpnInstanceId", "RouteDest", "NextHop", "OverlayMode", "Weight", "State",
                       "Description", "CreateTime"]
    expect_sent(emu, kind, "CreateVpnRouteEntry", VpnGatewayId=gw, RouteDest="192.168.10.0/24", NextHop=vco,
                Weight=100, PublishVpc="False", Description="office", ClientToken=f"route-{kind}")
    c.api("PublishVpnRouteEntry", VpnGatewayId=gw, RouteDest="192.168.10.0/24", NextHop=vco, RouteType="dbr",
          PublishVpc=True)
    c.api("ModifyVpnRouteEntryWeight", VpnGatewayId=gw, RouteDest="192.168.10.0/24", NextHop=vco, Weight=100,
          NewWeight=0)
    routes = c.api("DescribeVpnRouteEntries", VpnGatewayId=gw, PageSize=20).wire
    assert list(routes) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "VpnRouteEntries", "VpnRouteCounts"]
    assert routes["VpnRouteEntries"]["VpnRouteEntry"] == [
        {"VpnInstanceId": gw, "RouteDest": "192.168.10.0/24", "NextHop": vco, "Weight": 0, "State": "published",
         "RouteEntryType": "custom", "CreateTime": r["CreateTime"], "NextHopTunnelId": "", "Source": "",
         "AsPath": "", "Community": ""}]
    assert routes["VpnRouteCounts"] == {"VpnRouteCount": [{"RouteEntryType": "custom", "Source": "",
                                                            "RouteCount": 1}]}

    # Teardown in Terraform's order, meeting the refusals of what is still in use.
    err = c.error(lambda: c.api("DeleteVpnGateway", VpnGatewayId=gw))
    assert_error_envelope(err, 400, "DependencyViolation.VpnConnection",
                          "There are vpn connections on specified customer gateway not deleted.")
    err = c.error(lambda: c.api("DeleteCustomerGateway", CustomerGatewayId=cgw))
    assert_error_envelope(err, 400, "DependencyViolation.VpnConnection",
                          "There are vpn connections on specified customer gateway not deleted.")
    assert list(c.api("DeleteVpnRouteEntry", VpnGatewayId=gw, RouteDest="192.168.10.0/24", NextHop=vco, Weight=0,
                      ClientToken=f"del-route-{kind}").wire) == ["RequestId"]
    err = c.error(lambda: c.api("DeleteVpnRouteEntry", VpnGatewayId=gw, RouteDest="192.168.10.0/24", NextHop=vco,
                                Weight=0))
    assert_error_envelope(err, 400, "InvalidRouteEntry.NotFound", "Route entry not exists.")
    assert list(c.api("DeleteVpnConnection", VpnConnectionId=vco, ClientToken=f"del-vco-{kind}").wire) == [
        "RequestId"]
    err = c.error(lambda: c.api("DescribeVpnConnection", VpnConnectionId=vco))
    assert_error_envelope(err, 404, "InvalidVpnConnectionInstanceId.NotFound",
                          "The specified vpn connection instance id does not exist.")
    assert list(c.api("DeleteCustomerGateway", CustomerGatewayId=cgw).wire) == ["RequestId"]
    err = c.error(lambda: c.api("DescribeCustomerGateway", CustomerGatewayId=cgw))
    assert_error_envelope(err, 404, "InvalidCustomerGatewayInstanceId.NotFound",
                          "The specified customer gateway instance id does not exist.")
    c.api("DeleteVpnGateway", VpnGatewayId=gw)
    c.api("DeleteVSwitch", VSwitchId=vsw)
    c.api("DeleteVpc", VpcId=vpc)
    state = ok(emu, "GET", "state")
    assert (state["CustomerGateways"], state["VpnConnections"], state["VpnRouteEntries"]) == ([], [], [])
    assert [g["VpnGatewayId"] for g in state["VpnGateways"]] == [GATEWAY_ID]


def test_errors(emu, kind):
    c = make_client(kind, emu)
    cgw = c.api("CreateCustomerGateway", IpAddress="198.51.100.9").wire["CustomerGatewayId"]
    cases = [
        (lambda: c.api("CreateCustomerGateway", IpAddress="198.51.100"), 400, "InvalidIpAddress.WrongFormat",
         "Specified IpAddress is invalid."),
        (lambda: c.api("CreateCustomerGateway", IpAddress="198.51.100.9"), 400, "InvalidIpAddress.AlreadyExist",
         "Specified IpAddress is already exist."),
        (lambda: c.api("CreateVpnConnection", VpnGatewayId=GATEWAY_ID, CustomerGatewayId=cgw,
                       LocalSubnet="10.0.0.1/24", RemoteSubnet="192.168.0.0/16"), 400, "IllegalParam.LocalSubnet",
         'The specified "LocalSubnet" (10.0.0.1/24) is invalid.'),
        (lambda: c.api("CreateVpnConnection", VpnGatewayId=GATEWAY_ID, CustomerGatewayId=cgw,
                       LocalSubnet="10.0.0.0/24", RemoteSubnet="192.168.0.0/16", IkeConfig="{not json"), 400,
         "InvalidParameter", 'The specified parameter "IkeConfig" is not valid.'),
        (lambda: c.api("CreateVpnConnection", VpnGatewayId=GATEWAY_ID, CustomerGatewayId="cgw-bp1doesnotexist000001",
                       LocalSubnet="10.0.0.0/24", RemoteSubnet="192.168.0.0/16"), 404,
         "InvalidCustomerGatewayInstanceId.NotFound", "The specified customer gateway instance id does not exist."),
        (lambda: c.api("DownloadVpnConnectionConfig", VpnConnectionId="vco-bp1doesnotexist000001"), 404,
         "InvalidVpnConnectionInstanceId.NotFound", "The specified vpn connection instance id does not exist."),
        (lambda: c.api("DescribeVpnRouteEntries", VpnGatewayId="vpn-bp1doesnotexist000001"), 404,
         "InvalidVpnGatewayInstanceId.NotFound", "The specified vpn gateway instance id does not exist."),
        (lambda: c.api("CreateVpnRouteEntry", VpnGatewayId=GATEWAY_ID, RouteDest="0.0.0.0/0", NextHop="vco-x",
                       Weight=100, PublishVpc=True), 400, "InvalidParameter",
         'The specified parameter "RouteDest" is not valid.'),
        # The default gateway still has its SSL-VPN server (SPEC 12: no cascade any more).
        (lambda: c.api("DeleteVpnGateway", VpnGatewayId=GATEWAY_ID), 400, "DependencyViolation.SslVpnServer",
         "There is SSL VPN server on specified vpn gateway not deleted."),
    ]
    for call, status, code, message in cases:
        assert_error_envelope(c.error(call), status, code, message)
