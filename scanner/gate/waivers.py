"""Waivers: accepted risks with an owner and an expiry date (``--waivers FILE``).

A waiver names a policy id or glob, a resource glob, a reason, an owner and the
last day it applies. Matching findings are kept in every report, marked waived
(``Suppression(origin="waiver")``), and do not fail the gate. Once a waiver has
expired it no longer suppresses anything and it fails the gate itself with a
message naming it, so that accepted risks get reviewed instead of forgotten.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.model import Finding, InputError, ScanResult, Suppression
from scanner.yamldoc import YamlDocument, YamlFileError

_SCHEMA_FILE = Path(__file__).with_name("waivers.schema.json")

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator


@cache
def _dates_as_text() -> type:
    """A SafeLoader that keeps ``2026-12-31`` as text, so a bad date is a schema error with a line, not a crash.

    Built on first use: a scan without a waivers file does not import PyYAML.
    """
    import yaml

    class DatesAsText(yaml.SafeLoader):
        pass

    DatesAsText.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
    )
    return DatesAsText


class WaiverFileError(InputError):
    """The waivers file is unreadable or invalid; names file, line and reason (an input error: exit 2)."""


@dataclass(frozen=True)
class Waiver:
    """One accepted risk."""

    policy: str
    """Policy id or shell-style glob (``MLS-NET-*``)."""
    resource: str
    """Glob matched against the resource id, the resource name and a Terraform resource's address."""
    reason: str
    owner: str
    expires: dt.date
    """Last day the waiver applies."""
    where: str
    """``file:line`` of the waiver, for messages."""

    def matches(self, finding: Finding) -> bool:
        """True when this waiver covers ``finding`` (policy glob and resource glob both match)."""
        return fnmatchcase(finding.policy_id, self.policy) and (
            fnmatchcase(finding.resource_id, self.resource)
            or fnmatchcase(finding.resource_name, self.resource)
            or fnmatchcase(_address(finding), self.resource)
        )

    def expired(self, today: dt.date) -> bool:
        """True after the expiry day."""
        return today > self.expires

    def describe(self) -> str:
        """One line naming the waiver for gate messages."""
        return f"waiver {self.policy} on {self.resource} ({self.where}, owner {self.owner})"


@dataclass(frozen=True)
class WaiverOutcome:
    """What applying the waivers did."""

    result: ScanResult
    """The scan with waived findings marked suppressed."""
    waived: int
    """Findings newly suppressed by a waiver."""
    expired: tuple[Waiver, ...]
    unused: tuple[Waiver, ...]
    """Valid waivers that matched no finding (candidates for removal)."""


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator  # only when a waivers file is read

    return Draft202012Validator(json.loads(_SCHEMA_FILE.read_text(encoding="utf-8")))


def load_waivers(path: str | Path) -> tuple[Waiver, ...]:
    """Parse and validate a waivers YAML file; raise :class:`WaiverFileError` naming file:line on error."""
    path = Path(path)
    try:
        doc = YamlDocument.read(path, loader=_dates_as_text())
    except YamlFileError as exc:
        raise WaiverFileError(exc.where, exc.reason) from exc
    data = doc.data
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise WaiverFileError(f"{path}:{doc.line(list(first.absolute_path))}", f"{where}: {first.message}")
    waivers = []
    for index, item in enumerate(data["waivers"]):
        line = doc.line(["waivers", index])
        try:
            expires = dt.date.fromisoformat(item["expires"])
        except ValueError as exc:
            at = doc.line(["waivers", index, "expires"])
            raise WaiverFileError(f"{path}:{at}", f"waivers/{index}/expires: {exc}") from exc
        waivers.append(
            Waiver(
                policy=item["policy"],
                resource=item.get("resource", "*"),
                reason=item["reason"],
                owner=item["owner"],
                expires=expires,
                where=f"{path}:{line}",
            )
        )
    return tuple(waivers)


def apply_waivers(
    result: ScanResult, waivers: tuple[Waiver, ...], today: dt.date | None = None
) -> WaiverOutcome:
    """Mark findings covered by a valid waiver as suppressed; report expired and unused waivers.

    A finding already suppressed (inline skip, baseline) keeps its first suppression.
    Passing findings are never marked: there is nothing to accept.
    """
    today = today or dt.date.today()
    active = [w for w in waivers if not w.expired(today)]
    expired = tuple(w for w in waivers if w.expired(today))
    used: set[int] = set()
    findings = []
    waived = 0
    for finding in result.findings:
        waiver = next((w for w in active if w.matches(finding)), None)
        if waiver is not None:
            used.add(id(waiver))
        if waiver is not None and finding.suppressed is None and finding.status.value != "pass":
            suppression = Suppression(
                policy_id=finding.policy_id,
                reason=waiver.reason,
                origin="waiver",
                owner=waiver.owner,
                expires=waiver.expires.isoformat(),
            )
            finding = replace(finding, suppressed=suppression)
            waived += 1
        findings.append(finding)
    unused = tuple(w for w in active if id(w) not in used)
    return WaiverOutcome(replace(result, findings=tuple(findings)), waived, expired, unused)


def _address(finding: Finding) -> str:
    """The Terraform address of a Terraform finding (its id is ``module dir:address``), so a waiver
    written as ``aws_sagemaker_notebook_instance.lab*`` matches wherever the module lives."""
    if finding.source.kind in ("hcl", "plan") and ":" in finding.resource_id:
        return finding.resource_id.split(":", 1)[1]
    return ""
