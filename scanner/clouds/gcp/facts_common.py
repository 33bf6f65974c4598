"""Vertex AI settings → facts, shared by the live and the Terraform face.

Both faces hand these functions snake_case mappings (the proto field names the
REST API and the Terraform provider share), so one setting yields one fact
whichever way it was read. Values may be Terraform :class:`Ref` / :class:`Unknown`
as well as literals: a Ref counts as set, an Unknown makes the fact unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from scanner.iac.values import Unknown, as_bool, block, is_set
from scanner.privacy.sensitivity import sensitivity_from_tags
from scanner.tristate import any_of, negate

PROVIDER = "gcp"
SERVICE = "aiplatform"

CUSTOM_CODE_AGENT_GRANT = "Vertex AI Custom Code Service Agent: project-wide Cloud Storage and BigQuery"
"""Why a custom job with no service account is overprivileged (the agent reads and writes every bucket and table)."""

PRIMITIVE_ROLES = ("roles/owner", "roles/editor", "roles/viewer")
"""Basic roles: project-wide and too broad for a workload identity."""


sensitivity = sensitivity_from_tags
"""``data.sensitivity`` from tags / labels: the shared reading every cloud uses (scanner/privacy/sensitivity.py)."""


def kms_facts(attrs: Mapping[str, Any], spec_name: str = "encryption_spec") -> dict[str, Any]:
    """``encryption.cmk`` / ``encryption.key_id`` from an ``encryption_spec { kms_key_name }`` block.

    Absent spec means Google-managed encryption (false); an unresolvable dynamic block is unknown.
    """
    spec = block(attrs, spec_name)
    if isinstance(spec, Unknown):
        return {"encryption.cmk": None}
    key = spec.get("kms_key_name") if spec else None
    return _key_facts(key)


def key_facts(key: Any) -> dict[str, Any]:
    """Facts for one KMS key attribute (``kms_key``, ``kms_key_name``): set → CMK, absent → Google key."""
    return _key_facts(key)


def present(value: Any) -> bool | None:
    """Like :func:`is_set`, but an interpolated string with literal text around ``${...}`` counts as set.

    ``"projects/${data.google_project.p.number}/global/networks/vpc"`` cannot be
    resolved, yet it is certainly a non-empty value: the attribute is set.
    """
    if isinstance(value, Unknown) and "${" in value.expression:
        literal = re.sub(r"\$\{[^}]*\}", "", value.expression).strip()
        if literal:
            return True
    return is_set(value)


def _key_facts(key: Any) -> dict[str, Any]:
    is_key = present(key)
    facts: dict[str, Any] = {"encryption.cmk": is_key}
    if is_key:
        facts["encryption.key_id"] = text(key)
    return facts


def endpoint_network_facts(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Private access of an endpoint: VPC peering (``network``) or Private Service Connect.

    Either counts as private. PSC-only endpoints are private (the mistake Checkov's
    CKV2_GCP_33 makes is not repeated here).
    """
    network = attrs.get("network")
    psc = block(attrs, "private_service_connect_config")
    if isinstance(psc, Unknown):
        psc_on: bool | None = None
    else:
        psc_on = as_bool((psc or {}).get("enable_private_service_connect"), False)
    legacy_psc = as_bool(attrs.get("enable_private_service_connect"), False)
    peered = present(network)
    private = any_of([peered, psc_on, legacy_psc])
    facts: dict[str, Any] = {
        "network.private": private,
        "network.public": negate(private),
        # Containers behind a public endpoint egress through Google's network to the internet;
        # behind peering or PSC it depends on the customer's firewalls / VPC-SC (unknown).
        "network.egress_restricted": False if private is False else None,
    }
    if peered and network is not None:
        facts["network.subnet"] = text(network)
    return facts


def request_logging_facts(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """``logging.capture`` from ``predict_request_response_logging_config.enabled`` (default off)."""
    cfg = block(attrs, "predict_request_response_logging_config")
    if isinstance(cfg, Unknown):
        return {"logging.capture": None}
    return {"logging.capture": as_bool((cfg or {}).get("enabled"), False)}


def explanation_facts(spec: Mapping[str, Any] | None, disabled: bool | None = False) -> dict[str, Any]:
    """What a deployed model's explanation spec returns to callers.

    Feature attributions → ``exposure.explanations``; the ``examples`` method returns
    nearest training neighbours → ``exposure.neighbors``.
    """
    if disabled:
        return {"exposure.explanations": False, "exposure.neighbors": False}
    if not spec:
        return {"exposure.explanations": False, "exposure.neighbors": False}
    params = spec.get("parameters") or {}
    return {"exposure.explanations": True, "exposure.neighbors": bool(params.get("examples"))}


def identity_facts(
    principal: str | None,
    roles: Iterable[str] | None,
    *,
    default_grants: tuple[str, ...] | None,
) -> dict[str, Any]:
    """Identity facts for a workload.

    ``principal`` is the service account it runs as. Without one, the workload runs
    as the platform default: ``default_grants`` says what that default may do — an
    empty tuple means narrowly scoped (not overprivileged), a non-empty tuple lists
    the broad grants, None means it cannot be told. ``roles`` are the principal's
    project roles (None = could not be read).
    """
    if not principal:
        facts: dict[str, Any] = {"identity.principal": None, "identity.default": True}
        if default_grants is None:
            facts["identity.overprivileged"] = None
        else:
            facts["identity.overprivileged"] = bool(default_grants)
            facts["identity.grants"] = list(default_grants)
        return facts
    facts = {"identity.principal": principal, "identity.default": is_default_account(principal)}
    if roles is None:
        facts["identity.overprivileged"] = None
        return facts
    broad = sorted({role for role in roles if is_broad_role(role)})
    facts["identity.overprivileged"] = bool(broad)
    facts["identity.grants"] = broad
    return facts


def is_broad_role(role: str) -> bool:
    """Primitive roles (owner / editor / viewer) and any ``*.admin`` role are too broad for a workload."""
    return role in PRIMITIVE_ROLES or role.endswith(".admin") or role.endswith("Admin")


def is_default_account(email: str) -> bool:
    """The Compute Engine default service account (``N-compute@developer.gserviceaccount.com``)."""
    return email.endswith("-compute@developer.gserviceaccount.com")


def env_map(env: Any) -> dict[str, str]:
    """``[{name, value}]`` (or a mapping) → ``{name: value}`` for the privacy reader (never stored)."""
    if isinstance(env, Mapping):
        return {str(k): str(v) for k, v in env.items() if isinstance(v, (str, int, float))}
    out: dict[str, str] = {}
    for item in env or []:
        if isinstance(item, Mapping) and "name" in item:
            out[str(item["name"])] = str(item.get("value", ""))
    return out


def text(value: Any) -> str:
    """A value as evidence text: an unresolved template keeps its own spelling."""
    return value.expression if isinstance(value, Unknown) else str(value)
