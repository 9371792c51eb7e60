"""pytest fixtures, through the aliyun-vpc-emulator package (python/): its pytest plugin's
`vpc_emulator_clean` (one emulator for the session, reset before each test; flags in
../pytest.ini) and its `Emulator` for tests that need their own flags or fixtures.

scripts/sdk-tests installs the package without its binary (scripts/python-library-wheel) and
points VPC_EMULATOR_BIN at the binary under test (EMULATOR_BIN)."""
from __future__ import annotations

import warnings

import pytest
from aliyun_vpc_emulator import Emulator

# The legacy SDK's do_action() is deprecated on purpose in test_xml.py.
warnings.filterwarnings("ignore", category=DeprecationWarning, module="aliyunsdkcore")

SEED = 42


@pytest.fixture
def start_emu():
    """Factory: start_emu(*extra_flags, fixtures=dict|None, **Emulator options) -> a started
    Emulator with `--seed 42`; all are stopped at teardown."""
    started = []

    def _start(*extra_args, fixtures=None, **options):
        emu = Emulator(fixtures=fixtures, seed=SEED, args=extra_args, **options)
        started.append(emu)
        return emu.start()

    yield _start
    for emu in started:
        emu.stop()


@pytest.fixture
def emu(vpc_emulator_clean):
    """An emulator on the embedded default fixtures, default (lenient) auth, as it started."""
    return vpc_emulator_clean
