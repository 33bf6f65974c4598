"""The Terraform face: mappers on hand-built blocks, the reference stacks (HCL and plan) and the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.clouds.gcp.terraform import MAPPERS
from scanner.clouds.sources import terraform_source
from scanner.iac.graph import TfIndex
from scanner.iac.types import TfResource
from scanner.iac.values import Ref, Unknown
from scanner.model import Source

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/corpus/terraform")


def tf(rtype: str, attrs: dict, name: str = "x", references: tuple[str, ...] = ()) -> TfResource:
    return TfResource(
        type=rtype,
        name=name,
        address=f"{rtype}.{name}",
        attrs=attrs,
        source=Source(kind="hcl", file="main.tf", line=1),
        references=references,
    )


def mapped(block: TfResource, *others: TfResource) -> dict:
    index = TfIndex([block, *others])
    (resource,) = MAPPERS[block.type](block, index)
    return dict(resource.facts)


# --- provider defaults on hand-built blocks ---------------------------------------------------------


def test_bare_endpoint_is_public_google_keyed_and_unlogged():
    facts = mapped(tf("google_vertex_ai_endpoint", {"name": "e", "location": "us-central1"}))
    assert facts["encryption.cmk"] is False
    assert (facts["network.private"], facts["network.public"]) == (False, True)
    assert facts["logging.capture"] is False
    assert facts["auth.mode"] == "iam"
    assert "exposure.explanations" not in facts  # deployed models are not in Terraform: unknown


def test_psc_only_endpoint_is_private_unlike_checkov_ckv2_gcp_33():
    facts = mapped(
        tf(
            "google_vertex_ai_endpoint",
            {"private_service_connect_config": [{"enable_private_service_connect": True}]},
        )
    )
    assert (facts["network.private"], facts["network.public"]) == (True, False)


def test_referenced_network_and_key_count_as_set():
    facts = mapped(
        tf(
            "google_vertex_ai_endpoint",
            {
                "network": Ref("google_compute_network.vpc.id"),
                "encryption_spec": [{"kms_key_name": Ref("google_kms_crypto_key.k.id")}],
            },
        )
    )
    assert facts["network.private"] is True
    assert facts["encryption.cmk"] is True


def test_interpolated_network_counts_as_set_but_bare_variable_is_unknown():
    templ = Unknown("projects/${data.google_project.p.number}/global/networks/vpc")
    assert mapped(tf("google_vertex_ai_endpoint", {"network": templ}))["network.private"] is True
    facts = mapped(tf("google_vertex_ai_endpoint", {"network": Unknown("var.network")}))
    assert facts["network.private"] is None and facts["network.public"] is None


def test_dynamic_psc_block_is_unknown_not_public():
    facts = mapped(
        tf("google_vertex_ai_endpoint", {"private_service_connect_config": Unknown('dynamic "psc"')})
    )
    assert facts["network.public"] is None


def test_logging_block_without_enabled_is_off():
    facts = mapped(tf("google_vertex_ai_endpoint", {"predict_request_response_logging_config": [{}]}))
    assert facts["logging.capture"] is False


def test_index_endpoint_public_only_when_enabled():
    assert mapped(tf("google_vertex_ai_index_endpoint", {}))["network.public"] is False
    public = mapped(tf("google_vertex_ai_index_endpoint", {"public_endpoint_enabled": True}))
    assert public["network.public"] is True


def test_legacy_notebook_defaults():
    facts = mapped(tf("google_notebooks_instance", {"machine_type": "n1-standard-4"}))
    assert facts["network.public_ip"] is True
    assert facts["encryption.cmk"] is False
    assert (
        facts["hardening.secure_boot"],
        facts["hardening.vtpm"],
        facts["hardening.integrity_monitoring"],
    ) == (False, True, True)
    assert facts["notebook.root_access"] is True
    assert facts["identity.default"] is True
    assert facts["identity.overprivileged"] is None


def test_legacy_notebook_cmek_by_mode_or_key():
    assert mapped(tf("google_notebooks_instance", {"disk_encryption": "CMEK"}))["encryption.cmk"] is True
    assert mapped(tf("google_notebooks_instance", {"disk_encryption": "GMEK"}))["encryption.cmk"] is False
    assert mapped(tf("google_notebooks_instance", {"kms_key": "projects/p/k"}))["encryption.cmk"] is True


def test_workbench_needs_both_disks_on_cmek():
    boot_only = {"gce_setup": [{"boot_disk": [{"kms_key": "k"}]}]}
    assert mapped(tf("google_workbench_instance", boot_only))["encryption.cmk"] is False
    both = {"gce_setup": [{"boot_disk": [{"kms_key": "k"}], "data_disks": [{"kms_key": "k"}]}]}
    assert mapped(tf("google_workbench_instance", both))["encryption.cmk"] is True
    dynamic = {
        "gce_setup": [{"boot_disk": [{"kms_key": "k"}], "data_disks": Unknown('dynamic "data_disks"')}]
    }
    assert mapped(tf("google_workbench_instance", dynamic))["encryption.cmk"] is None


def test_workbench_metadata_hardening():
    attrs = {
        "gce_setup": [
            {
                "disable_public_ip": True,
                "metadata": {
                    "notebook-disable-root": "true",
                    "notebook-disable-terminal": True,
                    "notebook-disable-downloads": "false",
                },
            }
        ]
    }
    facts = mapped(tf("google_workbench_instance", attrs))
    assert facts["network.public_ip"] is False
    assert (facts["notebook.root_access"], facts["notebook.terminal"], facts["notebook.file_downloads"]) == (
        False,
        False,
        True,
    )
    assert facts["notebook.auto_upgrade"] is False
    scheduled = {"gce_setup": [{"metadata": {"notebook-upgrade-schedule": "0 3 * * SUN"}}]}
    assert mapped(tf("google_workbench_instance", scheduled))["notebook.auto_upgrade"] is True
    unknown = mapped(tf("google_workbench_instance", {"gce_setup": [{"metadata": Unknown("var.metadata")}]}))
    assert unknown["notebook.root_access"] is None


def test_runtime_internal_ip_and_kms():
    attrs = {
        "virtual_machine": [
            {
                "virtual_machine_config": [
                    {"internal_ip_only": True, "encryption_config": [{"kms_key": "projects/p/k"}]}
                ]
            }
        ]
    }
    facts = mapped(tf("google_notebooks_runtime", attrs))
    assert facts["network.public_ip"] is False
    assert facts["encryption.cmk"] is True


def _workbench_as(account_ref: Ref) -> TfResource:
    return tf(
        "google_workbench_instance",
        {"gce_setup": [{"service_accounts": [{"email": account_ref}]}]},
        name="wb",
        references=(account_ref.address,),
    )


def test_editor_granted_to_the_notebook_account_is_overprivileged():
    account = tf("google_service_account", {"account_id": "nb"}, name="nb")
    grant = tf(
        "google_project_iam_member",
        {"role": "roles/editor", "member": Unknown("serviceAccount:${google_service_account.nb.email}")},
        name="g",
        references=("google_service_account.nb",),
    )
    wb = _workbench_as(Ref("google_service_account.nb.email"))
    facts = mapped(wb, account, grant)
    assert facts["identity.overprivileged"] is True
    assert facts["identity.grants"] == ["roles/editor"]
    assert facts["identity.default"] is False


def test_binding_members_and_narrow_roles():
    account = tf("google_service_account", {"account_id": "nb"}, name="nb")
    grant = tf(
        "google_project_iam_binding",
        {
            "role": "roles/aiplatform.user",
            "members": [Ref("google_service_account.nb.member"), "user:a@example.com"],
        },
        name="g",
        references=("google_service_account.nb",),
    )
    facts = mapped(_workbench_as(Ref("google_service_account.nb.email")), account, grant)
    assert facts["identity.overprivileged"] is False


def test_external_account_without_grants_here_is_unknown_but_owner_grant_is_conclusive():
    email = "ext@other.iam.gserviceaccount.com"
    nb = tf("google_notebooks_instance", {"service_account": email})
    assert mapped(nb)["identity.overprivileged"] is None
    owner = tf(
        "google_project_iam_member", {"role": "roles/owner", "member": f"serviceAccount:{email}"}, name="o"
    )
    assert mapped(nb, owner)["identity.overprivileged"] is True


def test_compute_default_account_literal_is_default():
    nb = tf("google_notebooks_instance", {"service_account": "123-compute@developer.gserviceaccount.com"})
    assert mapped(nb)["identity.default"] is True


def test_deployed_index_merges_into_its_index_endpoint():
    ie = tf("google_vertex_ai_index_endpoint", {}, name="ie")
    idx = tf("google_vertex_ai_index", {}, name="idx")
    dep = tf(
        "google_vertex_ai_index_endpoint_deployed_index",
        {
            "index_endpoint": Ref("google_vertex_ai_index_endpoint.ie.id"),
            "index": Ref("google_vertex_ai_index.idx.id"),
        },
        name="d",
        references=("google_vertex_ai_index_endpoint.ie", "google_vertex_ai_index.idx"),
    )
    index = TfIndex([ie, idx, dep])
    assert list(MAPPERS[dep.type](dep, index)) == []
    (endpoint,) = MAPPERS[ie.type](ie, index)
    assert endpoint.links == ("google_vertex_ai_index.idx",)
    assert endpoint.kind == "data_store"


def test_sensitivity_from_labels():
    facts = mapped(tf("google_vertex_ai_dataset", {"labels": {"Data-Classification": "PHI"}}))
    assert facts["data.sensitivity"] == "phi"


# --- reference stacks -------------------------------------------------------------------------------


def _facts(path: str) -> dict[str, dict]:
    result = terraform_source([ROOT / path])
    assert result.errors == ()
    return {r.id.split(":")[-1]: dict(r.facts) for r in result.resources if r.provider == "gcp"}


def test_secure_stack_is_private_cmek_and_narrow():
    facts = _facts("terraform/secure/gcp")
    assert len(facts) == 10
    for address, f in facts.items():
        assert f["encryption.cmk"] is True, address
        assert f.get("network.public") in (False, None), address
        assert f.get("identity.overprivileged") in (False, None), address
    assert facts["google_vertex_ai_endpoint.triage_psc"]["network.private"] is True


def test_insecure_stack_fails_where_expected():
    facts = _facts("terraform/insecure/gcp")
    assert facts["google_vertex_ai_endpoint.patients"]["network.public"] is True
    assert facts["google_vertex_ai_index_endpoint.search"]["network.public"] is True
    assert facts["google_vertex_ai_feature_online_store.patients"]["network.public"] is True
    assert facts["google_workbench_instance.analyst"]["identity.grants"] == ["roles/editor"]
    assert facts["google_workbench_instance.scratch"]["hardening.vtpm"] is False
    assert facts["google_notebooks_runtime.managed"]["network.public_ip"] is True
    assert all(f["encryption.cmk"] is False for f in facts.values())


TEXT_FACTS = ("encryption.key_id", "network.subnet", "identity.principal")


@pytest.mark.parametrize("stack", ["secure", "insecure"])
def test_plan_gives_the_same_facts_as_hcl(stack):
    hcl = _facts(f"terraform/{stack}/gcp")
    plan = _facts(f"terraform/plans/gcp-{stack}.json")
    assert plan and set(plan) <= set(hcl)
    for address, facts in plan.items():
        expected = {k: v for k, v in hcl[address].items() if k not in TEXT_FACTS}
        assert {k: v for k, v in facts.items() if k not in TEXT_FACTS} == expected, address


# --- the real corpus (read in place) ----------------------------------------------------------------


def _corpus_gcp_files() -> list[tuple[str, str]]:
    rows = (line.split("\t") for line in (CORPUS / "SOURCES.tsv").read_text().splitlines()[1:])
    return [(row[0], row[7]) for row in rows if len(row) > 7 and row[6] == "gcp"]


needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not on this machine")


@needs_corpus
def test_every_gcp_type_of_the_corpus_has_a_mapper():
    types = {t.rsplit("x", 1)[0] for _, ts in _corpus_gcp_files() for t in ts.split(";")}
    assert types and types <= set(MAPPERS), types - set(MAPPERS)


@needs_corpus
def test_corpus_maps_with_only_the_known_malformed_file_failing():
    result = terraform_source([CORPUS / path for path, _ in _corpus_gcp_files()])
    assert [e.where.split("/")[-1].split(":")[0] for e in result.errors] == [
        "vertex_ai_endpoint_private_service_connect__main.tf"
    ]
    assert sum(r.provider == "gcp" for r in result.resources) >= 33


@needs_corpus
def test_checkov_fixtures_agree_on_private_index_endpoints_and_notebooks():
    base = CORPUS / "bridgecrewio__checkov"
    ie = terraform_source(
        [base / "tests__terraform__graph__checks__resources__GCPVertexAIPrivateIndexEndpoint__main.tf"]
    )
    public = {r.id.split(".")[-1]: r.facts["network.public"] for r in ie.resources}
    assert sorted(public.values()) == [False, False, True]
    nb = terraform_source(
        [base / "tests__terraform__checks__resource__gcp__example_VertexAIPrivateInstance__main.tf"]
    )
    assert sorted(r.facts["network.public_ip"] for r in nb.resources) == [False, True, True]
