"""SARIF 2.1.0: valid against the OASIS schema, rules with help, file + line locations, suppressions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scanner.report.context import ReportContext
from scanner.report.formats import FILE_FORMATS
from scanner.report.sarif import render_sarif

from .schemas import SARIF_SCHEMA, sarif_errors

REPO = Path(__file__).resolve().parents[2]


def test_vendored_schema_is_the_recorded_file() -> None:
    digest = hashlib.sha256(SARIF_SCHEMA.read_bytes()).hexdigest()
    assert digest == "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def test_schema_catches_an_invalid_log(ctx: ReportContext) -> None:
    log = render_sarif(ctx)
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(sarif_errors(log)) >= 2


def test_log_is_valid_sarif(ctx: ReportContext) -> None:
    log = json.loads(FILE_FORMATS["sarif"].render(ctx))
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0"


def test_rules_carry_help_text_and_severity(ctx: ReportContext) -> None:
    run = render_sarif(ctx)["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {r for r in rules if "/" not in r} == {"TST-ENC-001", "TST-NET-001", "TST-LOG-001", "TST-HRD-001"}
    net = rules["TST-NET-001"]
    assert net["help"]["text"] == "Fix TST-NET-001: set a customer-managed key."
    assert net["properties"]["security-severity"] == "9.5"  # first seen finding is critical
    assert "test-fw:C-NET" in net["properties"]["tags"]


def test_results_only_for_fail_and_unknown_with_terraform_locations(ctx: ReportContext) -> None:
    results = render_sarif(ctx)["runs"][0]["results"]
    assert len(results) == 6  # 4 fail + 2 unknown; passes are not reported
    enc_fail = next(r for r in results if r["ruleId"] == "TST-ENC-001" and r["kind"] == "fail")
    physical = enc_fail["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "terraform/insecure/aws/main.tf", "uriBaseId": "SRCROOT"}
    assert physical["region"] == {"startLine": 12}
    assert enc_fail["level"] == "error"
    unknown = next(r for r in results if r["ruleId"] == "TST-LOG-001/unknown")
    assert (unknown["kind"], unknown["level"]) == ("fail", "note")
    assert "security-severity" not in unknown["properties"] and unknown["properties"]["status"] == "unknown"
    live = next(r for r in results if r["ruleId"] == "TST-ENC-001/unknown")
    assert "physicalLocation" not in live["locations"][0]
    assert live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("/subscriptions/")
    plan = next(r for r in results if r["ruleId"] == "TST-NET-001" and "suppressions" not in r)
    assert (
        plan["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "terraform/plans/gcp-insecure.json"
    )


def test_suppressed_finding_has_a_sarif_suppression(ctx: ReportContext) -> None:
    results = render_sarif(ctx)["runs"][0]["results"]
    (suppressed,) = [r for r in results if "suppressions" in r]
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "accepted for the demo"}
    ]


def test_absolute_paths_become_relative_to_the_base(ctx: ReportContext, tmp_path) -> None:
    from dataclasses import replace

    from scanner.model import Source

    moved = tuple(
        replace(f, source=Source("hcl", str(tmp_path / "stack" / "main.tf"), 3)) for f in ctx.result.findings
    )
    log = render_sarif(replace(ctx, result=replace(ctx.result, findings=moved)), base_dir=tmp_path)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "stack/main.tf"
    assert sarif_errors(log) == []


def test_fingerprints_ignore_line_numbers(ctx: ReportContext) -> None:
    results = render_sarif(ctx)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["mlscanFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints)
    expected = hashlib.sha256(b"TST-ENC-001|aws_sagemaker_endpoint.api").hexdigest()
    assert expected in prints


def test_unknown_results_have_a_companion_note_rule_without_security_severity(ctx: ReportContext) -> None:
    run = render_sarif(ctx)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    unknown_policies = {f.policy_id for f in ctx.result.findings if f.status.value in ("unknown", "error")}
    companions = {r["id"]: r for r in rules if r["id"].endswith("/unknown")}
    assert set(companions) == {f"{pid}/unknown" for pid in unknown_policies}
    for rule_id, rule in companions.items():
        parent = rule["relationships"][0]["target"]
        assert rules[parent["index"]]["id"] == parent["id"] == rule_id.removesuffix("/unknown")
        assert rule["defaultConfiguration"] == {"level": "note"}
        assert "security-severity" not in rule["properties"] and "security" not in rule["properties"]["tags"]
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        failed = result["properties"]["status"] == "fail"
        assert ("security-severity" in rule["properties"]) is failed
        assert (result["level"] == "note") is (
            not failed or result["properties"]["severity"] in ("low", "info")
        )
    assert not [r for r in run["results"] if r["properties"]["status"] == "pass"]


def test_rules_link_the_policy_section_of_the_docs() -> None:
    import re

    from scanner.paths import policies_dir
    from scanner.policy.loader import load_policies
    from scanner.report.json_contract import result_from_dict

    builtin = load_policies().policies
    result = result_from_dict({"policies": [{"id": p.id, **_info(p)} for p in builtin]})
    rules = render_sarif(ReportContext(result))["runs"][0]["tool"]["driver"]["rules"]
    docs = (policies_dir().parent / "docs" / "policies.md").read_text(encoding="utf-8")
    anchors = set(re.findall(r"^#### (MLS-[A-Z]+-\d+)$", docs, flags=re.M))
    assert len(rules) == len(builtin)
    for rule, policy in zip(rules, builtin, strict=True):
        assert rule["helpUri"].endswith(f"/docs/policies.md#{rule['id'].lower()}")
        assert rule["id"] in anchors
        assert rule["fullDescription"]["text"] == policy.description  # why the rule exists
        markdown = rule["help"]["markdown"]
        assert all(text in markdown for text in policy.remediation.values())
        if len(set(policy.remediation.values())) > 1:  # remediation per provider
            assert all(f"- {where}: " in markdown for where in policy.remediation)
        for reference in policy.references:
            assert (f"- <{reference}>" if "://" in reference else f"- {reference}\n") in markdown + "\n"


def _info(policy) -> dict:
    from scanner.report.json_contract import policy_to_dict

    return policy_to_dict(policy.info)


def test_a_teams_own_policy_links_its_own_help_uri_or_nothing(tmp_path) -> None:
    from scanner.policy.loader import load_policies

    source = (REPO / "examples" / "policies").glob("*.yaml")
    own = load_policies([REPO / "examples" / "policies"], builtin=False).policies
    assert own and all(p.info.help_uri == "" for p in own)
    first = next(iter(source))
    (tmp_path / first.name).write_text(
        first.read_text(encoding="utf-8") + "help_uri: https://wiki.example.com/ml-policies\n",
        encoding="utf-8",
    )
    (linked,) = load_policies([tmp_path], builtin=False).policies
    assert linked.info.help_uri == "https://wiki.example.com/ml-policies"


def test_uris_are_relative_to_the_checkout_when_run_from_a_subdirectory(
    ctx: ReportContext, tmp_path: Path, monkeypatch
) -> None:
    from dataclasses import replace

    from scanner.model import Source

    infra = tmp_path / "repo" / "infra"
    infra.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    monkeypatch.chdir(infra)
    moved = tuple(
        replace(f, source=Source("hcl", "main.tf", 3, root=str(infra))) for f in ctx.result.findings
    )
    run = render_sarif(replace(ctx, result=replace(ctx.result, findings=moved)))["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == (tmp_path / "repo").as_uri() + "/"
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "infra/main.tf", "uriBaseId": "SRCROOT"}


def test_writing_sarif_with_live_results_says_github_would_reject_it(tmp_path: Path) -> None:
    from scanner.app import OutputOptions, finish

    from .sample import sample_result

    options = OutputOptions(
        formats=("sarif",), output=str(tmp_path / "x.sarif"), output_dir=None, fail_on="never", quiet=True
    )
    (note,) = [n for n in finish(sample_result(), options).notes if n.startswith("sarif:")]
    assert note.startswith("sarif: 1 live result(s) have no file") and "mlscan iac" in note
    terraform_only = OutputOptions(
        formats=("sarif", "json"), output=None, output_dir=str(tmp_path), fail_on="never", quiet=True
    )
    result = sample_result()
    hcl = replace_findings(result, [f for f in result.findings if f.source.file])
    assert not [n for n in finish(hcl, terraform_only).notes if n.startswith("sarif:")]


def replace_findings(result, findings):
    from dataclasses import replace

    return replace(result, findings=tuple(findings))
