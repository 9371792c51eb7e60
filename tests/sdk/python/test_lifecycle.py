"""Certificate lifecycle (SPEC 7.2-7.5): Create -> Describe -> list -> Modify -> Delete through the
three Python clients, with exact payloads and the key material parsed by `cryptography`."""
from __future__ import annotations

import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fixtures import (BARE_CERT, BARE_CREATE, BARE_END, GATEWAY2_IP, RESOURCE_GROUP2, SERVER2_CIPHER,
                      SERVER2_ID, SERVER2_PORT, cert_fixtures)
from material import check_material, public_der, utc_second
from sdk import (CERT1, CERT2, CERT_ID_RE, CERT_VALIDITY_MS, CLIENT_KINDS, DESCRIBE_CERT_KEYS, MSG, REGION,
                 REQUEST_ID_RE, RESOURCE_GROUP, SERVER_ID, SPECIAL_NAME, assert_error_envelope, make_client)

pytestmark = pytest.mark.parametrize("kind", CLIENT_KINDS)

DEFAULT_ADDR = dict(remote="127.0.0.1", port=1194, proto="udp")
SERVER2_ADDR = dict(remote=GATEWAY2_IP, port=SERVER2_PORT, proto="tcp", cipher=SERVER2_CIPHER)


def now_ms() -> int:
    return int(time.time() * 1000)


def assert_create_body(reply, name: str | None) -> str:
    body = reply.body
    assert list(reply.wire) == ["RequestId", "Name", "SslVpnClientCertId"], reply.wire
    assert REQUEST_ID_RE.match(body["RequestId"]), body
    assert CERT_ID_RE.match(body["SslVpnClientCertId"]), body
    assert body["Name"] == (body["SslVpnClientCertId"] if name is None else name)
    return body["SslVpnClientCertId"]


def assert_describe_body(reply, cert_id: str, name: str, server_id=SERVER_ID, group=RESOURCE_GROUP) -> dict:
    body = reply.body
    assert list(reply.wire) == DESCRIBE_CERT_KEYS, list(reply.wire)
    assert REQUEST_ID_RE.match(body["RequestId"]), body
    assert (body["RegionId"], body["SslVpnClientCertId"], body["SslVpnServerId"], body["Name"]) == \
        (REGION, cert_id, server_id, name)
    assert body["ResourceGroupId"] == group
    assert body["Status"] == "normal"
    for k in ("CreateTime", "EndTime"):
        assert type(body[k]) is int, (k, body[k])
    for k in ("CaCert", "ClientCert", "ClientKey", "ClientConfig"):
        assert isinstance(body[k], str) and body[k], (k, body[k])
    return body


def list_item(c, cert_id):
    items = c.describe_certs(ssl_vpn_client_cert_id=cert_id).body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert len(items) <= 1, items
    return items[0] if items else None


def test_lifecycle(emu, kind):
    c = make_client(kind, emu)
    before = c.describe_certs(ssl_vpn_server_id=SERVER_ID).body["TotalCount"]

    t0 = now_ms()
    cert_id = assert_create_body(c.create(SERVER_ID, name="lifecycle-cert"), "lifecycle-cert")
    t1 = now_ms()

    # Describe: exact keys in order, values, material.
    d = assert_describe_body(c.describe_cert(cert_id), cert_id, "lifecycle-cert")
    assert t0 - 1000 <= d["CreateTime"] <= t1 + 1000, (t0, d["CreateTime"], t1)
    assert d["EndTime"] - d["CreateTime"] == CERT_VALIDITY_MS
    m = check_material(d, **DEFAULT_ADDR)

    # The server's CA: the same CaCert as an existing certificate of that server.
    assert c.describe_cert(CERT1).body["CaCert"] == d["CaCert"]

    # Stable material.
    again = c.describe_cert(cert_id).body
    assert again["RequestId"] != d["RequestId"]
    assert {k: v for k, v in again.items() if k != "RequestId"} == {k: v for k, v in d.items() if k != "RequestId"}

    # The list shows it, without key material, with the same times.
    assert c.describe_certs(ssl_vpn_server_id=SERVER_ID).body["TotalCount"] == before + 1
    assert list_item(c, cert_id) == {
        "RegionId": REGION, "SslVpnClientCertId": cert_id, "SslVpnServerId": SERVER_ID, "Name": "lifecycle-cert",
        "CreateTime": d["CreateTime"], "EndTime": d["EndTime"], "Status": "normal", "ResourceGroupId": RESOURCE_GROUP}

    # Modify renames it; Describe and the list follow; the material does not change.
    mod = c.modify(cert_id, name=SPECIAL_NAME).body
    assert (mod["Name"], mod["SslVpnClientCertId"]) == (SPECIAL_NAME, cert_id)
    renamed = assert_describe_body(c.describe_cert(cert_id), cert_id, SPECIAL_NAME)
    for k in ("CaCert", "ClientCert", "ClientKey", "ClientConfig", "CreateTime", "EndTime"):
        assert renamed[k] == d[k], k
    assert list_item(c, cert_id)["Name"] == SPECIAL_NAME

    # Delete: {RequestId} only; then it is gone everywhere.
    deleted = c.delete(cert_id)
    assert list(deleted.wire) == ["RequestId"], deleted.wire
    assert REQUEST_ID_RE.match(deleted.body["RequestId"])
    for call in (lambda: c.describe_cert(cert_id), lambda: c.delete(cert_id), lambda: c.modify(cert_id, name="x")):
        assert_error_envelope(c.error(call), 404, "InvalidSslVpnClientCertId.NotFound",
                              MSG["InvalidSslVpnClientCertId.NotFound"])
    assert list_item(c, cert_id) is None
    assert c.describe_certs(ssl_vpn_server_id=SERVER_ID).body["TotalCount"] == before

    # The others are untouched; each certificate has its own key.
    assert [c.modify(x).body["Name"] for x in (CERT1, CERT2)] == ["cert1", "cert2"]
    cert1 = check_material(c.describe_cert(CERT1).body, **DEFAULT_ADDR)
    assert public_der(cert1.key.public_key()) != public_der(m.key.public_key())


def test_create_without_name_defaults_to_the_id(emu, kind):
    c = make_client(kind, emu)
    cert_id = assert_create_body(c.create(SERVER_ID), None)
    assert_describe_body(c.describe_cert(cert_id), cert_id, cert_id)
    assert list_item(c, cert_id)["Name"] == cert_id


def test_created_ids_are_distinct(emu, kind):
    c = make_client(kind, emu)
    ids = [assert_create_body(c.create(SERVER_ID, name="same-name"), "same-name") for _ in range(5)]
    assert len(set(ids)) == 5
    items = c.describe_certs(name="same-name").body["SslVpnClientCertKeys"]["SslVpnClientCertKey"]
    assert sorted(i["SslVpnClientCertId"] for i in items) == sorted(ids)


@pytest.mark.parametrize("name", ["x", "a" * 100, "中文名称-证书"])
def test_create_with_valid_names(emu, kind, name):
    c = make_client(kind, emu)
    cert_id = assert_create_body(c.create(SERVER_ID, name=name), name)
    assert c.describe_cert(cert_id).body["Name"] == name


@pytest.mark.parametrize("name", ["http://example.com", "HTTPS://x", "a" * 101])
def test_create_with_invalid_name(emu, kind, name):
    c = make_client(kind, emu)
    err = c.error(lambda: c.create(SERVER_ID, name=name))
    assert_error_envelope(err, 400, "InvalidName", MSG["InvalidName"])
    assert c.describe_certs(ssl_vpn_server_id=SERVER_ID).body["TotalCount"] == 2


def test_tcp_server_on_another_gateway(start_emu, kind):
    emu = start_emu(fixtures=cert_fixtures())
    c = make_client(kind, emu)
    cert_id = assert_create_body(c.create(SERVER2_ID, name="tcp-client"), "tcp-client")
    d = assert_describe_body(c.describe_cert(cert_id), cert_id, "tcp-client", SERVER2_ID, RESOURCE_GROUP2)
    m = check_material(d, **SERVER2_ADDR)
    assert "proto udp" not in m.config_lines
    # Another server: another CA.
    other = check_material(c.describe_cert(CERT1).body, **DEFAULT_ADDR)
    assert public_der(other.ca.public_key()) != public_der(m.ca.public_key())


def test_fixture_cert_gets_material_on_first_describe(start_emu, kind):
    emu = start_emu(fixtures=cert_fixtures())
    c = make_client(kind, emu)
    first = assert_describe_body(c.describe_cert(BARE_CERT), BARE_CERT, "bare")
    assert (first["CreateTime"], first["EndTime"]) == (BARE_CREATE, BARE_END)
    m = check_material(first, **DEFAULT_ADDR)  # validity truncated to whole seconds
    assert m.cert.not_valid_before_utc.timestamp() == BARE_CREATE // 1000
    second = c.describe_cert(BARE_CERT).body
    for k in ("CaCert", "ClientCert", "ClientKey", "ClientConfig"):
        assert second[k] == first[k], k
    # Another client sees the same material.
    other_kind = CLIENT_KINDS[(CLIENT_KINDS.index(kind) + 1) % len(CLIENT_KINDS)]
    third = make_client(other_kind, emu).describe_cert(BARE_CERT).body
    assert {k: third[k] for k in DESCRIBE_CERT_KEYS[1:]} == {k: first[k] for k in DESCRIBE_CERT_KEYS[1:]}


def test_fixture_supplied_material_is_served_verbatim(start_emu, kind):
    """SPEC 6: a server's CaCert/CaKey and a certificate's ClientCert/ClientKey may come from the
    fixtures; Describe serves them, and new certificates are signed by that CA."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fixture-ca")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(utc_second(0)).not_valid_after(utc_second(4102444800000))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, BARE_CERT)]))
              .issuer_name(ca_name).public_key(client_key.public_key()).serial_number(2)
              .not_valid_before(utc_second(BARE_CREATE)).not_valid_after(utc_second(BARE_END))
              .sign(ca_key, hashes.SHA256()))
    pem = dict(
        CaCert=ca.public_bytes(serialization.Encoding.PEM).decode(),
        CaKey=ca_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()).decode(),
        ClientCert=client.public_bytes(serialization.Encoding.PEM).decode(),
        ClientKey=client_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode())
    fx = cert_fixtures()
    fx["SslVpnServers"][0].update(CaCert=pem["CaCert"], CaKey=pem["CaKey"])
    fx["SslVpnClientCerts"][-1].update(ClientCert=pem["ClientCert"], ClientKey=pem["ClientKey"])
    emu = start_emu(fixtures=fx)
    c = make_client(kind, emu)

    d = assert_describe_body(c.describe_cert(BARE_CERT), BARE_CERT, "bare")
    assert {k: d[k] for k in ("CaCert", "ClientCert", "ClientKey")} == \
        {k: pem[k] for k in ("CaCert", "ClientCert", "ClientKey")}
    check_material(d, **DEFAULT_ADDR)

    new_id = assert_create_body(c.create(SERVER_ID, name="signed-by-fixture-ca"), "signed-by-fixture-ca")
    new = check_material(c.describe_cert(new_id).body, **DEFAULT_ADDR)
    assert new.cert.issuer == ca_name
    new.cert.verify_directly_issued_by(ca)
