'use strict';
// `npm pack` / `npm publish` run this first: it puts the release binary of the checkout in
// bin/aliyun-vpc-emulator, so the tarball carries it. The binary is $VPC_EMULATOR_RELEASE_BIN
// when set (a binary built already, e.g. by the wheel's build), else <repo>/target/release's,
// built here with `cargo build --release` (a no-op when it is up to date).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const target = path.join(__dirname, 'bin', 'aliyun-vpc-emulator');
let source = process.env.VPC_EMULATOR_RELEASE_BIN;
if (!source) {
  execFileSync('cargo', ['build', '--release', '--locked', '--bin', 'aliyun-vpc-emulator'], { cwd: REPO, stdio: 'inherit' });
  source = path.join(REPO, 'target', 'release', 'aliyun-vpc-emulator');
}
if (!fs.existsSync(source)) {
  console.error(`prepack: no release binary at ${source}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
fs.chmodSync(target, 0o755);
console.error(`prepack: bin/aliyun-vpc-emulator <- ${source} (${fs.statSync(target).size} bytes)`);
