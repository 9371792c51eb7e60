'use strict';
// The web console at /_emulator/ui (issue 16), driven in headless Chromium (Debian's chromium,
// through playwright-core): the token prompt keeps it closed, an SDK call shows in the list
// within a second with its exact answer, a fault added in the form fails the next SDK call, and
// moving the clock turns a certificate expiring-soon in the state tree. A screenshot of each
// view goes to tests/sdk/node/.screenshots/ (ignored).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startEmulator } = require('../lib/emulator');
const { C, makeClient } = require('../lib/clients');

const TOKEN = 'console-secret';
const SHOTS = path.join(__dirname, '..', '.screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

describe('the web console', () => {
  let emu;
  let browser;
  let page;

  before(async () => {
    emu = await startEmulator({ args: ['--admin-token', TOKEN] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    if (browser) await browser.close();
    if (emu) await emu.stop();
  });

  test('the token prompt keeps the page closed without the token', async () => {
    const response = await page.goto(`${emu.url}/_emulator/ui`);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /^text\/html/);
    await page.waitForSelector('#gate:not(.hidden)');
    assert.equal(await page.isVisible('#app'), false);
    await page.screenshot({ path: path.join(SHOTS, '1-token-prompt.png') });
    await page.fill('#token', 'wrong');
    await page.click('#gate button');
    await page.waitForSelector('#gate-error:text("wrong token")');
    assert.equal(await page.isVisible('#app'), false);
    await page.fill('#token', TOKEN);
    await page.click('#gate button');
    await page.waitForSelector('#app:not(.hidden)');
    const loaded = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
    console.log(`# the console page was loaded and parsed in ${loaded.toFixed(1)} ms`);
  });

  test('an SDK call shows in the list within a second, with its exact answer', async () => {
    const c = makeClient('pop-get', emu);
    const reply = await c.describeCert({ certId: C.CERT1 });
    const id = reply.body.RequestId;
    await page.waitForSelector(`tr[data-id="${id}"]`, { timeout: 1000 });
    await page.click(`tr[data-id="${id}"]`);
    await page.waitForSelector('#detail-response');
    // The page asked for no favicon (it would be an API call to the emulator's `/`).
    assert.deepEqual((await (await fetch(`${emu.url}/_emulator/requests`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json())
      .map((e) => e.Code), [null]);
    assert.equal(await page.textContent('#detail-request-id'), id);
    const shown = JSON.parse(await page.textContent('#detail-response'));
    assert.deepEqual(shown, reply.wire);
    const params = JSON.parse(await page.textContent('#detail-params'));
    assert.equal(params.SslVpnClientCertId, C.CERT1);
    assert.equal(params.Signature, undefined);
    assert.equal(params.AccessKeyId, undefined);
    await page.screenshot({ path: path.join(SHOTS, '2-requests.png') });
  });

  test('a fault added in the form fails the next SDK call with that code', async () => {
    await page.click('#tabs button[data-tab="controls"]');
    await page.selectOption('#fault-action', 'ModifySslVpnClientCert');
    await page.selectOption('#fault-code', 'VpnGateway.Configuring');
    await page.fill('#fault-count', '1');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults td:text("VpnGateway.Configuring")');
    await page.screenshot({ path: path.join(SHOTS, '3-clock-and-faults.png') });
    const c = makeClient('tea-acs3', emu);
    const err = await c.error(() => c.modify({ certId: C.CERT1, name: 'faulted' }));
    assert.equal(err.code, 'VpnGateway.Configuring');
    assert.equal(err.status, 400);
    // Only the next one: the rule is used up.
    await c.modify({ certId: C.CERT1, name: 'after-the-fault' });
  });

  test('advancing the clock turns a certificate expiring-soon in the tree', async () => {
    await page.click('#tabs button[data-tab="state"]');
    const cert = `li.cert[data-cert="${C.CERT1}"] .badge`;
    await page.waitForSelector(cert);
    assert.equal(await page.textContent(cert), 'normal');
    // cert1 ends 2028-11-30; three days before that it is expiring-soon.
    const now = await (await fetch(`${emu.url}/_emulator/clock`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    const seconds = Math.ceil((C.END_TIME - 3 * 86400000 - now.Now) / 1000);
    await page.click('#tabs button[data-tab="controls"]');
    await page.fill('#advance', String(seconds));
    await page.click('#clock-form button');
    await page.click('#tabs button[data-tab="state"]');
    await page.waitForSelector(`${cert}:text("expiring-soon")`, { timeout: 2000 });
    await page.screenshot({ path: path.join(SHOTS, '4-state.png'), fullPage: true });
    // Clicking an ID lists the calls that named it.
    await page.click(`li.cert[data-cert="${C.CERT1}"] a.rid`);
    await page.waitForSelector('#tab-requests:not(.hidden)');
    assert.equal(await page.inputValue('#f-text'), C.CERT1);
    const rows = await page.$$eval('#calls tr', (trs) => trs.length);
    assert.ok(rows >= 3, `${rows} calls named ${C.CERT1}`);
  });

  test('it asks only for the new calls, without bodies, and for a body when a call is opened', async () => {
    // Issue 24: two console tabs polling the whole journal multiplied the emulator's memory.
    const asked = [];
    const note = (r) => { if (r.url().includes('/_emulator/requests')) asked.push(new URL(r.url())); };
    page.on('request', note);
    await page.fill('#f-text', '');
    const c = makeClient('pop-get', emu);
    const id = (await c.describeCert({ certId: C.CERT2 })).body.RequestId;
    await page.waitForSelector(`tr[data-id="${id}"]`, { timeout: 2000 });
    const polls = asked.filter((u) => u.pathname === '/_emulator/requests');
    assert.ok(polls.length >= 1);
    for (const u of polls) {
      assert.equal(u.searchParams.get('response'), 'false', u.search);
      assert.ok(u.searchParams.get('after'), `a poll asked for everything: ${u.search}`);
    }
    assert.deepEqual(asked.filter((u) => u.pathname !== '/_emulator/requests'), [], 'no body before a call is opened');
    await page.click(`tr[data-id="${id}"]`);
    await page.waitForSelector('#detail-response');
    assert.equal(JSON.parse(await page.textContent('#detail-response')).RequestId, id);
    const bodies = asked.filter((u) => u.pathname !== '/_emulator/requests').map((u) => u.pathname);
    assert.deepEqual(bodies, [`/_emulator/requests/${id}`]);
    page.off('request', note);
  });
});
