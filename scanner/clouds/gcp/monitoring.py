"""Monitoring readiness of a Vertex AI endpoint, shared by the live and the Terraform face.

The same facts as on AWS and Azure:

- ``logging.capture_sampling`` / ``logging.capture_inputs_outputs``: request-response logging
  (``predict_request_response_logging_config``) writes request and response payloads of
  ``sampling_rate`` of the traffic; a rate that is not set cannot be read (unknown).
- ``logging.caller_identity``: Data Access audit logs of type ``DATA_READ`` (online prediction) for
  ``aiplatform.googleapis.com`` or ``allServices`` in the project's audit config, with no exempted
  members (an exempted caller is never named).
- ``monitoring.invocation_alarm``: an enabled Cloud Monitoring alert policy whose condition reads
  ``aiplatform.googleapis.com/prediction/online/prediction_count`` and names the endpoint's id, or
  groups by ``endpoint_id`` (one series per endpoint).
- ``exposure.rate_limited``: unknown. A per-consumer quota lives in an Apigee proxy or an API Gateway
  config's OpenAPI document, neither of which names the Vertex endpoint it forwards to in a field mlscan
  can read; Vertex's own quota is per project and region, not per caller.

A part that could not be read is None and the facts that need it are unknown, never a pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scanner.iac.values import Unknown, as_bool, block
from scanner.tristate import any_of

AUDITED_SERVICES = frozenset({"aiplatform.googleapis.com", "allServices"})
VOLUME_METRIC = "aiplatform.googleapis.com/prediction/online/prediction_count"


def capture_completeness(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """``logging.capture_sampling`` (percent) and ``logging.capture_inputs_outputs``; both None when
    request-response logging is off or its block cannot be read."""
    cfg = block(attrs, "predict_request_response_logging_config")
    off = {"logging.capture_sampling": None, "logging.capture_inputs_outputs": None}
    if isinstance(cfg, Unknown) or not as_bool((cfg or {}).get("enabled"), False):
        return off
    rate = (cfg or {}).get("sampling_rate")
    known = isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate > 0
    return {
        "logging.capture_sampling": float(rate) * 100 if known else None,
        "logging.capture_inputs_outputs": True,  # each logged row holds request_payload and response_payload
    }


def data_reads_audited(configs: Sequence[Mapping[str, Any]] | None) -> bool | None:
    """Whether ``audit_configs`` (snake_case: ``service``, ``audit_log_configs[].log_type`` /
    ``exempted_members``) log every caller's DATA_READ on Vertex AI; None when unreadable."""
    if configs is None:
        return None
    for config in configs:
        if config.get("service") not in AUDITED_SERVICES:
            continue
        for log in config.get("audit_log_configs") or ():
            if log.get("log_type") == "DATA_READ" and not log.get("exempted_members"):
                return True
    return False


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Unknown):
        yield value.expression
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _names(key: str, text: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(key)}(?![\w-])", text) is not None


def _watches(condition: Mapping[str, Any], keys: Sequence[str]) -> bool:
    text = " ".join(_texts(condition))
    if VOLUME_METRIC not in text:
        return False
    grouped = any("endpoint_id" in t for t in _texts(_group_by(condition)))
    return grouped or any(_names(k, text) for k in keys if k)


def _group_by(value: Any) -> list[Any]:
    found: list[Any] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            found += [item] if key in ("group_by_fields", "groupByFields") else _group_by(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found += _group_by(item)
    return found


def invocation_alarm(keys: Sequence[str], policies: Sequence[Mapping[str, Any]] | None) -> bool | None:
    """An enabled alert policy (``conditions[]``, Terraform's snake_case or the REST API's JSON) on the
    endpoint's prediction count."""
    if policies is None:
        return None
    for policy in policies:
        if policy.get("enabled") is False:
            continue
        if any(_watches(c, keys) for c in policy.get("conditions") or () if isinstance(c, Mapping)):
            return True
    return False


def monitoring_facts(
    keys: Sequence[str],
    audit_configs: Sequence[Mapping[str, Any]] | None,
    policies: Sequence[Mapping[str, Any]] | None,
) -> dict[str, Any]:
    """``logging.caller_identity``, ``monitoring.invocation_alarm`` and ``exposure.rate_limited`` (unknown)."""
    return {
        "logging.caller_identity": data_reads_audited(audit_configs),
        "monitoring.invocation_alarm": any_of([invocation_alarm(keys, policies)]),
        "exposure.rate_limited": None,
    }
