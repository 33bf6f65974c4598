"""Speed is a feature: a Terraform scan imports no cloud SDK, a scan of one cloud no other cloud's SDK."""

from __future__ import annotations

import json
import os
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


def _modules_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True, env=env
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["exit"] in (0, 1), completed.stdout
    return set(report["modules"])


def test_iac_scan_imports_no_cloud_sdk(repo_root):
    loaded = _modules_after("iac", str(repo_root / "terraform"), "-q", "--fail-on", "never")
    assert not [sdk for sdk in SDKS if sdk in loaded]


def test_iac_scan_with_a_warm_cache_never_imports_yaml(repo_root, tmp_path):
    """Policies, frameworks and the bundled data tables come from the cache once it is warm: no YAML parse."""
    env = {**os.environ, "MLSCAN_CACHE_DIR": str(tmp_path / "cache")}
    args = ("iac", str(repo_root / "terraform" / "insecure" / "aws"), "-q", "--fail-on", "never")
    assert "yaml" in _modules_after(*args, env=env)  # cold: every file is read and the cache filled
    assert "yaml" not in _modules_after(*args, env=env)
