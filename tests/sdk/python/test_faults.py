"""Fault injection through the admin API (SPEC section 8): a rule added with plain HTTP reaches each
Python client as the exact exception the real service's error would cause, and changes nothing."""
from __future__ import annotations

import json

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException as TeaClientException
from alibabacloud_tea_openapi.exceptions import ServerException as TeaServerException

from admin import add_fault, admin, cert_in_state, faults, journal, state
from sdk import (ACCOUNT_ID, CERT1, CLIENT_KINDS, MSG, ROOT_AK, ROOT_SECRET, SERVER_ID, UNKNOWN_CERT,
                 assert_error_envelope, make_client)

SUBUSER = "Forbbiden.SubUser"
UNAVAILABLE = "ServiceUnavailable"
UNAVAILABLE_MSG = "The request has failed due to a temporary failure of the server."
THROTTLING_RULE = {"Action": "*", "Code": "Throttling.User", "HttpStatus": 429,
                   "Message": "Request was denied due to user flow control."}
JOURNAL_KEYS = {"Time", "RequestId", "Action", "AccountId", "Principal", "Params", "HttpStatus", "Code", "DurationUs", "Response",
                "Product", "Version", "Method", "Scheme", "Signature", "UserAgent"}


def sdk_error(c, kind, call, tea_exc=TeaClientException):
    """The SdkError of `call`; Tea clients must raise exactly `tea_exc`, legacy a ServerException."""
    return c.error(call) if kind == "legacy" else c.error(call, tea_exc)


def count(c) -> int:
    return c.describe_certs(ssl_vpn_server_id=SERVER_ID).body["TotalCount"]


def last_call(emu, action: str, request_id: str, status: int, code: str | None) -> dict:
    """The newest journal entry for `action`: it is this call (same RequestId), as answered."""
    entries = journal(emu, action=action, limit=1)
    assert len(entries) == 1, entries
    e = entries[0]
    assert set(e) == JOURNAL_KEYS, e
    assert (e["RequestId"], e["Action"], e["HttpStatus"], e["Code"]) == (request_id, action, status, code), e
    assert (e["AccountId"], e["Principal"]) == (ACCOUNT_ID, "root"), e
    assert "Signature" not in e["Params"] and ROOT_SECRET not in json.dumps(e), e
    return e


def assert_no_access_denied_detail(err, kind):
    if kind == "legacy":
        assert err.body is None and err.access_denied_detail is None  # legacy never exposes the body
    else:
        assert "AccessDeniedDetail" not in err.body, err.body
        assert err.access_denied_detail is None and err.raw.accessDeniedDetail is None


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_forbbiden_subuser_fault_on_modify(emu, kind):
    c = make_client(kind, emu)
    rule = add_fault(emu, Action="ModifySslVpnClientCert", Code=SUBUSER)
    assert rule == {"Action": "ModifySslVpnClientCert", "Code": SUBUSER, "Count": 1}
    assert faults(emu) == [rule]

    # Another action does not match the rule and does not use it up.
    assert count(c) == 2
    before = state(emu)

    err = sdk_error(c, kind, lambda: c.modify(CERT1, name="renamed-by-fault"))
    assert_error_envelope(err, 403, SUBUSER, MSG[SUBUSER])
    assert_no_access_denied_detail(err, kind)
    assert state(emu) == before
    assert cert_in_state(emu, CERT1)["Name"] == "cert1"
    last_call(emu, "ModifySslVpnClientCert", err.request_id, 403, SUBUSER)

    # Count 1 is used up: the same call now succeeds.
    body = c.modify(CERT1, name="renamed-after-fault").body
    assert (body["Name"], body["SslVpnClientCertId"]) == ("renamed-after-fault", CERT1)
    assert cert_in_state(emu, CERT1)["Name"] == "renamed-after-fault"
    last_call(emu, "ModifySslVpnClientCert", body["RequestId"], 200, None)


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_fault_comes_after_authentication_and_before_validation(emu, kind):
    add_fault(emu, Action="ModifySslVpnClientCert", Code=SUBUSER, Count=2)

    # A known key with a wrong secret fails authentication: the rule is not consumed.
    bad = make_client(kind, emu, ak=ROOT_AK, secret="NotTheRootSecret")
    err = sdk_error(bad, kind, lambda: bad.modify(CERT1, name="never"))
    assert err.status == 400 and err.code in ("SignatureDoesNotMatch", "InvalidAccessKeySecret"), err

    # The fault answers before parameter values and existence are looked at (SPEC 3.3 order).
    c = make_client(kind, emu)
    for call in (lambda: c.modify(UNKNOWN_CERT, name="never"), lambda: c.modify(CERT1, name="http://x")):
        assert_error_envelope(sdk_error(c, kind, call), 403, SUBUSER, MSG[SUBUSER])
    # Both uses spent: the normal checks answer again.
    err = sdk_error(c, kind, lambda: c.modify(CERT1, name="http://x"))
    assert_error_envelope(err, 400, "InvalidName", MSG["InvalidName"])
    assert c.modify(CERT1).body["Name"] == "cert1"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_service_unavailable_fault_on_create(emu, kind):
    c = make_client(kind, emu)
    before_count = count(c)
    add_fault(emu, Action="CreateSslVpnClientCert", Code=UNAVAILABLE)
    before = state(emu)

    err = sdk_error(c, kind, lambda: c.create(SERVER_ID, name="never-created"), TeaServerException)
    assert_error_envelope(err, 503, UNAVAILABLE, UNAVAILABLE_MSG)
    assert_no_access_denied_detail(err, kind)
    if kind == "legacy":
        assert err.raw.get_http_status() == 503 and err.raw.get_error_type() == "Server"
    else:
        assert err.raw.status_code == 503 and err.raw.name == "ServerException"

    # Nothing was created, and the SDK did not retry behind the test's back.
    assert state(emu) == before
    assert count(c) == before_count
    assert c.describe_certs(name="never-created").body["TotalCount"] == 0
    assert len(journal(emu, action="CreateSslVpnClientCert")) == 1
    last_call(emu, "CreateSslVpnClientCert", err.request_id, 503, UNAVAILABLE)

    created = c.create(SERVER_ID, name="created-after-fault").body
    assert created["Name"] == "created-after-fault"
    assert count(c) == before_count + 1
    assert cert_in_state(emu, created["SslVpnClientCertId"])["Name"] == "created-after-fault"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_custom_throttling_fault_on_any_action(emu, kind):
    c = make_client(kind, emu)
    rule = add_fault(emu, **THROTTLING_RULE, Count=2)
    assert rule == {**THROTTLING_RULE, "Count": 2}
    before = state(emu)

    # "*" matches every action; Tea Python raises ThrottlingException only when the reply carries a
    # positive x-acs-retry-after header, which an injected fault does not send: ClientException.
    calls = [("DescribeSslVpnClientCerts", lambda: c.describe_certs()),
             ("ModifySslVpnClientCert", lambda: c.modify(CERT1, name="throttled"))]
    for action, call in calls:
        err = sdk_error(c, kind, call, TeaClientException)
        assert_error_envelope(err, 429, "Throttling.User", THROTTLING_RULE["Message"])
        assert_no_access_denied_detail(err, kind)
        if kind == "legacy":
            assert err.raw.get_http_status() == 429
        else:
            assert err.raw.retry_after is None
        last_call(emu, action, err.request_id, 429, "Throttling.User")
    assert state(emu) == before

    # Count 2 used up.
    assert count(c) == 2
    assert c.modify(CERT1, name="after-throttling").body["Name"] == "after-throttling"


@pytest.mark.parametrize("kind", CLIENT_KINDS)
def test_missing_parameter_code_from_the_catalogue(emu, kind):
    # Missing{P} is in the catalogue (SPEC 8): no HttpStatus/Message needed.
    c = make_client(kind, emu)
    add_fault(emu, Action="ModifySslVpnClientCert", Code="MissingSslVpnClientCertId")
    err = sdk_error(c, kind, lambda: c.modify(CERT1, name="never"))
    assert_error_envelope(err, 400, "MissingSslVpnClientCertId", "SslVpnClientCertId is mandatory for this action.")
    assert cert_in_state(emu, CERT1)["Name"] == "cert1"


def test_rule_outside_the_catalogue_needs_status_and_message(emu):
    for rule in ({"Action": "*", "Code": "Throttling.User"},
                 {"Action": "*", "Code": "Throttling.User", "HttpStatus": 429},
                 {"Action": "*", "Code": "Throttling.User", "Message": "Request was denied due to user flow control."}):
        status, doc = admin(emu, "POST", "faults", rule)
        assert status == 400, (rule, status, doc)
        assert set(doc) == {"error"} and isinstance(doc["error"], str) and doc["error"], doc
    assert faults(emu) == []

    # DELETE clears pending rules: the call then succeeds.
    add_fault(emu, Action="*", Code=UNAVAILABLE, Count=5)
    status, _ = admin(emu, "DELETE", "faults")
    assert status == 200
    assert faults(emu) == []
    assert make_client("tea-acs3", emu).modify(CERT1).body["Name"] == "cert1"
