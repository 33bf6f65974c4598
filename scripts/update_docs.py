"""Regenerate the docs that are generated from data (``make docs``): docs/facts.md and the
catalogue block of docs/policies.md. Tests fail while either differs from what this writes."""

from __future__ import annotations

from pathlib import Path

from scanner.cli.facts_cmd import facts_markdown
from scanner.cli.policy_cmd import controls_by_framework
from scanner.compliance import load_frameworks
from scanner.policy.catalogue import catalogue_markdown, splice
from scanner.policy.loader import fact_vocabulary, load_policies

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    (DOCS / "facts.md").write_text(facts_markdown(fact_vocabulary()) + "\n", encoding="utf-8")
    block = catalogue_markdown(load_policies().policies, controls_by_framework(load_frameworks().frameworks))
    policies = DOCS / "policies.md"
    policies.write_text(splice(policies.read_text(encoding="utf-8"), block), encoding="utf-8")
    print(f"wrote {DOCS / 'facts.md'} and the catalogue of {policies}")


if __name__ == "__main__":
    main()
