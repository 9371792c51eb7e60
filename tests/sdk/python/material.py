"""Checks of DescribeSslVpnClientCert key material (SPEC 7.3) with `cryptography`.

check_material(body, ...) parses CaCert, ClientCert and ClientKey, checks that they belong
together and to the certificate, and that ClientConfig is an OpenVPN client configuration that
names the server and embeds exactly the same material.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERT_PEM_RE = re.compile(r"^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n?$")
KEY_PEM_RE = re.compile(r"^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n?$")


@dataclass
class Material:
    ca: x509.Certificate
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    config_lines: list[str]


def utc_second(ms: int) -> dt.datetime:
    """Epoch milliseconds truncated to the second, as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(ms // 1000, tz=dt.timezone.utc)


def public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def config_block(config: str, tag: str) -> str:
    blocks = re.findall(rf"(?ms)^<{tag}>\n(.*?)^</{tag}>$", config)
    assert len(blocks) == 1, f"expected exactly one <{tag}> block in ClientConfig:\n{config}"
    return blocks[0]


def check_material(body: dict, *, remote: str, port: int, proto: str, cipher: str = "AES-128-CBC") -> Material:
    cert_id = body["SslVpnClientCertId"]
    for k in ("CaCert", "ClientCert"):
        assert CERT_PEM_RE.match(body[k]), (k, body[k])
    assert KEY_PEM_RE.match(body["ClientKey"]), body["ClientKey"]

    ca = x509.load_pem_x509_certificate(body["CaCert"].encode())
    cert = x509.load_pem_x509_certificate(body["ClientCert"].encode())
    key = serialization.load_pem_private_key(body["ClientKey"].encode(), password=None)

    # EC P-256 throughout.
    for k in (ca.public_key(), cert.public_key(), key):
        assert isinstance(k, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)), k
        assert isinstance(k.curve, ec.SECP256R1), k.curve

    # The client certificate is issued by the CA, with an ECDSA SHA-256 signature.
    assert cert.issuer == ca.subject, (cert.issuer, ca.subject)
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256), cert.signature_hash_algorithm
    ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    cert.verify_directly_issued_by(ca)

    # The key is the certificate's key.
    assert public_der(key.public_key()) == public_der(cert.public_key())

    # CN and validity.
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert [a.value for a in cns] == [cert_id], cert.subject
    assert cert.not_valid_before_utc == utc_second(body["CreateTime"]), (cert.not_valid_before_utc, body["CreateTime"])
    assert cert.not_valid_after_utc == utc_second(body["EndTime"]), (cert.not_valid_after_utc, body["EndTime"])

    # ClientConfig: an OpenVPN client config naming the server, embedding the same material.
    config = body["ClientConfig"]
    lines = config.splitlines()
    for line in ("client", "dev tun", f"proto {proto}", f"remote {remote} {port}", f"cipher {cipher}"):
        assert lines.count(line) == 1, f"{line!r} not exactly once in ClientConfig:\n{config}"
    assert [line for line in lines if line.startswith("proto ")] == [f"proto {proto}"], config
    assert [line for line in lines if line.startswith("remote ")] == [f"remote {remote} {port}"], config
    ca_block, cert_block, key_block = (config_block(config, t) for t in ("ca", "cert", "key"))
    assert ca_block.strip() == body["CaCert"].strip()
    assert cert_block.strip() == body["ClientCert"].strip()
    assert key_block.strip() == body["ClientKey"].strip()
    assert x509.load_pem_x509_certificate(ca_block.encode()) == ca
    assert x509.load_pem_x509_certificate(cert_block.encode()) == cert
    block_key = serialization.load_pem_private_key(key_block.encode(), password=None)
    assert block_key.private_numbers() == key.private_numbers()
    return Material(ca, cert, key, lines)
