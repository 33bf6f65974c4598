"""Write a synthetic ``terraform show -json`` plan with N resources, for scale benchmarks.

The reference plans of the three clouds (terraform/plans/*-insecure.json: SageMaker endpoints,
configs, models, notebooks, domains; Azure ML workspaces, computes, online endpoints; Vertex
endpoints, Workbench, datasets, plus the roles, keys and storage they reference) are repeated as
child modules ``module.copy_<i>`` until the plan holds N planned resources. Each copy keeps its
configuration expressions, so references join inside the copy as they would in a real plan.

    .venv/bin/python bench/synthetic_plan.py 10000 /tmp/plan-10k.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STACKS = ("aws-insecure", "azure-insecure", "gcp-insecure")


def _templates() -> list[dict[str, Any]]:
    return [json.loads((ROOT / "terraform" / "plans" / f"{s}.json").read_text()) for s in STACKS]


def synthetic_plan(resources: int) -> dict[str, Any]:
    """A plan document with ``resources`` planned resources (copies of the reference plans)."""
    templates = _templates()
    children: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    calls: dict[str, Any] = {}
    count, copy = 0, 0
    while count < resources:
        for template in templates:
            if count >= resources:
                break
            name = f"copy_{copy}"
            prefix = f"module.{name}"
            planned = template["planned_values"]["root_module"].get("resources", [])[: resources - count]
            kept = {r["address"] for r in planned}
            children.append(
                {
                    "address": prefix,
                    "resources": [{**r, "address": f"{prefix}.{r['address']}"} for r in planned],
                }
            )
            changes += [
                {**c, "address": f"{prefix}.{c['address']}", "module_address": prefix}
                for c in template.get("resource_changes", [])
                if c["address"] in kept
            ]
            calls[name] = {
                "source": f"./{name}",
                "module": template.get("configuration", {}).get("root_module", {}),
            }
            count += len(planned)
            copy += 1
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": [], "child_modules": children}},
        "resource_changes": changes,
        "configuration": {"root_module": {"module_calls": calls}},
    }


def write_plan(path: Path, resources: int) -> Path:
    """Write the plan to ``path`` (compact JSON, as ``terraform show -json`` does)."""
    path.write_text(json.dumps(synthetic_plan(resources), separators=(",", ":")))
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"plan-{count}.json")
    write_plan(out, count)
    print(f"{out}: {count} resources, {out.stat().st_size / 1e6:.1f} MB")
