"""Benchmark: `mlscan scan --cloud aws` against `prowler aws --service sagemaker` on one moto estate.

Seeds a ThreadedMotoServer with 1,000 endpoints (+ configs + models), 1,000 training jobs and
200 notebooks over 4 regions, then times both tools on it in the same run and prints what each
covered. Latency mode puts a proxy adding a fixed delay per API call in front of moto, and compares
mlscan's wall time with calls × latency / workers.

    .venv/bin/python bench/aws_vs_prowler.py                 # full size, both tools
    .venv/bin/python bench/aws_vs_prowler.py --latency-ms 50 # also the latency mode
    .venv/bin/python bench/aws_vs_prowler.py --scale 0.1     # a tenth of the estate (quick look)

Prowler runs from its own venv: python3 -m venv .bench/prowler && .bench/prowler/bin/pip install prowler
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from aws_proxy import ProxyProcess  # noqa: E402

from scanner.sandbox.aws_estate import BENCH_REGIONS, seed_aws  # noqa: E402

PROWLER = ROOT / ".bench" / "prowler" / "bin" / "prowler"
MOTO_SERVER = (
    f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
    "from scanner.sandbox.moto_sagemaker import install; install(); "  # the SageMaker operations moto lacks
    "from moto.server import main; main(sys.argv[1:])"
)
"""moto's server with the operations mlscan lists that moto 5 lacks (without them it answers 500 and
both tools burn retries with backoff on ListFeatureGroups, ListSpaces, ListWorkteams)."""
MLSCAN = [sys.executable, "-m", "scanner"]


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """A moto server in its own process (its CPU does not share a GIL with the proxy or the seeder)."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    server = subprocess.Popen(
        [sys.executable, "-c", MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1).read()
            return server, url
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("moto server did not start")


def env_for(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=BENCH_REGIONS[0],
        AWS_ENDPOINT_URL=url,
    )
    return env


def run_mlscan(url: str, workers: int) -> dict[str, Any]:
    """Time the CLI end to end (process start, scan, policies, JSON report)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mlscan.json"
        command = [
            *MLSCAN,
            "scan",
            "--cloud",
            "aws",
            "--endpoint-url",
            url,
            "--regions",
            ",".join(BENCH_REGIONS),
            "--max-workers",
            str(workers),
            "--format",
            "json",
            "--output",
            str(out),
            "--quiet",
        ]
        start = time.perf_counter()
        proc = subprocess.run(command, env=env_for(url), capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - start
        if not out.exists():
            raise SystemExit(f"mlscan failed ({proc.returncode}): {proc.stderr[-2000:]}")
        report = json.loads(out.read_text())
    kinds = Counter(r["kind"] for r in report["resources"])
    return {
        "seconds": seconds,
        "exit": proc.returncode,
        "resources": dict(kinds),
        "resource_types": len(kinds),
        "findings": len(report["findings"]),
        "errors": len(report["errors"]),
    }


def run_prowler(url: str) -> dict[str, Any]:
    """Time Prowler's SageMaker checks on the same server; report what it says when it cannot run."""
    if not PROWLER.exists():
        return {"skipped": f"{PROWLER} not installed"}
    with tempfile.TemporaryDirectory() as tmp:
        command = [
            str(PROWLER),
            "aws",
            "--service",
            "sagemaker",
            "--region",
            *BENCH_REGIONS,
            "--output-formats",
            "json-ocsf",
            "--output-directory",
            tmp,
            "--no-banner",
            "--ignore-exit-code-3",
        ]
        start = time.perf_counter()
        proc = subprocess.run(command, env=env_for(url), capture_output=True, text=True, cwd=tmp)
        seconds = time.perf_counter() - start
        findings: list[dict[str, Any]] = []
        for path in Path(tmp).rglob("*.ocsf.json"):
            text = path.read_text().strip()
            if text:
                findings.extend(json.loads(text))
    resources: Counter[str] = Counter()
    seen: set[str] = set()
    checks: Counter[str] = Counter()
    for finding in findings:
        checks[finding.get("metadata", {}).get("event_code", "?")] += 1
        for res in finding.get("resources") or []:
            uid = res.get("uid") or res.get("name")
            if uid and uid not in seen:
                seen.add(uid)
                resources[_arn_type(uid) or res.get("type", "?")] += 1
    return {
        "seconds": seconds,
        "exit": proc.returncode,
        "resources": dict(resources),
        "resource_types": len(resources),
        "findings": len(findings),
        "checks": len(checks),
        "stderr_tail": proc.stderr.strip().splitlines()[-3:] if proc.returncode not in (0, 3) else [],
    }


def _arn_type(uid: str) -> str | None:
    """``arn:aws:sagemaker:r:a:training-job/x`` → ``sagemaker:training-job``."""
    parts = uid.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return f"{parts[2]}:{parts[5].split('/', 1)[0]}"
    return None


RATIO_TARGET = 3.0
"""mlscan at least this many times faster than Prowler, same estate, same run."""
LATENCY_TOLERANCE = 0.25
"""Latency mode: wall time within this fraction of calls × latency / workers."""


def verdict(results: dict[str, Any]) -> int:
    """Print each target as ok / MISS; 1 when any was missed (or could not be measured)."""
    lines: list[tuple[bool, str]] = []
    ratio = results.get("ratio")
    if ratio is None:
        lines.append((False, "ratio to Prowler not measured (Prowler not installed or skipped)"))
    else:
        lines.append(
            (ratio >= RATIO_TARGET, f"Prowler / mlscan = {ratio:.2f}x (target >= {RATIO_TARGET:g}x)")
        )
    for run in (results.get("latency") or {}).get("runs", []):
        off = run["seconds"] / run["predicted"] - 1
        lines.append(
            (
                abs(off) <= LATENCY_TOLERANCE,
                f"latency, {run['workers']} workers: {run['seconds']:.1f} s vs calls x latency / workers "
                f"{run['predicted']:.1f} s ({off:+.0%}, target within {LATENCY_TOLERANCE:.0%})",
            )
        )
    for met, line in lines:
        print(("ok   " if met else "MISS ") + line)
    return 0 if all(met for met, _ in lines) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full estate")
    parser.add_argument("--workers", type=int, default=32, help="mlscan --max-workers")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="also run through a proxy adding this")
    parser.add_argument(
        "--latency-workers",
        default="4,8,16,32",
        help="worker counts swept in latency mode (comma-separated; fewer at full size, where 4 takes minutes)",
    )
    parser.add_argument("--skip-prowler", action="store_true")
    parser.add_argument(
        "--prowler-latency",
        action="store_true",
        help="also run Prowler (and the mlscan CLI) through the latency proxy (minutes at full size)",
    )
    args = parser.parse_args()
    per_region = {
        "endpoints": max(1, int(250 * args.scale)),
        "training_jobs": max(1, int(250 * args.scale)),
        "notebooks": max(1, int(50 * args.scale)),
        "domains": 1,
    }
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    server, url = start_moto()
    try:
        start = time.perf_counter()
        estate = seed_aws(url, scale="bench", per_region=per_region, workers=32)
        print(
            f"seeded {estate['endpoints']} endpoints (+configs, models), {estate['training_jobs']} training jobs, "
            f"{estate['notebooks']} notebooks, {estate['domains']} domains in {len(estate['regions'])} regions "
            f"in {time.perf_counter() - start:.1f} s"
        )
        results: dict[str, Any] = {"estate": {k: v for k, v in estate.items() if k != "roles"}}
        results["mlscan"] = run_mlscan(url, args.workers)
        print("mlscan :", json.dumps(results["mlscan"]))
        if not args.skip_prowler:
            results["prowler"] = run_prowler(url)
            print("prowler:", json.dumps(results["prowler"]))
            if "seconds" in results["prowler"]:
                ratio = results["prowler"]["seconds"] / results["mlscan"]["seconds"]
                results["ratio"] = ratio
                print(f"mlscan is {ratio:.1f}x faster than prowler on the same server")
        if args.latency_ms:
            sweep = [int(w) for w in args.latency_workers.split(",") if w.strip()]
            results["latency"] = latency_mode(
                url,
                args.latency_ms / 1000,
                args.workers,
                args.prowler_latency and not args.skip_prowler,
                sweep,
            )
        print(json.dumps(results, indent=2))
        return verdict(results)
    finally:
        server.terminate()
        server.wait(timeout=10)


def timed_live_scan(url: str, workers: int) -> tuple[float, int]:
    """The live scan alone (no process start, policies or report), in this process: seconds, resources."""
    from scanner.clouds.aws.live import scan
    from scanner.clouds.base import LiveOptions, NullProgress

    start = time.perf_counter()
    result = scan(LiveOptions(endpoint_url=url, regions=BENCH_REGIONS, max_workers=workers), NullProgress())
    return time.perf_counter() - start, len(result.resources)


def latency_mode(
    url: str, latency: float, workers: int, with_prowler: bool, sweep: list[int] | None = None
) -> dict[str, Any]:
    """Scan time through a proxy adding ``latency`` per call, against calls × latency / workers.

    Swept over worker counts: while the added latency dominates, the scan time follows the formula;
    at high worker counts it meets moto's own CPU time per call (a floor a real cloud does not have).
    """
    out: dict[str, Any] = {"latency_ms": latency * 1000, "runs": []}
    timed_live_scan(url, workers)  # warm imports (dp-accounting, botocore models) outside the timings
    with ProxyProcess(url, latency=latency) as proxy:
        for count in sorted({*(sweep or (4, 8, 16, 32)), workers}):
            before = proxy.total_calls
            seconds, resources = timed_live_scan(proxy.url, count)
            calls = proxy.total_calls - before
            predicted = calls * latency / count
            out["runs"].append({"workers": count, "calls": calls, "seconds": seconds, "predicted": predicted})
            print(
                f"latency {latency * 1000:.0f} ms, {count:>2} workers: scan of {resources} resources, {calls} calls "
                f"in {seconds:.1f} s (calls x latency / workers = {predicted:.1f} s)"
            )
        if with_prowler and PROWLER.exists():
            before = proxy.total_calls
            prowler = run_prowler(proxy.url)
            out["prowler"] = {"seconds": prowler.get("seconds"), "calls": proxy.total_calls - before}
            print(
                f"latency {latency * 1000:.0f} ms: prowler {out['prowler']['calls']} calls in {prowler.get('seconds', 0):.1f} s"
            )
            before = proxy.total_calls
            out["mlscan_cli"] = run_mlscan(proxy.url, workers)
            out["mlscan_cli"]["calls"] = proxy.total_calls - before
            print(
                f"latency {latency * 1000:.0f} ms: mlscan CLI {out['mlscan_cli']['calls']} calls in {out['mlscan_cli']['seconds']:.1f} s"
            )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
