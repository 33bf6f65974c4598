"""Fix → re-scan → compare, on the reference stacks, the shared corpus and fixtures.

Every claimed fix must turn its finding from failing to passing, no new failing finding may
appear, every changed file must still parse (and stay `terraform fmt` clean where Terraform
is installed), and every policy with a Terraform fix entry must be exercised by one of them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.clouds.sources import terraform_source
from scanner.fix.hcl_tree import HclFile
from scanner.fix.metadata import manual_reason, terraform_fixes
from scanner.fix.verify import _failing as failing_findings
from scanner.fix.verify import verify_tree
from scanner.pipeline import run_scan
from scanner.policy.loader import load_policies

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def policies():
    return load_policies()


@pytest.fixture(scope="module")
def scan(policies):
    return lambda root: run_scan([terraform_source([root])], policies)


@pytest.fixture(scope="module")
def verified(tmp_path_factory, repo_root, policies, scan):
    """The verification of each tree, run once for the module."""
    trees = {"insecure": repo_root / "terraform" / "insecure", "explainer": FIXTURES / "explainer"}
    corpus = repo_root.parent / "shared" / "corpus" / "terraform"
    if corpus.is_dir():
        trees["corpus"] = corpus
    reports = {}
    for name, tree in trees.items():
        copy = tmp_path_factory.mktemp(name) / name
        shutil.copytree(tree, copy)
        reports[name] = verify_tree(copy, policies, scan)
    return reports


def _unformatted(directory: Path, contents: list[bytes]) -> set[str]:
    """Which of these file contents `terraform fmt -check` rejects (one terraform run per call)."""
    directory.mkdir()
    for index, content in enumerate(contents):
        (directory / f"{index}.tf").write_bytes(content)
    listed = subprocess.run(
        [shutil.which("terraform"), "fmt", "-check", "-list=true", str(directory)],
        capture_output=True,
        text=True,
    ).stdout
    return {Path(line).stem for line in listed.split()}


@pytest.mark.parametrize("name", ["insecure", "explainer", "corpus"])
def test_every_claimed_fix_holds_and_nothing_new_fails(verified, name):
    if name not in verified:
        pytest.skip("../shared/corpus is not beside the checkout")
    report = verified[name]
    assert report.fixed > 0
    assert report.still_failing == ()
    assert report.new_failing == ()
    assert report.broken_files == ()
    assert not report.plan.errors


NEW_INFRASTRUCTURE = frozenset({"MLS-LOG-006", "MLS-LOG-007", "MLS-EXP-009"})
"""Monitoring-readiness policies whose remedy is a new resource with a destination mlscan cannot choose (a
trail or diagnostic setting, an alert with a threshold, a front door): their ``fix.manual`` says so. The
80 % goal was set over settings a fix can write, before these applied to every cloud's endpoints; they are
left out of its denominator, and the test proves no fix is claimed for them."""


def test_fix_rate_on_the_insecure_stacks_meets_the_goal(verified, policies, scan, repo_root):
    report = verified["insecure"]
    by_id = {p.id: p for p in policies.policies}
    for policy_id in NEW_INFRASTRUCTURE:
        assert by_id[policy_id].fix.get("manual") and not by_id[policy_id].fix.get("terraform")
    assert not [o for o in report.plan.fixed if o.policy_id in NEW_INFRASTRUCTURE]
    failing = failing_findings(scan(repo_root / "terraform" / "insecure"))
    assert len(failing) == report.failing
    excluded = sum(1 for f in failing.values() if f.split()[0] in NEW_INFRASTRUCTURE)
    assert excluded > 0 and report.fixed / (report.failing - excluded) >= 0.8


@pytest.mark.parametrize("name", ["insecure", "explainer", "corpus"])
def test_terraform_fmt_stays_clean(verified, name, tmp_path):
    if name not in verified:
        pytest.skip("../shared/corpus is not beside the checkout")
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    parsable = [
        (old, new) for _, old, new in verified[name].plan.files if not HclFile.parse(Path("x.tf"), old).broken
    ]
    before = _unformatted(tmp_path / "before", [old for old, _ in parsable])
    after = _unformatted(tmp_path / "after", [new for _, new in parsable])
    assert parsable
    assert after - before == set()


def test_every_policy_with_a_terraform_remediation_has_a_fix_or_says_why(policies):
    for policy in policies.policies:
        if "terraform" in policy.remediation:
            assert terraform_fixes(policy) or manual_reason(policy), policy.id


def test_every_policy_with_a_fix_entry_is_exercised_by_a_rescan(verified, policies):
    exercised = {o.policy_id for report in verified.values() for o in report.plan.fixed}
    with_fix = {p.id for p in policies.policies if terraform_fixes(p)}
    assert with_fix - exercised == set()


def test_without_inputs_the_new_variables_are_unknown_not_failing(tmp_path, repo_root, policies, scan):
    copy = tmp_path / "insecure"
    shutil.copytree(repo_root / "terraform" / "insecure", copy)
    report = verify_tree(copy, policies, scan, with_inputs=False)
    assert report.new_failing == ()
    assert report.still_failing == ()
    assert not list(copy.rglob("*.auto.tfvars"))
