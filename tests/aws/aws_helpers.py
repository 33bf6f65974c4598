"""Helpers shared by the AWS tests (fixtures live in conftest.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from scanner.clouds.base import LiveOptions, NullProgress, SourceResult

REPO = Path(__file__).resolve().parents[2]
REGIONS = ("us-east-1", "eu-west-1")


def live_scan(**fields: Any) -> SourceResult:
    """Run the real live scanner with the given LiveOptions fields."""
    from scanner.clouds.aws.live import scan

    fields.setdefault("regions", REGIONS)
    fields.setdefault("max_workers", 8)
    return scan(LiveOptions(**fields), NullProgress())


def by_name(result: SourceResult, kind: str) -> dict[str, Any]:
    """Resources of one kind keyed by name."""
    return {r.name: r for r in result.resources if r.kind == kind}


def load_bench_module(name: str) -> Any:
    """Import a helper from bench/ (the proxy) without making bench a package."""
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_aws_credentials(monkeypatch: pytest.MonkeyPatch, managed_policies: bool = False) -> None:
    """Fake credentials; AWS-managed IAM policies only where needed (loading them costs ~1 s per account)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true" if managed_policies else "false")
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SAGEMAKER", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)


def reset_moto(url: str) -> None:
    """Empty every moto backend of this process (``POST /moto-api/reset`` on its server at ``url``)."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()
