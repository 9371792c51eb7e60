"""The Python package itself (issue 22): what a start failure says, the pytest plugin's ini
options, the defaults of SPEC 14, and the clients it configures. The rest of the suite runs
through the package too (conftest.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from aliyun_vpc_emulator import AdminError, Emulator, EmulatorStartError, find_binary
from alibabacloud_vpc20160428 import models as vpc_models
from aliyunsdkvpc.request.v20160428.DescribeSslVpnClientCertRequest import DescribeSslVpnClientCertRequest

from fixtures import ram_fixtures
from sdk import CERT1, REGION, ROOT_AK, ROOT_SECRET

pytest_plugins = ["pytester"]


def test_a_failed_start_names_the_binary_the_exit_code_and_stderr(tmp_path):
    bad = tmp_path / "fixtures.json"
    bad.write_text('{"Regions": []}')
    with pytest.raises(EmulatorStartError) as failure:
        Emulator(fixtures=bad).start()
    err = failure.value
    assert err.binary == find_binary() == os.environ["VPC_EMULATOR_BIN"]
    assert err.exit_code == 2
    assert str(bad) in err.stderr
    text = str(err)
    assert f"binary: {err.binary}" in text
    assert "exit code: 2" in text
    assert err.stderr.strip() in text


def test_a_port_in_use_is_a_start_failure_with_the_address(emu):
    with pytest.raises(EmulatorStartError) as failure:
        Emulator(port=emu.port).start()
    assert failure.value.exit_code == 2
    assert str(emu.port) in failure.value.stderr


def test_a_binary_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "no-such-emulator"
    with pytest.raises(EmulatorStartError) as failure:
        Emulator(binary=missing).start()
    assert failure.value.binary == str(missing)
    assert str(missing) in str(failure.value)


def test_defaults_of_spec_14(emu):
    assert emu.endpoint == f"127.0.0.1:{emu.port}" and emu.port > 0
    assert emu.url == f"http://127.0.0.1:{emu.port}"
    assert (emu.region, emu.access_key_id, emu.access_key_secret) == (REGION, ROOT_AK, ROOT_SECRET)
    assert emu.ca_pem is None
    assert emu.health()["status"] == "ok"
    # state() is the fixtures format; requests() the journal entries, each with its Action.
    assert {c["Name"] for c in emu.state()["SslVpnClientCerts"]} == {"cert1", "cert2"}
    emu.client().describe_regions(vpc_models.DescribeRegionsRequest())
    assert [e["Action"] for e in emu.requests()] == ["DescribeRegions"]


def test_put_state_and_reset(emu):
    doc = emu.state()
    doc["SslVpnClientCerts"] = doc["SslVpnClientCerts"][:1]
    emu.put_state(doc)
    assert len(emu.state()["SslVpnClientCerts"]) == 1
    with pytest.raises(AdminError) as refused:
        emu.put_state({"Regions": []})
    assert refused.value.status == 400 and "error" in refused.value.body
    emu.reset()
    assert len(emu.state()["SslVpnClientCerts"]) == 2


def test_fixtures_as_a_dict_and_options_become_flags(start_emu):
    emu = start_emu(fixtures=ram_fixtures(), auth="strict", gateway_busy_ms=250, admin_token="t0ken")
    assert "--auth strict" in " ".join(emu.command())
    assert [u["UserName"] for u in emu.state()["Accounts"][0]["Users"]] == ["readonly", "ops"]
    # The admin calls send the token; without it the emulator refuses them.
    assert emu.clock() > 0
    bare = Emulator(binary=find_binary())
    bare.port = emu.port
    with pytest.raises(AdminError) as refused:
        bare.state()
    assert refused.value.status == 401


def test_legacy_client_is_pointed_at_the_emulator(emu):
    req = DescribeSslVpnClientCertRequest()
    req.set_SslVpnClientCertId(CERT1)
    assert json.loads(emu.legacy_client().do_action_with_exception(req))["Name"] == "cert1"


def test_client_without_the_sdk_is_a_clear_import_error(emu, monkeypatch):
    monkeypatch.setitem(sys.modules, "alibabacloud_vpc20160428.client", None)
    with pytest.raises(ImportError, match="pip install alibabacloud-vpc20160428"):
        emu.client()
    monkeypatch.setitem(sys.modules, "aliyunsdkcore.client", None)
    with pytest.raises(ImportError, match="pip install aliyun-python-sdk-core"):
        emu.legacy_client()


def test_the_plugin_reads_its_ini_options(pytester):
    """vpc_emulator_fixtures (relative to the ini file) and vpc_emulator_args; one emulator for
    the session, reset before each test by vpc_emulator_clean."""
    pytester.makefile(".json", fx=json.dumps(ram_fixtures()))
    pytester.makeini("[pytest]\nvpc_emulator_fixtures = fx.json\nvpc_emulator_args = --auth strict --seed 9\n")
    pytester.makepyfile(test_user="""
        def test_one(vpc_emulator_clean):
            assert "--auth" in vpc_emulator_clean.command() and "9" in vpc_emulator_clean.command()
            assert [u["UserName"] for u in vpc_emulator_clean.state()["Accounts"][0]["Users"]] == ["readonly", "ops"]
            vpc_emulator_clean.advance_clock(3600)

        def test_two(vpc_emulator, vpc_emulator_clean):
            assert vpc_emulator is vpc_emulator_clean
            assert vpc_emulator_clean.requests() == []
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_an_emulator_not_stopped_ends_with_the_interpreter():
    out = subprocess.run([sys.executable, "-c", "from aliyun_vpc_emulator import Emulator; print(Emulator().start().pid)"],
                         capture_output=True, text=True, timeout=60, check=True)
    pid = int(out.stdout)

    def alive() -> bool:
        # Gone, or a zombie waiting for its new parent to reap it: either way it has exited.
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split(") ", 1)[1][0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(), f"emulator {pid} still runs"
