"""Calls and CPU of mlscan's live AWS scan on the bench estate: where moto's time goes, load-independent.

Wall time means little on a loaded 2-core machine; the calls a scan makes (counted per operation by
the proxy) and the CPU seconds of the moto server and of this process do not. Optionally through
the proxy's fixed latency, per worker count, against calls × latency ÷ workers.

    .venv/bin/python bench/aws_calls.py --scale 0.25
    .venv/bin/python bench/aws_calls.py --scale 0.25 --latency-ms 100 --workers 16,32
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aws_proxy import ProxyProcess  # noqa: E402
from aws_vs_prowler import ROOT, start_moto, timed_live_scan  # noqa: E402

sys.path.insert(0, str(ROOT))

from scanner.sandbox.aws_estate import seed_aws  # noqa: E402


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of another process (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of the full bench estate")
    parser.add_argument("--workers", default="32", help="worker counts (comma-separated)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="proxy latency per call")
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1"
    )
    per_region = {
        "endpoints": max(1, int(250 * args.scale)),
        "training_jobs": max(1, int(250 * args.scale)),
        "notebooks": max(1, int(50 * args.scale)),
        "domains": 1,
    }
    server, url = start_moto()
    try:
        seed_aws(url, scale="bench", per_region=per_region, workers=16)
        timed_live_scan(url, 32)  # warm imports and botocore models outside the counts
        with ProxyProcess(url, latency=args.latency_ms / 1000) as proxy:
            for workers in (int(w) for w in args.workers.split(",") if w.strip()):
                counts_before = proxy.call_counts()
                moto_before, proxy_before, own_before = (
                    process_cpu(server.pid),
                    process_cpu(proxy.pid),
                    os.times(),
                )
                seconds, resources = timed_live_scan(proxy.url, workers)
                own_after, moto_after, proxy_after = (
                    os.times(),
                    process_cpu(server.pid),
                    process_cpu(proxy.pid),
                )
                counts = proxy.call_counts() - counts_before
                calls = sum(counts.values())
                own = own_after.user - own_before.user + own_after.system - own_before.system
                line = (
                    f"{workers} workers: {resources} resources, {calls} calls, wall {seconds:.1f} s, "
                    f"scanner CPU {own:.2f} s, proxy CPU {proxy_after - proxy_before:.2f} s, moto CPU {moto_after - moto_before:.2f} s"
                )
                if args.latency_ms:
                    predicted = calls * args.latency_ms / 1000 / workers
                    line += f", calls x latency / workers {predicted:.1f} s ({seconds / predicted - 1:+.0%})"
                print(line)
            print(json.dumps(dict(proxy.call_counts().most_common()), indent=1))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
