'use strict';
// Plain-HTTP client for the emulator's admin API (SPEC section 8), used next to the SDK calls.
// Node's fetch never goes through a proxy unless told to.

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

const addFault = (emu, rule) => ok(emu, 'POST', 'faults', rule);
const faults = (emu) => ok(emu, 'GET', 'faults');
const state = (emu) => ok(emu, 'GET', 'state');

async function certInState(emu, certId) {
  const found = (await state(emu)).SslVpnClientCerts.filter((c) => c.SslVpnClientCertId === certId);
  assert.ok(found.length <= 1, JSON.stringify(found));
  return found[0];
}

function journal(emu, { action, limit } = {}) {
  const q = new URLSearchParams();
  if (action !== undefined) q.set('action', action);
  if (limit !== undefined) q.set('limit', String(limit));
  const qs = q.toString();
  return ok(emu, 'GET', `requests${qs ? `?${qs}` : ''}`);
}

const clock = async (emu) => (await ok(emu, 'GET', 'clock')).Now;
const advanceClock = async (emu, seconds) => (await ok(emu, 'POST', 'clock', { AdvanceSeconds: seconds })).Now;
const setClock = async (emu, now) => (await ok(emu, 'POST', 'clock', { Now: now })).Now;

module.exports = { admin, ok, addFault, faults, state, certInState, journal, clock, advanceClock, setClock };
