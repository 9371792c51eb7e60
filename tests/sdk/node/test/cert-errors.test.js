'use strict';
// Create/Describe/Delete error paths and ClientToken idempotency of Create and Delete
// (SPEC 7.2, 7.3, 7.5, 7.6) through the Node clients.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const {
  C, MSG, REQUEST_ID_RE, CERT_ID_RE, KINDS, assertErrorEnvelope, makeClient, certFixtures,
} = require('../lib/clients');

async function expectError(c, call, status, code) {
  assertErrorEnvelope(await c.error(call), status, code, MSG[code]);
}

async function serverCount(c, serverId = C.SERVER_ID) {
  return (await c.describeCerts({ sslVpnServerId: serverId })).body.TotalCount;
}

for (const kind of KINDS) {
  describe(kind, () => {
    test('Create on an unknown server: InvalidSslVpnServerId.NotFound', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      await expectError(c, () => c.create({ serverId: C.UNKNOWN_SERVER, name: 'x' }), 404, 'InvalidSslVpnServerId.NotFound');
      await expectError(c, () => c.create({ serverId: C.CERT1 }), 404, 'InvalidSslVpnServerId.NotFound');
      assert.equal((await c.describeCerts()).body.TotalCount, 2);
    });

    test('Describe and Delete of an unknown cert: InvalidSslVpnClientCertId.NotFound', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      for (const certId of [C.UNKNOWN_CERT, C.SERVER_ID]) {
        await expectError(c, () => c.describeCert({ certId }), 404, 'InvalidSslVpnClientCertId.NotFound');
        await expectError(c, () => c.delete({ certId }), 404, 'InvalidSslVpnClientCertId.NotFound');
      }
      assert.equal((await c.describeCerts()).body.TotalCount, 2);
    });

    test('gateway updating: Create and Delete are VpnGateway.Configuring', async (t) => {
      const emu = await emulatorFor(t, { fixtures: certFixtures({ gatewayStatus: 'updating' }) });
      const c = makeClient(kind, emu);
      await expectError(c, () => c.create({ serverId: C.SERVER_ID, name: 'blocked' }), 400, 'VpnGateway.Configuring');
      await expectError(c, () => c.delete({ certId: C.CERT1 }), 400, 'VpnGateway.Configuring');
      await expectError(c, () => c.delete({ certId: C.UNKNOWN_CERT }), 404, 'InvalidSslVpnClientCertId.NotFound');
      assert.equal(await serverCount(c), 3);
      assert.equal((await c.describeCert({ certId: C.CERT1 })).body.Name, 'cert1');
      assert.equal((await c.modify({ certId: C.CERT1, name: 'while-updating' })).body.Name, 'while-updating');
      const other = (await c.create({ serverId: C.SERVER2_ID, name: 'other-gateway' })).body.SslVpnClientCertId;
      assert.match(other, CERT_ID_RE);
      await c.delete({ certId: other });
    });

    test('quota: the 51st certificate is CreateSslCertsQuotaFull.QuotaFull', async (t) => {
      const emu = await emulatorFor(t, { fixtures: certFixtures() });
      const c = makeClient(kind, emu);
      const created = [];
      for (let i = 0; i < C.CERT_QUOTA; i += 1) {
        created.push((await c.create({ serverId: C.SERVER2_ID, name: `q${i}` })).body.SslVpnClientCertId);
      }
      assert.equal(new Set(created).size, C.CERT_QUOTA);
      await expectError(c, () => c.create({ serverId: C.SERVER2_ID, name: 'one-too-many' }), 400, 'CreateSslCertsQuotaFull.QuotaFull');
      assert.equal(await serverCount(c, C.SERVER2_ID), C.CERT_QUOTA);
      assert.match((await c.create({ serverId: C.SERVER_ID, name: 'other-server' })).body.SslVpnClientCertId, CERT_ID_RE);
      await c.delete({ certId: created[0] });
      assert.match((await c.create({ serverId: C.SERVER2_ID, name: 'back-in' })).body.SslVpnClientCertId, CERT_ID_RE);
      await expectError(c, () => c.create({ serverId: C.SERVER2_ID }), 400, 'CreateSslCertsQuotaFull.QuotaFull');
    });

    test('quota counts fixture certificates', async (t) => {
      const emu = await emulatorFor(t, { fixtures: certFixtures({ extraCerts: C.CERT_QUOTA - 3 }) });
      const c = makeClient(kind, emu);
      assert.equal(await serverCount(c), C.CERT_QUOTA);
      await expectError(c, () => c.create({ serverId: C.SERVER_ID, name: 'x' }), 400, 'CreateSslCertsQuotaFull.QuotaFull');
    });

    test('Create: same token + same params replays the same certificate', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const token = `create-${kind}-0001`;
      const first = (await c.create({ serverId: C.SERVER_ID, name: 'idem-create', token })).body;
      assert.match(first.SslVpnClientCertId, CERT_ID_RE);
      const replay = await c.create({ serverId: C.SERVER_ID, name: 'idem-create', token });
      assert.deepEqual(Object.keys(replay.wire), ['RequestId', 'Name', 'SslVpnClientCertId']);
      assert.deepEqual([replay.body.Name, replay.body.SslVpnClientCertId], ['idem-create', first.SslVpnClientCertId]);
      assert.notEqual(replay.body.RequestId, first.RequestId);
      assert.equal(await serverCount(c), 3);
      // Remembered even after the certificate is gone.
      await c.delete({ certId: first.SslVpnClientCertId });
      const late = (await c.create({ serverId: C.SERVER_ID, name: 'idem-create', token })).body;
      assert.equal(late.SslVpnClientCertId, first.SslVpnClientCertId);
      assert.equal(await serverCount(c), 2);
    });

    test('Create: same token + another Name is IdempotentParameterMismatch', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const token = `create-${kind}-0002`;
      await c.create({ serverId: C.SERVER_ID, name: 'idem-a', token });
      await expectError(c, () => c.create({ serverId: C.SERVER_ID, name: 'idem-b', token }), 400, 'IdempotentParameterMismatch');
      await expectError(c, () => c.create({ serverId: C.SERVER_ID, token }), 400, 'IdempotentParameterMismatch');
      assert.equal(await serverCount(c), 3);
      assert.equal((await c.describeCerts({ name: 'idem-b' })).body.TotalCount, 0);
    });

    test('Delete: a replay after the delete answers {RequestId} again', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const token = `delete-${kind}-0001`;
      const first = await c.delete({ certId: C.CERT1, token });
      const replay = await c.delete({ certId: C.CERT1, token });
      assert.deepEqual(Object.keys(replay.wire), ['RequestId']);
      assert.match(replay.body.RequestId, REQUEST_ID_RE);
      assert.notEqual(replay.body.RequestId, first.body.RequestId);
      assert.equal(await serverCount(c), 1);
      await expectError(c, () => c.delete({ certId: C.CERT1 }), 404, 'InvalidSslVpnClientCertId.NotFound');
      await expectError(c, () => c.delete({ certId: C.CERT2, token }), 400, 'IdempotentParameterMismatch');
      assert.equal((await c.describeCert({ certId: C.CERT2 })).body.Name, 'cert2');
    });
  });
}

describe('pop-core method switch', () => {
  test('Create via GET, retried via POST with the same token: same certificate', async (t) => {
    const emu = await emulatorFor(t);
    const get = makeClient('pop-get', emu);
    const post = makeClient('pop-post', emu);
    const first = (await get.create({ serverId: C.SERVER_ID, name: 'get-post', token: 'tok-create-get-post' })).body;
    const replay = (await post.create({ serverId: C.SERVER_ID, name: 'get-post', token: 'tok-create-get-post' })).body;
    assert.equal(replay.SslVpnClientCertId, first.SslVpnClientCertId);
    assert.equal(await serverCount(post), 3);
  });

  test('16 clients of all kinds create with one token at once: one certificate', async (t) => {
    const emu = await emulatorFor(t);
    const clients = Array.from({ length: 16 }, (_, i) => makeClient(KINDS[i % KINDS.length], emu));
    const token = 'tok-create-fanout';
    const replies = await Promise.all(clients.map((c) => c.create({ serverId: C.SERVER_ID, name: 'fanout', token })));
    const ids = new Set(replies.map((r) => r.body.SslVpnClientCertId));
    assert.equal(ids.size, 1, [...ids].join(' '));
    assert.match([...ids][0], CERT_ID_RE);
    assert.equal(new Set(replies.map((r) => r.body.RequestId)).size, 16);
    assert.equal(await serverCount(clients[0]), 3);
    assert.equal((await clients[0].describeCerts({ name: 'fanout' })).body.TotalCount, 1);
  });
});
