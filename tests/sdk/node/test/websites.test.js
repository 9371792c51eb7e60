'use strict';
// SPEC 14 (issue 24, item 1), in a real browser (Debian's chromium through playwright-core): the
// admin API is not reachable from other websites. With no admin token (the default):
// - a page served from another port and another host name (`localhost:A`, while the emulator is
//   `127.0.0.1:E`) fires `no-cors` POSTs with JSON in a text/plain body, a text/plain form
//   submission whose body is JSON, and a CORS POST with application/json at the admin API;
// - a DNS-rebinding page (its own name, `rebind.test`, resolving to 127.0.0.1 on the emulator's
//   port) reads `GET /_emulator/state` same-origin;
// nothing changes (no fault rule, no clock move, no reset) and nothing is read (no secret), while
// the console page itself, opened on a loopback name, still adds a fault and resets.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const { chromium } = require('playwright-core');
const { startEmulator } = require('../lib/emulator');
const { C, makeClient } = require('../lib/clients');
const { ok } = require('../lib/admin');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// The attacker's page: everything a page may send to another site without asking.
const ATTACK_PAGE = `<!doctype html><meta charset="utf-8"><title>attacker</title>
<iframe name="sink"></iframe>
<form id="form" method="post" enctype="text/plain" target="sink"></form>
<script>
async function attack(emulator) {
  const results = [];
  const shoot = async (path, body) => {
    try {
      await fetch(emulator + '/_emulator/' + path, { method: 'POST', mode: 'no-cors', body });
      results.push(path + ': sent');
    } catch (e) { results.push(path + ': ' + e.message); }
  };
  await shoot('reset', '');
  await shoot('faults', JSON.stringify({ Action: '*', Code: 'Throttling', Count: 1000 }));
  await shoot('clock', JSON.stringify({ AdvanceSeconds: 86400 * 30 }));
  // A CORS request with the JSON type: the browser asks first (preflight).
  try {
    await fetch(emulator + '/_emulator/faults', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Action: '*', Code: 'Throttling' }) });
    results.push('cors: sent');
  } catch (e) { results.push('cors: refused by the browser'); }
  // A form of enctype text/plain whose body is JSON (the '=' it puts between name and value
  // lands inside the Message string): a fault rule of the attacker's own code.
  const form = document.getElementById('form');
  form.action = emulator + '/_emulator/faults';
  const input = document.createElement('input');
  input.name = '{"Action": "*", "Code": "Hacked", "HttpStatus": 500, "Count": 1000, "Message": "a';
  input.value = 'b"}';
  form.appendChild(input);
  const loaded = new Promise((resolve) => { document.querySelector('iframe').onload = resolve; });
  form.submit();
  await loaded;
  results.push('form: submitted');
  return results;
}
</script>`;

// The DNS-rebinding page, on the emulator's own port under a name that resolves to 127.0.0.1.
const REBIND_PAGE = `<!doctype html><meta charset="utf-8"><title>rebinding</title>
<script>
async function steal() {
  const out = {};
  for (const path of ['state', 'requests', 'clock']) {
    const res = await fetch('/_emulator/' + path);
    out[path] = { status: res.status, body: await res.text() };
  }
  const moved = await fetch('/_emulator/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ AdvanceSeconds: 86400 }) });
  out.move = { status: moved.status, body: await moved.text() };
  return out;
}
</script>`;

describe('the admin API and other websites (SPEC 14)', () => {
  let emu;
  let browser;
  let attacker;
  let attackerPort;

  before(async () => {
    emu = await startEmulator();
    attacker = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
      res.end(ATTACK_PAGE);
    });
    await new Promise((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = attacker.address().port;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync',
        // The rebinding attacker's name now resolves to the emulator's address.
        '--host-resolver-rules=MAP rebind.test 127.0.0.1',
        // Chromium's own private-network checks would stop the rebinding page before it reaches
        // the emulator; other browsers have none. Off, so that the emulator's defence is what
        // is tested.
        '--disable-features=PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks'],
    });
  });

  after(async () => {
    if (browser) await browser.close();
    if (attacker) await new Promise((resolve) => attacker.close(resolve));
    if (emu) await emu.stop();
  });

  test('a page of another port and host name changes nothing with no-cors POSTs or a form', async () => {
    // Something a reset would undo, and the clock and rules as they are.
    const c = makeClient('tea-acs3', emu);
    await c.modify({ certId: C.CERT1, name: 'before-the-attack' });
    const clockBefore = (await ok(emu, 'GET', 'clock')).Now;
    const page = await browser.newPage();
    const seen = [];
    page.on('response', (r) => { if (r.url().includes('/_emulator/')) seen.push(`${r.request().method()} ${r.url()} ${r.status()}`); });
    await page.goto(`http://localhost:${attackerPort}/`);
    const results = await page.evaluate((target) => attack(target), emu.url);
    console.log(`# the attacker page at localhost:${attackerPort}: ${results.join('; ')}`);
    console.log(`# what the emulator answered: ${seen.join('; ')}`);
    assert.ok(results.includes('faults: sent') && results.includes('form: submitted'), results.join('; '));
    assert.ok(results.includes('cors: refused by the browser'), results.join('; '));
    await page.close();

    assert.deepEqual(await ok(emu, 'GET', 'faults'), []);
    const clockAfter = (await ok(emu, 'GET', 'clock')).Now;
    assert.ok(clockAfter - clockBefore < 3600 * 1000, `the clock moved by ${clockAfter - clockBefore} ms`);
    const cert = (await ok(emu, 'GET', 'state')).SslVpnClientCerts.find((x) => x.SslVpnClientCertId === C.CERT1);
    assert.equal(cert.Name, 'before-the-attack', 'a reset undid the rename');
    // The emulator answered every one the page sent with 403 (the CORS one never left the
    // browser: its preflight was refused).
    assert.ok(seen.length >= 4, seen.join('; '));
    for (const line of seen) assert.match(line, / 403$/);
  });

  test('a DNS-rebinding page on the emulator\'s port reads no state and moves no clock', async () => {
    const page = await browser.newPage();
    const origin = `http://rebind.test:${emu.port}`;
    // The page itself comes from the attacker (served here); every call it makes reaches the
    // emulator, with Host rebind.test:PORT, as after a rebinding.
    await page.route(`${origin}/`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: REBIND_PAGE }));
    await page.goto(`${origin}/`);
    const stolen = await page.evaluate(() => steal());
    console.log(`# the rebinding page read: ${Object.entries(stolen).map(([k, v]) => `${k} ${v.status}`).join(', ')}`);
    for (const [what, answer] of Object.entries(stolen)) {
      assert.equal(answer.status, 403, `${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
      assert.ok(!answer.body.includes(C.ROOT_SECRET), what);
      assert.match(JSON.parse(answer.body).error, /^Host rebind\.test:\d+ is not a name of this emulator/);
    }
    await page.close();
    const clock = (await ok(emu, 'GET', 'clock')).Now;
    assert.ok(clock - Date.now() < 3600 * 1000);
  });

  test('the console, opened on a loopback name, still adds a fault and resets', async () => {
    const page = await browser.newPage();
    const consoleUrl = `http://localhost:${emu.port}/_emulator/ui`;
    await page.goto(consoleUrl);
    await page.waitForSelector('#app:not(.hidden)');
    await page.click('#tabs button[data-tab="controls"]');
    await page.selectOption('#fault-action', 'DescribeRegions');
    await page.selectOption('#fault-code', 'Throttling');
    await page.fill('#fault-count', '2');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults td:text("Throttling")');
    assert.deepEqual((await ok(emu, 'GET', 'faults')).map((r) => [r.Action, r.Code, r.Count]), [['DescribeRegions', 'Throttling', 2]]);
    await page.click('#tabs button[data-tab="state"]');
    await page.click('#reset');
    await page.waitForFunction(async () => (await (await fetch('/_emulator/faults')).json()).length === 0);
    assert.deepEqual(await ok(emu, 'GET', 'faults'), []);
    await page.close();
  });
});
