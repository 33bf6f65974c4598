"""Benchmark: `mlscan scan --cloud aws` over one region holding many training jobs (linear? bounded memory?).

Seeds a moto server (its own process, with the SageMaker operations moto lacks) with N training
jobs in one region, then runs the mlscan CLI on it for each size asked for. Every run is a whole
process; its wall time, its own CPU time and its peak resident memory are the child's
(``os.wait4``), so moto's CPU is not counted in mlscan's. Targets (exit 1 on a miss): time per job
at the largest size within 25 % of the smallest size's (linear growth) and peak memory under 1 GB.

    .venv/bin/python bench/aws_many_jobs.py                       # 5,000, 10,000 and 20,000 jobs
    .venv/bin/python bench/aws_many_jobs.py --sizes 2000,4000     # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from aws_vs_prowler import env_for, start_moto  # noqa: E402

REGION = "us-east-1"
MEMORY_LIMIT_MB = 1024
LINEAR_TOLERANCE = 0.25


def seed_jobs(url: str, start: int, stop: int, workers: int = 32) -> None:
    """Training jobs ``start`` .. ``stop - 1`` (half DP-SGD with a VPC and keys, half plain)."""
    import boto3

    from scanner.sandbox.aws_estate import DP_HYPERPARAMETERS, IMAGE, INSTANCE, PLAIN_HYPERPARAMETERS

    sm = boto3.client("sagemaker", region_name=REGION, endpoint_url=url)
    role = "arn:aws:iam::123456789012:role/sm-scoped"

    def create(i: int) -> None:
        secure = i % 2 == 0
        sm.create_training_job(
            TrainingJobName=f"job-{i:06d}",
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=role,
            OutputDataConfig={"S3OutputPath": "s3://ml-artifacts/models"},
            ResourceConfig={"InstanceType": INSTANCE, "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 86400},
            HyperParameters=dict(DP_HYPERPARAMETERS if secure else PLAIN_HYPERPARAMETERS),
            Tags=[{"Key": "team", "Value": f"t{i % 7}"}],
        )

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(create, range(start, stop)))


def scan(url: str, workers: int) -> dict[str, Any]:
    """One `mlscan scan` process: wall, its own CPU, its peak RSS, and what it found."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scan.json"
        command = [
            str(ROOT / ".venv" / "bin" / "mlscan"),
            "scan",
            "--cloud",
            "aws",
            "--endpoint-url",
            url,
            "--regions",
            REGION,
            "--max-workers",
            str(workers),
            "--format",
            "json",
            "-o",
            str(out),
            "--fail-on",
            "never",
            "-q",
        ]
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env_for(url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        report = json.loads(out.read_text()) if out.exists() else {}
    jobs = sum(1 for r in report.get("resources", []) if r["kind"] == "training_job")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
        "training_jobs": jobs,
        "errors": len(report.get("errors", [])),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,10000,20000", help="job counts, ascending")
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION)
    server, url = start_moto()
    runs: list[dict[str, Any]] = []
    try:
        seeded = 0
        for size in sizes:
            started = time.perf_counter()
            seed_jobs(url, seeded, size)
            seeded = size
            print(
                f"seeded {size} training jobs in {REGION} ({time.perf_counter() - started:.0f} s)", flush=True
            )
            run = {"jobs": size, **scan(url, args.workers), "load": round(os.getloadavg()[0], 2)}
            runs.append(run)
            print(json.dumps(run), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    first, last = runs[0], runs[-1]
    per_job = [r["cpu_seconds"] / r["jobs"] for r in (first, last)]
    growth = per_job[1] / per_job[0] - 1
    checks = [
        (all(r["training_jobs"] == r["jobs"] for r in runs), "every seeded job is in the result"),
        (
            growth <= LINEAR_TOLERANCE,
            f"mlscan CPU per job {per_job[0] * 1000:.2f} ms at {first['jobs']} -> {per_job[1] * 1000:.2f} ms at "
            f"{last['jobs']} ({growth:+.0%}, target within +{LINEAR_TOLERANCE:.0%}: linear)",
        ),
        (
            max(r["peak_mb"] for r in runs) < MEMORY_LIMIT_MB,
            f"peak memory {max(r['peak_mb'] for r in runs):.0f} MB (target < {MEMORY_LIMIT_MB} MB)",
        ),
    ]
    for met, line in checks:
        print(("ok   " if met else "MISS ") + line)
    return 0 if all(met for met, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
