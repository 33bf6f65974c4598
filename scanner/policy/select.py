"""Choose which policies run: by id or glob, category, minimum severity, and skips (as Checkov's --check)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from scanner.model import InputError, Severity
from scanner.policy.model import Policy, PolicySet


@dataclass(frozen=True)
class Selection:
    """A user's policy selection; empty fields select everything."""

    include: tuple[str, ...] = ()
    """Policy ids or globs (``MLS-ENC-*``) to run."""
    skip: tuple[str, ...] = ()
    """Policy ids or globs never to run."""
    categories: tuple[str, ...] = ()
    min_severity: str | None = None

    def keeps(self, policy: Policy) -> bool:
        """Whether ``policy`` runs under this selection."""
        if self.include and not any(fnmatchcase(policy.id, pattern) for pattern in self.include):
            return False
        if any(fnmatchcase(policy.id, pattern) for pattern in self.skip):
            return False
        if self.categories and policy.category not in self.categories:
            return False
        return not self.min_severity or policy.severity.at_least(Severity(self.min_severity))


def select(policy_set: PolicySet, selection: Selection) -> PolicySet:
    """The policies the selection keeps (load errors carried along).

    A ``--policy`` / ``--skip-policy`` id or glob that matches no loaded policy, or a selection
    that leaves nothing to run, is an :class:`InputError`: a typo must never scan with no policy
    and report "all clear".
    """
    ids = [p.id for p in policy_set.policies]
    for option, patterns in (("--policy", selection.include), ("--skip-policy", selection.skip)):
        for pattern in patterns:
            if not any(fnmatchcase(policy_id, pattern) for policy_id in ids):
                raise InputError(option, f"{pattern!r} matches no policy (mlscan policy list shows the ids)")
    kept = tuple(p for p in policy_set.policies if selection.keeps(p))
    if not kept:
        raise InputError(
            "policy selection", "no policy is left to run (check --policy, --category, --severity)"
        )
    return PolicySet(kept, policy_set.errors)


def parse_parameters(pairs: Sequence[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs from ``--param``; numbers become numbers."""
    parsed: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"--param expects NAME=VALUE, got {pair!r}")
        parsed[name.strip()] = _number(value.strip())
    return parsed


def _number(text: str) -> object:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return text
