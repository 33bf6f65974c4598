"""Measure `mlscan fix` on Terraform trees: share of failing findings fixed, and whether the fixes hold.

For each tree: copy it, scan, apply every fix (--allow-replace), give the new input variables
test values in a .auto.tfvars file (standing in for the caller), re-scan, and compare the
(policy, resource) pairs: claimed fixes that still fail, new failing findings, files that no
longer parse, and `terraform fmt -check` where Terraform is installed.

    .venv/bin/python bench/fix_rate.py terraform/insecure ../shared/corpus/terraform
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scanner.clouds.sources import terraform_source
from scanner.fix.verify import verify_tree
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    args = parser.parse_args()
    terraform = shutil.which("terraform")
    policies = load_policies()

    def scan(root: Path):
        return run_scan([terraform_source([root])], policies)

    print(
        "| tree | failing | fixed (any) | fixed in place | % fixed | claimed but still failing "
        "| new failing | broken files | fmt -check regressions | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for tree in args.trees:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / tree.name
            shutil.copytree(tree, copy)
            clean_before = (
                {f.resolve(): _fmt_clean(terraform, f) for f in copy.rglob("*.tf")} if terraform else {}
            )
            started = time.perf_counter()
            report = verify_tree(copy, policies, scan)
            seconds = time.perf_counter() - started
            fmt = "terraform not installed"
            if terraform:
                regressions = [
                    p
                    for p in report.changed_files
                    if clean_before.get(p.resolve()) and not _fmt_clean(terraform, p)
                ]
                fmt = str(len(regressions))
        share = 100 * report.fixed / report.failing if report.failing else 0.0
        print(
            f"| {tree} | {report.failing} | {report.fixed} | {report.fixed_in_place} | {share:.0f}% | "
            f"{len(report.still_failing)} | {len(report.new_failing)} | {len(report.broken_files)} | {fmt} "
            f"| {seconds:.2f} |"
        )
        for problem in [*report.still_failing, *report.new_failing]:
            print(f"    {problem}", file=sys.stderr)
    return 0


def _fmt_clean(terraform: str, path: Path) -> bool:
    return subprocess.run([terraform, "fmt", "-check", str(path)], capture_output=True).returncode == 0


if __name__ == "__main__":
    sys.exit(main())
