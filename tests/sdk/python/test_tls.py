"""HTTPS with `--tls` (issue 17): each Python client with its protocol left at its default
(HTTPS) and only the endpoint and the emulator's CA given, as a user of an HTTPS endpoint
would: the Tea client's `RuntimeOptions(ca=...)`, the legacy client's `verify=...`."""
from __future__ import annotations

import pytest
from alibabacloud_tea_openapi.utils_models import Config as TeaConfig
from alibabacloud_tea_util.models import RuntimeOptions
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as TeaVpcClient
from aliyunsdkcore.client import AcsClient
from aliyunsdkvpc.request.v20160428.DescribeRegionsRequest import DescribeRegionsRequest
from aliyunsdkvpc.request.v20160428.ModifySslVpnClientCertRequest import ModifySslVpnClientCertRequest

from admin import journal
from sdk import CERT1, REGION, ROOT_AK, ROOT_SECRET


@pytest.fixture
def tls_emu(start_emu):
    # The package's tls=True: `--tls`, and the CA from GET /_emulator/ca.pem in a file.
    emu = start_emu(tls=True)
    assert emu.url == f"https://{emu.endpoint}"
    return emu, emu.ca_file


@pytest.mark.parametrize("v1", [False, True], ids=["tea-acs3", "tea-v1"])
def test_tea_client_over_https_by_default(tls_emu, v1):
    emu, ca = tls_emu
    cfg = TeaConfig(access_key_id=ROOT_AK, access_key_secret=ROOT_SECRET, endpoint=emu.endpoint, region_id=REGION)
    if v1:
        cfg.signature_algorithm = "v2"
    client = TeaVpcClient(cfg)
    # First without the CA: the call fails on the certificate, which shows it went over TLS
    # (the same port would answer plain HTTP).
    with pytest.raises(Exception) as failure:
        client.describe_regions_with_options(vpc_models.DescribeRegionsRequest(), RuntimeOptions())
    assert "CERTIFICATE_VERIFY_FAILED" in str(failure.value), failure.value
    runtime = RuntimeOptions(ca=ca)
    regions = client.describe_regions_with_options(vpc_models.DescribeRegionsRequest(), runtime)
    assert regions.status_code == 200 and regions.body.regions.region
    renamed = client.modify_ssl_vpn_client_cert_with_options(vpc_models.ModifySslVpnClientCertRequest(
        region_id=REGION, ssl_vpn_client_cert_id=CERT1, name="over-https"), runtime)
    assert renamed.body.name == "over-https"
    assert journal(emu, action="ModifySslVpnClientCert", limit=1)[0]["Params"]["Name"] == "over-https"


def test_legacy_client_over_https(tls_emu):
    emu, ca = tls_emu
    # Without the CA the call fails on the certificate: it goes over TLS.
    untrusting = AcsClient(ROOT_AK, ROOT_SECRET, REGION, port=emu.port)
    refused = DescribeRegionsRequest()
    refused.set_endpoint("127.0.0.1")
    refused.set_protocol_type("https")
    with pytest.raises(Exception) as failure:
        untrusting.do_action_with_exception(refused)
    assert "CERTIFICATE_VERIFY_FAILED" in str(failure.value), failure.value
    client = AcsClient(ROOT_AK, ROOT_SECRET, REGION, port=emu.port, verify=ca)
    req = ModifySslVpnClientCertRequest()
    req.set_endpoint("127.0.0.1")
    req.set_protocol_type("https")
    req.set_SslVpnClientCertId(CERT1)
    req.set_Name("legacy-https")
    assert b"legacy-https" in client.do_action_with_exception(req)
    regions = DescribeRegionsRequest()
    regions.set_endpoint("127.0.0.1")
    regions.set_protocol_type("https")
    assert b"cn-hangzhou" in client.do_action_with_exception(regions)
