'use strict';
// Uniform adapters over the official Node clients, plus SPEC constants.
//   tea-acs3  @alicloud/vpc20160428 on @alicloud/openapi-core (default ACS3-HMAC-SHA256)
//   tea-v1    same with signatureAlgorithm 'v2' (signature V1, HMAC-SHA1)
//   pop-get   @alicloud/pop-core RPCClient, GET (its default), everything in the query string
//   pop-post  same with {method: 'POST'}: everything, Signature included, in a form body
// Each adapter returns {body, headers, wire} with the API's own field names (`wire`: the JSON
// object as the SDK parsed it, key order kept), or, through
// `error(fn)`, a normalised {status, code, message, requestId, body, accessDeniedDetail, raw}
// after checking the SDK-specific error shape.

const assert = require('node:assert/strict');
const { $OpenApiUtil, AlibabaCloudError, ClientError } = require('@alicloud/openapi-core');
const Vpc = require('@alicloud/vpc20160428');
const RPCClient = require('@alicloud/pop-core').RPCClient;

const C = {
  ACCOUNT_ID: '1000000000000001',
  ROOT_AK: 'LTAI5tEmulatorRootKey',
  ROOT_SECRET: 'EmulatorRootSecret',
  RO_AK: 'LTAI5tEmulatorReadOnly',
  RO_SECRET: 'EmulatorReadOnlySecret',
  OPS_AK: 'LTAI5tEmulatorOpsUser01',
  OPS_SECRET: 'EmulatorOpsSecret01',
  REGION: 'cn-hangzhou',
  SERVER_ID: 'vss-bp1emulator0000000001',
  GATEWAY_ID: 'vpn-bp1emulator0000000001',
  CERT1: 'vsc-bp1emulator0000000001',
  CERT2: 'vsc-bp1emulator0000000002',
  RESOURCE_GROUP: 'rg-acfmemulator01',
  UNKNOWN_CERT: 'vsc-bp1doesnotexist000001',
  UNKNOWN_SERVER: 'vss-bp1doesnotexist000001',
  UNKNOWN_REGION: 'cn-nowhere-9',
  SPECIAL_NAME: "my cert*~/é+&=()!'",
  CERT1_CREATE: 1764547200000,
  CERT2_CREATE: 1764547300000,
  END_TIME: 1859155200000,
  // certFixtures(): a second gateway/server with non-default settings, a cert without material.
  GATEWAY2_ID: 'vpn-bp1emulator0000000002',
  SERVER2_ID: 'vss-bp1emulator0000000002',
  GATEWAY2_IP: '203.0.113.7',
  SERVER2_PORT: 1443, // 443 is one the API refuses, and so does the loader (SPEC 14)
  SERVER2_CIPHER: 'AES-256-CBC',
  RESOURCE_GROUP2: 'rg-acfmemulator02',
  BARE_CERT: 'vsc-bp1emulator0000000003',
  BARE_CREATE: 1764547200123,
  BARE_END: 1859155200987,
  CERT_QUOTA: 50,
  CERT_VALIDITY_MS: 1095 * 24 * 3600 * 1000,
};

const CERT_ID_RE = /^vsc-[a-z0-9]{21}$/;
// DescribeSslVpnClientCert: exactly these keys, in this order (SPEC 7.3).
const DESCRIBE_CERT_KEYS = ['RequestId', 'RegionId', 'SslVpnClientCertId', 'SslVpnServerId', 'Name', 'CaCert',
  'ClientCert', 'ClientKey', 'ClientConfig', 'CreateTime', 'EndTime', 'Status', 'ResourceGroupId'];

const REQUEST_ID_RE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const ERROR_KEYS = ['Code', 'HostId', 'Message', 'Recommend', 'RequestId'];
const MSG = {
  InvalidName: 'The name is not valid',
  'InvalidSslVpnClientCertId.NotFound': 'The specified SSL VPN client cert id does not exist.',
  'InvalidRegionId.NotFound': 'The specified region is not found during access authentication.',
  'InvalidSslVpnServerId.NotFound': 'The specified SSL VPN server id does not exist.',
  'VpnGateway.Configuring': 'The specified service is configuring.',
  'VpnGateway.SslVpnDisabled': 'The VPN gateway has not enabled SSL VPN.',
  'Resource.QuotaFull': 'The quota of resource is full',
  'InvalidVpnGatewayInstanceId.NotFound': 'The specified vpn gateway instance id does not exist.',
  'CreateSslCertsQuotaFull.QuotaFull': 'Create the number of SSL certificates that exceed the quota limit.',
  Forbidden: 'User not authorized to operate on the specified resource.',
  'Forbbiden.SubUser': 'User not authorized to operate on the specified resource as your account is created by another user.',
  IdempotentParameterMismatch: 'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.',
};
const SIGNATURE_PREFIX = 'Specified signature is not matched with our calculation. server string to sign is:';

function accessDeniedDetail(action, user) {
  return {
    AuthAction: `vpc:${action}`,
    AuthPrincipalType: 'SubUser',
    AuthPrincipalDisplayName: user,
    AuthPrincipalOwnerId: C.ACCOUNT_ID,
    NoPermissionType: 'ImplicitDeny',
    PolicyType: 'AccountLevelIdentityBasedPolicy',
  };
}

function recommend(code, requestId) {
  return `https://api.aliyun.com/troubleshoot?q=${code}&product=Vpc&requestId=${requestId}`;
}

/** Status, code, exact message, RequestId shape and the exact error body. */
function assertErrorEnvelope(err, status, code, message) {
  assert.equal(err.status, status, `status of ${JSON.stringify(err.body)}`);
  assert.equal(err.code, code);
  if (message !== undefined) assert.equal(err.message, message);
  assert.match(err.requestId, REQUEST_ID_RE);
  const keys = [...ERROR_KEYS];
  if (err.body && 'AccessDeniedDetail' in err.body) keys.push('AccessDeniedDetail');
  assert.deepEqual(Object.keys(err.body).sort(), keys.sort());
  assert.equal(err.body.Code, code);
  assert.equal(err.body.RequestId, err.requestId);
  assert.equal(err.body.HostId, 'vpc.aliyuncs.com');
  assert.equal(err.body.Recommend, recommend(code, err.requestId));
}

// ------------------------------------------------------------------ Tea (ACS3 and V1)
class TeaAdapter {
  constructor(emu, { ak = C.ROOT_AK, secret = C.ROOT_SECRET, v1 = false } = {}) {
    const cfg = {
      accessKeyId: ak, accessKeySecret: secret, endpoint: emu.endpoint, protocol: 'http', regionId: C.REGION,
    };
    if (v1) cfg.signatureAlgorithm = 'v2';
    this.kind = v1 ? 'tea-v1' : 'tea-acs3';
    this.client = new Vpc.default(new $OpenApiUtil.Config(cfg));
    // The response models drop unknown keys and rebuild objects in their own order: record the
    // JSON object callApi parsed off the wire too, so payloads can be checked exactly.
    const callApi = this.client.callApi.bind(this.client);
    this.wire = null;
    this.client.callApi = async (...args) => {
      const res = await callApi(...args);
      this.wire = res.body;
      return res;
    };
  }

  reply(resp) {
    assert.equal(resp.statusCode, 200);
    const body = resp.body.toMap();
    assert.equal(resp.headers['x-acs-request-id'], body.RequestId);
    assert.equal(resp.headers['content-type'], 'application/json;charset=utf-8');
    const wire = this.wire;
    this.wire = null;
    assert.deepEqual(wire, body);
    return { body, headers: resp.headers, raw: resp, wire };
  }

  async modify({ certId, name, token, region = C.REGION }) {
    const req = new Vpc.ModifySslVpnClientCertRequest({
      regionId: region, sslVpnClientCertId: certId, name, clientToken: token,
    });
    return this.reply(await this.client.modifySslVpnClientCert(req));
  }

  async describeCerts({ region = C.REGION, ...filters } = {}) {
    const req = new Vpc.DescribeSslVpnClientCertsRequest({ regionId: region, ...filters });
    return this.reply(await this.client.describeSslVpnClientCerts(req));
  }

  async describeRegions({ acceptLanguage } = {}) {
    const req = new Vpc.DescribeRegionsRequest({ acceptLanguage });
    return this.reply(await this.client.describeRegions(req));
  }

  /**
   * Any action through its typed request model and client method; `params` in the API's own
   * names (`VpnGatewayId`, `Tag: [{Key, Value}]`), turned into the model's fields by its names().
   */
  async api(action, params = {}) {
    const Model = Vpc[`${action}Request`];
    const fields = { regionId: C.REGION };
    const byApiName = Object.fromEntries(Object.entries(Model.names()).map(([field, name]) => [name, field]));
    const types = Model.types();
    for (const [name, value] of Object.entries(params)) {
      const field = byApiName[name];
      assert.ok(field, `${action}Request has no ${name}`);
      const type = types[field];
      fields[field] = type && type.type === 'array' && typeof type.itemType === 'function'
        ? value.map((item) => new type.itemType(Object.fromEntries(Object.entries(item)
          .map(([k, v]) => [k[0].toLowerCase() + k.slice(1), v]))))
        : value;
    }
    const method = action[0].toLowerCase() + action.slice(1);
    return this.reply(await this.client[method](new Model(fields)));
  }

  async create({ serverId, name, token, region = C.REGION }) {
    const req = new Vpc.CreateSslVpnClientCertRequest({
      regionId: region, sslVpnServerId: serverId, name, clientToken: token,
    });
    return this.reply(await this.client.createSslVpnClientCert(req));
  }

  async describeCert({ certId, region = C.REGION }) {
    const req = new Vpc.DescribeSslVpnClientCertRequest({ regionId: region, sslVpnClientCertId: certId });
    return this.reply(await this.client.describeSslVpnClientCert(req));
  }

  async delete({ certId, token, region = C.REGION }) {
    const req = new Vpc.DeleteSslVpnClientCertRequest({ regionId: region, sslVpnClientCertId: certId, clientToken: token });
    return this.reply(await this.client.deleteSslVpnClientCert(req));
  }

  /**
   * The call must reject with exactly `expected` (ClientError for 4xx, ServerError for 5xx,
   * ThrottlingError for any Code containing "Throttling", whatever the status).
   */
  async error(fn, expected = ClientError) {
    try {
      await fn();
    } catch (e) {
      assert.ok(e instanceof AlibabaCloudError, `expected ${expected.name}, got ${e && e.name}: ${e && e.message}`);
      assert.equal(Object.getPrototypeOf(e), expected.prototype, `expected ${expected.name}, got ${e.name}: ${e.message}`);
      assert.equal(e.name, expected.name);
      const data = { ...e.data };
      delete data.statusCode;
      assert.ok(e.message.endsWith(`code: ${e.statusCode}, ${data.Message} request id: ${e.requestId}`), e.message);
      // Tea sets accessDeniedDetail to null when the body has none (only ClientError has it).
      assert.deepEqual(e.accessDeniedDetail ?? undefined, data.AccessDeniedDetail);
      return {
        status: e.statusCode, code: e.code, message: data.Message, requestId: e.requestId,
        body: data, accessDeniedDetail: e.accessDeniedDetail, raw: e,
      };
    }
    assert.fail(`expected ${expected.name}, the call succeeded`);
  }
}

// ------------------------------------------------------------------ @alicloud/pop-core
// pop-core parses with json-bigint, which builds null-prototype objects (and BigNumber for
// integers of more than 15 digits): turn them into plain values so deepStrictEqual works.
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    if (v.constructor && v.constructor.name === 'BigNumber') return `BigNumber(${v.toString()})`;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

const POP_FILTERS = {
  sslVpnClientCertId: 'SslVpnClientCertId', name: 'Name', sslVpnServerId: 'SslVpnServerId',
  pageNumber: 'PageNumber', pageSize: 'PageSize', resourceGroupId: 'ResourceGroupId',
};

class PopAdapter {
  constructor(emu, { ak = C.ROOT_AK, secret = C.ROOT_SECRET, post = false } = {}) {
    this.kind = post ? 'pop-post' : 'pop-get';
    this.opts = post ? { method: 'POST' } : {};
    // verbose=true makes request() resolve to [json, entry] so the headers are visible.
    this.client = new RPCClient({
      accessKeyId: ak, accessKeySecret: secret, endpoint: emu.url, apiVersion: '2016-04-28',
    }, true);
  }

  async call(action, params, opts = {}) {
    const [json, entry] = await this.client.request(action, params, { ...this.opts, ...opts });
    assert.equal(entry.response.statusCode, 200);
    assert.equal(entry.response.headers['x-acs-request-id'], json.RequestId);
    assert.equal(entry.response.headers['content-type'], 'application/json;charset=utf-8');
    const body = plain(json);
    return { body, headers: entry.response.headers, raw: entry, wire: body };
  }

  modify({ certId, name, token, region = C.REGION }, opts) {
    const p = { RegionId: region, SslVpnClientCertId: certId };
    if (name !== undefined) p.Name = name;
    if (token !== undefined) p.ClientToken = token;
    return this.call('ModifySslVpnClientCert', p, opts);
  }

  describeCerts({ region = C.REGION, ...filters } = {}) {
    const p = { RegionId: region };
    for (const [k, v] of Object.entries(filters)) p[POP_FILTERS[k]] = String(v);
    return this.call('DescribeSslVpnClientCerts', p);
  }

  describeRegions({ acceptLanguage } = {}) {
    const p = {};
    if (acceptLanguage !== undefined) p.AcceptLanguage = acceptLanguage;
    return this.call('DescribeRegions', p);
  }

  /** Any action: pop-core takes the API's flat parameter names, values as strings. */
  api(action, params = {}) {
    const p = { RegionId: C.REGION };
    for (const [name, value] of Object.entries(params)) {
      if (Array.isArray(value)) {
        // Lists flattened as the API names them: Tag.1.Key, ResourceId.1.
        value.forEach((item, i) => {
          if (item && typeof item === 'object') {
            for (const [k, v] of Object.entries(item)) p[`${name}.${i + 1}.${k}`] = String(v);
          } else {
            p[`${name}.${i + 1}`] = String(item);
          }
        });
      } else {
        p[name] = String(value);
      }
    }
    return this.call(action, p);
  }

  create({ serverId, name, token, region = C.REGION }, opts) {
    const p = { RegionId: region, SslVpnServerId: serverId };
    if (name !== undefined) p.Name = name;
    if (token !== undefined) p.ClientToken = token;
    return this.call('CreateSslVpnClientCert', p, opts);
  }

  describeCert({ certId, region = C.REGION }) {
    return this.call('DescribeSslVpnClientCert', { RegionId: region, SslVpnClientCertId: certId });
  }

  delete({ certId, token, region = C.REGION }, opts) {
    const p = { RegionId: region, SslVpnClientCertId: certId };
    if (token !== undefined) p.ClientToken = token;
    return this.call('DeleteSslVpnClientCert', p, opts);
  }

  async error(fn) {
    try {
      await fn();
    } catch (e) {
      // pop-core ignores the HTTP status and throws only because the JSON has a Code.
      assert.ok(e.data && e.code, `expected a pop-core API error, got ${e && e.name}: ${e && e.message}`);
      assert.equal(e.name, `${e.data.Code}Error`);
      assert.equal(e.code, e.data.Code);
      assert.ok(e.message.startsWith(`${e.data.Message}, URL: `), e.message);
      return {
        status: e.entry.response.statusCode, code: e.code, message: e.data.Message,
        requestId: e.data.RequestId, body: plain(e.data), accessDeniedDetail: plain(e.data.AccessDeniedDetail), raw: e,
      };
    }
    assert.fail('expected a pop-core error, the call succeeded');
  }
}

const KINDS = ['tea-acs3', 'tea-v1', 'pop-get', 'pop-post'];

function makeClient(kind, emu, opts = {}) {
  switch (kind) {
    case 'tea-acs3': return new TeaAdapter(emu, opts);
    case 'tea-v1': return new TeaAdapter(emu, { ...opts, v1: true });
    case 'pop-get': return new PopAdapter(emu, opts);
    case 'pop-post': return new PopAdapter(emu, { ...opts, post: true });
    default: throw new Error(kind);
  }
}

function ramFixtures() {
  return {
    Regions: [
      { RegionId: 'cn-hangzhou', RegionEndpoint: 'vpc.aliyuncs.com', LocalNames: { 'zh-CN': '华东1（杭州）', 'en-US': 'China (Hangzhou)' } },
      { RegionId: 'cn-shanghai', RegionEndpoint: 'vpc.cn-shanghai.aliyuncs.com', LocalNames: { 'zh-CN': '华东2（上海）', 'en-US': 'China (Shanghai)' } },
    ],
    Accounts: [{
      AccountId: C.ACCOUNT_ID,
      AccessKeys: [{ AccessKeyId: C.ROOT_AK, AccessKeySecret: C.ROOT_SECRET, Status: 'Active' }],
      Users: [
        { UserName: 'readonly', Allow: ['vpc:Describe*'], Resources: ['*'], AccessKeys: [{ AccessKeyId: C.RO_AK, AccessKeySecret: C.RO_SECRET }] },
        { UserName: 'ops', Allow: ['vpc:ModifySslVpnClientCert'], Resources: [C.CERT1], AccessKeys: [{ AccessKeyId: C.OPS_AK, AccessKeySecret: C.OPS_SECRET }] },
      ],
    }],
    VpnGateways: [{ VpnGatewayId: C.GATEWAY_ID, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, Status: 'active' }],
    SslVpnServers: [{
      SslVpnServerId: C.SERVER_ID, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, VpnGatewayId: C.GATEWAY_ID,
      Name: 'default-server', ResourceGroupId: C.RESOURCE_GROUP,
    }],
    SslVpnClientCerts: [
      { SslVpnClientCertId: C.CERT1, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, SslVpnServerId: C.SERVER_ID, Name: 'cert1', CreateTime: C.CERT1_CREATE, EndTime: C.END_TIME },
      { SslVpnClientCertId: C.CERT2, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, SslVpnServerId: C.SERVER_ID, Name: 'cert2', CreateTime: C.CERT2_CREATE, EndTime: C.END_TIME },
    ],
  };
}

/**
 * ramFixtures() whose default gateway has `gatewayStatus`, plus an active gateway (InternetIp
 * 203.0.113.7) with SERVER2_ID (TCP, port 1443, AES-256-CBC, no certs), plus BARE_CERT (no key
 * material, timestamps not whole seconds) on the default server; `extraCerts` more certificates
 * on the default server.
 */
function certFixtures({ gatewayStatus = 'active', extraCerts = 0 } = {}) {
  const fx = ramFixtures();
  fx.VpnGateways[0].Status = gatewayStatus;
  fx.VpnGateways.push({
    VpnGatewayId: C.GATEWAY2_ID, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, Status: 'active', InternetIp: C.GATEWAY2_IP,
  });
  fx.SslVpnServers.push({
    SslVpnServerId: C.SERVER2_ID, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, VpnGatewayId: C.GATEWAY2_ID,
    Name: 'tcp-server', ResourceGroupId: C.RESOURCE_GROUP2, Proto: 'TCP', Port: C.SERVER2_PORT, Cipher: C.SERVER2_CIPHER,
  });
  fx.SslVpnClientCerts.push({
    SslVpnClientCertId: C.BARE_CERT, RegionId: C.REGION, AccountId: C.ACCOUNT_ID, SslVpnServerId: C.SERVER_ID,
    Name: 'bare', CreateTime: C.BARE_CREATE, EndTime: C.BARE_END,
  });
  for (let i = 0; i < extraCerts; i += 1) {
    fx.SslVpnClientCerts.push({
      SslVpnClientCertId: `vsc-bp1emulatorquota${String(i).padStart(6, '0')}`, RegionId: C.REGION,
      SslVpnServerId: C.SERVER_ID, Name: `quota-${i}`,
    });
  }
  return fx;
}

module.exports = {
  C, MSG, REQUEST_ID_RE, CERT_ID_RE, DESCRIBE_CERT_KEYS, SIGNATURE_PREFIX, KINDS, accessDeniedDetail, recommend,
  assertErrorEnvelope, makeClient, TeaAdapter, PopAdapter, ramFixtures, certFixtures,
};
