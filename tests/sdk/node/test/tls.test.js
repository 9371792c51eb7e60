'use strict';
// HTTPS with `--tls` (issue 17): the Node clients with their default protocol (HTTPS) and only
// the endpoint and the CA given, through NODE_EXTRA_CA_CERTS, in a child process (Node reads
// that variable at start).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { emulatorFor } = require('../lib/emulator');
const { C } = require('../lib/clients');

const CLIENT = `
const Vpc = require('@alicloud/vpc20160428');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const RPCClient = require('@alicloud/pop-core').RPCClient;
(async () => {
  const [port, ak, secret, cert] = process.argv.slice(1);
  const out = {};
  // Each client on its own: an answer, or the error it failed with.
  const each = async (name, call) => {
    try { out[name] = await call(); } catch (e) { out[name] = { error: String(e && (e.code || e.message)) }; }
  };
  for (const v1 of [false, true]) {
    const cfg = { accessKeyId: ak, accessKeySecret: secret, endpoint: '127.0.0.1:' + port, regionId: 'cn-hangzhou' };
    if (v1) cfg.signatureAlgorithm = 'v2';
    const tea = new Vpc.default(new $OpenApiUtil.Config(cfg));
    await each(v1 ? 'tea-v1' : 'tea-acs3', async () => (await tea.modifySslVpnClientCert(new Vpc.ModifySslVpnClientCertRequest({
      regionId: 'cn-hangzhou', sslVpnClientCertId: cert, name: v1 ? 'tea-v1-https' : 'tea-https' }))).body.name);
  }
  const pop = new RPCClient({ accessKeyId: ak, accessKeySecret: secret, endpoint: 'https://127.0.0.1:' + port, apiVersion: '2016-04-28' });
  await each('pop', async () => (await pop.request('ModifySslVpnClientCert', { RegionId: 'cn-hangzhou', SslVpnClientCertId: cert, Name: 'pop-https' })).Name);
  console.log(JSON.stringify(out));
})();
`;

function run(port, caFile) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  if (caFile) env.NODE_EXTRA_CA_CERTS = caFile;
  const out = execFileSync(process.execPath, ['-e', CLIENT, String(port), C.ROOT_AK, C.ROOT_SECRET, C.CERT1],
    { cwd: path.join(__dirname, '..'), env, timeout: 30000 });
  return JSON.parse(out.toString().trim().split('\n').pop());
}

test('the Tea and pop-core clients over HTTPS with only the endpoint and the CA', async (t) => {
  // The package's tls option: `--tls`, and the CA from GET /_emulator/ca.pem in caPem.
  const emu = await emulatorFor(t, { tls: true });
  const ca = emu.caPem;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-ca-')), 'ca.pem');
  fs.writeFileSync(file, ca);
  assert.deepEqual(run(emu.port, file), { 'tea-acs3': 'tea-https', 'tea-v1': 'tea-v1-https', pop: 'pop-https' });
  // Without the CA every client fails on the certificate: each went over TLS (the same port
  // would answer plain HTTP).
  const refused = run(emu.port, null);
  assert.deepEqual(Object.keys(refused).sort(), ['pop', 'tea-acs3', 'tea-v1']);
  for (const [name, result] of Object.entries(refused)) {
    assert.match(String(result.error), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/i, `${name}: ${JSON.stringify(result)}`);
  }
});
