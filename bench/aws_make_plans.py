"""Write terraform/plans/aws-{secure,insecure}.json from terraform/{secure,insecure}/aws/main.tf.

Providers cannot be downloaded here, so `terraform plan` cannot run; this renders what
`terraform show -json` (format 1.2) says for these stacks: variables resolved, literal names
of referenced blocks known at plan time, ARNs / ids "known after apply" (after_unknown, with the
reference in configuration.expressions), policy-document data sources depending on
unknown values deferred (planned_values holds them; their ``json`` is known after apply).
Review the output by eye before committing; it is a fixture, not a test oracle.

    .venv/bin/python bench/aws_make_plans.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanner.iac.loader import load_paths  # noqa: E402
from scanner.iac.values import Ref, Unknown  # noqa: E402

PROVIDER = "registry.terraform.io/hashicorp/aws"


def render(stack: str) -> dict[str, Any]:
    """The plan JSON for one stack."""
    load = load_paths([ROOT / "terraform" / stack / "aws" / "main.tf"])
    if load.errors:
        raise SystemExit(f"cannot load {stack}: {load.errors}")
    by_address = {r.address: r for r in load.resources}
    planned, changes, config = [], [], []
    for res in load.resources:
        values, unknown, expressions = _split(res.attrs, by_address)
        entry = {
            "address": res.address,
            "mode": res.mode,
            "type": res.type,
            "name": res.name,
            "provider_name": PROVIDER,
            "schema_version": 0,
            "values": values,
            "sensitive_values": {},
        }
        planned.append(entry)
        changes.append(
            {
                "address": res.address,
                "mode": res.mode,
                "type": res.type,
                "name": res.name,
                "provider_name": PROVIDER,
                "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": unknown},
            }
        )
        config.append(
            {
                "address": res.address,
                "mode": res.mode,
                "type": res.type,
                "name": res.name,
                "expressions": expressions,
            }
        )
    if stack == "insecure":
        changes.append(
            {
                "address": "aws_sagemaker_notebook_instance.legacy",
                "mode": "managed",
                "type": "aws_sagemaker_notebook_instance",
                "name": "legacy",
                "provider_name": PROVIDER,
                "change": {
                    "actions": ["delete"],
                    "before": {"name": "legacy-notebook", "direct_internet_access": "Enabled"},
                    "after": None,
                    "after_unknown": {},
                },
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER}},
            "root_module": {"resources": config},
        },
    }


def _split(value: Any, index: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(planned value, after_unknown marker, configuration expression) for one attribute value."""
    if isinstance(value, dict):
        parts = {k: _split(v, index) for k, v in value.items()}
        values = {k: p[0] for k, p in parts.items() if p[1] is not True}
        unknown = {k: p[1] for k, p in parts.items() if p[1] not in (False, {}, [])}
        return values, unknown, {k: p[2] for k, p in parts.items()}
    if isinstance(value, list):
        parts = [_split(v, index) for v in value]
        return (
            [p[0] for p in parts],
            [p[1] if p[1] is not False else False for p in parts],
            [p[2] for p in parts],
        )
    if isinstance(value, Ref):
        target = index.get(value.address)
        references = [value.target, value.address]
        attribute = value.target.rsplit(".", 1)[-1]
        if target is not None and attribute == "name" and isinstance(target.attrs.get("name"), str):
            return target.attrs["name"], False, {"references": references}
        return None, True, {"references": references}
    if isinstance(value, Unknown):
        return None, True, {}
    return value, False, {"constant_value": value}


def main() -> None:
    for stack in ("secure", "insecure"):
        target = ROOT / "terraform" / "plans" / f"aws-{stack}.json"
        target.write_text(json.dumps(render(stack), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
