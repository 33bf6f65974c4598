"""Where the scanned configuration came from: the git revision of each Terraform target.

An auditor asking "which version of the infrastructure code was checked?" gets the
commit and whether the working tree had uncommitted changes. Live targets (regions,
accounts) and paths outside a git checkout simply have no revision.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def git_revision(path: str | Path) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` for the checkout holding ``path``, or None when there is none."""
    target = Path(path)
    if shutil.which("git") is None or not target.exists():
        return None
    directory = target if target.is_dir() else target.parent
    try:
        commit = _git(directory, "rev-parse", "HEAD")
        status = _git(directory, "status", "--porcelain", "--", str(target.resolve()))
    except (OSError, subprocess.SubprocessError):
        return None
    if commit is None or status is None:
        return None
    return {"commit": commit, "dirty": bool(status)}


def target_revisions(targets: Sequence[str]) -> list[dict[str, Any]]:
    """One entry per scan target: the target and, when it is in a git checkout, its revision."""
    return [{"target": target, **(git_revision(target) or {})} for target in targets]


def _git(directory: Path, *args: str) -> str | None:
    run = subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, timeout=10, check=False
    )
    return run.stdout.strip() if run.returncode == 0 else None
