"""Fix metadata as the policy YAML declares it (``fix:``), read into frozen dataclasses.

The policy file says *what* makes a resource compliant: which attribute or block to
set, to which value (or to a new input variable when the value cannot be invented,
such as a KMS key), whether the provider updates the resource in place or replaces
it, and why. The patchers in this package only know *how* to write that into HCL or
into CLI commands; they hold no per-policy knowledge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.policy.model import Policy

IN_PLACE = "in_place"
REPLACEMENT = "replacement"


@dataclass(frozen=True)
class Variable:
    """A new input variable a fix references instead of inventing a value (a key, a subnet)."""

    name: str
    description: str
    type: str = "string"

    def block(self) -> str:
        """The ``variable`` block declaring it: no default, so Terraform asks for it."""
        description = json.dumps(self.description)
        return f'variable "{self.name}" {{\n  description = {description}\n  type        = {self.type}\n}}\n'


@dataclass(frozen=True)
class Setting:
    """One attribute (or object key) to set: ``path`` is blocks then the attribute name."""

    path: tuple[str, ...]
    key: str | None = None
    """Set this key inside the object-valued attribute ``path`` (e.g. ``metadata``)."""
    value: Any = None
    minimum: float | None = None
    """Raise a number to at least this, leaving larger values alone."""
    variable: Variable | None = None

    @property
    def where(self) -> str:
        """The dotted path as shown to people (``gce_setup.metadata["notebook-disable-root"]``)."""
        dotted = ".".join(self.path)
        return f'{dotted}["{self.key}"]' if self.key else dotted

    def rendered(self) -> str:
        """The HCL expression this setting writes."""
        if self.variable is not None:
            return f"var.{self.variable.name}"
        return hcl_literal(self.minimum if self.minimum is not None else self.value)

    def satisfied_by(self, existing: str) -> bool:
        """Whether the existing expression text already meets the setting (no edit needed)."""
        text = existing.strip()
        if self.minimum is not None:
            try:
                return float(text) >= self.minimum
            except ValueError:
                return False
        if self.variable is not None:
            return text == self.rendered()
        return text == self.rendered() or (isinstance(self.value, bool) and text == f'"{self.rendered()}"')


@dataclass(frozen=True)
class TerraformFix:
    """How one policy is fixed on one Terraform resource type."""

    policy_id: str
    types: tuple[str, ...]
    change: str
    """``in_place`` or ``replacement`` (the provider forces a new resource)."""
    explanation: str
    settings: tuple[Setting, ...] = ()
    remove: tuple[tuple[str, ...], ...] = ()
    """Blocks or attributes to delete (e.g. ``explainer_config``)."""
    via: tuple[str, ...] = ()
    """Follow this attribute's reference and fix the referenced block with its own type's entry."""
    referenced_by: tuple[str, tuple[str, ...]] | None = None
    """(type, attribute path): fix the blocks of that type whose attribute references this one."""

    @property
    def replaces(self) -> bool:
        """True when applying the fix destroys and recreates the resource."""
        return self.change == REPLACEMENT


def hcl_literal(value: Any) -> str:
    """A YAML scalar or list as an HCL literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ", ".join(hcl_literal(v) for v in value) + "]"
    return json.dumps(str(value)).replace("${", "$${")


def terraform_fixes(policy: Policy) -> tuple[TerraformFix, ...]:
    """Every Terraform fix entry of a policy (empty when it has none)."""
    return tuple(_terraform_fix(policy.id, entry) for entry in (policy.fix or {}).get("terraform", ()))


def terraform_fix_for(policy: Policy, resource_type: str | None) -> TerraformFix | None:
    """The entry of ``policy`` that fixes resources of ``resource_type``, if any."""
    return next((f for f in terraform_fixes(policy) if resource_type in f.types), None)


def manual_reason(policy: Policy) -> str | None:
    """Why a policy has no mechanical fix, as its YAML says."""
    reason = (policy.fix or {}).get("manual")
    return " ".join(reason.split()) if reason else None


def _terraform_fix(policy_id: str, entry: Mapping[str, Any]) -> TerraformFix:
    return TerraformFix(
        policy_id=policy_id,
        types=tuple(entry["types"]),
        change=entry.get("change", IN_PLACE),
        explanation=" ".join(str(entry.get("explanation", "")).split()),
        settings=tuple(_setting(s) for s in entry.get("set", ())),
        remove=tuple(tuple(p.split(".")) for p in entry.get("remove", ())),
        via=tuple(entry["via"].split(".")) if entry.get("via") else (),
        referenced_by=_referrer(entry.get("referenced_by")),
    )


def _referrer(text: str | None) -> tuple[str, tuple[str, ...]] | None:
    if not text:
        return None
    type_name, attribute = text.split(".", 1)
    return type_name, tuple(attribute.split("."))


def _setting(entry: Mapping[str, Any]) -> Setting:
    variable = entry.get("variable")
    return Setting(
        path=tuple(entry["path"].split(".")),
        key=entry.get("key"),
        value=entry.get("value"),
        minimum=entry.get("minimum"),
        variable=Variable(variable["name"], variable["description"], variable.get("type", "string"))
        if variable
        else None,
    )
