"""The speed targets of issue 10, measured in one run against Checkov 3.3.x: ratios, and exit 1 on a miss.

Every measurement is a whole process (start-up, scan, policies, JSON written), timed on the wall
clock; its peak memory is the child's own maximum resident set (``os.wait4``), so nothing of this
script is counted. mlscan and Checkov runs alternate (mlscan, Checkov, mlscan, ...) so a change of
load on the machine hits both; the median of ``--runs`` (at least 3) is compared.

Targets (a miss prints ``MISS`` and makes the exit code 1):

- shared corpus (``../shared/corpus/terraform``): mlscan >= 10x faster than ``checkov -d``;
- 10,000-resource plan (bench/synthetic_plan.py): >= 15x faster than ``checkov -f --framework
  terraform_plan`` and <= 1/3 of its peak memory; under 3 s and 500 MB;
- 100,000-resource plan: within 12x of the 10,000 one (linear) and under 2 GB;
- ``mlscan --version`` under 150 ms; ``mlscan iac`` on a one-file module under 0.5 s.

Checkov is installed on first use into its own venv, ``.bench/checkov`` (pip from the configured
index): ``python3 -m venv .bench/checkov && .bench/checkov/bin/pip install 'checkov==3.3.*'``.

    .venv/bin/python bench/speed_targets.py                 # everything (~10 min on 2 cores)
    .venv/bin/python bench/speed_targets.py --only plan-10k --runs 5
    .venv/bin/python bench/speed_targets.py --json targets.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from synthetic_plan import write_plan  # noqa: E402

MLSCAN = ROOT / ".venv" / "bin" / "mlscan"
CHECKOV_VENV = ROOT / ".bench" / "checkov"
CHECKOV = CHECKOV_VENV / "bin" / "checkov"
CHECKOV_SPEC = "checkov==3.3.*"
CORPUS = ROOT.parent / "shared" / "corpus" / "terraform"
ONE_FILE_MODULE = ROOT / "terraform" / "insecure" / "aws"
SECTIONS = ("startup", "one-file", "corpus", "plan-10k", "plan-100k")


@dataclass(frozen=True)
class Run:
    """One whole-process run: wall seconds, the child's peak RSS in MB, its exit code, its CPU seconds."""

    seconds: float
    peak_mb: float
    exit: int
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Target:
    """One target: what was compared, the measured value, the bound, and whether it was met."""

    name: str
    measured: float
    bound: float
    unit: str
    met: bool

    def line(self) -> str:
        verdict = "ok  " if self.met else "MISS"
        return f"{verdict} {self.name}: {self.measured:.3g} {self.unit} (target {self.bound:g} {self.unit})"


def run(command: Sequence[str], cwd: Path = ROOT) -> Run:
    """Run ``command`` to the end; wall time and the peak resident memory of that child alone."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env()
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, cpu)  # ru_maxrss is in KB on Linux


def _env() -> dict[str, str]:
    return {**os.environ, "LOG_LEVEL": "ERROR", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}


def interleaved(commands: dict[str, Sequence[str]], runs: int, *, warm: bool = True) -> dict[str, list[Run]]:
    """Each command ``runs`` times, alternating between them (after one warm-up run each, not counted,
    unless ``warm`` is false: a 10,000-resource plan takes Checkov minutes)."""
    for command in commands.values() if warm else ():
        run(command)
    out: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            out[name].append(run(command))
    return out


def median(runs: list[Run], field: str) -> float:
    return statistics.median(getattr(r, field) for r in runs)


def cpu_ratio(measured: dict[str, list[Run]]) -> float:
    """Checkov's median CPU time over mlscan's: what the wall ratio is once waiting is taken out."""
    return median(measured["checkov"], "cpu_seconds") / max(median(measured["mlscan"], "cpu_seconds"), 1e-9)


def ensure_checkov() -> Path | None:
    """Checkov in its own venv (installed on first use); None when it cannot be installed."""
    if CHECKOV.exists():
        return CHECKOV
    print(f"installing {CHECKOV_SPEC} into {CHECKOV_VENV} ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        subprocess.run([str(CHECKOV_VENV / "bin" / "pip"), "install", "-q", CHECKOV_SPEC], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"Checkov could not be installed: {exc}")
        return None
    return CHECKOV if CHECKOV.exists() else None


def checkov_version(checkov: Path) -> str:
    done = subprocess.run([str(checkov), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


def mlscan_iac(target: Path, out: Path) -> list[str]:
    return [str(MLSCAN), "iac", str(target), "--format", "json", "-o", str(out), "--fail-on", "never", "-q"]


def checkov_on(checkov: Path, target: Path) -> list[str]:
    offline = ["--skip-download"]  # no Prisma Cloud guideline download (offline it only waits)
    if target.is_dir():
        return [
            str(checkov),
            "-d",
            str(target),
            "--framework",
            "terraform",
            "-o",
            "json",
            "--quiet",
            *offline,
        ]
    return [
        str(checkov),
        "-f",
        str(target),
        "--framework",
        "terraform_plan",
        "-o",
        "json",
        "--quiet",
        *offline,
    ]


def compare(
    name: str, target: Path, checkov: Path | None, runs: int, tmp: Path
) -> tuple[dict[str, object], dict[str, list[Run]]]:
    """mlscan and (when installed) Checkov on ``target``, interleaved."""
    commands: dict[str, Sequence[str]] = {"mlscan": mlscan_iac(target, tmp / f"{name}-result.json")}
    if checkov is not None:
        commands["checkov"] = checkov_on(checkov, target)
    measured = interleaved(commands, runs, warm=target.is_dir())
    row: dict[str, object] = {
        tool: {
            "seconds": round(median(r, "seconds"), 3),
            "cpu_seconds": round(median(r, "cpu_seconds"), 3),
            "peak_mb": round(median(r, "peak_mb"), 1),
            "runs": [round(x.seconds, 3) for x in r],
            "exits": sorted({x.exit for x in r}),
        }
        for tool, r in measured.items()
    }
    print(f"{name}: {json.dumps(row)}", flush=True)
    return row, measured


def measure(
    sections: Sequence[str], runs: int, checkov: Path | None
) -> tuple[dict[str, object], list[Target]]:
    """Every section asked for: the numbers (for the JSON report) and the targets they decide."""
    results: dict[str, object] = {}
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="mlscan-bench-") as tmpdir:
        tmp = Path(tmpdir)
        if "startup" in sections:
            version = interleaved({"version": [str(MLSCAN), "--version"]}, max(runs, 5))["version"]
            seconds = median(version, "seconds")
            results["startup"] = {
                "seconds": round(seconds, 3),
                "runs": [round(r.seconds, 3) for r in version],
            }
            targets.append(Target("mlscan --version", seconds * 1000, 150, "ms", seconds < 0.150))
        if "one-file" in sections:
            module = tmp / "one-file"
            module.mkdir()
            (module / "main.tf").write_text((ONE_FILE_MODULE / "main.tf").read_text(encoding="utf-8"))
            one = interleaved({"one": mlscan_iac(module, tmp / "one.json")}, max(runs, 5))["one"]
            seconds = median(one, "seconds")
            results["one-file"] = {"seconds": round(seconds, 3), "runs": [round(r.seconds, 3) for r in one]}
            targets.append(Target("mlscan iac, one-file module", seconds, 0.5, "s", seconds < 0.5))
        if "corpus" in sections and CORPUS.is_dir():
            row, measured = compare("corpus", CORPUS, checkov, runs, tmp)
            results["corpus"] = row
            if "checkov" in measured:
                ratio = median(measured["checkov"], "seconds") / median(measured["mlscan"], "seconds")
                targets.append(Target("corpus: Checkov / mlscan", ratio, 10, "x", ratio >= 10))
                print(f"corpus: Checkov / mlscan CPU time: {cpu_ratio(measured):.1f}x (for reference)")
        ten_k = None
        if "plan-10k" in sections:
            plan = write_plan(tmp / "plan-10k.json", 10_000)
            row, measured = compare("plan-10k", plan, checkov, runs, tmp)
            results["plan-10k"] = row
            ten_k = median(measured["mlscan"], "seconds")
            peak = median(measured["mlscan"], "peak_mb")
            targets.append(Target("10k plan: mlscan time", ten_k, 3, "s", ten_k < 3))
            targets.append(Target("10k plan: mlscan peak memory", peak, 500, "MB", peak < 500))
            if "checkov" in measured:
                ratio = median(measured["checkov"], "seconds") / ten_k
                memory = peak / median(measured["checkov"], "peak_mb")
                targets.append(Target("10k plan: Checkov / mlscan time", ratio, 15, "x", ratio >= 15))
                print(f"10k plan: Checkov / mlscan CPU time: {cpu_ratio(measured):.1f}x (for reference)")
                targets.append(
                    Target("10k plan: mlscan / Checkov memory", memory, 1 / 3, "", memory <= 1 / 3)
                )
            plan.unlink()
        if "plan-100k" in sections:
            plan = write_plan(tmp / "plan-100k.json", 100_000)
            row, measured = compare("plan-100k", plan, None, runs, tmp)  # Checkov: tens of minutes
            results["plan-100k"] = row
            seconds = median(measured["mlscan"], "seconds")
            peak = median(measured["mlscan"], "peak_mb")
            targets.append(Target("100k plan: mlscan peak memory", peak, 2048, "MB", peak < 2048))
            if ten_k is not None:
                growth = seconds / ten_k
                targets.append(Target("100k plan: time / 10k plan time", growth, 12, "x", growth <= 12))
    return results, targets


def compile_bytecode() -> None:
    """Compile mlscan's modules to bytecode once, as pip does when it installs a package.

    The checkout is an editable install, and with PYTHONDONTWRITEBYTECODE set (as on these machines)
    Python would compile every module again in every run, ~0.1 s that an installed mlscan, like the
    Checkov it is compared with, never pays. A stale .pyc is recompiled by Python (mtime check).
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "scanner")], check=False)


def main(
    argv: Sequence[str] | None = None, *, find_checkov: Callable[[], Path | None] = ensure_checkov
) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (median; at least 3)")
    parser.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--json", type=Path, help="also write the numbers and targets here")
    args = parser.parse_args(argv)
    runs = max(3, args.runs)
    sections = tuple(args.only or SECTIONS)
    compile_bytecode()
    checkov = find_checkov() if {"corpus", "plan-10k"} & set(sections) else None
    load = os.getloadavg()
    print(
        f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs", flush=True
    )
    if checkov is not None:
        print(f"checkov {checkov_version(checkov)} ({checkov})", flush=True)
    results, targets = measure(sections, runs, checkov)
    load_after = os.getloadavg()
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    for target in targets:
        print(target.line())
    missing = []
    if checkov is None and {"corpus", "plan-10k"} & set(sections):
        missing.append("Checkov is not installed: the ratio targets were not measured")
    for line in missing:
        print(f"MISS {line}")
    if args.json:
        document = {
            "load_before": load,
            "load_after": load_after,
            "results": results,
            "targets": [asdict(t) for t in targets],
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0 if all(t.met for t in targets) and not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
