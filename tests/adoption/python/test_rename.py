"""A user's test: rename an SSL-VPN client certificate, then read the emulator's journal."""
from alibabacloud_vpc20160428 import models

CERT = "vsc-bp1emulator0000000001"  # cert1 of the embedded default fixtures


def test_rename_certificate(vpc_emulator_clean):
    client = vpc_emulator_clean.client()

    renamed = client.modify_ssl_vpn_client_cert(models.ModifySslVpnClientCertRequest(
        region_id="cn-hangzhou", ssl_vpn_client_cert_id=CERT, name="laptop-alice"))
    assert renamed.body.name == "laptop-alice"

    described = client.describe_ssl_vpn_client_cert(models.DescribeSslVpnClientCertRequest(
        region_id="cn-hangzhou", ssl_vpn_client_cert_id=CERT))
    assert described.body.name == "laptop-alice"

    [call] = vpc_emulator_clean.requests(action="ModifySslVpnClientCert")
    assert call["Params"]["Name"] == "laptop-alice"
    assert call["HttpStatus"] == 200 and call["Code"] is None
    assert call["RequestId"] == renamed.body.request_id


def test_each_test_starts_from_the_fixtures(vpc_emulator_clean):
    """The rename above is gone: vpc_emulator_clean reset the session's emulator."""
    client = vpc_emulator_clean.client()
    described = client.describe_ssl_vpn_client_cert(models.DescribeSslVpnClientCertRequest(
        region_id="cn-hangzhou", ssl_vpn_client_cert_id=CERT))
    assert described.body.name == "cert1"
    assert vpc_emulator_clean.requests(action="ModifySslVpnClientCert") == []
