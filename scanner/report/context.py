"""What every report renderer receives: the scan result plus its compliance roll-up."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from scanner.compliance.rollup import FrameworkResult, controls_by_policy
from scanner.model import Finding, Resource, ScanResult


@dataclass(frozen=True)
class ReportContext:
    """One scan, ready to render in any format.

    The compliance roll-up is computed once by the caller so that the HTML, the
    CSV and the evidence pack can never disagree on a control's status.
    """

    result: ScanResult
    frameworks: tuple[FrameworkResult, ...] = ()
    template_dir: Path | None = None
    """A user directory whose templates override the built-in ones (``--template-dir``)."""

    def controls_for(self, policy_id: str) -> list[str]:
        """``framework:control`` ids the policy evidences, for per-finding columns."""
        return self._by_policy.get(policy_id, [])

    def finding_controls(self, finding: Finding) -> dict[str, list[str]]:
        """framework id → the control ids this finding evidences. A framework limited to some clouds
        (CIS Azure ML) names only their findings, as the roll-up counts them."""
        key = (finding.policy_id, finding.provider)
        if key not in self._finding_controls:
            mapping: dict[str, list[str]] = {}
            for framework, providers, control in self._controls_by_policy.get(finding.policy_id, ()):
                if not providers or finding.provider in providers:
                    mapping.setdefault(framework, []).append(control)
            self._finding_controls[key] = mapping
        return self._finding_controls[key]

    def qualified_controls(self, finding: Finding) -> list[str]:
        """The same as ``framework:control`` strings (CSV, OCSF, ASFF, JUnit columns)."""
        return [f"{fw}:{c}" for fw, controls in self.finding_controls(finding).items() for c in controls]

    def resource_for(self, finding: Finding) -> Resource | None:
        """The resource a finding judged (for formats that embed its tags or facts); one index per scan."""
        return self._resources.get(finding.resource_id)

    @cached_property
    def _resources(self) -> dict[str, Resource]:
        return {r.id: r for r in self.result.resources}

    @cached_property
    def _finding_controls(self) -> dict[tuple[str, str], dict[str, list[str]]]:
        return {}

    @cached_property
    def _controls_by_policy(self) -> dict[str, list[tuple[str, tuple[str, ...], str]]]:
        found: dict[str, list[tuple[str, tuple[str, ...], str]]] = {}
        for fr in self.frameworks:
            framework = fr.framework
            for control in framework.controls:
                for pid in dict.fromkeys(control.policies):
                    found.setdefault(pid, []).append((framework.id, tuple(framework.providers), control.id))
        return found

    @cached_property
    def _by_policy(self) -> dict[str, list[str]]:
        # cached_property writes the instance __dict__ directly, so it works on a frozen dataclass.
        return controls_by_policy([fr.framework for fr in self.frameworks])
