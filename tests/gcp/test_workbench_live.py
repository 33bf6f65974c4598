"""Live Vertex AI Workbench instances: the real notebooks_v2 REST client against the emulator, and parity with HCL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.clouds.sources import terraform_source
from scanner.redact import REDACTED
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.gcp.conftest import PROJECT, live_scan

ROOT = Path(__file__).resolve().parents[2]
ZONE_A = f"projects/{PROJECT}/locations/us-central1-a/instances"
ZONE_B = f"projects/{PROJECT}/locations/us-central1-b/instances"
HARDENED = f"{ZONE_A}/fraud-analyst"
OPEN = f"{ZONE_B}/research-open"
NO_ACCOUNT = f"projects/{PROJECT}/locations/europe-west4-a/instances/churn-scratch"
WILDCARD = f"/v2/projects/{PROJECT}/locations/-/instances"


@pytest.fixture(scope="module")
def result(emulator):
    return live_scan(emulator)


def notebooks(result) -> dict:
    return {r.id: r for r in result.resources if r.kind == "notebook"}


# --- the real client ----------------------------------------------------------------------------------


def test_real_notebooks_v2_rest_client_pages_through_the_emulator(emulator):
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import notebooks_v2

    client = notebooks_v2.NotebookServiceClient(
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": emulator.url},
    )
    emulator.requests.clear()
    names = [i.name for i in client.list_instances(parent=f"projects/{PROJECT}/locations/-")]
    assert names == [HARDENED, OPEN, NO_ACCOUNT]
    calls = [r for r in emulator.requests if r.path == WILDCARD]
    assert len(calls) == 2 and "pageToken=2" in calls[1].query  # two a page: the pager followed the token
    zonal = client.list_instances(parent=f"projects/{PROJECT}/locations/us-central1-b")
    assert [i.name for i in zonal] == [OPEN]
    one = client.get_instance(name=HARDENED)
    assert one.gce_setup.disable_public_ip is True
    assert one.gce_setup.data_disks[0].kms_key.endswith("cryptoKeys/notebooks")


def test_scan_lists_every_zone_once_per_project_and_only_reads(emulator):
    emulator.requests.clear()
    live_scan(emulator)
    v2 = [r for r in emulator.requests if r.path.startswith("/v2/")]
    assert {r.path for r in v2} == {WILDCARD}  # one wildcard listing shared by both regions
    assert len(v2) == 2  # two pages
    assert all(r.method == "GET" for r in v2)


# --- facts per instance ------------------------------------------------------------------------------


def test_every_seeded_instance_becomes_a_notebook_in_its_region(result):
    found = notebooks(result)
    assert result.errors == ()
    assert set(found) == {HARDENED, OPEN, NO_ACCOUNT}
    assert {i: r.region for i, r in found.items()} == {
        HARDENED: "us-central1",
        OPEN: "us-central1",
        NO_ACCOUNT: "europe-west4",
    }
    for res in found.values():
        assert (res.provider, res.service, res.account) == ("gcp", "notebooks", PROJECT)
        assert res.resource_type == "notebooks.googleapis.com/Instance"
        assert res.source.kind == "live" and res.source.address == "notebooks.googleapis.com"
    assert found[HARDENED].name == "fraud-analyst"


def test_hardened_instance_passes_every_notebook_fact(result):
    facts = notebooks(result)[HARDENED].facts
    assert (facts["network.public_ip"], facts["network.public"], facts["notebook.direct_internet"]) == (
        False,
        False,
        False,
    )
    assert facts["network.subnet"].endswith("subnetworks/notebooks")
    assert facts["encryption.cmk"] is True
    assert facts["encryption.key_id"].endswith("cryptoKeys/notebooks")
    assert (
        facts["hardening.secure_boot"],
        facts["hardening.vtpm"],
        facts["hardening.integrity_monitoring"],
    ) == (
        True,
        True,
        True,
    )
    assert (facts["notebook.root_access"], facts["notebook.terminal"], facts["notebook.file_downloads"]) == (
        False,
        False,
        False,
    )
    assert facts["notebook.auto_upgrade"] is True
    assert facts["identity.principal"] == "vertex-trainer@mlscan-demo.iam.gserviceaccount.com"
    assert (facts["identity.default"], facts["identity.overprivileged"]) == (False, False)
    assert facts["data.sensitivity"] == "confidential"
    assert notebooks(result)[HARDENED].links == ("vertex-trainer@mlscan-demo.iam.gserviceaccount.com",)


def test_public_ip_root_and_terminal_instance_fails_them(result):
    facts = notebooks(result)[OPEN].facts
    assert (facts["network.public_ip"], facts["notebook.direct_internet"]) == (True, True)
    assert (facts["notebook.root_access"], facts["notebook.terminal"], facts["notebook.file_downloads"]) == (
        True,
        True,
        True,
    )
    assert facts["notebook.auto_upgrade"] is False
    assert facts["encryption.cmk"] is False
    # A returned Shielded VM config omits false switches (proto3): only vTPM is on here.
    assert (
        facts["hardening.secure_boot"],
        facts["hardening.vtpm"],
        facts["hardening.integrity_monitoring"],
    ) == (
        False,
        True,
        False,
    )
    assert facts["identity.overprivileged"] is True
    assert facts["identity.grants"] == ["roles/owner"]
    assert facts["data.sensitivity"] == "phi"


def test_no_service_account_is_the_compute_default_with_unknown_breadth(result):
    facts = notebooks(result)[NO_ACCOUNT].facts
    assert facts["identity.principal"] is None
    assert facts["identity.default"] is True
    assert facts["identity.overprivileged"] is None  # unknown, never "not overprivileged"
    assert "identity.grants" not in facts
    assert notebooks(result)[NO_ACCOUNT].links == ()
    # No Shielded VM config at all: Compute Engine's defaults.
    assert (
        facts["hardening.secure_boot"],
        facts["hardening.vtpm"],
        facts["hardening.integrity_monitoring"],
    ) == (
        False,
        True,
        True,
    )
    assert facts["network.public_ip"] is False


def test_metadata_values_other_than_notebook_switches_are_redacted(result):
    raw = notebooks(result)[OPEN].raw
    assert raw["gce_setup"]["metadata"]["startup-script"] == REDACTED
    assert raw["gce_setup"]["metadata"]["notebook-disable-root"] == "false"
    assert "hf_notebook_secret" not in json.dumps([dict(r.raw) for r in result.resources])


def test_unreadable_iam_policy_makes_a_named_accounts_breadth_unknown():
    with start_vertex_emulator(faults={"/v3/*:getIamPolicy": 403}) as emu:
        result = live_scan(emu, locations=("us-central1",))
    assert notebooks(result)[OPEN].facts["identity.overprivileged"] is None
    assert [e.where for e in result.errors] == [f"gcp/{PROJECT}/global/iam"]


# --- partial failure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 403])
def test_failing_notebooks_api_is_reported_and_vertex_still_scans(status):
    with start_vertex_emulator(faults={"/v2/*": status}) as emu:
        result = live_scan(emu)
    assert sorted(e.where for e in result.errors) == [
        f"gcp/{PROJECT}/europe-west4/workbenchInstances",
        f"gcp/{PROJECT}/us-central1/workbenchInstances",
    ]
    assert all(("INTERNAL" if status == 500 else "FORBIDDEN") in e.reason for e in result.errors)
    assert notebooks(result) == {}
    assert sum(r.kind == "endpoint" for r in result.resources) == 4
    assert len(result.resources) == 12
    wildcard_calls = [r for r in emu.requests if r.path == WILDCARD]
    assert len(wildcard_calls) == 1  # the failure is remembered, not retried per region


def test_an_unreachable_zone_fails_only_its_region():
    with start_vertex_emulator(faults={f"/v2/projects/{PROJECT}/locations/us-central1-b/*": 500}) as emu:
        result = live_scan(emu)
    assert [(e.where, e.reason) for e in result.errors] == [
        (f"gcp/{PROJECT}/us-central1/workbenchInstances", "zones unreachable: us-central1-b")
    ]
    assert set(notebooks(result)) == {HARDENED, NO_ACCOUNT}  # the reachable zone of the region still counts


def test_transient_throttling_of_the_listing_is_retried():
    with start_vertex_emulator(faults={WILDCARD: (429, 1)}) as emu:
        result = live_scan(emu, locations=("us-central1",), extra={"gcp_retry_timeout": 10})
    assert result.errors == ()
    assert set(notebooks(result)) == {HARDENED, OPEN}


# --- same instance, same facts: HCL and live ---------------------------------------------------------

KEY = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k"
EDITOR_SA = "nb-editor@mlscan-demo.iam.gserviceaccount.com"
SUBNET = "projects/p/regions/us-central1/subnetworks/nb"
CASES: dict[str, dict] = {
    "defaults": {},
    "hardened": {
        "no_public_ip": True,
        "boot_key": True,
        "data_key": True,
        "shielded": {"enable_secure_boot": True, "enable_vtpm": True, "enable_integrity_monitoring": True},
        "metadata": {
            "notebook-disable-root": "true",
            "notebook-disable-terminal": "true",
            "notebook-disable-downloads": "true",
            "notebook-upgrade-schedule": "0 3 * * SUN",
        },
        "account": EDITOR_SA,
        "subnet": True,
    },
    "boot_key_only_secure_boot_only": {"boot_key": True, "shielded": {"enable_secure_boot": True}},
    "shielded_block_empty_root_false": {"shielded": {}, "metadata": {"notebook-disable-root": "false"}},
}


def _hcl(name: str, case: dict) -> str:
    lines = [
        f'resource "google_workbench_instance" "{name}" {{',
        f'  name     = "{name}"',
        '  location = "us-central1-a"',
        '  labels   = { data-classification = "phi" }',
        "  gce_setup {",
        '    machine_type = "e2-standard-4"',
    ]
    if case.get("no_public_ip"):
        lines.append("    disable_public_ip = true")
    if case.get("boot_key"):
        lines += ["    boot_disk {", '      disk_encryption = "CMEK"', f'      kms_key = "{KEY}"', "    }"]
    if case.get("data_key"):
        lines += ["    data_disks {", '      disk_encryption = "CMEK"', f'      kms_key = "{KEY}"', "    }"]
    if "shielded" in case:
        lines.append("    shielded_instance_config {")
        lines += [f"      {k} = {'true' if v else 'false'}" for k, v in case["shielded"].items()]
        lines.append("    }")
    if case.get("metadata"):
        lines.append("    metadata = {")
        lines += [f'      "{k}" = "{v}"' for k, v in case["metadata"].items()]
        lines.append("    }")
    if case.get("account"):
        lines += ["    service_accounts {", f'      email = "{case["account"]}"', "    }"]
    if case.get("subnet"):
        lines += ["    network_interfaces {", f'      subnet = "{SUBNET}"', "    }"]
    return "\n".join([*lines, "  }", "}", ""])


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _api(name: str, case: dict) -> dict:
    gce: dict = {"machineType": "e2-standard-4"}
    if case.get("no_public_ip"):
        gce["disablePublicIp"] = True
    if case.get("boot_key"):
        gce["bootDisk"] = {"diskEncryption": "CMEK", "kmsKey": KEY}
    if case.get("data_key"):
        gce["dataDisks"] = [{"diskEncryption": "CMEK", "kmsKey": KEY}]
    if "shielded" in case:  # proto3 JSON: false switches are left out
        gce["shieldedInstanceConfig"] = {_camel(k): v for k, v in case["shielded"].items() if v}
    if case.get("metadata"):
        gce["metadata"] = dict(case["metadata"])
    if case.get("account"):
        gce["serviceAccounts"] = [{"email": case["account"]}]
    if case.get("subnet"):
        gce["networkInterfaces"] = [{"subnet": SUBNET}]
    return {
        "name": f"projects/{PROJECT}/locations/us-central1-a/instances/{name}",
        "labels": {"data-classification": "phi"},
        "gceSetup": gce,
    }


@pytest.fixture(scope="module")
def both_faces(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workbench_parity")
    (tmp / "hcl").mkdir()
    grant = (
        'resource "google_project_iam_member" "nb_editor" {\n'
        '  project = "mlscan-demo"\n  role = "roles/editor"\n'
        f'  member = "serviceAccount:{EDITOR_SA}"\n}}\n'
    )
    (tmp / "hcl" / "main.tf").write_text("".join(_hcl(n, c) for n, c in CASES.items()) + grant)
    estate = {
        "projects": {
            PROJECT: {
                "locations": {"us-central1": {}},
                "zones": {"us-central1-a": {"instances": [_api(n, c) for n, c in CASES.items()]}},
                "iamPolicy": {
                    "bindings": [{"role": "roles/editor", "members": [f"serviceAccount:{EDITOR_SA}"]}]
                },
            }
        }
    }
    (tmp / "estate.json").write_text(json.dumps(estate))
    with start_vertex_emulator(tmp / "estate.json") as emu:
        live = live_scan(emu, locations=("us-central1",))
    hcl = terraform_source([tmp / "hcl"])
    assert live.errors == () and hcl.errors == ()
    return (
        {r.name: dict(r.facts) for r in live.resources if r.kind == "notebook"},
        {r.name: dict(r.facts) for r in hcl.resources if r.kind == "notebook"},
    )


@pytest.mark.parametrize("name", list(CASES))
def test_hcl_and_live_give_identical_facts(both_faces, name):
    live, hcl = both_faces
    assert live[name] == hcl[name]
    assert live[name]["network.public_ip"] is not None


def test_parity_cases_cover_both_outcomes(both_faces):
    live, _ = both_faces
    assert live["hardened"]["identity.overprivileged"] is True  # roles/editor, read from IAM either way
    assert live["hardened"]["encryption.cmk"] is True
    assert live["boot_key_only_secure_boot_only"]["encryption.cmk"] is False  # the data disk is Google-keyed
    assert live["boot_key_only_secure_boot_only"]["hardening.vtpm"] is False
    assert live["shielded_block_empty_root_false"]["hardening.integrity_monitoring"] is False
    assert live["defaults"]["hardening.vtpm"] is True
    assert live["defaults"]["identity.default"] is True


# --- lazy imports ------------------------------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    env.update({"AWS_DEFAULT_REGION": "us-east-1", "MOTO_IAM_LOAD_MANAGED_POLICIES": "false"})
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_scanning_only_aws_never_imports_the_notebooks_sdk():
    loaded = _modules_after(
        "from moto import mock_aws\n"
        "from scanner.clouds import live_scanner\n"
        "from scanner.clouds.base import LiveOptions, NullProgress\n"
        "import scanner.clouds.gcp.live, scanner.clouds.gcp.notebooks, scanner.clouds.gcp.terraform\n"
        "with mock_aws():\n"
        "    result = live_scanner('aws')(LiveOptions(regions=('us-east-1',)), NullProgress())\n"
        "assert not [e for e in result.errors if 'notebook' in e.reason], result.errors\n"
    )
    assert "scanner.clouds.gcp.notebooks" in loaded
    assert "boto3" in loaded  # the AWS scan really ran
    assert not [m for m in loaded if m.startswith(("google.cloud.notebooks", "google.cloud.aiplatform"))]
