"""pytest fixtures: a fresh emulator per test (it starts in milliseconds)."""
from __future__ import annotations

import warnings

import pytest

from emulator import start_emulator

# The legacy SDK's do_action() is deprecated on purpose in test_xml.py.
warnings.filterwarnings("ignore", category=DeprecationWarning, module="aliyunsdkcore")


@pytest.fixture
def start_emu(tmp_path):
    """Factory: start_emu(*extra_flags, fixtures=dict|None) -> Emulator; all are stopped at teardown."""
    started = []

    def _start(*extra_args, fixtures=None):
        emu = start_emulator(tmp_path / f"emu{len(started)}", *extra_args, fixtures=fixtures)
        started.append(emu)
        return emu

    yield _start
    for emu in started:
        emu.stop()


@pytest.fixture
def emu(start_emu):
    """An emulator on the embedded default fixtures, default (lenient) auth."""
    return start_emu()
