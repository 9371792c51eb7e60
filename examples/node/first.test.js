const { test } = require('node:test');
const assert = require('node:assert/strict');
const Vpc = require('@alicloud/vpc20160428');
const { start } = require('aliyun-vpc-emulator');

test('rename a certificate', async (t) => {
  const emu = await start(); // a free port, the default fixtures
  t.after(() => emu.stop());

  await emu.client().modifySslVpnClientCert(new Vpc.ModifySslVpnClientCertRequest({
    regionId: 'cn-hangzhou', sslVpnClientCertId: 'vsc-bp1emulator0000000001', name: 'laptop-bob' }));

  const [call] = await emu.requests({ action: 'ModifySslVpnClientCert' });
  assert.equal(call.Params.Name, 'laptop-bob');
});
