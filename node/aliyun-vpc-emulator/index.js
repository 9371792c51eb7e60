'use strict';
// Start the Alibaba Cloud VPC API emulator from Node and drive it in tests.
//
//   const { start } = require('aliyun-vpc-emulator');
//   const emu = await start();          // port 0, embedded default fixtures
//   const client = emu.client();        // @alicloud/vpc20160428, configured
//   await emu.requests({ action: 'ModifySslVpnClientCert' });
//   await emu.stop();
//
// The binary is, in this order: the per-platform package's (aliyun-vpc-emulator-linux-x64, an
// optional dependency), the file named by VPC_EMULATOR_BIN, aliyun-vpc-emulator on PATH;
// `start({ binary })` overrides all three. Defaults (SPEC 14): the embedded default fixtures,
// lenient auth, plain HTTP unless `tls: true`, port 0 on 127.0.0.1, region cn-hangzhou, the root
// key of the default fixtures. The admin calls speak plain HTTP to /_emulator/* (with TLS the
// same port answers both).

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const BINARY_NAME = 'aliyun-vpc-emulator';
const DEFAULT_ACCESS_KEY_ID = 'LTAI5tEmulatorRootKey';
const DEFAULT_ACCESS_KEY_SECRET = 'EmulatorRootSecret';
const DEFAULT_REGION = 'cn-hangzhou';
const READY_RE = /^aliyun-vpc-emulator listening on http:\/\/(.+):(\d+)$/;
const STDERR_LINES = 2000;

// Emulators not stopped yet: ended when this process exits, so a test file that forgets stop()
// neither hangs (the child is unref'd) nor leaves an orphan behind.
const live = new Map(); // child process -> its temp-folder cleanup
let exitHookInstalled = false;
function track(child, cleanup) {
  live.set(child, cleanup);
  child.once('close', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const [c, clean] of live) {
        c.kill('SIGTERM');
        clean();
      }
    });
  }
}

/** The per-platform package of this machine, e.g. aliyun-vpc-emulator-linux-x64. */
function platformPackage() {
  return `${BINARY_NAME}-${process.platform}-${process.arch}`;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch (e) {
    return false;
  }
}

function binaryInPlatformPackage() {
  let manifest;
  try {
    manifest = require.resolve(`${platformPackage()}/package.json`);
  } catch (e) {
    return null;
  }
  const file = path.join(path.dirname(manifest), 'bin', BINARY_NAME + (process.platform === 'win32' ? '.exe' : ''));
  return isExecutable(file) ? file : null;
}

function binaryOnPath() {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, BINARY_NAME))) return path.join(dir, BINARY_NAME);
  }
  return null;
}

/** The emulator binary: the platform package's, else VPC_EMULATOR_BIN, else PATH. */
function findBinary() {
  const packaged = binaryInPlatformPackage();
  if (packaged) return packaged;
  const env = process.env.VPC_EMULATOR_BIN;
  if (env) {
    if (!isExecutable(env)) throw new Error(`VPC_EMULATOR_BIN=${env} is not an executable file`);
    return env;
  }
  const onPath = binaryOnPath();
  if (onPath) return onPath;
  throw new Error(`no ${BINARY_NAME} binary: install ${platformPackage()} (an optional dependency of ` +
    `${BINARY_NAME}), set VPC_EMULATOR_BIN, or put ${BINARY_NAME} on PATH`);
}

/** The emulator did not start: names the binary, its exit code and its stderr. */
class EmulatorStartError extends Error {
  constructor({ binary, args, exitCode, signal, stderr, reason }) {
    const text = (stderr || '').trim() || '(nothing on stderr)';
    super(`aliyun-vpc-emulator did not start: ${reason}\n  binary: ${binary}\n  arguments: ${args.join(' ')}\n` +
      `  exit code: ${exitCode}${signal ? ` (signal ${signal})` : ''}\n  stderr:\n    ${text.replace(/\n/g, '\n    ')}`);
    this.name = 'EmulatorStartError';
    Object.assign(this, { binary, args, exitCode, signal, stderr });
  }
}

/** An admin call (/_emulator/*) answered something else than 200. */
class AdminError extends Error {
  constructor(method, urlPath, status, body) {
    super(`${method} /_emulator/${urlPath} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'AdminError';
    Object.assign(this, { method, path: urlPath, status, body });
  }
}

/** A peer package (an SDK) as the user's project sees it. */
function loadPeer(name, hint) {
  try {
    return require(name);
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
  }
  // This package may be linked from elsewhere (npm link, file:): look from the working folder.
  try {
    return require(require.resolve(name, { paths: [process.cwd()] }));
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    const err = new Error(`${hint} needs ${name}: npm install ${name}`);
    err.code = 'MODULE_NOT_FOUND';
    throw err;
  }
}

function commandLine(opts, tmp) {
  const args = ['--host', opts.host || '127.0.0.1', '--port', String(opts.port ?? 0)];
  let fixtures = opts.fixtures;
  if (fixtures && typeof fixtures === 'object') {
    const file = path.join(tmp(), 'fixtures.json');
    fs.writeFileSync(file, JSON.stringify(fixtures, null, 2));
    fixtures = file;
  }
  if (fixtures) args.push('--fixtures', String(fixtures));
  if (opts.stateFile) args.push('--state-file', String(opts.stateFile));
  if (opts.tls) args.push('--tls');
  if (opts.auth) args.push('--auth', opts.auth);
  if (opts.gatewayBusyMs !== undefined) args.push('--gateway-busy-ms', String(opts.gatewayBusyMs));
  if (opts.seed !== undefined) args.push('--seed', String(opts.seed));
  if (opts.adminToken !== undefined) args.push('--admin-token', opts.adminToken);
  args.push(...(opts.args || []).map(String));
  return args;
}

/** One emulator process; made by start(). */
class Emulator {
  constructor(opts, child, port, stderrLines, exited, cleanup) {
    this.options = opts;
    this.process = child;
    this.pid = child.pid;
    this.port = port;
    this.tls = Boolean(opts.tls);
    this.region = opts.region || DEFAULT_REGION;
    this.accessKeyId = opts.accessKeyId || DEFAULT_ACCESS_KEY_ID;
    this.accessKeySecret = opts.accessKeySecret || DEFAULT_ACCESS_KEY_SECRET;
    this.caPem = null;
    this._stderr = stderrLines;
    this._exited = exited;
    this._cleanup = cleanup;
    this._stopped = null;
    const bind = opts.host || '127.0.0.1';
    const host = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' }[bind] ?? bind;
    this.host = host.includes(':') ? `[${host}]` : host;
  }

  /** `127.0.0.1:PORT`, the SDKs' endpoint setting. */
  get endpoint() { return `${this.host}:${this.port}`; }

  /** `http://127.0.0.1:PORT` (`https://` with tls). */
  get url() { return `${this.tls ? 'https' : 'http'}://${this.endpoint}`; }

  /** `http://127.0.0.1:PORT/_emulator`, plain HTTP even with tls. */
  get adminUrl() { return `http://${this.endpoint}/_emulator`; }

  /** The emulator's log so far (its last 2000 lines). */
  get stderr() { return this._stderr.join('\n'); }

  get running() { return this.process.exitCode === null && this.process.signalCode === null; }

  /** SIGTERM, then SIGKILL after 10 s; resolves to the exit code. */
  stop() {
    if (!this._stopped) {
      this._stopped = (async () => {
        // Hold the event loop until the process and its pipes are closed (start() unref'd them).
        this.process.ref();
        this.process.stdout.ref();
        this.process.stderr.ref();
        if (this.running) {
          this.process.kill('SIGTERM');
          const timer = setTimeout(() => this.process.kill('SIGKILL'), 10000);
          await this._exited;
          clearTimeout(timer);
        }
        const { code } = await this._exited;
        this._cleanup();
        return code;
      })();
    }
    return this._stopped;
  }

  // ---------------------------------------------------------------- admin API (SPEC 8)
  async adminRaw(method, urlPath, body) {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { host: this.endpoint };
    if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': data.length });
    if (this.options.adminToken !== undefined) headers.authorization = `Bearer ${this.options.adminToken}`;
    // node:http rather than fetch: no proxy settings, no keep-alive pool left behind.
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.adminUrl}/${urlPath}`, { method, headers, agent: false, timeout: 30000 }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} /_emulator/${urlPath}: no answer within 30 s`)));
      req.on('error', reject);
      req.end(data);
    });
  }

  async admin(method, urlPath, body) {
    const { status, text } = await this.adminRaw(method, urlPath, body);
    let parsed = null;
    if (text) {
      try { parsed = JSON.parse(text); } catch (e) { parsed = text; }
    }
    if (status !== 200) throw new AdminError(method, urlPath, status, parsed);
    return parsed;
  }

  health() { return this.admin('GET', 'health'); }

  /** Back to the startup fixtures; clears tokens, journal, faults and the clock offset. */
  async reset() { await this.admin('POST', 'reset'); }

  /** All resources, in the fixtures format (SPEC 6). */
  state() { return this.admin('GET', 'state'); }

  /** Replace every resource (refused whole, with AdminError, if invalid). */
  async putState(doc) { await this.admin('PUT', 'state', doc); }

  /** The journal, oldest first, as GET /_emulator/requests gives it. */
  requests({ action, limit } = {}) {
    const q = new URLSearchParams();
    if (action !== undefined && action !== null) q.set('action', action);
    if (limit !== undefined && limit !== null) q.set('limit', String(limit));
    const qs = q.toString();
    return this.admin('GET', `requests${qs ? `?${qs}` : ''}`);
  }

  async clearRequests() { await this.admin('DELETE', 'requests'); }

  /** Add a fault rule, in the API's own names: {Action, Code, Count, HttpStatus, Message, DelayMs}. */
  addFault(rule) { return this.admin('POST', 'faults', { Action: '*', ...rule }); }

  faults() { return this.admin('GET', 'faults'); }

  async clearFaults() { await this.admin('DELETE', 'faults'); }

  /** The emulator clock, epoch milliseconds. */
  async clock() { return (await this.admin('GET', 'clock')).Now; }

  /** Move the clock by `seconds` (negative allowed, never before real time). */
  async advanceClock(seconds) { return (await this.admin('POST', 'clock', { AdvanceSeconds: seconds })).Now; }

  async setClock(nowMs) { return (await this.admin('POST', 'clock', { Now: nowMs })).Now; }

  // ---------------------------------------------------------------- SDK client
  /** An @alicloud/vpc20160428 client for this emulator; `config` sets more Config fields. */
  client(config = {}) {
    const Vpc = loadPeer('@alicloud/vpc20160428', 'emulator.client()');
    // The Config class of the openapi-core the VPC client itself uses.
    const vpcDir = path.dirname(require.resolve('@alicloud/vpc20160428/package.json', {
      paths: [__dirname, process.cwd()],
    }));
    const { $OpenApiUtil } = require(require.resolve('@alicloud/openapi-core', { paths: [vpcDir] }));
    const cfg = new $OpenApiUtil.Config({
      accessKeyId: this.accessKeyId,
      accessKeySecret: this.accessKeySecret,
      endpoint: this.endpoint,
      regionId: this.region,
      protocol: this.tls ? 'https' : 'http',
      ...(this.tls ? { ca: this.caPem } : {}),
      ...config,
    });
    const Client = Vpc.default || Vpc;
    return new Client(cfg);
  }
}

/**
 * Start an emulator and wait for its listening line. Options: fixtures (a file path or a
 * fixtures object), stateFile, tls, auth, gatewayBusyMs, seed, adminToken, args (more flags),
 * port, host, binary, env, region, accessKeyId, accessKeySecret, startTimeoutMs.
 */
async function start(opts = {}) {
  let dir = null;
  const tmp = () => {
    if (!dir) dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpc-emulator-'));
    return dir;
  };
  const cleanup = () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = null;
  };
  let binary;
  let args;
  try {
    binary = opts.binary ? String(opts.binary) : findBinary();
    args = commandLine(opts, tmp);
  } catch (e) {
    cleanup();
    throw e;
  }
  const timeoutMs = opts.startTimeoutMs ?? 30000;
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
  const stderrLines = [];
  const stderrDone = new Promise((resolve) => {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      stderrLines.push(line);
      if (stderrLines.length > STDERR_LINES) stderrLines.shift();
    }).on('close', resolve);
  });
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const fail = async (reason, spawnError) => {
    if (child.exitCode === null && child.signalCode === null && !spawnError) child.kill('SIGKILL');
    const { code, signal } = spawnError ? { code: null, signal: null } : await exited;
    if (!spawnError) await stderrDone;
    cleanup();
    return new EmulatorStartError({ binary, args, exitCode: code, signal, stderr: stderrLines.join('\n'), reason });
  };

  const outcome = await new Promise((resolve) => {
    const rl = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => resolve({ reason: `no listening line on stdout within ${timeoutMs} ms` }), timeoutMs);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = READY_RE.exec(line);
      resolve(m ? { port: Number(m[2]) } : { reason: `unexpected first line on stdout: ${JSON.stringify(line)}` });
    });
    child.once('error', (e) => { clearTimeout(timer); resolve({ reason: `cannot run the binary: ${e.message}`, spawnError: true }); });
    exited.then(() => { clearTimeout(timer); resolve({ reason: 'it exited before printing its listening line' }); });
  });
  if (outcome.port === undefined) throw await fail(outcome.reason, outcome.spawnError);
  child.stdout.resume(); // keep draining so the child never blocks on a full pipe
  // The tests' process may end while the emulator runs: do not keep Node alive for it (stop()
  // holds a timer while it waits, and the exit hook ends what was not stopped).
  track(child, cleanup);
  child.unref();
  child.stdout.unref();
  child.stderr.unref();
  const emu = new Emulator(opts, child, outcome.port, stderrLines, exited, cleanup);
  if (emu.tls) {
    const { status, text } = await emu.adminRaw('GET', 'ca.pem');
    if (status !== 200) {
      await emu.stop();
      throw new AdminError('GET', 'ca.pem', status, text);
    }
    emu.caPem = text;
  }
  return emu;
}

module.exports = {
  start,
  findBinary,
  platformPackage,
  Emulator,
  EmulatorStartError,
  AdminError,
  BINARY_NAME,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_ACCESS_KEY_SECRET,
  DEFAULT_REGION,
};
