'use strict';
// The emulator clock (SPEC 7.3 Status, section 8 clock): moved with plain HTTP, seen through the
// Node clients; the SDKs stamp real time and still authenticate, in strict mode too (SPEC 4).
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { emulatorFor } = require('../lib/emulator');
const { C, KINDS, makeClient } = require('../lib/clients');
const {
  ok, journal, clock, advanceClock, setClock,
} = require('../lib/admin');

const DAY_S = 86400;
const DAY_MS = DAY_S * 1000;
const STABLE = ['SslVpnClientCertId', 'SslVpnServerId', 'Name', 'CaCert', 'ClientCert', 'ClientKey', 'ClientConfig',
  'CreateTime', 'EndTime', 'ResourceGroupId'];

function expectedStatus(end, now) {
  if (now >= end) return 'expired';
  return end - now <= 7 * DAY_MS ? 'expiring-soon' : 'normal';
}

async function listed(c) {
  const items = (await c.describeCerts({ pageSize: 50 })).body.SslVpnClientCertKeys.SslVpnClientCertKey;
  return Object.fromEntries(items.map((i) => [i.SslVpnClientCertId, i]));
}

/** Status through DescribeSslVpnClientCert, which must agree with the list. */
async function statusOf(c, certId) {
  const one = (await c.describeCert({ certId })).body.Status;
  assert.equal((await listed(c))[certId].Status, one);
  return one;
}

const pick = (o) => Object.fromEntries(STABLE.map((k) => [k, o[k]]));

for (const kind of KINDS) {
  describe(kind, () => {
    for (const auth of ['lenient', 'strict']) {
      test(`advancing the clock ages a new cert (--auth ${auth})`, async (t) => {
        const emu = await emulatorFor(t, { args: ['--auth', auth] });
        const c = makeClient(kind, emu); // the well-known root key: signed, real-time stamps
        const certId = (await c.create({ serverId: C.SERVER_ID, name: 'clock-cert' })).body.SslVpnClientCertId;
        const first = (await c.describeCert({ certId })).body;
        assert.equal(first.Status, 'normal');
        assert.equal(first.EndTime - first.CreateTime, C.CERT_VALIDITY_MS);

        let now = await advanceClock(emu, 1095 * DAY_S - 3 * DAY_S);
        assert.ok(first.EndTime - 3 * DAY_MS <= now && now < first.EndTime, `${now} vs ${first.EndTime}`);
        const soon = (await c.describeCert({ certId })).body;
        assert.equal(soon.Status, 'expiring-soon');
        assert.deepEqual(pick(soon), pick(first));
        // The fixture certificates follow the same clock in the list.
        const items = await listed(c);
        assert.equal(items[certId].Status, 'expiring-soon');
        now = await clock(emu);
        for (const item of Object.values(items)) {
          assert.equal(item.Status, expectedStatus(item.EndTime, now), JSON.stringify([item, now]));
        }

        // The mode is really in force: an unknown key is refused in strict mode, served as root otherwise.
        const stranger = makeClient(kind, emu, { ak: 'LTAI5tNotAKnownKey0001', secret: 'whatever' });
        let strangerCall;
        if (auth === 'strict') {
          const err = await stranger.error(() => stranger.describeCert({ certId }));
          assert.deepEqual([err.status, err.code], [404, 'InvalidAccessKeyId.NotFound']);
          strangerCall = [err.requestId, 404, 'InvalidAccessKeyId.NotFound'];
        } else {
          const body = (await stranger.describeCert({ certId })).body;
          assert.equal(body.Status, 'expiring-soon');
          strangerCall = [body.RequestId, 200, null];
        }

        now = await advanceClock(emu, 3 * DAY_S);
        assert.ok(now >= first.EndTime);
        assert.equal(await statusOf(c, certId), 'expired');
        assert.equal(await statusOf(c, C.CERT1), 'expired');

        // New resources are stamped with the emulator clock, and start out normal.
        const t0 = await clock(emu);
        const newId = (await c.create({ serverId: C.SERVER_ID, name: 'born-in-the-future' })).body.SslVpnClientCertId;
        const t1 = await clock(emu);
        const created = (await c.describeCert({ certId: newId })).body;
        assert.ok(t0 <= created.CreateTime && created.CreateTime <= t1, `${t0} <= ${created.CreateTime} <= ${t1}`);
        assert.equal(created.EndTime - created.CreateTime, C.CERT_VALIDITY_MS);
        assert.equal(created.Status, 'normal');

        // Every SDK call above but the stranger's authenticated as root and succeeded.
        const entries = await journal(emu);
        assert.deepEqual(entries.filter((e) => e.Principal !== 'root').map((e) => [e.RequestId, e.HttpStatus, e.Code]),
          [strangerCall]);
        for (const e of entries.filter((x) => x.Principal === 'root')) {
          assert.deepEqual([e.HttpStatus, e.Code], [200, null], JSON.stringify(e));
        }
      });
    }

    test('setting the clock crosses the Status boundaries', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const certId = (await c.create({ serverId: C.SERVER_ID, name: 'boundaries' })).body.SslVpnClientCertId;
      const end = (await c.describeCert({ certId })).body.EndTime;
      for (const [now, status] of [
        [end - 8 * DAY_MS, 'normal'], [end - 7 * DAY_MS, 'expiring-soon'], [end - 1000, 'expiring-soon'],
        [end, 'expired'], [end + 365 * DAY_MS, 'expired'], [end - 30 * DAY_MS, 'normal'],
      ]) {
        assert.ok(await setClock(emu, now) >= now);
        assert.equal(await statusOf(c, certId), status, `${now - end} ms from EndTime`);
      }
    });

    test('reset clears the clock offset', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      assert.equal(await statusOf(c, C.CERT1), 'normal');
      await advanceClock(emu, 1095 * DAY_S);
      assert.equal(await statusOf(c, C.CERT1), 'expired');
      await ok(emu, 'POST', 'reset');
      assert.equal(await statusOf(c, C.CERT1), 'normal');
    });
  });
}
