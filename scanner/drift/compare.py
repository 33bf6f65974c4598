"""Match Terraform resources to live ones and report the facts on which they disagree.

Terraform says what should run; the live read says what runs. A resource is matched when provider and
kind agree and then, in this order: the live id (ARN, ARM id, Vertex name) equals an id Terraform knows
(a plan's ``arn`` / ``id``), or the names agree (case-insensitively; a Vertex id is the last segment of
its name) with every Terraform tag present on the live resource with the same value. A Terraform
resource matching several live ones (one name in several regions) is matched only where its tags, its
region and account single one out; otherwise it is left unmatched rather than guessed.

A fact drifts when both sides know it (neither is ``None``: unknown is never drift) and the values
differ. Compared: bool, int and float facts, and strings that are settings rather than identifiers (no
``:`` or ``/``, not a ``*_id``), since Terraform holds references where the cloud holds ARNs. Facts the
scanner joins across resources (``served.*``) are not settings of the resource and are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.model import Finding, PolicyInfo, Resource, Severity, Status

DRIFT_POLICY = PolicyInfo(
    id="MLS-DRIFT-001",
    title="Live resource differs from its Terraform",
    description=(
        "The resource runs with settings its Terraform does not declare: a change made outside Terraform "
        "(console, CLI, another pipeline) that the next apply will revert, or a Terraform change not applied yet."
    ),
    category="drift",
    severity=Severity.MEDIUM,
    remediation={
        "terraform": "Run terraform plan: apply to restore the declared settings, or change the Terraform to "
        "what should run and apply it; then find who changed the live resource.",
    },
)
SKIPPED_PREFIXES = ("served.",)


@dataclass(frozen=True)
class DriftItem:
    """One fact on which Terraform and live disagree."""

    fact: str
    terraform: Any
    live: Any

    def describe(self, kind: str, meaning: str | None = None) -> str:
        """``Terraform sets encryption.cmk = true; the live endpoint has false``, plus what the fact means."""
        text = f"Terraform sets {self.fact} = {_show(self.terraform)}; the live {kind} has {_show(self.live)}"
        return f"{text} ({meaning})" if meaning else text


@dataclass(frozen=True)
class DriftMatch:
    """A Terraform resource and the live resource it was matched to, with their differences."""

    terraform: Resource
    live: Resource
    matched_by: str
    """``id`` or ``name`` (name and tags)."""
    items: tuple[DriftItem, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON ``drift`` section's entry."""
        return {
            "terraform_id": self.terraform.id,
            "terraform_file": self.terraform.source.file,
            "terraform_line": self.terraform.source.line,
            "live_id": self.live.id,
            "provider": self.live.provider,
            "kind": self.live.kind,
            "name": self.live.name,
            "matched_by": self.matched_by,
            "drift": [{"fact": i.fact, "terraform": i.terraform, "live": i.live} for i in self.items],
        }


def compare(
    terraform: Iterable[Resource], live: Iterable[Resource]
) -> tuple[list[DriftMatch], list[Resource]]:
    """(every match, drifted or not; the Terraform resources no live resource matched)."""
    live = list(live)
    by_id = {r.id.lower(): r for r in live}
    by_name: dict[tuple[str, str, str], list[Resource]] = defaultdict(list)
    for resource in live:
        for name in _names(resource):
            by_name[(resource.provider, resource.kind, name)].append(resource)
    matches: list[DriftMatch] = []
    unmatched: list[Resource] = []
    used: set[str] = set()
    for tf in terraform:
        found, how = _match(tf, by_id, by_name)
        if found is None or found.id in used:
            unmatched.append(tf)
            continue
        used.add(found.id)
        matches.append(DriftMatch(tf, found, how, tuple(differences(tf.facts, found.facts))))
    return matches, unmatched


def differences(declared: Mapping[str, Any], running: Mapping[str, Any]) -> list[DriftItem]:
    """The comparable facts both sides know and disagree on, in name order."""
    items = []
    for fact in sorted(set(declared) & set(running)):
        want, have = declared[fact], running[fact]
        if fact.startswith(SKIPPED_PREFIXES) or want is None or have is None:
            continue
        if _comparable(fact, want) and _comparable(fact, have) and _normal(want) != _normal(have):
            items.append(DriftItem(fact, want, have))
    return items


def drift_findings(matches: Sequence[DriftMatch], meanings: Mapping[str, str] | None = None) -> list[Finding]:
    """One ``MLS-DRIFT-001`` finding per matched live resource: fail with the differences, else pass."""
    meanings = meanings or {}
    findings = []
    for match in matches:
        live = match.live
        if match.items:
            message = "; ".join(i.describe(live.kind, meanings.get(i.fact)) for i in match.items)
        else:
            message = f"matches {match.terraform.id} ({match.terraform.source.file or 'Terraform'})"
        findings.append(
            Finding(
                policy_id=DRIFT_POLICY.id,
                title=DRIFT_POLICY.title,
                category=DRIFT_POLICY.category,
                severity=DRIFT_POLICY.severity,
                status=Status.FAIL if match.items else Status.PASS,
                resource_id=live.id,
                resource_kind=live.kind,
                resource_name=live.name,
                provider=live.provider,
                message=message,
                source=live.source,
                evidence={
                    "terraform": match.terraform.id,
                    "terraform_file": match.terraform.source.file,
                    "terraform_line": match.terraform.source.line,
                    **{f"facts.{i.fact}": {"terraform": i.terraform, "live": i.live} for i in match.items},
                },
                remediation=DRIFT_POLICY.remediation["terraform"],
                account=live.account,
                region=live.region,
                resource_type=live.resource_type,
            )
        )
    return findings


def _names(resource: Resource) -> set[str]:
    names = {resource.name.lower()}
    if "/" in resource.id:
        names.add(resource.id.rsplit("/", 1)[-1].lower())
    return {n for n in names if n}


def _terraform_ids(tf: Resource) -> set[str]:
    """Ids a plan knows for an existing resource (``arn``, ``id``), lower case."""
    found = set()
    for key in ("arn", "id", "name"):
        value = tf.raw.get(key) if isinstance(tf.raw, Mapping) else None
        if isinstance(value, str) and (value.startswith(("arn:", "/subscriptions/", "projects/"))):
            found.add(value.lower())
    return found


def _match(
    tf: Resource, by_id: Mapping[str, Resource], by_name: Mapping[tuple[str, str, str], list[Resource]]
) -> tuple[Resource | None, str]:
    for known in _terraform_ids(tf):
        if known in by_id and by_id[known].kind == tf.kind:
            return by_id[known], "id"
    candidates = [
        r for name in _names(tf) for r in by_name.get((tf.provider, tf.kind, name), ()) if _tags_agree(tf, r)
    ]
    candidates = list({r.id: r for r in candidates}.values())
    if len(candidates) > 1:
        candidates = [r for r in candidates if _place_agrees(tf, r)]
    return (candidates[0], "name") if len(candidates) == 1 else (None, "")


def _tags_agree(tf: Resource, live: Resource) -> bool:
    return all(live.tags.get(k) == v for k, v in tf.tags.items() if isinstance(v, str))


def _place_agrees(tf: Resource, live: Resource) -> bool:
    return all(getattr(tf, f) in (None, "", getattr(live, f)) for f in ("account", "region"))


def _comparable(fact: str, value: Any) -> bool:
    if isinstance(value, bool | int | float):
        return True
    return isinstance(value, str) and not fact.endswith("_id") and ":" not in value and "/" not in value


def _normal(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
