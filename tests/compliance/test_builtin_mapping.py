"""The built-in mapping is complete and honest: every id exists, every built-in policy is mapped
in CIS, SOC 2 and HIPAA (or declared not applicable there with a reason), and the privacy and
exposure policies are mapped to MITRE ATLAS and the OWASP ML Top 10."""

from __future__ import annotations

import pytest
import yaml

from scanner.compliance import Framework, load_frameworks
from scanner.paths import policies_dir

CORE = ("cis-controls-v8.1", "soc2-tsc-2017", "hipaa-security-rule")


def builtin_policies() -> dict[str, str]:
    """policy id → category, read from policies/*.yaml."""
    policies = {}
    for path in sorted(policies_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        policies[data["id"]] = data["category"]
    return policies


def framework(framework_id: str) -> Framework:
    fw = load_frameworks().get(framework_id)
    assert fw is not None, framework_id
    return fw


def test_there_are_builtin_policies() -> None:
    assert len(builtin_policies()) >= 20


def test_every_policy_id_in_framework_files_exists() -> None:
    known = set(builtin_policies())
    for fw in load_frameworks().frameworks:
        unknown = (fw.policy_ids() | {pid for pid, _ in fw.not_applicable}) - known
        assert not unknown, f"{fw.path} names policies that do not exist: {sorted(unknown)}"


@pytest.mark.parametrize("framework_id", CORE)
def test_every_builtin_policy_is_mapped_or_declared_not_applicable(framework_id: str) -> None:
    fw = framework(framework_id)
    mapped = fw.policy_ids()
    exempt = {pid for pid, _ in fw.not_applicable}
    assert not mapped & exempt, (
        f"{framework_id}: mapped and declared not applicable: {sorted(mapped & exempt)}"
    )
    missing = set(builtin_policies()) - mapped - exempt
    assert not missing, f"{framework_id} does not map {sorted(missing)}"
    assert all(len(reason) > 20 for _, reason in fw.not_applicable)


@pytest.mark.parametrize("framework_id", CORE)
def test_core_frameworks_map_almost_everything(framework_id: str) -> None:
    fw = framework(framework_id)
    limit = len(builtin_policies()) // 10
    assert len(fw.not_applicable) <= limit, "not applicable is for genuine exceptions (cost, availability)"


@pytest.mark.parametrize("framework_id", ["mitre-atlas", "owasp-ml-top-10"])
def test_privacy_and_exposure_policies_map_to_ml_threat_frameworks(framework_id: str) -> None:
    fw = framework(framework_id)
    ml_risks = {pid for pid, category in builtin_policies().items() if category in ("privacy", "exposure")}
    assert ml_risks, "the pack has privacy / exposure policies"
    assert ml_risks <= fw.policy_ids(), sorted(ml_risks - fw.policy_ids())


def test_inference_attacks_are_evidenced_by_privacy_policies() -> None:
    categories = builtin_policies()
    atlas = {c.id: c for c in framework("mitre-atlas").controls}
    owasp = {c.id: c for c in framework("owasp-ml-top-10").controls}
    for control in (atlas["AML.T0024.000"], atlas["AML.T0024.001"], owasp["ML03"], owasp["ML04"]):
        assert {categories[p] for p in control.policies} >= {"privacy", "exposure"}, control.id
    for mitigation in ("AML.M0002", "AML.M0019", "AML.M0024"):
        assert atlas[mitigation].policies, mitigation
    # Restrict Number of AI Model Queries: evidenced by measured query volume (--query-logs).
    assert "MLS-EXP-008" in atlas["AML.M0004"].policies


SEEDED = ("pci-dss-v4.0", "gdpr", "iso-27001-2022")


@pytest.mark.parametrize("framework_id", SEEDED)
def test_seeded_frameworks_map_every_policy_or_say_why_not(framework_id: str) -> None:
    fw = framework(framework_id)
    mapped, exempt = fw.policy_ids(), {pid for pid, _ in fw.not_applicable}
    assert not mapped & exempt
    assert set(builtin_policies()) - mapped - exempt == set(), f"{framework_id} leaves policies unmapped"
    assert all(len(reason) > 40 for _, reason in fw.not_applicable)


def test_gdpr_maps_the_articles_the_seeds_name() -> None:
    ids = {c.id for c in framework("gdpr").controls if c.policies}
    assert {"Art. 5(1)(f)", "Art. 25(1)", "Art. 32(1)(a)", "Art. 35(7)(c)"} <= ids
