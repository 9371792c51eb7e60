"""Fixture documents (SPEC section 6 format) written by the tests."""
from __future__ import annotations

import copy

from sdk import ACCOUNT_ID, CERT1, CERT2, GATEWAY_ID, REGION, RESOURCE_GROUP, RO_AK, RO_SECRET, ROOT_AK, \
    ROOT_SECRET, SERVER_ID

OPS_AK, OPS_SECRET = "LTAI5tEmulatorOpsUser01", "EmulatorOpsSecret01"
CERT1_CREATE, CERT2_CREATE = 1764547200000, 1764547300000

_RAM_FIXTURES = {
    "Regions": [
        {"RegionId": REGION, "RegionEndpoint": "vpc.aliyuncs.com",
         "LocalNames": {"zh-CN": "华东1（杭州）", "en-US": "China (Hangzhou)"}},
        {"RegionId": "cn-shanghai", "RegionEndpoint": "vpc.cn-shanghai.aliyuncs.com",
         "LocalNames": {"zh-CN": "华东2（上海）", "en-US": "China (Shanghai)"}},
    ],
    "Accounts": [
        {"AccountId": ACCOUNT_ID,
         "AccessKeys": [{"AccessKeyId": ROOT_AK, "AccessKeySecret": ROOT_SECRET, "Status": "Active"}],
         "Users": [
             {"UserName": "readonly", "Allow": ["vpc:Describe*"], "Resources": ["*"],
              "AccessKeys": [{"AccessKeyId": RO_AK, "AccessKeySecret": RO_SECRET}]},
             {"UserName": "ops", "Allow": ["vpc:ModifySslVpnClientCert"], "Resources": [CERT1],
              "AccessKeys": [{"AccessKeyId": OPS_AK, "AccessKeySecret": OPS_SECRET}]},
         ]},
    ],
    "VpnGateways": [
        {"VpnGatewayId": GATEWAY_ID, "RegionId": REGION, "AccountId": ACCOUNT_ID, "Status": "active"},
    ],
    "SslVpnServers": [
        {"SslVpnServerId": SERVER_ID, "RegionId": REGION, "AccountId": ACCOUNT_ID,
         "VpnGatewayId": GATEWAY_ID, "Name": "default-server", "ResourceGroupId": RESOURCE_GROUP},
    ],
    "SslVpnClientCerts": [
        {"SslVpnClientCertId": CERT1, "RegionId": REGION, "AccountId": ACCOUNT_ID,
         "SslVpnServerId": SERVER_ID, "Name": "cert1", "CreateTime": CERT1_CREATE, "EndTime": 1859155200000},
        {"SslVpnClientCertId": CERT2, "RegionId": REGION, "AccountId": ACCOUNT_ID,
         "SslVpnServerId": SERVER_ID, "Name": "cert2", "CreateTime": CERT2_CREATE, "EndTime": 1859155200000},
    ],
}


def ram_fixtures() -> dict:
    """Default-like state plus RAM user `ops`: Allow ModifySslVpnClientCert on CERT1 only."""
    return copy.deepcopy(_RAM_FIXTURES)
