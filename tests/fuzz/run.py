"""``make fuzz FUZZ_SECONDS=600``: run the fuzz families in rounds with fresh seeds until the budget is spent.

Each round is one pytest run of tests/fuzz with every family's example budget multiplied by
``--scale``, under a new Hypothesis seed. A failing round's output (with Hypothesis's
falsifying example and its reproduction blob) is saved under ``.fuzz/failures/``; the failing
example itself is kept in Hypothesis's database (``.fuzz/examples``), so every later run,
``make test`` included, replays it first. Prints the number of cases per family at the end;
exits 1 if any round failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STATE = REPO / ".fuzz"
FAMILIES = (
    "cli_hcl",
    "config_yaml",
    "evidence",
    "outputs",
    "plan_bytes",
    "plan_json",
    "cloud_aws",
    "cloud_azure",
    "cloud_gcp",
)
"""Every family (``test_<family>`` in tests/fuzz): one that generated no case (skipped, or its
fixture failed) makes the run fail, so a campaign never reports a family it did not run."""


ROUND_LIMIT = 900
"""Seconds one round may take (they take 1-5 minutes): past it the round hung, which is a finding too
(a scan that never ends is a gate that never answers); its process group is stopped and the round fails."""


def _round(command: list[str], env: dict[str, str], limit: float) -> tuple[int | None, str]:
    """Run one round; (exit code or None when it hung, its output)."""
    with subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=limit)
            return process.returncode, output
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # pytest and its xdist workers
            output, _ = process.communicate()
            return None, output + "\nthe round hung: stopped\n"


def main() -> int:
    """Run rounds until ``--seconds`` have passed; report case counts and failures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--scale", type=float, default=5, help="example budget multiplier per round")
    args = parser.parse_args()
    STATE.mkdir(exist_ok=True)
    (STATE / "failures").mkdir(exist_ok=True)
    counts = STATE / "counts.json"
    counts.unlink(missing_ok=True)
    started, rounds, failed = time.monotonic(), 0, []
    last = 0.0
    while time.monotonic() - started + last < args.seconds:
        rounds += 1
        seed = random.randrange(1 << 32)
        begun = time.monotonic()
        env = {**os.environ, "FUZZ_SCALE": str(args.scale), "FUZZ_COUNTS": str(counts)}
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(REPO / "tests" / "fuzz"),
            "-q",
            "-p",
            "no:cacheprovider",
        ]
        returncode, output = _round([*command, f"--hypothesis-seed={seed}"], env, ROUND_LIMIT)
        last = time.monotonic() - begun
        if returncode != 0:
            report = STATE / "failures" / f"round-{rounds}-seed-{seed}.txt"
            report.write_text(output)
            failed.append(report)
            verdict = f"HUNG (stopped after {ROUND_LIMIT} s)" if returncode is None else "FAILED"
            print(f"round {rounds} (seed {seed}) {verdict}: {report}", flush=True)
        else:
            print(f"round {rounds} (seed {seed}) passed in {last:.0f} s", flush=True)
    totals = json.loads(counts.read_text()) if counts.is_file() else {}
    elapsed = time.monotonic() - started
    print(f"fuzz: {rounds} rounds in {elapsed:.0f} s, {sum(totals.values())} cases")
    for family in sorted({*FAMILIES, *totals}):
        print(f"  {family:<14} {totals.get(family, 0)}")
    missing = [family for family in FAMILIES if not totals.get(family)]
    if missing:
        print(f"families that generated no case: {', '.join(missing)}")
    print(f"failures: {len(failed)}" + "".join(f"\n  {path}" for path in failed))
    return 1 if failed or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
