"""The live face against the ARM emulator, through the real azure-mgmt SDK over http."""

from __future__ import annotations

import json

from azure_helpers import PROD, RESEARCH, named

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.sandbox.arm_emulator import start_arm_emulator


def test_every_subscription_the_credential_sees_is_scanned(live):
    assert live.errors == ()
    assert {r.account for r in live.resources} == {PROD, RESEARCH}
    kinds = sorted(r.kind for r in live.resources)
    assert kinds.count("workspace") == 4
    assert kinds.count("compute") == 6
    assert kinds.count("endpoint") == 3
    assert kinds.count("training_job") == 3  # the pipeline job only orchestrates and is skipped
    assert kinds.count("model") == 3  # only the versions deployments serve
    assert all(r.provider == "azure" and r.service == "machinelearningservices" for r in live.resources)


def test_secure_workspace_facts(live):
    ws = named(live, "mlw-prod-secure")
    assert ws.kind == "workspace"
    assert ws.id.endswith("/workspaces/mlw-prod-secure")
    assert ws.facts["network.public"] is False
    assert ws.facts["network.private"] is True
    # managedNetwork is not in SDK 2.0.0b2's model: read from the raw JSON
    assert ws.facts["network.egress_restricted"] is True
    assert ws.facts["encryption.cmk"] is True
    assert ws.facts["encryption.key_id"].startswith("https://kv-ml-prod.vault.azure.net/keys/")
    assert ws.facts["workspace.hbi"] is True
    assert ws.facts["identity.default"] is False
    assert ws.facts["identity.overprivileged"] is False
    assert ws.facts["data.sensitivity"] == "phi"
    assert ws.region == "westeurope"


def test_open_workspace_defaults_and_overprivileged_identity(live):
    ws = named(live, "mlw-dev-open")
    assert ws.facts["network.public"] is True
    assert ws.facts["network.egress_restricted"] is False  # no managed network = Disabled
    assert ws.facts["encryption.cmk"] is False
    assert ws.facts["workspace.hbi"] is False
    assert ws.facts["identity.overprivileged"] is True
    assert ws.facts["identity.grants"] == [f"Contributor at /subscriptions/{PROD}/resourceGroups/rg-ml-dev"]
    assert ws.facts["data.sensitivity"] == "pii"
    # Disabled, but allowPublicAccessWhenBehindVnet re-opens it
    assert named(live, "mlw-dev-legacy").facts["network.public"] is True


def test_contributor_on_a_single_storage_account_is_not_overprivileged(live):
    # the prod identity holds Contributor, but only on one storage account
    assert named(live, "cpu-secure").facts["identity.overprivileged"] is False


def test_compute_facts(live):
    secure = named(live, "cpu-secure").facts
    assert (secure["auth.local_enabled"], secure["network.public_ip"], secure["network.ssh_public"]) == (
        False,
        False,
        False,
    )
    assert secure["network.private"] is True and secure["network.subnet"].endswith("/subnets/snet-training")
    assert secure["compute.min_nodes"] == 0
    open_ = named(live, "cpu-open").facts
    # disableLocalAuth absent → local auth on; NotSpecified SSH without a VNet → open
    assert (open_["auth.local_enabled"], open_["network.public_ip"], open_["network.ssh_public"]) == (
        True,
        True,
        True,
    )
    assert open_["compute.min_nodes"] == 1
    assert open_["identity.overprivileged"] is True
    assert open_["identity.grants"] == [f"Owner at /subscriptions/{PROD}"]
    instance = named(live, "ci-open").facts
    assert instance["network.ssh_public"] is True and instance["network.public_ip"] is True
    assert named(live, "ci-secure").facts["network.ssh_public"] is False
    aks = named(live, "aks-infer").facts
    assert aks["network.public"] is True and aks["network.public_ip"] is None


def test_endpoint_merged_with_deployments(live):
    secure = named(live, "ep-credit-dp")
    assert secure.kind == "endpoint"
    assert secure.facts["auth.mode"] == "iam"
    assert secure.facts["network.public"] is False
    assert secure.facts["network.egress_restricted"] is True
    assert secure.facts["logging.access"] is True
    assert secure.facts["logging.capture"] is True  # dataCollector, read from the raw JSON
    assert secure.facts["logging.capture_encrypted"] is True  # lands in the CMK workspace's storage
    assert (secure.facts["exposure.explanations"], secure.facts["exposure.neighbors"]) == (False, False)
    assert secure.facts["encryption.cmk"] is True  # inherits the workspace key
    assert secure.facts["availability.instance_count"] == 2
    assert any(link.endswith("/models/credit-dp/versions/3") for link in secure.links)

    churn = named(live, "ep-churn").facts
    assert churn["auth.mode"] == "key"  # authMode Key
    assert churn["network.public"] is True  # publicNetworkAccess omitted → Enabled
    assert churn["network.egress_restricted"] is False  # one deployment leaves egress at its default
    assert churn["logging.capture"] is True  # dataCollector, read from raw JSON
    assert churn["logging.capture_encrypted"] is False
    assert churn["logging.access"] is False

    empty = named(live, "ep-empty").facts
    assert empty["auth.mode"] == "iam"
    assert empty["network.egress_restricted"] is None and empty["logging.capture"] is None


def test_training_jobs_identity_services_and_privacy(live):
    dp = named(live, "train-credit-dp")
    assert dp.kind == "training_job"
    assert dp.facts["identity.principal"].startswith("Managed:")
    assert dp.facts["identity.default"] is False
    assert dp.facts["training.interactive_access"] is False
    assert dp.facts["privacy.dp"] is True  # σ and C come through ${{inputs.*}} placeholders
    assert 2.0 < dp.facts["privacy.epsilon"] < 3.0
    assert dp.facts["data.sensitivity"] == "phi"

    churn = named(live, "train-churn")
    assert churn.facts["identity.default"] is True  # no identity → AMLToken
    assert churn.facts["identity.overprivileged"] is True  # runs as cpu-open's Owner identity
    assert churn.facts["training.interactive_access"] is True
    assert churn.facts["training.interactive_services"] == ["JupyterLab", "SSH"]
    assert churn.facts["privacy.dp"] is not True
    assert any(link.endswith("/computes/cpu-open") for link in churn.links)
    sweep = named(live, "sweep-churn")
    assert sweep.resource_type.endswith("/Sweep")


def test_secrets_are_redacted_in_raw(live):
    text = json.dumps([r.raw for r in live.resources])
    for secret in (
        "tok-9f8e7d6c5b4a",
        "sk-live-abcdef",
        "hunter2",
        "wandb-secret-123",
        "wJalrXUtnFEMI",
        "P@ssw0rd-do-not-leak",
    ):
        assert secret not in text
    churn = named(live, "ep-churn").raw
    env = churn["deployments"][0]["properties"]["environmentVariables"]
    assert env == {"OPENAI_API_KEY": "***REDACTED***", "DB_CONNECTION": "***REDACTED***"}
    job_env = named(live, "train-credit-dp").raw["properties"]["environmentVariables"]
    assert job_env == {"WANDB_API_KEY": "***REDACTED***"}
    creds = named(live, "cpu-open").raw["properties"]["properties"]["userAccountCredentials"]
    assert creds == {"adminUserName": "azureuser", "adminUserPassword": "***REDACTED***"}


def test_pagination_follows_next_link():
    with start_arm_emulator(page_size=1) as emu:
        result = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
        skips = [r for r in emu.requests if "$skiptoken" in r.query or "%24skiptoken" in r.query]
    assert result.errors == ()
    assert len([r for r in result.resources if r.kind == "workspace"]) == 4
    assert len([r for r in result.resources if r.kind == "compute"]) == 6
    assert named(result, "ep-churn").facts["network.egress_restricted"] is False  # both deployment pages
    assert len(skips) >= 8


def test_selected_subscription_only(emulator):
    result = scan(LiveOptions(azure_endpoint=emulator.url, subscriptions=(RESEARCH,)), NullProgress())
    assert {r.account for r in result.resources} == {RESEARCH}
    assert sorted(r.name for r in result.resources) == ["gpu-research", "mlw-research"]


class Recorder:
    def __init__(self) -> None:
        self.added: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def add(self, label: str, total: int | None = None) -> None:
        self.added[label] = self.added.get(label, 0) + (total or 0)

    def advance(self, label: str, amount: int = 1) -> None:
        self.done[label] = self.done.get(label, 0) + amount


def test_progress_is_reported_per_workspace(emulator):
    progress = Recorder()
    scan(LiveOptions(azure_endpoint=emulator.url, max_workers=2), progress)
    assert progress.added == {"azure workspaces": 4} and progress.done == {"azure workspaces": 4}


def test_served_models_link_endpoints_to_their_training_jobs(live):
    from scanner.privacy.risk import join_served_privacy

    model = named(live, "credit-dp:3")
    job = named(live, "train-credit-dp")
    assert model.kind == "model" and model.links == (job.id,)
    assert model.id in named(live, "ep-credit-dp").links
    assert named(live, "churn:2").links == ()  # registered from files: no job lineage
    joined, _ = join_served_privacy(list(live.resources))
    endpoints = {r.name: r.facts for r in joined if r.kind == "endpoint"}
    assert endpoints["ep-credit-dp"]["served.privacy.dp"] is True
    assert endpoints["ep-credit-dp"]["served.privacy.epsilon"] == job.facts["privacy.epsilon"]
    assert endpoints["ep-churn"]["served.privacy.dp"] is None  # one served version has no lineage


def test_job_egress_follows_the_workspace_network_and_compute(live):
    # managed network with approved outbound only covers every compute of the workspace
    assert named(live, "train-credit-dp").facts["network.egress_restricted"] is True
    # no managed network and a compute outside any subnet: outbound internet
    assert named(live, "train-churn").facts["network.egress_restricted"] is False


def test_workspace_storage_account_and_instance_idle_shutdown(live):
    assert named(live, "mlw-prod-secure").facts["storage.public"] is False  # publicNetworkAccess Disabled
    assert named(live, "mlw-dev-open").facts["storage.public"] is True
    assert named(live, "mlw-research").facts["storage.public"] is False  # firewall default Deny
    assert named(live, "ci-secure").facts["compute.idle_shutdown"] is True
    assert named(live, "ci-open").facts["compute.idle_shutdown"] is False


def test_job_identity_and_egress_edge_cases():
    from scanner.clouds.azure.computes import ComputeInfo
    from scanner.clouds.azure.facts_common import Grant
    from scanner.clouds.azure.jobs import job_resource
    from scanner.clouds.azure.workspaces import WorkspaceContext
    from scanner.model import Source

    ctx = WorkspaceContext(
        subscription=PROD,
        resource_group="rg",
        name="ws",
        id="/ws",
        location=None,
        cmk=None,
        grants=[Grant("p-vnet", "Owner", f"/subscriptions/{PROD}")],
        source=Source(kind="live"),
        egress_restricted=False,
    )
    computes = {"vnet-cluster": ComputeInfo(("p-vnet",), True)}

    def job(**props):
        return job_resource({"name": "j", "properties": {"jobType": "Command", **props}}, ctx, computes).facts

    on_vnet = job(computeId="/ws/computes/vnet-cluster")
    assert on_vnet["network.egress_restricted"] is None  # the subnet's rules are not read
    assert on_vnet["identity.overprivileged"] is True  # runs as the cluster's Owner identity
    assert job()["network.egress_restricted"] is False  # serverless, no managed network
    assert job(computeId="/ws/computes/gone")["network.egress_restricted"] is None
    user = job(identity={"identityType": "UserIdentity"})
    assert user["identity.overprivileged"] is None and user["identity.default"] is False
    by_client_id = job(identity={"identityType": "Managed", "clientId": "c-1"})
    assert by_client_id["identity.overprivileged"] is None
