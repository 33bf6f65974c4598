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
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

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
CHECKOV_BINARIES = (REPO / ".bench" / "checkov" / "bin" / "checkov", REPO / ".bench" / "bin" / "checkov")
"""Where a Checkov installed in its own venv is looked for (live timing instead of the recorded one)."""

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


# -- timing ---------------------------------------------------------------------------------------


def time_both(corpus: Path, runs: int) -> dict[str, Any]:
    """Median wall time of `mlscan iac` over corpus/terraform, against Checkov (live or recorded)."""
    mlscan = [
        REPO / ".venv" / "bin" / "mlscan",
        "iac",
        str(corpus / "terraform"),
        "--format",
        "json",
        "--output",
    ]
    mlscan_times = [_wall([*mlscan, "/dev/null"]) for _ in range(max(1, runs))]
    started = time.perf_counter()
    terraform_source([corpus / "terraform"])
    in_process = time.perf_counter() - started
    timing: dict[str, Any] = {
        "mlscan_cli_seconds": round(statistics.median(mlscan_times), 3),
        "mlscan_cli_runs": [round(t, 3) for t in mlscan_times],
        "mlscan_load_and_map_seconds": round(in_process, 3),
    }
    checkov = next((c for c in CHECKOV_BINARIES if c.exists()), None)
    if checkov is not None:
        command = [
            str(checkov),
            "-d",
            str(corpus / "terraform"),
            "--framework",
            "terraform",
            "-o",
            "json",
            "--quiet",
        ]
        times = [_wall(command) for _ in range(max(1, runs))]
        timing["checkov_seconds"] = round(statistics.median(times), 3)
        timing["checkov_source"] = f"live: {' '.join(command[:2])} ... ({len(times)} runs)"
    else:
        recorded = _recorded_checkov(corpus / "checkov_timing.txt")
        timing["checkov_seconds"] = recorded
        timing["checkov_source"] = (
            "recorded: checkov_timing.txt, median of `checkov -d terraform -o json` runs"
        )
    if timing.get("checkov_seconds"):
        timing["ratio"] = round(timing["checkov_seconds"] / timing["mlscan_cli_seconds"], 1)
    return timing


def _wall(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=REPO)
    return time.perf_counter() - started


def _recorded_checkov(timing_file: Path) -> float | None:
    """Median of the recorded `checkov -d heldout/terraform ... -o json` wall times (full and --quiet runs)."""
    if not timing_file.is_file():
        return None
    seconds = []
    for line in timing_file.read_text(encoding="utf-8").splitlines():
        if not line.startswith("checkov -d heldout/terraform"):
            continue
        match = re.search(
            r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):(\d+(?:\.\d+)?)", line
        )
        if match:
            hours, minutes, secs = match.groups()
            seconds.append(int(hours or 0) * 3600 + int(minutes) * 60 + float(secs))
    return round(statistics.median(seconds), 3) if seconds else None


# -- rendering ------------------------------------------------------------------------------------


def render(title: str, rows: Sequence[Comparison]) -> str:
    """Markdown: per-check table, agreement counts, and disagreements grouped by reason."""
    lines = [f"## {title}", ""]
    if not rows:
        return "\n".join([*lines, "(no Checkov results on ML resources)"])
    agree = sum(1 for r in rows if r.outcome == "agree")
    failed = [r for r in rows if r.checkov == "failed"]
    covered = sum(1 for r in failed if r.mlscan == "fail")
    lines += [
        f"Checkov results on ML resources: {len(rows)} ({len(failed)} failed, {len(rows) - len(failed)} passed); "
        f"mlscan agrees on {agree} ({_pct(agree, len(rows))}).",
        f"Checkov failures that an mlscan finding covers (same file + address, mlscan fails it): "
        f"{covered}/{len(failed)} ({_pct(covered, len(failed))}).",
        "",
        "| Checkov check | mlscan policy | Checkov failed | mlscan fail on those | agree | disagree |",
        "|---|---|---:|---:|---:|---:|",
    ]
    by_check: dict[str, list[Comparison]] = defaultdict(list)
    for row in rows:
        by_check[row.check_id].append(row)
    for check in sorted(by_check):
        group = by_check[check]
        policy = sorted({r.policy_id for r in group if r.policy_id}) or ["—"]
        check_failed = [r for r in group if r.checkov == "failed"]
        lines.append(
            f"| {check} | {', '.join(policy)} | {len(check_failed)} | "
            f"{sum(1 for r in check_failed if r.mlscan == 'fail')} | "
            f"{sum(1 for r in group if r.outcome == 'agree')} | {sum(1 for r in group if r.outcome == 'disagree')} |"
        )
    disagreements = [r for r in rows if r.outcome == "disagree"]
    if disagreements:
        lines += [
            "",
            "Disagreements by class:",
            "",
            "| Checkov | mlscan | count | reason |",
            "|---|---|---:|---|",
        ]
        classes = Counter((r.checkov, r.mlscan, _reason_class(r.reason)) for r in disagreements)
        for (checkov, mlscan, reason), count in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| {checkov} | {mlscan} | {count} | {reason} |")
        lines += ["", "<details><summary>Every disagreement</summary>", ""]
        for r in sorted(disagreements, key=lambda r: (r.check_id, r.file, r.address)):
            lines.append(
                f"- {r.check_id} `{r.file}` `{r.address}`: Checkov {r.checkov}, mlscan {r.mlscan} — {r.reason}"
            )
        lines += ["", "</details>"]
    return "\n".join(lines)


def _reason_class(reason: str) -> str:
    """Group reasons that differ only in the resource-specific message."""
    return reason.split(": facts.", 1)[0].split(" (facts.", 1)[0]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def render_beyond(extra: Counter[str], policies: PolicySet) -> str:
    """Markdown: what mlscan fails on the corpus that no Checkov result speaks to."""
    lines = [
        "## Beyond Checkov on the same corpus",
        "",
        f"Failing mlscan findings with no Checkov result on the same resource and policy: {sum(extra.values())}.",
        "",
        "| mlscan policy | severity | failing findings | title |",
        "|---|---|---:|---|",
    ]
    for policy_id, count in sorted(extra.items()):
        policy = policies.by_id(policy_id)
        severity = policy.severity.value if policy else ""
        lines.append(f"| {policy_id} | {severity} | {count} | {policy.title if policy else ''} |")
    return "\n".join(lines)


def render_timing(timing: Mapping[str, Any]) -> str:
    """Markdown for the timing comparison."""
    lines = [
        "## Speed on corpus/terraform",
        "",
        f"- mlscan `iac` (CLI, whole process, median of {len(timing['mlscan_cli_runs'])}): "
        f"{timing['mlscan_cli_seconds']} s (runs: {timing['mlscan_cli_runs']})",
        f"- mlscan load + map in process: {timing['mlscan_load_and_map_seconds']} s",
        f"- Checkov: {timing.get('checkov_seconds')} s ({timing['checkov_source']})",
    ]
    if timing.get("ratio"):
        lines.append(f"- Ratio Checkov / mlscan: {timing['ratio']}x")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
