"""The plan face: planned values, after_unknown as set-by-reference, child modules, deleted resources."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.iac.graph import TfIndex
from scanner.iac.loader import load_paths
from scanner.iac.values import Ref, block

FIXTURES = Path(__file__).parent / "fixtures"


def test_plan_values_and_known_after_apply():
    load = load_paths([FIXTURES / "plan.json"])
    assert not load.errors
    by_address = {r.address: r for r in load.resources}
    nb = by_address["aws_sagemaker_notebook_instance.nb"]
    assert nb.source.kind == "plan" and nb.source.address == "aws_sagemaker_notebook_instance.nb"
    assert nb.attrs["kms_key_id"] == Ref("aws_kms_key.nb.arn")  # after_unknown + configuration reference
    assert nb.attrs["direct_internet_access"] == "Enabled"
    assert block(nb.attrs, "instance_metadata_service_configuration") == {
        "minimum_instance_metadata_service_version": "1"
    }


def test_child_module_resources_and_references_resolve_within_the_module():
    load = load_paths([FIXTURES / "plan.json"])
    index = TfIndex(load.resources)
    cfg = index.get("module.serving.aws_sagemaker_endpoint_configuration.cfg")
    assert cfg.module == "module.serving"
    assert cfg.attrs["kms_key_arn"] == Ref("aws_kms_key.k.arn")
    key = index.resolve(cfg.attrs["kms_key_arn"], cfg)
    assert key is not None and key.address == "module.serving.aws_kms_key.k"
    assert index.referencing(key) == [cfg]


def test_resources_being_deleted_are_not_scanned():
    load = load_paths([FIXTURES / "plan.json"])
    assert "aws_sagemaker_model.old" not in {r.address for r in load.resources}


def test_invalid_json_and_non_plan_json_are_errors_with_location(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": "1.2",\n "planned_values": [}')
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": "world"}))
    load = load_paths([bad, other])
    assert load.errors[0].where == f"{bad}:2" and "invalid JSON" in load.errors[0].reason
    assert "not a Terraform plan" in load.errors[1].reason


def test_real_corpus_plans_load(corpus_dir):
    load = load_paths([corpus_dir / "plans"])
    assert not load.errors
    types = {r.type for r in load.resources}
    assert "aws_sagemaker_notebook_instance" in types
    # nested child modules of the checkov plan are flattened with module-qualified addresses
    assert any(r.address.startswith("module.") for r in load.resources)
