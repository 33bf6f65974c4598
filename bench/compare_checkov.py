"""Compare mlscan with Checkov on the real-world ML Terraform corpus, check by check and resource by resource.

For every Checkov result on an ML resource in ``checkov_baseline.json`` (``checkov -d terraform``) and
``checkov_baseline_plans.json``, find the mlscan resource at the same file and address, the built-in
policy that cites the Checkov check id in its ``references``, and that policy's finding. Then count
agreements and list every disagreement with its reason: mostly Checkov reading an omitted attribute
as compliant where the provider default is not (CKV_AWS_122), or failing a setting that is in fact
private (CKV2_GCP_33 on Private Service Connect). Results are reported for the whole corpus and
without Checkov's own test fixtures (``source_kind`` scanner-fixture(checkov)), which Checkov is
tuned to. Finally mlscan is timed against the recorded Checkov timing (or a live Checkov run when
``.bench/checkov/bin/checkov`` or ``.bench/bin/checkov`` exists) and the ratio printed.

    .venv/bin/python bench/compare_checkov.py [--corpus DIR] [--markdown FILE] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from checkov_report import render, render_beyond, render_timing, time_both  # noqa: E402

from scanner.clouds.base import SourceResult  # noqa: E402
from scanner.clouds.sources import terraform_source  # noqa: E402
from scanner.model import Finding, Resource  # noqa: E402
from scanner.policy.evaluate import evaluate_all  # noqa: E402
from scanner.policy.loader import load_policies  # noqa: E402
from scanner.policy.model import PolicySet  # noqa: E402

ML_TYPE = re.compile(
    r"^(aws_sagemaker_|azurerm_machine_learning_|google_vertex_ai_|google_notebooks_|google_workbench_)"
)
CHECKOV_FIXTURE_KIND = "scanner-fixture(checkov)"

# Why Checkov and mlscan judge a check differently, when the attribute Checkov reads was omitted:
# check id -> (attribute path in the Terraform block, what the provider really does with it omitted).
OMITTED_DEFAULTS: Mapping[str, tuple[str, str]] = {
    "CKV_AWS_122": (
        "direct_internet_access",
        "omitted direct_internet_access: Checkov passes it, but AWS's default is Enabled",
    ),
    "CKV2_AZURE_49": (
        "public_network_access_enabled",
        "omitted public_network_access_enabled: CKV2_AZURE_49 passes it, but azurerm's default is true "
        "(public); CKV_AZURE_144 fails the same block",
    ),
    "CKV_GCP_126": (
        "shielded_instance_config",
        "omitted shielded_instance_config: Checkov passes it; mlscan judges the provider default per "
        "attribute (vTPM / integrity monitoring default on, secure boot off)",
    ),
    "CKV_GCP_127": (
        "shielded_instance_config",
        "omitted shielded_instance_config: Checkov passes it; mlscan judges the provider default",
    ),
}
# Disagreements that are not about an omitted attribute: check id -> reason.
KNOWN_REASONS: Mapping[str, str] = {
    "CKV2_GCP_27": 'disk_encryption = "GMEK" with a kms_key: the key is ignored unless disk_encryption is "CMEK" '
    "(Google-managed encryption); Checkov only checks that kms_key is set",
    "CKV2_GCP_33": "Checkov accepts only VPC peering (network); a Private Service Connect endpoint is private too",
    "CKV2_AZURE_50": "CKV2_AZURE_50 combines the workspace's high_business_impact flag and its storage "
    "account's public access; mlscan judges them as MLS-HRD-009 (only for workspaces tagged as holding "
    "sensitive data: untagged is unknown) and MLS-NET-011",
    "CKV2_AWS_68": "CKV2_AWS_68 only reads inline policies it can see on the notebook's role in the same "
    "module; mlscan also resolves managed-policy attachments and leaves an unresolvable role unknown",
}


@dataclass(frozen=True)
class CheckovResult:
    """One Checkov check result on one ML resource."""

    check_id: str
    file: str
    """Path relative to the corpus's terraform/ (or plans/) directory."""
    address: str
    passed: bool
    source_kind: str


@dataclass(frozen=True)
class Comparison:
    """A Checkov result next to the mlscan finding that covers it."""

    check_id: str
    file: str
    address: str
    checkov: str
    """passed | failed"""
    mlscan: str
    """pass | fail | unknown | no-policy | no-resource | not-applicable"""
    policy_id: str | None
    outcome: str
    """agree | disagree"""
    reason: str
    checkov_fixture: bool
    resource_id: str | None = None
    """The mlscan resource the Checkov result was matched to."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison and print (and optionally write) the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--markdown", type=Path, help="Also write the tables as Markdown to this file.")
    parser.add_argument("--json", type=Path, help="Also write every comparison row as JSON to this file.")
    parser.add_argument("--runs", type=int, default=3, help="Timed runs of `mlscan iac` (median reported).")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.resolve()
    if not (corpus / "checkov_baseline.json").is_file():
        parser.error(f"{corpus}: no checkov_baseline.json (pass --corpus DIR)")

    policies = load_policies()
    kinds = source_kinds(corpus / "terraform" / "SOURCES.tsv")
    hcl, hcl_findings = compare(
        checkov_results(corpus / "checkov_baseline.json", kinds),
        terraform_source([corpus / "terraform"]),
        corpus / "terraform",
        policies,
    )
    plans = sorted((corpus / "plans").glob("**/*.json"))
    plan_rows, _ = compare(
        checkov_results(corpus / "checkov_baseline_plans.json", {}),
        terraform_source(plans),
        corpus / "plans",
        policies,
    )
    timing = time_both(corpus, args.runs)
    sections = [
        render("All corpus Terraform files", hcl),
        render("Without Checkov's own fixtures", [c for c in hcl if not c.checkov_fixture]),
        render("Checkov's own fixtures only", [c for c in hcl if c.checkov_fixture]),
        render("Plan JSON (terraform show -json)", plan_rows),
        render_beyond(beyond_checkov(hcl, hcl_findings), policies),
        render_timing(timing),
    ]
    text = "\n\n".join(sections)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        rows = [asdict(c) for c in [*hcl, *plan_rows]]
        args.json.write_text(json.dumps({"comparisons": rows, "timing": timing}, indent=2), encoding="utf-8")
    return 0


# -- inputs ---------------------------------------------------------------------------------------


def source_kinds(sources_tsv: Path) -> dict[str, str]:
    """local_file -> source_kind, from the corpus's provenance file."""
    with sources_tsv.open(encoding="utf-8") as handle:
        return {row["local_file"]: row["source_kind"] for row in csv.DictReader(handle, delimiter="\t")}


def checkov_results(baseline: Path, kinds: Mapping[str, str]) -> list[CheckovResult]:
    """Every passed / failed Checkov result on an ML resource type."""
    document = json.loads(baseline.read_text(encoding="utf-8"))
    reports = document if isinstance(document, list) else [document]
    results: list[CheckovResult] = []
    for report in reports:
        for outcome, passed in (("passed_checks", True), ("failed_checks", False)):
            for check in report.get("results", {}).get(outcome, []):
                address = check["resource"]
                if not ML_TYPE.match(address):
                    continue
                file = re.sub(r"^.*?(?:heldout|corpus)/(?:terraform|plans)/", "", check["file_path"]).lstrip(
                    "/"
                )
                results.append(CheckovResult(check["check_id"], file, address, passed, kinds.get(file, "")))
    return results


# -- matching -------------------------------------------------------------------------------------


def compare(
    checkov: Iterable[CheckovResult], source: SourceResult, root: Path, policies: PolicySet
) -> tuple[list[Comparison], list[Finding]]:
    """One comparison row per Checkov result, and every mlscan finding."""
    resources = list(source.resources)
    findings = evaluate_all(policies, resources)
    by_resource: dict[str, dict[str, Finding]] = defaultdict(dict)
    for finding in findings:
        by_resource[finding.resource_id][finding.policy_id] = finding
    located = _locate(resources, root)
    citing = _citing_policies(policies)
    rows: list[Comparison] = []
    for result in checkov:
        resource = located.get((result.file, result.address)) or _merged_into(
            resources, located, result.file, result.address
        )
        rows.append(_judge(result, resource, citing.get(result.check_id, []), by_resource))
    return rows, findings


def beyond_checkov(rows: Sequence[Comparison], findings: Sequence[Finding]) -> Counter[str]:
    """Failing mlscan findings with no Checkov result on the same resource and policy, per policy."""
    covered = {(r.resource_id, policy) for r in rows for policy in (r.policy_id or "").split("+")}
    return Counter(
        f.policy_id
        for f in findings
        if f.status.value == "fail" and (f.resource_id, f.policy_id) not in covered
    )


def _locate(resources: Iterable[Resource], root: Path) -> dict[tuple[str, str], Resource]:
    located: dict[tuple[str, str], Resource] = {}
    for resource in resources:
        if not resource.source.file:
            continue
        file = _relative(resource.source.file, root)
        address = resource.source.address or resource.id.rsplit(":", 1)[-1]
        located[(file, _strip_index(address))] = resource
    return located


def _relative(file: str, root: Path) -> str:
    try:
        return str(Path(file).resolve().relative_to(root.resolve()))
    except ValueError:
        return file


def _strip_index(address: str) -> str:
    """``module.m.aws_x.y[0]`` -> ``aws_x.y`` (Checkov reports the block address without module or index)."""
    address = re.sub(r"\[[^\]]*\]", "", address)
    parts = address.split(".")
    return ".".join(parts[-2:])


def _merged_into(
    resources: Sequence[Resource], located: Mapping[tuple[str, str], Resource], file: str, address: str
) -> Resource | None:
    """The endpoint an endpoint configuration was merged into (mlscan judges them as one resource)."""
    if not address.startswith("aws_sagemaker_endpoint_configuration."):
        return None
    name = address.split(".", 1)[1]
    candidates = [r for (f, _), r in located.items() if f == file and r.kind == "endpoint"]
    for endpoint in candidates:
        config_ref = str((endpoint.raw.get("endpoint") or {}).get("endpoint_config_name", ""))
        if f"aws_sagemaker_endpoint_configuration.{name}" in config_ref:
            return endpoint
    return candidates[0] if len(candidates) == 1 else None


def _citing_policies(policies: PolicySet) -> dict[str, list[str]]:
    """Checkov check id -> the ids of policies whose references cite it (``Checkov CKV_...``)."""
    citing: dict[str, list[str]] = defaultdict(list)
    for policy in policies.policies:
        for reference in policy.references:
            match = re.match(r"Checkov (CKV2?_[A-Z]+_\d+)\b", reference)
            if match:
                citing[match.group(1)].append(policy.id)
    return citing


def _judge(
    result: CheckovResult,
    resource: Resource | None,
    policy_ids: Sequence[str],
    by_resource: Mapping[str, Mapping[str, Finding]],
) -> Comparison:
    checkov = "passed" if result.passed else "failed"
    fixture = result.source_kind.startswith(CHECKOV_FIXTURE_KIND)

    def row(mlscan: str, policy_id: str | None, outcome: str, reason: str) -> Comparison:
        return Comparison(
            result.check_id,
            result.file,
            result.address,
            checkov,
            mlscan,
            policy_id,
            outcome,
            reason,
            fixture,
            resource.id if resource else None,
        )

    if not policy_ids:
        return row("no-policy", None, "disagree", "no built-in policy cites this check")
    if resource is None:
        return row("no-resource", policy_ids[0], "disagree", _why_unmapped(result))
    applicable = [by_resource[resource.id][p] for p in policy_ids if p in by_resource.get(resource.id, {})]
    finding = _worst(applicable)
    if finding is None:
        return row(
            "not-applicable", policy_ids[0], "disagree", f"no citing policy applies to {resource.kind}"
        )
    status = finding.status.value
    agree = (status == "pass") == result.passed and status in ("pass", "fail")
    reason = "" if agree else _why(result, resource, finding)
    policy_id = "+".join(sorted(f.policy_id for f in applicable))
    return row(status, policy_id, "agree" if agree else "disagree", reason)


def _worst(findings: Sequence[Finding]) -> Finding | None:
    """When several policies cover one Checkov check on a resource (CKV2_AZURE_50 = HBI + storage
    access), the resource fails if any fails, else is unknown if any is unknown."""
    order = {"fail": 0, "error": 1, "unknown": 2, "pass": 3}
    return min(findings, key=lambda f: order.get(f.status.value, 2), default=None)


def _why_unmapped(result: CheckovResult) -> str:
    if result.file.endswith("vertex_ai_endpoint_private_service_connect__main.tf"):
        return "file is malformed upstream (%{random_suffix}); mlscan reports it as invalid HCL, Checkov's parser accepts it"
    return "mlscan produced no resource at this address (count/for_each on an undeclared variable, or unmapped type)"


def _why(result: CheckovResult, resource: Resource, finding: Finding) -> str:
    status = finding.status.value
    if status == "unknown":
        return _why_unknown(result, finding)
    omitted = OMITTED_DEFAULTS.get(result.check_id)
    if omitted and _omitted(resource, omitted[0]):
        return omitted[1]
    if result.check_id in KNOWN_REASONS:
        return KNOWN_REASONS[result.check_id]
    return f"mlscan {status}: {finding.message}"


def _why_unknown(result: CheckovResult, finding: Finding) -> str:
    unknown = sorted(key for key, value in finding.evidence.items() if value is None)
    facts = ", ".join(unknown) or finding.message
    if "facts.identity.overprivileged" in unknown:
        return (
            "the role is not defined in the scanned files (or comes from a variable): its permissions cannot be "
            f"read, so mlscan says unknown where Checkov {'passes' if result.passed else 'fails'} ({facts})"
        )
    checkov = "accepts any value that is present" if result.passed else "fails it"
    return f"the setting is a variable without a default or an unresolvable reference: Checkov {checkov}, mlscan says unknown ({facts})"


def _omitted(resource: Resource, attribute: str) -> bool:
    raw = resource.raw
    return attribute not in raw or raw.get(attribute) in (None, [], {})


if __name__ == "__main__":
    raise SystemExit(main())
