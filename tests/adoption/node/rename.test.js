'use strict';
// A user's test: rename an SSL-VPN client certificate, then read the emulator's journal.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const Vpc = require('@alicloud/vpc20160428');
const { start } = require('aliyun-vpc-emulator');

const CERT = 'vsc-bp1emulator0000000001'; // cert1 of the embedded default fixtures
let emu;

before(async () => { emu = await start(); });
after(() => emu.stop());

test('rename a certificate and find the call in the journal', async () => {
  const client = emu.client();

  const renamed = await client.modifySslVpnClientCert(new Vpc.ModifySslVpnClientCertRequest({
    regionId: 'cn-hangzhou', sslVpnClientCertId: CERT, name: 'laptop-bob' }));
  assert.equal(renamed.body.name, 'laptop-bob');

  const described = await client.describeSslVpnClientCert(new Vpc.DescribeSslVpnClientCertRequest({
    regionId: 'cn-hangzhou', sslVpnClientCertId: CERT }));
  assert.equal(described.body.name, 'laptop-bob');

  const calls = await emu.requests({ action: 'ModifySslVpnClientCert' });
  assert.equal(calls.length, 1);
  assert.equal(calls[0].Params.Name, 'laptop-bob');
  assert.equal(calls[0].HttpStatus, 200);
  assert.equal(calls[0].RequestId, renamed.body.requestId);
});

test('reset() brings the fixtures back', async () => {
  await emu.reset();
  const described = await emu.client().describeSslVpnClientCert(new Vpc.DescribeSslVpnClientCertRequest({
    regionId: 'cn-hangzhou', sslVpnClientCertId: CERT }));
  assert.equal(described.body.name, 'cert1');
  assert.deepEqual(await emu.requests({ action: 'ModifySslVpnClientCert' }), []);
});
