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

from scanner.fix.verify import verify_tree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    args = parser.parse_args()
    terraform = shutil.which("terraform")
    print(
        "| tree | failing | fixed (any) | fixed in place | % fixed | claimed but still failing | new failing | broken files | fmt -check | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for tree in args.trees:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / tree.name
            shutil.copytree(tree, copy)
            started = time.perf_counter()
            report = verify_tree(copy)
            seconds = time.perf_counter() - started
            fmt = "not installed"
            if terraform:
                changed = [str(p) for p in report.changed_files]
                rc = (
                    subprocess.run([terraform, "fmt", "-check", *changed], capture_output=True).returncode
                    if changed
                    else 0
                )
                fmt = "clean" if rc == 0 else "DIRTY"
        share = 100 * report.fixed / report.failing if report.failing else 0.0
        print(
            f"| {tree} | {report.failing} | {report.fixed} | {report.fixed_in_place} | {share:.0f}% | "
            f"{len(report.still_failing)} | {len(report.new_failing)} | {len(report.broken_files)} | {fmt} | {seconds:.2f} |"
        )
        for problem in [*report.still_failing, *report.new_failing]:
            print(f"    {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
