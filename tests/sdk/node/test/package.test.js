'use strict';
// The Node package itself (issue 22): what a start failure says, where the binary comes from,
// the defaults of SPEC 14, the client it configures, the ES module entry, and no orphan process
// when a test forgets stop(). The rest of the suite runs through the package too (lib/emulator.js).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const Vpc = require('@alicloud/vpc20160428');
const pkg = require('aliyun-vpc-emulator');
const { emulatorFor } = require('../lib/emulator');
const { C } = require('../lib/clients');

const { start, findBinary, EmulatorStartError, AdminError } = pkg;
const BIN = process.env.VPC_EMULATOR_BIN;
const PACKAGE_DIR = path.dirname(require.resolve('aliyun-vpc-emulator/package.json'));

function tmpDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-pkg-test-'));
}

/** Run `code` in a child node whose working folder is `cwd`, with `env`; its stdout, trimmed. */
function nodeIn(cwd, code, env) {
  return execFileSync(process.execPath, ['-e', code], { cwd, env, timeout: 30000 }).toString().trim();
}

test('a failed start names the binary, the exit code and stderr', async () => {
  const dir = tmpDir();
  const bad = path.join(dir, 'fixtures.json');
  fs.writeFileSync(bad, '{"Regions": []}');
  await assert.rejects(start({ fixtures: bad }), (err) => {
    assert.ok(err instanceof EmulatorStartError);
    assert.equal(err.binary, BIN);
    assert.equal(err.exitCode, 2);
    assert.ok(err.stderr.includes(bad), err.stderr);
    assert.ok(err.message.includes(`binary: ${BIN}`), err.message);
    assert.ok(err.message.includes('exit code: 2'), err.message);
    assert.ok(err.message.includes(err.stderr.trim()), err.message);
    return true;
  });
  const missing = path.join(dir, 'no-such-emulator');
  await assert.rejects(start({ binary: missing }), (err) => err instanceof EmulatorStartError && err.message.includes(missing));
});

test('the binary: the platform package first, then VPC_EMULATOR_BIN, then PATH', () => {
  const dir = tmpDir();
  // A project with the package and a platform package installed.
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, 'aliyun-vpc-emulator'), { recursive: true });
  for (const file of ['index.js', 'package.json']) {
    fs.copyFileSync(path.join(PACKAGE_DIR, file), path.join(modules, 'aliyun-vpc-emulator', file));
  }
  const platform = path.join(modules, pkg.platformPackage());
  fs.mkdirSync(path.join(platform, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(platform, 'package.json'), JSON.stringify({ name: pkg.platformPackage(), version: '0.0.0' }));
  fs.copyFileSync(BIN, path.join(platform, 'bin', 'aliyun-vpc-emulator'));
  fs.chmodSync(path.join(platform, 'bin', 'aliyun-vpc-emulator'), 0o755);
  const onPath = path.join(dir, 'path-bin');
  fs.mkdirSync(onPath);
  fs.symlinkSync(BIN, path.join(onPath, 'aliyun-vpc-emulator'));
  const find = "console.log(require('aliyun-vpc-emulator').findBinary())";
  const env = { ...process.env, PATH: `${onPath}${path.delimiter}${process.env.PATH}`, VPC_EMULATOR_BIN: BIN };

  assert.equal(nodeIn(dir, find, env), path.join(platform, 'bin', 'aliyun-vpc-emulator'));
  fs.rmSync(platform, { recursive: true });
  assert.equal(nodeIn(dir, find, env), BIN);
  delete env.VPC_EMULATOR_BIN;
  assert.equal(nodeIn(dir, find, env), path.join(onPath, 'aliyun-vpc-emulator'));
  env.PATH = path.dirname(process.execPath);
  assert.match(nodeIn(dir, `try { ${find} } catch (e) { console.log(e.message) }`, env),
    /^no aliyun-vpc-emulator binary: install aliyun-vpc-emulator-linux-x64 .*VPC_EMULATOR_BIN/);
});

test('defaults of SPEC 14, state() and requests()', async (t) => {
  const emu = await emulatorFor(t);
  assert.ok(emu.port > 0);
  assert.equal(emu.endpoint, `127.0.0.1:${emu.port}`);
  assert.equal(emu.url, `http://127.0.0.1:${emu.port}`);
  assert.deepEqual([emu.region, emu.accessKeyId, emu.accessKeySecret], [C.REGION, C.ROOT_AK, C.ROOT_SECRET]);
  assert.equal(emu.caPem, null);
  assert.deepEqual((await emu.state()).SslVpnClientCerts.map((c) => c.Name), ['cert1', 'cert2']);
  const renamed = await emu.client().modifySslVpnClientCert(new Vpc.ModifySslVpnClientCertRequest({
    regionId: C.REGION, sslVpnClientCertId: C.CERT1, name: 'from-package' }));
  assert.equal(renamed.body.name, 'from-package');
  const [call] = await emu.requests();
  assert.equal(call.Action, 'ModifySslVpnClientCert');
  assert.equal(call.RequestId, renamed.body.requestId);
  await emu.reset();
  assert.deepEqual(await emu.requests(), []);
  await assert.rejects(emu.putState({ Regions: [] }), (err) => err instanceof AdminError && err.status === 400);
});

test('tls: client() trusts the CA in caPem', async (t) => {
  const emu = await emulatorFor(t, { tls: true });
  assert.equal(emu.url, `https://127.0.0.1:${emu.port}`);
  assert.match(emu.caPem, /^-----BEGIN CERTIFICATE-----/);
  const answer = await emu.client().describeSslVpnClientCert(new Vpc.DescribeSslVpnClientCertRequest({
    regionId: C.REGION, sslVpnClientCertId: C.CERT1 }));
  assert.equal(answer.body.name, 'cert1');
  // The same client without the CA fails on the certificate: it spoke TLS.
  await assert.rejects(emu.client({ ca: undefined }).describeSslVpnClientCert(new Vpc.DescribeSslVpnClientCertRequest({
    regionId: C.REGION, sslVpnClientCertId: C.CERT1 })), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/i);
});

test('options become flags; the admin calls send the admin token', async (t) => {
  const emu = await emulatorFor(t, { auth: 'strict', adminToken: 't0ken', gatewayBusyMs: 250 });
  assert.ok((await emu.clock()) > 0);
  const bare = await fetch(`${emu.adminUrl}/state`);
  assert.equal(bare.status, 401);
});

test('the ES module entry exports the same API', async () => {
  const esm = await import('aliyun-vpc-emulator');
  for (const name of ['start', 'findBinary', 'platformPackage', 'Emulator', 'EmulatorStartError', 'AdminError']) {
    assert.equal(esm[name], pkg[name], name);
  }
  assert.equal(esm.default, pkg);
});

test('an emulator that was not stopped ends with the process that started it', async () => {
  const pid = Number(nodeIn(path.join(__dirname, '..'),
    "require('aliyun-vpc-emulator').start().then((emu) => console.log(emu.pid))", process.env));
  assert.ok(pid > 0);
  // Gone, or a zombie waiting for its new parent to reap it: either way it has exited.
  const alive = () => {
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch (e) {
      return false;
    }
  };
  const deadline = Date.now() + 10000;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(alive(), false, `emulator ${pid} still runs`);
});
