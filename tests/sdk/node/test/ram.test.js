'use strict';
// RAM authorization (SPEC section 5) as each Node client sees it.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const {
  C, MSG, KINDS, accessDeniedDetail, assertErrorEnvelope, makeClient, ramFixtures,
} = require('../lib/clients');

function checkDenied(kind, err, code, user, action = 'ModifySslVpnClientCert') {
  assertErrorEnvelope(err, 403, code, MSG[code]);
  const expected = accessDeniedDetail(action, user);
  assert.deepEqual(err.body.AccessDeniedDetail, expected);
  if (kind.startsWith('tea')) {
    assert.deepEqual(err.raw.accessDeniedDetail, expected); // ClientError.accessDeniedDetail
  } else {
    assert.deepEqual({ ...err.raw.data.AccessDeniedDetail }, expected); // pop-core error.data
  }
}

for (const kind of KINDS) {
  describe(kind, () => {
    test('readonly user cannot rename: Forbidden', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu, { ak: C.RO_AK, secret: C.RO_SECRET });
      for (const certId of [C.CERT1, C.CERT2, C.UNKNOWN_CERT]) {
        checkDenied(kind, await c.error(() => c.modify({ certId, name: 'nope' })), 'Forbidden', 'readonly');
      }
      const root = makeClient(kind, emu);
      assert.equal((await root.modify({ certId: C.CERT1 })).body.Name, 'cert1');
      assert.equal((await root.modify({ certId: C.CERT2 })).body.Name, 'cert2');
    });

    test('readonly user can list', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu, { ak: C.RO_AK, secret: C.RO_SECRET });
      const items = (await c.describeCerts()).body.SslVpnClientCertKeys.SslVpnClientCertKey;
      assert.deepEqual(items.map((i) => [i.SslVpnClientCertId, i.Name]).sort(), [[C.CERT1, 'cert1'], [C.CERT2, 'cert2']]);
    });

    test('resource-scoped user: Forbbiden.SubUser outside its Resources', async (t) => {
      const emu = await emulatorFor(t, { fixtures: ramFixtures() });
      const ops = makeClient(kind, emu, { ak: C.OPS_AK, secret: C.OPS_SECRET });
      checkDenied(kind, await ops.error(() => ops.modify({ certId: C.CERT2, name: 'nope' })), 'Forbbiden.SubUser', 'ops');

      const nf = await ops.error(() => ops.modify({ certId: C.UNKNOWN_CERT, name: 'nope' }));
      assertErrorEnvelope(nf, 404, 'InvalidSslVpnClientCertId.NotFound', MSG['InvalidSslVpnClientCertId.NotFound']);

      const body = (await ops.modify({ certId: C.CERT1, name: 'ops-renamed' })).body;
      assert.deepEqual([body.Name, body.SslVpnClientCertId], ['ops-renamed', C.CERT1]);

      const regions = (await ops.describeRegions()).body.Regions.Region;
      assert.deepEqual(regions.map((r) => r.RegionId), ['cn-hangzhou', 'cn-shanghai']);

      const root = makeClient(kind, emu);
      assert.equal((await root.modify({ certId: C.CERT1 })).body.Name, 'ops-renamed');
      assert.equal((await root.modify({ certId: C.CERT2 })).body.Name, 'cert2');
    });

    test('resource-scoped user without Describe* cannot list: Forbidden', async (t) => {
      const emu = await emulatorFor(t, { fixtures: ramFixtures() });
      const ops = makeClient(kind, emu, { ak: C.OPS_AK, secret: C.OPS_SECRET });
      checkDenied(kind, await ops.error(() => ops.describeCerts()), 'Forbidden', 'ops', 'DescribeSslVpnClientCerts');
    });
  });
}
