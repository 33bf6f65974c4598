"""End to end over real HTTP: a ThreadedMotoServer, optionally behind a proxy that denies a region."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scanner.clouds.aws.sagemaker import LISTINGS
from tests.aws.aws_helpers import REGIONS, by_name, fake_aws_credentials, live_scan, load_bench_module


@pytest.fixture(scope="module")
def seeded(moto_server: str) -> dict[str, Any]:
    from scanner.sandbox.aws_estate import seed_aws

    with pytest.MonkeyPatch.context() as mp:
        fake_aws_credentials(mp, managed_policies=True)  # as the module's server was started
        return seed_aws(moto_server, regions=REGIONS)


@pytest.fixture
def server_env(monkeypatch: pytest.MonkeyPatch, moto_server: str) -> str:
    fake_aws_credentials(monkeypatch, managed_policies=True)
    return moto_server


def test_live_scan_over_http_with_endpoint_url(seeded: dict[str, Any], server_env: str) -> None:
    result = live_scan(endpoint_url=server_env)
    assert result.errors == ()
    assert len(by_name(result, "endpoint")) == seeded["endpoints"]
    assert len(by_name(result, "notebook")) == seeded["notebooks"]
    assert by_name(result, "endpoint")["endpoint-eu-west-1-0001"].facts["identity.grants"] == [
        "AdministratorAccess"
    ]


def test_honors_aws_endpoint_url(
    seeded: dict[str, Any], server_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", server_env)
    result = live_scan()
    assert result.errors == () and len(by_name(result, "training_job")) == seeded["training_jobs"]


def test_one_region_denied_is_an_error_and_the_rest_completes(
    seeded: dict[str, Any], server_env: str
) -> None:
    proxy_module = load_bench_module("aws_proxy")
    with proxy_module.AwsProxy(server_env, deny_regions={"eu-west-1"}) as proxy:
        result = live_scan(endpoint_url=proxy.url)
    regions = {r.region for r in result.resources}
    assert regions == {"us-east-1"}
    assert len(by_name(result, "endpoint")) == seeded["endpoints"] // 2
    wheres = {e.where for e in result.errors}
    assert wheres == {f"aws/{seeded['account']}/eu-west-1/sagemaker"}
    assert len(result.errors) == len(LISTINGS)  # one per resource type listed in the denied region
    assert all("AccessDeniedException" in e.reason for e in result.errors)


def test_unreachable_endpoint_is_an_error_not_a_crash(server_env: str) -> None:
    result = live_scan(endpoint_url="http://127.0.0.1:9", extra={"max_attempts": 1})
    assert result.resources == ()
    assert len(result.errors) == 1 and result.errors[0].where == "aws/credentials"


def test_cli_scan_json(seeded: dict[str, Any], server_env: str, tmp_path: Path) -> None:
    pytest.importorskip("scanner.cli.scan_cmd")
    out = tmp_path / "aws.json"
    env = dict(os.environ)  # server_env's fake credentials
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scanner",
            "scan",
            "--cloud",
            "aws",
            "--endpoint-url",
            server_env,
            "--regions",
            ",".join(REGIONS),
            "--format",
            "json",
            "--output",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr  # the estate has failing high findings
    report = json.loads(out.read_text())
    kinds = {r["kind"] for r in report["resources"]}
    assert kinds == {"endpoint", "model", "training_job", "notebook", "workspace"}
    failing = {
        (f["policy_id"], f["resource_id"].rsplit("/", 1)[-1])
        for f in report["findings"]
        if f["status"] == "fail"
    }
    assert any(name == "endpoint-us-east-1-0001" for _, name in failing)
    assert not any(name == "endpoint-us-east-1-0000" and pid.startswith("MLS-ENC") for pid, name in failing)
    assert "hf_not_a_real_token" not in out.read_text()
