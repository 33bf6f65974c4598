"""Live-scan progress in a CI log: plain lines on standard error, one per account / region done."""

from __future__ import annotations

import io

import pytest

from scanner.cli.progress import PlainProgress, progress_for
from scanner.clouds.base import LiveOptions, NullProgress


@pytest.fixture()
def moto_regions(monkeypatch: pytest.MonkeyPatch):
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "false",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        from scanner.sandbox.aws_estate import seed_aws

        regions = ("us-east-1", "eu-west-1", "ap-south-1")
        seed_aws(
            None,
            regions=regions,
            per_region={"endpoints": 1, "training_jobs": 1, "notebooks": 0, "domains": 0},
        )
        yield regions


def test_a_real_live_scan_prints_one_line_per_region_done(moto_regions: tuple[str, ...]) -> None:
    from scanner.clouds.aws.live import scan

    stream = io.StringIO()
    result = scan(LiveOptions(regions=moto_regions, max_workers=4), PlainProgress(stream, interval=3600))
    lines = stream.getvalue().splitlines()
    regions_done = [line for line in lines if line.startswith("mlscan: aws regions ")]
    assert len(regions_done) == len(moto_regions)
    assert regions_done[-1].startswith(f"mlscan: aws regions {len(moto_regions)}/{len(moto_regions)} done")
    read = [r for r in result.resources]
    assert read and "aws resources" in lines[-1]
    assert all("\x1b" not in line and "\r" not in line for line in lines)


def test_without_a_terminal_progress_is_plain_and_quiet_is_silent(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_for(quiet=False) as progress:
        assert isinstance(progress, PlainProgress)
        progress.add("azure workspaces", 2)
        progress.advance("azure workspaces")
    with progress_for(quiet=True) as progress:
        assert isinstance(progress, NullProgress)
    assert capsys.readouterr().err == "mlscan: azure workspaces 1/2 done\n"
