'use strict';
// Start and stop emulators for the Node SDK tests, through the aliyun-vpc-emulator package
// (node/aliyun-vpc-emulator, linked into node_modules by scripts/sdk-tests). Every emulator gets
// `--seed 42`; the binary is the one under test: scripts/sdk-tests sets VPC_EMULATOR_BIN to
// EMULATOR_BIN (and the platform package is not installed here).

const path = require('node:path');
const { start } = require('aliyun-vpc-emulator');

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const SEED = 42;

/**
 * Start an emulator: `fixtures` (SPEC section 6 object), `args` (more flags) and any other
 * option of the package's start(). Resolves to the package's Emulator.
 */
function startEmulator({ fixtures, args = [], ...options } = {}) {
  return start({ seed: SEED, fixtures, args, ...options });
}

/** Start a fresh emulator for one test and stop it when the test ends. */
async function emulatorFor(t, opts) {
  const emu = await startEmulator(opts);
  t.after(() => emu.stop());
  return emu;
}

module.exports = { startEmulator, emulatorFor, REPO };
