"""The audit evidence pack (``--evidence DIR``): per framework and control, what was checked and what was seen.

Layout::

    DIR/
      manifest.json                       SHA-256 of every other file (see manifest.py)
      scan.json                           who / what / when: tool and policy versions, accounts, time, command
      result.json                         the full JSON result (the contract of json_contract.py)
      report.html                         the HTML report, for people
      inputs/                             the waivers and baseline files used, when any
      frameworks/<framework>/summary.json control statuses of the framework
      frameworks/<framework>/controls.csv the same, one row per control (for spreadsheets / GRC tools)
      frameworks/<framework>/controls/<nnn>-<control>.json
                                          one control: status, reason, findings (with the facts each policy
                                          read), and every resource behind it with the path of its file
      resources/res-<hash>.json           one resource: facts, tags, links and configuration as read
                                          (secrets redacted), written once however many controls cite it

The pack is self-describing JSON so that an auditor can check a control without
running mlscan; ``mlscan evidence verify DIR`` proves it was not edited.
"""

from __future__ import annotations

import getpass
import json
import platform
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.compliance.rollup import ControlResult, FrameworkResult
from scanner.evidence.manifest import MANIFEST, write_manifest
from scanner.evidence.provenance import target_revisions
from scanner.model import InputError, Resource, ScanResult
from scanner.paths import policies_dir
from scanner.redact import redact_result, redact_value
from scanner.report.context import ReportContext
from scanner.report.json_contract import (
    compliance_to_dict,
    finding_to_dict,
    resource_to_dict,
    result_to_dict,
)
from scanner.report.view import anchor

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class EvidencePack:
    """Where a pack was written and the digest of its manifest (record it to detect manifest edits)."""

    directory: Path
    manifest_sha256: str
    files: int


def write_evidence_pack(
    directory: str | Path,
    result: ScanResult,
    frameworks: Sequence[FrameworkResult],
    *,
    policy_dirs: Sequence[str | Path] = (),
    inputs: Sequence[str | Path] = (),
    include_html: bool = True,
) -> EvidencePack:
    """Write the pack for ``result`` into ``directory`` (emptied first if it is an earlier pack).

    ``inputs`` are files that shaped the verdict (the waivers file, the baseline): they are
    copied under ``inputs/`` so the accepted risks are part of the evidence.
    """
    root = Path(directory)
    _prepare(root)
    redacted = redact_result(result)
    resources = {r.id: r for r in redacted.resources}
    context = ReportContext(redacted, tuple(frameworks))
    findings = {
        id(f): finding_to_dict(r, context.finding_controls(r))
        for f, r in zip(result.findings, redacted.findings, strict=True)
    }
    _write_json(root / "scan.json", scan_metadata(result, policy_dirs, frameworks))
    _write_json(root / "result.json", result_to_dict(redacted, context.finding_controls))
    for source in map(Path, inputs):
        (root / "inputs").mkdir(exist_ok=True)
        shutil.copyfile(source, root / "inputs" / source.name)
    if include_html:
        from scanner.report.human import render_html

        html = render_html(context)
        (root / "report.html").write_text(html, encoding="utf-8")
    behind_any = {rid for fr in frameworks for c in fr.controls for rid in c.resource_ids}
    for rid in sorted(behind_any & resources.keys()):
        _write_json(root / resource_file(rid), resource_to_dict(resources[rid]))
    for fr in frameworks:
        base = root / "frameworks" / _safe(fr.framework.id)
        _write_json(base / "summary.json", compliance_to_dict([fr])[0] | {"generated_by": _tool()})
        (base / "controls.csv").write_text(controls_csv(fr), encoding="utf-8")
        for index, control in enumerate(fr.controls, start=1):
            name = f"{index:03d}-{_safe(control.control.id)}.json"
            _write_json(base / "controls" / name, _control_document(fr, control, resources, findings))
    header = {"tool": _tool(), "created_at": _now(), "command": result.command}
    digest = write_manifest(root, header)
    count = sum(1 for p in root.rglob("*") if p.is_file())
    return EvidencePack(root, digest, count)


def _prepare(root: Path) -> None:
    """Create ``root``; refuse to overwrite a non-empty directory that is not an earlier pack."""
    if root.exists() and any(root.iterdir()):
        if not (root / MANIFEST).is_file():
            raise InputError(str(root), "directory is not empty and is not an mlscan evidence pack")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)


def scan_metadata(
    result: ScanResult, policy_dirs: Sequence[str | Path] = (), frameworks: Sequence[FrameworkResult] = ()
) -> dict[str, Any]:
    """Who ran what, when, against which accounts, with which tool, policy and framework versions."""
    accounts = sorted({(r.provider, r.account) for r in result.resources if r.account})
    return {
        "tool": _tool(),
        "command": result.command,
        "targets": target_revisions(result.targets),
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "pack_created_at": _now(),
        "operator": {"user": _user(), "host": platform.node(), "python": platform.python_version()},
        "accounts": [{"provider": p, "account": a} for p, a in accounts],
        "policies": {
            "evaluated": sorted({f.policy_id for f in result.findings}),
            "files": _policy_digests([policies_dir(), *map(Path, policy_dirs)]),
        },
        "frameworks": [_framework_record(fr) for fr in frameworks],
        "counts": {
            "resources": len(result.resources),
            "findings": len(result.findings),
            "errors": len(result.errors),
        },
    }


def _control_document(
    fr: FrameworkResult,
    control: ControlResult,
    resources: dict[str, Resource],
    findings: dict[int, dict[str, Any]],
) -> dict[str, Any]:
    """One control's evidence; ``findings`` holds the redacted form of each of the result's findings."""
    behind = [resources[rid] for rid in control.resource_ids if rid in resources]
    return {
        "framework": {"id": fr.framework.id, "name": fr.framework.name, "version": fr.framework.version},
        "control": {
            "id": control.control.id,
            "title": control.control.title,
            "description": control.control.description,
            "policies": list(control.control.policies),
        },
        "status": control.status.value,
        "reason": control.reason,
        "suppressed": control.suppressed,
        "findings": [findings.get(id(f)) or redact_value(finding_to_dict(f)) for f in control.findings],
        "resources": [_resource_summary(r) for r in behind],
    }


def _resource_summary(resource: Resource) -> dict[str, Any]:
    """A resource as a control document cites it: who it is, and the file with everything read.

    A resource stands behind many controls, so its facts and configuration as read are
    written once under ``resources/``; the findings here already carry the facts each
    policy read (their ``evidence``).
    """
    data = resource_to_dict(resource)
    keep = ("provider", "kind", "type", "id", "name", "account", "region", "source")
    return {**{k: data[k] for k in keep}, "configuration_file": resource_file(resource.id)}


def resource_file(resource_id: str) -> str:
    """Pack-relative path of the file holding one resource's full configuration."""
    return f"resources/{anchor(resource_id)}.json"


def _framework_record(fr: FrameworkResult) -> dict[str, Any]:
    from scanner.evidence.manifest import sha256_file

    path = Path(fr.framework.path) if fr.framework.path else None
    digest = sha256_file(path) if path is not None and path.is_file() else None
    return {
        "id": fr.framework.id,
        "name": fr.framework.name,
        "version": fr.framework.version,
        "sha256": digest,
    }


def controls_csv(fr: FrameworkResult) -> str:
    """One row per control (Prowler-style per-framework CSV) for spreadsheets and GRC tools."""
    import csv
    import io

    from scanner.report.csv_report import safe_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        (
            "framework",
            "version",
            "control",
            "title",
            "status",
            "reason",
            "findings",
            "failed",
            "suppressed",
            "resources",
            "policies",
        )
    )
    for c in fr.controls:
        failed = sum(1 for f in c.findings if f.status.value == "fail")
        row = (
            fr.framework.id,
            fr.framework.version,
            c.control.id,
            c.control.title,
            c.status.value,
            c.reason,
            len(c.findings),
            failed,
            c.suppressed,
            len(c.resource_ids),
            ";".join(c.control.policies),
        )
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def _policy_digests(dirs: Sequence[Path]) -> dict[str, str]:
    """file name → SHA-256 of every policy YAML used, so the exact policy versions are on record."""
    from scanner.evidence.manifest import sha256_file

    digests: dict[str, str] = {}
    for directory in dirs:
        if directory.is_dir():
            for path in sorted(directory.glob("*.y*ml")):
                digests[f"{directory.name}/{path.name}"] = sha256_file(path)
    return digests


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("_") or "control"


def _tool() -> dict[str, str]:
    return {"name": "mlscan", "version": __version__}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
