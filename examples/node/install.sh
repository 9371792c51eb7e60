#!/usr/bin/env bash
# A first Node project, in a new folder holding first.test.js. CHECKOUT is where you built the
# two tarballs with ./scripts/build-packages (once on npm: npm install aliyun-vpc-emulator).
set -euo pipefail
checkout=${CHECKOUT:?set CHECKOUT to your checkout of aliyun-vpc-emulator}
npm install --save-dev "$checkout"/dist/aliyun-vpc-emulator-*.tgz @alicloud/vpc20160428@7.3.2
node --test
