"""Show a fix plan as a unified diff, write it in place, and summarise it for people."""

from __future__ import annotations

import difflib
import os
from collections import Counter
from pathlib import Path

from scanner.fix.terraform import FIXED, FixPlan


def unified_diff(plan: FixPlan) -> str:
    """One ``git apply`` / ``patch -p1`` compatible diff for every changed file."""
    chunks = []
    for path, old, new in plan.files:
        name = _display(path)
        chunks += difflib.unified_diff(
            old.decode("utf-8").splitlines(keepends=True),
            new.decode("utf-8").splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
    return "".join(chunks)


def write(plan: FixPlan) -> list[Path]:
    """Write every changed file in place (atomically: a temporary file renamed over it)."""
    written = []
    for path, _old, new in plan.files:
        temporary = path.with_name(f".{path.name}.mlscan-fix")
        temporary.write_bytes(new)
        os.replace(temporary, path)
        written.append(path)
    return written


def summary(plan: FixPlan) -> list[str]:
    """One line per finding (what was done or why not), then the totals."""
    lines = []
    for o in plan.outcomes:
        change = f" [{o.change.replace('_', ' ')}]" if o.status == FIXED and o.change else ""
        lines.append(f"{o.status:<22} {o.policy_id} {o.resource_id}{change}: {o.detail}")
        if o.status == FIXED and o.explanation:
            lines.append(f"{'':<23}{o.explanation}")
    inputs = sorted({i for o in plan.fixed for i in o.inputs})
    if inputs:
        lines.append("inputs to set before apply (new variables, no default): " + ", ".join(inputs))
    lines += [f"error: {e}" for e in plan.errors]
    counts = Counter(o.status for o in plan.outcomes)
    total = len(plan.outcomes)
    rate = f" ({100 * counts[FIXED] / total:.0f}%)" if total else ""
    others = [f"{n} {status}" for status, n in sorted(counts.items()) if status != FIXED]
    lines.append(
        f"{counts[FIXED]} of {total} failing findings fixed{rate} in {len(plan.files)} files"
        + "".join(f"; {other}" for other in others)
    )
    return lines


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
