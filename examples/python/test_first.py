from alibabacloud_vpc20160428 import models


def test_rename_a_certificate(vpc_emulator_clean):
    client = vpc_emulator_clean.client()  # endpoint, keys and region of the emulator
    client.modify_ssl_vpn_client_cert(models.ModifySslVpnClientCertRequest(
        region_id="cn-hangzhou", ssl_vpn_client_cert_id="vsc-bp1emulator0000000001", name="laptop-alice"))

    [call] = vpc_emulator_clean.requests(action="ModifySslVpnClientCert")
    assert call["Params"]["Name"] == "laptop-alice"
