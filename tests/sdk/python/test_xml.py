"""Format=XML through the only official client that can ask for it and hand it back: the legacy
aliyun-python-sdk-core's deprecated do_action(), which passes the request's accept_format through
as `Format` and returns the raw body bytes without raising on error statuses.

(do_action_with_exception forces Format=JSON; the Tea SDKs never send Format=XML on their own
(ACS3 sends no Format, Tea 'v2' hard-codes Format=json); pop-core could send Format=XML but then
fails in JSON.parse.)
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from aliyunsdkcore.request import CommonRequest
from aliyunsdkvpc.request.v20160428.DescribeSslVpnClientCertsRequest import DescribeSslVpnClientCertsRequest
from aliyunsdkvpc.request.v20160428.ModifySslVpnClientCertRequest import ModifySslVpnClientCertRequest

from sdk import (CERT1, CERT2, MSG, REGION, REQUEST_ID_RE, SPECIAL_NAME, UNKNOWN_CERT, LegacyAdapter,
                 recommend)

XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>'


def parse_xml(raw: bytes) -> ET.Element:
    assert isinstance(raw, bytes), raw
    assert raw.startswith(XML_DECL), raw[:80]
    return ET.fromstring(raw)


def children(el: ET.Element) -> dict:
    return {c.tag: c.text for c in el}


def modify_request(cert_id, name=None, fmt=None):
    req = ModifySslVpnClientCertRequest()
    req.set_SslVpnClientCertId(cert_id)
    if name is not None:
        req.set_Name(name)
    if fmt is not None:
        req.set_accept_format(fmt)
    return req


def test_modify_as_xml(emu):
    legacy = LegacyAdapter(emu)
    raw = legacy.client().do_action(legacy.prepare(modify_request(CERT1, "xml-name", "XML")))
    root = parse_xml(raw)
    assert root.tag == "ModifySslVpnClientCertResponse"
    assert [c.tag for c in root] == ["RequestId", "Name", "SslVpnClientCertId"] or \
        sorted(c.tag for c in root) == ["Name", "RequestId", "SslVpnClientCertId"]
    fields = children(root)
    assert set(fields) == {"RequestId", "Name", "SslVpnClientCertId"}
    assert REQUEST_ID_RE.match(fields["RequestId"])
    assert fields["Name"] == "xml-name"
    assert fields["SslVpnClientCertId"] == CERT1
    # persisted
    assert legacy.modify(CERT1).body["Name"] == "xml-name"


def test_xml_text_is_escaped(emu):
    legacy = LegacyAdapter(emu)
    name = "a<b>&\"c'" + SPECIAL_NAME
    raw = legacy.client().do_action(legacy.prepare(modify_request(CERT1, name, "xml")))
    root = parse_xml(raw)
    assert root.tag == "ModifySslVpnClientCertResponse"
    assert children(root)["Name"] == name


def test_common_request_as_xml(emu):
    legacy = LegacyAdapter(emu)
    req = CommonRequest(domain="127.0.0.1", version="2016-04-28", action_name="ModifySslVpnClientCert")
    req.set_method("POST")
    req.set_protocol_type("http")
    req.set_accept_format("XML")
    req.add_query_param("RegionId", REGION)
    req.add_query_param("SslVpnClientCertId", CERT2)
    req.add_query_param("Name", "common-xml")
    root = parse_xml(legacy.client().do_action(req))
    assert root.tag == "ModifySslVpnClientCertResponse"
    fields = children(root)
    assert set(fields) == {"RequestId", "Name", "SslVpnClientCertId"}
    assert (fields["Name"], fields["SslVpnClientCertId"]) == ("common-xml", CERT2)


def test_error_as_xml(emu):
    legacy = LegacyAdapter(emu)
    raw = legacy.client().do_action(legacy.prepare(modify_request(UNKNOWN_CERT, "x", "XML")))
    root = parse_xml(raw)
    assert root.tag == "Error"
    fields = children(root)
    assert set(fields) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert fields["Code"] == "InvalidSslVpnClientCertId.NotFound"
    assert fields["Message"] == MSG["InvalidSslVpnClientCertId.NotFound"]
    assert fields["HostId"] == "vpc.aliyuncs.com"
    assert REQUEST_ID_RE.match(fields["RequestId"])
    assert fields["Recommend"] == recommend("InvalidSslVpnClientCertId.NotFound", fields["RequestId"])


def test_list_as_xml(emu):
    legacy = LegacyAdapter(emu)
    req = DescribeSslVpnClientCertsRequest()
    req.set_accept_format("XML")
    root = parse_xml(legacy.client().do_action(legacy.prepare(req)))
    assert root.tag == "DescribeSslVpnClientCertsResponse"
    assert root.findtext("TotalCount") == "2"
    assert root.findtext("PageNumber") == "1"
    assert root.findtext("PageSize") == "10"
    wrapper = root.findall("SslVpnClientCertKeys")
    assert len(wrapper) == 1
    items = wrapper[0].findall("SslVpnClientCertKey")
    assert sorted(i.findtext("SslVpnClientCertId") for i in items) == [CERT1, CERT2]
    for i in items:
        assert {c.tag for c in i} == {"RegionId", "SslVpnClientCertId", "SslVpnServerId", "Name",
                                      "CreateTime", "EndTime", "Status", "ResourceGroupId"}


def test_do_action_without_format_sends_format_none_and_gets_json(emu):
    # The deprecated do_action() sends the literal Format=None when no format is set: JSON.
    legacy = LegacyAdapter(emu)
    raw = legacy.client().do_action(legacy.prepare(modify_request(CERT1, "json-please")))
    body = json.loads(raw)
    assert set(body) == {"RequestId", "Name", "SslVpnClientCertId"}
    assert body["Name"] == "json-please"


def test_do_action_with_exception_forces_json(emu):
    legacy = LegacyAdapter(emu)
    req = legacy.prepare(modify_request(CERT1, "forced-json", "XML"))
    body = json.loads(legacy.client().do_action_with_exception(req))
    assert body["Name"] == "forced-json"
