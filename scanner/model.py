"""The normalized data model every stage of mlscan speaks.

Sources (live SDKs, Terraform) produce :class:`Resource` objects; the policy
engine turns them into :class:`Finding` objects; reports read a
:class:`ScanResult`. Nothing downstream of ``Resource`` needs to know which
cloud or input format a resource came from, which is what lets one policy
judge SageMaker, Azure ML and Vertex AI, live or in Terraform, the same way.

Facts are tri-state: a value, or ``None`` (or absent) when it could not be
determined. A policy over an unknown fact yields ``unknown``, never a pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any


class Status(str, Enum):
    """Outcome of one policy on one resource."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    ERROR = "error"


class Severity(str, Enum):
    """How bad a failing finding is; ordered so that gates can compare."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 … info=0."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is as bad as ``other`` or worse."""
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}

PROVIDERS = ("aws", "azure", "gcp")
KINDS = ("endpoint", "model", "training_job", "notebook", "workspace", "compute", "data_store")
MEASURED_ENDPOINT_FACTS = frozenset(
    {
        "queries.analysed",
        "queries.count",
        "queries.clients",
        "queries.attack_alerts",
        "queries.volume_alerts",
        "exposure.scores",
        "exposure.decimals",
    }
)
"""Facts any endpoint can carry from its inference logs (``--query-logs``, ``scanner/queries/join.py``),
whatever its type; ``queries.analysed`` is false on every endpoint whose logs the scan did not read."""
CATEGORIES = ("encryption", "network", "identity", "logging", "exposure", "privacy", "hardening")


@dataclass(frozen=True)
class Source:
    """Where a resource was read from, so findings can point at it.

    ``kind`` is ``live`` (an API), ``hcl`` (a .tf file) or ``plan``
    (``terraform show -json``). HCL sources carry ``file`` and ``line``; plan
    sources carry ``file`` and ``address``; live sources carry ``address``
    (the API region / endpoint the object came from) when useful.
    """

    kind: str
    file: str | None = None
    line: int | None = None
    address: str | None = None
    column: int | None = None
    """1-based start column (HCL attributes: the attribute's own range)."""
    end_line: int | None = None
    end_column: int | None = None
    """End of the range, exclusive, when known (SARIF ``region``)."""
    declared_file: str | None = None
    """Plans: the .tf file declaring the block, when the plan's .tf sources are beside it (plans carry no lines)."""
    declared_line: int | None = None
    """Plans: the line of that ``resource`` block in ``declared_file``."""
    root: str | None = field(default=None, compare=False)
    """The absolute directory ``file`` is relative to (the git checkout or scan root), for code that
    opens the file; not part of the source's identity and not written to JSON (machine-specific)."""

    @property
    def path(self) -> Path | None:
        """The file to open: ``root / file`` when the root is known, else ``file`` as given."""
        if self.file is None:
            return None
        return Path(self.root) / self.file if self.root else Path(self.file)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: only the fields that are set (``root`` is machine-specific and left out)."""
        return {k: v for k, v in self.__dict__.items() if v is not None and k != "root"}

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        if self.file and self.address:
            return f"{self.file} ({self.address})"
        return self.file or self.address or self.kind


@dataclass(frozen=True)
class Provenance:
    """Where one fact's value came from, so a finding can point at the line that decided it.

    ``kind``: ``attribute`` (set in HCL; ``location`` is the attribute's range), ``default``
    (the attribute is omitted and the provider default decided), ``plan`` (a planned value), or
    ``block`` (derived from the block as a whole; ``location`` is the block).
    """

    kind: str
    attribute: str | None = None
    """The Terraform attribute path, e.g. ``direct_internet_access``."""
    location: Source | None = None
    via: tuple[str, ...] = ()
    """The variables, locals, tfvars and module inputs the value went through, each ``name: where``."""
    default: str | None = None
    """The provider default that applies when the attribute is omitted."""
    detail: str = ""
    """One line for people, e.g. ``direct_internet_access omitted: AWS default Enabled``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form: only the fields that are set."""
        data: dict[str, Any] = {"kind": self.kind, "detail": self.detail}
        if self.attribute:
            data["attribute"] = self.attribute
        if self.location is not None:
            data["location"] = self.location.to_dict()
        if self.via:
            data["via"] = list(self.via)
        if self.default is not None:
            data["default"] = self.default
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        """Inverse of :meth:`to_dict`."""
        location = data.get("location")
        return cls(
            kind=data["kind"],
            attribute=data.get("attribute"),
            location=Source(**location) if location else None,
            via=tuple(data.get("via", ())),
            default=data.get("default"),
            detail=data.get("detail", ""),
        )


@dataclass(frozen=True)
class Suppression:
    """An accepted risk: an inline ``# mlscan:skip=ID reason``, a waiver or a baseline entry.

    Suppressed findings are still reported (status kept, ``suppressed`` set) so
    an auditor sees what was accepted and why; they just do not fail the gate.
    """

    policy_id: str
    reason: str
    origin: str = "inline"
    owner: str | None = None
    expires: str | None = None


@dataclass(frozen=True)
class Resource:
    """One ML cloud resource in normalized form, whatever cloud or input it came from."""

    provider: str
    """``aws`` | ``azure`` | ``gcp``."""
    service: str
    """Cloud service, e.g. ``sagemaker``, ``machinelearningservices``, ``aiplatform``."""
    kind: str
    """One of :data:`KINDS`."""
    id: str
    """ARN, ARM id, Vertex resource name, or Terraform address: unique within a scan."""
    name: str
    """Human name shown in reports."""
    source: Source
    """Where it was read from."""
    facts: Mapping[str, Any] = field(default_factory=dict)
    """Flat mapping of dotted fact names (see scanner/data/facts.yaml) to values; None = unknown."""
    account: str | None = None
    """Account id, subscription id or project id, when known."""
    region: str | None = None
    """Region or location, when known."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags / labels as read."""
    raw: Mapping[str, Any] = field(default_factory=dict)
    """The provider's own JSON (or Terraform attributes), secrets redacted."""
    links: tuple[str, ...] = ()
    """Ids of related resources: endpoint → model → training job → role."""
    resource_type: str | None = None
    """The provider's type name (e.g. ``aws_sagemaker_endpoint`` or ``AWS::SageMaker::Endpoint``)."""
    suppressions: tuple[Suppression, ...] = ()
    """Inline suppressions found in the source (Terraform ``# mlscan:skip=``)."""
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    """Fact name → where its value came from (Terraform sources; empty when not tracked)."""

    def fact(self, name: str) -> Any:
        """The value of fact ``name``, or None when unknown."""
        return self.facts.get(name)


@dataclass(frozen=True)
class Finding:
    """The verdict of one policy on one resource, with the evidence behind it."""

    policy_id: str
    title: str
    category: str
    severity: Severity
    status: Status
    resource_id: str
    resource_kind: str
    resource_name: str
    provider: str
    message: str
    source: Source
    evidence: Mapping[str, Any] = field(default_factory=dict)
    """The keys the policy read and the values it saw."""
    suppressed: Suppression | None = None
    remediation: str | None = None
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    account: str | None = None
    """The resource's account, subscription or project, so no format has to look the resource up."""
    region: str | None = None
    """The resource's region or location, when known."""
    resource_type: str | None = None
    """The resource's provider type name (``aws_sagemaker_endpoint``, ``AWS::SageMaker::Endpoint``)."""
    """Evidence key (``facts.x``) → where that fact's value came from, for the facts that have one."""

    @property
    def failing(self) -> bool:
        """A failure that is not suppressed: what gates count."""
        return self.status is Status.FAIL and self.suppressed is None

    @property
    def fingerprint(self) -> str:
        """This finding's identity ("this policy on this resource"), the same in SARIF, OCSF and baselines."""
        return fingerprint_of(self.policy_id, self.resource_id)


def fingerprint_of(policy_id: str, resource_id: str) -> str:
    """The fingerprint of a finding from its two ids, independent of line numbers and messages.

    Baseline files store the two ids, so they are matched through this same function.
    """
    return hashlib.sha256(f"{policy_id}|{resource_id}".encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ScanError:
    """Something that could not be read: a bad file, a denied region, a broken policy.

    The scan goes on; the error is reported so nothing is silently lost.
    """

    where: str
    """File (with line), resource id, or ``provider/account/region/service``."""
    reason: str
    """One line saying what went wrong."""
    stage: str = "source"
    """``source``, ``policy`` or ``output``."""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class PolicyInfo:
    """What every format says about a policy that ran: read from here, never rebuilt from a finding."""

    id: str
    title: str
    description: str
    category: str
    severity: Severity
    remediation: Mapping[str, str] = field(default_factory=dict)
    """Remediation text per provider (``aws``, ``azure``, ``gcp``) and for ``terraform``."""
    references: tuple[str, ...] = ()
    """Links to the provider documentation and standards behind the policy."""
    help_uri: str = ""
    """Where the policy is documented: its docs/policies.md section for a built-in policy, the
    ``help_uri`` a team's own policy file gives, or empty."""


@dataclass(frozen=True)
class ScanResult:
    """Everything one scan produced; every output format is rendered from this."""

    resources: tuple[Resource, ...]
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    started_at: str
    finished_at: str
    command: str = ""
    targets: tuple[str, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)
    """Optional sections added by later stages (e.g. privacy risk summary)."""
    policies: tuple[PolicyInfo, ...] = ()
    """The policies that ran, in id order: the one place formats read titles, descriptions and help."""
    unbuilt_passes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """policy id → provider → passing verdicts counted but not built as findings. Set only when no
    requested output lists passes (SARIF, console, Markdown): summaries and compliance counts
    include them, ``findings`` does not. Empty (every pass is a finding) otherwise."""

    @property
    def unbuilt_pass_count(self) -> int:
        """How many passes were judged without being built as findings."""
        return sum(n for by_provider in self.unbuilt_passes.values() for n in by_provider.values())

    def policy(self, policy_id: str) -> PolicyInfo | None:
        """The policy that produced findings with this id, or None (a result saved without policies)."""
        return self._policies_by_id.get(policy_id)

    @cached_property
    def _policies_by_id(self) -> dict[str, PolicyInfo]:
        # cached_property writes the instance __dict__ directly, so it works on a frozen dataclass.
        return {p.id: p for p in self.policies}


class InputError(ValueError):
    """Input the command cannot use (a bad option, file or result): the scan cannot honestly go on.

    Raised anywhere below the CLI; ``scanner/cli`` turns it into one line
    ``mlscan: error: WHERE: REASON`` on standard error and exit code 2, in one place.
    """

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where = where
        """The file (with line), option or target at fault."""
        self.reason = reason
        """One line saying why it cannot be used."""
