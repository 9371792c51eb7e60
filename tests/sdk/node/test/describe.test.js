'use strict';
// DescribeRegions and DescribeSslVpnClientCerts through the Node clients.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const {
  C, MSG, REQUEST_ID_RE, KINDS, assertErrorEnvelope, makeClient, ramFixtures,
} = require('../lib/clients');

function regionsById(body) {
  assert.match(body.RequestId, REQUEST_ID_RE);
  assert.ok(Array.isArray(body.Regions.Region));
  return Object.fromEntries(body.Regions.Region.map((r) => [r.RegionId, r]));
}

for (const kind of KINDS) {
  describe(kind, () => {
    test('DescribeRegions: cn-hangzhou in zh-CN by default', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const regions = regionsById((await c.describeRegions()).body);
      assert.deepEqual(regions['cn-hangzhou'], {
        RegionId: 'cn-hangzhou', LocalName: '华东1（杭州）', RegionEndpoint: 'vpc.aliyuncs.com',
      });
    });

    for (const lang of ['en-US', 'EN-us']) {
      test(`DescribeRegions: AcceptLanguage=${lang} gives English names`, async (t) => {
        const emu = await emulatorFor(t);
        const c = makeClient(kind, emu);
        const regions = regionsById((await c.describeRegions({ acceptLanguage: lang })).body);
        assert.equal(regions['cn-hangzhou'].LocalName, 'China (Hangzhou)');
      });
    }

    test('DescribeRegions: fixture order', async (t) => {
      const emu = await emulatorFor(t, { fixtures: ramFixtures() });
      const c = makeClient(kind, emu);
      const body = (await c.describeRegions({ acceptLanguage: 'en-US' })).body;
      assert.deepEqual(body.Regions.Region, [
        { RegionId: 'cn-hangzhou', LocalName: 'China (Hangzhou)', RegionEndpoint: 'vpc.aliyuncs.com' },
        { RegionId: 'cn-shanghai', LocalName: 'China (Shanghai)', RegionEndpoint: 'vpc.cn-shanghai.aliyuncs.com' },
      ]);
    });

    test('DescribeSslVpnClientCerts: list, pages, exact items', async (t) => {
      const emu = await emulatorFor(t, { fixtures: ramFixtures() });
      const c = makeClient(kind, emu);
      const body = (await c.describeCerts()).body;
      assert.deepEqual(Object.keys(body).sort(), ['PageNumber', 'PageSize', 'RequestId', 'SslVpnClientCertKeys', 'TotalCount']);
      assert.deepEqual([body.TotalCount, body.PageNumber, body.PageSize], [2, 1, 10]);
      const item = (id, name, created) => ({
        RegionId: C.REGION, SslVpnClientCertId: id, SslVpnServerId: C.SERVER_ID, Name: name,
        CreateTime: created, EndTime: C.END_TIME, Status: 'normal', ResourceGroupId: C.RESOURCE_GROUP,
      });
      assert.deepEqual(body.SslVpnClientCertKeys.SslVpnClientCertKey, [
        item(C.CERT1, 'cert1', C.CERT1_CREATE), item(C.CERT2, 'cert2', C.CERT2_CREATE),
      ]);
      const page2 = (await c.describeCerts({ pageNumber: 2, pageSize: 1 })).body;
      assert.deepEqual([page2.TotalCount, page2.PageNumber, page2.PageSize], [2, 2, 1]);
      assert.deepEqual(page2.SslVpnClientCertKeys.SslVpnClientCertKey.map((i) => i.SslVpnClientCertId), [C.CERT2]);
      const past = (await c.describeCerts({ pageNumber: 3, pageSize: 1 })).body;
      assert.equal(past.TotalCount, 2);
      assert.deepEqual(past.SslVpnClientCertKeys.SslVpnClientCertKey, []);
    });

    test('DescribeSslVpnClientCerts: unknown region', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const err = await c.error(() => c.describeCerts({ region: C.UNKNOWN_REGION }));
      assertErrorEnvelope(err, 404, 'InvalidRegionId.NotFound', MSG['InvalidRegionId.NotFound']);
    });
  });
}
