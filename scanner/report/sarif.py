"""SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps).

One rule per policy (with help text = remediation), one result per failing or
unknown finding; passes are left out. Terraform findings carry a physical location
(file + line), so they annotate the pull request at the resource block; live findings
carry a logical location (the resource id). Suppressed findings stay in the log with a
SARIF ``suppressions`` entry, which code-scanning UIs show as dismissed.

GitHub ranks an alert by its *rule's* ``security-severity``, whatever the result's level,
so an unknown finding (a setting nobody could read) cannot point at the policy's rule
without becoming a high alert. Unknown and errored findings are results of a companion
rule ``<policy id>/unknown``: level ``note``, no ``security-severity``, related to the
policy's rule.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

from scanner import __version__
from scanner.clouds.paths import git_root
from scanner.model import Finding, PolicyInfo, Severity, Source, Status
from scanner.report.context import ReportContext

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/mlscan/mlscan"

_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub ranks code-scanning alerts by this property (0.1-10, CVSS-like bands).
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.5",
}


def render_sarif(ctx: ReportContext, base_dir: str | Path | None = None) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict; file paths are made relative to ``base_dir`` (default: the
    git checkout holding the working directory, else the working directory), the ``SRCROOT`` that
    code scanning resolves against the repository root."""
    cwd = Path(os.getcwd()).resolve()
    base = Path(base_dir).resolve() if base_dir else (git_root(cwd) or cwd)
    reported = [f for f in ctx.result.findings if f.status in (Status.FAIL, Status.UNKNOWN, Status.ERROR)]
    policies = {p.id: p for p in ctx.result.policies}
    for finding in ctx.result.findings:  # a result saved without its policies: describe them from a finding
        policies.setdefault(finding.policy_id, _described_by(finding))
    rules = {pid: _rule(p, ctx.controls_for(pid)) for pid, p in policies.items()}
    for finding in reported:
        if not _failed(finding) and _unknown_id(finding.policy_id) not in rules:
            parent = list(rules).index(finding.policy_id)
            rules[_unknown_id(finding.policy_id)] = _unknown_rule(rules[finding.policy_id], parent)
    rule_index = {rule_id: i for i, rule_id in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlscan",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": list(rules.values()),
                    }
                },
                "automationDetails": {"id": "mlscan/"},
                "originalUriBaseIds": {"SRCROOT": {"uri": base.as_uri() + "/"}},
                "invocations": [_invocation(ctx)],
                "results": [_result(f, rule_index, base) for f in reported],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def without_file(ctx: ReportContext) -> int:
    """How many SARIF results will carry no file (live findings): GitHub code scanning rejects a whole
    upload holding one, so the CLI says so when it writes such a log."""
    return sum(
        1
        for f in ctx.result.findings
        if f.status in (Status.FAIL, Status.UNKNOWN, Status.ERROR)
        and not (f.source.file or f.source.declared_file)
    )


def _rule(policy: PolicyInfo, controls: list[str]) -> dict[str, Any]:
    """One SARIF rule from the policy that ran: description, remediation per provider, references."""
    texts = dict(policy.remediation)
    if len(set(texts.values())) == 1:
        remediation = next(iter(texts.values()))
    else:
        remediation = "\n".join(f"- {where}: {text}" for where, text in texts.items())
    # Autolink URLs only: GitHub would drop "<Checkov CKV_AWS_98>" as an unknown HTML tag.
    references = "\n".join(f"- <{r}>" if "://" in r else f"- {r}" for r in policy.references)
    help_text = remediation or f"See the mlscan policy {policy.id}."
    markdown = f"**Remediation**\n\n{help_text}" + (
        f"\n\n**References**\n\n{references}" if references else ""
    )
    rule: dict[str, Any] = {
        "id": policy.id,
        "name": _pascal(policy.title),
        "shortDescription": {"text": policy.title},
        "fullDescription": {"text": policy.description or f"{policy.title} ({policy.category})."},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[policy.severity]},
        "properties": {
            "tags": ["security", "mlscan", policy.category, *controls],
            "security-severity": _SECURITY_SEVERITY[policy.severity],
            "precision": "high",
            "problem.severity": "error" if _LEVEL[policy.severity] == "error" else "warning",
        },
    }
    if policy.help_uri:
        rule["helpUri"] = policy.help_uri
    return rule


def _unknown_id(policy_id: str) -> str:
    return f"{policy_id}/unknown"


def _unknown_rule(rule: dict[str, Any], parent_index: int) -> dict[str, Any]:
    """The companion rule of a policy's unknown findings: a note, never ranked as a security alert."""
    title = rule["shortDescription"]["text"]
    why = (
        "mlscan could not read the setting this policy judges (a value known only after apply, "
        "a module it cannot fetch, a permission denied live), so the resource neither passes nor "
        "fails it. Make the value readable, or judge it by hand."
    )
    companion: dict[str, Any] = {
        "id": _unknown_id(rule["id"]),
        "name": f"{rule['name']}Unknown",
        "shortDescription": {"text": f"Not verified: {title}"},
        "fullDescription": {"text": f"{why} {rule['fullDescription']['text']}"},
        "help": {"text": rule["help"]["text"], "markdown": f"{why}\n\n{rule['help']['markdown']}"},
        "defaultConfiguration": {"level": "note"},
        "relationships": [{"target": {"id": rule["id"], "index": parent_index}, "kinds": ["relevant"]}],
        "properties": {
            "tags": ["mlscan", "unknown", *rule["properties"]["tags"][2:]],
            "precision": "high",
            "problem.severity": "recommendation",
        },
    }
    if "helpUri" in rule:
        companion["helpUri"] = rule["helpUri"]
    return companion


def _described_by(finding: Finding) -> PolicyInfo:
    """What a finding alone says about its policy (results saved before policies were recorded)."""
    return PolicyInfo(
        id=finding.policy_id,
        title=finding.title,
        description="",
        category=finding.category,
        severity=finding.severity,
        remediation={finding.provider: finding.remediation} if finding.remediation else {},
    )


def _failed(finding: Finding) -> bool:
    return finding.status is Status.FAIL


def _result(finding: Finding, rule_index: dict[str, int], base: Path) -> dict[str, Any]:
    # An unknown finding fails its companion rule ("not verified"): kind fail, so level note is valid SARIF.
    rule_id = finding.policy_id if _failed(finding) else _unknown_id(finding.policy_id)
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index[rule_id],
        "kind": "fail",
        "level": _LEVEL[finding.severity] if _failed(finding) else "note",
        "message": {
            "text": f"{finding.message} [{finding.provider}:{finding.resource_kind} {finding.resource_name}]"
        },
        "locations": [_location(finding, base)],
        "partialFingerprints": {"mlscanFinding/v1": finding.fingerprint},
        "properties": {"status": finding.status.value, "severity": finding.severity.value},
    }
    if finding.suppressed is not None:
        s = finding.suppressed
        result["suppressions"] = [
            {
                "kind": "inSource" if s.origin == "inline" else "external",
                "status": "accepted",
                "justification": s.reason + (f" (owner: {s.owner})" if s.owner else ""),
            }
        ]
    return result


def _location(finding: Finding, base: Path) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [
            {"name": finding.resource_name, "fullyQualifiedName": finding.resource_id, "kind": "resource"}
        ]
    }
    source = finding.source
    if source.kind == "plan" and source.declared_file:  # plans carry no lines: point at the .tf block
        source = Source(kind="hcl", file=source.declared_file, line=source.declared_line, root=source.root)
    if source.file:
        uri = _relative_uri(str(source.path), base)
        artifact = {"uri": uri} if uri.startswith("file:") else {"uri": uri, "uriBaseId": "SRCROOT"}
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if source.line:
            physical["region"] = _region(source)
        location["physicalLocation"] = physical
    return location


def _region(source: Source) -> dict[str, int]:
    """The SARIF region: the attribute's own range when the finding has one, else the block's line."""
    region = {"startLine": int(source.line or 1)}
    if source.column:
        region["startColumn"] = int(source.column)
    if source.end_line:
        region["endLine"] = int(source.end_line)
        if source.end_column:
            region["endColumn"] = int(source.end_column)
    return region


def _relative_uri(file: str, base: Path) -> str:
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(base)
        except ValueError:
            return path.as_uri()
    return str(PurePosixPath(*path.parts))


def _invocation(ctx: ReportContext) -> dict[str, Any]:
    # A scan that could not read some input did not run successfully, whatever it found elsewhere.
    invocation: dict[str, Any] = {"executionSuccessful": not ctx.result.errors}
    if ctx.result.command:
        invocation["commandLine"] = ctx.result.command
    if ctx.result.started_at:
        invocation["startTimeUtc"] = ctx.result.started_at
    if ctx.result.finished_at:
        invocation["endTimeUtc"] = ctx.result.finished_at
    notes = [{"message": {"text": f"{e.where}: {e.reason}"}, "level": "error"} for e in ctx.result.errors]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _pascal(title: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"
