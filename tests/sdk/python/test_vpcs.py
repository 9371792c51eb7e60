"""VPCs, vSwitches, route tables, the VPN gateway lifecycle and tags (SPEC section 12) through the
three Python clients' own typed requests: the whole chain built, tagged, listed, renamed and torn
down in reverse, with exact payloads (key order and JSON types off the wire, and what each SDK
sent as the journal recorded it), and the errors Terraform relies on."""
from __future__ import annotations

import re

import pytest

from admin import journal, ok
from sdk import CLIENT_KINDS, REGION, REQUEST_ID_RE, assert_error_envelope, make_client

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)

DEFAULT_VPC, DEFAULT_VSW = "vpc-bp1emulator0000000001", "vsw-bp1emulator0000000001"
ID = {prefix: re.compile(rf"^{prefix}-[a-z0-9]{{21}}$") for prefix in ("vpc", "vsw", "vrt", "vtb", "vpn", "vss")}
VPC_LIST_KEYS = ["VpcId", "RegionId", "Status", "VpcName", "CreationTime", "CidrBlock", "Ipv6CidrBlock", "VRouterId",
                 "Description", "IsDefault", "DhcpOptionsSetId", "DhcpOptionsSetStatus", "ResourceGroupId", "OwnerId",
                 "EnabledIpv6", "DnsHostnameStatus", "VSwitchIds", "UserCidrs", "SecondaryCidrBlocks", "RouterTableIds",
                 "NatGatewayIds", "Ipv6CidrBlocks", "Tags"]
VPC_ATTRIBUTE_KEYS = ["RequestId", "VpcId", "RegionId", "Status", "VpcName", "CreationTime", "CidrBlock",
                      "Ipv6CidrBlock", "VRouterId", "Description", "IsDefault", "ClassicLinkEnabled", "DhcpOptionsSetId",
                      "DhcpOptionsSetStatus", "ResourceGroupId", "OwnerId", "EnabledIpv6", "DnsHostnameStatus",
                      "SupportIpv4Gateway", "Ipv4GatewayId", "VSwitchIds", "UserCidrs", "SecondaryCidrBlocks",
                      "Ipv6CidrBlocks", "AssociatedCens", "CloudResources", "Tags"]
VSWITCH_KEYS = ["VSwitchId", "VpcId", "Status", "CidrBlock", "Ipv6CidrBlock", "ZoneId", "AvailableIpAddressCount",
                "Description", "VSwitchName", "CreationTime", "IsDefault", "ResourceGroupId", "NetworkAclId", "OwnerId",
                "ShareType", "EnabledIpv6", "RouteTable", "Tags"]
ROUTE_TABLE_KEYS = ["RouteTableId", "RouteTableName", "RouteTableType", "VpcId", "RouterId", "RouterType", "Status",
                    "Description", "AssociateType", "CreationTime", "ResourceGroupId", "OwnerId",
                    "RoutePropagationEnable", "VSwitchIds", "GatewayIds", "Tags"]
GATEWAY_MODIFY_KEYS = ["RequestId", "VpnGatewayId", "VpcId", "VSwitchId", "InternetIp", "IntranetIp",
                       "DisasterRecoveryInternetIp", "DisasterRecoveryVSwitchId", "SslVpnInternetIp", "Name",
                       "Description", "Spec", "Status", "BusinessStatus", "ResourceGroupId", "CreateTime", "EndTime",
                       "EnableBgp", "AutoPropagate"]
SDK_PARAMS = {"tea-acs3": {}, "tea-v1": {"Format": "json", "Version": "2016-04-28"},
              "legacy": {"Format": "JSON", "Version": "2016-04-28"}}


def expect_sent(emu, kind, action, **params):
    want = {k: str(v) for k, v in params.items()}
    want.update(SDK_PARAMS[kind])
    want.setdefault("RegionId", REGION)
    if kind != "tea-acs3":
        want["Action"] = action
    got = dict(journal(emu, action=action, limit=1)[0]["Params"])
    assert got == want, (got, want)


def test_the_chain(emu, kind):
    c = make_client(kind, emu)
    made = c.api("CreateVpc", CidrBlock="10.0.0.0/16", VpcName="chain", Description="by the sdk",
                 Tag=[{"Key": "team", "Value": "vpn"}], ClientToken=f"vpc-{kind}")
    assert list(made.wire) == ["RequestId", "VpcId", "VRouterId", "RouteTableId", "ResourceGroupId"], made.wire
    vpc = made.wire["VpcId"]
    assert ID["vpc"].match(vpc) and ID["vrt"].match(made.wire["VRouterId"]) and ID["vtb"].match(made.wire["RouteTableId"])
    expect_sent(emu, kind, "CreateVpc", CidrBlock="10.0.0.0/16", VpcName="chain", Description="by the sdk",
                ClientToken=f"vpc-{kind}", **{"Tag.1.Key": "team", "Tag.1.Value": "vpn"})

    attribute = c.api("DescribeVpcAttribute", VpcId=vpc).wire
    assert list(attribute) == VPC_ATTRIBUTE_KEYS, list(attribute)
    assert (attribute["Status"], attribute["CidrBlock"], attribute["OwnerId"]) == ("Available", "10.0.0.0/16",
                                                                                   1000000000000001)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", attribute["CreationTime"]), attribute
    assert attribute["Tags"] == {"Tag": [{"Key": "team", "Value": "vpn"}]}

    vsw = c.api("CreateVSwitch", VpcId=vpc, ZoneId="cn-hangzhou-b", CidrBlock="10.0.1.0/24", VSwitchName="a",
                Tag=[{"Key": "team", "Value": "vpn"}], ClientToken=f"vsw-{kind}")
    assert list(vsw.wire) == ["RequestId", "VSwitchId"], vsw.wire
    vsw_id = vsw.wire["VSwitchId"]
    assert ID["vsw"].match(vsw_id)
    switch = c.api("DescribeVSwitchAttributes", VSwitchId=vsw_id).wire
    assert list(switch) == ["RequestId"] + VSWITCH_KEYS, list(switch)
    assert switch["RouteTable"] == {"RouteTableId": made.wire["RouteTableId"], "RouteTableType": "System"}
    assert switch["AvailableIpAddressCount"] == 252 and switch["Status"] == "Available"

    gw = c.api("CreateVpnGateway", VpcId=vpc, Bandwidth=10, EnableSsl=True, SslConnections=10,
               InstanceChargeType="POSTPAY", AutoPay=True, Name="chain-gw", ClientToken=f"gw-{kind}")
    assert list(gw.wire) == ["RequestId", "VpnGatewayId", "Name", "OrderId"], gw.wire
    assert type(gw.wire["OrderId"]) is int and len(str(gw.wire["OrderId"])) == 15
    gw_id = gw.wire["VpnGatewayId"]
    expect_sent(emu, kind, "CreateVpnGateway", VpcId=vpc, Bandwidth=10, EnableSsl="True", SslConnections=10,
                InstanceChargeType="POSTPAY", AutoPay="True", Name="chain-gw", ClientToken=f"gw-{kind}")
    gateway = c.api("DescribeVpnGateway", VpnGatewayId=gw_id).wire
    assert (gateway["VpcId"], gateway["VSwitchId"], gateway["Spec"], gateway["SslVpn"], gateway["SslMaxConnections"],
            gateway["ChargeType"], gateway["Status"]) == (vpc, vsw_id, "10M", "enable", 10, "PostpayByFlow", "active")

    server = c.api("CreateSslVpnServer", VpnGatewayId=gw_id, ClientIpPool="192.168.0.0/16",
                   LocalSubnet="10.0.0.0/16").wire["SslVpnServerId"]
    certs = [c.create(server).body["SslVpnClientCertId"] for _ in range(10)]

    # Tag all three (twice: one effect), list, rename.
    for resource_type, rid in (("VPC", vpc), ("VSWITCH", vsw_id), ("VpnGateWay", gw_id)):
        for _ in range(2):
            tagged = c.api("TagResources", ResourceType=resource_type, ResourceId=[rid],
                           Tag=[{"Key": "env", "Value": "test"}])
            assert list(tagged.wire) == ["RequestId"]
    expect_sent(emu, kind, "TagResources", ResourceType="VpnGateWay", **{"ResourceId.1": gw_id, "Tag.1.Key": "env",
                                                                          "Tag.1.Value": "test"})
    listed_tags = c.api("ListTagResources", ResourceType="VSWITCH", ResourceId=[vsw_id]).wire
    assert list(listed_tags) == ["RequestId", "NextToken", "TagResources"], listed_tags
    assert listed_tags["NextToken"] == ""
    assert listed_tags["TagResources"]["TagResource"] == [
        {"ResourceId": vsw_id, "ResourceType": "VSWITCH", "TagKey": "team", "TagValue": "vpn"},
        {"ResourceId": vsw_id, "ResourceType": "VSWITCH", "TagKey": "env", "TagValue": "test"}]
    vpcs = c.api("DescribeVpcs", VpcId=vpc, Tag=[{"Key": "env", "Value": "test"}]).wire
    assert list(vpcs) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "Vpcs"]
    (item,) = vpcs["Vpcs"]["Vpc"]
    assert list(item) == VPC_LIST_KEYS, list(item)
    assert item["VSwitchIds"] == {"VSwitchId": [vsw_id]}
    assert item["RouterTableIds"] == {"RouterTableIds": [made.wire["RouteTableId"]]}
    assert item["SecondaryCidrBlocks"] == {"SecondaryCidrBlock": []} and item["UserCidrs"] == {"UserCidr": []}
    switches = c.api("DescribeVSwitches", VpcId=vpc, ZoneId="cn-hangzhou-b").wire
    (sw_item,) = switches["VSwitches"]["VSwitch"]
    assert list(sw_item) == VSWITCH_KEYS
    tables = c.api("DescribeRouteTableList", VpcId=vpc).wire
    assert list(tables) == ["RequestId", "TotalCount", "PageNumber", "PageSize", "RouterTableList"]
    (table,) = tables["RouterTableList"]["RouterTableListType"]
    assert list(table) == ROUTE_TABLE_KEYS, list(table)
    assert (table["RouteTableType"], table["VpcId"], table["RouterId"]) == ("System", vpc, made.wire["VRouterId"])
    assert list(c.api("ModifyVpcAttribute", VpcId=vpc, VpcName="renamed").wire) == ["RequestId"]
    assert list(c.api("ModifyVSwitchAttribute", VSwitchId=vsw_id, Description="d").wire) == ["RequestId"]
    modified = c.api("ModifyVpnGatewayAttribute", VpnGatewayId=gw_id, Name="renamed-gw", Description="gw",
                     AutoPropagate=False).wire
    assert list(modified) == GATEWAY_MODIFY_KEYS, list(modified)
    assert (modified["Name"], modified["Description"], modified["AutoPropagate"]) == ("renamed-gw", "gw", False)
    assert c.api("DescribeVpcAttribute", VpcId=vpc).wire["VpcName"] == "renamed"
    untagged = c.api("UnTagResources", ResourceType="VPC", ResourceId=[vpc], TagKey=["env"])
    assert list(untagged.wire) == ["RequestId"]
    expect_sent(emu, kind, "UnTagResources", ResourceType="VPC", **{"ResourceId.1": vpc, "TagKey.1": "env"})
    assert c.api("DescribeVpcAttribute", VpcId=vpc).wire["Tags"] == {"Tag": [{"Key": "team", "Value": "vpn"}]}

    # Terraform's order of teardown, and the errors it retries on the way.
    err = c.error(lambda: c.api("DeleteVSwitch", VSwitchId=vsw_id))
    assert_error_envelope(err, 400, "DependencyViolation", "Specified object has dependent resources.")
    err = c.error(lambda: c.api("DeleteVpc", VpcId=vpc))
    assert_error_envelope(err, 400, "DependencyViolation.VSwitch", "Specified object has dependent resources.")
    for cert in reversed(certs):
        c.delete(cert)
    c.api("DeleteSslVpnServer", SslVpnServerId=server)
    assert list(c.api("DeleteVpnGateway", VpnGatewayId=gw_id, ClientToken=f"del-gw-{kind}").wire) == ["RequestId"]
    assert list(c.api("DeleteVSwitch", VSwitchId=vsw_id).wire) == ["RequestId"]
    assert list(c.api("DeleteVpc", VpcId=vpc, ClientToken=f"del-vpc-{kind}").wire) == ["RequestId"]
    err = c.error(lambda: c.api("DescribeVpcAttribute", VpcId=vpc))
    assert_error_envelope(err, 404, "InvalidVpcId.NotFound", "Specified VPC does not exist.")
    err = c.error(lambda: c.api("DescribeVSwitchAttributes", VSwitchId=vsw_id))
    assert_error_envelope(err, 404, "InvalidVSwitchId.NotFound", "VSwitch not exist.")
    assert [v["VpcId"] for v in ok(emu, "GET", "state")["Vpcs"]] == [DEFAULT_VPC]


def test_errors(emu, kind):
    c = make_client(kind, emu)
    cases = [
        (lambda: c.api("CreateVpc", CidrBlock="11.0.0.0/8"), 400, "InvalidCidrBlock.Malformed",
         "Specified CIDR block is not valid."),
        (lambda: c.api("CreateVpc", VpcName="https://x"), 400, "InvalidVpcName.Malformed",
         "Specified VPC name is not valid."),
        (lambda: c.api("CreateVSwitch", VpcId=DEFAULT_VPC, ZoneId="cn-hangzhou-b", CidrBlock="10.0.0.0/24"), 400,
         "InvalidParameter", "Specified CIDR block is not valid in VPC."),
        (lambda: c.api("CreateVSwitch", VpcId=DEFAULT_VPC, ZoneId="cn-hangzhou-b", CidrBlock="192.168.1.0/25"), 400,
         "InvalidCidrBlock.Overlapped", "Specified CIDR block overlapped with other subnets."),
        (lambda: c.api("CreateVSwitch", VpcId=DEFAULT_VPC, ZoneId="cn-hangzhou-z", CidrBlock="192.168.2.0/24"), 404,
         "InvalidZoneId.NotFound", "Specified zone does not exist."),
        (lambda: c.api("CreateVpnGateway", VpcId="vpc-bp1doesnotexist000001", Bandwidth=5), 404,
         "InvalidVpcId.NotFound", "Specified VPC does not exist."),
        (lambda: c.api("CreateVpnGateway", VpcId=DEFAULT_VPC, Bandwidth=7), 400, "InvalidParameter",
         'The specified parameter "Bandwidth" is not valid.'),
        (lambda: c.api("ModifyVpnGatewayAttribute", VpnGatewayId="vpn-bp1emulator0000000001", Description="d" * 101),
         400, "InvalidDescription", "The description is not valid"),
        (lambda: c.api("TagResources", ResourceType="VPC", ResourceId=["vpc-bp1doesnotexist000001"],
                       Tag=[{"Key": "k", "Value": "v"}]), 404, "InvalidVpcId.NotFound", "Specified VPC does not exist."),
        (lambda: c.api("TagResources", ResourceType="VPC", ResourceId=[DEFAULT_VPC],
                       Tag=[{"Key": "aliyun-k", "Value": "v"}]), 400, "InvalidParameter",
         'The specified parameter "Tag.1.Key" is not valid.'),
    ]
    for call, status, code, message in cases:
        assert_error_envelope(c.error(call), status, code, message)
    # A prepaid gateway cannot be released.
    made = c.api("CreateVpnGateway", VpcId=DEFAULT_VPC, Bandwidth=5, InstanceChargeType="PREPAY", Period=1)
    err = c.error(lambda: c.api("DeleteVpnGateway", VpnGatewayId=made.wire["VpnGatewayId"]))
    assert_error_envelope(err, 403, "ForbiddenRelease", "Forbidden to release a prepaid instance within validity period")
    assert REQUEST_ID_RE.match(made.wire["RequestId"])
