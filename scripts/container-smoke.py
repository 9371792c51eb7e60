"""Smoke test for the container: one official-SDK call round trip against BASE_URL.

Run by scripts/test through ../shared/tools/container-check (which sets BASE_URL) with the
Python venv of the SDK suite.
"""

import os
import sys
from urllib.parse import urlparse

from alibabacloud_tea_openapi.models import Config
from alibabacloud_vpc20160428 import models
from alibabacloud_vpc20160428.client import Client

base = urlparse(os.environ["BASE_URL"])
client = Client(
    Config(
        access_key_id="LTAI5tEmulatorRootKey",
        access_key_secret="EmulatorRootSecret",
        endpoint=base.netloc,
        protocol="http",
        region_id="cn-hangzhou",
    )
)
renamed = client.modify_ssl_vpn_client_cert(
    models.ModifySslVpnClientCertRequest(
        region_id="cn-hangzhou",
        ssl_vpn_client_cert_id="vsc-bp1emulator0000000001",
        name="from-the-container",
    )
).body
assert renamed.name == "from-the-container", renamed
listed = client.describe_ssl_vpn_client_certs(
    models.DescribeSslVpnClientCertsRequest(region_id="cn-hangzhou")
).body
names = [c.name for c in listed.ssl_vpn_client_cert_keys.ssl_vpn_client_cert_key]
assert names == ["from-the-container", "cert2"], names
print(f"container smoke: ModifySslVpnClientCert and DescribeSslVpnClientCerts through the Tea SDK OK ({base.netloc})")
sys.exit(0)
