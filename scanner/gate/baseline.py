"""Baselines: accept today's failing findings so that CI fails only on new ones.

``--create-baseline FILE`` records every failing finding as "policy id on
resource id" (a fingerprint independent of line numbers and messages, so moving
a block in a .tf file does not make it new). ``--baseline FILE`` then marks the
findings already recorded as suppressed with origin ``baseline``: still shown
in reports, no longer failing the gate. Entries that no longer fail are listed
as fixed so the baseline can be refreshed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.model import Finding, InputError, ScanResult, Status, Suppression, fingerprint_of

BASELINE_VERSION = 1


class BaselineFileError(InputError):
    """The baseline file is unreadable or not an mlscan baseline (an input error: exit 2)."""


@dataclass(frozen=True)
class BaselineOutcome:
    """What comparing a scan with a baseline found."""

    result: ScanResult
    """The scan with baselined findings marked suppressed."""
    known: int
    """Failing findings already in the baseline."""
    new: int
    """Failing findings not in the baseline: these are what the gate judges."""
    fixed: tuple[dict[str, str], ...]
    """Baseline entries that no longer fail."""


def baseline_document(result: ScanResult) -> dict[str, Any]:
    """The baseline for ``result``: one entry per failing finding (suppressed ones included)."""
    entries = {
        f.fingerprint: {
            "fingerprint": f.fingerprint,
            "policy_id": f.policy_id,
            "resource_id": f.resource_id,
        }
        for f in result.findings
        if f.status is Status.FAIL
    }
    return {
        "version": BASELINE_VERSION,
        "tool": {"name": "mlscan", "version": __version__},
        "created_at": result.finished_at,
        "command": result.command,
        "findings": sorted(entries.values(), key=lambda e: (e["policy_id"], e["resource_id"])),
    }


def write_baseline(result: ScanResult, path: str | Path) -> int:
    """Write the baseline file; returns the number of entries recorded."""
    document = baseline_document(result)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(document["findings"])


def load_baseline(path: str | Path) -> dict[str, dict[str, str]]:
    """fingerprint → entry, from a baseline file; :class:`BaselineFileError` when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineFileError(str(path), f"cannot read baseline: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise BaselineFileError(f"{path}:{exc.lineno}", f"baseline is not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or "findings" not in data:
        raise BaselineFileError(str(path), f"not an mlscan baseline (version {BASELINE_VERSION} expected)")
    entries: dict[str, dict[str, str]] = {}
    for entry in data["findings"]:
        if not isinstance(entry, dict) or not {"policy_id", "resource_id"} <= entry.keys():
            raise BaselineFileError(str(path), f"baseline entry without policy_id and resource_id: {entry!r}")
        key = fingerprint_of(entry["policy_id"], entry["resource_id"])
        entries[key] = entry
    return entries


def compare_with_baseline(
    result: ScanResult, entries: dict[str, dict[str, str]], path: str = ""
) -> BaselineOutcome:
    """Suppress failing findings recorded in the baseline; count new ones and list fixed entries."""
    seen: set[str] = set()
    findings: list[Finding] = []
    known = new = 0
    for finding in result.findings:
        key = finding.fingerprint
        if finding.status is Status.FAIL and key in entries:
            seen.add(key)
            known += 1
            if finding.suppressed is None:
                reason = f"in baseline {path}".strip()
                finding = replace(
                    finding, suppressed=Suppression(finding.policy_id, reason, origin="baseline")
                )
        elif finding.failing:
            new += 1
        findings.append(finding)
    fixed = tuple(entry for key, entry in entries.items() if key not in seen)
    return BaselineOutcome(replace(result, findings=tuple(findings)), known, new, fixed)
