"""A non-editable install must carry the built-in policies, templates, schemas and Terraform examples."""

from __future__ import annotations

import subprocess
import sys
import zipfile


def test_wheel_ships_builtin_policies_templates_schemas_and_examples(repo_root, tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(repo_root)],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("mlscan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    policies = [n for n in names if n.startswith("scanner/builtin/policies/MLS-") and n.endswith(".yaml")]
    assert len(policies) == len(list((repo_root / "policies").glob("MLS-*.yaml")))
    assert any(n.startswith("scanner/builtin/policies/frameworks/") for n in names)
    assert any(n.startswith("scanner/builtin/reports/") for n in names)
    assert any(n.startswith("scanner/builtin/terraform/") and n.endswith(".tf") for n in names)
    assert "scanner/policy/policy.schema.json" in names
    assert "scanner/data/facts.yaml" in names
    assert "scanner/compliance/framework.schema.json" in names
    assert any(n.startswith("scanner/sandbox/data/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mlscan = scanner.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
