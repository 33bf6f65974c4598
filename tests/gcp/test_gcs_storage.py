"""The Cloud Storage behind Vertex resources: the same bucket judged live (google-cloud-storage against the
emulator's JSON API, Get calls only) and in Terraform (``google_storage_bucket`` and its IAM / ACL blocks)
gives the same ``artifacts.*`` facts; lineage reaches buckets from model artifacts, job outputs and the
models an endpoint serves; the endpoint leakage risk counts a public bucket.
"""

from __future__ import annotations

import json

import pytest

from scanner.clouds.sources import terraform_source
from scanner.privacy.risk import join_served_privacy
from scanner.sandbox.vertex_emulator import start_vertex_emulator
from tests.fuzz.fault_proxy import Fault, FaultProxy
from tests.gcp.conftest import PROJECT, live_scan

LOCATION = "us-central1"
PARENT = f"projects/{PROJECT}/locations/{LOCATION}"
KEY = f"{PARENT}/keyRings/r/cryptoKeys/k"
FACTS = (
    "artifacts.public",
    "artifacts.cmk",
    "artifacts.versioning",
    "artifacts.access_logging",
    "artifacts.locations",
)

# name → (HCL of the bucket and its companions, the API's bucket JSON, expected artifacts.public)
BUCKETS = {
    "mls-locked": (
        """
resource "google_storage_bucket" "mls-locked" {
  name                        = "mls-locked"
  location                    = "US"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  encryption { default_kms_key_name = "KEY" }
  versioning { enabled = true }
  logging { log_bucket = "mls-logs" }
}
""".replace("KEY", KEY),
        {
            "iamConfiguration": {
                "uniformBucketLevelAccess": {"enabled": True},
                "publicAccessPrevention": "enforced",
            },
            "encryption": {"defaultKmsKeyName": KEY},
            "versioning": {"enabled": True},
            "softDeletePolicy": {"retentionDurationSeconds": "604800"},
            "logging": {"logBucket": "mls-logs"},
        },
        False,
    ),
    "mls-open": (
        """
resource "google_storage_bucket" "mls-open" {
  name                        = "mls-open"
  location                    = "US"
  uniform_bucket_level_access = true
}
resource "google_storage_bucket_iam_member" "anyone" {
  bucket = google_storage_bucket.mls-open.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}
""",
        {
            "iamConfiguration": {
                "uniformBucketLevelAccess": {"enabled": True},
                "publicAccessPrevention": "inherited",
            },
            "softDeletePolicy": {"retentionDurationSeconds": "604800"},
            "iamPolicy": {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]},
        },
        True,
    ),
    "mls-fine": (
        """
resource "google_storage_bucket" "mls-fine" {
  name     = "mls-fine"
  location = "US"
  soft_delete_policy { retention_duration_seconds = 0 }
}
""",
        {"softDeletePolicy": {"retentionDurationSeconds": "0"}},
        None,
    ),
    "mls-acl": (
        """
resource "google_storage_bucket" "mls-acl" {
  name     = "mls-acl"
  location = "US"
}
resource "google_storage_bucket_acl" "public" {
  bucket         = google_storage_bucket.mls-acl.name
  predefined_acl = "publicRead"
}
""",
        {
            "softDeletePolicy": {"retentionDurationSeconds": "604800"},
            "acl": [{"entity": "allUsers", "role": "READER"}],
        },
        True,
    ),
}


def _index(name: str) -> str:
    return f"""
resource "google_vertex_ai_index" "{name}" {{
  display_name = "{name}"
  region       = "{LOCATION}"
  metadata {{ contents_delta_uri = "gs://{name}/embeddings" }}
}}
"""


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("gcs")
    (tmp / "main.tf").write_text("".join(hcl + _index(name) for name, (hcl, _, _) in BUCKETS.items()))
    models = [
        {"name": f"{PARENT}/models/{i}", "displayName": name, "artifactUri": f"gs://{name}/model/"}
        for i, name in enumerate(BUCKETS, start=1)
    ]
    endpoint = {
        "name": f"{PARENT}/endpoints/9",
        "displayName": "serving-open",
        "deployedModels": [{"id": "d1", "model": f"{PARENT}/models/2"}],
    }
    job = {
        "name": f"{PARENT}/customJobs/5",
        "displayName": "trainer",
        "jobSpec": {
            "baseOutputDirectory": {"outputUriPrefix": "gs://mls-locked/jobs/5"},
            "workerPoolSpecs": [
                {"containerSpec": {"imageUri": "img", "args": ["--data", "gs://mls-open/train/"]}}
            ],
        },
    }
    estate = {
        "projects": {
            PROJECT: {
                "locations": {LOCATION: {"models": models, "endpoints": [endpoint], "customJobs": [job]}},
                "iamPolicy": {"bindings": []},
            }
        },
        "buckets": {name: api for name, (_, api, _) in BUCKETS.items()},
    }
    (tmp / "estate.json").write_text(json.dumps(estate))
    with start_vertex_emulator(tmp / "estate.json") as emu:
        live = live_scan(emu, locations=(LOCATION,))
        requests = list(emu.requests)
    hcl = terraform_source([tmp / "main.tf"])
    assert live.errors == () and hcl.errors == ()
    return {r.name: r for r in live.resources}, {r.name: r for r in hcl.resources}, requests


@pytest.mark.parametrize("name", list(BUCKETS))
def test_live_and_terraform_judge_the_bucket_alike(faces, name):
    live, hcl, _ = faces
    live_facts = {k: live[name].facts.get(k) for k in FACTS}
    tf_facts = {k: hcl[name].facts.get(k) for k in FACTS}
    assert live_facts == tf_facts
    assert live_facts["artifacts.public"] is BUCKETS[name][2]
    assert live_facts["artifacts.locations"] == [f"gs://{name}"]


def test_defaults_and_settings(faces):
    live = faces[0]
    locked = live["mls-locked"].facts
    assert (locked["artifacts.cmk"], locked["artifacts.versioning"], locked["artifacts.access_logging"]) == (
        True,
        True,
        True,
    )
    assert live["mls-open"].facts["artifacts.versioning"] is True  # soft delete, on by default
    assert live["mls-fine"].facts["artifacts.versioning"] is False  # soft delete turned off, no versioning


def test_lineage_reaches_job_outputs_inputs_and_served_models(faces):
    live = faces[0]
    job = live["trainer"].facts
    assert job["artifacts.locations"] == ["gs://mls-locked", "gs://mls-open"]
    assert job["artifacts.public"] is True  # its training data is in a public bucket
    endpoint = live["serving-open"]
    assert endpoint.facts["artifacts.locations"] == ["gs://mls-open"]
    assert endpoint.facts["artifacts.public"] is True


def test_a_public_bucket_is_an_endpoint_leakage_factor(faces):
    live = faces[0]
    _, summaries = join_served_privacy(list(live.values()))
    (summary,) = [s for s in summaries if s.endpoint_name == "serving-open"]
    assert "training data or model artifacts publicly readable" in summary.factors


def test_storage_reads_are_gets(faces):
    storage = [r for r in faces[2] if r.path.startswith("/storage/v1/")]
    assert storage and {r.method for r in storage} == {"GET"}
    assert len([r for r in storage if r.path == "/storage/v1/b/mls-open"]) == 1  # once per bucket


def test_an_unreadable_bucket_is_unknown_and_an_error_entry(tmp_path):
    """A bucket the scanner may not read (403 on its Get) leaves every verdict unknown and says why,
    one error entry naming the bucket; the bucket beside it is still judged."""
    estate = {
        "projects": {
            PROJECT: {
                "locations": {
                    LOCATION: {
                        "models": [
                            {
                                "name": f"{PARENT}/models/1",
                                "displayName": "denied",
                                "artifactUri": "gs://mls-denied/m/",
                            },
                            {
                                "name": f"{PARENT}/models/2",
                                "displayName": "readable",
                                "artifactUri": "gs://mls-open/m/",
                            },
                        ]
                    }
                },
                "iamPolicy": {"bindings": []},
            }
        },
        "buckets": {"mls-denied": BUCKETS["mls-locked"][1], "mls-open": BUCKETS["mls-open"][1]},
    }
    (tmp_path / "estate.json").write_text(json.dumps(estate))
    denied = Fault("/storage/v1/b/mls-denied?", "status", status=403)
    with start_vertex_emulator(tmp_path / "estate.json") as emu, FaultProxy(emu.url, [denied]) as proxy:
        result = live_scan(proxy, locations=(LOCATION,))
    models = {r.name: r for r in result.resources}
    assert models["denied"].facts["artifacts.public"] is None
    assert models["readable"].facts["artifacts.public"] is True
    (error,) = result.errors
    assert error.where == f"gcp/{PROJECT}/global/storage"
    assert (
        error.reason.startswith("bucket mls-denied: ") and "403" in error.reason and "\n" not in error.reason
    )
