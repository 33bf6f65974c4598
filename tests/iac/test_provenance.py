"""Facts know where they came from; findings point at the attribute and say when a default decided."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.clouds.sources import terraform_source
from scanner.iac.provenance import fact_sources
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies
from scanner.report.context import ReportContext
from scanner.report.json_contract import result_from_dict, result_to_dict
from scanner.report.sarif import render_sarif

FIXTURES = Path(__file__).parent / "fixtures"


def _scan(*paths):
    return run_scan([terraform_source(list(paths))], load_policies())


def _finding(result, name, fact):
    return next(
        f
        for f in result.findings
        if f.resource_name == name and f"facts.{fact}" in f.evidence and f.provenance
    )


def _attribute_line(path: Path, attribute: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.lstrip().startswith(attribute):
            return number, len(line) - len(line.lstrip()) + 1
    raise AssertionError(attribute)


def test_a_finding_points_at_the_attribute_and_names_the_tfvars_behind_it():
    main = FIXTURES / "module" / "main.tf"
    result = _scan(FIXTURES / "module")
    finding = _finding(result, "ml-Enabled-nb", "notebook.direct_internet")
    assert (finding.source.line, finding.source.column) == _attribute_line(main, "direct_internet_access")
    assert (
        finding.source.end_line == finding.source.line and finding.source.end_column > finding.source.column
    )
    provenance = finding.provenance["facts.notebook.direct_internet"]
    assert provenance.kind == "attribute" and provenance.attribute == "direct_internet_access"
    (via,) = provenance.via
    assert via.startswith("var.direct_internet = tfvars") and "terraform.tfvars:1:1" in via


def test_an_omitted_attribute_says_the_provider_default_decided():
    result = _scan(FIXTURES / "module")
    finding = _finding(result, "no-reason", "notebook.direct_internet")
    assert finding.status.value == "fail"
    assert "direct_internet_access omitted: AWS default Enabled" in finding.message
    provenance = finding.provenance["facts.notebook.direct_internet"]
    assert (provenance.kind, provenance.default) == ("default", "Enabled")
    block_line, _ = _attribute_line(
        FIXTURES / "module" / "main.tf", 'resource "aws_sagemaker_notebook_instance" "unskipped"'
    )
    assert (finding.source.line, finding.source.column) == (
        block_line,
        None,
    )  # nothing to point at: the block


def test_a_child_module_fact_names_the_callers_input():
    result = _scan(FIXTURES / "with_modules")
    finding = _finding(result, "team-nb", "notebook.direct_internet")
    (via,) = finding.provenance["facts.notebook.direct_internet"].via
    assert via.startswith("var.direct_internet = module.serving input at") and via.endswith("main.tf:12:3")


def test_plan_facts_say_they_are_planned_values():
    result = _scan(FIXTURES / "plan.json")
    provenance = {p.kind for f in result.findings for p in f.provenance.values()}
    assert "plan" in provenance and "attribute" not in provenance


def test_provenance_is_in_the_json_contract_and_sarif_regions(tmp_path):
    result = _scan(FIXTURES / "module")
    data = json.loads(json.dumps(result_to_dict(result)))
    again = result_from_dict(data)
    assert [f.provenance for f in again.findings] == [f.provenance for f in result.findings]
    assert [r.provenance for r in again.resources] == [r.provenance for r in result.resources]
    sarif = render_sarif(ReportContext(result))
    regions = [
        loc["physicalLocation"]["region"]
        for r in sarif["runs"][0]["results"]
        for loc in r.get("locations", [])
    ]
    assert any({"startLine", "startColumn", "endLine", "endColumn"} <= set(region) for region in regions)


def test_every_fact_source_entry_names_a_known_fact():
    from scanner.policy.loader import fact_vocabulary

    known = set(fact_vocabulary())
    for resource_type, entries in fact_sources().items():
        for fact, entry in entries.items():
            assert fact in known, (resource_type, fact)
            assert entry["attribute"], (resource_type, fact)
