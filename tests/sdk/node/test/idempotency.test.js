'use strict';
// ClientToken idempotency (SPEC 7.6) through the Node clients.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const { C, MSG, KINDS, assertErrorEnvelope, makeClient } = require('../lib/clients');

for (const kind of KINDS) {
  describe(kind, () => {
    test('same token + same params replays', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const token = `tok-${kind}-0001`;
      const first = (await c.modify({ certId: C.CERT1, name: 'idem-a', token })).body;
      assert.deepEqual([first.Name, first.SslVpnClientCertId], ['idem-a', C.CERT1]);
      assert.equal((await c.modify({ certId: C.CERT1, name: 'changed-between' })).body.Name, 'changed-between');
      const replay = (await c.modify({ certId: C.CERT1, name: 'idem-a', token })).body;
      assert.deepEqual(Object.keys(replay).sort(), ['Name', 'RequestId', 'SslVpnClientCertId']);
      assert.deepEqual([replay.Name, replay.SslVpnClientCertId], ['idem-a', C.CERT1]);
      assert.notEqual(replay.RequestId, first.RequestId);
      assert.equal((await c.modify({ certId: C.CERT1 })).body.Name, 'changed-between');
    });

    test('same token + different params is IdempotentParameterMismatch', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const token = `tok-${kind}-0002`;
      assert.equal((await c.modify({ certId: C.CERT1, name: 'idem-a', token })).body.Name, 'idem-a');
      let err = await c.error(() => c.modify({ certId: C.CERT1, name: 'idem-b', token }));
      assertErrorEnvelope(err, 400, 'IdempotentParameterMismatch', MSG.IdempotentParameterMismatch);
      err = await c.error(() => c.modify({ certId: C.CERT2, name: 'idem-a', token }));
      assertErrorEnvelope(err, 400, 'IdempotentParameterMismatch', MSG.IdempotentParameterMismatch);
      assert.equal((await c.modify({ certId: C.CERT1 })).body.Name, 'idem-a');
      assert.equal((await c.modify({ certId: C.CERT2 })).body.Name, 'cert2');
    });

    test('a failed request is not remembered', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const token = `tok-${kind}-0003`;
      const err = await c.error(() => c.modify({ certId: C.CERT1, name: 'http://bad', token }));
      assertErrorEnvelope(err, 400, 'InvalidName', MSG.InvalidName);
      assert.equal((await c.modify({ certId: C.CERT1, name: 'good-name', token })).body.Name, 'good-name');
    });
  });
}

describe('pop-core method switch', () => {
  test('GET then POST retry with the same token replays', async (t) => {
    const emu = await emulatorFor(t);
    const get = makeClient('pop-get', emu);
    const post = makeClient('pop-post', emu);
    const token = 'tok-get-then-post';
    const first = (await get.modify({ certId: C.CERT1, name: 'via-get', token })).body;
    assert.equal(first.Name, 'via-get');
    assert.equal((await get.modify({ certId: C.CERT1, name: 'moved-on' })).body.Name, 'moved-on');
    const replay = (await post.modify({ certId: C.CERT1, name: 'via-get', token })).body;
    assert.deepEqual([replay.Name, replay.SslVpnClientCertId], ['via-get', C.CERT1]);
    assert.notEqual(replay.RequestId, first.RequestId);
    assert.equal((await post.modify({ certId: C.CERT1 })).body.Name, 'moved-on');
    const err = await post.error(() => post.modify({ certId: C.CERT1, name: 'via-post', token }));
    assertErrorEnvelope(err, 400, 'IdempotentParameterMismatch', MSG.IdempotentParameterMismatch);
  });

  test('Tea ACS3 then pop-core GET retry with the same token replays', async (t) => {
    const emu = await emulatorFor(t);
    const tea = makeClient('tea-acs3', emu);
    const pop = makeClient('pop-get', emu);
    const token = 'tok-acs3-then-v1';
    const first = (await tea.modify({ certId: C.CERT2, name: 'via-tea', token })).body;
    assert.equal((await tea.modify({ certId: C.CERT2, name: 'moved-on' })).body.Name, 'moved-on');
    const replay = (await pop.modify({ certId: C.CERT2, name: 'via-tea', token })).body;
    assert.deepEqual([replay.Name, replay.SslVpnClientCertId], ['via-tea', C.CERT2]);
    assert.notEqual(replay.RequestId, first.RequestId);
    assert.equal((await pop.modify({ certId: C.CERT2 })).body.Name, 'moved-on');
  });
});
