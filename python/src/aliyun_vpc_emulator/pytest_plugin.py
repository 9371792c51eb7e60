"""pytest plugin (entry point ``pytest11``): an emulator for the test session.

Fixtures:
  vpc_emulator        one Emulator for the whole session, started on first use
  vpc_emulator_clean  the same Emulator, reset() before the test (state, tokens, journal,
                      faults and clock back to the start)

ini options (pytest.ini, or [tool.pytest.ini_options] in pyproject.toml):
  vpc_emulator_fixtures  a fixtures file, relative to the ini file's folder
  vpc_emulator_args      more flags, e.g. ``--auth strict --seed 42``
"""
from __future__ import annotations

import os

import pytest

from . import Emulator


def pytest_addoption(parser):
    parser.addini("vpc_emulator_fixtures",
                  "aliyun-vpc-emulator: fixtures file for the vpc_emulator fixture "
                  "(relative to the ini file; default: the embedded default fixtures)", default="")
    parser.addini("vpc_emulator_args", "aliyun-vpc-emulator: more flags for the vpc_emulator fixture",
                  type="args", default=[])


def _fixtures_path(config) -> str | None:
    value = config.getini("vpc_emulator_fixtures")
    if not value:
        return None
    base = config.inipath.parent if config.inipath else config.rootpath
    return os.fspath(base / value)


@pytest.fixture(scope="session")
def vpc_emulator(request):
    """One aliyun-vpc-emulator for the session (see the ini options vpc_emulator_*)."""
    emulator = Emulator(fixtures=_fixtures_path(request.config), args=request.config.getini("vpc_emulator_args"))
    with emulator:
        yield emulator


@pytest.fixture
def vpc_emulator_clean(vpc_emulator):
    """The session's emulator, reset to its startup fixtures before this test."""
    vpc_emulator.reset()
    return vpc_emulator
