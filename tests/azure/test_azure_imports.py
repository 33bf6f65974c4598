"""SDKs load lazily: the Terraform face imports no Azure SDK; an Azure scan loads neither boto3 nor Google."""

from __future__ import annotations

import subprocess
import sys

TERRAFORM_FACE = """
import sys
import scanner.clouds.azure.terraform
from scanner.clouds import terraform_mappers
terraform_mappers()
loaded = sorted(m for m in sys.modules if m == "azure" or m.startswith("azure."))
print(loaded)
assert not loaded, loaded
"""

LIVE_SCAN = """
import sys
from scanner.clouds import live_scanner
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.sandbox.arm_emulator import start_arm_emulator
with start_arm_emulator() as emu:
    result = live_scanner("azure")(LiveOptions(azure_endpoint=emu.url), NullProgress())
assert result.resources and not result.errors, result.errors
assert "azure.mgmt.machinelearningservices" in sys.modules
# bare "google" / "google.cloud" namespace packages are created at start-up by .pth files
bad = sorted(m for m in sys.modules if m.startswith(("google.cloud.", "google.api_core", "google.auth", "boto3", "botocore")))
print(bad)
assert not bad, bad
"""


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_terraform_face_imports_no_azure_sdk():
    done = _run(TERRAFORM_FACE)
    assert done.returncode == 0, done.stdout + done.stderr


def test_azure_scan_imports_no_other_cloud_sdk():
    done = _run(LIVE_SCAN)
    assert done.returncode == 0, done.stdout + done.stderr
