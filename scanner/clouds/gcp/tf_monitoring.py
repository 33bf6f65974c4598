"""The Terraform face of :mod:`scanner.clouds.gcp.monitoring`: audit configs and alert policies of a configuration.

``google_project_iam_audit_config`` blocks (``service``, ``audit_log_config`` with ``log_type`` and
``exempted_members``) and ``google_monitoring_alert_policy`` blocks (``enabled``, ``conditions``), read into
the API's snake_case shape once per index. Simplification (docs/gcp.md): the configuration is taken to be
one project, so an audit config counts for every endpoint it declares.
"""

from __future__ import annotations

from typing import Any

from scanner.clouds.gcp import monitoring as mon
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Unknown, as_bool, blocks


def _audit_configs(index: TfIndex) -> list[dict[str, Any]]:
    found = []
    for config in index.of_type("google_project_iam_audit_config"):
        logs = blocks(config.attrs, "audit_log_config")
        found.append(
            {
                "service": config.attrs.get("service"),
                "audit_log_configs": [
                    {"log_type": log.get("log_type"), "exempted_members": log.get("exempted_members") or []}
                    for log in (logs if isinstance(logs, list) else [])
                ],
            }
        )
    return found


def _policies(index: TfIndex) -> list[dict[str, Any]]:
    found = []
    for policy in index.of_type("google_monitoring_alert_policy"):
        conditions = blocks(policy.attrs, "conditions")
        found.append(
            {
                "enabled": as_bool(policy.attrs.get("enabled"), True),
                "conditions": conditions if isinstance(conditions, list) else [],
            }
        )
    return found


def endpoint_monitoring(tf: TfResource, index: TfIndex) -> dict[str, Any]:
    """The monitoring-readiness facts of one ``google_vertex_ai_endpoint`` block."""
    audit = index.memo("gcp.monitoring.audit_configs", lambda: _audit_configs(index))
    policies = index.memo("gcp.monitoring.alert_policies", lambda: _policies(index))
    name = tf.attrs.get("name")
    keys = [tf.address, *([name] if isinstance(name, str) and not isinstance(name, Unknown) else [])]
    return {**mon.capture_completeness(tf.attrs), **mon.monitoring_facts(keys, audit, policies)}
