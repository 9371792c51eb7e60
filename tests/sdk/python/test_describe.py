"""DescribeRegions and DescribeSslVpnClientCerts through the Python clients."""
from __future__ import annotations

import pytest

from fixtures import CERT1_CREATE, CERT2_CREATE, ram_fixtures
from sdk import (CERT1, CERT2, CLIENT_KINDS, MSG, REGION, REQUEST_ID_RE, RESOURCE_GROUP, SERVER_ID,
                 UNKNOWN_REGION, assert_error_envelope, make_client)

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)


def regions_by_id(body):
    assert REQUEST_ID_RE.match(body["RequestId"])
    regions = body["Regions"]["Region"]
    assert isinstance(regions, list)
    return {r["RegionId"]: r for r in regions}


def test_describe_regions_default_language(emu, kind):
    c = make_client(kind, emu)
    regions = regions_by_id(c.describe_regions().body)
    assert regions[REGION] == {"RegionId": REGION, "LocalName": "华东1（杭州）",
                               "RegionEndpoint": "vpc.aliyuncs.com"}


@pytest.mark.parametrize("lang", ["en-US", "EN-us"])
def test_describe_regions_english(emu, kind, lang):
    c = make_client(kind, emu)
    regions = regions_by_id(c.describe_regions(accept_language=lang).body)
    assert regions[REGION]["LocalName"] == "China (Hangzhou)"
    assert regions[REGION]["RegionEndpoint"] == "vpc.aliyuncs.com"


def test_describe_regions_in_fixture_order(start_emu, kind):
    emu = start_emu(fixtures=ram_fixtures())
    c = make_client(kind, emu)
    body = c.describe_regions(accept_language="en-US").body
    assert body["Regions"]["Region"] == [
        {"RegionId": "cn-hangzhou", "LocalName": "China (Hangzhou)", "RegionEndpoint": "vpc.aliyuncs.com"},
        {"RegionId": "cn-shanghai", "LocalName": "China (Shanghai)", "RegionEndpoint": "vpc.cn-shanghai.aliyuncs.com"},
    ]


def test_describe_certs(start_emu, kind):
    emu = start_emu(fixtures=ram_fixtures())
    c = make_client(kind, emu)
    body = c.describe_certs().body
    assert set(body) == {"RequestId", "TotalCount", "PageNumber", "PageSize", "SslVpnClientCertKeys"}
    assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (2, 1, 10)
    items = body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert items == [
        {"RegionId": REGION, "SslVpnClientCertId": CERT1, "SslVpnServerId": SERVER_ID, "Name": "cert1",
         "CreateTime": CERT1_CREATE, "EndTime": 1859155200000, "Status": "normal",
         "ResourceGroupId": RESOURCE_GROUP},
        {"RegionId": REGION, "SslVpnClientCertId": CERT2, "SslVpnServerId": SERVER_ID, "Name": "cert2",
         "CreateTime": CERT2_CREATE, "EndTime": 1859155200000, "Status": "normal",
         "ResourceGroupId": RESOURCE_GROUP},
    ]
    page2 = c.describe_certs(page_number=2, page_size=1).body
    assert (page2["TotalCount"], page2["PageNumber"], page2["PageSize"]) == (2, 2, 1)
    assert [i["SslVpnClientCertId"] for i in page2["SslVpnClientCertKeys"]["SslVpnClientCertKey"]] == [CERT2]
    past = c.describe_certs(page_number=3, page_size=1).body
    assert past["TotalCount"] == 2
    assert past["SslVpnClientCertKeys"]["SslVpnClientCertKey"] == []


def test_describe_certs_unknown_region(emu, kind):
    c = make_client(kind, emu)
    err = c.error(lambda: c.describe_certs(region=UNKNOWN_REGION))
    assert_error_envelope(err, 404, "InvalidRegionId.NotFound", MSG["InvalidRegionId.NotFound"])
