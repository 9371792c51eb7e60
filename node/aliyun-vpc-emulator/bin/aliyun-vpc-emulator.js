#!/usr/bin/env node
'use strict';
// `npx aliyun-vpc-emulator [FLAGS]`: run the emulator binary in the foreground, passing
// SIGINT and SIGTERM on so that it shuts down cleanly, and exit with its status.
const { spawn } = require('node:child_process');
const { findBinary } = require('..');

const child = spawn(findBinary(), process.argv.slice(2), { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('error', (e) => { console.error(`aliyun-vpc-emulator: ${e.message}`); process.exit(2); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
