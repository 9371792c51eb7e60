'use strict';
// Start and stop the aliyun-vpc-emulator binary for the Node SDK tests.
// Binary: $EMULATOR_BIN, else <repo>/target/debug/aliyun-vpc-emulator. Started with
// `--port 0 --seed 42`; the port is read from the one stdout line
// `aliyun-vpc-emulator listening on http://127.0.0.1:PORT` (no sleeping).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const DEFAULT_BIN = path.join(REPO, 'target', 'debug', 'aliyun-vpc-emulator');
const READY_RE = /^aliyun-vpc-emulator listening on http:\/\/127\.0\.0\.1:(\d+)$/;
const START_TIMEOUT_MS = 15000;

function emulatorBin() {
  return process.env.EMULATOR_BIN || DEFAULT_BIN;
}

/**
 * Start an emulator. `fixtures` (SPEC section 6 object) is written to a temp file and passed
 * with --fixtures; `args` are extra flags. Resolves to {port, hostPort, url, stop(), log()}.
 */
async function startEmulator({ fixtures, args = [] } = {}) {
  const bin = emulatorBin();
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch (e) {
    throw new Error(`emulator binary not found or not executable: ${bin} (build it first, or set EMULATOR_BIN)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-emu-node-'));
  const argv = ['--port', '0', '--seed', '42'];
  if (fixtures) {
    const fx = path.join(dir, 'fixtures.json');
    fs.writeFileSync(fx, JSON.stringify(fixtures, null, 2));
    argv.push('--fixtures', fx);
  }
  argv.push(...args);
  const logPath = path.join(dir, 'emulator.stderr.log');
  const logFd = fs.openSync(logPath, 'w');
  const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', logFd] });
  fs.closeSync(logFd);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const log = () => { try { return fs.readFileSync(logPath, 'utf8'); } catch (e) { return ''; } };

  const port = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`emulator did not print its ready line within ${START_TIMEOUT_MS} ms; args=${argv.join(' ')}\n${log()}`));
    }, START_TIMEOUT_MS);
    rl.once('line', (line) => {
      clearTimeout(timer);
      rl.close();
      const m = READY_RE.exec(line);
      if (!m) {
        child.kill('SIGKILL');
        reject(new Error(`unexpected first stdout line ${JSON.stringify(line)}; args=${argv.join(' ')}\n${log()}`));
      } else {
        resolve(Number(m[1]));
      }
    });
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (code ${code}, signal ${signal}) before its ready line; args=${argv.join(' ')}\n${log()}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout.resume();

  let stopped = null;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    log,
    stop() {
      if (!stopped) {
        stopped = (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
            const res = await exited;
            clearTimeout(timer);
            fs.rmSync(dir, { recursive: true, force: true });
            return res;
          }
          fs.rmSync(dir, { recursive: true, force: true });
          return exited;
        })();
      }
      return stopped;
    },
  };
}

/** Start a fresh emulator for one test and stop it when the test ends. */
async function emulatorFor(t, opts) {
  const emu = await startEmulator(opts);
  t.after(() => emu.stop());
  return emu;
}

module.exports = { startEmulator, emulatorFor, emulatorBin };
