"""Scanning GCP imports only Google's SDK; the Terraform face imports none (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_terraform_face_imports_no_google_sdk():
    baseline = _modules_after("")  # the google / google.cloud namespace stubs come from .pth files
    loaded = _modules_after("import scanner.clouds.gcp.terraform, scanner.clouds.gcp.facts_common")
    assert not [m for m in loaded - baseline if m.startswith("google")]
    assert "scanner.clouds.gcp.terraform" in loaded


def test_live_gcp_scan_imports_neither_boto3_nor_azure():
    loaded = _modules_after(
        "from scanner.sandbox.vertex_emulator import start_vertex_emulator\n"
        "from scanner.clouds import live_scanner\n"
        "from scanner.clouds.base import LiveOptions, NullProgress\n"
        "with start_vertex_emulator() as emu:\n"
        "    result = live_scanner('gcp')(LiveOptions(projects=('mlscan-demo',), gcp_endpoint=emu.url,\n"
        "        extra={'gcp_retry_timeout': 0}), NullProgress())\n"
        "assert len(result.resources) == 15, result\n"
    )
    assert "google.cloud.aiplatform_v1" in loaded
    assert "google.cloud.notebooks_v2" in loaded  # Workbench instances
    assert not [m for m in loaded if m.split(".")[0] in ("boto3", "botocore", "azure", "moto")]
    assert "google.cloud.aiplatform" not in loaded  # the high-level SDK hides private endpoints
