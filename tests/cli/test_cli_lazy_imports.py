"""Speed is a feature: a Terraform scan imports no cloud SDK, a scan of one cloud no other cloud's SDK."""

from __future__ import annotations

import json
import subprocess
import sys

SDKS = (
    "boto3",
    "botocore",
    "azure.mgmt.machinelearningservices",
    "azure.identity",
    "google.cloud.aiplatform_v1",
    "dp_accounting",
)

PROBE = """
import json, sys
from click.testing import CliRunner
from scanner.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*args: str) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["exit"] in (0, 1), completed.stdout
    return set(report["modules"])


def test_iac_scan_imports_no_cloud_sdk(repo_root):
    loaded = _modules_after("iac", str(repo_root / "terraform"), "-q", "--fail-on", "never")
    assert not [sdk for sdk in SDKS if sdk in loaded]
