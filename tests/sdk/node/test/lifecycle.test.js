'use strict';
// Certificate lifecycle (SPEC 7.2-7.5): Create -> Describe -> list -> Modify -> Delete through the
// Node clients, exact payloads, key material checked with crypto.X509Certificate.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const {
  C, MSG, REQUEST_ID_RE, CERT_ID_RE, DESCRIBE_CERT_KEYS, KINDS, assertErrorEnvelope, makeClient, certFixtures,
} = require('../lib/clients');
const { checkMaterial } = require('../lib/material');

const DEFAULT_ADDR = { remote: '127.0.0.1', port: 1194, proto: 'udp' };
const SERVER2_ADDR = { remote: C.GATEWAY2_IP, port: C.SERVER2_PORT, proto: 'tcp', cipher: C.SERVER2_CIPHER };
const MATERIAL = ['CaCert', 'ClientCert', 'ClientKey', 'ClientConfig'];

function assertCreateBody(reply, name) {
  const { body } = reply;
  assert.deepEqual(Object.keys(reply.wire), ['RequestId', 'Name', 'SslVpnClientCertId']);
  assert.match(body.RequestId, REQUEST_ID_RE);
  assert.match(body.SslVpnClientCertId, CERT_ID_RE);
  assert.equal(body.Name, name === undefined ? body.SslVpnClientCertId : name);
  return body.SslVpnClientCertId;
}

function assertDescribeBody(reply, certId, name, serverId = C.SERVER_ID, group = C.RESOURCE_GROUP) {
  const { body } = reply;
  assert.deepEqual(Object.keys(reply.wire), DESCRIBE_CERT_KEYS);
  assert.match(body.RequestId, REQUEST_ID_RE);
  assert.deepEqual([body.RegionId, body.SslVpnClientCertId, body.SslVpnServerId, body.Name],
    [C.REGION, certId, serverId, name]);
  assert.equal(body.ResourceGroupId, group);
  assert.equal(body.Status, 'normal');
  assert.ok(Number.isInteger(body.CreateTime) && Number.isInteger(body.EndTime), JSON.stringify(body));
  for (const k of MATERIAL) assert.ok(typeof body[k] === 'string' && body[k].length > 0, k);
  return body;
}

async function listItem(c, certId) {
  const items = (await c.describeCerts({ sslVpnClientCertId: certId })).body.SslVpnClientCertKeys.SslVpnClientCertKey;
  assert.ok(items.length <= 1, JSON.stringify(items));
  return items[0];
}

async function serverCount(c, serverId = C.SERVER_ID) {
  return (await c.describeCerts({ sslVpnServerId: serverId })).body.TotalCount;
}

for (const kind of KINDS) {
  describe(kind, () => {
    test('lifecycle: create, describe, list, modify, delete', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const before = await serverCount(c);

      const t0 = Date.now();
      const certId = assertCreateBody(await c.create({ serverId: C.SERVER_ID, name: 'lifecycle-cert' }), 'lifecycle-cert');
      const t1 = Date.now();

      const d = assertDescribeBody(await c.describeCert({ certId }), certId, 'lifecycle-cert');
      assert.ok(t0 - 1000 <= d.CreateTime && d.CreateTime <= t1 + 1000, `${t0} <= ${d.CreateTime} <= ${t1}`);
      assert.equal(d.EndTime - d.CreateTime, C.CERT_VALIDITY_MS);
      const m = checkMaterial(d, DEFAULT_ADDR);
      assert.equal((await c.describeCert({ certId: C.CERT1 })).body.CaCert, d.CaCert, 'the server CA');

      const again = (await c.describeCert({ certId })).body;
      assert.notEqual(again.RequestId, d.RequestId);
      assert.deepEqual({ ...again, RequestId: null }, { ...d, RequestId: null });

      assert.equal(await serverCount(c), before + 1);
      assert.deepEqual(await listItem(c, certId), {
        RegionId: C.REGION, SslVpnClientCertId: certId, SslVpnServerId: C.SERVER_ID, Name: 'lifecycle-cert',
        CreateTime: d.CreateTime, EndTime: d.EndTime, Status: 'normal', ResourceGroupId: C.RESOURCE_GROUP,
      });

      const mod = (await c.modify({ certId, name: C.SPECIAL_NAME })).body;
      assert.deepEqual([mod.Name, mod.SslVpnClientCertId], [C.SPECIAL_NAME, certId]);
      const renamed = assertDescribeBody(await c.describeCert({ certId }), certId, C.SPECIAL_NAME);
      for (const k of [...MATERIAL, 'CreateTime', 'EndTime']) assert.equal(renamed[k], d[k], k);
      assert.equal((await listItem(c, certId)).Name, C.SPECIAL_NAME);

      const deleted = await c.delete({ certId });
      assert.deepEqual(Object.keys(deleted.wire), ['RequestId']);
      assert.match(deleted.body.RequestId, REQUEST_ID_RE);
      for (const call of [() => c.describeCert({ certId }), () => c.delete({ certId }), () => c.modify({ certId, name: 'x' })]) {
        assertErrorEnvelope(await c.error(call), 404, 'InvalidSslVpnClientCertId.NotFound', MSG['InvalidSslVpnClientCertId.NotFound']);
      }
      assert.equal(await listItem(c, certId), undefined);
      assert.equal(await serverCount(c), before);

      assert.equal((await c.modify({ certId: C.CERT1 })).body.Name, 'cert1');
      const cert1 = checkMaterial((await c.describeCert({ certId: C.CERT1 })).body, DEFAULT_ADDR);
      assert.notEqual(cert1.cert.fingerprint256, m.cert.fingerprint256);
    });

    test('create without Name: the name is the new ID', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const certId = assertCreateBody(await c.create({ serverId: C.SERVER_ID }), undefined);
      assertDescribeBody(await c.describeCert({ certId }), certId, certId);
      assert.equal((await listItem(c, certId)).Name, certId);
    });

    test('TCP server on another gateway: proto tcp, its address and port, its own CA', async (t) => {
      const emu = await emulatorFor(t, { fixtures: certFixtures() });
      const c = makeClient(kind, emu);
      const certId = assertCreateBody(await c.create({ serverId: C.SERVER2_ID, name: 'tcp-client' }), 'tcp-client');
      const d = assertDescribeBody(await c.describeCert({ certId }), certId, 'tcp-client', C.SERVER2_ID, C.RESOURCE_GROUP2);
      const m = checkMaterial(d, SERVER2_ADDR);
      const other = checkMaterial((await c.describeCert({ certId: C.CERT1 })).body, DEFAULT_ADDR);
      assert.notDeepEqual(other.ca.publicKey.export({ type: 'spki', format: 'der' }),
        m.ca.publicKey.export({ type: 'spki', format: 'der' }));
    });

    test('a fixture cert without material gets it on first Describe, identical later', async (t) => {
      const emu = await emulatorFor(t, { fixtures: certFixtures() });
      const c = makeClient(kind, emu);
      const first = assertDescribeBody(await c.describeCert({ certId: C.BARE_CERT }), C.BARE_CERT, 'bare');
      assert.deepEqual([first.CreateTime, first.EndTime], [C.BARE_CREATE, C.BARE_END]);
      checkMaterial(first, DEFAULT_ADDR);
      const second = (await c.describeCert({ certId: C.BARE_CERT })).body;
      for (const k of MATERIAL) assert.equal(second[k], first[k], k);
    });
  });
}

describe('cross-client', () => {
  test('material created through Tea is the same through pop-core', async (t) => {
    const emu = await emulatorFor(t);
    const tea = makeClient('tea-acs3', emu);
    const pop = makeClient('pop-post', emu);
    const certId = assertCreateBody(await tea.create({ serverId: C.SERVER_ID, name: 'x' }), 'x');
    const a = (await tea.describeCert({ certId })).body;
    const b = (await pop.describeCert({ certId })).body;
    assert.deepEqual({ ...a, RequestId: null }, { ...b, RequestId: null });
  });
});
