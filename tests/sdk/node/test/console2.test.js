'use strict';
// The web console after issue 25, driven in headless Chromium (Debian's chromium, through
// playwright-core): calls of an action the emulator lacks show by name, 501 NotImplemented,
// with how they were sent and by which client; the "not emulated" filter; the detail follows
// the list when an ID is clicked in the state tree; the list's columns fit at 1280, 1400 and
// 1920 px; the journal is cleared from the page; the clock is set to a time; the fault form
// takes DelayMs, Parameter and Missing…; gateways show under their VPC and any resource shows
// as JSON. Screenshots go to tests/sdk/node/.screenshots/ (ignored).
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { ServerError } = require('@alicloud/openapi-core');
const { startEmulator } = require('../lib/emulator');
const { C, makeClient } = require('../lib/clients');

const TOKEN = 'console-secret';
const SHOTS = path.join(__dirname, '..', '.screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const NOT_EMULATED = 'DescribeVpnConnectionLogs';
const VPC_ID = 'vpc-bp1emulator0000000001';
const VSWITCH_ID = 'vsw-bp1emulator0000000001';

// The User-Agent of each official client and tool, as the emulator journaled them when the
// SDK suites ran each client against it (Python, Node, Go and Java), and as the aliyun CLI and
// the Terraform provider send them (the CLI's from reference/aliyun-cli; the provider appends
// HashiCorp-Terraform/{version} Terraform-Provider/{version} Terraform-Module/{source} to the Go
// SDK's), with the name the console gives each.
const USER_AGENTS = [
  ['AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/2', 'Tea Node'],
  ['AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.0.1 TeaDSL/1', 'Tea Node'],
  ['AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0', 'Node legacy (@alicloud/pop-core)'],
  ['AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2', 'Tea Python'],
  ['AlibabaCloud (Linux 6.18.44-fc-v1272;x86_64) Python/3.11.7 Core/2.16.1 python-requests/2.18.3',
    'Python legacy (aliyun-python-sdk-core)'],
  ['AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/2', 'Go Tea'],
  ['AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/1', 'Go Tea RPC (tea-rpc)'],
  ['AlibabaCloud (linux; amd64) Golang/1.26.8 Core/1.63.22', 'Go legacy (alibaba-cloud-sdk-go)'],
  ['AlibabaCloud (Linux; amd64) Java/17.0.15+6-Debian-1deb12u1 tea-util/0.2.6 TeaDSL/1', 'Java Tea'],
  ['AlibabaCloud (Linux; amd64) Java/17.0.15+6-Debian-1deb12u1 Core/4.7.10 HTTPClient/ApacheHttpClient',
    'Java legacy (aliyun-java-sdk-core)'],
  ['AlibabaCloud (linux; amd64) Golang/1.26.8 Core/1.63.22 Aliyun-CLI/3.0.0-emutest', 'aliyun CLI'],
  ['AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/1 Terraform HashiCorp-Terraform/1.10.6 '
    + 'Terraform-Provider/1.289.0 Terraform-Module/terraform-alicloud-modules/vpc', 'Terraform provider'],
  ['AlibabaCloud (linux; amd64) Golang/1.26.8 Core/1.63.22 HashiCorp-Terraform/1.10.6 Terraform-Provider/1.289.0',
    'Terraform provider'],
  ['curl/8.5.0', 'other (curl)'],
];

describe('the web console (issue 25)', () => {
  let emu;
  let browser;
  let page;
  const pageErrors = [];
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const admin = async (method, call, body) => {
    const init = { method, headers: { ...auth } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${emu.url}/_emulator/${call}`, init);
    assert.equal(res.status, 200, `${method} ${call}`);
    return res.json();
  };
  // An unsigned GET of the API, as curl would send it.
  const plainCall = (params, headers = {}) => fetch(`${emu.url}/?${new URLSearchParams({
    Version: '2016-04-28', RegionId: C.REGION, ...params,
  })}`, { headers });
  const row = (id) => `#calls tr[data-id="${id}"]`;
  const cells = async (id) => page.$$eval(`${row(id)} td`, (tds) => tds.map((td) => td.textContent));
  const openCall = async (id) => {
    await page.click('#tabs button[data-tab="requests"]');
    await page.waitForSelector(row(id));
    await page.click(row(id));
    await page.waitForSelector(`#detail-request-id:text-is("${id}")`);
  };
  const resetFilters = async () => {
    await page.selectOption('#f-action', '');
    await page.selectOption('#f-status', '');
    await page.fill('#f-text', '');
  };

  before(async () => {
    emu = await startEmulator({ args: ['--admin-token', TOKEN] });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('pageerror', (e) => pageErrors.push(e));
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.goto(`${emu.url}/_emulator/ui`);
    await page.fill('#token', TOKEN);
    await page.click('#gate button');
    await page.waitForSelector('#app:not(.hidden)');
  });

  after(async () => {
    if (browser) await browser.close();
    if (emu) await emu.stop();
  });

  const sent = {};

  test('an ACS3, a V1 and a plain HTTP call of an action the emulator lacks each show by name, NotImplemented, with their signature kind', async () => {
    const tea = makeClient('tea-acs3', emu);
    const acs3 = await tea.error(() => tea.api(NOT_EMULATED), ServerError);
    const pop = makeClient('pop-get', emu);
    const v1 = await pop.error(() => pop.api(NOT_EMULATED));
    const res = await plainCall({ Action: NOT_EMULATED });
    const plain = { status: res.status, ...(await res.json()) };
    for (const e of [acs3, v1]) assert.deepEqual([e.status, e.code], [501, 'NotImplemented']);
    assert.deepEqual([plain.status, plain.Code], [501, 'NotImplemented']);
    sent.acs3 = acs3.requestId;
    sent.v1 = v1.requestId;
    sent.plain = plain.RequestId;

    for (const [id, signature, method, client] of [
      [sent.acs3, 'ACS3', 'POST', 'Tea Node'],
      [sent.v1, 'V1', 'GET', 'Node legacy (@alicloud/pop-core)'],
      [sent.plain, 'none', 'GET', 'other (node)'],
    ]) {
      await page.waitForSelector(row(id), { timeout: 2000 });
      const [, action, , status, code] = await cells(id);
      assert.deepEqual([action, status, code], [NOT_EMULATED, '501', 'NotImplemented'], signature);
      await openCall(id);
      assert.equal(await page.textContent('#detail h3'), `${NOT_EMULATED} 501 NotImplemented`);
      assert.equal(await page.textContent('#detail-signature'), signature);
      assert.equal(await page.textContent('#detail-method'), method);
      assert.equal(await page.textContent('#detail-scheme'), 'http');
      assert.equal(await page.textContent('#detail-api'), 'Vpc 2016-04-28');
      assert.equal(await page.textContent('#detail-sdk'), client, signature);
      assert.match(await page.textContent('#detail-not-emulated'), /DescribeVpnConnectionLogs is an action of Vpc 2016-04-28/);
      // The action asked for is in the parameters too, as the call sent it (ACS3: a header).
      const params = JSON.parse(await page.textContent('#detail-params'));
      assert.equal(params.RegionId, C.REGION);
    }
    // The journal's own User-Agent is what the detail shows.
    const entry = (await admin('GET', `requests?action=${NOT_EMULATED}`)).find((e) => e.RequestId === sent.acs3);
    await openCall(sent.acs3);
    assert.equal(await page.textContent('#detail-user-agent'), entry.UserAgent);
    assert.match(entry.UserAgent, /Node\.js.*TeaDSL/);
  });

  test('the "not emulated" filter keeps only NotImplemented calls; unknown actions show by name', async () => {
    const made = await (await plainCall({ Action: 'DescribeNoSuchThings' })).json();
    const none = await (await plainCall({})).json();
    const tea = makeClient('tea-acs3', emu);
    await tea.describeRegions();
    await page.waitForSelector(row(made.RequestId));
    await page.waitForSelector(row(none.RequestId));
    const [, action, , status, code] = await cells(made.RequestId);
    assert.deepEqual([action, status, code], ['DescribeNoSuchThings', '404', 'InvalidAction.NotFound']);
    assert.equal((await cells(none.RequestId))[1], '(no Action)');
    assert.ok(!(await page.textContent('#calls')).includes('(unknown)'));
    // The action filter offers every action asked for, known or not.
    const offered = await page.$$eval('#f-action option', (os) => os.map((o) => o.value));
    for (const a of [NOT_EMULATED, 'DescribeNoSuchThings', 'DescribeRegions']) assert.ok(offered.includes(a), a);

    await page.selectOption('#f-status', 'not-emulated');
    await page.waitForFunction(() => [...document.querySelectorAll('#calls tr')].length === 3);
    const codes = await page.$$eval('#calls tr td:nth-child(5)', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(codes, ['NotImplemented', 'NotImplemented', 'NotImplemented']);
    assert.match(await page.textContent('#count'), /^3 of \d+$/);
    // The detail shows a call of the list: a call the filter hides is not left in it.
    assert.ok([sent.acs3, sent.v1, sent.plain].includes(await page.textContent('#detail-request-id')));
    await openCall(sent.acs3);
    await page.screenshot({ path: path.join(SHOTS, '25-1-not-emulated-1400.png') });
    await resetFilters();
    // The whole list, the not-emulated call still shown (docs/console.png).
    await page.waitForSelector(row(made.RequestId));
    assert.equal(await page.textContent('#detail-request-id'), sent.acs3);
    await page.mouse.move(700, 800);
    await page.locator('#f-text').blur();
    await page.screenshot({ path: path.join(SHOTS, '25-1-list-1400.png') });
  });

  test('clicking an ID in the state tree shows the newest call naming it in the detail', async () => {
    const tea = makeClient('tea-acs3', emu);
    await tea.describeCert({ certId: C.CERT1 });
    const newest = (await tea.modify({ certId: C.CERT1, name: 'followed' })).body.RequestId;
    // An earlier call that does not name the certificate is the one shown, the newest call is
    // in the list.
    await openCall(sent.acs3);
    await page.waitForSelector(row(newest));
    await page.click('#tabs button[data-tab="state"]');
    await page.click(`li.cert[data-cert="${C.CERT1}"] a.rid`);
    await page.waitForSelector('#tab-requests:not(.hidden)');
    await page.waitForSelector(`#detail-request-id:text-is("${newest}")`, { timeout: 2000 });
    assert.equal(await page.getAttribute(row(newest), 'class'), 'sel');
    assert.equal(JSON.parse(await page.textContent('#detail-params')).SslVpnClientCertId, C.CERT1);
    // A filter that hides every call leaves no call in the detail.
    await page.fill('#f-text', 'matches-no-call-at-all');
    await page.waitForSelector('#detail:has-text("Click a call")');
    assert.equal(await page.$('#detail-request-id'), null);
    await resetFilters();
  });

  test('the list shows every column whole at 1280, 1400 and 1920 px', async () => {
    // The longest names: a 52-character action, a 36-character code, a RAM user.
    await plainCall({ Action: 'UnassociatePhysicalConnectionFromVirtualBorderRouter' });
    const ro = makeClient('tea-acs3', emu, { ak: C.RO_AK, secret: C.RO_SECRET });
    await ro.error(() => ro.api('DescribeVpnGateway', { VpnGatewayId: 'vpn-bp1doesnotexist0000001' }));
    const entries = await admin('GET', 'requests');
    await page.click('#tabs button[data-tab="requests"]');
    await page.waitForSelector(row(entries.at(-1).RequestId));
    for (const width of [1280, 1400, 1920]) {
      await page.setViewportSize({ width, height: 860 });
      const fit = await page.evaluate(() => {
        const list = document.querySelector('#tab-requests .list');
        const box = list.getBoundingClientRect();
        const clipped = [...document.querySelectorAll('#calls td, #calls-table th')]
          .filter((td) => td.scrollWidth > td.clientWidth + 1 || td.getBoundingClientRect().right > box.right + 1)
          .map((td) => td.textContent);
        const ms = document.querySelector('#calls-table th:last-child').getBoundingClientRect();
        return { overflow: list.scrollWidth - list.clientWidth, clipped, msRight: ms.right, listRight: box.right };
      });
      assert.equal(fit.overflow, 0, `${width} px: the table is wider than its panel`);
      assert.deepEqual(fit.clipped, [], `${width} px: cut cells`);
      assert.ok(fit.msRight <= fit.listRight, `${width} px: the duration column is hidden`);
      const box = await page.locator('#f-text').boundingBox();
      assert.ok(box.width >= 120, `${width} px: the text filter is ${box.width} px wide`);
      const texts = await page.$$eval('#calls td', (tds) => tds.map((td) => td.textContent));
      assert.ok(texts.includes('UnassociatePhysicalConnectionFromVirtualBorderRouter'));
      assert.ok(texts.includes('InvalidVpnGatewayInstanceId.NotFound'));
      assert.ok(texts.includes('user:readonly'));
      await page.screenshot({ path: path.join(SHOTS, `25-2-list-${width}.png`) });
    }
    await page.setViewportSize({ width: 1400, height: 860 });
  });

  test('the detail names the client from its User-Agent', async () => {
    for (const [ua, name] of USER_AGENTS) {
      assert.equal(await page.evaluate((s) => clientOf(s), ua), name, ua);
    }
    assert.equal(await page.evaluate(() => clientOf(null)), 'unknown (no User-Agent)');
    // Sent for real: the CLI's and the provider's User-Agent reach the detail.
    for (const [ua, name] of [USER_AGENTS[10], USER_AGENTS[11]]) {
      const { RequestId } = await (await plainCall({ Action: 'DescribeRegions' }, { 'User-Agent': ua })).json();
      await openCall(RequestId);
      assert.equal(await page.textContent('#detail-sdk'), name);
      assert.equal(await page.textContent('#detail-user-agent'), ua);
    }
  });

  test('gateways show under their VPC, and any resource shows as JSON', async () => {
    await page.click('#tabs button[data-tab="state"]');
    const gateway = `#tree li.vpc[data-node="${VPC_ID}"] > ul > li.gateway[data-node="${C.GATEWAY_ID}"]`;
    await page.waitForSelector(gateway);
    assert.ok(await page.$(`${gateway} li[data-node="${C.SERVER_ID}"] li.cert[data-cert="${C.CERT1}"]`));
    const state = await admin('GET', 'state');
    for (const [kind, id, key] of [
      ['VpnGateways', C.GATEWAY_ID, 'VpnGatewayId'],
      ['VSwitches', VSWITCH_ID, 'VSwitchId'],
      ['SslVpnClientCerts', C.CERT2, 'SslVpnClientCertId'],
      ['Regions', C.REGION, 'RegionId'],
      ['Accounts', C.ACCOUNT_ID, 'AccountId'],
    ]) {
      await page.click(`#tree button.js[data-kind="${kind}"][data-id="${id}"]`);
      await page.waitForSelector(`#state-json-title:text-is("${kind} ${id}")`);
      const shown = JSON.parse(await page.textContent('#state-json-text'));
      assert.deepEqual(shown, state[kind].find((x) => x[key] === id), kind);
    }
    // The same button again closes it.
    await page.click(`#tree button.js[data-kind="Accounts"][data-id="${C.ACCOUNT_ID}"]`);
    await page.waitForSelector('#state-json', { state: 'hidden' });
    await page.click(`#tree button.js[data-kind="VpnGateways"][data-id="${C.GATEWAY_ID}"]`);
    await page.waitForSelector('#state-json-text');
    // It follows the state: a rename shows without another click.
    await makeClient('tea-acs3', emu).api('ModifyVpnGatewayAttribute', { VpnGatewayId: C.GATEWAY_ID, Name: 'renamed-gw' });
    await page.waitForFunction(() => JSON.parse(document.querySelector('#state-json-text').textContent).Name === 'renamed-gw',
      null, { timeout: 3000 });
    await page.screenshot({ path: path.join(SHOTS, '25-3-state-gateway-json-1400.png') });
  });

  test('the clock is set to a time, and a time before real time says what it did', async () => {
    await page.click('#tabs button[data-tab="controls"]');
    // The form starts at the emulator's time, once the page has asked for it.
    await page.waitForFunction(() => document.querySelector('#clock-set').value !== '', null, { timeout: 5000 });
    assert.match(await page.inputValue('#clock-set'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    const target = Date.parse('2030-01-02T03:04:05Z');
    await page.fill('#clock-set', '2030-01-02 03:04:05Z');
    await page.click('#clock-set-form button');
    await page.waitForSelector('#clock:text("2030-01-02 03:04")', { timeout: 2000 });
    const { Now } = await admin('GET', 'clock');
    assert.ok(Now >= target && Now < target + 60000, `${Now}`);
    assert.equal(await page.textContent('#clock-error'), '');

    await page.fill('#clock-set', 'next tuesday');
    await page.click('#clock-set-form button');
    await page.waitForSelector('#clock-error:text("not a time: next tuesday")');
    assert.ok((await admin('GET', 'clock')).Now >= target);

    await page.fill('#clock-set', '2001-01-01');
    await page.click('#clock-set-form button');
    await page.waitForSelector('#clock-error:text("is before real time")');
    assert.ok((await admin('GET', 'clock')).Now < target);
    // Epoch milliseconds are taken as they are.
    await page.fill('#clock-set', String(target));
    await page.click('#clock-set-form button');
    await page.waitForSelector('#clock:text("2030-01-02 03:04")', { timeout: 2000 });
    // The form then shows the time it set, as the page writes times.
    assert.match(await page.inputValue('#clock-set'), /^2030-01-02 03:04:\d\dZ$/);
  });

  test('the fault form takes DelayMs and Parameter, and offers Missing… for Missing{P}', async () => {
    await page.click('#tabs button[data-tab="controls"]');
    const labels = await page.$$eval('#fault-code option', (os) => os.map((o) => o.textContent));
    assert.ok(labels.includes('Missing\u2026 (the Parameter) (400)'), labels.join(', '));
    assert.ok(!labels.some((l) => /MissingP\b|\{P\}/.test(l)), labels.join(', '));
    assert.ok(labels.includes('InvalidParameter (400)'));

    // Missing… needs its parameter.
    await page.selectOption('#fault-action', 'DescribeSslVpnClientCert');
    await page.selectOption('#fault-code', 'Missing{P}');
    await page.fill('#fault-parameter', '');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#fault-error:text("needs the Parameter")');
    assert.deepEqual(await admin('GET', 'faults'), []);

    await page.fill('#fault-parameter', 'SslVpnClientCertId');
    await page.fill('#fault-delay', '300');
    await page.fill('#fault-count', '1');
    assert.equal(await page.textContent('#fault-preview'),
      'the next calls answer 400 MissingSslVpnClientCertId: SslVpnClientCertId is mandatory for this action. after 300 ms');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults td:text-is("MissingSslVpnClientCertId")');

    // InvalidParameter names the Parameter given; a rule without a code only delays.
    await page.selectOption('#fault-action', 'ModifySslVpnClientCert');
    await page.selectOption('#fault-code', 'InvalidParameter');
    await page.fill('#fault-parameter', 'Name');
    await page.fill('#fault-delay', '');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults td:text-is("InvalidParameter")');
    await page.selectOption('#fault-action', 'DescribeRegions');
    await page.selectOption('#fault-code', '');
    assert.equal(await page.isDisabled('#fault-parameter'), true);
    await page.fill('#fault-delay', '250');
    await page.click('#fault-form button[type="submit"]');
    await page.waitForSelector('#faults td:text-is("250 ms")');
    assert.deepEqual(await admin('GET', 'faults'), [
      { Action: 'DescribeSslVpnClientCert', Code: 'MissingSslVpnClientCertId', Count: 1, DelayMs: 300 },
      { Action: 'ModifySslVpnClientCert', Code: 'InvalidParameter', Count: 1, Parameter: 'Name' },
      { Action: 'DescribeRegions', Count: 1, DelayMs: 250 },
    ]);
    await page.screenshot({ path: path.join(SHOTS, '25-4-clock-and-faults-1400.png') });

    const c = makeClient('tea-acs3', emu);
    let started = Date.now();
    const missing = await c.error(() => c.describeCert({ certId: C.CERT1 }));
    assert.ok(Date.now() - started >= 300, 'the rule delays the call');
    assert.deepEqual([missing.status, missing.code, missing.message],
      [400, 'MissingSslVpnClientCertId', 'SslVpnClientCertId is mandatory for this action.']);
    const invalid = await c.error(() => c.modify({ certId: C.CERT1, name: 'x' }));
    assert.deepEqual([invalid.code, invalid.message], ['InvalidParameter', 'The specified parameter "Name" is not valid.']);
    started = Date.now();
    await c.describeRegions();
    assert.ok(Date.now() - started >= 250, 'the delay-only rule delays the call');
    assert.deepEqual(await admin('GET', 'faults'), []);
  });

  test('the journal is cleared from the list', async () => {
    await page.click('#tabs button[data-tab="requests"]');
    assert.ok((await page.$$('#calls tr')).length > 0);
    await page.click('#clear-journal');
    await page.waitForFunction(() => document.querySelectorAll('#calls tr').length === 0);
    assert.deepEqual(await admin('GET', 'requests'), []);
    assert.equal(await page.textContent('#detail'), 'No call in the journal.');
    assert.equal(await page.textContent('#count'), '0 of 0');
    // New calls show again.
    const id = (await makeClient('pop-get', emu).describeRegions()).body.RequestId;
    await page.waitForSelector(row(id), { timeout: 2000 });
    assert.deepEqual(pageErrors, [], 'the page threw no error');
  });
});
