"""docs/policies.md holds the catalogue generated from the policy YAML, one anchored section per policy."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import main
from scanner.policy.catalogue import assertion_text, generated_block
from scanner.policy.loader import load_policies


def test_docs_policies_md_holds_the_generated_catalogue(repo_root: Path) -> None:
    document = (repo_root / "docs" / "policies.md").read_text(encoding="utf-8")
    run = CliRunner().invoke(main, ["policy", "list", "--format", "markdown"])
    assert run.exit_code == 0, run.output
    assert generated_block(document) == run.output, "docs/policies.md is stale: run `make docs`"


def test_every_builtin_policy_has_one_section_with_a_stable_anchor(repo_root: Path) -> None:
    document = (repo_root / "docs" / "policies.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#### (\S+)$", document, flags=re.M)
    policies = load_policies().policies
    assert sorted(headings) == sorted(p.id for p in policies)
    for policy in policies:
        assert policy.help_uri.endswith(f"docs/policies.md#{policy.id.lower()}")
        section = document.split(f"#### {policy.id}\n", 1)[1].split("\n#### ", 1)[0]
        assert policy.title in section and f"`{assertion_text(policy.assertion)}`" in section


def test_assertions_read_as_one_line() -> None:
    node = {
        "not": {
            "all": [
                {"key": "facts.network.public", "op": "equals", "value": True},
                {"key": "facts.data.sensitivity", "op": "in", "value": {"param": "critical_values"}},
            ]
        }
    }
    assert (
        assertion_text(node) == "not (network.public equals true and data.sensitivity in {critical_values})"
    )
    each = {"key": "raw.rules", "op": "each", "assert": {"key": "item.port", "op": "absent"}}
    assert assertion_text(each) == "raw.rules each item.port absent"
