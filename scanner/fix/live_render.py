"""Render a live remediation plan as a shell script and a Markdown runbook (Jinja templates in reports/)."""

from __future__ import annotations

import shlex
from functools import lru_cache
from typing import Any

from scanner.fix.live import ENDPOINT_CONFIG, LivePlan
from scanner.paths import templates_dir

CREATE_ENDPOINT_CONFIG_FIELDS = (
    "ProductionVariants",
    "DataCaptureConfig",
    "KmsKeyId",
    "AsyncInferenceConfig",
    "ExplainerConfig",
    "ShadowProductionVariants",
    "ExecutionRoleArn",
    "VpcConfig",
    "EnableNetworkIsolation",
)
"""The DescribeEndpointConfig fields CreateEndpointConfig accepts (checked against botocore in the tests)."""

CREATE_FIELDS_FILTER = (
    "{" + ", ".join(CREATE_ENDPOINT_CONFIG_FIELDS) + "} | with_entries(select(.value != null))"
)
"""The jq filter that keeps only those fields."""


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=False,  # shell and Markdown, not HTML; every value in commands is shell-quoted
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["shquote"] = shlex.quote
    return env


def _context(plan: LivePlan, source: str) -> dict[str, Any]:
    return {
        "source": source,
        "actions": plan.actions,
        "inputs": plan.inputs,
        "manual": plan.manual,
        "uses_endpoint_config": any(
            s.command.startswith("mlscan_new_endpoint_config") for a in plan.actions for s in a.steps
        ),
        "create_fields": CREATE_FIELDS_FILTER,
        "endpoint_config_kind": ENDPOINT_CONFIG,
    }


def render_script(plan: LivePlan, source: str) -> str:
    """The plan as a bash script (``set -euo pipefail``; ``MLSCAN_DRY_RUN=1`` prints instead of running)."""
    return _environment().get_template("fix-plan.sh.j2").render(_context(plan, source))


def render_runbook(plan: LivePlan, source: str) -> str:
    """The plan as a Markdown runbook: inputs, steps with impact and rollback, what is left to people."""
    return _environment().get_template("fix-runbook.md.j2").render(_context(plan, source))
