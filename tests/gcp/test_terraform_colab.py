"""Colab Enterprise runtime templates / runtimes, feature views, feature groups and deployment resource pools."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scanner.clouds.sources import terraform_source


def mapped(tmp_path: Path, text: str) -> dict:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text), encoding="utf-8")
    result = terraform_source([str(tmp_path)])
    assert result.errors == ()
    return {r.id.split(":", 1)[1]: r for r in result.resources}


def test_runtime_template_defaults_and_a_locked_template(tmp_path: Path) -> None:
    res = mapped(
        tmp_path,
        """
        resource "google_colab_runtime_template" "defaults" {
          name         = "defaults"
          display_name = "defaults"
          location     = "us-central1"
          machine_spec { machine_type = "e2-standard-4" }
        }
        resource "google_colab_runtime_template" "locked" {
          name         = "locked"
          display_name = "locked"
          location     = "us-central1"
          network_spec {
            enable_internet_access = true
            network                = "projects/p/global/networks/vpc"
          }
          encryption_spec { kms_key_name = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k" }
          shielded_vm_config { enable_secure_boot = true }
          idle_shutdown_config { idle_shutdown_disabled = true }
        }
        resource "google_colab_runtime" "r" {
          name         = "r"
          display_name = "r"
          location     = "us-central1"
          runtime_user = "a@example.com"
          notebook_runtime_template_ref {
            notebook_runtime_template = google_colab_runtime_template.locked.id
          }
        }
        """,
    )
    defaults = res["google_colab_runtime_template.defaults"]
    assert defaults.kind == "notebook"
    assert defaults.facts["notebook.direct_internet"] is False  # enable_internet_access defaults to false
    assert defaults.facts["encryption.cmk"] is False and defaults.facts["hardening.secure_boot"] is False
    assert defaults.facts["compute.idle_shutdown"] is True and defaults.facts["network.private"] is False
    locked = res["google_colab_runtime_template.locked"].facts
    assert (locked["notebook.direct_internet"], locked["network.private"], locked["encryption.cmk"]) == (
        True,
        True,
        True,
    )
    assert locked["compute.idle_shutdown"] is False
    runtime = res["google_colab_runtime.r"]
    assert runtime.facts["encryption.cmk"] is True and runtime.facts["notebook.direct_internet"] is True
    assert any(link.endswith("google_colab_runtime_template.locked") for link in runtime.links)


def test_feature_views_deployment_pools_and_feature_groups(tmp_path: Path) -> None:
    res = mapped(
        tmp_path,
        """
        resource "google_vertex_ai_feature_online_store" "s" {
          name   = "s"
          region = "us-central1"
          optimized {}
          dedicated_serving_endpoint { public_endpoint_disabled = false }
        }
        resource "google_vertex_ai_feature_online_store_featureview" "v" {
          name                 = "v"
          region               = "us-central1"
          feature_online_store = google_vertex_ai_feature_online_store.s.name
        }
        resource "google_vertex_ai_deployment_resource_pool" "pool" {
          name   = "pool"
          region = "us-central1"
          dedicated_resources {
            machine_spec { machine_type = "n1-standard-4" }
            min_replica_count = 1
          }
        }
        resource "google_vertex_ai_feature_group" "g" {
          name   = "g"
          region = "us-central1"
          big_query {
            big_query_source { input_uri = "bq://p.d.t" }
            entity_id_columns = ["id"]
          }
        }
        """,
    )
    view = res["google_vertex_ai_feature_online_store_featureview.v"]
    assert view.kind == "data_store" and view.facts["network.public"] is True
    assert res["google_vertex_ai_deployment_resource_pool.pool"].facts["encryption.cmk"] is False
    assert res["google_vertex_ai_feature_group.g"].facts["encryption.cmk"] is None  # the BigQuery table's key
