'use strict';
// Fault injection through the admin API (SPEC section 8): a rule added with plain HTTP reaches each
// Node client as the exact error the real service's reply would cause, and changes nothing.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { ClientError, ServerError, ThrottlingError } = require('@alicloud/openapi-core');
const { emulatorFor } = require('../lib/emulator');
const { C, MSG, KINDS, assertErrorEnvelope, makeClient } = require('../lib/clients');
const {
  admin, addFault, faults, state, certInState, journal,
} = require('../lib/admin');

const SUBUSER = 'Forbbiden.SubUser';
const UNAVAILABLE = 'ServiceUnavailable';
const UNAVAILABLE_MSG = 'The request has failed due to a temporary failure of the server.';
const THROTTLING_RULE = {
  Action: '*', Code: 'Throttling.User', HttpStatus: 429, Message: 'Request was denied due to user flow control.',
};
const JOURNAL_KEYS = ['Time', 'RequestId', 'Action', 'AccountId', 'Principal', 'Params', 'HttpStatus', 'Code', 'DurationUs', 'Response',
  'Product', 'Version', 'Method', 'Scheme', 'Signature', 'UserAgent'];

/** The normalised error of `call`: Tea clients must reject with exactly `TeaError`. */
function sdkError(c, call, TeaError = ClientError) {
  return c.kind.startsWith('tea') ? c.error(call, TeaError) : c.error(call);
}

async function count(c) {
  return (await c.describeCerts({ sslVpnServerId: C.SERVER_ID })).body.TotalCount;
}

/** The newest journal entry for `action` is this call (same RequestId), as answered. */
async function lastCall(emu, action, requestId, status, code) {
  const entries = await journal(emu, { action, limit: 1 });
  assert.equal(entries.length, 1, JSON.stringify(entries));
  const e = entries[0];
  assert.deepEqual(Object.keys(e).sort(), [...JOURNAL_KEYS].sort());
  assert.deepEqual([e.RequestId, e.Action, e.HttpStatus, e.Code], [requestId, action, status, code]);
  assert.deepEqual([e.AccountId, e.Principal], [C.ACCOUNT_ID, 'root']);
  assert.ok(!('Signature' in e.Params), JSON.stringify(e));
  assert.ok(!JSON.stringify(e).includes(C.ROOT_SECRET), JSON.stringify(e));
  return e;
}

function assertNoAccessDeniedDetail(c, err) {
  assert.ok(!('AccessDeniedDetail' in err.body), JSON.stringify(err.body));
  if (c.kind.startsWith('tea')) assert.equal(err.raw.accessDeniedDetail ?? undefined, undefined);
}

/** What each client shows for the HTTP status and error type beyond the common envelope. */
function assertErrorKind(c, err, TeaError, status) {
  if (c.kind.startsWith('tea')) {
    assert.ok(err.raw instanceof TeaError);
    assert.equal(err.raw.statusCode, status);
  } else {
    // pop-core: a plain Error named after the Code, whatever the HTTP status.
    assert.equal(err.raw.name, `${err.code}Error`);
    assert.equal(err.raw.entry.response.statusCode, status);
  }
}

for (const kind of KINDS) {
  describe(kind, () => {
    test('Forbbiden.SubUser fault on ModifySslVpnClientCert', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const rule = await addFault(emu, { Action: 'ModifySslVpnClientCert', Code: SUBUSER });
      assert.deepEqual(rule, { Action: 'ModifySslVpnClientCert', Code: SUBUSER, Count: 1 });
      assert.deepEqual(await faults(emu), [rule]);

      // Another action does not match the rule and does not use it up.
      assert.equal(await count(c), 2);
      const before = await state(emu);

      const err = await sdkError(c, () => c.modify({ certId: C.CERT1, name: 'renamed-by-fault' }));
      assertErrorEnvelope(err, 403, SUBUSER, MSG[SUBUSER]);
      assertNoAccessDeniedDetail(c, err);
      assertErrorKind(c, err, ClientError, 403);
      assert.deepEqual(await state(emu), before);
      assert.equal((await certInState(emu, C.CERT1)).Name, 'cert1');
      await lastCall(emu, 'ModifySslVpnClientCert', err.requestId, 403, SUBUSER);

      // Count 1 is used up: the same call now succeeds.
      const body = (await c.modify({ certId: C.CERT1, name: 'renamed-after-fault' })).body;
      assert.deepEqual([body.Name, body.SslVpnClientCertId], ['renamed-after-fault', C.CERT1]);
      assert.equal((await certInState(emu, C.CERT1)).Name, 'renamed-after-fault');
      await lastCall(emu, 'ModifySslVpnClientCert', body.RequestId, 200, null);
    });

    test('a fault answers after authentication and before validation', async (t) => {
      const emu = await emulatorFor(t);
      await addFault(emu, { Action: 'ModifySslVpnClientCert', Code: SUBUSER, Count: 2 });

      // A known key with a wrong secret fails authentication: the rule is not consumed.
      const bad = makeClient(kind, emu, { secret: 'NotTheRootSecret' });
      const badErr = await sdkError(bad, () => bad.modify({ certId: C.CERT1, name: 'never' }));
      assert.deepEqual([badErr.status, badErr.code], [400, 'SignatureDoesNotMatch']);

      // Parameter values and existence are checked after the fault (SPEC 3.3 order).
      const c = makeClient(kind, emu);
      for (const certId of [C.UNKNOWN_CERT, C.CERT1]) {
        const err = await sdkError(c, () => c.modify({ certId, name: certId === C.CERT1 ? 'http://x' : 'never' }));
        assertErrorEnvelope(err, 403, SUBUSER, MSG[SUBUSER]);
      }
      // Both uses spent: the normal checks answer again.
      assertErrorEnvelope(await sdkError(c, () => c.modify({ certId: C.CERT1, name: 'http://x' })),
        400, 'InvalidName', MSG.InvalidName);
      assert.equal((await c.modify({ certId: C.CERT1 })).body.Name, 'cert1');
    });

    test('ServiceUnavailable fault on CreateSslVpnClientCert', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const beforeCount = await count(c);
      await addFault(emu, { Action: 'CreateSslVpnClientCert', Code: UNAVAILABLE });
      const before = await state(emu);

      const err = await sdkError(c, () => c.create({ serverId: C.SERVER_ID, name: 'never-created' }), ServerError);
      assertErrorEnvelope(err, 503, UNAVAILABLE, UNAVAILABLE_MSG);
      assertNoAccessDeniedDetail(c, err);
      assertErrorKind(c, err, ServerError, 503);
      if (!kind.startsWith('tea')) assert.equal(err.raw.code, UNAVAILABLE);

      // Nothing was created, and the SDK did not retry behind the test's back.
      assert.deepEqual(await state(emu), before);
      assert.equal(await count(c), beforeCount);
      assert.equal((await c.describeCerts({ name: 'never-created' })).body.TotalCount, 0);
      assert.equal((await journal(emu, { action: 'CreateSslVpnClientCert' })).length, 1);
      await lastCall(emu, 'CreateSslVpnClientCert', err.requestId, 503, UNAVAILABLE);

      const created = (await c.create({ serverId: C.SERVER_ID, name: 'created-after-fault' })).body;
      assert.equal(created.Name, 'created-after-fault');
      assert.equal(await count(c), beforeCount + 1);
      assert.equal((await certInState(emu, created.SslVpnClientCertId)).Name, 'created-after-fault');
    });

    test('custom Throttling.User fault (429) on any action', async (t) => {
      const emu = await emulatorFor(t);
      const c = makeClient(kind, emu);
      const rule = await addFault(emu, { ...THROTTLING_RULE, Count: 2 });
      assert.deepEqual(rule, { ...THROTTLING_RULE, Count: 2 });
      const before = await state(emu);

      // Tea: any Code containing "Throttling" is a ThrottlingError; no x-acs-retry-after header
      // is sent, so retryAfter stays undefined.
      const calls = [
        ['DescribeSslVpnClientCerts', () => c.describeCerts()],
        ['ModifySslVpnClientCert', () => c.modify({ certId: C.CERT1, name: 'throttled' })],
      ];
      for (const [action, call] of calls) {
        const err = await sdkError(c, call, ThrottlingError);
        assertErrorEnvelope(err, 429, 'Throttling.User', THROTTLING_RULE.Message);
        assertNoAccessDeniedDetail(c, err);
        assertErrorKind(c, err, ThrottlingError, 429);
        assert.ok(err.code.includes('Throttling'));
        if (kind.startsWith('tea')) assert.equal(err.raw.retryAfter, undefined);
        else assert.equal(err.raw.entry.response.headers['x-acs-retry-after'], undefined);
        await lastCall(emu, action, err.requestId, 429, 'Throttling.User');
      }
      assert.deepEqual(await state(emu), before);

      // Count 2 used up.
      assert.equal(await count(c), 2);
      assert.equal((await c.modify({ certId: C.CERT1, name: 'after-throttling' })).body.Name, 'after-throttling');
    });
  });
}

test('a rule outside the catalogue needs HttpStatus and Message; DELETE clears the rules', async (t) => {
  const emu = await emulatorFor(t);
  for (const rule of [
    { Action: '*', Code: 'Throttling.User' },
    { Action: '*', Code: 'Throttling.User', HttpStatus: 429 },
    { Action: '*', Code: 'Throttling.User', Message: THROTTLING_RULE.Message },
  ]) {
    const res = await admin(emu, 'POST', 'faults', rule);
    assert.equal(res.status, 400, JSON.stringify([rule, res]));
    assert.deepEqual(Object.keys(res.body), ['error']);
    assert.ok(typeof res.body.error === 'string' && res.body.error.length > 0);
  }
  assert.deepEqual(await faults(emu), []);

  await addFault(emu, { Action: '*', Code: UNAVAILABLE, Count: 5 });
  assert.equal((await admin(emu, 'DELETE', 'faults')).status, 200);
  assert.deepEqual(await faults(emu), []);
  const c = makeClient('tea-acs3', emu);
  assert.equal((await c.modify({ certId: C.CERT1 })).body.Name, 'cert1');
});
