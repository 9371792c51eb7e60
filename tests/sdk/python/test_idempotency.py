"""ClientToken idempotency (SPEC 7.6) through each Python client."""
from __future__ import annotations

import pytest

from sdk import CERT1, CERT2, CLIENT_KINDS, MSG, assert_error_envelope, make_client


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_same_token_same_params_replays(emu, kind):
    c = make_client(kind, emu)
    token = f"tok-{kind}-0001"
    first = c.modify(CERT1, name="idem-a", token=token).body
    assert (first["Name"], first["SslVpnClientCertId"]) == ("idem-a", CERT1)

    # Another call without a token renames the cert in between.
    assert c.modify(CERT1, name="changed-between").body["Name"] == "changed-between"

    replay = c.modify(CERT1, name="idem-a", token=token).body
    assert set(replay) == {"RequestId", "Name", "SslVpnClientCertId"}
    assert (replay["Name"], replay["SslVpnClientCertId"]) == ("idem-a", CERT1)
    assert replay["RequestId"] != first["RequestId"]

    # The replay changed nothing.
    assert c.modify(CERT1).body["Name"] == "changed-between"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_same_token_different_params_is_a_mismatch(emu, kind):
    c = make_client(kind, emu)
    token = f"tok-{kind}-0002"
    assert c.modify(CERT1, name="idem-a", token=token).body["Name"] == "idem-a"
    err = c.error(lambda: c.modify(CERT1, name="idem-b", token=token))
    assert_error_envelope(err, 400, "IdempotentParameterMismatch", MSG["IdempotentParameterMismatch"])
    err = c.error(lambda: c.modify(CERT2, name="idem-a", token=token))
    assert_error_envelope(err, 400, "IdempotentParameterMismatch", MSG["IdempotentParameterMismatch"])
    assert c.modify(CERT1).body["Name"] == "idem-a"
    assert c.modify(CERT2).body["Name"] == "cert2"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_failed_request_is_not_remembered(emu, kind):
    c = make_client(kind, emu)
    token = f"tok-{kind}-0003"
    err = c.error(lambda: c.modify(CERT1, name="http://bad", token=token))
    assert_error_envelope(err, 400, "InvalidName", MSG["InvalidName"])
    # The token is free: a different request with it succeeds.
    assert c.modify(CERT1, name="good-name", token=token).body["Name"] == "good-name"


@pytest.mark.parametrize("first_kind,retry_kind", [("tea-acs3", "legacy"), ("legacy", "tea-v1"),
                                                   ("tea-v1", "tea-acs3")])
def test_retry_with_another_signature_scheme_replays(emu, first_kind, retry_kind):
    """Signature, Format, Version, Action, SignatureType... are not part of the fingerprint."""
    token = f"tok-cross-{first_kind}-{retry_kind}"
    first = make_client(first_kind, emu).modify(CERT1, name="cross", token=token).body
    make_client(first_kind, emu).modify(CERT1, name="moved-on")
    replay = make_client(retry_kind, emu).modify(CERT1, name="cross", token=token).body
    assert (replay["Name"], replay["SslVpnClientCertId"]) == ("cross", CERT1)
    assert replay["RequestId"] != first["RequestId"]
    assert make_client(retry_kind, emu).modify(CERT1).body["Name"] == "moved-on"
