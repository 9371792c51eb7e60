"""Smoke test for the container: one official-SDK call round trip against BASE_URL.

Run by scripts/test through ../shared/tools/container-check (which sets BASE_URL) with the
Python venv of the SDK suite.
"""

import os
import sys
import tempfile
import urllib.request
from urllib.parse import urlparse

from alibabacloud_tea_openapi.models import Config
from alibabacloud_tea_util.models import RuntimeOptions
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

# The check runs the image with VPC_EMULATOR_TLS=1: the same port serves HTTPS, with the CA
# the image gives at /_emulator/ca.pem, to a client left at its default protocol.
with urllib.request.urlopen(f"{os.environ['BASE_URL']}/_emulator/ca.pem", timeout=5) as answer:
    ca = answer.read()
with tempfile.NamedTemporaryFile(suffix=".pem", delete=False) as f:
    f.write(ca)
https = Client(
    Config(
        access_key_id="LTAI5tEmulatorRootKey",
        access_key_secret="EmulatorRootSecret",
        endpoint=base.netloc,
        region_id="cn-hangzhou",
    )
)
over_tls = https.describe_ssl_vpn_client_certs_with_options(
    models.DescribeSslVpnClientCertsRequest(region_id="cn-hangzhou"), RuntimeOptions(ca=f.name)
).body
assert over_tls.total_count == 2, over_tls
print("container smoke: DescribeSslVpnClientCerts over HTTPS (the image's CA, default protocol) OK")
sys.exit(0)
