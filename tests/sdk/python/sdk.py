"""Uniform adapters over the three official Python clients, plus SPEC constants.

Each adapter turns an SDK call into a plain dict of the API's own field names (success) or an
`SdkError` (failure), after checking the SDK-specific exception class and attributes.

  tea-acs3  alibabacloud-vpc20160428 (Tea, default ACS3-HMAC-SHA256 signature)
  tea-v1    same with Config.signature_algorithm='v2' (signature V1, HMAC-SHA1)
  legacy    aliyun-python-sdk-core + aliyun-python-sdk-vpc request classes (V1, POST)
"""
from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from alibabacloud_tea_openapi.exceptions import AlibabaCloudException as TeaAlibabaCloudException
from alibabacloud_tea_openapi.exceptions import ClientException as TeaClientException
from alibabacloud_tea_openapi.utils_models import Config as TeaConfig
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as TeaVpcClient
from aliyunsdkcore.acs_exception.exceptions import ServerException as LegacyServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkvpc.request.v20160428.CreateSslVpnClientCertRequest import (
    CreateSslVpnClientCertRequest as LegacyCreate)
from aliyunsdkvpc.request.v20160428.DeleteSslVpnClientCertRequest import (
    DeleteSslVpnClientCertRequest as LegacyDelete)
from aliyunsdkvpc.request.v20160428.DescribeRegionsRequest import DescribeRegionsRequest as LegacyDescribeRegions
from aliyunsdkvpc.request.v20160428.DescribeSslVpnClientCertRequest import (
    DescribeSslVpnClientCertRequest as LegacyDescribeCert)
from aliyunsdkvpc.request.v20160428.DescribeSslVpnClientCertsRequest import (
    DescribeSslVpnClientCertsRequest as LegacyDescribeCerts)
from aliyunsdkvpc.request.v20160428.ModifySslVpnClientCertRequest import (
    ModifySslVpnClientCertRequest as LegacyModify)

# ---------------------------------------------------------------- SPEC constants
ACCOUNT_ID = "1000000000000001"
ROOT_AK, ROOT_SECRET = "LTAI5tEmulatorRootKey", "EmulatorRootSecret"
RO_AK, RO_SECRET = "LTAI5tEmulatorReadOnly", "EmulatorReadOnlySecret"
REGION = "cn-hangzhou"
SERVER_ID = "vss-bp1emulator0000000001"
GATEWAY_ID = "vpn-bp1emulator0000000001"
CERT1, CERT2 = "vsc-bp1emulator0000000001", "vsc-bp1emulator0000000002"
RESOURCE_GROUP = "rg-acfmemulator01"
UNKNOWN_CERT = "vsc-bp1doesnotexist000001"
UNKNOWN_SERVER = "vss-bp1doesnotexist000001"
UNKNOWN_REGION = "cn-nowhere-9"
SPECIAL_NAME = "my cert*~/é+&=()!'"

REQUEST_ID_RE = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
CERT_ID_RE = re.compile(r"^vsc-[a-z0-9]{21}$")
# DescribeSslVpnClientCert: exactly these keys, in this order (SPEC 7.3).
DESCRIBE_CERT_KEYS = ["RequestId", "RegionId", "SslVpnClientCertId", "SslVpnServerId", "Name", "CaCert",
                      "ClientCert", "ClientKey", "ClientConfig", "CreateTime", "EndTime", "Status",
                      "ResourceGroupId"]
CERT_VALIDITY_MS = 1095 * 24 * 3600 * 1000
CERT_QUOTA = 50
ERROR_KEYS = {"RequestId", "HostId", "Code", "Message", "Recommend"}
MSG = {
    "InvalidName": "The name is not valid",
    "InvalidSslVpnClientCertId.NotFound": "The specified SSL VPN client cert id does not exist.",
    "InvalidRegionId.NotFound": "The specified region is not found during access authentication.",
    "InvalidSslVpnServerId.NotFound": "The specified SSL VPN server id does not exist.",
    "VpnGateway.Configuring": "The specified service is configuring.",
    "VpnGateway.SslVpnDisabled": "The VPN gateway has not enabled SSL VPN.",
    "Resource.QuotaFull": "The quota of resource is full",
    "InvalidVpnGatewayInstanceId.NotFound": "The specified vpn gateway instance id does not exist.",
    "CreateSslCertsQuotaFull.QuotaFull": "Create the number of SSL certificates that exceed the quota limit.",
    "Forbidden": "User not authorized to operate on the specified resource.",
    "Forbbiden.SubUser": "User not authorized to operate on the specified resource as your account "
                         "is created by another user.",
    "IdempotentParameterMismatch": "The request uses the same client token as a previous, but "
                                   "non-identical request. Do not reuse a client token with different "
                                   "requests, unless the requests are identical.",
}
SIGNATURE_PREFIX = "Specified signature is not matched with our calculation. server string to sign is:"
LEGACY_BAD_SECRET_MSG = "The AccessKeySecret is incorrect. Please check your AccessKeyId and AccessKeySecret."


def snake_case(action: str) -> str:
    """`CreateSslVpnServer` -> `create_ssl_vpn_server`, the Tea client's method name
    (`VSwitch` is one word there: `create_vswitch`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action.replace("VSwitch", "Vswitch")).lower()


def access_denied_detail(action: str, user: str) -> dict:
    return {"AuthAction": f"vpc:{action}", "AuthPrincipalType": "SubUser",
            "AuthPrincipalDisplayName": user, "AuthPrincipalOwnerId": ACCOUNT_ID,
            "NoPermissionType": "ImplicitDeny", "PolicyType": "AccountLevelIdentityBasedPolicy"}


def recommend(code: str, request_id: str) -> str:
    return f"https://api.aliyun.com/troubleshoot?q={code}&product=Vpc&requestId={request_id}"


# ---------------------------------------------------------------- results
@dataclass
class SdkError:
    status: int
    code: str
    message: str                       # the server's Message, as far as the SDK exposes it
    request_id: str
    body: dict | None = None           # the parsed server body, when the SDK exposes it
    access_denied_detail: dict | None = None
    raw: Any = field(default=None, repr=False)


@dataclass
class Reply:
    body: dict                          # API field names -> values
    headers: dict | None = None         # lower-case header names, when the SDK exposes them
    raw: Any = field(default=None, repr=False)
    wire: dict | None = None            # the JSON object as the SDK parsed it off the wire (key order kept)


def assert_error_envelope(err: SdkError, status: int, code: str, message: str | None = None):
    """Status, code, exact message, RequestId shape and (when visible) the exact error body."""
    assert (err.status, err.code) == (status, code), err
    if message is not None:
        assert err.message == message, err
    assert REQUEST_ID_RE.match(err.request_id or ""), err
    if err.body is not None:
        keys = set(ERROR_KEYS)
        if "AccessDeniedDetail" in err.body:
            keys.add("AccessDeniedDetail")
        assert set(err.body) == keys, err.body
        assert err.body["Code"] == code
        assert err.body["RequestId"] == err.request_id
        assert err.body["HostId"] == "vpc.aliyuncs.com"
        assert err.body["Recommend"] == recommend(code, err.request_id)


# ---------------------------------------------------------------- Tea (ACS3 and V1)
class TeaAdapter:
    kind = "tea"

    def __init__(self, emu, ak=ROOT_AK, secret=ROOT_SECRET, v1=False):
        cfg = TeaConfig(access_key_id=ak, access_key_secret=secret, endpoint=emu.endpoint,
                        protocol="http", region_id=REGION)
        if v1:
            cfg.signature_algorithm = "v2"
        self.v1 = v1
        self.client = TeaVpcClient(cfg)
        # The response models drop unknown keys and rebuild dicts in their own order: record the
        # JSON object call_api parsed off the wire too, so payloads can be checked exactly.
        self._wire = None
        call_api = self.client.call_api

        def recording_call_api(*args, **kwargs):
            res = call_api(*args, **kwargs)
            self._wire = res.get("body")
            return res

        self.client.call_api = recording_call_api

    def _reply(self, resp) -> Reply:
        assert resp.status_code == 200
        body = resp.body.to_map()
        headers = {k.lower(): v for k, v in (resp.headers or {}).items()}
        assert headers.get("x-acs-request-id") == body["RequestId"], headers
        assert headers.get("content-type") == "application/json;charset=utf-8", headers
        wire, self._wire = self._wire, None
        assert isinstance(wire, dict) and wire == body, (wire, body)
        return Reply(body, headers, resp, wire)

    def create(self, server_id, name=None, token=None, region=REGION) -> Reply:
        req = vpc_models.CreateSslVpnClientCertRequest(
            region_id=region, ssl_vpn_server_id=server_id, name=name, client_token=token)
        return self._reply(self.client.create_ssl_vpn_client_cert(req))

    def describe_cert(self, cert_id, region=REGION) -> Reply:
        req = vpc_models.DescribeSslVpnClientCertRequest(region_id=region, ssl_vpn_client_cert_id=cert_id)
        return self._reply(self.client.describe_ssl_vpn_client_cert(req))

    def delete(self, cert_id, token=None, region=REGION) -> Reply:
        req = vpc_models.DeleteSslVpnClientCertRequest(
            region_id=region, ssl_vpn_client_cert_id=cert_id, client_token=token)
        return self._reply(self.client.delete_ssl_vpn_client_cert(req))

    def modify(self, cert_id, name=None, token=None, region=REGION) -> Reply:
        req = vpc_models.ModifySslVpnClientCertRequest(
            region_id=region, ssl_vpn_client_cert_id=cert_id, name=name, client_token=token)
        return self._reply(self.client.modify_ssl_vpn_client_cert(req))

    def describe_certs(self, region=REGION, **filters) -> Reply:
        req = vpc_models.DescribeSslVpnClientCertsRequest(region_id=region, **filters)
        return self._reply(self.client.describe_ssl_vpn_client_certs(req))

    def describe_regions(self, accept_language=None) -> Reply:
        req = vpc_models.DescribeRegionsRequest(accept_language=accept_language)
        return self._reply(self.client.describe_regions(req))

    def api(self, action: str, **params) -> Reply:
        """Any action through its typed request model and client method; `params` in the API's
        own names (`VpnGatewayId`, `Tag=[{"Key", "Value"}]`), as `from_map` takes them."""
        params.setdefault("RegionId", REGION)
        req = getattr(vpc_models, f"{action}Request")().from_map(params)
        return self._reply(getattr(self.client, snake_case(action))(req))

    @staticmethod
    def error(fn: Callable[[], Any], exc: type = TeaClientException) -> SdkError:
        """The call must raise exactly `exc` (ClientException for 4xx, ServerException for 5xx,
        ThrottlingException only with a positive x-acs-retry-after header)."""
        try:
            fn()
        except TeaAlibabaCloudException as e:
            assert type(e) is exc, f"expected {exc.__name__}, got {type(e).__name__}: {e}"
            # What the Tea SDK exposes (darabonba ResponseException subclass).
            data = dict(e.data)
            assert data.pop("statusCode", e.status_code) == e.status_code
            assert e.status_code == e.statusCode
            assert e.message == f"code: {e.status_code}, {data.get('Message')} request id: {e.request_id}", e.message
            # Only ClientException carries access_denied_detail.
            detail = getattr(e, "access_denied_detail", None)
            assert detail == data.get("AccessDeniedDetail")
            return SdkError(e.status_code, e.code, data.get("Message"), e.request_id, data, detail, e)
        raise AssertionError(f"expected alibabacloud_tea_openapi {exc.__name__}, the call succeeded")


# ---------------------------------------------------------------- legacy aliyun-python-sdk-core
class LegacyAdapter:
    kind = "legacy"

    def __init__(self, emu, ak=ROOT_AK, secret=ROOT_SECRET):
        self.emu, self.ak, self.secret = emu, ak, secret

    def client(self, region=REGION) -> AcsClient:
        # The legacy SDK adds RegionId from the client's region when the request does not set it.
        return AcsClient(self.ak, self.secret, region, port=self.emu.port)

    def prepare(self, req):
        req.set_endpoint("127.0.0.1")
        req.set_protocol_type("http")
        return req

    def send(self, req, region=REGION) -> Reply:
        raw = self.client(region).do_action_with_exception(self.prepare(req))
        assert isinstance(raw, bytes)
        body = json.loads(raw)
        return Reply(body, None, raw, body)

    def create(self, server_id, name=None, token=None, region=REGION) -> Reply:
        req = LegacyCreate()
        req.set_SslVpnServerId(server_id)
        if name is not None:
            req.set_Name(name)
        if token is not None:
            req.set_ClientToken(token)
        return self.send(req, region)

    def describe_cert(self, cert_id, region=REGION) -> Reply:
        req = LegacyDescribeCert()
        req.set_SslVpnClientCertId(cert_id)
        return self.send(req, region)

    def delete(self, cert_id, token=None, region=REGION) -> Reply:
        req = LegacyDelete()
        req.set_SslVpnClientCertId(cert_id)
        if token is not None:
            req.set_ClientToken(token)
        return self.send(req, region)

    def modify(self, cert_id, name=None, token=None, region=REGION) -> Reply:
        req = LegacyModify()
        req.set_SslVpnClientCertId(cert_id)
        if name is not None:
            req.set_Name(name)
        if token is not None:
            req.set_ClientToken(token)
        return self.send(req, region)

    def describe_certs(self, region=REGION, **filters) -> Reply:
        req = LegacyDescribeCerts()
        setters = {"ssl_vpn_client_cert_id": req.set_SslVpnClientCertId, "name": req.set_Name,
                   "ssl_vpn_server_id": req.set_SslVpnServerId, "page_number": req.set_PageNumber,
                   "page_size": req.set_PageSize, "resource_group_id": req.set_ResourceGroupId}
        for k, v in filters.items():
            setters[k](v)
        return self.send(req, region)

    def describe_regions(self, accept_language=None) -> Reply:
        req = LegacyDescribeRegions()
        if accept_language is not None:
            req.set_AcceptLanguage(accept_language)
        return self.send(req)

    def api(self, action: str, **params) -> Reply:
        """Any action through its request class's setters (`set_VpnGatewayId`, `set_Tags`)."""
        module = importlib.import_module(f"aliyunsdkvpc.request.v20160428.{action}Request")
        req = getattr(module, f"{action}Request")()
        region = params.pop("RegionId", REGION)
        lists = {"Tag": "set_Tags", "Tags": "set_Tagss", "ResourceId": "set_ResourceIds", "TagKey": "set_TagKeys"}
        for name, value in params.items():
            getattr(req, lists.get(name, f"set_{name}"))(value)
        return self.send(req, region)

    @staticmethod
    def error(fn: Callable[[], Any]) -> SdkError:
        try:
            fn()
        except LegacyServerException as e:
            # The legacy SDK reads only Code, Message and RequestId: no body, no AccessDeniedDetail.
            assert e.get_error_type() == "Server"
            return SdkError(e.get_http_status(), e.get_error_code(), e.get_error_msg(),
                            e.get_request_id(), None, None, e)
        raise AssertionError("expected aliyunsdkcore ServerException, the call succeeded")


CLIENT_KINDS = ["tea-acs3", "tea-v1", "legacy"]


def make_client(kind: str, emu, ak=ROOT_AK, secret=ROOT_SECRET):
    if kind == "tea-acs3":
        return TeaAdapter(emu, ak, secret)
    if kind == "tea-v1":
        return TeaAdapter(emu, ak, secret, v1=True)
    if kind == "legacy":
        return LegacyAdapter(emu, ak, secret)
    raise ValueError(kind)
