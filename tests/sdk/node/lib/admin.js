'use strict';
// The emulator's admin API (SPEC section 8), used next to the SDK calls. `admin()` is a plain
// HTTP call that returns any status (Node's fetch never goes through a proxy unless told to);
// the helpers that expect 200 go through the package's Emulator methods.

const assert = require('node:assert/strict');

/** `METHOD /_emulator/{path}` with an optional JSON body -> {status, body}. */
async function admin(emu, method, path, body) {
  const init = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(`${emu.url}/_emulator/${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function ok(emu, method, path, body) {
  const res = await admin(emu, method, path, body);
  assert.equal(res.status, 200, `${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const addFault = (emu, rule) => emu.addFault(rule);
const faults = (emu) => emu.faults();
const state = (emu) => emu.state();

async function certInState(emu, certId) {
  const found = (await state(emu)).SslVpnClientCerts.filter((c) => c.SslVpnClientCertId === certId);
  assert.ok(found.length <= 1, JSON.stringify(found));
  return found[0];
}

const journal = (emu, { action, limit } = {}) => emu.requests({ action, limit });
const clock = (emu) => emu.clock();
const advanceClock = (emu, seconds) => emu.advanceClock(seconds);
const setClock = (emu, now) => emu.setClock(now);

module.exports = { admin, ok, addFault, faults, state, certInState, journal, clock, advanceClock, setClock };
