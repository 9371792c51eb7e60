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


# ---------------------------------------------------------------- certificate lifecycle fixtures
# A second gateway/server pair with non-default connection settings (SPEC section 6 optional keys),
# and a certificate without key material whose timestamps are not whole seconds.
GATEWAY2_ID, SERVER2_ID = "vpn-bp1emulator0000000002", "vss-bp1emulator0000000002"
# Port 1443: 443 is one the API refuses, and so does the loader (SPEC 14).
GATEWAY2_IP, SERVER2_PROTO, SERVER2_PORT, SERVER2_CIPHER = "203.0.113.7", "TCP", 1443, "AES-256-CBC"
RESOURCE_GROUP2 = "rg-acfmemulator02"
BARE_CERT = "vsc-bp1emulator0000000003"
BARE_CREATE, BARE_END = 1764547200123, 1859155200987


def cert_fixtures(gateway_status: str = "active", server2: dict | None = None) -> dict:
    """Default-like state whose default gateway has `gateway_status`, plus an active gateway
    (InternetIp 203.0.113.7) with server SERVER2_ID (TCP, port 1443, AES-256-CBC, no certs), plus
    BARE_CERT (no key material) on the default server. `server2` overrides SERVER2_ID's keys."""
    fx = ram_fixtures()
    fx["VpnGateways"][0]["Status"] = gateway_status
    fx["VpnGateways"].append({"VpnGatewayId": GATEWAY2_ID, "RegionId": REGION, "AccountId": ACCOUNT_ID,
                              "Status": "active", "InternetIp": GATEWAY2_IP})
    fx["SslVpnServers"].append({"SslVpnServerId": SERVER2_ID, "RegionId": REGION, "AccountId": ACCOUNT_ID,
                                "VpnGatewayId": GATEWAY2_ID, "Name": "tcp-server",
                                "ResourceGroupId": RESOURCE_GROUP2, "Proto": SERVER2_PROTO,
                                "Port": SERVER2_PORT, "Cipher": SERVER2_CIPHER, **(server2 or {})})
    fx["SslVpnClientCerts"].append({"SslVpnClientCertId": BARE_CERT, "RegionId": REGION, "AccountId": ACCOUNT_ID,
                                    "SslVpnServerId": SERVER_ID, "Name": "bare",
                                    "CreateTime": BARE_CREATE, "EndTime": BARE_END})
    return fx


def full_server_fixtures(count: int) -> dict:
    """cert_fixtures() with `count` certificates in total on the default server (CERT1, CERT2,
    BARE_CERT and generated ones), none on SERVER2_ID."""
    fx = cert_fixtures()
    have = len(fx["SslVpnClientCerts"])
    for i in range(have, count):
        fx["SslVpnClientCerts"].append({"SslVpnClientCertId": f"vsc-bp1emulatorquota{i:06d}", "RegionId": REGION,
                                        "SslVpnServerId": SERVER_ID, "Name": f"quota-{i}"})
    return fx
