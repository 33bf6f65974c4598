"""``--training-jobs-since``: only recent training jobs are read, and always the jobs behind deployed models."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.clouds.recent import behind_deployed_models, keep_recent_jobs
from scanner.model import Resource, Source
from scanner.sandbox.aws_estate import IMAGE, INSTANCE
from tests.aws.aws_helpers import by_name, live_scan


@pytest.fixture(scope="module")
def experiments(estate: dict[str, Any]) -> list[str]:
    """Two training jobs no model was made from (experiments), beside the estate's deployed ones."""
    import boto3

    sm = boto3.client("sagemaker", region_name="us-east-1")
    names = ["experiment-0001", "experiment-0002"]
    for name in names:
        sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=f"arn:aws:iam::{estate['account']}:role/sm-scoped",
            OutputDataConfig={"S3OutputPath": "s3://ml-artifacts-us-east-1/experiments"},
            ResourceConfig={"InstanceType": INSTANCE, "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
    return names


def test_a_cutoff_after_every_job_keeps_only_the_jobs_deployed_models_need(experiments: list[str]) -> None:
    everything = live_scan()
    later = live_scan(training_jobs_since=datetime.now(timezone.utc) + timedelta(hours=1))
    assert later.errors == ()
    needed = behind_deployed_models(everything.resources)
    jobs = by_name(everything, "training_job")
    kept = by_name(later, "training_job")
    expected = {name for name, job in jobs.items() if job.id in needed}
    assert set(experiments) <= set(jobs) and not set(experiments) & set(kept)
    assert expected and set(kept) == expected
    # the kept jobs are read in full, and the models still link to them (lineage unchanged)
    assert all(kept[name].facts == jobs[name].facts for name in kept)
    assert {m.id: m.links for m in later.resources if m.kind == "model"} == {
        m.id: m.links for m in everything.resources if m.kind == "model"
    }


def test_a_cutoff_before_every_job_changes_nothing(experiments: list[str]) -> None:
    everything = live_scan()
    earlier = live_scan(training_jobs_since=datetime.now(timezone.utc) - timedelta(days=90))
    assert set(by_name(earlier, "training_job")) == set(by_name(everything, "training_job"))


def _job(name: str, created: str | None) -> Resource:
    raw = {"CreationTime": created} if created else {}
    return Resource("aws", "sagemaker", "training_job", f"job/{name}", name, Source("live"), raw=raw)


def test_filter_keeps_recent_undated_and_deployed_jobs() -> None:
    since = datetime(2026, 6, 1, tzinfo=timezone.utc)
    model = Resource("aws", "sagemaker", "model", "model/m", "m", Source("live"), links=("job/old-deployed",))
    endpoint = Resource("aws", "sagemaker", "endpoint", "ep/e", "e", Source("live"), links=("model/m",))
    resources = [
        endpoint,
        model,
        _job("old", "2025-01-01T00:00:00+00:00"),
        _job("old-deployed", "2025-01-01T00:00:00Z"),
        _job("new", "2026-07-01T00:00:00+00:00"),
        _job("undated", None),
    ]
    kept = [r.name for r in keep_recent_jobs(resources, since)]
    assert kept == ["e", "m", "old-deployed", "new", "undated"]


def test_option_is_an_age_and_a_usage_error_otherwise() -> None:
    from scanner.cli import main

    result = CliRunner().invoke(main, ["scan", "--cloud", "aws", "--training-jobs-since", "soon"])
    assert result.exit_code == 2 and "expected a number and a unit" in result.output


def test_option_reads_the_environment_and_the_config_file(tmp_path, monkeypatch) -> None:
    from scanner.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["scan", "--cloud", "aws"], env={"MLSCAN_TRAINING_JOBS_SINCE": "later"})
    assert result.exit_code == 2 and "--training-jobs-since" in result.output
    (tmp_path / ".mlscan.yaml").write_text("training-jobs-since: tomorrow\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["scan", "--cloud", "aws"])
    assert result.exit_code == 2 and "'tomorrow'" in result.output
