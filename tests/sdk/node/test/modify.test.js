'use strict';
// ModifySslVpnClientCert through the Node clients: success, names, errors, signatures.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const {
  C, MSG, REQUEST_ID_RE, SIGNATURE_PREFIX, KINDS, assertErrorEnvelope, makeClient,
} = require('../lib/clients');

function assertModifyBody(body, name, certId) {
  assert.deepEqual(Object.keys(body).sort(), ['Name', 'RequestId', 'SslVpnClientCertId']);
  assert.match(body.RequestId, REQUEST_ID_RE);
  assert.equal(body.Name, name);
  assert.equal(body.SslVpnClientCertId, certId);
}

// pop-core GET: rebuild the string to sign from the URL it sent (query minus Signature).
function popGetStringToSign(url) {
  const query = url.slice(url.indexOf('?') + 1).split('&').filter((kv) => !kv.startsWith('Signature=')).join('&');
  const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `GET&${enc('/')}&${enc(query)}`;
}

for (const kind of KINDS) {
  describe(kind, () => {
    test('rename succeeds and persists', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const r1 = await c.modify({ certId: C.CERT1, name: 'renamed-cert' });
      assertModifyBody(r1.body, 'renamed-cert', C.CERT1);
      const r2 = await c.modify({ certId: C.CERT1 });
      assertModifyBody(r2.body, 'renamed-cert', C.CERT1);
      assert.notEqual(r2.body.RequestId, r1.body.RequestId);
      assertModifyBody((await c.modify({ certId: C.CERT2 })).body, 'cert2', C.CERT2);
      assertModifyBody((await c.modify({ certId: C.CERT1, name: 'renamed-again' })).body, 'renamed-again', C.CERT1);
      assertModifyBody((await c.modify({ certId: C.CERT1 })).body, 'renamed-again', C.CERT1);
    });

    test('rename shows in the list', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      await c.modify({ certId: C.CERT1, name: 'renamed-cert' });
      const listed = await c.describeCerts({ sslVpnClientCertId: C.CERT1 });
      const items = listed.body.SslVpnClientCertKeys.SslVpnClientCertKey;
      assert.deepEqual(items.map((i) => [i.SslVpnClientCertId, i.Name]), [[C.CERT1, 'renamed-cert']]);
    });

    test('special-character name round-trips', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      assertModifyBody((await c.modify({ certId: C.CERT1, name: C.SPECIAL_NAME })).body, C.SPECIAL_NAME, C.CERT1);
      assertModifyBody((await c.modify({ certId: C.CERT1 })).body, C.SPECIAL_NAME, C.CERT1);
    });

    test('special-character name as a list filter', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      await c.modify({ certId: C.CERT1, name: C.SPECIAL_NAME });
      const items = (await c.describeCerts({ name: C.SPECIAL_NAME })).body.SslVpnClientCertKeys.SslVpnClientCertKey;
      assert.deepEqual(items.map((i) => [i.SslVpnClientCertId, i.Name]), [[C.CERT1, C.SPECIAL_NAME]]);
    });

    for (const name of ['x', 'a'.repeat(100), 'é'.repeat(100), '中文名称-证书', 'my http://x']) {
      test(`valid name ${JSON.stringify(name.slice(0, 12))} (${[...name].length} chars)`, async (t) => {
        const emu = await emulatorFor(t);
        const c = makeClient(kind, emu);
        assertModifyBody((await c.modify({ certId: C.CERT2, name })).body, name, C.CERT2);
      });
    }

    for (const name of ['http://example.com', 'HTTPS://example.com', 'a'.repeat(101), 'é'.repeat(101)]) {
      test(`InvalidName for ${JSON.stringify(name.slice(0, 20))} (${[...name].length} chars)`, async (t) => {
        const emu = await emulatorFor(t);
        const c = makeClient(kind, emu);
        const err = await c.error(() => c.modify({ certId: C.CERT1, name }));
        assertErrorEnvelope(err, 400, 'InvalidName', MSG.InvalidName);
        assert.equal((await c.modify({ certId: C.CERT1 })).body.Name, 'cert1');
      });
    }

    test('unknown cert is InvalidSslVpnClientCertId.NotFound', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const err = await c.error(() => c.modify({ certId: C.UNKNOWN_CERT, name: 'whatever' }));
      assertErrorEnvelope(err, 404, 'InvalidSslVpnClientCertId.NotFound', MSG['InvalidSslVpnClientCertId.NotFound']);
    });

    test('unknown region is InvalidRegionId.NotFound', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const err = await c.error(() => c.modify({ certId: C.CERT1, name: 'whatever', region: C.UNKNOWN_REGION }));
      assertErrorEnvelope(err, 404, 'InvalidRegionId.NotFound', MSG['InvalidRegionId.NotFound']);
    });

    test('wrong secret for a known key is SignatureDoesNotMatch', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu, { ak: C.ROOT_AK, secret: 'NotTheRootSecret' });
      const err = await c.error(() => c.modify({ certId: C.CERT1, name: 'never-applied' }));
      assertErrorEnvelope(err, 400, 'SignatureDoesNotMatch');
      assert.ok(err.message.startsWith(SIGNATURE_PREFIX), err.message);
      const sts = err.message.slice(SIGNATURE_PREFIX.length);
      if (kind === 'pop-get') {
        // The server's string to sign equals the one pop-core signed, byte for byte.
        assert.equal(sts, popGetStringToSign(err.raw.url));
      } else if (kind === 'tea-v1' || kind === 'pop-post') {
        assert.ok(sts.startsWith('POST&%2F&'), sts);
        assert.ok(sts.includes('AccessKeyId%3DLTAI5tEmulatorRootKey'), sts);
        assert.ok(sts.includes('Name%3Dnever-applied'), sts);
      } else {
        assert.ok(sts.length > 0, 'empty server string to sign');
      }
      const ok = makeClient(kind, emu);
      assert.equal((await ok.modify({ certId: C.CERT1 })).body.Name, 'cert1');
    });

    test('unknown AccessKeyId is served as root in lenient mode', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu, { ak: 'LTAIunknownKeyForTests', secret: 'anything' });
      assertModifyBody((await c.modify({ certId: C.CERT1, name: 'by-anonymous-root' })).body, 'by-anonymous-root', C.CERT1);
    });
  });
}
