'use strict';
// SSL-VPN servers and VPN gateways as API resources (SPEC section 11) through the Node clients:
// the Tea client's typed requests and pop-core's RPC calls, exact payloads (key order and JSON
// types off the wire, and what the SDK sent as the journal recorded it), errors, and a retry on
// `VpnGateway.Configuring` through the gateway busy window.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { emulatorFor } = require('../lib/emulator');
const { C, MSG, REQUEST_ID_RE, KINDS, assertErrorEnvelope, makeClient } = require('../lib/clients');
const { journal, advanceClock, state } = require('../lib/admin');

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const FREE_GW = 'vpn-bp1emulatorfree00001';
const NOSSL_GW = 'vpn-bp1emulatornossl0001';
const SERVER_ID_RE = /^vss-[a-z0-9]{21}$/;
const SERVER_KEYS = ['RegionId', 'SslVpnServerId', 'VpnGatewayId', 'Name', 'ClientIpPool', 'LocalSubnet', 'Proto',
  'Port', 'Cipher', 'Compress', 'CreateTime', 'Connections', 'MaxConnections', 'InternetIp',
  'EnableMultiFactorAuth', 'ResourceGroupId'];
const GATEWAY_KEYS = ['VpnGatewayId', 'VpcId', 'VSwitchId', 'InternetIp', 'DisasterRecoveryInternetIp',
  'DisasterRecoveryVSwitchId', 'SslVpnInternetIp', 'Name', 'Description', 'Spec', 'Status', 'BusinessStatus',
  'ChargeType', 'IpsecVpn', 'SslVpn', 'SslMaxConnections', 'NetworkType', 'GatewayType', 'VpnType',
  'AutoPropagate', 'EnableBgp', 'CreateTime', 'EndTime', 'ResourceGroupId', 'Tag', 'EniInstanceIds', 'Tags'];
// What each client adds to the parameters of a call (the journal keeps no signature fields).
const SDK_PARAMS = {
  'tea-acs3': {},
  'tea-v1': { Action: true, Format: 'json', Version: '2016-04-28' },
  'pop-get': { Action: true, Format: 'JSON', Version: '2016-04-28' },
  'pop-post': { Action: true, Format: 'JSON', Version: '2016-04-28' },
};

function fixtures() {
  const doc = JSON.parse(fs.readFileSync(path.join(REPO, 'fixtures', 'default.json'), 'utf8'));
  doc.VpnGateways.push(
    {
      VpnGatewayId: FREE_GW, RegionId: C.REGION, Name: 'free', ResourceGroupId: 'rg-free', SslMaxConnections: 10,
      InternetIp: '203.0.113.7', CreateTime: 1764547200000, Tags: [{ Key: 'team', Value: 'vpn' }],
    },
    { VpnGatewayId: NOSSL_GW, RegionId: C.REGION, SslVpn: 'disable', CreateTime: 1764547300000 },
  );
  return doc;
}

/** The newest call of `action` must have carried exactly `params` (plus the client's own). */
async function expectSent(emu, kind, action, params) {
  const want = { RegionId: C.REGION };
  for (const [k, v] of Object.entries(params)) want[k] = String(v);
  for (const [k, v] of Object.entries(SDK_PARAMS[kind])) want[k] = k === 'Action' ? action : v;
  const [entry] = await journal(emu, { action, limit: 1 });
  assert.deepEqual(entry.Params, Object.fromEntries(Object.entries(want).sort(([a], [b]) => (a < b ? -1 : 1))));
}

function onlyServer(reply) {
  assert.deepEqual(Object.keys(reply.wire), ['RequestId', 'TotalCount', 'PageNumber', 'PageSize', 'SslVpnServers']);
  assert.equal(reply.wire.TotalCount, 1, JSON.stringify(reply.wire));
  assert.equal(reply.wire.SslVpnServers.SslVpnServer.length, 1);
  return reply.wire.SslVpnServers.SslVpnServer[0];
}

const configuring = (e) => e && (e.code === 'VpnGateway.Configuring');

/** A retry loop like Terraform's: again while `VpnGateway.Configuring`; [refusals, reply]. */
async function retrying(fn, attempts = 200) {
  let refused = 0;
  for (let i = 0; i < attempts; i += 1) {
    try {
      return [refused, await fn()];
    } catch (e) {
      if (!configuring(e)) throw e;
      refused += 1;
      await new Promise((r) => { setTimeout(r, 20); });
    }
  }
  throw new Error(`still configuring after ${attempts} attempts`);
}

for (const kind of KINDS) {
  describe(`servers and gateways [${kind}]`, () => {
    test('server lifecycle with exact payloads', async (t) => {
      const emu = await emulatorFor(t, { fixtures: fixtures() });
      const c = makeClient(kind, emu);
      const params = {
        VpnGatewayId: FREE_GW, ClientIpPool: '10.8.0.0/16', LocalSubnet: '172.16.0.0/16,192.168.100.0/24',
        Name: 'office', Port: 1195, Proto: 'UDP', Compress: true, ClientToken: `create-${kind}`,
      };
      const made = await c.api('CreateSslVpnServer', params);
      assert.deepEqual(Object.keys(made.wire), ['RequestId', 'SslVpnServerId', 'Name']);
      assert.match(made.wire.RequestId, REQUEST_ID_RE);
      const serverId = made.wire.SslVpnServerId;
      assert.match(serverId, SERVER_ID_RE);
      assert.equal(made.wire.Name, 'office');
      await expectSent(emu, kind, 'CreateSslVpnServer', params);

      const item = onlyServer(await c.api('DescribeSslVpnServers', { SslVpnServerId: serverId }));
      assert.deepEqual(Object.keys(item), SERVER_KEYS);
      assert.ok(Number.isInteger(item.CreateTime) && item.CreateTime > 1764547200000);
      assert.deepEqual(item, {
        RegionId: C.REGION, SslVpnServerId: serverId, VpnGatewayId: FREE_GW, Name: 'office',
        ClientIpPool: '10.8.0.0/16', LocalSubnet: '172.16.0.0/16,192.168.100.0/24', Proto: 'UDP', Port: 1195,
        Cipher: 'AES-128-CBC', Compress: true, CreateTime: item.CreateTime, Connections: 0, MaxConnections: 10,
        InternetIp: '203.0.113.7', EnableMultiFactorAuth: false, ResourceGroupId: 'rg-free',
      });

      const changed = await c.api('ModifySslVpnServer', {
        SslVpnServerId: serverId, Cipher: 'AES-256-CBC', EnableMultiFactorAuth: true,
        IDaaSInstanceId: 'idaas-cn-hangzhou-p1', IDaaSRegionId: 'cn-hangzhou', IDaaSApplicationId: 'app_1',
      });
      assert.deepEqual(Object.keys(changed.wire), ['RequestId', ...SERVER_KEYS.slice(0, -1),
        'IDaaSInstanceId', 'IDaaSApplicationId', 'ResourceGroupId']);
      assert.deepEqual(changed.wire, {
        RequestId: changed.wire.RequestId, ...item, Cipher: 'AES-256-CBC', EnableMultiFactorAuth: true,
        IDaaSInstanceId: 'idaas-cn-hangzhou-p1', IDaaSApplicationId: 'app_1',
      });
      const listed = onlyServer(await c.api('DescribeSslVpnServers', { VpnGatewayId: FREE_GW }));
      assert.equal(listed.IDaaSRegionId, 'cn-hangzhou');

      const cert = (await c.create({ serverId })).body.SslVpnClientCertId;
      const gone = await c.api('DeleteSslVpnServer', { SslVpnServerId: serverId, ClientToken: `delete-${kind}` });
      assert.deepEqual(Object.keys(gone.wire), ['RequestId']);
      await expectSent(emu, kind, 'DeleteSslVpnServer', { SslVpnServerId: serverId, ClientToken: `delete-${kind}` });
      const err = await c.error(() => c.describeCert({ certId: cert }));
      assertErrorEnvelope(err, 404, 'InvalidSslVpnClientCertId.NotFound', MSG['InvalidSslVpnClientCertId.NotFound']);
      const empty = await c.api('DescribeSslVpnServers', { SslVpnServerId: serverId });
      assert.equal(empty.wire.TotalCount, 0);
      assert.deepEqual(empty.wire.SslVpnServers, { SslVpnServer: [] });
      const again = await c.api('DeleteSslVpnServer', { SslVpnServerId: serverId, ClientToken: `delete-${kind}` });
      assert.deepEqual(Object.keys(again.wire), ['RequestId']);
    });

    test('gateways with exact payloads', async (t) => {
      const emu = await emulatorFor(t, { fixtures: fixtures() });
      const c = makeClient(kind, emu);
      const one = await c.api('DescribeVpnGateway', { VpnGatewayId: FREE_GW });
      assert.deepEqual(Object.keys(one.wire), ['RequestId', ...GATEWAY_KEYS]);
      assert.deepEqual(one.wire, {
        RequestId: one.wire.RequestId, VpnGatewayId: FREE_GW, VpcId: '', VSwitchId: '', InternetIp: '203.0.113.7',
        DisasterRecoveryInternetIp: '', DisasterRecoveryVSwitchId: '', SslVpnInternetIp: '', Name: 'free',
        Description: '', Spec: '5M', Status: 'active', BusinessStatus: 'Normal', ChargeType: 'PostpayByFlow',
        IpsecVpn: 'enable', SslVpn: 'enable', SslMaxConnections: 10, NetworkType: 'public',
        GatewayType: 'Traditional', VpnType: 'Normal', AutoPropagate: false, EnableBgp: false,
        CreateTime: 1764547200000, EndTime: 4102444800000, ResourceGroupId: 'rg-free', Tag: '',
        EniInstanceIds: { EniInstanceId: [] }, Tags: { Tag: [{ Key: 'team', Value: 'vpn' }] },
      });
      await expectSent(emu, kind, 'DescribeVpnGateway', { VpnGatewayId: FREE_GW });
      const tagged = await c.api('DescribeVpnGateways', { Tag: [{ Key: 'team', Value: 'vpn' }] });
      assert.deepEqual(Object.keys(tagged.wire), ['RequestId', 'TotalCount', 'PageNumber', 'PageSize', 'VpnGateways']);
      assert.deepEqual(tagged.wire.VpnGateways.VpnGateway.map((g) => g.VpnGatewayId), [FREE_GW]);
      assert.deepEqual(Object.keys(tagged.wire.VpnGateways.VpnGateway[0]), GATEWAY_KEYS);
      await expectSent(emu, kind, 'DescribeVpnGateways', { 'Tag.1.Key': 'team', 'Tag.1.Value': 'vpn' });
      const all = await c.api('DescribeVpnGateways', { PageSize: 50 });
      assert.deepEqual(all.wire.VpnGateways.VpnGateway.map((g) => g.VpnGatewayId), [FREE_GW, NOSSL_GW, C.GATEWAY_ID]);
      const err = await c.error(() => c.api('DescribeVpnGateway', { VpnGatewayId: 'vpn-bp1doesnotexist000001' }));
      assertErrorEnvelope(err, 404, 'InvalidVpnGatewayInstanceId.NotFound', MSG['InvalidVpnGatewayInstanceId.NotFound']);
    });

    test('server errors', async (t) => {
      const emu = await emulatorFor(t, { fixtures: fixtures() });
      const c = makeClient(kind, emu);
      const base = { ClientIpPool: '10.8.0.0/16', LocalSubnet: '172.16.0.0/16' };
      const invalid = (p) => `The specified parameter "${p}" is not valid.`;
      const cases = [
        [{ ...base, VpnGatewayId: FREE_GW, ClientIpPool: '10.8.0.1/16' }, 400, 'InvalidParameter', invalid('ClientIpPool')],
        [{ ...base, VpnGatewayId: FREE_GW, LocalSubnet: '10.0.0.0/8' }, 400, 'InvalidParameter', invalid('ClientIpPool')],
        [{ ...base, VpnGatewayId: FREE_GW, Port: 443 }, 400, 'InvalidParameter', invalid('Port')],
        [{ ...base, VpnGatewayId: FREE_GW, Cipher: 'AES-512-CBC' }, 400, 'InvalidParameter', invalid('Cipher')],
        [{ ...base, VpnGatewayId: 'vpn-bp1doesnotexist000001' }, 404, 'InvalidVpnGatewayInstanceId.NotFound',
          MSG['InvalidVpnGatewayInstanceId.NotFound']],
        [{ ...base, VpnGatewayId: NOSSL_GW }, 400, 'VpnGateway.SslVpnDisabled', MSG['VpnGateway.SslVpnDisabled']],
        [{ ...base, VpnGatewayId: C.GATEWAY_ID }, 400, 'Resource.QuotaFull', MSG['Resource.QuotaFull']],
      ];
      for (const [params, status, code, message] of cases) {
        // eslint-disable-next-line no-await-in-loop
        assertErrorEnvelope(await c.error(() => c.api('CreateSslVpnServer', params)), status, code, message);
      }
      for (const [action, params] of [['ModifySslVpnServer', { Name: 'x' }], ['DeleteSslVpnServer', {}]]) {
        // eslint-disable-next-line no-await-in-loop
        const err = await c.error(() => c.api(action, { SslVpnServerId: C.UNKNOWN_SERVER, ...params }));
        assertErrorEnvelope(err, 404, 'InvalidSslVpnServerId.NotFound', MSG['InvalidSslVpnServerId.NotFound']);
      }
      const overlap = await c.error(() => c.api('ModifySslVpnServer', { SslVpnServerId: C.SERVER_ID, LocalSubnet: '10.0.128.0/17' }));
      assertErrorEnvelope(overlap, 400, 'InvalidParameter', invalid('LocalSubnet'));
      const doc = await state(emu);
      assert.equal(doc.SslVpnServers.length, 1);
      assert.equal(doc.SslVpnServers[0].LocalSubnet, '192.168.0.0/16');
    });

    test('a retry on VpnGateway.Configuring succeeds once the window ends', async (t) => {
      const emu = await emulatorFor(t, { fixtures: fixtures(), args: ['--gateway-busy-ms', '1500'] });
      const c = makeClient(kind, emu);
      const made = await c.api('CreateSslVpnServer', { VpnGatewayId: FREE_GW, ClientIpPool: '10.8.0.0/16', LocalSubnet: '172.16.0.0/16' });
      const serverId = made.wire.SslVpnServerId;
      assert.equal((await c.api('DescribeVpnGateway', { VpnGatewayId: FREE_GW })).wire.Status, 'updating');
      const [refused, cert] = await retrying(() => c.create({ serverId }));
      assert.ok(refused >= 1, 'the first attempt fell inside the window');
      const codes = (await journal(emu, { action: 'CreateSslVpnClientCert' })).map((e) => e.Code);
      assert.deepEqual(codes, [...Array(refused).fill('VpnGateway.Configuring'), null]);
      assert.ok(cert.body.SslVpnClientCertId.startsWith('vsc-'));
      // Moving the clock past the window ends it at once.
      await advanceClock(emu, 2);
      assert.equal((await c.api('DescribeVpnGateway', { VpnGatewayId: FREE_GW })).wire.Status, 'active');
      await c.api('ModifySslVpnServer', { SslVpnServerId: serverId, Port: 1195 });
      const err = await c.error(() => c.api('DeleteSslVpnServer', { SslVpnServerId: serverId }));
      assertErrorEnvelope(err, 400, 'VpnGateway.Configuring', MSG['VpnGateway.Configuring']);
    });
  });
}
