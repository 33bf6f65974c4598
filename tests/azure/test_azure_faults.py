"""Partial failures: one workspace, collection or subscription failing is a ScanError; the rest is scanned."""

from __future__ import annotations

from azure_helpers import PROD, RESEARCH, named

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.sandbox.arm_emulator import start_arm_emulator


def _scan(faults, **options):
    with start_arm_emulator(faults=faults) as emu:
        return scan(LiveOptions(azure_endpoint=emu.url, **options), NullProgress()), list(emu.requests)


def test_one_workspace_denied_others_scanned():
    result, _ = _scan({"/workspaces/mlw-dev-open/": 403})
    where = {e.where for e in result.errors}
    assert where == {f"azure/{PROD}/mlw-dev-open"}
    reasons = " | ".join(e.reason for e in result.errors)
    assert "403" in reasons and "AuthorizationFailed" in reasons
    assert all("\n" not in e.reason for e in result.errors)
    # the denied workspace itself came from the subscription list and is still reported
    assert named(result, "mlw-dev-open").facts["network.public"] is True
    assert not [r for r in result.resources if "/workspaces/mlw-dev-open/" in r.id]
    # everything else is complete
    assert named(result, "ep-credit-dp").facts["auth.mode"] == "iam"
    assert named(result, "gpu-research").kind == "compute"
    assert len([r for r in result.resources if r.kind == "training_job"]) == 1


def test_one_collection_failing_keeps_the_other_collections():
    result, _ = _scan({"/workspaces/mlw-dev-open/jobs": 500})
    assert [(e.where, e.reason.split(":")[0]) for e in result.errors] == [
        (f"azure/{PROD}/mlw-dev-open", "jobs")
    ]
    assert "500" in result.errors[0].reason
    assert named(result, "cpu-open").kind == "compute"
    assert named(result, "ep-churn").kind == "endpoint"
    assert [r.name for r in result.resources if r.kind == "training_job"] == ["train-credit-dp"]


def test_missing_collection_404_is_reported():
    result, _ = _scan({"/workspaces/mlw-prod-secure/onlineendpoints": 404})
    assert len(result.errors) == 1 and "404" in result.errors[0].reason
    assert "online endpoints" in result.errors[0].reason
    assert named(result, "train-credit-dp").kind == "training_job"


def test_throttled_role_assignments_make_identity_unknown_not_safe():
    result, requests = _scan({f"/subscriptions/{PROD}/providers/Microsoft.Authorization": 429})
    assert [e.where for e in result.errors] == [f"azure/{PROD}"]
    assert "429" in result.errors[0].reason and "role assignments" in result.errors[0].reason
    assert named(result, "mlw-dev-open").facts["identity.overprivileged"] is None
    assert named(result, "cpu-open").facts["identity.overprivileged"] is None
    # a resource with no identity has nothing to be overprivileged
    assert named(result, "ci-open").facts["identity.overprivileged"] is False
    # the other subscription's grants were read
    assert named(result, "mlw-research").facts["identity.overprivileged"] is True
    assert sum(1 for r in requests if "roleassignments" in r.path.lower()) == 2  # retry_total=0: no retries


def test_one_subscription_failing_the_other_completes():
    result, _ = _scan({f"/subscriptions/{RESEARCH}/providers/Microsoft.MachineLearningServices": 500})
    assert [e.where for e in result.errors] == [f"azure/{RESEARCH}"]
    assert "listing workspaces" in result.errors[0].reason
    assert {r.account for r in result.resources} == {PROD}


def test_subscription_list_failing_is_an_error_not_a_crash():
    result, _ = _scan({"/subscriptions": 403})
    assert result.resources == ()
    assert [e.where for e in result.errors] == ["azure"]
    assert "listing subscriptions" in result.errors[0].reason and "403" in result.errors[0].reason


def test_unknown_subscription_is_reported():
    unknown = "33333333-3333-3333-3333-333333333333"
    with start_arm_emulator() as emu:
        result = scan(LiveOptions(azure_endpoint=emu.url, subscriptions=(unknown, RESEARCH)), NullProgress())
    assert [e.where for e in result.errors] == [f"azure/{unknown}"]
    assert "404" in result.errors[0].reason
    assert {r.account for r in result.resources} == {RESEARCH}


def test_unreadable_model_version_is_reported_and_the_endpoint_kept():
    result, _ = _scan({"/models/churn/versions/2": 404})
    assert [e.where for e in result.errors] == [f"azure/{PROD}/mlw-dev-open"]
    assert result.errors[0].reason.startswith("model churn:2: 404")
    assert named(result, "ep-churn").kind == "endpoint"
    assert named(result, "churn:1").kind == "model"


def test_unreadable_storage_account_makes_storage_public_unknown():
    result, _ = _scan({"/storageaccounts/stdevopen": 403})
    assert [(e.where, e.reason.split(":")[0]) for e in result.errors] == [
        (f"azure/{PROD}/mlw-dev-open", "storage account")
    ]
    ws = named(result, "mlw-dev-open")
    assert ws.facts["storage.public"] is None
    assert ws.facts["network.public"] is True
    assert named(result, "cpu-open").kind == "compute"


def test_a_workspace_listed_without_an_arm_id_is_an_error_not_a_made_up_workspace():
    """Found by make fuzz: a listing entry whose ``id`` was 7 gave a workspace with id "7" and child
    reads under an empty resource group; now it is one error naming the workspace, the rest is scanned."""
    from tests.fuzz.fault_proxy import Fault, FaultProxy

    wrong_id = Fault(
        f"/subscriptions/{RESEARCH}/providers/Microsoft.MachineLearningServices/workspaces?",
        "wrong_type",
        field="id",
        value=7,
    )
    with start_arm_emulator() as emu, FaultProxy(emu.url, [wrong_id]) as proxy:
        result = scan(LiveOptions(azure_endpoint=proxy.url), NullProgress())
    assert proxy.effective
    errors = [e for e in result.errors if e.where.startswith(f"azure/{RESEARCH}/")]
    assert errors and all(
        e.reason.startswith("reading workspace: the listing's entry has no workspace ARM id") for e in errors
    ), errors
    assert not [r for r in result.resources if r.account == RESEARCH and r.kind == "workspace"]
    assert named(result, "ep-credit-dp").facts["auth.mode"] == "iam"  # the other subscription is complete
