#!/usr/bin/env bash
# A first Python project, in a new folder holding test_first.py. CHECKOUT is where you built
# the wheel with ./scripts/build-packages (once it is on PyPI: pip install aliyun-vpc-emulator).
set -euo pipefail
checkout=${CHECKOUT:?set CHECKOUT to your checkout of aliyun-vpc-emulator}
python3 -m venv .venv
.venv/bin/pip install "$checkout"/dist/aliyun_vpc_emulator-*.whl alibabacloud-vpc20160428==7.2.2 pytest
.venv/bin/pytest
